//! Snapshots of the sample report in every format: human, JSON, Markdown, GitHub workflow
//! commands and outputs, and SARIF (its log with the rules cut to their ids, and one rule in
//! full).

use sqlgate::report;

use crate::support::{clean, github, sample, sources, NO_COLOR};

// ---------------------------------------------------------------- snapshots

#[test]
fn human_snapshot() {
    insta::assert_snapshot!(report::human::render(&sample(), &sources(), &NO_COLOR));
}

#[test]
fn human_clean_snapshot() {
    insta::assert_snapshot!(report::human::render(&clean(), &sources(), &NO_COLOR));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!(report::json::render(&sample()));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(report::markdown::render(&sample()));
}

#[test]
fn markdown_clean_snapshot() {
    insta::assert_snapshot!(report::markdown::render(&clean()));
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!(github(&sample()));
}

/// The driver's `rules` array of a SARIF log: (text before it, its text, text after it).
fn split_sarif_rules(out: &str) -> (&str, &str, &str) {
    const OPEN: &str = "\n          \"rules\": [\n";
    const CLOSE: &str = "\n          ]\n";
    let start = out.find(OPEN).expect("driver.rules") + OPEN.len();
    let end = start + out[start..].find(CLOSE).expect("end of driver.rules");
    (&out[..start], &out[start..end], &out[end..])
}

/// The sample's SARIF log with each rule of the driver cut down to its id (in order, so the
/// results' `ruleIndex` can be checked by eye): the full rule text is in
/// `sarif_rule_snapshot` and checked for every rule in tests/sarif.rs.
#[test]
fn sarif_snapshot() {
    let out = report::sarif::render(&sample());
    let (before, rules, after) = split_sarif_rules(&out);
    let ids: Vec<String> = rules
        .lines()
        .filter_map(|l| l.strip_prefix("              \"id\": "))
        .map(|id| format!("            {{ \"id\": {} }}", id.trim_end_matches(',')))
        .collect();
    assert_eq!(ids.len(), sqlgate::rules::REGISTRY.len());
    insta::assert_snapshot!(format!("{before}{}{after}", ids.join(",\n")));
}

/// One rule of the SARIF driver in full: the first, drop-table.
#[test]
fn sarif_rule_snapshot() {
    let out = report::sarif::render(&sample());
    let (_, rules, _) = split_sarif_rules(&out);
    let end = rules.find("\n            },\n").expect("a second rule");
    insta::assert_snapshot!(format!("{}\n            }}\n", &rules[..end]));
}

#[test]
fn github_outputs_snapshot() {
    insta::assert_snapshot!(report::github::outputs(&sample()), @r"
    findings=5
    errors=3
    warnings=2
    suppressed=1
    files-not-read=1
    gate-required=true
    gate-status=blocked
    gate-missing=approvals,backup
    ");
}
