//! Token-level classifier: builds the statement model from tokens alone. It is the model's
//! source when sqlparser cannot parse a statement, inside DO blocks and function bodies, and
//! it supplies the byte spans of names and ALTER TABLE actions for parsed statements too.

use std::ops::Range;

mod columns;

use crate::lexer::{Dialect, Token, TokenKind};
use crate::model::{
    ActionKind, AlterAction, GrantTarget, MaintenanceCommand, Name, ObjectType, Policy,
    PolicyCommand, PolicyExpr, Role, StatementKind, TransactionControl,
};

/// A body of code inside a statement that is scanned for statements of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// File-absolute range of the code (inside the quotes).
    pub range: Range<usize>,
    /// Set when the body is a quoted string whose text differs from its source bytes
    /// (escaped quotes): inner spans then point at the whole literal.
    pub decoded: Option<String>,
    pub kind: BodyKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyKind {
    DoBlock,
    Function { name: String },
}

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

#[derive(Clone, Copy)]
struct Cursor<'a> {
    tokens: &'a [Token],
    text: &'a str,
    dialect: Dialect,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn slice(&self, i: usize) -> &'a str {
        self.tokens
            .get(i)
            .and_then(|t| self.text.get(t.range.clone()))
            .unwrap_or("")
    }

    fn word_at(&self, i: usize) -> Option<&'a str> {
        match self.tokens.get(i) {
            Some(t) if t.kind == TokenKind::Word => Some(self.slice(i)),
            _ => None,
        }
    }

    fn is_at(&self, i: usize, keyword: &str) -> bool {
        self.word_at(i)
            .is_some_and(|w| w.eq_ignore_ascii_case(keyword))
    }

    fn is(&self, keyword: &str) -> bool {
        self.is_at(self.pos, keyword)
    }

    fn is_seq(&self, keywords: &[&str]) -> bool {
        keywords
            .iter()
            .enumerate()
            .all(|(k, kw)| self.is_at(self.pos + k, kw))
    }

    fn eat(&mut self, keyword: &str) -> bool {
        let hit = self.is(keyword);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn eat_seq(&mut self, keywords: &[&str]) -> bool {
        let hit = self.is_seq(keywords);
        if hit {
            self.pos += keywords.len();
        }
        hit
    }

    fn punct_at(&self, i: usize, p: &str) -> bool {
        matches!(self.tokens.get(i), Some(t) if matches!(t.kind, TokenKind::Punct | TokenKind::Operator))
            && self.slice(i) == p
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        let hit = self.punct_at(self.pos, p);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    fn ident_at(&self, i: usize) -> Option<String> {
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
    fn name(&mut self) -> Option<Name> {
        let start = self.pos;
        let mut parts = vec![self.ident_at(self.pos)?];
        self.pos += 1;
        while parts.len() < 3 && self.punct_at(self.pos, ".") {
            match self.ident_at(self.pos + 1) {
                Some(part) => {
                    parts.push(part);
                    self.pos += 2;
                }
                None => break,
            }
        }
        let span = self.tokens[start].range.start..self.tokens[self.pos - 1].range.end;
        let name = parts.pop()?;
        Some(Name {
            schema: parts.pop(),
            name,
            span,
        })
    }

    /// Skips a balanced parenthesised group if one starts here.
    fn skip_parens(&mut self) {
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
    fn find_top_level(&self, keyword: &str) -> Option<usize> {
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
    fn top_level_items(&self) -> Vec<Range<usize>> {
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

    fn span_of(&self, items: &Range<usize>) -> Range<usize> {
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
    fn restricted(&self, items: &Range<usize>) -> Cursor<'a> {
        let end = items.end.min(self.tokens.len());
        let start = items.start.min(end);
        Cursor {
            tokens: self.tokens.get(start..end).unwrap_or_default(),
            pos: 0,
            ..*self
        }
    }

    fn upper_word(&self, i: usize) -> Option<String> {
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
    let doubled: String = [quote, quote].iter().collect();
    inner.replace(&doubled, &quote.to_string())
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
        "BEGIN" | "START" => StatementKind::Transaction(TransactionControl::Begin),
        "COMMIT" | "END" => StatementKind::Transaction(TransactionControl::Commit),
        "ROLLBACK" | "ABORT" => {
            if c.find_top_level("to").is_some() {
                StatementKind::Transaction(TransactionControl::Savepoint)
            } else {
                StatementKind::Transaction(TransactionControl::Rollback)
            }
        }
        "SAVEPOINT" | "RELEASE" => StatementKind::Transaction(TransactionControl::Savepoint),
        "DO" => {
            *body = string_body(&c, c.pos, BodyKind::DoBlock);
            StatementKind::Do
        }
        _ => StatementKind::Other { keyword: first },
    }
}

/// `COMMENT ON object name [ON table] IS ...`, for the object types that have a name rules
/// can look up; a column's table comes from `table.column`.
fn comment(mut c: Cursor) -> StatementKind {
    let keyword = || StatementKind::Other {
        keyword: "COMMENT".into(),
    };
    if !c.eat("on") {
        return keyword();
    }
    if c.eat("column") {
        let start = c.pos;
        let Some(mut table) = c.name() else {
            return keyword();
        };
        // `name()` keeps the last two of up to three parts: re-read them as table.column.
        let parts: Vec<String> = (start..c.pos)
            .step_by(2)
            .filter_map(|i| c.ident_at(i))
            .collect();
        let [.., table_part, column] = parts.as_slice() else {
            return keyword();
        };
        let schema = (parts.len() == 3).then(|| parts[0].clone());
        table.name = table_part.clone();
        table.schema = schema;
        if let Some(table_token) = c.tokens.get(c.pos.saturating_sub(3)) {
            table.span.end = table_token.range.end;
        }
        return StatementKind::Comment {
            object: ObjectType::Column,
            name: table,
            column: Some(column.as_str().into()),
            on: None,
        };
    }
    let object = if c.eat("constraint") {
        ObjectType::Constraint
    } else {
        match object_type(&mut c) {
            Some(object) => object,
            None => return keyword(),
        }
    };
    // `IS` is reserved: `COMMENT ON TABLE IS ...` names no table.
    if c.is("is") {
        return keyword();
    }
    let Some(name) = c.name() else {
        return keyword();
    };
    // `ON [DOMAIN] table` of a constraint, policy, trigger or rule (not the `IS` text).
    c.skip_parens();
    let on = if c.eat("on") {
        c.eat("domain");
        c.name().map(Box::new)
    } else {
        None
    };
    StatementKind::Comment {
        object,
        name,
        column: None,
        on,
    }
}

fn object_type(c: &mut Cursor) -> Option<ObjectType> {
    let object = if c.eat("table") {
        ObjectType::Table
    } else if c.eat("view") {
        ObjectType::View
    } else if c.eat_seq(&["materialized", "view"]) {
        ObjectType::MaterializedView
    } else if c.eat("index") {
        ObjectType::Index
    } else if c.eat("sequence") {
        ObjectType::Sequence
    } else if c.eat("function") {
        ObjectType::Function
    } else if c.eat("procedure") || c.eat("routine") {
        ObjectType::Procedure
    } else if c.eat("aggregate") {
        ObjectType::Aggregate
    } else if c.eat("type") {
        ObjectType::Type
    } else if c.eat("domain") {
        ObjectType::Domain
    } else if c.eat("extension") {
        ObjectType::Extension
    } else if c.eat("schema") {
        ObjectType::Schema
    } else if c.eat("database") {
        ObjectType::Database
    } else if c.eat("trigger") || c.eat_seq(&["event", "trigger"]) {
        ObjectType::Trigger
    } else if c.eat("policy") {
        ObjectType::Policy
    } else if c.eat("rule") {
        ObjectType::Rule
    } else if c.eat("dictionary") {
        ObjectType::Dictionary
    } else if c.eat_seq(&["foreign", "table"]) {
        ObjectType::Table
    } else {
        return None;
    };
    Some(object)
}

fn drop(mut c: Cursor) -> StatementKind {
    // ClickHouse/MySQL `DROP TEMPORARY TABLE`.
    c.eat("temporary");
    let Some(object) = object_type(&mut c) else {
        let keyword = c
            .upper_word(1)
            .map_or("DROP".to_string(), |w| format!("DROP {w}"));
        return StatementKind::Other { keyword };
    };
    c.eat("concurrently");
    let if_exists = c.eat_seq(&["if", "exists"]);
    let mut names = Vec::new();
    for item in c.top_level_items() {
        let mut item_cursor = c.restricted(&item);
        if let Some(name) = item_cursor.name() {
            names.push(name);
        }
    }
    let cascade = c
        .tokens
        .iter()
        .enumerate()
        .skip(c.pos)
        .any(|(i, _)| c.is_at(i, "cascade"));
    let on = match object {
        ObjectType::Policy | ObjectType::Trigger | ObjectType::Rule => name_after(&c, "on"),
        _ => None,
    };
    StatementKind::Drop {
        object,
        names,
        on: on.map(Box::new),
        if_exists,
        cascade,
    }
}

fn truncate(mut c: Cursor) -> StatementKind {
    c.eat("table");
    c.eat_seq(&["if", "exists"]);
    let mut tables = Vec::new();
    for item in c.top_level_items() {
        let mut item_cursor = c.restricted(&item);
        item_cursor.eat("only");
        if let Some(name) = item_cursor.name() {
            tables.push(name);
        }
    }
    let cascade = (c.pos..c.tokens.len()).any(|i| c.is_at(i, "cascade"));
    StatementKind::Truncate { tables, cascade }
}

fn delete(mut c: Cursor) -> StatementKind {
    c.eat("from");
    c.eat("only");
    match c.name() {
        Some(table) => StatementKind::Delete {
            has_where: c.find_top_level("where").is_some(),
            table,
        },
        None => StatementKind::Other {
            keyword: "DELETE".into(),
        },
    }
}

fn update(mut c: Cursor) -> StatementKind {
    c.eat("only");
    match c.name() {
        Some(table) => StatementKind::Update {
            has_where: c.find_top_level("where").is_some(),
            table,
        },
        None => StatementKind::Other {
            keyword: "UPDATE".into(),
        },
    }
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

fn rename_tables(mut c: Cursor) -> StatementKind {
    if !(c.eat("table") || c.eat("tables")) {
        return StatementKind::Other {
            keyword: "RENAME".into(),
        };
    }
    let mut pairs = Vec::new();
    for item in c.top_level_items() {
        let mut item_cursor = c.restricted(&item);
        if let Some(from) = item_cursor.name() {
            if item_cursor.eat("to") {
                if let Some(to) = item_cursor.name() {
                    pairs.push((from, to));
                }
            }
        }
    }
    StatementKind::RenameTables { pairs }
}

fn alter(mut c: Cursor) -> StatementKind {
    if c.eat("table") || c.eat_seq(&["foreign", "table"]) {
        return alter_table(c);
    }
    if c.eat_seq(&["default", "privileges"]) {
        return alter_default_privileges(c);
    }
    if c.eat("domain") {
        let Some(name) = c.name() else {
            return StatementKind::Other {
                keyword: "ALTER DOMAIN".into(),
            };
        };
        if c.eat_seq(&["rename", "to"]) {
            if let Some(to) = c.name() {
                return StatementKind::Rename {
                    object: ObjectType::Domain,
                    name,
                    to: Box::new(to),
                };
            }
        }
        let add_constraint = if c.eat("add") {
            Some(columns::constraint_def(&mut c))
        } else {
            None
        };
        return StatementKind::AlterDomain {
            name,
            add_constraint: add_constraint.map(Box::new),
        };
    }
    let Some(object) = object_type(&mut c) else {
        let keyword = c
            .upper_word(1)
            .map_or("ALTER".to_string(), |w| format!("ALTER {w}"));
        return StatementKind::Other { keyword };
    };
    c.eat_seq(&["if", "exists"]);
    let keyword = format!("ALTER {}", object.as_str().to_ascii_uppercase());
    let Some(name) = c.name() else {
        return StatementKind::Other { keyword };
    };
    if object == ObjectType::Type && c.eat_seq(&["rename", "value"]) {
        let value = c.slice(c.pos).trim_matches('\'').to_string();
        return StatementKind::RenameEnumValue { name, value };
    }
    // A function's argument list.
    c.skip_parens();
    if c.eat_seq(&["rename", "to"]) {
        if let Some(to) = c.name() {
            return StatementKind::Rename {
                object,
                name,
                to: Box::new(to),
            };
        }
    }
    if c.eat_seq(&["set", "schema"]) {
        if let Some(schema) = c.name() {
            return StatementKind::SetSchema {
                object,
                name,
                schema: Box::new(schema),
            };
        }
    }
    StatementKind::Other { keyword }
}

fn alter_table(mut c: Cursor) -> StatementKind {
    c.eat_seq(&["if", "exists"]);
    c.eat("only");
    let Some(table) = c.name() else {
        return StatementKind::Other {
            keyword: "ALTER TABLE".into(),
        };
    };
    c.eat_punct("*");
    if c.eat_seq(&["on", "cluster"]) {
        c.name();
    }
    let actions = c
        .top_level_items()
        .iter()
        .map(|item| AlterAction {
            kind: alter_action(c.restricted(item)),
            span: c.span_of(item),
        })
        .collect();
    StatementKind::AlterTable { table, actions }
}

fn alter_action(mut c: Cursor) -> ActionKind {
    let clickhouse = c.dialect == Dialect::ClickHouse;
    let behaviour_cascade = |c: &Cursor| (c.pos..c.tokens.len()).any(|i| c.is_at(i, "cascade"));
    if c.eat("drop") {
        if c.eat("constraint") {
            c.eat_seq(&["if", "exists"]);
            return match c.name() {
                Some(constraint) => ActionKind::DropConstraint {
                    cascade: behaviour_cascade(&c),
                    constraint,
                },
                None => ActionKind::Other,
            };
        }
        if c.is("partition") || c.is("part") {
            return if clickhouse {
                ActionKind::DropPartition
            } else {
                ActionKind::Other
            };
        }
        if [
            "index",
            "projection",
            "statistics",
            "primary",
            "foreign",
            "key",
        ]
        .iter()
        .any(|kw| c.is(kw))
        {
            return ActionKind::Other;
        }
        c.eat("column");
        c.eat_seq(&["if", "exists"]);
        return match c.name() {
            Some(column) => ActionKind::DropColumn {
                cascade: behaviour_cascade(&c),
                column,
            },
            None => ActionKind::Other,
        };
    }
    if c.eat("detach") {
        if clickhouse && (c.is("partition") || c.is("part")) {
            return ActionKind::DetachPartition;
        }
        if c.eat("partition") {
            if let Some(partition) = c.name() {
                let concurrently = c.is("concurrently");
                return ActionKind::DetachTablePartition {
                    partition,
                    concurrently,
                };
            }
        }
        return ActionKind::Other;
    }
    if !clickhouse && c.eat_seq(&["attach", "partition"]) {
        return match c.name() {
            Some(partition) => ActionKind::AttachPartition { partition },
            None => ActionKind::Other,
        };
    }
    if clickhouse && c.eat("delete") {
        return ActionKind::MutationDelete;
    }
    if clickhouse && c.eat("update") {
        return ActionKind::MutationUpdate;
    }
    if clickhouse && c.eat_seq(&["clear", "column"]) {
        c.eat_seq(&["if", "exists"]);
        return match c.name() {
            Some(column) => ActionKind::ClearColumn { column },
            None => ActionKind::Other,
        };
    }
    if clickhouse && c.eat_seq(&["modify", "column"]) {
        c.eat_seq(&["if", "exists"]);
        // `MODIFY COLUMN c COMMENT/TTL/...` keeps the type; a type name follows otherwise.
        return match c.name() {
            Some(column)
                if !c.at_end()
                    && ![
                        "comment",
                        "ttl",
                        "codec",
                        "remove",
                        "settings",
                        "reset",
                        "default",
                        "materialized",
                        "alias",
                        "ephemeral",
                    ]
                    .iter()
                    .any(|kw| c.is(kw)) =>
            {
                ActionKind::AlterColumnType {
                    column,
                    data_type: None,
                }
            }
            _ => ActionKind::Other,
        };
    }
    if c.eat("rename") {
        if c.eat("to") {
            return match c.name() {
                Some(to) => ActionKind::RenameTable { to },
                None => ActionKind::Other,
            };
        }
        if c.is("constraint") {
            return ActionKind::Other;
        }
        c.eat("column");
        c.eat_seq(&["if", "exists"]);
        if let Some(column) = c.name() {
            if c.eat("to") {
                if let Some(to) = c.name() {
                    return ActionKind::RenameColumn { column, to };
                }
            }
        }
        return ActionKind::Other;
    }
    if c.eat("add") {
        if [
            "constraint",
            "primary",
            "unique",
            "foreign",
            "check",
            "exclude",
        ]
        .iter()
        .any(|kw| c.is(kw))
        {
            return ActionKind::AddConstraint {
                constraint: columns::constraint_def(&mut c),
            };
        }
        if ["index", "projection", "statistics"]
            .iter()
            .any(|kw| c.is(kw))
        {
            return ActionKind::Other;
        }
        c.eat("column");
        c.eat_seq(&["if", "not", "exists"]);
        return match c.name() {
            Some(column) => ActionKind::AddColumn {
                column,
                def: columns::column_def(&mut c),
            },
            None => ActionKind::Other,
        };
    }
    if c.eat("alter") {
        c.eat("column");
        let Some(column) = c.name() else {
            return ActionKind::Other;
        };
        if c.eat("type") || c.eat_seq(&["set", "data", "type"]) {
            let data_type = columns::data_type(&mut c, &["using"]);
            return ActionKind::AlterColumnType { column, data_type };
        }
        if c.is_seq(&["drop", "not", "null"]) {
            return ActionKind::DropNotNull { column };
        }
        if c.is_seq(&["drop", "default"]) {
            return ActionKind::DropDefault { column };
        }
        if c.is_seq(&["drop", "expression"]) {
            return ActionKind::DropExpression { column };
        }
        if c.is_seq(&["set", "not", "null"]) {
            return ActionKind::SetNotNull { column };
        }
        return ActionKind::Other;
    }
    if c.eat_seq(&["set", "schema"]) {
        return match c.name() {
            Some(schema) => ActionKind::SetSchema { schema },
            None => ActionKind::Other,
        };
    }
    if c.eat_seq(&["validate", "constraint"]) {
        return match c.name() {
            Some(constraint) => ActionKind::ValidateConstraint { constraint },
            None => ActionKind::Other,
        };
    }
    if c.is_seq(&["enable", "row", "level", "security"]) {
        return ActionKind::EnableRls;
    }
    if c.is_seq(&["disable", "row", "level", "security"]) {
        return ActionKind::DisableRls;
    }
    if c.is_seq(&["force", "row", "level", "security"]) {
        return ActionKind::ForceRls;
    }
    if c.is_seq(&["no", "force", "row", "level", "security"]) {
        return ActionKind::NoForceRls;
    }
    ActionKind::Other
}

fn create(mut c: Cursor, body: &mut Option<Body>) -> StatementKind {
    c.eat_seq(&["or", "replace"]);
    let mut temporary = false;
    for modifier in ["global", "local"] {
        c.eat(modifier);
    }
    for modifier in ["temp", "temporary"] {
        temporary |= c.eat(modifier);
    }
    for modifier in [
        "unlogged",
        "global",
        "local",
        "trusted",
        "procedural",
        "recursive",
        "constraint",
        "default",
    ] {
        c.eat(modifier);
    }
    if c.eat("table") || c.eat_seq(&["foreign", "table"]) {
        let if_not_exists = c.eat_seq(&["if", "not", "exists"]);
        return match c.name() {
            Some(table) => {
                let partition_of = if c.eat_seq(&["partition", "of"]) {
                    c.name()
                } else {
                    None
                };
                let mut columns = Vec::new();
                if c.punct_at(c.pos, "(") {
                    let body_start = c.pos + 1;
                    c.skip_parens();
                    let body = c.restricted(&(body_start..c.pos.saturating_sub(1)));
                    columns = columns::columns(&body);
                }
                // ClickHouse's PARTITION BY only names the part key.
                let partitioned = c.dialect == Dialect::Postgres
                    && c.find_top_level("partition")
                        .is_some_and(|i| c.is_at(i + 1, "by"));
                StatementKind::CreateTable {
                    table,
                    temporary,
                    if_not_exists,
                    columns: columns.into(),
                    partitioned,
                    partition_of: partition_of.map(Box::new),
                }
            }
            None => StatementKind::Other {
                keyword: "CREATE TABLE".into(),
            },
        };
    }
    let unique = c.eat("unique");
    if c.eat("index") {
        let concurrently = c.eat("concurrently");
        c.eat_seq(&["if", "not", "exists"]);
        let name = if c.is("on") { None } else { c.name() };
        if c.eat("on") {
            let only = c.eat("only");
            if let Some(table) = c.name() {
                return StatementKind::CreateIndex {
                    name: name.map(Box::new),
                    table,
                    concurrently,
                    only,
                    unique,
                };
            }
        }
        return StatementKind::Other {
            keyword: "CREATE INDEX".into(),
        };
    }
    if unique {
        return StatementKind::Other {
            keyword: "CREATE UNIQUE".into(),
        };
    }
    let Some(object) = object_type(&mut c) else {
        let keyword = c
            .upper_word(c.pos)
            .map_or("CREATE".to_string(), |w| format!("CREATE {w}"));
        return StatementKind::Other { keyword };
    };
    c.eat_seq(&["if", "not", "exists"]);
    let name = c.name();
    if object == ObjectType::Policy {
        if let Some(policy) = name.clone().and_then(|name| create_policy(c, name)) {
            return policy;
        }
    }
    let on = match object {
        ObjectType::Policy | ObjectType::Trigger | ObjectType::Rule => {
            c.find_top_level("on").and_then(|i| {
                let mut on = c;
                on.pos = i + 1;
                on.name()
            })
        }
        _ => None,
    };
    if matches!(object, ObjectType::Function | ObjectType::Procedure) {
        let function = name.as_ref().map_or_else(String::new, |n| n.to_string());
        *body = function_body(&c, function);
        let (security_definer, sets_search_path) = function_options(&c);
        let returns_trigger = c.find_top_level("returns").is_some_and(|i| {
            matches!(
                c.ident_at(i + 1).as_deref(),
                Some("trigger" | "event_trigger")
            )
        });
        return StatementKind::CreateFunction {
            object,
            name,
            security_definer,
            sets_search_path,
            returns_trigger,
        };
    }
    let constrained = object == ObjectType::Domain && {
        let mut depth = 0usize;
        (c.pos..c.tokens.len()).any(|i| {
            if c.punct_at(i, "(") {
                depth += 1;
            } else if c.punct_at(i, ")") {
                depth = depth.saturating_sub(1);
            }
            depth == 0 && (c.is_at(i, "check") || (c.is_at(i, "not") && c.is_at(i + 1, "null")))
        })
    };
    StatementKind::Create {
        object,
        name,
        on: on.map(Box::new),
        constrained,
    }
}

/// `VACUUM`, `CLUSTER`, `REINDEX`, `REFRESH MATERIALIZED VIEW` and `LOCK TABLE`, the cursor
/// after the first word.
fn maintenance(mut c: Cursor, first: &str) -> StatementKind {
    let mut full = false;
    let mut object = ObjectType::Table;
    let command = match first {
        "VACUUM" => MaintenanceCommand::Vacuum,
        "CLUSTER" => MaintenanceCommand::Cluster,
        "REINDEX" => MaintenanceCommand::Reindex,
        "LOCK" => MaintenanceCommand::LockTable,
        _ => {
            if !c.eat_seq(&["materialized", "view"]) {
                return StatementKind::Other {
                    keyword: first.to_string(),
                };
            }
            MaintenanceCommand::RefreshMaterializedView
        }
    };
    // Options: `VACUUM (FULL, ANALYZE)`, `REINDEX (VERBOSE)`, or bare `VACUUM FULL VERBOSE`.
    if c.punct_at(c.pos, "(") {
        let start = c.pos;
        c.skip_parens();
        full = (start..c.pos).any(|i| c.is_at(i, "full"));
    }
    loop {
        if c.eat("full") {
            full = true;
        } else if !(c.eat("freeze")
            || c.eat("verbose")
            || c.eat("analyze")
            || c.eat("analyse")
            || c.eat("concurrently")
            || c.eat("only")
            || (command == MaintenanceCommand::LockTable && c.eat("table")))
        {
            break;
        }
    }
    if command == MaintenanceCommand::Reindex {
        object = if c.eat("index") {
            ObjectType::Index
        } else if c.eat("table") {
            ObjectType::Table
        } else if c.eat("schema") {
            ObjectType::Schema
        } else if c.eat("database") || c.eat("system") {
            ObjectType::Database
        } else {
            ObjectType::Other
        };
        c.eat("concurrently");
    }
    StatementKind::Maintenance {
        command,
        object,
        target: c.name(),
        full,
    }
}

/// `SET [SESSION|LOCAL] parameter {TO|=} value`, the cursor after `SET`.
fn set(mut c: Cursor) -> StatementKind {
    let local = c.eat("local");
    c.eat("session");
    let Some(mut parameter) = c.ident_at(c.pos) else {
        return StatementKind::Other {
            keyword: "SET".into(),
        };
    };
    c.pos += 1;
    while c.punct_at(c.pos, ".") {
        if let Some(part) = c.ident_at(c.pos + 1) {
            parameter = format!("{parameter}.{part}");
        }
        c.pos += 2;
    }
    // `SET TIME ZONE ...`, `SET ROLE x`: no `TO`/`=`, the word is the parameter.
    let _ = c.eat("to") || c.eat_punct("=");
    let value = (c.pos..c.tokens.len())
        .map(|i| c.slice(i).trim_matches(|ch| ch == '\'' || ch == '"'))
        .collect::<Vec<_>>()
        .join(" ");
    StatementKind::Set {
        parameter,
        value,
        local,
    }
}

/// The name after the first top-level `keyword` from the cursor on.
fn name_after(c: &Cursor, keyword: &str) -> Option<Name> {
    let i = c.find_top_level(keyword)?;
    let mut after = *c;
    after.pos = i + 1;
    after.name()
}

/// `SECURITY DEFINER` and `SET search_path` among a function's options: top-level tokens
/// only, so neither the parameter list nor the body string (one token) nor a
/// `BEGIN ATOMIC` body counts.
fn function_options(c: &Cursor) -> (bool, bool) {
    let (mut definer, mut search_path) = (false, false);
    let mut depth = 0usize;
    for i in c.pos..c.tokens.len() {
        if c.punct_at(i, "(") {
            depth += 1;
        } else if c.punct_at(i, ")") {
            depth = depth.saturating_sub(1);
        } else if depth > 0 {
            continue;
        } else if c.is_at(i, "begin") && c.is_at(i + 1, "atomic") {
            break;
        } else if c.is_at(i, "security") && c.is_at(i + 1, "definer") {
            definer = true;
        } else if c.is_at(i, "set") && c.ident_at(i + 1).as_deref() == Some("search_path") {
            search_path = true;
        }
    }
    (definer, search_path)
}

/// `CREATE POLICY name ON table [AS PERMISSIVE|RESTRICTIVE] [FOR cmd] [TO roles]
/// [USING (expr)] [WITH CHECK (expr)]`, the cursor after the name.
fn create_policy(mut c: Cursor, name: Name) -> Option<StatementKind> {
    if !c.eat("on") {
        return None;
    }
    let table = c.name()?;
    let mut permissive = true;
    let mut command = PolicyCommand::All;
    let mut roles = Vec::new();
    let mut using = None;
    let mut with_check = None;
    while !c.at_end() {
        if c.eat("as") {
            permissive = !c.is("restrictive");
            c.pos += 1;
        } else if c.eat("for") {
            command = match c.upper_word(c.pos).as_deref() {
                Some("SELECT") => PolicyCommand::Select,
                Some("INSERT") => PolicyCommand::Insert,
                Some("UPDATE") => PolicyCommand::Update,
                Some("DELETE") => PolicyCommand::Delete,
                _ => PolicyCommand::All,
            };
            c.pos += 1;
        } else if c.eat("to") {
            roles = role_list(&mut c, &["using", "with"]);
        } else if c.eat("using") {
            using = policy_expr(&mut c);
        } else if c.eat_seq(&["with", "check"]) {
            with_check = policy_expr(&mut c);
        } else {
            c.pos += 1;
        }
    }
    Some(StatementKind::CreatePolicy(Box::new(Policy {
        name,
        table,
        permissive,
        command,
        roles,
        using,
        with_check,
    })))
}

/// Comma-separated roles from the cursor up to one of `stop` (or the end).
fn role_list(c: &mut Cursor, stop: &[&str]) -> Vec<Role> {
    let mut roles = Vec::new();
    while !c.at_end() && !stop.iter().any(|kw| c.is(kw)) {
        if c.eat_punct(",") {
            continue;
        }
        // `GROUP role` is old syntax for a role.
        if c.is("group") && c.ident_at(c.pos + 1).is_some() && !c.punct_at(c.pos + 1, ",") {
            c.pos += 1;
        }
        match (c.ident_at(c.pos), c.tokens.get(c.pos)) {
            (Some(name), Some(token)) => roles.push(Role {
                name,
                span: token.range.clone(),
            }),
            _ => break,
        }
        c.pos += 1;
    }
    roles
}

/// A parenthesised policy expression at the cursor (the cursor moves past it).
fn policy_expr(c: &mut Cursor) -> Option<PolicyExpr> {
    let open = c.pos;
    if !c.punct_at(open, "(") {
        return None;
    }
    c.skip_parens();
    let close = c.pos.checked_sub(1)?;
    if close <= open + 1 {
        return None;
    }
    let (mut first, mut last) = (open + 1, close - 1);
    // Redundant parentheses around the whole expression: `((true))`.
    while c.punct_at(first, "(") && c.punct_at(last, ")") && last > first + 1 {
        let mut inner = *c;
        inner.pos = first;
        inner.skip_parens();
        if inner.pos != last + 1 {
            break;
        }
        first += 1;
        last -= 1;
    }
    let text = |i: usize| c.slice(i).to_ascii_lowercase();
    let always_true = match last + 1 - first {
        1 => text(first) == "true",
        3 => {
            c.punct_at(first + 1, "=")
                && text(first) == text(last)
                && c.tokens[first].kind == TokenKind::Number
        }
        _ => false,
    };
    Some(PolicyExpr {
        span: c.tokens[first].range.start..c.tokens[last].range.end,
        always_true,
    })
}

/// `ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA s, ...] GRANT ... ON TABLES|... TO ...`.
fn alter_default_privileges(mut c: Cursor) -> StatementKind {
    let Some(grant_at) = c.find_top_level("grant") else {
        return StatementKind::Other {
            keyword: "ALTER DEFAULT".into(),
        };
    };
    let mut schemas = Vec::new();
    if let Some(in_at) = (c.pos..grant_at).find(|&i| c.is_at(i, "in") && c.is_at(i + 1, "schema")) {
        let list = c.restricted(&(in_at + 2..grant_at));
        for item in list.top_level_items() {
            let mut item_cursor = list.restricted(&item);
            if let Some(name) = item_cursor.name() {
                schemas.push(name);
            }
        }
    }
    c.pos = grant_at + 1;
    grant(c, schemas, true)
}

/// `GRANT privileges ON objects TO roles` or `GRANT role TO role`, the cursor after `GRANT`.
/// `default_schemas` are the schemas of `ALTER DEFAULT PRIVILEGES ... IN SCHEMA`.
fn grant(mut c: Cursor, default_schemas: Vec<Name>, default_privileges: bool) -> StatementKind {
    let other = || StatementKind::Other {
        keyword: "GRANT".into(),
    };
    let Some(to_at) = c.find_top_level("to") else {
        return other();
    };
    let on_at = c.find_top_level("on").filter(|&i| i < to_at);
    let privileges_end = on_at.unwrap_or(to_at);
    let privileges: Vec<String> = c
        .restricted(&(c.pos..privileges_end))
        .top_level_items()
        .iter()
        .filter_map(|item| {
            let item_cursor = c.restricted(&(c.pos + item.start..c.pos + item.end));
            match on_at {
                Some(_) => item_cursor.upper_word(0),
                None => item_cursor.ident_at(0),
            }
        })
        .collect();
    let mut objects = Vec::new();
    let target = match on_at {
        None => GrantTarget::Membership,
        Some(on_at) => {
            c.pos = on_at + 1;
            let target = if c.eat("all") {
                let object = grant_class(&mut c);
                c.eat_seq(&["in", "schema"]);
                GrantTarget::AllInSchema(object)
            } else if default_privileges {
                GrantTarget::AllInSchema(grant_class(&mut c))
            } else {
                GrantTarget::Objects(grant_object(&mut c))
            };
            let list = c.restricted(&(c.pos..to_at));
            for item in list.top_level_items() {
                let mut item_cursor = list.restricted(&item);
                if let Some(name) = item_cursor.name() {
                    objects.push(name);
                }
            }
            target
        }
    };
    if default_privileges {
        objects = default_schemas;
    }
    c.pos = to_at + 1;
    let roles = role_list(&mut c, &["with", "granted"]);
    StatementKind::Grant {
        privileges,
        target,
        objects,
        roles,
        default_privileges,
    }
}

/// The object class of `ON ALL <class> IN SCHEMA` and of default privileges.
fn grant_class(c: &mut Cursor) -> ObjectType {
    let class = match c.upper_word(c.pos).as_deref() {
        Some("TABLES") => ObjectType::Table,
        Some("SEQUENCES") => ObjectType::Sequence,
        Some("FUNCTIONS") => ObjectType::Function,
        Some("PROCEDURES" | "ROUTINES") => ObjectType::Procedure,
        Some("TYPES") => ObjectType::Type,
        Some("SCHEMAS") => ObjectType::Schema,
        _ => return ObjectType::Other,
    };
    c.pos += 1;
    class
}

/// The object type after `GRANT ... ON` (a table when none is written).
fn grant_object(c: &mut Cursor) -> ObjectType {
    if c.eat("table") {
        return ObjectType::Table;
    }
    for (keyword, object) in [
        ("sequence", ObjectType::Sequence),
        ("function", ObjectType::Function),
        ("procedure", ObjectType::Procedure),
        ("routine", ObjectType::Procedure),
        ("schema", ObjectType::Schema),
        ("database", ObjectType::Database),
        ("type", ObjectType::Type),
        ("domain", ObjectType::Domain),
    ] {
        if c.eat(keyword) {
            return object;
        }
    }
    // LANGUAGE, FOREIGN DATA WRAPPER, FOREIGN SERVER, TABLESPACE, LARGE OBJECT, PARAMETER.
    if ["language", "foreign", "tablespace", "large", "parameter"]
        .iter()
        .any(|kw| c.is(kw))
    {
        return ObjectType::Other;
    }
    ObjectType::Table
}

/// The body of a CREATE FUNCTION/PROCEDURE in plpgsql or sql: the string after `AS`, or the
/// tokens after `BEGIN ATOMIC`.
fn function_body(c: &Cursor, function: String) -> Option<Body> {
    let language = c
        .find_top_level("language")
        .and_then(|i| {
            let mut lc = *c;
            lc.pos = i + 1;
            lc.ident_at(lc.pos)
        })
        .unwrap_or_else(|| "sql".into());
    if !matches!(language.to_ascii_lowercase().as_str(), "plpgsql" | "sql") {
        return None;
    }
    if let Some(atomic) =
        (c.pos..c.tokens.len()).find(|&i| c.is_at(i, "begin") && c.is_at(i + 1, "atomic"))
    {
        let start = c.tokens.get(atomic + 2)?.range.start;
        let end = c.tokens.last()?.range.end;
        return Some(Body {
            range: start..end,
            decoded: None,
            kind: BodyKind::Function { name: function },
        });
    }
    let as_at = c.find_top_level("as")?;
    string_body(c, as_at + 1, BodyKind::Function { name: function })
}

/// The first string literal at or after token `from`, as a body.
fn string_body(c: &Cursor, from: usize, kind: BodyKind) -> Option<Body> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::tokenize;

    fn kind(sql: &str) -> StatementKind {
        let tokens: Vec<Token> = tokenize(sql, 0, Dialect::Postgres)
            .into_iter()
            .filter(|t| !t.is_trivia())
            .collect();
        classify(&tokens, sql, Dialect::Postgres).kind
    }

    #[test]
    fn reads_policies() {
        let sql = r#"create policy "p" on public.t as restrictive for update to anon, "Admin" using ((true)) with check (1 = 1)"#;
        let StatementKind::CreatePolicy(policy) = kind(sql) else {
            panic!("not a policy");
        };
        let Policy {
            name,
            table,
            permissive,
            command,
            roles,
            using: Some(using),
            with_check: Some(check),
        } = *policy
        else {
            panic!("no using or with check");
        };
        assert_eq!(
            (name.name.as_str(), table.to_string()),
            ("p", "public.t".into())
        );
        assert!(!permissive);
        assert_eq!(command, PolicyCommand::Update);
        let names: Vec<_> = roles.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["anon", "Admin"]);
        assert_eq!(&sql[using.span.clone()], "true");
        assert!(using.always_true && check.always_true);
        assert!(matches!(
            kind("create policy p on t using (a = 1)"),
            StatementKind::CreatePolicy(policy) if matches!(
                policy.using,
                Some(PolicyExpr {
                    always_true: false,
                    ..
                })
            )
        ));
    }

    #[test]
    fn reads_comments_with_the_objects_they_name() {
        let described = |sql: &str| match kind(sql) {
            StatementKind::Comment {
                object,
                name,
                column,
                on,
            } => format!(
                "{} {name} [{}] {:?} {:?}",
                object.as_str(),
                &sql[name.span.clone()],
                column.as_deref(),
                on.map(|t| t.to_string())
            ),
            other => format!("not a comment: {other:?}"),
        };
        assert_eq!(
            described(r#"comment on policy "Users read own" on public.profiles is 'x'"#),
            r#"policy Users read own ["Users read own"] None Some("public.profiles")"#
        );
        assert_eq!(
            described("comment on column public.t.\"Email\" is 'x'"),
            r#"column public.t [public.t] Some("Email") None"#
        );
        assert_eq!(
            described("comment on column t.c is null"),
            r#"column t [t] Some("c") None"#
        );
        assert_eq!(
            described("comment on function api.f(int, text) is 'x'"),
            "function api.f [api.f] None None"
        );
        assert_eq!(
            described("comment on constraint c_check on domain d is 'x'"),
            r#"constraint c_check [c_check] None Some("d")"#
        );
        assert_eq!(
            described("COMMENT ON MATERIALIZED VIEW mv IS 'x'"),
            "materialized view mv [mv] None None"
        );
        for keyword_only in [
            "comment on role r is 'x'",
            "comment on column c is 'x'",
            "comment on table is 'x'",
            "comment is 'x'",
        ] {
            assert!(
                matches!(kind(keyword_only), StatementKind::Other { ref keyword } if keyword == "COMMENT"),
                "{keyword_only}"
            );
        }
    }

    #[test]
    fn reads_grants() {
        let StatementKind::Grant {
            privileges,
            target,
            objects,
            roles,
            default_privileges,
        } = kind(
            "grant select, update (a, b) on table a, s.b to public, group x with grant option",
        )
        else {
            panic!("not a grant");
        };
        assert_eq!(privileges, ["SELECT", "UPDATE"]);
        assert_eq!(target, GrantTarget::Objects(ObjectType::Table));
        assert_eq!(objects.len(), 2);
        let names: Vec<_> = roles.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["public", "x"]);
        assert!(!default_privileges);
        assert!(matches!(
            kind("alter default privileges for role postgres in schema api grant all on tables to anon"),
            StatementKind::Grant { target: GrantTarget::AllInSchema(ObjectType::Table), default_privileges: true, ref objects, .. } if objects[0].name == "api"
        ));
        assert!(matches!(
            kind("grant execute on function f(int, text) to authenticated"),
            StatementKind::Grant { target: GrantTarget::Objects(ObjectType::Function), ref objects, .. } if objects[0].name == "f"
        ));
        assert!(matches!(
            kind("grant service_role to authenticated"),
            StatementKind::Grant {
                target: GrantTarget::Membership,
                ..
            }
        ));
    }

    #[test]
    fn reads_function_options_outside_the_body() {
        let definer = |sql: &str| match kind(sql) {
            StatementKind::CreateFunction {
                security_definer,
                sets_search_path,
                ..
            } => (security_definer, sets_search_path),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            definer("create function f() returns int as $$ set search_path = x; $$ language plpgsql security definer"),
            (true, false)
        );
        assert_eq!(
            definer("create function f(a text default 'security definer') returns int language sql set search_path from current as 'select 1'"),
            (false, true)
        );
    }

    #[test]
    fn reads_create_table_flags_and_drop_policy_table() {
        assert!(matches!(
            kind("create global temporary table if not exists t (a int)"),
            StatementKind::CreateTable {
                temporary: true,
                if_not_exists: true,
                ..
            }
        ));
        assert!(matches!(
            kind("drop policy if exists p on s.t"),
            StatementKind::Drop { on: Some(ref t), .. } if t.to_string() == "s.t"
        ));
    }
}
