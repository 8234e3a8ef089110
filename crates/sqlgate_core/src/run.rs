//! What a run produces as a whole: the findings, the files that could not be read, the
//! counts, and the gate's verdict.

use crate::finding::{Finding, Severity};
use crate::verdict::GateSummary;

/// A file that could not be checked (unreadable, not UTF-8); the run continued without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunError {
    pub file: String,
    pub message: String,
}

/// Everything a renderer needs.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// Sorted by file, line, column, code.
    pub findings: Vec<Finding>,
    pub files_checked: usize,
    pub statements: usize,
    /// Statements read completely: their kind and the objects they name (the rest are known
    /// by their leading keywords only, not understood, or psql meta-commands and COPY data).
    pub parsed: usize,
    pub gate: GateSummary,
    pub errors: Vec<RunError>,
    /// What `--replay` observed on a real PostgreSQL, when it ran.
    pub replay: Option<crate::replay::ReplayReport>,
}

impl RunReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| !f.suppressed && f.severity == severity)
            .count()
    }

    pub fn suppressed(&self) -> usize {
        self.findings.iter().filter(|f| f.suppressed).count()
    }
}
