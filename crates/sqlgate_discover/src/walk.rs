//! Walking the given paths: which files exist in which directory, which of them were asked for.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::model::FileError;
use crate::paths::fs_path;

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
    /// Highest directory checked for a `Cargo.toml` (the path given, or for a single file its
    /// directory); `None` means no bound beyond the path as written.
    pub bound: Option<PathBuf>,
}

#[derive(Debug, Default)]
pub(super) struct Walked {
    pub dirs: BTreeMap<PathBuf, DirFiles>,
    pub errors: Vec<FileError>,
    /// Every selection in the order the walk made it, as (directory, name): a file reached
    /// twice (a symlink, overlapping paths) is kept where it was reached first. Discovery
    /// tells which are the same file when it opens them.
    pub order: Vec<(PathBuf, String)>,
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

pub(super) fn walk(paths: &[PathBuf]) -> Walked {
    let mut walked = Walked::default();
    for arg in paths {
        let metadata = match fs::metadata(arg) {
            Ok(metadata) => metadata,
            Err(err) => {
                let message = if err.kind() == std::io::ErrorKind::NotFound {
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
            walk_dir(arg, &mut walked);
        } else if metadata.is_file() {
            add_single_file(arg, &mut walked);
        } else {
            // Reading a FIFO waits for a writer forever; a device may never end.
            walked.errors.push(FileError {
                display: display(arg),
                message: NOT_REGULAR.to_string(),
            });
        }
    }
    walked
}

/// What makes two paths the same file: device and inode on Unix (one `stat`), the canonical
/// path elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum FileKey {
    #[cfg_attr(not(unix), allow(dead_code))]
    Inode(u64, u64),
    Path(PathBuf),
}

pub(super) fn file_key(path: &Path) -> FileKey {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(metadata) = fs::metadata(fs_path(path)) {
            return FileKey::Inode(metadata.dev(), metadata.ino());
        }
    }
    FileKey::Path(fs::canonicalize(fs_path(path)).unwrap_or_else(|_| path.to_path_buf()))
}

fn walk_dir(arg: &Path, walked: &mut Walked) {
    let bound = clean(arg);
    let walker = walkdir::WalkDir::new(arg)
        .follow_links(true)
        // Siblings share their parent's path: comparing whole paths orders them by name,
        // without splitting each path into components per comparison (`sort_by_file_name`).
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
        .into_iter()
        .filter_entry(|entry| !skip_dir(entry));
    // Files come directory by directory: each directory's names are gathered, then added
    // to its entry at once (sorted, so its name sets are built in bulk).
    let mut batch: Option<Batch> = None;
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                // A symlink loop is not an error: the directory was walked already.
                if err.loop_ancestor().is_none() {
                    let path = err.path().map(display).unwrap_or_else(|| display(arg));
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
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(parent) = entry.path().parent() else {
            continue;
        };
        let Some(name) = utf8_name(entry.path(), walked) else {
            continue;
        };
        let same_dir = batch
            .as_ref()
            .is_some_and(|b| b.walked_dir.as_path() == parent);
        if !same_dir {
            if let Some(done) = batch.take() {
                done.add_to(walked, &bound);
            }
            batch = Some(Batch {
                walked_dir: parent.to_path_buf(),
                ..Batch::default()
            });
        }
        if let Some(batch) = batch.as_mut() {
            if entry.path_is_symlink() {
                batch.symlinks.push(name.clone());
            }
            batch.names.push(name);
        }
    }
    if let Some(done) = batch {
        done.add_to(walked, &bound);
    }
}

/// The files of one directory met in a row by the walk, in walk (name) order.
#[derive(Default)]
struct Batch {
    walked_dir: PathBuf,
    names: Vec<String>,
    symlinks: Vec<String>,
}

impl Batch {
    fn add_to(self, walked: &mut Walked, bound: &Path) {
        let key = clean(&self.walked_dir);
        let dir = walked.dirs.entry(key).or_insert_with_key(|key| DirFiles {
            path: key.clone(),
            bound: Some(bound.to_path_buf()),
            listed: true,
            ..DirFiles::default()
        });
        walked.order.extend(
            self.names
                .iter()
                .map(|name| (dir.path.clone(), name.clone())),
        );
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

fn add_single_file(arg: &Path, walked: &mut Walked) {
    let Some(name) = utf8_name(arg, walked) else {
        return;
    };
    let dir_key = clean(arg.parent().unwrap_or(Path::new("")));
    let dir = walked
        .dirs
        .entry(dir_key.clone())
        .or_insert_with(|| DirFiles {
            path: dir_key.clone(),
            bound: Some(dir_key.clone()),
            ..DirFiles::default()
        });
    if dir.names.is_empty() {
        if let Ok(entries) = fs::read_dir(fs_path(&dir_key)) {
            for entry in entries.flatten() {
                if !entry.path().is_file() {
                    continue;
                }
                // A name that is not UTF-8 cannot be a partner's (those are UTF-8 names).
                if let Ok(name) = entry.file_name().into_string() {
                    dir.names.insert(name);
                }
            }
        }
    }
    dir.names.insert(name.clone());
    dir.selected.insert(name.clone());
    walked.order.push((dir_key, name));
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

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
}
