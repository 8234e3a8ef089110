//! Column definitions, constraints and data types, read from tokens. Both the classifier and
//! the sqlparser path take these details from here, so a statement sqlparser cannot parse
//! has the same column model as one it can.

use super::Cursor;
use crate::lexer::TokenKind;
use crate::model::{
    ColumnDef, ColumnSpec, ConstraintDef, ConstraintKind, DataType, DefaultExpr, Generated,
};

/// Words that end a column's type and start one of its constraints or options.
const COLUMN_OPTION_WORDS: &[&str] = &[
    "not",
    "null",
    "default",
    "primary",
    "unique",
    "references",
    "check",
    "constraint",
    "generated",
    "collate",
    "compression",
    "storage",
    "deferrable",
    "initially",
    // ClickHouse column options.
    "codec",
    "ttl",
    "materialized",
    "alias",
    "ephemeral",
    "comment",
    "settings",
];

/// SQL-standard functions written without parentheses.
const NILADIC_FUNCTIONS: &[&str] = &[
    "current_timestamp",
    "current_date",
    "current_time",
    "localtimestamp",
    "localtime",
    "current_user",
    "session_user",
    "current_role",
    "current_catalog",
    "current_schema",
];

/// Items of a table body that are table constraints or clauses, not columns.
const TABLE_ITEM_WORDS: &[&str] = &[
    "constraint",
    "primary",
    "unique",
    "foreign",
    "check",
    "exclude",
    "like",
    // ClickHouse.
    "index",
    "projection",
];

impl Cursor<'_> {
    fn at_option_word(&self, i: usize) -> bool {
        COLUMN_OPTION_WORDS.iter().any(|w| self.is_at(i, w))
    }

    /// Index just past a balanced group opening at `i` (`(`…`)` or `[`…`]`).
    fn group_end(&self, i: usize) -> usize {
        let mut depth = 0usize;
        for j in i..self.tokens.len() {
            if self.punct_at(j, "(") || self.punct_at(j, "[") {
                depth += 1;
            } else if self.punct_at(j, ")") || self.punct_at(j, "]") {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return j + 1;
                }
            }
        }
        self.tokens.len()
    }
}

/// A data type from the cursor up to a column option word (or `until`), the cursor after it.
pub(super) fn data_type(c: &mut Cursor, until: &[&str]) -> Option<DataType> {
    let start = c.pos;
    let mut words: Vec<String> = Vec::new();
    let (mut modifiers, mut array) = (false, false);
    while !c.at_end() && !c.at_option_word(c.pos) && !until.iter().any(|w| c.is(w)) {
        if c.punct_at(c.pos, "(") {
            modifiers = true;
            c.pos = c.group_end(c.pos);
            continue;
        }
        if c.punct_at(c.pos, "[") {
            array = true;
            c.pos = c.group_end(c.pos);
            continue;
        }
        if c.punct_at(c.pos, ".") {
            // `pg_catalog.int4`: keep only the type's own name.
            words.pop();
            c.pos += 1;
            continue;
        }
        match c.ident_at(c.pos) {
            Some(word) if word == "array" => array = true,
            Some(word) => words.push(word),
            None => break,
        }
        c.pos += 1;
    }
    if words.is_empty() || c.pos == start {
        return None;
    }
    let span = c.tokens[start].range.start..c.tokens[c.pos - 1].range.end;
    Some(DataType {
        name: words.join(" "),
        modifiers,
        array,
        span,
    })
}

/// The functions an expression (token indexes `range` of `c`) calls.
fn calls(c: &Cursor, range: std::ops::Range<usize>) -> Vec<String> {
    let mut calls = Vec::new();
    let mut i = range.start;
    while i < range.end {
        let cast = i > 0
            && matches!(c.tokens.get(i - 1), Some(t) if t.kind == TokenKind::Operator && c.slice(i - 1) == "::");
        if cast {
            // `::varchar(10)` is a type, not a call: skip its modifiers too.
            i += 1;
            if c.punct_at(i, "(") {
                i = c.group_end(i);
            }
            continue;
        }
        if let Some(word) = c.word_at(i) {
            let word = word.to_ascii_lowercase();
            let schema_qualified = c.punct_at(i + 1, ".");
            if !schema_qualified
                && (c.punct_at(i + 1, "(") || NILADIC_FUNCTIONS.contains(&word.as_str()))
            {
                calls.push(word);
            }
        }
        i += 1;
    }
    calls
}

/// A column definition after the column's name, up to the end of the cursor.
pub(super) fn column_def(c: &mut Cursor) -> ColumnDef {
    let mut def = ColumnDef {
        data_type: data_type(c, &[]),
        ..ColumnDef::default()
    };
    while !c.at_end() {
        if c.eat("constraint") {
            c.name();
        } else if c.eat_seq(&["not", "null"]) {
            def.not_null = true;
        } else if c.eat_seq(&["primary", "key"]) {
            def.primary_key = true;
        } else if c.eat("unique") {
            def.unique = true;
        } else if c.eat("references") {
            def.references = c.name();
            c.skip_parens();
        } else if c.eat("check") {
            def.check = true;
            c.skip_parens();
        } else if c.eat("default") {
            let start = c.pos;
            c.pos += 1;
            while !c.at_end() && !c.at_option_word(c.pos) {
                if c.punct_at(c.pos, "(") || c.punct_at(c.pos, "[") {
                    c.pos = c.group_end(c.pos);
                } else {
                    c.pos += 1;
                }
            }
            let end = c.pos.min(c.tokens.len());
            if end > start {
                def.default = Some(DefaultExpr {
                    span: c.tokens[start].range.start..c.tokens[end - 1].range.end,
                    calls: calls(c, start..end),
                });
            }
        } else if c.eat("generated") {
            let identity = c.find_top_level("identity").is_some();
            if identity {
                def.generated = Some(Generated::Identity);
            } else {
                while !c.at_end() && !c.punct_at(c.pos, "(") {
                    c.pos += 1;
                }
                c.skip_parens();
                def.generated = Some(if c.eat("stored") {
                    Generated::Stored
                } else {
                    Generated::Virtual
                });
            }
        } else if c.punct_at(c.pos, "(") {
            c.skip_parens();
        } else {
            c.pos += 1;
        }
    }
    def
}

/// The columns of a `CREATE TABLE` body: the cursor's tokens are inside the parentheses.
pub(super) fn columns(c: &Cursor) -> Vec<ColumnSpec> {
    c.top_level_items()
        .iter()
        .filter_map(|item| {
            let mut item_cursor = c.restricted(item);
            if TABLE_ITEM_WORDS.iter().any(|w| item_cursor.is(w)) {
                return None;
            }
            let name = item_cursor.name()?;
            Some(ColumnSpec {
                name,
                def: column_def(&mut item_cursor),
            })
        })
        .collect()
}

/// A constraint being added, the cursor after `ADD`: `[CONSTRAINT name] PRIMARY KEY|UNIQUE|
/// FOREIGN KEY|CHECK|EXCLUDE|NOT NULL ... [NOT VALID]`.
pub(super) fn constraint_def(c: &mut Cursor) -> ConstraintDef {
    let name = if c.eat("constraint") { c.name() } else { None };
    let kind = if c.eat_seq(&["primary", "key"]) {
        ConstraintKind::PrimaryKey
    } else if c.eat("unique") {
        ConstraintKind::Unique
    } else if c.eat_seq(&["foreign", "key"]) {
        ConstraintKind::ForeignKey
    } else if c.eat("check") {
        ConstraintKind::Check
    } else if c.eat("exclude") {
        ConstraintKind::Exclude
    } else if c.eat_seq(&["not", "null"]) {
        ConstraintKind::NotNull
    } else {
        ConstraintKind::Other
    };
    let not_null_check = if kind == ConstraintKind::Check {
        is_not_null_check(c)
    } else {
        None
    };
    let top = |c: &Cursor, words: &[&str]| {
        let mut depth = 0usize;
        (c.pos..c.tokens.len()).any(|i| {
            if c.punct_at(i, "(") {
                depth += 1;
            } else if c.punct_at(i, ")") {
                depth = depth.saturating_sub(1);
            }
            depth == 0 && words.iter().enumerate().all(|(k, w)| c.is_at(i + k, w))
        })
    };
    let references = if kind == ConstraintKind::ForeignKey {
        c.find_top_level("references").and_then(|i| {
            let mut at = *c;
            at.pos = i + 1;
            at.name()
        })
    } else {
        None
    };
    ConstraintDef {
        name,
        kind,
        not_valid: top(c, &["not", "valid"]),
        using_index: top(c, &["using", "index"]),
        references,
        not_null_check,
    }
}

/// `(column IS NOT NULL)` at the cursor, with any redundant parentheses: the column.
fn is_not_null_check(c: &Cursor) -> Option<String> {
    let mut first = c.pos;
    let mut last = c.group_end(c.pos).checked_sub(1)?;
    while c.punct_at(first, "(") && c.punct_at(last, ")") && last > first {
        first += 1;
        last -= 1;
    }
    let is_shape = last + 1 == first + 4
        && c.is_at(first + 1, "is")
        && c.is_at(first + 2, "not")
        && c.is_at(first + 3, "null");
    if is_shape {
        c.ident_at(first)
    } else {
        None
    }
}
