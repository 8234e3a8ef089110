use super::empty_down_migration::section_has_effect;
use super::{
    Check, DownExpectation, DownView, Located, MigrationContext, Rule, RuleMeta, SectionView,
    Violation,
};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ActionKind, Name, ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "down-not-reversing",
        code: "RV003",
        category: Category::Reversibility,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "down does not undo what up created (table, column, index, policy)",
        what_it_does: "Compares a migration's up and down statically (where `reversibility` is `down-file` and the down is not empty). It flags (1) every table, column added to an existing table, named index, type and policy that the up migration creates and still has at the end, but that the down migration (or, in a popx group, the down of another step) does not drop: dropping a table covers its columns, indexes and policies, dropping a schema covers everything in it; and (2) every table, column, index and type that the down migration drops although the up migration did not create it. Statements in `DO` blocks count, function bodies do not. Names match when equal, where an unqualified name also matches a schema-qualified one (the search path may differ). A policy matches a `DROP POLICY` of the same name on the same table. Names the up or the down renames, objects the down re-creates, objects a later migration of the set creates (rolling back undoes it first, so they hold nothing the previous version needs), objects another step of the same popx group creates (versions `<timestamp><6-digit step>`: one migration split into steps, whose downs undo the group's ups together, in another order), and objects of a kind the up creates under a name computed at run time are not reported as dropped without being created.",
        why_is_this_bad: "A down migration that leaves objects behind makes the next up fail (`relation already exists`) or run against a schema it does not expect; one that drops more than the up created deletes data that the previous version of the application still needs, at the worst moment: during a rollback.",
        example: "-- 000042_billing.up.sql\nCREATE TABLE invoices (id bigint PRIMARY KEY);\nALTER TABLE accounts ADD COLUMN plan text;\n\n-- 000042_billing.down.sql\nDROP TABLE invoices;\nDROP TABLE orders;",
        use_instead: "-- 000042_billing.down.sql\nALTER TABLE accounts DROP COLUMN plan;\nDROP TABLE invoices;",
    },
    checks_down: false,
    check: Check::Migration(check),
};

/// The kinds of objects this rule follows from up to down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Table,
    Column,
    Index,
    Type,
    Policy,
}

impl Kind {
    fn of(object: ObjectType) -> Option<Kind> {
        match object {
            ObjectType::Table => Some(Kind::Table),
            ObjectType::Index => Some(Kind::Index),
            ObjectType::Type => Some(Kind::Type),
            ObjectType::Policy => Some(Kind::Policy),
            _ => None,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Table => "table",
            Kind::Column => "column",
            Kind::Index => "index",
            Kind::Type => "type",
            Kind::Policy => "policy",
        }
    }
}

/// An object the up creates (or the down drops): columns, indexes and policies carry their table.
#[derive(Debug, Clone)]
struct Object<'a> {
    kind: Kind,
    name: Name,
    table: Option<Name>,
    /// The down statement that drops it (for drops only).
    statement: Option<&'a Statement>,
    /// The text of the up statement that creates it (for creations only).
    created_by: &'a str,
}

impl Object<'_> {
    fn describe(&self) -> String {
        let name = shown(&self.name);
        match (self.kind, &self.table) {
            (Kind::Column, Some(table)) => format!("column {table}.{name}"),
            (Kind::Policy, Some(table)) => format!("policy {name} on {table}"),
            (kind, _) => format!("{} {name}", kind.noun()),
        }
    }
}

/// A name as written in a message: quoted when it is not a plain identifier (policy names
/// often have spaces).
fn shown(name: &Name) -> String {
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    if plain(&name.name) {
        name.to_string()
    } else {
        match &name.schema {
            Some(schema) => format!("{schema}.\"{}\"", name.name),
            None => format!("\"{}\"", name.name),
        }
    }
}

/// Same object: equal names, and equal schemas unless one side is unqualified (the search
/// path decides, and downs often qualify what the up did not, or the other way round).
fn same(a: &Name, b: &Name) -> bool {
    a.name == b.name && (a.schema.is_none() || b.schema.is_none() || a.key() == b.key())
}

fn schema_of(name: &Name) -> &str {
    name.schema.as_deref().unwrap_or("public")
}

/// What the up leaves behind, what it ever created, and the names it renamed.
#[derive(Default)]
struct Up<'a> {
    /// Created and still there at the end of the up, in order.
    live: Vec<Object<'a>>,
    /// Every object the up created at some point (also views, for ClickHouse `DROP TABLE`).
    ever: Vec<(Kind, Name)>,
    /// Kinds the up creates under a name computed at run time.
    computed: Vec<Kind>,
    /// Names on either side of a rename (tables, columns, indexes, types).
    renamed: Vec<Name>,
    /// `CREATE TEMP TABLE`s: gone at the end of the session, not schema the down must undo
    /// (nor are their columns and indexes).
    temporary: Vec<Name>,
}

impl<'a> Up<'a> {
    fn read(up: &SectionView<'a>) -> Up<'a> {
        let mut state = Up::default();
        for statement in up
            .statements
            .iter()
            .filter(|s| s.origin.runs_in_migration())
        {
            let text = up.text.get(statement.range.clone()).unwrap_or("");
            state.apply(statement, text);
        }
        state
    }

    fn create(&mut self, kind: Kind, name: Name, table: Option<Name>, created_by: &'a str) {
        if table
            .as_ref()
            .is_some_and(|t| self.temporary.iter().any(|tmp| same(tmp, t)))
        {
            return;
        }
        self.live
            .retain(|o| !(o.kind == kind && same(&o.name, &name) && same_table(o, &table)));
        self.ever.push((kind, name.clone()));
        self.live.push(Object {
            kind,
            name,
            table,
            statement: None,
            created_by,
        });
    }

    fn is_live_table(&self, table: &Name) -> bool {
        self.live
            .iter()
            .any(|o| o.kind == Kind::Table && same(&o.name, table))
    }

    /// Whether the up creates (or re-creates) the table or view the object belongs to.
    fn creates_relation(&self, table: &Name) -> bool {
        self.ever
            .iter()
            .any(|(k, n)| *k == Kind::Table && same(n, table))
    }

    fn drop(&mut self, kind: Kind, name: &Name) {
        self.live.retain(|o| {
            let this = o.kind == kind && same(&o.name, name);
            let child = kind == Kind::Table && o.table.as_ref().is_some_and(|t| same(t, name));
            !this && !child
        });
    }

    fn rename(&mut self, kind: Kind, from: &Name, to: &Name) {
        for o in &mut self.live {
            if o.kind == kind && same(&o.name, from) {
                o.name = Name {
                    schema: o.name.schema.clone(),
                    name: to.name.clone(),
                    span: to.span.clone(),
                };
            }
            if kind == Kind::Table && o.table.as_ref().is_some_and(|t| same(t, from)) {
                o.table = Some(to.clone());
            }
        }
        self.renamed.push(from.clone());
        self.renamed.push(to.clone());
    }

    fn apply(&mut self, statement: &Statement, text: &'a str) {
        match &statement.kind {
            StatementKind::CreateTable {
                table,
                temporary: true,
                ..
            } => self.temporary.push(table.clone()),
            StatementKind::CreateTable { table, .. } => {
                self.create(Kind::Table, table.clone(), None, text)
            }
            StatementKind::CreateIndex { name, table, .. } => match name {
                Some(name) => self.create(Kind::Index, (**name).clone(), Some(table.clone()), text),
                // Postgres picks the name; the down cannot name it either.
                None => self.computed.push(Kind::Index),
            },
            StatementKind::CreatePolicy(policy) => self.create(
                Kind::Policy,
                policy.name.clone(),
                Some(policy.table.clone()),
                text,
            ),
            StatementKind::Create {
                object, name, on, ..
            } => {
                let kind = match object {
                    ObjectType::Type => Kind::Type,
                    ObjectType::Policy => Kind::Policy,
                    // ClickHouse drops views with DROP TABLE, and indexes on a materialized view go
                    // with it: remember them as tables created (not as tables to drop).
                    ObjectType::View | ObjectType::MaterializedView | ObjectType::Dictionary => {
                        if let Some(name) = name {
                            self.ever.push((Kind::Table, name.clone()));
                        }
                        return;
                    }
                    _ => return,
                };
                match name {
                    Some(name) => self.create(kind, name.clone(), on.as_deref().cloned(), text),
                    None => self.computed.push(kind),
                }
            }
            StatementKind::AlterTable { table, actions } => {
                for action in actions {
                    match &action.kind {
                        // Columns of a table the up creates go with the table.
                        ActionKind::AddColumn { column, .. } if !self.is_live_table(table) => {
                            self.create(Kind::Column, column.clone(), Some(table.clone()), text);
                        }
                        ActionKind::DropColumn { column, .. } => {
                            self.live.retain(|o| {
                                !(o.kind == Kind::Column
                                    && same(&o.name, column)
                                    && o.table.as_ref().is_some_and(|t| same(t, table)))
                            });
                        }
                        ActionKind::RenameTable { to } => self.rename(Kind::Table, table, to),
                        ActionKind::RenameColumn { column, to } => {
                            for o in &mut self.live {
                                if o.kind == Kind::Column
                                    && same(&o.name, column)
                                    && o.table.as_ref().is_some_and(|t| same(t, table))
                                {
                                    o.name = to.clone();
                                }
                            }
                            self.renamed.push(column.clone());
                            self.renamed.push(to.clone());
                        }
                        _ => {}
                    }
                }
            }
            StatementKind::Rename { object, name, to } => {
                if let Some(kind) = Kind::of(*object) {
                    self.rename(kind, name, to);
                }
            }
            StatementKind::RenameTables { pairs } => {
                for (from, to) in pairs {
                    self.rename(Kind::Table, from, to);
                }
            }
            StatementKind::Drop { object, names, .. } => {
                if *object == ObjectType::Schema {
                    self.live
                        .retain(|o| !names.iter().any(|s| s.name == schema_of(&o.name)));
                } else if let Some(kind) = Kind::of(*object) {
                    for name in names {
                        self.drop(kind, name);
                    }
                }
            }
            _ => {}
        }
    }
}

fn same_table(o: &Object, table: &Option<Name>) -> bool {
    match (&o.table, table) {
        (Some(a), Some(b)) => same(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// What the down drops, creates and renames.
#[derive(Default)]
struct Down<'a> {
    drops: Vec<Object<'a>>,
    /// Kinds the down drops under a name computed at run time (covers every such object).
    computed: Vec<Kind>,
    schemas: Vec<String>,
    /// Views and materialized views dropped (their indexes go with them).
    relations: Vec<Name>,
    /// Constraints dropped (a unique index attached as a constraint goes with it).
    constraints: Vec<Name>,
    created: Vec<(Kind, Name)>,
    renamed: Vec<Name>,
}

impl<'a> Down<'a> {
    fn read(down: &SectionView<'a>) -> Down<'a> {
        let mut state = Down::default();
        for statement in down
            .statements
            .iter()
            .filter(|s| s.origin.runs_in_migration())
        {
            state.apply(statement);
        }
        state
    }

    fn apply(&mut self, statement: &'a Statement) {
        let dropped = |kind, name: &Name, table: Option<&Name>| Object {
            kind,
            name: name.clone(),
            table: table.cloned(),
            statement: Some(statement),
            created_by: "",
        };
        match &statement.kind {
            StatementKind::Drop {
                object, names, on, ..
            } => {
                if *object == ObjectType::Schema {
                    self.schemas.extend(names.iter().map(|n| n.name.clone()));
                } else if matches!(object, ObjectType::View | ObjectType::MaterializedView) {
                    self.relations.extend(names.iter().cloned());
                } else if let Some(kind) = Kind::of(*object) {
                    if names.is_empty() {
                        self.computed.push(kind);
                    }
                    // `DROP POLICY p ON t` names the policy's table.
                    let objects: Vec<Object> = names
                        .iter()
                        .map(|n| dropped(kind, n, on.as_deref()))
                        .collect();
                    self.drops.extend(objects);
                }
            }
            StatementKind::AlterTable { table, actions } => {
                for action in actions {
                    match &action.kind {
                        ActionKind::DropColumn { column, .. } => {
                            let object = dropped(Kind::Column, column, Some(table));
                            self.drops.push(object);
                        }
                        ActionKind::RenameTable { to } => {
                            self.renamed.extend([table.clone(), to.clone()]);
                        }
                        ActionKind::DropConstraint { constraint, .. } => {
                            self.constraints.push(constraint.clone());
                        }
                        ActionKind::RenameColumn { column, to } => {
                            self.renamed.extend([column.clone(), to.clone()]);
                        }
                        ActionKind::AddColumn { column, .. } => {
                            self.created.push((Kind::Column, column.clone()));
                        }
                        _ => {}
                    }
                }
            }
            StatementKind::CreateTable { table, .. } => {
                self.created.push((Kind::Table, table.clone()))
            }
            StatementKind::CreateIndex {
                name: Some(name), ..
            } => self.created.push((Kind::Index, (**name).clone())),
            StatementKind::Create {
                object,
                name: Some(name),
                ..
            } => {
                if let Some(kind) = Kind::of(*object) {
                    self.created.push((kind, name.clone()));
                }
            }
            StatementKind::Rename { name, to, .. } => {
                self.renamed.extend([name.clone(), (**to).clone()]);
            }
            StatementKind::RenameTables { pairs } => {
                for (from, to) in pairs {
                    self.renamed.extend([from.clone(), to.clone()]);
                }
            }
            _ => {}
        }
    }

    fn drops_table(&self, table: &Name) -> bool {
        self.drops
            .iter()
            .any(|d| d.kind == Kind::Table && same(&d.name, table))
            || self.relations.iter().any(|r| same(r, table))
            || self.computed.contains(&Kind::Table)
    }

    /// Whether dropping something else takes the index with it: a constraint of the same name
    /// (`ADD CONSTRAINT ... UNIQUE USING INDEX`), or a column of its table that its definition
    /// mentions (Postgres drops indexes on a dropped column).
    fn drops_index_implicitly(&self, index: &Object) -> bool {
        if self.constraints.iter().any(|c| c.name == index.name.name) {
            return true;
        }
        let Some(table) = &index.table else {
            return false;
        };
        self.drops.iter().any(|d| {
            d.kind == Kind::Column
                && d.table.as_ref().is_some_and(|t| same(t, table))
                && mentions(index.created_by, &d.name.name)
        })
    }

    /// Whether the down removes an object the up left behind.
    fn removes(&self, object: &Object, renamed: &[Name]) -> bool {
        if self.schemas.iter().any(|s| s == schema_of(&object.name)) {
            return true;
        }
        if self.computed.contains(&object.kind) {
            return true;
        }
        if let Some(table) = &object.table {
            if self.drops_table(table) {
                return true;
            }
        }
        if object.kind == Kind::Index && self.drops_index_implicitly(object) {
            return true;
        }
        self.drops.iter().any(|d| {
            d.kind == object.kind
                && same(&d.name, &object.name)
                && match (object.kind, &object.table, &d.table) {
                    // A column's table may have been renamed back before the column is dropped.
                    (Kind::Column, Some(a), Some(b)) => {
                        same(a, b) || renamed.iter().any(|r| same(r, a) || same(r, b))
                    }
                    // Policy names are per table.
                    (Kind::Policy, Some(a), Some(b)) => same(a, b),
                    _ => true,
                }
        })
    }
}

fn check(ctx: &MigrationContext, out: &mut Vec<Located>) {
    if ctx.expectation != DownExpectation::DownFile {
        return;
    }
    let DownView::Present(down_view) = ctx.down else {
        return;
    };
    // An empty down is RV002's finding.
    if !section_has_effect(&down_view) {
        return;
    }
    let up = Up::read(&ctx.up);
    let down = Down::read(&down_view);
    let renamed: Vec<Name> = up.renamed.iter().chain(&down.renamed).cloned().collect();
    let anchor = down_view.anchor();
    // A popx group's steps are undone by the group's downs together.
    let siblings = ctx.group_siblings();
    let sibling_downs: Vec<Down> = siblings
        .iter()
        .filter_map(|&m| ctx.downs.get(m).copied().flatten())
        .map(|d| Down::read(&d))
        .collect();
    let sibling_ups: Vec<Up> = siblings
        .iter()
        .filter_map(|&m| ctx.ups.get(m).copied().flatten())
        .map(|u| Up::read(&u))
        .collect();

    let mut reported: Vec<String> = Vec::new();
    for object in &up.live {
        // Indexes and policies of a table the up creates are covered by its finding.
        let of_new_table = object.kind != Kind::Table
            && object
                .table
                .as_ref()
                .is_some_and(|t| up.creates_relation(t));
        // A name on either side of a rename was swapped in or out (`RENAME TO x_old` then
        // `CREATE x`), or the down renames it away: not a plain creation to undo.
        let swapped = renamed.iter().any(|r| same(r, &object.name));
        if of_new_table
            || swapped
            || down.removes(object, &renamed)
            || sibling_downs.iter().any(|d| d.removes(object, &renamed))
        {
            continue;
        }
        let what = object.describe();
        if reported.contains(&what) {
            continue;
        }
        let verb = if object.kind == Kind::Column {
            "added"
        } else {
            "created"
        };
        out.push(Located {
            file: down_view.file,
            violation: Violation::new(
                anchor.clone(),
                format!("down migration does not drop {what} {verb} by the up migration"),
                "drop it in the down migration, so that rolling back leaves the schema the previous version expects",
            ),
        });
        reported.push(what);
    }

    for dropped in &down.drops {
        if dropped.kind == Kind::Policy
            || !drops_unrelated(dropped, &up, &down, &renamed)
            || created_later(dropped, ctx)
            || sibling_ups.iter().any(|u| {
                u.ever
                    .iter()
                    .any(|(k, n)| *k == dropped.kind && same(n, &dropped.name))
            })
        {
            continue;
        }
        let Some(statement) = dropped.statement else {
            continue;
        };
        let verb = if dropped.kind == Kind::Column {
            "add"
        } else {
            "create"
        };
        out.push(Located {
            file: down_view.file,
            violation: Violation::new(
                statement.range.clone(),
                format!(
                    "down migration drops {}, which the up migration did not {verb}",
                    dropped.describe()
                ),
                "drop only what the up migration created: anything else may hold data the previous version still needs",
            ),
        });
    }
}

/// Whether a down drop has nothing to do with the up (checked leniently: renames, re-creation
/// and names computed at run time all count as related).
fn drops_unrelated(dropped: &Object, up: &Up, down: &Down, renamed: &[Name]) -> bool {
    let kind = dropped.kind;
    if up.computed.contains(&kind) || renamed.iter().any(|r| same(r, &dropped.name)) {
        return false;
    }
    if let Some(table) = &dropped.table {
        // A column of a table the up created (with the table) or renamed.
        if up
            .ever
            .iter()
            .any(|(k, n)| *k == Kind::Table && same(n, table))
            || renamed.iter().any(|r| same(r, table))
        {
            return false;
        }
    }
    let created = |list: &[(Kind, Name)]| {
        list.iter()
            .any(|(k, n)| *k == kind && same(n, &dropped.name))
    };
    !created(&up.ever) && !created(&down.created)
}

/// Whether a later migration of the set creates the object the down drops. Rolling back
/// undoes that migration first, so the object cannot hold data the previous version needs;
/// some sets undo a group of migrations in one of their downs.
fn created_later(dropped: &Object, ctx: &MigrationContext) -> bool {
    ctx.ups
        .iter()
        .skip(ctx.migration + 1)
        .flatten()
        .any(|later| {
            Up::read(later)
                .ever
                .iter()
                .any(|(k, n)| *k == dropped.kind && same(n, &dropped.name))
        })
}

/// Whether `text` mentions `word` as a whole identifier (case-insensitive, quotes allowed).
fn mentions(text: &str, word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    let text = text.to_lowercase();
    let word = word.to_lowercase();
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    text.match_indices(&word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}
