//! The stable, versioned JSON report (DESIGN.md §6).

use serde::Serialize;

use sqlgate_core::finding::{Category, Finding, Severity};
use sqlgate_core::replay::ReplayReport;
use sqlgate_core::run::RunReport;
use sqlgate_core::verdict::GateSummary;

/// Bumped only on incompatible changes to the schema.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    files_checked: usize,
    statements: usize,
    parsed: usize,
    gate: &'a GateSummary,
    errors: Vec<JsonError<'a>>,
    /// Only when the run replayed the migrations on PostgreSQL (`--replay`, `sqlgate replay`).
    #[serde(skip_serializing_if = "Option::is_none")]
    replay: Option<&'a ReplayReport>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    code: &'a str,
    category: Category,
    severity: Severity,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: &'a str,
    suppressed: bool,
    gate: bool,
    /// Only for findings that carry one (IN001's unified diff).
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonError<'a> {
    file: &'a str,
    message: &'a str,
}

impl<'a> From<&'a Finding> for JsonFinding<'a> {
    fn from(f: &'a Finding) -> Self {
        JsonFinding {
            rule: f.rule,
            code: f.code,
            category: f.category,
            severity: f.severity,
            file: &f.file,
            line: f.start.line,
            column: f.start.column,
            end_line: f.end.line,
            end_column: f.end.column,
            message: &f.message,
            help: &f.help,
            suppressed: f.suppressed,
            gate: f.gate,
            diff: f.detail.as_deref(),
        }
    }
}

/// The report as pretty-printed JSON with a trailing newline. Keys appear in schema
/// order; findings keep the caller's order (sorted by file, line, column, code).
pub fn render(report: &RunReport) -> String {
    crate::shared::to_string(|out| write(report, out))
}

/// [`render`], written to `out` as it is serialized.
pub fn write(report: &RunReport, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let doc = JsonReport {
        version: VERSION,
        findings: report.findings.iter().map(JsonFinding::from).collect(),
        files_checked: report.files_checked,
        statements: report.statements,
        parsed: report.parsed,
        gate: &report.gate,
        errors: report
            .errors
            .iter()
            .map(|e| JsonError {
                file: &e.file,
                message: &e.message,
            })
            .collect(),
        replay: report.replay.as_ref(),
    };
    crate::shared::write_pretty_json(&doc, out)
}
