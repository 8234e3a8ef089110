//! No hostile input can crash `sqlgate check`, end to end: the built binary runs over a real
//! Supabase migrations directory where a good migration (`drop table users;`, DS001) sits next
//! to a hostile file: not UTF-8, NUL bytes, binary, UTF-16, 50 MB, deeply nested, unterminated,
//! symbolic link loops, dangling links, unreadable, empty, a FIFO, a directory named `.sql`...
//!
//! Every run must end on its own (a watchdog kills it and fails the test otherwise) with exit
//! code 0, 1 or 2 and no panic; the hostile file is named with what is wrong with it (and
//! where), or checked fine when it is valid; and the good file's DS001 is still reported.
//!
//! `support` runs the binary (with its watchdog) and reads what it reported; the tests are
//! in one module per kind of hostile input.
#![cfg(unix)]

#[path = "../common/mod.rs"]
mod common;
mod every_format;
mod nesting;
mod not_text;
mod size;
mod special_files;
mod support;
mod valid_but_odd;
