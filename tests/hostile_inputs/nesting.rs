//! Hostile inputs by nesting and unterminated constructs: ten thousand nested parentheses,
//! and strings, identifiers, dollar quotes and comments left open at the end.

use crate::support::{check, with_hostile, HOSTILE};

// ---------------------------------------------------------------------------------------
// Nesting and unterminated constructs

#[test]
fn ten_thousand_nested_parentheses_balanced_and_not() {
    let open = "(".repeat(10_000);
    let close = ")".repeat(10_000);
    // Too deep for sqlparser, but a select all the same: only the unbalanced one is MT001
    // (probably invalid), the balanced one is read from its tokens.
    for (what, select, invalid) in [
        ("balanced", format!("select {open}1{close};"), false),
        ("unbalanced", format!("select {open}1;"), true),
    ] {
        let dir = with_hostile(format!("drop table t;\n{select}\n"));
        let run = check(dir.path(), &[]);
        assert_eq!(run.code, 1, "{what}");
        assert_eq!(run.report.errors(), [], "{what}");
        run.finding(HOSTILE, "DS001", 1, Some(1), "drop of table t");
        if invalid {
            run.finding(HOSTILE, "MT001", 2, Some(1), "probably invalid");
        } else {
            let mt001 = run
                .report
                .findings()
                .into_iter()
                .filter(|f| f.code == "MT001");
            assert_eq!(mt001.count(), 0, "{what}");
        }
        run.assert_good_file_checked();
    }
}

#[test]
fn unterminated_constructs_at_the_end_are_parse_errors_with_their_position() {
    for (tail, column, message) in [
        ("select 'never closed", 8, "unterminated quoted string"),
        ("select \"never closed", 8, "unterminated quoted identifier"),
        (
            "do $body$ begin drop table u;",
            4,
            "unterminated dollar-quoted string $body$",
        ),
        (
            "select 1; /* never closed",
            11,
            "unterminated block comment",
        ),
    ] {
        let dir = with_hostile(format!("drop table t;\n{tail}\n"));
        let run = check(dir.path(), &[]);
        assert_eq!(run.code, 1, "{tail}");
        assert_eq!(run.report.errors(), [], "{tail}");
        run.finding(HOSTILE, "DS001", 1, Some(1), "drop of table t");
        run.finding(HOSTILE, "MT001", 2, Some(column), message);
        run.assert_good_file_checked();
    }
}
