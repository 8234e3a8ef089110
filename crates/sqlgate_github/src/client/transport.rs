//! One request to the API: the HTTP method, one attempt's answer with the headers the
//! retry and pagination logic read, and decoding GitHub's JSON bodies.

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::OctocrabClient;
use crate::rest::ApiError;

impl OctocrabClient {
    /// One attempt: the answer with its body, or why none came.
    pub(super) async fn send(
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

    pub(super) async fn call<T: DeserializeOwned>(
        &self,
        what: &str,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<T, ApiError> {
        let reply = self.request(what, method, &self.url(path), body).await?;
        decode(what, &reply.body)
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Method {
    Get,
    Post,
    Patch,
}

impl Method {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
        }
    }
}

/// What an attempt got back.
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) retry_after: Option<String>,
    pub(super) ratelimit_remaining: Option<String>,
    pub(super) ratelimit_reset: Option<String>,
    pub(super) links: Vec<String>,
    pub(super) body: String,
}

/// GitHub's `message` from an error body, if the body is GitHub's error JSON.
pub(super) fn github_message(body: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct ErrorBody {
        message: Option<String>,
    }
    serde_json::from_str::<ErrorBody>(body).ok()?.message
}

pub(super) fn decode<T: DeserializeOwned>(what: &str, body: &str) -> Result<T, ApiError> {
    serde_json::from_str(body).map_err(|e| ApiError::Decode {
        what: what.to_string(),
        message: e.to_string(),
    })
}

/// An error with its sources, as one line.
pub(super) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
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
