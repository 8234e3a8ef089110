use std::ops::Range;

use super::{Check, Located, MigrationContext, Rule, RuleMeta, Violation};
use crate::discover::Framework;
use crate::finding::{Category, Severity};
use crate::lexer::Dialect;
use crate::model::{ActionKind, MaintenanceCommand, ObjectType, Origin, Statement, StatementKind};
use crate::transaction::{top_level_statements, Transaction};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "concurrently-in-transaction",
        code: "LK003",
        category: Category::Locking,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "CONCURRENTLY inside BEGIN or a framework transaction",
        what_it_does: "Flags `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX ... CONCURRENTLY` and `ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY` that would run inside a transaction block (PostgreSQL): a migration the framework wraps in a transaction (goose, dbmate, sqlx, diesel, Flyway, Atlas, sourcegraph) unless it opts out, an explicit `BEGIN ... COMMIT`, a golang-migrate, Prisma or Supabase file with more than one statement (sent as one query or one pipelined batch, so run as one implicit transaction), or a DO block. `REFRESH MATERIALIZED VIEW CONCURRENTLY` may run in a transaction and is not flagged. The rule applies to tables created in the same change set too: PostgreSQL rejects the statement whatever the table's age. Flyway runs a migration made only of statements that cannot run in a transaction (`CREATE`/`DROP INDEX CONCURRENTLY`, `REINDEX SCHEMA|DATABASE|SYSTEM`, `VACUUM`) without one, and is not flagged for it; so is a sourcegraph migration holding a single `CREATE INDEX CONCURRENTLY` (which sourcegraph requires to be declared with `createIndexConcurrently: true` in metadata.yaml).",
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
    let exempt = framework_runs_it_outside(ctx);
    for (statement, place) in up.statements.iter().zip(up.places) {
        if matches!(statement.origin, Origin::FunctionBody { .. }) {
            continue;
        }
        let Some(reason) = place.transaction else {
            continue;
        };
        if reason == Transaction::Framework && exempt {
            continue;
        }
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

/// Whether the framework, although it wraps migrations in a transaction, runs this one
/// without: Flyway when every statement needs to run outside one, Supabase and sourcegraph
/// for a migration that is a single such statement.
fn framework_runs_it_outside(ctx: &MigrationContext) -> bool {
    let mut top = ctx
        .up
        .top_level()
        .filter(|s| !matches!(s.kind, StatementKind::PsqlMeta | StatementKind::CopyData));
    match ctx.framework {
        Framework::Flyway => {
            let mut any = false;
            let all = top.all(|s| {
                any = true;
                flyway_non_transactional(s)
            });
            any && all
        }
        Framework::Supabase => match (top.next(), top.next()) {
            (Some(only), None) => supabase_runs_outside(only),
            _ => false,
        },
        Framework::Sourcegraph => match (top.next(), top.next()) {
            (Some(only), None) => matches!(
                only.kind,
                StatementKind::CreateIndex {
                    concurrently: true,
                    ..
                }
            ),
            _ => false,
        },
        _ => false,
    }
}

/// Flyway's PostgreSQL parser runs these outside a transaction (and a migration made only of
/// them without one): `CREATE|DROP [UNIQUE] INDEX CONCURRENTLY`, `REINDEX SCHEMA|DATABASE|SYSTEM`,
/// `VACUUM` (also `CREATE|DROP DATABASE`, `ALTER SYSTEM`, `DISCARD ALL`, not modelled here).
fn flyway_non_transactional(statement: &Statement) -> bool {
    match &statement.kind {
        StatementKind::CreateIndex { concurrently, .. } => *concurrently,
        StatementKind::Drop {
            object: ObjectType::Index,
            ..
        } => statement.concurrently,
        StatementKind::Maintenance {
            command: MaintenanceCommand::Reindex,
            object,
            ..
        } => matches!(object, ObjectType::Schema | ObjectType::Database),
        StatementKind::Maintenance {
            command: MaintenanceCommand::Vacuum,
            ..
        } => true,
        _ => false,
    }
}

/// The Supabase CLI (2.109+) runs these outside the migration's transaction.
fn supabase_runs_outside(statement: &Statement) -> bool {
    match &statement.kind {
        StatementKind::CreateIndex { concurrently, .. } => *concurrently,
        StatementKind::Drop {
            object: ObjectType::Index,
            ..
        }
        | StatementKind::Maintenance {
            command: MaintenanceCommand::Reindex,
            ..
        } => statement.concurrently,
        _ => false,
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
    match ctx.framework {
        Framework::Goose => "add `-- +goose NO TRANSACTION` to the migration file".into(),
        Framework::Dbmate => "mark the section `-- migrate:up transaction:false`".into(),
        Framework::Sqlx => "make `-- no-transaction` the first line of the migration".into(),
        Framework::Diesel => {
            "set `run_in_transaction = false` in the migration's metadata.toml".into()
        }
        Framework::Flyway => format!(
            "set `executeInTransaction=false` in a `V{}__<description>.sql.conf` next to the script, or put the statement in a migration of its own (flyway runs a migration made only of statements that cannot run in a transaction without one)",
            ctx.version
        ),
        Framework::Atlas => "add `-- atlas:txmode none` to the migration file".into(),
        Framework::Supabase => "put it in a migration file of its own: the supabase cli runs each file in a transaction (recent versions run a lone CREATE INDEX, DROP INDEX or REINDEX ... CONCURRENTLY outside it)".into(),
        Framework::Sourcegraph => "sourcegraph runs every migration in a transaction except one that is a single CREATE INDEX CONCURRENTLY declared with `createIndexConcurrently: true` in its metadata.yaml: move it to such a migration".into(),
        Framework::GolangMigrate | Framework::Prisma | Framework::Plain => {
            "run it in a migration that runs without a transaction".into()
        }
    }
}
