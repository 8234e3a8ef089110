//! Catalog replay: the objects the migrations of one set create, in version order, so rules
//! can tell an object created earlier in the change set from one that existed before it.

use std::collections::HashMap;
use std::ops::Range;

use crate::discover::FileId;
use crate::model::{ActionKind, Name, ObjectType, Statement, StatementKind};

/// Index of a migration within its set (version order).
pub type MigrationIndex = usize;

/// Where something happened: the migration, the file and the byte span (usually the name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub migration: MigrationIndex,
    pub file: FileId,
    pub span: Range<usize>,
}

#[derive(Debug, Default, Clone)]
pub struct Catalog {
    objects: HashMap<(ObjectType, String), Site>,
    columns: HashMap<(String, String), MigrationIndex>,
}

/// Relations share one namespace in Postgres, so a view dropped with DROP TABLE is found.
fn namespace(object: ObjectType) -> ObjectType {
    match object {
        ObjectType::View | ObjectType::MaterializedView => ObjectType::Table,
        ObjectType::Procedure | ObjectType::Aggregate => ObjectType::Function,
        ObjectType::Domain => ObjectType::Type,
        other => other,
    }
}

impl Catalog {
    /// The migration that created this object, if a replayed migration did.
    pub fn created_in(&self, object: ObjectType, name: &Name) -> Option<MigrationIndex> {
        self.created_at(object, name).map(|site| site.migration)
    }

    /// Where a replayed migration created this object (the span of its name).
    pub fn created_at(&self, object: ObjectType, name: &Name) -> Option<&Site> {
        self.objects.get(&(namespace(object), name.key()))
    }

    /// The migration that added this column (or created its table), if a replayed one did.
    pub fn column_created_in(&self, table: &Name, column: &Name) -> Option<MigrationIndex> {
        self.columns
            .get(&(table.key(), column.name.clone()))
            .copied()
    }

    fn create(&mut self, object: ObjectType, name: &Name, at: &At) {
        let site = Site {
            migration: at.migration,
            file: at.file,
            span: name.span.clone(),
        };
        self.objects.insert((namespace(object), name.key()), site);
    }

    fn remove(&mut self, object: ObjectType, name: &Name) {
        let key = name.key();
        self.objects.remove(&(namespace(object), key.clone()));
        if namespace(object) == ObjectType::Table {
            self.columns.retain(|(table, _), _| *table != key);
        }
    }

    fn rename(&mut self, object: ObjectType, from: &Name, to: &Name) {
        let from_key = from.key();
        let mut to_key = to.key();
        // `ALTER TABLE s.a RENAME TO b` keeps the schema.
        if to.schema.is_none() {
            if let Some(schema) = from.schema.as_deref().filter(|s| *s != "public") {
                to_key = format!("{schema}.{}", to.name);
            }
        }
        if let Some(created) = self.objects.remove(&(namespace(object), from_key.clone())) {
            self.objects
                .insert((namespace(object), to_key.clone()), created);
        }
        if namespace(object) == ObjectType::Table {
            let moved: Vec<_> = self
                .columns
                .iter()
                .filter(|((table, _), _)| *table == from_key)
                .map(|((_, column), created)| (column.clone(), *created))
                .collect();
            for (column, created) in moved {
                self.columns.remove(&(from_key.clone(), column.clone()));
                self.columns.insert((to_key.clone(), column), created);
            }
        }
    }

    /// Applies a statement that ran as part of migration `migration`, read from `file`.
    pub fn apply(&mut self, statement: &Statement, migration: MigrationIndex, file: FileId) {
        let at = At { migration, file };
        match &statement.kind {
            // The columns of a new table count as new through the table itself.
            StatementKind::CreateTable { table } => self.create(ObjectType::Table, table, &at),
            StatementKind::CreateIndex {
                name: Some(name), ..
            } => self.create(ObjectType::Index, name, &at),
            StatementKind::Create {
                object,
                name: Some(name),
                ..
            } => self.create(*object, name, &at),
            StatementKind::Drop { object, names, .. } => {
                for name in names {
                    self.remove(*object, name);
                }
            }
            StatementKind::Rename { object, name, to } => self.rename(*object, name, to),
            StatementKind::RenameTables { pairs } => {
                for (from, to) in pairs {
                    self.rename(ObjectType::Table, from, to);
                }
            }
            StatementKind::AlterTable { table, actions } => {
                let mut table = table.clone();
                for action in actions {
                    match &action.kind {
                        ActionKind::AddColumn { column } => {
                            self.columns
                                .insert((table.key(), column.name.clone()), migration);
                        }
                        ActionKind::DropColumn { column, .. } => {
                            self.columns.remove(&(table.key(), column.name.clone()));
                        }
                        ActionKind::RenameColumn { column, to } => {
                            if let Some(created) =
                                self.columns.remove(&(table.key(), column.name.clone()))
                            {
                                self.columns.insert((table.key(), to.name.clone()), created);
                            }
                        }
                        ActionKind::RenameTable { to } => {
                            self.rename(ObjectType::Table, &table, to);
                            table = Name {
                                schema: table.schema.clone(),
                                ..to.clone()
                            };
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

/// The migration and file a statement being applied comes from.
struct At {
    migration: MigrationIndex,
    file: FileId,
}
