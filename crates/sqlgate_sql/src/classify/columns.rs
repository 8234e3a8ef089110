//! Column definitions, constraints and data types, read from tokens. Both the classifier and
//! the sqlparser path take these details from here, so a statement sqlparser cannot parse
//! has the same column model as one it can.

use super::cursor::Cursor;
use crate::lexer::{Dialect, TokenKind};
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

/// Items of a table body that are table constraints.
const CONSTRAINT_WORDS: &[&str] = &[
    "constraint",
    "primary",
    "unique",
    "foreign",
    "check",
    "exclude",
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
];

/// ClickHouse's further table items (`INDEX i expr TYPE ...`, `PROJECTION p (...)`); in
/// PostgreSQL these words are not reserved and name columns (`index integer`).
const CLICKHOUSE_ITEM_WORDS: &[&str] = &["index", "projection"];

impl Cursor<'_> {
    fn at_option_word(&self, i: usize) -> bool {
        // The token is read once, not once per option word (every token of every column
        // type passes here).
        self.word_at(i).is_some_and(|word| {
            COLUMN_OPTION_WORDS
                .iter()
                .any(|w| word.eq_ignore_ascii_case(w))
        })
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
    let (mut modifiers, mut array, mut quoted) = (false, false, false);
    let mut length = None;
    while !c.at_end() && !c.at_option_word(c.pos) && !until.iter().any(|w| c.is(w)) {
        if c.punct_at(c.pos, "(") {
            let end = c.group_end(c.pos);
            // `(20)`: one integer and nothing else.
            length = (!modifiers && end == c.pos + 3)
                .then(|| c.slice(c.pos + 1).parse::<u32>().ok())
                .flatten();
            modifiers = true;
            c.pos = end;
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
            Some(word) => {
                quoted = matches!(c.tokens.get(c.pos), Some(t) if t.kind == TokenKind::QuotedIdent);
                words.push(word);
            }
            None => break,
        }
        c.pos += 1;
    }
    if words.is_empty() || c.pos == start {
        return None;
    }
    let span = c.tokens[start].range.start..c.tokens[c.pos - 1].range.end;
    // Most types are one word, kept as it is (`join` would copy it).
    let name = match words.len() {
        1 => words.pop().unwrap_or_default(),
        _ => words.join(" "),
    };
    Some(DataType {
        name,
        modifiers,
        length,
        array,
        quoted,
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
            def.references = c.name().map(Box::new);
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
                def.default = Some(Box::new(DefaultExpr {
                    span: c.tokens[start].range.start..c.tokens[end - 1].range.end,
                    calls: calls(c, start..end),
                }));
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
            let clickhouse_item = c.dialect == Dialect::ClickHouse
                && CLICKHOUSE_ITEM_WORDS.iter().any(|w| item_cursor.is(w));
            if clickhouse_item || TABLE_ITEM_WORDS.iter().any(|w| item_cursor.is(w)) {
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

/// The table constraints of a `CREATE TABLE` body (the items that open with `CONSTRAINT`,
/// `PRIMARY KEY`, `UNIQUE`, `FOREIGN KEY`, `CHECK` or `EXCLUDE`): the cursor's tokens are
/// inside the parentheses.
pub(super) fn table_constraints(c: &Cursor) -> Vec<ConstraintDef> {
    c.top_level_items()
        .iter()
        .filter_map(|item| {
            let mut item_cursor = c.restricted(item);
            CONSTRAINT_WORDS
                .iter()
                .any(|w| item_cursor.is(w))
                .then(|| constraint_def(&mut item_cursor))
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

#[cfg(test)]
mod tests {
    use crate::analyze::analyze_section;
    use crate::lexer::Dialect;
    use crate::model::{ActionKind, ConstraintKind, Generated, StatementKind};

    /// The model of one statement, through the whole pipeline (sqlparser where it parses).
    fn kind(sql: &str) -> StatementKind {
        let analysis = analyze_section(sql, 0..sql.len(), Dialect::Postgres);
        analysis.statements[0].kind.clone()
    }

    fn action(sql: &str) -> ActionKind {
        match kind(sql) {
            StatementKind::AlterTable { actions, .. } => actions[0].kind.clone(),
            other => panic!("not alter table: {other:?}"),
        }
    }

    #[test]
    fn reads_added_columns() {
        let ActionKind::AddColumn { column, def } = action(
            "alter table t add column if not exists c pg_catalog.varchar(20)[] not null default gen_random_uuid()::text",
        ) else {
            panic!("not add column");
        };
        assert_eq!(column.name, "c");
        let data_type = def.data_type.unwrap();
        assert_eq!(
            (
                data_type.name.as_str(),
                data_type.modifiers,
                data_type.array
            ),
            ("varchar", true, true)
        );
        assert!(def.not_null);
        assert_eq!(def.default.unwrap().calls, ["gen_random_uuid"]);

        let ActionKind::AddColumn { def, .. } = action(
            "alter table t add c timestamp(3) with time zone default current_timestamp references u (id)",
        ) else {
            panic!("not add column");
        };
        assert_eq!(def.data_type.unwrap().name, "timestamp with time zone");
        assert_eq!(def.default.unwrap().calls, ["current_timestamp"]);
        assert_eq!(def.references.unwrap().name, "u");

        let ActionKind::AddColumn { def, .. } =
            action("alter table t add c int generated always as (a + 1) stored")
        else {
            panic!("not add column");
        };
        assert_eq!(def.generated, Some(Generated::Stored));
        let ActionKind::AddColumn { def, .. } =
            action("alter table t add c bigint generated by default as identity primary key")
        else {
            panic!("not add column");
        };
        assert_eq!(def.generated, Some(Generated::Identity));
        assert!(def.primary_key);
    }

    #[test]
    fn reads_added_constraints() {
        let ActionKind::AddConstraint { constraint } = action(
            "alter table t add constraint fk foreign key (u_id) references public.u (id) not valid",
        ) else {
            panic!("not add constraint");
        };
        assert_eq!(constraint.kind, ConstraintKind::ForeignKey);
        assert!(constraint.not_valid);
        assert_eq!(constraint.references.unwrap().to_string(), "public.u");

        let ActionKind::AddConstraint { constraint } =
            action("alter table t add constraint c check ((c is not null)) not valid")
        else {
            panic!("not add constraint");
        };
        assert_eq!(constraint.not_null_check.as_deref(), Some("c"));
        assert_eq!(constraint.name.unwrap().name, "c");

        let ActionKind::AddConstraint { constraint } =
            action("alter table t add constraint pk primary key using index t_pk")
        else {
            panic!("not add constraint");
        };
        assert_eq!(constraint.kind, ConstraintKind::PrimaryKey);
        assert!(constraint.using_index && !constraint.not_valid);
    }

    #[test]
    fn quoted_type_names_are_marked() {
        let type_of = |sql: &str| match action(sql) {
            ActionKind::AddColumn { def, .. } => def.data_type.unwrap(),
            other => panic!("not add column: {other:?}"),
        };
        assert!(type_of("alter table t add c \"char\"").quoted);
        assert!(type_of("alter table t add c pg_catalog.\"char\"[]").quoted);
        assert!(!type_of("alter table t add c char[]").quoted);
        assert!(!type_of("alter table t add c \"pg_catalog\".char").quoted);
    }

    #[test]
    fn reads_table_columns_and_partitioning() {
        let StatementKind::CreateTable {
            columns,
            partitioned,
            ..
        } = kind("create table m (id bigserial primary key, at timestamp not null, unique (id), constraint x check (id > 0)) partition by range (at)")
        else {
            panic!("not create table");
        };
        let names: Vec<(&str, &str)> = columns
            .iter()
            .map(|c| {
                (
                    c.name.name.as_str(),
                    c.def.data_type.as_ref().map_or("", |t| t.name.as_str()),
                )
            })
            .collect();
        assert_eq!(names, [("id", "bigserial"), ("at", "timestamp")]);
        assert!(partitioned);
        // Not reserved in PostgreSQL: a column (in ClickHouse, a data-skipping index).
        let StatementKind::CreateTable { columns, .. } =
            kind("create table folders (id bigint, index integer default 0, projection text)")
        else {
            panic!("not create table");
        };
        let names: Vec<&str> = columns.iter().map(|c| c.name.name.as_str()).collect();
        assert_eq!(names, ["id", "index", "projection"]);
        let StatementKind::CreateTable {
            clauses,
            partitioned,
            ..
        } = kind(
            "create table m_2026 partition of m for values from ('2026-01-01') to ('2027-01-01')",
        )
        else {
            panic!("not create table");
        };
        assert_eq!(clauses.unwrap().partition_of.unwrap().name, "m");
        assert!(!partitioned);
    }

    #[test]
    fn reads_table_constraints() {
        let StatementKind::CreateTable {
            columns,
            clauses: Some(clauses),
            ..
        } = kind("create table t (id int, u_id int references u, primary key (id), constraint t_u_fk foreign key (u_id) references public.u (id) on delete cascade, check (id > 0))")
        else {
            panic!("not create table with constraints");
        };
        assert_eq!(columns.len(), 2);
        assert!(clauses.partition_of.is_none());
        let read: Vec<(ConstraintKind, Option<String>, Option<String>)> = clauses
            .constraints
            .iter()
            .map(|c| {
                (
                    c.kind,
                    c.name.as_ref().map(|n| n.name.clone()),
                    c.references.as_ref().map(|r| r.to_string()),
                )
            })
            .collect();
        assert_eq!(
            read,
            [
                (ConstraintKind::PrimaryKey, None, None),
                (
                    ConstraintKind::ForeignKey,
                    Some("t_u_fk".into()),
                    Some("public.u".into())
                ),
                (ConstraintKind::Check, None, None),
            ]
        );
    }

    #[test]
    fn reads_types_of_altered_columns_sets_and_maintenance() {
        let ActionKind::AlterColumnType { data_type, .. } =
            action("alter table t alter column c type char(3) using c::char(3)")
        else {
            panic!("not alter type");
        };
        assert_eq!(data_type.unwrap().name, "char");
        assert!(matches!(
            kind("set local lock_timeout = '5s'"),
            StatementKind::Set { parameter, value, local: true } if parameter == "lock_timeout" && value == "5s"
        ));
        assert!(matches!(
            kind("vacuum (full, analyze) public.t"),
            StatementKind::Maintenance { full: true, target: Some(t), .. } if t.name == "t"
        ));
        assert!(matches!(
            kind("reindex index concurrently i"),
            StatementKind::Maintenance { object: crate::model::ObjectType::Index, target: Some(t), .. } if t.name == "i"
        ));
        assert!(matches!(
            action("alter table p detach partition p1 concurrently"),
            ActionKind::DetachTablePartition {
                concurrently: true,
                ..
            }
        ));
        assert!(matches!(
            kind("alter domain d add constraint c check (value > 0) not valid"),
            StatementKind::AlterDomain { add_constraint: Some(c), .. } if c.not_valid && c.kind == ConstraintKind::Check
        ));
        assert!(matches!(
            kind("create domain d as int not null"),
            StatementKind::Create {
                constrained: true,
                ..
            }
        ));
    }
}
