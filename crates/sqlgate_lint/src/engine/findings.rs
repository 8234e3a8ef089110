//! From raw violations to findings: positions, per-file severities, gate flags, one-line
//! messages and the report's order.

use foldhash::{HashMap, HashMapExt};

use super::options::{CheckOptions, FileRules};
use super::raw::Raw;
use sqlgate_core::finding::Finding;
use sqlgate_core::source::{escape_controls, LineIndex};
use sqlgate_discover::LoadedFile;

/// Turns byte ranges into positions (one line index per file with findings), applies the
/// per-file severities and gate triggers, and sorts.
pub(super) fn resolve(
    raw: Vec<Raw>,
    files: &[LoadedFile],
    file_rules: &HashMap<usize, FileRules>,
    options: &CheckOptions,
) -> Vec<Finding> {
    let mut indexes: HashMap<usize, LineIndex> = HashMap::new();
    let mut findings: Vec<Finding> = raw
        .into_iter()
        .map(
            |Raw {
                 rule,
                 file,
                 violation,
                 suppressed,
             }| {
                let (display, text) = files
                    .get(file)
                    .map_or(("", ""), |f| (f.display.as_str(), f.text.as_str()));
                let index = indexes.entry(file).or_insert_with(|| LineIndex::new(text));
                let (start, end) = index.span(text, &violation.span);
                Finding {
                    rule: rule.meta.name,
                    code: rule.meta.code,
                    category: rule.meta.category,
                    severity: file_rules
                        .get(&file)
                        .and_then(|fr| fr.severity.iter().find(|(c, _)| *c == rule.meta.code))
                        .map_or(rule.meta.default_severity, |(_, s)| *s),
                    file_id: file,
                    file: display.to_string(),
                    range: violation.span,
                    start,
                    end,
                    message: one_line(violation.message),
                    help: one_line(violation.help),
                    detail: violation.detail,
                    suppressed,
                    gate: options.gate_triggers.contains(&rule.meta.code)
                        && (!suppressed || options.count_suppressed),
                }
            },
        )
        .collect();
    findings.sort_by(|a, b| {
        (&a.file, a.start, a.code, &a.message).cmp(&(&b.file, b.start, b.code, &b.message))
    });
    findings
}

/// Messages are one line: control characters that came from the input (a quoted name with
/// a line break in it) are shown escaped, as `\n`, `\r`, `\t` or `\u{..}`.
fn one_line(text: String) -> String {
    if !text.chars().any(char::is_control) {
        return text;
    }
    escape_controls(&text)
}
