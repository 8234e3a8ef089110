//! `sqlgate check`: lint migrations and report the findings.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::ValueEnum;

use super::args::{CheckArgs, OutputFormat};
use super::config::{
    check_paths, discover_options, exit_code, explicit_config, fail_on_setting, flag_or_env,
    merged_config, parse_choice, require_existing,
};
use super::output::{append_to, stderr_line, stderr_text, write_local_report, Failure};
use sqlgate_config::Config;
use sqlgate_core::verdict::{GateFile, GateFileKind};
use sqlgate_discover::discover;
use sqlgate_lint::engine::{self, ChangeFilter, CheckOutput};
use sqlgate_lint::plan::ConfigRules;
use sqlgate_report::{self as report, Format};

pub(super) fn run_check(mut args: CheckArgs) -> Result<u8, Failure> {
    let run_started = Instant::now();
    // A REF git would read as an option (`--output=FILE`) is refused before anything runs;
    // the git layer refuses it too, this only makes it the first thing said.
    if let Some(base) = &args.changed_since {
        sqlgate_discover::git::check_revision(base).map_err(|e| Failure(e.to_string()))?;
    }
    let stdin = stdin_input(&args)?;
    let mut cwd = std::env::current_dir()
        .map_err(|e| Failure(format!("cannot read the current directory: {e}")))?;
    // --staged: the index is written out and read like a work tree from its counterpart of
    // the current directory; removed when the run ends.
    let staged = if args.staged {
        let tree =
            sqlgate_discover::staged::materialize(&cwd, &args.paths, args.changed_since.as_deref())
                .map_err(|e| Failure(e.to_string()))?;
        // A config named by path is the user's file, read from where they named it.
        args.common.config = explicit_config(&args).map(|(file, _)| cwd.join(file));
        std::env::set_current_dir(&tree.cwd)
            .map_err(|e| Failure(format!("cannot enter {}: {e}", tree.cwd.display())))?;
        cwd = tree.cwd.clone();
        args.paths = tree.paths.clone();
        Some(tree)
    } else {
        None
    };
    // The config is found from the first path (for stdin: the --stdin-filename's directory).
    let start = match &stdin {
        Some(input) => input
            .path
            .parent()
            .filter(|dir| !dir.as_os_str().is_empty())
            .map_or_else(|| cwd.clone(), |dir| cwd.join(dir)),
        None => args.paths.first().cloned().unwrap_or_else(|| cwd.clone()),
    };
    let config = merged_config(&args, &start, staged.as_ref().map(|t| t.root.as_path()))?;
    let plan = config.rule_plan().map_err(|e| Failure(format!("{e}")))?;

    let paths = if stdin.is_some() {
        Vec::new()
    } else {
        check_paths(
            &args.paths,
            &config,
            &cwd,
            staged.as_ref().map(|t| t.root.as_path()),
        )
    };
    let mut before = vec![("setup", run_started.elapsed())];
    let started = Instant::now();
    // git's answer and discovery do not depend on each other: git runs while the files are
    // read (its processes spend their time starting up).
    let options = discover_options(&config);
    let discover_all = || match stdin {
        Some(input) => sqlgate_discover::Discovery::of_bytes(
            &input.path,
            &input.display,
            input.bytes,
            &options,
        ),
        None => discover(&paths, &options),
    };
    let (changes, discovery) = match (&staged, &args.changed_since) {
        (Some(tree), _) => (Ok(Some(tree.changes.clone())), discover_all()),
        // No git to ask: no thread to start (a small repository's run is a few milliseconds).
        (None, None) => (Ok(None), discover_all()),
        (None, Some(base)) => std::thread::scope(|scope| {
            let git = scope.spawn(|| {
                // git runs in the checked path's nearest existing directory.
                let dir = start.ancestors().find(|d| d.is_dir()).unwrap_or(&cwd);
                sqlgate_discover::git::changes_since(dir, base)
                    .map(Some)
                    .map_err(|e| Failure(e.to_string()))
            });
            let discovery = discover_all();
            let changes = git
                .join()
                .unwrap_or_else(|_| Err(Failure("git could not be asked for the changes".into())));
            (changes, discovery)
        }),
    };
    // Discovery found which paths given do not exist (no `stat` of its own per path: the
    // walk has one, or a directory listing, for each): that stops the run before git's answer
    // is looked at, as if nothing had run.
    require_existing(&discovery.missing, &args.paths, &config)?;
    let changes = changes?;
    let filter = changes
        .as_ref()
        .map_or(ChangeFilter::All, |c| ChangeFilter::Files(c.changed()));
    before.push(("git and discovery", started.elapsed()));
    let started = Instant::now();
    let history = changes
        .as_ref()
        .map(|c| sqlgate_lint::history::snapshot(c, &discovery.files))
        .transpose()
        .map_err(|e| Failure(e.to_string()))?;
    if history.is_some() {
        before.push(("base snapshot", started.elapsed()));
    }
    // Changed files in migration directories that were not linted (a Go template, a name no
    // layout runs): the gate holds them for people; a check says so instead of passing them
    // over in silence.
    let unverified: Vec<GateFile> = match (&changes, &history) {
        (Some(changes), Some(history)) => sqlgate_discover::gate_files(
            &discovery,
            &history.loaded_canonical,
            changes,
            &paths,
            None,
        )
        .into_iter()
        .filter(|file| file.kind == GateFileKind::NotVerified)
        .collect(),
        _ => Vec::new(),
    };
    let settings = config.settings();
    let (replay, external) = if args.replay.replay {
        let started = Instant::now();
        let (report, found) = super::replay::run_replay(
            &args.replay,
            config.replay_statement_timeout,
            &discovery,
            &filter,
            &settings,
        )?;
        before.push(("replay", started.elapsed()));
        (Some(report), found)
    } else {
        (None, Vec::new())
    };
    let file_rules = |path: &Path| plan.file_rules(path);
    let options = engine::CheckOptions {
        rules: plan.rules.clone(),
        settings,
        file_rules: Some(&file_rules),
        gate_triggers: config.gate.trigger_codes.clone(),
        count_suppressed: config.gate.count_suppressed,
        history: history.as_ref(),
        external,
    };
    let mut output = engine::check(discovery, &filter, &options);
    output.report.replay = replay;
    if let Some(replay) = &output.report.replay {
        eprintln!("{}", super::replay::summary(replay));
    }
    let started = Instant::now();
    warn_unverified(&unverified, &args);
    if unverified.is_empty() {
        explain_empty_run(&output, &args, &config, &paths);
    }
    if args.verbose {
        print_verbose(&output);
    }

    let in_actions = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    let format = match args.format {
        Some(format) => Some(format),
        None => flag_or_env(None, "--format", "SQLGATE_FORMAT")
            .map(|choice| {
                parse_choice(
                    choice,
                    |v| OutputFormat::from_str(v, false).ok(),
                    &["human", "json", "github", "markdown", "sarif"],
                )
            })
            .transpose()?,
    };
    let format = match format {
        Some(OutputFormat::Human) => Format::Human,
        Some(OutputFormat::Json) => Format::Json,
        Some(OutputFormat::Github) => Format::Github,
        Some(OutputFormat::Markdown) => Format::Markdown,
        Some(OutputFormat::Sarif) => Format::Sarif,
        None if in_actions => Format::Github,
        None => Format::Human,
    };
    write_local_report(format, &output, &config.gate)?;
    warn_not_replayed(&output);
    if format == Format::Github {
        write_github_files(&output)?;
    }
    if args.stats {
        print_stats(&output, before, started.elapsed(), run_started.elapsed());
    }

    let fail_on = fail_on_setting(args.common.fail_on)?;
    let code = exit_code(&output.report, fail_on);
    // The process ends next: freeing every file's text and the report one allocation at a
    // time would only delay the exit (the system takes the memory back at once).
    std::mem::forget(output);
    Ok(code)
}

/// One line on stderr per unchanged file that could not be read: the check went on without
/// it, but what it creates is unknown to the rules.
pub(super) fn warn_not_replayed(output: &CheckOutput) {
    for error in &output.not_replayed {
        eprintln!(
            "{}",
            stderr_line(
                "warning",
                &format!(
                    "{}: {}; it did not change, so the check goes on, but the catalog could not \
                     replay it: the tables it creates are unknown",
                    error.file, error.message
                )
            )
        );
    }
}

/// SQL read from stdin (`sqlgate check -`), and the path it is shown as.
struct StdinInput {
    /// The `--stdin-filename` (empty without one): where the SQL stands, for the dialect and
    /// the config.
    path: PathBuf,
    /// How findings name it: the `--stdin-filename` as given, else `<stdin>`.
    display: String,
    bytes: Vec<u8>,
}

/// Reads stdin when the only path is `-`; refuses `-` among other paths, with `--staged` or
/// `--changed-since` (stdin has no history), and `--stdin-filename` without `-`.
fn stdin_input(args: &CheckArgs) -> Result<Option<StdinInput>, Failure> {
    use std::io::Read;
    let dash = args.paths.iter().any(|p| p.as_os_str() == "-");
    if !dash {
        return match &args.stdin_filename {
            Some(_) => Err(Failure(
                "--stdin-filename names the SQL read from stdin: pass `-` as the path \
                 (`sqlgate check - --stdin-filename PATH < file.sql`)"
                    .to_string(),
            )),
            None => Ok(None),
        };
    }
    if args.paths.len() > 1 {
        return Err(Failure(
            "`-` reads SQL from stdin and cannot be combined with other paths: check them in \
             another run"
                .to_string(),
        ));
    }
    if args.staged || args.changed_since.is_some() {
        return Err(Failure(
            "`-` reads SQL from stdin, which has no git history: drop --staged and \
             --changed-since, or check the files by path"
                .to_string(),
        ));
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(|e| Failure(format!("cannot read stdin: {e}")))?;
    let (path, display) = match &args.stdin_filename {
        Some(path) => (
            path.clone(),
            path.to_string_lossy().trim_start_matches("./").to_string(),
        ),
        None => (PathBuf::new(), "<stdin>".to_string()),
    };
    Ok(Some(StdinInput {
        path,
        display,
        bytes,
    }))
}

/// One warning per changed file in a migration directory that was not linted, and why.
fn warn_unverified(files: &[GateFile], args: &CheckArgs) {
    let base = args.changed_since.as_deref().unwrap_or("HEAD");
    for file in files {
        // Paths and reasons come from the repository: `stderr_line` keeps each to one line.
        let message = format!(
            "{} changed since {base} but was not checked ({}): review it by hand",
            file.file, file.reason
        );
        eprintln!("{}", stderr_line("warning", &message));
    }
}

/// A run that found nothing to check says why on stderr (stdout stays a valid report): what
/// was searched, what sqlgate looks for, and how to point it at the migrations. With
/// `--changed-since`, migrations that exist but did not change are not a problem to explain.
pub(super) fn explain_empty_run(
    output: &CheckOutput,
    args: &CheckArgs,
    config: &Config,
    searched: &[PathBuf],
) {
    // Files that could not be read are reported already; guessing about layouts would mislead.
    if output.report.files_checked > 0 || !output.report.errors.is_empty() {
        return;
    }
    if args.staged {
        // The written-out index is not where the user is: name the base, not the paths.
        let base = args.changed_since.as_deref().unwrap_or("HEAD");
        eprintln!(
            "{}",
            stderr_line(
                "note",
                &format!("the index changes no migration since {base}: nothing to check")
            )
        );
        return;
    }
    if !output.files.is_empty() {
        if let Some(base) = &args.changed_since {
            eprintln!(
                "{}",
                stderr_line("note", &format!("no migration changed since {base}"))
            );
        }
        return;
    }
    let shown: Vec<String> = searched.iter().map(|p| p.display().to_string()).collect();
    let config_file = config
        .source
        .as_ref()
        .map_or_else(|| "sqlgate.toml".to_string(), |f| f.display().to_string());
    let (place, what_to_do) = if !args.paths.is_empty() {
        (
            format!("under {}", shown.join(", ")),
            "pass the directory that holds them (`sqlgate check path/to/migrations`)".to_string(),
        )
    } else if !config.paths.is_empty() {
        (
            format!("under {} (`paths` in {config_file})", shown.join(", ")),
            format!("fix `paths` under [migrations] in {config_file}"),
        )
    } else {
        let root = match std::env::current_dir()
            .ok()
            .and_then(|d| sqlgate_discover::git::repo_root(&d))
        {
            Some(_) => "the repository root",
            None => "the current directory: not in a git repository",
        };
        (
            format!("under {} ({root})", shown.join(", ")),
            "pass their directory (`sqlgate check path/to/migrations`) or set `paths` under \
             [migrations] in sqlgate.toml (`sqlgate init` writes one)"
                .to_string(),
        )
    };
    let skipped = match (output.skipped.len(), args.verbose) {
        (0, _) | (_, true) => String::new(),
        (1, false) => "; 1 file was skipped: run with -v to see why".to_string(),
        (n, false) => format!("; {n} files were skipped: run with -v to see why"),
    };
    // The paths come from the command line or the config, which a pull request may write.
    let note = format!(
        "no migrations found {place}: sqlgate looks for SQL migration files (supabase/migrations, \
         migrations/ and db/migrations of golang-migrate, sqlx, diesel, dbmate, goose and popx, \
         Flyway V1__name.sql, Prisma migration.sql, Atlas atlas.sum, numbered *.sql); {what_to_do}{skipped}"
    );
    eprintln!("{}", stderr_line("note", &note));
}

/// Appends the Markdown report to `$GITHUB_STEP_SUMMARY` and the counts to `$GITHUB_OUTPUT`.
pub(super) fn write_github_files(output: &CheckOutput) -> Result<(), Failure> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
    };
    append_to(
        var("GITHUB_STEP_SUMMARY").as_deref(),
        "GITHUB_STEP_SUMMARY",
        &report::markdown::render(&output.report),
    )?;
    append_to(
        var("GITHUB_OUTPUT").as_deref(),
        "GITHUB_OUTPUT",
        &report::github::outputs(&output.report),
    )
}

pub(super) fn print_verbose(output: &CheckOutput) {
    let mut err = std::io::stderr().lock();
    for skipped in &output.skipped {
        // A committed file name may hold a newline or an escape sequence.
        let line = format!("{}: {}", skipped.display, skipped.reason);
        let _ = writeln!(err, "skipped {}", stderr_text(&line));
    }
    let s = &output.stats.total();
    let _ = writeln!(
        err,
        "statements: {} total, {} read with the objects they name, {} known by keyword only, {} unknown, {} psql meta/COPY data; {} found in DO blocks, function bodies and EXECUTE strings",
        s.statements, s.parsed + s.classified, s.keyword_only, s.unknown, s.non_sql, s.dynamic
    );
    print_not_parsed(&mut err, output);
    let _ = writeln!(
        err,
        "files: {} checked, {} skipped, {} not read",
        output.report.files_checked,
        output.skipped.len(),
        output.report.errors.len()
    );
}

/// Every checked statement with a syntax problem that sqlparser did not parse either (MT001
/// reports each), at its first line, with sqlparser's message.
fn print_not_parsed(err: &mut impl Write, output: &CheckOutput) {
    let mut lines: std::collections::BTreeMap<usize, sqlgate_core::source::LineIndex> =
        std::collections::BTreeMap::new();
    for statement in &output.stats.not_parsed {
        let Some(file) = output.files.get(statement.file) else {
            continue;
        };
        let index = lines
            .entry(statement.file)
            .or_insert_with(|| sqlgate_core::source::LineIndex::new(&file.text));
        let at = index.position(&file.text, statement.offset);
        let line = format!(
            "not parsed by sqlparser: {}:{}:{}: {}: {}",
            file.display, at.line, at.column, statement.kind, statement.error
        );
        let _ = writeln!(err, "{}", stderr_text(&line));
    }
}

pub(super) fn print_stats(
    output: &CheckOutput,
    before: Vec<(&'static str, Duration)>,
    report_time: Duration,
    total: Duration,
) {
    let facts = report::stats::RunFacts {
        files_read: output.files.len(),
        bytes_read: output.files.iter().map(|f| f.text.len()).sum(),
        files_checked: output.report.files_checked,
        before,
        after: vec![("report", report_time)],
        total,
        peak_memory: std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|status| report::stats::peak_memory_of(&status)),
    };
    let _ = std::io::stderr()
        .lock()
        .write_all(report::stats::render(&output.stats, &facts).as_bytes());
}
