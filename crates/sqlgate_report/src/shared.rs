//! What the renderers share: the source text behind findings, grouping and counting for
//! people, and JSON written straight into the output.

use sqlgate_core::finding::Finding;
use sqlgate_core::run::RunReport;

/// Source text of a finding's file, looked up by `Finding::file_id`.
pub trait SourceLookup {
    fn text(&self, file_id: usize) -> Option<&str>;
}

impl SourceLookup for [sqlgate_discover::LoadedFile] {
    fn text(&self, file_id: usize) -> Option<&str> {
        self.get(file_id).map(|f| f.text.as_str())
    }
}

impl SourceLookup for Vec<sqlgate_discover::LoadedFile> {
    fn text(&self, file_id: usize) -> Option<&str> {
        self.as_slice().text(file_id)
    }
}

/// No source text at all: `human` renders findings without snippets.
pub struct NoSources;

impl SourceLookup for NoSources {
    fn text(&self, _file_id: usize) -> Option<&str> {
        None
    }
}

/// `value` as pretty-printed JSON and a newline, serialized straight into `out`: a report
/// of thousands of findings is megabytes, never held whole.
pub(crate) fn write_pretty_json(
    value: &impl serde::Serialize,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// What `write` writes, as a string. Writing to memory cannot fail, and the serializers
/// write UTF-8; `{}` stands in if either ever did not hold.
pub(crate) fn to_string(
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> String {
    let mut bytes = Vec::new();
    match write(&mut bytes) {
        Ok(()) => String::from_utf8(bytes).unwrap_or_else(|_| "{}\n".to_string()),
        Err(_) => "{}\n".to_string(),
    }
}

/// `n` followed by `singular` or `plural`: `1 error`, `2 errors`.
pub fn plural(n: usize, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("{n} {singular}")
    } else {
        format!("{n} {plural}")
    }
}

/// Number of distinct files with at least one unsuppressed finding.
pub(crate) fn files_with_findings(report: &RunReport) -> usize {
    let mut files: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| !f.suppressed)
        .map(|f| f.file.as_str())
        .collect();
    files.sort_unstable();
    files.dedup();
    files.len()
}

/// Groups findings by file: files in order of first appearance, findings in order.
pub(crate) fn group_by_file<'a>(
    findings: impl Iterator<Item = &'a Finding>,
) -> Vec<(&'a str, Vec<&'a Finding>)> {
    let mut index = std::collections::HashMap::new();
    let mut groups: Vec<(&'a str, Vec<&'a Finding>)> = Vec::new();
    for f in findings {
        let i = *index.entry(f.file.as_str()).or_insert_with(|| {
            groups.push((f.file.as_str(), Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(f);
    }
    groups
}
