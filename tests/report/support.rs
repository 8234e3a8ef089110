//! The sample reports the renderer tests share: the source texts, findings built from them
//! (`sample`, `clean`), the human options without colour, and the check that the sample's
//! positions are the ones intended.

use std::ops::Range;

use sqlgate::finding::{Category, Finding, GateSummary, RunError, RunReport, Severity};
use sqlgate::report::{self, HumanOptions, SourceLookup};
use sqlgate::source::{LineIndex, Position};

const DROP_FILE: &str = "db/migrations/0003_drop.up.sql";
const DROP_SQL: &str = "-- drop the old tables\n\
DROP TABLE users;\n\
ALTER TABLE accounts\n  DROP COLUMN legacy;\n\
-- sqlgate: ignore truncate -- fixture data\n\
TRUNCATE audit_log;\n\
CREATE INDEX accounts_email ON accounts (email);\n";

pub(crate) const UNICODE_FILE: &str = "db/migrations/0004_naïve.up.sql";
const UNICODE_SQL: &str = "\u{feff}-- café ☕ migration\n\
CREATE TABLE \"naïve\" (id int);\n\
UPDATE \"naïve\" SET note = 'é';\n";

/// Source texts by file id; id 2 has none.
pub(crate) struct Sources(pub(crate) Vec<&'static str>);

impl SourceLookup for Sources {
    fn text(&self, file_id: usize) -> Option<&str> {
        self.0.get(file_id).copied()
    }
}

pub(crate) fn sources() -> Sources {
    Sources(vec![DROP_SQL, UNICODE_SQL])
}

pub(crate) struct Spec {
    rule: &'static str,
    code: &'static str,
    category: Category,
    severity: Severity,
    message: &'static str,
    help: &'static str,
}

pub(crate) const DROP_TABLE: Spec = Spec {
    rule: "drop-table",
    code: "DS001",
    category: Category::Destructive,
    severity: Severity::Error,
    message: "drop of table users",
    help: "back up the table first, or rename it and drop it in a later release",
};

pub(crate) fn finding(
    spec: &Spec,
    file_id: usize,
    file: &str,
    text: &str,
    range: Range<usize>,
) -> Finding {
    let index = LineIndex::new(text);
    let (start, end) = index.span(text, &range);
    Finding {
        rule: spec.rule,
        code: spec.code,
        category: spec.category,
        severity: spec.severity,
        file_id,
        file: file.to_string(),
        range,
        start,
        end,
        message: spec.message.to_string(),
        help: spec.help.to_string(),
        detail: None,
        suppressed: false,
        gate: spec.category == Category::Destructive,
    }
}

/// Byte range of the `nth` (0-based) occurrence of `needle` in `text`.
pub(crate) fn find(text: &str, needle: &str, nth: usize) -> Range<usize> {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} not in text"))
        .0;
    start..start + needle.len()
}

pub(crate) fn sample() -> RunReport {
    let mut suppressed = finding(
        &Spec {
            rule: "truncate",
            code: "DS005",
            category: Category::Destructive,
            severity: Severity::Error,
            message: "truncate of table audit_log",
            help: "delete in batches with a WHERE clause, after a backup",
        },
        0,
        DROP_FILE,
        DROP_SQL,
        find(DROP_SQL, "TRUNCATE audit_log", 0),
    );
    suppressed.suppressed = true;

    let findings = vec![
        // Single-line span.
        finding(
            &DROP_TABLE,
            0,
            DROP_FILE,
            DROP_SQL,
            find(DROP_SQL, "DROP TABLE users", 0),
        ),
        // Multi-line span.
        finding(
            &Spec {
                rule: "drop-column",
                code: "DS002",
                category: Category::Destructive,
                severity: Severity::Error,
                message: "drop of column accounts.legacy",
                help: "stop reading the column first; drop it in a later release",
            },
            0,
            DROP_FILE,
            DROP_SQL,
            find(DROP_SQL, "ALTER TABLE accounts\n  DROP COLUMN legacy", 0),
        ),
        suppressed,
        // A warning.
        finding(
            &Spec {
                rule: "create-index-non-concurrently",
                code: "LK001",
                category: Category::Locking,
                severity: Severity::Warning,
                message: "index accounts_email on existing table accounts",
                help: "use CREATE INDEX CONCURRENTLY outside a transaction",
            },
            0,
            DROP_FILE,
            DROP_SQL,
            find(DROP_SQL, "CREATE INDEX", 0),
        ),
        // After a BOM and multi-byte characters.
        finding(
            &Spec {
                rule: "update-without-where",
                code: "DS008",
                category: Category::Destructive,
                severity: Severity::Error,
                message: "update of every row of naïve",
                help: "add a WHERE clause | or say WHERE true",
            },
            1,
            UNICODE_FILE,
            UNICODE_SQL,
            find(UNICODE_SQL, "\"naïve\"", 1),
        ),
        // Empty span at EOF.
        finding(
            &Spec {
                rule: "missing-transaction",
                code: "TX001",
                category: Category::Transaction,
                severity: Severity::Warning,
                message: "migration runs outside a transaction",
                help: "wrap the statements in BEGIN; ... COMMIT;",
            },
            1,
            UNICODE_FILE,
            UNICODE_SQL,
            UNICODE_SQL.len()..UNICODE_SQL.len(),
        ),
    ];
    RunReport {
        findings,
        files_checked: 3,
        statements: 7,
        parsed: 6,
        gate: GateSummary::unevaluated(true),
        errors: vec![RunError {
            file: "db/migrations/0005_blob.sql".to_string(),
            message: "not UTF-8 (invalid byte at 1:3); convert the file to UTF-8".to_string(),
        }],
        replay: None,
    }
}

pub(crate) fn clean() -> RunReport {
    RunReport {
        findings: vec![],
        files_checked: 12,
        statements: 140,
        parsed: 138,
        gate: GateSummary::not_required(),
        errors: vec![],
        replay: None,
    }
}

pub(crate) const NO_COLOR: HumanOptions = HumanOptions {
    color: false,
    width: 100,
};

pub(crate) fn github(report: &RunReport) -> String {
    let mut out = String::new();
    report::github::render(report, &mut out);
    out
}

// ---------------------------------------------------------------- positions used below

#[test]
fn sample_positions_are_as_intended() {
    let r = sample();
    let pos = |line, column| Position { line, column };
    assert_eq!(
        (r.findings[0].start, r.findings[0].end),
        (pos(2, 1), pos(2, 17))
    );
    assert_eq!(
        (r.findings[1].start, r.findings[1].end),
        (pos(3, 1), pos(4, 21))
    );
    // Line 3 of the unicode file: `UPDATE "naïve"`, columns in characters.
    assert_eq!(
        (r.findings[4].start, r.findings[4].end),
        (pos(3, 8), pos(3, 15))
    );
    assert_eq!(
        (r.findings[5].start, r.findings[5].end),
        (pos(4, 1), pos(4, 1))
    );
}
