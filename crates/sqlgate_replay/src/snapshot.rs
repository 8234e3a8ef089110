//! The catalog snapshot compared before a migration's up and after its down (RP002
//! down-does-not-restore).
//!
//! A [`Snapshot`] is an ordered map from an object's identity (its kind and its qualified
//! name, never an OID: a table the down drops and re-creates with the same shape compares
//! equal) to its definition, as PostgreSQL prints it (`format_type`, `pg_get_expr`,
//! `pg_get_constraintdef`, `pg_get_indexdef`, `pg_get_triggerdef`, `pg_get_viewdef`, a digest
//! of `pg_get_functiondef`). [`Snapshot::diff`] lists what differs, one [`Difference`] per
//! object.
//!
//! What is compared: schemas; extensions (schema and version); enum, domain, range and
//! composite types; tables (with their partitioning, inheritance, storage options and row
//! level security flags), views and materialized views (with their query), sequences and
//! foreign tables; the columns of tables (type, collation, nullability, default, generated
//! expression, identity); constraints; indexes; policies; triggers; functions, procedures and aggregates;
//! grants on relations, columns, functions, schemas and types. The queries are all in
//! [`queries`], with the reason of each exclusion.
//!
//! Columns are compared by name: their order is not compared. PostgreSQL cannot add a column
//! at a position, so the down of an up that drops a column can only add it back at the end;
//! reporting the order would flag every correct down of a `DROP COLUMN`.
//!
//! An object whose parent is itself missing or left behind is not listed: a table left
//! behind is one difference, not one per column, index, policy and grant.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::fmt;

use postgres::types::{FromSql, Type};
use postgres::GenericClient;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// The kind of a catalog object. The order of the variants is the order of the differences
/// (schemas first, grants last).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// `app`.
    Schema,
    /// `pgcrypto` (extensions are database-wide: no schema in the name).
    Extension,
    /// `public.mood`: an enum, a domain, a range or a composite type.
    Type,
    /// `public.users`: a plain or a partitioned table.
    Table,
    /// `public.active_users`.
    View,
    /// `public.user_counts`.
    MaterializedView,
    /// `public.users_id_seq` (not an identity column's: the identity is the column's).
    Sequence,
    /// `public.remote_users`.
    ForeignTable,
    /// `public.users.email`.
    Column,
    /// `public.users.users_email_key`: constraint names are per table.
    Constraint,
    /// `public.users_email_idx`: index names are per schema.
    Index,
    /// `public.users.users_own_rows`: policy names are per table.
    Policy,
    /// `public.users.users_touch`: trigger names are per table.
    Trigger,
    /// `public.touch(integer, text)`: the name and the identity arguments.
    Function,
    /// `public.archive(integer)`.
    Procedure,
    /// `public.total(integer)`.
    Aggregate,
    /// `select (email) on table public.users to alice`: one privilege on one object (or
    /// column) to one role (`public` for PUBLIC).
    Grant,
}

impl ObjectKind {
    /// Every kind, in order.
    pub const ALL: [ObjectKind; 17] = [
        ObjectKind::Schema,
        ObjectKind::Extension,
        ObjectKind::Type,
        ObjectKind::Table,
        ObjectKind::View,
        ObjectKind::MaterializedView,
        ObjectKind::Sequence,
        ObjectKind::ForeignTable,
        ObjectKind::Column,
        ObjectKind::Constraint,
        ObjectKind::Index,
        ObjectKind::Policy,
        ObjectKind::Trigger,
        ObjectKind::Function,
        ObjectKind::Procedure,
        ObjectKind::Aggregate,
        ObjectKind::Grant,
    ];

    /// The kind as the reports (and the queries) write it: `materialized view`.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Schema => "schema",
            ObjectKind::Extension => "extension",
            ObjectKind::Type => "type",
            ObjectKind::Table => "table",
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized view",
            ObjectKind::Sequence => "sequence",
            ObjectKind::ForeignTable => "foreign table",
            ObjectKind::Column => "column",
            ObjectKind::Constraint => "constraint",
            ObjectKind::Index => "index",
            ObjectKind::Policy => "policy",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Function => "function",
            ObjectKind::Procedure => "procedure",
            ObjectKind::Aggregate => "aggregate",
            ObjectKind::Grant => "grant",
        }
    }

    fn from_word(word: &str) -> Option<ObjectKind> {
        ObjectKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == word)
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The queries return the kind as its word (`'materialized view'`): read with `try_get`, a
/// word this module does not know is a conversion error, not a panic.
impl<'a> FromSql<'a> for ObjectKind {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> Result<ObjectKind, Box<dyn std::error::Error + Sync + Send>> {
        let word = <&str as FromSql>::from_sql(ty, raw)?;
        ObjectKind::from_word(word).ok_or_else(|| format!("unknown object kind {word:?}").into())
    }

    fn accepts(ty: &Type) -> bool {
        <&str as FromSql>::accepts(ty)
    }
}

/// An object's identity: its kind and its qualified name.
type Key = (ObjectKind, String);

/// One object of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Object {
    /// What is compared.
    definition: String,
    /// The object it belongs to (a column's table, a table's schema, a grant's object): when
    /// that one is missing or left behind, the object's own difference is implied and not
    /// reported (a table left behind is one line, not one per column, index and grant).
    parent: Option<Key>,
}

/// The user-visible schema of a database: an ordered map from object identity to its
/// definition. Serialized as `{"objects": {"<kind> <name>": "<definition>", ...}}`, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    #[serde(serialize_with = "serialize_objects")]
    objects: BTreeMap<Key, Object>,
}

fn serialize_objects<S: Serializer>(
    objects: &BTreeMap<Key, Object>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(objects.len()))?;
    for ((kind, name), object) in objects {
        map.serialize_entry(&format!("{kind} {name}"), &object.definition)?;
    }
    map.end()
}

impl Snapshot {
    /// Reads the catalog through any client (a `Client` or a `Transaction`: a transaction's
    /// snapshot sees its own changes).
    ///
    /// The catalog functions print names relative to `search_path` and constants by the
    /// session's date, interval and float settings: these are pinned for the reading (so a
    /// migration's `SET search_path` cannot make two snapshots differ) and the session's
    /// values restored afterwards, error or not.
    pub fn take(client: &mut impl GenericClient) -> Result<Snapshot, postgres::Error> {
        let saved = client.query_one(queries::SAVE_SETTINGS, &[])?;
        let saved: Vec<String> = (0..queries::SETTINGS)
            .map(|i| saved.try_get(i))
            .collect::<Result<_, _>>()?;
        client.batch_execute(queries::PIN_SETTINGS)?;
        let read = read_catalog(client);
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = saved
            .iter()
            .map(|value| value as &(dyn postgres::types::ToSql + Sync))
            .collect();
        let restored = client.query_one(queries::RESTORE_SETTINGS, &params);
        // A failed reading first: in an aborted transaction the restoring fails too (and
        // the transaction's rollback restores the settings).
        let snapshot = read?;
        restored?;
        Ok(snapshot)
    }

    /// What differs from `self` (before the up) in `after` (after the down), ordered by
    /// kind then name. An object whose parent (table, schema, column, ...) is itself missing
    /// or left behind is not listed: the parent's line says it.
    pub fn diff(&self, after: &Snapshot) -> Vec<Difference> {
        let mut differences = Vec::new();
        let mut keys: Vec<&Key> = self.objects.keys().chain(after.objects.keys()).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            let change = match (self.objects.get(key), after.objects.get(key)) {
                (Some(before), Some(now)) if before.definition == now.definition => continue,
                (Some(before), Some(now)) => Change::Changed {
                    before: before.definition.clone(),
                    after: now.definition.clone(),
                },
                (Some(before), None) => {
                    if gone_with_parent(&before.parent, self, after) {
                        continue;
                    }
                    Change::Missing
                }
                (None, Some(now)) => {
                    if gone_with_parent(&now.parent, after, self) {
                        continue;
                    }
                    Change::Extra
                }
                (None, None) => continue,
            };
            differences.push(Difference {
                kind: key.0,
                object: key.1.clone(),
                change,
            });
        }
        differences
    }

    /// How many objects the snapshot holds.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Whether the snapshot holds no object (no user schema either: never after `take`
    /// on a database with `public`).
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// The definition of an object, if the snapshot holds it.
    pub fn get(&self, kind: ObjectKind, name: &str) -> Option<&str> {
        self.objects
            .get(&(kind, name.to_string()))
            .map(|object| object.definition.as_str())
    }

    /// The objects in order: kind, name, definition.
    pub fn iter(&self) -> impl Iterator<Item = (ObjectKind, &str, &str)> {
        self.objects
            .iter()
            .map(|((kind, name), object)| (*kind, name.as_str(), object.definition.as_str()))
    }
}

/// Whether an object present in `has` and absent from `lacks` went with its parent: the
/// parent is in `has` and not in `lacks` (so its own difference is reported).
fn gone_with_parent(parent: &Option<Key>, has: &Snapshot, lacks: &Snapshot) -> bool {
    parent
        .as_ref()
        .is_some_and(|p| has.objects.contains_key(p) && !lacks.objects.contains_key(p))
}

/// Runs every query of [`queries::OBJECTS`] and collects the objects.
fn read_catalog(client: &mut impl GenericClient) -> Result<Snapshot, postgres::Error> {
    let mut found: BTreeMap<Key, (Vec<String>, Option<Key>)> = BTreeMap::new();
    for query in queries::OBJECTS {
        for row in client.query(*query, &[])? {
            let kind: ObjectKind = row.try_get(0)?;
            let name: String = row.try_get(1)?;
            let definition: Option<String> = row.try_get(2)?;
            let parent_kind: Option<ObjectKind> = row.try_get(3)?;
            let parent_name: Option<String> = row.try_get(4)?;
            let parent = parent_kind.zip(parent_name);
            let definition = definition.unwrap_or_default();
            match found.entry((kind, name)) {
                Entry::Vacant(entry) => {
                    entry.insert((vec![definition], parent));
                }
                // Two objects with one identity (names with dots in them, quoted): both
                // definitions, in a stable order.
                Entry::Occupied(mut entry) => entry.get_mut().0.push(definition),
            }
        }
    }
    let objects = found
        .into_iter()
        .map(|(key, (mut definitions, parent))| {
            definitions.sort();
            let definition = definitions.join(" | ");
            (key, Object { definition, parent })
        })
        .collect();
    Ok(Snapshot { objects })
}

/// A difference between the schema before the up and the schema after the down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub kind: ObjectKind,
    /// The object's qualified name, e.g. `public.users.email`.
    pub object: String,
    pub change: Change,
}

/// How an object differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// It existed before the up and is gone after the down.
    Missing,
    /// It did not exist before the up and is there after the down: left behind by the up.
    Extra,
    /// It exists on both sides with another definition.
    Changed { before: String, after: String },
}

impl fmt::Display for Difference {
    /// One line: `column public.users.email is missing after the down`, `index
    /// public.users_email_idx is left behind by the up`, `column public.users.name changed:
    /// text not null -> text` (definitions on several lines, a view's query, are joined).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Difference {
            kind,
            object,
            change,
        } = self;
        match change {
            Change::Missing => write!(f, "{kind} {object} is missing after the down"),
            Change::Extra => write!(f, "{kind} {object} is left behind by the up"),
            Change::Changed { before, after } => write!(
                f,
                "{kind} {object} changed: {} -> {}",
                one_line(before),
                one_line(after)
            ),
        }
    }
}

/// `s` with each run of white space (new lines included) as one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The catalog queries, all of them. Each returns `kind, name, definition, parent_kind,
/// parent_name` (text): the object's identity, what is compared, and the object it belongs
/// to. Names are quoted as SQL quotes them (`quote_ident`), so `public."Users".email`.
///
/// Every query starts with the same common table expressions (`common!`): the schemas
/// compared, the extensions' objects, and the relations, functions and types compared, so
/// each exclusion is written once.
pub mod queries {
    /// The settings `take` pins while it reads, in this order: the catalog functions print
    /// names relative to `search_path` (with only `pg_catalog`, every user object is
    /// qualified, whatever the migration set) and constants by the others.
    pub(super) const SETTINGS: usize = 6;

    pub(super) const SAVE_SETTINGS: &str = "SELECT current_setting('search_path'), \
         current_setting('quote_all_identifiers'), current_setting('DateStyle'), \
         current_setting('IntervalStyle'), current_setting('TimeZone'), \
         current_setting('extra_float_digits')";

    /// Session settings (`is_local` false): `take` may run outside a transaction. Inside one,
    /// a rollback restores them anyway.
    pub(super) const PIN_SETTINGS: &str = "SELECT set_config('search_path', 'pg_catalog', false), \
         set_config('quote_all_identifiers', 'off', false), \
         set_config('DateStyle', 'ISO, YMD', false), \
         set_config('IntervalStyle', 'postgres', false), \
         set_config('TimeZone', 'UTC', false), \
         set_config('extra_float_digits', '1', false)";

    pub(super) const RESTORE_SETTINGS: &str = "SELECT set_config('search_path', $1, false), \
         set_config('quote_all_identifiers', $2, false), \
         set_config('DateStyle', $3, false), \
         set_config('IntervalStyle', $4, false), \
         set_config('TimeZone', $5, false), \
         set_config('extra_float_digits', $6, false)";

    /// The common table expressions every query starts with (a literal, for `concat!`).
    /// PostgreSQL does not evaluate the ones a query does not use.
    macro_rules! common {
        () => {
            "WITH
-- The schemas whose objects are compared. Not pg_catalog and information_schema (the
-- system's), pg_toast (the TOAST tables and their indexes: storage of the tables compared),
-- pg_temp_N and pg_toast_temp_N (temporary objects: gone with their session, never part of
-- the schema). PostgreSQL reserves the pg_ prefix (CREATE SCHEMA pg_x fails), so the
-- pattern excludes no user schema.
user_ns AS (
    SELECT n.oid, n.nspname, n.nspowner, n.nspacl, quote_ident(n.nspname) AS name
    FROM pg_namespace n
    WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
),
-- The objects created by CREATE EXTENSION (pg_depend deptype 'e'): their definitions are the
-- extension's, which the extension itself (name, schema, version) stands for. Not compared,
-- nor are their columns, constraints, indexes, policies, triggers and grants.
ext_member AS (
    SELECT d.classid, d.objid FROM pg_depend d WHERE d.deptype = 'e'
),
-- The schemas compared (an extension may create one: it is the extension's).
sch AS (
    SELECT n.* FROM user_ns n
    WHERE NOT EXISTS (SELECT 1 FROM ext_member e
                      WHERE e.classid = 'pg_namespace'::regclass AND e.objid = n.oid)
),
-- The relations compared: tables (plain and partitioned), views, materialized views,
-- sequences, foreign tables. Not indexes (compared in their own query), TOAST tables (in
-- pg_toast), the relations of composite types (compared as types), nor the sequences of
-- identity columns (pg_depend deptype 'i' on their column: the identity is the column's).
rel AS (
    SELECT c.oid, c.relkind, c.relowner, c.relacl, n.name AS schema,
           n.name || '.' || quote_ident(c.relname) AS name,
           CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                          WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table'
                          ELSE 'table' END AS kind
    FROM pg_class c JOIN user_ns n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND NOT EXISTS (SELECT 1 FROM ext_member e
                      WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid)
      AND NOT (c.relkind = 'S' AND EXISTS (
          SELECT 1 FROM pg_depend d
          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i'))
),
-- The functions, procedures and aggregates compared, by name and identity arguments. Not the
-- functions another object owns (pg_depend deptype 'i': a range type's constructors and
-- multirange constructors), created and dropped with it.
func AS (
    SELECT p.oid, p.prokind, p.proowner, p.proacl, n.name AS schema,
           n.name || '.' || quote_ident(p.proname)
               || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS name,
           CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
                          ELSE 'function' END AS kind
    FROM pg_proc p JOIN user_ns n ON n.oid = p.pronamespace
    WHERE NOT EXISTS (SELECT 1 FROM ext_member e
                      WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid)
      AND NOT EXISTS (SELECT 1 FROM pg_depend d
                      WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                        AND d.deptype = 'i')
),
-- The types compared: enums, domains, ranges and standalone composite types. Not the row
-- types of tables, views and sequences (the relation is compared), array types (created
-- and dropped with their element type), multiranges (with their range), base and pseudo
-- types (written in C: an extension's).
typ AS (
    SELECT t.oid, t.typtype, t.typowner, t.typacl, n.name AS schema,
           n.name || '.' || quote_ident(t.typname) AS name
    FROM pg_type t JOIN user_ns n ON n.oid = t.typnamespace
    WHERE (t.typtype IN ('e', 'd', 'r')
           OR (t.typtype = 'c'
               AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))
      AND NOT EXISTS (SELECT 1 FROM ext_member e
                      WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid)
)
"
        };
    }

    /// A collation's name, qualified unless it is a built-in one (`"C"`, `public.nocase`),
    /// for the collation OID `$oid` (an SQL expression).
    macro_rules! collation {
        ($oid:literal) => {
            concat!(
                "(SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN '' \
                 ELSE quote_ident(cn.nspname) || '.' END || quote_ident(co.collname) \
                 FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace \
                 WHERE co.oid = ",
                $oid,
                ")"
            )
        };
    }

    /// Schemas: the name (their grants are compared as grants).
    pub const SCHEMAS: &str = concat!(
        common!(),
        "SELECT 'schema', s.name, '', NULL::text, NULL::text FROM sch s"
    );

    /// Extensions: their schema and version (their objects are theirs, not compared).
    pub const EXTENSIONS: &str = concat!(
        common!(),
        "SELECT 'extension', quote_ident(x.extname),
       'schema ' || quote_ident(n.nspname) || ', version ' || x.extversion,
       'schema', quote_ident(n.nspname)
FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace"
    );

    /// Types: an enum's labels in their order, a domain's base type, collation, nullability,
    /// default and constraints (by name), a composite type's attributes in order, a range's
    /// subtype and functions.
    pub const TYPES: &str = concat!(
        common!(),
        "SELECT 'type', t.name,
       CASE t.typtype
       WHEN 'e' THEN 'enum (' || coalesce((
           SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
           FROM pg_enum e WHERE e.enumtypid = t.oid), '') || ')'
       WHEN 'd' THEN concat_ws(' ', 'domain ' || format_type(pt.typbasetype, pt.typtypmod),
           CASE WHEN pt.typcollation <> bt.typcollation
                THEN 'collate ' || ",
        collation!("pt.typcollation"),
        " END,
           CASE WHEN pt.typnotnull THEN 'not null' END,
           'default ' || pt.typdefault,
           (SELECT string_agg('constraint ' || quote_ident(co.conname) || ' '
                              || pg_get_constraintdef(co.oid), ' ' ORDER BY co.conname)
            FROM pg_constraint co WHERE co.contypid = t.oid))
       WHEN 'c' THEN 'composite (' || coalesce((
           SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
                             || CASE WHEN a.attcollation <> at.typcollation
                                     THEN ' collate ' || ",
        collation!("a.attcollation"),
        " ELSE '' END,
                             ', ' ORDER BY a.attnum)
           FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
           WHERE a.attrelid = pt.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '') || ')'
       WHEN 'r' THEN (
           SELECT concat_ws(' ', 'range of ' || format_type(r.rngsubtype, NULL),
                  CASE WHEN r.rngcollation <> 0 THEN 'collate ' || ",
        collation!("r.rngcollation"),
        " END,
                  'subtype_opclass ' || quote_ident(oc.opcname),
                  CASE WHEN r.rngcanonical <> 0 THEN 'canonical ' || r.rngcanonical::text END,
                  CASE WHEN r.rngsubdiff <> 0 THEN 'subtype_diff ' || r.rngsubdiff::text END)
           FROM pg_range r JOIN pg_opclass oc ON oc.oid = r.rngsubopc
           WHERE r.rngtypid = t.oid)
       END,
       'schema', t.schema
FROM typ t JOIN pg_type pt ON pt.oid = t.oid
     LEFT JOIN pg_type bt ON bt.oid = pt.typbasetype"
    );

    /// Relations. A table: unlogged, its partition key, the partition it is (parent and
    /// bounds) or the tables it inherits, its storage options, row level security (enabled,
    /// forced). A view or materialized view: its options and query. A sequence: its options
    /// and the column owning it (its parent: a `serial` column left behind is one line).
    pub const RELATIONS: &str = concat!(
        common!(),
        "SELECT r.kind, r.name,
       concat_ws('; ',
           CASE WHEN c.relpersistence = 'u' THEN 'unlogged' END,
           CASE WHEN c.relkind = 'p' THEN 'partition by ' || pg_get_partkeydef(c.oid) END,
           CASE WHEN c.relispartition THEN (
               SELECT 'partition of ' || i.inhparent::regclass::text || ' '
                      || pg_get_expr(c.relpartbound, c.oid)
               FROM pg_inherits i WHERE i.inhrelid = c.oid) END,
           CASE WHEN NOT c.relispartition THEN (
               SELECT 'inherits ' || string_agg(i.inhparent::regclass::text, ', '
                                                ORDER BY i.inhseqno)
               FROM pg_inherits i WHERE i.inhrelid = c.oid) END,
           CASE WHEN c.relkind = 'S' THEN (
               SELECT format('as %s start %s increment %s minvalue %s maxvalue %s cache %s%s',
                             format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
                             s.seqmin, s.seqmax, s.seqcache,
                             CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END)
               FROM pg_sequence s WHERE s.seqrelid = c.oid) END,
           'owned by ' || owner.name,
           (SELECT 'with (' || string_agg(o, ', ' ORDER BY o) || ')' FROM unnest(c.reloptions) o),
           CASE WHEN c.relkind IN ('v', 'm') THEN 'as ' || pg_get_viewdef(c.oid) END,
           CASE WHEN c.relkind IN ('r', 'p') THEN 'row level security '
               || CASE WHEN c.relrowsecurity THEN 'enabled' ELSE 'disabled' END
               || CASE WHEN c.relforcerowsecurity THEN ' and forced' ELSE '' END END),
       CASE WHEN owner.name IS NULL THEN 'schema' ELSE 'column' END,
       coalesce(owner.name, r.schema)
FROM rel r JOIN pg_class c ON c.oid = r.oid
LEFT JOIN LATERAL (
    -- The column owning a sequence (OWNED BY, serial: pg_depend deptype 'a').
    SELECT quote_ident(tn.nspname) || '.' || quote_ident(t.relname) || '.'
           || quote_ident(a.attname) AS name
    FROM pg_depend d
    JOIN pg_class t ON t.oid = d.refobjid
    JOIN pg_namespace tn ON tn.oid = t.relnamespace
    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid
      AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype = 'a'
    LIMIT 1
) owner ON true"
    );

    /// Columns of tables and foreign tables, by name: type, collation (when not the type's),
    /// nullability, default or generated expression, identity. Not the columns of views and
    /// materialized views: their query is compared, and says them.
    pub const COLUMNS: &str = concat!(
        common!(),
        "SELECT 'column', r.name || '.' || quote_ident(a.attname),
       concat_ws(' ',
           format_type(a.atttypid, a.atttypmod),
           CASE WHEN a.attcollation <> t.typcollation THEN 'collate ' || ",
        collation!("a.attcollation"),
        " END,
           CASE WHEN a.attnotnull THEN 'not null' END,
           CASE WHEN a.attgenerated = 's'
                THEN 'generated always as (' || pg_get_expr(ad.adbin, ad.adrelid) || ') stored'
                ELSE 'default ' || pg_get_expr(ad.adbin, ad.adrelid) END,
           CASE a.attidentity WHEN 'a' THEN 'generated always as identity'
                              WHEN 'd' THEN 'generated by default as identity' END),
       r.kind, r.name
FROM rel r
JOIN pg_attribute a ON a.attrelid = r.oid
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
-- attnum > 0: not the system columns (ctid, xmin, ...); attisdropped: a dropped column
-- stays in pg_attribute, renamed ........pg.dropped.N........
WHERE r.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped"
    );

    /// Constraints of relations, by table and name (names PostgreSQL generated included):
    /// `pg_get_constraintdef` (with NOT VALID, DEFERRABLE, ...). Domains' constraints are
    /// their type's.
    pub const CONSTRAINTS: &str = concat!(
        common!(),
        "SELECT 'constraint', r.name || '.' || quote_ident(co.conname),
       pg_get_constraintdef(co.oid), r.kind, r.name
FROM rel r JOIN pg_constraint co ON co.conrelid = r.oid
-- A foreign key referencing a partitioned table has, on the referencing table, one internal
-- copy per partition of the referenced table, with the same name (conparentid: the
-- constraint on the same table): the constraint is the parent, compared once.
WHERE NOT (co.conparentid <> 0 AND EXISTS (
    SELECT 1 FROM pg_constraint pc WHERE pc.oid = co.conparentid AND pc.conrelid = co.conrelid))"
    );

    /// Indexes, by schema and name: `pg_get_indexdef`, and whether the index is invalid (a
    /// failed CREATE INDEX CONCURRENTLY).
    pub const INDEXES: &str = concat!(
        common!(),
        "SELECT 'index', r.schema || '.' || quote_ident(ic.relname),
       pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' (invalid)' END,
       r.kind, r.name
FROM rel r
JOIN pg_index i ON i.indrelid = r.oid
JOIN pg_class ic ON ic.oid = i.indexrelid
-- Not the index of a primary key, unique or exclusion constraint (pg_depend deptype 'i' on
-- the constraint): created and dropped with it, the constraint is compared.
WHERE NOT EXISTS (
    SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid
      AND d.refclassid = 'pg_constraint'::regclass AND d.deptype = 'i')"
    );

    /// Row level security policies, by table and name: permissive or restrictive, the
    /// command, the roles (sorted), USING and WITH CHECK.
    pub const POLICIES: &str = concat!(
        common!(),
        "SELECT 'policy', r.name || '.' || quote_ident(p.polname),
       concat_ws(' ',
           'as ' || CASE WHEN p.polpermissive THEN 'permissive' ELSE 'restrictive' END,
           'for ' || CASE p.polcmd WHEN 'r' THEN 'select' WHEN 'a' THEN 'insert'
                                   WHEN 'w' THEN 'update' WHEN 'd' THEN 'delete'
                                   ELSE 'all' END,
           'to ' || (SELECT string_agg(role, ', ' ORDER BY role) FROM (
               SELECT CASE WHEN o = 0 THEN 'public' ELSE quote_ident(pg_get_userbyid(o)) END
               FROM unnest(p.polroles) o) roles(role)),
           'using (' || pg_get_expr(p.polqual, p.polrelid) || ')',
           'with check (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')'),
       r.kind, r.name
FROM rel r JOIN pg_policy p ON p.polrelid = r.oid"
    );

    /// Triggers, by table and name: `pg_get_triggerdef` and whether it is disabled (or fires
    /// on replicas).
    pub const TRIGGERS: &str = concat!(
        common!(),
        "SELECT 'trigger', r.name || '.' || quote_ident(tg.tgname),
       pg_get_triggerdef(tg.oid)
           || CASE tg.tgenabled WHEN 'D' THEN ' (disabled)' WHEN 'R' THEN ' (enabled replica)'
                                WHEN 'A' THEN ' (enabled always)' ELSE '' END,
       r.kind, r.name
FROM rel r JOIN pg_trigger tg ON tg.tgrelid = r.oid
-- Not internal triggers: those of foreign keys and deferrable constraints, created and
-- dropped with their constraint (compared).
WHERE NOT tg.tgisinternal"
    );

    /// Functions and procedures: the result, language and attributes, then a digest of
    /// `pg_get_functiondef` (the whole definition, body included: one line in a report).
    /// Aggregates (`pg_get_functiondef` refuses them): their functions, state type and
    /// initial value.
    pub const FUNCTIONS: &str = concat!(
        common!(),
        "SELECT f.kind, f.name,
       CASE WHEN p.prokind = 'a' THEN (
           SELECT concat_ws(' ', 'sfunc ' || ag.aggtransfn::text,
                  'stype ' || format_type(ag.aggtranstype, NULL),
                  CASE WHEN ag.aggfinalfn::oid <> 0 THEN 'finalfunc ' || ag.aggfinalfn::text END,
                  CASE WHEN ag.aggcombinefn::oid <> 0
                       THEN 'combinefunc ' || ag.aggcombinefn::text END,
                  'initcond ' || quote_literal(ag.agginitval))
           FROM pg_aggregate ag WHERE ag.aggfnoid = p.oid)
       ELSE concat_ws(' ',
           'returns ' || pg_get_function_result(p.oid),
           'language ' || quote_ident(l.lanname),
           CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable'
                              ELSE 'volatile' END,
           CASE WHEN p.proisstrict THEN 'strict' END,
           CASE WHEN p.prosecdef THEN 'security definer' END,
           CASE WHEN p.proleakproof THEN 'leakproof' END,
           CASE p.proparallel WHEN 's' THEN 'parallel safe'
                              WHEN 'r' THEN 'parallel restricted' END,
           (SELECT 'set ' || string_agg(s, ', ' ORDER BY s) FROM unnest(p.proconfig) s),
           'definition md5 ' || left(md5(pg_get_functiondef(p.oid)), 12))
       END,
       'schema', f.schema
FROM func f JOIN pg_proc p ON p.oid = f.oid JOIN pg_language l ON l.oid = p.prolang"
    );

    /// Grants: one object per privilege, object (or column) and grantee, whatever the
    /// grantor (several grantors of one privilege are one grant), and whether it is with
    /// grant option. A NULL ACL is the default one (`acldefault`: the owner's privileges,
    /// PUBLIC's on functions and types), so a GRANT then REVOKE that writes the default ACL
    /// out compares equal to none.
    pub const GRANTS: &str = concat!(
        common!(),
        "SELECT 'grant',
       lower(x.privilege_type) || coalesce(' (' || o.col || ')', '') || ' on ' || o.on_kind
           || ' ' || o.on_name || ' to '
           || CASE WHEN x.grantee = 0 THEN 'public'
                   ELSE quote_ident(pg_get_userbyid(x.grantee)) END,
       CASE WHEN bool_or(x.is_grantable) THEN 'granted with grant option' ELSE 'granted' END,
       o.parent_kind, o.parent_name
FROM (
    SELECT r.kind AS on_kind, r.name AS on_name, NULL::text AS col,
           r.kind AS parent_kind, r.name AS parent_name,
           coalesce(r.relacl, acldefault(CASE WHEN r.relkind = 'S' THEN 's' ELSE 'r' END::\"char\",
                                         r.relowner)) AS acl
    FROM rel r
    UNION ALL
    -- Column privileges: a NULL attacl is no column grant (the table's apply). A view's
    -- columns are not compared: the view is the parent.
    SELECT r.kind, r.name, quote_ident(a.attname),
           CASE WHEN r.relkind IN ('v', 'm') THEN r.kind ELSE 'column' END,
           CASE WHEN r.relkind IN ('v', 'm') THEN r.name
                ELSE r.name || '.' || quote_ident(a.attname) END,
           a.attacl
    FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid
    WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT f.kind, f.name, NULL, f.kind, f.name,
           coalesce(f.proacl, acldefault('f', f.proowner))
    FROM func f
    UNION ALL
    SELECT 'schema', s.name, NULL, 'schema', s.name, coalesce(s.nspacl, acldefault('n', s.nspowner))
    FROM sch s
    UNION ALL
    SELECT 'type', t.name, NULL, 'type', t.name, coalesce(t.typacl, acldefault('T', t.typowner))
    FROM typ t
) o, LATERAL aclexplode(o.acl) x
GROUP BY x.privilege_type, o.col, o.on_kind, o.on_name, x.grantee, o.parent_kind, o.parent_name"
    );

    /// Every query `take` runs.
    pub const OBJECTS: &[&str] = &[
        SCHEMAS,
        EXTENSIONS,
        TYPES,
        RELATIONS,
        COLUMNS,
        CONSTRAINTS,
        INDEXES,
        POLICIES,
        TRIGGERS,
        FUNCTIONS,
        GRANTS,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn difference(kind: ObjectKind, object: &str, change: Change) -> String {
        Difference {
            kind,
            object: object.to_string(),
            change,
        }
        .to_string()
    }

    #[test]
    fn differences_read_as_one_line() {
        assert_eq!(
            difference(ObjectKind::Column, "public.users.email", Change::Missing),
            "column public.users.email is missing after the down"
        );
        assert_eq!(
            difference(ObjectKind::Index, "public.users_email_idx", Change::Extra),
            "index public.users_email_idx is left behind by the up"
        );
        assert_eq!(
            difference(
                ObjectKind::View,
                "public.v",
                Change::Changed {
                    before: "as  SELECT 1\n   FROM t;".to_string(),
                    after: "as  SELECT 2\n   FROM t;".to_string(),
                }
            ),
            "view public.v changed: as SELECT 1 FROM t; -> as SELECT 2 FROM t;"
        );
    }

    #[test]
    fn kinds_read_back_from_their_words() {
        for kind in ObjectKind::ALL {
            assert_eq!(ObjectKind::from_word(kind.as_str()), Some(kind));
        }
        assert_eq!(ObjectKind::from_word("rule"), None);
    }
}
