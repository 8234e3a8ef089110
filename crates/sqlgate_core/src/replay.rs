//! What a replay on a real PostgreSQL observed, as data for the reports (the JSON `replay`
//! object): the server, and per migration whether it applied, how long it took, its error,
//! and its statements with the locks they took and the tables they rewrote. Findings (RP001
//! to RP006) travel separately, as every rule's do.

/// The whole replay of a run.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReplayReport {
    /// `server_version` of the server replayed on, e.g. `15.18 (Debian 15.18-0+deb12u1)`.
    pub server_version: String,
    /// `throwaway` (a cluster sqlgate started and removed) or `database-url`.
    pub server: &'static str,
    /// From `initdb` to accepting connections, for a throwaway cluster.
    pub startup_seconds: Option<f64>,
    pub sets: Vec<ReplaySet>,
}

/// One migration set, replayed in a scratch database of its own.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReplaySet {
    /// The set's directory, as displayed.
    pub dir: String,
    pub framework: String,
    /// Migrations in the set.
    pub total: usize,
    /// Migrations applied as the starting state (outside the change set).
    pub base_migrations: usize,
    /// Why the set stopped before its end (a base migration failed, an extension is missing),
    /// when it did.
    pub stopped: Option<String>,
    /// The change set's migrations, in version order.
    pub migrations: Vec<ReplayMigration>,
}

/// One migration of the change set: its up, and where the framework has downs, the down and
/// the up again.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReplayMigration {
    /// The up's file, as displayed.
    pub file: String,
    pub version: String,
    pub applied: bool,
    pub seconds: f64,
    /// PostgreSQL's message when the up failed.
    pub error: Option<String>,
    pub statements: Vec<ReplayStatement>,
    /// The down, when the framework has one and the up applied.
    pub down: Option<ReplayStep>,
    /// The up applied again after the down.
    pub up_again: Option<ReplayStep>,
}

/// A down, or the up applied a second time.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReplayStep {
    pub file: String,
    pub applied: bool,
    pub seconds: f64,
    pub error: Option<String>,
    /// For a down: the schema differences with the state before the up (empty: restored).
    pub differences: Vec<String>,
}

/// One statement of an up.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReplayStatement {
    /// 1-based line and column of the statement's first character.
    pub line: usize,
    pub column: usize,
    pub seconds: f64,
    /// Locks it took on relations that existed before the migration.
    pub locks: Vec<ReplayLock>,
    /// Tables it rewrote.
    pub rewrites: Vec<ReplayRewrite>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReplayLock {
    /// Schema-qualified.
    pub relation: String,
    /// PostgreSQL's name, e.g. `AccessExclusiveLock`.
    pub mode: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReplayRewrite {
    pub table: String,
    /// Rows at the time of the rewrite.
    pub rows: i64,
}
