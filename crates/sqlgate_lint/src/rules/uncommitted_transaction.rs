use super::missing_transaction::keyword_span;
use super::{Check, Located, MigrationContext, Rule, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_discover::TxMode;
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{Statement, StatementKind, TransactionControl};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "uncommitted-transaction",
        code: "TX003",
        category: Category::Transaction,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "BEGIN without a matching COMMIT at the end of the migration",
        what_it_does: "Flags a PostgreSQL migration that the framework does not wrap in a transaction (plain SQL, golang-migrate, Prisma, or a migration that opts out) and that opens a transaction with `BEGIN` or `START TRANSACTION` without a `COMMIT`, `END`, `ROLLBACK`, `ABORT` or `PREPARE TRANSACTION` after it (`COMMIT AND CHAIN` and `ROLLBACK AND CHAIN` start the next transaction at once, so it is still open after them; savepoints stay in it). The finding points at the `BEGIN`. (In a migration the framework wraps, `BEGIN` is reported by nested-transaction.)",
        why_is_this_bad: "The transaction is still open when the migration ends. psql exits and the server rolls the work back although the run looked successful; a migration tool may go on to record the version inside the open transaction or leave the connection holding its locks, blocking every query on the tables it touched until the connection closes.",
        example: "BEGIN;\nCREATE TABLE invoices (id bigint PRIMARY KEY);\nALTER TABLE orders ADD COLUMN invoice_id bigint;",
        use_instead: "BEGIN;\nCREATE TABLE invoices (id bigint PRIMARY KEY);\nALTER TABLE orders ADD COLUMN invoice_id bigint;\nCOMMIT;",
    },
    checks_down: false,
    check: Check::Migration(check),
};

fn check(ctx: &MigrationContext, out: &mut Vec<Located>) {
    if ctx.dialect != Dialect::Postgres || ctx.up.tx == TxMode::Wrapped {
        return;
    }
    let mut open: Option<&Statement> = None;
    for statement in ctx.up.top_level() {
        match statement.kind {
            StatementKind::Transaction(TransactionControl::Begin) => {
                open = open.or(Some(statement));
            }
            // AND CHAIN starts the next transaction at once: it is still open.
            StatementKind::Transaction(control)
                if control.ends_transaction() && !control.keeps_transaction() =>
            {
                open = None;
            }
            _ => {}
        }
    }
    if let Some(begin) = open {
        out.push(Located {
            file: ctx.up.file,
            violation: Violation::new(
                keyword_span(ctx.up.text, begin),
                "begin without a matching commit: the transaction is still open at the end of the migration",
                "end the migration with COMMIT;",
            ),
        });
    }
}
