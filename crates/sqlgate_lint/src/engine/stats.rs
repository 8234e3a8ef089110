//! Counts over the checked statements: how each dialect's statements were understood, the
//! fallback shapes, and where the time went.

use std::collections::BTreeMap;

use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{ParseStatus, Statement, StatementKind};

/// How the checked statements of one dialect were understood.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Top-level statements in checked sections.
    pub statements: usize,
    /// Modelled from sqlparser's AST: its tokens showed a problem, but sqlparser parsed it.
    pub parsed: usize,
    /// Modelled from its tokens, with the objects it names.
    pub classified: usize,
    /// Known only by its leading keywords (`Other`): no rule looks further.
    pub keyword_only: usize,
    /// Not understood.
    pub unknown: usize,
    /// psql meta-commands and COPY data.
    pub non_sql: usize,
    /// Statements found inside DO blocks, function bodies and EXECUTE strings.
    pub dynamic: usize,
}

impl Counts {
    /// Read with names or known by keyword, out of the SQL statements (not psql lines).
    pub fn understood_percent(&self) -> f64 {
        let sql = self.statements - self.non_sql;
        if sql == 0 {
            return 100.0;
        }
        100.0 * (sql - self.unknown) as f64 / sql as f64
    }

    /// Read with the objects they name (from tokens or an AST), out of the SQL statements:
    /// what the rules can check by name (keyword-only statements count against it).
    pub fn named_percent(&self) -> f64 {
        let sql = self.statements - self.non_sql;
        if sql == 0 {
            return 100.0;
        }
        100.0 * (self.parsed + self.classified) as f64 / sql as f64
    }

    fn add(&mut self, other: &Counts) {
        self.statements += other.statements;
        self.parsed += other.parsed;
        self.classified += other.classified;
        self.keyword_only += other.keyword_only;
        self.unknown += other.unknown;
        self.non_sql += other.non_sql;
        self.dynamic += other.dynamic;
    }
}

/// Counts over the checked statements, for `--stats`, `--verbose` and the closing numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// By dialect name (`postgres`, `clickhouse`).
    pub dialects: BTreeMap<&'static str, Counts>,
    /// Statements whose tokens show a problem and that sqlparser did not parse either, by
    /// dialect, kind label and parser message (positions removed).
    pub fallback_shapes: BTreeMap<(&'static str, String, String), usize>,
    /// Every checked statement whose tokens show a problem and that sqlparser did not parse
    /// either (MT001 reports each), in the order checked; `--verbose` lists them.
    pub not_parsed: Vec<NotParsed>,
    /// Where the time went, in order: analysis, catalog replay and rules, findings.
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// Analysis threads.
    pub threads: usize,
}

/// A checked statement sqlparser did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotParsed {
    /// The file (an index into the run's files) and the statement's first byte in it.
    pub file: usize,
    pub offset: usize,
    /// The statement's kind label, as the token classifier read it.
    pub kind: String,
    /// sqlparser's message, with the file's line and column.
    pub error: String,
}

impl Stats {
    /// Every dialect together.
    pub fn total(&self) -> Counts {
        let mut total = Counts::default();
        for counts in self.dialects.values() {
            total.add(counts);
        }
        total
    }
}

pub fn dialect_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "postgres",
        Dialect::ClickHouse => "clickhouse",
    }
}

pub(super) fn count(stats: &mut Stats, dialect: Dialect, file: usize, statements: &[Statement]) {
    let name = dialect_name(dialect);
    let counts = stats.dialects.entry(name).or_default();
    for statement in statements {
        if statement.origin.is_dynamic() {
            counts.dynamic += 1;
            continue;
        }
        counts.statements += 1;
        match (&statement.parse, &statement.kind) {
            (ParseStatus::Parsed, _) => counts.parsed += 1,
            (_, StatementKind::PsqlMeta { .. } | StatementKind::CopyData) => counts.non_sql += 1,
            (_, StatementKind::Unknown) => counts.unknown += 1,
            (_, StatementKind::Other { .. }) => counts.keyword_only += 1,
            _ => counts.classified += 1,
        }
        if let Some(error) = statement.parse.parser_error() {
            let kind = statement.kind.label();
            stats.not_parsed.push(NotParsed {
                file,
                offset: statement.range.start,
                kind: kind.clone(),
                error: error.to_string(),
            });
            let shape = (name, kind, without_position(error));
            *stats.fallback_shapes.entry(shape).or_default() += 1;
        }
    }
}

/// sqlparser's message without its ` at Line: 3, Column: 7` suffix, so that equal shapes
/// count together.
fn without_position(error: &str) -> String {
    // Too-large statements name their own size: one shape for all of them.
    if sqlgate_sql::analyze::is_too_large(error) {
        return "larger than the sqlparser limit: checked from its tokens".to_string();
    }
    let message = error.split(" at Line: ").next().unwrap_or(error);
    message
        .strip_prefix("sql parser error: ")
        .unwrap_or(message)
        .to_string()
}
