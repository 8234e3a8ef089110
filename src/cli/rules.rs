//! `sqlgate rules` and `sqlgate rule`: the rule list, one rule's documentation, and the
//! generated docs.

use std::path::Path;

use super::args::ListFormat;
use super::output::{write_no_follow, write_stdout, Failure};

pub(super) fn run_rules(format: ListFormat, write_docs: Option<&Path>) -> Result<u8, Failure> {
    if let Some(dir) = write_docs {
        for (relative, contents) in sqlgate_lint::docs::generated_docs() {
            let path = dir.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Failure(format!("cannot create {}: {e}", parent.display())))?;
            }
            write_no_follow(&path, "the rule docs", &contents)?;
        }
        if let Some((readme, text)) =
            sqlgate_lint::docs::refresh_readme_rules(dir).map_err(Failure)?
        {
            write_no_follow(&readme, "the README", &text)?;
        }
        return Ok(0);
    }
    write_stdout(&match format {
        ListFormat::Human => sqlgate_lint::docs::rules_table(),
        ListFormat::Json => sqlgate_lint::docs::rules_json(),
    })?;
    Ok(0)
}

pub(super) fn run_rule(name: &str) -> Result<u8, Failure> {
    match sqlgate_lint::rules::find(name) {
        Some(rule) => {
            write_stdout(&sqlgate_lint::docs::rule_markdown(rule))?;
            Ok(0)
        }
        None => {
            let hint = sqlgate_lint::selection::suggest(name)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            Err(Failure(format!(
                "no rule named `{name}`{hint} (`sqlgate rules` lists them all)"
            )))
        }
    }
}
