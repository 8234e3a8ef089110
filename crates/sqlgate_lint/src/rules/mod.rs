//! Rules: one file each, pure functions over the statement model and the catalog.
//! Adding a rule is one line in `REGISTRY`.

use std::ops::Range;

use crate::catalog::{Catalog, MigrationIndex};
use crate::history::{BaseSnapshot, DeletedFile};
use crate::transaction::Place;
pub use sqlgate_config::settings::{
    DownExpectation, RlsMode, DEFAULT_EXPOSED_SCHEMAS, DEFAULT_PUBLIC_ROLES,
};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_discover::{
    popx_group, FileId, Framework, LoadedFile, Migration, MigrationSet, TxMode, Version,
};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{
    ActionKind, AlterAction, ColumnDef, ConstraintKind, Name, ObjectType, Statement, StatementKind,
};

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

mod add_domain_constraint;
mod add_exclusion_constraint;
mod add_not_null_column_without_default;
mod add_primary_key;
mod add_unique_constraint;
mod atlas_sum_mismatch;
mod backfill_in_transaction;
mod cascade;
mod char_column;
mod clickhouse_mutation;
mod column_type_change;
mod column_types;
mod concurrently_in_transaction;
mod constraint_not_valid_missing;
mod create_index_non_concurrently;
mod delete_without_where;
mod deleted_applied_migration;
mod detach_partition_non_concurrently;
mod down_does_not_restore;
mod down_not_reversing;
mod drop_column;
mod drop_constraint;
mod drop_database;
mod drop_index_non_concurrently;
mod drop_object;
mod drop_schema;
mod drop_table;
mod duplicate_version;
mod edited_applied_migration;
mod empty_down_migration;
mod grant_to_public_role;
mod identifier_too_long;
mod invalid_suppression;
mod json_column;
mod migration_fails;
mod missing_down_migration;
mod missing_lock_timeout;
mod missing_rollback_note;
mod missing_transaction;
mod money_column;
mod nested_transaction;
mod out_of_order_migration;
mod parse_error;
mod permissive_policy;
mod policy_without_rls;
mod prefer_bigint;
mod prefer_identity;
mod prefer_timestamptz;
mod reindex_non_concurrently;
mod rename;
mod rls_disabled;
mod rls_off_in_exposed_schema;
mod rls_without_policy;
mod rls_without_policy_in_catalog;
mod security_definer_search_path;
mod set_not_null;
mod table_rewrite;
mod table_without_rls;
mod truncate;
mod uncommitted_transaction;
mod unreadable_dynamic_sql;
mod unused_suppression;
mod up_not_repeatable;
mod update_without_where;
mod vacuum_full_or_cluster;
mod varchar_length;
mod volatile_default;

/// Every rule, in code order.
pub static REGISTRY: &[&Rule] = &[
    &drop_table::RULE,
    &drop_column::RULE,
    &drop_schema::RULE,
    &drop_database::RULE,
    &truncate::RULE,
    &cascade::RULE,
    &delete_without_where::RULE,
    &update_without_where::RULE,
    &drop_object::RULE,
    &rename::RULE,
    &column_type_change::RULE,
    &drop_constraint::RULE,
    &clickhouse_mutation::RULE,
    &unreadable_dynamic_sql::RULE,
    &missing_down_migration::RULE,
    &empty_down_migration::RULE,
    &down_not_reversing::RULE,
    &missing_rollback_note::RULE,
    &table_without_rls::RULE,
    &rls_without_policy::RULE,
    &rls_disabled::RULE,
    &policy_without_rls::RULE,
    &permissive_policy::RULE,
    &security_definer_search_path::RULE,
    &grant_to_public_role::RULE,
    &create_index_non_concurrently::RULE,
    &drop_index_non_concurrently::RULE,
    &concurrently_in_transaction::RULE,
    &add_not_null_column_without_default::RULE,
    &volatile_default::RULE,
    &set_not_null::RULE,
    &constraint_not_valid_missing::RULE,
    &missing_lock_timeout::RULE,
    &add_unique_constraint::RULE,
    &add_primary_key::RULE,
    &add_exclusion_constraint::RULE,
    &reindex_non_concurrently::RULE,
    &detach_partition_non_concurrently::RULE,
    &vacuum_full_or_cluster::RULE,
    &add_domain_constraint::RULE,
    &backfill_in_transaction::RULE,
    &missing_transaction::RULE,
    &nested_transaction::RULE,
    &uncommitted_transaction::RULE,
    &prefer_timestamptz::RULE,
    &char_column::RULE,
    &varchar_length::RULE,
    &prefer_bigint::RULE,
    &prefer_identity::RULE,
    &json_column::RULE,
    &money_column::RULE,
    &identifier_too_long::RULE,
    &edited_applied_migration::RULE,
    &deleted_applied_migration::RULE,
    &duplicate_version::RULE,
    &out_of_order_migration::RULE,
    &atlas_sum_mismatch::RULE,
    &migration_fails::RULE,
    &down_does_not_restore::RULE,
    &up_not_repeatable::RULE,
    &table_rewrite::RULE,
    &rls_off_in_exposed_schema::RULE,
    &rls_without_policy_in_catalog::RULE,
    &parse_error::RULE,
    &unused_suppression::RULE,
    &invalid_suppression::RULE,
];

/// A rule's identity and documentation; `sqlgate rule`, `docs/rules/*.md` and the SARIF rule
/// text are generated from it.
#[derive(Debug)]
pub struct RuleMeta {
    /// Kebab-case, primary name.
    pub name: &'static str,
    pub code: &'static str,
    pub category: Category,
    pub default_severity: Severity,
    /// Off unless selected by its exact name or code (not by `all`, a category or a code
    /// prefix): checks most projects do not want by default.
    pub opt_in: bool,
    /// One line: what it flags.
    pub summary: &'static str,
    pub what_it_does: &'static str,
    pub why_is_this_bad: &'static str,
    /// SQL that is flagged.
    pub example: &'static str,
    /// SQL (or a procedure) to use instead.
    pub use_instead: &'static str,
}

pub struct Rule {
    pub meta: RuleMeta,
    /// Whether the rule reads the statements of down migrations (only meta rules do; the
    /// reversibility rules see downs through `MigrationContext`).
    pub checks_down: bool,
    pub check: Check,
}

/// What a rule looks at. Every kind is a pure function.
#[derive(Clone, Copy)]
pub enum Check {
    /// Each statement of a checked section, with the catalog as it was just before it.
    Statement(fn(&Statement, &RuleContext, &mut Vec<Violation>)),
    /// Each checked migration once, with its up and down.
    Migration(fn(&MigrationContext, &mut Vec<Located>)),
    /// Each change set once, at its end, with the catalog as the change set left it.
    ChangeSet(fn(&ChangeSetContext, &mut Vec<Located>)),
    /// Each migration set once, with its files and (with `--changed-since`) the base commit.
    History(fn(&HistoryContext, &mut Vec<Located>)),
    /// Reported by the pipeline itself (unterminated quotes, suppression comments).
    Engine,
    /// Reported by `sqlgate replay` from a real PostgreSQL (`sqlgate_replay`): the static
    /// checks never report it.
    Replay,
}

/// A violation in a given file (migration- and change-set-level rules span several files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub file: FileId,
    pub violation: Violation,
}

/// Project settings the rules read (from `[security]` and `[reversibility]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub rls: RlsMode,
    /// Schemas whose tables the API exposes (unqualified names are `public`).
    pub exposed_schemas: Vec<String>,
    /// Roles that stand for everyone (PUBLIC always does).
    pub public_roles: Vec<String>,
    /// Per-framework overrides of `DownExpectation::default_for`.
    pub reversibility: Vec<(Framework, DownExpectation)>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rls: RlsMode::default(),
            exposed_schemas: strings(DEFAULT_EXPOSED_SCHEMAS),
            public_roles: strings(DEFAULT_PUBLIC_ROLES),
            reversibility: Vec::new(),
        }
    }
}

impl Settings {
    pub fn expectation(&self, framework: Framework) -> DownExpectation {
        self.reversibility
            .iter()
            .find(|(f, _)| *f == framework)
            .map_or_else(|| DownExpectation::default_for(framework), |(_, e)| *e)
    }

    /// Whether a table's schema is exposed (an unqualified name is in `public`).
    pub fn is_exposed(&self, name: &Name) -> bool {
        let schema = name.schema.as_deref().unwrap_or("public");
        self.exposed_schemas.iter().any(|s| s == schema)
    }

    /// Whether a role (as written, normalized) stands for everyone.
    pub fn is_public_role(&self, role: &str) -> bool {
        role.eq_ignore_ascii_case("public") || self.public_roles.iter().any(|r| r == role)
    }
}

/// What a rule reports: where, and a one-line lower-case message naming the object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
    /// Multi-line supporting text shown below the finding (IN001's unified diff).
    pub detail: Option<String>,
}

impl Violation {
    pub fn new(span: Range<usize>, message: impl Into<String>, help: impl Into<String>) -> Self {
        Violation {
            span,
            message: message.into(),
            help: help.into(),
            detail: None,
        }
    }

    /// The violation with supporting text (a unified diff, for instance).
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// Which migrations form the change set whose objects count as "new".
#[derive(Debug, Clone)]
pub enum ChangeSet {
    /// Without `--changed-since`: each migration on its own.
    EachMigration,
    /// With `--changed-since`: these migrations (indexes within the set).
    Migrations(Vec<MigrationIndex>),
}

impl ChangeSet {
    /// Whether `migration` belongs to the change set that `current` belongs to.
    pub fn contains(&self, current: MigrationIndex, migration: MigrationIndex) -> bool {
        match self {
            ChangeSet::EachMigration => migration == current,
            ChangeSet::Migrations(set) => set.binary_search(&migration).is_ok(),
        }
    }
}

/// Everything a statement rule may read besides the statement.
pub struct RuleContext<'a> {
    /// The catalog as it was just before this statement.
    pub catalog: &'a Catalog,
    /// Whether the statement runs in a transaction, and whether a lock timeout is set.
    pub place: Place,
    pub framework: Framework,
    pub change_set: &'a ChangeSet,
    pub migration: MigrationIndex,
    pub dialect: Dialect,
    /// Whether the statement belongs to a down migration.
    pub is_down: bool,
    pub settings: &'a Settings,
    /// Whether the RLS rules apply to this migration set (`security.rls` resolved).
    pub rls_applies: bool,
    /// The statements before this one in the same up or down section (those of DO blocks
    /// included).
    pub earlier: &'a [Statement],
    /// The statements after this one in the same up or down section (those of DO blocks
    /// included), for rules that judge a drop by what the migration does next.
    pub later: &'a [Statement],
}

impl RuleContext<'_> {
    /// Whether the statement is the section's only one that does anything at top level
    /// (besides transaction control, `SET` and comments): a transaction around it holds
    /// nothing else.
    pub fn is_alone(&self) -> bool {
        self.earlier.iter().chain(self.later).all(|s| {
            s.origin.is_dynamic()
                || matches!(
                    s.kind,
                    StatementKind::Transaction(_)
                        | StatementKind::Set { .. }
                        | StatementKind::Comment { .. }
                )
        })
    }

    /// Whether a later statement of the migration creates an object of this kind and name
    /// again (a replacement: `DROP ...; CREATE ...` under the same name). `on` is the table
    /// of a trigger or policy, when known: the re-created one must be on the same table.
    pub fn recreated_later(&self, object: ObjectType, name: &Name, on: Option<&Name>) -> bool {
        self.later.iter().any(|st| match &st.kind {
            StatementKind::Create {
                object: created,
                name: Some(created_name),
                on: created_on,
                ..
            } => {
                same_kind(*created, object)
                    && created_name.key() == name.key()
                    && match (on, created_on.as_deref()) {
                        (Some(a), Some(b)) => a.key() == b.key(),
                        _ => true,
                    }
            }
            StatementKind::CreateFunction {
                object: created,
                name: Some(created_name),
                ..
            } => same_kind(*created, object) && created_name.key() == name.key(),
            StatementKind::CreateIndex {
                name: Some(created_name),
                ..
            } => object == ObjectType::Index && created_name.key() == name.key(),
            StatementKind::CreatePolicy(policy) => {
                object == ObjectType::Policy
                    && policy.name.key() == name.key()
                    && on.is_none_or(|t| t.key() == policy.table.key())
            }
            _ => false,
        })
    }

    fn in_change_set(&self, migration: MigrationIndex) -> bool {
        self.change_set.contains(self.migration, migration)
    }

    /// Whether the object was created earlier in the change set (so changing it harms nothing
    /// that existed before). Objects the catalog does not know count as existing.
    pub fn is_new(&self, object: ObjectType, name: &Name) -> bool {
        self.catalog
            .created_in(object, name)
            .is_some_and(|m| self.in_change_set(m))
    }

    /// Whether a later statement of the migration removes this index anyway: it drops the
    /// index's table, or a column the index is on (PostgreSQL drops the index with it).
    pub fn index_dropped_later(&self, index: &Name) -> bool {
        let Some(table) = self.catalog.index_table(index) else {
            return false;
        };
        let columns = self.catalog.index_columns(index);
        self.later.iter().any(|st| match &st.kind {
            StatementKind::Drop {
                object: ObjectType::Table,
                names,
                ..
            } => names.iter().any(|n| n.key() == table.key()),
            StatementKind::AlterTable { table: t, actions } if t.key() == table.key() => {
                actions.iter().any(|a| {
                    matches!(&a.kind, ActionKind::DropColumn { column, .. } if columns.contains(&column.name))
                })
            }
            _ => false,
        })
    }

    /// Whether the change set emptied the table before this statement (`TRUNCATE`, `DELETE`
    /// without `WHERE`) and nothing was inserted since: changing it loses no rows.
    pub fn is_emptied(&self, table: &Name) -> bool {
        self.catalog
            .emptied_in(table)
            .is_some_and(|m| self.in_change_set(m))
    }

    /// Whether an `UPDATE` setting this column fills a new column rather than overwriting
    /// data: the column (or its table) was created in the change set, or the column was added
    /// by the migration just before this one. Adding a column in one migration and filling
    /// it in the next is the advised way (the add's lock is not held during the fill), so
    /// its values are still the ones the add gave it.
    pub fn is_backfill_target(&self, table: &Name, column: &Name) -> bool {
        self.is_new_column(table, column)
            || self
                .catalog
                .column_created_in(table, column)
                .is_some_and(|m| m + 1 == self.migration)
    }

    /// Whether the column (or its table) was created earlier in the change set.
    pub fn is_new_column(&self, table: &Name, column: &Name) -> bool {
        self.is_new(ObjectType::Table, table)
            || self
                .catalog
                .column_created_in(table, column)
                .is_some_and(|m| self.in_change_set(m))
    }
}

/// Kinds that one `CREATE` can replace: a view by a view (materialized or not, whichever
/// way ClickHouse and Postgres spell it), a function by a function or procedure.
fn same_kind(created: ObjectType, dropped: ObjectType) -> bool {
    use ObjectType::{Function, MaterializedView, Procedure, View};
    created == dropped
        || matches!(
            (created, dropped),
            (View | MaterializedView, View | MaterializedView)
                | (Function | Procedure, Function | Procedure)
        )
}

/// One analyzed up or down section, as migration rules see it.
#[derive(Clone, Copy)]
pub struct SectionView<'a> {
    pub file: FileId,
    /// File-absolute byte range of the section.
    pub range: &'a Range<usize>,
    /// How the framework runs the section.
    pub tx: TxMode,
    /// Its statements (dynamic ones included, marked by their origin).
    pub statements: &'a [Statement],
    /// Where each statement runs (parallel to `statements`).
    pub places: &'a [Place],
    /// File-absolute ranges of its comments.
    pub comments: &'a [Range<usize>],
    /// The whole file's text (ranges index into it).
    pub text: &'a str,
}

impl SectionView<'_> {
    /// The top-level statements (not those found inside DO blocks or function bodies).
    pub fn top_level(&self) -> impl Iterator<Item = &Statement> {
        self.statements.iter().filter(|s| !s.origin.is_dynamic())
    }

    /// Where a finding about the whole section points: its first statement, else its start.
    pub fn anchor(&self) -> Range<usize> {
        match self.top_level().next() {
            Some(first) => first.range.start..first.range.start + first_word_len(self.text, first),
            None => self.range.start..self.range.start,
        }
    }
}

fn first_word_len(text: &str, statement: &Statement) -> usize {
    text.get(statement.range.clone())
        .and_then(|s| s.find(|c: char| c.is_whitespace() || c == '('))
        .unwrap_or(statement.range.len())
}

/// A migration's down, as migration rules see it.
#[derive(Clone, Copy)]
pub enum DownView<'a> {
    Present(SectionView<'a>),
    /// The framework supports downs but there is none (what was looked for).
    Missing(&'a str),
    NotSupported,
}

/// Everything a migration rule may read.
pub struct MigrationContext<'a> {
    pub framework: Framework,
    /// What this framework must ship (from `Settings::expectation`).
    pub expectation: DownExpectation,
    pub version: &'a str,
    pub up: SectionView<'a>,
    pub down: DownView<'a>,
    pub dialect: Dialect,
    pub settings: &'a Settings,
    /// This migration's index in its set.
    pub migration: MigrationIndex,
    /// Every migration's up in the set (by index; `None` where it was not analyzed).
    pub ups: &'a [Option<SectionView<'a>>],
    /// Every migration's down in the set (by index; `None` where there is none).
    pub downs: &'a [Option<SectionView<'a>>],
    /// The set's migrations, in version order.
    pub versions: &'a [Migration],
}

/// Everything a change-set rule may read.
pub struct ChangeSetContext<'a> {
    /// The catalog after the change set (and every migration before it) was replayed.
    pub catalog: &'a Catalog,
    pub change_set: &'a ChangeSet,
    /// A migration of the change set (the one being checked without `--changed-since`).
    pub migration: MigrationIndex,
    pub dialect: Dialect,
    pub settings: &'a Settings,
    pub rls_applies: bool,
}

impl MigrationContext<'_> {
    /// The other steps of this migration's popx group (`sqlgate_discover::popx_group`).
    pub fn group_siblings(&self) -> Vec<MigrationIndex> {
        let Some(own) = popx_group(self.framework, self.version) else {
            return Vec::new();
        };
        self.versions
            .iter()
            .enumerate()
            .filter(|&(m, v)| {
                m != self.migration && popx_group(self.framework, &v.version.text) == Some(own)
            })
            .map(|(m, _)| m)
            .collect()
    }
}

impl ChangeSetContext<'_> {
    pub fn in_change_set(&self, migration: MigrationIndex) -> bool {
        self.change_set.contains(self.migration, migration)
    }

    /// The migrations of the change set.
    pub fn migrations(&self) -> Vec<MigrationIndex> {
        match self.change_set {
            ChangeSet::EachMigration => vec![self.migration],
            ChangeSet::Migrations(list) => list.clone(),
        }
    }
}

/// Everything a history rule may read: one migration set, its files, and what changed.
pub struct HistoryContext<'a> {
    pub set: &'a MigrationSet,
    /// Every loaded file of the run (phantoms of deleted files included); `FileId`s index it.
    pub files: &'a [LoadedFile],
    /// The checked migrations (indexes into `set.migrations`, ascending): every one without
    /// `--changed-since`, else those with a file added or changed since the base.
    pub checked: &'a [MigrationIndex],
    /// Whether the run has a change set (`--changed-since`).
    pub has_change_set: bool,
    /// Whether the change set touches the set (a checked or deleted migration, or a changed
    /// `atlas.sum`); always true without `--changed-since`.
    pub touched: bool,
    /// The base commit's side (`--changed-since` only).
    pub history: Option<&'a BaseSnapshot>,
    /// The set's migration files deleted since the base: the phantom file (empty text, so a
    /// finding on it is at line 1, column 1) standing for each.
    pub deleted: &'a [(FileId, &'a DeletedFile)],
    /// Canonical path of each file (parallel to `files`; `None` when it cannot be resolved,
    /// and empty without `--changed-since`).
    pub canonical: &'a [Option<std::path::PathBuf>],
}

impl HistoryContext<'_> {
    /// Whether the migration is in the change set (every migration without one).
    pub fn is_checked(&self, migration: MigrationIndex) -> bool {
        self.checked.binary_search(&migration).is_ok()
    }

    pub fn migration(&self, migration: MigrationIndex) -> Option<&Migration> {
        self.set.migrations.get(migration)
    }

    /// How findings show a file.
    pub fn display(&self, file: FileId) -> &str {
        self.files.get(file).map_or("", |f| f.display.as_str())
    }

    pub fn text(&self, file: FileId) -> &str {
        self.files.get(file).map_or("", |f| f.text.as_str())
    }

    fn canonical(&self, file: FileId) -> Option<&std::path::Path> {
        self.canonical.get(file)?.as_deref()
    }

    /// The file's text at the base, when it was changed since.
    pub fn base_text(&self, file: FileId) -> Option<&str> {
        let path = self.canonical(file)?;
        self.history?.modified.get(path).map(String::as_str)
    }

    /// Whether the file did not exist at the base (false without a base).
    pub fn is_added(&self, file: FileId) -> bool {
        match (self.history, self.canonical(file)) {
            (Some(history), Some(path)) => history.added.contains(path),
            _ => false,
        }
    }
}

/// A Flyway repeatable migration (`R__name.sql`): rerun whenever it changes, so editing it
/// is its normal use and its version is not a version.
pub(crate) fn is_repeatable(migration: &Migration) -> bool {
    migration.version.same_order(&Version::repeatable())
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("code", &self.meta.code)
            .finish()
    }
}

/// One violation per named object that existed before the change set, or one for an object
/// whose name is computed at run time (an `EXECUTE` string with no literal name): e.g.
/// `drop of table users`, `truncate of a table whose name is computed at run time`.
pub(crate) fn report_each_name(
    statement: &Statement,
    names: &[Name],
    action: &str,
    object: ObjectType,
    existed: impl Fn(&Name) -> bool,
    help: &str,
    out: &mut Vec<Violation>,
) {
    let noun = object.as_str();
    if names.is_empty() {
        let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        out.push(Violation::new(
            statement.range.clone(),
            format!("{action} of {article} {noun} whose name is computed at run time"),
            help,
        ));
    }
    for name in names.iter().filter(|n| existed(n)) {
        out.push(Violation::new(
            statement.range.clone(),
            format!("{action} of {noun} {name}"),
            help,
        ));
    }
}

/// The table and actions of an `ALTER TABLE` that a locking rule looks at: a PostgreSQL
/// statement that runs during the migration (not one in a function body), on a table that
/// existed before the change set.
pub(crate) fn altered_existing_table<'a>(
    statement: &'a Statement,
    ctx: &RuleContext,
) -> Option<(&'a Name, &'a [AlterAction])> {
    if ctx.dialect != Dialect::Postgres || !statement.origin.runs_in_migration() {
        return None;
    }
    let StatementKind::AlterTable { table, actions } = &statement.kind else {
        return None;
    };
    (!ctx.is_new(ObjectType::Table, table)).then_some((table, actions.as_slice()))
}

/// A UNIQUE or PRIMARY KEY constraint added to an existing table that builds its index inside
/// the `ALTER TABLE` (no `USING INDEX`), as a table constraint or inline on an added column
/// (`inline` reads the column's flag).
pub(crate) fn report_index_built_under_lock(
    statement: &Statement,
    ctx: &RuleContext,
    kind: ConstraintKind,
    inline: fn(&ColumnDef) -> bool,
    help: &str,
    out: &mut Vec<Violation>,
) {
    let Some((table, actions)) = altered_existing_table(statement, ctx) else {
        return;
    };
    for action in actions {
        let message = match &action.kind {
            ActionKind::AddConstraint { constraint }
                if constraint.kind == kind && !constraint.using_index =>
            {
                format!(
                    "{} added to table {table} without using index",
                    constraint.describe()
                )
            }
            ActionKind::AddColumn { column, def } if inline(def) => format!(
                "add column {table}.{} with {} builds an index on table {table} under an access exclusive lock",
                column.name,
                kind.as_str()
            ),
            _ => continue,
        };
        out.push(Violation::new(action.span.clone(), message, help));
    }
}

/// Looks a rule up by name or code (case-insensitive).
pub fn find(name_or_code: &str) -> Option<&'static Rule> {
    REGISTRY.iter().copied().find(|r| {
        r.meta.name.eq_ignore_ascii_case(name_or_code)
            || r.meta.code.eq_ignore_ascii_case(name_or_code)
    })
}
