//! Tokenizer shared by the statement splitter and the token-level classifier.
//!
//! Every token carries a file-absolute byte range. The lexer never fails and never panics:
//! unterminated strings, quoted identifiers, dollar quotes and block comments run to the end
//! of the input and are marked `terminated: false`.

use std::ops::Range;

/// Defined with the shared vocabulary; the lexer is where it matters first.
pub use sqlgate_core::Dialect;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Keyword or unquoted identifier: `[A-Za-z_\u{80}-][A-Za-z0-9_$\u{80}-]*`.
    Word,
    /// `"ident"` (Postgres, ClickHouse) or `` `ident` `` (ClickHouse).
    QuotedIdent,
    /// `'...'`, `E'...'`, `B'...'`, `X'...'`, `U&'...'`, `N'...'`.
    String,
    /// `$tag$ ... $tag$` (Postgres).
    DollarString,
    Number,
    /// `$1`, `:name`, `?`.
    Param,
    /// `-- ...` up to (not including) the newline; also `#` comments in ClickHouse.
    LineComment,
    /// `/* ... */`, nested in Postgres.
    BlockComment,
    /// One punctuation character: `( ) , ; . [ ] :` and so on; `::` is a single Operator.
    Punct,
    /// Operator characters run together: `=`, `<>`, `::`, `||`, `->>` ...
    Operator,
    /// A psql meta-command line (`\set x 1`, `\connect db`), from the backslash to end of line.
    /// Only produced where a statement could start; see `split`.
    Meta,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    /// File-absolute byte range, whole token including quotes/delimiters.
    pub range: Range<usize>,
    /// False for unterminated strings, quoted identifiers, dollar quotes and block comments.
    pub terminated: bool,
}

impl Token {
    pub fn is_trivia(&self) -> bool {
        matches!(self.kind, TokenKind::LineComment | TokenKind::BlockComment)
    }
}

/// Tokenizes `text`, whose first byte sits at file offset `base`. Whitespace is skipped;
/// comments are returned as tokens. Never panics on any input.
///
/// A UTF-8 byte order mark at the very start of `text` is treated as whitespace.
pub fn tokenize(text: &str, base: usize, dialect: Dialect) -> Vec<Token> {
    Lexer::new(text, base, dialect).collect()
}

/// `text`'s tokens without its comments: what the classifier and the PL/pgSQL scanner read.
/// Straight from the lexer, without a list of every token first.
pub fn code_tokens(text: &str, base: usize, dialect: Dialect) -> Vec<Token> {
    Lexer::new(text, base, dialect)
        .filter(|t| !t.is_trivia())
        .collect()
}

/// Incremental tokenizer. Callers that need to skip raw regions (the splitter skips psql meta
/// lines and COPY data) read [`Lexer::pos`] and move the cursor with [`Lexer::set_pos`].
///
/// All offsets taken or returned by `pos`/`set_pos` are relative to the start of `text`;
/// token ranges are file-absolute (`base` added). Token boundaries always fall on `char`
/// boundaries of `text` as long as `set_pos` is only given char boundaries.
#[derive(Debug, Clone)]
pub struct Lexer<'a> {
    bytes: &'a [u8],
    base: usize,
    dialect: Dialect,
    pos: usize,
    /// End (relative) of the previous token if it can be followed by `.N` tuple/field access
    /// (word, quoted identifier, `)` or `]`), used so that `t.1` lexes as `t`, `.`, `1`.
    prev_ident_end: Option<usize>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

// Byte classes, one table lookup per byte: the lexer's loops over words and whitespace
// are where it spends most of its time (a long history is millions of bytes).
const IDENT_START: u8 = 1;
const IDENT_CONT: u8 = 2;
const TAG_CONT: u8 = 4;
const OP: u8 = 8;
const SPACE: u8 = 16;

const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let mut class = 0;
        // `[A-Za-z_\u{80}-]` starts a word; digits and `$` continue one (not a tag).
        if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            class |= IDENT_START | IDENT_CONT | TAG_CONT;
        }
        if c.is_ascii_digit() {
            class |= IDENT_CONT | TAG_CONT;
        }
        if c == b'$' {
            class |= IDENT_CONT;
        }
        if matches!(
            c,
            b'+' | b'-'
                | b'*'
                | b'/'
                | b'<'
                | b'>'
                | b'='
                | b'~'
                | b'!'
                | b'@'
                | b'#'
                | b'%'
                | b'^'
                | b'&'
                | b'|'
                | b'`'
                | b'?'
        ) {
            class |= OP;
        }
        if matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
            class |= SPACE;
        }
        table[b] = class;
        b += 1;
    }
    table
};

#[inline]
fn is(b: u8, class: u8) -> bool {
    CLASSES[usize::from(b)] & class != 0
}

#[inline]
fn is_ident_start(b: u8) -> bool {
    is(b, IDENT_START)
}

/// Characters allowed in a dollar-quote tag after the first (no `$`).
#[inline]
fn is_tag_cont(b: u8) -> bool {
    is(b, TAG_CONT)
}

#[inline]
fn is_op_char(b: u8) -> bool {
    is(b, OP)
}

/// The end of the run of bytes of `class` that starts at `from`.
#[inline]
fn run_end(bytes: &[u8], from: usize, class: u8) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| !is(b, class)))
        .map_or(bytes.len(), |p| from + p)
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str, base: usize, dialect: Dialect) -> Self {
        Lexer {
            bytes: text.as_bytes(),
            base,
            dialect,
            pos: 0,
            prev_ident_end: None,
        }
    }

    /// Current cursor, relative to the start of `text`.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Moves the cursor to `pos` (relative to `text`, clamped to its length). Should be a
    /// `char` boundary.
    pub fn set_pos(&mut self, pos: usize) {
        self.pos = pos.min(self.bytes.len());
        self.prev_ident_end = None;
    }

    /// Length of the text being lexed.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Skips whitespace (and a BOM at offset 0) and returns the next byte without consuming it.
    pub fn skip_whitespace(&mut self) -> Option<u8> {
        if self.pos == 0 && self.bytes.starts_with(BOM) {
            self.pos = BOM.len();
        }
        self.pos = run_end(self.bytes, self.pos, SPACE);
        self.bytes.get(self.pos).copied()
    }

    #[inline]
    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    fn tok(&self, kind: TokenKind, start: usize, end: usize, terminated: bool) -> Token {
        Token {
            kind,
            range: self.base + start..self.base + end,
            terminated,
        }
    }

    /// Does a comment start at `i`?
    fn comment_at(&self, i: usize) -> bool {
        let b = self.at(i);
        let n = self.at(i + 1);
        (b == b'-' && n == b'-')
            || (b == b'/' && n == b'*')
            || (self.dialect == Dialect::ClickHouse && b == b'#' && (n == b' ' || n == b'!'))
    }

    /// Returns the next token, or `None` at the end of the input.
    pub fn next_token(&mut self) -> Option<Token> {
        let b = self.skip_whitespace()?;
        let start = self.pos;
        let tok = self.lex_at(b, start);
        self.pos = tok.range.end - self.base;
        self.prev_ident_end = match tok.kind {
            TokenKind::Word | TokenKind::QuotedIdent => Some(self.pos),
            TokenKind::Punct if matches!(b, b')' | b']') => Some(self.pos),
            _ => None,
        };
        Some(tok)
    }

    fn lex_at(&self, b: u8, start: usize) -> Token {
        let n = self.at(start + 1);
        let pg = self.dialect == Dialect::Postgres;
        match b {
            b'-' if n == b'-' => self.line_comment(start),
            b'#' if !pg && (n == b' ' || n == b'!') => self.line_comment(start),
            b'/' if n == b'*' => self.block_comment(start),
            b'\'' => {
                let backslash = !pg;
                self.quoted(start, start + 1, b'\'', backslash, TokenKind::String)
            }
            b'"' => self.quoted(start, start + 1, b'"', !pg, TokenKind::QuotedIdent),
            b'`' if !pg => self.quoted(start, start + 1, b'`', true, TokenKind::QuotedIdent),
            b'$' => self.dollar(start),
            b'0'..=b'9' => self.number(start),
            b'.' if n.is_ascii_digit() && self.prev_ident_end != Some(start) => self.number(start),
            b':' if n == b':' => self.tok(TokenKind::Operator, start, start + 2, true),
            _ if pg && matches!(b, b'e' | b'E') && n == b'\'' => {
                self.quoted(start, start + 2, b'\'', true, TokenKind::String)
            }
            _ if pg && matches!(b, b'b' | b'B' | b'x' | b'X' | b'n' | b'N') && n == b'\'' => {
                self.quoted(start, start + 2, b'\'', false, TokenKind::String)
            }
            _ if pg && matches!(b, b'u' | b'U') && n == b'&' && self.at(start + 2) == b'\'' => {
                self.quoted(start, start + 3, b'\'', false, TokenKind::String)
            }
            _ if pg && matches!(b, b'u' | b'U') && n == b'&' && self.at(start + 2) == b'"' => {
                self.quoted(start, start + 3, b'"', false, TokenKind::QuotedIdent)
            }
            _ if is_ident_start(b) => {
                let end = run_end(self.bytes, start + 1, IDENT_CONT);
                self.tok(TokenKind::Word, start, end, true)
            }
            _ if is_op_char(b) => {
                let mut i = start + 1;
                while i < self.bytes.len() && is_op_char(self.bytes[i]) && !self.comment_at(i) {
                    i += 1;
                }
                self.tok(TokenKind::Operator, start, i, true)
            }
            // Everything else, including `( ) , ; . [ ] : \ { }` and control characters, is
            // a single ASCII byte (non-ASCII bytes start words above).
            _ => self.tok(TokenKind::Punct, start, start + 1, true),
        }
    }

    fn line_comment(&self, start: usize) -> Token {
        let rest = &self.bytes[start..];
        let mut end = match memchr::memchr(b'\n', rest) {
            Some(p) => start + p,
            None => self.bytes.len(),
        };
        if end > start + 1 && self.bytes[end - 1] == b'\r' {
            end -= 1;
        }
        self.tok(TokenKind::LineComment, start, end, true)
    }

    fn block_comment(&self, start: usize) -> Token {
        let nested = self.dialect == Dialect::Postgres;
        let mut depth = 1usize;
        let mut i = start + 2;
        let len = self.bytes.len();
        while i < len {
            // Only `*` and `/` matter inside a comment.
            match memchr::memchr2(b'*', b'/', &self.bytes[i..]) {
                Some(p) => i += p,
                None => break,
            }
            let c = self.bytes[i];
            if c == b'*' && self.at(i + 1) == b'/' {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return self.tok(TokenKind::BlockComment, start, i, true);
                }
            } else if nested && c == b'/' && self.at(i + 1) == b'*' {
                depth += 1;
                i += 2;
            } else {
                i += 1;
            }
        }
        self.tok(TokenKind::BlockComment, start, len, false)
    }

    /// A quoted construct whose body starts at `body`, closed by `quote`; a doubled quote is
    /// an escaped quote, and with `backslash` a backslash escapes the next byte.
    fn quoted(
        &self,
        start: usize,
        body: usize,
        quote: u8,
        backslash: bool,
        kind: TokenKind,
    ) -> Token {
        let len = self.bytes.len();
        let mut i = body;
        while i < len {
            // Only the quote and (with `backslash`) the backslash matter inside.
            let next = match backslash {
                true => memchr::memchr2(quote, b'\\', &self.bytes[i..]),
                false => memchr::memchr(quote, &self.bytes[i..]),
            };
            match next {
                Some(p) => i += p,
                None => break,
            }
            let c = self.bytes[i];
            if c == quote {
                if self.at(i + 1) == quote && i + 1 < len {
                    i += 2;
                } else {
                    return self.tok(kind, start, i + 1, true);
                }
            } else if backslash && c == b'\\' {
                // Skip the escaped byte; if it is the lead byte of a multi-byte character the
                // continuation bytes are never quotes or backslashes, so this stays safe.
                i += 2;
            } else {
                i += 1;
            }
        }
        self.tok(kind, start, len, false)
    }

    fn dollar(&self, start: usize) -> Token {
        let len = self.bytes.len();
        let n = self.at(start + 1);
        if n.is_ascii_digit() {
            let mut i = start + 1;
            while i < len && self.bytes[i].is_ascii_digit() {
                i += 1;
            }
            return self.tok(TokenKind::Param, start, i, true);
        }
        // Opening delimiter `$tag$` (tag possibly empty).
        let mut i = start + 1;
        if i < len && is_ident_start(self.bytes[i]) {
            i += 1;
            while i < len && is_tag_cont(self.bytes[i]) {
                i += 1;
            }
        }
        if self.at(i) != b'$' || i >= len {
            return self.tok(TokenKind::Punct, start, start + 1, true);
        }
        let delim = &self.bytes[start..=i];
        let mut j = i + 1;
        while j < len {
            match memchr::memchr(b'$', &self.bytes[j..]) {
                None => break,
                Some(p) => {
                    j += p;
                    if self.bytes[j..].starts_with(delim) {
                        return self.tok(TokenKind::DollarString, start, j + delim.len(), true);
                    }
                    j += 1;
                }
            }
        }
        self.tok(TokenKind::DollarString, start, len, false)
    }

    fn number(&self, start: usize) -> Token {
        let len = self.bytes.len();
        let b = self.bytes;
        let mut i = start;
        // 0x1F, 0o17, 0b101 (Postgres 16+, ClickHouse).
        if b[i] == b'0'
            && matches!(self.at(i + 1), b'x' | b'X' | b'o' | b'O' | b'b' | b'B')
            && self.at(i + 2).is_ascii_hexdigit()
        {
            i += 2;
            while i < len && (b[i].is_ascii_hexdigit() || b[i] == b'_') {
                i += 1;
            }
            return self.tok(TokenKind::Number, start, i, true);
        }
        while i < len && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
        // `1.5`, `1.`, `.5`; but `1..2` is `1` followed by `..`.
        if self.at(i) == b'.' && self.at(i + 1) != b'.' {
            i += 1;
            while i < len && (b[i].is_ascii_digit() || b[i] == b'_') {
                i += 1;
            }
        }
        if matches!(self.at(i), b'e' | b'E') {
            let mut k = i + 1;
            if matches!(self.at(k), b'+' | b'-') {
                k += 1;
            }
            if self.at(k).is_ascii_digit() {
                i = k;
                while i < len && b[i].is_ascii_digit() {
                    i += 1;
                }
            }
        }
        self.tok(TokenKind::Number, start, i, true)
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        self.next_token()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind::*;

    fn kinds(text: &str, dialect: Dialect) -> Vec<(TokenKind, &str, bool)> {
        tokenize(text, 0, dialect)
            .into_iter()
            .map(|t| (t.kind, &text[t.range], t.terminated))
            .collect()
    }

    #[test]
    fn postgres_tokens() {
        let text = "SELECT a.b::int, 1.5e3, .5, 1., 0x1F, $1, x$y, E'\\'' , U&\"i\" <> 'q''r' --c\n/* /* */ */ ?|@ -> f(:n) [1]";
        assert_eq!(
            kinds(text, Dialect::Postgres),
            vec![
                (Word, "SELECT", true),
                (Word, "a", true),
                (Punct, ".", true),
                (Word, "b", true),
                (Operator, "::", true),
                (Word, "int", true),
                (Punct, ",", true),
                (Number, "1.5e3", true),
                (Punct, ",", true),
                (Number, ".5", true),
                (Punct, ",", true),
                (Number, "1.", true),
                (Punct, ",", true),
                (Number, "0x1F", true),
                (Punct, ",", true),
                (Param, "$1", true),
                (Punct, ",", true),
                (Word, "x$y", true),
                (Punct, ",", true),
                (String, "E'\\''", true),
                (Punct, ",", true),
                (QuotedIdent, "U&\"i\"", true),
                (Operator, "<>", true),
                (String, "'q''r'", true),
                (LineComment, "--c", true),
                (BlockComment, "/* /* */ */", true),
                (Operator, "?|@", true),
                (Operator, "->", true),
                (Word, "f", true),
                (Punct, "(", true),
                (Punct, ":", true),
                (Word, "n", true),
                (Punct, ")", true),
                (Punct, "[", true),
                (Number, "1", true),
                (Punct, "]", true),
            ]
        );
    }

    #[test]
    fn operators_stop_before_comments() {
        assert_eq!(
            kinds("a=--x\nb*/*y*/c", Dialect::Postgres),
            vec![
                (Word, "a", true),
                (Operator, "=", true),
                (LineComment, "--x", true),
                (Word, "b", true),
                (Operator, "*", true),
                (BlockComment, "/*y*/", true),
                (Word, "c", true),
            ]
        );
    }

    #[test]
    fn dollar_quotes_and_params() {
        assert_eq!(
            kinds("$a$ $b$ $a$ $$x$$ $1 $ $ab", Dialect::Postgres),
            vec![
                (DollarString, "$a$ $b$ $a$", true),
                (DollarString, "$$x$$", true),
                (Param, "$1", true),
                (Punct, "$", true),
                (Punct, "$", true),
                (Word, "ab", true),
            ]
        );
        assert_eq!(
            kinds("$fn$ x", Dialect::Postgres),
            vec![(DollarString, "$fn$ x", false)]
        );
    }

    #[test]
    fn clickhouse_tokens() {
        assert_eq!(
            kinds(
                "SELECT `a``b`, \"c\\\"d\", 'e\\'f''g', t.1 # c\n#!x\n-- y\n/* /* */ a#b",
                Dialect::ClickHouse
            ),
            vec![
                (Word, "SELECT", true),
                (QuotedIdent, "`a``b`", true),
                (Punct, ",", true),
                (QuotedIdent, "\"c\\\"d\"", true),
                (Punct, ",", true),
                (String, "'e\\'f''g'", true),
                (Punct, ",", true),
                (Word, "t", true),
                (Punct, ".", true),
                (Number, "1", true),
                (LineComment, "# c", true),
                (LineComment, "#!x", true),
                (LineComment, "-- y", true),
                (BlockComment, "/* /* */", true),
                (Word, "a", true),
                (Operator, "#", true),
                (Word, "b", true),
            ]
        );
    }

    #[test]
    fn base_bom_and_crlf() {
        let toks = tokenize("\u{feff}a -- c\r\nb", 10, Dialect::Postgres);
        let ranges: Vec<_> = toks.iter().map(|t| t.range.clone()).collect();
        assert_eq!(ranges, vec![13..14, 15..19, 21..22]);
    }

    #[test]
    fn restart_at_offset() {
        let text = "abc 'x' def";
        let mut lx = Lexer::new(text, 5, Dialect::Postgres);
        lx.set_pos(4);
        assert_eq!(lx.next_token().map(|t| t.range), Some(9..12));
        assert_eq!(lx.pos(), 7);
        lx.set_pos(100);
        assert_eq!(lx.next_token(), None);
    }

    #[test]
    fn byte_classes_are_the_documented_sets() {
        for b in 0..=255u8 {
            let start = matches!(b, b'A'..=b'Z' | b'a'..=b'z' | b'_' | 0x80..=0xff);
            assert_eq!(is_ident_start(b), start, "{b:#x}");
            assert_eq!(is(b, IDENT_CONT), start || b.is_ascii_digit() || b == b'$');
            assert_eq!(is_tag_cont(b), start || b.is_ascii_digit(), "{b:#x}");
            assert_eq!(is(b, SPACE), b" \t\n\r\x0b\x0c".contains(&b), "{b:#x}");
            assert_eq!(is_op_char(b), b"+-*/<>=~!@#%^&|`?".contains(&b), "{b:#x}");
        }
    }

    #[test]
    fn never_panics_on_garbage() {
        // Deterministic pseudo-random inputs built from tricky fragments.
        let frags = [
            "'", "\"", "`", "$", "$a", "$$", "E'", "e", "\\", "--", "/*", "*/", "#", "# ", "#!",
            "é", "日", "\u{feff}", ";", "(", ")", "::", ".", "1", "e", "\r\n", "\n", " ", "U&",
            "''", "x", "0x", "1.", "?",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            let mut s = std::string::String::new();
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let n = (seed >> 59) as usize + 1;
            for _ in 0..n {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                s.push_str(frags[(seed >> 33) as usize % frags.len()]);
            }
            for dialect in [Dialect::Postgres, Dialect::ClickHouse] {
                let mut prev = 0;
                for t in tokenize(&s, 0, dialect) {
                    assert!(
                        t.range.start >= prev && t.range.start < t.range.end,
                        "{s:?}"
                    );
                    assert!(s.is_char_boundary(t.range.start), "{s:?}");
                    assert!(s.is_char_boundary(t.range.end), "{s:?}");
                    prev = t.range.end;
                }
                assert!(prev <= s.len());
                let _ = crate::split::split(&s, 3, dialect);
            }
        }
    }
}
