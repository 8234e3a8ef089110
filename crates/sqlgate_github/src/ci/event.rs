//! The pull request a workflow run is about, read from the `GITHUB_EVENT_PATH` payload.

use serde_json::Value;

/// The events `sqlgate ci` understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    PullRequest,
    /// Runs with the base repository's token and workflow: the policy is read from the base
    /// commit and nothing from the pull request is executed.
    PullRequestTarget,
    PullRequestReview,
}

impl EventKind {
    pub fn from_name(name: &str) -> Option<EventKind> {
        match name {
            "pull_request" => Some(EventKind::PullRequest),
            "pull_request_target" => Some(EventKind::PullRequestTarget),
            "pull_request_review" => Some(EventKind::PullRequestReview),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            EventKind::PullRequest => "pull_request",
            EventKind::PullRequestTarget => "pull_request_target",
            EventKind::PullRequestReview => "pull_request_review",
        }
    }
}

/// What the payload says about the pull request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequestEvent {
    pub kind: EventKind,
    /// `action` (opened, synchronize, submitted, ...), empty when absent.
    pub action: String,
    pub number: u64,
    pub base_sha: String,
    pub head_sha: String,
    pub author: String,
    pub body: String,
    /// `owner/name` of the head and base repositories: they differ for a fork.
    pub head_repo: String,
    pub base_repo: String,
}

impl PullRequestEvent {
    /// A pull request from a fork: its `GITHUB_TOKEN` is read-only under `pull_request`.
    pub fn is_fork(&self) -> bool {
        !self.head_repo.is_empty() && self.head_repo != self.base_repo
    }
}

/// Reads the payload of a `pull_request`, `pull_request_target` or `pull_request_review`
/// event. Errors say which field is missing; `source` names the file for messages.
pub fn parse(kind: EventKind, payload: &str, source: &str) -> Result<PullRequestEvent, String> {
    parse_value(kind, &json(payload, source)?, source)
}

/// Reads a saved `pull_request` or `pull_request_review` payload (`sqlgate gate`): a
/// payload with a `review` object is a review event.
pub fn parse_saved(payload: &str, source: &str) -> Result<PullRequestEvent, String> {
    let value = json(payload, source)?;
    let kind = if value.get("review").is_some_and(Value::is_object) {
        EventKind::PullRequestReview
    } else {
        EventKind::PullRequest
    };
    parse_value(kind, &value, source)
}

fn json(payload: &str, source: &str) -> Result<Value, String> {
    serde_json::from_str(payload).map_err(|e| format!("{source}: not a JSON event payload ({e})"))
}

fn parse_value(kind: EventKind, value: &Value, source: &str) -> Result<PullRequestEvent, String> {
    let pr = value.get("pull_request").ok_or_else(|| {
        format!(
            "{source}: the {} payload has no `pull_request` object",
            kind.name()
        )
    })?;
    let text = |pointer: &str| -> Option<String> {
        pr.pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let required = |pointer: &str| -> Result<String, String> {
        text(pointer).filter(|s| !s.is_empty()).ok_or_else(|| {
            format!(
                "{source}: `pull_request{}` is missing",
                pointer.replace('/', ".")
            )
        })
    };
    let number = pr
        .get("number")
        .and_then(Value::as_u64)
        .ok_or_else(|| format!("{source}: `pull_request.number` is missing"))?;
    let sha = |pointer: &str| -> Result<String, String> {
        let sha = required(pointer)?;
        if sha.len() >= 7 && sha.chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(sha)
        } else {
            Err(format!(
                "{source}: `pull_request{}` is not a commit SHA: {sha:?}",
                pointer.replace('/', ".")
            ))
        }
    };
    Ok(PullRequestEvent {
        kind,
        action: value
            .get("action")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        number,
        base_sha: sha("/base/sha")?,
        head_sha: sha("/head/sha")?,
        author: text("/user/login").unwrap_or_default(),
        body: text("/body").unwrap_or_default(),
        head_repo: text("/head/repo/full_name").unwrap_or_default(),
        base_repo: text("/base/repo/full_name").unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "1111111111111111111111111111111111111111";
    const HEAD: &str = "2222222222222222222222222222222222222222";

    fn payload(head_repo: &str) -> String {
        serde_json::json!({
            "action": "synchronize",
            "number": 7,
            "pull_request": {
                "number": 7,
                "body": null,
                "user": {"login": "alice", "type": "User"},
                "head": {"sha": HEAD, "ref": "feature", "repo": {"full_name": head_repo}},
                "base": {"sha": BASE, "ref": "main", "repo": {"full_name": "acme/app"}}
            }
        })
        .to_string()
    }

    #[test]
    fn reads_the_pull_request() {
        let event = parse(EventKind::PullRequest, &payload("acme/app"), "event.json").unwrap();
        assert_eq!(event.number, 7);
        assert_eq!(event.base_sha, BASE);
        assert_eq!(event.head_sha, HEAD);
        assert_eq!(event.author, "alice");
        assert_eq!(event.body, "");
        assert_eq!(event.action, "synchronize");
        assert!(!event.is_fork());
        let fork = parse(EventKind::PullRequest, &payload("mallory/app"), "e").unwrap();
        assert!(fork.is_fork());
    }

    #[test]
    fn names_what_is_missing() {
        let push = r#"{"ref": "refs/heads/main", "after": "abc"}"#;
        let err = parse(EventKind::PullRequest, push, "event.json").unwrap_err();
        assert_eq!(
            err,
            "event.json: the pull_request payload has no `pull_request` object"
        );
        let no_base = payload("acme/app").replace(BASE, "");
        let err = parse(EventKind::PullRequestReview, &no_base, "e.json").unwrap_err();
        assert_eq!(err, "e.json: `pull_request.base.sha` is missing");
        let bad = payload("acme/app").replace(HEAD, "main");
        let err = parse(EventKind::PullRequest, &bad, "e.json").unwrap_err();
        assert_eq!(
            err,
            "e.json: `pull_request.head.sha` is not a commit SHA: \"main\""
        );
        let err = parse(EventKind::PullRequest, "{", "e.json").unwrap_err();
        assert!(err.starts_with("e.json: not a JSON event payload"), "{err}");
    }

    #[test]
    fn event_names() {
        for kind in [
            EventKind::PullRequest,
            EventKind::PullRequestTarget,
            EventKind::PullRequestReview,
        ] {
            assert_eq!(EventKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(EventKind::from_name("push"), None);
    }
}
