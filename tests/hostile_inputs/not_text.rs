//! Hostile inputs that are not UTF-8 text: invalid UTF-8, NUL bytes, a binary file, UTF-16,
//! and a file name that is not UTF-8.

use std::fs;

use crate::support::{check, noise, tree, with_hostile, HOSTILE, MIGRATIONS};

// ---------------------------------------------------------------------------------------
// Not text

#[test]
fn invalid_utf8_in_the_middle_names_line_column_and_byte() {
    // Line 3 is `select 'é` then the bad byte: column 10 (characters), byte 10 + 10 + 10.
    let dir = with_hostile(b"select 1;\nselect 2;\nselect '\xc3\xa9\xff';\ndrop table t;\n");
    let run = check(dir.path(), &[]);
    run.assert_only_error(
        HOSTILE,
        "invalid UTF-8 at line 3, column 10 (byte 30): re-save the file as UTF-8",
    );
    run.assert_good_file_checked();
}

#[test]
fn nul_bytes_name_the_first_one() {
    // The NULs would hide the DROP TABLE from the parser, and psql cuts the SQL there.
    let dir = with_hostile(b"select 1;\n  \0\0drop table t;\n");
    let run = check(dir.path(), &[]);
    run.assert_only_error(
        HOSTILE,
        "NUL byte at line 2, column 3 (byte 12): SQL cannot contain NUL bytes; remove it",
    );
    run.assert_good_file_checked();
}

#[test]
fn a_binary_file_named_sql() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(noise(64 * 1024));
    let dir = with_hostile(png);
    let run = check(dir.path(), &[]);
    run.assert_only_error(
        HOSTILE,
        "binary content (NUL bytes); invalid UTF-8 at line 1, column 1: migrations must be UTF-8 text",
    );
    run.assert_good_file_checked();
}

#[test]
fn utf16_with_a_byte_order_mark() {
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(
        "drop table t;\nselect 1;\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    let dir = with_hostile(bytes);
    let run = check(dir.path(), &[]);
    run.assert_only_error(
        HOSTILE,
        "UTF-16 text (it starts with a UTF-16 byte order mark): re-save the file as UTF-8",
    );
    run.assert_good_file_checked();
}

#[test]
fn a_file_name_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tree();
    let name = std::ffi::OsStr::from_bytes(b"20260102000000_caf\xe9.sql");
    fs::write(dir.path().join(MIGRATIONS).join(name), "drop table t;\n").unwrap();
    let run = check(dir.path(), &[]);
    run.assert_only_error(
        "supabase/migrations/20260102000000_caf\u{fffd}.sql",
        "the file name is not valid UTF-8: rename it",
    );
    run.assert_good_file_checked();
}
