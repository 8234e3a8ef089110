//! "Valid" is proved, not assumed: MT001 (`parse-error`) stays quiet on statements sqlparser
//! cannot parse when sqlgate reads them from their tokens, and the SQL of
//! `fixtures/postgres-valid/` is applied to a real PostgreSQL 15, which must accept every
//! statement. The other way round, every statement of MT001's fail fixture must be rejected
//! by the server as a syntax error.
//!
//! The server comes from `tests/common/postgres.rs`. Missing PostgreSQL binaries fail these
//! tests (they do not skip): CI installs PostgreSQL 15 (`.ci/run`).

#[path = "common/postgres.rs"]
mod postgres;

use std::fs;
use std::path::{Path, PathBuf};

use sqlgate::engine::check_text;
use sqlgate::lexer::Dialect;
use sqlgate::rules::REGISTRY;
use sqlgate::split::{split, RawKind};

use postgres::Postgres;

const VALID: &str = "fixtures/postgres-valid";
const MT001_FAIL: &str = "fixtures/rules/parse-error/fail.sql";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `.sql` files of `fixtures/postgres-valid/`, sorted.
fn valid_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(root().join(VALID))
        .unwrap_or_else(|e| panic!("cannot read {VALID}: {e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .sql files in {VALID}");
    files
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn start_postgres() -> Postgres {
    let server = Postgres::start().unwrap_or_else(|e| {
        panic!("cannot start PostgreSQL for this test (it is required, not optional): {e}")
    });
    // `postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`
    let major: u32 = server
        .version
        .split(") ")
        .nth(1)
        .and_then(|v| v.split('.').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!(
        major >= 15,
        "PostgreSQL 15 or later is needed, found {:?}",
        server.version
    );
    server
}

/// sqlgate reads every statement of the valid fixtures: no MT001, and sqlparser fails on at
/// least one statement of each file (else the file tests nothing here).
#[test]
fn sqlgate_reports_no_mt001_on_valid_postgres() {
    for path in valid_files() {
        let display = path
            .strip_prefix(root())
            .unwrap_or(&path)
            .display()
            .to_string();
        let output = check_text(&display, &read(&path), Dialect::Postgres, REGISTRY);
        let mt001: Vec<String> = output
            .report
            .findings
            .iter()
            .filter(|f| f.code == "MT001")
            .map(|f| format!("{}:{}: {} ({})", display, f.start.line, f.message, f.help))
            .collect();
        assert!(
            mt001.is_empty(),
            "MT001 on valid SQL:\n{}",
            mt001.join("\n")
        );
        // sqlgate no longer asks sqlparser about statements whose tokens show no problem:
        // the test asks it, so that the file keeps testing what sqlparser cannot read.
        let text = read(&path);
        let sqlparser_fails = split(&text, 0, Dialect::Postgres)
            .statements
            .iter()
            .filter(|s| s.kind == RawKind::Sql)
            .any(|s| sqlgate::ast::parse(&text[s.range.clone()], Dialect::Postgres).is_err());
        assert!(
            sqlparser_fails,
            "{display}: sqlparser parses every statement; it belongs elsewhere"
        );
    }
}

/// One server for both directions: the valid fixtures apply cleanly (each file in a
/// database of its own), and each statement of MT001's fail fixture is a syntax error.
#[test]
fn postgres_15_accepts_the_valid_fixtures_and_rejects_mt001_fail_fixture() {
    let server = start_postgres();

    let mut rejected = Vec::new();
    for (i, path) in valid_files().iter().enumerate() {
        let database = format!("valid_{i}");
        server
            .create_database(&database)
            .unwrap_or_else(|e| panic!("{e}"));
        if let Err(e) = server.apply_file(&database, path) {
            rejected.push(e);
        }
    }
    assert!(
        rejected.is_empty(),
        "PostgreSQL ({}) rejected SQL the fixtures call valid:\n{}",
        server.version,
        rejected.join("\n")
    );

    // The tables the fail fixture names exist, so each statement fails for its syntax alone.
    server
        .create_database("invalid")
        .unwrap_or_else(|e| panic!("{e}"));
    server
        .execute(
            "invalid",
            "CREATE TABLE accounts (id bigint, email text); \
             CREATE TABLE orders (note text, total numeric); \
             CREATE TABLE notes (body text)",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let text = read(&root().join(MT001_FAIL));
    let statements: Vec<&str> = split(&text, 0, Dialect::Postgres)
        .statements
        .iter()
        .filter(|s| s.kind == RawKind::Sql)
        .filter_map(|s| text.get(s.range.clone()))
        .collect();
    assert!(statements.len() >= 20, "{statements:?}");
    let mut accepted = Vec::new();
    for statement in statements {
        match server.execute("invalid", statement) {
            Ok(()) if statement.trim() == "SELECT 1" => {}
            Ok(()) => accepted.push(format!("accepted: {statement}")),
            Err(e) if e.contains("syntax error") || e.contains("unterminated") => {}
            Err(e) => accepted.push(format!("not a syntax error: {e}")),
        }
    }
    assert!(
        accepted.is_empty(),
        "MT001's fail fixture holds statements PostgreSQL does not reject as invalid:\n{}",
        accepted.join("\n")
    );

    // The harness itself: an invalid file stops psql with an error.
    let bad = std::env::temp_dir().join(format!("sqlgate-invalid-{}.sql", std::process::id()));
    fs::write(&bad, "SELECT 1;\nSELEC 2;\nSELECT 3;\n").unwrap();
    let result = server.apply_file("invalid", &bad);
    let _ = fs::remove_file(&bad);
    let error = result.expect_err("psql -v ON_ERROR_STOP=1 must fail on an invalid file");
    assert!(error.contains("syntax error"), "{error}");
}
