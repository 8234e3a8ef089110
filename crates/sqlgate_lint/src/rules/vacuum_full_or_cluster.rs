use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{MaintenanceCommand, ObjectType, Origin, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "vacuum-full-or-cluster",
        code: "LK014",
        category: Category::Locking,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "VACUUM FULL or CLUSTER (rewrites the table under ACCESS EXCLUSIVE)",
        what_it_does: "Flags `VACUUM FULL` and `CLUSTER` of a table that existed before the change set (PostgreSQL). Without a table name (the whole database, or every previously clustered table) they are always flagged.",
        why_is_this_bad: "Both rewrite the whole table and its indexes while holding an ACCESS EXCLUSIVE lock: no query, not even a read, can touch the table until the rewrite ends, which on a large table takes minutes to hours and needs room for a second copy of it.",
        example: "VACUUM FULL orders;\nCLUSTER orders USING orders_pkey;",
        use_instead: "-- rebuild online with an extension, e.g.\n-- pg_repack --table=orders\n-- or, on PostgreSQL 19+:\nREPACK (CONCURRENTLY) orders;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    if ctx.dialect != Dialect::Postgres || matches!(statement.origin, Origin::FunctionBody { .. }) {
        return;
    }
    let StatementKind::Maintenance {
        command,
        target,
        full,
        ..
    } = &statement.kind
    else {
        return;
    };
    let what = match command {
        MaintenanceCommand::Vacuum if *full => "vacuum full",
        MaintenanceCommand::Cluster => "cluster",
        _ => return,
    };
    let message = match target {
        Some(table) if ctx.is_new(ObjectType::Table, table) => return,
        Some(table) => format!("{what} of table {table} rewrites it under an access exclusive lock"),
        None if *command == MaintenanceCommand::Cluster => {
            "cluster of every previously clustered table rewrites each under an access exclusive lock"
                .to_string()
        }
        None => "vacuum full of every table in the database rewrites each under an access exclusive lock"
            .to_string(),
    };
    out.push(Violation::new(
        statement.range.clone(),
        message,
        "rebuild it online with pg_repack or pg_squeeze, or REPACK (CONCURRENTLY) on PostgreSQL 19+",
    ));
}
