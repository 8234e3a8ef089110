//! No input may crash the pipeline: huge, deeply nested, binary-ish and unterminated input.

use std::time::{Duration, Instant};

use sqlgate::engine::check_text;
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
