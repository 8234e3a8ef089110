//! Rules: one file each, pure functions over the statement model and the catalog.
//! Adding a rule is one line in `REGISTRY`.

use std::ops::Range;

use crate::catalog::{Catalog, MigrationIndex};
use crate::finding::{Category, Severity};
use crate::lexer::Dialect;
use crate::model::{Name, ObjectType, Statement};

mod cascade;
mod clickhouse_mutation;
mod column_type_change;
mod delete_without_where;
mod drop_column;
mod drop_constraint;
mod drop_database;
mod drop_object;
mod drop_schema;
mod drop_table;
mod parse_error;
mod rename;
mod truncate;
mod update_without_where;

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
    &parse_error::RULE,
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
    /// Whether the rule reads down migrations (only reversibility and meta rules do).
    pub checks_down: bool,
    pub check: fn(&Statement, &RuleContext, &mut Vec<Violation>),
}

/// What a rule reports: where, and a one-line lower-case message naming the object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
}

impl Violation {
    pub fn new(span: Range<usize>, message: impl Into<String>, help: impl Into<String>) -> Self {
        Violation {
            span,
            message: message.into(),
            help: help.into(),
        }
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

/// Everything a rule may read besides the statement.
pub struct RuleContext<'a> {
    /// The catalog as it was just before this statement.
    pub catalog: &'a Catalog,
    pub change_set: &'a ChangeSet,
    pub migration: MigrationIndex,
    pub dialect: Dialect,
    /// Whether the statement belongs to a down migration.
    pub is_down: bool,
}

impl RuleContext<'_> {
    fn in_change_set(&self, migration: MigrationIndex) -> bool {
        match self.change_set {
            ChangeSet::EachMigration => migration == self.migration,
            ChangeSet::Migrations(set) => set.contains(&migration),
        }
    }

    /// Whether the object was created earlier in the change set (so changing it harms nothing
    /// that existed before). Objects the catalog does not know count as existing.
    pub fn is_new(&self, object: ObjectType, name: &Name) -> bool {
        self.catalog
            .created_in(object, name)
            .is_some_and(|m| self.in_change_set(m))
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

/// Looks a rule up by name or code (case-insensitive).
pub fn find(name_or_code: &str) -> Option<&'static Rule> {
    REGISTRY.iter().copied().find(|r| {
        r.meta.name.eq_ignore_ascii_case(name_or_code)
            || r.meta.code.eq_ignore_ascii_case(name_or_code)
    })
}
