//! Where each statement of a section runs: inside a transaction or not (and why), and
//! whether a lock timeout is in force. Read from the framework's transaction mode and the
//! section's own transaction control (as PostgreSQL runs it: `END` commits, `ABORT` rolls
//! back, `AND CHAIN` starts the next transaction at once, savepoints stay in the transaction,
//! `PREPARE TRANSACTION` ends it) and `SET lock_timeout` statements.

use sqlgate_discover::{Framework, TxMode};
use sqlgate_sql::model::{
    ActionKind, MaintenanceCommand, ObjectType, Statement, StatementKind, TransactionControl,
};

/// Why a statement runs inside a transaction block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transaction {
    /// The framework wraps the migration in a transaction.
    Framework,
    /// An explicit `BEGIN` earlier in the section.
    Explicit,
    /// The framework sends the section as one query (golang-migrate, Prisma) and it holds
    /// more than one statement: Postgres runs them as one implicit transaction.
    SingleQuery,
    /// Inside a DO block or function body, which always runs inside a transaction.
    Dynamic,
}

/// Where one statement runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Place {
    pub transaction: Option<Transaction>,
    /// A non-zero `lock_timeout` was set earlier in the section and is still in force.
    pub lock_timeout: bool,
}

/// Whether a `lock_timeout` value limits the wait (`0` and `DEFAULT` mean no limit).
fn limits_wait(value: &str) -> bool {
    let value = value.trim().trim_matches('\'').to_ascii_lowercase();
    !(value.is_empty() || value == "default" || value.trim_start_matches('0').is_empty())
}

/// The number of statements the section sends to the server at top level.
pub fn top_level_statements(statements: &[Statement]) -> usize {
    statements
        .iter()
        .filter(|s| !s.origin.is_dynamic())
        .filter(|s| {
            !matches!(
                s.kind,
                StatementKind::PsqlMeta { .. } | StatementKind::CopyData
            )
        })
        .count()
}

/// Whether Postgres refuses the statement inside a transaction block: `CREATE`/`DROP INDEX
/// CONCURRENTLY`, `REINDEX ... CONCURRENTLY`, `REINDEX SCHEMA|DATABASE|SYSTEM`, `VACUUM`, and
/// `ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY`.
pub fn cannot_run_in_transaction(statement: &Statement) -> bool {
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
        } => statement.concurrently || matches!(object, ObjectType::Schema | ObjectType::Database),
        StatementKind::Maintenance {
            command: MaintenanceCommand::Vacuum,
            ..
        } => true,
        StatementKind::AlterTable { actions, .. } => actions.iter().any(|a| {
            matches!(
                a.kind,
                ActionKind::DetachTablePartition {
                    concurrently: true,
                    ..
                }
            )
        }),
        _ => false,
    }
}

/// How a migration of the framework opts out of the framework's transaction, if it can.
pub fn opt_out(framework: Framework) -> Option<&'static str> {
    Some(match framework {
        Framework::Goose => "`-- +goose NO TRANSACTION` in the migration file",
        Framework::Dbmate => "`transaction:false` on its `-- migrate:up` line",
        Framework::Sqlx => "`-- no-transaction` as its first line",
        Framework::Diesel => "`run_in_transaction = false` in its metadata.toml",
        Framework::Flyway => "`executeInTransaction=false` in its `.sql.conf` file",
        Framework::Atlas => "`-- atlas:txmode none` in the migration file",
        Framework::Popx => {
            "`.autocommit` in its file name (`<version>_<name>.postgres.autocommit.up.sql`)"
        }
        _ => return None,
    })
}

/// The mode a section really runs in. Runners that wrap migrations skip their transaction
/// for some on their own: Flyway for a migration made only of statements that cannot run in
/// one, sourcegraph for a migration that is a single `CREATE INDEX CONCURRENTLY` (declared
/// `createIndexConcurrently` in its metadata.yaml, which sourcegraph requires).
fn effective_mode(statements: &[Statement], mode: TxMode, framework: Framework) -> TxMode {
    if mode != TxMode::Wrapped {
        return mode;
    }
    let mut top = statements
        .iter()
        .filter(|s| !s.origin.is_dynamic())
        .filter(|s| {
            !matches!(
                s.kind,
                StatementKind::PsqlMeta { .. } | StatementKind::CopyData
            )
        })
        .peekable();
    let runs_outside = match framework {
        Framework::Flyway => top.peek().is_some() && top.all(flyway_runs_outside),
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
    };
    if runs_outside {
        TxMode::None
    } else {
        mode
    }
}

/// The statements Flyway's PostgreSQL parser recognises as non-transactional: `CREATE|DROP
/// INDEX CONCURRENTLY`, `REINDEX SCHEMA|DATABASE|SYSTEM` and `VACUUM` (not `REINDEX TABLE|INDEX
/// CONCURRENTLY` or `DETACH PARTITION CONCURRENTLY`, which it wraps like any other).
fn flyway_runs_outside(statement: &Statement) -> bool {
    match &statement.kind {
        StatementKind::Maintenance {
            command: MaintenanceCommand::Reindex,
            object,
            ..
        } => matches!(object, ObjectType::Schema | ObjectType::Database),
        StatementKind::AlterTable { .. } => false,
        _ => cannot_run_in_transaction(statement),
    }
}

/// One `Place` per statement, in order, for a section the framework runs in `mode`.
pub fn places(statements: &[Statement], mode: TxMode, framework: Framework) -> Vec<Place> {
    let mode = effective_mode(statements, mode, framework);
    let implicit = mode == TxMode::SingleQuery && top_level_statements(statements) > 1;
    let mut framework_open = mode == TxMode::Wrapped;
    let mut explicit_open = false;
    let mut session_timeout = false;
    // `SET LOCAL` lasts until the transaction ends.
    let mut local_timeout: Option<bool> = None;
    let mut out = Vec::with_capacity(statements.len());
    for statement in statements {
        let lock_timeout = local_timeout.unwrap_or(session_timeout);
        if statement.origin.is_dynamic() {
            out.push(Place {
                transaction: Some(Transaction::Dynamic),
                lock_timeout,
            });
            continue;
        }
        let transaction = if explicit_open {
            Some(Transaction::Explicit)
        } else if framework_open {
            Some(Transaction::Framework)
        } else if implicit {
            Some(Transaction::SingleQuery)
        } else {
            None
        };
        out.push(Place {
            transaction,
            lock_timeout,
        });
        match &statement.kind {
            StatementKind::Transaction(TransactionControl::Begin) => explicit_open = true,
            StatementKind::Transaction(control) if control.ends_transaction() => {
                // COMMIT inside a framework's transaction ends that transaction too; with
                // AND CHAIN the next one starts at once (and the framework's COMMIT ends it).
                if !control.keeps_transaction() {
                    explicit_open = false;
                    framework_open = false;
                }
                local_timeout = None;
            }
            StatementKind::Set {
                parameter,
                value,
                local,
            } if parameter == "lock_timeout" => {
                let limited = limits_wait(value);
                if *local {
                    if transaction.is_some() {
                        local_timeout = Some(limited);
                    }
                } else {
                    session_timeout = limited;
                    local_timeout = local_timeout.map(|_| limited);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlgate_sql::analyze::analyze_section;
    use sqlgate_sql::lexer::Dialect;

    fn of(sql: &str, mode: TxMode) -> Vec<(Option<Transaction>, bool)> {
        of_framework(sql, mode, Framework::Plain)
    }

    fn of_framework(
        sql: &str,
        mode: TxMode,
        framework: Framework,
    ) -> Vec<(Option<Transaction>, bool)> {
        let analysis = analyze_section(sql, 0..sql.len(), Dialect::Postgres);
        places(&analysis.statements, mode, framework)
            .into_iter()
            .map(|p| (p.transaction, p.lock_timeout))
            .collect()
    }

    #[test]
    fn explicit_transactions_open_and_close() {
        let sql = "create table a (id int); begin; create index i on a (id); commit; select 1;";
        assert_eq!(
            of(sql, TxMode::None),
            [
                (None, false),
                (None, false),
                (Some(Transaction::Explicit), false),
                (Some(Transaction::Explicit), false),
                (None, false),
            ]
        );
    }

    #[test]
    fn transaction_control_is_placed_as_postgres_runs_it() {
        let transactions = |sql: &str, mode| -> Vec<Option<Transaction>> {
            of(sql, mode).into_iter().map(|p| p.0).collect()
        };
        let explicit = Some(Transaction::Explicit);
        // START TRANSACTION opens, AND CHAIN keeps one open, END commits.
        assert_eq!(
            transactions(
                "start transaction; select 1; commit and chain; select 2; end; select 3;",
                TxMode::None
            ),
            [None, explicit, explicit, explicit, explicit, None]
        );
        // Savepoints stay in the transaction; ABORT and PREPARE TRANSACTION end it.
        assert_eq!(
            transactions(
                "begin work; savepoint s; rollback to savepoint s; release s; abort; select 1;",
                TxMode::None
            ),
            [None, explicit, explicit, explicit, explicit, None]
        );
        assert_eq!(
            transactions(
                "begin; select 1; prepare transaction 'x'; commit prepared 'x';",
                TxMode::None
            ),
            [None, explicit, explicit, None]
        );
        // In the framework's transaction, AND CHAIN continues it; COMMIT AND NO CHAIN ends it.
        let framework = Some(Transaction::Framework);
        assert_eq!(
            transactions(
                "select 1; rollback and chain; select 2; commit and no chain; select 3;",
                TxMode::Wrapped
            ),
            [framework, framework, framework, framework, None]
        );
        // SET LOCAL ends with the chained transaction.
        let timeouts: Vec<bool> = of(
            "begin; set local lock_timeout = '1s'; select 1; commit and chain; select 2; commit;",
            TxMode::None,
        )
        .into_iter()
        .map(|p| p.1)
        .collect();
        assert_eq!(timeouts, [false, false, true, true, false, false]);
    }

    #[test]
    fn framework_transactions_end_at_an_explicit_commit() {
        let sql = "select 1; commit; create index concurrently i on a (id);";
        assert_eq!(
            of(sql, TxMode::Wrapped),
            [
                (Some(Transaction::Framework), false),
                (Some(Transaction::Framework), false),
                (None, false),
            ]
        );
    }

    #[test]
    fn single_query_sections_are_one_transaction_only_with_several_statements() {
        assert_eq!(
            of(
                "create index concurrently i on a (id);",
                TxMode::SingleQuery
            ),
            [(None, false)]
        );
        let two = of(
            "create index concurrently i on a (id); select 1;",
            TxMode::SingleQuery,
        );
        assert!(two
            .iter()
            .all(|(t, _)| *t == Some(Transaction::SingleQuery)));
    }

    #[test]
    fn lock_timeout_is_tracked_until_reset_or_the_end_of_a_local_setting() {
        let sql = "set lock_timeout = '2s'; alter table a add column b int; \
                   set lock_timeout to 0; alter table a add column c int; \
                   reset lock_timeout; begin; set local lock_timeout = '1s'; select 1; commit; select 2;";
        let timeouts: Vec<bool> = of(sql, TxMode::None).into_iter().map(|p| p.1).collect();
        assert_eq!(
            timeouts,
            [false, true, true, false, false, false, false, true, true, false]
        );
    }

    #[test]
    fn statements_in_do_blocks_run_in_a_transaction() {
        let sql = "do $$ begin execute 'create index concurrently i on a (id)'; end $$;";
        let places = of(sql, TxMode::None);
        assert_eq!(places.first(), Some(&(None, false)));
        assert!(places[1..]
            .iter()
            .all(|p| p.0 == Some(Transaction::Dynamic)));
        assert!(places.len() > 1);
    }

    #[test]
    fn runners_skip_their_transaction_for_migrations_that_cannot_run_in_one() {
        let wrapped = |sql: &str, framework| {
            of_framework(sql, TxMode::Wrapped, framework)
                .into_iter()
                .map(|p| p.0)
                .collect::<Vec<_>>()
        };
        let concurrent = "create index concurrently i on a (x); drop index concurrently j;";
        assert_eq!(wrapped(concurrent, Framework::Flyway), [None, None]);
        assert_eq!(
            wrapped("reindex table concurrently a;", Framework::Flyway),
            [Some(Transaction::Framework)]
        );
        assert_eq!(
            wrapped(concurrent, Framework::Goose),
            [Some(Transaction::Framework); 2]
        );
        let lone = "create index concurrently i on a (x);";
        assert_eq!(wrapped(lone, Framework::Sourcegraph), [None]);
        assert_eq!(
            wrapped(concurrent, Framework::Sourcegraph),
            [Some(Transaction::Framework); 2]
        );
    }
}
