//! Replay: migration sets applied to a real PostgreSQL. The only importer of the PostgreSQL
//! client (`postgres`).
//!
//! - `server`: the throwaway cluster from local binaries (or scratch databases on a server
//!   the user names), always removed afterwards;
//! - `run`: one set in a scratch database: the starting state, then each migration of the
//!   change set up, down and up again, statement by statement, and the RLS catalog checks;
//! - `observe`: what is read from the catalog around each statement (tables, locks);
//! - `snapshot`: the catalog snapshot compared before an up and after its down;
//! - `shim`: the Supabase platform surface for a vanilla PostgreSQL.

pub mod observe;
pub mod run;
pub mod server;
pub mod shim;
pub mod snapshot;

use std::time::Duration;

use sqlgate_core::replay::{ReplayReport, ReplaySet};
use sqlgate_core::{Dialect, Framework};
use sqlgate_discover::{LoadedFile, MigrationSet};

pub use run::ReplayViolation;
pub use server::ServerError;

use run::{replay_set, SetInput};
use server::{Server, ThrowawayOptions};

/// One set to replay and what its replay needs to know.
pub struct SetPlan<'a> {
    pub set: &'a MigrationSet,
    /// Indexes into `set.migrations` of the change set, ascending (every migration without
    /// `--changed-since`).
    pub change_set: Vec<usize>,
    /// Whether the RLS checks (RP005, RP006) apply to this set.
    pub rls_applies: bool,
}

pub struct ReplayOptions {
    /// An existing server (`--database-url`); `None`: a throwaway cluster.
    pub database_url: Option<String>,
    /// Every statement's limit (a lock wait ends here).
    pub statement_timeout: Duration,
    /// `security.exposed-schemas`.
    pub exposed_schemas: Vec<String>,
}

pub struct ReplayOutcome {
    pub report: ReplayReport,
    pub violations: Vec<ReplayViolation>,
}

/// Replays every PostgreSQL set of `plans`, each in a scratch database of its own. Fails
/// only when no server can be had; a set that cannot be replayed says why in its report.
pub fn replay(
    files: &[LoadedFile],
    plans: &[SetPlan],
    options: &ReplayOptions,
) -> Result<ReplayOutcome, ServerError> {
    let mut server = match &options.database_url {
        Some(url) => {
            let mut server = Server::existing(url)?;
            server.set_statement_timeout(options.statement_timeout);
            server
        }
        None => Server::throwaway(&ThrowawayOptions {
            statement_timeout: options.statement_timeout,
            ..ThrowawayOptions::default()
        })?,
    };
    let mut report = ReplayReport {
        server_version: server.version().to_string(),
        server: if options.database_url.is_some() {
            "database-url"
        } else {
            "throwaway"
        },
        startup_seconds: server.startup().map(|d| d.as_secs_f64()),
        sets: Vec::new(),
    };
    let mut violations = Vec::new();
    for plan in plans {
        let set = plan.set;
        if set.dialect != Dialect::Postgres {
            report
                .sets
                .push(skipped(set, "ClickHouse migrations are not replayed"));
            continue;
        }
        if plan.change_set.is_empty() {
            continue;
        }
        // The set's scratch databases: the first, and one more each time the state must be
        // built again; each dropped when the next is made, the last after the set.
        let mut current: Option<String> = None;
        let shim = set.framework == Framework::Supabase;
        let mut fresh = || -> Result<postgres::Client, String> {
            if let Some(old) = current.take() {
                let _ = server.drop_scratch(&old);
            }
            let (mut client, name) = server.scratch().map_err(|e| e.to_string())?;
            current = Some(name);
            if shim {
                shim::apply_supabase(&mut client)
                    .map_err(|e| format!("the Supabase shim could not be applied: {e}"))?;
            }
            Ok(client)
        };
        let client = match fresh() {
            Ok(client) => client,
            Err(why) => {
                report.sets.push(skipped(set, &why));
                continue;
            }
        };
        let input = SetInput {
            set,
            files,
            change_set: &plan.change_set,
            rls_applies: plan.rls_applies,
            exposed_schemas: &options.exposed_schemas,
            shared_server: options.database_url.is_some(),
        };
        let (set_report, found) = replay_set(client, &mut fresh, &input);
        report.sets.push(set_report);
        violations.extend(found);
        // A scratch database that cannot be dropped goes with the throwaway server, or with
        // the server's Drop (an existing one).
        if let Some(name) = current {
            let _ = server.drop_scratch(&name);
        }
    }
    server.close()?;
    Ok(ReplayOutcome { report, violations })
}

fn skipped(set: &MigrationSet, why: &str) -> ReplaySet {
    ReplaySet {
        dir: set.dir.display().to_string(),
        framework: set.framework.name().to_string(),
        total: set.migrations.len(),
        base_migrations: 0,
        stopped: Some(why.to_string()),
        migrations: Vec::new(),
    }
}
