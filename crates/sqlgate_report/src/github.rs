//! GitHub Actions workflow commands (annotations) and step outputs.
//!
//! Escaping follows `@actions/core` (`toCommandValue` / `escapeData` / `escapeProperty`).

use std::fmt::Write as _;

use sqlgate_core::finding::{Finding, Severity};
use sqlgate_core::run::RunReport;
use sqlgate_core::verdict::GateFileKind;

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
///
/// When the gate was evaluated (`sqlgate ci`), its state comes first (see [`gate_command`])
/// and counts against the limit, so GitHub never drops it; when it passed, the findings it
/// covers are shown as warnings.
pub fn render(report: &RunReport, out: &mut String) {
    let mut errors = 0usize;
    let mut warnings = 0usize;
    let mut skipped = 0usize;
    let gate = &report.gate;
    if gate.evaluated() {
        out.push_str(&gate_command(gate));
        if gate.blocked() {
            errors += 1;
        }
    }

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

    // Where the file is, what made the gate required without a finding.
    for file in &gate.files {
        let (title, message) = match file.kind {
            GateFileKind::NotVerified => ("sqlgate: not verified", &file.reason),
            GateFileKind::Policy => ("sqlgate: policy change", &file.reason),
        };
        if warnings >= MAX_PER_LEVEL {
            skipped += 1;
            continue;
        }
        warnings += 1;
        let _ = writeln!(
            out,
            "::warning file={},title={}::{}",
            escape_property(&file.file),
            escape_property(title),
            escape_data(message)
        );
    }

    for f in report.findings.iter().filter(|f| !f.suppressed) {
        let covered = gate.covers(f);
        let level = if covered {
            Severity::Warning
        } else {
            f.severity
        };
        let count = match level {
            Severity::Error => &mut errors,
            Severity::Warning => &mut warnings,
        };
        if *count >= MAX_PER_LEVEL {
            skipped += 1;
            continue;
        }
        *count += 1;
        annotate(f, level, covered, out);
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

fn annotate(f: &Finding, level: Severity, covered: bool, out: &mut String) {
    let level = match level {
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
    let mut message = if f.help.is_empty() {
        f.message.clone()
    } else {
        format!("{} — {}", f.message, f.help)
    };
    if covered {
        message.push_str(" (allowed: the merge gate passed)");
    }
    let _ = writeln!(out, "::{level} {props}::{}", escape_data(&message));
}

/// `$GITHUB_OUTPUT` lines: `findings` (unsuppressed), `errors`, `warnings`, `suppressed`,
/// `files-not-read`, `gate-required`, `gate-status`, `gate-missing` (comma-separated), each
/// `key=value` with a trailing newline.
pub fn outputs(report: &RunReport) -> String {
    format!(
        "findings={}\nerrors={}\nwarnings={}\nsuppressed={}\nfiles-not-read={}\ngate-required={}\ngate-status={}\ngate-missing={}\n",
        report.findings.iter().filter(|f| !f.suppressed).count(),
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.suppressed(),
        report.errors.len(),
        report.gate.required,
        report.gate.status,
        report.gate.missing.join(","),
    )
}

/// One workflow command for the evaluated gate, shown on the run's page: an error naming
/// what is missing and what to do while it blocks, a notice when it passes; nothing when
/// the gate is not required.
pub fn gate_command(gate: &sqlgate_core::verdict::GateSummary) -> String {
    if !gate.required {
        return String::new();
    }
    if gate.blocked() {
        let mut text = format!("merge gate blocked (missing: {})", gate.missing.join(", "));
        for error in &gate.errors {
            let _ = write!(text, "\n{error}");
        }
        for fix in &gate.fixes {
            let _ = write!(text, "\nto unblock: {fix}");
        }
        format!("::error title=sqlgate merge gate::{}\n", escape_data(&text))
    } else {
        let evidence = gate
            .backup
            .as_ref()
            .map(|b| {
                b.evidence
                    .iter()
                    .map(|e| e.detail.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        let approvers = gate
            .approvals
            .as_ref()
            .map(|a| a.approved_by.join(", "))
            .unwrap_or_default();
        let mut text = "merge gate passed".to_string();
        if !approvers.is_empty() {
            let _ = write!(text, "; approved by {approvers}");
        }
        if !evidence.is_empty() {
            let _ = write!(text, "; backup: {evidence}");
        }
        format!(
            "::notice title=sqlgate merge gate::{}\n",
            escape_data(&text)
        )
    }
}
