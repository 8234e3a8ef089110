//! The human renderer: colour and hyperlinks, the header, help and summary, no source text,
//! odd ranges, escape sequences in the content, and long spans (a snapshot).

use sqlgate::finding::{RunError, RunReport};
use sqlgate::report::{self, HumanOptions};

use crate::support::{clean, find, finding, sample, sources, Sources, DROP_TABLE, NO_COLOR};

// ---------------------------------------------------------------- human

#[test]
fn human_without_color_has_no_escapes() {
    let out = report::human::render(&sample(), &sources(), &NO_COLOR);
    assert!(!out.contains('\x1b'), "{out:?}");
    // No hyperlinks either (OSC 8 starts with ESC too, but check the payload).
    assert!(!out.contains("]8;;"));
}

#[test]
fn human_with_color_has_escapes_but_no_hyperlinks() {
    let options = HumanOptions {
        color: true,
        width: 100,
    };
    let out = report::human::render(&sample(), &sources(), &options);
    assert!(out.contains('\x1b'));
    assert!(!out.contains("\x1b]8;;"));
}

#[test]
fn human_header_help_docs_and_summary() {
    let out = report::human::render(&sample(), &sources(), &NO_COLOR);
    assert!(
        out.contains("× DS001 drop-table: drop of table users"),
        "{out}"
    );
    assert!(out.contains("help: back up the table first"));
    assert!(
        out.contains("docs: https://github.com/sqlgate/sqlgate/blob/main/docs/rules/drop-table.md")
    );
    assert!(out.starts_with("db/migrations/0003_drop.up.sql\n"));
    // Character columns, not bytes: the label header names our position.
    assert!(
        out.contains("[db/migrations/0004_naïve.up.sql:3:8]"),
        "{out}"
    );
    assert!(out.contains("error: db/migrations/0005_blob.sql: not UTF-8"));
    // Suppressed findings are not shown.
    assert!(!out.contains("DS005"));
    assert!(out.ends_with(
        "Found 3 errors and 2 warnings in 2 files (3 files checked, 7 statements, 1 suppressed, 1 file not read).\n"
    ));
}

#[test]
fn human_clean_summary() {
    let out = report::human::render(&clean(), &sources(), &NO_COLOR);
    assert_eq!(out, "No findings (12 files checked, 140 statements).\n");
}

#[test]
fn human_without_source_text_renders_without_snippet() {
    let out = report::human::render(&sample(), &report::NoSources, &NO_COLOR);
    assert!(out.contains("× DS001 drop-table: drop of table users"));
    assert!(!out.contains("╭─"), "{out}");
}

#[test]
fn human_never_panics_on_odd_ranges() {
    let texts = [
        "",
        "\n",
        "\u{feff}",
        "\u{feff}é",
        "a\r\nb\r\n",
        "é☕\n\t x",
        "DROP TABLE t;",
    ];
    for (id, text) in texts.iter().enumerate() {
        let sources = Sources(texts.to_vec());
        let len = text.len();
        let mut findings = Vec::new();
        for start in 0..=len + 2 {
            for end in [0, start, start + 1, start + 2, len, len + 5] {
                let mut f = finding(&DROP_TABLE, id, "t.sql", text, 0..0);
                f.range = start..end; // deliberately unclamped, possibly reversed
                findings.push(f);
            }
        }
        let report = RunReport {
            findings,
            ..clean()
        };
        for width in [0, 10, 100] {
            let options = HumanOptions {
                color: width == 10,
                width,
            };
            let out = report::human::render(&report, &sources, &options);
            assert!(out.contains("DS001"));
        }
    }
}

#[test]
fn human_strips_escape_sequences_from_content() {
    let text = "-- \x1b[31mred\x1b[0m \u{9b}2J\nDROP TABLE \"\x1b]8;;x\x07t\";\n";
    let mut f = finding(&DROP_TABLE, 0, "evil\x1b[2J.sql", text, 0..text.len());
    f.message = "drop of table \x1b]8;;x\x07t".to_string();
    f.help = "really\x1b[0m".to_string();
    let report = RunReport {
        findings: vec![f],
        errors: vec![RunError {
            file: "x\x1b.sql".to_string(),
            message: "bad\x1b".to_string(),
        }],
        ..clean()
    };
    let out = report::human::render(&report, &Sources(vec![text]), &NO_COLOR);
    assert!(!out.contains('\x1b'), "{out:?}");
    assert!(!out.contains('\u{9b}'), "{out:?}");
    assert!(!out.contains('\x07'), "{out:?}");
    assert!(out.contains("-- ?[31mred?[0m ??2J"), "{out}");
}

#[test]
fn human_long_spans_show_their_first_line_with_absolute_line_numbers() {
    let text: String = (1..=20).map(|n| format!("SELECT {n};\r\n")).collect();
    let text: &'static str = Box::leak(text.into_boxed_str());
    let start = find(text, "SELECT 15;", 0).start;
    let end = find(text, "SELECT 18;", 0).end;
    let f = finding(
        &DROP_TABLE,
        0,
        "long.sql",
        text,
        find(text, "SELECT 5;", 0).start..end,
    );
    let short = finding(&DROP_TABLE, 0, "long.sql", text, start..end);
    let report = RunReport {
        findings: vec![f, short],
        ..clean()
    };
    let out = report::human::render(&report, &Sources(vec![text]), &NO_COLOR);
    insta::assert_snapshot!(out);
}
