//! Rule documentation generated from rule metadata: `sqlgate rule`, `sqlgate rules`,
//! `docs/rules/*.md` (kept fresh by a test) and, later, SARIF rule text.

use crate::finding::docs_url;
use crate::rules::{Rule, REGISTRY};

/// The Markdown page of one rule.
pub fn rule_markdown(rule: &Rule) -> String {
    let m = &rule.meta;
    format!(
        "# {name} ({code})\n\n\
         Category: {category} · Default severity: {severity}{opt_in}\n\n\
         {summary}\n\n\
         ## What it does\n\n{what}\n\n\
         ## Why is this bad?\n\n{why}\n\n\
         ## Example\n\n```sql\n{example}\n```\n\n\
         ## Use instead\n\n```sql\n{instead}\n```\n",
        name = m.name,
        code = m.code,
        category = m.category.as_str(),
        severity = m.default_severity.as_str(),
        opt_in = if m.opt_in {
            format!(
                " · Off by default: enable it by name, e.g. `select = [\"all\", \"{}\"]` or `--select {}`",
                m.name, m.code
            )
        } else {
            String::new()
        },
        summary = m.summary,
        what = m.what_it_does,
        why = m.why_is_this_bad,
        example = m.example,
        instead = m.use_instead,
    )
}

/// `docs/rules/README.md`: the index of every rule.
pub fn rules_index() -> String {
    let mut out = String::from(
        "# Rules\n\nGenerated from the rule metadata in `src/rules/` by `cargo run -- rules --write-docs docs`; \
         a test fails when this directory is stale.\n\n| code | name | category | default | flags |\n|---|---|---|---|---|\n",
    );
    for rule in REGISTRY {
        let m = &rule.meta;
        out.push_str(&format!(
            "| {} | [{}]({}.md) | {} | {} | {} |\n",
            m.code,
            m.name,
            m.name,
            m.category.as_str(),
            default_column(rule),
            m.summary
        ));
    }
    out
}

/// The severity, or `off (warning)` for an opt-in rule.
pub fn default_column(rule: &Rule) -> String {
    let severity = rule.meta.default_severity.as_str();
    if rule.meta.opt_in {
        format!("off ({severity})")
    } else {
        severity.to_string()
    }
}

/// Every generated file under `docs/`, as (relative path, contents).
pub fn generated_docs() -> Vec<(String, String)> {
    let mut files = vec![
        (
            "configuration.md".to_string(),
            crate::config::docs::configuration_markdown(),
        ),
        ("rules/README.md".to_string(), rules_index()),
    ];
    files.extend(
        REGISTRY
            .iter()
            .map(|r| (format!("rules/{}.md", r.meta.name), rule_markdown(r))),
    );
    files
}

/// The plain-text table printed by `sqlgate rules`.
pub fn rules_table() -> String {
    let mut out = String::new();
    for rule in REGISTRY {
        let m = &rule.meta;
        out.push_str(&format!(
            "{:<6} {:<36} {:<14} {:<14} {}\n",
            m.code,
            m.name,
            m.category.as_str(),
            default_column(rule),
            m.summary
        ));
    }
    out
}

#[derive(serde::Serialize)]
struct RuleJson {
    name: &'static str,
    code: &'static str,
    category: &'static str,
    severity: &'static str,
    /// False for opt-in rules, which run only when selected by name or code.
    enabled_by_default: bool,
    summary: &'static str,
    docs: String,
}

/// `sqlgate rules --format json`.
pub fn rules_json() -> String {
    let rules: Vec<RuleJson> = REGISTRY
        .iter()
        .map(|r| RuleJson {
            name: r.meta.name,
            code: r.meta.code,
            category: r.meta.category.as_str(),
            severity: r.meta.default_severity.as_str(),
            enabled_by_default: !r.meta.opt_in,
            summary: r.meta.summary,
            docs: docs_url(r.meta.name),
        })
        .collect();
    serde_json::to_string_pretty(&rules).unwrap_or_default() + "\n"
}
