//! No input may crash the pipeline: huge, deeply nested, binary-ish and unterminated input.

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
    let found = parse_errors("drop table t;\nselect 1 + );");
    let statement = found
        .iter()
        .find(|f| f.message.contains("probably invalid"))
        .expect("MT001 for the select");
    assert_eq!((statement.start.line, statement.start.column), (2, 1));
    assert!(
        statement.help.ends_with(" at Line: 2, Column: 12"),
        "{}",
        statement.help
    );
    // On a later line of a statement that starts mid-line.
    let found = parse_errors("select 1; create table t (\n  a int,\n  b int,\n);\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].help.ends_with(" at Line: 4, Column: 1"),
        "{}",
        found[0].help
    );
}

/// A statement sqlparser cannot parse but sqlgate reads from its tokens is no MT001, and
/// sqlparser is not even asked: its tokens show no problem.
#[test]
fn statements_read_from_tokens_are_listed_not_reported() {
    let output = check_text(
        "x.sql",
        "select 1;\nalter sequence s owned by t.id;\n",
        Dialect::Postgres,
        REGISTRY,
    );
    let codes: Vec<&str> = output.report.findings.iter().map(|f| f.code).collect();
    assert!(!codes.contains(&"MT001"), "{codes:?}");
    assert!(
        output.stats.not_parsed.is_empty(),
        "{:?}",
        output.stats.not_parsed
    );
    assert_eq!(output.stats.total().statements, 2);
}

/// A statement too large for sqlparser is modelled from its tokens: the rules still see what
/// it does. It is no MT001 (sqlgate understood it). One that is also invalid is MT001, saying
/// why sqlparser was not asked in one lower-case line.
#[test]
fn statements_too_large_for_sqlparser_are_checked_from_tokens() {
    let names: Vec<String> = (0..30_000).map(|i| format!("t{i}")).collect();
    let drop = format!("drop table {};\n", names.join(", "));
    let text = format!("{drop}delete from events;\n");
    let output = check_text("x.sql", &text, Dialect::Postgres, REGISTRY);
    let codes: Vec<&str> = output.report.findings.iter().map(|f| f.code).collect();
    assert!(codes.contains(&"DS001"), "{codes:?}");
    assert!(codes.contains(&"DS007"), "{codes:?}");
    assert!(!codes.contains(&"MT001"), "{codes:?}");
    assert!(
        output.stats.not_parsed.is_empty(),
        "{:?}",
        output.stats.not_parsed
    );

    let invalid = format!("drop table {},;\n", names.join(", "));
    let mt001: Vec<Finding> = parse_errors(&invalid);
    assert_eq!(mt001.len(), 1, "{mt001:?}");
    assert_eq!(mt001[0].start.line, 1);
    assert_eq!(
        mt001[0].message,
        "drop table statement is probably invalid: an empty item in a comma-separated list \
         (a stray `,`)"
    );
    assert!(
        mt001[0].help.ends_with("checked from its tokens"),
        "{}",
        mt001[0].help
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

// A 50 MB file is checked end to end, with its time and peak memory, by
// tests/hostile_inputs/size.rs (`fifty_megabyte_file_within_five_times_its_size`).

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
    // Invalid (a stray `,`): sqlparser is asked only about statements with a problem.
    let big = |n: usize| format!("select {},;\n", vec!["1"; n].join(","));
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
