use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ActionKind, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "drop-column",
        code: "DS002",
        category: Category::Destructive,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "ALTER TABLE ... DROP COLUMN",
        what_it_does: "Flags `ALTER TABLE ... DROP COLUMN` on a column that existed before the change set, unless a replayed migration made it a generated column (`GENERATED ALWAYS AS (...) STORED` or `VIRTUAL`: its values are computed from the other columns, so dropping it loses no data).",
        why_is_this_bad: "The column's data is gone once the migration commits, and application code (or an ORM that selects every column) that still references it fails until it is redeployed.",
        example: "ALTER TABLE users DROP COLUMN email;",
        use_instead: "-- 1. deploy code that no longer reads or writes the column\n-- 2. back up the column's data\n-- 3. drop it in a later migration\nCREATE TABLE users_email_backup AS SELECT id, email FROM users;\nALTER TABLE users DROP COLUMN email;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    let StatementKind::AlterTable { table, actions } = &statement.kind else {
        return;
    };
    for action in actions {
        if let ActionKind::DropColumn { column, .. } = &action.kind {
            // A generated column's values are computed from the others: nothing is lost.
            if !ctx.is_new_column(table, column) && !ctx.catalog.is_generated(table, column) {
                out.push(Violation::new(
                    action.span.clone(),
                    format!("drop of column {table}.{}", column.name),
                    "back up the column and deploy code that no longer uses it before dropping it",
                ));
            }
        }
    }
}
