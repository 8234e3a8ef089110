//! Bodies of code inside a statement (DO blocks, function bodies) and the contents of string
//! tokens they are read from.

use std::ops::Range;

use super::cursor::Cursor;
use crate::lexer::{Token, TokenKind};

/// A body of code inside a statement that is scanned for statements of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// File-absolute range of the code (inside the quotes).
    pub range: Range<usize>,
    /// Set when the body is a quoted string whose text differs from its source bytes
    /// (escaped quotes): inner spans then point at the whole literal.
    pub decoded: Option<String>,
    pub kind: BodyKind,
    /// The code is PL/pgSQL (a DO block, a `LANGUAGE plpgsql` function), where `EXECUTE`
    /// runs dynamic SQL; in SQL (`LANGUAGE sql`) it runs a prepared statement.
    pub plpgsql: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyKind {
    DoBlock,
    Function { name: String },
}

/// The body of a CREATE FUNCTION/PROCEDURE in plpgsql or sql: the string after `AS`, or the
/// tokens after `BEGIN ATOMIC`.
pub(super) fn function_body(c: &Cursor, function: String) -> Option<Body> {
    let language = c
        .find_top_level("language")
        .and_then(|i| language_at(c, i + 1))
        .unwrap_or_else(|| "sql".into());
    let plpgsql = match language.to_ascii_lowercase().as_str() {
        "plpgsql" => true,
        "sql" => false,
        _ => return None,
    };
    if let Some(atomic) =
        (c.pos..c.tokens.len()).find(|&i| c.is_at(i, "begin") && c.is_at(i + 1, "atomic"))
    {
        let start = c.tokens.get(atomic + 2)?.range.start;
        let end = c.tokens.last()?.range.end;
        return Some(Body {
            range: start..end,
            decoded: None,
            kind: BodyKind::Function { name: function },
            plpgsql,
        });
    }
    let as_at = c.find_top_level("as")?;
    string_body(c, as_at + 1, BodyKind::Function { name: function }, plpgsql)
}

/// The language named at token `i`: `plpgsql`, `"plpgsql"` or the old `'plpgsql'`.
pub(super) fn language_at(c: &Cursor, i: usize) -> Option<String> {
    let token = c.tokens.get(i)?;
    match token.kind {
        TokenKind::String => {
            let (range, _) = string_contents(c.text, token)?;
            c.text.get(range).map(str::to_string)
        }
        _ => c.ident_at(i),
    }
}

/// The first string literal at or after token `from`, as a body.
pub(super) fn string_body(c: &Cursor, from: usize, kind: BodyKind, plpgsql: bool) -> Option<Body> {
    let i = (from..c.tokens.len()).find(|&i| {
        matches!(
            c.tokens[i].kind,
            TokenKind::String | TokenKind::DollarString
        )
    })?;
    let (range, decoded) = string_contents(c.text, &c.tokens[i])?;
    Some(Body {
        range,
        decoded,
        kind,
        plpgsql,
    })
}

/// The contents of a string token: its inner byte range, and the decoded text when it
/// differs from the bytes (doubled quotes, backslash escapes).
pub fn string_contents(text: &str, token: &Token) -> Option<(Range<usize>, Option<String>)> {
    let raw = text.get(token.range.clone())?;
    match token.kind {
        TokenKind::DollarString => {
            let tag_len = raw[1..].find('$')? + 2;
            let inner_end = if token.terminated {
                raw.len().checked_sub(tag_len)?
            } else {
                raw.len()
            };
            if inner_end < tag_len {
                return None;
            }
            let start = token.range.start + tag_len;
            Some((start..token.range.start + inner_end, None))
        }
        TokenKind::String => {
            let open = raw.find('\'')?;
            let escaped = raw[..open].eq_ignore_ascii_case("e");
            let inner_end = if token.terminated && raw.len() > open + 1 {
                raw.len() - 1
            } else {
                raw.len()
            };
            let start = token.range.start + open + 1;
            let inner = raw.get(open + 1..inner_end)?;
            let decoded = if inner.contains("''") || (escaped && inner.contains('\\')) {
                let mut s = inner.replace("''", "'");
                if escaped {
                    s = s.replace("\\'", "'").replace("\\\\", "\\");
                }
                Some(s)
            } else {
                None
            };
            Some((start..token.range.start + inner_end, decoded))
        }
        _ => None,
    }
}
