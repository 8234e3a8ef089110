//! The octocrab client against a local mock server answering with GitHub's REST JSON
//! (fixtures/github/*.json, trimmed copies of the documented responses).
//!
//! The client is synchronous and drives its own runtime, so each test keeps a separate
//! small runtime only to start and program the mock server (which serves from its own
//! thread) and calls the client outside of it.
//!
//! `support` holds the mock server and the fixtures; the tests are grouped by topic:
//! `pagination`, `comments`, `retries` (errors, retries and rate limits), `check_runs`,
//! `gate_facts` (pull request, reviews, permissions, teams, the backup workflow's runs and
//! their artifacts) and `enterprise` (GitHub Enterprise Server URLs and setup errors).

mod support;

mod check_runs;
mod comments;
mod enterprise;
mod gate_facts;
mod pagination;
mod retries;
