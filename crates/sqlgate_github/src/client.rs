//! The [`GitHub`] trait over GitHub's REST API, with octocrab's hyper client (rustls on
//! ring). The only module that imports octocrab.
//!
//! Requests go through octocrab's raw methods (`_get`, `_post`, `_patch`) so that status
//! codes and headers stay visible: this module decides what to retry, follows `Link`
//! pagination and decodes the bodies into private structs that mirror GitHub's JSON (only
//! the fields sqlgate reads; extra fields are ignored, documented nulls tolerated).
//!
//! The client owns a current-thread tokio runtime and blocks on it, so the trait stays
//! synchronous. Do not call it from inside another tokio runtime.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use octocrab::Octocrab;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::wire::{
    login, ArtifactsPage, CheckRunJson, CheckRunsPage, CommentJson, MembershipJson, PermissionJson,
    PullJson, ReviewJson,
};
use super::{
    Annotation, ApiError, Artifact, CheckRun, CheckRunRequest, GitHub, IssueComment, PullRequest,
    Repo, Review,
};

/// How often and how long to retry 5xx answers, network errors and rate limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Requests made at most for one call (at least one is always made).
    pub attempts: u32,
    /// The wait before the first retry; it doubles for each further retry.
    pub base_delay: Duration,
    /// The longest wait between two attempts. A rate limit that asks for a longer wait
    /// (`retry-after`, `x-ratelimit-reset`) ends the call at once with
    /// [`ApiError::RateLimited`].
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, waiting 1 s, 2 s and 4 s in between; rate limits waited for up to 30 s.
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt number `failed` (1-based): `base_delay * 2^(failed-1)`,
    /// at most `max_delay`.
    fn backoff(&self, failed: u32) -> Duration {
        let factor = 1u32 << failed.saturating_sub(1).min(20);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// How long one request (connect, answer and body) may take before it counts as a network
/// error.
const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Pages followed at most for one listing (100 items each); more means a `Link` loop.
const MAX_PAGES: usize = 1000;

/// Set on the check runs sqlgate creates, and required of the ones `find_check_run`
/// returns: a workflow job's own check run can carry the same name, and must not be
/// overwritten.
const CHECK_RUN_EXTERNAL_ID: &str = "sqlgate";

/// The wait GitHub asks for after a secondary rate limit that names no `retry-after`.
const SECONDARY_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// [`GitHub`] over the REST API at `GITHUB_API_URL`.
pub struct OctocrabClient {
    octocrab: Octocrab,
    runtime: tokio::runtime::Runtime,
    policy: RetryPolicy,
    /// `scheme://host[:port]`: where `Link` URLs are sent (the token goes nowhere else).
    origin: String,
    /// `origin` plus the API's path prefix (`/api/v3` on GitHub Enterprise Server), no
    /// trailing slash.
    base: String,
    request_timeout: Duration,
}

impl std::fmt::Debug for OctocrabClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OctocrabClient")
            .field("base", &self.base)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl OctocrabClient {
    /// A client for the API at `api_url` (`GITHUB_API_URL`: `https://api.github.com`,
    /// `https://ghes.example.com/api/v3`, or a plain `http://` mock server). An empty or
    /// absent `token` makes unauthenticated requests.
    pub fn new(
        api_url: &str,
        token: Option<&str>,
        policy: RetryPolicy,
    ) -> Result<OctocrabClient, ApiError> {
        let (origin, base) = split_api_url(api_url)?;
        let token = token.map(str::trim).filter(|t| !t.is_empty());
        if let Some(token) = token {
            // octocrab panics on a token that is not a valid header value.
            if !token.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(ApiError::Setup(
                    "the GitHub token contains characters an HTTP header cannot carry".into(),
                ));
            }
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ApiError::Setup(format!("cannot start the async runtime: {e}")))?;
        // octocrab spawns its request buffer on the current runtime while building.
        let octocrab = {
            let _guard = runtime.enter();
            let mut builder = Octocrab::builder()
                .base_uri(base.as_str())
                .map_err(|e| ApiError::Setup(format!("invalid API URL {base:?}: {e}")))?
                .add_header(
                    "accept"
                        .parse()
                        .map_err(|e| ApiError::Setup(format!("accept header: {e}")))?,
                    "application/vnd.github+json".to_string(),
                );
            if let Some(token) = token {
                builder = builder.personal_token(token.to_string());
            }
            builder
                .build()
                .map_err(|e| ApiError::Setup(error_chain(&e)))?
        };
        Ok(OctocrabClient {
            octocrab,
            runtime,
            policy,
            origin,
            base,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        })
    }

    /// Sets how long one request may take (60 s by default); a request that takes longer
    /// counts as a network error and is retried.
    pub fn with_request_timeout(mut self, timeout: Duration) -> OctocrabClient {
        self.request_timeout = timeout;
        self
    }

    /// The API URL without trailing slash, path prefix included.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn url(&self, path_and_query: &str) -> String {
        format!("{}{}", self.base, path_and_query)
    }

    /// A `Link` URL, sent to the configured server: only its path and query are kept.
    fn link_url(&self, what: &str, link: &str) -> Result<String, ApiError> {
        let rest = match link.split_once("://") {
            Some((_, after_scheme)) => after_scheme.find('/').map(|i| &after_scheme[i..]),
            None => link.starts_with('/').then_some(link),
        };
        match rest {
            Some(rest) => Ok(format!("{}{}", self.origin, rest)),
            None => Err(ApiError::Decode {
                what: what.to_string(),
                message: format!("unusable next-page link {link:?}"),
            }),
        }
    }

    fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// One request, retried per the policy; `Ok` only for a 2xx answer.
    async fn request(
        &self,
        what: &str,
        method: Method,
        url: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Reply, ApiError> {
        let attempts = self.policy.attempts.max(1);
        let mut made = 0;
        loop {
            made += 1;
            let last = made >= attempts;
            let outcome =
                tokio::time::timeout(self.request_timeout, self.send(method, url, body)).await;
            let reply = match outcome {
                Ok(Ok(reply)) => reply,
                Ok(Err(network)) => {
                    if last {
                        return Err(unavailable(what, network));
                    }
                    tokio::time::sleep(self.policy.backoff(made)).await;
                    continue;
                }
                Err(_elapsed) => {
                    if last {
                        let secs = self.request_timeout.as_secs_f64();
                        return Err(unavailable(what, format!("no answer within {secs} s")));
                    }
                    tokio::time::sleep(self.policy.backoff(made)).await;
                    continue;
                }
            };
            match classify(&reply) {
                Verdict::Success => return Ok(reply),
                Verdict::Fail => {
                    return Err(ApiError::Status {
                        what: what.to_string(),
                        status: reply.status,
                        message: github_message(&reply.body).unwrap_or_default(),
                    })
                }
                Verdict::ServerError => {
                    if last {
                        let mut message = format!("HTTP {}", reply.status);
                        if let Some(m) = github_message(&reply.body).filter(|m| !m.is_empty()) {
                            message.push_str(": ");
                            message.push_str(&m);
                        }
                        return Err(unavailable(what, message));
                    }
                    tokio::time::sleep(self.policy.backoff(made)).await;
                }
                Verdict::RateLimited { wait, reset } => {
                    let wait = wait.unwrap_or_else(|| self.policy.backoff(made));
                    if last || wait > self.policy.max_delay {
                        return Err(ApiError::RateLimited {
                            what: what.to_string(),
                            reset,
                        });
                    }
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// One attempt: the answer with its body, or why none came.
    async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Reply, String> {
        let response = match method {
            Method::Get => self.octocrab._get(url).await,
            Method::Post => self.octocrab._post(url, body).await,
            Method::Patch => self.octocrab._patch(url, body).await,
        }
        .map_err(|e| error_chain(&e))?;
        let status = response.status().as_u16();
        let headers = response.headers();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().to_string())
        };
        let retry_after = header("retry-after");
        let ratelimit_remaining = header("x-ratelimit-remaining");
        let ratelimit_reset = header("x-ratelimit-reset");
        let links = headers
            .get_all("link")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect();
        let body = self
            .octocrab
            .body_to_string(response)
            .await
            .map_err(|e| error_chain(&e))?;
        Ok(Reply {
            status,
            retry_after,
            ratelimit_remaining,
            ratelimit_reset,
            links,
            body,
        })
    }

    async fn call<T: DeserializeOwned>(
        &self,
        what: &str,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<T, ApiError> {
        let reply = self.request(what, method, &self.url(path), body).await?;
        decode(what, &reply.body)
    }

    /// Every page of a listing, following `Link: <...>; rel="next"` until there is none.
    /// `items` takes the list out of one page's JSON.
    async fn paginate<P: DeserializeOwned, T>(
        &self,
        what: &str,
        path: &str,
        items: impl Fn(P) -> Vec<T>,
    ) -> Result<Vec<T>, ApiError> {
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut url = self.url(&format!("{path}{separator}per_page=100"));
        let mut all = Vec::new();
        for _ in 0..MAX_PAGES {
            let reply = self.request(what, Method::Get, &url, None).await?;
            let page: P = decode(what, &reply.body)?;
            all.extend(items(page));
            match next_link(&reply.links) {
                Some(next) => url = self.link_url(what, &next)?,
                None => return Ok(all),
            }
        }
        Err(ApiError::Decode {
            what: what.to_string(),
            message: format!("pagination did not end after {MAX_PAGES} pages"),
        })
    }
}

#[derive(Debug, Clone, Copy)]
enum Method {
    Get,
    Post,
    Patch,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
        }
    }
}

/// What an attempt got back.
struct Reply {
    status: u16,
    retry_after: Option<String>,
    ratelimit_remaining: Option<String>,
    ratelimit_reset: Option<String>,
    links: Vec<String>,
    body: String,
}

enum Verdict {
    Success,
    /// 5xx: retry after the backoff.
    ServerError,
    /// 429, or a 403 that is a rate limit. `wait` is what GitHub asked for, if anything.
    RateLimited {
        wait: Option<Duration>,
        reset: Option<u64>,
    },
    /// Anything else: retrying does not help.
    Fail,
}

fn classify(reply: &Reply) -> Verdict {
    let status = reply.status;
    if (200..300).contains(&status) {
        return Verdict::Success;
    }
    if status >= 500 {
        return Verdict::ServerError;
    }
    let reset = reply
        .ratelimit_reset
        .as_deref()
        .and_then(|r| r.parse::<u64>().ok());
    let exhausted = reply.ratelimit_remaining.as_deref() == Some("0");
    let retry_after = reply
        .retry_after
        .as_deref()
        .and_then(|r| r.parse::<u64>().ok())
        .map(Duration::from_secs);
    let secondary = status == 403
        && github_message(&reply.body)
            .is_some_and(|m| m.to_ascii_lowercase().contains("secondary rate limit"));
    if status == 429 || (status == 403 && (exhausted || reply.retry_after.is_some() || secondary)) {
        let wait = if retry_after.is_some() {
            retry_after
        } else if exhausted {
            reset.map(until_epoch)
        } else if secondary {
            Some(SECONDARY_RATE_LIMIT_WAIT)
        } else {
            None
        };
        return Verdict::RateLimited { wait, reset };
    }
    Verdict::Fail
}

/// How long until `epoch_secs` (zero if it has passed).
fn until_epoch(epoch_secs: u64) -> Duration {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Duration::from_secs(epoch_secs).saturating_sub(now)
}

fn unavailable(what: &str, message: String) -> ApiError {
    ApiError::Unavailable {
        what: what.to_string(),
        message,
    }
}

/// GitHub's `message` from an error body, if the body is GitHub's error JSON.
fn github_message(body: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct ErrorBody {
        message: Option<String>,
    }
    serde_json::from_str::<ErrorBody>(body).ok()?.message
}

fn decode<T: DeserializeOwned>(what: &str, body: &str) -> Result<T, ApiError> {
    serde_json::from_str(body).map_err(|e| ApiError::Decode {
        what: what.to_string(),
        message: e.to_string(),
    })
}

/// An error with its sources, as one line.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(error);
    while let Some(e) = current {
        let text = e.to_string();
        // snafu appends the backtrace location to some messages.
        let text = text
            .split("\n\nFound at")
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

/// The `rel="next"` URL among `Link` header values, e.g.
/// `<https://api.github.com/repositories/1/issues?page=2>; rel="next", <...>; rel="last"`.
fn next_link(values: &[String]) -> Option<String> {
    for value in values {
        let mut rest = value.as_str();
        while let Some(open) = rest.find('<') {
            let after = &rest[open + 1..];
            let close = after.find('>')?;
            let url = &after[..close];
            let params_end = after[close..].find('<').map_or(after.len(), |i| close + i);
            // `; rel="next", ` up to the next `<`: drop the separating comma.
            let params = after[close + 1..params_end].trim().trim_end_matches(',');
            let is_next = params.split(';').any(|param| {
                let Some((key, value)) = param.split_once('=') else {
                    return false;
                };
                key.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|rel| rel.eq_ignore_ascii_case("next"))
            });
            if is_next {
                return Some(url.to_string());
            }
            rest = &after[params_end..];
        }
    }
    None
}

/// `(origin, base)` of an API URL: `http(s)://host[:port]` and that plus the path prefix,
/// without trailing slash.
fn split_api_url(api_url: &str) -> Result<(String, String), ApiError> {
    let url = api_url.trim().trim_end_matches('/');
    let bad = |why: &str| ApiError::Setup(format!("invalid GitHub API URL {api_url:?}: {why}"));
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| bad("expected http:// or https://"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(bad("expected http:// or https://"));
    }
    if rest.contains(['?', '#']) || rest.contains(char::is_whitespace) {
        return Err(bad("a query, fragment or space is not allowed"));
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    if authority.is_empty() || authority.contains('@') {
        return Err(bad("expected a host (and no user name)"));
    }
    let origin = format!("{scheme}://{authority}");
    let base = format!("{origin}{path}");
    Ok((origin, base))
}

/// Percent-encodes a path segment or query value (everything but RFC 3986's unreserved
/// characters).
fn enc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn repo_path(repo: &Repo) -> String {
    format!("/repos/{}/{}", enc(&repo.owner), enc(&repo.name))
}

/// `what` for errors: the operation, then method and path.
fn what(operation: &str, method: Method, path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    format!("{operation} ({} {path})", method.as_str())
}

fn to_json<T: Serialize>(what: &str, value: &T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::Decode {
        what: what.to_string(),
        message: format!("cannot encode the request: {e}"),
    })
}

// ---- GitHub's JSON (only what sqlgate reads) ----

#[derive(Serialize)]
struct CommentBody<'a> {
    body: &'a str,
}

#[derive(Serialize)]
struct CheckRunBody<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    head_sha: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<&'a str>,
    status: &'static str,
    conclusion: &'static str,
    output: OutputBody<'a>,
}

#[derive(Serialize)]
struct OutputBody<'a> {
    title: &'a str,
    summary: &'a str,
    annotations: Vec<AnnotationBody<'a>>,
}

#[derive(Serialize)]
struct AnnotationBody<'a> {
    path: &'a str,
    start_line: usize,
    end_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
    annotation_level: &'static str,
    message: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_details: Option<&'a str>,
}

impl<'a> AnnotationBody<'a> {
    fn new(a: &'a Annotation) -> AnnotationBody<'a> {
        // GitHub rejects columns on an annotation spanning several lines.
        let one_line = a.start_line == a.end_line;
        AnnotationBody {
            path: &a.path,
            start_line: a.start_line,
            end_line: a.end_line,
            start_column: a.start_column.filter(|_| one_line),
            end_column: a.end_column.filter(|_| one_line),
            annotation_level: a.level.as_str(),
            message: &a.message,
            title: &a.title,
            raw_details: a.raw_details.as_deref(),
        }
    }
}

impl<'a> CheckRunBody<'a> {
    fn new(request: &'a CheckRunRequest, create: bool) -> CheckRunBody<'a> {
        CheckRunBody {
            name: &request.name,
            head_sha: create.then_some(request.head_sha.as_str()),
            external_id: create.then_some(CHECK_RUN_EXTERNAL_ID),
            status: "completed",
            conclusion: request.conclusion.as_str(),
            output: OutputBody {
                title: &request.output.title,
                summary: &request.output.summary,
                annotations: request
                    .output
                    .annotations
                    .iter()
                    .map(AnnotationBody::new)
                    .collect(),
            },
        }
    }
}

impl GitHub for OctocrabClient {
    fn list_issue_comments(&self, repo: &Repo, issue: u64) -> Result<Vec<IssueComment>, ApiError> {
        let path = format!("{}/issues/{issue}/comments", repo_path(repo));
        let what = what(
            &format!("list comments on pull request #{issue}"),
            Method::Get,
            &path,
        );
        self.block_on(self.paginate(&what, &path, |page: Vec<CommentJson>| {
            page.into_iter().map(IssueComment::from).collect()
        }))
    }

    fn create_issue_comment(
        &self,
        repo: &Repo,
        issue: u64,
        body: &str,
    ) -> Result<IssueComment, ApiError> {
        let path = format!("{}/issues/{issue}/comments", repo_path(repo));
        let what = what(
            &format!("create comment on pull request #{issue}"),
            Method::Post,
            &path,
        );
        let json = to_json(&what, &CommentBody { body })?;
        let comment: CommentJson =
            self.block_on(self.call(&what, Method::Post, &path, Some(&json)))?;
        Ok(comment.into())
    }

    fn update_issue_comment(
        &self,
        repo: &Repo,
        comment_id: u64,
        body: &str,
    ) -> Result<IssueComment, ApiError> {
        let path = format!("{}/issues/comments/{comment_id}", repo_path(repo));
        let what = what(
            &format!("update comment {comment_id}"),
            Method::Patch,
            &path,
        );
        let json = to_json(&what, &CommentBody { body })?;
        let comment: CommentJson =
            self.block_on(self.call(&what, Method::Patch, &path, Some(&json)))?;
        Ok(comment.into())
    }

    /// Among the runs GitHub lists for this name (its default `filter=latest`), only those
    /// sqlgate created (`external_id`), and of these the one with the highest id: ids
    /// grow, so that is the newest.
    fn find_check_run(
        &self,
        repo: &Repo,
        head_sha: &str,
        name: &str,
    ) -> Result<Option<CheckRun>, ApiError> {
        let path = format!(
            "{}/commits/{}/check-runs?check_name={}",
            repo_path(repo),
            enc(head_sha),
            enc(name)
        );
        let what = what(
            &format!("find check run {name:?} on commit {head_sha}"),
            Method::Get,
            &path,
        );
        let runs =
            self.block_on(self.paginate(&what, &path, |page: CheckRunsPage| page.check_runs))?;
        Ok(runs
            .into_iter()
            .filter(|r| r.name == name && r.external_id.as_deref() == Some(CHECK_RUN_EXTERNAL_ID))
            .max_by_key(|r| r.id)
            .map(CheckRun::from))
    }

    fn create_check_run(
        &self,
        repo: &Repo,
        request: &CheckRunRequest,
    ) -> Result<CheckRun, ApiError> {
        let path = format!("{}/check-runs", repo_path(repo));
        let what = what(
            &format!(
                "create check run {:?} on commit {}",
                request.name, request.head_sha
            ),
            Method::Post,
            &path,
        );
        let json = to_json(&what, &CheckRunBody::new(request, true))?;
        let run: CheckRunJson =
            self.block_on(self.call(&what, Method::Post, &path, Some(&json)))?;
        Ok(run.into())
    }

    fn update_check_run(
        &self,
        repo: &Repo,
        id: u64,
        request: &CheckRunRequest,
    ) -> Result<CheckRun, ApiError> {
        let path = format!("{}/check-runs/{id}", repo_path(repo));
        let what = what(&format!("update check run {id}"), Method::Patch, &path);
        let json = to_json(&what, &CheckRunBody::new(request, false))?;
        let run: CheckRunJson =
            self.block_on(self.call(&what, Method::Patch, &path, Some(&json)))?;
        Ok(run.into())
    }

    fn get_pull_request(&self, repo: &Repo, number: u64) -> Result<PullRequest, ApiError> {
        let path = format!("{}/pulls/{number}", repo_path(repo));
        let what = what(&format!("get pull request #{number}"), Method::Get, &path);
        let pull: PullJson = self.block_on(self.call(&what, Method::Get, &path, None))?;
        Ok(PullRequest {
            number: pull.number,
            author: login(&pull.user),
            body: pull.body.unwrap_or_default(),
            head_sha: pull.head.sha,
            base_sha: pull.base.sha,
        })
    }

    fn list_reviews(&self, repo: &Repo, number: u64) -> Result<Vec<Review>, ApiError> {
        let path = format!("{}/pulls/{number}/reviews", repo_path(repo));
        let what = what(
            &format!("list reviews of pull request #{number}"),
            Method::Get,
            &path,
        );
        self.block_on(self.paginate(&what, &path, |page: Vec<ReviewJson>| {
            page.into_iter().map(Review::from).collect()
        }))
    }

    fn collaborator_permission(&self, repo: &Repo, login: &str) -> Result<String, ApiError> {
        let path = format!(
            "{}/collaborators/{}/permission",
            repo_path(repo),
            enc(login)
        );
        let what = what(
            &format!("get the repository permission of {login}"),
            Method::Get,
            &path,
        );
        let permission: PermissionJson =
            self.block_on(self.call(&what, Method::Get, &path, None))?;
        Ok(permission.permission)
    }

    fn is_team_member(&self, org: &str, team_slug: &str, login: &str) -> Result<bool, ApiError> {
        let path = format!(
            "/orgs/{}/teams/{}/memberships/{}",
            enc(org),
            enc(team_slug),
            enc(login)
        );
        let what = what(
            &format!("check membership of {login} in team {org}/{team_slug}"),
            Method::Get,
            &path,
        );
        match self.block_on(self.call::<MembershipJson>(&what, Method::Get, &path, None)) {
            Ok(membership) => Ok(membership.state == "active"),
            Err(ApiError::Status { status: 404, .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn list_artifacts(&self, repo: &Repo) -> Result<Vec<Artifact>, ApiError> {
        let path = format!("{}/actions/artifacts", repo_path(repo));
        let what = what("list workflow artifacts", Method::Get, &path);
        self.block_on(self.paginate(&what, &path, |page: ArtifactsPage| {
            page.artifacts.into_iter().map(Artifact::from).collect()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_link_finds_next_among_other_relations() {
        let header = r#"<https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=1>; rel="prev", <https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=3>; rel="next", <https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=5>; rel="last""#;
        assert_eq!(
            next_link(&[header.to_string()]).as_deref(),
            Some("https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=3")
        );
        let last_page = r#"<https://api.github.com/x?page=1>; rel="first", <https://api.github.com/x?page=4>; rel="prev""#;
        assert_eq!(next_link(&[last_page.to_string()]), None);
        assert_eq!(next_link(&[]), None);
        // Unquoted and several relations in one parameter.
        assert_eq!(
            next_link(&["<https://h/a?page=2>; rel=next".to_string()]).as_deref(),
            Some("https://h/a?page=2")
        );
        assert_eq!(
            next_link(&["<https://h/a?x=1,2>; rel=\"last next\"".to_string()]).as_deref(),
            Some("https://h/a?x=1,2")
        );
        assert_eq!(next_link(&["<broken; rel=\"next\"".to_string()]), None);
    }

    #[test]
    fn api_urls_keep_their_path_prefix() {
        assert_eq!(
            split_api_url("https://api.github.com").ok(),
            Some((
                "https://api.github.com".to_string(),
                "https://api.github.com".to_string()
            ))
        );
        assert_eq!(
            split_api_url(" https://ghes.example.com/api/v3/ ").ok(),
            Some((
                "https://ghes.example.com".to_string(),
                "https://ghes.example.com/api/v3".to_string()
            ))
        );
        assert_eq!(
            split_api_url("http://127.0.0.1:1234").ok(),
            Some((
                "http://127.0.0.1:1234".to_string(),
                "http://127.0.0.1:1234".to_string()
            ))
        );
        for bad in [
            "",
            "api.github.com",
            "ftp://x",
            "https://",
            "https://h/a?b",
            "https://u@h",
        ] {
            assert!(
                matches!(split_api_url(bad), Err(ApiError::Setup(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let policy = RetryPolicy::default();
        let waits: Vec<u64> = (1..=7).map(|n| policy.backoff(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(policy.backoff(u32::MAX), Duration::from_secs(30));
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(enc("sqlgate migrations/ci"), "sqlgate%20migrations%2Fci");
        assert_eq!(enc("octo-org_1.x~"), "octo-org_1.x~");
        assert_eq!(enc("é"), "%C3%A9");
    }

    #[test]
    fn multi_line_annotations_drop_their_columns() {
        let annotation = Annotation {
            path: "db/1.sql".into(),
            start_line: 2,
            end_line: 4,
            start_column: Some(1),
            end_column: Some(9),
            level: super::super::AnnotationLevel::Failure,
            message: "m".into(),
            title: "t".into(),
            raw_details: None,
        };
        let json = serde_json::to_value(AnnotationBody::new(&annotation)).ok();
        assert_eq!(
            json,
            Some(serde_json::json!({
                "path": "db/1.sql", "start_line": 2, "end_line": 4,
                "annotation_level": "failure", "message": "m", "title": "t"
            }))
        );
    }
}
