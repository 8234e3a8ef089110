//! Shared by the style rules (ST001–ST007): every column type a statement introduces.

use super::{RuleContext, Violation};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{ActionKind, DataType, Name, Statement, StatementKind};

/// `(table, column, type)` for each column of `CREATE TABLE`, each `ADD COLUMN` and each
/// `ALTER COLUMN ... TYPE` whose type could be read, in statement order.
pub(crate) fn each_column_type(
    statement: &Statement,
) -> impl Iterator<Item = (&Name, &Name, &DataType)> {
    let mut out = Vec::new();
    match &statement.kind {
        StatementKind::CreateTable { table, columns, .. } => {
            for spec in columns {
                if let Some(data_type) = &spec.def.data_type {
                    out.push((table, &spec.name, data_type));
                }
            }
        }
        StatementKind::AlterTable { table, actions } => {
            for action in actions {
                match &action.kind {
                    ActionKind::AddColumn { column, def } => {
                        if let Some(data_type) = &def.data_type {
                            out.push((table, column, data_type));
                        }
                    }
                    ActionKind::AlterColumnType {
                        column,
                        data_type: Some(data_type),
                        ..
                    } => out.push((table, column, data_type)),
                    _ => {}
                }
            }
        }
        _ => {}
    }
    out.into_iter()
}

/// Whether a type's name is one of `names` (already normalized: lower case, single spaces).
pub(crate) fn is_one_of(data_type: &DataType, names: &[&str]) -> bool {
    names.contains(&data_type.name.as_str())
}

/// Reports, at the type's span, each column type for which `describe` says what is wrong with
/// it: `column {table}.{column} is {description}`. Postgres only.
pub(crate) fn report_column_types(
    statement: &Statement,
    ctx: &RuleContext,
    out: &mut Vec<Violation>,
    describe: impl Fn(&DataType) -> Option<String>,
    help: &str,
) {
    if ctx.dialect != Dialect::Postgres {
        return;
    }
    for (table, column, data_type) in each_column_type(statement) {
        if let Some(description) = describe(data_type) {
            out.push(Violation::new(
                data_type.span.clone(),
                format!("column {table}.{} is {description}", column.name),
                help,
            ));
        }
    }
}
