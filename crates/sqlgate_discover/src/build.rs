//! From walked directories to migration sets: layout detection, loading, pairing, ordering.
//!
//! The builder is here: its state, loading, each directory's files and which layout they
//! follow, and the final compaction. Reading ahead (`prefetch`) and each layout's pairing
//! (`single_file`, `up_down`, `popx`, `flyway`, `per_migration`) are in submodules.

mod flyway;
mod per_migration;
mod popx;
mod prefetch;
mod single_file;
mod up_down;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::layout;
use super::read::{file_key, FileKey, Prefetched};
use super::sections;
use super::walk::{display, DirFiles, OutsideLink, Walked};
use crate::model::{
    AtlasSum, DiscoverOptions, Discovery, Down, FileError, LoadedFile, Migration, MigrationSet,
    Section, Skipped, TxMode, Version,
};
use crate::paths::fs_path;
use sqlgate_core::{Dialect, Framework};

use self::popx::PopxPlan;
use self::prefetch::prefetch;

const NO_VERSION: &str = "no version in the file name: not a migration";
const SEED: &str = "seed data";
const GO_TEMPLATE: &str = "Go template placeholders: not plain SQL";
const GO_FILE: &str = "Go migration: not SQL";
const TEMPLATE: &str = "template";

/// A migration set's directory and framework name.
type SetKey = (PathBuf, &'static str);

/// Files of one directory that passed the name checks and were loaded: name → temporary id.
type Candidates = BTreeMap<String, usize>;

struct Builder<'a> {
    options: &'a DiscoverOptions,
    /// Every file loaded, indexed by temporary id (compacted into `Discovery::files` at the end).
    loaded: Vec<LoadedFile>,
    /// File identity → temporary id, or `None` when the file could not be read.
    cache: HashMap<FileKey, Option<usize>>,
    /// The selected SQL files, read and decoded ahead in parallel; taken out when loaded.
    /// Keyed by the path's text: hashing a `Path` splits it into components.
    prefetched: HashMap<std::ffi::OsString, Prefetched>,
    /// The sets by (directory, framework name), in the order they were met: sorted by that
    /// key in `finish`. Looked up through `set_of` by hash: a tree ordered by `Path`
    /// compares component by component, which was a fifth of building a large tree.
    sets: Vec<(SetKey, MigrationSet)>,
    set_of: HashMap<SetKey, usize>,
    skipped: Vec<Skipped>,
    errors: Vec<FileError>,
    /// Directories holding migrations (set directories and per-migration directories).
    migration_dirs: HashSet<PathBuf>,
    /// `.go` and template files, reported only when they sit in a migration directory.
    pending: Vec<(PathBuf, Skipped)>,
    /// Atlas directories' `atlas.sum` and `*.sql` files (temporary ids), by directory.
    atlas: HashMap<PathBuf, AtlasSum>,
    /// The flat directory being built uses the postgres-migrations library, which runs each
    /// file in a transaction unless the file opts out (see `sections::postgres_migrations_opt_out`).
    postgres_migrations: bool,
    /// The flat directory being built is laid out for ory/popx: which of its files run on
    /// the set's database.
    popx: Option<PopxPlan>,
    /// The set the last migration went to (an index into `sets`).
    last_set: Option<usize>,
    /// Links the walk did not follow (they lead out of the root): errors or skipped files
    /// once the migration directories are known.
    outside: Vec<OutsideLink>,
    /// The paths given that do not exist (`Discovery::missing`).
    missing: Vec<PathBuf>,
    /// Whether a directory holds a `Cargo.toml`, by directory, once asked: the sqlx signal
    /// asks each flat migration directory's ancestors, which many directories share (a
    /// repository's fixtures were 690 failed `stat`s of 1,650).
    cargo_toml: std::cell::RefCell<HashMap<PathBuf, bool>>,
}

/// `read`: the files read while walking (`walk::walk_reading`).
pub(super) fn build(
    mut walked: Walked,
    options: &DiscoverOptions,
    read: HashMap<std::ffi::OsString, Prefetched>,
) -> Discovery {
    let excluded = exclude(&mut walked, options);
    let prefetched = prefetch(&mut walked, read);
    let files = prefetched.len();
    let mut builder = Builder {
        options,
        prefetched,
        loaded: Vec::with_capacity(files),
        cache: HashMap::with_capacity(files),
        sets: Vec::new(),
        set_of: HashMap::new(),
        skipped: excluded,
        errors: walked.errors,
        migration_dirs: HashSet::new(),
        pending: Vec::new(),
        atlas: HashMap::new(),
        last_set: None,
        postgres_migrations: false,
        popx: None,
        outside: std::mem::take(&mut walked.outside),
        missing: std::mem::take(&mut walked.missing),
        cargo_toml: std::cell::RefCell::new(HashMap::new()),
    };
    for dir in walked.dirs.values() {
        builder.dir(dir);
    }
    builder.finish()
}

/// Leaves out what `migrations.exclude` names: the files the walk selected in an excluded
/// directory (or below one), and excluded files. Files named on the command line (in a
/// directory the walk did not list) stay. Returns what was left out, for `-v`.
fn exclude(walked: &mut Walked, options: &DiscoverOptions) -> Vec<Skipped> {
    const EXCLUDED: &str = "excluded by `migrations.exclude`";
    let mut skipped = Vec::new();
    if options.exclude.is_empty() {
        return skipped;
    }
    let relative = |dir: &Path| {
        let path = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        sqlgate_config::glob::relative_to(options.base.as_deref(), path)
    };
    for (key, dir) in walked.dirs.iter_mut() {
        // A directory the walk did not list holds only files named on the command line.
        if !dir.listed {
            continue;
        }
        let relative = relative(key);
        let excluded_dir = options.excludes_dir(&relative);
        if excluded_dir && dir.selected.iter().any(|name| !dir.named.contains(name)) {
            skipped.push(skip(display(key), EXCLUDED));
        }
        let named = &dir.named;
        dir.selected.retain(|name| {
            if named.contains(name) {
                return true;
            }
            if excluded_dir {
                return false;
            }
            let out = options.excludes_file(&relative, name);
            if out {
                skipped.push(skip(display(&key.join(name)), EXCLUDED));
            }
            !out
        });
    }
    let dirs = &walked.dirs;
    walked.order.retain(|(dir, name)| {
        dirs.get(dir)
            .is_some_and(|d| !d.listed || d.selected.contains(name))
    });
    // Links out of the root in an excluded directory are neither read nor reported.
    walked
        .outside
        .retain(|link| !options.excludes_dir(&relative(&link.dir)));
    skipped
}

/// The version and name of a file linted as plain SQL: from a numbered name
/// (`0002_add.sql`), else the name without its extension.
fn unnumbered_or_plain(file: &str) -> (Version, String) {
    layout::plain(file).unwrap_or_else(|| {
        let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
        (Version::unnumbered(stem), stem.to_string())
    })
}

fn skip(display: String, reason: impl Into<String>) -> Skipped {
    Skipped {
        display,
        reason: reason.into(),
    }
}

fn section(file: usize, range: std::ops::Range<usize>, tx: TxMode) -> Section {
    Section { file, range, tx }
}

fn wrapped_unless(no_transaction: bool) -> TxMode {
    if no_transaction {
        TxMode::None
    } else {
        TxMode::Wrapped
    }
}

fn is_per_migration_framework(framework: Framework) -> bool {
    matches!(
        framework,
        Framework::Diesel | Framework::Sourcegraph | Framework::Prisma
    )
}

const PER_MIGRATION_FILES: [&str; 3] = ["up.sql", "down.sql", "migration.sql"];

impl Builder<'_> {
    fn text(&self, id: usize) -> &str {
        &self.loaded[id].text
    }

    fn len(&self, id: usize) -> usize {
        self.loaded[id].text.len()
    }

    /// Reads and decodes the file `name` of `dir` once; read and UTF-8 errors are recorded.
    fn load(&mut self, dir: &DirFiles, name: &str) -> Option<usize> {
        let path = dir.path.join(name);
        let path = path.as_path();
        let ahead = self.prefetched.remove(path.as_os_str());
        let key = ahead
            .as_ref()
            .map_or_else(|| file_key(path), |a| a.key.clone());
        if let Some(cached) = self.cache.get(&key) {
            return *cached;
        }
        let shown = display(path);
        let result = match ahead {
            Some(ahead) => ahead.text,
            None => match fs::read(fs_path(path)) {
                Err(err) => Err(crate::model::read_error(&err)),
                Ok(bytes) => sqlgate_core::source::decode(bytes).map_err(|err| err.to_string()),
            },
        };
        let id = match result {
            Ok(text) => {
                self.loaded.push(LoadedFile {
                    path: path.to_path_buf(),
                    display: shown,
                    text,
                    is_symlink: dir.listed.then(|| dir.symlinks.contains(name)),
                });
                Some(self.loaded.len() - 1)
            }
            Err(message) => {
                self.errors.push(FileError {
                    display: shown,
                    message,
                });
                None
            }
        };
        self.cache.insert(key, id);
        id
    }

    /// A file of the directory by name: a candidate, or (when it was not selected: a single
    /// file given, its partner on disk) loaded now. `None` when absent or unusable.
    fn avail(&mut self, dir: &DirFiles, cands: &Candidates, name: &str) -> Option<usize> {
        if let Some(&id) = cands.get(name) {
            return Some(id);
        }
        if dir.selected.contains(name) || !dir.names.contains(name) {
            return None;
        }
        let id = self.load(dir, name)?;
        if layout::has_go_template(self.text(id)) {
            return None;
        }
        Some(id)
    }

    fn dialect(&self, path: &Path) -> Dialect {
        match self.options.configured_dialect(path) {
            Some(dialect) => dialect,
            None if layout::is_clickhouse_path(path) => Dialect::ClickHouse,
            None => Dialect::Postgres,
        }
    }

    fn add(&mut self, dir: &Path, framework: Framework, migration: Migration) {
        // Thousands of migrations in a row share a set: found without making its key again.
        if let Some((key, set)) = self.last_set.and_then(|i| self.sets.get_mut(i)) {
            if key.0 == dir && key.1 == framework.name() {
                set.migrations.push(migration);
                return;
            }
        }
        let key = (dir.to_path_buf(), framework.name());
        let index = match self.set_of.get(&key) {
            Some(&index) => index,
            None => {
                let dialect = self.dialect(dir);
                self.migration_dirs.insert(dir.to_path_buf());
                let set_dir = if dir.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    dir.to_path_buf()
                };
                let set = MigrationSet {
                    dir: set_dir,
                    framework,
                    dialect,
                    migrations: Vec::new(),
                    atlas: None,
                };
                self.set_of.insert(key.clone(), self.sets.len());
                self.sets.push((key, set));
                self.sets.len() - 1
            }
        };
        self.last_set = Some(index);
        if let Some((_, set)) = self.sets.get_mut(index) {
            set.migrations.push(migration);
        }
    }

    fn dir(&mut self, dir: &DirFiles) {
        // Most directories of a repository hold no migration. The loop below acts only on
        // their SQL, Go and template files and the files named on the command line: without
        // any, the directory's layout, engine and popx names need not be worked out. (The
        // walk may have left such directories out already: `walk::Walked::passed`.)
        let acted_on = |name: &String| layout::concerns_discovery(name) || dir.named.contains(name);
        if !dir.selected.iter().any(acted_on) {
            return;
        }
        let dir_name = dir
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let per_migration = match self.options.framework {
            Some(framework) => is_per_migration_framework(framework),
            None => true,
        } && PER_MIGRATION_FILES
            .iter()
            .any(|f| dir.selected.contains(*f));
        let set_dir = if per_migration {
            dir.path.parent().unwrap_or(Path::new("")).to_path_buf()
        } else {
            dir.path.clone()
        };
        let engine_check = self.options.configured_dialect(&set_dir).is_none()
            && !layout::is_clickhouse_path(&dir.path);
        // popx is told by its names, and runs each file only on its own database: another
        // database's file is skipped for that reason, not as an engine sqlgate does not read.
        self.popx = match self.options.framework {
            _ if per_migration => None,
            Some(Framework::Popx) => Some(PopxPlan::new(dir, self.dialect(&dir.path))),
            Some(_) => None,
            None => self
                .popx_signal(dir)
                .then(|| PopxPlan::new(dir, self.dialect(&dir.path))),
        };
        let dir_engine = if engine_check {
            layout::engine_of_dir(&set_dir).or_else(|| {
                if per_migration {
                    layout::engine_of_name(&dir_name)
                } else {
                    None
                }
            })
        } else {
            None
        };

        let mut cands = Candidates::new();
        for name in &dir.selected {
            // Only a skipped file needs its shown path here (`load` makes its own).
            let shown = || display(&dir.path.join(name));
            // A file named on the command line is read whatever its name.
            let named = dir.named.contains(name);
            if !layout::is_sql(name) && !named {
                if layout::is_go_file(name) {
                    self.pending
                        .push((dir.path.clone(), skip(shown(), GO_FILE)));
                } else if layout::is_template_name(name) {
                    if name.to_ascii_lowercase().contains(".sql.") {
                        self.skipped.push(skip(shown(), TEMPLATE));
                    } else {
                        self.pending
                            .push((dir.path.clone(), skip(shown(), TEMPLATE)));
                    }
                }
                continue;
            }
            if layout::is_seed(name) && !named {
                self.skipped.push(skip(shown(), SEED));
                continue;
            }
            let engine = dir_engine.or_else(|| {
                if engine_check && self.popx.is_none() {
                    layout::engine_of_name(name)
                } else {
                    None
                }
            });
            if let Some(engine) = engine {
                self.skipped
                    .push(skip(shown(), layout::engine_message(engine)));
                continue;
            }
            if let Some(reason) = self.popx.as_ref().and_then(|plan| plan.not_run(name)) {
                self.skipped.push(skip(shown(), reason));
                continue;
            }
            let Some(id) = self.load(dir, name) else {
                continue;
            };
            if layout::has_go_template(self.text(id)) {
                self.skipped.push(skip(shown(), GO_TEMPLATE));
                continue;
            }
            cands.insert(name.clone(), id);
        }
        if cands.is_empty() {
            return;
        }
        let mark = self.skipped.len();
        if per_migration {
            self.per_migration(dir, &dir_name, &set_dir, &cands);
        } else {
            let framework = if self.popx.is_some() {
                Framework::Popx
            } else {
                let (trusted, atlas_sum) = self.trusted(dir, &cands);
                self.detect_flat(dir, &trusted, atlas_sum)
            };
            self.flat(dir, framework, &cands);
        }
        self.claim_named(dir, &cands, mark);
    }

    /// Files named on the command line that the directory's layout did not claim (skipped
    /// since `mark`: no version in the name, not the layout's pattern) are linted as plain
    /// SQL: asked for by name, they are never passed over in silence.
    fn claim_named(&mut self, dir: &DirFiles, cands: &Candidates, mark: usize) {
        if dir.named.is_empty() {
            return;
        }
        let mut i = mark;
        while i < self.skipped.len() {
            let claimed = dir.named.iter().find(|name| {
                cands.contains_key(*name)
                    && self.skipped[i].display == display(&dir.path.join(name))
            });
            let Some(name) = claimed.cloned() else {
                i += 1;
                continue;
            };
            self.skipped.remove(i);
            let id = cands[&name];
            let (version, migration_name) = unnumbered_or_plain(&name);
            let migration = Migration {
                version,
                name: migration_name,
                up: section(id, 0..self.len(id), TxMode::None),
                down: Down::NotSupported,
            };
            self.add(&dir.path, Framework::Plain, migration);
        }
    }

    /// The candidates the pull request did not add or change (see
    /// `DiscoverOptions::untrusted`), which the framework is told from, and whether
    /// `atlas.sum` is one of the directory's files at the base (the pull request did not add
    /// it; it may have updated it). When the pull request added
    /// or changed every candidate (a new directory has no base to keep), all of them.
    fn trusted(&self, dir: &DirFiles, cands: &Candidates) -> (Candidates, bool) {
        let atlas_sum = dir.names.contains("atlas.sum");
        if self.options.untrusted.is_empty() {
            return (cands.clone(), atlas_sum);
        }
        let Ok(canonical_dir) = fs::canonicalize(fs_path(&dir.path)) else {
            return (cands.clone(), atlas_sum);
        };
        let untrusted = |name: &str| self.options.untrusted.contains(&canonical_dir.join(name));
        let kept: Candidates = cands
            .iter()
            .filter(|(name, _)| !untrusted(name))
            .map(|(name, &id)| (name.clone(), id))
            .collect();
        if kept.is_empty() {
            (cands.clone(), atlas_sum)
        } else {
            let added = self
                .options
                .added
                .contains(&canonical_dir.join("atlas.sum"));
            (kept, atlas_sum && !added)
        }
    }

    fn sqlx_signal(&self, dir: &DirFiles, cands: &Candidates) -> bool {
        cands.values().any(|&id| {
            let text = self.text(id);
            sections::sqlx_no_transaction(text) || sections::sqlx_template_comment(text)
        }) || layout::cargo_toml_above(&dir.path, dir.bound.as_deref(), |path| {
            *self
                .cargo_toml
                .borrow_mut()
                .entry(path.to_path_buf())
                .or_insert_with(|| fs_path(path).join("Cargo.toml").is_file())
        })
    }

    fn detect_flat(&self, dir: &DirFiles, cands: &Candidates, atlas_sum: bool) -> Framework {
        if let Some(framework) = self.options.framework {
            return framework;
        }
        let inner = self.detect_format(dir, cands);
        if atlas_sum {
            // Atlas reads its own format, and golang-migrate's, goose's, dbmate's and
            // Flyway's (`--dir-format`): an `atlas.sum` next to their files keeps them theirs.
            return match inner {
                Framework::GolangMigrate | Framework::Goose | Framework::Dbmate => inner,
                Framework::Flyway if cands.keys().any(|n| layout::flyway_prefixed(n)) => inner,
                Framework::Sqlx if cands.keys().any(|n| layout::up_down(n).is_some()) => {
                    Framework::GolangMigrate
                }
                _ => Framework::Atlas,
            };
        }
        inner
    }

    /// The format of a flat directory's files, an `atlas.sum` aside.
    fn detect_format(&self, dir: &DirFiles, cands: &Candidates) -> Framework {
        if cands
            .values()
            .any(|&id| sections::dbmate(self.text(id)).is_some())
        {
            return Framework::Dbmate;
        }
        if cands
            .values()
            .any(|&id| sections::goose(self.text(id)).is_some())
        {
            return Framework::Goose;
        }
        if dir.path.ends_with("supabase/migrations") {
            return Framework::Supabase;
        }
        if cands.keys().any(|n| layout::flyway_prefixed(n))
            || cands.keys().all(|n| layout::flyway(n).is_some())
        {
            return Framework::Flyway;
        }
        let up_down = cands.keys().any(|n| layout::up_down(n).is_some());
        let sqlx = self.sqlx_signal(dir, cands);
        match (up_down, sqlx) {
            (_, true) => Framework::Sqlx,
            (true, false) => Framework::GolangMigrate,
            (false, false) => Framework::Plain,
        }
    }

    fn flat(&mut self, dir: &DirFiles, framework: Framework, cands: &Candidates) {
        // Whatever the format, an `atlas.sum` covers the files Atlas reads in it.
        if framework != Framework::Atlas {
            self.atlas_sum(dir, framework);
        }
        match framework {
            Framework::GolangMigrate | Framework::Sqlx => self.up_down(dir, framework, cands),
            Framework::Flyway => self.flyway(dir, cands),
            Framework::Popx => {
                let plan = self
                    .popx
                    .take()
                    .unwrap_or_else(|| PopxPlan::new(dir, self.dialect(&dir.path)));
                self.popx(dir, cands, &plan);
            }
            Framework::Diesel | Framework::Sourcegraph | Framework::Prisma => {
                for name in cands.keys() {
                    let reason = format!(
                        "not a {} migration: expected <version>_name/{}",
                        framework.name(),
                        if framework == Framework::Prisma {
                            "migration.sql"
                        } else {
                            "up.sql"
                        }
                    );
                    self.skipped
                        .push(skip(display(&dir.path.join(name)), reason));
                }
            }
            _ => {
                self.postgres_migrations = framework == Framework::Plain
                    && cands
                        .values()
                        .any(|&id| sections::postgres_migrations_opt_out(self.text(id)));
                for (name, &id) in cands {
                    self.single_file(dir, framework, name, id);
                }
                if framework == Framework::Atlas {
                    self.atlas_sum(dir, framework);
                }
            }
        }
    }

    /// Whether a link not followed stands where a migration would be read: in a directory
    /// holding migrations, or named like a migration file (`*.sql`, `atlas.sum`) or, for a
    /// link to a directory, like a per-migration directory.
    fn would_be_read(&self, link: &OutsideLink) -> bool {
        self.migration_dirs.contains(&link.dir)
            || if link.is_dir {
                layout::migration_dir(&link.name).is_some()
            } else {
                layout::is_sql(&link.name) || link.name.eq_ignore_ascii_case("atlas.sum")
            }
    }

    fn finish(mut self) -> Discovery {
        for (dir, skipped) in std::mem::take(&mut self.pending) {
            if self.migration_dirs.contains(&dir) {
                self.skipped.push(skipped);
            }
        }
        for link in std::mem::take(&mut self.outside) {
            if self.would_be_read(&link) {
                // Where a migration would be read, an unread link fails the run: a pull
                // request must not pass the gate by hiding a migration behind one.
                self.errors.push(FileError {
                    display: link.display,
                    message: link.message,
                });
            } else {
                self.skipped.push(skip(link.display, link.message));
            }
        }
        let mut sets = std::mem::take(&mut self.sets);
        // The order of the keys: directories in path order, then framework names.
        sets.sort_by(|a, b| a.0.cmp(&b.0));
        let mut sets: Vec<MigrationSet> = sets.into_iter().map(|(_, set)| set).collect();
        let mut files = Vec::new();
        let mut new_ids: HashMap<usize, usize> = HashMap::new();
        let mut remap = |file: &mut usize, loaded: &mut Vec<LoadedFile>| {
            let id = *new_ids.entry(*file).or_insert_with(|| {
                files.push(std::mem::replace(
                    &mut loaded[*file],
                    LoadedFile {
                        path: PathBuf::new(),
                        display: String::new(),
                        text: String::new(),
                        is_symlink: None,
                    },
                ));
                files.len() - 1
            });
            *file = id;
        };
        for set in &mut sets {
            set.migrations
                .sort_by(|a, b| (&a.version, &a.name).cmp(&(&b.version, &b.name)));
            for migration in &mut set.migrations {
                remap(&mut migration.up.file, &mut self.loaded);
                if let Down::Section(down) = &mut migration.down {
                    remap(&mut down.file, &mut self.loaded);
                }
            }
            // Any format's directory may hold an `atlas.sum` (Atlas reads several).
            if let Some(mut atlas) = self.atlas.remove(&set.dir) {
                remap(&mut atlas.file, &mut self.loaded);
                for (_, file) in &mut atlas.files {
                    if let Some(file) = file {
                        remap(file, &mut self.loaded);
                    }
                }
                set.atlas = Some(atlas);
            }
        }
        self.skipped.sort_by(|a, b| a.display.cmp(&b.display));
        Discovery {
            files,
            sets,
            skipped: self.skipped,
            errors: self.errors,
            missing: self.missing,
        }
    }
}

impl Discovery {
    /// SQL that is not read from a file (`sqlgate check -` reads it from stdin): one plain
    /// SQL migration (run by psql: no transaction), shown as `display`. `path` (the
    /// `--stdin-filename`, else empty) places it for the dialect: the configured one for
    /// its directory, else ClickHouse when the path names it, else Postgres. Text that is
    /// not UTF-8 is an error, as for a file.
    pub fn of_bytes(
        path: &Path,
        display: &str,
        bytes: Vec<u8>,
        options: &DiscoverOptions,
    ) -> Discovery {
        let text = match sqlgate_core::source::decode(bytes) {
            Ok(text) => text,
            Err(err) => {
                return Discovery {
                    files: Vec::new(),
                    sets: Vec::new(),
                    skipped: Vec::new(),
                    errors: vec![FileError {
                        display: display.to_string(),
                        message: err.to_string(),
                    }],
                    ..Discovery::default()
                }
            }
        };
        let dir = path.parent().unwrap_or(Path::new(""));
        let dialect = match options.configured_dialect(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        }) {
            Some(dialect) => dialect,
            None if layout::is_clickhouse_path(path) => Dialect::ClickHouse,
            None => Dialect::Postgres,
        };
        let name = path
            .file_name()
            .map_or_else(|| "stdin".to_string(), |n| n.to_string_lossy().into_owned());
        let (version, name) = unnumbered_or_plain(&name);
        let len = text.len();
        Discovery {
            files: vec![LoadedFile {
                path: path.to_path_buf(),
                display: display.to_string(),
                text,
                is_symlink: None,
            }],
            sets: vec![MigrationSet {
                dir: if dir.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    dir.to_path_buf()
                },
                framework: Framework::Plain,
                dialect,
                migrations: vec![Migration {
                    version,
                    name,
                    up: section(0, 0..len, TxMode::None),
                    down: Down::NotSupported,
                }],
                atlas: None,
            }],
            skipped: Vec::new(),
            errors: Vec::new(),
            missing: Vec::new(),
        }
    }
}
