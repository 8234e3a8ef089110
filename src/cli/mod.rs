//! Command line: turns arguments into a run and every error into a message and exit code 2.
//!
//! One module per subcommand (`check`, `ci`, `gate`, `rules`, `init`); `config` merges the
//! config file, `SQLGATE_*` variables and flags, and `pull_request` is what `ci` and `gate`
//! share: linting a pull request's changes and evaluating the gate on them.

mod args;
mod check;
mod ci;
mod config;
mod gate;
mod init;
mod output;
mod pull_request;
mod replay;
mod rules;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, FromArgMatches, Parser, Subcommand};

use args::{
    CheckArgs, CiArgs, GateArgs, ListFormat, CHECK_EXAMPLES, CI_EXAMPLES, GATE_EXAMPLES,
    INIT_EXAMPLES, REPLAY_EXAMPLES, RULES_EXAMPLES, RULE_EXAMPLES,
};
use check::run_check;
use ci::{ci_failed, run_ci};
use gate::run_gate;
use init::run_init;
use output::{Failure, EXIT_ERROR};
use rules::{run_rule, run_rules};

#[derive(Parser, Debug)]
#[command(
    name = "sqlgate",
    version,
    about = "Stops dangerous database migrations before they merge",
    after_help = MAIN_EXAMPLES
)]
pub(super) struct Cli {
    #[command(subcommand)]
    pub(super) command: Command,
}

#[derive(Subcommand, Debug)]
pub(super) enum Command {
    /// Lint migrations (default: discover them from the repository root)
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Apply the migrations to a real PostgreSQL (a throwaway cluster, or scratch databases on
    /// --database-url): failures, downs that do not restore the schema, rewrites, locks and
    /// the RLS state they leave; reports the replay's findings (RP001 to RP006)
    #[command(after_help = REPLAY_EXAMPLES)]
    Replay(CheckArgs),
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
        /// Overwrite the file the flags write: sqlgate.toml, or with --github the workflow (an
        /// existing sqlgate.toml is then kept)
        #[arg(long)]
        force: bool,
        /// Also write the GitHub Actions workflow .github/workflows/sqlgate.yml
        #[arg(long)]
        github: bool,
        /// Also add the sqlgate hook to .pre-commit-config.yaml (other hooks are kept): a local
        /// hook that installs the sqlgate wheel of this version from PyPI (no Rust needed)
        #[arg(long)]
        pre_commit: bool,
        /// With --pre-commit (implied): use the hook of sqlgate's repository instead, which
        /// pre-commit builds with `cargo install` (needs Rust; minutes the first time)
        #[arg(long)]
        pre_commit_from_source: bool,
        /// Write the migration directories found into `paths` (only they are then checked);
        /// without it, `paths` is left commented and every run discovers them
        #[arg(long)]
        paths: bool,
        /// Also write .github/workflows/sqlgate-replay.yml (implies --github): an advisory
        /// job that replays the changed migrations on the runner's PostgreSQL
        #[arg(long)]
        replay: bool,
    },
}

/// `sqlgate check ...` parsed with the `check` subcommand alone: clap builds every
/// subcommand's arguments before it parses (`ci`, `gate`, `init`, ...), a tenth of the CPU of
/// a run on a small repository. The arguments are `CheckArgs`'s own, so what this accepts
/// parses as the whole command line would. `None` for anything else, and for anything this
/// parse does not accept (`--help`, a mistake): the whole command line is then parsed, with
/// its help and its errors.
fn parse_check(args: &[OsString]) -> Option<CheckArgs> {
    if args.get(1).is_none_or(|first| first != "check") {
        return None;
    }
    let check = CheckArgs::augment_args(clap::Command::new("check"));
    let matches = clap::Command::new("sqlgate")
        .subcommand(check)
        .try_get_matches_from(args)
        .ok()?;
    let (_, check) = matches.subcommand()?;
    CheckArgs::from_arg_matches(check).ok()
}

pub(super) const MAIN_EXAMPLES: &str = "\
Examples:
  sqlgate check                               # every migration in the repository
  sqlgate check supabase/migrations
  sqlgate check --changed-since origin/main   # only what this branch adds or changes
  sqlgate rule DS001                          # what a rule catches and how to fix it
  sqlgate init --github                       # sqlgate.toml and a GitHub Actions workflow
  sqlgate init --pre-commit                   # sqlgate.toml and a pre-commit hook";

pub fn main() -> u8 {
    let args: Vec<OsString> = std::env::args_os().collect();
    let command = match parse_check(&args) {
        Some(check) => Command::Check(check),
        None => match Cli::try_parse_from(&args) {
            Ok(cli) => cli.command,
            Err(err) => {
                let code = if err.use_stderr() { EXIT_ERROR } else { 0 };
                let _ = err.print();
                return code;
            }
        },
    };
    let result = match command {
        Command::Check(args) => run_check(args),
        Command::Replay(mut args) => {
            // The replay's findings only, unless rules are selected.
            args.replay.replay = true;
            if args.common.select.is_empty() {
                args.common.select = vec!["RP".to_string()];
            }
            run_check(args)
        }
        Command::Ci(args) => run_ci(args).inspect_err(|Failure(message)| ci_failed(message)),
        Command::Gate(args) => run_gate(args),
        Command::Rules { format, write_docs } => run_rules(format, write_docs.as_deref()),
        Command::Rule { name } => run_rule(&name),
        Command::Init {
            force,
            github,
            pre_commit,
            pre_commit_from_source,
            paths,
            replay,
        } => run_init(init::InitArgs {
            force,
            github,
            pre_commit: pre_commit || pre_commit_from_source,
            pre_commit_from_source,
            paths,
            replay,
        }),
    };
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            // Messages quote keys, values and paths from the repository: one line, always.
            eprintln!("{}", output::stderr_line("error", &message));
            EXIT_ERROR
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sqlgate` and the words of `line`.
    fn argv(line: &str) -> Vec<OsString> {
        std::iter::once("sqlgate")
            .chain(line.split_whitespace())
            .map(OsString::from)
            .collect()
    }

    /// The `check` parse alone gives what the whole command line's parse gives, and leaves
    /// to it what it does not accept (help, version, mistakes, other subcommands).
    #[test]
    fn check_alone_parses_as_the_whole_command_line() {
        let accepted = [
            "check",
            "check db/migrations other/0001_a.sql",
            "check --format json --stats -v .",
            "check --format=sarif --changed-since origin/main",
            "check --changed-since --output=x",
            "check --staged --framework prisma --dialect postgres",
            "check - --stdin-filename db/0002_add.sql --rls required",
            "check --select DS,RV --ignore RV001 --fail-on warning --config a.toml",
            "check --replay --database-url postgres://x --statement-timeout 5",
            "check --replay -- -weird-name.sql",
            "check help",
        ];
        for line in accepted {
            let args = argv(line);
            let fast = parse_check(&args).unwrap_or_else(|| panic!("{line:?} not accepted"));
            let whole = match Cli::try_parse_from(&args) {
                Ok(Cli {
                    command: Command::Check(whole),
                }) => whole,
                other => panic!("{line:?}: the whole parse gave {other:?}"),
            };
            assert_eq!(format!("{fast:?}"), format!("{whole:?}"), "{line:?}");
        }
        let refused = [
            "",
            "check --help",
            "check -h",
            "check --version",
            "check --format yaml",
            "check --no-such-flag",
            "--version",
            "checks",
            "replay db",
            "rules",
        ];
        for line in refused {
            assert!(parse_check(&argv(line)).is_none(), "{line:?} accepted");
        }
    }
}
