//! Listings: following `Link: <...>; rel="next"` headers across pages, and only to the
//! configured server.

use serde::de::DeserializeOwned;

use super::transport::{decode, Method};
use super::OctocrabClient;
use crate::rest::ApiError;

/// Pages followed at most for one listing (100 items each); more means a `Link` loop.
const MAX_PAGES: usize = 1000;

impl OctocrabClient {
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

    /// Every page of a listing, following `Link: <...>; rel="next"` until there is none.
    /// `items` takes the list out of one page's JSON.
    pub(super) async fn paginate<P: DeserializeOwned, T>(
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

/// The `rel="next"` URL among `Link` header values, e.g.
/// `<https://api.github.com/repositories/1/issues?page=2>; rel="next", <...>; rel="last"`.
pub(super) fn next_link(values: &[String]) -> Option<String> {
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
