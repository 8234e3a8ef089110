//! Shared readers used by several statement kinds: the object type after a keyword, the name
//! after a top-level keyword, and role lists.

use super::cursor::Cursor;
use crate::model::{Name, ObjectType, Role};

pub(super) fn object_type(c: &mut Cursor) -> Option<ObjectType> {
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

/// The name after the first top-level `keyword` from the cursor on.
pub(super) fn name_after(c: &Cursor, keyword: &str) -> Option<Name> {
    let i = c.find_top_level(keyword)?;
    let mut after = *c;
    after.pos = i + 1;
    after.name()
}

/// Comma-separated roles from the cursor up to one of `stop` (or the end).
pub(super) fn role_list(c: &mut Cursor, stop: &[&str]) -> Vec<Role> {
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
