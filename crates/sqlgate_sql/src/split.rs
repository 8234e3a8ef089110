//! Statement splitter: turns a source section into statements with file-absolute byte ranges.
//!
//! It never loses a statement: every non-trivia token of the input belongs to exactly one
//! `RawStatement` (psql meta lines and COPY data included, with their own kinds).

use std::collections::VecDeque;
use std::ops::Range;

use crate::lexer::{Dialect, Lexer, Token, TokenKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawKind {
    /// An SQL statement.
    Sql,
    /// A psql meta-command line such as `\set ON_ERROR_STOP on`.
    PsqlMeta,
    /// The inline data after `COPY ... FROM stdin;`, up to and including the `\.` line.
    CopyData,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawStatement {
    pub kind: RawKind,
    /// From the first byte of the first non-comment token to the end of the last token
    /// before the terminating `;` (the `;` itself is not included). File-absolute.
    pub range: Range<usize>,
    /// The non-comment tokens of the statement, in order, excluding the terminating `;`.
    pub tokens: Vec<Token>,
    /// Whether a `;` (or the end of a meta line / COPY data) ended the statement.
    pub terminated: bool,
}

/// A lexical problem worth reporting (unterminated quote, dollar quote or comment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    /// File-absolute byte offset where the unterminated construct starts.
    pub offset: usize,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Split {
    pub statements: Vec<RawStatement>,
    pub errors: Vec<SplitError>,
    /// File-absolute ranges of the `--` and `/* */` comments between and inside statements
    /// (suppressions and rollback notes live there).
    pub comments: Vec<Range<usize>>,
}

/// Splits `text` (the section's text; its first byte is at file offset `base`).
///
/// Postgres follows psql's scanner: `;` ends a statement only at parenthesis depth 0 and
/// outside `BEGIN ATOMIC ... END` bodies of `CREATE [OR REPLACE] FUNCTION|PROCEDURE`; a
/// backslash where a statement would start is a psql meta line (to end of line, without the
/// line break); after a `COPY ... FROM stdin` statement's `;` the rest of that line is still
/// SQL, then the following lines up to and including a `\.` line are one `CopyData`
/// statement (a `CopyData` is always emitted after such a `COPY`, possibly with an empty
/// range at the end of the text when the text ends right there). ClickHouse has no meta
/// lines, COPY data or `BEGIN ATOMIC`.
///
/// Holds every statement's tokens at once: callers that go through the statements one by
/// one use [`statements`], which yields the same statements as it goes.
pub fn split(text: &str, base: usize, dialect: Dialect) -> Split {
    let mut stream = statements(text, base, dialect);
    let statements = stream.by_ref().collect();
    let (errors, comments) = stream.finish();
    Split {
        statements,
        errors,
        comments,
    }
}

/// The statements of `text`, as [`split`] finds them, one at a time: only the statement
/// being read is held (its tokens), so memory does not grow with the number of statements.
/// The lexical errors and comments are collected on the way: [`Statements::finish`].
pub fn statements(text: &str, base: usize, dialect: Dialect) -> Statements<'_> {
    Statements {
        s: Splitter {
            text,
            bytes: text.as_bytes(),
            base,
            pg: dialect == Dialect::Postgres,
            dialect,
            ready: VecDeque::new(),
            errors: Vec::new(),
            comments: Vec::new(),
            st: Stmt::default(),
            lexer: Lexer::new(text, base, dialect),
            line_limit: None,
            copies: 0,
            done: false,
        },
    }
}

/// Iterator over the statements of a section; see [`statements`].
pub struct Statements<'a> {
    s: Splitter<'a>,
}

impl Statements<'_> {
    /// Reads to the end and returns the lexical errors and the comments' ranges.
    pub fn finish(mut self) -> (Vec<SplitError>, Vec<Range<usize>>) {
        while !self.s.done {
            self.s.step();
        }
        (self.s.errors, self.s.comments)
    }
}

impl Iterator for Statements<'_> {
    type Item = RawStatement;

    fn next(&mut self) -> Option<RawStatement> {
        loop {
            if let Some(statement) = self.s.ready.pop_front() {
                return Some(statement);
            }
            if self.s.done {
                return None;
            }
            self.s.step();
        }
    }
}

struct Splitter<'a> {
    text: &'a str,
    bytes: &'a [u8],
    base: usize,
    pg: bool,
    dialect: Dialect,
    /// Statements found and not yet handed out.
    ready: VecDeque<RawStatement>,
    errors: Vec<SplitError>,
    comments: Vec<Range<usize>>,
    st: Stmt,
    lexer: Lexer<'a>,
    /// While `Some(l)`, the lexer only sees `text[..l]`: the rest of a `COPY ... FROM stdin;`
    /// line, after which `copies` blocks of COPY data follow.
    line_limit: Option<usize>,
    copies: usize,
    /// The whole text has been read.
    done: bool,
}

/// State of the statement being accumulated.
#[derive(Default)]
struct Stmt {
    tokens: Vec<Token>,
    paren: usize,
    /// psql's `begin_depth`: open `BEGIN ATOMIC` / nested `BEGIN` / `CASE` blocks.
    begin_depth: usize,
    word_count: usize,
    /// Codes of the first four words: c(reate) o(r) r(eplace) f(unction) p(rocedure).
    head: [u8; 4],
    /// The statement is `CREATE [OR REPLACE] FUNCTION|PROCEDURE`.
    routine: bool,
    /// The previous token was `BEGIN` at depth 0 of a routine (waiting for `ATOMIC`).
    pending_begin: bool,
    /// The first word is `COPY`.
    copy: bool,
    /// The previous token was `FROM` at parenthesis depth 0 of a COPY.
    after_from: bool,
    /// `COPY ... FROM STDIN` seen.
    from_stdin: bool,
}

/// Index of the `\n` ending the line containing `from`, or `bytes.len()`.
fn line_end(bytes: &[u8], from: usize) -> usize {
    match bytes
        .get(from..)
        .and_then(|r| r.iter().position(|&c| c == b'\n'))
    {
        Some(p) => from + p,
        None => bytes.len(),
    }
}

/// `end` with one trailing `\r` removed (if it is after `start`).
fn strip_cr(bytes: &[u8], start: usize, end: usize) -> usize {
    if end > start && bytes.get(end - 1) == Some(&b'\r') {
        end - 1
    } else {
        end
    }
}

fn word_code(w: &[u8]) -> u8 {
    if w.eq_ignore_ascii_case(b"create") {
        b'c'
    } else if w.eq_ignore_ascii_case(b"or") {
        b'o'
    } else if w.eq_ignore_ascii_case(b"replace") {
        b'r'
    } else if w.eq_ignore_ascii_case(b"function") {
        b'f'
    } else if w.eq_ignore_ascii_case(b"procedure") {
        b'p'
    } else {
        0
    }
}

impl<'a> Splitter<'a> {
    /// Reads one token (or one psql meta line, or the COPY data after a COPY line); sets
    /// `done` at the end of the text.
    fn step(&mut self) {
        let text = self.text;
        let dialect = self.dialect;
        if self.pg && self.st.tokens.is_empty() && self.lexer.skip_whitespace() == Some(b'\\') {
            let start = self.lexer.pos();
            let end = line_end(self.bytes, start).min(self.lexer.len());
            let end = strip_cr(self.bytes, start, end);
            let range = self.base + start..self.base + end;
            self.ready.push_back(RawStatement {
                kind: RawKind::PsqlMeta,
                range: range.clone(),
                tokens: vec![Token {
                    kind: TokenKind::Meta,
                    range,
                    terminated: true,
                }],
                terminated: true,
            });
            self.lexer.set_pos(end);
            return;
        }
        match self.lexer.next_token() {
            Some(tok) => {
                if self.feed(tok) {
                    self.copies += 1;
                    if self.line_limit.is_none() {
                        let pos = self.lexer.pos();
                        let l = line_end(self.bytes, pos);
                        self.lexer = Lexer::new(text.get(..l).unwrap_or(text), self.base, dialect);
                        self.lexer.set_pos(pos);
                        self.line_limit = Some(l);
                    }
                }
            }
            None => {
                let Some(l) = self.line_limit.take() else {
                    self.finish(false);
                    self.done = true;
                    return;
                };
                // A statement left open on the COPY line is cut off by the data.
                self.finish(false);
                let mut p = l;
                for _ in 0..std::mem::take(&mut self.copies) {
                    p = self.copy_data(p);
                }
                self.lexer = Lexer::new(text, self.base, dialect);
                self.lexer.set_pos(p);
            }
        }
    }

    /// Emits the COPY data starting on the line after `nl` (the `\n` ending the COPY line, or
    /// the end of the text) and returns the position where lexing resumes.
    fn copy_data(&mut self, nl: usize) -> usize {
        let len = self.bytes.len();
        let data = (nl + 1).min(len);
        let mut s = data;
        let (end, resume, terminated) = loop {
            if s >= len {
                break (len, len, false);
            }
            let e = line_end(self.bytes, s);
            let ce = strip_cr(self.bytes, s, e);
            if self.bytes.get(s..ce) == Some(b"\\.".as_slice()) {
                break (ce, e, true);
            }
            s = e + 1;
        };
        self.ready.push_back(RawStatement {
            kind: RawKind::CopyData,
            range: self.base + data..self.base + end,
            tokens: Vec::new(),
            terminated,
        });
        resume
    }

    /// The token's bytes.
    fn word(&self, tok: &Token) -> &'a [u8] {
        self.bytes
            .get(tok.range.start - self.base..tok.range.end - self.base)
            .unwrap_or(&[])
    }

    fn error(&mut self, tok: &Token) {
        let message = match tok.kind {
            TokenKind::String => "unterminated quoted string".to_string(),
            TokenKind::QuotedIdent => "unterminated quoted identifier".to_string(),
            TokenKind::BlockComment => "unterminated block comment".to_string(),
            TokenKind::DollarString => {
                let start = tok.range.start - self.base;
                let tag = self
                    .bytes
                    .get(start + 1..)
                    .and_then(|r| r.iter().position(|&c| c == b'$'))
                    .and_then(|p| self.text.get(start..start + p + 2))
                    .unwrap_or("$$");
                format!("unterminated dollar-quoted string {tag}")
            }
            _ => "unterminated token".to_string(),
        };
        self.errors.push(SplitError {
            offset: tok.range.start,
            message,
        });
    }

    /// Adds one token to the current statement. Returns true when it was the `;` ending a
    /// `COPY ... FROM stdin` statement.
    fn feed(&mut self, tok: Token) -> bool {
        if !tok.terminated {
            self.error(&tok);
        }
        if tok.is_trivia() {
            self.comments.push(tok.range);
            return false;
        }
        let pending_begin = std::mem::take(&mut self.st.pending_begin);
        let after_from = std::mem::take(&mut self.st.after_from);
        match tok.kind {
            TokenKind::Punct => match self.word(&tok) {
                b";" if self.st.paren == 0 && self.st.begin_depth == 0 => {
                    let copy = self.st.from_stdin;
                    self.finish(true);
                    return copy && self.pg;
                }
                b"(" => self.st.paren += 1,
                b")" => self.st.paren = self.st.paren.saturating_sub(1),
                _ => {}
            },
            TokenKind::Word if self.pg => self.pg_word(&tok, pending_begin, after_from),
            _ => {}
        }
        self.st.tokens.push(tok);
        false
    }

    fn pg_word(&mut self, tok: &Token, pending_begin: bool, after_from: bool) {
        let w = self.word(tok);
        let st = &mut self.st;
        let idx = st.word_count;
        st.word_count += 1;
        if idx < 4 {
            st.head[idx] = word_code(w);
            let h = st.head;
            st.routine = h[0] == b'c'
                && (matches!(h[1], b'f' | b'p')
                    || (h[1] == b'o' && h[2] == b'r' && matches!(h[3], b'f' | b'p')));
            if idx == 0 {
                st.copy = w.eq_ignore_ascii_case(b"copy");
            }
        }
        if st.routine && st.paren == 0 {
            if st.begin_depth == 0 {
                if w.eq_ignore_ascii_case(b"begin") {
                    st.pending_begin = true;
                } else if pending_begin && w.eq_ignore_ascii_case(b"atomic") {
                    st.begin_depth = 1;
                }
            } else if w.eq_ignore_ascii_case(b"begin") || w.eq_ignore_ascii_case(b"case") {
                st.begin_depth += 1;
            } else if w.eq_ignore_ascii_case(b"end") {
                st.begin_depth -= 1;
            }
        }
        if st.copy && st.paren == 0 {
            if after_from && w.eq_ignore_ascii_case(b"stdin") {
                st.from_stdin = true;
            }
            st.after_from = w.eq_ignore_ascii_case(b"from");
        }
    }

    /// Emits the current statement (if it has any token) and starts a new one.
    fn finish(&mut self, terminated: bool) {
        let st = std::mem::take(&mut self.st);
        // The next statement is likely of a similar size: one allocation for its tokens
        // rather than a chain of doublings.
        self.st.tokens = Vec::with_capacity(st.tokens.len().min(4096));
        if let (Some(first), Some(last)) = (st.tokens.first(), st.tokens.last()) {
            let range = first.range.start..last.range.end;
            self.ready.push_back(RawStatement {
                kind: RawKind::Sql,
                range,
                tokens: st.tokens,
                terminated,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stream yields a statement as soon as it ends, and `finish` still collects the
    /// errors and comments of what was not read.
    #[test]
    fn statements_come_one_at_a_time() {
        let text = "\\set x 1\nCOPY t FROM stdin; select 1;\na\n\\.\n-- c\nselect 'open";
        let mut stream = statements(text, 0, Dialect::Postgres);
        let first = stream.next().expect("a statement");
        assert_eq!(
            (first.kind, &text[first.range]),
            (RawKind::PsqlMeta, "\\set x 1")
        );
        // Nothing past the COPY line is read yet.
        let copy = stream.next().expect("a statement");
        assert_eq!(&text[copy.range], "COPY t FROM stdin");
        assert_eq!(stream.s.lexer.pos(), text.find("; select").unwrap() + 1);
        let (errors, comments) = stream.finish();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "unterminated quoted string");
        assert_eq!(comments.len(), 1);
        // The same as `split`.
        let all: Vec<RawKind> = statements(text, 0, Dialect::Postgres)
            .map(|s| s.kind)
            .collect();
        let split_kinds: Vec<RawKind> = split(text, 0, Dialect::Postgres)
            .statements
            .iter()
            .map(|s| s.kind)
            .collect();
        assert_eq!(all, split_kinds);
        assert_eq!(
            all,
            [
                RawKind::PsqlMeta,
                RawKind::Sql,
                RawKind::Sql,
                RawKind::CopyData,
                RawKind::Sql
            ]
        );
    }
}
