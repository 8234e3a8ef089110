//! ALTER statements: ALTER TABLE and its actions, ALTER DOMAIN, and renames or schema moves
//! of other objects.

use super::columns;
use super::cursor::Cursor;
use super::grant::alter_default_privileges;
use super::names::object_type;
use crate::lexer::Dialect;
use crate::model::{ActionKind, AlterAction, ObjectType, StatementKind};

pub(super) fn alter(mut c: Cursor) -> StatementKind {
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
    // `ALTER [MATERIALIZED] VIEW v RENAME [COLUMN] a TO b` renames a column of the view, as
    // `ALTER TABLE v RENAME COLUMN` does (PostgreSQL takes both): modelled as the latter.
    if matches!(object, ObjectType::View | ObjectType::MaterializedView)
        && c.is("rename")
        && !c.is_at(c.pos + 1, "to")
    {
        let rest = c.pos..c.tokens.len();
        let kind = alter_action(c);
        if matches!(kind, ActionKind::RenameColumn { .. }) {
            return StatementKind::AlterTable {
                table: name,
                actions: vec![AlterAction {
                    kind,
                    span: c.span_of(&rest),
                }],
            };
        }
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
                    using: false,
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
            let using = c.is("using");
            return ActionKind::AlterColumnType {
                column,
                data_type,
                using,
            };
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
