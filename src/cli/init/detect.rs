//! `sqlgate init`: a commented `sqlgate.toml` from what discovery finds in the repository.

use std::collections::BTreeSet;
use std::path::Path;

use sqlgate_config::schema::{self, Type};
use sqlgate_discover::{discover, DiscoverOptions, ALL_FRAMEWORKS};
use sqlgate_lint::rules::DownExpectation;
use sqlgate_sql::lexer::Dialect;

/// What discovery found under the repository root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detected {
    /// Migration directories, relative to the root with `/` separators.
    pub paths: Vec<String>,
    pub frameworks: BTreeSet<&'static str>,
    /// Directories read as ClickHouse, when others are Postgres.
    pub clickhouse_paths: Vec<String>,
    /// Every migration directory is ClickHouse.
    pub all_clickhouse: bool,
}

impl Detected {
    /// The single framework found, else `auto`.
    pub fn framework(&self) -> &'static str {
        match self.frameworks.iter().collect::<Vec<_>>().as_slice() {
            [one] => one,
            _ => "auto",
        }
    }
}

pub fn detect(root: &Path) -> Detected {
    let discovery = discover(&[root.to_path_buf()], &DiscoverOptions::default());
    let mut paths = BTreeSet::new();
    let mut clickhouse = BTreeSet::new();
    let mut detected = Detected::default();
    for set in &discovery.sets {
        let relative = set
            .dir
            .strip_prefix(root)
            .unwrap_or(&set.dir)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let relative = if relative.is_empty() {
            ".".to_string()
        } else {
            relative
        };
        if set.dialect == Dialect::ClickHouse {
            clickhouse.insert(relative.clone());
        }
        paths.insert(relative);
        detected.frameworks.insert(set.framework.name());
    }
    detected.all_clickhouse = !paths.is_empty() && clickhouse.len() == paths.len();
    detected.paths = paths.into_iter().collect();
    if !detected.all_clickhouse {
        detected.clickhouse_paths = clickhouse.into_iter().collect();
    }
    detected
}

fn quoted(items: &[String]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("[{}]", items.join(", "))
}

/// Commented `key = default` lines of a table's keys, from the schema.
fn commented_defaults(out: &mut String, table: &str) {
    for key in schema::children(table) {
        if key.default.is_empty() || key.ty == Type::Tables {
            continue;
        }
        out.push_str(&format!("# {} = {}\n", schema::leaf(key.path), key.default));
    }
}

/// The file `sqlgate init` writes. `pin_paths`: write the directories found into `paths`
/// (`init --paths`); otherwise they are listed in a comment and every run discovers.
pub fn render(detected: &Detected, pin_paths: bool) -> String {
    let mut out = String::from(
        "# sqlgate configuration, written by `sqlgate init`.\n\
         # Every key, its default and allowed values: docs/configuration.md in the sqlgate repository.\n\
         # Commented lines show the defaults. Flags override this file; SQLGATE_* variables sit between.\n\n\
         [migrations]\n",
    );
    if detected.paths.is_empty() {
        out.push_str(
            "# No migrations were found: list their directories here (relative to this file).\n",
        );
        out.push_str("# paths = [\"db/migrations\"]\n");
    } else if pin_paths {
        out.push_str(
            "# Only these are checked: add a new migration directory here (or remove `paths`,\n\
             # and every run discovers the migrations from the repository root).\n",
        );
        out.push_str(&format!("paths = {}\n", quoted(&detected.paths)));
    } else {
        out.push_str(&format!(
            "# No `paths`: every run discovers the migrations from the repository root, so a\n\
             # migration directory added later is checked too. Found now: {}.\n\
             # Set `paths` to check only some (`sqlgate init --paths` writes them).\n",
            detected.paths.join(", ")
        ));
        out.push_str(&format!("# paths = {}\n", quoted(&detected.paths)));
    }
    let exclude = "# exclude = [\"legacy/**\"]";
    out.push_str(&format!(
        "{exclude:<36}# globs of directories and files discovery leaves out\n"
    ));
    let framework = format!("framework = \"{}\"", detected.framework());
    out.push_str(&format!(
        "{framework:<36}# auto, or one of {}\n",
        ALL_FRAMEWORKS
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let dialect = if detected.all_clickhouse {
        "clickhouse"
    } else {
        "postgres"
    };
    let dialect = format!("dialect = \"{dialect}\"");
    out.push_str(&format!("{dialect:<36}# postgres or clickhouse\n"));
    for path in &detected.clickhouse_paths {
        let glob = if path == "." {
            "**".to_string()
        } else {
            format!("{path}/**")
        };
        out.push_str(&format!(
            "\n[[migrations.overrides]]\npaths = {}\ndialect = \"clickhouse\"\n",
            quoted(&[glob])
        ));
    }

    out.push_str("\n# [rules]\n");
    commented_defaults(&mut out, "rules");
    out.push_str("# [[rules.overrides]]                # per-path settings, applied in order\n");
    out.push_str("# paths = [\"db/seed/**\"]\n# ignore = [\"delete-without-where\"]\n");

    out.push_str("\n# [security]\n");
    commented_defaults(&mut out, "security");

    out.push_str(
        "\n# [reversibility]                    # down-file | rollback-note | off, by framework\n",
    );
    for framework in ALL_FRAMEWORKS {
        out.push_str(&format!(
            "# {} = \"{}\"\n",
            framework.name(),
            DownExpectation::default_for(framework).name()
        ));
    }

    out.push_str("\n# [gate]\n");
    commented_defaults(&mut out, "gate");
    out.push_str("# [gate.backup]\n");
    commented_defaults(&mut out, "gate.backup");
    out
}

/// A summary of what `init` detected, for the terminal.
pub fn summary(detected: &Detected) -> String {
    if detected.paths.is_empty() {
        return "no migrations found: `paths` is left commented; list your migration directories there".to_string();
    }
    let frameworks: Vec<&str> = detected.frameworks.iter().copied().collect();
    format!(
        "found migrations in {} (framework: {}; dialect: {})",
        detected.paths.join(", "),
        frameworks.join(", "),
        if detected.all_clickhouse {
            "clickhouse".to_string()
        } else if detected.clickhouse_paths.is_empty() {
            "postgres".to_string()
        } else {
            format!(
                "clickhouse in {}, else postgres",
                detected.clickhouse_paths.join(", ")
            )
        }
    )
}
