use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{ActionKind, Name, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "identifier-too-long",
        code: "ST008",
        category: Category::Style,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "identifier longer than 63 bytes (silently truncated)",
        what_it_does: "Flags names longer than 63 bytes that a statement creates or renames to: tables and their columns, added columns and constraints, indexes, policies, functions, other created objects (views, types, sequences, schemas, triggers, ...), and the new names of `RENAME TO` / `RENAME COLUMN ... TO`. PostgreSQL only.",
        why_is_this_bad: "PostgreSQL keeps only the first 63 bytes of an identifier (`NAMEDATALEN - 1`) and only raises a notice. Two long names that share their first 63 bytes become the same name, so the second `CREATE` fails or an index or constraint lands on the wrong name, and tools or later migrations that refer to the full name do not find it.",
        example: "CREATE INDEX orders_customer_id_created_at_status_fulfillment_center_region_idx\n    ON orders (customer_id, created_at, status, fulfillment_center, region);",
        use_instead: "CREATE INDEX orders_customer_created_status_center_region_idx\n    ON orders (customer_id, created_at, status, fulfillment_center, region);",
    },
    checks_down: false,
    check: Check::Statement(check),
};

/// PostgreSQL's `NAMEDATALEN - 1`.
const MAX_BYTES: usize = 63;

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    if ctx.dialect != Dialect::Postgres {
        return;
    }
    for (what, name) in created_names(statement) {
        let bytes = name.name.len();
        if bytes > MAX_BYTES {
            out.push(Violation::new(
                name.span.clone(),
                format!(
                    "{what} name {} is {bytes} bytes long; postgres truncates it to {}",
                    name.name,
                    truncated(&name.name)
                ),
                "use a name of at most 63 bytes",
            ));
        }
    }
}

/// The names a statement gives to objects it creates or renames, each with what it names.
fn created_names(statement: &Statement) -> Vec<(&'static str, &Name)> {
    let mut names = Vec::new();
    match &statement.kind {
        StatementKind::CreateTable { table, columns, .. } => {
            names.push(("table", table));
            names.extend(columns.iter().map(|c| ("column", &c.name)));
        }
        StatementKind::CreateIndex {
            name: Some(name), ..
        } => names.push(("index", name)),
        StatementKind::CreatePolicy(policy) => names.push(("policy", &policy.name)),
        StatementKind::CreateFunction {
            object,
            name: Some(name),
            ..
        }
        | StatementKind::Create {
            object,
            name: Some(name),
            ..
        } => names.push((object.as_str(), name)),
        StatementKind::AlterTable { actions, .. } => {
            for action in actions {
                match &action.kind {
                    ActionKind::AddColumn { column, .. } => names.push(("column", column)),
                    ActionKind::AddConstraint { constraint } => {
                        if let Some(name) = &constraint.name {
                            names.push(("constraint", name));
                        }
                    }
                    ActionKind::RenameTable { to } => names.push(("table", to)),
                    ActionKind::RenameColumn { to, .. } => names.push(("column", to)),
                    _ => {}
                }
            }
        }
        StatementKind::AlterDomain {
            add_constraint: Some(constraint),
            ..
        } => {
            if let Some(name) = &constraint.name {
                names.push(("constraint", name));
            }
        }
        StatementKind::Rename { object, to, .. } => names.push((object.as_str(), to)),
        StatementKind::RenameTables { pairs } => {
            names.extend(pairs.iter().map(|(_, to)| ("table", to)));
        }
        _ => {}
    }
    names
}

/// What PostgreSQL keeps: the longest prefix of at most 63 bytes that ends on a character
/// boundary.
fn truncated(name: &str) -> &str {
    let mut end = MAX_BYTES.min(name.len());
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_on_a_character_boundary() {
        let ascii = "a".repeat(70);
        assert_eq!(truncated(&ascii).len(), 63);
        // 62 ASCII bytes and a two-byte character: the character does not fit.
        let name = format!("{}é", "a".repeat(62));
        assert_eq!(truncated(&name), "a".repeat(62));
        assert_eq!(truncated("short"), "short");
    }
}
