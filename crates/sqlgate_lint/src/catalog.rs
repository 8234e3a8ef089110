//! Catalog replay: the objects the migrations of one set create, in version order, so rules
//! can tell an object created earlier in the change set from one that existed before it.

use std::collections::BTreeMap;

// Names hash with foldhash: the catalog replays every statement of a history.
use foldhash::{HashMap, HashSet, HashSetExt};
use std::ops::Range;

use sqlgate_discover::FileId;
use sqlgate_sql::model::{
    ActionKind, DataType, Generated, GrantTarget, Name, ObjectType, Origin, Role, Statement,
    StatementKind,
};

/// Index of a migration within its set (version order).
pub type MigrationIndex = usize;

/// Where something happened: the migration, the file and the byte span (usually the name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub migration: MigrationIndex,
    pub file: FileId,
    pub span: Range<usize>,
}

/// Row-level security and policies of one table, as the replayed migrations left them.
#[derive(Debug, Clone)]
pub struct TableSecurity {
    /// The table's current name (after renames).
    pub name: Name,
    /// Where a replayed migration created it (its name in the CREATE TABLE); `None` for
    /// tables created outside the migrations (e.g. `auth.users`).
    pub created: Option<Site>,
    /// `CREATE TEMP TABLE`: private to the session, never exposed.
    pub temporary: bool,
    /// Where row-level security was enabled (the ENABLE action), while it is on.
    pub rls: Option<Site>,
    /// `FORCE ROW LEVEL SECURITY` is on.
    pub forced: bool,
    /// Policies by name, with where each was created.
    pub policies: BTreeMap<String, Site>,
    /// Current catalog key (to tell a live table from a dropped or replaced one).
    key: String,
}

/// A `GRANT` as a replayed migration ran it. What it exposes is judged by the state when its
/// transaction ended (other sessions only see that state): a `GRANT` before `ENABLE ROW LEVEL
/// SECURITY` in the same transaction exposes nothing.
#[derive(Debug, Clone)]
pub struct GrantRecord {
    pub migration: MigrationIndex,
    pub file: FileId,
    /// Upper-case privilege words, or the granted roles of a membership grant.
    pub privileges: Vec<String>,
    pub target: GrantTarget,
    pub objects: Vec<Name>,
    pub roles: Vec<Role>,
    pub default_privileges: bool,
    /// Per object, when the transaction ended: a table the migrations created (not TEMP)
    /// whose row-level security was off, or a callable SECURITY DEFINER function. `None`
    /// while the transaction is open.
    at_commit: Option<Vec<bool>>,
}

#[derive(Debug, Default, Clone)]
pub struct Catalog {
    objects: HashMap<(ObjectType, String), Site>,
    /// Table key → what the migrations left of its columns. By table, so that dropping,
    /// renaming or creating a table again is one lookup, not a scan of every column of every
    /// table (quadratic over a long history).
    columns: HashMap<String, TableColumns>,
    /// Keys of the tables in `objects`, and of `columns`, by bare name: the lookups that try
    /// every schema read these instead of scanning every object (quadratic over a long
    /// history: 5,000 migrations in one directory spent most of their check there).
    table_names: BareIndex,
    column_names: BareIndex,
    /// Every table whose security state was ever tracked; dropped ones stay, unreachable.
    tables: Vec<TableSecurity>,
    /// Table key → index in `tables`, for live tables only.
    table_ids: HashMap<String, usize>,
    /// Per migration, the tables it created, enabled RLS on or created policies for (so a
    /// change-set rule reads only its own tables: no scan of the whole catalog).
    touched: HashMap<MigrationIndex, Vec<usize>>,
    /// Functions (by key) whose latest definition is SECURITY DEFINER and callable (not a
    /// trigger function).
    definers: HashSet<String>,
    /// Partitioned parents (`PARTITION BY`), by table key.
    partitioned: HashSet<String>,
    /// Index key → the table it was created on.
    index_tables: HashMap<String, Name>,
    /// Index key → the plain columns it indexes.
    index_columns: HashMap<String, Box<[String]>>,
    /// (table key, constraint name) → column, for such checks added `NOT VALID`.
    unvalidated_not_null_checks: HashMap<(String, String), String>,
    /// The grants each migration ran.
    grants: HashMap<MigrationIndex, Vec<GrantRecord>>,
    /// The migration whose last grants wait for their transaction to end.
    open_grants: Option<MigrationIndex>,
    /// Views and materialized views, by key: a `DROP TABLE` of one (ClickHouse drops views
    /// that way) deletes no rows.
    views: HashSet<String>,
    /// Table key → the migration that last emptied it (`TRUNCATE`, `DELETE` without
    /// `WHERE`), until something is written to it again.
    emptied: HashMap<String, MigrationIndex>,
}

/// What the replayed migrations left of one table's columns, by column name.
#[derive(Debug, Default, Clone)]
struct TableColumns {
    /// The migration that added each column (or created its table).
    added: HashMap<String, MigrationIndex>,
    /// Each column's type, as created, added or last altered to (following column renames; a
    /// renamed table's types are forgotten: unknown never matches).
    types: HashMap<String, DataType>,
    /// The columns known to be `NOT NULL` (declared so, a primary key, or `SET NOT NULL`),
    /// until `DROP NOT NULL`.
    not_null: HashSet<String>,
    /// Generated columns (`GENERATED ALWAYS AS (...) STORED` or `VIRTUAL`, not identity):
    /// their values are computed from the other columns.
    generated: HashSet<String>,
    /// The columns with a valid `CHECK (column IS NOT NULL)`.
    not_null_checks: HashSet<String>,
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
    ///
    /// A relation named with a schema here but without one where it was created (or the
    /// other way round) is the same one when the catalog knows no other of that name: the
    /// migrations ran with that schema on the search path.
    pub fn created_at(&self, object: ObjectType, name: &Name) -> Option<&Site> {
        let space = namespace(object);
        if let Some(site) = self.objects.get(&(space, name.key())) {
            return Some(site);
        }
        if space != ObjectType::Table || name.is_computed() {
            return None;
        }
        let mut found = self
            .table_names
            .keys(&name.name)
            .iter()
            .filter(|key| search_path_match(key, name))
            .filter_map(|key| self.objects.get(&(space, key.clone())));
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// Whether a replayed migration made the column `NOT NULL` (and none dropped it since).
    pub fn is_not_null(&self, table: &Name, column: &Name) -> bool {
        self.columns_of(table)
            .is_some_and(|c| c.not_null.contains(&column.name))
    }

    /// The column's type as a replayed migration created, added or last altered it.
    pub fn column_type(&self, table: &Name, column: &Name) -> Option<&DataType> {
        self.columns_of(table)?.types.get(&column.name)
    }

    /// Whether a replayed migration created this relation as a view or materialized view
    /// (and nothing replaced it with a table since).
    pub fn is_view(&self, name: &Name) -> bool {
        self.views.contains(&name.key())
    }

    /// The migration that added this column (or created its table), if a replayed one did.
    ///
    /// A table named with a schema here but without one where the column was added (or the
    /// other way round) is the same table when the catalog knows no other of that name: the
    /// migrations ran with that schema on the search path (Flyway's `schemas`, for one).
    pub fn column_created_in(&self, table: &Name, column: &Name) -> Option<MigrationIndex> {
        if let Some(&m) = self
            .columns_of(table)
            .and_then(|c| c.added.get(&column.name))
        {
            return Some(m);
        }
        // Two tables of that name in different schemas: which one is meant is unknown.
        if self.table_names.keys(&table.name).len() > 1 {
            return None;
        }
        let own = table.key();
        let mut found = self
            .column_names
            .keys(&table.name)
            .iter()
            .filter(|key| **key != own && search_path_match(key, table))
            .filter_map(|key| self.columns.get(key))
            .filter_map(|c| c.added.get(&column.name).copied());
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// Whether the column is generated from the others (`GENERATED ALWAYS AS (...)`, not an
    /// identity): dropping it loses no data the other columns do not hold.
    pub fn is_generated(&self, table: &Name, column: &Name) -> bool {
        self.columns_of(table)
            .is_some_and(|c| c.generated.contains(&column.name))
    }

    /// The migration that last emptied the table (`TRUNCATE` or `DELETE` without `WHERE`),
    /// if nothing was inserted or copied into it since.
    pub fn emptied_in(&self, table: &Name) -> Option<MigrationIndex> {
        self.emptied.get(&table.key()).copied()
    }

    /// Whether the table is a partitioned parent (`CREATE TABLE ... PARTITION BY`).
    pub fn is_partitioned(&self, table: &Name) -> bool {
        self.partitioned.contains(&table.key())
    }

    /// The table a replayed migration created this index on.
    pub fn index_table(&self, index: &Name) -> Option<&Name> {
        self.index_tables.get(&index.key())
    }

    /// The plain columns of an index a replayed migration created (empty when unknown).
    pub fn index_columns(&self, index: &Name) -> &[String] {
        self.index_columns.get(&index.key()).map_or(&[], |c| c)
    }

    /// Whether a valid `CHECK (column IS NOT NULL)` exists, so `SET NOT NULL` needs no scan
    /// (Postgres 12+).
    pub fn has_not_null_check(&self, table: &Name, column: &Name) -> bool {
        self.columns_of(table)
            .is_some_and(|c| c.not_null_checks.contains(&column.name))
    }

    /// The security state of a live table, if anything about it was recorded.
    pub fn security(&self, table: &Name) -> Option<&TableSecurity> {
        self.table_ids
            .get(&table.key())
            .and_then(|&id| self.tables.get(id))
    }

    /// The live tables that these migrations created, enabled RLS on or created policies
    /// for, each once, in the order first touched.
    pub fn tables_touched_in(&self, migrations: &[MigrationIndex]) -> Vec<&TableSecurity> {
        let mut seen = HashSet::new();
        migrations
            .iter()
            .filter_map(|m| self.touched.get(m))
            .flatten()
            .filter(|&&id| seen.insert(id))
            .filter_map(|&id| {
                let table = self.tables.get(id)?;
                (self.table_ids.get(&table.key) == Some(&id)).then_some(table)
            })
            .collect()
    }

    /// The grants a migration ran, each with what it exposed when its transaction ended (for
    /// the last migration replayed, its state now: the end of that migration).
    pub fn grants_in(
        &self,
        migration: MigrationIndex,
    ) -> impl Iterator<Item = (&GrantRecord, Vec<bool>)> {
        self.grants.get(&migration).into_iter().flatten().map(|g| {
            let exposed = g.at_commit.clone().unwrap_or_else(|| self.exposed_by(g));
            (g, exposed)
        })
    }

    /// Per object of the grant, whether it is exposed now (see `GrantRecord::at_commit`).
    fn exposed_by(&self, grant: &GrantRecord) -> Vec<bool> {
        grant
            .objects
            .iter()
            .map(|object| match grant.target {
                GrantTarget::Objects(ObjectType::Table) => self
                    .security(object)
                    .is_some_and(|s| s.created.is_some() && !s.temporary && s.rls.is_none()),
                GrantTarget::Objects(ObjectType::Function | ObjectType::Procedure) => {
                    self.is_security_definer(object)
                }
                _ => false,
            })
            .collect()
    }

    /// The open transaction's grants are judged: it ended.
    fn settle_grants(&mut self) {
        let Some(migration) = self.open_grants.take() else {
            return;
        };
        let Some(mut list) = self.grants.remove(&migration) else {
            return;
        };
        for grant in list.iter_mut().filter(|g| g.at_commit.is_none()) {
            grant.at_commit = Some(self.exposed_by(grant));
        }
        self.grants.insert(migration, list);
    }

    /// Whether the function's latest replayed definition is a callable SECURITY DEFINER one.
    pub fn is_security_definer(&self, function: &Name) -> bool {
        self.definers.contains(&function.key())
    }

    /// The live table's security entry, created (as not created by a migration) if needed;
    /// recorded as touched by `migration`.
    fn table_entry(&mut self, table: &Name, migration: MigrationIndex) -> &mut TableSecurity {
        let key = table.key();
        let id = match self.table_ids.get(&key) {
            Some(&id) => id,
            None => self.new_table(table, None, false),
        };
        self.touch(migration, id);
        &mut self.tables[id]
    }

    fn columns_of(&self, table: &Name) -> Option<&TableColumns> {
        self.columns.get(&table.key())
    }

    /// The table's columns, an empty entry made when there is none.
    fn columns_mut(&mut self, table: &Name) -> &mut TableColumns {
        self.columns_entry(table.key())
    }

    /// The columns under `key`, an empty entry made (and indexed) when there is none.
    fn columns_entry(&mut self, key: String) -> &mut TableColumns {
        if !self.columns.contains_key(&key) {
            self.column_names.add(&key);
        }
        self.columns.entry(key).or_default()
    }

    fn remove_columns(&mut self, key: &str) -> Option<TableColumns> {
        let removed = self.columns.remove(key);
        if removed.is_some() {
            self.column_names.remove(key);
        }
        removed
    }

    /// The table's columns when there is an entry: for removals, which make none.
    fn existing_columns_mut(&mut self, table: &Name) -> Option<&mut TableColumns> {
        self.columns.get_mut(&table.key())
    }

    fn set_column_type(&mut self, table: &Name, column: &Name, data_type: Option<&DataType>) {
        match data_type {
            Some(data_type) => {
                self.columns_mut(table)
                    .types
                    .insert(column.name.clone(), data_type.clone());
            }
            None => {
                if let Some(c) = self.existing_columns_mut(table) {
                    c.types.remove(&column.name);
                }
            }
        }
    }

    fn new_table(&mut self, table: &Name, created: Option<Site>, temporary: bool) -> usize {
        let id = self.tables.len();
        let key = table.key();
        self.tables.push(TableSecurity {
            name: table.clone(),
            created,
            temporary,
            rls: None,
            forced: false,
            policies: BTreeMap::new(),
            key: key.clone(),
        });
        self.table_ids.insert(key, id);
        id
    }

    fn touch(&mut self, migration: MigrationIndex, id: usize) {
        let list = self.touched.entry(migration).or_default();
        // Consecutive statements on one table are common; avoid piling up duplicates.
        if list.last() != Some(&id) {
            list.push(id);
        }
    }

    fn create(&mut self, object: ObjectType, name: &Name, at: &At) {
        if matches!(object, ObjectType::View | ObjectType::MaterializedView) {
            self.views.insert(name.key());
        } else if namespace(object) == ObjectType::Table {
            self.views.remove(&name.key());
        }
        let site = Site {
            migration: at.migration,
            file: at.file,
            span: name.span.clone(),
        };
        let key = name.key();
        if namespace(object) == ObjectType::Table {
            self.table_names.add(&key);
        }
        self.objects.insert((namespace(object), key), site);
    }

    fn remove(&mut self, object: ObjectType, name: &Name) {
        let key = name.key();
        if namespace(object) == ObjectType::Table {
            self.views.remove(&key);
        }
        if self
            .objects
            .remove(&(namespace(object), key.clone()))
            .is_some()
            && namespace(object) == ObjectType::Table
        {
            self.table_names.remove(&key);
        }
        if namespace(object) == ObjectType::Table {
            self.remove_columns(&key);
            self.emptied.remove(&key);
            self.table_ids.remove(&key);
            self.partitioned.remove(&key);
        }
        if object == ObjectType::Index {
            self.index_tables.remove(&key);
            self.index_columns.remove(&key);
        }
        if matches!(object, ObjectType::Function | ObjectType::Procedure) {
            self.definers.remove(&key);
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
            if namespace(object) == ObjectType::Table {
                self.table_names.remove(&from_key);
                self.table_names.add(&to_key);
            }
            self.objects
                .insert((namespace(object), to_key.clone()), created);
        }
        if object == ObjectType::Index {
            if let Some(table) = self.index_tables.remove(&from_key) {
                self.index_tables.insert(to_key.clone(), table);
            }
            if let Some(columns) = self.index_columns.remove(&from_key) {
                self.index_columns.insert(to_key.clone(), columns);
            }
        }
        if namespace(object) == ObjectType::Table {
            if let Some(id) = self.table_ids.remove(&from_key) {
                if let Some(entry) = self.tables.get_mut(id) {
                    entry.key = to_key.clone();
                    entry.name = Name {
                        schema: to.schema.clone().or_else(|| from.schema.clone()),
                        ..to.clone()
                    };
                }
                self.table_ids.insert(to_key.clone(), id);
            }
            if self.partitioned.remove(&from_key) {
                self.partitioned.insert(to_key.clone());
            }
            for table in self.index_tables.values_mut() {
                if table.key() == from_key {
                    *table = Name {
                        schema: to.schema.clone().or_else(|| from.schema.clone()),
                        ..to.clone()
                    };
                }
            }
            if let Some(m) = self.emptied.remove(&from_key) {
                self.emptied.insert(to_key.clone(), m);
            }
            // The columns' ages go with the table; their types, NOT NULL and generated
            // states are forgotten (unknown never matches). A valid NOT NULL check stays
            // under the old name, as it always did.
            if let Some(old) = self.remove_columns(&from_key) {
                let TableColumns {
                    added,
                    not_null_checks,
                    ..
                } = old;
                if !not_null_checks.is_empty() {
                    self.columns_entry(from_key.clone()).not_null_checks = not_null_checks;
                }
                if !added.is_empty() {
                    self.columns_entry(to_key.clone()).added.extend(added);
                }
            }
        }
    }

    /// Applies a statement that ran as part of migration `migration`, read from `file`.
    pub fn apply(&mut self, statement: &Statement, migration: MigrationIndex, file: FileId) {
        let at = At { migration, file };
        // A migration's transaction ends with it at the latest.
        if self.open_grants.is_some_and(|m| m != migration) {
            self.settle_grants();
        }
        match &statement.kind {
            StatementKind::Transaction(control)
                if control.ends_transaction() && statement.origin == Origin::TopLevel =>
            {
                self.settle_grants();
            }
            StatementKind::Grant {
                privileges,
                target,
                objects,
                roles,
                default_privileges,
            } => {
                self.grants.entry(migration).or_default().push(GrantRecord {
                    migration,
                    file,
                    privileges: privileges.clone(),
                    target: *target,
                    objects: objects.clone(),
                    roles: roles.clone(),
                    default_privileges: *default_privileges,
                    at_commit: None,
                });
                self.open_grants = Some(migration);
            }
            // The columns of a new table count as new through the table itself.
            StatementKind::CreateTable {
                table,
                temporary,
                if_not_exists,
                partitioned,
                columns,
                ..
            } => {
                // IF NOT EXISTS on a table that exists changes nothing (this very name: another
                // schema's table of the same name is another table).
                if *if_not_exists && self.objects.contains_key(&(ObjectType::Table, table.key())) {
                    return;
                }
                self.create(ObjectType::Table, table, &at);
                self.emptied.remove(&table.key());
                let entry = self.columns_mut(table);
                entry.types.clear();
                entry.not_null.clear();
                entry.generated.clear();
                for column in columns.iter() {
                    let name = &column.name.name;
                    if let Some(data_type) = &column.def.data_type {
                        entry.types.insert(name.clone(), data_type.clone());
                    } else {
                        entry.types.remove(name);
                    }
                    if is_computed(column.def.generated) {
                        entry.generated.insert(name.clone());
                    }
                    if column.def.not_null || column.def.primary_key {
                        entry.not_null.insert(name.clone());
                    }
                }
                let site = Site {
                    migration,
                    file,
                    span: table.span.clone(),
                };
                let id = self.new_table(table, Some(site), *temporary);
                self.touch(migration, id);
                if *partitioned {
                    self.partitioned.insert(table.key());
                } else {
                    self.partitioned.remove(&table.key());
                }
            }
            StatementKind::CreatePolicy(policy) => {
                let (name, table) = (&policy.name, &policy.table);
                self.create(ObjectType::Policy, name, &at);
                let site = Site {
                    migration,
                    file,
                    span: name.span.clone(),
                };
                self.table_entry(table, migration)
                    .policies
                    .insert(name.name.clone(), site);
            }
            StatementKind::CreateFunction {
                object,
                name: Some(name),
                security_definer,
                returns_trigger,
                ..
            } => {
                self.create(*object, name, &at);
                // Trigger functions cannot be called through the API or SQL, whatever the grants.
                if *security_definer && !*returns_trigger {
                    self.definers.insert(name.key());
                } else {
                    self.definers.remove(&name.key());
                }
            }
            StatementKind::CreateIndex {
                name: Some(name),
                table,
                columns,
                ..
            } => {
                self.create(ObjectType::Index, name, &at);
                self.index_tables.insert(name.key(), table.clone());
                self.index_columns.insert(name.key(), columns.clone());
            }
            StatementKind::Create {
                object,
                name: Some(name),
                ..
            } => self.create(*object, name, &at),
            StatementKind::Drop {
                object: ObjectType::Policy,
                names,
                on,
                ..
            } => {
                for name in names {
                    self.remove(ObjectType::Policy, name);
                    if let Some(id) = on.as_ref().and_then(|t| self.table_ids.get(&t.key())) {
                        if let Some(entry) = self.tables.get_mut(*id) {
                            entry.policies.remove(&name.name);
                        }
                    }
                }
            }
            StatementKind::Drop { object, names, .. } => {
                for name in names {
                    self.remove(*object, name);
                }
            }
            StatementKind::Truncate { tables, .. } => {
                for table in tables {
                    self.emptied.insert(table.key(), migration);
                }
            }
            StatementKind::Delete {
                table,
                has_where: false,
            } => {
                self.emptied.insert(table.key(), migration);
            }
            StatementKind::Insert { table: Some(table) } => {
                self.emptied.remove(&table.key());
            }
            // An insert whose table could not be read may fill any of them.
            StatementKind::Insert { table: None } => self.emptied.clear(),
            StatementKind::Rename { object, name, to } => self.rename(*object, name, to),
            StatementKind::SetSchema {
                object,
                name,
                schema,
            } => self.rename(*object, name, &moved_to(name, schema)),
            StatementKind::RenameTables { pairs } => {
                for (from, to) in pairs {
                    self.rename(ObjectType::Table, from, to);
                }
            }
            StatementKind::AlterTable { table, actions } => {
                let mut table = table.clone();
                for action in actions {
                    match &action.kind {
                        ActionKind::AddColumn { column, def } => {
                            let name = &column.name;
                            let entry = self.columns_mut(&table);
                            entry.added.insert(name.clone(), migration);
                            if let Some(data_type) = &def.data_type {
                                entry.types.insert(name.clone(), data_type.clone());
                            } else {
                                entry.types.remove(name);
                            }
                            if is_computed(def.generated) {
                                entry.generated.insert(name.clone());
                            } else {
                                entry.generated.remove(name);
                            }
                            if def.not_null || def.primary_key {
                                entry.not_null.insert(name.clone());
                            } else {
                                entry.not_null.remove(name);
                            }
                        }
                        ActionKind::SetNotNull { column } => {
                            self.columns_mut(&table)
                                .not_null
                                .insert(column.name.clone());
                        }
                        ActionKind::DropNotNull { column } => {
                            if let Some(c) = self.existing_columns_mut(&table) {
                                c.not_null.remove(&column.name);
                            }
                        }
                        ActionKind::AlterColumnType {
                            column, data_type, ..
                        } => {
                            self.set_column_type(&table, column, data_type.as_ref());
                        }
                        ActionKind::DropColumn { column, .. } => {
                            if let Some(c) = self.existing_columns_mut(&table) {
                                c.generated.remove(&column.name);
                                c.not_null.remove(&column.name);
                                c.added.remove(&column.name);
                                c.types.remove(&column.name);
                            }
                        }
                        ActionKind::DropExpression { column } => {
                            if let Some(c) = self.existing_columns_mut(&table) {
                                c.generated.remove(&column.name);
                            }
                        }
                        ActionKind::RenameColumn { column, to } => {
                            if let Some(c) = self.existing_columns_mut(&table) {
                                let (from, to) = (&column.name, &to.name);
                                if c.generated.remove(from) {
                                    c.generated.insert(to.clone());
                                }
                                if let Some(data_type) = c.types.remove(from) {
                                    c.types.insert(to.clone(), data_type);
                                }
                                if c.not_null.remove(from) {
                                    c.not_null.insert(to.clone());
                                }
                                if let Some(created) = c.added.remove(from) {
                                    c.added.insert(to.clone(), created);
                                }
                            }
                        }
                        ActionKind::EnableRls => {
                            let site = Site {
                                migration,
                                file,
                                span: action.span.clone(),
                            };
                            let entry = self.table_entry(&table, migration);
                            // Enabling it again changes nothing: the first site stays.
                            entry.rls.get_or_insert(site);
                        }
                        ActionKind::DisableRls => {
                            if let Some(&id) = self.table_ids.get(&table.key()) {
                                self.tables[id].rls = None;
                            }
                        }
                        ActionKind::ForceRls => self.table_entry(&table, migration).forced = true,
                        ActionKind::NoForceRls => {
                            if let Some(&id) = self.table_ids.get(&table.key()) {
                                self.tables[id].forced = false;
                            }
                        }
                        ActionKind::AddConstraint { constraint } => {
                            if let Some(column) = &constraint.not_null_check {
                                let key = table.key();
                                if !constraint.not_valid {
                                    self.columns_entry(key)
                                        .not_null_checks
                                        .insert(column.clone());
                                } else if let Some(name) = &constraint.name {
                                    self.unvalidated_not_null_checks
                                        .insert((key, name.name.clone()), column.clone());
                                }
                            }
                        }
                        ActionKind::ValidateConstraint { constraint } => {
                            let pending = (table.key(), constraint.name.clone());
                            if let Some(column) = self.unvalidated_not_null_checks.remove(&pending)
                            {
                                self.columns_mut(&table).not_null_checks.insert(column);
                            }
                        }
                        ActionKind::SetSchema { schema } => {
                            let to = moved_to(&table, schema);
                            self.rename(ObjectType::Table, &table, &to);
                            table = to;
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

/// A generated column computed from the others (an identity is not: its values are data).
fn is_computed(generated: Option<Generated>) -> bool {
    matches!(generated, Some(Generated::Stored | Generated::Virtual))
}

/// Whether a catalog key and a name that differ only in their schemas can mean the same
/// relation through the search path: one of them names no schema (or `public`).
fn search_path_match(key: &str, name: &Name) -> bool {
    !key.contains('.') || name.key() == name.name
}

/// Catalog keys by bare name (`users` for `users` and `auth.users`).
#[derive(Debug, Default, Clone)]
struct BareIndex(HashMap<String, Vec<String>>);

impl BareIndex {
    fn add(&mut self, key: &str) {
        let keys = self.0.entry(bare_table(key).to_string()).or_default();
        if !keys.iter().any(|k| k == key) {
            keys.push(key.to_string());
        }
    }

    fn remove(&mut self, key: &str) {
        let bare = bare_table(key);
        if let Some(keys) = self.0.get_mut(bare) {
            keys.retain(|k| k != key);
            if keys.is_empty() {
                self.0.remove(bare);
            }
        }
    }

    fn keys(&self, bare: &str) -> &[String] {
        self.0.get(bare).map_or(&[], Vec::as_slice)
    }
}

/// The table name of a catalog key, without its schema.
fn bare_table(key: &str) -> &str {
    key.rsplit_once('.').map_or(key, |(_, name)| name)
}

/// The name an object gets when `SET SCHEMA` moves it.
fn moved_to(name: &Name, schema: &Name) -> Name {
    Name {
        schema: Some(schema.name.clone()),
        name: name.name.clone(),
        span: schema.span.clone(),
    }
}

/// The migration and file a statement being applied comes from.
struct At {
    migration: MigrationIndex,
    file: FileId,
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlgate_sql::analyze::analyze_section;
    use sqlgate_sql::lexer::Dialect;

    /// A catalog after each migration of `migrations` (one SQL text each) is replayed.
    fn replayed(migrations: &[&str]) -> Catalog {
        let mut catalog = Catalog::default();
        for (m, sql) in migrations.iter().enumerate() {
            for statement in analyze_section(sql, 0..sql.len(), Dialect::Postgres).statements {
                catalog.apply(&statement, m, 0);
            }
        }
        catalog
    }

    fn name(text: &str) -> Name {
        let (schema, name) = match text.split_once('.') {
            Some((schema, name)) => (Some(schema.to_string()), name.to_string()),
            None => (None, text.to_string()),
        };
        Name {
            schema,
            name,
            span: 0..0,
        }
    }

    /// A name without its schema finds the one table of that name in any schema, and none
    /// when two schemas have one; the index follows creates, drops and renames.
    #[test]
    fn a_bare_name_finds_the_one_table_of_that_name_in_any_schema() {
        let created =
            |catalog: &Catalog, table: &str| catalog.created_in(ObjectType::Table, &name(table));
        let column = |catalog: &Catalog, table: &str| {
            catalog.column_created_in(&name(table), &name("email"))
        };
        let one = replayed(&[
            "CREATE TABLE app.users (id int);",
            "ALTER TABLE app.users ADD COLUMN email text;",
        ]);
        assert_eq!(created(&one, "users"), Some(0));
        assert_eq!(created(&one, "app.users"), Some(0));
        assert_eq!(column(&one, "users"), Some(1));
        let two = replayed(&[
            "CREATE TABLE app.users (id int);",
            "ALTER TABLE app.users ADD COLUMN email text;",
            "CREATE TABLE billing.users (id int);",
        ]);
        assert_eq!(
            created(&two, "users"),
            None,
            "two schemas: which one is unknown"
        );
        assert_eq!(created(&two, "billing.users"), Some(2));
        assert_eq!(column(&two, "users"), None);
        let dropped = replayed(&[
            "CREATE TABLE app.users (id int);",
            "CREATE TABLE billing.users (id int);",
            "DROP TABLE billing.users;",
        ]);
        assert_eq!(created(&dropped, "users"), Some(0));
        let renamed = replayed(&[
            "CREATE TABLE app.users (id int);",
            "ALTER TABLE app.users ADD COLUMN email text;",
            "ALTER TABLE app.users RENAME TO people;",
        ]);
        assert_eq!(created(&renamed, "users"), None);
        assert_eq!(column(&renamed, "users"), None);
        assert_eq!(created(&renamed, "people"), Some(0));
        assert_eq!(column(&renamed, "people"), Some(1));
    }

    #[test]
    fn the_bare_index_keeps_each_key_once() {
        let mut index = BareIndex::default();
        index.add("app.users");
        index.add("app.users");
        index.add("users");
        assert_eq!(index.keys("users"), ["app.users", "users"]);
        index.remove("app.users");
        assert_eq!(index.keys("users"), ["users"]);
        index.remove("users");
        assert!(index.keys("users").is_empty());
        assert!(index.0.is_empty());
    }
}
