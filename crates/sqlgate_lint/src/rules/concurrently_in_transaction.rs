use std::ops::Range;

use super::{Check, Located, MigrationContext, Rule, RuleMeta, Violation};
use crate::transaction::{opt_out, top_level_statements, Transaction};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_discover::Framework;
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{
    ActionKind, MaintenanceCommand, ObjectType, Origin, Statement, StatementKind,
};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "concurrently-in-transaction",
        code: "LK003",
        category: Category::Locking,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "CONCURRENTLY inside BEGIN or a framework transaction",
        what_it_does: "Flags `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX ... CONCURRENTLY` and `ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY` that would run inside a transaction block (PostgreSQL): a migration the framework wraps in a transaction (goose, dbmate, sqlx, diesel, Flyway, Atlas, sourcegraph, popx) unless it opts out, an explicit `BEGIN ... COMMIT`, a golang-migrate, Prisma or Supabase file or a popx `.autocommit` file with more than one statement (sent as one query or one pipelined batch, so run as one implicit transaction), or a DO block. `REFRESH MATERIALIZED VIEW CONCURRENTLY` may run in a transaction and is not flagged. The rule applies to tables created in the same change set too: PostgreSQL rejects the statement whatever the table's age. Flyway runs a migration made only of statements that cannot run in a transaction (`CREATE`/`DROP INDEX CONCURRENTLY`, `REINDEX SCHEMA|DATABASE|SYSTEM`, `VACUUM`) without one, and is not flagged for it; so is a sourcegraph migration holding a single `CREATE INDEX CONCURRENTLY` (which sourcegraph requires to be declared with `createIndexConcurrently: true` in metadata.yaml).",
        why_is_this_bad: "PostgreSQL refuses these commands inside a transaction block (`CREATE INDEX CONCURRENTLY cannot run inside a transaction block`): the migration fails at deploy time, and with a framework that does not roll back, half of it may already be applied.",
        example: "-- +goose Up\nCREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);",
        use_instead: "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);",
    },
    checks_down: false,
    check: Check::Migration(check),
};

fn check(ctx: &MigrationContext, out: &mut Vec<Located>) {
    if ctx.dialect != Dialect::Postgres {
        return;
    }
    let up = &ctx.up;
    let statements = top_level_statements(up.statements);
    for (statement, place) in up.statements.iter().zip(up.places) {
        if matches!(statement.origin, Origin::FunctionBody { .. }) {
            continue;
        }
        let Some(reason) = place.transaction else {
            continue;
        };
        for (span, subject) in concurrent_operations(statement) {
            let (mut message, help) = explain(ctx, reason, statements, &subject);
            if let Some(origin) = statement.origin.describe() {
                message = format!("{message} ({origin})");
            }
            out.push(Located {
                file: up.file,
                violation: Violation::new(span, message, help),
            });
        }
    }
}

/// The statements (or actions) that cannot run in a transaction block, each with where to
/// report it and a phrase naming it.
fn concurrent_operations(statement: &Statement) -> Vec<(Range<usize>, String)> {
    let join = |names: Vec<String>| names.join(", ");
    match &statement.kind {
        StatementKind::CreateIndex {
            name,
            table,
            concurrently: true,
            ..
        } => {
            let subject = match name {
                Some(name) => format!("create index concurrently {name} on {table}"),
                None => format!("create index concurrently on {table}"),
            };
            vec![(statement.range.clone(), subject)]
        }
        StatementKind::Drop {
            object: ObjectType::Index,
            names,
            ..
        } if statement.concurrently => {
            let names = join(names.iter().map(ToString::to_string).collect());
            vec![(
                statement.range.clone(),
                format!("drop index concurrently {names}")
                    .trim_end()
                    .to_string(),
            )]
        }
        StatementKind::Maintenance {
            command: MaintenanceCommand::Reindex,
            object,
            target,
            ..
        } if statement.concurrently => {
            let subject = match target {
                Some(target) => format!("reindex {} concurrently {target}", object.as_str()),
                None => "reindex concurrently".to_string(),
            };
            vec![(statement.range.clone(), subject)]
        }
        StatementKind::AlterTable { table, actions } => actions
            .iter()
            .filter_map(|action| match &action.kind {
                ActionKind::DetachTablePartition {
                    partition,
                    concurrently: true,
                } => Some((
                    action.span.clone(),
                    format!("detach partition {partition} concurrently from {table}"),
                )),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The message and help for one operation, by why it runs in a transaction.
fn explain(
    ctx: &MigrationContext,
    reason: Transaction,
    statements: usize,
    subject: &str,
) -> (String, String) {
    let framework = ctx.framework.name();
    match reason {
        Transaction::Framework => (
            format!(
                "{subject} runs inside the transaction {framework} wraps the migration in, and postgres cannot run it in a transaction block"
            ),
            framework_help(ctx),
        ),
        Transaction::Explicit => (
            format!(
                "{subject} inside begin ... commit fails: postgres cannot run it in a transaction block"
            ),
            "move it out of the begin ... commit block, into a migration that runs without a transaction".to_string(),
        ),
        Transaction::SingleQuery => (
            format!(
                "{subject} fails: {framework} sends the file as {unit}; with {statements} statements postgres runs them as one implicit transaction",
                unit = if ctx.framework == Framework::Supabase {
                    "one pipelined batch"
                } else {
                    "one query"
                }
            ),
            "put the CONCURRENTLY statement in a migration of its own".to_string(),
        ),
        Transaction::Dynamic => (
            format!(
                "{subject} inside a do block or function, which always runs in a transaction, fails"
            ),
            "run it as a top-level statement of a migration that runs without a transaction"
                .to_string(),
        ),
    }
}

/// How to run the migration without the framework's transaction.
fn framework_help(ctx: &MigrationContext) -> String {
    match (ctx.framework, opt_out(ctx.framework)) {
        (Framework::Flyway, Some(opt_out)) => format!(
            "opt out with {opt_out} (V{}__<description>.sql.conf), or keep only statements that cannot run in a transaction in this migration: flyway then runs it without one",
            ctx.version
        ),
        (Framework::Popx, Some(opt_out)) => format!(
            "opt out of the transaction with {opt_out}, and keep the CONCURRENTLY statement alone in that file: popx sends it as one query"
        ),
        (_, Some(opt_out)) => format!("opt out of the transaction with {opt_out}"),
        (Framework::Sourcegraph, None) => "sourcegraph runs every migration in a transaction except one that is a single CREATE INDEX CONCURRENTLY declared with `createIndexConcurrently: true` in its metadata.yaml: move it to such a migration".into(),
        (_, None) => "run it in a migration that runs without a transaction".into(),
    }
}
