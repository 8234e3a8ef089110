//! The statement kinds other than CREATE, ALTER and GRANT: COMMENT, DROP, TRUNCATE, DELETE,
//! UPDATE, RENAME TABLES, maintenance commands and SET.

use super::cursor::Cursor;
use super::names::{name_after, object_type};
use crate::model::{MaintenanceCommand, Name, ObjectType, StatementKind};

/// `COMMENT ON object name [ON table] IS ...`, for the object types that have a name rules
/// can look up; a column's table comes from `table.column`.
pub(super) fn comment(mut c: Cursor) -> StatementKind {
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

pub(super) fn drop(mut c: Cursor) -> StatementKind {
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

pub(super) fn truncate(mut c: Cursor) -> StatementKind {
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

pub(super) fn delete(mut c: Cursor) -> StatementKind {
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

pub(super) fn update(mut c: Cursor) -> StatementKind {
    c.eat("only");
    match c.name() {
        Some(table) => StatementKind::Update {
            has_where: c.find_top_level("where").is_some(),
            columns: set_columns(c).unwrap_or_default().into(),
            table,
        },
        None => StatementKind::Other {
            keyword: "UPDATE".into(),
        },
    }
}

/// The columns an `UPDATE ... SET` assigns: `col = ...`, `col[1] = ...`, `col.field = ...`
/// and `(a, b) = ...`, up to a top-level `FROM`, `WHERE` or `RETURNING`; `None` when an
/// item does not start with a column.
fn set_columns(c: Cursor) -> Option<Vec<Name>> {
    let start = c.find_top_level("set")? + 1;
    let mut end = c.tokens.len();
    let mut depth = 0usize;
    for i in start..c.tokens.len() {
        if c.punct_at(i, "(") || c.punct_at(i, "[") {
            depth += 1;
        } else if c.punct_at(i, ")") || c.punct_at(i, "]") {
            depth = depth.saturating_sub(1);
        } else if depth == 0
            && ["from", "where", "returning"].iter().any(|k| c.is_at(i, k))
            // `a IS DISTINCT FROM b` in a value.
            && !c.is_at(i.wrapping_sub(1), "distinct")
        {
            end = i;
            break;
        }
    }
    let assignments = c.restricted(&(start..end));
    let mut columns = Vec::new();
    for item in assignments.top_level_items() {
        let item = assignments.restricted(&item);
        let column = |i: usize| {
            let name = item.ident_at(i)?;
            Some(Name {
                schema: None,
                name,
                span: item.tokens.get(i)?.range.clone(),
            })
        };
        if item.punct_at(0, "(") {
            // `(a, b) = (...)`: the names inside the first parentheses.
            let close = (1..item.tokens.len()).find(|&i| item.punct_at(i, ")"))?;
            let inner = item.restricted(&(1..close));
            for part in inner.top_level_items() {
                columns.push(column(part.start + 1)?);
            }
        } else {
            columns.push(column(0)?);
        }
    }
    (!columns.is_empty()).then_some(columns)
}

pub(super) fn rename_tables(mut c: Cursor) -> StatementKind {
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

/// `VACUUM`, `CLUSTER`, `REINDEX`, `REFRESH MATERIALIZED VIEW` and `LOCK TABLE`, the cursor
/// after the first word.
pub(super) fn maintenance(mut c: Cursor, first: &str) -> StatementKind {
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
pub(super) fn set(mut c: Cursor) -> StatementKind {
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
