use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{Name, ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "backfill-in-transaction",
        code: "LK016",
        category: Category::Locking,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "UPDATE of every row to backfill a new column, inside the migration's transaction",
        what_it_does: "Flags, in PostgreSQL migrations, an `UPDATE` without `WHERE` that only sets columns added in the change set (or by the migration just before it: adding a column in one migration and filling it in the next is the advised split) to a table that existed before it (a backfill), when it runs inside a transaction: the framework's, an explicit `BEGIN ... COMMIT`, the implicit one of a file sent as one query, or a DO block's (not in a function body, which runs only when called), and the transaction holds other statements too (alone in it, the update keeps its locks no longer than on its own). A backfill destroys nothing that existed before, so update-without-where does not report it; this rule reports its locking instead. An `UPDATE` of a table created in the change set is not flagged.",
        why_is_this_bad: "The `UPDATE` writes a new version of every row and keeps each row locked until the transaction commits: on a large table that takes long, blocks every write to the table meanwhile, and bloats it. When the column was added in the same transaction, the `ADD COLUMN`'s ACCESS EXCLUSIVE lock is still held too, so even reads wait until the backfill and the rest of the migration commit.",
        example: "ALTER TABLE orders ADD COLUMN status text;\nUPDATE orders SET status = 'open';",
        use_instead: "-- a constant value: a default is metadata only since Postgres 11, no backfill\nALTER TABLE orders ADD COLUMN status text DEFAULT 'open';\n\n-- a computed value: add the column, then backfill in batches outside the migration's\n-- transaction (one short transaction per batch), e.g. from a job or repeated by hand:\nUPDATE orders SET status = 'open'\nWHERE id IN (SELECT id FROM orders WHERE status IS NULL LIMIT 10000);",
    },
    checks_down: false,
    check: Check::Statement(check),
};

/// Whether an `UPDATE` of `table` only sets columns added in the change set, or by the
/// migration just before, to a table that existed before it (a backfill); false when its
/// columns could not be read.
pub(super) fn only_new_columns(table: &Name, columns: &[Name], ctx: &RuleContext) -> bool {
    !columns.is_empty()
        && !ctx.is_new(ObjectType::Table, table)
        && columns.iter().all(|c| ctx.is_backfill_target(table, c))
}

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    if ctx.dialect != Dialect::Postgres || !statement.origin.runs_in_migration() {
        return;
    }
    // A DO block always runs in a transaction (the migration's, or its own).
    if ctx.place.transaction.is_none() {
        return;
    }
    let StatementKind::Update {
        table,
        has_where: false,
        columns,
    } = &statement.kind
    else {
        return;
    };
    // Alone in the framework's transaction, the update holds its row locks no longer than
    // it would on its own: the transaction adds nothing to report.
    if !only_new_columns(table, columns, ctx) || ctx.is_alone() {
        return;
    }
    let mut names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    names.dedup();
    let (noun, listed) = match names.as_slice() {
        [one] => ("column", format!("{table}.{one}")),
        many => ("columns", format!("{table}.({})", many.join(", "))),
    };
    // Added by this migration: its ADD COLUMN's access exclusive lock is still held.
    let same_migration = columns
        .iter()
        .all(|c| ctx.catalog.column_created_in(table, c) == Some(ctx.migration));
    let held = if same_migration {
        format!("table {table} stays locked against reads and writes (the add column's access exclusive lock) until the transaction commits")
    } else {
        "every row stays locked until the transaction commits".to_string()
    };
    out.push(Violation::new(
        statement.range.clone(),
        format!("backfill of new {noun} {listed} updates every row of table {table} inside a transaction: {held}"),
        "for a constant, give the column a default in its add column instead (metadata only since postgres 11); otherwise backfill in batches of a few thousand rows, each in its own short transaction, outside the migration's transaction",
    ));
}
