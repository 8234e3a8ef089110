use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ActionKind, ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "rename",
        code: "DS010",
        category: Category::Destructive,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "RENAME of table, column, schema, type value (breaks running code)",
        what_it_does: "Flags renames of tables, views, columns, schemas, types, domains, sequences, functions and enum values that existed before the change set, including ClickHouse `RENAME TABLE`, and `SET SCHEMA`, which moves an object and breaks schema-qualified references the same way.",
        why_is_this_bad: "The old name disappears the moment the migration commits, while the running application (and every replica of it until the deploy finishes) still uses it: queries fail until the new code is everywhere.",
        example: "ALTER TABLE users RENAME COLUMN name TO full_name;",
        use_instead: "-- expand and contract: add the new column, write both, backfill, switch reads, then drop the old one\nALTER TABLE users ADD COLUMN full_name text;\nUPDATE users SET full_name = name WHERE full_name IS NULL;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

const HELP: &str =
    "add the new name alongside the old one, migrate the code, then remove the old name";

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    match &statement.kind {
        StatementKind::AlterTable { table, actions } => {
            for action in actions {
                let message = match &action.kind {
                    ActionKind::RenameTable { to } if !ctx.is_new(ObjectType::Table, table) => {
                        format!("rename of table {table} to {}", to.name)
                    }
                    ActionKind::RenameColumn { column, to }
                        if !ctx.is_new_column(table, column) =>
                    {
                        format!("rename of column {table}.{} to {}", column.name, to.name)
                    }
                    ActionKind::SetSchema { schema } if !ctx.is_new(ObjectType::Table, table) => {
                        format!("move of table {table} to schema {}", schema.name)
                    }
                    _ => continue,
                };
                out.push(Violation::new(action.span.clone(), message, HELP));
            }
        }
        // Index names are not part of what running code refers to.
        StatementKind::Rename { object, name, to }
            if *object != ObjectType::Index && !ctx.is_new(*object, name) =>
        {
            out.push(Violation::new(
                statement.range.clone(),
                format!("rename of {} {name} to {}", object.as_str(), to.name),
                HELP,
            ));
        }
        StatementKind::SetSchema {
            object,
            name,
            schema,
        } if !ctx.is_new(*object, name) => {
            out.push(Violation::new(
                statement.range.clone(),
                format!(
                    "move of {} {name} to schema {}",
                    object.as_str(),
                    schema.name
                ),
                HELP,
            ));
        }
        StatementKind::RenameEnumValue { name, value } if !ctx.is_new(ObjectType::Type, name) => {
            out.push(Violation::new(
                statement.range.clone(),
                format!("rename of value '{value}' of type {name}"),
                HELP,
            ));
        }
        StatementKind::RenameTables { pairs } => {
            for (from, to) in pairs {
                if !ctx.is_new(ObjectType::Table, from) {
                    out.push(Violation::new(
                        statement.range.clone(),
                        format!("rename of table {from} to {to}"),
                        HELP,
                    ));
                }
            }
        }
        _ => {}
    }
}
