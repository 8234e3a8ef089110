//! sqlgate: static analysis and merge gate for database migrations.

pub mod analyze;
pub mod ast;
pub mod atlas_sum;
pub mod catalog;
pub mod ci;
pub mod classify;
pub mod cli;
pub mod config;
pub mod discover;
pub mod docs;
pub mod engine;
pub mod finding;
pub mod gate;
pub mod git;
pub mod github;
pub mod history;
pub mod lexer;
pub mod model;
pub mod report;
pub mod rules;
pub mod selection;
pub mod source;
pub mod split;
pub mod staged;
pub mod suppress;
pub mod transaction;
