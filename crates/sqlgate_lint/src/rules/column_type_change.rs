use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ActionKind, ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "column-type-change",
        code: "DS011",
        category: Category::Destructive,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "ALTER COLUMN ... TYPE (data loss on narrowing; rewrite)",
        what_it_does: "Flags `ALTER COLUMN ... TYPE` / `SET DATA TYPE` (and ClickHouse `MODIFY COLUMN` with a type) on a table that existed before the change set, including a column added to it in the change set (its type change rewrites the table just the same). Tables created in the change set are not flagged.",
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
    // A new table has no rows to lose or rewrite; on a table that existed before, even a
    // column added in the change set is rewritten in every row: the table's age counts.
    if ctx.is_new(ObjectType::Table, table) {
        return;
    }
    for action in actions {
        if let ActionKind::AlterColumnType { column, .. } = &action.kind {
            let violation = if ctx.is_new_column(table, column) {
                Violation::new(
                    action.span.clone(),
                    format!(
                        "type change of column {table}.{} (added in this change set) rewrites table {table} under an access exclusive lock",
                        column.name
                    ),
                    "give the column its final type in the add column",
                )
            } else {
                Violation::new(
                    action.span.clone(),
                    format!("type change of column {table}.{}", column.name),
                    "add a new column of the new type, backfill it, and switch the code over",
                )
            };
            out.push(violation);
        }
    }
}
