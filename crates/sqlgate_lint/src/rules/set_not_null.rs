use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ActionKind, Statement};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "set-not-null",
        code: "LK006",
        category: Category::Locking,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "ALTER COLUMN SET NOT NULL on an existing table",
        what_it_does: "Flags `ALTER TABLE ... ALTER COLUMN ... SET NOT NULL` on a table that existed before the change set, unless a validated `CHECK (column IS NOT NULL)` constraint on the column is already in place. A column added in the change set to such a table is flagged too: the scan reads every row of the table whatever the column's age. Tables created in the change set are not flagged. Not reported when the column is already `NOT NULL` (as earlier migrations left it), or when the same `ALTER TABLE` changes a column's type: that rewrite checks the constraint as it goes.",
        why_is_this_bad: "`SET NOT NULL` scans the whole table to prove there is no NULL, holding an ACCESS EXCLUSIVE lock that blocks every read and write until the scan ends. Since Postgres 12 the scan is skipped when a valid `CHECK (column IS NOT NULL)` constraint already proves it, and that constraint can be validated without blocking.",
        example: "ALTER TABLE orders ALTER COLUMN status SET NOT NULL;",
        use_instead: "ALTER TABLE orders ADD CONSTRAINT orders_status_not_null CHECK (status IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_status_not_null;\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_status_not_null;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    let Some((table, actions)) = super::altered_existing_table(statement, ctx) else {
        return;
    };
    // A type change in the same statement rewrites the table, checking NOT NULL as it goes:
    // no scan of its own.
    let rewritten = actions
        .iter()
        .any(|a| matches!(a.kind, ActionKind::AlterColumnType { .. }));
    for action in actions {
        let ActionKind::SetNotNull { column } = &action.kind else {
            continue;
        };
        // The scan reads the whole table, however new the column: only the table's age
        // counts. Already NOT NULL, there is nothing to check.
        if rewritten
            || ctx.catalog.has_not_null_check(table, column)
            || ctx.catalog.is_not_null(table, column)
        {
            continue;
        }
        out.push(Violation::new(
            action.span.clone(),
            format!(
                "set not null on column {table}.{} scans table {table} under an access exclusive lock",
                column.name
            ),
            "add check (column is not null) not valid, validate it, then set not null (no scan on postgres 12+) and drop the check",
        ));
    }
}
