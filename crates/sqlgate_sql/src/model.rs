//! The statement model every rule reads: what a statement does, to which objects, where.
//!
//! Built from sqlparser's AST when a statement parses (`ast.rs`) and from tokens when it does
//! not (`classify.rs`); names and actions always carry file-absolute byte spans.

use std::fmt;
use std::ops::Range;

/// A possibly schema-qualified object name, normalized as the server sees it: unquoted
/// Postgres identifiers folded to lower case, quoted ones kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name {
    pub schema: Option<String>,
    pub name: String,
    pub span: Range<usize>,
}

/// The `name` of a [`Name`] that dynamic SQL computes at run time (an `EXECUTE` of
/// `format('DROP TABLE %I', t)` or `'DROP TABLE ' || t`): how messages show it.
pub const COMPUTED_NAME: &str = "(name computed at run time)";

impl Name {
    /// Identity used by the catalog: an unqualified name is looked up as-is, so `public.t`
    /// and `t` are the same table when the schema is `public`. A name computed at run time
    /// is known to be no other: its key is its own (by its place in the file), so it is
    /// never taken for an object created elsewhere.
    pub fn key(&self) -> String {
        if self.is_computed() {
            return format!("{COMPUTED_NAME}@{}", self.span.start);
        }
        match self.schema.as_deref() {
            None | Some("public") => self.name.clone(),
            Some(schema) => format!("{schema}.{}", self.name),
        }
    }

    /// Whether dynamic SQL computes the name at run time ([`COMPUTED_NAME`]).
    pub fn is_computed(&self) -> bool {
        self.name == COMPUTED_NAME
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectType {
    Table,
    View,
    MaterializedView,
    Index,
    Sequence,
    Function,
    Procedure,
    Aggregate,
    Type,
    Domain,
    Extension,
    Schema,
    Database,
    Trigger,
    Policy,
    Rule,
    Dictionary,
    Column,
    Constraint,
    Other,
}

impl ObjectType {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectType::Table => "table",
            ObjectType::View => "view",
            ObjectType::MaterializedView => "materialized view",
            ObjectType::Index => "index",
            ObjectType::Sequence => "sequence",
            ObjectType::Function => "function",
            ObjectType::Procedure => "procedure",
            ObjectType::Aggregate => "aggregate",
            ObjectType::Type => "type",
            ObjectType::Domain => "domain",
            ObjectType::Extension => "extension",
            ObjectType::Schema => "schema",
            ObjectType::Database => "database",
            ObjectType::Trigger => "trigger",
            ObjectType::Policy => "policy",
            ObjectType::Rule => "rule",
            ObjectType::Dictionary => "dictionary",
            ObjectType::Column => "column",
            ObjectType::Constraint => "constraint",
            ObjectType::Other => "object",
        }
    }
}

/// One action of an `ALTER TABLE`, with the byte span of the action's own text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterAction {
    pub kind: ActionKind,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionKind {
    AddColumn {
        column: Name,
        def: ColumnDef,
    },
    AddConstraint {
        constraint: ConstraintDef,
    },
    /// `VALIDATE CONSTRAINT name`.
    ValidateConstraint {
        constraint: Name,
    },
    DropColumn {
        column: Name,
        cascade: bool,
    },
    DropConstraint {
        constraint: Name,
        cascade: bool,
    },
    RenameTable {
        to: Name,
    },
    RenameColumn {
        column: Name,
        to: Name,
    },
    AlterColumnType {
        column: Name,
        /// The new type, when the classifier could read it.
        data_type: Option<DataType>,
        /// A `USING` expression computes the new values.
        using: bool,
    },
    DropNotNull {
        column: Name,
    },
    DropDefault {
        column: Name,
    },
    /// `ALTER COLUMN c DROP EXPRESSION`: a generated column becomes a plain one.
    DropExpression {
        column: Name,
    },
    /// `SET SCHEMA s`: the table moves to another schema.
    SetSchema {
        schema: Name,
    },
    SetNotNull {
        column: Name,
    },
    EnableRls,
    DisableRls,
    ForceRls,
    NoForceRls,
    /// ClickHouse `ALTER TABLE ... DELETE WHERE`.
    MutationDelete,
    /// ClickHouse `ALTER TABLE ... UPDATE ... WHERE`.
    MutationUpdate,
    /// ClickHouse `DROP PARTITION|PART`.
    DropPartition,
    /// ClickHouse `DETACH PARTITION|PART`.
    DetachPartition,
    /// Postgres `ATTACH PARTITION t FOR VALUES ...`.
    AttachPartition {
        partition: Name,
    },
    /// Postgres `DETACH PARTITION t [CONCURRENTLY|FINALIZE]`.
    DetachTablePartition {
        partition: Name,
        concurrently: bool,
    },
    /// ClickHouse `CLEAR COLUMN`.
    ClearColumn {
        column: Name,
    },
    Other,
}

/// One match for both `names` and `names_mut`: binding modes make the references follow `$kind`.
macro_rules! action_names {
    ($kind:expr) => {
        match $kind {
            ActionKind::AddColumn { column, .. }
            | ActionKind::DropColumn { column, .. }
            | ActionKind::AlterColumnType { column, .. }
            | ActionKind::DropNotNull { column }
            | ActionKind::DropDefault { column }
            | ActionKind::DropExpression { column }
            | ActionKind::SetNotNull { column }
            | ActionKind::ClearColumn { column } => vec![column],
            ActionKind::DropConstraint { constraint, .. }
            | ActionKind::ValidateConstraint { constraint } => vec![constraint],
            ActionKind::RenameTable { to } => vec![to],
            ActionKind::SetSchema { schema } => vec![schema],
            ActionKind::AttachPartition { partition }
            | ActionKind::DetachTablePartition { partition, .. } => vec![partition],
            ActionKind::RenameColumn { column, to } => vec![column, to],
            _ => Vec::new(),
        }
    };
}

impl ActionKind {
    /// The names an action mentions (columns, constraints, new names).
    pub fn names(&self) -> Vec<&Name> {
        action_names!(self)
    }

    pub fn names_mut(&mut self) -> Vec<&mut Name> {
        action_names!(self)
    }
}

/// A column's type as written: words lower-cased and joined by one space, without
/// `pg_catalog.`, length or precision (`character varying(20)[]` → `character varying`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataType {
    pub name: String,
    /// A length or precision was given: `varchar(20)`, `timestamp(3)`.
    pub modifiers: bool,
    /// The one integer modifier, when that is all there is: `20` of `varchar(20)`.
    pub length: Option<u32>,
    pub array: bool,
    /// The type's own name was a quoted identifier: `"char"` is PostgreSQL's one-byte
    /// internal type, `char` is `char(1)`.
    pub quoted: bool,
    pub span: Range<usize>,
}

/// A column's `DEFAULT` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultExpr {
    pub span: Range<usize>,
    /// Lower-cased names of the functions it calls (`now`, `gen_random_uuid`), including
    /// SQL-standard niladic ones written without parentheses (`current_timestamp`).
    pub calls: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generated {
    /// `GENERATED ALWAYS AS (expr) STORED`.
    Stored,
    /// `GENERATED ALWAYS AS (expr) VIRTUAL` (Postgres 18).
    Virtual,
    /// `GENERATED {ALWAYS|BY DEFAULT} AS IDENTITY`.
    Identity,
}

/// What a column definition says besides its name (`CREATE TABLE` and `ADD COLUMN`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ColumnDef {
    pub data_type: Option<DataType>,
    pub not_null: bool,
    /// Boxed, as `references`: most columns have neither, and a replay holds thousands.
    pub default: Option<Box<DefaultExpr>>,
    pub generated: Option<Generated>,
    pub primary_key: bool,
    pub unique: bool,
    /// The table of an inline `REFERENCES t`.
    pub references: Option<Box<Name>>,
    /// An inline `CHECK (...)`.
    pub check: bool,
}

/// A column of `CREATE TABLE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec {
    pub name: Name,
    pub def: ColumnDef,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintKind {
    PrimaryKey,
    Unique,
    ForeignKey,
    Check,
    Exclude,
    NotNull,
    Other,
}

impl ConstraintKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConstraintKind::PrimaryKey => "primary key",
            ConstraintKind::Unique => "unique",
            ConstraintKind::ForeignKey => "foreign key",
            ConstraintKind::Check => "check",
            ConstraintKind::Exclude => "exclusion",
            ConstraintKind::NotNull => "not null",
            ConstraintKind::Other => "constraint",
        }
    }
}

/// A table or domain constraint being added (`ADD [CONSTRAINT name] ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintDef {
    pub name: Option<Name>,
    pub kind: ConstraintKind,
    pub not_valid: bool,
    /// `PRIMARY KEY|UNIQUE USING INDEX idx`: built from an existing index, no scan.
    pub using_index: bool,
    /// The referenced table of a foreign key.
    pub references: Option<Name>,
    /// The column of a `CHECK (column IS NOT NULL)`, which lets a later `SET NOT NULL`
    /// skip its table scan once validated.
    pub not_null_check: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaintenanceCommand {
    Vacuum,
    Cluster,
    Reindex,
    RefreshMaterializedView,
    LockTable,
}

impl ConstraintDef {
    /// How messages name it: `unique constraint users_email_key`, or `check constraint`
    /// when it has no name.
    pub fn describe(&self) -> String {
        match &self.name {
            Some(name) => format!("{} constraint {}", self.kind.as_str(), name.name),
            None => format!("{} constraint", self.kind.as_str()),
        }
    }
}

/// The command a policy applies to (`FOR ...`; `ALL` when absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyCommand {
    All,
    Select,
    Insert,
    Update,
    Delete,
}

impl PolicyCommand {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyCommand::All => "all",
            PolicyCommand::Select => "select",
            PolicyCommand::Insert => "insert",
            PolicyCommand::Update => "update",
            PolicyCommand::Delete => "delete",
        }
    }
}

/// A role named in `TO ...`, normalized like identifiers (`PUBLIC` is `public`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Role {
    pub name: String,
    pub span: Range<usize>,
}

/// A policy's `USING` or `WITH CHECK` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyExpr {
    /// The expression inside the parentheses.
    pub span: Range<usize>,
    /// The expression is a constant true (`true`, `(true)`, `1 = 1`): every row passes.
    pub always_true: bool,
}

/// What `CREATE POLICY` says (`StatementKind::CreatePolicy`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub name: Name,
    pub table: Name,
    pub permissive: bool,
    pub command: PolicyCommand,
    /// Empty when there is no `TO` clause (the policy applies to PUBLIC).
    pub roles: Vec<Role>,
    pub using: Option<PolicyExpr>,
    pub with_check: Option<PolicyExpr>,
}

/// What a GRANT grants on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantTarget {
    /// `ON [TABLE|FUNCTION|SCHEMA|...] names` (tables when no object type is written).
    Objects(ObjectType),
    /// `ON ALL TABLES|SEQUENCES|FUNCTIONS IN SCHEMA s`, or the object class of
    /// `ALTER DEFAULT PRIVILEGES ... ON TABLES|...`.
    AllInSchema(ObjectType),
    /// `GRANT role TO role`: membership in the roles listed as privileges.
    Membership,
}

/// Transaction control, as PostgreSQL runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionControl {
    /// `BEGIN [WORK|TRANSACTION]`, `START TRANSACTION`: opens a transaction block (inside
    /// one, PostgreSQL ignores it with a warning).
    Begin,
    /// `COMMIT|END [WORK|TRANSACTION] [AND [NO] CHAIN]`. With `AND CHAIN` (`chain`), a new
    /// transaction with the same characteristics starts at once.
    Commit { chain: bool },
    /// `ROLLBACK|ABORT [WORK|TRANSACTION] [AND [NO] CHAIN]`, chained like `Commit`.
    Rollback { chain: bool },
    /// `SAVEPOINT s`, `RELEASE [SAVEPOINT] s`, `ROLLBACK [WORK|TRANSACTION] TO [SAVEPOINT] s`:
    /// the transaction goes on.
    Savepoint,
    /// `PREPARE TRANSACTION 'id'`: ends the transaction block (its work waits, prepared, for
    /// `COMMIT PREPARED`).
    Prepare,
    /// `COMMIT PREPARED 'id'`, `ROLLBACK PREPARED 'id'`: finishes a transaction prepared
    /// earlier; the session's own transaction state does not change (and PostgreSQL refuses
    /// it inside a transaction block).
    FinishPrepared,
}

impl TransactionControl {
    /// Whether it ends the open transaction block: `COMMIT`, `ROLLBACK` (chained or not) and
    /// `PREPARE TRANSACTION`.
    pub fn ends_transaction(self) -> bool {
        matches!(
            self,
            TransactionControl::Commit { .. }
                | TransactionControl::Rollback { .. }
                | TransactionControl::Prepare
        )
    }

    /// Whether a transaction block is open right after it, when one was open before:
    /// `BEGIN`, `AND CHAIN` and savepoints.
    pub fn keeps_transaction(self) -> bool {
        matches!(
            self,
            TransactionControl::Begin
                | TransactionControl::Commit { chain: true }
                | TransactionControl::Rollback { chain: true }
                | TransactionControl::Savepoint
        )
    }

    /// Whether PostgreSQL refuses it outside a transaction block (`AND CHAIN`, savepoints).
    pub fn needs_transaction(self) -> bool {
        matches!(
            self,
            TransactionControl::Commit { chain: true }
                | TransactionControl::Rollback { chain: true }
                | TransactionControl::Savepoint
        )
    }

    /// How messages name it: `commit`, `commit and chain`, `rollback`, `prepare transaction`.
    pub fn as_str(self) -> &'static str {
        match self {
            TransactionControl::Begin => "begin",
            TransactionControl::Commit { chain: false } => "commit",
            TransactionControl::Commit { chain: true } => "commit and chain",
            TransactionControl::Rollback { chain: false } => "rollback",
            TransactionControl::Rollback { chain: true } => "rollback and chain",
            TransactionControl::Savepoint => "savepoint",
            TransactionControl::Prepare => "prepare transaction",
            TransactionControl::FinishPrepared => "commit prepared",
        }
    }
}

/// What a `CREATE TABLE` says besides its name and columns (`StatementKind::CreateTable`),
/// boxed apart to keep the statement model small.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableClauses {
    /// `PARTITION OF parent`.
    pub partition_of: Option<Name>,
    /// Its table constraints: the items of the column list that are not columns
    /// (`[CONSTRAINT c] PRIMARY KEY|UNIQUE|FOREIGN KEY|CHECK|EXCLUDE ...`).
    pub constraints: Vec<ConstraintDef>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementKind {
    /// `CREATE [TEMP|UNLOGGED] TABLE`, including `AS SELECT`, `(LIKE x)` and `PARTITION OF p`.
    CreateTable {
        table: Name,
        temporary: bool,
        if_not_exists: bool,
        /// Its columns (empty for `AS SELECT`, `PARTITION OF` without a column list, ...).
        columns: Box<[ColumnSpec]>,
        /// `PARTITION BY ...`: a partitioned parent that holds no rows itself (Postgres).
        partitioned: bool,
        /// `PARTITION OF parent` and the table constraints, when it has either.
        clauses: Option<Box<TableClauses>>,
    },
    CreateIndex {
        name: Option<Box<Name>>,
        table: Name,
        concurrently: bool,
        /// `ON ONLY table`: on a partitioned parent, creates the index without touching the
        /// partitions.
        only: bool,
        unique: bool,
        /// The plain columns it indexes (an element that is an expression is left out).
        columns: Box<[String]>,
    },
    /// `CREATE POLICY name ON table [AS PERMISSIVE|RESTRICTIVE] [FOR cmd] [TO roles]
    /// [USING (...)] [WITH CHECK (...)]` (boxed: the largest model, and a rare statement).
    CreatePolicy(Box<Policy>),
    /// `CREATE [OR REPLACE] FUNCTION|PROCEDURE`, with what its options (outside the body) say.
    CreateFunction {
        object: ObjectType,
        name: Option<Name>,
        security_definer: bool,
        /// A `SET search_path` option (`= ...`, `TO ...` or `FROM CURRENT`).
        sets_search_path: bool,
        /// `RETURNS trigger|event_trigger`: only ever called by the server, never directly.
        returns_trigger: bool,
    },
    /// `GRANT ... TO roles` and `ALTER DEFAULT PRIVILEGES ... GRANT ... TO roles`.
    Grant {
        /// Upper-case privilege words (`SELECT`, `ALL`, `EXECUTE`, ...); for a role membership
        /// grant, the granted roles' names.
        privileges: Vec<String>,
        target: GrantTarget,
        /// The objects named after `ON` (or the schemas of `ALL ... IN SCHEMA`).
        objects: Vec<Name>,
        roles: Vec<Role>,
        default_privileges: bool,
    },
    /// CREATE of anything else (view, type, schema, trigger, ...). `on` is the table of a
    /// trigger or rule.
    Create {
        object: ObjectType,
        name: Option<Name>,
        /// The table of a trigger, policy or rule; the `TO` table of a ClickHouse
        /// materialized view (where its rows are stored).
        on: Option<Box<Name>>,
        /// A `CREATE DOMAIN` with a `CHECK` or `NOT NULL` constraint.
        constrained: bool,
    },
    /// `ALTER DOMAIN name ...`; `add_constraint` for `ADD [CONSTRAINT c] CHECK (...)`.
    AlterDomain {
        name: Name,
        add_constraint: Option<Box<ConstraintDef>>,
    },
    /// `VACUUM`, `CLUSTER`, `REINDEX`, `REFRESH MATERIALIZED VIEW`, `LOCK TABLE`.
    Maintenance {
        command: MaintenanceCommand,
        /// `REINDEX INDEX|TABLE|SCHEMA|DATABASE|SYSTEM`; `Table` for the others.
        object: ObjectType,
        /// The first object named (none for a database-wide `VACUUM`).
        target: Option<Name>,
        /// `VACUUM FULL` (also `VACUUM (FULL)`).
        full: bool,
    },
    /// `SET [SESSION|LOCAL] parameter {TO|=} value` and `RESET parameter`
    /// (value `default`).
    Set {
        /// Lower-cased.
        parameter: String,
        /// As written, without quotes; `default` for `RESET` and `SET ... TO DEFAULT`.
        value: String,
        local: bool,
    },
    Drop {
        object: ObjectType,
        names: Vec<Name>,
        /// The table of `DROP POLICY|TRIGGER|RULE name ON table`.
        on: Option<Box<Name>>,
        if_exists: bool,
        cascade: bool,
    },
    AlterTable {
        table: Name,
        actions: Vec<AlterAction>,
    },
    /// ALTER SCHEMA/TYPE/VIEW ... RENAME TO.
    Rename {
        object: ObjectType,
        name: Name,
        to: Box<Name>,
    },
    /// `ALTER VIEW|TYPE|FUNCTION|SEQUENCE|... name SET SCHEMA s` (tables: an ALTER TABLE
    /// action).
    SetSchema {
        object: ObjectType,
        name: Name,
        schema: Box<Name>,
    },
    /// ALTER TYPE ... RENAME VALUE 'a' TO 'b'.
    RenameEnumValue {
        name: Name,
        value: String,
    },
    /// ClickHouse/MySQL `RENAME TABLE a TO b`.
    RenameTables {
        pairs: Vec<(Name, Name)>,
    },
    Truncate {
        tables: Vec<Name>,
        cascade: bool,
    },
    Delete {
        table: Name,
        has_where: bool,
    },
    Update {
        table: Name,
        has_where: bool,
        /// The columns its `SET` assigns (`col = ...`, `(a, b) = ...`), as written; empty
        /// when they could not be read.
        columns: Box<[Name]>,
    },
    Insert {
        table: Option<Name>,
    },
    Select,
    Transaction(TransactionControl),
    /// `DO $$ ... $$`; the body's statements are modelled separately with a dynamic origin.
    Do,
    /// `COMMENT ON object name [ON table] IS ...`: documentation, but it names the object (a
    /// column's `name` is its table).
    Comment {
        object: ObjectType,
        name: Name,
        /// The column of `COMMENT ON COLUMN`.
        column: Option<Box<str>>,
        /// The table of `COMMENT ON CONSTRAINT|POLICY|TRIGGER|RULE name ON table`.
        on: Option<Box<Name>>,
    },
    /// A statement we understand only by its leading keywords, e.g. `GRANT`, `COMMENT ON`.
    Other {
        keyword: String,
    },
    /// Not SQL we could classify (does not start with a keyword).
    Unknown,
    /// A PL/pgSQL `EXECUTE` whose SQL cannot be read before it runs: a variable built at run
    /// time, a function's result, a `format()` whose format is not a literal, or text whose
    /// statement keyword is computed. Always dynamic (in a DO block or function body).
    UnreadableExecute {
        /// The variable it executes, when it is one (as the server folds it).
        variable: Option<Box<str>>,
    },
    /// A psql meta-command line. `runs` names one that runs SQL (or a shell command) the
    /// migration does not show: `\\i`/`\\ir` (another file), `\\gexec` (a query's
    /// results), `\\!` (a shell command).
    PsqlMeta {
        runs: Option<&'static str>,
    },
    CopyData,
}

/// One match for both `names` and `names_mut` (see `action_names`); `$unbox` is `as_ref` or
/// `as_mut`, for the boxed names.
macro_rules! statement_names {
    ($kind:expr, $unbox:ident) => {
        match $kind {
            StatementKind::CreateTable { table, .. }
            | StatementKind::Delete { table, .. }
            | StatementKind::Update { table, .. }
            | StatementKind::AlterTable { table, .. } => vec![table],
            StatementKind::CreateIndex { name, table, .. } => name
                .into_iter()
                .map(|n| n.$unbox())
                .chain(std::iter::once(table))
                .collect(),
            StatementKind::Create { name, on, .. } => name
                .into_iter()
                .chain(on.into_iter().map(|n| n.$unbox()))
                .collect(),
            StatementKind::Comment { name, on, .. } => std::iter::once(name)
                .chain(on.into_iter().map(|n| n.$unbox()))
                .collect(),
            StatementKind::CreatePolicy(policy) => {
                let Policy { name, table, .. } = policy.$unbox();
                vec![name, table]
            }
            StatementKind::CreateFunction { name, .. } => name.into_iter().collect(),
            StatementKind::Grant { objects, .. } => objects.into_iter().collect(),
            StatementKind::Drop { names, on, .. } => names
                .into_iter()
                .chain(on.into_iter().map(|n| n.$unbox()))
                .collect(),
            StatementKind::Truncate { tables, .. } => tables.into_iter().collect(),
            StatementKind::Insert { table } => table.into_iter().collect(),
            StatementKind::Maintenance { target, .. } => target.into_iter().collect(),
            StatementKind::Rename { name, to, .. } => vec![name, to.$unbox()],
            StatementKind::SetSchema { name, schema, .. } => vec![name, schema.$unbox()],
            StatementKind::RenameEnumValue { name, .. }
            | StatementKind::AlterDomain { name, .. } => vec![name],
            StatementKind::RenameTables { pairs } => {
                pairs.into_iter().flat_map(|(a, b)| [a, b]).collect()
            }
            _ => Vec::new(),
        }
    };
}

impl StatementKind {
    /// The objects a statement names (not the names inside ALTER TABLE actions).
    pub fn names(&self) -> Vec<&Name> {
        statement_names!(self, as_ref)
    }

    pub fn names_mut(&mut self) -> Vec<&mut Name> {
        statement_names!(self, as_mut)
    }

    /// A short label for statistics and messages, e.g. `drop table`.
    pub fn label(&self) -> String {
        match self {
            StatementKind::CreateTable { .. } => "create table".into(),
            StatementKind::CreateIndex { .. } => "create index".into(),
            StatementKind::Create { object, .. } | StatementKind::CreateFunction { object, .. } => {
                format!("create {}", object.as_str())
            }
            StatementKind::CreatePolicy { .. } => "create policy".into(),
            StatementKind::Grant { .. } => "grant".into(),
            StatementKind::Drop { object, .. } => format!("drop {}", object.as_str()),
            StatementKind::AlterTable { .. } => "alter table".into(),
            StatementKind::Rename { object, .. } => format!("rename {}", object.as_str()),
            StatementKind::RenameEnumValue { .. } => "rename enum value".into(),
            StatementKind::SetSchema { object, .. } => format!("set schema of {}", object.as_str()),
            StatementKind::AlterDomain { .. } => "alter domain".into(),
            StatementKind::Set { .. } => "set".into(),
            StatementKind::Maintenance { command, .. } => match command {
                MaintenanceCommand::Vacuum => "vacuum",
                MaintenanceCommand::Cluster => "cluster",
                MaintenanceCommand::Reindex => "reindex",
                MaintenanceCommand::RefreshMaterializedView => "refresh materialized view",
                MaintenanceCommand::LockTable => "lock table",
            }
            .into(),
            StatementKind::RenameTables { .. } => "rename table".into(),
            StatementKind::Truncate { .. } => "truncate".into(),
            StatementKind::Delete { .. } => "delete".into(),
            StatementKind::Update { .. } => "update".into(),
            StatementKind::Insert { .. } => "insert".into(),
            StatementKind::Select => "select".into(),
            StatementKind::Transaction(_) => "transaction control".into(),
            StatementKind::Do => "do block".into(),
            StatementKind::Comment { object, .. } => format!("comment on {}", object.as_str()),
            StatementKind::Other { keyword } => keyword.to_ascii_lowercase(),
            StatementKind::Unknown => "unknown".into(),
            StatementKind::UnreadableExecute { .. } => "unreadable execute".into(),
            StatementKind::PsqlMeta { .. } => "psql meta-command".into(),
            StatementKind::CopyData => "copy data".into(),
        }
    }
}

/// How the statement was understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseStatus {
    /// Its tokens showed a problem, but sqlparser parsed it: taken as valid, and modelled
    /// from the AST.
    Parsed,
    /// Its tokens prove a syntax error, or show a statement sqlgate does not understand
    /// (`classify::syntax_problem`), and sqlparser failed on it too (or it was too large to
    /// hand to sqlparser): MT001 reports these, with sqlparser's message.
    Invalid(Box<SyntaxProblem>),
    /// Modelled from its tokens alone, sqlparser not run: every statement whose tokens show
    /// no problem, psql meta lines, COPY data, statements inside DO blocks and function bodies
    /// (PL/pgSQL), and every statement of a migration that only feeds the catalog
    /// (`analyze::Depth::Catalog`).
    TokensOnly,
}

impl ParseStatus {
    /// sqlparser's message (or why the statement was not handed to it), when it did not
    /// parse the statement.
    pub fn parser_error(&self) -> Option<&str> {
        match self {
            ParseStatus::Invalid(problem) => Some(&problem.error),
            ParseStatus::Parsed | ParseStatus::TokensOnly => None,
        }
    }
}

/// A statement sqlparser could not parse, and what its tokens prove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxProblem {
    /// sqlparser's message, or why the statement was not handed to it.
    pub error: String,
    /// What is wrong, in one lower-case line (`` `(` is never closed ``).
    pub message: String,
    /// Whether sqlgate knows what the statement is (and it is invalid); false when it does
    /// not understand it at all.
    pub understood: bool,
}

/// Where a statement comes from. Anything but `TopLevel` is dynamic SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    TopLevel,
    /// Inside a `DO` block, which runs during the migration; `execute` when inside the
    /// string argument of `EXECUTE`.
    DoBlock {
        execute: bool,
    },
    /// Inside a function or procedure body, which runs whenever it is called.
    FunctionBody {
        /// A thin box: it keeps every model 8 bytes smaller.
        function: Box<String>,
        execute: bool,
    },
}

impl Origin {
    pub fn is_dynamic(&self) -> bool {
        !matches!(self, Origin::TopLevel)
    }

    /// Whether the statement runs as part of the migration (and so changes the catalog).
    pub fn runs_in_migration(&self) -> bool {
        matches!(self, Origin::TopLevel | Origin::DoBlock { .. })
    }

    pub fn with_execute(&self) -> Origin {
        match self {
            Origin::TopLevel => Origin::DoBlock { execute: true },
            Origin::DoBlock { .. } => Origin::DoBlock { execute: true },
            Origin::FunctionBody { function, .. } => Origin::FunctionBody {
                function: function.clone(),
                execute: true,
            },
        }
    }

    /// Appended to finding messages, e.g. `dynamic sql in a do block`.
    pub fn describe(&self) -> Option<String> {
        let place = |execute: bool| if execute { "an execute string in " } else { "" };
        match self {
            Origin::TopLevel => None,
            Origin::DoBlock { execute } => {
                Some(format!("dynamic sql in {}a do block", place(*execute)))
            }
            Origin::FunctionBody { function, execute } => Some(format!(
                "dynamic sql in {}the body of function {function}, runs when it is called",
                place(*execute)
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// File-absolute byte range, without the terminating `;`.
    pub range: Range<usize>,
    pub kind: StatementKind,
    pub parse: ParseStatus,
    pub origin: Origin,
    /// `CONCURRENTLY` appears as a keyword (found on tokens).
    pub concurrently: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A migration's models are all kept for the whole run (700,000 of them for a 50 MB file
    /// of small INSERTs), so their size is most of the memory a run needs: large and rare
    /// parts are boxed. Grow these only with a reason.
    #[test]
    fn models_stay_small() {
        assert!(std::mem::size_of::<StatementKind>() <= 96);
        assert!(std::mem::size_of::<Statement>() <= 152);
    }
}
