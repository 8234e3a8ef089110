use super::empty_down_migration::section_has_effect;
use super::{
    Check, DownExpectation, DownView, Located, MigrationContext, Rule, RuleMeta, Violation,
};
use sqlgate_core::finding::{Category, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "missing-down-migration",
        code: "RV001",
        category: Category::Reversibility,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "reversible framework, no down file/section",
        what_it_does: "Flags a migration that has no down migration although its framework expects one (`reversibility` is `down-file`, the default for golang-migrate, sqlx, diesel, sourcegraph, dbmate, goose, popx and Flyway): no `.down.sql` next to the `.up.sql` (for popx, no down of the version that runs on PostgreSQL), no `down.sql` in the diesel/sourcegraph directory, no `-- migrate:down` or `-- +goose Down` section, or, in a Flyway project that has undo migrations, no `U<version>__*.sql` for a `V<version>__*.sql`. A migration whose up does nothing is not reported. Frameworks that have no down migrations at all (Supabase, Prisma, Atlas, plain SQL, and Flyway projects without a single undo file) are never reported, even when configured as `down-file`: there is no file they could ship; use `rollback-note` for them.",
        why_is_this_bad: "When a deploy goes wrong, the down migration is the prepared way back. Without it, rolling back means writing SQL by hand under pressure against a production database, and the migration tool cannot step back past this version.",
        example: "-- db/migrations/000042_add_invoices.up.sql, with no 000042_add_invoices.down.sql\nCREATE TABLE invoices (id bigint PRIMARY KEY, total numeric NOT NULL);",
        use_instead: "-- db/migrations/000042_add_invoices.down.sql\nDROP TABLE invoices;",
    },
    checks_down: false,
    check: Check::Migration(check),
};

fn check(ctx: &MigrationContext, out: &mut Vec<Located>) {
    if ctx.expectation != DownExpectation::DownFile {
        return;
    }
    // `NotSupported` (no down mechanism at all) is deliberately not reported: see the docs.
    let DownView::Missing(what) = ctx.down else {
        return;
    };
    if !section_has_effect(&ctx.up) {
        return;
    }
    out.push(Located {
        file: ctx.up.file,
        violation: Violation::new(
            ctx.up.anchor(),
            format!(
                "migration {} has no down migration ({what})",
                ctx.version
            ),
            "add a down migration that undoes this migration, so a failed deploy can be rolled back",
        ),
    });
}
