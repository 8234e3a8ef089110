//! Suppression comments: which findings they hide, and the findings about the comments
//! themselves (invalid: MT003, unused: MT002).

use std::collections::{BTreeMap, HashMap};

use super::options::CheckOptions;
use super::raw::Raw;
use crate::rules::Violation;
use crate::suppress;
use sqlgate_discover::LoadedFile;

/// A checked file's comments and top-level statement ranges.
#[derive(Default)]
pub(super) struct FileSyntax {
    pub(super) comments: Vec<std::ops::Range<usize>>,
    pub(super) statements: Vec<std::ops::Range<usize>>,
}

/// Marks suppressed findings; reports invalid (MT003) and unused (MT002) suppressions.
pub(super) fn apply_suppressions(
    raw: &mut Vec<Raw>,
    files: &[LoadedFile],
    checked: &mut BTreeMap<usize, FileSyntax>,
    options: &CheckOptions,
    disabled: &dyn Fn(usize, &str) -> bool,
) {
    let invalid_rule = options.enabled("MT003");
    let unused_rule = options.enabled("MT002");
    let mut by_file: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, r) in raw.iter().enumerate() {
        by_file.entry(r.file).or_default().push(i);
    }
    let mut extra = Vec::new();
    for (&file, syntax) in checked.iter_mut() {
        let text = files.get(file).map_or("", |f| f.text.as_str());
        if !suppress::may_contain_directives(text) {
            continue;
        }
        syntax.comments.sort_by_key(|c| c.start);
        syntax.comments.dedup();
        syntax.statements.sort_by_key(|s| s.start);
        let mut parsed = suppress::parse(text, &syntax.comments, &syntax.statements);
        if let Some(rule) = invalid_rule.filter(|r| !disabled(file, r.meta.code)) {
            extra.extend(parsed.invalid.into_iter().map(|v| Raw::new(rule, file, v)));
        }
        for &i in by_file.get(&file).map_or(&[][..], Vec::as_slice) {
            // MT002/MT003 findings are only added below, so no suppression can hide them.
            let finding = &mut raw[i];
            let offset = finding.violation.span.start;
            for directive in &mut parsed.directives {
                if directive.suppresses(finding.rule, offset) {
                    finding.suppressed = true;
                }
            }
        }
        let Some(unused) = unused_rule.filter(|r| !disabled(file, r.meta.code)) else {
            continue;
        };
        for directive in parsed.directives {
            for entry in directive.entries.into_iter().filter(|e| !e.used) {
                // A rule this run does not apply here could not have matched anything.
                let code = entry.rule.meta.code;
                if options.enabled(code).is_none() || disabled(file, code) {
                    continue;
                }
                let what = if directive.target.is_none() {
                    "this file"
                } else {
                    "the statement after it"
                };
                extra.push(Raw::new(
                    unused,
                    file,
                    Violation::new(
                        entry.span,
                        format!(
                            "unused suppression of {}: {what} has no such finding",
                            entry.rule.meta.name
                        ),
                        "remove it, or move it right above the statement it is about",
                    ),
                ));
            }
        }
    }
    raw.extend(extra);
}
