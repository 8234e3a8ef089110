//! GRANT statements and ALTER DEFAULT PRIVILEGES: privileges, target objects and roles.

use super::cursor::Cursor;
use super::names::role_list;
use crate::model::{GrantTarget, Name, ObjectType, StatementKind};

/// `ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA s, ...] GRANT ... ON TABLES|... TO ...`.
pub(super) fn alter_default_privileges(mut c: Cursor) -> StatementKind {
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
pub(super) fn grant(
    mut c: Cursor,
    default_schemas: Vec<Name>,
    default_privileges: bool,
) -> StatementKind {
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
