//! The check pipeline: discovery → per-file analysis (in parallel) → catalog replay with the
//! rules → findings with positions.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use crate::catalog::Catalog;
use crate::history::{BaseSnapshot, DeletedFile};
use crate::rules::{
    ChangeSet, ChangeSetContext, Check, DownView, HistoryContext, Located, MigrationContext,
    RlsMode, Rule, RuleContext, SectionView, Settings, Violation,
};
use crate::suppress;
use crate::transaction::{self, Place};
use sqlgate_core::finding::{Finding, Severity};
use sqlgate_core::run::{RunError, RunReport};
use sqlgate_core::source::LineIndex;
use sqlgate_core::verdict::GateSummary;
use sqlgate_discover::{
    Discovery, Down, Framework, LoadedFile, MigrationSet, Section, Skipped, TxMode,
};
use sqlgate_sql::analyze::{analyze_section_to, AnalyzedSection, Depth};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{ParseStatus, Statement, StatementKind};

/// Findings of these rules require the merge gate by default (DESIGN.md §4 `gate.triggers`).
pub const DEFAULT_GATE_TRIGGERS: &[&str] = &[
    "DS001", "DS002", "DS003", "DS004", "DS005", "DS006", "DS007", "DS008", "DS013", "SC003",
    "IN001", "IN002",
];

/// Which migrations are checked; the others only feed the catalog.
#[derive(Debug, Clone)]
pub enum ChangeFilter {
    /// Every migration found, each its own change set.
    All,
    /// Migrations with an up or down file among these (canonical) paths form one change set.
    Files(HashSet<PathBuf>),
}

/// How the checked statements of one dialect were understood.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Top-level statements in checked sections.
    pub statements: usize,
    pub parsed: usize,
    /// Not parsed by sqlparser but classified from tokens, with the objects it names.
    pub classified: usize,
    /// Not parsed; known only by its leading keywords (`Other`): no rule looks further.
    pub keyword_only: usize,
    /// Neither parsed nor classified.
    pub unknown: usize,
    /// psql meta-commands and COPY data.
    pub non_sql: usize,
    /// Statements found inside DO blocks, function bodies and EXECUTE strings.
    pub dynamic: usize,
}

impl Counts {
    /// Parsed, classified or known by keyword, out of the SQL statements (not psql lines).
    pub fn understood_percent(&self) -> f64 {
        let sql = self.statements - self.non_sql;
        if sql == 0 {
            return 100.0;
        }
        100.0 * (sql - self.unknown) as f64 / sql as f64
    }

    /// Parsed by sqlparser or classified with the object names, out of the SQL statements:
    /// what the rules can check by name (keyword-only statements count against it).
    pub fn named_percent(&self) -> f64 {
        let sql = self.statements - self.non_sql;
        if sql == 0 {
            return 100.0;
        }
        100.0 * (self.parsed + self.classified) as f64 / sql as f64
    }

    fn add(&mut self, other: &Counts) {
        self.statements += other.statements;
        self.parsed += other.parsed;
        self.classified += other.classified;
        self.keyword_only += other.keyword_only;
        self.unknown += other.unknown;
        self.non_sql += other.non_sql;
        self.dynamic += other.dynamic;
    }
}

/// Counts over the checked statements, for `--stats`, `--verbose` and the closing numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// By dialect name (`postgres`, `clickhouse`).
    pub dialects: BTreeMap<&'static str, Counts>,
    /// Statements sqlparser did not parse, by dialect, kind label and parser message
    /// (positions removed): the shapes the fallback handles.
    pub fallback_shapes: BTreeMap<(&'static str, String, String), usize>,
    /// Where the time went, in order: analysis, catalog replay and rules, findings.
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// Analysis threads.
    pub threads: usize,
}

impl Stats {
    /// Every dialect together.
    pub fn total(&self) -> Counts {
        let mut total = Counts::default();
        for counts in self.dialects.values() {
            total.add(counts);
        }
        total
    }
}

pub struct CheckOutput {
    pub report: RunReport,
    pub files: Vec<LoadedFile>,
    pub skipped: Vec<Skipped>,
    pub stats: Stats,
}

/// One unit of parallel work: a section of a file.
struct Job {
    depth: Depth,
    file: usize,
    range: std::ops::Range<usize>,
    dialect: Dialect,
    tx: TxMode,
    framework: Framework,
}

/// sqlparser recurses per nesting level, with large frames in unoptimized builds: the workers
/// get room for its recursion limit on any input (the memory is only reserved, not touched).
const WORKER_STACK_BYTES: usize = 256 * 1024 * 1024;

/// Analyzes every section of every migration, spreading files over the available cores.
/// Also returns how many threads worked.
fn analyze_all(files: &[LoadedFile], jobs: &[Job]) -> (Vec<AnalyzedSection>, usize) {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(jobs.len()));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let worker = std::thread::Builder::new().stack_size(WORKER_STACK_BYTES);
            let spawned = worker.spawn_scoped(scope, || {
                let mut local = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let text = files.get(job.file).map_or("", |f| f.text.as_str());
                    local.push((
                        i,
                        analyze_section_to(text, job.range.clone(), job.dialect, job.depth),
                    ));
                }
                if let Ok(mut results) = results.lock() {
                    results.extend(local);
                }
            });
            // A worker that cannot start leaves its share to the others (or to the loop below).
            drop(spawned);
        }
    });
    let mut done: Vec<Option<AnalyzedSection>> = (0..jobs.len()).map(|_| None).collect();
    for (i, analysis) in results.into_inner().unwrap_or_default() {
        done[i] = Some(analysis);
    }
    // Whatever no worker analyzed (none could be started) is analyzed here: never skipped.
    let analyzed = done
        .into_iter()
        .zip(jobs)
        .map(|(analysis, job)| {
            analysis.unwrap_or_else(|| {
                let text = files.get(job.file).map_or("", |f| f.text.as_str());
                analyze_section_to(text, job.range.clone(), job.dialect, job.depth)
            })
        })
        .collect();
    (analyzed, workers)
}

struct Raw {
    rule: &'static Rule,
    file: usize,
    violation: Violation,
    suppressed: bool,
}

impl Raw {
    fn new(rule: &'static Rule, file: usize, violation: Violation) -> Raw {
        Raw {
            rule,
            file,
            violation,
            suppressed: false,
        }
    }
}

/// What the configuration changes for the files under some path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileRules {
    /// Codes of rules that do not report in this file.
    pub disabled: Vec<&'static str>,
    /// Severity overrides by rule code.
    pub severity: Vec<(&'static str, Severity)>,
}

/// Everything a run needs besides the discovered files.
pub struct CheckOptions<'a> {
    /// Every rule that may report somewhere (per-file settings narrow this down).
    pub rules: Vec<&'static Rule>,
    pub settings: Settings,
    /// Per-file rule settings (`[[rules.overrides]]`, `[rules] severity`), by file path.
    pub file_rules: Option<&'a dyn Fn(&Path) -> FileRules>,
    /// Codes of the rules whose findings require the merge gate.
    pub gate_triggers: Vec<&'static str>,
    /// Whether suppressed findings still require the gate.
    pub count_suppressed: bool,
    /// The base commit's side of a `--changed-since` run, for the history rules (IN001,
    /// IN002, IN004); `None` otherwise.
    pub history: Option<&'a BaseSnapshot>,
}

impl CheckOptions<'_> {
    /// Default settings, the given rules, the default gate triggers.
    pub fn new(rules: &[&'static Rule]) -> CheckOptions<'static> {
        CheckOptions {
            rules: rules.to_vec(),
            settings: Settings::default(),
            file_rules: None,
            gate_triggers: DEFAULT_GATE_TRIGGERS.to_vec(),
            count_suppressed: true,
            history: None,
        }
    }

    fn enabled(&self, code: &str) -> Option<&'static Rule> {
        self.rules.iter().copied().find(|r| r.meta.code == code)
    }
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
    } = discovery;
    let rules = &options.rules;
    let settings = &options.settings;

    // Which migrations are in the change set.
    let needs_paths = matches!(filter, ChangeFilter::Files(_)) || options.history.is_some();
    let mut canonical: Vec<Option<PathBuf>> = match options.history {
        Some(history) if history.loaded_canonical.len() == files.len() => {
            history.loaded_canonical.clone()
        }
        _ if needs_paths => sqlgate_discover::canonical_paths(&files),
        _ => Vec::new(),
    };
    // A phantom file (empty text) per deleted migration file, for the history rules.
    let deleted_of = phantoms(&sets, options.history, &mut files, &mut canonical);
    let files = files;
    let is_changed = |section: &Section| match filter {
        ChangeFilter::All => true,
        ChangeFilter::Files(changed) => canonical
            .get(section.file)
            .and_then(Option::as_ref)
            .is_some_and(|p| changed.contains(p)),
    };

    // Jobs in (set, migration, up, down) order; indexes recorded to find results again.
    let mut jobs = Vec::new();
    let mut job_of: HashMap<(usize, usize, bool), usize> = HashMap::new();
    for (s, set) in sets.iter().enumerate() {
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
    let started = Instant::now();
    let (analyzed, threads) = analyze_all(&files, &jobs);
    let analysis_time = started.elapsed();
    let started = Instant::now();
    let placed: Vec<Vec<Place>> = analyzed
        .iter()
        .zip(&jobs)
        // Only checked sections are looked at statement by statement.
        .map(|(a, job)| match job.depth {
            Depth::Full => transaction::places(&a.statements, job.tx, job.framework),
            Depth::Catalog => Vec::new(),
        })
        .collect();
    let section = |s, m, down| job_of.get(&(s, m, down)).and_then(|&j| analyzed.get(j));
    let places_of = |s, m, down| {
        job_of
            .get(&(s, m, down))
            .and_then(|&j| placed.get(j))
            .map_or(&[][..], Vec::as_slice)
    };

    let mut raw: Vec<Raw> = Vec::new();
    let mut stats = Stats {
        threads,
        ..Stats::default()
    };
    let mut files_checked = BTreeSet::new();
    let mut split_errors = Vec::new();
    // Per checked file: its comments and top-level statement ranges (for suppressions).
    let mut checked_files: BTreeMap<usize, FileSyntax> = BTreeMap::new();
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
            Check::Engine => {}
        }
    }
    for (s, set) in sets.iter().enumerate() {
        let changed: Vec<usize> = set
            .migrations
            .iter()
            .enumerate()
            .filter(|(_, m)| is_changed(&m.up) || down_section(&m.down).is_some_and(is_changed))
            .map(|(i, _)| i)
            .collect();
        // What the change creates is new; a migration that existed at the base (edited now,
        // IN001) is still checked, but its tables existed before this change.
        let existed_at_base = |m: usize| {
            options.history.is_some_and(|history| {
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
            .flat_map(|m| [section(s, m, false), section(s, m, true)])
            .flatten()
            .any(|a| a.uses_supabase_auth);
        let rls = rls_applies(settings.rls, set, uses_supabase_auth);
        let mut catalog = Catalog::default();
        for (m, migration) in set.migrations.iter().enumerate() {
            let checked = changed.binary_search(&m).is_ok();
            for (is_down, file) in [
                (false, Some(migration.up.file)),
                (true, down_section(&migration.down).map(|d| d.file)),
            ] {
                let (Some(file), Some(analysis)) = (file, section(s, m, is_down)) else {
                    continue;
                };
                if checked {
                    files_checked.insert(file);
                    count(&mut stats, set.dialect, &analysis.statements);
                    split_errors.extend(analysis.errors.iter().map(|e| (file, e.clone())));
                    let syntax = checked_files.entry(file).or_default();
                    syntax.comments.extend(analysis.comments.iter().cloned());
                    syntax.statements.extend(
                        analysis
                            .statements
                            .iter()
                            .filter(|st| !st.origin.is_dynamic())
                            .map(|st| st.range.clone()),
                    );
                }
                let places = places_of(s, m, is_down);
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
                        };
                        run_rules(&statement_rules, statement, &ctx, file, &mut raw);
                    }
                    // The catalog follows the forward history only.
                    if !is_down && statement.origin.runs_in_migration() {
                        catalog.apply(statement, m, file);
                    }
                }
            }
            if checked {
                let up_view = view(
                    section(s, m, false),
                    places_of(s, m, false),
                    &migration.up,
                    &files,
                );
                if let Some(up) = up_view {
                    let down = match &migration.down {
                        Down::Section(sec) => {
                            view(section(s, m, true), places_of(s, m, true), sec, &files)
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
                    };
                    run_located(&migration_rules, &ctx, &mut raw);
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
                run_located(&change_set_rules, &ctx, &mut raw);
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
            history: options.history,
            deleted,
            canonical: &canonical,
        };
        run_located(&history_rules, &ctx, &mut raw);
    }

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

    // The replay is over: the models go before the findings are made. Those of migrations
    // that only fed the catalog (thousands under --changed-since) take milliseconds to free
    // (5.8 ms for 5,000): another thread frees them while the report is written.
    let (catalog_only, checked): (Vec<_>, Vec<_>) = analyzed
        .into_iter()
        .zip(&jobs)
        .partition(|(_, job)| job.depth == Depth::Catalog);
    drop((checked, placed));
    if catalog_only.len() >= BACKGROUND_DROP_SECTIONS {
        let sections: Vec<AnalyzedSection> = catalog_only.into_iter().map(|(a, _)| a).collect();
        drop_in_background(sections);
    }
    stats.timings = vec![
        ("analysis", analysis_time),
        ("catalog and rules", started.elapsed()),
    ];
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
    let report = RunReport {
        findings,
        files_checked: files_checked.len(),
        statements: stats.total().statements,
        parsed: stats.total().parsed,
        gate: GateSummary::unevaluated(gate_required),
        errors: errors
            .into_iter()
            .map(|e| RunError {
                file: e.display,
                message: e.message,
            })
            .collect(),
    };
    CheckOutput {
        report,
        files,
        skipped,
        stats,
    }
}

/// From this many analyzed sections on, [`check`] frees them on another thread.
const BACKGROUND_DROP_SECTIONS: usize = 256;

/// Drops `value` on a new thread (inline when no thread can be started). The process may
/// end before that thread does: the memory is the system's again either way.
fn drop_in_background<T: Send + 'static>(value: T) {
    // When the thread cannot start, the closure (and `value` with it) is dropped here.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// Appends a phantom file (empty text) for each deleted migration file of the snapshot that
/// belongs to a set (in its directory, or for `up.sql`/`down.sql`/`migration.sql` in a
/// migration directory of it); returns each set's phantoms.
fn phantoms<'h>(
    sets: &[MigrationSet],
    history: Option<&'h BaseSnapshot>,
    files: &mut Vec<LoadedFile>,
    canonical: &mut Vec<Option<PathBuf>>,
) -> Vec<Vec<(usize, &'h DeletedFile)>> {
    let mut out: Vec<Vec<(usize, &DeletedFile)>> = vec![Vec::new(); sets.len()];
    let Some(history) = history else {
        return out;
    };
    let set_dirs: Vec<Option<PathBuf>> = sets
        .iter()
        .map(|s| std::fs::canonicalize(&s.dir).ok())
        .collect();
    for deleted in &history.deleted {
        let dir = deleted.path.parent();
        let per_migration = deleted
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| ["up.sql", "down.sql", "migration.sql"].contains(&n));
        let owner = set_dirs.iter().position(|set_dir| {
            set_dir.as_deref().is_some_and(|set_dir| {
                dir == Some(set_dir)
                    || (per_migration && dir.and_then(Path::parent) == Some(set_dir))
            })
        });
        if let Some(owner) = owner {
            files.push(LoadedFile {
                path: deleted.path.clone(),
                display: deleted.display.clone(),
                text: String::new(),
                is_symlink: None,
            });
            canonical.push(Some(deleted.path.clone()));
            out[owner].push((files.len() - 1, deleted));
        }
    }
    out
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

/// A checked file's comments and top-level statement ranges.
#[derive(Default)]
struct FileSyntax {
    comments: Vec<std::ops::Range<usize>>,
    statements: Vec<std::ops::Range<usize>>,
}

/// Marks suppressed findings; reports invalid (MT003) and unused (MT002) suppressions.
fn apply_suppressions(
    raw: &mut Vec<Raw>,
    files: &[LoadedFile],
    checked: &mut BTreeMap<usize, FileSyntax>,
    options: &CheckOptions,
    disabled: &dyn Fn(usize, &str) -> bool,
) {
    let invalid_rule = options.enabled("MT003");
    let unused_rule = options.enabled("MT002");
    let mut by_file: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, r) in raw.iter().enumerate() {
        by_file.entry(r.file).or_default().push(i);
    }
    let mut extra = Vec::new();
    for (&file, syntax) in checked.iter_mut() {
        let text = files.get(file).map_or("", |f| f.text.as_str());
        if !suppress::may_contain_directives(text) {
            continue;
        }
        syntax.comments.sort_by_key(|c| c.start);
        syntax.comments.dedup();
        syntax.statements.sort_by_key(|s| s.start);
        let mut parsed = suppress::parse(text, &syntax.comments, &syntax.statements);
        if let Some(rule) = invalid_rule.filter(|r| !disabled(file, r.meta.code)) {
            extra.extend(parsed.invalid.into_iter().map(|v| Raw::new(rule, file, v)));
        }
        for &i in by_file.get(&file).map_or(&[][..], Vec::as_slice) {
            // MT002/MT003 findings are only added below, so no suppression can hide them.
            let finding = &mut raw[i];
            let offset = finding.violation.span.start;
            for directive in &mut parsed.directives {
                if directive.suppresses(finding.rule, offset) {
                    finding.suppressed = true;
                }
            }
        }
        let Some(unused) = unused_rule.filter(|r| !disabled(file, r.meta.code)) else {
            continue;
        };
        for directive in parsed.directives {
            for entry in directive.entries.into_iter().filter(|e| !e.used) {
                // A rule this run does not apply here could not have matched anything.
                let code = entry.rule.meta.code;
                if options.enabled(code).is_none() || disabled(file, code) {
                    continue;
                }
                let what = if directive.target.is_none() {
                    "this file"
                } else {
                    "the statement after it"
                };
                extra.push(Raw::new(
                    unused,
                    file,
                    Violation::new(
                        entry.span,
                        format!(
                            "unused suppression of {}: {what} has no such finding",
                            entry.rule.meta.name
                        ),
                        "remove it, or move it right above the statement it is about",
                    ),
                ));
            }
        }
    }
    raw.extend(extra);
}

fn down_section(down: &Down) -> Option<&Section> {
    match down {
        Down::Section(section) => Some(section),
        _ => None,
    }
}

pub fn dialect_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "postgres",
        Dialect::ClickHouse => "clickhouse",
    }
}

fn count(stats: &mut Stats, dialect: Dialect, statements: &[Statement]) {
    let name = dialect_name(dialect);
    let counts = stats.dialects.entry(name).or_default();
    for statement in statements {
        if statement.origin.is_dynamic() {
            counts.dynamic += 1;
            continue;
        }
        counts.statements += 1;
        match (&statement.parse, &statement.kind) {
            (ParseStatus::Parsed, _) => counts.parsed += 1,
            (_, StatementKind::PsqlMeta | StatementKind::CopyData) => counts.non_sql += 1,
            (_, StatementKind::Unknown) => counts.unknown += 1,
            (_, StatementKind::Other { .. }) => counts.keyword_only += 1,
            _ => counts.classified += 1,
        }
        if let ParseStatus::Fallback { error } = &statement.parse {
            let shape = (name, statement.kind.label(), without_position(error));
            *stats.fallback_shapes.entry(shape).or_default() += 1;
        }
    }
}

/// sqlparser's message without its ` at Line: 3, Column: 7` suffix, so that equal shapes
/// count together.
fn without_position(error: &str) -> String {
    // Too-large statements name their own size: one shape for all of them.
    if sqlgate_sql::analyze::is_too_large(error) {
        return "larger than the sqlparser limit: checked from its tokens".to_string();
    }
    let message = error.split(" at Line: ").next().unwrap_or(error);
    message
        .strip_prefix("sql parser error: ")
        .unwrap_or(message)
        .to_string()
}

type StatementCheck = fn(&Statement, &RuleContext, &mut Vec<Violation>);

/// A migration or change-set rule's check, over its context `C`.
type LocatedCheck<C> = fn(&C, &mut Vec<Located>);

/// Runs migration or change-set rules, whose violations name their file.
fn run_located<C>(rules: &[(&'static Rule, LocatedCheck<C>)], ctx: &C, raw: &mut Vec<Raw>) {
    let mut found = Vec::new();
    for &(rule, check) in rules {
        check(ctx, &mut found);
        raw.extend(found.drain(..).map(|l| Raw::new(rule, l.file, l.violation)));
    }
}

fn run_rules(
    rules: &[(&'static Rule, StatementCheck)],
    statement: &Statement,
    ctx: &RuleContext,
    file: usize,
    raw: &mut Vec<Raw>,
) {
    let mut violations = Vec::new();
    for &(rule, check) in rules {
        if ctx.is_down && !rule.checks_down {
            continue;
        }
        check(statement, ctx, &mut violations);
        for mut violation in violations.drain(..) {
            if let Some(origin) = statement.origin.describe() {
                violation.message = format!("{} ({origin})", violation.message);
            }
            raw.push(Raw::new(rule, file, violation));
        }
    }
}

/// Turns byte ranges into positions (one line index per file with findings), applies the
/// per-file severities and gate triggers, and sorts.
fn resolve(
    raw: Vec<Raw>,
    files: &[LoadedFile],
    file_rules: &HashMap<usize, FileRules>,
    options: &CheckOptions,
) -> Vec<Finding> {
    let mut indexes: HashMap<usize, LineIndex> = HashMap::new();
    let mut findings: Vec<Finding> = raw
        .into_iter()
        .map(
            |Raw {
                 rule,
                 file,
                 violation,
                 suppressed,
             }| {
                let (display, text) = files
                    .get(file)
                    .map_or(("", ""), |f| (f.display.as_str(), f.text.as_str()));
                let index = indexes.entry(file).or_insert_with(|| LineIndex::new(text));
                let (start, end) = index.span(text, &violation.span);
                Finding {
                    rule: rule.meta.name,
                    code: rule.meta.code,
                    category: rule.meta.category,
                    severity: file_rules
                        .get(&file)
                        .and_then(|fr| fr.severity.iter().find(|(c, _)| *c == rule.meta.code))
                        .map_or(rule.meta.default_severity, |(_, s)| *s),
                    file_id: file,
                    file: display.to_string(),
                    range: violation.span,
                    start,
                    end,
                    message: one_line(violation.message),
                    help: one_line(violation.help),
                    detail: violation.detail,
                    suppressed,
                    gate: options.gate_triggers.contains(&rule.meta.code)
                        && (!suppressed || options.count_suppressed),
                }
            },
        )
        .collect();
    findings.sort_by(|a, b| {
        (&a.file, a.start, a.code, &a.message).cmp(&(&b.file, b.start, b.code, &b.message))
    });
    findings
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

/// Messages are one line: control characters that came from the input (a quoted name with
/// a line break in it) are shown escaped, as `\n`, `\r`, `\t` or `\u{..}`.
fn one_line(text: String) -> String {
    if !text.chars().any(char::is_control) {
        return text;
    }
    text.chars()
        .map(|c| match c {
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            '\t' => "\\t".to_string(),
            c if c.is_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect()
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
    };
    check(discovery, &ChangeFilter::All, &CheckOptions::new(rules))
}
