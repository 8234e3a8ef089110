//! What a pull request changed that needs the merge gate by itself, finding or not: a file in
//! a migration directory that sqlgate could not lint (what cannot be seen needs people), and
//! a change to the gate's own policy (a policy change needs the same approvals as a `DROP`).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::git::Changes;
use crate::layout;
use crate::model::Discovery;
use crate::paths::lexical;
use sqlgate_core::verdict::{GateFile, GateFileKind};
use sqlgate_core::Framework;

/// The files of `changes` that need the gate by themselves, in git's order (by path).
///
/// - `discovery` is what was discovered at the head, from `root` (the current directory);
///   `canonical` the canonical path of each of its files (`canonical_paths`, which the
///   caller has from the history snapshot).
/// - `paths` are the migration paths checked: each is a migration directory. The
///   repository root itself is no such scope.
/// - `config_file` is the policy file the run read, relative to the root (`sqlgate.toml`).
pub fn gate_files(
    discovery: &Discovery,
    canonical: &[Option<PathBuf>],
    changes: &Changes,
    paths: &[PathBuf],
    config_file: Option<&str>,
) -> Vec<GateFile> {
    let root = changes.root.as_path();
    let scope: Vec<PathBuf> = paths
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .filter(|s| s.as_path() != root)
        .collect();
    // Canonical paths of every file a migration (or `atlas.sum`) was read from.
    // Their bytes, hashed as they are (`Path` hashes component by component): canonical paths
    // have one spelling each.
    let linted: foldhash::HashSet<&std::ffi::OsStr> = canonical
        .iter()
        .flatten()
        .map(|path| path.as_os_str())
        .collect();
    // Built on the first changed file that was not linted: most pull requests have none,
    // and a long history's directories take milliseconds to gather.
    let mut dirs: Option<MigrationDirs> = None;
    // Built on the first file that needs a reason: most pull requests have none.
    let mut reasons: Option<HashMap<PathBuf, &str>> = None;
    let mut files = Vec::new();
    for (status, path) in &changes.paths {
        if let Some(reason) = policy_change(path, config_file) {
            let verb = if *status == 'D' { "deletes" } else { "changes" };
            files.push(GateFile {
                file: path.clone(),
                kind: GateFileKind::Policy,
                reason: format!(
                    "{verb} {reason}: a policy change needs the same approvals as a DROP"
                ),
            });
            continue;
        }
        if *status == 'D' {
            continue;
        }
        let absolute = lexical(&root.join(path));
        let canonical_path = std::fs::canonicalize(&absolute).ok();
        if canonical_path
            .as_ref()
            .is_some_and(|c| linted.contains(c.as_os_str()))
        {
            continue;
        }
        let dirs =
            dirs.get_or_insert_with(|| MigrationDirs::of(discovery, canonical, &changes.changed()));
        let Some(parent) = absolute
            .parent()
            .and_then(|p| std::fs::canonicalize(p).ok())
        else {
            continue;
        };
        // diesel, Sourcegraph and Prisma never run a loose file next to their migrations'
        // directories, configured path or not.
        if dirs.per_migration.contains_key(&parent) {
            continue;
        }
        let framework = dirs.framework_of(&parent);
        // A configured directory is a migration directory even when discovery found no
        // migration in it (all of them `.psql`); not what is below it (`db/seeds` under a
        // configured `db`).
        let in_scope = scope.contains(&parent);
        if framework.is_none() && !in_scope {
            continue;
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        if is_inert(name, framework) || dirs.is_engine_twin(&parent, name) {
            continue;
        }
        // In a diesel, Sourcegraph or Prisma migration's directory only `up.*`, `down.*`
        // and `migration.*` run.
        let lower = name.to_ascii_lowercase();
        if framework.is_some_and(is_per_migration)
            && !["up.", "down.", "migration."]
                .iter()
                .any(|p| lower.starts_with(p))
        {
            continue;
        }
        let reason = if canonical_path.as_ref().is_none_or(|c| !c.starts_with(root)) {
            "a symbolic link that leads out of the repository or nowhere: not followed".to_string()
        } else if let Some(reason) = reasons
            .get_or_insert_with(|| known_reasons(discovery, root))
            .get(&absolute)
        {
            reason.to_string()
        } else if let Some(dir) = path
            .split('/')
            .rev()
            .skip(1)
            .find(|d| crate::walk::is_skipped_dir_name(d))
        {
            format!(
                "in `{dir}`, a directory sqlgate does not enter, but the migration tool may read \
                 it"
            )
        } else if !layout::is_sql(name) {
            "sqlgate reads only `.sql` files, but a migration tool may run this one \
             (golang-migrate runs any extension)"
                .to_string()
        } else {
            match framework {
                Some(framework) => format!(
                    "not named like a {} migration, so it was not linted",
                    framework.name()
                ),
                None => "not named like a migration, so it was not linted".to_string(),
            }
        };
        files.push(GateFile {
            file: path.clone(),
            kind: GateFileKind::NotVerified,
            reason,
        });
    }
    files
}

/// Which policy a path holds, if it is one of the gate's own files.
fn policy_change(path: &str, config_file: Option<&str>) -> Option<String> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if Some(path) == config_file || sqlgate_config::FILE_NAMES.contains(&name) {
        return Some(format!("the gate's policy (`{name}`)"));
    }
    if path.starts_with(".github/workflows/") {
        return Some("a workflow, which decides what runs on the repository".to_string());
    }
    if path.starts_with(".github/actions/") {
        return Some("an action the workflows run".to_string());
    }
    const HOOKS: [&str; 6] = [
        ".pre-commit-config.yaml",
        ".pre-commit-config.yml",
        ".pre-commit-hooks.yaml",
        "lefthook.yml",
        "lefthook.yaml",
        ".lefthook.yml",
    ];
    if HOOKS.contains(&path) || path.starts_with(".husky/") || path.starts_with(".githooks/") {
        return Some(format!("the hooks (`{path}`)"));
    }
    None
}

/// Files the directory's migration tool does not run, or that sqlgate reads as part of a
/// migration: dotfiles (`.gitkeep`), documentation, Prisma's `migration_lock.toml`, diesel's
/// `metadata.toml` (its transaction mode, which discovery reads), and Go files (embedding,
/// generated bindata) anywhere but in goose's directories, where they are migrations.
fn is_inert(name: &str, framework: Option<Framework>) -> bool {
    let lower = name.to_ascii_lowercase();
    let documentation = ["readme", "license", "changelog"]
        .iter()
        .any(|d| lower.starts_with(d));
    let extension = lower.rsplit_once('.').map(|(_, e)| e);
    let known = match framework {
        Some(Framework::Prisma) => lower == "migration_lock.toml",
        Some(Framework::Diesel) => lower == "metadata.toml",
        Some(Framework::Goose) | None => false,
        Some(_) => extension == Some("go"),
    };
    name.starts_with('.')
        || documentation
        || known
        || matches!(extension, Some("md" | "markdown" | "txt" | "rst" | "adoc"))
}

/// The migration directories discovery found.
struct MigrationDirs {
    /// Canonical directory → framework: set directories and the directories of linted files.
    dirs: HashMap<PathBuf, Framework>,
    /// Per-migration sets (diesel, Sourcegraph, Prisma): each subdirectory is a migration.
    per_migration: HashMap<PathBuf, Framework>,
    /// The versions (leading digits) of the migrations linted in each directory.
    linted_versions: HashMap<PathBuf, HashSet<String>>,
    /// Directories whose linted migrations at the base name PostgreSQL in their file names
    /// (`1_x.postgres.up.sql`): one file per engine.
    per_engine: HashSet<PathBuf>,
}

fn is_per_migration(framework: Framework) -> bool {
    matches!(
        framework,
        Framework::Diesel | Framework::Sourcegraph | Framework::Prisma
    )
}

/// The leading digits of a file name or version (`000002` of `000002_x.mysql.up.sql`).
fn version_digits(text: &str) -> &str {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    &text[..end]
}

impl MigrationDirs {
    /// `changed`: the canonical paths the pull request added or changed, which do not
    /// decide how a directory is laid out.
    fn of(
        discovery: &Discovery,
        canonical: &[Option<PathBuf>],
        changed: &HashSet<PathBuf>,
    ) -> MigrationDirs {
        let mut dirs = HashMap::new();
        let mut per_migration = HashMap::new();
        let mut linted_versions: HashMap<PathBuf, HashSet<String>> = HashMap::new();
        let mut per_engine = HashSet::new();
        for set in &discovery.sets {
            let Ok(dir) = std::fs::canonicalize(&set.dir) else {
                continue;
            };
            let per = is_per_migration(set.framework);
            for migration in &set.migrations {
                if let Some(Some(file)) = canonical.get(migration.up.file) {
                    if let Some(parent) = file.parent() {
                        dirs.insert(parent.to_path_buf(), set.framework);
                        let name = file
                            .file_name()
                            .map(|n| n.to_string_lossy().to_ascii_lowercase())
                            .unwrap_or_default();
                        if !changed.contains(file)
                            && [".postgres.", ".postgresql.", ".pg."]
                                .iter()
                                .any(|suffix| name.contains(suffix))
                        {
                            per_engine.insert(parent.to_path_buf());
                        }
                        linted_versions
                            .entry(parent.to_path_buf())
                            .or_default()
                            .insert(version_digits(&migration.version.text).to_string());
                    }
                }
            }
            if per {
                // diesel, Sourcegraph and Prisma run only the files of each migration's own
                // directory: a loose file next to those directories is never run.
                per_migration.insert(dir, set.framework);
            } else {
                dirs.insert(dir, set.framework);
            }
        }
        MigrationDirs {
            dirs,
            per_migration,
            linted_versions,
            per_engine,
        }
    }

    /// Whether `name` is another database engine's version of a migration linted in `dir`
    /// (`000002_x.mysql.up.sql` next to `000002_x.postgres.up.sql`, as ory/popx lays them
    /// out): it runs only on that engine, and a second file of the same version would make
    /// golang-migrate refuse the directory rather than run it on PostgreSQL.
    ///
    /// Likewise any other engine's file in a directory whose linted migrations name their
    /// engine (`.postgres.up.sql`): popx runs each file only on its own engine. In a popx
    /// directory, so is a file naming no engine where its version has a file of its own for
    /// PostgreSQL (`1_x.up.sql` next to `1_x.postgres.up.sql`): popx runs that one instead.
    fn is_engine_twin(&self, dir: &Path, name: &str) -> bool {
        if self.dirs.get(dir) == Some(&Framework::Popx) && popx_runs_elsewhere(dir, name) {
            return true;
        }
        if layout::engine_of_name(name).is_none() {
            return false;
        }
        let version = version_digits(name);
        self.per_engine.contains(dir)
            || !version.is_empty()
                && self
                    .linted_versions
                    .get(dir)
                    .is_some_and(|versions| versions.contains(version))
    }

    /// The framework of the migration directory `dir` is (part of), if it is one. Flyway
    /// reads its locations recursively, so any directory below one of its sets is one (a
    /// hidden or `vendor` directory that discovery does not enter included).
    fn framework_of(&self, dir: &Path) -> Option<Framework> {
        self.dirs
            .get(dir)
            .copied()
            .or_else(|| {
                dir.parent()
                    .and_then(|parent| self.per_migration.get(parent))
                    .copied()
            })
            .or_else(|| {
                dir.ancestors()
                    .skip(1)
                    .find_map(|a| self.dirs.get(a).filter(|f| **f == Framework::Flyway))
                    .copied()
            })
    }
}

/// Whether popx never runs the file `name` of the directory `dir` on PostgreSQL: it names
/// another of pop's databases, or none while a file of its version and direction names
/// PostgreSQL (`Migrations.SortAndFilter`).
fn popx_runs_elsewhere(dir: &Path, name: &str) -> bool {
    use layout::PopxDatabase;
    let Some(file) = layout::popx(name) else {
        return false;
    };
    match file.database {
        PopxDatabase::Known(database) => database != "postgres",
        PopxDatabase::Unknown => false,
        PopxDatabase::All => std::fs::read_dir(crate::paths::fs_path(dir))
            .into_iter()
            .flatten()
            .flatten()
            .any(|entry| {
                entry
                    .file_name()
                    .to_str()
                    .and_then(layout::popx)
                    .is_some_and(|other| {
                        other.database == PopxDatabase::Known("postgres")
                            && other.version.text == file.version.text
                            && other.direction == file.direction
                    })
            }),
    }
}

/// Why discovery skipped or could not read a file, by its path as shown (joined to the root
/// as text: discovery walked from the root, as git names the files).
fn known_reasons<'a>(discovery: &'a Discovery, root: &Path) -> HashMap<PathBuf, &'a str> {
    let errors = discovery
        .errors
        .iter()
        .map(|e| (&e.display, e.message.as_str()));
    let skipped = discovery
        .skipped
        .iter()
        .map(|s| (&s.display, s.reason.as_str()));
    // Shown paths are relative to the current directory (the root, for the gate; anywhere
    // in the work tree, for `check --changed-since`).
    let cwd = std::env::current_dir().unwrap_or_else(|_| root.to_path_buf());
    let mut reasons = HashMap::new();
    for (display, reason) in errors.chain(skipped) {
        reasons.entry(lexical(&cwd.join(display))).or_insert(reason);
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_files_are_the_config_the_workflows_and_the_hooks() {
        let policy = |p: &str| policy_change(p, Some("config/sqlgate.toml")).is_some();
        for path in [
            "sqlgate.toml",
            ".sqlgate.toml",
            "db/sqlgate.toml",
            "config/sqlgate.toml",
            ".github/workflows/sqlgate.yml",
            ".github/workflows/backup.yaml",
            ".github/actions/setup/action.yml",
            ".pre-commit-config.yaml",
            ".husky/pre-commit",
        ] {
            assert!(policy(path), "{path}");
        }
        for path in [
            "db/migrations/000001_a.up.sql",
            "github/workflows/x.yml",
            "docs/pre-commit-config.yaml",
            "sqlgate.toml.bak",
        ] {
            assert!(!policy(path), "{path}");
        }
    }

    #[test]
    fn documentation_dotfiles_and_what_the_tool_ignores_are_inert() {
        let migrate = Some(Framework::GolangMigrate);
        for name in [
            ".gitkeep",
            "README",
            "README.md",
            "notes.txt",
            "LICENSE",
            "bindata.go",
        ] {
            assert!(is_inert(name, migrate), "{name}");
        }
        for name in [
            "000002_x.up.psql",
            "V1__x.sql",
            "atlas.sum",
            "x.up.sql.tmpl",
        ] {
            assert!(!is_inert(name, migrate), "{name}");
        }
        assert!(!is_inert("00002_drop.go", Some(Framework::Goose)));
        assert!(!is_inert("00002_drop.go", None));
        assert!(is_inert("migration_lock.toml", Some(Framework::Prisma)));
        assert!(is_inert("metadata.toml", Some(Framework::Diesel)));
        assert!(!is_inert("metadata.toml", migrate));
    }
}
