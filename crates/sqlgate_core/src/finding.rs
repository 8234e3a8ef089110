//! What a check run produces: findings with byte ranges resolved to positions, and run totals.

use std::ops::Range;

use crate::source::Position;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Destructive,
    Reversibility,
    Security,
    Locking,
    Transaction,
    Integrity,
    /// Column types and names that cause trouble later (opt-in, except identifier length).
    Style,
    Meta,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Destructive => "destructive",
            Category::Reversibility => "reversibility",
            Category::Security => "security",
            Category::Locking => "locking",
            Category::Transaction => "transaction",
            Category::Integrity => "integrity",
            Category::Style => "style",
            Category::Meta => "meta",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Kebab-case rule name, e.g. `drop-table`.
    pub rule: &'static str,
    /// Rule code, e.g. `DS001`.
    pub code: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// Index into the run's files (for source snippets).
    pub file_id: usize,
    /// Display path of the file.
    pub file: String,
    /// File-absolute byte range.
    pub range: Range<usize>,
    /// 1-based start; `end` is exclusive (the character after the last one).
    pub start: Position,
    pub end: Position,
    /// One lower-case line naming the object.
    pub message: String,
    /// What to do instead.
    pub help: String,
    /// Multi-line supporting text (IN001's unified diff), shown in the summary and comment.
    pub detail: Option<String>,
    pub suppressed: bool,
    /// Whether this finding requires the merge gate (matches `gate.triggers`).
    pub gate: bool,
}

impl Finding {
    /// The line the span ends on. `end` is exclusive, so a span that ends just after a
    /// newline (column 1 of a later line) ends on the line before.
    pub fn last_line(&self) -> usize {
        if self.end.line > self.start.line && self.end.column <= 1 {
            self.end.line - 1
        } else {
            self.end.line.max(self.start.line)
        }
    }
}

/// Where the generated rule documentation lives, for links in every output format.
pub const DOCS_BASE: &str = "https://github.com/sqlgate/sqlgate/blob/main/docs/rules";

pub fn docs_url(rule: &str) -> String {
    format!("{DOCS_BASE}/{rule}.md")
}
