use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{MaintenanceCommand, ObjectType, Origin, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "reindex-non-concurrently",
        code: "LK012",
        category: Category::Locking,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "REINDEX without CONCURRENTLY",
        what_it_does: "Flags `REINDEX` without `CONCURRENTLY` (PostgreSQL): `REINDEX INDEX` of an index that existed before the change set (not created in it, nor on a table created in it), `REINDEX TABLE` of a table that existed before it, and every `REINDEX SCHEMA`, `REINDEX DATABASE` and `REINDEX SYSTEM`.",
        why_is_this_bad: "A plain `REINDEX` blocks writes to the table while the index is rebuilt, and any query that would use the index (reads included) waits for it too; `REINDEX TABLE`, `SCHEMA` and `DATABASE` do so for every index in turn. On a large table that is minutes to hours of outage.",
        example: "REINDEX INDEX orders_customer_idx;",
        use_instead: "-- PostgreSQL 12+, outside a transaction block\nREINDEX INDEX CONCURRENTLY orders_customer_idx;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    if ctx.dialect != Dialect::Postgres || matches!(statement.origin, Origin::FunctionBody { .. }) {
        return;
    }
    let StatementKind::Maintenance {
        command: MaintenanceCommand::Reindex,
        object,
        target,
        ..
    } = &statement.kind
    else {
        return;
    };
    if statement.concurrently {
        return;
    }
    let help = "use REINDEX ... CONCURRENTLY (PostgreSQL 12+), outside a transaction block";
    let message = match (object, target) {
        (ObjectType::Index, Some(index)) => {
            let table = ctx.catalog.index_table(index);
            if ctx.is_new(ObjectType::Index, index)
                || table.is_some_and(|t| ctx.is_new(ObjectType::Table, t))
            {
                return;
            }
            format!("reindex of index {index} without concurrently")
        }
        (ObjectType::Table, Some(table)) => {
            if ctx.is_new(ObjectType::Table, table) {
                return;
            }
            format!("reindex of table {table} without concurrently")
        }
        (ObjectType::Schema, Some(schema)) => {
            format!("reindex of every index in schema {schema} without concurrently")
        }
        (ObjectType::Database, _) => {
            // `REINDEX SYSTEM` cannot run concurrently at all: name the way that works for both.
            out.push(Violation::new(
                statement.range.clone(),
                "reindex of a whole database without concurrently",
                "reindex the indexes that need it one by one with REINDEX INDEX CONCURRENTLY, outside a transaction block",
            ));
            return;
        }
        _ => "reindex without concurrently".to_string(),
    };
    out.push(Violation::new(statement.range.clone(), message, help));
}
