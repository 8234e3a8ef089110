//! Command line: turns arguments into a run and every error into a message and exit code 2.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};

use sqlgate_config::Config;
use sqlgate_core::finding::Severity;
use sqlgate_discover::git::short_sha;
use sqlgate_discover::{discover, DiscoverOptions, Framework};
use sqlgate_lint::engine::{self, ChangeFilter, CheckOutput};
use sqlgate_lint::plan::ConfigRules;
use sqlgate_report::{self as report, Format, HumanOptions};

#[derive(Parser, Debug)]
#[command(
    name = "sqlgate",
    version,
    about = "Stops dangerous database migrations before they merge",
    after_help = MAIN_EXAMPLES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint migrations (default: discover them from the repository root)
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Inside GitHub Actions: check the pull request's changed migrations, annotate them,
    /// write the job summary, and update the sticky PR comment (and a check run, SARIF)
    #[command(after_help = CI_EXAMPLES)]
    Ci(CiArgs),
    /// Evaluate the merge gate offline from a saved event and API answers (tests, debugging)
    #[command(after_help = GATE_EXAMPLES)]
    Gate(GateArgs),
    /// List every rule with its code, category and default severity
    #[command(after_help = RULES_EXAMPLES)]
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
        /// Write the generated rule docs into this directory (e.g. `docs`), and the rule table of
        /// the README.md next to it, instead of listing
        #[arg(long, value_name = "DIR")]
        write_docs: Option<PathBuf>,
    },
    /// Print a rule's documentation
    #[command(after_help = RULE_EXAMPLES)]
    Rule {
        /// Rule name (drop-table) or code (DS001)
        name: String,
    },
    /// Write a commented sqlgate.toml for the repository, from the migrations found in it
    #[command(after_help = INIT_EXAMPLES)]
    Init {
        /// Overwrite existing files
        #[arg(long)]
        force: bool,
        /// Also write the GitHub Actions workflow .github/workflows/sqlgate.yml
        #[arg(long)]
        github: bool,
        /// Also add the sqlgate hook to .pre-commit-config.yaml (other hooks are kept)
        #[arg(long)]
        pre_commit: bool,
    },
}

const MAIN_EXAMPLES: &str = "\
Examples:
  sqlgate check                               # every migration in the repository
  sqlgate check supabase/migrations
  sqlgate check --changed-since origin/main   # only what this branch adds or changes
  sqlgate rule DS001                          # what a rule catches and how to fix it
  sqlgate init --github                       # sqlgate.toml and a GitHub Actions workflow
  sqlgate init --pre-commit                   # sqlgate.toml and a pre-commit hook";

const CHECK_EXAMPLES: &str = "\
Examples:
  sqlgate check                               # every migration in the repository
  sqlgate check supabase/migrations
  sqlgate check db/migrations --format json
  sqlgate check --changed-since origin/main   # only what this branch adds or changes
  sqlgate check --staged                      # what the pre-commit hook runs: the staged files
  sqlgate check --select DS001,rename --ignore DS010 --fail-on warning
  sqlgate check -v                            # also which files were skipped, and why";

const RULES_EXAMPLES: &str = "\
Examples:
  sqlgate rules
  sqlgate rules --format json                 # code, name, category and severity of each";

const RULE_EXAMPLES: &str = "\
Examples:
  sqlgate rule DS001
  sqlgate rule drop-table";

const INIT_EXAMPLES: &str = "\
Examples:
  sqlgate init                                # sqlgate.toml for the migrations found here
  sqlgate init --github                       # also .github/workflows/sqlgate.yml
  sqlgate init --pre-commit                   # also the hook in .pre-commit-config.yaml
  sqlgate init --github --pre-commit

Files are written at the repository root. An existing sqlgate.toml is kept with --github or
--pre-commit; --force overwrites sqlgate.toml and the workflow, never other hooks.";

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// Directories or files to check
    paths: Vec<PathBuf>,
    /// Output format [env: SQLGATE_FORMAT] (default: github when GITHUB_ACTIONS=true, else human)
    #[arg(long, value_enum)]
    format: Option<OutputFormat>,
    /// Lint only migrations added or changed since REF; older ones still feed the catalog
    #[arg(long, value_name = "REF")]
    changed_since: Option<String>,
    /// Check what the next commit would contain: the staged versions of the migrations the
    /// index changes since HEAD (or --changed-since REF); unstaged edits are ignored
    #[arg(long)]
    staged: bool,
    #[command(flatten)]
    common: CommonArgs,
    /// Migration framework: auto, supabase, golang-migrate, ... [env: SQLGATE_FRAMEWORK]
    #[arg(long, value_name = "NAME")]
    framework: Option<String>,
    /// SQL dialect for every path: postgres or clickhouse [env: SQLGATE_DIALECT]
    #[arg(long, value_name = "DIALECT")]
    dialect: Option<String>,
    /// Where the RLS rules apply: auto, required or off [env: SQLGATE_RLS]
    #[arg(long, value_name = "MODE")]
    rls: Option<String>,
    /// Also print skipped files with the reason and parse statistics (to stderr)
    #[arg(short, long)]
    verbose: bool,
    /// Print how the statements were understood per dialect, the shapes sqlparser could not
    /// parse, the time per phase and peak memory (to stderr)
    #[arg(long)]
    stats: bool,
}

/// Settings `check` and `ci` share.
#[derive(clap::Args, Debug, Clone)]
struct CommonArgs {
    /// Config file [env: SQLGATE_CONFIG] (default: sqlgate.toml or .sqlgate.toml found walking
    /// up; under `ci` on pull_request_target: read from the base commit)
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Rules to run: names, codes, code prefixes or categories; opt-in rules only by name or code
    /// [env: SQLGATE_SELECT] (default: every rule that is not opt-in)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Vec<String>,
    /// Rules to skip: names, codes, code prefixes or categories [env: SQLGATE_IGNORE]
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,
    /// Lowest severity that makes the exit code 1 [env: SQLGATE_FAIL_ON] (default: error)
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
}

const CI_EXAMPLES: &str = "\
Examples (in a workflow step; the environment comes from GitHub Actions):
  sqlgate ci
  sqlgate ci supabase/migrations --check-run sqlgate --sarif-file sqlgate.sarif
  SQLGATE_COMMENT=false sqlgate ci

Reads GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_API_URL,
GITHUB_STEP_SUMMARY, GITHUB_OUTPUT and the token from SQLGATE_GITHUB_TOKEN or GITHUB_TOKEN.
Needs the full history: actions/checkout with `fetch-depth: 0`.";

#[derive(clap::Args, Debug)]
struct CiArgs {
    /// Directories or files to check [env: SQLGATE_PATHS] (default: the config's paths, else
    /// the repository)
    paths: Vec<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
    /// Create or update the sticky pull request comment: true or false [env: SQLGATE_COMMENT]
    /// (default: true)
    #[arg(long, value_name = "BOOL")]
    comment: Option<String>,
    /// Also publish a check run with this name, with every annotation [env: SQLGATE_CHECK_RUN]
    #[arg(long, value_name = "NAME")]
    check_run: Option<String>,
    /// Write a SARIF 2.1.0 report to this file [env: SQLGATE_SARIF_FILE]
    #[arg(long, value_name = "FILE")]
    sarif_file: Option<PathBuf>,
}

const GATE_EXAMPLES: &str = "\
Examples (from the repository checkout, with the pull request's head checked out):
  sqlgate gate --event event.json --reviews reviews.json
  sqlgate gate --event event.json --reviews reviews.json --permissions perms.json \\
      --artifacts artifacts.json --format json

EVENT is a pull_request or pull_request_review webhook payload; REVIEWS the JSON array of
GET /repos/OWNER/REPO/pulls/N/reviews; ARTIFACTS the body of GET
/repos/OWNER/REPO/actions/artifacts; PERMS an object mapping logins to admin, maintain,
write, triage or read (a login not in it has no access; without the file, approvers' access
is unknown and blocks); TEAMS an object mapping `org/team` to member logins.
Exit code: 1 while the gate blocks, or when findings it does not cover reach --fail-on; 0
when it passes; 2 on bad input.";

#[derive(clap::Args, Debug)]
struct GateArgs {
    /// Directories or files to check (default: the config's paths, else the repository)
    paths: Vec<PathBuf>,
    /// The pull_request or pull_request_review webhook payload
    #[arg(long, value_name = "EVENT.json")]
    event: PathBuf,
    /// The pull request's reviews, as GET /repos/OWNER/REPO/pulls/N/reviews returns them
    #[arg(long, value_name = "REVIEWS.json")]
    reviews: PathBuf,
    /// Workflow artifacts, as GET /repos/OWNER/REPO/actions/artifacts returns them
    #[arg(long, value_name = "ARTIFACTS.json")]
    artifacts: Option<PathBuf>,
    /// Repository permission by login: {"alice": "write", "bob": "read"}
    #[arg(long, value_name = "PERMS.json")]
    permissions: Option<PathBuf>,
    /// Team members for `gate.reviewers.teams`: {"acme/dba": ["alice"]}
    #[arg(long, value_name = "TEAMS.json")]
    teams: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = GateFormat::Human)]
    format: GateFormat,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum GateFormat {
    Human,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum OutputFormat {
    Human,
    Json,
    Github,
    Markdown,
    Sarif,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ListFormat {
    Human,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum FailOn {
    Error,
    Warning,
    Never,
}

const EXIT_FINDINGS: u8 = 1;
const EXIT_ERROR: u8 = 2;

/// An error for the user: what went wrong and what to do.
struct Failure(String);

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { EXIT_ERROR } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Ci(args) => run_ci(args).inspect_err(|Failure(message)| ci_failed(message)),
        Command::Gate(args) => run_gate(args),
        Command::Rules { format, write_docs } => run_rules(format, write_docs.as_deref()),
        Command::Rule { name } => run_rule(&name),
        Command::Init {
            force,
            github,
            pre_commit,
        } => run_init(force, github, pre_commit),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The report to stdout: JSON and SARIF are written as they are serialized (thousands of
/// findings are megabytes).
fn write_report(format: Format, output: &CheckOutput) -> Result<(), Failure> {
    to_stdout(|out| report::write(format, &output.report, &output.files, &human_options(), out))
}

fn write_stdout(text: &str) -> Result<(), Failure> {
    to_stdout(|out| out.write_all(text.as_bytes()))
}

/// Runs `write` on buffered stdout and flushes it.
fn to_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), Failure> {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`sqlgate rules | head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure(format!("cannot write to stdout: {e}"))),
    }
}

fn run_rules(format: ListFormat, write_docs: Option<&Path>) -> Result<u8, Failure> {
    if let Some(dir) = write_docs {
        for (relative, contents) in sqlgate_lint::docs::generated_docs() {
            let path = dir.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Failure(format!("cannot create {}: {e}", parent.display())))?;
            }
            std::fs::write(&path, contents)
                .map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))?;
        }
        sqlgate_lint::docs::refresh_readme_rules(dir).map_err(Failure)?;
        return Ok(0);
    }
    write_stdout(&match format {
        ListFormat::Human => sqlgate_lint::docs::rules_table(),
        ListFormat::Json => sqlgate_lint::docs::rules_json(),
    })?;
    Ok(0)
}

fn run_rule(name: &str) -> Result<u8, Failure> {
    match sqlgate_lint::rules::find(name) {
        Some(rule) => {
            write_stdout(&sqlgate_lint::docs::rule_markdown(rule))?;
            Ok(0)
        }
        None => {
            let hint = sqlgate_lint::selection::suggest(name)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            Err(Failure(format!(
                "no rule named `{name}`{hint} (`sqlgate rules` lists them all)"
            )))
        }
    }
}

/// A setting from a flag, else the environment, else nothing (the file's value stays).
/// Returns the value and where it came from, for error messages.
fn flag_or_env(flag: Option<&str>, flag_name: &str, var: &str) -> Option<(String, String)> {
    if let Some(value) = flag {
        return Some((value.to_string(), flag_name.to_string()));
    }
    std::env::var(var)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| (v.trim().to_string(), var.to_string()))
}

/// Parses a flag or environment value, or says which values the source accepts.
fn parse_choice<T>(
    (value, source): (String, String),
    parse: impl Fn(&str) -> Option<T>,
    valid: &[&str],
) -> Result<T, Failure> {
    parse(&value).ok_or_else(|| {
        Failure(format!(
            "{source}: invalid value `{value}` (valid: {})",
            valid.join(", ")
        ))
    })
}

/// The config file named by `--config` or `SQLGATE_CONFIG` (and which of them named it).
fn explicit_config(args: &CheckArgs) -> Option<(PathBuf, &'static str)> {
    let from_env = std::env::var_os("SQLGATE_CONFIG").filter(|v| !v.is_empty());
    match (&args.common.config, from_env) {
        (Some(file), _) => Some((file.clone(), "the --config path")),
        (None, Some(file)) => Some((PathBuf::from(file), "SQLGATE_CONFIG")),
        (None, None) => None,
    }
}

/// The effective configuration: the file, then `SQLGATE_*` variables, then flags.
fn merged_config(args: &CheckArgs, start: &Path, top: Option<&Path>) -> Result<Config, Failure> {
    let config = match explicit_config(args) {
        Some((file, source)) if !file.is_file() => {
            return Err(Failure(format!(
                "config file {} not found: check {source}",
                file.display()
            )))
        }
        Some((file, _)) => {
            sqlgate_lint::plan::load_config(&file).map_err(|e| Failure(e.to_string()))?
        }
        None => match sqlgate_config::find(start, top) {
            Some(file) => {
                sqlgate_lint::plan::load_config(&file).map_err(|e| Failure(e.to_string()))?
            }
            None => Config::default(),
        },
    };
    apply_overrides(config, args)
}

/// `SQLGATE_*` variables, then flags, over the file's settings.
fn apply_overrides(mut config: Config, args: &CheckArgs) -> Result<Config, Failure> {
    // Selection lists from the environment or flags replace the file's.
    let from_env = |name: &str| -> Option<Vec<String>> {
        std::env::var(name)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| v.split(',').map(|s| s.trim().to_string()).collect())
    };
    for (flag, var, list) in [
        (&args.common.select, "SQLGATE_SELECT", &mut config.select),
        (&args.common.ignore, "SQLGATE_IGNORE", &mut config.ignore),
    ] {
        if !flag.is_empty() {
            *list = flag.clone();
        } else if let Some(values) = from_env(var) {
            if let Err(e) = sqlgate_lint::selection::select_rules(&values, &[]) {
                return Err(Failure(sqlgate_config::selector_message(&e, var)));
            }
            *list = values;
        }
    }
    if let Some(choice) = flag_or_env(
        args.framework.as_deref(),
        "--framework",
        "SQLGATE_FRAMEWORK",
    ) {
        config.framework = parse_choice(
            choice,
            |v| match v {
                "auto" => Some(None),
                _ => Framework::from_name(v).map(Some),
            },
            sqlgate_config::schema::FRAMEWORK_VALUES,
        )?;
    }
    if let Some(choice) = flag_or_env(args.dialect.as_deref(), "--dialect", "SQLGATE_DIALECT") {
        config.dialect = Some(parse_choice(
            choice,
            sqlgate_config::parse_dialect,
            sqlgate_config::schema::DIALECT_VALUES,
        )?);
        // An explicit dialect is for every path.
        config.dialect_overrides.clear();
    }
    if let Some(choice) = flag_or_env(args.rls.as_deref(), "--rls", "SQLGATE_RLS") {
        config.rls = parse_choice(
            choice,
            sqlgate_lint::rules::RlsMode::from_name,
            sqlgate_config::schema::RLS_VALUES,
        )?;
    }
    Ok(config)
}

fn run_check(mut args: CheckArgs) -> Result<u8, Failure> {
    let run_started = Instant::now();
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
    let start = args.paths.first().cloned().unwrap_or_else(|| cwd.clone());
    let config = merged_config(&args, &start, staged.as_ref().map(|t| t.root.as_path()))?;
    let plan = config.rule_plan().map_err(|e| Failure(format!("{e}")))?;

    let paths = check_paths(
        &args.paths,
        &config,
        &cwd,
        staged.as_ref().map(|t| t.root.as_path()),
    );
    require_existing(&paths, &args.paths, &config)?;
    let mut before = vec![("setup", run_started.elapsed())];
    let started = Instant::now();
    // git's answer and discovery do not depend on each other: git runs while the files are
    // read (its processes spend their time starting up).
    let options = discover_options(&config);
    let (changes, discovery) = std::thread::scope(|scope| {
        let git = scope.spawn(|| match (&staged, &args.changed_since) {
            (Some(tree), _) => Ok(Some(tree.changes.clone())),
            (None, None) => Ok(None),
            (None, Some(base)) => {
                // git runs in the checked path's nearest existing directory.
                let dir = start.ancestors().find(|d| d.is_dir()).unwrap_or(&cwd);
                sqlgate_discover::git::changes_since(dir, base)
                    .map(Some)
                    .map_err(|e| Failure(e.to_string()))
            }
        });
        let discovery = discover(&paths, &options);
        let changes = git
            .join()
            .unwrap_or_else(|_| Err(Failure("git could not be asked for the changes".into())));
        (changes, discovery)
    });
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
    let file_rules = |path: &Path| plan.file_rules(path);
    let options = engine::CheckOptions {
        rules: plan.rules.clone(),
        settings: config.settings(),
        file_rules: Some(&file_rules),
        gate_triggers: config.gate.trigger_codes.clone(),
        count_suppressed: config.gate.count_suppressed,
        history: history.as_ref(),
    };
    let output = engine::check(discovery, &filter, &options);
    let started = Instant::now();
    explain_empty_run(&output, &args, &config, &paths);
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
    write_report(format, &output)?;
    if format == Format::Github {
        write_github_files(&output)?;
    }
    if args.stats {
        print_stats(&output, before, started.elapsed(), run_started.elapsed());
    }

    let fail_on = fail_on_setting(args.common.fail_on)?;
    Ok(exit_code(&output.report, fail_on))
}

/// A run that found nothing to check says why on stderr (stdout stays a valid report): what
/// was searched, what sqlgate looks for, and how to point it at the migrations. With
/// `--changed-since`, migrations that exist but did not change are not a problem to explain.
fn explain_empty_run(
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
        eprintln!("note: the index changes no migration since {base}: nothing to check");
        return;
    }
    if !output.files.is_empty() {
        if let Some(base) = &args.changed_since {
            eprintln!("note: no migration changed since {base}");
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
    eprintln!(
        "note: no migrations found {place}: sqlgate looks for SQL migration files (supabase/migrations, \
         migrations/ and db/migrations of golang-migrate, sqlx, diesel, dbmate and goose, Flyway \
         V1__name.sql, Prisma migration.sql, Atlas atlas.sum, numbered *.sql); {what_to_do}{skipped}"
    );
}

/// Colour only on a terminal without `NO_COLOR`.
fn human_options() -> HumanOptions {
    HumanOptions {
        color: std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        width: 100,
    }
}

/// What discovery takes from the configuration.
fn discover_options(config: &Config) -> DiscoverOptions {
    DiscoverOptions {
        framework: config.framework,
        dialect: config.dialect,
        dialect_overrides: config.dialect_overrides.clone(),
        base: config.base.clone(),
    }
}

/// The paths to check: the arguments, else the config's `paths`, else the repository root.
/// `top`: the top of the tree when it is not the git repository around `cwd` (`--staged`).
fn check_paths(given: &[PathBuf], config: &Config, cwd: &Path, top: Option<&Path>) -> Vec<PathBuf> {
    if !given.is_empty() {
        given.to_vec()
    } else if !config.paths.is_empty() {
        // Reported relative to the current directory when under it, like paths given as arguments.
        let here = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
        config
            .paths
            .iter()
            .map(|p| match p.strip_prefix(&here) {
                Ok(relative) if relative.as_os_str().is_empty() => PathBuf::from("."),
                Ok(relative) => relative.to_path_buf(),
                Err(_) => p.clone(),
            })
            .collect()
    } else {
        // The repository root, written relative to the current directory so findings name
        // files as the repository does (`.` at the root, `../..` two levels below it).
        let Some(root) = top
            .map(Path::to_path_buf)
            .or_else(|| sqlgate_discover::git::repo_root(cwd))
        else {
            return vec![PathBuf::from(".")];
        };
        let here = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
        let root = std::fs::canonicalize(&root).unwrap_or(root);
        match here.strip_prefix(&root) {
            Ok(below) if below.as_os_str().is_empty() => vec![PathBuf::from(".")],
            Ok(below) => vec![below.components().map(|_| "..").collect::<PathBuf>()],
            Err(_) => vec![root],
        }
    }
}

/// A path to check that does not exist is a mistake in the command or the config, not a
/// file to report on: it stops the run with one line that says where it came from.
fn require_existing(paths: &[PathBuf], given: &[PathBuf], config: &Config) -> Result<(), Failure> {
    let Some(missing) = paths.iter().find(|p| std::fs::metadata(p).is_err()) else {
        return Ok(());
    };
    Err(Failure(match (&config.source, given.is_empty()) {
        (Some(file), true) => format!(
            "{}: no such directory (from `paths` in {}): fix `paths` under [migrations] there",
            missing.display(),
            file.display()
        ),
        _ => format!(
            "{}: no such file or directory: check the path (`sqlgate check` with no path \
             checks the whole repository)",
            missing.display()
        ),
    }))
}

/// `--fail-on`, else `SQLGATE_FAIL_ON`, else `error`; `None` never fails.
fn fail_on_setting(flag: Option<FailOn>) -> Result<Option<Severity>, Failure> {
    let fail_on = match flag {
        Some(fail_on) => fail_on,
        None => flag_or_env(None, "--fail-on", "SQLGATE_FAIL_ON")
            .map(|choice| {
                parse_choice(
                    choice,
                    |v| FailOn::from_str(v, false).ok(),
                    &["error", "warning", "never"],
                )
            })
            .transpose()?
            .unwrap_or(FailOn::Error),
    };
    Ok(match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Never => None,
    })
}

/// 2 when files could not be read, 1 when the run fails at `fail_on` (see
/// [`engine::fails`]: findings, or an evaluated gate that blocks), else 0.
fn exit_code(report: &sqlgate_core::finding::RunReport, fail_on: Option<Severity>) -> u8 {
    if !report.errors.is_empty() {
        EXIT_ERROR
    } else if engine::fails(report, fail_on) {
        EXIT_FINDINGS
    } else {
        0
    }
}

fn run_init(force: bool, github: bool, pre_commit: bool) -> Result<u8, Failure> {
    let cwd = std::env::current_dir()
        .map_err(|e| Failure(format!("cannot read the current directory: {e}")))?;
    let root = sqlgate_discover::git::repo_root(&cwd).unwrap_or(cwd);
    let existing_config = sqlgate_config::FILE_NAMES
        .iter()
        .map(|name| root.join(name))
        .find(|p| p.exists());
    let workflow = root.join(sqlgate_github::ci::WORKFLOW_PATH);
    if !force {
        if github && workflow.exists() {
            return Err(Failure(format!(
                "{} already exists: edit it, or run `sqlgate init --github --force` to overwrite it",
                workflow.display()
            )));
        }
        if let (Some(existing), false) = (&existing_config, github || pre_commit) {
            return Err(Failure(format!(
                "{} already exists: edit it, or run `sqlgate init --force` to overwrite it",
                existing.display()
            )));
        }
    }
    let detected = crate::init::detect(&root);
    // Decided before anything is written: a file sqlgate cannot edit stops the whole run.
    let hook = if pre_commit {
        Some(pre_commit_edit(&root, &detected)?)
    } else {
        None
    };
    let mut said = String::new();
    match existing_config.filter(|_| !force) {
        Some(existing) => said.push_str(&format!("kept {}\n", existing.display())),
        None => {
            let file = root.join(sqlgate_config::FILE_NAMES[0]);
            std::fs::write(&file, crate::init::render(&detected))
                .map_err(|e| Failure(format!("cannot write {}: {e}", file.display())))?;
            said.push_str(&format!(
                "{}\nwrote {}\n",
                crate::init::summary(&detected),
                file.display()
            ));
        }
    }
    if github {
        if let Some(parent) = workflow.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Failure(format!("cannot create {}: {e}", parent.display())))?;
        }
        std::fs::write(&workflow, sqlgate_github::ci::WORKFLOW)
            .map_err(|e| Failure(format!("cannot write {}: {e}", workflow.display())))?;
        said.push_str(&format!(
            "wrote {}: commit it, then make its `sqlgate` job a required status check\n",
            workflow.display()
        ));
    }
    if let Some((file, edit)) = hook {
        use sqlgate_config::precommit::Edit;
        let text = match &edit {
            Edit::Create(text) | Edit::Insert(text) => Some(text),
            Edit::AlreadyPresent => None,
        };
        if let Some(text) = text {
            std::fs::write(&file, text)
                .map_err(|e| Failure(format!("cannot write {}: {e}", file.display())))?;
        }
        let file = file.display();
        said.push_str(&match edit {
            Edit::Create(_) => format!("wrote {file}"),
            Edit::Insert(_) => format!("added the sqlgate hook to {file}"),
            Edit::AlreadyPresent => format!("kept the sqlgate hook already in {file}"),
        });
        said.push_str(
            ": run `pre-commit install` (once per clone) so every commit runs `sqlgate check --staged`\n",
        );
    }
    write_stdout(&said)?;
    Ok(0)
}

/// The pre-commit file at `root` and what `init --pre-commit` does to it. A file whose shape
/// it cannot edit safely is an error; the entry to add by hand goes to stdout first.
fn pre_commit_edit(
    root: &Path,
    detected: &crate::init::Detected,
) -> Result<(PathBuf, sqlgate_config::precommit::Edit), Failure> {
    use sqlgate_config::precommit;
    let file = root.join(precommit::FILE_NAME);
    let existing = match std::fs::read(&file) {
        Ok(bytes) => Some(String::from_utf8(bytes).map_err(|_| {
            Failure(format!(
                "{} is not UTF-8: re-save it as UTF-8, or add the sqlgate hook by hand",
                file.display()
            ))
        })?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Failure(format!("cannot read {}: {e}", file.display()))),
    };
    let version = env!("CARGO_PKG_VERSION");
    let files = precommit::files_pattern(&detected.paths);
    match precommit::add_hook(existing.as_deref(), version, files.as_deref()) {
        Ok(edit) => Ok((file, edit)),
        Err(shape) => {
            write_stdout(&format!(
                "# add under `repos:` in {}:\n{}",
                precommit::FILE_NAME,
                precommit::repo_item(version, files.as_deref(), 2, "\n")
            ))?;
            Err(Failure(format!(
                "{} was not changed: {shape}; add the sqlgate entry printed above to its \
                 `repos:` by hand",
                file.display()
            )))
        }
    }
}

/// Appends the Markdown report to `$GITHUB_STEP_SUMMARY` and the counts to `$GITHUB_OUTPUT`.
fn write_github_files(output: &CheckOutput) -> Result<(), Failure> {
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

fn print_verbose(output: &CheckOutput) {
    let mut err = std::io::stderr().lock();
    for skipped in &output.skipped {
        let _ = writeln!(err, "skipped {}: {}", skipped.display, skipped.reason);
    }
    let s = &output.stats.total();
    let _ = writeln!(
        err,
        "statements: {} total, {} parsed by sqlparser, {} classified from tokens, {} unknown, {} psql meta/COPY data; {} found in DO blocks, function bodies and EXECUTE strings",
        s.statements, s.parsed, s.classified, s.unknown, s.non_sql, s.dynamic
    );
    let _ = writeln!(
        err,
        "files: {} checked, {} skipped, {} not read",
        output.report.files_checked,
        output.skipped.len(),
        output.report.errors.len()
    );
}

fn print_stats(
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

/// A pull request's changed migrations, checked from the repository root with the older
/// ones feeding the catalog.
struct PullRequestLint {
    root: PathBuf,
    config: Config,
    output: CheckOutput,
    /// Workflow commands to print before the annotations (the pull_request_target notice).
    notices: String,
}

/// Lints what the pull request changes: git diff from the event's base to the checked-out
/// head (which must contain the event's head), the policy from the base commit under
/// pull_request_target. Changes the current directory to the repository root, so paths
/// are repository-relative as GitHub wants them.
fn lint_pull_request(
    event: &sqlgate_github::ci::PullRequestEvent,
    paths: Vec<PathBuf>,
    common: &CommonArgs,
    cwd: &Path,
) -> Result<PullRequestLint, Failure> {
    use sqlgate_github::ci::EventKind;

    let root = sqlgate_discover::git::repo_root(cwd).ok_or_else(|| {
        Failure(
            "run this in the pull request's git checkout (in GitHub Actions: add \
             `actions/checkout` with `fetch-depth: 0` before it)"
                .to_string(),
        )
    })?;
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let changes = sqlgate_discover::git::changes_since(&root, &event.base_sha)
        .map_err(|e| Failure(format!("the pull request's base commit: {e}")))?;
    let head_checked_out = sqlgate_discover::git::is_ancestor(&root, &event.head_sha, "HEAD")
        .map_err(|e| {
            Failure(format!(
                "the pull request's head: {e}: check out the pull request with `fetch-depth: 0` \
             (under pull_request_target: `ref: ${{{{ github.event.pull_request.head.sha }}}}`)"
            ))
        })?;
    if !head_checked_out {
        return Err(Failure(format!(
            "the checked-out commit does not contain the pull request's head {}: check out \
             the pull request (under pull_request_target: `ref: ${{{{ \
             github.event.pull_request.head.sha }}}}`) so its migrations are what is checked",
            event.head_sha
        )));
    }

    let check_args = CheckArgs {
        paths,
        format: None,
        changed_since: None,
        staged: false,
        common: common.clone(),
        framework: None,
        dialect: None,
        rls: None,
        verbose: false,
        stats: false,
    };
    let mut notices = String::new();
    let config = if event.kind == EventKind::PullRequestTarget {
        let (config, source) = base_config(&root, cwd, &event.base_sha, &check_args)?;
        notices.push_str(&format!(
            "::notice::{}\n",
            report::github::escape_data(&format!(
                "sqlgate: pull_request_target: the policy is read from the base commit {} ({source}); nothing from the pull request is executed",
                short_sha(&event.base_sha)
            ))
        ));
        apply_overrides(config, &check_args)?
    } else {
        let start = check_args
            .paths
            .first()
            .cloned()
            .unwrap_or_else(|| cwd.to_path_buf());
        merged_config(&check_args, &start, None)?
    };
    let plan = config.rule_plan().map_err(|e| Failure(format!("{e}")))?;
    // GitHub places annotations by paths relative to the repository root: run from there.
    let paths: Vec<PathBuf> = check_paths(&check_args.paths, &config, cwd, None)
        .iter()
        .map(|p| repository_path(&root, cwd, p).unwrap_or_else(|| p.clone()))
        .collect();
    std::env::set_current_dir(&root)
        .map_err(|e| Failure(format!("cannot change to {}: {e}", root.display())))?;
    let discovery = discover(&paths, &discover_options(&config));
    let mut snapshot = sqlgate_lint::history::snapshot(&changes, &discovery.files)
        .map_err(|e| Failure(format!("reading the base commit: {e}")))?;
    // Messages name the base as people read it.
    snapshot.base = format!("the base commit {}", short_sha(&event.base_sha));
    let file_rules = |path: &Path| plan.file_rules(path);
    let options = engine::CheckOptions {
        rules: plan.rules.clone(),
        settings: config.settings(),
        file_rules: Some(&file_rules),
        gate_triggers: config.gate.trigger_codes.clone(),
        count_suppressed: config.gate.count_suppressed,
        history: Some(&snapshot),
    };
    let output = engine::check(discovery, &ChangeFilter::Files(changes.changed()), &options);
    Ok(PullRequestLint {
        root,
        config,
        output,
        notices,
    })
}

/// The gate's facts that come from the event and the checkout: author, head, body, now,
/// and the backup manifests committed at the head.
fn local_gate_facts(
    event: &sqlgate_github::ci::PullRequestEvent,
    lint: &PullRequestLint,
) -> sqlgate_gate::Facts {
    use sqlgate_gate::{time, Facts};
    use sqlgate_github::collect;

    let mut facts = Facts {
        author: event.author.clone(),
        head_sha: event.head_sha.clone(),
        body: event.body.clone(),
        now: time::now(),
        ..Facts::default()
    };
    // `gate.backup.manifest` is relative to the config file's directory.
    let prefix = lint
        .config
        .base
        .as_deref()
        .and_then(|base| base.strip_prefix(&lint.root).ok())
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default();
    match collect::manifests(
        &lint.root,
        &event.head_sha,
        &lint.config.gate.backup.manifest,
        &prefix,
    ) {
        Ok(manifests) => facts.manifests = manifests,
        Err(e) => facts.problems.push(e),
    }
    facts
}

/// The lint's output with the gate evaluated on the facts `gather` collects, which it is
/// only asked for when a finding needs the gate; and the lint's notices.
fn with_gate(
    lint: PullRequestLint,
    gather: impl FnOnce(&PullRequestLint) -> sqlgate_gate::Facts,
) -> (CheckOutput, String) {
    if !lint.output.report.gate.required {
        return (lint.output, lint.notices);
    }
    let facts = gather(&lint);
    let mut output = lint.output;
    output.report.gate = sqlgate_gate::evaluate(&output.report.findings, &lint.config.gate, &facts);
    (output, lint.notices)
}

/// `sqlgate gate`: the gate evaluated offline, from an event payload and saved API answers.
fn run_gate(args: GateArgs) -> Result<u8, Failure> {
    use sqlgate_github::collect::{self, Files};
    use sqlgate_github::wire;

    let cwd = std::env::current_dir()
        .map_err(|e| Failure(format!("cannot read the current directory: {e}")))?;
    // Every file is read before the run moves to the repository root.
    let payload = read_input(&args.event, "--event", |text| Ok(text.to_string()))?;
    // The parser's messages already name the file.
    let event = sqlgate_github::ci::event::parse_saved(&payload, &args.event.display().to_string())
        .map_err(Failure)?;
    let reviews = read_input(&args.reviews, "--reviews", |text| {
        wire::reviews_from_json(text).map_err(|e| {
            format!("not the JSON array GET /repos/OWNER/REPO/pulls/N/reviews returns ({e})")
        })
    })?;
    let artifacts = args
        .artifacts
        .as_deref()
        .map(|path| read_input(path, "--artifacts", wire::artifacts_from_json))
        .transpose()?;
    let permissions = args
        .permissions
        .as_deref()
        .map(|path| read_input(path, "--permissions", parse_permissions))
        .transpose()?;
    let teams = args
        .teams
        .as_deref()
        .map(|path| {
            read_input(path, "--teams", |text| {
                serde_json::from_str::<std::collections::HashMap<String, Vec<String>>>(text)
                    .map_err(|e| {
                        format!("expected an object mapping `org/team` to an array of logins ({e})")
                    })
            })
        })
        .transpose()?;

    let lint = lint_pull_request(&event, args.paths.clone(), &args.common, &cwd)?;
    let files = Files {
        reviews,
        permissions,
        teams,
        artifacts,
    };
    let output = with_gate(lint, |lint| {
        collect::from_files(&files, &lint.config.gate, local_gate_facts(&event, lint))
    })
    .0;
    let report = &output.report;
    let text = match args.format {
        GateFormat::Json => report::json::render(report),
        GateFormat::Human => report::render(Format::Human, report, &output.files, &human_options()),
    };
    write_stdout(&text)?;
    Ok(exit_code(report, fail_on_setting(args.common.fail_on)?))
}

/// An input file of `sqlgate gate`, read and decoded. Errors name the flag and the file.
fn read_input<T>(
    path: &Path,
    flag: &str,
    decode: impl Fn(&str) -> Result<T, String>,
) -> Result<T, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure(format!("{flag} {}: cannot read it: {e}", path.display())))?;
    decode(&text).map_err(|e| Failure(format!("{flag} {}: {e}", path.display())))
}

/// `{"alice": "write", "bob": "read"}`; a value may also be the API's answer
/// `{"permission": "write", ...}`.
fn parse_permissions(text: &str) -> Result<std::collections::HashMap<String, String>, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let object = value
        .as_object()
        .ok_or("expected an object mapping each login to admin, maintain, write, triage or read")?;
    object
        .iter()
        .map(|(login, v)| {
            let permission = v
                .as_str()
                .or_else(|| v.get("permission").and_then(serde_json::Value::as_str))
                .ok_or_else(|| format!("`{login}`: expected a permission such as \"write\""))?;
            Ok((login.clone(), permission.to_string()))
        })
        .collect()
}

/// `sqlgate ci`: the pull request's changed migrations, checked with the older ones feeding
/// the catalog, the merge gate evaluated against the pull request's reviews and backup
/// evidence, published as annotations, job summary, outputs, sticky comment, check run and
/// SARIF. Publishing failures never hide findings: they become notices. The gate fails
/// closed: what it cannot find out blocks.
fn run_ci(args: CiArgs) -> Result<u8, Failure> {
    use sqlgate_github::ci;

    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let ctx = ci::Context::from_env(&var).map_err(Failure)?;
    let event = &ctx.event;
    let cwd = std::env::current_dir()
        .map_err(|e| Failure(format!("cannot read the current directory: {e}")))?;
    let paths = if args.paths.is_empty() {
        var("SQLGATE_PATHS")
            .map(|v| ci::split_paths(&v))
            .unwrap_or_default()
    } else {
        args.paths.clone()
    };
    let sarif_file = args
        .sarif_file
        .clone()
        .or_else(|| var("SQLGATE_SARIF_FILE").map(PathBuf::from));
    let sarif_target = sarif_file.as_ref().map(|f| cwd.join(f));
    let comment = match args.comment.clone().or_else(|| var("SQLGATE_COMMENT")) {
        None => true,
        Some(value) => ci::parse_bool(&value).ok_or_else(|| {
            Failure(format!(
                "--comment / SQLGATE_COMMENT: invalid value `{value}` (valid: true, false)"
            ))
        })?,
    };
    let check_run = args
        .check_run
        .clone()
        .or_else(|| var("SQLGATE_CHECK_RUN"))
        .filter(|name| ci::parse_bool(name) != Some(false));
    let fail_on = fail_on_setting(args.common.fail_on)?;

    let lint = lint_pull_request(event, paths, &args.common, &cwd)?;
    let client = ctx.token.as_deref().map(|token| {
        sqlgate_github::OctocrabClient::new(
            &ctx.api_url,
            Some(token),
            sqlgate_github::RetryPolicy::default(),
        )
        .map_err(|e| e.to_string())
    });
    let (mut output, mut annotations_out) = with_gate(lint, |lint| {
        online_gate_facts(&ctx, lint, client.as_ref(), &var)
    });
    let report = &mut output.report;
    let exit = exit_code(report, fail_on);

    report::github::render(report, &mut annotations_out);
    write_stdout(&annotations_out)?;

    let markdown = format!(
        "{}\n<sub>sqlgate {} · {} · head {}</sub>\n",
        report::markdown::render(report),
        env!("CARGO_PKG_VERSION"),
        event.kind.name(),
        short_sha(&event.head_sha)
    );
    append_to(
        ctx.step_summary.as_deref(),
        "GITHUB_STEP_SUMMARY",
        &markdown,
    )?;

    if let Some(file) = &sarif_target {
        std::fs::write(file, report::sarif::render(report)).map_err(|e| {
            Failure(format!(
                "cannot write the SARIF file {}: {e}",
                file.display()
            ))
        })?;
    }

    if comment || check_run.is_some() {
        write_stdout(&publish(
            &ctx,
            client.as_ref(),
            report,
            &markdown,
            comment,
            check_run,
            exit,
        ))?;
    }

    let mut outputs = report::github::outputs(report);
    outputs.push_str(&ci::output_lines(&[(
        "sarif-file",
        sarif_file
            .map(|f| f.display().to_string())
            .unwrap_or_default(),
    )]));
    append_to(ctx.output.as_deref(), "GITHUB_OUTPUT", &outputs)?;
    Ok(exit)
}

/// `sqlgate ci` could not run (unreadable event, bad config, no checkout): the gate is not
/// proven, so it blocks. Says so where GitHub shows it: an error on the run's page, the job
/// summary, and the outputs, on top of exit code 2.
fn ci_failed(message: &str) {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
    };
    let text = format!("merge gate blocked (missing: error): sqlgate could not run: {message}");
    let _ = write_stdout(&format!(
        "::error title=sqlgate merge gate::{}\n",
        report::github::escape_data(&text)
    ));
    let _ = append_to(
        var("GITHUB_STEP_SUMMARY").as_deref(),
        "GITHUB_STEP_SUMMARY",
        &format!(
            "## sqlgate\n\n🚫 **Blocked**: sqlgate could not run, so the merge gate is not proven.\n\n> {}\n",
            report::markdown::escape_cell(message)
        ),
    );
    let _ = append_to(
        var("GITHUB_OUTPUT").as_deref(),
        "GITHUB_OUTPUT",
        "gate-status=blocked\ngate-missing=error\n",
    );
}

/// The gate's facts for `sqlgate ci`: the local ones, then reviews, permissions, teams and
/// artifacts from GitHub. No token or no client is a fact that blocks.
fn online_gate_facts(
    ctx: &sqlgate_github::ci::Context,
    lint: &PullRequestLint,
    client: Option<&Result<sqlgate_github::OctocrabClient, String>>,
    var: &dyn Fn(&str) -> Option<String>,
) -> sqlgate_gate::Facts {
    use sqlgate_github::collect::{self, Online};
    use sqlgate_github::{GitHub, OctocrabClient, RetryPolicy};

    let mut facts = local_gate_facts(&ctx.event, lint);
    let client = match client {
        None => {
            facts.problems.push(
                "no GitHub token, so the reviews cannot be read: pass `github-token` to the \
                 action (or set SQLGATE_GITHUB_TOKEN or GITHUB_TOKEN) with `pull-requests: read`"
                    .to_string(),
            );
            return facts;
        }
        Some(Err(e)) => {
            facts.problems.push(e.clone());
            return facts;
        }
        Some(Ok(client)) => client,
    };
    let team_client = if lint.config.gate.reviewers.teams.is_empty() {
        None
    } else {
        match var("SQLGATE_TEAM_TOKEN")
            .map(|token| OctocrabClient::new(&ctx.api_url, Some(&token), RetryPolicy::default()))
        {
            None => None,
            Some(Ok(client)) => Some(client),
            Some(Err(e)) => {
                facts.problems.push(format!("the team token: {e}"));
                None
            }
        }
    };
    let online = Online {
        github: client,
        teams: team_client.as_ref().map(|c| c as &dyn GitHub),
        repo: &ctx.repo,
        number: ctx.event.number,
    };
    collect::from_github(&online, &lint.config.gate, facts)
}

/// `path` (relative to `cwd` or absolute) relative to the repository `root` (canonical),
/// `.` for the root itself. A file that does not exist in the work tree (a config read
/// from the base commit) is placed through its directory. `None` when outside the root.
fn repository_path(root: &Path, cwd: &Path, path: &Path) -> Option<PathBuf> {
    let joined = cwd.join(path);
    let absolute = std::fs::canonicalize(&joined).ok().or_else(|| {
        let parent = std::fs::canonicalize(joined.parent()?).ok()?;
        Some(parent.join(joined.file_name()?))
    })?;
    let relative = absolute.strip_prefix(root).ok()?;
    Some(if relative.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        relative.to_path_buf()
    })
}

/// The configuration as committed at `base` (pull_request_target: the pull request must not
/// be able to change the policy that judges it), and where it came from.
fn base_config(
    root: &Path,
    cwd: &Path,
    base: &str,
    args: &CheckArgs,
) -> Result<(Config, String), Failure> {
    let explicit = explicit_config(args);
    let candidates: Vec<(String, bool)> = match &explicit {
        Some((file, source)) => {
            let relative = repository_path(root, cwd, file).ok_or_else(|| {
                Failure(format!(
                    "config file {} (from {source}) is outside the repository: under \
                     pull_request_target it is read from the base commit",
                    file.display()
                ))
            })?;
            // git names paths with `/`, whatever the platform.
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            vec![(parts.join("/"), true)]
        }
        None => sqlgate_config::FILE_NAMES
            .iter()
            .map(|n| (n.to_string(), false))
            .collect(),
    };
    for (relative, explicit) in candidates {
        let bytes = sqlgate_discover::git::file_at(root, base, &relative)
            .map_err(|e| Failure(format!("reading {relative} at the base commit: {e}")))?;
        match bytes {
            Some(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                let config = sqlgate_lint::plan::parse_config(&text, &root.join(&relative))
                    .map_err(|e| Failure(format!("{e} (as committed at {})", short_sha(base))))?;
                return Ok((config, relative));
            }
            None if explicit => {
                return Err(Failure(format!(
                    "config file {relative} does not exist at the base commit {}: under \
                     pull_request_target the policy comes from the base branch, so merge the \
                     config there first",
                    short_sha(base)
                )))
            }
            None => {}
        }
    }
    Ok((Config::default(), "no config file: defaults".to_string()))
}

/// Appends `text` to the file a GitHub Actions variable names, when it is set.
fn append_to(path: Option<&Path>, var: &str, text: &str) -> Result<(), Failure> {
    let Some(path) = path else { return Ok(()) };
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| Failure(format!("cannot write ${var} ({}): {e}", path.display())))
}

/// Comments on the pull request and publishes the check run. Returns workflow commands
/// (notices) about what could not be done; never fails the run, so a fork's read-only token
/// still leaves the annotations and the exit code.
fn publish(
    ctx: &sqlgate_github::ci::Context,
    client: Option<&Result<sqlgate_github::OctocrabClient, String>>,
    report: &sqlgate_core::finding::RunReport,
    markdown: &str,
    comment: bool,
    check_run: Option<String>,
    exit: u8,
) -> String {
    use sqlgate_github::ci::publish::{self as p, CommentOutcome};
    use sqlgate_github::{ApiError, CheckOutput, CheckRunRequest};

    let event = &ctx.event;
    let mut out = String::new();
    let notice = |out: &mut String, level: &str, text: String| {
        out.push_str(&format!(
            "::{level}::{}\n",
            report::github::escape_data(&text)
        ));
    };
    let Some(client) = client else {
        notice(
            &mut out,
            "notice",
            "sqlgate: no GitHub token (set `github-token`, SQLGATE_GITHUB_TOKEN or GITHUB_TOKEN): \
             no pull request comment or check run; the findings are in the annotations and the job summary"
                .to_string(),
        );
        return out;
    };
    let client = match client {
        Ok(client) => client,
        Err(e) => {
            notice(&mut out, "warning", format!("sqlgate: {e}"));
            return out;
        }
    };
    let failed = |what: &str, e: &ApiError| -> (&'static str, String) {
        if e.is_permission() {
            (
                "notice",
                format!(
                    "sqlgate could not {what}: {e}. The token is read-only (as on pull requests \
                     from forks) or lacks the permission; the findings are in the annotations \
                     and the job summary, and the exit code is unchanged"
                ),
            )
        } else {
            ("warning", format!("sqlgate could not {what}: {e}"))
        }
    };
    if comment {
        let body = p::comment_body(markdown);
        let needed = !report.findings.iter().all(|f| f.suppressed)
            || !report.errors.is_empty()
            || report.gate.required;
        match p::upsert_comment(client, &ctx.repo, event.number, &body, needed) {
            Ok(CommentOutcome::Created(id)) => out.push_str(&format!(
                "sqlgate: commented on pull request #{} (comment {id})\n",
                event.number
            )),
            Ok(CommentOutcome::Updated(id)) => out.push_str(&format!(
                "sqlgate: updated its comment on pull request #{} (comment {id})\n",
                event.number
            )),
            Ok(CommentOutcome::NotNeeded) => {}
            Err(e) => {
                let (level, text) =
                    failed(&format!("comment on pull request #{}", event.number), &e);
                notice(&mut out, level, text);
            }
        }
    }
    if let Some(name) = check_run {
        let errors = report.count(sqlgate_core::finding::Severity::Error);
        let warnings = report.count(sqlgate_core::finding::Severity::Warning);
        let request = CheckRunRequest {
            name: name.clone(),
            head_sha: event.head_sha.clone(),
            conclusion: p::conclusion(exit),
            output: CheckOutput {
                title: format!(
                    "{}{}, {}",
                    match (report.gate.required, report.gate.blocked()) {
                        (true, true) => format!(
                            "Merge gate blocked (missing: {}) · ",
                            report.gate.missing.join(", ")
                        ),
                        (true, false) => "Merge gate passed · ".to_string(),
                        (false, _) => String::new(),
                    },
                    report::plural(errors, "error", "errors"),
                    report::plural(warnings, "warning", "warnings")
                ),
                summary: p::truncate(markdown, p::MAX_BODY_CHARS),
                annotations: Vec::new(),
            },
        };
        match p::publish_check_run(client, &ctx.repo, request, p::annotations(report)) {
            Ok(run) => out.push_str(&format!(
                "sqlgate: published check run `{name}` ({})\n",
                run.id
            )),
            Err(e) => {
                let (level, text) = failed(&format!("publish the check run `{name}`"), &e);
                notice(&mut out, level, text);
            }
        }
    }
    out
}
