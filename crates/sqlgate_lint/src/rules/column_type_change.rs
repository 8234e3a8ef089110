use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ActionKind, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "column-type-change",
        code: "DS011",
        category: Category::Destructive,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "ALTER COLUMN ... TYPE (data loss on narrowing; rewrite)",
        what_it_does: "Flags `ALTER COLUMN ... TYPE` / `SET DATA TYPE` (and ClickHouse `MODIFY COLUMN` with a type) on a column that existed before the change set.",
        why_is_this_bad: "Narrowing a type truncates or rejects existing values, and most type changes rewrite the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes for the duration.",
        example: "ALTER TABLE orders ALTER COLUMN amount TYPE integer;",
        use_instead: "-- add a column of the new type, backfill in batches, switch the code, drop the old column later\nALTER TABLE orders ADD COLUMN amount_cents bigint;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    let StatementKind::AlterTable { table, actions } = &statement.kind else {
        return;
    };
    for action in actions {
        if let ActionKind::AlterColumnType { column, .. } = &action.kind {
            if !ctx.is_new_column(table, column) {
                out.push(Violation::new(
                    action.span.clone(),
                    format!("type change of column {table}.{}", column.name),
                    "add a new column of the new type, backfill it, and switch the code over",
                ));
            }
        }
    }
}
