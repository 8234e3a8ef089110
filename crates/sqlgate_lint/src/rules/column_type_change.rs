use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ActionKind, DataType, ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "column-type-change",
        code: "DS011",
        category: Category::Destructive,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "ALTER COLUMN ... TYPE (data loss on narrowing; rewrite)",
        what_it_does: "Flags `ALTER COLUMN ... TYPE` / `SET DATA TYPE` (and ClickHouse `MODIFY COLUMN` with a type) on a table that existed before the change set, including a column added to it in the change set (its type change rewrites the table just the same). Tables created in the change set are not flagged, nor tables it emptied first (`TRUNCATE`, or `DELETE` without `WHERE`, with no `INSERT` after). A change that keeps every value and rewrites nothing, from the column's type as earlier migrations left it, is not reported: the same type, a longer or unbounded `varchar`, or `varchar` to `text` (without `USING`).",
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
    // Likewise a table the change set emptied (`TRUNCATE`) before the change.
    if ctx.is_new(ObjectType::Table, table) || ctx.is_emptied(table) {
        return;
    }
    for action in actions {
        if let ActionKind::AlterColumnType {
            column,
            data_type,
            using,
        } = &action.kind
        {
            let old = ctx.catalog.column_type(table, column);
            if !using
                && old
                    .zip(data_type.as_ref())
                    .is_some_and(|(old, new)| keeps_every_value(old, new))
            {
                continue;
            }
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

/// Whether changing a column from `old` to `new` keeps every value and rewrites nothing, as
/// PostgreSQL does it: the same type, a longer (or unbounded) `varchar`, or a `varchar` to
/// `text` (binary-coercible, no table rewrite since PostgreSQL 9.2).
fn keeps_every_value(old: &DataType, new: &DataType) -> bool {
    let varchar = |t: &DataType| matches!(t.name.as_str(), "varchar" | "character varying");
    if old.array != new.array {
        return false;
    }
    // Modifiers count as the same only when both are read in full (`varchar(20)`), not
    // `numeric(10,2)` against `numeric(12,4)`.
    let same = old.name == new.name
        && ((!old.modifiers && !new.modifiers)
            || (old.length.is_some() && old.length == new.length));
    let widened = varchar(old)
        && varchar(new)
        && match (old.length, new.length) {
            (_, None) => !new.modifiers,
            (Some(from), Some(to)) => to >= from,
            (None, Some(_)) => false,
        };
    let to_text = (varchar(old) || old.name == "text") && new.name == "text" && !new.modifiers;
    same || widened || to_text
}
