//! `--replay` (of `check` and `replay`): the discovered migrations applied to a real
//! PostgreSQL before the static check, whose findings join the check's (`CheckOptions::
//! external`) so that severities, suppressions and gate triggers treat them alike.

use std::time::Duration;

use super::args::ReplayArgs;
use super::output::Failure;
use sqlgate_core::replay::ReplayReport;
use sqlgate_discover::Discovery;
use sqlgate_lint::engine::ChangeFilter;
use sqlgate_lint::rules::{Located, RlsMode, Settings, Violation};
use sqlgate_replay::{replay, ReplayOptions, SetPlan};
use sqlgate_sql::analyze::section_uses_supabase_auth;

/// The default `--statement-timeout`: long enough for any migration on an empty database,
/// short enough that a lock wait does not hang a CI job.
const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(60);

/// The replay's findings, by rule code, as the engine takes them (`CheckOptions::external`).
pub(super) type Found = Vec<(&'static str, Located)>;

/// Replays the discovered sets. Returns the report and the findings. `configured_timeout`
/// is `replay.statement-timeout`; the flag wins over it.
pub(super) fn run_replay(
    args: &ReplayArgs,
    configured_timeout: Option<u64>,
    discovery: &Discovery,
    filter: &ChangeFilter,
    settings: &Settings,
) -> Result<(ReplayReport, Found), Failure> {
    let canonical = match filter {
        ChangeFilter::All => Vec::new(),
        ChangeFilter::Files(_) => sqlgate_discover::canonical_paths(&discovery.files),
    };
    let plans: Vec<SetPlan> = discovery
        .sets
        .iter()
        .map(|set| {
            // The same migrations the rules check.
            let change_set = filter.changed_migrations(set, &canonical);
            let rls_applies = match settings.rls {
                RlsMode::Required => true,
                RlsMode::Off => false,
                // As the static RLS rules decide: Supabase, or migrations that use
                // Supabase's auth functions.
                RlsMode::Auto => {
                    set.framework == sqlgate_core::Framework::Supabase
                        || set.migrations.iter().any(|m| {
                            discovery.files.get(m.up.file).is_some_and(|f| {
                                section_uses_supabase_auth(&f.text, m.up.range.clone(), set.dialect)
                            })
                        })
                }
            };
            SetPlan {
                set,
                change_set,
                rls_applies,
            }
        })
        .collect();
    let options = ReplayOptions {
        database_url: args.database_url.clone(),
        statement_timeout: args
            .statement_timeout
            .or(configured_timeout)
            .map_or(DEFAULT_STATEMENT_TIMEOUT, Duration::from_secs),
        exposed_schemas: settings.exposed_schemas.clone(),
    };
    let outcome = replay(&discovery.files, &plans, &options)
        .map_err(|e| Failure(format!("replay cannot start: {e}")))?;
    let found = outcome
        .violations
        .into_iter()
        .map(|v| {
            let mut violation = Violation::new(v.span, v.message, v.help);
            violation.detail = v.detail;
            (
                v.code,
                Located {
                    file: v.file,
                    violation,
                },
            )
        })
        .collect();
    Ok((outcome.report, found))
}

/// One line on stderr: what was replayed, where, and how long it took.
pub(super) fn summary(report: &ReplayReport) -> String {
    let migrations: usize = report.sets.iter().map(|s| s.migrations.len()).sum();
    let applied: usize = report
        .sets
        .iter()
        .flat_map(|s| &s.migrations)
        .filter(|m| m.applied)
        .count();
    let seconds: f64 = report
        .sets
        .iter()
        .flat_map(|s| &s.migrations)
        .map(|m| m.seconds)
        .sum();
    let startup = report
        .startup_seconds
        .map(|s| format!(", started in {s:.2} s"))
        .unwrap_or_default();
    let mut line = format!(
        "replay: {} ({}{startup}): {applied} of {migrations} migrations applied in {} set{}, {seconds:.2} s",
        report.server_version,
        report.server,
        report.sets.len(),
        if report.sets.len() == 1 { "" } else { "s" },
    );
    for set in &report.sets {
        if let Some(why) = &set.stopped {
            line.push_str(&format!("\nreplay: {}: stopped: {why}", set.dir));
        }
    }
    line
}
