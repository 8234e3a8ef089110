use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "update-without-where",
        code: "DS008",
        category: Category::Destructive,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "UPDATE with no WHERE",
        what_it_does: "Flags `UPDATE` without a `WHERE` clause on a table that existed before the change set, unless it only sets columns added in the change set, or by the migration just before it (a backfill of a new column overwrites nothing that existed before; adding a column in one migration and filling it in the next is the advised split; the backfill's locking is backfill-in-transaction's concern). A table named with a schema in one statement and without it in another is the same table when the migrations know no other of that name.",
        why_is_this_bad: "Without WHERE, UPDATE overwrites the column in every row: the previous values are gone, and on a large table the update rewrites it while holding row locks on all of it.",
        example: "UPDATE users SET plan = 'free';",
        use_instead: "UPDATE users SET plan = 'free' WHERE plan IS NULL;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    if let StatementKind::Update {
        table,
        has_where: false,
        columns,
    } = &statement.kind
    {
        // A new table, or a backfill of columns added in the change set: nothing that
        // existed before is overwritten (backfill-in-transaction looks at its locking).
        if !ctx.is_new(ObjectType::Table, table)
            && !super::backfill_in_transaction::only_new_columns(table, columns, ctx)
        {
            out.push(Violation::new(
                statement.range.clone(),
                format!("update of every row of table {table}"),
                "add a where clause that selects only the rows to change",
            ));
        }
    }
}
