use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{Name, ObjectType, Origin, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "create-index-non-concurrently",
        code: "LK001",
        category: Category::Locking,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "CREATE INDEX without CONCURRENTLY on an existing table",
        what_it_does: "Flags `CREATE INDEX` without `CONCURRENTLY` on a table that existed before the change set (PostgreSQL). On a partitioned parent, `CREATE INDEX ... ON ONLY parent` is not flagged (it only records an invalid parent index), `CREATE INDEX ON parent` is (it builds the index on every partition under their locks), and so is `CREATE INDEX CONCURRENTLY` on a partitioned parent (with or without `ONLY`), even on a parent created in the same change set: PostgreSQL rejects it with `cannot create index on partitioned table concurrently`.",
        why_is_this_bad: "A plain `CREATE INDEX` holds a SHARE lock on the table for the whole build: every INSERT, UPDATE and DELETE waits until the index is built, which on a large table takes minutes to hours. On a partitioned parent, the lock is taken on every partition at once.",
        example: "CREATE INDEX orders_customer_idx ON orders (customer_id);",
        use_instead: "-- outside a transaction block\nCREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);\n\n-- on a partitioned table: an invalid parent index, then each partition's index, attached\nCREATE INDEX events_kind_idx ON ONLY events (kind);\nCREATE INDEX CONCURRENTLY events_2024_kind_idx ON events_2024 (kind);\nALTER INDEX events_kind_idx ATTACH PARTITION events_2024_kind_idx;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

const PARTITIONED_HELP: &str = "create it ON ONLY the parent, then CREATE INDEX CONCURRENTLY on each partition and ALTER INDEX ... ATTACH PARTITION";

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    if ctx.dialect != Dialect::Postgres || matches!(statement.origin, Origin::FunctionBody { .. }) {
        return;
    }
    let StatementKind::CreateIndex {
        name,
        table,
        concurrently,
        only,
        unique,
        ..
    } = &statement.kind
    else {
        return;
    };
    let what = index_phrase(*unique, *concurrently, name.as_deref());
    let partitioned = ctx.catalog.is_partitioned(table);
    if *concurrently {
        // Rejected by Postgres whatever the table's age (with or without ONLY).
        if partitioned {
            out.push(Violation::new(
                statement.range.clone(),
                format!(
                    "{what} on partitioned table {table} fails: postgres cannot create an index on a partitioned table concurrently"
                ),
                PARTITIONED_HELP,
            ));
        }
        return;
    }
    if ctx.is_new(ObjectType::Table, table) {
        return;
    }
    if partitioned {
        if !*only {
            out.push(Violation::new(
                statement.range.clone(),
                format!(
                    "{what} on partitioned table {table} without concurrently locks every partition against writes"
                ),
                PARTITIONED_HELP,
            ));
        }
        return;
    }
    out.push(Violation::new(
        statement.range.clone(),
        format!("{what} on table {table} without concurrently"),
        "use CREATE INDEX CONCURRENTLY, outside a transaction block",
    ));
}

/// `create index i`, `create unique index concurrently i`, `create index` (unnamed).
fn index_phrase(unique: bool, concurrently: bool, name: Option<&Name>) -> String {
    let kind = match (unique, concurrently) {
        (false, false) => "create index",
        (true, false) => "create unique index",
        (false, true) => "create index concurrently",
        (true, true) => "create unique index concurrently",
    };
    match name {
        Some(name) => format!("{kind} {name}"),
        None => kind.to_string(),
    }
}
