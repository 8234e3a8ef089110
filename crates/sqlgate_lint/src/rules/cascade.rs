use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ActionKind, ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "cascade",
        code: "DS006",
        category: Category::Destructive,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "DROP/TRUNCATE ... CASCADE (reaches objects not named)",
        what_it_does: "Flags `CASCADE` on `DROP`, `TRUNCATE` and `ALTER TABLE ... DROP COLUMN/CONSTRAINT`, unless every object named was created earlier in the change set.",
        why_is_this_bad: "CASCADE silently drops or empties every dependent object: views, foreign keys, and with TRUNCATE the rows of every referencing table. The statement names one object; the damage reaches objects nobody reviewed.",
        example: "DROP TABLE accounts CASCADE;\nTRUNCATE orders CASCADE;",
        use_instead: "-- drop or alter the dependent objects explicitly first, then use RESTRICT (the default)\nDROP VIEW account_summaries;\nDROP TABLE accounts;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    let help = "drop or change the dependent objects explicitly, then omit cascade";
    match &statement.kind {
        StatementKind::Drop {
            object,
            names,
            cascade,
            ..
        } if *cascade => {
            let reached = names.is_empty() || names.iter().any(|n| !ctx.is_new(*object, n));
            if reached {
                out.push(Violation::new(
                    statement.range.clone(),
                    format!(
                        "drop {} {} cascade also drops every dependent object",
                        object.as_str(),
                        list(names)
                    ),
                    help,
                ));
            }
        }
        StatementKind::Truncate { tables, cascade }
            if *cascade
                && (tables.is_empty()
                    || tables.iter().any(|t| !ctx.is_new(ObjectType::Table, t))) =>
        {
            out.push(Violation::new(
                statement.range.clone(),
                format!(
                    "truncate {} cascade also empties every referencing table",
                    list(tables)
                ),
                help,
            ));
        }
        StatementKind::AlterTable { table, actions } => {
            for action in actions {
                let target = match &action.kind {
                    ActionKind::DropColumn {
                        column,
                        cascade: true,
                    } if !ctx.is_new_column(table, column) => {
                        format!("column {table}.{}", column.name)
                    }
                    ActionKind::DropConstraint {
                        constraint,
                        cascade: true,
                    } if !ctx.is_new(ObjectType::Table, table) => {
                        format!("constraint {} on {table}", constraint.name)
                    }
                    _ => continue,
                };
                out.push(Violation::new(
                    action.span.clone(),
                    format!("drop of {target} cascade also drops every dependent object"),
                    help,
                ));
            }
        }
        _ => {}
    }
}

fn list(names: &[sqlgate_sql::model::Name]) -> String {
    if names.is_empty() {
        return "(name computed at run time)".into();
    }
    names
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
