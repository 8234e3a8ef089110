//! The [`GitHub`](crate::GitHub) trait over GitHub's REST API, with octocrab's hyper
//! client (rustls on ring). The only module that imports octocrab.
//!
//! Requests go through octocrab's raw methods (`_get`, `_post`, `_patch`) so that status
//! codes and headers stay visible: this module decides what to retry, follows `Link`
//! pagination and decodes the bodies into private structs that mirror GitHub's JSON (only
//! the fields sqlgate reads; extra fields are ignored, documented nulls tolerated).
//!
//! The client owns a current-thread tokio runtime and blocks on it, so the trait stays
//! synchronous. Do not call it from inside another tokio runtime.
//!
//! The parts: `retry` (the [`RetryPolicy`] and what is retried), `transport` (one request
//! and its answer), `pagination` (`Link` headers), `paths` (API URLs and paths), `bodies`
//! (the JSON sqlgate sends) and `api` (the [`GitHub`](crate::GitHub) implementation).

use std::time::Duration;

use octocrab::Octocrab;

use crate::rest::ApiError;
use paths::split_api_url;
use transport::error_chain;

mod api;
mod bodies;
mod pagination;
mod paths;
mod retry;
#[cfg(test)]
mod tests;
mod transport;

pub use retry::RetryPolicy;

/// How long one request (connect, answer and body) may take before it counts as a network
/// error.
const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Set on the check runs sqlgate creates, and required of the ones `find_check_run`
/// returns: a workflow job's own check run can carry the same name, and must not be
/// overwritten.
const CHECK_RUN_EXTERNAL_ID: &str = "sqlgate";

/// [`GitHub`](crate::GitHub) over the REST API at `GITHUB_API_URL`.
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

    fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}
