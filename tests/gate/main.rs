//! `sqlgate gate` end to end, offline: a scripted pull request (a git repository with a base
//! and a head commit, the head checked out), a GitHub webhook payload and saved API answers
//! (reviews, artifacts, permissions) as files, and the gate's verdict as the JSON report and
//! the exit code show it. Times are relative to the real clock, so "2 days old" stays true.
//!
//! `support` scripts the pull request, GitHub's JSON and the run, `clock` gives the times; the
//! tests are in `approvals`, `backup` and `command` (the rest of the command's behaviour).

#[path = "../common/mod.rs"]
mod common;

mod approvals;
mod backup;
mod clock;
mod command;
mod support;
