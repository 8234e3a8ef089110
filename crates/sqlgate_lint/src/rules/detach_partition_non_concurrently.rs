use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ActionKind, Statement};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "detach-partition-non-concurrently",
        code: "LK013",
        category: Category::Locking,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "DETACH PARTITION without CONCURRENTLY on an existing table",
        what_it_does: "Flags `ALTER TABLE parent DETACH PARTITION child` without `CONCURRENTLY` when the parent existed before the change set (PostgreSQL).",
        why_is_this_bad: "A plain `DETACH PARTITION` takes an ACCESS EXCLUSIVE lock on the parent: every query on the partitioned table, reads included, waits for it, and queues behind it while it waits for running queries to finish.",
        example: "ALTER TABLE events DETACH PARTITION events_2023;",
        use_instead: "-- PostgreSQL 14+, outside a transaction block, and not while the table has a default partition\nALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    let Some((table, actions)) = super::altered_existing_table(statement, ctx) else {
        return;
    };
    for action in actions {
        if let ActionKind::DetachTablePartition {
            partition,
            concurrently: false,
        } = &action.kind
        {
            out.push(Violation::new(
                action.span.clone(),
                format!("detach of partition {partition} from table {table} without concurrently"),
                "use DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+; not in a transaction block, not when the table has a default partition)",
            ));
        }
    }
}
