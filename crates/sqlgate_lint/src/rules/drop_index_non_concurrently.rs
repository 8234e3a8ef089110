use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{ObjectType, Origin, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "drop-index-non-concurrently",
        code: "LK002",
        category: Category::Locking,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "DROP INDEX without CONCURRENTLY",
        what_it_does: "Flags `DROP INDEX` without `CONCURRENTLY` of an index that existed before the change set (PostgreSQL), one finding per index. Indexes created in the change set, or on a table created in it, are not flagged. An index of a partitioned table cannot be dropped concurrently, so plain `DROP INDEX` is not flagged for it; `DROP INDEX CONCURRENTLY` of such an index is flagged instead, because PostgreSQL rejects it.",
        why_is_this_bad: "`DROP INDEX` takes an ACCESS EXCLUSIVE lock on the index's table: it waits for every running query on the table, and while it waits every new query on the table, reads included, queues behind it.",
        example: "DROP INDEX orders_customer_idx;",
        use_instead: "-- outside a transaction block\nDROP INDEX CONCURRENTLY orders_customer_idx;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    if ctx.dialect != Dialect::Postgres || matches!(statement.origin, Origin::FunctionBody { .. }) {
        return;
    }
    let StatementKind::Drop {
        object: ObjectType::Index,
        names,
        ..
    } = &statement.kind
    else {
        return;
    };
    for name in names {
        let table = ctx.catalog.index_table(name);
        let partitioned = table.is_some_and(|t| ctx.catalog.is_partitioned(t));
        if statement.concurrently {
            // Rejected by Postgres whatever the index's age.
            if let (true, Some(table)) = (partitioned, table) {
                out.push(Violation::new(
                    name.span.clone(),
                    format!(
                        "drop index concurrently of index {name} on partitioned table {table} fails: postgres cannot drop an index of a partitioned table concurrently"
                    ),
                    "drop it without CONCURRENTLY (it locks the parent and every partition), with a short lock_timeout",
                ));
            }
            continue;
        }
        let new = ctx.is_new(ObjectType::Index, name)
            || table.is_some_and(|t| ctx.is_new(ObjectType::Table, t));
        if new || partitioned {
            continue;
        }
        out.push(Violation::new(
            name.span.clone(),
            format!("drop index {name} without concurrently"),
            "use DROP INDEX CONCURRENTLY, outside a transaction block",
        ));
    }
}
