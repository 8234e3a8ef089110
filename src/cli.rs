//! Command line: turns arguments into a run and every error into a message and exit code 2.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::Config;
use crate::discover::{discover, DiscoverOptions, Framework};
use crate::engine::{self, ChangeFilter, CheckOutput};
use crate::finding::Severity;
use crate::report::{self, Format, HumanOptions};

#[derive(Parser, Debug)]
#[command(
    name = "sqlgate",
    version,
    about = "Stops dangerous database migrations before they merge"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint migrations (default: discover them from the repository root)
    Check(CheckArgs),
    /// List every rule with its code, category and default severity
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
        /// Write the generated rule docs into this directory (e.g. `docs`) instead
        #[arg(long, value_name = "DIR")]
        write_docs: Option<PathBuf>,
    },
    /// Print a rule's documentation
    Rule {
        /// Rule name (drop-table) or code (DS001)
        name: String,
    },
    /// Write a commented sqlgate.toml for the repository, from the migrations found in it
    Init {
        /// Overwrite an existing sqlgate.toml / .sqlgate.toml
        #[arg(long)]
        force: bool,
    },
}

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
    /// Config file [env: SQLGATE_CONFIG] (default: sqlgate.toml or .sqlgate.toml found walking up)
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
        Command::Rules { format, write_docs } => run_rules(format, write_docs.as_deref()),
        Command::Rule { name } => run_rule(&name),
        Command::Init { force } => run_init(force),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`sqlgate rules | head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure(format!("cannot write to stdout: {e}"))),
    }
}

fn run_rules(format: ListFormat, write_docs: Option<&Path>) -> Result<u8, Failure> {
    if let Some(dir) = write_docs {
        for (relative, contents) in crate::docs::generated_docs() {
            let path = dir.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Failure(format!("cannot create {}: {e}", parent.display())))?;
            }
            std::fs::write(&path, contents)
                .map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))?;
        }
        return Ok(0);
    }
    write_stdout(&match format {
        ListFormat::Human => crate::docs::rules_table(),
        ListFormat::Json => crate::docs::rules_json(),
    })?;
    Ok(0)
}

fn run_rule(name: &str) -> Result<u8, Failure> {
    match crate::rules::find(name) {
        Some(rule) => {
            write_stdout(&crate::docs::rule_markdown(rule))?;
            Ok(0)
        }
        None => {
            let hint = crate::selection::suggest(name)
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

/// The effective configuration: the file, then `SQLGATE_*` variables, then flags.
fn merged_config(args: &CheckArgs, start: &Path) -> Result<Config, Failure> {
    let from_env = std::env::var_os("SQLGATE_CONFIG").filter(|v| !v.is_empty());
    let config_file = match (&args.config, from_env) {
        (Some(file), _) => Some((file.clone(), "the --config path")),
        (None, Some(file)) => Some((PathBuf::from(file), "SQLGATE_CONFIG")),
        (None, None) => crate::config::find(start).map(|f| (f, "")),
    };
    let mut config = match config_file {
        Some((file, source)) if !source.is_empty() && !file.is_file() => {
            return Err(Failure(format!(
                "config file {} not found: check {source}",
                file.display()
            )))
        }
        Some((file, _)) => crate::config::load(&file).map_err(|e| Failure(e.to_string()))?,
        None => Config::default(),
    };

    // Selection lists from the environment or flags replace the file's.
    let from_env = |name: &str| -> Option<Vec<String>> {
        std::env::var(name)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| v.split(',').map(|s| s.trim().to_string()).collect())
    };
    for (flag, var, list) in [
        (&args.select, "SQLGATE_SELECT", &mut config.select),
        (&args.ignore, "SQLGATE_IGNORE", &mut config.ignore),
    ] {
        if !flag.is_empty() {
            *list = flag.clone();
        } else if let Some(values) = from_env(var) {
            if let Err(e) = crate::selection::select_rules(&values, &[]) {
                return Err(Failure(crate::config::selector_message(&e, var)));
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
            crate::config::schema::FRAMEWORK_VALUES,
        )?;
    }
    if let Some(choice) = flag_or_env(args.dialect.as_deref(), "--dialect", "SQLGATE_DIALECT") {
        config.dialect = Some(parse_choice(
            choice,
            crate::config::parse_dialect,
            crate::config::schema::DIALECT_VALUES,
        )?);
        // An explicit dialect is for every path.
        config.dialect_overrides.clear();
    }
    if let Some(choice) = flag_or_env(args.rls.as_deref(), "--rls", "SQLGATE_RLS") {
        config.rls = parse_choice(
            choice,
            crate::rules::RlsMode::from_name,
            crate::config::schema::RLS_VALUES,
        )?;
    }
    Ok(config)
}

fn run_check(args: CheckArgs) -> Result<u8, Failure> {
    let cwd = std::env::current_dir()
        .map_err(|e| Failure(format!("cannot read the current directory: {e}")))?;
    let start = args.paths.first().cloned().unwrap_or_else(|| cwd.clone());
    let config = merged_config(&args, &start)?;
    let plan = config.rule_plan().map_err(|e| Failure(format!("{e}")))?;

    let paths = if !args.paths.is_empty() {
        args.paths.clone()
    } else if !config.paths.is_empty() {
        // Reported relative to the current directory when under it, like paths given as arguments.
        let here = std::fs::canonicalize(&cwd).unwrap_or_else(|_| cwd.clone());
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
        vec![crate::git::repo_root(&cwd).unwrap_or_else(|| PathBuf::from("."))]
    };
    let changes = match &args.changed_since {
        None => None,
        Some(base) => {
            // git runs in the checked path's nearest existing directory.
            let dir = start.ancestors().find(|d| d.is_dir()).unwrap_or(&cwd);
            Some(crate::git::changes_since(dir, base).map_err(|e| Failure(e.to_string()))?)
        }
    };
    let filter = changes
        .as_ref()
        .map_or(ChangeFilter::All, |c| ChangeFilter::Files(c.changed()));

    let discovery = discover(
        &paths,
        &DiscoverOptions {
            framework: config.framework,
            dialect: config.dialect,
            dialect_overrides: config.dialect_overrides.clone(),
            base: config.base.clone(),
        },
    );
    let history = changes
        .as_ref()
        .map(|c| crate::history::snapshot(c, &discovery.files))
        .transpose()
        .map_err(|e| Failure(e.to_string()))?;
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
    let human = HumanOptions {
        color: std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        width: 100,
    };
    write_stdout(&report::render(
        format,
        &output.report,
        &output.files,
        &human,
    ))?;
    if format == Format::Github {
        write_github_files(&output)?;
    }

    let fail_on = match args.fail_on {
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
    let fail_on = match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Never => None,
    };
    if !output.report.errors.is_empty() {
        return Ok(EXIT_ERROR);
    }
    Ok(if engine::fails(&output.report, fail_on) {
        EXIT_FINDINGS
    } else {
        0
    })
}

fn run_init(force: bool) -> Result<u8, Failure> {
    let cwd = std::env::current_dir()
        .map_err(|e| Failure(format!("cannot read the current directory: {e}")))?;
    let root = crate::git::repo_root(&cwd).unwrap_or(cwd);
    if !force {
        if let Some(existing) = crate::config::FILE_NAMES
            .iter()
            .map(|name| root.join(name))
            .find(|p| p.exists())
        {
            return Err(Failure(format!(
                "{} already exists: edit it, or run `sqlgate init --force` to overwrite it",
                existing.display()
            )));
        }
    }
    let detected = crate::config::init::detect(&root);
    let file = root.join(crate::config::FILE_NAMES[0]);
    std::fs::write(&file, crate::config::init::render(&detected))
        .map_err(|e| Failure(format!("cannot write {}: {e}", file.display())))?;
    write_stdout(&format!(
        "{}\nwrote {}\n",
        crate::config::init::summary(&detected),
        file.display()
    ))?;
    Ok(0)
}

/// Appends the Markdown report to `$GITHUB_STEP_SUMMARY` and the counts to `$GITHUB_OUTPUT`.
fn write_github_files(output: &CheckOutput) -> Result<(), Failure> {
    let append = |var: &str, text: String| -> Result<(), Failure> {
        let Some(path) = std::env::var_os(var).filter(|p| !p.is_empty()) else {
            return Ok(());
        };
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(|e| {
                Failure(format!(
                    "cannot write ${var} ({}): {e}",
                    Path::new(&path).display()
                ))
            })
    };
    append(
        "GITHUB_STEP_SUMMARY",
        report::markdown::render(&output.report),
    )?;
    append("GITHUB_OUTPUT", report::github::outputs(&output.report))
}

fn print_verbose(output: &CheckOutput) {
    let mut err = std::io::stderr().lock();
    for skipped in &output.skipped {
        let _ = writeln!(err, "skipped {}: {}", skipped.display, skipped.reason);
    }
    let s = &output.stats;
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
