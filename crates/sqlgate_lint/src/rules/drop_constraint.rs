use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ActionKind, ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "drop-constraint",
        code: "DS012",
        category: Category::Destructive,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "DROP CONSTRAINT / DROP NOT NULL / DROP DEFAULT (guarantee removed)",
        what_it_does: "Flags `DROP CONSTRAINT`, `ALTER COLUMN ... DROP NOT NULL`, `ALTER COLUMN ... DROP DEFAULT` and `ALTER COLUMN ... DROP EXPRESSION` (a generated column becomes a plain one) on tables that existed before the change set.",
        why_is_this_bad: "Constraints are guarantees other code relies on. Once removed, invalid rows (duplicates, orphans, NULLs) can be written immediately, and putting the guarantee back later requires cleaning them up first.",
        example: "ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;",
        use_instead: "-- keep the guarantee; if it must change, add the replacement first\nALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    let StatementKind::AlterTable { table, actions } = &statement.kind else {
        return;
    };
    if ctx.is_new(ObjectType::Table, table) {
        return;
    }
    for action in actions {
        let message = match &action.kind {
            ActionKind::DropConstraint { constraint, .. } => {
                format!("drop of constraint {} on table {table}", constraint.name)
            }
            ActionKind::DropNotNull { column } if !ctx.is_new_column(table, column) => {
                format!("drop of not null on column {table}.{}", column.name)
            }
            ActionKind::DropDefault { column } if !ctx.is_new_column(table, column) => {
                format!("drop of default on column {table}.{}", column.name)
            }
            ActionKind::DropExpression { column } if !ctx.is_new_column(table, column) => {
                format!(
                    "drop of generation expression on column {table}.{}",
                    column.name
                )
            }
            _ => continue,
        };
        out.push(Violation::new(
            action.span.clone(),
            message,
            "keep the guarantee, or add its replacement before removing it",
        ));
    }
}
