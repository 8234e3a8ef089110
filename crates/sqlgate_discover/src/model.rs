//! What discovery finds: migration sets of migrations with their up and down sections, the
//! files loaded once for all of them, what was skipped and what could not be read.

use std::ops::Range;
use std::path::{Path, PathBuf};

use sqlgate_core::{Dialect, Framework};

/// Index into `Discovery::files`.
pub type FileId = usize;

/// How the migration runner executes one migration (one up or down section).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TxMode {
    /// The framework wraps the section in a transaction (sqlx, diesel, dbmate, goose, popx,
    /// Flyway, Atlas) unless the file opts out.
    Wrapped,
    /// The whole section is sent as one query (golang-migrate, Prisma, a popx `.autocommit`
    /// file) or one pipelined batch (Supabase CLI): with more than one statement it runs as
    /// one implicit transaction, which an explicit `BEGIN` turns into an ordinary one.
    SingleQuery,
    /// No transaction: each statement commits on its own (opt-outs, plain SQL run by psql).
    None,
}

/// A byte range of one loaded file that holds a migration's up or down SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub file: FileId,
    /// File-absolute byte range of the SQL (after a dbmate/goose marker line, up to the next marker).
    pub range: Range<usize>,
    pub tx: TxMode,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Down {
    Section(Section),
    /// The framework supports downs but this migration has none (the string says what was looked for).
    Missing(String),
    /// The framework has no down migrations (Supabase, Prisma, Atlas, plain, Flyway without undo files).
    NotSupported,
}

/// Sortable migration version: digit runs compare numerically (leading zeros ignored),
/// so `2` < `10` and `1.2` < `1.10`; diesel's `2014-11-13-225413` compares by its digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub(crate) key: Vec<(usize, String)>,
    pub text: String,
}

impl Version {
    pub fn parse(text: &str) -> Version {
        let key = text
            .split(|c: char| !c.is_ascii_digit())
            .filter(|part| !part.is_empty())
            .map(|part| {
                let digits = part.trim_start_matches('0');
                (digits.len(), digits.to_string())
            })
            .collect();
        Version {
            key,
            text: text.to_string(),
        }
    }

    /// The version of a Flyway repeatable migration (`R__name.sql`): text `R`, ordered after
    /// every versioned migration.
    pub fn repeatable() -> Version {
        Version {
            key: vec![(usize::MAX, String::new())],
            text: "R".to_string(),
        }
    }

    /// The version of a file with no version in its name, linted because it was named on
    /// the command line (or read from stdin): its name, ordered after every numbered version,
    /// and never the same as another name's.
    pub fn unnumbered(name: &str) -> Version {
        Version {
            key: vec![(usize::MAX - 1, name.to_string())],
            text: name.to_string(),
        }
    }

    /// Same position in the order (`1_1` and `1.1`, `001` and `1`), whatever the text.
    pub fn same_order(&self, other: &Version) -> bool {
        self.key == other.key
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    pub version: Version,
    pub name: String,
    pub up: Section,
    pub down: Down,
}

/// The popx group a migration of a `framework` set belongs to: popx splits one migration
/// into steps `<14-digit timestamp><6-digit step>` that run, and roll back, together (every
/// up, then the downs in reverse version order), and whose downs undo the group's ups in
/// another order than step by step. `None` outside popx or for a version of another shape.
pub fn popx_group(framework: Framework, version: &str) -> Option<&str> {
    let text = version;
    (framework == Framework::Popx && text.len() == 20 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.get(..14))
        .flatten()
}

/// One directory's migrations, replayed together in version order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationSet {
    pub dir: PathBuf,
    pub framework: Framework,
    pub dialect: Dialect,
    /// Sorted by version (ties by name).
    pub migrations: Vec<Migration>,
    /// For an Atlas directory with an `atlas.sum`: that file and the files it covers.
    pub atlas: Option<AtlasSum>,
}

/// An Atlas directory's integrity file and what Atlas hashes into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtlasSum {
    /// `atlas.sum`, loaded (it is not a migration).
    pub file: FileId,
    /// Every `*.sql` file of the directory (migrations or not: Atlas hashes them all), sorted
    /// by name as Atlas sorts them (byte order), with its loaded text; `None` when it could
    /// not be read.
    pub files: Vec<(String, Option<FileId>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedFile {
    pub path: PathBuf,
    /// The path as reported: as walked from the given argument, without a leading `./`.
    pub display: String,
    pub text: String,
    /// Whether `path` is itself a symbolic link, when the walk saw its type (`None`: ask
    /// the file system).
    pub is_symlink: Option<bool>,
}

/// A file seen but not checked, with the reason shown by `--verbose`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub display: String,
    pub reason: String,
}

/// Why a file could not be read, and what to do about it.
pub(crate) fn read_error(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "cannot read it (permission denied): make it readable (`chmod a+r`) or check a \
             directory without it"
                .to_string()
        }
        // Walking follows links: a link whose target is gone lands here.
        std::io::ErrorKind::NotFound => {
            "cannot read it (it does not exist; a broken symbolic link?): fix or remove it"
                .to_string()
        }
        _ => format!("cannot read it: {err}"),
    }
}

/// A file or path that could not be read; the run goes on without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub display: String,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct Discovery {
    pub files: Vec<LoadedFile>,
    pub sets: Vec<MigrationSet>,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<FileError>,
    /// The paths given that do not exist, in the order given (each is in `errors` too): the
    /// CLI stops on the first, as a mistake in the command rather than a file to report on.
    pub missing: Vec<PathBuf>,
}

/// The canonical path of each file (`None` when it cannot be resolved): one `realpath` per
/// directory and one `lstat` per file the walk did not see, instead of a `realpath` (a
/// `readlink` per path component) per file; thousands of migrations share a handful of
/// directories.
pub fn canonical_paths(files: &[LoadedFile]) -> Vec<Option<PathBuf>> {
    let mut dirs: foldhash::HashMap<&Path, Option<PathBuf>> = foldhash::HashMap::default();
    files
        .iter()
        .map(|file| {
            let path = file.path.as_path();
            let is_symlink = match file.is_symlink {
                Some(known) => known,
                None => std::fs::symlink_metadata(path)
                    .ok()?
                    .file_type()
                    .is_symlink(),
            };
            match (path.parent(), path.file_name()) {
                (Some(parent), Some(name)) if !is_symlink => {
                    let dir = dirs.entry(parent).or_insert_with(|| {
                        let parent = if parent.as_os_str().is_empty() {
                            Path::new(".")
                        } else {
                            parent
                        };
                        std::fs::canonicalize(parent).ok()
                    });
                    dir.as_ref().map(|dir| dir.join(name))
                }
                _ => std::fs::canonicalize(path).ok(),
            }
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct DiscoverOptions {
    /// Forces the framework for every migration directory found (config `migrations.framework`).
    pub framework: Option<Framework>,
    /// Forces the dialect (config `migrations.dialect`); otherwise Postgres unless the path says ClickHouse.
    pub dialect: Option<Dialect>,
    /// Per-path dialects (config `[[migrations.overrides]]`), matched against each migration
    /// directory relative to `base`; a later match wins, and any match wins over `dialect`.
    pub dialect_overrides: Vec<sqlgate_config::DialectOverride>,
    /// The directory the override and exclude globs are relative to (canonical).
    pub base: Option<PathBuf>,
    /// Globs (config `migrations.exclude`, relative to `base`) of directories, with
    /// everything below them, and files that discovery leaves out. Files named on the
    /// command line are read all the same.
    pub exclude: Vec<sqlgate_config::glob::Glob>,
    /// Canonical paths of the files a pull request added or changed. They are linted, but a
    /// directory's framework is told from its other files, as they are at the base: a file
    /// the pull request adds (a `V1__noop.sql` among golang-migrate files) must not change
    /// how the directory is read and hide its real migrations. Empty outside a pull request.
    pub untrusted: std::collections::HashSet<PathBuf>,
    /// Those of `untrusted` the pull request added (the rest existed at the base): a file
    /// that only changed still tells by its presence (an `atlas.sum` it updates).
    pub added: std::collections::HashSet<PathBuf>,
}

impl DiscoverOptions {
    /// Whether `migrations.exclude` leaves out the directory `dir` (as walked), because a
    /// glob matches it or a directory above it (up to `base`).
    pub(crate) fn excludes_dir(&self, relative: &str) -> bool {
        let mut prefix = String::new();
        relative.split('/').filter(|p| !p.is_empty()).any(|part| {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            self.exclude.iter().any(|g| g.matches(&prefix))
        })
    }

    /// Whether `migrations.exclude` leaves out the file `name` of a directory at `relative`.
    pub(crate) fn excludes_file(&self, relative: &str, name: &str) -> bool {
        let path = if relative.is_empty() {
            name.to_string()
        } else {
            format!("{relative}/{name}")
        };
        self.exclude.iter().any(|g| g.matches(&path))
    }

    /// The dialect the configuration sets for a migration directory, if any.
    pub(crate) fn configured_dialect(&self, dir: &std::path::Path) -> Option<Dialect> {
        if !self.dialect_overrides.is_empty() {
            let relative = sqlgate_config::glob::relative_to(self.base.as_deref(), dir);
            let matched = self
                .dialect_overrides
                .iter()
                .rev()
                .find(|o| o.paths.iter().any(|g| g.matches(&relative)));
            if let Some(o) = matched {
                return Some(o.dialect);
            }
        }
        self.dialect
    }
}
