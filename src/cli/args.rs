//! The arguments of every subcommand, as clap reads them, with their examples.

use std::path::PathBuf;

use clap::ValueEnum;

pub(super) const CHECK_EXAMPLES: &str = "\
Examples:
  sqlgate check                               # every migration in the repository
  sqlgate check supabase/migrations
  sqlgate check db/migrations --format json
  sqlgate check --changed-since origin/main   # only what this branch adds or changes
  sqlgate check --staged                      # what the pre-commit hook runs: the staged files
  sqlgate check --select DS001,rename --ignore DS010 --fail-on warning
  sqlgate check -v                            # also which files were skipped, and why
  sqlgate check - --stdin-filename db/migrations/0002_add.sql   # SQL from stdin (editors)";

#[derive(clap::Args, Debug)]
pub(crate) struct CheckArgs {
    /// Directories or files to check (a file named here is checked whatever its name; `-`
    /// reads SQL from stdin)
    pub(super) paths: Vec<PathBuf>,
    /// With `-`: the path the SQL read from stdin is shown as, and whose directory picks the
    /// dialect (a ClickHouse path, or the config's overrides)
    #[arg(long, value_name = "PATH")]
    pub(super) stdin_filename: Option<PathBuf>,
    /// Output format [env: SQLGATE_FORMAT] (default: github when GITHUB_ACTIONS=true, else human)
    #[arg(long, value_enum)]
    pub(super) format: Option<OutputFormat>,
    /// Lint only migrations added or changed since REF; older ones still feed the catalog
    // A value starting with `-` is taken as the REF, so `--changed-since --output=FILE` meets
    // the one-line refusal of a revision git would read as an option (in `run_check`).
    #[arg(long, value_name = "REF", allow_hyphen_values = true)]
    pub(super) changed_since: Option<String>,
    /// Check what the next commit would contain: the staged versions of the migrations the
    /// index changes since HEAD (or --changed-since REF); unstaged edits are ignored
    #[arg(long)]
    pub(super) staged: bool,
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// Migration framework: auto, supabase, golang-migrate, ... [env: SQLGATE_FRAMEWORK]
    #[arg(long, value_name = "NAME")]
    pub(super) framework: Option<String>,
    /// SQL dialect for every path: postgres or clickhouse [env: SQLGATE_DIALECT]
    #[arg(long, value_name = "DIALECT")]
    pub(super) dialect: Option<String>,
    /// Where the RLS rules apply: auto, required or off [env: SQLGATE_RLS]
    #[arg(long, value_name = "MODE")]
    pub(super) rls: Option<String>,
    /// Also print skipped files with the reason and parse statistics (to stderr)
    #[arg(short, long)]
    pub(super) verbose: bool,
    /// Print how the statements were understood per dialect, the shapes sqlparser could not
    /// parse, the time per phase and peak memory (to stderr)
    #[arg(long)]
    pub(super) stats: bool,
    #[command(flatten)]
    pub(super) replay: ReplayArgs,
}

pub(super) const REPLAY_EXAMPLES: &str = "\
Examples:
  sqlgate replay                              # every migration, on a throwaway PostgreSQL
  sqlgate replay --changed-since origin/main  # the older migrations build the starting state
  sqlgate replay --database-url postgres://me@localhost/postgres   # scratch databases there
  sqlgate check --replay --format json        # static and replay findings in one report

A throwaway cluster needs PostgreSQL's server binaries (initdb, pg_ctl, postgres) on PATH,
through pg_config or in /usr/lib/postgresql/*/bin; it listens on a unix socket only and is
removed afterwards, also on Ctrl-C.";

/// Replay on a real PostgreSQL (`check --replay`, `replay`).
#[derive(clap::Args, Debug, Clone, Default)]
pub(crate) struct ReplayArgs {
    /// Also apply the migrations to a real PostgreSQL: up, down and up again, with the locks
    /// and rewrites they cause and the RLS state they leave (RP001 to RP006)
    #[arg(long)]
    pub(super) replay: bool,
    /// Replay on this server instead of a throwaway cluster: sqlgate creates its own scratch
    /// databases there and drops them afterwards (the role needs CREATEDB)
    #[arg(long, value_name = "URL")]
    pub(super) database_url: Option<String>,
    /// Longest a replayed statement may run, in seconds (a lock wait ends here) [default:
    /// `replay.statement-timeout`, else 60]
    #[arg(long, value_name = "SECONDS")]
    pub(super) statement_timeout: Option<u64>,
}

/// Settings `check` and `ci` share.
#[derive(clap::Args, Debug, Clone)]
pub(crate) struct CommonArgs {
    /// Config file [env: SQLGATE_CONFIG] (default: sqlgate.toml or .sqlgate.toml found walking
    /// up; under `ci` on pull_request_target: read from the base commit)
    #[arg(long, value_name = "FILE")]
    pub(super) config: Option<PathBuf>,
    /// Rules to run: names, codes, code prefixes or categories; opt-in rules only by name or code
    /// [env: SQLGATE_SELECT] (default: every rule that is not opt-in)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub(super) select: Vec<String>,
    /// Rules to skip: names, codes, code prefixes or categories [env: SQLGATE_IGNORE]
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub(super) ignore: Vec<String>,
    /// Lowest severity that makes the exit code 1 [env: SQLGATE_FAIL_ON] (default: error)
    #[arg(long, value_enum)]
    pub(super) fail_on: Option<FailOn>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OutputFormat {
    Human,
    Json,
    Github,
    Markdown,
    Sarif,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FailOn {
    Error,
    Warning,
    Never,
}

pub(super) const CI_EXAMPLES: &str = "\
Examples (in a workflow step; the environment comes from GitHub Actions):
  sqlgate ci
  sqlgate ci supabase/migrations --check-run sqlgate --sarif-file sqlgate.sarif
  SQLGATE_COMMENT=false sqlgate ci

Reads GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_API_URL,
GITHUB_STEP_SUMMARY, GITHUB_OUTPUT and the token from SQLGATE_GITHUB_TOKEN or GITHUB_TOKEN.
Needs the full history: actions/checkout with `fetch-depth: 0`.";

#[derive(clap::Args, Debug)]
pub(crate) struct CiArgs {
    /// Directories or files to check [env: SQLGATE_PATHS] (default: the config's paths, else
    /// the repository)
    pub(super) paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(super) common: CommonArgs,
    /// Create or update the sticky pull request comment: true or false [env: SQLGATE_COMMENT]
    /// (default: true)
    #[arg(long, value_name = "BOOL")]
    pub(super) comment: Option<String>,
    /// Also publish a check run with this name, with every annotation [env: SQLGATE_CHECK_RUN]
    #[arg(long, value_name = "NAME")]
    pub(super) check_run: Option<String>,
    /// Write a SARIF 2.1.0 report to this file [env: SQLGATE_SARIF_FILE]
    #[arg(long, value_name = "FILE")]
    pub(super) sarif_file: Option<PathBuf>,
    /// `--replay` runs the pull request's SQL: only under `pull_request` (an unprivileged
    /// job), never under `pull_request_target` or `pull_request_review`
    #[command(flatten)]
    pub(super) replay: ReplayArgs,
}

pub(super) const GATE_EXAMPLES: &str = "\
Examples (from the repository checkout, with the pull request's head checked out):
  sqlgate gate --event event.json --reviews reviews.json
  sqlgate gate --event event.json --reviews reviews.json --permissions perms.json \\
      --artifacts artifacts.json --format json

EVENT is a pull_request or pull_request_review webhook payload; REVIEWS the JSON array of
GET /repos/OWNER/REPO/pulls/N/reviews; ARTIFACTS the body of GET
/repos/OWNER/REPO/actions/runs/RUN/artifacts for a successful run of a workflow named in
gate.backup.workflows (you vouch for the run); PERMS an object mapping logins to admin, maintain,
write, triage or read (a login not in it has no access; without the file, approvers' access
is unknown and blocks); TEAMS an object mapping `org/team` to member logins.
Exit code: 1 while the gate blocks, or when findings it does not cover reach --fail-on; 0
when it passes; 2 on bad input.";

#[derive(clap::Args, Debug)]
pub(crate) struct GateArgs {
    /// Directories or files to check (default: the config's paths, else the repository)
    pub(super) paths: Vec<PathBuf>,
    /// The pull_request or pull_request_review webhook payload
    #[arg(long, value_name = "EVENT.json")]
    pub(super) event: PathBuf,
    /// The pull request's reviews, as GET /repos/OWNER/REPO/pulls/N/reviews returns them
    #[arg(long, value_name = "REVIEWS.json")]
    pub(super) reviews: PathBuf,
    /// Artifacts of a successful run of a gate.backup.workflows workflow, as GET
    /// /repos/OWNER/REPO/actions/runs/RUN/artifacts returns them
    #[arg(long, value_name = "ARTIFACTS.json")]
    pub(super) artifacts: Option<PathBuf>,
    /// Repository permission by login: {"alice": "write", "bob": "read"}
    #[arg(long, value_name = "PERMS.json")]
    pub(super) permissions: Option<PathBuf>,
    /// Team members for `gate.reviewers.teams`: {"acme/dba": ["alice"]}
    #[arg(long, value_name = "TEAMS.json")]
    pub(super) teams: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = GateFormat::Human)]
    pub(super) format: GateFormat,
    #[command(flatten)]
    pub(super) common: CommonArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GateFormat {
    Human,
    Json,
}

pub(super) const RULES_EXAMPLES: &str = "\
Examples:
  sqlgate rules
  sqlgate rules --format json                 # code, name, category and severity of each";

pub(super) const RULE_EXAMPLES: &str = "\
Examples:
  sqlgate rule DS001
  sqlgate rule drop-table";

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListFormat {
    Human,
    Json,
}

pub(super) const INIT_EXAMPLES: &str = "\
Examples:
  sqlgate init                                # sqlgate.toml for the migrations found here
  sqlgate init --paths                        # the same, with the directories found pinned in `paths`
  sqlgate init --github                       # also .github/workflows/sqlgate.yml
  sqlgate init --pre-commit                   # also the hook in .pre-commit-config.yaml (the PyPI wheel)
  sqlgate init --pre-commit-from-source       # instead, the hook pre-commit builds from source (needs Rust)
  sqlgate init --github --pre-commit
  sqlgate init --github --force               # rewrite the workflow; sqlgate.toml is kept

Files are written at the repository root. --force overwrites only what the flags ask for:
sqlgate.toml without flags, the workflow with --github. An existing sqlgate.toml is kept with
--github or --pre-commit (even with --force), other pre-commit hooks always, and nothing is
written through a symbolic link.";
