//! CREATE statements: tables, indexes, policies, functions and procedures, and the other
//! object types.

use super::body::{function_body, Body};
use super::columns;
use super::cursor::Cursor;
use super::names::{object_type, role_list};
use crate::lexer::{Dialect, TokenKind};
use crate::model::{
    Name, ObjectType, Policy, PolicyCommand, PolicyExpr, StatementKind, TableClauses,
};

pub(super) fn create(mut c: Cursor, body: &mut Option<Body>) -> StatementKind {
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
                let mut constraints = Vec::new();
                if c.punct_at(c.pos, "(") {
                    let body_start = c.pos + 1;
                    c.skip_parens();
                    let body = c.restricted(&(body_start..c.pos.saturating_sub(1)));
                    columns = columns::columns(&body);
                    constraints = columns::table_constraints(&body);
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
                    clauses: (partition_of.is_some() || !constraints.is_empty()).then(|| {
                        Box::new(TableClauses {
                            partition_of,
                            constraints,
                        })
                    }),
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
                    columns: index_columns(c).into(),
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
        // ClickHouse `CREATE MATERIALIZED VIEW v [ON CLUSTER c] TO t AS SELECT ...`: its rows
        // are stored in t, the view holds none.
        ObjectType::MaterializedView => {
            let query = c.find_top_level("as");
            c.find_top_level("to")
                .filter(|&i| query.is_none_or(|q| i < q))
                .and_then(|i| {
                    let mut to = c;
                    to.pos = i + 1;
                    to.name()
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

/// The plain columns of an index's `[USING method] (element, ...)`: an element that starts
/// with a column name not followed by `(` (opclass, `COLLATE`, `ASC`, `NULLS` may follow).
fn index_columns(mut c: Cursor) -> Vec<String> {
    if c.eat("using") {
        c.pos += 1;
    }
    if !c.punct_at(c.pos, "(") {
        return Vec::new();
    }
    let start = c.pos + 1;
    c.skip_parens();
    let body = c.restricted(&(start..c.pos.saturating_sub(1)));
    body.top_level_items()
        .into_iter()
        .filter(|item| item.len() == 1 || !body.punct_at(item.start + 1, "("))
        .filter_map(|item| body.ident_at(item.start))
        .collect()
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
