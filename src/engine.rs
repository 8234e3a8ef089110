//! The check pipeline: discovery → per-file analysis (in parallel) → catalog replay with the
//! rules → findings with positions.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::analyze::{analyze_section, AnalyzedSection};
use crate::catalog::Catalog;
use crate::discover::{Discovery, Down, LoadedFile, Section, Skipped};
use crate::finding::{Finding, GateSummary, RunError, RunReport, Severity};
use crate::lexer::Dialect;
use crate::model::{ParseStatus, Statement, StatementKind};
use crate::rules::{ChangeSet, Rule, RuleContext, Violation};
use crate::source::LineIndex;

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

/// Counts over the checked statements, for `--verbose` and the closing numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Top-level statements in checked sections.
    pub statements: usize,
    pub parsed: usize,
    /// Not parsed by sqlparser but classified from tokens.
    pub classified: usize,
    /// Neither parsed nor classified.
    pub unknown: usize,
    /// psql meta-commands and COPY data.
    pub non_sql: usize,
    /// Statements found inside DO blocks, function bodies and EXECUTE strings.
    pub dynamic: usize,
    pub kinds: std::collections::BTreeMap<String, usize>,
}

pub struct CheckOutput {
    pub report: RunReport,
    pub files: Vec<LoadedFile>,
    pub skipped: Vec<Skipped>,
    pub stats: Stats,
}

/// One unit of parallel work: a section of a file.
struct Job {
    file: usize,
    range: std::ops::Range<usize>,
    dialect: Dialect,
}

/// sqlparser recurses per nesting level, with large frames in unoptimized builds: the workers
/// get room for its recursion limit on any input (the memory is only reserved, not touched).
const WORKER_STACK_BYTES: usize = 256 * 1024 * 1024;

/// Analyzes every section of every migration, spreading files over the available cores.
fn analyze_all(files: &[LoadedFile], jobs: &[Job]) -> Vec<AnalyzedSection> {
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
                    local.push((i, analyze_section(text, job.range.clone(), job.dialect)));
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
    done.into_iter()
        .zip(jobs)
        .map(|(analysis, job)| {
            analysis.unwrap_or_else(|| {
                let text = files.get(job.file).map_or("", |f| f.text.as_str());
                analyze_section(text, job.range.clone(), job.dialect)
            })
        })
        .collect()
}

struct Raw {
    rule: &'static Rule,
    file: usize,
    violation: Violation,
}

/// Runs the rules over discovered migrations.
pub fn check(discovery: Discovery, filter: &ChangeFilter, rules: &[&'static Rule]) -> CheckOutput {
    let Discovery {
        files,
        sets,
        skipped,
        errors,
    } = discovery;

    // Which migrations are in the change set.
    let canonical: Vec<Option<PathBuf>> = match filter {
        ChangeFilter::All => Vec::new(),
        ChangeFilter::Files(_) => files
            .iter()
            .map(|f| std::fs::canonicalize(&f.path).ok())
            .collect(),
    };
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
            for (is_down, section) in sections {
                if let Some(section) = section {
                    job_of.insert((s, m, is_down), jobs.len());
                    jobs.push(Job {
                        file: section.file,
                        range: section.range.clone(),
                        dialect: set.dialect,
                    });
                }
            }
        }
    }
    let analyzed = analyze_all(&files, &jobs);
    let section = |s, m, down| job_of.get(&(s, m, down)).and_then(|&j| analyzed.get(j));

    let mut raw: Vec<Raw> = Vec::new();
    let mut stats = Stats::default();
    let mut files_checked = BTreeSet::new();
    let mut split_errors = Vec::new();
    for (s, set) in sets.iter().enumerate() {
        let changed: Vec<usize> = set
            .migrations
            .iter()
            .enumerate()
            .filter(|(_, m)| is_changed(&m.up) || down_section(&m.down).is_some_and(is_changed))
            .map(|(i, _)| i)
            .collect();
        let change_set = match filter {
            ChangeFilter::All => ChangeSet::EachMigration,
            ChangeFilter::Files(_) => ChangeSet::Migrations(changed.clone()),
        };
        let mut catalog = Catalog::default();
        for (m, migration) in set.migrations.iter().enumerate() {
            let checked = changed.contains(&m);
            for (is_down, file) in [
                (false, Some(migration.up.file)),
                (true, down_section(&migration.down).map(|d| d.file)),
            ] {
                let (Some(file), Some(analysis)) = (file, section(s, m, is_down)) else {
                    continue;
                };
                if checked {
                    files_checked.insert(file);
                    count(&mut stats, &analysis.statements);
                    split_errors.extend(analysis.errors.iter().map(|e| (file, e.clone())));
                }
                for statement in &analysis.statements {
                    if checked {
                        let ctx = RuleContext {
                            catalog: &catalog,
                            change_set: &change_set,
                            migration: m,
                            dialect: set.dialect,
                            is_down,
                        };
                        run_rules(rules, statement, &ctx, file, &mut raw);
                    }
                    // The catalog follows the forward history only.
                    if !is_down && statement.origin.runs_in_migration() {
                        catalog.apply(statement, m);
                    }
                }
            }
        }
    }

    // Unterminated quotes and comments are parse errors too.
    if let Some(parse_error) = rules.iter().find(|r| r.meta.code == "MT001") {
        for (file, error) in split_errors {
            raw.push(Raw {
                rule: parse_error,
                file,
                violation: Violation::new(
                    error.offset..error.offset,
                    error.message.clone(),
                    "close it; everything after it is read as part of it",
                ),
            });
        }
    }

    let findings = resolve(raw, &files);
    let gate_required = findings.iter().any(|f| f.gate);
    let report = RunReport {
        findings,
        files_checked: files_checked.len(),
        statements: stats.statements,
        parsed: stats.parsed,
        gate: gate_summary(gate_required),
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

fn down_section(down: &Down) -> Option<&Section> {
    match down {
        Down::Section(section) => Some(section),
        _ => None,
    }
}

fn count(stats: &mut Stats, statements: &[Statement]) {
    for statement in statements {
        if statement.origin.is_dynamic() {
            stats.dynamic += 1;
            continue;
        }
        stats.statements += 1;
        *stats.kinds.entry(statement.kind.label()).or_default() += 1;
        match (&statement.parse, &statement.kind) {
            (ParseStatus::Parsed, _) => stats.parsed += 1,
            (_, StatementKind::PsqlMeta | StatementKind::CopyData) => stats.non_sql += 1,
            (_, StatementKind::Unknown) => stats.unknown += 1,
            _ => stats.classified += 1,
        }
    }
}

fn run_rules(
    rules: &[&'static Rule],
    statement: &Statement,
    ctx: &RuleContext,
    file: usize,
    raw: &mut Vec<Raw>,
) {
    let mut violations = Vec::new();
    for &rule in rules {
        if ctx.is_down && !rule.checks_down {
            continue;
        }
        (rule.check)(statement, ctx, &mut violations);
        for mut violation in violations.drain(..) {
            if let Some(origin) = statement.origin.describe() {
                violation.message = format!("{} ({origin})", violation.message);
            }
            raw.push(Raw {
                rule,
                file,
                violation,
            });
        }
    }
}

/// Turns byte ranges into positions (one line index per file with findings) and sorts.
fn resolve(raw: Vec<Raw>, files: &[LoadedFile]) -> Vec<Finding> {
    let mut indexes: HashMap<usize, LineIndex> = HashMap::new();
    let mut findings: Vec<Finding> = raw
        .into_iter()
        .map(
            |Raw {
                 rule,
                 file,
                 violation,
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
                    severity: rule.meta.default_severity,
                    file_id: file,
                    file: display.to_string(),
                    range: violation.span,
                    start,
                    end,
                    message: violation.message,
                    help: violation.help,
                    suppressed: false,
                    gate: DEFAULT_GATE_TRIGGERS.contains(&rule.meta.code),
                }
            },
        )
        .collect();
    findings.sort_by(|a, b| {
        (&a.file, a.start, a.code, &a.message).cmp(&(&b.file, b.start, b.code, &b.message))
    });
    findings
}

/// `check` cannot see approvals or backups: when the gate is required it is blocked
/// (fail closed) until `sqlgate ci` proves both.
fn gate_summary(required: bool) -> GateSummary {
    if required {
        GateSummary {
            required: true,
            status: "blocked",
            missing: vec!["approvals", "backup"],
        }
    } else {
        GateSummary {
            required: false,
            status: "pass",
            missing: Vec::new(),
        }
    }
}

/// Whether the run fails at the given threshold (`None`: never).
pub fn fails(report: &RunReport, fail_on: Option<Severity>) -> bool {
    fail_on.is_some_and(|threshold| {
        report
            .findings
            .iter()
            .any(|f| !f.suppressed && f.severity >= threshold)
    })
}

/// Lints one SQL text as a single plain migration (rule fixtures, editors, tests).
pub fn check_text(
    display: &str,
    text: &str,
    dialect: Dialect,
    rules: &[&'static Rule],
) -> CheckOutput {
    use crate::discover::{Framework, Migration, MigrationSet, TxMode, Version};
    let discovery = Discovery {
        files: vec![LoadedFile {
            path: PathBuf::from(display),
            display: display.to_string(),
            text: text.to_string(),
        }],
        sets: vec![MigrationSet {
            dir: Path::new(display)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            framework: Framework::Plain,
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
        }],
        skipped: Vec::new(),
        errors: Vec::new(),
    };
    check(discovery, &ChangeFilter::All, rules)
}
