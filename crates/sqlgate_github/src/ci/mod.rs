//! `sqlgate ci`: the pull request run inside GitHub Actions. This module reads the Actions
//! environment and the event, and decides what to publish; `cli` wires it to the check
//! pipeline and `publish` talks to GitHub through the [`crate::GitHub`] trait.

use std::path::PathBuf;

pub mod event;
pub mod publish;

pub use event::{EventKind, PullRequestEvent};

use crate::rest::Repo;

/// The workflow `sqlgate init --github` writes (also shown in the README).
pub const WORKFLOW: &str = include_str!("workflow.yml");

/// Where `sqlgate init --github` writes [`WORKFLOW`], relative to the repository root.
pub const WORKFLOW_PATH: &str = ".github/workflows/sqlgate.yml";

/// The advisory replay workflow `sqlgate init --github --replay` writes: `{version}` stands
/// for the sqlgate version it installs (PEP 440).
pub const REPLAY_WORKFLOW: &str = include_str!("replay-workflow.yml");

/// Where `sqlgate init --github --replay` writes [`REPLAY_WORKFLOW`].
pub const REPLAY_WORKFLOW_PATH: &str = ".github/workflows/sqlgate-replay.yml";

/// Where the public API lives when `GITHUB_API_URL` is not set.
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// The GitHub Actions environment of a `sqlgate ci` run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub event: PullRequestEvent,
    pub event_path: PathBuf,
    pub repo: Repo,
    pub api_url: String,
    /// `SQLGATE_GITHUB_TOKEN`, else `GITHUB_TOKEN`.
    pub token: Option<String>,
    /// `GITHUB_STEP_SUMMARY`, `GITHUB_OUTPUT`: files to append to.
    pub step_summary: Option<PathBuf>,
    pub output: Option<PathBuf>,
}

impl Context {
    /// Reads the run's variables through `var` (the process environment in production) and
    /// the event payload from `GITHUB_EVENT_PATH`. Errors say what to set or how to run.
    pub fn from_env(var: &dyn Fn(&str) -> Option<String>) -> Result<Context, String> {
        let name = var("GITHUB_EVENT_NAME").ok_or(
            "GITHUB_EVENT_NAME is not set: `sqlgate ci` runs inside GitHub Actions \
             (locally, use `sqlgate check --changed-since origin/main`)",
        )?;
        let kind = EventKind::from_name(&name).ok_or_else(|| {
            format!(
                "`sqlgate ci` runs on pull_request, pull_request_target and pull_request_review \
                 events, not `{name}`: trigger the workflow on pull requests, or use \
                 `sqlgate check --changed-since <base>` on other events"
            )
        })?;
        let event_path = PathBuf::from(var("GITHUB_EVENT_PATH").ok_or(
            "GITHUB_EVENT_PATH is not set: it names the event payload GitHub Actions writes",
        )?);
        let payload = std::fs::read_to_string(&event_path).map_err(|e| {
            format!(
                "cannot read the event payload {} (GITHUB_EVENT_PATH): {e}",
                event_path.display()
            )
        })?;
        let event = event::parse(kind, &payload, &event_path.display().to_string())?;
        let full_name = var("GITHUB_REPOSITORY")
            .ok_or("GITHUB_REPOSITORY is not set: it names the repository as owner/name")?;
        let repo = Repo::parse(&full_name)
            .ok_or_else(|| format!("GITHUB_REPOSITORY must be owner/name, not `{full_name}`"))?;
        Ok(Context {
            event,
            event_path,
            repo,
            api_url: var("GITHUB_API_URL").unwrap_or_else(|| DEFAULT_API_URL.to_string()),
            token: var("SQLGATE_GITHUB_TOKEN").or_else(|| var("GITHUB_TOKEN")),
            step_summary: var("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            output: var("GITHUB_OUTPUT").map(PathBuf::from),
        })
    }
}

/// Parses a boolean setting (`--comment`, `SQLGATE_COMMENT`, action inputs).
pub fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Some(true),
        "false" | "no" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// Splits a list of paths given as one value (the action's multi-line `paths` input):
/// newlines, commas and spaces separate entries.
pub fn split_paths(value: &str) -> Vec<PathBuf> {
    value
        .split(|c: char| c == '\n' || c == ',' || c.is_whitespace())
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .collect()
}

/// `key=value` lines for `$GITHUB_OUTPUT`; a value with a newline uses the heredoc form
/// with a delimiter that does not occur in it.
pub fn output_lines(pairs: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (key, value) in pairs {
        if value.contains('\n') || value.contains('\r') {
            let mut delimiter = "SQLGATE_EOF".to_string();
            while value.contains(&delimiter) {
                delimiter.push('_');
            }
            out.push_str(&format!("{key}<<{delimiter}\n{value}\n{delimiter}\n"));
        } else {
            out.push_str(&format!("{key}={value}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env<'a>(vars: &'a HashMap<&str, String>) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| vars.get(k).cloned()
    }

    #[test]
    fn reads_the_actions_environment() {
        let dir = tempfile::tempdir().unwrap();
        let event = dir.path().join("event.json");
        std::fs::write(
            &event,
            r#"{"action":"opened","pull_request":{"number":3,"user":{"login":"bob"},
                "head":{"sha":"abcdef1","repo":{"full_name":"o/r"}},
                "base":{"sha":"1234567","repo":{"full_name":"o/r"}}}}"#,
        )
        .unwrap();
        let mut vars = HashMap::from([
            ("GITHUB_EVENT_NAME", "pull_request_target".to_string()),
            ("GITHUB_EVENT_PATH", event.display().to_string()),
            ("GITHUB_REPOSITORY", "o/r".to_string()),
            ("GITHUB_TOKEN", "t1".to_string()),
        ]);
        let ctx = Context::from_env(&env(&vars)).unwrap();
        assert_eq!(ctx.event.kind, EventKind::PullRequestTarget);
        assert_eq!(ctx.event.number, 3);
        assert_eq!(ctx.api_url, DEFAULT_API_URL);
        assert_eq!(ctx.token.as_deref(), Some("t1"));
        assert_eq!(ctx.repo.to_string(), "o/r");

        vars.insert("SQLGATE_GITHUB_TOKEN", "t2".to_string());
        vars.insert("GITHUB_API_URL", "http://127.0.0.1:9/api/v3".to_string());
        let ctx = Context::from_env(&env(&vars)).unwrap();
        assert_eq!(ctx.token.as_deref(), Some("t2"));
        assert_eq!(ctx.api_url, "http://127.0.0.1:9/api/v3");

        vars.insert("GITHUB_EVENT_NAME", "push".to_string());
        let err = Context::from_env(&env(&vars)).unwrap_err();
        assert!(err.contains("not `push`"), "{err}");
        vars.remove("GITHUB_EVENT_NAME");
        let err = Context::from_env(&env(&vars)).unwrap_err();
        assert!(err.starts_with("GITHUB_EVENT_NAME is not set"), "{err}");
        vars.insert("GITHUB_EVENT_NAME", "pull_request".to_string());
        vars.insert("GITHUB_REPOSITORY", "just-a-name".to_string());
        let err = Context::from_env(&env(&vars)).unwrap_err();
        assert_eq!(
            err,
            "GITHUB_REPOSITORY must be owner/name, not `just-a-name`"
        );
    }

    #[test]
    fn settings_parse() {
        assert_eq!(parse_bool(" True "), Some(true));
        assert_eq!(parse_bool("off"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
        assert_eq!(
            split_paths("db/migrations\n supabase/migrations, other "),
            vec![
                PathBuf::from("db/migrations"),
                PathBuf::from("supabase/migrations"),
                PathBuf::from("other")
            ]
        );
    }

    #[test]
    fn outputs_use_heredoc_for_multi_line_values() {
        let text = output_lines(&[
            ("findings", "3".to_string()),
            ("list", "a\nSQLGATE_EOF\nb".to_string()),
        ]);
        assert_eq!(
            text,
            "findings=3\nlist<<SQLGATE_EOF_\na\nSQLGATE_EOF\nb\nSQLGATE_EOF_\n"
        );
    }
}
