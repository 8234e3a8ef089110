//! The check pipeline: discovery → per-file analysis (in parallel) → catalog replay with the
//! rules → findings with positions.
//!
//! The pipeline itself (`check`) is here; its stages are in submodules: `analysis` (in
//! parallel), `raw` (running the rules), `suppressions`, `findings` (positions, severities,
//! order), `stats` (counts), `phantoms` (deleted files) and `options` (what a run is asked).

mod analysis;
mod findings;
mod options;
mod phantoms;
mod raw;
mod stats;
mod suppressions;

use foldhash::{HashMap, HashMapExt};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::catalog::Catalog;
use crate::rules::{
    ChangeSet, ChangeSetContext, Check, DownView, HistoryContext, MigrationContext, RlsMode, Rule,
    RuleContext, SectionView, Violation,
};
use crate::transaction::{self, Place};
use sqlgate_core::finding::Severity;
use sqlgate_core::run::{RunError, RunReport};
use sqlgate_core::verdict::GateSummary;
use sqlgate_discover::{Discovery, Down, Framework, LoadedFile, MigrationSet, Section, Skipped};
use sqlgate_sql::analyze::{AnalyzedSection, Depth};
use sqlgate_sql::lexer::Dialect;

use self::analysis::{analyze_streaming, Job, Sections};
use self::findings::resolve;
use self::phantoms::phantoms;
use self::raw::{run_located, run_rules, Raw};
use self::stats::count;
use self::suppressions::{apply_suppressions, FileSyntax};

pub use self::options::{ChangeFilter, CheckOptions, FileRules, DEFAULT_GATE_TRIGGERS};
pub use self::stats::{dialect_name, Counts, NotParsed, Stats};

pub struct CheckOutput {
    pub report: RunReport,
    pub files: Vec<LoadedFile>,
    pub skipped: Vec<Skipped>,
    pub stats: Stats,
    /// Files outside the change set (`ChangeFilter::Files`) that could not be read: not run
    /// errors (the check goes on), but the catalog could not replay them, so what they create
    /// is unknown. The CLI warns about each.
    pub not_replayed: Vec<RunError>,
}

/// Whether the RLS rules apply to a migration set (`security.rls`).
fn rls_applies(mode: RlsMode, set: &MigrationSet, uses_supabase_auth: bool) -> bool {
    match mode {
        RlsMode::Required => true,
        RlsMode::Off => false,
        RlsMode::Auto => set.framework == Framework::Supabase || uses_supabase_auth,
    }
}

/// Runs the rules over discovered migrations.
pub fn check(discovery: Discovery, filter: &ChangeFilter, options: &CheckOptions) -> CheckOutput {
    let Discovery {
        mut files,
        sets,
        skipped,
        errors,
        missing: _,
    } = discovery;
    let rules = &options.rules;
    let settings = &options.settings;

    // Which migrations are in the change set.
    let needs_paths = matches!(filter, ChangeFilter::Files(_)) || options.history.is_some();
    // The snapshot's paths are borrowed: copied only if deleted files add phantoms.
    let mut canonical: Cow<[Option<PathBuf>]> = match options.history {
        Some(history) if history.loaded_canonical.len() == files.len() => {
            Cow::Borrowed(&history.loaded_canonical)
        }
        _ if needs_paths => Cow::Owned(sqlgate_discover::canonical_paths(&files)),
        _ => Cow::Owned(Vec::new()),
    };
    // A phantom file (empty text) per deleted migration file, for the history rules.
    let deleted_of = phantoms(&sets, options.history, &mut files, &mut canonical);
    let files = files;
    let is_changed = |section: &Section| filter.contains(section, &canonical);

    // Jobs in (set, migration, up, down) order; indexes recorded to find results again.
    let mut jobs = Vec::new();
    let mut job_of: HashMap<(usize, usize, bool), usize> = HashMap::new();
    // Each set's first job: a set's jobs are consecutive.
    let mut set_start = Vec::with_capacity(sets.len());
    for (s, set) in sets.iter().enumerate() {
        set_start.push(jobs.len());
        for (m, migration) in set.migrations.iter().enumerate() {
            let sections = [
                (false, Some(&migration.up)),
                (true, down_section(&migration.down)),
            ];
            // Only the checked migrations need sqlparser; the others feed the catalog.
            let checked = matches!(filter, ChangeFilter::All)
                || sections.iter().any(|(_, s)| s.is_some_and(is_changed));
            let depth = if checked { Depth::Full } else { Depth::Catalog };
            for (is_down, section) in sections {
                if let Some(section) = section {
                    job_of.insert((s, m, is_down), jobs.len());
                    jobs.push(Job {
                        depth,
                        file: section.file,
                        range: section.range.clone(),
                        dialect: set.dialect,
                        tx: section.tx,
                        framework: set.framework,
                    });
                }
            }
        }
    }
    // Each rule by what it looks at; engine-reported rules (MT001's split errors, MT002,
    // MT003) are handled after the replay.
    let (mut statement_rules, mut migration_rules, mut change_set_rules, mut history_rules) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for &rule in rules {
        match rule.check {
            Check::Statement(f) => statement_rules.push((rule, f)),
            Check::Migration(f) => migration_rules.push((rule, f)),
            Check::ChangeSet(f) => change_set_rules.push((rule, f)),
            Check::History(f) => history_rules.push((rule, f)),
            Check::Engine | Check::Replay => {}
        }
    }
    let history = options.history;
    // One set's checks: its catalog replay, its rules. This thread checks the sets in order
    // while the workers analyze the sections of the later ones.
    let check_set = |s: usize, sections: &mut Sections, out: &mut Found| {
        let Some(set) = sets.get(s) else {
            return;
        };
        let changed = filter.changed_migrations(set, &canonical);
        // The set's sections, taken as the workers deliver them. The migrations before the
        // first one in the change set only feed the catalog (under --changed-since, most of
        // a long history): they are replayed while the later sections are still analyzed.
        let first_job = set_start.get(s).copied().unwrap_or(0);
        let end_job = set_start.get(s + 1).copied().unwrap_or(jobs.len());
        let mut analyzed: Vec<Option<AnalyzedSection>> =
            (first_job..end_job).map(|_| None).collect();
        let mut catalog = Catalog::default();
        let replayed = changed.first().copied().unwrap_or(set.migrations.len());
        for (m, migration) in set.migrations.iter().enumerate() {
            for is_down in [false, true] {
                if let Some(&j) = job_of.get(&(s, m, is_down)) {
                    if let Some(slot) = analyzed.get_mut(j - first_job) {
                        *slot = sections.take(j);
                    }
                }
            }
            if m < replayed {
                let up = job_of
                    .get(&(s, m, false))
                    .and_then(|&j| analyzed.get(j - first_job))
                    .and_then(Option::as_ref);
                // The catalog follows the forward history only: downs are not replayed.
                for statement in up.map_or(&[][..], |a| a.statements.as_slice()) {
                    if statement.origin.runs_in_migration() {
                        catalog.apply(statement, m, migration.up.file);
                    }
                }
            }
        }
        // Only checked sections are looked at statement by statement.
        let placed: Vec<Vec<Place>> = analyzed
            .iter()
            .enumerate()
            .map(|(local, a)| match (a, jobs.get(first_job + local)) {
                (Some(a), Some(job)) if job.depth == Depth::Full => {
                    transaction::places(&a.statements, job.tx, job.framework)
                }
                _ => Vec::new(),
            })
            .collect();
        let section = |m: usize, down: bool| {
            job_of
                .get(&(s, m, down))
                .and_then(|&j| analyzed.get(j - first_job))
                .and_then(Option::as_ref)
        };
        let places_of = |m: usize, down: bool| {
            job_of
                .get(&(s, m, down))
                .and_then(|&j| placed.get(j - first_job))
                .map_or(&[][..], Vec::as_slice)
        };
        // What the change creates is new; a migration that existed at the base (edited now,
        // IN001) is still checked, but its tables existed before this change.
        let existed_at_base = |m: usize| {
            history.is_some_and(|history| {
                set.migrations
                    .get(m)
                    .and_then(|migration| canonical.get(migration.up.file))
                    .and_then(Option::as_ref)
                    .is_some_and(|path| history.modified.contains_key(path))
            })
        };
        let change_set = match filter {
            ChangeFilter::All => ChangeSet::EachMigration,
            ChangeFilter::Files(_) => ChangeSet::Migrations(
                changed
                    .iter()
                    .copied()
                    .filter(|&m| !existed_at_base(m))
                    .collect(),
            ),
        };
        let uses_supabase_auth = (0..set.migrations.len())
            .flat_map(|m| [section(m, false), section(m, true)])
            .flatten()
            .any(|a| a.uses_supabase_auth);
        let rls = rls_applies(settings.rls, set, uses_supabase_auth);
        // Every migration's up, for migration rules that look across the set.
        let ups: Vec<Option<SectionView>> = set
            .migrations
            .iter()
            .enumerate()
            .map(|(m, migration)| {
                view(
                    section(m, false),
                    places_of(m, false),
                    &migration.up,
                    &files,
                )
            })
            .collect();
        let downs: Vec<Option<SectionView>> = set
            .migrations
            .iter()
            .enumerate()
            .map(|(m, migration)| {
                let section_of_down = down_section(&migration.down)?;
                view(
                    section(m, true),
                    places_of(m, true),
                    section_of_down,
                    &files,
                )
            })
            .collect();
        for (m, migration) in set.migrations.iter().enumerate().skip(replayed) {
            let checked = changed.binary_search(&m).is_ok();
            for (is_down, file) in [
                (false, Some(migration.up.file)),
                (true, down_section(&migration.down).map(|d| d.file)),
            ] {
                let (Some(file), Some(analysis)) = (file, section(m, is_down)) else {
                    continue;
                };
                if checked {
                    out.files_checked.insert(file);
                    count(&mut out.stats, set.dialect, file, &analysis.statements);
                    out.split_errors
                        .extend(analysis.errors.iter().map(|e| (file, e.clone())));
                    let syntax = out.checked_files.entry(file).or_default();
                    syntax.comments.extend(analysis.comments.iter().cloned());
                    syntax.statements.extend(
                        analysis
                            .statements
                            .iter()
                            .filter(|st| !st.origin.is_dynamic())
                            .map(|st| st.range.clone()),
                    );
                }
                let places = places_of(m, is_down);
                for (i, statement) in analysis.statements.iter().enumerate() {
                    if checked {
                        let ctx = RuleContext {
                            place: places.get(i).copied().unwrap_or_default(),
                            framework: set.framework,
                            catalog: &catalog,
                            change_set: &change_set,
                            migration: m,
                            dialect: set.dialect,
                            is_down,
                            settings,
                            rls_applies: rls,
                            earlier: analysis.statements.get(..i).unwrap_or_default(),
                            later: analysis.statements.get(i + 1..).unwrap_or_default(),
                        };
                        run_rules(&statement_rules, statement, &ctx, file, &mut out.raw);
                    }
                    // The catalog follows the forward history only.
                    if !is_down && statement.origin.runs_in_migration() {
                        catalog.apply(statement, m, file);
                    }
                }
            }
            if checked {
                let up_view = view(
                    section(m, false),
                    places_of(m, false),
                    &migration.up,
                    &files,
                );
                if let Some(up) = up_view {
                    let down = match &migration.down {
                        Down::Section(sec) => {
                            view(section(m, true), places_of(m, true), sec, &files)
                                .map_or(DownView::NotSupported, DownView::Present)
                        }
                        Down::Missing(why) => DownView::Missing(why),
                        Down::NotSupported => DownView::NotSupported,
                    };
                    let ctx = MigrationContext {
                        framework: set.framework,
                        expectation: settings.expectation(set.framework),
                        version: &migration.version.text,
                        up,
                        down,
                        dialect: set.dialect,
                        settings,
                        migration: m,
                        ups: &ups,
                        downs: &downs,
                        versions: &set.migrations,
                    };
                    run_located(&migration_rules, &ctx, &mut out.raw);
                }
            }
            // A change set ends after each checked migration, or after the last one.
            let ends_here = match &change_set {
                ChangeSet::EachMigration => checked,
                ChangeSet::Migrations(_) => m + 1 == set.migrations.len() && !changed.is_empty(),
            };
            if ends_here {
                let ctx = ChangeSetContext {
                    catalog: &catalog,
                    change_set: &change_set,
                    migration: match &change_set {
                        ChangeSet::EachMigration => m,
                        ChangeSet::Migrations(list) => {
                            list.first().or(changed.first()).copied().unwrap_or(m)
                        }
                    },
                    dialect: set.dialect,
                    settings,
                    rls_applies: rls,
                };
                run_located(&change_set_rules, &ctx, &mut out.raw);
            }
        }
        let deleted = deleted_of.get(s).map_or(&[][..], Vec::as_slice);
        let touched = match filter {
            ChangeFilter::All => true,
            ChangeFilter::Files(paths) => {
                !changed.is_empty()
                    || !deleted.is_empty()
                    || set.atlas.as_ref().is_some_and(|a| {
                        canonical
                            .get(a.file)
                            .and_then(Option::as_ref)
                            .is_some_and(|p| paths.contains(p))
                    })
            }
        };
        let ctx = HistoryContext {
            set,
            files: &files,
            checked: &changed,
            has_change_set: matches!(filter, ChangeFilter::Files(_)),
            touched,
            history,
            deleted,
            canonical: &canonical,
        };
        run_located(&history_rules, &ctx, &mut out.raw);
        // The set is checked: its models go now, so that a run holds those of one set at a
        // time. A long history's take milliseconds to free (5.8 ms for 5,000 sections).
        if set.migrations.len() >= BACKGROUND_DROP_SECTIONS {
            drop_in_background((catalog, analyzed, placed));
        } else {
            drop((catalog, analyzed, placed));
        }
    };
    let started = Instant::now();
    // What the sets found, in set order.
    let (analysis, found) = analyze_streaming(&files, &jobs, |sections| {
        let mut found = Found::default();
        for s in 0..sets.len() {
            check_set(s, sections, &mut found);
        }
        found
    });
    let Found {
        mut raw,
        mut stats,
        files_checked,
        split_errors,
        mut checked_files,
    } = found;
    stats.threads = analysis.threads;
    // Analysis and checking overlap: the first is the time until the last section was
    // analyzed, the second what checking took after that. Where this thread analyzed (a
    // small run), they alternate: the time it spent analyzing, and the rest.
    let finished = Instant::now();
    let analysis_done = match analysis.finished {
        Some(last) => last.min(finished),
        None => (started + analysis.here).min(finished),
    };
    stats.timings = vec![
        ("analysis", analysis_done.saturating_duration_since(started)),
        (
            "catalog and rules",
            finished.saturating_duration_since(analysis_done),
        ),
    ];

    // Unterminated quotes and comments are parse errors too.
    if let Some(parse_error) = options.enabled("MT001") {
        for (file, error) in split_errors {
            raw.push(Raw::new(
                parse_error,
                file,
                Violation::new(
                    error.offset..error.offset,
                    error.message.clone(),
                    "close it; everything after it is read as part of it",
                ),
            ));
        }
    }

    // Findings of the replay on PostgreSQL, for the rules selected.
    for (code, located) in &options.external {
        if let Some(rule) = options.enabled(code) {
            raw.push(Raw::new(rule, located.file, located.violation.clone()));
        }
    }

    let started = Instant::now();

    // Per-file settings first: a disabled rule neither reports nor uses a suppression.
    let file_rules: HashMap<usize, FileRules> = match options.file_rules {
        None => HashMap::new(),
        Some(resolve) => raw
            .iter()
            .map(|r| r.file)
            .chain(checked_files.keys().copied())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|f| {
                (
                    f,
                    files.get(f).map(|lf| resolve(&lf.path)).unwrap_or_default(),
                )
            })
            .collect(),
    };
    let disabled = |file: usize, code: &str| {
        file_rules
            .get(&file)
            .is_some_and(|fr| fr.disabled.contains(&code))
    };
    raw.retain(|r| !disabled(r.file, r.rule.meta.code));
    apply_suppressions(&mut raw, &files, &mut checked_files, options, &disabled);

    let findings = resolve(raw, &files, &file_rules, options);
    stats.timings.push(("findings", started.elapsed()));
    let gate_required = findings.iter().any(|f| f.gate);
    let (not_replayed, errors) = unchanged_unreadable(errors, filter);
    let report = RunReport {
        findings,
        files_checked: files_checked.len(),
        statements: stats.total().statements,
        parsed: stats.total().parsed + stats.total().classified,
        gate: GateSummary::unevaluated(gate_required),
        errors: errors
            .into_iter()
            .map(|e| RunError {
                file: e.display,
                message: e.message,
            })
            .collect(),
        replay: None,
    };
    CheckOutput {
        report,
        files,
        skipped,
        stats,
        not_replayed: not_replayed
            .into_iter()
            .map(|e| RunError {
                file: e.display,
                message: e.message,
            })
            .collect(),
    }
}

/// Splits discovery's errors into the unreadable files the change set does not touch (an
/// old migration not in UTF-8 must not stop every later check) and the run's errors: files
/// of the change set, anything that is not a plain file (a link, a directory), and every
/// error when the whole tree is checked.
fn unchanged_unreadable(
    errors: Vec<sqlgate_discover::FileError>,
    filter: &ChangeFilter,
) -> (
    Vec<sqlgate_discover::FileError>,
    Vec<sqlgate_discover::FileError>,
) {
    let ChangeFilter::Files(changed) = filter else {
        return (Vec::new(), errors);
    };
    errors.into_iter().partition(|e| {
        let path = Path::new(&e.display);
        path.symlink_metadata().is_ok_and(|m| m.is_file())
            && std::fs::canonicalize(path).is_ok_and(|p| !changed.contains(&p))
    })
}

/// What checking the migration sets found, filled in set order.
#[derive(Default)]
struct Found {
    raw: Vec<Raw>,
    stats: Stats,
    files_checked: BTreeSet<usize>,
    split_errors: Vec<(usize, sqlgate_sql::split::SplitError)>,
    /// Per checked file: its comments and top-level statement ranges (for suppressions).
    checked_files: BTreeMap<usize, FileSyntax>,
}

/// From this many analyzed sections on, [`check`] frees them on another thread.
const BACKGROUND_DROP_SECTIONS: usize = 256;

/// Drops `value` on a new thread (inline when no thread can be started). The process may
/// end before that thread does: the memory is the system's again either way.
fn drop_in_background<T: Send + 'static>(value: T) {
    // When the thread cannot start, the closure (and `value` with it) is dropped here.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

fn view<'a>(
    analysis: Option<&'a AnalyzedSection>,
    places: &'a [Place],
    section: &'a Section,
    files: &'a [LoadedFile],
) -> Option<SectionView<'a>> {
    analysis.map(|a| SectionView {
        file: section.file,
        range: &section.range,
        tx: section.tx,
        statements: &a.statements,
        places,
        comments: &a.comments,
        text: files.get(section.file).map_or("", |f| f.text.as_str()),
    })
}

fn down_section(down: &Down) -> Option<&Section> {
    match down {
        Down::Section(section) => Some(section),
        _ => None,
    }
}

/// Whether the run fails at the given threshold (`None`: never). An evaluated gate that
/// blocks always fails the run; one that passed covers its findings, which then no longer
/// count. `check` does not evaluate the gate, so only its findings decide.
pub fn fails(report: &RunReport, fail_on: Option<Severity>) -> bool {
    if report.gate.evaluated() && report.gate.blocked() {
        return true;
    }
    fail_on.is_some_and(|threshold| {
        report
            .findings
            .iter()
            .any(|f| !f.suppressed && !report.gate.covers(f) && f.severity >= threshold)
    })
}

/// Lints one SQL text as a single plain migration (rule fixtures, editors, tests).
pub fn check_text(
    display: &str,
    text: &str,
    dialect: Dialect,
    rules: &[&'static Rule],
) -> CheckOutput {
    check_source(display, text, dialect, Framework::Plain, rules)
}

/// Lints one SQL text as the only migration of a `framework` set.
pub fn check_source(
    display: &str,
    text: &str,
    dialect: Dialect,
    framework: Framework,
    rules: &[&'static Rule],
) -> CheckOutput {
    use sqlgate_discover::{Migration, MigrationSet, TxMode, Version};
    let discovery = Discovery {
        files: vec![LoadedFile {
            path: PathBuf::from(display),
            display: display.to_string(),
            text: text.to_string(),
            is_symlink: None,
        }],
        sets: vec![MigrationSet {
            dir: Path::new(display)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            framework,
            dialect,
            migrations: vec![Migration {
                version: Version::parse("1"),
                name: display.to_string(),
                up: Section {
                    file: 0,
                    range: 0..text.len(),
                    tx: TxMode::None,
                },
                down: Down::NotSupported,
            }],
            atlas: None,
        }],
        skipped: Vec::new(),
        errors: Vec::new(),
        missing: Vec::new(),
    };
    check(discovery, &ChangeFilter::All, &CheckOptions::new(rules))
}
