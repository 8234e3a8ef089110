//! The one table of configuration keys: the validator walks it, `docs/configuration.md` and
//! `sqlgate init` are generated from it, so a key cannot be documented but unknown.

/// What a key holds; the validator checks it and the docs describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Table,
    /// `[[...]]`: a list of tables, each with the keys under `<path>[]`.
    Tables,
    Bool,
    /// An integer at least `min`.
    Integer {
        min: i64,
    },
    /// One of these strings.
    Enum(&'static [&'static str]),
    Str(Text),
    List(Text),
}

/// What a string must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    Any,
    /// A path relative to the config file's directory.
    Path,
    Glob,
    Regex,
    /// A rule name, code, code prefix or category (`all` too).
    Selector,
    /// A workflow file name in `.github/workflows/` (`backup.yml`): no directory, ends in
    /// `.yml` or `.yaml`.
    WorkflowFile,
}

#[derive(Debug)]
pub struct Key {
    /// Dotted path; `[]` marks the tables of an array of tables, `<rule>`/`<framework>` a key
    /// chosen by the user.
    pub path: &'static str,
    pub ty: Type,
    /// The default as TOML (empty: none, see the description).
    pub default: &'static str,
    pub description: &'static str,
}

pub const FRAMEWORK_VALUES: &[&str] = &[
    "auto",
    "supabase",
    "golang-migrate",
    "sqlx",
    "diesel",
    "sourcegraph",
    "dbmate",
    "goose",
    "popx",
    "flyway",
    "prisma",
    "atlas",
    "plain",
];
pub const DIALECT_VALUES: &[&str] = &["postgres", "clickhouse"];
pub const SEVERITY_VALUES: &[&str] = &["error", "warning", "off"];
pub const RLS_VALUES: &[&str] = &["auto", "required", "off"];
/// `gate.changes-requested`: whose "changes requested" review holds the gate.
pub const CHANGES_REQUESTED_VALUES: &[&str] = &["write", "anyone"];
pub const DOWN_VALUES: &[&str] = &["down-file", "rollback-note", "off"];

/// A key named by the user: a rule (name or code) or a framework.
pub const RULE_KEY: &str = "<rule>";
pub const FRAMEWORK_KEY: &str = "<framework>";

pub static KEYS: &[Key] = &[
    Key {
        path: "migrations",
        ty: Type::Table,
        default: "",
        description: "Where the migrations are and how to read them.",
    },
    Key {
        path: "migrations.paths",
        ty: Type::List(Text::Path),
        default: "",
        description: "Directories or files to check when `sqlgate check` gets no paths, relative to the config file (default: discover from the repository root, so a migration directory added later is checked too). When set, only these are checked: a new migration directory must be added here.",
    },
    Key {
        path: "migrations.exclude",
        ty: Type::List(Text::Glob),
        default: "[]",
        description: "Globs, relative to the config file, of directories (with everything below them) and files discovery leaves out, e.g. `[\"legacy/**\", \"db/seeds\"]`. A file named on the command line is still checked.",
    },
    Key {
        path: "migrations.framework",
        ty: Type::Enum(FRAMEWORK_VALUES),
        default: "\"auto\"",
        description: "Migration tool; `auto` recognises each directory's layout.",
    },
    Key {
        path: "migrations.dialect",
        ty: Type::Enum(DIALECT_VALUES),
        default: "\"postgres\"",
        description: "SQL dialect; without it, directories whose path names ClickHouse are read as ClickHouse.",
    },
    Key {
        path: "migrations.overrides",
        ty: Type::Tables,
        default: "",
        description: "Per-path settings (`[[migrations.overrides]]`); a later matching entry wins.",
    },
    Key {
        path: "migrations.overrides[].paths",
        ty: Type::List(Text::Glob),
        default: "",
        description: "Globs, relative to the config file, matched against each migration directory (required).",
    },
    Key {
        path: "migrations.overrides[].dialect",
        ty: Type::Enum(DIALECT_VALUES),
        default: "",
        description: "Dialect of the migrations under those paths (wins over `migrations.dialect` from the file, not over `--dialect`).",
    },
    Key {
        path: "rules",
        ty: Type::Table,
        default: "",
        description: "Which rules run and how severe their findings are.",
    },
    Key {
        path: "rules.select",
        ty: Type::List(Text::Selector),
        default: "[\"all\"]",
        description: "Rules to run: names, codes, code prefixes or categories.",
    },
    Key {
        path: "rules.ignore",
        ty: Type::List(Text::Selector),
        default: "[]",
        description: "Rules to skip: names, codes, code prefixes or categories.",
    },
    Key {
        path: "rules.severity",
        ty: Type::Table,
        default: "{}",
        description: "Severity by rule name or code, e.g. `{ drop-column = \"warning\" }`.",
    },
    Key {
        path: "rules.severity.<rule>",
        ty: Type::Enum(SEVERITY_VALUES),
        default: "",
        description: "The rule's severity; `off` disables it (default: the rule's own severity).",
    },
    Key {
        path: "rules.overrides",
        ty: Type::Tables,
        default: "",
        description: "Per-path rule settings (`[[rules.overrides]]`), applied in order after the global ones.",
    },
    Key {
        path: "rules.overrides[].paths",
        ty: Type::List(Text::Glob),
        default: "",
        description: "Globs, relative to the config file, matched against each migration file (required).",
    },
    Key {
        path: "rules.overrides[].select",
        ty: Type::List(Text::Selector),
        default: "",
        description: "Rules to run in those files instead of the selection so far.",
    },
    Key {
        path: "rules.overrides[].ignore",
        ty: Type::List(Text::Selector),
        default: "",
        description: "Rules to skip in those files.",
    },
    Key {
        path: "rules.overrides[].severity",
        ty: Type::Table,
        default: "",
        description: "Severity by rule name or code in those files.",
    },
    Key {
        path: "rules.overrides[].severity.<rule>",
        ty: Type::Enum(SEVERITY_VALUES),
        default: "",
        description: "The rule's severity in those files; `off` disables it there.",
    },
    Key {
        path: "security",
        ty: Type::Table,
        default: "",
        description: "Row-level security and roles, read by the SC rules.",
    },
    Key {
        path: "security.rls",
        ty: Type::Enum(RLS_VALUES),
        default: "\"auto\"",
        description: "Where the RLS rules (SC001-SC004) apply: `auto` for Supabase layouts and SQL using `auth.uid()` or the roles `anon`/`authenticated`, `required` everywhere, `off` never.",
    },
    Key {
        path: "security.exposed-schemas",
        ty: Type::List(Text::Any),
        default: "[\"public\"]",
        description: "Schemas whose tables the API exposes (unqualified names are in `public`).",
    },
    Key {
        path: "security.public-roles",
        ty: Type::List(Text::Any),
        default: "[\"anon\", \"authenticated\"]",
        description: "Roles that stand for everyone (PUBLIC always does).",
    },
    Key {
        path: "reversibility",
        ty: Type::Table,
        default: "",
        description: "What each framework must ship so a migration can be reversed, by framework name.",
    },
    Key {
        path: "reversibility.<framework>",
        ty: Type::Enum(DOWN_VALUES),
        default: "",
        description: "`down-file`: a down file or section (RV001-RV003); `rollback-note`: a `-- rollback:` comment (RV004); `off`: nothing. Defaults: `rollback-note` for supabase and plain, `off` for prisma and atlas, `down-file` for the others.",
    },
    Key {
        path: "replay",
        ty: Type::Table,
        default: "",
        description: "Replay on a real PostgreSQL (`sqlgate replay`, `check --replay`, `ci --replay`).",
    },
    Key {
        path: "replay.statement-timeout",
        ty: Type::Integer { min: 1 },
        default: "60",
        description: "Seconds a replayed statement may run before it is cancelled and reported (RP001): a migration waiting on a lock ends here. `--statement-timeout` overrides it.",
    },
    Key {
        path: "gate",
        ty: Type::Table,
        default: "",
        description: "The merge gate: which findings need it and what lets them merge.",
    },
    Key {
        path: "gate.triggers",
        ty: Type::List(Text::Selector),
        default: "[\"DS001\", \"DS002\", \"DS003\", \"DS004\", \"DS005\", \"DS006\", \"DS007\", \"DS008\", \"DS013\", \"DS014\", \"SC003\", \"IN001\", \"IN002\"]",
        description: "Findings that require the gate: names, codes, code prefixes or categories.",
    },
    Key {
        path: "gate.count-suppressed",
        ty: Type::Bool,
        default: "true",
        description: "Whether suppressed findings still require the gate.",
    },
    Key {
        path: "gate.approvals",
        ty: Type::Integer { min: 0 },
        default: "2",
        description: "Distinct approving reviewers required.",
    },
    Key {
        path: "gate.reviewers",
        ty: Type::Table,
        default: "{ users = [], teams = [] }",
        description: "Whose approvals count; both empty: anyone with write access except the author.",
    },
    Key {
        path: "gate.reviewers.users",
        ty: Type::List(Text::Any),
        default: "[]",
        description: "GitHub logins whose approvals count.",
    },
    Key {
        path: "gate.reviewers.teams",
        ty: Type::List(Text::Any),
        default: "[]",
        description: "Teams (`org/team`, or `team` in the repository owner's organization) whose members' approvals count; reading membership needs the action's `team-token` (a token with `read:org`).",
    },
    Key {
        path: "gate.approval-on-head",
        ty: Type::Bool,
        default: "true",
        description: "Only approvals of the head commit count (a new push invalidates earlier ones).",
    },
    Key {
        path: "gate.changes-requested",
        ty: Type::Enum(CHANGES_REQUESTED_VALUES),
        default: "\"write\"",
        description: "Whose \"changes requested\" review blocks the gate: `write`, reviewers with write access (as for approvals; anyone can leave a review on a public repository), or `anyone`.",
    },
    Key {
        path: "gate.backup",
        ty: Type::Table,
        default: "",
        description: "Backup evidence required before the gate passes.",
    },
    Key {
        path: "gate.backup.required",
        ty: Type::Bool,
        default: "true",
        description: "Whether backup evidence is required.",
    },
    Key {
        path: "gate.backup.body-pattern",
        ty: Type::Str(Text::Regex),
        default: "'(?mi)^backup:\\s*(\\S+)'",
        description: "Regex for the PR-body line that links the backup (group 1 is the link).",
    },
    Key {
        path: "gate.backup.accept",
        ty: Type::List(Text::Regex),
        default: "['^s3://', '^gs://', '^https://', '^artifact:']",
        description: "Regexes a PR-body link must match.",
    },
    Key {
        path: "gate.backup.artifact",
        ty: Type::Str(Text::Glob),
        default: "\"pre-migration-backup*\"",
        description: "Glob for a workflow artifact that counts as a backup: from a successful run, on the head commit, of a workflow named in `gate.backup.workflows`, created after the head commit.",
    },
    Key {
        path: "gate.backup.workflows",
        ty: Type::List(Text::WorkflowFile),
        default: "[]",
        description: "Workflow files (as in `.github/workflows/backup.yml`: `backup.yml`) whose artifacts may count as backups; empty: artifacts never count. A workflow the pull request changes does not count.",
    },
    Key {
        path: "gate.backup.manifest",
        ty: Type::Str(Text::Glob),
        default: "\"backups/**/*.json\"",
        description: "Glob for backup metadata committed at the pull request's base commit (never the pull request's own files): JSON with a timestamp, the database, sizes above zero and a checksum (see the README, section Blocking merges).",
    },
    Key {
        path: "gate.backup.max-age-days",
        ty: Type::Integer { min: 1 },
        default: "7",
        description: "Oldest backup manifest accepted, in days.",
    },
];

/// The schema entry of a path.
pub fn key(path: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.path == path)
}

/// The keys directly inside a table path (`""` is the top level).
pub fn children(parent: &str) -> impl Iterator<Item = &'static Key> + '_ {
    KEYS.iter().filter(move |k| parent_of(k.path) == parent)
}

/// The last segment of a path.
pub fn leaf(path: &str) -> &str {
    path.rsplit_once('.').map_or(path, |(_, leaf)| leaf)
}

fn parent_of(path: &str) -> &str {
    path.rsplit_once('.').map_or("", |(parent, _)| parent)
}

impl Type {
    /// The type column of the docs.
    pub fn describe(self) -> &'static str {
        match self {
            Type::Table => "table",
            Type::Tables => "array of tables",
            Type::Bool => "boolean",
            Type::Integer { .. } => "integer",
            Type::Enum(_) | Type::Str(_) => "string",
            Type::List(_) => "array of strings",
        }
    }

    /// The allowed-values column of the docs.
    pub fn allowed(self) -> String {
        match self {
            Type::Table | Type::Tables => String::new(),
            Type::Bool => "`true`, `false`".to_string(),
            Type::Integer { min } => format!("≥ {min}"),
            Type::Enum(values) => values
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", "),
            Type::Str(text) | Type::List(text) => text.describe().to_string(),
        }
    }
}

impl Text {
    fn describe(self) -> &'static str {
        match self {
            Text::Any => "any",
            Text::Path => "paths relative to the config file",
            Text::Glob => "globs: `**`, `*`, `?`, `[...]`, `{a,b}`",
            Text::Regex => "regular expressions (Rust `regex` syntax)",
            Text::Selector => "rule names, codes, code prefixes, categories, `all`",
            Text::WorkflowFile => "workflow file names ending in `.yml` or `.yaml`, no `/`",
        }
    }
}
