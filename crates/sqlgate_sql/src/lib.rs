//! The SQL layer: from migration text to the statement model.
//!
//! `lexer` tokenizes, `split` cuts the token stream into statements, `classify` reads each
//! statement's model from its tokens, `ast` hands a statement whose tokens show a problem to
//! sqlparser (the only place that imports it), and `analyze` puts them together into the
//! [`model::Statement`]s the rules read. Nothing here knows about files, frameworks,
//! configuration or rules.

pub mod analyze;
pub mod ast;
pub mod classify;
pub mod lexer;
pub mod model;
pub mod split;
