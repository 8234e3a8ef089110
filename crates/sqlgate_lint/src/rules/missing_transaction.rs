use std::ops::Range;

use super::{Check, Located, MigrationContext, Rule, RuleMeta, SectionView, Violation};
use crate::transaction::{cannot_run_in_transaction, opt_out};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_discover::{Framework, TxMode};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{Origin, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "missing-transaction",
        code: "TX001",
        category: Category::Transaction,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "migration runs outside a transaction (framework does not wrap, no BEGIN/COMMIT)",
        what_it_does: "Flags a PostgreSQL migration in which two or more statements that change something run outside any transaction: a plain SQL file without `BEGIN`/`COMMIT` (psql runs it in autocommit mode), a migration that opts out of its framework's transaction (`-- +goose NO TRANSACTION`, dbmate `transaction:false`, sqlx `-- no-transaction`, diesel `run_in_transaction = false`, Flyway `executeInTransaction=false`, `-- atlas:txmode none`) or one whose own `COMMIT` ends the framework's transaction early. `SET`, `SELECT`, `SHOW` and the like do not count. A migration whose statements all cannot run in a transaction and can be run again (`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY IF EXISTS`, `REINDEX CONCURRENTLY`, `DETACH PARTITION CONCURRENTLY`, `VACUUM`) is the right shape for a migration without a transaction and is not reported. The finding points at the first statement that runs outside a transaction.",
        why_is_this_bad: "Outside a transaction every statement commits on its own. When one fails part way, the statements before it stay applied while the framework has not recorded the migration as done: the next run starts again from the top and fails on the objects that already exist, and someone has to repair the database by hand.",
        example: "-- migrations/0007_orders_status.sql (plain SQL, run by psql)\nALTER TABLE orders ADD COLUMN status text;\nUPDATE orders SET status = 'open';\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;",
        use_instead: "BEGIN;\nALTER TABLE orders ADD COLUMN status text;\nUPDATE orders SET status = 'open';\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;\nCOMMIT;\n-- CREATE INDEX CONCURRENTLY cannot run in a transaction: give it a migration of its own",
    },
    checks_down: false,
    check: Check::Migration(check),
};

/// Statements that change nothing a rerun would trip over, by their leading keyword.
const HARMLESS_KEYWORDS: &[&str] = &[
    "SHOW",
    "EXPLAIN",
    "NOTIFY",
    "LISTEN",
    "UNLISTEN",
    "ANALYZE",
    "ANALYSE",
    "DISCARD",
    "CHECKPOINT",
    "LOAD",
    "DECLARE",
    "FETCH",
    "MOVE",
    "CLOSE",
    "PREPARE",
    "DEALLOCATE",
];

/// Whether a statement changes the database (so a rerun after a partial failure may trip).
pub(super) fn changes_something(statement: &Statement) -> bool {
    match &statement.kind {
        StatementKind::Set { .. }
        | StatementKind::Select
        | StatementKind::Transaction(_)
        | StatementKind::PsqlMeta { .. }
        | StatementKind::CopyData
        | StatementKind::Unknown => false,
        StatementKind::Other { keyword } => !HARMLESS_KEYWORDS
            .iter()
            .any(|k| k.eq_ignore_ascii_case(keyword)),
        _ => true,
    }
}

/// Statements that cannot run inside a transaction block and can safely be run again.
fn runs_only_outside_a_transaction(statement: &Statement) -> bool {
    let rerunnable = match &statement.kind {
        StatementKind::Drop { if_exists, .. } => *if_exists,
        _ => true,
    };
    cannot_run_in_transaction(statement) && rerunnable
}

/// The span of a statement's first word (`ALTER`, `BEGIN`).
pub(super) fn keyword_span(text: &str, statement: &Statement) -> Range<usize> {
    let len = text
        .get(statement.range.clone())
        .and_then(|s| s.find(|c: char| c.is_whitespace() || c == '(' || c == ';'))
        .unwrap_or(statement.range.len());
    statement.range.start..statement.range.start + len
}

/// (why there is no transaction, what to do) for a section.
fn reason_and_help(framework: Framework, section: &SectionView) -> (String, String) {
    const SEPARATE: &str =
        "keep statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY) in a migration of their own";
    let name = framework.name();
    let ended_early = section.top_level().any(|s| {
        matches!(
            s.kind,
            StatementKind::Transaction(control)
                if control.ends_transaction() && !control.keeps_transaction()
        )
    });
    match (framework, section.tx, opt_out(framework)) {
        (Framework::Plain, _, _) => (
            "plain sql files run by psql autocommit each statement".to_string(),
            format!("wrap the migration in BEGIN; ... COMMIT;, and {SEPARATE}"),
        ),
        (_, TxMode::Wrapped, _) if ended_early => (
            format!("an explicit commit ends the transaction {name} wraps it in"),
            format!("remove the COMMIT so {name}'s transaction covers the whole migration, and {SEPARATE}"),
        ),
        (_, TxMode::Wrapped, _) => (
            format!("{name} runs a migration made only of statements that cannot run in a transaction without one"),
            format!("make each of them safe to run again (IF EXISTS), or {SEPARATE}"),
        ),
        (_, _, Some(opt_out)) => (
            format!("{name} runs it without a transaction, it opts out with {opt_out}"),
            format!("wrap it in BEGIN; ... COMMIT; or remove {opt_out}, and {SEPARATE}"),
        ),
        (_, _, None) => (
            format!("{name} runs it without a transaction"),
            format!("wrap it in BEGIN; ... COMMIT;, and {SEPARATE}"),
        ),
    }
}

fn check(ctx: &MigrationContext, out: &mut Vec<Located>) {
    if ctx.dialect != Dialect::Postgres {
        return;
    }
    let up = &ctx.up;
    let outside: Vec<&Statement> = up
        .statements
        .iter()
        .zip(up.places)
        .filter(|(s, p)| {
            s.origin == Origin::TopLevel && p.transaction.is_none() && changes_something(s)
        })
        .map(|(s, _)| s)
        .collect();
    if outside.len() < 2 || outside.iter().all(|s| runs_only_outside_a_transaction(s)) {
        return;
    }
    let Some(first) = outside.first() else {
        return;
    };
    let (reason, help) = reason_and_help(ctx.framework, up);
    out.push(Located {
        file: up.file,
        violation: Violation::new(
            keyword_span(up.text, first),
            format!(
                "migration runs outside a transaction ({reason}): {} statements commit one by one, a failure part way leaves it half-applied",
                outside.len()
            ),
            help,
        ),
    });
}

#[cfg(test)]
mod tests {
    use sqlgate_sql::analyze::analyze_section;
    use sqlgate_sql::lexer::Dialect;

    fn statements(sql: &str) -> Vec<sqlgate_sql::model::Statement> {
        analyze_section(sql, 0..sql.len(), Dialect::Postgres).statements
    }

    #[test]
    fn only_rerunnable_statements_that_need_no_transaction_are_exempt() {
        let exempt = |sql: &str| {
            statements(sql)
                .iter()
                .all(super::runs_only_outside_a_transaction)
        };
        assert!(exempt("create index concurrently i on t (a)"));
        assert!(exempt("drop index concurrently if exists i"));
        assert!(!exempt("drop index concurrently i"));
        assert!(exempt("reindex index concurrently i"));
        assert!(!exempt("reindex index i"));
        assert!(exempt("vacuum analyze t"));
        assert!(exempt("alter table p detach partition c concurrently"));
        assert!(!exempt("alter table p detach partition c"));
        assert!(!exempt("alter type mood add value 'meh'"));
        assert!(!exempt("create index i on t (a)"));
    }

    #[test]
    fn settings_and_queries_change_nothing() {
        let changes = |sql: &str| statements(sql).iter().any(super::changes_something);
        assert!(!changes("set lock_timeout = '5s'"));
        assert!(!changes("select 1"));
        assert!(!changes("show search_path"));
        assert!(!changes("begin"));
        assert!(changes("alter table t add column a int"));
        assert!(changes("comment on table t is 'x'"));
        assert!(changes("insert into t values (1)"));
    }
}
