//! `sqlgate.toml` / `.sqlgate.toml`: every key of DESIGN.md §4, validated against the one
//! table in `schema`, with errors that name the dotted key, the file and the line.

use std::path::{Path, PathBuf};

use regex::Regex;

use sqlgate_core::finding::Severity;
use sqlgate_core::{Dialect, Framework};

pub mod select;
pub mod settings;

use select::{nearest, RuleIndex, UnknownSelector};
use settings::{DownExpectation, RlsMode, DEFAULT_EXPOSED_SCHEMAS, DEFAULT_PUBLIC_ROLES};

pub mod docs;
pub mod glob;
pub mod precommit;
pub mod schema;
pub mod tree;

use glob::{Glob, Pattern};
use schema::{Text, Type};
use tree::{line_of, Key, Node, Value};

pub const FILE_NAMES: [&str; 2] = ["sqlgate.toml", ".sqlgate.toml"];

/// `[[migrations.overrides]]`: the dialect of the migration directories under some paths.
#[derive(Debug, Clone, PartialEq)]
pub struct DialectOverride {
    pub paths: Vec<Glob>,
    pub dialect: Dialect,
}

/// A rule's severity from the config: `None` is `off`.
pub type SeveritySetting = (&'static str, Option<Severity>);

/// `[[rules.overrides]]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleOverride {
    pub paths: Vec<Glob>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: Vec<SeveritySetting>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reviewers {
    pub users: Vec<String>,
    pub teams: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct BackupConfig {
    pub required: bool,
    pub body_pattern: Pattern,
    pub accept: Vec<Pattern>,
    pub artifact: Glob,
    /// `gate.backup.workflows`: workflow file names (`backup.yml`) whose runs' artifacts
    /// may count; empty, no artifact counts.
    pub workflows: Vec<String>,
    pub manifest: Glob,
    pub max_age_days: u32,
}

/// `[gate]`: read here, evaluated by the gate.
#[derive(Debug, Clone)]
pub struct GateConfig {
    /// Selectors as written.
    pub triggers: Vec<String>,
    /// Codes of the existing rules the selectors match (`CheckOptions::gate_triggers`).
    pub trigger_codes: Vec<&'static str>,
    pub count_suppressed: bool,
    pub approvals: u32,
    pub reviewers: Reviewers,
    pub approval_on_head: bool,
    /// `gate.changes-requested = "anyone"`: a changes request blocks whoever wrote it; by
    /// default only one from a reviewer with write access does.
    pub changes_requested_by_anyone: bool,
    pub backup: BackupConfig,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Where the file was found.
    pub source: Option<PathBuf>,
    /// The directory paths and globs in the file are relative to (canonical when it exists).
    pub base: Option<PathBuf>,
    pub paths: Vec<PathBuf>,
    /// `migrations.exclude`: globs (relative to `base`) of directories and files discovery
    /// leaves out.
    pub exclude: Vec<Glob>,
    /// `None`: auto-detected per directory.
    pub framework: Option<Framework>,
    pub dialect: Option<Dialect>,
    pub dialect_overrides: Vec<DialectOverride>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: Vec<SeveritySetting>,
    pub rule_overrides: Vec<RuleOverride>,
    pub rls: RlsMode,
    pub exposed_schemas: Vec<String>,
    pub public_roles: Vec<String>,
    pub reversibility: Vec<(Framework, DownExpectation)>,
    /// `replay.statement-timeout`, in seconds.
    pub replay_statement_timeout: Option<u64>,
    pub gate: GateConfig,
}

/// Findings of these rules require the merge gate by default (DESIGN.md §4 `gate.triggers`):
/// the data-destroying rules, dynamic SQL that cannot be read (what cannot be seen needs a
/// human), RLS switched off, and rewritten history. Every one is a rule of the registry (a
/// test in `sqlgate_lint` proves it), so they are their own codes.
pub const DEFAULT_GATE_TRIGGERS: &[&str] = &[
    "DS001", "DS002", "DS003", "DS004", "DS005", "DS006", "DS007", "DS008", "DS013", "DS014",
    "SC003", "IN001", "IN002",
];

impl Default for GateConfig {
    fn default() -> Self {
        GateConfig {
            triggers: DEFAULT_GATE_TRIGGERS
                .iter()
                .map(|c| c.to_string())
                .collect(),
            trigger_codes: DEFAULT_GATE_TRIGGERS.to_vec(),
            count_suppressed: true,
            approvals: 2,
            reviewers: Reviewers::default(),
            approval_on_head: true,
            changes_requested_by_anyone: false,
            backup: BackupConfig::default(),
        }
    }
}

// The defaults of `[gate.backup]` (compiled by `default_patterns_compile` in the tests).
const DEFAULT_BODY_PATTERN: &str = r"(?mi)^backup:\s*(\S+)";
const DEFAULT_ACCEPT: [&str; 4] = ["^s3://", "^gs://", "^https://", "^artifact:"];
const DEFAULT_ARTIFACT: &str = "pre-migration-backup*";
const DEFAULT_MANIFEST: &str = "backups/**/*.json";

impl Default for BackupConfig {
    fn default() -> Self {
        BackupConfig {
            required: true,
            body_pattern: Pattern::constant(DEFAULT_BODY_PATTERN),
            accept: DEFAULT_ACCEPT.into_iter().map(Pattern::constant).collect(),
            artifact: Glob::constant(DEFAULT_ARTIFACT),
            workflows: Vec::new(),
            manifest: Glob::constant(DEFAULT_MANIFEST),
            max_age_days: 7,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            source: None,
            base: None,
            paths: Vec::new(),
            exclude: Vec::new(),
            framework: None,
            dialect: None,
            dialect_overrides: Vec::new(),
            select: Vec::new(),
            ignore: Vec::new(),
            severity: Vec::new(),
            rule_overrides: Vec::new(),
            rls: RlsMode::default(),
            exposed_schemas: DEFAULT_EXPOSED_SCHEMAS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            public_roles: DEFAULT_PUBLIC_ROLES.iter().map(|s| s.to_string()).collect(),
            reversibility: Vec::new(),
            replay_statement_timeout: None,
            gate: GateConfig::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// Finds the config file walking up from `start`, no higher than `top` when given.
pub fn find(start: &Path, top: Option<&Path>) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        for name in FILE_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if top.is_some_and(|top| d == top) {
            break;
        }
        dir = d.parent();
    }
    None
}

/// Reads and parses a config file; `rules` checks the rule names and selectors in it.
pub fn load(file: &Path, rules: &dyn RuleIndex) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(file).map_err(|e| ConfigError {
        file: file.to_path_buf(),
        line: None,
        message: format!("cannot read the config file: {e}"),
    })?;
    parse(&text, file, rules)
}

/// Parses config text; `file` names it in errors and anchors its relative paths, and
/// `rules` checks the rule names and selectors in it.
pub fn parse(text: &str, file: &Path, rules: &dyn RuleIndex) -> Result<Config, ConfigError> {
    let error = |offset: Option<usize>, message: String| ConfigError {
        file: file.to_path_buf(),
        line: offset.map(|o| line_of(text, o)),
        message,
    };
    let root = toml::from_str::<Value>(text).map_err(|e| {
        error(
            e.span().map(|s| s.start),
            // toml's messages span lines ("invalid array\nexpected `]`"): one line reads
            // better in a terminal and in CI logs.
            format!(
                "invalid TOML: {}",
                e.message()
                    .trim_end()
                    .lines()
                    .collect::<Vec<_>>()
                    .join(": ")
            ),
        )
    })?;
    let Value::Table(entries) = &root else {
        return Err(error(None, "invalid TOML: not a table".to_string()));
    };
    validate_table(rules, "", "", entries)
        .map_err(|(offset, message)| error(Some(offset), message))?;
    let base_dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let base = std::fs::canonicalize(base_dir).unwrap_or_else(|_| base_dir.to_path_buf());
    Ok(extract(entries, file, &base, rules))
}

/// An error at a byte offset of the file.
type Invalid = (usize, String);

/// Checks every key against the schema and every value against its type.
fn validate_table(
    rules: &dyn RuleIndex,
    path: &str,
    shown: &str,
    entries: &[(Key, Node)],
) -> Result<(), Invalid> {
    for (key, node) in entries {
        let dotted = join(shown, &key.name);
        let exact = join(path, &key.name);
        let entry = match schema::key(&exact) {
            Some(entry) => entry,
            None => {
                dynamic_key(rules, path, &key.name, &dotted).map_err(|m| (key.span.start, m))?
            }
        };
        validate_value(rules, entry.path, entry.ty, &dotted, node)?;
    }
    Ok(())
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// The schema entry of a user-named key (`rules.severity.<rule>`), or the unknown-key error.
fn dynamic_key(
    rules: &dyn RuleIndex,
    path: &str,
    name: &str,
    dotted: &str,
) -> Result<&'static schema::Key, String> {
    let children: Vec<&schema::Key> = schema::children(path).collect();
    if let Some(entry) = children
        .iter()
        .find(|k| schema::leaf(k.path) == schema::RULE_KEY)
    {
        return if rules.code(name).is_some() {
            Ok(entry)
        } else {
            Err(format!(
                "unknown rule `{name}` in `{dotted}`{}",
                hint(rules.suggest(name))
            ))
        };
    }
    if let Some(entry) = children
        .iter()
        .find(|k| schema::leaf(k.path) == schema::FRAMEWORK_KEY)
    {
        return match Framework::from_name(name) {
            Some(_) => Ok(entry),
            None => {
                let names: Vec<&str> = sqlgate_core::ALL_FRAMEWORKS
                    .iter()
                    .map(|f| f.name())
                    .collect();
                Err(format!(
                    "unknown framework `{name}` in `{dotted}`{} (valid: {})",
                    hint(nearest(name, &names)),
                    names.join(", ")
                ))
            }
        };
    }
    let names: Vec<&str> = children.iter().map(|k| schema::leaf(k.path)).collect();
    let place = if path.is_empty() {
        "at the top level".to_string()
    } else {
        format!("in [{}]", path.replace("[]", ""))
    };
    Err(format!(
        "unknown key `{dotted}`{} (valid {place}: {})",
        hint(nearest(name, &names)),
        names.join(", ")
    ))
}

fn hint(suggestion: Option<String>) -> String {
    suggestion
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default()
}

fn type_error(dotted: &str, expected: &str, node: &Node) -> Invalid {
    (
        node.span.start,
        format!(
            "invalid type for `{dotted}`: expected {expected}, found {}",
            node.value.type_name()
        ),
    )
}

fn validate_value(
    rules: &dyn RuleIndex,
    path: &str,
    ty: Type,
    dotted: &str,
    node: &Node,
) -> Result<(), Invalid> {
    match (ty, &node.value) {
        (Type::Table, Value::Table(entries)) => validate_table(rules, path, dotted, entries),
        (Type::Table, _) => Err(type_error(dotted, "a table", node)),
        (Type::Tables, Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let shown = format!("{dotted}[{i}]");
                let Value::Table(entries) = &item.value else {
                    return Err(type_error(&shown, "a table", item));
                };
                validate_table(rules, &format!("{path}[]"), &shown, entries)?;
                // Overrides apply to some paths: without them they would apply nowhere.
                if !entries.iter().any(|(k, _)| k.name == "paths") {
                    return Err((
                        item.span.start,
                        format!("`{shown}` has no `paths`: add the globs it applies to"),
                    ));
                }
            }
            Ok(())
        }
        (Type::Tables, _) => Err(type_error(dotted, "an array of tables", node)),
        (Type::Bool, Value::Bool(_)) => Ok(()),
        (Type::Bool, _) => Err(type_error(dotted, "a boolean (true or false)", node)),
        (Type::Integer { min }, Value::Integer(n)) if *n >= min => Ok(()),
        (Type::Integer { min }, Value::Integer(n)) => Err((
            node.span.start,
            format!("invalid value `{n}` for `{dotted}`: expected an integer of at least {min}"),
        )),
        (Type::Integer { min }, _) => Err(type_error(
            dotted,
            &format!("an integer of at least {min}"),
            node,
        )),
        (Type::Enum(values), Value::String(s)) if values.contains(&s.as_str()) => Ok(()),
        (Type::Enum(values), Value::String(s)) => Err((
            node.span.start,
            format!(
                "invalid value `{s}` for `{dotted}`{} (valid: {})",
                hint(nearest(s, values)),
                values.join(", ")
            ),
        )),
        (Type::Enum(values), _) => Err(type_error(
            dotted,
            &format!("a string, one of {}", values.join(", ")),
            node,
        )),
        (Type::Str(text), Value::String(s)) => validate_text(rules, text, s, dotted, node),
        (Type::Str(_), _) => Err(type_error(dotted, "a string", node)),
        (Type::List(text), Value::Array(items)) => {
            for item in items {
                match &item.value {
                    Value::String(s) => validate_text(rules, text, s, dotted, item)?,
                    _ => return Err(type_error(dotted, "an array of strings", item)),
                }
            }
            Ok(())
        }
        (Type::List(_), _) => Err(type_error(dotted, "an array of strings", node)),
    }
}

fn validate_text(
    rules: &dyn RuleIndex,
    text: Text,
    value: &str,
    dotted: &str,
    node: &Node,
) -> Result<(), Invalid> {
    let problem = match text {
        Text::Any => None,
        // Relative, so the same config names the same files in every checkout; `..` is
        // resolved as text (never through the checkout's symbolic links).
        Text::Path if Path::new(value).has_root() || has_drive(value) => Some(format!(
            "invalid path `{value}` in `{dotted}`: write it relative to the config file's \
             directory"
        )),
        Text::Path => None,
        Text::WorkflowFile => workflow_file_problem(value)
            .map(|why| format!("invalid workflow file `{value}` in `{dotted}`: {why}")),
        Text::Glob => Glob::new(value)
            .err()
            .map(|e| format!("invalid glob `{value}` in `{dotted}`: it {e}")),
        Text::Regex => Regex::new(value).err().map(|e| {
            let detail = e.to_string();
            let last = detail.lines().last().unwrap_or("").trim().to_string();
            format!("invalid regular expression `{value}` in `{dotted}`: {last}")
        }),
        Text::Selector => rules
            .matching(&[value.to_string()])
            .err()
            .map(|e| selector_message(&e, &format!("`{dotted}`"))),
    };
    match problem {
        None => Ok(()),
        Some(message) => Err((node.span.start, message)),
    }
}

/// `C:` and the like: absolute on Windows, whatever this platform says.
fn has_drive(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}

/// Why `name` is not a workflow file name in `.github/workflows/` (`backup.yml`), if it
/// is not: the gate builds the API path and the repository path from it.
fn workflow_file_problem(name: &str) -> Option<&'static str> {
    if name.contains(['/', '\\']) {
        Some("name the file in .github/workflows/ only, without a directory (e.g. `backup.yml`)")
    } else if name.contains("..") {
        Some("`..` is not allowed in a workflow file name")
    } else if name.chars().any(|c| c.is_control() || c.is_whitespace()) {
        Some("a workflow file name has no spaces or control characters")
    } else if !(name.ends_with(".yml") || name.ends_with(".yaml")) || name.starts_with('.') {
        Some("expected a workflow file name ending in `.yml` or `.yaml` (e.g. `backup.yml`)")
    } else {
        None
    }
}

/// `unknown rule or category `x` in <place>; did you mean ...` (`unknown rule code `DS999``
/// for a code).
pub fn selector_message(error: &UnknownSelector, place: &str) -> String {
    let hint = match &error.suggestion {
        Some(s) => format!("; did you mean `{s}`?"),
        None => "; `sqlgate rules` lists every rule, code and category".to_string(),
    };
    format!("{} in {place}{hint}", error.what())
}

/// Reading the validated tree: types are already checked, so a mismatch means "absent".
struct Table<'a>(&'a [(Key, Node)]);

impl<'a> Table<'a> {
    fn get(&self, name: &str) -> Option<&'a Node> {
        self.0.iter().find(|(k, _)| k.name == name).map(|(_, n)| n)
    }
    fn table(&self, name: &str) -> Option<Table<'a>> {
        match self.get(name).map(|n| &n.value) {
            Some(Value::Table(entries)) => Some(Table(entries)),
            _ => None,
        }
    }
    fn tables(&self, name: &str) -> Vec<Table<'a>> {
        match self.get(name).map(|n| &n.value) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|n| match &n.value {
                    Value::Table(entries) => Some(Table(entries)),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
    fn str(&self, name: &str) -> Option<&'a str> {
        match self.get(name).map(|n| &n.value) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        }
    }
    fn strings(&self, name: &str) -> Option<Vec<String>> {
        match self.get(name).map(|n| &n.value) {
            Some(Value::Array(items)) => Some(
                items
                    .iter()
                    .filter_map(|n| match &n.value {
                        Value::String(s) => Some(s.clone()),
                        _ => None,
                    })
                    .collect(),
            ),
            _ => None,
        }
    }
    fn bool(&self, name: &str) -> Option<bool> {
        match self.get(name).map(|n| &n.value) {
            Some(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }
    fn int(&self, name: &str) -> Option<i64> {
        match self.get(name).map(|n| &n.value) {
            Some(Value::Integer(n)) => Some(*n),
            _ => None,
        }
    }
    fn globs(&self, name: &str) -> Vec<Glob> {
        self.strings(name)
            .unwrap_or_default()
            .iter()
            .filter_map(|g| Glob::new(g).ok())
            .collect()
    }
    fn severity(&self, name: &str, rules: &dyn RuleIndex) -> Vec<SeveritySetting> {
        let Some(table) = self.table(name) else {
            return Vec::new();
        };
        table
            .0
            .iter()
            .filter_map(|(key, node)| {
                let code = rules.code(&key.name)?;
                let Value::String(value) = &node.value else {
                    return None;
                };
                Some((code, parse_severity(value)?))
            })
            .collect()
    }
}

/// `error`, `warning`, or `off` (`Some(None)`).
pub fn parse_severity(value: &str) -> Option<Option<Severity>> {
    match value {
        "error" => Some(Some(Severity::Error)),
        "warning" => Some(Some(Severity::Warning)),
        "off" => Some(None),
        _ => None,
    }
}

pub fn parse_dialect(value: &str) -> Option<Dialect> {
    match value {
        "postgres" => Some(Dialect::Postgres),
        "clickhouse" => Some(Dialect::ClickHouse),
        _ => None,
    }
}

/// Builds the config from a validated tree.
fn extract(entries: &[(Key, Node)], file: &Path, base: &Path, rules: &dyn RuleIndex) -> Config {
    let root = Table(entries);
    let mut config = Config {
        source: Some(file.to_path_buf()),
        base: Some(base.to_path_buf()),
        ..Config::default()
    };
    if let Some(migrations) = root.table("migrations") {
        config.paths = migrations
            .strings("paths")
            .unwrap_or_default()
            .iter()
            .map(|p| sqlgate_core::path::lexical(&base.join(p)))
            .collect();
        config.exclude = migrations.globs("exclude");
        config.framework = migrations.str("framework").and_then(Framework::from_name);
        config.dialect = migrations.str("dialect").and_then(parse_dialect);
        config.dialect_overrides = migrations
            .tables("overrides")
            .iter()
            .filter_map(|o| {
                Some(DialectOverride {
                    paths: o.globs("paths"),
                    dialect: o.str("dialect").and_then(parse_dialect)?,
                })
            })
            .collect();
    }
    if let Some(table) = root.table("rules") {
        config.select = table.strings("select").unwrap_or_default();
        config.ignore = table.strings("ignore").unwrap_or_default();
        config.severity = table.severity("severity", rules);
        config.rule_overrides = table
            .tables("overrides")
            .iter()
            .map(|o| RuleOverride {
                paths: o.globs("paths"),
                select: o.strings("select").unwrap_or_default(),
                ignore: o.strings("ignore").unwrap_or_default(),
                severity: o.severity("severity", rules),
            })
            .collect();
    }
    if let Some(security) = root.table("security") {
        if let Some(rls) = security.str("rls").and_then(RlsMode::from_name) {
            config.rls = rls;
        }
        if let Some(schemas) = security.strings("exposed-schemas") {
            config.exposed_schemas = schemas;
        }
        if let Some(roles) = security.strings("public-roles") {
            config.public_roles = roles;
        }
    }
    if let Some(reversibility) = root.table("reversibility") {
        config.reversibility = reversibility
            .0
            .iter()
            .filter_map(|(key, node)| match &node.value {
                Value::String(v) => Some((
                    Framework::from_name(&key.name)?,
                    DownExpectation::from_name(v)?,
                )),
                _ => None,
            })
            .collect();
    }
    if let Some(replay) = root.table("replay") {
        config.replay_statement_timeout = replay
            .int("statement-timeout")
            .and_then(|n| u64::try_from(n).ok())
            .filter(|&n| n > 0);
    }
    if let Some(gate) = root.table("gate") {
        let config = &mut config.gate;
        if let Some(triggers) = gate.strings("triggers") {
            config.trigger_codes = resolve_selectors(rules, &triggers);
            config.triggers = triggers;
        }
        if let Some(b) = gate.bool("count-suppressed") {
            config.count_suppressed = b;
        }
        if let Some(n) = gate.int("approvals") {
            config.approvals = u32::try_from(n).unwrap_or(u32::MAX);
        }
        if let Some(reviewers) = gate.table("reviewers") {
            config.reviewers = Reviewers {
                users: reviewers.strings("users").unwrap_or_default(),
                teams: reviewers.strings("teams").unwrap_or_default(),
            };
        }
        if let Some(b) = gate.bool("approval-on-head") {
            config.approval_on_head = b;
        }
        if let Some(who) = gate.str("changes-requested") {
            config.changes_requested_by_anyone = who == "anyone";
        }
        if let Some(backup) = gate.table("backup") {
            let config = &mut config.backup;
            if let Some(b) = backup.bool("required") {
                config.required = b;
            }
            if let Some(re) = backup.str("body-pattern").and_then(|p| Regex::new(p).ok()) {
                config.body_pattern = Pattern::from(re);
            }
            if let Some(accept) = backup.strings("accept") {
                config.accept = accept
                    .iter()
                    .filter_map(|p| Regex::new(p).ok())
                    .map(Pattern::from)
                    .collect();
            }
            if let Some(g) = backup.str("artifact").and_then(|g| Glob::new(g).ok()) {
                config.artifact = g;
            }
            if let Some(workflows) = backup.strings("workflows") {
                config.workflows = workflows;
            }
            if let Some(g) = backup.str("manifest").and_then(|g| Glob::new(g).ok()) {
                config.manifest = g;
            }
            if let Some(n) = backup.int("max-age-days") {
                config.max_age_days = u32::try_from(n).unwrap_or(u32::MAX);
            }
        }
    }
    config
}

/// Codes of the rules matched by validated selectors (an empty list matches none).
fn resolve_selectors(rules: &dyn RuleIndex, selectors: &[String]) -> Vec<&'static str> {
    if selectors.is_empty() {
        return Vec::new();
    }
    rules.matching(selectors).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::select::UnknownSelector;

    /// The defaults of `[gate.backup]` are compiled only when the gate uses them: here they
    /// are compiled now, and match as the same patterns read from a config file would.
    #[test]
    fn default_patterns_compile() {
        for pattern in std::iter::once(DEFAULT_BODY_PATTERN).chain(DEFAULT_ACCEPT) {
            assert!(Regex::new(pattern).is_ok(), "{pattern}");
        }
        let backup = BackupConfig::default();
        assert_eq!(backup.body_pattern.as_str(), DEFAULT_BODY_PATTERN);
        let captures = backup.body_pattern.captures("x\nBackup:  s3://b/k\n");
        assert_eq!(
            captures.and_then(|c| c.get(1)).map(|m| m.as_str()),
            Some("s3://b/k")
        );
        assert!(backup.accept.iter().any(|re| re.is_match("gs://b")));
        assert!(!backup.accept.iter().any(|re| re.is_match("http://b")));
        for (lazy, text) in [
            (&backup.artifact, DEFAULT_ARTIFACT),
            (&backup.manifest, DEFAULT_MANIFEST),
        ] {
            let eager = Glob::new(text).unwrap();
            assert_eq!(lazy, &eager);
            for path in [
                "pre-migration-backup",
                "pre-migration-backup-2026.tar",
                "backups/a.json",
                "backups/x/y/a.json",
                "./backups/a.json",
                "other/backups/a.json",
                "backups/a.json.gz",
            ] {
                assert_eq!(lazy.matches(path), eager.matches(path), "{text} {path}");
            }
        }
    }

    /// No rules: the tests below name none.
    struct NoRules;

    impl RuleIndex for NoRules {
        fn code(&self, _: &str) -> Option<&'static str> {
            None
        }
        fn suggest(&self, _: &str) -> Option<String> {
            None
        }
        fn matching(&self, selectors: &[String]) -> Result<Vec<&'static str>, UnknownSelector> {
            match selectors.first() {
                None => Ok(Vec::new()),
                Some(s) => Err(UnknownSelector {
                    selector: s.clone(),
                    suggestion: None,
                }),
            }
        }
    }

    fn backup(workflows: &str) -> Result<Config, ConfigError> {
        parse(
            &format!("[gate]\ntriggers = []\n[gate.backup]\nworkflows = {workflows}\n"),
            Path::new("sqlgate.toml"),
            &NoRules,
        )
    }

    #[test]
    fn backup_workflows_default_to_none_and_are_read_as_written() {
        assert!(GateConfig::default().backup.workflows.is_empty());
        let config = backup(r#"["backup.yml", "nightly-dump.yaml"]"#).unwrap();
        assert_eq!(
            config.gate.backup.workflows,
            ["backup.yml", "nightly-dump.yaml"]
        );
    }

    #[test]
    fn a_backup_workflow_must_be_a_plain_yml_file_name() {
        for (value, why) in [
            (r#"[".github/workflows/backup.yml"]"#, "without a directory"),
            (r#"["..yml"]"#, "`..` is not allowed"),
            (r#"["backup"]"#, "ending in `.yml` or `.yaml`"),
            (r#"["backup.json"]"#, "ending in `.yml` or `.yaml`"),
            (r#"["back up.yml"]"#, "no spaces"),
            (r#"["a\\b.yml"]"#, "without a directory"),
        ] {
            let error = backup(value).unwrap_err().to_string();
            assert!(
                error.contains("in `gate.backup.workflows`") && error.contains(why),
                "{value}: {error}"
            );
        }
        assert!(backup(r#""backup.yml""#)
            .unwrap_err()
            .to_string()
            .contains("invalid type for `gate.backup.workflows`: expected an array of strings"));
    }
}
