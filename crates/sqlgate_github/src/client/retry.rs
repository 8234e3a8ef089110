//! The retry policy: which answers are retried (5xx, network errors, timeouts, rate
//! limits), how long to wait in between, and the retrying request loop.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::transport::{github_message, Method, Reply};
use super::OctocrabClient;
use crate::rest::ApiError;

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
    pub(super) fn backoff(&self, failed: u32) -> Duration {
        let factor = 1u32 << failed.saturating_sub(1).min(20);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// The wait GitHub asks for after a secondary rate limit that names no `retry-after`.
const SECONDARY_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

impl OctocrabClient {
    /// One request, retried per the policy; `Ok` only for a 2xx answer.
    pub(super) async fn request(
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
