//! The analysis: the statement models of the discovered migrations, replayed in order
//! through the catalog, with the rules run on what each change set does.
//!
//! `engine` drives it: it analyzes each section (through `sqlgate_sql`), places statements
//! in transactions (`transaction`), replays them into the `catalog`, reads history
//! (`history`, `atlas_sum`), runs the `rules` of the `REGISTRY` (`plan` and `selection`
//! choose which) and applies `suppress`ion comments. `docs` generates the rule
//! documentation from the registry.

pub mod atlas_sum;
pub mod catalog;
pub mod docs;
pub mod engine;
pub mod history;
pub mod plan;
pub mod rules;
pub mod selection;
pub mod suppress;
pub mod transaction;
