//! The sqlparser path: parses one statement and, for the statements the rules care about,
//! builds the model from the AST. Byte spans are borrowed from the token classifier's view of
//! the same statement (the AST has no positions for most of what we report).

use std::ops::Range;

use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, CascadeOption, DropBehavior, FromTable,
    ObjectNamePart, ReferentialAction, RenameTableNameKind, TableFactor,
};
use sqlparser::dialect::{ClickHouseDialect, PostgreSqlDialect};
use sqlparser::parser::Parser;

use crate::lexer::Dialect;
use crate::model::{ActionKind, AlterAction, ColumnDef, Name, ObjectType, StatementKind};

/// Deep nesting is rejected by sqlparser's recursion guard instead of overflowing the stack.
const RECURSION_LIMIT: usize = 64;

/// Parses exactly one statement.
pub fn parse(sql: &str, dialect: Dialect) -> Result<ast::Statement, String> {
    let parsed = match dialect {
        Dialect::Postgres => Parser::new(&PostgreSqlDialect {})
            .with_recursion_limit(RECURSION_LIMIT)
            .try_with_sql(sql)
            .and_then(|mut p| p.parse_statements()),
        Dialect::ClickHouse => Parser::new(&ClickHouseDialect {})
            .with_recursion_limit(RECURSION_LIMIT)
            .try_with_sql(sql)
            .and_then(|mut p| p.parse_statements()),
    };
    match parsed {
        Ok(mut statements) if statements.len() == 1 => {
            statements.pop().ok_or_else(|| "no statement".to_string())
        }
        Ok(statements) => Err(format!(
            "expected one statement, sqlparser read {}",
            statements.len()
        )),
        Err(err) => Err(err.to_string()),
    }
}

/// Normalizes names like the classifier does, so AST names can be matched to token spans.
struct Namer<'a> {
    dialect: Dialect,
    /// Names (with spans) the classifier found in the same statement.
    known: Vec<&'a Name>,
    fallback: Range<usize>,
}

impl Namer<'_> {
    fn ident(&self, ident: &ast::Ident) -> String {
        match (ident.quote_style, self.dialect) {
            (None, Dialect::Postgres) => ident.value.to_ascii_lowercase(),
            _ => ident.value.clone(),
        }
    }

    fn object(&self, name: &ast::ObjectName) -> Name {
        let mut parts: Vec<String> = name
            .0
            .iter()
            .map(|part| match part {
                ObjectNamePart::Identifier(ident) => self.ident(ident),
                ObjectNamePart::Function(f) => f.to_string(),
            })
            .collect();
        let last = parts.pop().unwrap_or_default();
        self.named(parts.pop(), last)
    }

    fn single(&self, ident: &ast::Ident) -> Name {
        self.named(None, self.ident(ident))
    }

    fn named(&self, schema: Option<String>, name: String) -> Name {
        let span = self
            .known
            .iter()
            .find(|k| k.name == name && (schema.is_none() || k.schema == schema))
            .map_or_else(|| self.fallback.clone(), |k| k.span.clone());
        Name { schema, name, span }
    }
}

/// The model of a parsed statement, for the statement types the rules read; `None` leaves
/// the classifier's model in place (both agree on everything else).
pub fn model(
    statement: &ast::Statement,
    tokens_view: &StatementKind,
    range: &Range<usize>,
    dialect: Dialect,
) -> Option<StatementKind> {
    let namer = Namer {
        dialect,
        known: tokens_view.names(),
        fallback: range.start..range.end,
    };
    let cascade_behaviour = |b: &Option<DropBehavior>| matches!(b, Some(DropBehavior::Cascade));
    let kind = match statement {
        ast::Statement::Drop {
            object_type,
            if_exists,
            names,
            cascade,
            ..
        } => StatementKind::Drop {
            object: object_type_of(object_type),
            names: names.iter().map(|n| namer.object(n)).collect(),
            on: None,
            if_exists: *if_exists,
            cascade: *cascade,
        },
        ast::Statement::DropFunction(drop) => StatementKind::Drop {
            object: ObjectType::Function,
            names: drop
                .func_desc
                .iter()
                .map(|f| namer.object(&f.name))
                .collect(),
            on: None,
            if_exists: drop.if_exists,
            cascade: cascade_behaviour(&drop.drop_behavior),
        },
        ast::Statement::DropProcedure {
            if_exists,
            proc_desc,
            drop_behavior,
        } => StatementKind::Drop {
            object: ObjectType::Procedure,
            names: proc_desc.iter().map(|f| namer.object(&f.name)).collect(),
            on: None,
            if_exists: *if_exists,
            cascade: cascade_behaviour(drop_behavior),
        },
        ast::Statement::DropPolicy(drop) => StatementKind::Drop {
            object: ObjectType::Policy,
            names: vec![namer.single(&drop.name)],
            on: Some(Box::new(namer.object(&drop.table_name))),
            if_exists: drop.if_exists,
            cascade: cascade_behaviour(&drop.drop_behavior),
        },
        ast::Statement::DropTrigger(drop) => StatementKind::Drop {
            object: ObjectType::Trigger,
            names: vec![namer.object(&drop.trigger_name)],
            on: drop.table_name.as_ref().map(|t| Box::new(namer.object(t))),
            if_exists: drop.if_exists,
            cascade: matches!(drop.option, Some(ReferentialAction::Cascade)),
        },
        ast::Statement::DropExtension(drop) => StatementKind::Drop {
            object: ObjectType::Extension,
            names: drop.names.iter().map(|n| namer.single(n)).collect(),
            on: None,
            if_exists: drop.if_exists,
            cascade: matches!(drop.cascade_or_restrict, Some(ReferentialAction::Cascade)),
        },
        ast::Statement::DropDomain(drop) => StatementKind::Drop {
            object: ObjectType::Domain,
            names: vec![namer.object(&drop.name)],
            on: None,
            if_exists: drop.if_exists,
            cascade: cascade_behaviour(&drop.drop_behavior),
        },
        ast::Statement::Truncate(truncate) => StatementKind::Truncate {
            tables: truncate
                .table_names
                .iter()
                .map(|t| namer.object(&t.name))
                .collect(),
            cascade: matches!(truncate.cascade, Some(CascadeOption::Cascade)),
        },
        ast::Statement::Delete(delete) => {
            let tables = match &delete.from {
                FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t) => t,
            };
            let table = tables
                .first()
                .and_then(|t| table_factor_name(&t.relation))?;
            StatementKind::Delete {
                table: namer.object(table),
                has_where: delete.selection.is_some(),
            }
        }
        ast::Statement::Update(update) => StatementKind::Update {
            table: namer.object(table_factor_name(&update.table.relation)?),
            has_where: update.selection.is_some(),
            // The assigned columns, with their spans, come from tokens.
            columns: match tokens_view {
                StatementKind::Update { columns, .. } => columns.clone(),
                _ => Box::default(),
            },
        },
        ast::Statement::CreateTable(create) => {
            // Column details, partitioning and their spans come from tokens.
            let (columns, partitioned, clauses) = match tokens_view {
                StatementKind::CreateTable {
                    columns,
                    partitioned,
                    clauses,
                    ..
                } => (columns.clone(), *partitioned, clauses.clone()),
                _ => (Box::default(), false, None),
            };
            StatementKind::CreateTable {
                table: namer.object(&create.name),
                temporary: create.temporary,
                if_not_exists: create.if_not_exists,
                columns,
                partitioned,
                clauses,
            }
        }
        ast::Statement::CreateIndex(create) => StatementKind::CreateIndex {
            name: create.name.as_ref().map(|n| Box::new(namer.object(n))),
            table: namer.object(&create.table_name),
            concurrently: create.concurrently,
            only: matches!(tokens_view, StatementKind::CreateIndex { only: true, .. }),
            unique: create.unique,
            columns: match tokens_view {
                StatementKind::CreateIndex { columns, .. } => columns.clone(),
                _ => Box::default(),
            },
        },
        ast::Statement::AlterTable(alter) => {
            let StatementKind::AlterTable {
                actions: token_actions,
                ..
            } = tokens_view
            else {
                return None;
            };
            // Spans come from the classifier's comma-separated actions; if the two views
            // disagree on how many actions there are, its model is kept as is.
            if token_actions.len() != alter.operations.len() {
                return None;
            }
            let actions = alter
                .operations
                .iter()
                .zip(token_actions)
                .map(|(op, token_action)| {
                    let namer = Namer {
                        dialect,
                        known: token_action.kind.names(),
                        fallback: token_action.span.clone(),
                    };
                    AlterAction {
                        kind: action_kind(op, &namer, dialect, &token_action.kind)
                            .unwrap_or_else(|| token_action.kind.clone()),
                        span: token_action.span.clone(),
                    }
                })
                .collect();
            StatementKind::AlterTable {
                table: namer.object(&alter.name),
                actions,
            }
        }
        // Transaction control (`END`, `ABORT`, `AND CHAIN`, savepoints, `PREPARE TRANSACTION`)
        // is read from tokens alone, whether sqlparser knows the form or not.
        ast::Statement::StartTransaction { .. }
        | ast::Statement::Commit { .. }
        | ast::Statement::Rollback { .. }
        | ast::Statement::Savepoint { .. }
        | ast::Statement::ReleaseSavepoint { .. } => return None,
        _ => return None,
    };
    Some(kind)
}

fn table_factor_name(factor: &TableFactor) -> Option<&ast::ObjectName> {
    match factor {
        TableFactor::Table { name, .. } => Some(name),
        _ => None,
    }
}

fn object_type_of(object: &ast::ObjectType) -> ObjectType {
    match object {
        ast::ObjectType::Table => ObjectType::Table,
        ast::ObjectType::View => ObjectType::View,
        ast::ObjectType::MaterializedView => ObjectType::MaterializedView,
        ast::ObjectType::Index => ObjectType::Index,
        ast::ObjectType::Schema => ObjectType::Schema,
        ast::ObjectType::Database => ObjectType::Database,
        ast::ObjectType::Sequence => ObjectType::Sequence,
        ast::ObjectType::Type => ObjectType::Type,
        _ => ObjectType::Other,
    }
}

/// `None` for operations the rules do not distinguish (the classifier's kind is kept).
/// The AST decides what an action is and which column it names; the column definition,
/// constraint and type details (with their spans) come from the token view of the action.
fn action_kind(
    op: &AlterTableOperation,
    namer: &Namer,
    dialect: Dialect,
    token_kind: &ActionKind,
) -> Option<ActionKind> {
    let clickhouse = dialect == Dialect::ClickHouse;
    let kind = match op {
        AlterTableOperation::AddColumn { column_def, .. } => ActionKind::AddColumn {
            column: namer.single(&column_def.name),
            def: match token_kind {
                ActionKind::AddColumn { def, .. } => def.clone(),
                _ => ColumnDef::default(),
            },
        },
        // The constraint's details are read from tokens only.
        AlterTableOperation::AddConstraint { .. } => return None,
        AlterTableOperation::DropColumn {
            column_names,
            drop_behavior,
            ..
        } => ActionKind::DropColumn {
            column: namer.single(column_names.first()?),
            cascade: matches!(drop_behavior, Some(DropBehavior::Cascade)),
        },
        AlterTableOperation::DropConstraint {
            name,
            drop_behavior,
            ..
        } => ActionKind::DropConstraint {
            constraint: namer.single(name),
            cascade: matches!(drop_behavior, Some(DropBehavior::Cascade)),
        },
        AlterTableOperation::RenameTable { table_name } => ActionKind::RenameTable {
            to: match table_name {
                RenameTableNameKind::As(n) | RenameTableNameKind::To(n) => namer.object(n),
            },
        },
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => ActionKind::RenameColumn {
            column: namer.single(old_column_name),
            to: namer.single(new_column_name),
        },
        AlterTableOperation::AlterColumn { column_name, op } => {
            let column = namer.single(column_name);
            match op {
                AlterColumnOperation::SetDataType { using, .. } => ActionKind::AlterColumnType {
                    column,
                    data_type: match token_kind {
                        ActionKind::AlterColumnType { data_type, .. } => data_type.clone(),
                        _ => None,
                    },
                    using: using.is_some(),
                },
                AlterColumnOperation::DropNotNull => ActionKind::DropNotNull { column },
                AlterColumnOperation::DropDefault => ActionKind::DropDefault { column },
                AlterColumnOperation::SetNotNull => ActionKind::SetNotNull { column },
                _ => return None,
            }
        }
        AlterTableOperation::EnableRowLevelSecurity => ActionKind::EnableRls,
        AlterTableOperation::DisableRowLevelSecurity => ActionKind::DisableRls,
        AlterTableOperation::ForceRowLevelSecurity => ActionKind::ForceRls,
        AlterTableOperation::NoForceRowLevelSecurity => ActionKind::NoForceRls,
        AlterTableOperation::DetachPartition { .. } if clickhouse => ActionKind::DetachPartition,
        AlterTableOperation::DropPartitions { .. } if clickhouse => ActionKind::DropPartition,
        _ => return None,
    };
    Some(kind)
}
