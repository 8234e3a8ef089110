//! One migration set replayed in a scratch database: the migrations outside the change set
//! first (the starting state), then each migration of the change set up, down (where the
//! framework has downs) and up again, statement by statement, observing locks and rewrites;
//! at the end, the catalog's row-level security state of the tables the change set created
//! or altered.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::ops::Range;
use std::time::Instant;

use postgres::error::{DbError, ErrorPosition, SqlState};
use postgres::Client;

use sqlgate_core::replay::{
    ReplayLock, ReplayMigration, ReplayRewrite, ReplaySet, ReplayStatement, ReplayStep,
};
use sqlgate_core::source::LineIndex;
use sqlgate_discover::{
    popx_group, Down, FileId, LoadedFile, Migration, MigrationSet, Section, TxMode,
};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::split::{split, RawKind, RawStatement};

use crate::observe;
use crate::snapshot::Snapshot;

/// A finding replay reports, before the pipeline gives it a severity, applies suppressions
/// and resolves its position: the rule's code, the file and byte range, the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayViolation {
    pub code: &'static str,
    pub file: FileId,
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
    pub detail: Option<String>,
}

/// What one set's replay needs besides the database.
pub struct SetInput<'a> {
    pub set: &'a MigrationSet,
    pub files: &'a [LoadedFile],
    /// Indexes into `set.migrations` of the change set, ascending.
    pub change_set: &'a [usize],
    /// Whether RP005 and RP006 apply (the RLS rules' `security.rls`, resolved for this set).
    pub rls_applies: bool,
    /// `security.exposed-schemas`.
    pub exposed_schemas: &'a [String],
    /// Replaying on a server the user named (`--database-url`): statements that act beyond
    /// the scratch database (other databases, server settings, tablespaces) are not run.
    pub shared_server: bool,
}

/// A statement PostgreSQL rejected (or a replay query that failed).
struct Failure {
    file: FileId,
    span: Range<usize>,
    message: String,
    help: String,
    /// A `CREATE EXTENSION` of an extension the server does not have.
    missing_extension: Option<String>,
}

/// A section's replay: whether it applied, and what each statement did.
struct Applied {
    seconds: f64,
    failure: Option<Failure>,
    statements: Vec<ReplayStatement>,
    /// Tables the section created or altered, with the statement that last did.
    touched: Touched,
    /// RP004 violations.
    rewrites: Vec<ReplayViolation>,
}

/// A fresh scratch database for the set (the Supabase shim applied where it applies).
pub type Fresh<'f> = dyn FnMut() -> Result<Client, String> + 'f;

/// What the set's replay does after a migration of the change set.
enum Next {
    Continue,
    /// The down or the up again failed: the database is in a state no environment has, so
    /// it is built again (ups only, through this migration) before the next one.
    Rebuild,
    /// The up failed: the later migrations depend on it.
    Stop(String),
}

/// Replays one set, starting on `client` (a fresh scratch database); `fresh` gives another
/// when the state must be rebuilt. Returns what was observed and the violations found.
pub fn replay_set(
    mut client: Client,
    fresh: &mut Fresh,
    input: &SetInput,
) -> (ReplaySet, Vec<ReplayViolation>) {
    let set = input.set;
    let mut report = ReplaySet {
        dir: set.dir.display().to_string(),
        framework: framework_name(set),
        total: set.migrations.len(),
        base_migrations: 0,
        stopped: None,
        migrations: Vec::new(),
    };
    let mut violations = Vec::new();
    let first_changed = input
        .change_set
        .first()
        .copied()
        .unwrap_or(set.migrations.len());

    // The starting state: the migrations before the change set, applied as the framework
    // would, without observing them.
    for migration in set.migrations.iter().take(first_changed) {
        let applied = apply(&mut client, input, &migration.up, false);
        if let Some(failure) = applied.failure {
            report.stopped = Some(format!(
                "{} (a migration before the change set) failed: {}",
                display(input.files, migration.up.file),
                failure.message
            ));
            if failure.missing_extension.is_some() {
                violations.push(violation("RP001", failure));
            }
            return (report, violations);
        }
        report.base_migrations += 1;
    }

    let mut touched = Touched::new();
    let mut index = first_changed;
    while index < set.migrations.len() {
        let Some(migration) = set.migrations.get(index) else {
            break;
        };
        let in_change_set = input.change_set.binary_search(&index).is_ok();
        if !in_change_set {
            // A migration between two changed ones (its version is older than a changed
            // one): part of the state the later ones start from.
            let applied = apply(&mut client, input, &migration.up, false);
            if let Some(failure) = applied.failure {
                report.stopped = Some(format!(
                    "{} failed: {}",
                    display(input.files, migration.up.file),
                    failure.message
                ));
                return (report, violations);
            }
            index += 1;
            continue;
        }
        // The unit: this migration and, for popx, the following steps of its group that are
        // in the change set too.
        let group = popx_group(set.framework, &migration.version.text);
        let mut end = index + 1;
        while let Some(next) = set.migrations.get(end) {
            let same = group.is_some() && popx_group(set.framework, &next.version.text) == group;
            if !same || input.change_set.binary_search(&end).is_err() {
                break;
            }
            end += 1;
        }
        let unit: Vec<&Migration> = set.migrations[index..end].iter().collect();
        let (entries, unit_touched, next) = replay_unit(&mut client, input, &unit, &mut violations);
        touched.extend(unit_touched);
        report.migrations.extend(entries);
        match next {
            Next::Continue => {}
            Next::Stop(reason) => {
                report.stopped = Some(reason);
                break;
            }
            Next::Rebuild => {
                drop(client);
                match rebuild(fresh, input, end - 1) {
                    Ok(rebuilt) => client = rebuilt,
                    Err(why) => {
                        report.stopped = Some(format!(
                            "the state after {} could not be built again: {why}",
                            display(input.files, migration.up.file)
                        ));
                        return (report, violations);
                    }
                }
            }
        }
        index = end;
    }
    if report.stopped.is_none() && input.rls_applies {
        if let Err(e) = rls_checks(&mut client, input, &touched, &mut violations) {
            report.stopped = Some(format!("the catalog's RLS state could not be read: {e}"));
        }
    }
    (report, violations)
}

/// A fresh database with the ups of the set's migrations through `through` applied.
fn rebuild(fresh: &mut Fresh, input: &SetInput, through: usize) -> Result<Client, String> {
    let mut client = fresh()?;
    for migration in input.set.migrations.iter().take(through + 1) {
        if let Some(failure) = apply(&mut client, input, &migration.up, false).failure {
            return Err(format!(
                "{}: {}",
                display(input.files, migration.up.file),
                failure.message
            ));
        }
    }
    Ok(client)
}

/// Tables (by qualified name: stable when the state is rebuilt) the change set created or
/// altered, with the statement that last did.
type Touched = BTreeMap<String, (FileId, Range<usize>)>;

/// Up, down, up again for one unit of the change set: a migration, or a popx group (whose
/// steps run, and roll back, together: every up in order, then every down in reverse). Returns
/// an entry per migration, the tables the unit touched, and what the set does next.
fn replay_unit(
    client: &mut Client,
    input: &SetInput,
    unit: &[&Migration],
    violations: &mut Vec<ReplayViolation>,
) -> (Vec<ReplayMigration>, Touched, Next) {
    let downs: Vec<&Section> = unit
        .iter()
        .filter_map(|m| match &m.down {
            Down::Section(section) => Some(section),
            Down::Missing(_) | Down::NotSupported => None,
        })
        .collect();
    // The downs are compared only when every migration of the unit has one.
    let reversible = downs.len() == unit.len();
    let mut entries = Vec::new();
    let mut touched = Touched::new();
    // The snapshot before the ups, for the downs' comparison.
    let before = if reversible {
        match Snapshot::take(client) {
            Ok(snapshot) => Some(snapshot),
            Err(e) => {
                return (
                    entries,
                    touched,
                    Next::Stop(format!("the catalog snapshot failed: {e}")),
                )
            }
        }
    } else {
        None
    };

    for migration in unit {
        let up_file = display(input.files, migration.up.file);
        let up = apply(client, input, &migration.up, true);
        entries.push(ReplayMigration {
            file: up_file.clone(),
            version: migration.version.text.clone(),
            applied: up.failure.is_none(),
            seconds: up.seconds,
            error: up.failure.as_ref().map(|f| f.message.clone()),
            statements: up.statements,
            down: None,
            up_again: None,
        });
        violations.extend(up.rewrites);
        touched.extend(up.touched);
        if let Some(failure) = up.failure {
            let stop = match &failure.missing_extension {
                Some(name) => format!("the server lacks the extension {name}"),
                None => format!("{up_file} failed"),
            };
            violations.push(violation("RP001", failure));
            return (entries, touched, Next::Stop(stop));
        }
    }
    let Some(before) = before else {
        return (entries, touched, Next::Continue);
    };

    // The downs, last first: they must apply and bring the schema back to what it was.
    for (index, down) in downs.iter().enumerate().rev() {
        let undone = apply(client, input, down, false);
        let failed = undone.failure.is_some();
        if let Some(entry) = entries.get_mut(index) {
            entry.down = Some(ReplayStep {
                file: display(input.files, down.file),
                applied: !failed,
                seconds: undone.seconds,
                error: undone.failure.as_ref().map(|f| f.message.clone()),
                differences: Vec::new(),
            });
        }
        if let Some(failure) = undone.failure {
            violations.push(violation("RP001", failure));
            // Between the ups and the downs: a state no environment has.
            return (entries, touched, Next::Rebuild);
        }
    }
    let mut restored = true;
    match Snapshot::take(client) {
        Ok(after) => {
            let differences = before.diff(&after);
            if let (false, Some(first_down), Some(entry)) =
                (differences.is_empty(), downs.first(), entries.first_mut())
            {
                restored = false;
                let listed: Vec<String> = differences.iter().map(|d| d.to_string()).collect();
                let count = listed.len();
                let what = if unit.len() == 1 {
                    "down does not restore the schema the up started from".to_string()
                } else {
                    format!(
                        "the downs of this {}-step group do not restore the schema its ups \
                         started from",
                        unit.len()
                    )
                };
                violations.push(ReplayViolation {
                    code: "RP002",
                    file: first_down.file,
                    span: first_statement(input, first_down),
                    message: format!(
                        "{what}: {count} {}",
                        if count == 1 {
                            "difference"
                        } else {
                            "differences"
                        }
                    ),
                    help: "make the down undo everything the up does, in reverse order (the \
                           differences are listed)"
                        .to_string(),
                    detail: Some(listed.join("\n")),
                });
                if let Some(step) = entry.down.as_mut() {
                    step.differences = listed;
                }
            }
        }
        Err(e) => {
            if let Some(step) = entries.first_mut().and_then(|e| e.down.as_mut()) {
                step.error = Some(format!("the catalog snapshot failed: {e}"));
            }
        }
    }

    // Up again: a rollback followed by a retry must work.
    for (index, migration) in unit.iter().enumerate() {
        let again = apply(client, input, &migration.up, false);
        if let Some(entry) = entries.get_mut(index) {
            entry.up_again = Some(ReplayStep {
                file: display(input.files, migration.up.file),
                applied: again.failure.is_none(),
                seconds: again.seconds,
                error: again.failure.as_ref().map(|f| f.message.clone()),
                differences: Vec::new(),
            });
        }
        if let Some(failure) = again.failure {
            violations.push(ReplayViolation {
                code: "RP003",
                file: failure.file,
                span: failure.span,
                message: format!("up fails again after its down: {}", failure.message),
                help: "make the down remove everything the up creates (types, functions, rows), \
                       so the up can run again"
                    .to_string(),
                detail: None,
            });
            return (entries, touched, Next::Rebuild);
        }
    }
    if !restored {
        // The ups applied again over what the downs left: the state may differ from the
        // first ups'.
        return (entries, touched, Next::Rebuild);
    }
    (entries, touched, Next::Continue)
}

fn violation(code: &'static str, failure: Failure) -> ReplayViolation {
    ReplayViolation {
        code,
        file: failure.file,
        span: failure.span,
        message: failure.message,
        help: failure.help,
        detail: None,
    }
}

/// Applies one up or down section in its framework's transaction mode, statement by
/// statement. With `observe`, records each statement's locks on relations that existed
/// before, the tables it rewrote (RP004) and those it created or altered.
fn apply(client: &mut Client, input: &SetInput, section: &Section, observe: bool) -> Applied {
    let started = Instant::now();
    let mut applied = Applied {
        seconds: 0.0,
        failure: None,
        statements: Vec::new(),
        touched: Touched::new(),
        rewrites: Vec::new(),
    };
    let Some(file) = input.files.get(section.file) else {
        return applied;
    };
    let Some(text) = file.text.get(section.range.clone()) else {
        return applied;
    };
    let parts = split(text, section.range.start, Dialect::Postgres);
    let statements: Vec<&RawStatement> = parts
        .statements
        .iter()
        .filter(|s| s.kind == RawKind::Sql || s.kind == RawKind::CopyData)
        .collect();
    let explicit = statements
        .iter()
        .any(|s| s.kind == RawKind::Sql && is_transaction_control(&file.text, s));
    let sql_count = statements.iter().filter(|s| s.kind == RawKind::Sql).count();
    // How the framework runs the section: one transaction around it, or none.
    let wrap = match section.tx {
        TxMode::Wrapped => !explicit,
        // One query of several statements is one implicit transaction.
        TxMode::SingleQuery => !explicit && sql_count > 1,
        TxMode::None => false,
    };
    let index = LineIndex::new(&file.text);
    let mut before_tables = BTreeMap::new();
    let mut before_relations = BTreeMap::new();
    if observe {
        match (observe::tables(client), observe::relations(client)) {
            (Ok(t), Ok(r)) => {
                before_tables = t;
                before_relations = r;
            }
            (Err(e), _) | (_, Err(e)) => {
                applied.failure = Some(replay_failure(section, &file.text, &e));
                return applied;
            }
        }
    }
    let mut last_tables = before_tables.clone();
    let mut in_transaction = false;
    if wrap {
        if let Err(e) = client.batch_execute("BEGIN") {
            applied.failure = Some(replay_failure(section, &file.text, &e));
            return applied;
        }
        in_transaction = true;
    }
    let mut held: BTreeSet<(u32, String)> = BTreeSet::new();
    let mut i = 0;
    while i < statements.len() {
        let statement = statements[i];
        i += 1;
        if statement.kind != RawKind::Sql {
            continue;
        }
        // COPY ... FROM stdin takes the data that follows it.
        let data = statements
            .get(i)
            .filter(|next| next.kind == RawKind::CopyData)
            .and_then(|next| file.text.get(next.range.clone()));
        if data.is_some() {
            i += 1;
        }
        let Some(sql) = file.text.get(statement.range.clone()) else {
            continue;
        };
        if input.shared_server {
            if let Some(what) = beyond_scratch(&file.text, statement) {
                if in_transaction {
                    let _ = client.batch_execute("ROLLBACK");
                }
                applied.failure = Some(Failure {
                    file: section.file,
                    span: statement.range.clone(),
                    message: format!(
                        "not replayed on --database-url: {what} acts on the server beyond \
                         sqlgate's scratch database"
                    ),
                    help: "replay on a throwaway cluster (without --database-url), where the \
                           whole server is sqlgate's"
                        .to_string(),
                    missing_extension: None,
                });
                applied.seconds = started.elapsed().as_secs_f64();
                return applied;
            }
        }
        let control = is_transaction_control(&file.text, statement);
        // Outside any transaction, a statement runs in one of its own so that its locks
        // can be read before they are released; one that cannot run in a transaction block
        // (CREATE INDEX CONCURRENTLY, VACUUM) is run again on its own, unobserved.
        let own = observe && !in_transaction && !control;
        let began = Instant::now();
        let mut result = if own {
            client
                .batch_execute("BEGIN")
                .and_then(|()| execute(client, sql, data))
        } else {
            execute(client, sql, data)
        };
        let mut observed_in_own = own;
        if own {
            if let Err(e) = &result {
                if e.code() == Some(&SqlState::ACTIVE_SQL_TRANSACTION) {
                    let _ = client.batch_execute("ROLLBACK");
                    observed_in_own = false;
                    result = execute(client, sql, data);
                }
            }
        }
        if let Err(e) = result {
            let failure = statement_failure(statement, &file.text, section.file, &e);
            if in_transaction || observed_in_own {
                let _ = client.batch_execute("ROLLBACK");
            }
            applied.failure = Some(failure);
            applied.seconds = started.elapsed().as_secs_f64();
            return applied;
        }
        if control {
            in_transaction = transaction_after(&file.text, statement, in_transaction);
            if !in_transaction {
                held.clear();
            }
        }
        let seconds = began.elapsed().as_secs_f64();
        if observe {
            let start = index.position(&file.text, statement.range.start);
            let mut record = ReplayStatement {
                line: start.line,
                column: start.column,
                seconds,
                locks: Vec::new(),
                rewrites: Vec::new(),
            };
            if in_transaction || observed_in_own {
                if let Ok(locks) = observe::locks(client) {
                    for (oid, mode) in locks {
                        let Some(name) = before_relations.get(&oid) else {
                            continue;
                        };
                        if held.insert((oid, mode.clone())) {
                            record.locks.push(ReplayLock {
                                relation: name.clone(),
                                mode,
                            });
                        }
                    }
                }
            }
            if let Ok(now) = observe::tables(client) {
                let truncate = first_word(&file.text, statement).as_deref() == Some("truncate");
                for (oid, state) in &now {
                    let previous = last_tables.get(oid);
                    if previous.map(|p| &p.signature) != Some(&state.signature) {
                        applied
                            .touched
                            .insert(state.name.clone(), (section.file, statement.range.clone()));
                    }
                    let (Some(old), Some(previous)) = (before_tables.get(oid), previous) else {
                        continue;
                    };
                    if previous.relfilenode != state.relfilenode && !truncate {
                        let rows = observe::row_count(client, &state.name).unwrap_or(0);
                        record.rewrites.push(ReplayRewrite {
                            table: state.name.clone(),
                            rows,
                        });
                        let lock = record
                            .locks
                            .iter()
                            .filter(|l| l.relation == old.name)
                            .max_by_key(|l| lock_strength(&l.mode))
                            .map(|l| format!(" under {}", l.mode))
                            .unwrap_or_default();
                        applied.rewrites.push(ReplayViolation {
                            code: "RP004",
                            file: section.file,
                            span: statement.range.clone(),
                            message: format!(
                                "statement rewrites table {} ({rows} {} at the time){lock}",
                                state.name,
                                if rows == 1 { "row" } else { "rows" }
                            ),
                            help: "avoid the rewrite (add the column without a volatile default \
                                   and backfill in batches, or change the type in a new column), \
                                   or schedule it for a quiet window on a large table"
                                .to_string(),
                            detail: None,
                        });
                    }
                }
                last_tables = now;
            }
            applied.statements.push(record);
        }
        if observed_in_own {
            if let Err(e) = client.batch_execute("COMMIT") {
                applied.failure = Some(statement_failure(statement, &file.text, section.file, &e));
                applied.seconds = started.elapsed().as_secs_f64();
                return applied;
            }
            held.clear();
        }
    }
    if wrap && in_transaction {
        if let Err(e) = client.batch_execute("COMMIT") {
            // A deferred constraint fails at commit: the last statement is as close as it gets.
            let span = statements
                .last()
                .map_or(section.range.start..section.range.start, |s| {
                    s.range.clone()
                });
            applied.failure = Some(Failure {
                file: section.file,
                span,
                message: db_message(&e),
                help: help_for(&e),
                missing_extension: None,
            });
        }
    } else if in_transaction {
        // The file opened a transaction and never closed it: the framework's connection
        // would roll it back when it closes.
        let _ = client.batch_execute("ROLLBACK");
    }
    applied.seconds = started.elapsed().as_secs_f64();
    applied
}

/// PostgreSQL's table lock modes, weakest first: the strongest one a statement held is the
/// one that matters to everyone else.
fn lock_strength(mode: &str) -> usize {
    const MODES: [&str; 8] = [
        "AccessShareLock",
        "RowShareLock",
        "RowExclusiveLock",
        "ShareUpdateExclusiveLock",
        "ShareLock",
        "ShareRowExclusiveLock",
        "ExclusiveLock",
        "AccessExclusiveLock",
    ];
    MODES.iter().position(|m| *m == mode).unwrap_or(0)
}

/// Runs one statement; a `COPY ... FROM stdin` gets its data through the copy protocol.
fn execute(client: &mut Client, sql: &str, data: Option<&str>) -> Result<(), postgres::Error> {
    match data {
        None => client.batch_execute(sql),
        Some(data) => {
            let mut writer = client.copy_in(sql)?;
            // The data ends with its `\.` line, which the copy protocol does not want.
            let body = data
                .strip_suffix("\\.")
                .or_else(|| data.strip_suffix("\\.\n"))
                .or_else(|| data.strip_suffix("\\.\r\n"))
                .unwrap_or(data);
            // A write error surfaces as the server's error at finish.
            let _ = writer.write_all(body.as_bytes());
            writer.finish().map(|_| ())
        }
    }
}

/// The statement's first word, lower-cased.
fn first_word(text: &str, statement: &RawStatement) -> Option<String> {
    let token = statement.tokens.first()?;
    text.get(token.range.clone()).map(str::to_ascii_lowercase)
}

fn is_transaction_control(text: &str, statement: &RawStatement) -> bool {
    matches!(
        first_word(text, statement).as_deref(),
        Some("begin" | "start" | "commit" | "end" | "rollback" | "abort")
    )
}

/// What a statement touches beyond the database it runs in (`CREATE DATABASE`, `ALTER
/// SYSTEM`, tablespaces), as the words that say so; `None` for everything else.
fn beyond_scratch(text: &str, statement: &RawStatement) -> Option<String> {
    let words: Vec<String> = statement
        .tokens
        .iter()
        .take(2)
        .filter_map(|t| text.get(t.range.clone()).map(str::to_ascii_lowercase))
        .collect();
    let [verb, object] = words.as_slice() else {
        return None;
    };
    let beyond = match verb.as_str() {
        "create" | "drop" | "alter" => {
            matches!(object.as_str(), "database" | "tablespace")
                || (verb == "alter" && object == "system")
        }
        _ => false,
    };
    beyond.then(|| format!("{} {}", verb.to_uppercase(), object.to_uppercase()))
}

/// Whether a transaction is open after a transaction-control statement.
fn transaction_after(text: &str, statement: &RawStatement, open: bool) -> bool {
    match first_word(text, statement).as_deref() {
        Some("begin" | "start") => true,
        // `ROLLBACK TO SAVEPOINT` keeps the transaction.
        Some("rollback" | "abort") => {
            open && statement.tokens.iter().skip(1).any(|t| {
                text.get(t.range.clone())
                    .is_some_and(|w| w.eq_ignore_ascii_case("to"))
            })
        }
        Some("commit" | "end") => false,
        _ => open,
    }
}

/// The failure of a statement: PostgreSQL's message at its position when it gives one.
fn statement_failure(
    statement: &RawStatement,
    text: &str,
    file: FileId,
    error: &postgres::Error,
) -> Failure {
    let mut span = statement.range.clone();
    if let Some(db) = error.as_db_error() {
        if let Some(ErrorPosition::Original(position)) = db.position() {
            if let Some(offset) = char_offset(text, statement.range.clone(), *position) {
                // The token PostgreSQL points at, when the splitter has one there.
                span = statement
                    .tokens
                    .iter()
                    .find(|t| t.range.start <= offset && offset < t.range.end)
                    .map_or(offset..offset, |t| t.range.clone());
            }
        }
    }
    Failure {
        file,
        span,
        message: db_message(error),
        help: help_for(error),
        missing_extension: error.as_db_error().and_then(missing_extension),
    }
}

/// A replay query of ours that failed (reading the catalog): at the section's start.
fn replay_failure(section: &Section, _text: &str, error: &postgres::Error) -> Failure {
    Failure {
        file: section.file,
        span: section.range.start..section.range.start,
        message: format!("replay could not read the catalog: {}", db_message(error)),
        help: "this is a replay problem, not the migration's: report it with the server version"
            .to_string(),
        missing_extension: None,
    }
}

/// The byte offset of PostgreSQL's 1-based character `position` in the statement.
fn char_offset(text: &str, range: Range<usize>, position: u32) -> Option<usize> {
    let statement = text.get(range.clone())?;
    let index = usize::try_from(position).ok()?.checked_sub(1)?;
    statement
        .char_indices()
        .nth(index)
        .map(|(offset, _)| range.start + offset)
}

/// One line: PostgreSQL's message (lower-case as PostgreSQL writes it), or the client's.
fn db_message(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) if db.code() == &SqlState::QUERY_CANCELED => format!(
            "postgresql cancelled the statement: {} (waiting on a lock, or a long-running \
             statement)",
            db.message()
        ),
        Some(db) => format!("postgresql rejects the statement: {}", db.message()),
        None => format!("the statement could not run: {error}"),
    }
}

fn help_for(error: &postgres::Error) -> String {
    let Some(db) = error.as_db_error() else {
        return "check the server connection and run the replay again".to_string();
    };
    if let Some(name) = missing_extension(db) {
        return format!(
            "the server lacks the extension {name}: install it there, or replay with \
             --database-url pointing at a server that has it (for Supabase, the database of \
             `supabase start`)"
        );
    }
    if db.code() == &SqlState::ACTIVE_SQL_TRANSACTION {
        return "run the statement outside a transaction: in a migration of its own that the \
                framework runs without one (one statement per file for golang-migrate and \
                Supabase, `-- +goose NO TRANSACTION`, `-- migrate:up transaction:false`)"
            .to_string();
    }
    if db.code() == &SqlState::QUERY_CANCELED {
        return "the statement timeout stopped it (replay.statement-timeout): split the \
                migration, or make the statement take no long lock"
            .to_string();
    }
    let mut help = "fix the statement so that it applies to the schema the earlier migrations \
                    build; the migrations after it were not replayed"
        .to_string();
    if let Some(hint) = db.hint() {
        help = format!("{hint} ({help})");
    }
    help.replace('\n', " ")
}

/// The extension a failed `CREATE EXTENSION` names when the server does not have it.
fn missing_extension(db: &DbError) -> Option<String> {
    // 58P01 (undefined_file): "could not open extension control file \".../vector.control\"";
    // 0A000 (feature_not_supported) on newer servers: "extension \"vector\" is not available".
    let message = db.message();
    if db.code() == &SqlState::UNDEFINED_FILE && message.contains("extension control file") {
        let name = message.rsplit('/').next()?.split(".control").next()?;
        return Some(name.to_string());
    }
    if db.code() == &SqlState::FEATURE_NOT_SUPPORTED && message.contains("is not available") {
        return message.split('"').nth(1).map(str::to_string);
    }
    None
}

/// RP005 and RP006 over the tables the change set created or altered.
fn rls_checks(
    client: &mut Client,
    input: &SetInput,
    touched: &Touched,
    violations: &mut Vec<ReplayViolation>,
) -> Result<(), postgres::Error> {
    let tables: BTreeMap<String, observe::TableState> = observe::tables(client)?
        .into_values()
        .map(|t| (t.name.clone(), t))
        .collect();
    for (name, (file, span)) in touched {
        let Some(table) = tables.get(name) else {
            continue; // dropped again by the change set
        };
        let exposed = input.exposed_schemas.contains(&table.schema);
        if !table.rls && exposed {
            violations.push(ReplayViolation {
                code: "RP005",
                file: *file,
                span: span.clone(),
                message: format!(
                    "table {} has row-level security off in the exposed schema {}",
                    table.name, table.schema
                ),
                help: format!(
                    "alter table {} enable row level security; and add the policies its \
                     clients need",
                    table.name
                ),
                detail: None,
            });
        }
        if table.rls && table.policies == 0 {
            violations.push(ReplayViolation {
                code: "RP006",
                file: *file,
                span: span.clone(),
                message: format!(
                    "table {} has row-level security on and no policy",
                    table.name
                ),
                help: "create the policies its clients need, or suppress with a reason if only \
                       the service role uses it"
                    .to_string(),
                detail: None,
            });
        }
    }
    Ok(())
}

/// The range of a section's first statement (where a finding about the whole section
/// points), or its start.
fn first_statement(input: &SetInput, section: &Section) -> Range<usize> {
    input
        .files
        .get(section.file)
        .and_then(|f| f.text.get(section.range.clone()))
        .and_then(|text| {
            split(text, section.range.start, Dialect::Postgres)
                .statements
                .into_iter()
                .find(|s| s.kind == RawKind::Sql)
                .map(|s| s.range)
        })
        .unwrap_or(section.range.start..section.range.start)
}

fn display(files: &[LoadedFile], file: FileId) -> String {
    files
        .get(file)
        .map_or_else(String::new, |f| f.display.clone())
}

fn framework_name(set: &MigrationSet) -> String {
    set.framework.name().to_string()
}
