//! No input may crash the pipeline: huge, deeply nested, binary-ish and unterminated input.

use std::time::{Duration, Instant};

use sqlgate::engine::check_text;
use sqlgate::finding::Finding;
use sqlgate::lexer::Dialect;
use sqlgate::rules::REGISTRY;

fn codes(text: &str, dialect: Dialect) -> Vec<&'static str> {
    check_text("x.sql", text, dialect, REGISTRY)
        .report
        .findings
        .iter()
        .map(|f| f.code)
        .collect()
}

fn findings(text: &str, dialect: Dialect) -> Vec<Finding> {
    check_text("x.sql", text, dialect, REGISTRY).report.findings
}

fn parse_errors(text: &str) -> Vec<Finding> {
    findings(text, Dialect::Postgres)
        .into_iter()
        .filter(|f| f.code == "MT001")
        .collect()
}

/// sqlparser's position is relative to the statement it was given: MT001 gives the file's.
#[test]
fn parse_error_positions_are_file_positions() {
    let found = parse_errors("drop table t;\nselect \"x");
    let statement = found
        .iter()
        .find(|f| f.message.contains("not fully parsed"))
        .expect("MT001 for the select");
    assert_eq!((statement.start.line, statement.start.column), (2, 1));
    assert!(
        statement.help.ends_with(" at Line: 2, Column: 8"),
        "{}",
        statement.help
    );
    // On a later line of a statement that starts mid-line.
    let found = parse_errors("select 1; create table t (\n  a int,\n  b int b\n);\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].help.ends_with(" at Line: 3, Column: 9"),
        "{}",
        found[0].help
    );
}

/// A statement too large for sqlparser is modelled from its tokens: the rules still see what
/// it does, and MT001 says why it was not parsed, in one lower-case line.
#[test]
fn statements_too_large_for_sqlparser_are_checked_from_tokens() {
    let names: Vec<String> = (0..30_000).map(|i| format!("t{i}")).collect();
    let drop = format!("drop table {};\n", names.join(", "));
    let text = format!("{drop}delete from events;\n");
    let found = findings(&text, Dialect::Postgres);
    let codes: Vec<&str> = found.iter().map(|f| f.code).collect();
    assert!(codes.contains(&"DS001"), "{codes:?}");
    assert!(codes.contains(&"DS007"), "{codes:?}");
    let mt001: Vec<&Finding> = found.iter().filter(|f| f.code == "MT001").collect();
    assert_eq!(mt001.len(), 1, "{mt001:?}");
    assert_eq!(mt001[0].start.line, 1);
    assert_eq!(
        mt001[0].message,
        "drop table statement not fully parsed, checked by its tokens"
    );
    assert_eq!(
        mt001[0].help,
        format!(
            "statement of {} KB (60001 tokens) is larger than the 50000-token sqlparser limit: \
             checked from its tokens",
            (drop.len() - 2) / 1000
        )
    );
    assert!(!mt001[0].help.contains('\n'));
    assert!(mt001[0].help.starts_with(char::is_lowercase));
}

#[test]
fn ten_thousand_nested_parentheses() {
    let nested = format!(
        "SELECT {}1{};\nDROP TABLE t;\n",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    for dialect in [Dialect::Postgres, Dialect::ClickHouse] {
        let found = codes(&nested, dialect);
        assert!(found.contains(&"DS001"), "{found:?}");
    }
    let unbalanced = format!("SELECT {};\nDROP TABLE t;\n", "(".repeat(10_000));
    codes(&unbalanced, Dialect::Postgres);
}

#[test]
fn fifty_megabyte_file_finishes() {
    let statement = "INSERT INTO events (id, payload) VALUES (1, 'drop table x; -- not sql');\n";
    // BEGIN/COMMIT keep TX001 (missing-transaction) and the lock timeout keeps LK008
    // (missing-lock-timeout) out of this plain-SQL run.
    let mut text = String::from("SET lock_timeout = '5s';\nBEGIN;\n");
    text.push_str(&statement.repeat(50 * 1024 * 1024 / statement.len()));
    // The note keeps RV004 (missing-rollback-note) out of this plain-SQL run.
    text.push_str("DROP TABLE events;\nCOMMIT;\n-- rollback: restore events from the backup\n");
    let start = Instant::now();
    let found = codes(&text, Dialect::Postgres);
    assert_eq!(found, ["DS001"]);
    assert!(
        start.elapsed() < Duration::from_secs(120),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn unterminated_constructs_are_parse_errors_not_crashes() {
    for text in [
        "DROP TABLE a;\nSELECT 'open",
        "DROP TABLE a;\nSELECT \"open",
        "DROP TABLE a;\nDO $body$ BEGIN DROP TABLE b;",
        "DROP TABLE a;\n/* open /* nested */",
        "DROP TABLE a;\nCREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1;",
        "DROP TABLE a;\nCOPY t FROM stdin;\n1\t2\n",
        "DROP TABLE a;\nE'\\",
        "\u{feff}",
        "",
        ";;;",
        "$",
        "$$",
        "\\",
        "\"",
    ] {
        let found = codes(text, Dialect::Postgres);
        if text.starts_with("DROP") {
            assert_eq!(found.first(), Some(&"DS001"), "{text:?}: {found:?}");
        }
        codes(text, Dialect::ClickHouse);
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A small deterministic generator over SQL-ish alphabet and arbitrary characters.
    let alphabet: Vec<char> = "DROP TABLE ALTER ( ) ; ' \" $ $$ -- /* */ \\ \n\r\t é 漢 EXECUTE DO BEGIN ATOMIC END CASE , . :: E'"
        .chars()
        .chain(['\u{0}', '\u{feff}', '\u{10ffff}'])
        .collect();
    let mut seed: u64 = 0x5eed;
    for _ in 0..2_000 {
        let len = (seed % 200) as usize;
        let mut text = String::new();
        for _ in 0..len {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            text.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
        }
        codes(&text, Dialect::Postgres);
        codes(&text, Dialect::ClickHouse);
    }
}

#[test]
fn too_large_statements_count_as_one_shape_in_stats() {
    let big = |n: usize| format!("select {};\n", vec!["1"; n].join(","));
    let text = format!("{}{}", big(30_000), big(40_000));
    let output = check_text("x.sql", &text, Dialect::Postgres, REGISTRY);
    let shapes: Vec<_> = output
        .stats
        .fallback_shapes
        .iter()
        .map(|((dialect, kind, message), n)| (*dialect, kind.as_str(), message.as_str(), *n))
        .collect();
    assert_eq!(
        shapes,
        [(
            "postgres",
            "select",
            "larger than the sqlparser limit: checked from its tokens",
            2
        )]
    );
}
