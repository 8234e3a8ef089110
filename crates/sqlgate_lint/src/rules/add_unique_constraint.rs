use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ConstraintKind, Statement};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "add-unique-constraint",
        code: "LK009",
        category: Category::Locking,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "ADD UNIQUE without USING INDEX on an existing table",
        what_it_does: "Flags `ALTER TABLE ... ADD [CONSTRAINT c] UNIQUE (...)` without `USING INDEX`, and `ADD COLUMN ... UNIQUE`, on a table that existed before the change set.",
        why_is_this_bad: "The constraint builds its unique index inside the `ALTER TABLE`, reading the whole table while holding an ACCESS EXCLUSIVE lock: no reads or writes until the index is built. An index built beforehand with `CREATE UNIQUE INDEX CONCURRENTLY` can be turned into the constraint instantly.",
        example: "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
        use_instead: "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    super::report_index_built_under_lock(
        statement,
        ctx,
        ConstraintKind::Unique,
        |def| def.unique,
        "create unique index concurrently, then add constraint ... unique using index",
        out,
    );
}
