use super::missing_transaction::keyword_span;
use super::{Check, Located, MigrationContext, Rule, RuleMeta, SectionView, Violation};
use crate::transaction::Transaction;
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{Origin, StatementKind, TransactionControl};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "nested-transaction",
        code: "TX002",
        category: Category::Transaction,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "BEGIN/COMMIT inside a framework-wrapped migration",
        what_it_does: "Flags, in PostgreSQL migrations, transaction control that does not do what it seems to: `BEGIN`/`START TRANSACTION` and `COMMIT`/`END`/`ROLLBACK`/`ABORT`/`PREPARE TRANSACTION` in a migration the framework already runs in a transaction (sqlx, diesel, sourcegraph, dbmate, goose, popx, Flyway, Atlas), a `BEGIN` while an explicit transaction is already open, a `COMMIT` or `ROLLBACK` when no transaction is open, `COMMIT AND CHAIN`, `ROLLBACK AND CHAIN` or a savepoint outside any transaction (PostgreSQL rejects them), `ROLLBACK AND CHAIN` in the framework's transaction, and `COMMIT PREPARED`/`ROLLBACK PREPARED` inside one. Transaction control is read as PostgreSQL runs it: `COMMIT AND CHAIN` starts the next transaction at once (in the framework's transaction it is not reported: the framework's own `COMMIT` ends the new one), `SAVEPOINT`, `RELEASE` and `ROLLBACK TO` stay in the transaction. `BEGIN`/`COMMIT` in a golang-migrate, Prisma or Supabase migration (sent as one query or one pipelined batch, whose implicit transaction `BEGIN` turns into an ordinary one) and in a migration that opts out of its framework's transaction are fine.",
        why_is_this_bad: "PostgreSQL ignores a `BEGIN` inside a transaction (with a warning), so the first `COMMIT` ends the framework's transaction: the statements after it run outside any transaction, one commit each, and the framework's own `COMMIT` finds nothing to commit. A `ROLLBACK` there throws away the migration's work while the framework records it as applied. A `COMMIT` without `BEGIN` shows that the author expected a transaction that was never opened: everything before it has already committed statement by statement.",
        example: "-- migrations/00012_orders_status.sql (goose wraps each migration in a transaction)\n-- +goose Up\nBEGIN;\nALTER TABLE orders ADD COLUMN status text;\nCOMMIT;",
        use_instead: "-- +goose Up\nALTER TABLE orders ADD COLUMN status text;",
    },
    checks_down: false,
    check: Check::Migration(check),
};

fn check(ctx: &MigrationContext, out: &mut Vec<Located>) {
    if ctx.dialect != Dialect::Postgres {
        return;
    }
    let up = &ctx.up;
    let framework = ctx.framework.name();
    let remove = format!(
        "remove BEGIN and COMMIT: {framework} runs the migration in a transaction and commits it"
    );
    // Whether the open explicit transaction began inside the framework's (and so is it).
    let mut inside_framework = false;
    for (i, (statement, place)) in up.statements.iter().zip(up.places).enumerate() {
        if statement.origin != Origin::TopLevel {
            continue;
        }
        let StatementKind::Transaction(control) = &statement.kind else {
            continue;
        };
        let control = *control;
        let upper = control.as_str().to_ascii_uppercase();
        let (message, help) = match (control, place.transaction) {
            (TransactionControl::Begin, Some(Transaction::Framework)) => {
                inside_framework = true;
                (
                    format!("begin inside the transaction {framework} already wraps the migration in: postgres ignores it with a warning"),
                    remove.clone(),
                )
            }
            (TransactionControl::Begin, Some(Transaction::Explicit)) => (
                "nested begin: a transaction is already open, postgres ignores this begin and the first commit ends both".to_string(),
                "remove the inner BEGIN and its COMMIT".to_string(),
            ),
            (control, None) if control.needs_transaction() => (
                format!(
                    "{} outside a transaction block: no transaction is open, postgres rejects it",
                    control.as_str()
                ),
                format!("add BEGIN at the top of the migration, or remove the {upper}"),
            ),
            (TransactionControl::FinishPrepared, Some(_)) => (
                "commit or rollback prepared inside a transaction block: postgres rejects it".to_string(),
                "run it outside the migration's transaction".to_string(),
            ),
            (control, transaction) if control.ends_transaction() => {
                let verb = control.as_str();
                let ends_framework = transaction == Some(Transaction::Framework)
                    || (transaction == Some(Transaction::Explicit) && inside_framework);
                let chained = control.keeps_transaction();
                if !chained {
                    inside_framework = false;
                }
                match (ends_framework, control) {
                    // The next transaction starts at once, and the framework commits it.
                    (true, TransactionControl::Commit { chain: true }) => continue,
                    (true, TransactionControl::Rollback { chain: true }) => (
                        format!("{verb} throws away the migration's work before it, and {framework} still records the migration as applied"),
                        remove.clone(),
                    ),
                    // A BEGIN after it opens the transaction the framework then commits:
                    // what breaks is that the migration is no longer all or nothing.
                    (true, TransactionControl::Commit { .. }) if begins_again(up, i) => (
                        format!("{verb} inside the transaction {framework} wraps the migration in: the statements before it are committed on their own, so a failure after it leaves the migration half applied"),
                        remove.clone(),
                    ),
                    (true, _) => (
                        format!("{verb} ends the transaction {framework} wraps the migration in: the statements after it run outside a transaction and {framework}'s own commit finds none"),
                        remove.clone(),
                    ),
                    (false, _) if transaction.is_none() => (
                        format!("{verb} without begin: no transaction is open, the statements before it have already committed one by one"),
                        format!("add BEGIN at the top of the migration, or remove the {upper}"),
                    ),
                    (false, _) => continue,
                }
            }
            _ => continue,
        };
        out.push(Located {
            file: up.file,
            violation: Violation::new(keyword_span(up.text, statement), message, help),
        });
    }
}

/// Whether a top-level `BEGIN` follows statement `i` of the section.
fn begins_again(up: &SectionView, i: usize) -> bool {
    up.statements.iter().skip(i + 1).any(|s| {
        s.origin == Origin::TopLevel
            && matches!(
                s.kind,
                StatementKind::Transaction(TransactionControl::Begin)
            )
    })
}
