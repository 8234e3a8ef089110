use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ActionKind, Statement};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "add-not-null-column-without-default",
        code: "LK004",
        category: Category::Locking,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "ADD COLUMN ... NOT NULL without a DEFAULT on an existing table",
        what_it_does: "Flags `ALTER TABLE ... ADD COLUMN` of a `NOT NULL` (or `PRIMARY KEY`) column without a `DEFAULT` on a table that existed before the change set. Identity, generated and serial columns get values and are not flagged here.",
        why_is_this_bad: "Every existing row would get NULL in the new column, so the statement fails as soon as the table has a row: the migration that passed on an empty development database breaks in production. Even where it works, application code still running the old version inserts rows without the column and starts failing.",
        example: "ALTER TABLE orders ADD COLUMN status text NOT NULL;",
        use_instead: "-- add it nullable (or with a constant DEFAULT, metadata-only since Postgres 11)\nALTER TABLE orders ADD COLUMN status text;\n-- backfill in batches, then add NOT NULL without a long scan\nALTER TABLE orders ADD CONSTRAINT orders_status_not_null CHECK (status IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_status_not_null;\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_status_not_null;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

/// Types whose columns get a `nextval` default.
pub(super) const SERIAL_TYPES: &[&str] = &[
    "serial",
    "bigserial",
    "smallserial",
    "serial2",
    "serial4",
    "serial8",
];

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    let Some((table, actions)) = super::altered_existing_table(statement, ctx) else {
        return;
    };
    for action in actions {
        let ActionKind::AddColumn { column, def } = &action.kind else {
            continue;
        };
        let serial = def
            .data_type
            .as_ref()
            .is_some_and(|t| SERIAL_TYPES.contains(&t.name.as_str()));
        if (def.not_null || def.primary_key)
            && def.default.is_none()
            && def.generated.is_none()
            && !serial
        {
            out.push(Violation::new(
                action.span.clone(),
                format!(
                    "add column {table}.{} as not null without a default fails if table {table} has rows",
                    column.name
                ),
                "add the column nullable (or with a constant default), backfill it, then add not null through a validated check constraint",
            ));
        }
    }
}
