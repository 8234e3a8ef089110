//! From walked directories to migration sets: layout detection, loading, pairing, ordering.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::layout::{self, Direction, FlywayKind};
use super::sections::{self, Sections};
use super::walk::{display, file_key, fs_path, DirFiles, FileKey, Walked};
use super::{
    AtlasSum, Dialect, DiscoverOptions, Discovery, Down, FileError, Framework, LoadedFile,
    Migration, MigrationSet, Section, Skipped, TxMode, Version,
};

const NO_VERSION: &str = "no version in the file name: not a migration";
const SEED: &str = "seed data";
const GO_TEMPLATE: &str = "Go template placeholders: not plain SQL";
const GO_FILE: &str = "Go migration: not SQL";
const TEMPLATE: &str = "template";

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
    sets: BTreeMap<(PathBuf, &'static str), MigrationSet>,
    skipped: Vec<Skipped>,
    errors: Vec<FileError>,
    /// Directories holding migrations (set directories and per-migration directories).
    migration_dirs: HashSet<PathBuf>,
    /// `.go` and template files, reported only when they sit in a migration directory.
    pending: Vec<(PathBuf, Skipped)>,
    /// Atlas directories' `atlas.sum` and `*.sql` files (temporary ids), by directory.
    atlas: HashMap<PathBuf, AtlasSum>,
    /// The key of the set the last migration went to.
    last_set: Option<(PathBuf, &'static str)>,
}

/// A file read ahead: its identity and its text, or why it could not be read.
struct Prefetched {
    key: FileKey,
    text: Result<String, String>,
}

/// Reads and decodes every selected `.sql` file and `atlas.sum` on all cores: for thousands
/// of small migrations, reading them one after the other is most of discovery's time. Each
/// file is opened once; its identity comes from the open file (`fstat`), not another lookup.
fn prefetch(walked: &mut Walked) -> HashMap<std::ffi::OsString, Prefetched> {
    // (index into the walk's order, path) of each file read ahead.
    let wanted: Vec<(usize, PathBuf)> = walked
        .order
        .iter()
        .enumerate()
        .filter(|(_, (_, name))| {
            let lower = name.to_ascii_lowercase();
            lower.ends_with(".sql") || lower == "atlas.sum"
        })
        .map(|(i, (dir, name))| (i, dir.join(name)))
        .collect();
    let paths: Vec<&PathBuf> = wanted.iter().map(|(_, path)| path).collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(paths.len() / 64 + 1);
    let chunk = paths.len().div_ceil(workers.max(1)).max(1);
    let mut read: HashMap<std::ffi::OsString, Prefetched> = HashMap::with_capacity(paths.len());
    std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .filter_map(|path| {
                            Some((path.as_os_str().to_os_string(), read_ahead(path)?))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            // A worker that panicked leaves its files to `load`, which reads them itself.
            if let Ok(files) = handle.join() {
                read.extend(files);
            }
        }
    });
    // The same file reached again by another path (a symlink, overlapping arguments) is
    // not considered again: the walk's first path for it stays.
    let mut first_path: HashMap<&FileKey, &Path> = HashMap::new();
    let mut again: Vec<usize> = Vec::new();
    for (i, path) in &wanted {
        let Some(ahead) = read.get(path.as_os_str()) else {
            continue;
        };
        if *first_path.entry(&ahead.key).or_insert(path) != path.as_path() {
            again.push(*i);
        }
    }
    for i in again {
        if let Some((dir, name)) = walked.order.get(i) {
            if let Some(files) = walked.dirs.get_mut(dir) {
                files.selected.remove(name);
            }
        }
    }
    read
}

/// The file's bytes: as many as `fstat` said, without the extra read that finds the end
/// (one syscall per file of thousands). A size of 0 may be a file system that does not
/// know sizes: that one is read to its end.
fn read_all(file: &mut fs::File, size: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let size = usize::try_from(size).unwrap_or(0);
    let mut bytes = vec![0; size];
    let mut filled = 0;
    while filled < size {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    bytes.truncate(filled);
    if size == 0 {
        file.read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

/// `None` when the file is not a regular file or cannot be opened: `load` then reports it.
fn read_ahead(path: &Path) -> Option<Prefetched> {
    let mut file = fs::File::open(fs_path(path)).ok()?;
    let metadata = file.metadata().ok()?;
    if !metadata.is_file() {
        return None;
    }
    #[cfg(unix)]
    let key = {
        use std::os::unix::fs::MetadataExt;
        FileKey::Inode(metadata.dev(), metadata.ino())
    };
    #[cfg(not(unix))]
    let key = file_key(path);
    let text = match read_all(&mut file, metadata.len()) {
        Ok(bytes) => sqlgate_core::source::decode(bytes).map_err(|err| err.to_string()),
        Err(err) => Err(super::read_error(&err)),
    };
    Some(Prefetched { key, text })
}

pub(super) fn build(mut walked: Walked, options: &DiscoverOptions) -> Discovery {
    let prefetched = prefetch(&mut walked);
    let files = prefetched.len();
    let mut builder = Builder {
        options,
        prefetched,
        loaded: Vec::with_capacity(files),
        cache: HashMap::with_capacity(files),
        sets: BTreeMap::new(),
        skipped: Vec::new(),
        errors: walked.errors,
        migration_dirs: HashSet::new(),
        pending: Vec::new(),
        atlas: HashMap::new(),
        last_set: None,
    };
    for dir in walked.dirs.values() {
        builder.dir(dir);
    }
    builder.finish()
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
                Err(err) => Err(super::read_error(&err)),
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
        if let Some(key) = &self.last_set {
            if key.0 == dir && key.1 == framework.name() {
                if let Some(set) = self.sets.get_mut(key) {
                    set.migrations.push(migration);
                    return;
                }
            }
        }
        self.last_set = Some((dir.to_path_buf(), framework.name()));
        let dialect = self.dialect(dir);
        self.migration_dirs.insert(dir.to_path_buf());
        let set_dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir.to_path_buf()
        };
        self.sets
            .entry((dir.to_path_buf(), framework.name()))
            .or_insert_with(|| MigrationSet {
                dir: set_dir,
                framework,
                dialect,
                migrations: Vec::new(),
                atlas: None,
            })
            .migrations
            .push(migration);
    }

    fn dir(&mut self, dir: &DirFiles) {
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
            if !layout::is_sql(name) {
                if name.to_ascii_lowercase().ends_with(".go") {
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
            if layout::is_seed(name) {
                self.skipped.push(skip(shown(), SEED));
                continue;
            }
            let engine = dir_engine.or_else(|| {
                if engine_check {
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
        if per_migration {
            self.per_migration(dir, &dir_name, &set_dir, &cands);
        } else {
            let framework = self.detect_flat(dir, &cands);
            self.flat(dir, framework, &cands);
        }
    }

    fn sqlx_signal(&self, dir: &DirFiles, cands: &Candidates) -> bool {
        cands.values().any(|&id| {
            let text = self.text(id);
            sections::sqlx_no_transaction(text) || sections::sqlx_template_comment(text)
        }) || layout::cargo_toml_above(&dir.path, dir.bound.as_deref())
    }

    fn detect_flat(&self, dir: &DirFiles, cands: &Candidates) -> Framework {
        if let Some(framework) = self.options.framework {
            return framework;
        }
        if dir.names.contains("atlas.sum") {
            return Framework::Atlas;
        }
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
        match framework {
            Framework::GolangMigrate | Framework::Sqlx => self.up_down(dir, framework, cands),
            Framework::Flyway => self.flyway(dir, cands),
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
                for (name, &id) in cands {
                    self.single_file(dir, framework, name, id);
                }
                if framework == Framework::Atlas {
                    self.atlas_sum(dir);
                }
            }
        }
    }

    /// Loads an Atlas directory's `atlas.sum` and every `*.sql` file it covers (IN005).
    fn atlas_sum(&mut self, dir: &DirFiles) {
        // Keyed like the set's directory (`.` for the current one).
        let key = if dir.path.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir.path.clone()
        };
        if !dir.names.contains("atlas.sum") || self.atlas.contains_key(&key) {
            return;
        }
        let Some(file) = self.load(dir, "atlas.sum") else {
            return;
        };
        // Atlas globs `*.sql` (case-sensitive) and sorts the names as Go strings: bytes.
        let files = dir
            .names
            .iter()
            .filter(|n| n.ends_with(".sql"))
            .map(|n| (n.clone(), self.load(dir, n)))
            .collect();
        self.atlas.insert(key, AtlasSum { file, files });
    }

    /// Layouts where one file is one migration: Supabase, Atlas, plain, dbmate, goose.
    fn single_file(&mut self, dir: &DirFiles, framework: Framework, name: &str, id: usize) {
        let parsed = match framework {
            Framework::Supabase => layout::digits_underscore(name),
            Framework::Plain => layout::plain(name),
            _ => layout::digits_optional_name(name).or_else(|| layout::plain(name)),
        };
        let Some((version, migration_name)) = parsed else {
            let reason = if framework == Framework::Supabase {
                "not <timestamp>_name.sql: the Supabase CLI does not run it"
            } else {
                NO_VERSION
            };
            self.skipped
                .push(skip(display(&dir.path.join(name)), reason));
            return;
        };
        let len = self.len(id);
        let (up, down) = match framework {
            // The CLI sends a file's statements (and its history insert) as one pipelined
            // batch, which Postgres runs as one implicit transaction.
            Framework::Supabase => (section(id, 0..len, TxMode::SingleQuery), Down::NotSupported),
            Framework::Plain => (section(id, 0..len, TxMode::None), Down::NotSupported),
            Framework::Atlas => {
                let tx = wrapped_unless(sections::atlas_no_transaction(self.text(id)));
                (section(id, 0..len, tx), Down::NotSupported)
            }
            Framework::Dbmate => {
                let parsed = sections::dbmate(self.text(id));
                self.marked(id, parsed, "no -- migrate:down section")
            }
            _ => {
                let parsed = sections::goose(self.text(id));
                self.marked(id, parsed, "no -- +goose Down section")
            }
        };
        self.add(
            &dir.path,
            framework,
            Migration {
                version,
                name: migration_name,
                up,
                down,
            },
        );
    }

    /// Up and down of a dbmate/goose file; a file without markers is all up.
    fn marked(&self, id: usize, parsed: Option<Sections>, missing: &str) -> (Section, Down) {
        let len = self.len(id);
        let Some(parsed) = parsed else {
            return (
                section(id, 0..len, TxMode::Wrapped),
                Down::Missing(missing.to_string()),
            );
        };
        let whole_file_no_tx = parsed.no_transaction;
        let up = match parsed.up {
            Some((range, no_tx)) => section(id, range, wrapped_unless(no_tx || whole_file_no_tx)),
            None => section(id, 0..len, wrapped_unless(whole_file_no_tx)),
        };
        let down = match parsed.down {
            Some((range, no_tx)) => Down::Section(section(
                id,
                range,
                wrapped_unless(no_tx || whole_file_no_tx),
            )),
            None => Down::Missing(missing.to_string()),
        };
        (up, down)
    }

    /// golang-migrate and sqlx: `.up.sql` + `.down.sql` pairs (sqlx also simple `N_name.sql`).
    fn up_down(&mut self, dir: &DirFiles, framework: Framework, cands: &Candidates) {
        struct Entry {
            file: String,
            version: Version,
            name: String,
            stem: String,
        }
        let mut ups = Vec::new();
        let mut downs = Vec::new();
        for file in dir.names.iter().filter(|n| layout::is_sql(n)) {
            if let Some((version, name, direction, stem)) = layout::up_down(file) {
                let entry = Entry {
                    file: file.clone(),
                    version,
                    name,
                    stem,
                };
                match direction {
                    Direction::Up => ups.push(entry),
                    Direction::Down => downs.push(entry),
                }
            }
        }
        // Pair: same stem; same name ignoring trailing dots; a shared down for an up with a
        // dialect suffix (ory/popx: `1_x.postgres.up.sql` + `1_x.down.sql`); the only down of
        // the version.
        let mut pair: Vec<Option<usize>> = vec![None; ups.len()];
        let mut taken = vec![false; downs.len()];
        let normalize = |s: &str| s.trim_matches('.').to_ascii_lowercase();
        let mut downs_by_version: HashMap<&[(usize, String)], Vec<usize>> = HashMap::new();
        for (d, down) in downs.iter().enumerate() {
            downs_by_version
                .entry(&down.version.key)
                .or_default()
                .push(d);
        }
        let mut ups_by_version: HashMap<&[(usize, String)], Vec<usize>> = HashMap::new();
        for (u, up) in ups.iter().enumerate() {
            ups_by_version.entry(&up.version.key).or_default().push(u);
        }
        for pass in 0..4 {
            for (u, up) in ups.iter().enumerate() {
                if pair[u].is_some() {
                    continue;
                }
                let generic = layout::strip_dialect_suffix(&up.name);
                let same_version = downs_by_version
                    .get(up.version.key.as_slice())
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let matching: Vec<usize> = same_version
                    .iter()
                    .copied()
                    .filter(|&d| {
                        let down = &downs[d];
                        match pass {
                            0 => !taken[d] && down.stem == up.stem,
                            1 => !taken[d] && normalize(&down.name) == normalize(&up.name),
                            2 => generic.is_some_and(|g| normalize(&down.name) == normalize(g)),
                            _ => !taken[d],
                        }
                    })
                    .collect();
                let unique_up = pass < 3
                    || ups_by_version
                        .get(up.version.key.as_slice())
                        .map_or(0, |group| {
                            group.iter().filter(|&&o| pair[o].is_none()).count()
                        })
                        == 1;
                if matching.len() == 1 && unique_up {
                    pair[u] = Some(matching[0]);
                    taken[matching[0]] = true;
                }
            }
        }
        for (u, up) in ups.iter().enumerate() {
            let down = pair[u].map(|d| &downs[d]);
            let selected =
                cands.contains_key(&up.file) || down.is_some_and(|d| cands.contains_key(&d.file));
            if !selected {
                continue;
            }
            let Some(up_id) = self.avail(dir, cands, &up.file) else {
                continue;
            };
            let single_query = framework == Framework::GolangMigrate;
            let tx_of = |text: &str| {
                if single_query {
                    TxMode::SingleQuery
                } else {
                    wrapped_unless(sections::sqlx_no_transaction(text))
                }
            };
            let down_section = match down {
                Some(d) => self.avail(dir, cands, &d.file).map(|id| {
                    let tx = tx_of(self.text(id));
                    section(id, 0..self.len(id), tx)
                }),
                None => None,
            };
            let down = match down_section {
                Some(s) => Down::Section(s),
                None => Down::Missing(format!(
                    "no {stem}.down.sql next to {stem}.up.sql",
                    stem = up.stem
                )),
            };
            let tx = tx_of(self.text(up_id));
            let migration = Migration {
                version: up.version.clone(),
                name: up.name.clone(),
                up: section(up_id, 0..self.len(up_id), tx),
                down,
            };
            self.add(&dir.path, framework, migration);
        }
        for (d, down) in downs.iter().enumerate() {
            if !taken[d] && cands.contains_key(&down.file) {
                let reason = format!(
                    "down migration without its up: no {stem}.up.sql next to {stem}.down.sql",
                    stem = down.stem
                );
                self.skipped
                    .push(skip(display(&dir.path.join(&down.file)), reason));
            }
        }
        for (file, &id) in cands {
            if layout::up_down(file).is_some() {
                continue;
            }
            let shown = display(&dir.path.join(file));
            if framework == Framework::GolangMigrate {
                let reason = if layout::plain(file).is_some() {
                    "not <version>_name.up.sql or .down.sql: golang-migrate does not run it"
                } else {
                    NO_VERSION
                };
                self.skipped.push(skip(shown, reason));
                continue;
            }
            let Some((version, name)) = layout::digits_underscore(file) else {
                self.skipped.push(skip(shown, NO_VERSION));
                continue;
            };
            let tx = wrapped_unless(sections::sqlx_no_transaction(self.text(id)));
            let migration = Migration {
                version,
                name,
                up: section(id, 0..self.len(id), tx),
                down: Down::NotSupported,
            };
            self.add(&dir.path, framework, migration);
        }
    }

    fn flyway_tx(&self, dir: &DirFiles, file: &str) -> TxMode {
        let conf = format!("{file}.conf");
        if !dir.names.contains(&conf) {
            return TxMode::Wrapped;
        }
        let no_tx = fs::read_to_string(fs_path(&dir.path.join(&conf)))
            .is_ok_and(|text| sections::flyway_conf_no_transaction(&text));
        wrapped_unless(no_tx)
    }

    fn flyway(&mut self, dir: &DirFiles, cands: &Candidates) {
        let all: Vec<(String, FlywayKind, Version, String)> = dir
            .names
            .iter()
            .filter(|n| layout::is_sql(n))
            .filter_map(|n| layout::flyway(n).map(|(k, v, name)| (n.clone(), k, v, name)))
            .collect();
        let has_undo = all.iter().any(|e| e.1 == FlywayKind::Undo);
        let find = |kind: FlywayKind, version: &Version| {
            all.iter()
                .find(|e| e.1 == kind && e.2.same_order(version))
                .map(|e| e.0.clone())
        };
        for (file, kind, version, name) in &all {
            let shown = display(&dir.path.join(file));
            let (up_file, down_file) = match kind {
                FlywayKind::Versioned | FlywayKind::Repeatable => {
                    if !cands.contains_key(file) {
                        // Selected with its undo script, or not selected at all.
                        let undo_selected = *kind == FlywayKind::Versioned
                            && find(FlywayKind::Undo, version).is_some_and(|u| {
                                cands.contains_key(&u) && !dir.selected.contains(file)
                            });
                        if !undo_selected {
                            continue;
                        }
                    }
                    let down = if *kind == FlywayKind::Versioned {
                        find(FlywayKind::Undo, version)
                    } else {
                        None
                    };
                    (file.clone(), down)
                }
                FlywayKind::Undo => {
                    if cands.contains_key(file) && find(FlywayKind::Versioned, version).is_none() {
                        let reason = format!(
                            "undo migration without V{}__*.sql: nothing to pair it with",
                            version.text
                        );
                        self.skipped.push(skip(shown, reason));
                    }
                    continue;
                }
            };
            let Some(up_id) = self.avail(dir, cands, &up_file) else {
                continue;
            };
            let down = match down_file {
                Some(down_file) => match self.avail(dir, cands, &down_file) {
                    Some(id) => Down::Section(section(
                        id,
                        0..self.len(id),
                        self.flyway_tx(dir, &down_file),
                    )),
                    None => Down::Missing(format!("{down_file} could not be used")),
                },
                None if has_undo && *kind == FlywayKind::Versioned => Down::Missing(format!(
                    "no U{}__{}.sql undo migration next to {}",
                    version.text, name, up_file
                )),
                None => Down::NotSupported,
            };
            let migration = Migration {
                version: version.clone(),
                name: name.clone(),
                up: section(up_id, 0..self.len(up_id), self.flyway_tx(dir, &up_file)),
                down,
            };
            self.add(&dir.path, Framework::Flyway, migration);
        }
        for file in cands.keys() {
            if layout::flyway(file).is_none() {
                self.skipped.push(skip(
                    display(&dir.path.join(file)),
                    "not V<version>__name.sql: Flyway does not run it",
                ));
            }
        }
    }

    /// diesel, sourcegraph, Prisma: `<set>/<version>_name/{up,down,migration}.sql`.
    fn per_migration(
        &mut self,
        dir: &DirFiles,
        dir_name: &str,
        set_dir: &Path,
        cands: &Candidates,
    ) {
        let Some((version, name)) = layout::migration_dir(dir_name) else {
            for file in cands.keys() {
                self.skipped.push(skip(
                    display(&dir.path.join(file)),
                    "no version in the directory name: not a migration",
                ));
            }
            return;
        };
        let framework = match self.options.framework {
            Some(framework) => framework,
            None if dir.names.contains("migration.sql") => Framework::Prisma,
            None if dir.names.contains("metadata.yaml") || name.is_empty() => {
                Framework::Sourcegraph
            }
            None => Framework::Diesel,
        };
        let migration_name = if name.is_empty() {
            dir_name.to_string()
        } else {
            name
        };
        let expected: &[&str] = if framework == Framework::Prisma {
            &["migration.sql"]
        } else {
            &["up.sql", "down.sql"]
        };
        for file in cands.keys() {
            if !expected.contains(&file.as_str()) {
                let reason = format!(
                    "not {}: {} does not run it",
                    expected.join(" or "),
                    framework.name()
                );
                self.skipped
                    .push(skip(display(&dir.path.join(file)), reason));
            }
        }
        let selected = expected.iter().any(|f| cands.contains_key(*f));
        if !selected {
            return;
        }
        self.migration_dirs.insert(dir.path.clone());
        if framework == Framework::Prisma {
            let Some(id) = self.avail(dir, cands, "migration.sql") else {
                return;
            };
            let migration = Migration {
                version,
                name: migration_name,
                up: section(id, 0..self.len(id), TxMode::SingleQuery),
                down: Down::NotSupported,
            };
            self.add(set_dir, framework, migration);
            return;
        }
        let tx = if framework == Framework::Diesel && dir.names.contains("metadata.toml") {
            let no_tx = fs::read_to_string(fs_path(&dir.path.join("metadata.toml")))
                .is_ok_and(|text| sections::diesel_metadata_no_transaction(&text));
            wrapped_unless(no_tx)
        } else {
            TxMode::Wrapped
        };
        let Some(up_id) = self.avail(dir, cands, "up.sql") else {
            if cands.contains_key("down.sql") {
                self.skipped.push(skip(
                    display(&dir.path.join("down.sql")),
                    "down.sql without up.sql: nothing to pair it with",
                ));
            }
            return;
        };
        let down = match self.avail(dir, cands, "down.sql") {
            Some(id) => Down::Section(section(id, 0..self.len(id), tx)),
            None => Down::Missing(format!("no down.sql in {}", display(&dir.path))),
        };
        let migration = Migration {
            version,
            name: migration_name,
            up: section(up_id, 0..self.len(up_id), tx),
            down,
        };
        self.add(set_dir, framework, migration);
    }

    fn finish(mut self) -> Discovery {
        for (dir, skipped) in std::mem::take(&mut self.pending) {
            if self.migration_dirs.contains(&dir) {
                self.skipped.push(skipped);
            }
        }
        let mut sets: Vec<MigrationSet> = std::mem::take(&mut self.sets).into_values().collect();
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
            if set.framework == Framework::Atlas {
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
        }
        self.skipped.sort_by(|a, b| a.display.cmp(&b.display));
        Discovery {
            files,
            sets,
            skipped: self.skipped,
            errors: self.errors,
        }
    }
}
