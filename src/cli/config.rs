//! The effective configuration of a run: the config file, then `SQLGATE_*` variables, then
//! flags; and the paths and exit codes that follow from it.

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::args::{CheckArgs, FailOn};
use super::output::{Failure, EXIT_ERROR, EXIT_FINDINGS};
use sqlgate_config::Config;
use sqlgate_core::finding::Severity;
use sqlgate_discover::{DiscoverOptions, Framework};
use sqlgate_lint::engine::{self};

/// A setting from a flag, else the environment, else nothing (the file's value stays).
/// Returns the value and where it came from, for error messages.
pub(super) fn flag_or_env(
    flag: Option<&str>,
    flag_name: &str,
    var: &str,
) -> Option<(String, String)> {
    if let Some(value) = flag {
        return Some((value.to_string(), flag_name.to_string()));
    }
    std::env::var(var)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| (v.trim().to_string(), var.to_string()))
}

/// Parses a flag or environment value, or says which values the source accepts.
pub(super) fn parse_choice<T>(
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
pub(super) fn explicit_config(args: &CheckArgs) -> Option<(PathBuf, &'static str)> {
    let from_env = std::env::var_os("SQLGATE_CONFIG").filter(|v| !v.is_empty());
    match (&args.common.config, from_env) {
        (Some(file), _) => Some((file.clone(), "the --config path")),
        (None, Some(file)) => Some((PathBuf::from(file), "SQLGATE_CONFIG")),
        (None, None) => None,
    }
}

/// The effective configuration: the file, then `SQLGATE_*` variables, then flags.
pub(super) fn merged_config(
    args: &CheckArgs,
    start: &Path,
    top: Option<&Path>,
) -> Result<Config, Failure> {
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
pub(super) fn apply_overrides(mut config: Config, args: &CheckArgs) -> Result<Config, Failure> {
    // Selection lists from the environment or flags replace the file's.
    let from_env = |name: &str| -> Option<Vec<String>> {
        std::env::var(name)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| v.split(',').map(|s| s.trim().to_string()).collect())
    };
    for (flag, flag_name, var, list) in [
        (
            &args.common.select,
            "--select",
            "SQLGATE_SELECT",
            &mut config.select,
        ),
        (
            &args.common.ignore,
            "--ignore",
            "SQLGATE_IGNORE",
            &mut config.ignore,
        ),
    ] {
        if !flag.is_empty() {
            // A code that matches no rule (`DS999`) would select nothing and pass silently.
            if let Err(e) = sqlgate_lint::selection::select_rules(flag, &[]) {
                return Err(Failure(sqlgate_config::selector_message(&e, flag_name)));
            }
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

/// `--fail-on`, else `SQLGATE_FAIL_ON`, else `error`; `None` never fails.
pub(super) fn fail_on_setting(flag: Option<FailOn>) -> Result<Option<Severity>, Failure> {
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
pub(super) fn exit_code(report: &sqlgate_core::run::RunReport, fail_on: Option<Severity>) -> u8 {
    if !report.errors.is_empty() {
        EXIT_ERROR
    } else if engine::fails(report, fail_on) {
        EXIT_FINDINGS
    } else {
        0
    }
}

/// What discovery takes from the configuration.
pub(super) fn discover_options(config: &Config) -> DiscoverOptions {
    DiscoverOptions {
        framework: config.framework,
        dialect: config.dialect,
        dialect_overrides: config.dialect_overrides.clone(),
        base: config.base.clone(),
        exclude: config.exclude.clone(),
        untrusted: Default::default(),
        added: Default::default(),
    }
}

/// The paths to check: the arguments, else the config's `paths`, else the repository root.
/// `top`: the top of the tree when it is not the git repository around `cwd` (`--staged`).
pub(super) fn check_paths(
    given: &[PathBuf],
    config: &Config,
    cwd: &Path,
    top: Option<&Path>,
) -> Vec<PathBuf> {
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
/// file to report on: it stops the run with one line that says where it came from. `missing`
/// are the paths discovery found missing (`Discovery::missing`).
pub(super) fn require_existing(
    missing: &[PathBuf],
    given: &[PathBuf],
    config: &Config,
) -> Result<(), Failure> {
    let Some(missing) = missing.first() else {
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
