//! What a PL/pgSQL `EXECUTE` runs, read from its expression: one string literal; the literals
//! of `||`, `concat()` and a `format()` whose format is a literal, joined with a placeholder
//! for each part only known at run time; or a local variable assigned such text. Whatever
//! else is executed cannot be read before it runs.

use std::collections::HashMap;
use std::ops::Range;

use crate::classify::string_contents;
use crate::lexer::{code_tokens, Dialect, Token, TokenKind};

/// Stands for each part of built SQL that is only known at run time (`%I`, `%s`, a
/// concatenated variable): a word, so `DROP TABLE __dynamic__` is still a `DROP TABLE`.
pub(crate) const PLACEHOLDER: &str = "__dynamic__";

/// How deep `format()`, `concat()` and parentheses are followed inside each other.
const MAX_NESTING: usize = 8;

/// A variable assigned in more places than this is not followed (it cannot be read).
const MAX_VALUES: usize = 16;

/// What each variable executed in a body runs, worked out once per body.
#[derive(Debug, Default)]
pub(super) struct Variables(HashMap<String, Command>);

/// What an `EXECUTE` runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Command {
    /// One string literal (the index of its token): read in place.
    Literal(usize),
    /// Text built from literals and placeholders: one per value the expression can have (a
    /// variable assigned in several places has several). `unreadable` when some part is
    /// not known (nothing at all, or a placeholder where a statement's keyword goes).
    Built {
        texts: Vec<String>,
        unreadable: bool,
        /// The variable executed, when it is one (as the server folds it).
        variable: Option<String>,
    },
}

/// The non-comment tokens of procedural code and the text their ranges index.
#[derive(Clone, Copy)]
pub(super) struct Code<'a> {
    pub(super) tokens: &'a [Token],
    pub(super) text: &'a str,
}

impl<'a> Code<'a> {
    fn slice(&self, i: usize) -> &'a str {
        self.tokens
            .get(i)
            .and_then(|t| self.text.get(t.range.clone()))
            .unwrap_or("")
    }

    fn kind(&self, i: usize) -> Option<TokenKind> {
        self.tokens.get(i).map(|t| t.kind)
    }

    fn is_word(&self, i: usize, word: &str) -> bool {
        self.kind(i) == Some(TokenKind::Word) && self.slice(i).eq_ignore_ascii_case(word)
    }

    fn is_punct(&self, i: usize, p: &str) -> bool {
        matches!(self.kind(i), Some(TokenKind::Punct | TokenKind::Operator)) && self.slice(i) == p
    }

    /// `:=` (a `:` then `=`) or `=` at token `i`: the tokens it takes.
    fn assignment_at(&self, i: usize) -> Option<usize> {
        if self.is_punct(i, ":") && self.is_punct(i + 1, "=") {
            Some(2)
        } else if self.is_punct(i, "=") {
            Some(1)
        } else {
            None
        }
    }

    /// An identifier as the server folds it (unquoted: lower case).
    fn ident(&self, i: usize) -> Option<String> {
        let raw = self.slice(i);
        match self.kind(i)? {
            TokenKind::Word => Some(raw.to_ascii_lowercase()),
            TokenKind::QuotedIdent => {
                let inner = raw.strip_prefix('"').unwrap_or(raw);
                let inner = inner.strip_suffix('"').unwrap_or(inner);
                Some(inner.replace("\"\"", "\""))
            }
            _ => None,
        }
    }

    /// The value of a string literal token.
    fn string(&self, i: usize) -> Option<String> {
        let token = self.tokens.get(i)?;
        let (inner, decoded) = string_contents(self.text, token)?;
        decoded.or_else(|| self.text.get(inner).map(str::to_string))
    }

    fn is_string(&self, i: usize) -> bool {
        matches!(
            self.kind(i),
            Some(TokenKind::String | TokenKind::DollarString)
        )
    }

    /// The index of the `)` closing the `(` at `open`.
    fn closing(&self, open: usize, end: usize) -> Option<usize> {
        let mut depth = 0usize;
        for i in open..end {
            if self.is_punct(i, "(") {
                depth += 1;
            } else if self.is_punct(i, ")") {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
        }
        None
    }

    /// Token ranges of the parts of `range` between top-level `separator`s.
    fn split(&self, range: Range<usize>, separator: &str) -> Vec<Range<usize>> {
        let mut parts = Vec::new();
        let mut depth = 0usize;
        let mut start = range.start;
        for i in range.clone() {
            if self.is_punct(i, "(") || self.is_punct(i, "[") {
                depth += 1;
            } else if self.is_punct(i, ")") || self.is_punct(i, "]") {
                depth = depth.saturating_sub(1);
            } else if depth == 0 && self.is_punct(i, separator) {
                parts.push(start..i);
                start = i + 1;
            }
        }
        parts.push(start..range.end);
        parts
    }

    /// The end of a statement starting at `from`: its top-level `;`, or the end.
    pub(super) fn statement_end(&self, from: usize) -> usize {
        let mut depth = 0usize;
        (from..self.tokens.len())
            .find(|&i| {
                if self.is_punct(i, "(") {
                    depth += 1;
                } else if self.is_punct(i, ")") {
                    depth = depth.saturating_sub(1);
                } else if depth == 0 && self.is_punct(i, ";") {
                    return true;
                }
                false
            })
            .unwrap_or(self.tokens.len())
    }

    /// Where the expression of an `EXECUTE` starting at `from` ends: at its top-level
    /// `INTO` or `USING`, the `LOOP` of `FOR ... IN EXECUTE`, or the statement's end.
    pub(super) fn expression_end(&self, from: usize, end: usize) -> usize {
        let mut depth = 0usize;
        (from..end)
            .find(|&i| {
                if self.is_punct(i, "(") {
                    depth += 1;
                } else if self.is_punct(i, ")") {
                    depth = depth.saturating_sub(1);
                } else if depth == 0 {
                    return ["into", "using", "loop"].iter().any(|w| self.is_word(i, w));
                }
                false
            })
            .unwrap_or(end)
    }
}

/// Text built from an expression: its literal parts, and a placeholder for each other part.
struct Built {
    text: String,
    /// Some part of it is only known at run time.
    placeholders: bool,
}

impl Built {
    fn literal(text: String) -> Built {
        Built {
            text,
            placeholders: false,
        }
    }

    fn unknown() -> Built {
        Built {
            text: PLACEHOLDER.to_string(),
            placeholders: true,
        }
    }
}

/// What the `EXECUTE` whose expression is `expression` (token indexes of `code`) runs.
pub(super) fn command(code: &Code, expression: Range<usize>, variables: &mut Variables) -> Command {
    let parts = expression.clone();
    if parts.is_empty() {
        return unreadable(None);
    }
    if let Some(literal) = literal_token(code, parts.clone()) {
        return Command::Literal(literal);
    }
    if let Some(variable) = variable(code, parts.clone()) {
        let Some(name) = code.ident(variable) else {
            return unreadable(None);
        };
        if let Some(known) = variables.0.get(&name) {
            return known.clone();
        }
        let values = assignments(code, &name).map(|ranges| {
            ranges
                .into_iter()
                .map(|range| build(code, range, 0))
                .collect::<Vec<_>>()
        });
        let command = match values {
            Some(values) if !values.is_empty() && values.len() <= MAX_VALUES => {
                built(values, Some(name.clone()))
            }
            _ => unreadable(Some(name.clone())),
        };
        variables.0.insert(name, command.clone());
        return command;
    }
    built(vec![build(code, parts, 0)], None)
}

fn unreadable(variable: Option<String>) -> Command {
    Command::Built {
        texts: Vec::new(),
        unreadable: true,
        variable,
    }
}

fn built(values: Vec<Built>, variable: Option<String>) -> Command {
    let unreadable = values
        .iter()
        .any(|v| v.placeholders && hides_a_keyword(&v.text));
    Command::Built {
        texts: values.into_iter().map(|v| v.text).collect(),
        unreadable,
        variable,
    }
}

/// A string literal, alone or cast (`'...'::text`).
fn literal_token(code: &Code, range: Range<usize>) -> Option<usize> {
    (code.is_string(range.start) && is_cast(code, range.start + 1..range.end))
        .then_some(range.start)
}

/// A variable, alone or cast (`sql::text`).
fn variable(code: &Code, range: Range<usize>) -> Option<usize> {
    (matches!(
        code.kind(range.start),
        Some(TokenKind::Word | TokenKind::QuotedIdent)
    ) && is_cast(code, range.start + 1..range.end))
    .then_some(range.start)
}

/// Nothing, or `::type` casts.
fn is_cast(code: &Code, range: Range<usize>) -> bool {
    let mut i = range.start;
    while i < range.end {
        if !(code.is_punct(i, "::") && code.kind(i + 1) == Some(TokenKind::Word)) {
            return false;
        }
        i += 2;
    }
    true
}

/// The text an expression builds: `'a' || b || format('%I', c) || concat(d, 'e')`.
fn build(code: &Code, range: Range<usize>, nesting: usize) -> Built {
    let mut out = Built::literal(String::new());
    for part in code.split(range, "||") {
        let value = operand(code, part, nesting);
        out.text.push_str(&value.text);
        out.placeholders |= value.placeholders;
    }
    out
}

fn operand(code: &Code, range: Range<usize>, nesting: usize) -> Built {
    if range.is_empty() || nesting > MAX_NESTING {
        return Built::unknown();
    }
    if let Some(i) = literal_token(code, range.clone()) {
        return code.string(i).map_or_else(Built::unknown, Built::literal);
    }
    if code.kind(range.start) == Some(TokenKind::Number) && range.len() == 1 {
        return Built::literal(code.slice(range.start).to_string());
    }
    // `( expr )`, possibly cast.
    if code.is_punct(range.start, "(") {
        if let Some(close) = code.closing(range.start, range.end) {
            if is_cast(code, close + 1..range.end) {
                return build(code, range.start + 1..close, nesting + 1);
            }
        }
        return Built::unknown();
    }
    // `[pg_catalog.]format(...)` or `concat(...)`, possibly cast.
    let mut name = range.start;
    if code.is_word(name, "pg_catalog") && code.is_punct(name + 1, ".") {
        name += 2;
    }
    let open = name + 1;
    let Some(close) = code
        .is_punct(open, "(")
        .then(|| code.closing(open, range.end))
        .flatten()
        .filter(|&close| is_cast(code, close + 1..range.end))
    else {
        return Built::unknown();
    };
    let arguments = code.split(open + 1..close, ",");
    if code.is_word(name, "format") {
        format(code, &arguments, nesting + 1)
    } else if code.is_word(name, "concat") {
        let mut out = Built::literal(String::new());
        for argument in arguments {
            let value = build(code, argument, nesting + 1);
            out.text.push_str(&value.text);
            out.placeholders |= value.placeholders;
        }
        out
    } else {
        Built::unknown()
    }
}

/// `format(fmt, args...)` with a literal `fmt`: `%s`, `%I` and `%L` (with positions, flags
/// and widths) take their argument's text when it is a literal, else a placeholder.
fn format(code: &Code, arguments: &[Range<usize>], nesting: usize) -> Built {
    let Some(first) = arguments.first() else {
        return Built::unknown();
    };
    let template = build(code, first.clone(), nesting);
    if template.placeholders {
        return Built::unknown();
    }
    let values: Vec<Built> = arguments[1..]
        .iter()
        .map(|a| build(code, a.clone(), nesting))
        .collect();
    let mut out = Built::literal(String::new());
    let mut chars = template.text.chars().peekable();
    let mut next = 0usize;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.text.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.text.push('%');
            continue;
        }
        // `%[position$][flags][width]type`; a width may itself be `*` or `*n$`.
        let mut spec = String::new();
        let mut kind = None;
        for c in chars.by_ref() {
            if matches!(c, 's' | 'I' | 'L') {
                kind = Some(c);
                break;
            }
            if !(c.is_ascii_digit() || matches!(c, '$' | '-' | '*')) {
                break;
            }
            spec.push(c);
        }
        let Some(kind) = kind else {
            // Not a valid specifier: format() fails at run time.
            return Built::unknown();
        };
        let index = match spec.split_once('$') {
            Some((position, _)) if !position.starts_with('*') => match position.parse::<usize>() {
                Ok(p) if p >= 1 => p - 1,
                _ => return Built::unknown(),
            },
            _ => {
                // Each `*` width takes an argument of its own.
                next += spec.matches('*').count();
                next
            }
        };
        next = index + 1;
        let value = values.get(index);
        let text = match (kind, value) {
            (_, Some(v)) if v.placeholders => {
                out.placeholders = true;
                match kind {
                    'L' => format!("'{PLACEHOLDER}'"),
                    _ => v.text.clone(),
                }
            }
            ('I', Some(v)) => quote_ident(&v.text),
            ('L', Some(v)) => format!("'{}'", v.text.replace('\'', "''")),
            (_, Some(v)) => v.text.clone(),
            (_, None) => return Built::unknown(),
        };
        out.text.push_str(&text);
    }
    out
}

/// `quote_ident`: as is when it needs no quotes.
fn quote_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// The value expressions assigned to the local variable `name` in the code (`name := ...`,
/// `name = ...`, a `DECLARE name type := | = | DEFAULT ...`), when they are all its writes:
/// `None` when it is not declared in this code (a parameter, say), or is also written by
/// `SELECT ... INTO`, `FOR name IN`, `GET DIAGNOSTICS` or in any other way not read here.
fn assignments(code: &Code, name: &str) -> Option<Vec<Range<usize>>> {
    let mut values = Vec::new();
    let mut declared = false;
    let mut in_declare = false;
    let mut at_start = true;
    let mut statement = 0usize;
    let is_name = |i: usize| code.ident(i).is_some_and(|n| n == name);
    let mut i = 0;
    while i < code.tokens.len() {
        if is_name(i) {
            if at_start {
                let end = code.statement_end(i);
                if let Some(width) = code.assignment_at(i + 1) {
                    values.push(i + 1 + width..end);
                } else if in_declare {
                    // `name [CONSTANT] type [NOT NULL] [{:= | = | DEFAULT} value]`.
                    declared = true;
                    let value = (i + 1..end).find_map(|k| {
                        code.assignment_at(k)
                            .map(|w| k + w)
                            .or_else(|| code.is_word(k, "default").then_some(k + 1))
                    });
                    values.extend(value.map(|v| v..end));
                } else {
                    // `name.field := ...`, `name[1] := ...`: written in parts.
                    return None;
                }
                i = end;
                continue;
            }
            if is_written(code, i, statement) {
                // `SELECT <one expression> INTO name ...`: that expression is the value (per
                // row, so its literal parts are what every run executes).
                match select_into_value(code, i, statement) {
                    Some(value) => values.push(value),
                    None => return None,
                }
            }
        }
        let word = code.kind(i) == Some(TokenKind::Word);
        if word && code.is_word(i, "declare") {
            in_declare = true;
        } else if word && code.is_word(i, "begin") {
            in_declare = false;
        }
        at_start = code.is_punct(i, ";")
            || code.is_punct(i, ">>")
            || ["then", "else", "loop", "begin", "declare"]
                .iter()
                .any(|w| code.is_word(i, w));
        if at_start {
            statement = i + 1;
        }
        i += 1;
    }
    declared.then_some(values)
}

/// The expression `SELECT expr INTO name` gives the variable at token `i`, when the
/// statement starting at `statement` is exactly that: one expression, one target.
fn select_into_value(code: &Code, i: usize, statement: usize) -> Option<Range<usize>> {
    let mut into = i.checked_sub(1)?;
    if code.is_word(into, "strict") {
        into = into.checked_sub(1)?;
    }
    if !code.is_word(statement, "select")
        || !code.is_word(into, "into")
        || code.is_punct(i + 1, ",")
        || code.is_punct(i + 1, ".")
        || code.is_punct(i + 1, "[")
    {
        return None;
    }
    let value = statement + 1..into;
    (!value.is_empty() && code.split(value.clone(), ",").len() == 1).then_some(value)
}

/// Whether the variable at token `i` (not at a statement's start) is written there: a target
/// of `INTO [STRICT] a, b`, of `FOR name IN`, or of `GET DIAGNOSTICS name = ...`.
fn is_written(code: &Code, i: usize, statement: usize) -> bool {
    let mut before = i;
    // Back over `a, b, ` of a target list.
    while before >= 2 && code.is_punct(before - 1, ",") && code.ident(before - 2).is_some() {
        before -= 2;
    }
    let previous = before.checked_sub(1);
    let after_into = previous.is_some_and(|p| code.is_word(p, "into") || code.is_word(p, "strict"));
    let loop_variable = previous.is_some_and(|p| code.is_word(p, "for"));
    let diagnostics = code.is_word(statement, "get") && code.assignment_at(i + 1).is_some();
    after_into || loop_variable || diagnostics
}

/// Whether a placeholder stands where a keyword decides what a statement of `text` does: its
/// first word, the object type after `DROP`/`CREATE [OR REPLACE]`/`ALTER`, or the start of an
/// `ALTER TABLE` action.
fn hides_a_keyword(text: &str) -> bool {
    let tokens = code_tokens(text, 0, Dialect::Postgres);
    let code = Code {
        tokens: &tokens,
        text,
    };
    let computed = |i: usize| {
        matches!(code.kind(i), Some(TokenKind::Word | TokenKind::QuotedIdent))
            && code.slice(i).contains(PLACEHOLDER)
    };
    let mut start = 0;
    while start < tokens.len() {
        let end = code.statement_end(start);
        if end > start {
            if computed(start) {
                return true;
            }
            let mut object = start + 1;
            if code.is_word(start, "create") && code.is_word(object, "or") {
                object += 2;
            }
            let decides_object = ["drop", "create", "alter"]
                .iter()
                .any(|w| code.is_word(start, w));
            if decides_object && computed(object) {
                return true;
            }
            if code.is_word(start, "alter") && code.is_word(start + 1, "table") {
                let mut i = start + 2;
                for skip in ["if", "exists", "only"] {
                    if code.is_word(i, skip) {
                        i += 1;
                    }
                }
                // The table's name: `a`, `a.b`, `a.b.c`, then an optional `*`.
                i += 1;
                while code.is_punct(i, ".") {
                    i += 2;
                }
                if code.is_punct(i, "*") {
                    i += 1;
                }
                if i < end && code.split(i..end, ",").iter().any(|a| computed(a.start)) {
                    return true;
                }
            }
        }
        start = end + 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The command of the `EXECUTE` in `body` (PL/pgSQL; the first `EXECUTE`).
    fn command_in(body: &str) -> Command {
        let tokens = code_tokens(body, 0, Dialect::Postgres);
        let code = Code {
            tokens: &tokens,
            text: body,
        };
        let at = (0..tokens.len())
            .find(|&i| code.is_word(i, "execute"))
            .expect("an EXECUTE");
        let end = code.statement_end(at);
        let expression = at + 1..code.expression_end(at + 1, end);
        command(&code, expression, &mut Variables::default())
    }

    fn texts(body: &str) -> (Vec<String>, bool) {
        match command_in(body) {
            Command::Built {
                texts, unreadable, ..
            } => (texts, unreadable),
            other => panic!("{other:?}"),
        }
    }

    fn readable(body: &str) -> Vec<String> {
        let (texts, unreadable) = texts(body);
        assert!(!unreadable, "{body}: {texts:?}");
        texts
    }

    /// The variable of an unreadable command.
    fn unreadable_variable(body: &str) -> Option<String> {
        match command_in(body) {
            Command::Built {
                unreadable: true,
                variable,
                ..
            } => variable,
            other => panic!("{body}: {other:?}"),
        }
    }

    #[test]
    fn a_literal_is_read_in_place() {
        assert_eq!(
            command_in("BEGIN EXECUTE 'DROP TABLE t'; END"),
            Command::Literal(2)
        );
        assert_eq!(
            command_in("BEGIN EXECUTE $q$DROP TABLE t$q$::text INTO x; END"),
            Command::Literal(2)
        );
    }

    #[test]
    fn format_and_concatenation_join_their_literals() {
        assert_eq!(
            readable("BEGIN EXECUTE format('DROP TABLE %I', t); END"),
            ["DROP TABLE __dynamic__"]
        );
        assert_eq!(
            readable("BEGIN EXECUTE 'DROP TABLE ' || quote_ident(t); END"),
            ["DROP TABLE __dynamic__"]
        );
        assert_eq!(
            readable("BEGIN EXECUTE 'TRUNCATE ' || t || ' CASCADE'; END"),
            ["TRUNCATE __dynamic__ CASCADE"]
        );
        assert_eq!(
            readable("BEGIN EXECUTE concat('DELETE FROM ', s, '.', t) USING x; END"),
            ["DELETE FROM __dynamic__.__dynamic__"]
        );
        // Positions, widths, `%%`, `%L`, literal arguments (quoted as `%I` and `%L` quote).
        assert_eq!(
            readable(
                "BEGIN EXECUTE pg_catalog.format('CREATE INDEX %1$s_i ON s.%1$I (%2$I) \
                 WHERE v %% 2 = %3$L AND w = %-5s', t, 'Col', 'it''s', 7)::text; END"
            ),
            ["CREATE INDEX __dynamic___i ON s.__dynamic__ (\"Col\") WHERE v % 2 = 'it''s' AND w = 7"]
        );
        assert_eq!(
            readable("BEGIN EXECUTE format('ALTER TABLE %I ' || 'DROP COLUMN %I', t, c); END"),
            ["ALTER TABLE __dynamic__ DROP COLUMN __dynamic__"]
        );
        assert_eq!(
            readable("BEGIN EXECUTE ('GRANT SELECT ON t TO ' || (r)); END"),
            ["GRANT SELECT ON t TO __dynamic__"]
        );
    }

    #[test]
    fn text_with_no_known_keyword_cannot_be_read() {
        assert_eq!(
            unreadable_variable("BEGIN EXECUTE s; END"),
            Some("s".into())
        );
        assert_eq!(
            unreadable_variable("BEGIN EXECUTE some_function(); END"),
            None
        );
        assert_eq!(
            unreadable_variable("BEGIN EXECUTE format(fmt, t); END"),
            None
        );
        assert_eq!(
            unreadable_variable("BEGIN EXECUTE \"Sql\" USING 1; END"),
            Some("Sql".into())
        );
        for body in [
            "BEGIN EXECUTE format('%s', q); END",
            "BEGIN EXECUTE q || ' CASCADE'; END",
            "BEGIN EXECUTE 'DROP ' || kind || ' x'; END",
            "BEGIN EXECUTE format('ALTER TABLE t %s', action); END",
            "BEGIN EXECUTE 'SET x = 1; ' || q; END",
            "BEGIN EXECUTE format('%s TABLE %I', what, t); END",
        ] {
            let (_, unreadable) = texts(body);
            assert!(unreadable, "{body}");
        }
        // A computed name is not a computed keyword.
        for body in [
            "BEGIN EXECUTE format('ALTER TABLE %I.%I ADD COLUMN c int', s, t); END",
            "BEGIN EXECUTE 'ALTER TABLE ONLY ' || t || '* DROP CONSTRAINT x'; END",
            "BEGIN EXECUTE 'DELETE FROM t WHERE id = ' || id; END",
        ] {
            readable(body);
        }
    }

    #[test]
    fn local_variables_assigned_text_are_read() {
        assert_eq!(
            readable(
                "DECLARE s text := 'DROP TABLE a'; BEGIN IF x THEN s := format('DROP TABLE %I', t); \
                 END IF; EXECUTE s; END"
            ),
            ["DROP TABLE a", "DROP TABLE __dynamic__"]
        );
        assert_eq!(
            readable("DECLARE q CONSTANT text DEFAULT 'TRUNCATE a'; BEGIN EXECUTE q; END"),
            ["TRUNCATE a"]
        );
        // `SELECT <one expression> INTO s`: the expression is its value, a row at a time.
        assert_eq!(
            readable(
                "DECLARE s text; BEGIN SELECT concat('ALTER TABLE a DROP CONSTRAINT ', c)                  INTO s FROM information_schema.table_constraints; EXECUTE s; END"
            ),
            ["ALTER TABLE a DROP CONSTRAINT __dynamic__"]
        );
        assert_eq!(
            readable("DECLARE s text; BEGIN SELECT 'TRUNCATE a' INTO STRICT s; EXECUTE s; END"),
            ["TRUNCATE a"]
        );
        // Not declared here (a parameter), written by several INTO targets / FOR / GET
        // DIAGNOSTICS, built up in a loop, or declared and never assigned: unreadable.
        for body in [
            "BEGIN s := 'DROP TABLE a'; EXECUTE s; END",
            "DECLARE s text; BEGIN SELECT q INTO s FROM t; EXECUTE s; END",
            "DECLARE s text; BEGIN SELECT 1, 'x' INTO STRICT n, s FROM t; EXECUTE s; END",
            "DECLARE s text; BEGIN SELECT 'x', 1 INTO s, n; EXECUTE s; END",
            "DECLARE s text; BEGIN FOR s IN SELECT q FROM t LOOP EXECUTE s; END LOOP; END",
            "DECLARE s text; BEGIN GET DIAGNOSTICS s = ROW_COUNT; EXECUTE s; END",
            "DECLARE s text := ''; BEGIN FOR r IN SELECT t FROM x LOOP \
             s := s || format('DROP TABLE %I;', r.t); END LOOP; EXECUTE s; END",
            "DECLARE s text; BEGIN EXECUTE s; END",
        ] {
            assert_eq!(unreadable_variable(body), Some("s".into()), "{body}")
        }
        // Assigned in too many places to follow.
        let many = format!(
            "DECLARE s text; BEGIN {} EXECUTE s; END",
            "s := 'SELECT 1';".repeat(MAX_VALUES + 1)
        );
        assert_eq!(unreadable_variable(&many), Some("s".into()));
        // Reading it elsewhere is no write.
        assert_eq!(
            readable(
                "DECLARE s text := 'DROP TABLE a'; BEGIN RAISE NOTICE '%', s; \
                 SELECT s INTO other; EXECUTE s; END"
            ),
            ["DROP TABLE a"]
        );
    }
}
