//! Walking the given paths: which files exist in which directory, which of them were asked for.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};

use crate::layout;
use crate::model::FileError;
use crate::paths::{fs_path, link_text, Roots, SYMLINK};

mod split;

/// Directory names never entered (hidden directories are skipped too).
const SKIP_DIRS: [&str; 4] = [".git", "node_modules", "target", "vendor"];

const NOT_REGULAR: &str =
    "not a regular file (a FIFO, socket or device): give migration files or directories";

const DIR_PERMISSION: &str = "cannot list the directory (permission denied): make it readable \
     and searchable (`chmod a+rx`) or check a directory without it";

/// One directory as seen by the walk.
#[derive(Debug, Default)]
pub(super) struct DirFiles {
    /// The directory as walked, without a leading `./` (empty for the current directory).
    pub path: PathBuf,
    /// Every file name present in the directory (for partners: downs, `atlas.sum`, `.conf`...).
    pub names: BTreeSet<String>,
    /// The file names to consider: every file of a walked directory, or the single files given.
    pub selected: BTreeSet<String>,
    /// `names` came from the walk, which saw each name's type: `symlinks` is then complete.
    pub listed: bool,
    /// The names that are symbolic links (known when `listed`).
    pub symlinks: BTreeSet<String>,
    /// Names of links seen when listing the directory for a file given, not followed: they
    /// lead out of the run's root (see `Walked::outside`).
    pub refused: BTreeSet<String>,
    /// Highest directory checked for a `Cargo.toml` (the path given, or for a single file its
    /// directory); `None` means no bound beyond the path as written.
    pub bound: Option<PathBuf>,
    /// The files of `selected` named on the command line: linted whatever their name, as
    /// plain SQL when no layout claims them.
    pub named: BTreeSet<String>,
}

#[derive(Debug, Default)]
pub(super) struct Walked {
    /// The directories met, in path order (filled from `walking` once the walk is over).
    pub dirs: BTreeMap<PathBuf, DirFiles>,
    /// The same while the walk goes on, by the bytes of their key (`clean`): each file given
    /// by name looks its directory up, and comparing paths component by component in a
    /// tree was a tenth of the instructions of 2,900 files given.
    walking: HashMap<std::ffi::OsString, DirFiles>,
    pub errors: Vec<FileError>,
    /// The selections read ahead (`read::wanted_ahead`) and the files given by name, in the
    /// order the walk made them, as (directory, name): a file reached twice (a symlink,
    /// overlapping paths) is kept where it was reached first. Discovery tells which are the
    /// same file when it opens them. Other files a walk meets are not here: nothing looks
    /// them up by order, and a repository's tree has thousands.
    pub order: Vec<(PathBuf, String)>,
    /// Symbolic links not followed because they lead out of the run's root; discovery
    /// reports each as an error where a migration would be read, else as skipped.
    pub outside: Vec<OutsideLink>,
    /// The paths given that do not exist (`Discovery::missing`).
    pub missing: Vec<PathBuf>,
    /// Directories whose files so far concern nothing after the walk (as
    /// `layout::concerns_discovery` says of each name), kept apart from `walking` by their
    /// key while `pass_over` is set: most directories of a repository, whose name sets cost
    /// more than their listing. A later run of files of the same directory that does
    /// concern discovery brings their names into `walking` (`Batch::add_to`).
    passed: HashMap<std::ffi::OsString, Passed>,
    /// Set where nothing looks a walked directory up after the walk but the builder: one
    /// path given (no file given later looks its directory's listing up) and no
    /// `migrations.exclude` (which reports the excluded directories, whatever their files).
    pass_over: bool,
    /// Where the files selected for reading ahead go as the walk selects them
    /// (`walk_reading`): readers on other threads read them while the walk goes on, once it
    /// has selected `READERS_FROM` files; below that the walking thread reads them after.
    pub reading: Option<Reading>,
}

/// The files met so far in a directory passed over (see `Walked::passed`).
#[derive(Debug, Default)]
struct Passed {
    names: Vec<String>,
    symlinks: Vec<String>,
}

/// Files to read ahead, handed to the readers a bundle at a time: one hand-over per file
/// woke a reader per file, two futex calls a file (820 one-file directories: as many calls
/// as the reads' own).
///
/// The readers start once the walk has selected `READERS_FROM` files: below that, starting
/// a thread (its stack, its allocator heap) and handing it bundles cost more than the
/// overlap saved, and the walking thread reads them once the walk is over (a repository of
/// 20 migrations: 5% of its wall time; of 100 to 800, as fast and 2-7% less CPU). Where
/// the walk is long (the corpus as one directory, 7,600 files) they pay off.
#[derive(Debug)]
pub(super) struct Reading {
    readers: mpsc::Sender<Vec<PathBuf>>,
    bundle: Vec<PathBuf>,
    /// Files handed over so far.
    sent: usize,
    /// The readers' end of the channel, shared by them and the walking thread.
    receive: Arc<Mutex<mpsc::Receiver<Vec<PathBuf>>>>,
    started: Vec<std::thread::JoinHandle<ReadAhead>>,
    /// Files the walk's parts read as they listed them (`split::walk_split`), never sent.
    read_by_parts: ReadAhead,
}

/// Files read ahead: (path, what was read).
type ReadAhead = Vec<(std::ffi::OsString, crate::read::Prefetched)>;

/// Files in a bundle for the readers.
const READ_BUNDLE: usize = 16;

/// Files selected before the readers start (see `Reading`).
const READERS_FROM: usize = 64 * READ_BUNDLE;

impl Reading {
    fn new() -> Reading {
        let (readers, receive) = mpsc::channel();
        Reading {
            readers,
            bundle: Vec::new(),
            sent: 0,
            receive: Arc::new(Mutex::new(receive)),
            started: Vec::new(),
            read_by_parts: Vec::new(),
        }
    }

    fn flush(&mut self) {
        if self.bundle.is_empty() {
            return;
        }
        self.sent += self.bundle.len();
        // The channel closes only when this sender goes: the send cannot fail.
        let _ = self.readers.send(std::mem::take(&mut self.bundle));
        if self.sent >= READERS_FROM && self.started.is_empty() {
            // One core walks, the others read; the walking thread reads too once the walk
            // is over. (A reader for every core kept one more thread than there were cores
            // while walking.) Counted here, not before the walk: counting reads the cgroup's
            // CPU quota, a few syscalls a small run does not need.
            let readers = sqlgate_core::cores().saturating_sub(1).max(1);
            for _ in 0..readers {
                let receive = Arc::clone(&self.receive);
                // A reader that cannot start leaves its share to the walking thread.
                if let Ok(handle) = std::thread::Builder::new().spawn(move || read_sent(&receive)) {
                    self.started.push(handle);
                }
            }
        }
    }

    /// The walk is over: the last bundle goes and the channel closes. The walking thread
    /// reads what is left with the readers, if any started, rather than wait for them (a
    /// long directory is listed well before it is read); then their files join its own.
    fn finish(mut self) -> HashMap<std::ffi::OsString, crate::read::Prefetched> {
        self.flush();
        let Reading {
            readers,
            receive,
            started,
            read_by_parts,
            ..
        } = self;
        // The channel closes: the readers stop once it is empty.
        drop(readers);
        let mut read: HashMap<_, _> = read_sent(&receive).into_iter().collect();
        read.extend(read_by_parts);
        for handle in started {
            // A reader that panicked leaves its files to `prefetch`, which reads them again.
            if let Ok(part) = handle.join() {
                read.extend(part);
            }
        }
        read
    }
}

/// Reads what the walk has sent until the channel is empty and closed.
fn read_sent(receive: &Mutex<mpsc::Receiver<Vec<PathBuf>>>) -> ReadAhead {
    let mut read = Vec::new();
    loop {
        // A bundle at a time: the lock is held for the receive only.
        let next = receive.lock().map(|r| r.recv());
        let Ok(Ok(bundle)) = next else { break };
        for path in bundle {
            if let Some(ahead) = crate::read::read_ahead(&path) {
                read.push((path.into_os_string(), ahead));
            }
        }
    }
    read
}

/// Hands a file just selected, one wanted ahead (`read::wanted_ahead`: the caller asks), to
/// the readers, if any read ahead (`Walked::reading`).
fn read_soon(reading: &mut Option<Reading>, dir: &Path, name: &str) {
    if let Some(reading) = reading {
        reading.bundle.push(dir.join(name));
        if reading.bundle.len() >= READ_BUNDLE {
            reading.flush();
        }
    }
}

/// A symbolic link that resolves outside the run's root (see `paths::Roots`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct OutsideLink {
    /// The directory holding it, as in `Walked::dirs`.
    pub dir: PathBuf,
    /// Its name (lossy: it is only shown and matched against layouts).
    pub name: String,
    pub display: String,
    pub message: String,
    /// It resolves to a directory.
    pub is_dir: bool,
}

/// The path without `.` components (so `./a/./b` is `a/b`); `.` alone becomes empty.
pub(super) fn clean(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

pub(super) fn display(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut text: &str = &text;
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    if text.is_empty() {
        ".".to_string()
    } else {
        text.to_string()
    }
}

fn skip_dir(entry: &walkdir::DirEntry) -> bool {
    if entry.depth() == 0 || !entry.file_type().is_dir() {
        return false;
    }
    is_skipped_dir_name(&entry.file_name().to_string_lossy())
}

/// Whether discovery leaves a directory of this name unvisited: hidden ones, `.git`,
/// `node_modules`, `target`, `vendor`. `--staged` writes out no index entry below one.
pub(crate) fn is_skipped_dir_name(name: &str) -> bool {
    name.starts_with('.') || SKIP_DIRS.contains(&name)
}

/// Walks the given paths, reading nothing ahead.
#[cfg(test)]
fn walk(paths: &[PathBuf]) -> Walked {
    walk_in(paths, &mut Roots::new(std::env::current_dir().ok()), None)
}

/// Walks the given paths and reads the selected files: on other threads while it walks
/// once there are many, else on this thread after (see `Reading`). Returns the files it
/// read, by path, as `prefetch` would have read them.
///
/// `pass_over`: directories whose files concern nothing after the walk may be left out
/// (see `Walked::pass_over`); the caller knows whether anything else would look them up.
pub(super) fn walk_reading(
    paths: &[PathBuf],
    pass_over: bool,
) -> (Walked, HashMap<std::ffi::OsString, crate::read::Prefetched>) {
    let mut walked = walk_listing_ahead_from(
        paths,
        &mut Roots::new(std::env::current_dir().ok()),
        LIST_AHEAD_PATHS,
        Walked {
            reading: Some(Reading::new()),
            // A file given after a directory looks its listing up in `walking`.
            pass_over: pass_over && paths.len() == 1,
            ..Walked::default()
        },
    );
    let read = walked
        .reading
        .take()
        .map(Reading::finish)
        .unwrap_or_default();
    (walked, read)
}

/// `walk`, with the roots known so far (and the current directory they start from).
#[cfg(test)]
fn walk_in(paths: &[PathBuf], roots: &mut Roots, reading: Option<Reading>) -> Walked {
    walk_listing_ahead_from(
        paths,
        roots,
        LIST_AHEAD_PATHS,
        Walked {
            reading,
            ..Walked::default()
        },
    )
}

/// `walk_in`, listing ahead when at least `list_ahead_from` paths are given, into `walked`
/// (empty but for how it reads ahead and whether it passes directories over).
fn walk_listing_ahead_from(
    paths: &[PathBuf],
    roots: &mut Roots,
    list_ahead_from: usize,
    mut walked: Walked,
) -> Walked {
    let mut listings = if paths.len() >= list_ahead_from {
        list_ahead(paths, roots)
    } else {
        HashMap::new()
    };
    let mut parents = Parents::default();
    for arg in paths {
        // A file in a directory already listed is known to be a regular file from the
        // listing: thousands of files given by name cost no `stat` each.
        if listed_as_file(arg, &walked, &mut parents) || listed_ahead_as_file(arg, &listings) {
            add_single_file(arg, roots, &mut walked, &mut listings, &mut parents);
            continue;
        }
        let metadata = match fs::metadata(arg) {
            Ok(metadata) => metadata,
            Err(err) => {
                let message = if err.kind() == std::io::ErrorKind::NotFound {
                    walked.missing.push(arg.clone());
                    "no such file or directory: check the path".to_string()
                } else {
                    err.to_string()
                };
                walked.errors.push(FileError {
                    display: display(arg),
                    message,
                });
                continue;
            }
        };
        if metadata.is_dir() {
            // A path given that is, or goes through, a link out of the root is not entered.
            if let Some(message) = roots.leaves_root(arg) {
                walked.errors.push(FileError {
                    display: display(arg),
                    message,
                });
                continue;
            }
            walk_dir(arg, roots, &mut walked);
        } else if metadata.is_file() {
            add_single_file(arg, roots, &mut walked, &mut listings, &mut parents);
        } else {
            // Reading a FIFO waits for a writer forever; a device may never end.
            walked.errors.push(FileError {
                display: display(arg),
                message: NOT_REGULAR.to_string(),
            });
        }
    }
    walked.dirs = in_path_order(std::mem::take(&mut walked.walking));
    walked.passed = HashMap::new();
    walked
}

/// The directories in path order (`Path`'s), for what comes next. The map is built from them
/// in order already, so it compares each only with its neighbour.
fn in_path_order(walking: HashMap<std::ffi::OsString, DirFiles>) -> BTreeMap<PathBuf, DirFiles> {
    let mut dirs: Vec<Option<(PathBuf, DirFiles)>> = walking
        .into_iter()
        .map(|(key, dir)| Some((PathBuf::from(key), dir)))
        .collect();
    let order = path_order(dirs.iter().flatten().map(|(path, _)| path.as_path()));
    order
        .into_iter()
        .filter_map(|i| dirs.get_mut(i).and_then(Option::take))
        .collect()
}

/// The indexes of `paths` in `Path`'s order (component by component), each path split into
/// components once: comparing two paths splits both again from the start, which made
/// sorting thousands of directories a few percent of a run.
fn path_order<'a>(paths: impl Iterator<Item = &'a Path>) -> Vec<usize> {
    // `Component`'s order: the root, `.`, `..`, then names by their bytes.
    let rank = |c: Component| match c {
        Component::Prefix(_) => 0u8,
        Component::RootDir => 1,
        Component::CurDir => 2,
        Component::ParentDir => 3,
        Component::Normal(_) => 4,
    };
    let keys: Vec<Vec<(u8, &[u8])>> = paths
        .map(|path| {
            path.components()
                .map(|c| (rank(c), c.as_os_str().as_encoded_bytes()))
                .collect()
        })
        .collect();
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_unstable_by(|&a, &b| keys[a].cmp(&keys[b]));
    order
}

/// What is known of the directory of the last file given: files given in a row mostly share
/// their directory, and comparing bytes is cheaper than cleaning the path again or hashing
/// it (component by component) to look its verdict up.
#[derive(Default)]
struct Parents {
    last: Option<Parent>,
}

struct Parent {
    /// The directory as the file's path has it.
    path: PathBuf,
    /// Its key (`clean`).
    key: PathBuf,
    /// `Roots::leaves_root` of `key`, once asked.
    leaves_root: Option<Option<String>>,
}

impl Parents {
    fn of(&mut self, parent: &Path) -> &mut Parent {
        let last = match self.last.take() {
            Some(last) if last.path.as_os_str() == parent.as_os_str() => last,
            _ => Parent {
                path: parent.to_path_buf(),
                key: clean(parent),
                leaves_root: None,
            },
        };
        self.last.insert(last)
    }
}

impl Parent {
    fn leaves_root(&mut self, roots: &mut Roots) -> Option<String> {
        self.leaves_root
            .get_or_insert_with(|| roots.leaves_root(&self.key))
            .clone()
    }
}

/// Whether the listing of `arg`'s directory (the walk's, or `list`'s for an earlier file
/// given) saw `arg` as a regular file, not a link.
fn listed_as_file(arg: &Path, walked: &Walked, parents: &mut Parents) -> bool {
    // `a.sql/` names a directory: `stat` says it is not one.
    if arg.as_os_str().as_encoded_bytes().ends_with(b"/") {
        return false;
    }
    let (Some(parent), Some(name)) = (arg.parent(), arg.file_name().and_then(|n| n.to_str()))
    else {
        return false;
    };
    walked
        .walking
        .get(parents.of(parent).key.as_os_str())
        .is_some_and(|dir| dir.listed && dir.names.contains(name) && !dir.symlinks.contains(name))
}

/// Whether the walk must not follow `entry`: a symbolic link (the walk knows which entries
/// are: no syscall for the others) whose target resolves outside the root of `arg`. Each
/// link met is resolved once; the root is found at the first one. The link is recorded in
/// `outside`. A link the walk could not stat (dangling, a loop) never gets here: walkdir
/// reports it as an error.
fn leads_out(
    entry: &walkdir::DirEntry,
    arg: &Path,
    roots: &mut Roots,
    outside: &mut Vec<OutsideLink>,
) -> bool {
    if entry.depth() == 0 || !entry.path_is_symlink() {
        return false;
    }
    let path = entry.path();
    let message = match fs::canonicalize(path) {
        Ok(real) => roots.outside(arg, &real, SYMLINK, || {
            link_text(path).unwrap_or_else(|| display(&real))
        }),
        // Gone since walkdir's stat: nothing to follow, and nothing read.
        Err(err) => Some(format!("cannot resolve the symlink ({err}): not followed")),
    };
    let Some(message) = message else {
        return false;
    };
    outside.push(OutsideLink {
        dir: clean(path.parent().unwrap_or(Path::new(""))),
        name: entry.file_name().to_string_lossy().into_owned(),
        display: display(path),
        message,
        is_dir: entry.file_type().is_dir(),
    });
    true
}

/// Walks the directory `arg`: in parts on all cores where that finds what one walk finds
/// (`split`: no links), else in one.
fn walk_dir(arg: &Path, roots: &mut Roots, walked: &mut Walked) {
    let reads = walked.reading.is_some();
    match split::walk_split(arg, reads, false) {
        Some(split) => gather_split(arg, split, walked),
        None => walk_dir_in_one(arg, roots, walked),
    }
}

/// What the parts of a walk of `arg` met, added to `walked` as one walk adds it.
fn gather_split(arg: &Path, split: split::Split, walked: &mut Walked) {
    let mut gather = Gather::new(arg);
    for met in split.parts.into_iter().flatten() {
        match met {
            split::Met::File { path, read } => gather.take_file(&path, false, read, walked),
            split::Met::Walked(entry) => gather.take(entry, walked),
        }
    }
    gather.finish(walked);
    if let Some(reading) = walked.reading.as_mut() {
        reading.read_by_parts.extend(split.read);
    }
}

/// Walks the directory `arg` in one walk, on this thread.
fn walk_dir_in_one(arg: &Path, roots: &mut Roots, walked: &mut Walked) {
    let mut outside = Vec::new();
    let walker = walkdir::WalkDir::new(arg)
        // Links are followed only where they stay in the root (`leads_out`): a link to `/`
        // would otherwise walk the whole machine, one to `/etc/passwd` read it.
        .follow_links(true)
        .sort_by(by_path)
        .into_iter()
        .filter_entry(|entry| !skip_dir(entry) && !leads_out(entry, arg, roots, &mut outside));
    let mut gather = Gather::new(arg);
    for entry in walker {
        gather.take(entry, walked);
    }
    gather.finish(walked);
    walked.outside.extend(outside);
}

/// Siblings share their parent's path: comparing whole paths orders them by name, without
/// splitting each path into components per comparison (`sort_by_file_name`).
fn by_path(a: &walkdir::DirEntry, b: &walkdir::DirEntry) -> std::cmp::Ordering {
    a.path().as_os_str().cmp(b.path().as_os_str())
}

/// What the walk of one path given meets, entry by entry, added to `Walked`.
struct Gather<'a> {
    arg: &'a Path,
    bound: PathBuf,
    /// Files come directory by directory: each directory's names are gathered, then added
    /// to its entry at once (sorted, so its name sets are built in bulk).
    batch: Option<Batch>,
}

impl Gather<'_> {
    fn new(arg: &Path) -> Gather<'_> {
        Gather {
            arg,
            bound: clean(arg),
            batch: None,
        }
    }

    /// One entry of a walk by walkdir (its files are not read yet).
    fn take(&mut self, entry: walkdir::Result<walkdir::DirEntry>, walked: &mut Walked) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                // A symlink loop is not an error: the directory was walked already.
                if err.loop_ancestor().is_none() {
                    let path = err.path().map(display).unwrap_or_else(|| display(self.arg));
                    // Listing a directory needs `x` as well as `r`: `chmod a+r` is not enough.
                    let unlistable = err.path().is_some_and(Path::is_dir)
                        && err
                            .io_error()
                            .is_some_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied);
                    let message = match err.io_error() {
                        _ if unlistable => DIR_PERMISSION.to_string(),
                        Some(io) => crate::model::read_error(io),
                        None => err.to_string(),
                    };
                    walked.errors.push(FileError {
                        display: path,
                        message,
                    });
                }
                return;
            }
        };
        if entry.file_type().is_file() {
            self.take_file(entry.path(), entry.path_is_symlink(), false, walked);
        }
    }

    /// A file met, at `path` as walked; `symlink`: the walk reached it through a link;
    /// `read`: read already (by the split walk), not for the readers.
    fn take_file(&mut self, path: &Path, symlink: bool, read: bool, walked: &mut Walked) {
        let Some(parent) = path.parent() else {
            return;
        };
        let Some(name) = utf8_name(path, walked) else {
            return;
        };
        let same_dir = self
            .batch
            .as_ref()
            .is_some_and(|b| b.walked_dir.as_path() == parent);
        if !same_dir {
            if let Some(done) = self.batch.take() {
                done.add_to(walked, &self.bound);
            }
            self.batch = Some(Batch {
                walked_dir: parent.to_path_buf(),
                read,
                ..Batch::default()
            });
        }
        if let Some(batch) = self.batch.as_mut() {
            if symlink {
                batch.symlinks.push(name.clone());
            }
            batch.names.push(name);
        }
    }

    fn finish(self, walked: &mut Walked) {
        if let Some(done) = self.batch {
            done.add_to(walked, &self.bound);
        }
    }
}

/// The files of one directory met in a row by the walk, in walk (name) order.
#[derive(Default)]
struct Batch {
    walked_dir: PathBuf,
    /// Its files were read already (by the split walk): not handed to the readers.
    read: bool,
    names: Vec<String>,
    symlinks: Vec<String>,
}

impl Batch {
    fn add_to(mut self, walked: &mut Walked, bound: &Path) {
        let key = clean(&self.walked_dir).into_os_string();
        if walked.pass_over {
            // The walk goes depth first: a directory's files come only while it is inside
            // that directory. One passed over that is not this one or above it is done:
            // its names go, and those held stay the directories above this one.
            walked
                .passed
                .retain(|passed, _| is_same_or_above(passed, &key));
            if !walked.walking.contains_key(&key) {
                // Its files met before (none of concern) come first, in the walk's order.
                let mut met = walked.passed.remove(&key).unwrap_or_default();
                met.names.append(&mut self.names);
                met.symlinks.append(&mut self.symlinks);
                if !met.names.iter().any(|n| layout::concerns_discovery(n)) {
                    walked.passed.insert(key, met);
                    return;
                }
                // It concerns discovery after all: as if it had never been passed over.
                self.names = met.names;
                self.symlinks = met.symlinks;
            }
        }
        let dir = walked.walking.entry(key).or_insert_with_key(|key| {
            let path = PathBuf::from(key.clone());
            DirFiles {
                path,
                bound: Some(bound.to_path_buf()),
                listed: true,
                ..DirFiles::default()
            }
        });
        let reads = walked.reading.is_some() && !self.read;
        for name in self
            .names
            .iter()
            .filter(|name| crate::read::wanted_ahead(name))
        {
            walked.order.push((dir.path.clone(), name.clone()));
            if reads {
                read_soon(&mut walked.reading, &dir.path, name);
            }
        }
        dir.symlinks.extend(self.symlinks);
        if dir.names.is_empty() && dir.selected.is_empty() {
            // Sorted input: built in bulk rather than one search per name.
            dir.names = self.names.iter().cloned().collect();
            dir.selected = self.names.into_iter().collect();
        } else {
            dir.names.extend(self.names.iter().cloned());
            dir.selected.extend(self.names);
        }
    }
}

/// Whether the directory key `dir` is `key` or one of the directories above it (keys are
/// `clean` paths: the empty key is the current directory, above every relative one).
fn is_same_or_above(dir: &std::ffi::OsStr, key: &std::ffi::OsStr) -> bool {
    let (dir, key) = (dir.as_encoded_bytes(), key.as_encoded_bytes());
    dir.is_empty()
        || key
            .strip_prefix(dir)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(b"/") || dir.ends_with(b"/"))
}

/// The file name of `path` as UTF-8. Names are matched and joined back as strings, so a name
/// that is not UTF-8 cannot be read through them: an SQL file with one is an error (the
/// migration tool may still run it), any other such file is left out.
fn utf8_name(path: &Path, walked: &mut Walked) -> Option<String> {
    let name = path.file_name()?;
    if let Some(name) = name.to_str() {
        return Some(name.to_string());
    }
    if super::layout::is_sql(&name.to_string_lossy()) {
        walked.errors.push(FileError {
            display: display(path),
            message: "the file name is not valid UTF-8: rename it".to_string(),
        });
    }
    None
}

fn add_single_file(
    arg: &Path,
    roots: &mut Roots,
    walked: &mut Walked,
    listings: &mut HashMap<PathBuf, Listing>,
    parents: &mut Parents,
) {
    let Some(name) = utf8_name(arg, walked) else {
        return;
    };
    let parent = parents.of(arg.parent().unwrap_or(Path::new("")));
    let dir_key = parent.key.clone();
    // A file given in a directory reached through a link out of the root is not read.
    if let Some(message) = parent.leaves_root(roots) {
        walked.errors.push(FileError {
            display: display(arg),
            message,
        });
        return;
    }
    let dir = walked
        .walking
        .entry(dir_key.clone().into_os_string())
        .or_insert_with(|| DirFiles {
            path: dir_key.clone(),
            bound: Some(dir_key.clone()),
            ..DirFiles::default()
        });
    if !dir.listed && dir.names.is_empty() {
        let ahead = listings.remove(&dir.path);
        list(dir, ahead, roots, &mut walked.outside);
    }
    // The listing (or an earlier walk of the directory) saw whether the file is a link, and
    // set it aside if it leads out; a name neither saw is asked for here.
    let mut refused = walked
        .outside
        .iter()
        .position(|link| link.dir == dir_key && link.name == name);
    if refused.is_none() && !dir.names.contains(&name) && !dir.refused.contains(&name) {
        if let Some(link) = link_out(arg, &dir_key, &name, roots) {
            walked.outside.push(link);
            refused = Some(walked.outside.len() - 1);
        } else if dir.listed && is_symlink(arg) {
            dir.symlinks.insert(name.clone());
        }
    }
    if let Some(i) = refused {
        // Given by name, it is an error wherever it is: the run was asked to check it.
        let link = walked.outside.remove(i);
        walked.errors.push(FileError {
            display: display(arg),
            message: link.message,
        });
        dir.refused.insert(name);
        return;
    }
    if dir.refused.contains(&name) {
        // Given twice: reported the first time.
        return;
    }
    dir.names.insert(name.clone());
    dir.selected.insert(name.clone());
    dir.named.insert(name.clone());
    if crate::read::wanted_ahead(&name) {
        read_soon(&mut walked.reading, &dir_key, &name);
    }
    walked.order.push((dir_key, name));
}

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(fs_path(path)).is_ok_and(|m| m.file_type().is_symlink())
}

/// The link at `path` (named `name`, in the directory `dir` as walked) when it resolves out
/// of the root; `None` for anything else, a link that cannot be resolved included (it is
/// then unreadable, and reported as such where it is read).
fn link_out(path: &Path, dir: &Path, name: &str, roots: &mut Roots) -> Option<OutsideLink> {
    if !is_symlink(path) {
        return None;
    }
    let real = fs::canonicalize(fs_path(path)).ok()?;
    let message = roots.outside(dir, &real, SYMLINK, || {
        link_text(path).unwrap_or_else(|| display(&real))
    })?;
    Some(OutsideLink {
        dir: dir.to_path_buf(),
        name: name.to_string(),
        display: display(&dir.join(name)),
        message,
        is_dir: real.is_dir(),
    })
}

/// A directory's entries as listed: each name with its type, as the listing gave it.
type Listing = Vec<(std::ffi::OsString, fs::FileType)>;

/// From this many paths given on, the directories of the files among them are listed ahead.
const LIST_AHEAD_PATHS: usize = 64;

/// The directories of thousands of files given by name (a file list from CI, a glob), listed
/// on all cores before the walk goes through the paths: listing them one by one was most of
/// the walk. Only directories whose path stays in the run's root are listed (the walk checks
/// each before it lists it); a path that is a directory is walked as before.
fn list_ahead(paths: &[PathBuf], roots: &mut Roots) -> HashMap<PathBuf, Listing> {
    let mut seen = HashSet::new();
    let mut dirs: Vec<PathBuf> = Vec::new();
    for arg in paths {
        let dir = clean(arg.parent().unwrap_or(Path::new("")));
        if seen.insert(dir.clone()) && roots.leaves_root(&dir).is_none() {
            dirs.push(dir);
        }
    }
    // A directory whose listing is missing (its worker panicked) is listed by `list`.
    crate::read::on_all_cores(&dirs, 16, |dir| Some((dir.clone(), read_listing(dir)?)))
        .into_iter()
        .collect()
}

fn read_listing(dir: &Path) -> Option<Listing> {
    let entries = fs::read_dir(fs_path(dir)).ok()?;
    Some(
        entries
            .flatten()
            .filter_map(|entry| Some((entry.file_name(), entry.file_type().ok()?)))
            .collect(),
    )
}

/// Whether `arg` is a regular file (not a link) by its directory's listing made ahead.
fn listed_ahead_as_file(arg: &Path, listings: &HashMap<PathBuf, Listing>) -> bool {
    if listings.is_empty() || arg.as_os_str().as_encoded_bytes().ends_with(b"/") {
        return false;
    }
    let (Some(parent), Some(name)) = (arg.parent(), arg.file_name()) else {
        return false;
    };
    listings
        .get(&clean(parent))
        .is_some_and(|entries| entries.iter().any(|(n, t)| n == name && t.is_file()))
}

/// The files of the directory of a file given (its partners: downs, `atlas.sum`...): the
/// listing's own types tell files from links without a `stat` each; links are resolved,
/// and those leading out of the root are set aside (`refused`, `outside`). `ahead` is the
/// directory's listing when `list_ahead` made it.
fn list(
    dir: &mut DirFiles,
    ahead: Option<Listing>,
    roots: &mut Roots,
    outside: &mut Vec<OutsideLink>,
) {
    let Some(entries) = ahead.or_else(|| read_listing(&dir.path)) else {
        return;
    };
    for (name, file_type) in entries {
        // A name that is not UTF-8 cannot be a partner's (those are UTF-8 names).
        let Ok(name) = name.into_string() else {
            continue;
        };
        if file_type.is_symlink() {
            let path = dir.path.join(&name);
            // Only a link to a file can be a partner; a directory given a file is not entered.
            if !fs_path(&path).is_file() {
                continue;
            }
            if let Some(link) = link_out(&path, &dir.path, &name, roots) {
                dir.refused.insert(name);
                outside.push(link);
                continue;
            }
            dir.symlinks.insert(name.clone());
        } else if !file_type.is_file() {
            continue;
        }
        dir.names.insert(name);
    }
    dir.listed = true;
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    /// `path_order` is `Path`'s order, where the bytes' order differs too: `/` before any
    /// other byte of a name, `..` before names that sort below `.`.
    #[test]
    fn path_order_is_the_order_of_paths() {
        let keys = [
            "a-b", "a/b", "a", "-x", "../z", "..", "../-y", "/abs/x", "/abs", "b/c/d", "b/c",
            "a.b", "a/b/c", "", "a/.b", "a/-b",
        ];
        let paths: Vec<&Path> = keys.iter().map(Path::new).collect();
        let ordered: Vec<&Path> = path_order(paths.iter().copied())
            .into_iter()
            .map(|i| paths[i])
            .collect();
        let mut expected = paths.clone();
        expected.sort();
        assert_eq!(ordered, expected);
        // Bytes alone would put `a-b` before `a/b`.
        let mut bytes = paths.clone();
        bytes.sort_by_key(|p| p.as_os_str().as_bytes());
        assert_ne!(bytes, expected);
    }

    /// Every `.sql` file the walk selects is read once, with its text, whether the readers
    /// start (from `READERS_FROM` files) or the walking thread reads them all; other files
    /// are not read ahead.
    #[test]
    fn files_are_read_ahead_below_and_above_the_readers_threshold() {
        for count in [3, READERS_FROM - 1, READERS_FROM, 2 * READERS_FROM + 7] {
            let tmp = tempfile::tempdir().unwrap();
            let root = tmp.path().canonicalize().unwrap();
            let path = |i: usize| {
                root.join(format!("d{}", i % 7))
                    .join(format!("{i:04}_m.sql"))
            };
            for i in 0..count {
                fs::create_dir_all(path(i).parent().unwrap()).unwrap();
                fs::write(path(i), format!("SELECT {i};")).unwrap();
            }
            fs::write(root.join("README.md"), "not read ahead").unwrap();
            let (walked, read) = walk_reading(std::slice::from_ref(&root), true);
            // README.md is walked, not read ahead: it has no place in the order.
            assert_eq!(walked.order.len(), count);
            assert_eq!(read.len(), count, "{count} files");
            for i in 0..count {
                let ahead = &read[path(i).as_os_str()];
                assert_eq!(ahead.text.as_deref(), Ok(format!("SELECT {i};").as_str()));
            }
        }
    }

    /// Passing over the directories whose files concern no migration leaves out those
    /// directories only: the others keep every name, those met before a subdirectory too
    /// (`000_docs/` below is met between `m/000_a.txt` and `m/001_a.sql`), and the order, the
    /// errors, the links refused and the files read are the same. With one path given only:
    /// a file given after it looks its directory's listing up.
    #[test]
    fn passing_directories_over_leaves_out_only_those_without_migrations() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        crate::paths::git_init(&root);
        let write = |path: &str| {
            let path = root.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "SELECT 1;").unwrap();
        };
        for path in [
            "README.md",
            "src/main.rs",
            "src/lib/a.rs",
            "src/lib/b.txt",
            "m/000_a.txt",
            "m/atlas.sum",
            "m/000_docs/notes.md",
            "m/001_a.sql",
            "m/V2__b.conf",
            "go/x.go",
            "tpl/a.sql.tmpl",
            "sum/atlas.sum",
        ] {
            write(path);
        }
        // Enough directories at the top for the walk in parts.
        for i in 0..20 {
            write(&format!("d{i:02}/x{i}.txt"));
        }
        write("d07/later/007_x.SQL");
        std::os::unix::fs::symlink("/etc/passwd", root.join("src/pw")).unwrap();
        let given = std::slice::from_ref(&root);
        let shown = |walked: &Walked| {
            let dirs: Vec<String> = walked.dirs.values().map(|d| format!("{d:?}")).collect();
            (
                dirs,
                format!(
                    "{:?}\n{:?}\n{:?}",
                    walked.order, walked.errors, walked.outside
                ),
            )
        };
        let (all, all_read) = walk_reading(given, false);
        let (passed, passed_read) = walk_reading(given, true);
        assert!(passed.passed.is_empty());
        let relative = |walked: &Walked| -> Vec<String> {
            walked
                .dirs
                .keys()
                .map(|k| k.strip_prefix(&root).unwrap().display().to_string())
                .collect()
        };
        assert_eq!(
            relative(&passed),
            ["d07/later", "go", "m", "sum", "tpl"],
            "{:?}",
            relative(&all)
        );
        let kept: Vec<String> = all
            .dirs
            .values()
            .filter(|d| d.names.iter().any(|n| layout::concerns_discovery(n)))
            .map(|d| format!("{d:?}"))
            .collect();
        let (passed_dirs, passed_rest) = shown(&passed);
        assert_eq!(passed_dirs, kept);
        assert_eq!(passed_rest, shown(&all).1);
        let m = &passed.dirs[&root.join("m")];
        assert_eq!(
            m.names.iter().collect::<Vec<_>>(),
            ["000_a.txt", "001_a.sql", "V2__b.conf", "atlas.sum"]
        );
        let texts = |read: HashMap<std::ffi::OsString, crate::read::Prefetched>| {
            read.into_iter()
                .map(|(p, a)| (p, a.text))
                .collect::<BTreeMap<_, _>>()
        };
        assert_eq!(texts(passed_read), texts(all_read));
        // Two paths given: nothing is passed over.
        let (two, _) = walk_reading(&[root.join("src"), root.join("m")], true);
        assert!(two.dirs.contains_key(&root.join("src/lib")));
    }

    /// Only a directory's own key and the keys above it count as above it: not a sibling
    /// whose name starts the same.
    #[test]
    fn a_directory_is_above_only_the_directories_below_it() {
        let above = |dir: &str, key: &str| is_same_or_above(dir.as_ref(), key.as_ref());
        assert!(above("", "a/b"));
        assert!(above("a", "a"));
        assert!(above("a", "a/b/c"));
        assert!(above("/r/a", "/r/a/b"));
        assert!(above("/", "/r"));
        assert!(!above("a", "ab"));
        assert!(!above("a/b", "a"));
        assert!(!above("/r/a", "/r/ab/c"));
        assert!(!above("a", ""));
    }

    /// Listing the directories ahead changes nothing the walk finds: partners not given,
    /// links out of the root (given, and beside the files given), files given twice.
    #[test]
    fn listing_ahead_finds_what_listing_one_by_one_finds() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        crate::paths::git_init(&root);
        let mut paths = Vec::new();
        for d in 0..3 {
            let dir = root.join(format!("m{d}"));
            fs::create_dir(&dir).unwrap();
            for i in 0..30 {
                fs::write(dir.join(format!("{i:03}_x.up.sql")), "SELECT 1;").unwrap();
                fs::write(dir.join(format!("{i:03}_x.down.sql")), "SELECT 1;").unwrap();
                paths.push(dir.join(format!("{i:03}_x.up.sql")));
            }
            std::os::unix::fs::symlink("/etc/passwd", dir.join("900_pw.down.sql")).unwrap();
            std::os::unix::fs::symlink("/", dir.join("up")).unwrap();
        }
        paths.push(root.join("m0/900_pw.down.sql"));
        paths.push(root.join("m1/000_x.up.sql"));
        paths.push(root.join("m2/nope.sql"));
        paths.push(root.join("m1/up/etc/passwd"));
        let walk = |from: usize| {
            let walked = walk_listing_ahead_from(
                &paths,
                &mut Roots::new(Some(root.clone())),
                from,
                Walked::default(),
            );
            format!(
                "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
                walked.dirs, walked.errors, walked.order, walked.outside, walked.missing
            )
        };
        let (one_by_one, ahead) = (walk(usize::MAX), walk(1));
        assert_eq!(one_by_one, ahead);
        assert!(ahead.contains("029_x.down.sql"), "{ahead}");
        assert!(ahead.contains("outside the repository"), "{ahead}");
        // Beside the files given (m1 has none of its links given), the link is seen in the
        // listing and refused.
        let walked = walk_listing_ahead_from(
            &paths,
            &mut Roots::new(Some(root.clone())),
            1,
            Walked::default(),
        );
        let m1 = &walked.dirs[&root.join("m1")];
        assert!(m1.refused.contains("900_pw.down.sql"), "{m1:?}");
        assert!(m1.names.contains("029_x.down.sql"), "{m1:?}");
    }

    fn messages(walked: &Walked) -> Vec<(String, String)> {
        walked
            .errors
            .iter()
            .map(|e| (e.display.clone(), e.message.clone()))
            .collect()
    }

    #[test]
    fn a_fifo_given_as_a_path_is_an_error_not_a_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("001_x.sql");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        // Before the fix, discovery then blocked reading the FIFO.
        let walked = walk(std::slice::from_ref(&fifo));
        assert_eq!(
            messages(&walked),
            [(display(&fifo), NOT_REGULAR.to_string())]
        );
        assert!(walked.dirs.is_empty());
    }

    #[test]
    fn a_file_name_that_is_not_utf8_is_named_not_reported_missing() {
        let dir = tempfile::tempdir().unwrap();
        let name = std::ffi::OsStr::from_bytes(b"002_\xff.sql");
        fs::write(dir.path().join(name), "DROP TABLE t;").unwrap();
        fs::write(
            dir.path().join(std::ffi::OsStr::from_bytes(b"n\xff.txt")),
            "x",
        )
        .unwrap();
        fs::write(dir.path().join("001_ok.sql"), "SELECT 1;").unwrap();
        for arg in [dir.path().to_path_buf(), dir.path().join(name)] {
            let walked = walk(std::slice::from_ref(&arg));
            let expected = (
                display(&dir.path().join(name)),
                "the file name is not valid UTF-8: rename it".to_string(),
            );
            assert_eq!(messages(&walked), [expected], "{arg:?}");
            let names: Vec<&String> = walked.dirs.values().flat_map(|d| &d.names).collect();
            assert!(names.iter().all(|n| !n.contains('\u{fffd}')), "{names:?}");
        }
    }

    // -----------------------------------------------------------------------------------
    // Symbolic links out of the root

    use std::os::unix::fs::symlink;
    use std::time::{Duration, Instant};

    fn outside(walked: &Walked) -> Vec<(String, String, bool)> {
        walked
            .outside
            .iter()
            .map(|l| (l.display.clone(), l.message.clone(), l.is_dir))
            .collect()
    }

    fn names(walked: &Walked) -> Vec<String> {
        walked
            .dirs
            .values()
            .flat_map(|d| d.names.iter().map(|n| display(&d.path.join(n))))
            .collect()
    }

    /// A repository (git) at a canonical temporary path, with `db/001_a.sql`.
    fn repo() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        crate::paths::git_init(&root);
        fs::create_dir(root.join("db")).unwrap();
        fs::write(root.join("db/001_a.sql"), "SELECT 1;").unwrap();
        (tmp, root)
    }

    #[test]
    fn links_out_of_the_repository_are_not_followed() {
        let (_tmp, root) = repo();
        let db = root.join("db");
        symlink("/", db.join("root")).unwrap();
        symlink("/etc/passwd", db.join("002_pw.sql")).unwrap();
        let started = Instant::now();
        // Before, walkdir followed `root` into the whole file system (minutes, gigabytes).
        let walked = walk_in(
            std::slice::from_ref(&db),
            &mut Roots::new(Some(root.clone())),
            None,
        );
        assert!(started.elapsed() < Duration::from_secs(10));
        let shown = |name: &str| display(&db.join(name));
        assert_eq!(
            outside(&walked),
            [
                (
                    shown("002_pw.sql"),
                    "symlink to a path outside the repository (/etc/passwd): not followed".into(),
                    false
                ),
                (
                    shown("root"),
                    "symlink to a path outside the repository (/): not followed".into(),
                    true
                ),
            ]
        );
        assert_eq!(names(&walked), [shown("001_a.sql")]);
        assert_eq!(walked.order.len(), 1);
        assert!(walked.errors.is_empty(), "{:?}", walked.errors);
    }

    #[test]
    fn links_inside_the_repository_are_followed_and_a_tree_without_links_asks_nothing() {
        let (_tmp, root) = repo();
        fs::create_dir(root.join("shared")).unwrap();
        fs::write(root.join("shared/002_b.sql"), "SELECT 2;").unwrap();
        let db = root.join("db");

        let mut roots = Roots::new(Some(root.clone()));
        let walked = walk_in(std::slice::from_ref(&db), &mut roots, None);
        assert!(
            !roots.looked_for_a_root(),
            "no link, yet a root was looked for"
        );
        assert_eq!(names(&walked), [display(&db.join("001_a.sql"))]);

        // Outside the directory walked, inside the repository: followed, as before.
        symlink("../shared", db.join("more")).unwrap();
        symlink("../shared/002_b.sql", db.join("003_c.sql")).unwrap();
        let walked = walk_in(
            std::slice::from_ref(&db),
            &mut Roots::new(Some(root.clone())),
            None,
        );
        assert_eq!(outside(&walked), []);
        assert_eq!(
            names(&walked),
            [
                display(&db.join("001_a.sql")),
                display(&db.join("003_c.sql")),
                display(&db.join("more/002_b.sql")),
            ]
        );
        let links: Vec<&String> = walked.dirs.values().flat_map(|d| &d.symlinks).collect();
        assert_eq!(links, ["003_c.sql"]);
    }

    #[test]
    fn link_loops_end() {
        let (_tmp, root) = repo();
        let db = root.join("db");
        symlink("b", db.join("a")).unwrap();
        symlink("a", db.join("b")).unwrap();
        symlink(".", db.join("again")).unwrap();
        symlink("..", db.join("up")).unwrap();
        let started = Instant::now();
        let walked = walk_in(
            std::slice::from_ref(&db),
            &mut Roots::new(Some(root.clone())),
            None,
        );
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(outside(&walked), []);
        // The looping pair cannot be read (met again through `up`); nothing else fails.
        let failed: Vec<&str> = walked.errors.iter().map(|e| e.display.as_str()).collect();
        assert_eq!(
            failed,
            [
                display(&db.join("a")),
                display(&db.join("b")),
                display(&db.join("up/db/a")),
                display(&db.join("up/db/b"))
            ]
        );
        assert!(names(&walked).contains(&display(&db.join("001_a.sql"))));
    }

    #[test]
    fn a_path_given_through_a_link_out_is_an_error() {
        let (_tmp, root) = repo();
        symlink("/", root.join("sys")).unwrap();
        symlink("/etc/passwd", root.join("db/002_pw.sql")).unwrap();
        let mut roots = Roots::new(Some(root.clone()));
        let given = [
            root.join("sys"),
            root.join("sys/etc"),
            root.join("sys/etc/passwd"),
            root.join("db/002_pw.sql"),
        ];
        let walked = walk_in(&given, &mut roots, None);
        let shown = |p: &PathBuf| display(p);
        assert_eq!(
            messages(&walked),
            [
                (
                    shown(&given[0]),
                    "symlink to a path outside the repository (/): not followed".into()
                ),
                (
                    shown(&given[1]),
                    "leads through a symlink to a path outside the repository (/etc): not \
                     followed"
                        .into()
                ),
                (
                    shown(&given[2]),
                    "leads through a symlink to a path outside the repository (/etc): not \
                     followed"
                        .into()
                ),
                (
                    shown(&given[3]),
                    "symlink to a path outside the repository (/etc/passwd): not followed".into()
                ),
            ]
        );
        assert!(walked.order.is_empty());
        assert_eq!(outside(&walked), []);
    }

    #[test]
    fn a_file_given_does_not_pair_with_a_link_out() {
        let (_tmp, root) = repo();
        let db = root.join("db");
        fs::write(db.join("002_b.up.sql"), "SELECT 2;").unwrap();
        symlink("/etc/passwd", db.join("002_b.down.sql")).unwrap();
        symlink("001_a.sql", db.join("003_same.sql")).unwrap();
        let walked = walk_in(
            &[db.join("002_b.up.sql")],
            &mut Roots::new(Some(root.clone())),
            None,
        );
        assert_eq!(
            outside(&walked),
            [(
                display(&db.join("002_b.down.sql")),
                "symlink to a path outside the repository (/etc/passwd): not followed".into(),
                false
            )]
        );
        let dir = &walked.dirs[&db];
        assert!(!dir.names.contains("002_b.down.sql"));
        assert!(dir.names.contains("003_same.sql"));
        // The listing saw every name's type: which are links is known without an lstat each.
        assert!(dir.listed);
        assert_eq!(dir.symlinks, BTreeSet::from(["003_same.sql".to_string()]));
        assert_eq!(dir.selected, BTreeSet::from(["002_b.up.sql".to_string()]));
    }
}
