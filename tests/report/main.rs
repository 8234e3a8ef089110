//! Snapshot and behaviour tests for the renderers in `sqlgate::report`.
//!
//! `support` holds the sample reports (and checks their positions); the tests are in one
//! module per renderer, `sample` (snapshots of the sample in every format) and
//! `evaluated_gate` (a report whose gate was evaluated). Insta keeps the snapshots next to
//! the modules, named after them: `tests/report/snapshots/report__<module>__<test>.snap`.

mod dispatch;
mod evaluated_gate;
mod github;
mod human;
mod json;
mod markdown;
mod sample;
mod support;
