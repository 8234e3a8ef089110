//! Walking a directory in parts: its subdirectories on all cores, a migration's directory
//! read as it is listed. A layout of one directory per migration (Prisma, diesel) is hundreds
//! of small directories, each a few syscalls to list and a file or two to read: one after the
//! other, that was most of a run, on one core while the others waited.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::{by_path, clean, is_skipped_dir_name, skip_dir, Listing, ReadAhead};
use crate::read::{read_ahead, wanted_ahead};

/// Subdirectories per thread, at least: from twice this many on, they are walked on several
/// threads (up to one per core); below, starting a thread costs more than it saves, and
/// this thread walks them all.
const DIRS_PER_THREAD: usize = 8;

/// What one walk of a directory meets, found in parts, in the order one walk meets it: the
/// parts one after the other (each subdirectory's walk as it was found, not copied into one
/// list: a large subtree is megabytes of entries).
pub(super) struct Split {
    pub(super) parts: Vec<Vec<Met>>,
    /// The files read as they were met.
    pub(super) read: ReadAhead,
}

pub(super) enum Met {
    /// A regular file (no link), by its path as walked; `read`: read already (in `read`,
    /// if it could be).
    File { path: PathBuf, read: bool },
    /// An entry of a subdirectory's walk (by walkdir: a subdirectory with directories),
    /// not read: the walk's readers read its files.
    Walked(walkdir::Result<walkdir::DirEntry>),
}

/// One subdirectory's walk.
#[derive(Default)]
struct Subtree {
    entries: Vec<Met>,
    read: ReadAhead,
}

/// Walks `arg` in parts: its own listing here, then each subdirectory's walk, on all cores
/// when there are many. `read`: those threads read the files wanted ahead in subdirectories
/// of files only (a migration's), as they list them. The rest is left to the walk's readers
/// (`Reading`): a thread that read a large subtree on its own, or this thread reading
/// all the parts, would take longer than the readers, which read while the walk goes on.
///
/// `None` wherever the parts could find other than one walk (the caller then walks `arg`
/// in one): a symbolic link anywhere (one walk follows a link only where it stays in the
/// root, and tells a loop through the directories above a part), an error listing `arg`
/// itself, or a part lost to a panic. Without links, a walk of `arg` is its own listing
/// in name order with each subdirectory's walk in its place, which the parts are (the same
/// paths, the same order, the same errors where they are).
///
/// `arg` itself is listed with `read_dir`, not walkdir: walkdir opens, reads and sorts a
/// directory when it meets it, before its depth limit (or `skip_current_dir`) leaves it,
/// which listed every subdirectory twice.
///
/// `None` too where `arg` has subdirectories but too few for a second thread, unless
/// `on_one_thread` (the tests): one walk then goes through them as it meets them, where the
/// parts would hold each one's whole walk until the end (a repository's `src/`: tens of
/// thousands of entries). A directory of files only stays its listing.
pub(super) fn walk_split(arg: &Path, read: bool, on_one_thread: bool) -> Option<Split> {
    let mut top: Vec<(OsString, bool)> = Vec::new();
    for (name, file_type) in listing(arg)? {
        if file_type.is_symlink() {
            return None;
        }
        if file_type.is_dir() {
            if !is_skipped_dir_name(&name.to_string_lossy()) {
                top.push((name, true));
            }
        } else if file_type.is_file() {
            top.push((name, false));
        }
    }
    let subdirs: Vec<PathBuf> = top
        .iter()
        .filter(|(_, is_dir)| *is_dir)
        .map(|(name, _)| arg.join(name))
        .collect();
    if !subdirs.is_empty()
        && !on_one_thread
        && sqlgate_core::threads_for(subdirs.len() / DIRS_PER_THREAD) <= 1
    {
        return None;
    }
    let mut subtrees = walk_subtrees(&subdirs, read)?.into_iter();
    let mut split = Split {
        parts: Vec::with_capacity(subdirs.len() + 1),
        read: Vec::new(),
    };
    // The files between two subdirectories are one part.
    let mut files = Vec::new();
    for (name, is_dir) in top {
        if !is_dir {
            let path = arg.join(name);
            files.push(Met::File { path, read: false });
            continue;
        }
        let subtree = subtrees.next()?;
        if !files.is_empty() {
            split.parts.push(std::mem::take(&mut files));
        }
        split.parts.push(subtree.entries);
        split.read.extend(subtree.read);
    }
    split.parts.push(files);
    Some(split)
}

/// Each directory's walk, in their order; `None` if any met a link or was lost.
fn walk_subtrees(dirs: &[PathBuf], read: bool) -> Option<Vec<Subtree>> {
    let threads = sqlgate_core::threads_for(dirs.len() / DIRS_PER_THREAD);
    if threads <= 1 {
        // No subdirectory, or parts asked for on one thread (`walk_split`).
        return dirs.iter().map(|dir| walk_subtree(dir, false)).collect();
    }
    // Directories are taken one at a time, in order: their sizes vary, and taking one is an
    // atomic add, where a directory is tens of microseconds of syscalls.
    let next = AtomicUsize::new(0);
    let link_met = AtomicBool::new(false);
    let work = || {
        let mut done = Vec::new();
        while !link_met.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(dir) = dirs.get(i) else { break };
            match walk_subtree(dir, read) {
                Some(subtree) => done.push((i, subtree)),
                None => link_met.store(true, Ordering::Relaxed),
            }
        }
        done
    };
    let mut slots: Vec<Option<Subtree>> = dirs.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        // A thread that cannot start leaves its share to the others; this thread is one.
        let others: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, work).ok())
            .collect();
        let mine = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
        let parts = others.into_iter().filter_map(|handle| handle.join().ok());
        for (i, subtree) in parts.chain(mine.ok()).flatten() {
            if let Some(slot) = slots.get_mut(i) {
                *slot = Some(subtree);
            }
        }
    });
    if link_met.into_inner() {
        return None;
    }
    slots.into_iter().collect()
}

/// The walk of `dir` (which is no link), reading its files wanted ahead when `read` and it
/// has no subdirectory; `None` at the first link.
fn walk_subtree(dir: &Path, read: bool) -> Option<Subtree> {
    let mut subtree = Subtree::default();
    // A directory of files only (a migration's) is its listing: walkdir would `stat` it
    // again first, as the root of its walk.
    if let Some(names) = files_only(dir)? {
        for name in names {
            let path = dir.join(name);
            if read {
                read_into(&path, &mut subtree.read);
            }
            subtree.entries.push(Met::File { path, read });
        }
        return Some(subtree);
    }
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by(by_path)
        .into_iter()
        .filter_entry(|entry| !skip_dir(entry))
    {
        if let Ok(entry) = &entry {
            if entry.path_is_symlink() {
                return None;
            }
        }
        subtree.entries.push(Met::Walked(entry));
    }
    Some(subtree)
}

/// The names of the regular files in `dir`, in name order, when it holds nothing else
/// walked (other kinds of files are not walked further). `Some(None)`: it has
/// subdirectories, or could not be listed (walkdir then reports it where one walk does).
/// `None`: it holds a link.
fn files_only(dir: &Path) -> Option<Option<Vec<OsString>>> {
    let Some(entries) = listing(dir) else {
        return Some(None);
    };
    let mut names = Vec::new();
    for (name, file_type) in entries {
        if file_type.is_symlink() {
            return None;
        }
        if file_type.is_dir() {
            return Some(None);
        }
        if file_type.is_file() {
            names.push(name);
        }
    }
    Some(Some(names))
}

/// `dir`'s entries with their types, in name order (one walk orders siblings by path,
/// `by_path`: by name, as they share the rest). `None` if it cannot be listed or an entry
/// cannot be read: unlike `read_listing`, which leaves such an entry out, a part must find
/// all that one walk finds, or leave the directory to it.
fn listing(dir: &Path) -> Option<Listing> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).ok()? {
        let entry = entry.ok()?;
        entries.push((entry.file_name(), entry.file_type().ok()?));
    }
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Some(entries)
}

/// Reads the file at `path` if it is wanted ahead, under the path the walk gives it (its
/// directory `clean`, joined with its name), which is where discovery looks for it.
fn read_into(path: &Path, read: &mut ReadAhead) {
    let (Some(parent), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str()))
    else {
        return;
    };
    if !wanted_ahead(name) {
        return;
    }
    let path = clean(parent).join(name);
    if let Some(ahead) = read_ahead(&path) {
        read.push((path.into_os_string(), ahead));
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::super::{walk_dir, walk_dir_in_one, Reading, Walked};
    use super::*;
    use crate::paths::Roots;
    use std::os::unix::ffi::OsStrExt;

    /// Everything a walk leaves in `Walked`, and the files read, in a comparable form.
    fn walk_with(arg: &Path, walk: fn(&Path, &mut Roots, &mut Walked)) -> String {
        let mut walked = Walked {
            reading: Some(Reading::new()),
            ..Walked::default()
        };
        walk(arg, &mut Roots::new(Some(arg.to_path_buf())), &mut walked);
        let read: std::collections::BTreeMap<_, _> = walked
            .reading
            .take()
            .map(Reading::finish)
            .unwrap_or_default()
            .into_iter()
            .map(|(path, ahead)| (path, ahead.text))
            .collect();
        let dirs: std::collections::BTreeMap<_, _> = walked
            .walking
            .iter()
            .map(|(key, dir)| (key.clone(), format!("{dir:?}")))
            .collect();
        format!(
            "order {:#?}\nerrors {:#?}\noutside {:#?}\ndirs {dirs:#?}\nread {read:#?}",
            walked.order, walked.errors, walked.outside
        )
    }

    /// A tree with what a walk meets: files beside directories and between them by name,
    /// nested directories, skipped ones, an empty one, other kinds of files, names that are
    /// not UTF-8.
    fn tree(root: &Path, subdirs: usize) {
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        write("000_first.sql", "SELECT 0;");
        write("README.md", "not read");
        for i in 0..subdirs {
            write(&format!("d{i:02}/migration.sql"), &format!("SELECT {i};"));
            write(&format!("d{i:02}/down.SQL"), "SELECT 'down';");
            write(&format!("d{i:02}/notes.txt"), "not read");
        }
        write("d01_between.sql", "SELECT 'between';");
        write("d00/nested/deeper/001_x.sql", "SELECT 'deep';");
        write("d00/nested/002_y.sql", "SELECT 'nested';");
        write("d00/.hidden/001_h.sql", "SELECT 'hidden';");
        write("d01/node_modules/001_n.sql", "SELECT 'skipped';");
        write("node_modules/001_n.sql", "SELECT 'skipped';");
        write(".git/001_g.sql", "SELECT 'skipped';");
        fs::create_dir_all(root.join("d02/empty")).unwrap();
        fs::create_dir_all(root.join("zz_empty")).unwrap();
        let bad = root
            .join("d01")
            .join(std::ffi::OsStr::from_bytes(b"002_\xff.sql"));
        fs::write(bad, "SELECT 'bad name';").unwrap();
        let other = root.join(std::ffi::OsStr::from_bytes(b"n\xff.txt"));
        fs::write(other, "x").unwrap();
        let fifo = root.join("d02/003_fifo.sql");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|status| status.success()));
    }

    /// In parts, on this thread (few subdirectories) or on all cores (many), the walk finds
    /// what one walk finds, in the same order, and reads the same files.
    #[test]
    fn the_parts_find_what_one_walk_finds() {
        for subdirs in [3, 2 * DIRS_PER_THREAD, 40 * DIRS_PER_THREAD + 1] {
            let tmp = tempfile::tempdir().unwrap();
            let root = tmp.path().canonicalize().unwrap();
            tree(&root, subdirs);
            assert!(
                walk_split(&root, true, true).is_some(),
                "{subdirs} subdirectories"
            );
            let in_one = walk_with(&root, walk_dir_in_one);
            assert_eq!(
                walk_with(&root, walk_in_parts),
                in_one,
                "{subdirs} subdirectories"
            );
            assert_eq!(
                walk_with(&root, walk_dir),
                in_one,
                "{subdirs} subdirectories"
            );
            // The tree's features were met: reads, skipped directories, the bad name.
            assert!(in_one.contains("SELECT 'deep';"), "{in_one}");
            assert!(!in_one.contains("skipped"), "{in_one}");
            assert!(in_one.contains("not valid UTF-8"), "{in_one}");
            // Through a path written another way (`./`, a trailing `/`).
            let dotted = root.join(".").join("");
            assert_eq!(
                walk_with(&dotted, walk_in_parts),
                walk_with(&dotted, walk_dir_in_one)
            );
        }
    }

    /// `walk_dir`'s parts whatever the cores: on one thread where they are few.
    fn walk_in_parts(arg: &Path, roots: &mut Roots, walked: &mut Walked) {
        match walk_split(arg, true, true) {
            Some(split) => super::super::gather_split(arg, split, walked),
            None => walk_dir_in_one(arg, roots, walked),
        }
    }

    /// Few subdirectories on one core, or a few on any machine, are one walk's: the parts
    /// would hold their whole walks; a directory of files only is its listing.
    #[test]
    fn few_subdirectories_are_left_to_one_walk() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        tree(&root, 3);
        assert!(walk_split(&root, true, false).is_none());
        let flat = root.join("d00");
        fs::remove_dir_all(flat.join("nested")).unwrap();
        fs::remove_dir_all(flat.join(".hidden")).unwrap();
        let split = walk_split(&flat, true, false).expect("files only: its listing");
        assert_eq!(
            split.parts.iter().flatten().count(),
            fs::read_dir(&flat).unwrap().count()
        );
    }

    /// A link anywhere, at the top or below, leaves the directory to one walk: only it
    /// follows links where they stay in the root, and tells loops.
    #[test]
    fn a_link_anywhere_leaves_the_directory_to_one_walk() {
        for link in ["d05/link.sql", "d05/nested/up", "top_link"] {
            let tmp = tempfile::tempdir().unwrap();
            let root = tmp.path().canonicalize().unwrap();
            tree(&root, 2 * DIRS_PER_THREAD + 2);
            let link = root.join(link);
            fs::create_dir_all(link.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(&root, &link).unwrap();
            assert!(walk_split(&root, true, true).is_none(), "{link:?}");
            let mut walked = Walked::default();
            walk_dir(&root, &mut Roots::new(Some(root.clone())), &mut walked);
            let mut in_one = Walked::default();
            walk_dir_in_one(&root, &mut Roots::new(Some(root.clone())), &mut in_one);
            assert_eq!(walked.order, in_one.order, "{link:?}");
        }
    }
}
