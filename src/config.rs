//! `sqlgate.toml` / `.sqlgate.toml`: the `[migrations]` and `[rules]` selection settings.
//! The `[security]` and `[gate]` tables are read by the features that use them.

use std::path::{Path, PathBuf};

use crate::discover::Framework;
use crate::lexer::Dialect;

pub const FILE_NAMES: [&str; 2] = ["sqlgate.toml", ".sqlgate.toml"];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Where the file was found (paths in it are relative to its directory).
    pub source: Option<PathBuf>,
    pub paths: Vec<PathBuf>,
    pub framework: Option<Framework>,
    pub dialect: Option<Dialect>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
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

/// Finds the config file walking up from `start`.
pub fn find(start: &Path) -> Option<PathBuf> {
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
        dir = d.parent();
    }
    None
}

const TOP_LEVEL: &[&str] = &["migrations", "rules", "security", "gate"];
const MIGRATIONS_KEYS: &[&str] = &["paths", "framework", "dialect"];

pub fn load(file: &Path) -> Result<Config, ConfigError> {
    let err = |line, message: String| ConfigError {
        file: file.to_path_buf(),
        line,
        message,
    };
    let text = std::fs::read_to_string(file)
        .map_err(|e| err(None, format!("cannot read the config file: {e}")))?;
    let value: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        err(line, format!("invalid TOML: {}", e.message()))
    })?;
    let line_of = |key: &str| {
        text.lines()
            .position(|l| {
                let l = l.trim_start().trim_start_matches('[');
                l.starts_with(key)
            })
            .map(|i| i + 1)
    };
    let unknown = |key: &str, known: &[&str], table: &str| {
        let nearest = known
            .iter()
            .min_by_key(|k| crate::selection::edit_distance(key, k))
            .map(|k| format!("; did you mean `{k}`?"))
            .unwrap_or_default();
        err(
            line_of(key),
            format!(
                "unknown key `{key}` in {table}{nearest} (valid: {})",
                known.join(", ")
            ),
        )
    };
    for key in value.keys() {
        if !TOP_LEVEL.contains(&key.as_str()) {
            return Err(unknown(key, TOP_LEVEL, "the top level"));
        }
    }
    let base = file.parent().unwrap_or(Path::new("."));
    let mut config = Config {
        source: Some(file.to_path_buf()),
        ..Config::default()
    };
    if let Some(migrations) = value.get("migrations").and_then(|v| v.as_table()) {
        for key in migrations.keys() {
            if !MIGRATIONS_KEYS.contains(&key.as_str()) {
                return Err(unknown(key, MIGRATIONS_KEYS, "[migrations]"));
            }
        }
        config.paths = strings(migrations.get("paths"), "migrations.paths")
            .map_err(|m| err(line_of("paths"), m))?
            .into_iter()
            .map(|p| base.join(p))
            .collect();
        if let Some(framework) = migrations.get("framework").and_then(|v| v.as_str()) {
            if framework != "auto" {
                config.framework = Some(Framework::from_name(framework).ok_or_else(|| {
                    err(
                        line_of("framework"),
                        format!("unknown framework `{framework}` in migrations.framework (valid: auto, supabase, golang-migrate, sqlx, diesel, sourcegraph, dbmate, goose, flyway, prisma, atlas, plain)"),
                    )
                })?);
            }
        }
        if let Some(dialect) = migrations.get("dialect").and_then(|v| v.as_str()) {
            config.dialect = Some(match dialect {
                "postgres" | "postgresql" => Dialect::Postgres,
                "clickhouse" => Dialect::ClickHouse,
                other => {
                    return Err(err(
                        line_of("dialect"),
                        format!("unknown dialect `{other}` in migrations.dialect (valid: postgres, clickhouse)"),
                    ))
                }
            });
        }
    }
    if let Some(rules) = value.get("rules").and_then(|v| v.as_table()) {
        config.select =
            strings(rules.get("select"), "rules.select").map_err(|m| err(line_of("select"), m))?;
        config.ignore =
            strings(rules.get("ignore"), "rules.ignore").map_err(|m| err(line_of("ignore"), m))?;
    }
    Ok(config)
}

fn strings(value: Option<&toml::Value>, key: &str) -> Result<Vec<String>, String> {
    match value {
        None => Ok(Vec::new()),
        Some(toml::Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("{key} must be a list of strings"))
            })
            .collect(),
        Some(_) => Err(format!("{key} must be a list of strings")),
    }
}
