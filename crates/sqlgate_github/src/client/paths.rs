//! API URLs and request paths: the origin and path prefix of `GITHUB_API_URL`, percent
//! encoding of path segments, and the operation names used in errors.

use super::transport::Method;
use crate::rest::{ApiError, Repo};

/// `(origin, base)` of an API URL: `http(s)://host[:port]` and that plus the path prefix,
/// without trailing slash.
pub(super) fn split_api_url(api_url: &str) -> Result<(String, String), ApiError> {
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
pub(super) fn enc(text: &str) -> String {
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

pub(super) fn repo_path(repo: &Repo) -> String {
    format!("/repos/{}/{}", enc(&repo.owner), enc(&repo.name))
}

/// `what` for errors: the operation, then method and path.
pub(super) fn what(operation: &str, method: Method, path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    format!("{operation} ({} {path})", method.as_str())
}
