use super::{is_repeatable, Check, HistoryContext, Located, Rule, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "out-of-order-migration",
        code: "IN004",
        category: Category::Integrity,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "new migration's version is older than the newest on the base branch",
        what_it_does: "With `--changed-since REF` (and in `sqlgate ci`), flags a migration file added since REF whose version sorts before the newest version that already existed at REF in the same directory. Flyway repeatable migrations (`R__*.sql`) are not versioned and are not compared.",
        why_is_this_bad: "Databases that already ran the newer migration are past this version. golang-migrate only moves forward from the current version and never runs it; goose and Flyway report it and stop (or ignore it) unless out-of-order runs are allowed; Atlas and `supabase db push` refuse to insert it before the last applied one. Where it does run, it runs after migrations that sort after it, unlike on a fresh database. It usually comes from a branch created before the newest migration merged.",
        example: "-- on main:        migrations/20240310_add_orders.sql\n-- in this branch: migrations/20240301_add_invoices.sql",
        use_instead: "-- rename the new migration to a version after the newest on main:\nmigrations/20240315_add_invoices.sql",
    },
    checks_down: false,
    check: Check::History(check),
};

fn check(ctx: &HistoryContext, out: &mut Vec<Located>) {
    let Some(history) = ctx.history else {
        return;
    };
    let migrations = &ctx.set.migrations;
    let newest_at_base = migrations
        .iter()
        .filter(|m| !is_repeatable(m) && !ctx.is_added(m.up.file))
        .max_by(|a, b| a.version.cmp(&b.version));
    let Some(newest) = newest_at_base else {
        return;
    };
    for &m in ctx.checked {
        let Some(migration) = ctx.migration(m) else {
            continue;
        };
        let older =
            migration.version < newest.version && !migration.version.same_order(&newest.version);
        if is_repeatable(migration) || !ctx.is_added(migration.up.file) || !older {
            continue;
        }
        out.push(Located {
            file: migration.up.file,
            violation: Violation::new(
                0..0,
                format!(
                    "new migration {} has version {}, older than version {} ({}) already on {}",
                    ctx.display(migration.up.file),
                    migration.version.text,
                    newest.version.text,
                    ctx.display(newest.up.file),
                    history.base
                ),
                format!(
                    "rename it to a version after {}: databases already past that version skip or refuse it",
                    newest.version.text
                ),
            ),
        });
    }
}
