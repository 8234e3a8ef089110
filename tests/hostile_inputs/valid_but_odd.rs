//! Inputs that are valid but odd and must be checked fine: empty, comment-only,
//! whitespace-only and semicolon-only files, a byte order mark, and CRLF line endings.

use crate::support::{check, with_hostile, HOSTILE};

// ---------------------------------------------------------------------------------------
// Valid but odd

#[test]
fn empty_comment_only_whitespace_only_and_semicolons_only_files_are_checked_fine() {
    for contents in [
        "",
        "-- nothing here\n/* nor here */\n",
        "  \n\t\n\r\n   ",
        ";;;",
    ] {
        let dir = with_hostile(contents);
        let run = check(dir.path(), &[]);
        assert_eq!(run.code, 1, "{contents:?}");
        run.assert_checked_fine(HOSTILE, 2);
        run.assert_good_file_checked();
        // Alone, it is checked and passes.
        let alone = check(dir.path(), &[HOSTILE]);
        assert_eq!(alone.code, 0, "{contents:?}: {}", alone.human.output());
        alone.assert_checked_fine(HOSTILE, 1);
    }
}

#[test]
fn a_byte_order_mark_is_not_a_column() {
    let dir = with_hostile("\u{feff}drop table t;\nselect (;\n");
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.report.errors(), []);
    run.finding(HOSTILE, "DS001", 1, Some(1), "drop of table t");
    run.finding(HOSTILE, "MT001", 2, Some(1), "probably invalid");
    run.assert_good_file_checked();
}

#[test]
fn crlf_line_endings() {
    let dir = with_hostile("select 1;\r\n\r\n  drop table t;\r\nselect (;\r\n");
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.report.errors(), []);
    run.finding(HOSTILE, "DS001", 3, Some(3), "drop of table t");
    run.finding(HOSTILE, "MT001", 4, Some(1), "probably invalid");
    let ds001 = run.report.one(HOSTILE, "DS001");
    assert_eq!(
        (ds001["end_line"].as_u64(), ds001["end_column"].as_u64()),
        (Some(3), Some(15)),
        "the span stops before the `;` and the \\r"
    );
    run.assert_good_file_checked();
}
