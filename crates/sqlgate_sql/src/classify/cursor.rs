//! The token cursor the classifier reads statements with: keyword and punctuation matching,
//! qualified names, balanced groups and top-level item lists.

use std::ops::Range;

use crate::lexer::{Dialect, Token, TokenKind};
use crate::model::Name;

#[derive(Clone, Copy)]
pub(super) struct Cursor<'a> {
    pub(super) tokens: &'a [Token],
    pub(super) text: &'a str,
    pub(super) dialect: Dialect,
    pub(super) pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn slice(&self, i: usize) -> &'a str {
        self.tokens
            .get(i)
            .and_then(|t| self.text.get(t.range.clone()))
            .unwrap_or("")
    }

    pub(super) fn word_at(&self, i: usize) -> Option<&'a str> {
        match self.tokens.get(i) {
            Some(t) if t.kind == TokenKind::Word => Some(self.slice(i)),
            _ => None,
        }
    }

    pub(super) fn is_at(&self, i: usize, keyword: &str) -> bool {
        self.word_at(i)
            .is_some_and(|w| w.eq_ignore_ascii_case(keyword))
    }

    pub(super) fn is(&self, keyword: &str) -> bool {
        self.is_at(self.pos, keyword)
    }

    pub(super) fn is_seq(&self, keywords: &[&str]) -> bool {
        keywords
            .iter()
            .enumerate()
            .all(|(k, kw)| self.is_at(self.pos + k, kw))
    }

    pub(super) fn eat(&mut self, keyword: &str) -> bool {
        let hit = self.is(keyword);
        if hit {
            self.pos += 1;
        }
        hit
    }

    pub(super) fn eat_seq(&mut self, keywords: &[&str]) -> bool {
        let hit = self.is_seq(keywords);
        if hit {
            self.pos += keywords.len();
        }
        hit
    }

    pub(super) fn punct_at(&self, i: usize, p: &str) -> bool {
        matches!(self.tokens.get(i), Some(t) if matches!(t.kind, TokenKind::Punct | TokenKind::Operator))
            && self.slice(i) == p
    }

    pub(super) fn eat_punct(&mut self, p: &str) -> bool {
        let hit = self.punct_at(self.pos, p);
        if hit {
            self.pos += 1;
        }
        hit
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    pub(super) fn ident_at(&self, i: usize) -> Option<String> {
        let t = self.tokens.get(i)?;
        let raw = self.slice(i);
        match t.kind {
            TokenKind::Word => Some(match self.dialect {
                Dialect::Postgres => raw.to_ascii_lowercase(),
                Dialect::ClickHouse => raw.to_string(),
            }),
            TokenKind::QuotedIdent => Some(unquote(raw)),
            _ => None,
        }
    }

    /// `ident ( . ident )*`, at most three parts; the last is the name, the one before it
    /// the schema.
    pub(super) fn name(&mut self) -> Option<Name> {
        let start = self.pos;
        // The last part read and the one before it (a third part's first is dropped): no
        // vector per name, as every name of every statement passes here.
        let mut name = self.ident_at(self.pos)?;
        let mut schema = None;
        self.pos += 1;
        for _ in 1..3 {
            if !self.punct_at(self.pos, ".") {
                break;
            }
            let Some(part) = self.ident_at(self.pos + 1) else {
                break;
            };
            schema = Some(std::mem::replace(&mut name, part));
            self.pos += 2;
        }
        let span = self.tokens[start].range.start..self.tokens[self.pos - 1].range.end;
        Some(Name { schema, name, span })
    }

    /// Skips a balanced parenthesised group if one starts here.
    pub(super) fn skip_parens(&mut self) {
        if !self.punct_at(self.pos, "(") {
            return;
        }
        let mut depth = 0usize;
        while !self.at_end() {
            if self.punct_at(self.pos, "(") {
                depth += 1;
            } else if self.punct_at(self.pos, ")") {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    self.pos += 1;
                    return;
                }
            }
            self.pos += 1;
        }
    }

    /// Index of the first word `keyword` at parenthesis depth 0 from the cursor on.
    pub(super) fn find_top_level(&self, keyword: &str) -> Option<usize> {
        let mut depth = 0usize;
        for i in self.pos..self.tokens.len() {
            if self.punct_at(i, "(") {
                depth += 1;
            } else if self.punct_at(i, ")") {
                depth = depth.saturating_sub(1);
            } else if depth == 0 && self.is_at(i, keyword) {
                return Some(i);
            }
        }
        None
    }

    /// Token index ranges of the comma-separated items from the cursor to the end.
    pub(super) fn top_level_items(&self) -> Vec<Range<usize>> {
        let mut items = Vec::new();
        let mut depth = 0usize;
        let mut start = self.pos;
        for i in self.pos..self.tokens.len() {
            if self.punct_at(i, "(") || self.punct_at(i, "[") {
                depth += 1;
            } else if self.punct_at(i, ")") || self.punct_at(i, "]") {
                depth = depth.saturating_sub(1);
            } else if depth == 0 && self.punct_at(i, ",") {
                items.push(start..i);
                start = i + 1;
            }
        }
        if start < self.tokens.len() {
            items.push(start..self.tokens.len());
        }
        items
    }

    pub(super) fn span_of(&self, items: &Range<usize>) -> Range<usize> {
        match (
            self.tokens.get(items.start),
            self.tokens.get(items.end.wrapping_sub(1)),
        ) {
            (Some(a), Some(b)) if items.end > items.start => a.range.start..b.range.end,
            _ => self.full_span(),
        }
    }

    fn full_span(&self) -> Range<usize> {
        match (self.tokens.first(), self.tokens.last()) {
            (Some(a), Some(b)) => a.range.start..b.range.end,
            _ => 0..0,
        }
    }

    /// A cursor over `items` (token indexes), clamped to the tokens; an empty one when the
    /// range is empty or reversed (an unclosed `(` that is the statement's last token).
    pub(super) fn restricted(&self, items: &Range<usize>) -> Cursor<'a> {
        let end = items.end.min(self.tokens.len());
        let start = items.start.min(end);
        Cursor {
            tokens: self.tokens.get(start..end).unwrap_or_default(),
            pos: 0,
            ..*self
        }
    }

    pub(super) fn upper_word(&self, i: usize) -> Option<String> {
        self.word_at(i).map(|w| w.to_ascii_uppercase())
    }
}

/// Removes the quotes of a quoted identifier and collapses doubled quote characters.
fn unquote(raw: &str) -> String {
    let mut chars = raw.chars();
    let Some(quote) = chars.next() else {
        return String::new();
    };
    let inner = chars.as_str();
    let inner = inner.strip_suffix(quote).unwrap_or(inner);
    // Most quoted names hold no quote: copied as they are, without a search for doubled ones.
    if !inner.contains(quote) {
        return inner.to_string();
    }
    let doubled: String = [quote, quote].iter().collect();
    inner.replace(&doubled, &quote.to_string())
}
