//! `sqlgate ci` end to end: a scripted pull request (a git repository with a base and a head
//! commit, a GitHub event file) against a local mock of the GitHub REST API that keeps the
//! comments and check runs it receives, like GitHub does.
//!
//! `mock` is the mock GitHub, `support` the scripted pull requests and the runs of
//! `sqlgate ci`; the tests are grouped by topic: `publish` (annotations, summary, outputs,
//! the sticky comment and the check run), `setup` (events, checkouts, `init --github`) and
//! `gate` (the merge gate on GitHub).

#[path = "../common/mod.rs"]
mod common;
mod mock;
mod support;

mod evasions;
mod gate;
mod publish;
mod replay;
mod setup;
