//! GitHub Actions workflow commands (annotations) and step outputs.
//!
//! Escaping follows `@actions/core` (`toCommandValue` / `escapeData` / `escapeProperty`).

use std::fmt::Write as _;

use crate::finding::{Finding, RunReport, Severity};

/// GitHub shows at most this many annotations of each level per step.
pub const MAX_PER_LEVEL: usize = 10;

/// Escapes a command's data (the text after `::`): `%`, CR and LF.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value: as data, plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Appends workflow commands for `report` to `out`, one per line:
///
/// - each file that could not be read: `::error file=F::message`;
/// - each unsuppressed finding: `::error` or `::warning` with `file`, `line`, `endLine`,
///   `col` and `endColumn` (columns only when the span starts and ends on one line;
///   `endColumn` is exclusive, like the JSON `end_column`), `title=CODE rule`, and the
///   message followed by ` — help`;
/// - at most [`MAX_PER_LEVEL`] `::error` and [`MAX_PER_LEVEL`] `::warning` commands (run
///   errors count as errors and come first); when some were left out, one `::notice::`
///   saying how many and that the full report is in the job summary.
pub fn render(report: &RunReport, out: &mut String) {
    let mut errors = 0usize;
    let mut warnings = 0usize;
    let mut skipped = 0usize;

    for e in &report.errors {
        if errors >= MAX_PER_LEVEL {
            skipped += 1;
            continue;
        }
        errors += 1;
        let _ = writeln!(
            out,
            "::error file={}::{}",
            escape_property(&e.file),
            escape_data(&e.message)
        );
    }

    for f in report.findings.iter().filter(|f| !f.suppressed) {
        let count = match f.severity {
            Severity::Error => &mut errors,
            Severity::Warning => &mut warnings,
        };
        if *count >= MAX_PER_LEVEL {
            skipped += 1;
            continue;
        }
        *count += 1;
        annotate(f, out);
    }

    if skipped > 0 {
        let what = if skipped == 1 {
            "1 more problem was".to_string()
        } else {
            format!("{skipped} more problems were")
        };
        let _ = writeln!(
            out,
            "::notice::{}",
            escape_data(&format!(
                "sqlgate: {what} not annotated (GitHub shows at most {MAX_PER_LEVEL} errors and \
                 {MAX_PER_LEVEL} warnings per step); the full report is in the job summary."
            ))
        );
    }
}

fn annotate(f: &Finding, out: &mut String) {
    let level = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let end_line = f.last_line();
    let mut props = format!(
        "file={},line={},endLine={}",
        escape_property(&f.file),
        f.start.line,
        end_line
    );
    if f.start.line == f.end.line {
        let _ = write!(
            props,
            ",col={},endColumn={}",
            f.start.column,
            f.end.column.max(f.start.column)
        );
    }
    let _ = write!(
        props,
        ",title={}",
        escape_property(&format!("{} {}", f.code, f.rule))
    );
    let message = if f.help.is_empty() {
        f.message.clone()
    } else {
        format!("{} — {}", f.message, f.help)
    };
    let _ = writeln!(out, "::{level} {props}::{}", escape_data(&message));
}

/// `$GITHUB_OUTPUT` lines: `findings` (unsuppressed), `errors`, `warnings`, `suppressed`,
/// `files-not-read`, `gate-required`, `gate-status`, each `key=value` with a trailing newline.
pub fn outputs(report: &RunReport) -> String {
    format!(
        "findings={}\nerrors={}\nwarnings={}\nsuppressed={}\nfiles-not-read={}\ngate-required={}\ngate-status={}\n",
        report.findings.iter().filter(|f| !f.suppressed).count(),
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.suppressed(),
        report.errors.len(),
        report.gate.required,
        report.gate.status,
    )
}
