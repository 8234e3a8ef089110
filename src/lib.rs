//! sqlgate: static analysis and merge gate for database migrations.

pub mod discover;
pub mod finding;
pub mod lexer;
pub mod report;
pub mod source;
pub mod split;
pub mod ast;
pub mod classify;
pub mod model;
pub mod analyze;
pub mod catalog;
pub mod rules;
