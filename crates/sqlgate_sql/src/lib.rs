//! The SQL layer: from migration text to the statement model.
//!
//! `lexer` tokenizes, `split` cuts the token stream into statements, `ast` hands each
//! statement to sqlparser (the only place that imports it), `classify` reads what sqlparser
//! cannot parse from its tokens, and `analyze` puts the two together into the
//! [`model::Statement`]s the rules read. Nothing here knows about files, frameworks,
//! configuration or rules.

pub mod analyze;
pub mod ast;
pub mod classify;
pub mod lexer;
pub mod model;
pub mod split;
