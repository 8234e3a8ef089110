//! Token-level classifier: builds the statement model from tokens alone. It is the model's
//! source when sqlparser cannot parse a statement, inside DO blocks and function bodies, and
//! it supplies the byte spans of names and ALTER TABLE actions for parsed statements too.

mod alter;
mod body;
mod columns;
mod create;
mod cursor;
mod grant;
mod names;
mod other;
mod syntax;
#[cfg(test)]
mod tests;

pub use body::{string_contents, Body, BodyKind};
pub use syntax::{syntax_problem, Problem};

use alter::alter;
use body::string_body;
use create::create;
use cursor::Cursor;
use grant::grant;
use other::{comment, delete, drop, maintenance, rename_tables, set, truncate, update};

use crate::lexer::{Dialect, Token};
use crate::model::{StatementKind, TransactionControl};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    pub kind: StatementKind,
    pub concurrently: bool,
    pub body: Option<Body>,
}

/// Classifies one statement from its non-comment tokens.
pub fn classify(tokens: &[Token], text: &str, dialect: Dialect) -> Classified {
    let c = Cursor {
        tokens,
        text,
        dialect,
        pos: 0,
    };
    let concurrently = (0..tokens.len()).any(|i| c.is_at(i, "concurrently"));
    let mut body = None;
    let kind = statement_kind(c, &mut body);
    Classified {
        kind,
        concurrently,
        body,
    }
}

fn statement_kind(mut c: Cursor, body: &mut Option<Body>) -> StatementKind {
    let Some(first) = c.upper_word(0) else {
        if c.punct_at(0, "(") {
            return StatementKind::Select;
        }
        return StatementKind::Unknown;
    };
    c.pos = 1;
    match first.as_str() {
        "DROP" => drop(c),
        "TRUNCATE" => truncate(c),
        "DELETE" => delete(c),
        "UPDATE" => update(c),
        "ALTER" => alter(c),
        "CREATE" => create(c, body),
        "RENAME" => rename_tables(c),
        "GRANT" => grant(c, Vec::new(), false),
        "COMMENT" => comment(c),
        "WITH" => with(c, body),
        "INSERT" => {
            c.eat("into");
            StatementKind::Insert { table: c.name() }
        }
        "SELECT" | "VALUES" | "TABLE" => StatementKind::Select,
        "SET" => set(c),
        "VACUUM" | "CLUSTER" | "REINDEX" | "REFRESH" | "LOCK" => maintenance(c, &first),
        "RESET" => match c.ident_at(c.pos) {
            Some(parameter) => StatementKind::Set {
                parameter,
                value: "default".into(),
                local: false,
            },
            None => StatementKind::Other { keyword: first },
        },
        "BEGIN" | "START" | "COMMIT" | "END" | "ROLLBACK" | "ABORT" | "SAVEPOINT" | "RELEASE"
        | "PREPARE" => match transaction_control(c, &first) {
            Some(control) => StatementKind::Transaction(control),
            None => StatementKind::Other { keyword: first },
        },
        "DO" => {
            // `DO [LANGUAGE l] '...' [LANGUAGE l]`: PL/pgSQL unless another language is named.
            let plpgsql = c
                .find_top_level("language")
                .and_then(|i| body::language_at(&c, i + 1))
                .is_none_or(|language| language.eq_ignore_ascii_case("plpgsql"));
            *body = string_body(&c, c.pos, BodyKind::DoBlock, plpgsql);
            StatementKind::Do
        }
        _ => StatementKind::Other { keyword: first },
    }
}

/// Transaction control after its first word, as PostgreSQL reads it; `None` for what only
/// starts like it (`PREPARE name AS ...`, `START` of another statement, `END` of a body that
/// was split apart).
fn transaction_control(mut c: Cursor, first: &str) -> Option<TransactionControl> {
    // `AND [NO] CHAIN` after `[WORK|TRANSACTION]`; `None` when something else follows.
    let chain = |mut c: Cursor| -> Option<bool> {
        let _ = c.eat("work") || c.eat("transaction");
        if c.at_end() {
            return Some(false);
        }
        c.eat("and").then_some(())?;
        let chain = !c.eat("no");
        (c.eat("chain") && c.at_end()).then_some(chain)
    };
    Some(match first {
        "BEGIN" => TransactionControl::Begin,
        "START" => {
            c.eat("transaction").then_some(())?;
            TransactionControl::Begin
        }
        "COMMIT" | "ROLLBACK" if c.is("prepared") => TransactionControl::FinishPrepared,
        "ROLLBACK" if c.find_top_level("to").is_some() => TransactionControl::Savepoint,
        "COMMIT" | "END" => TransactionControl::Commit { chain: chain(c)? },
        "ROLLBACK" | "ABORT" => TransactionControl::Rollback { chain: chain(c)? },
        "SAVEPOINT" | "RELEASE" => TransactionControl::Savepoint,
        "PREPARE" => {
            c.eat("transaction").then_some(())?;
            TransactionControl::Prepare
        }
        _ => return None,
    })
}

/// `WITH cte AS (...) [, ...] DELETE|UPDATE|INSERT|SELECT ...`: classify the main statement.
fn with(mut c: Cursor, body: &mut Option<Body>) -> StatementKind {
    c.eat("recursive");
    loop {
        if c.name().is_none() {
            return StatementKind::Select;
        }
        c.skip_parens();
        c.eat("as");
        c.eat("not");
        c.eat("materialized");
        c.skip_parens();
        if !c.eat_punct(",") {
            break;
        }
    }
    let rest = Cursor {
        tokens: &c.tokens[c.pos.min(c.tokens.len())..],
        pos: 0,
        ..c
    };
    match statement_kind(rest, body) {
        StatementKind::Unknown => StatementKind::Select,
        kind => kind,
    }
}
