//! sqlgate: static analysis and merge gate for database migrations.
//!
//! This crate is the command line (`cli`, one module per subcommand). The work is done by
//! the layer crates under `crates/`, in pipeline order (docs/ARCHITECTURE.md):
//! `sqlgate_core` → `sqlgate_sql` → `sqlgate_config` → `sqlgate_discover` → `sqlgate_lint`
//! → `sqlgate_gate` → `sqlgate_report` → `sqlgate_github`. Their modules are re-exported
//! here under their familiar names, so tests, the fuzzer and embedders have one path.

pub mod allocator;
pub mod cli;
pub mod pipeline;

pub use sqlgate_core::{run, source, verdict};

/// A finding, its severity and category, and what a run reports.
pub mod finding {
    pub use sqlgate_core::finding::*;
    pub use sqlgate_core::run::{RunError, RunReport};
    pub use sqlgate_core::verdict::GateSummary;
}
pub use sqlgate_discover::{self as discover, git, staged};
pub use sqlgate_gate as gate;
pub use sqlgate_github::{self as github, ci};
pub use sqlgate_lint::{
    atlas_sum, catalog, docs, engine, history, plan, rules, selection, suppress, transaction,
};
pub use sqlgate_report as report;
pub use sqlgate_sql::{analyze, ast, classify, lexer, model, split};

/// `sqlgate.toml`, with `load` and `parse` checking rule names against the registry.
pub mod config {
    pub use sqlgate_config::*;
    pub use sqlgate_lint::plan::{load_config as load, parse_config as parse, ConfigRules};
}
