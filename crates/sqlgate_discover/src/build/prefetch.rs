//! Reading ahead: every selected `.sql` file and `atlas.sum`, read and decoded on all cores
//! before the builder goes through the directories.

use foldhash::{HashMap, HashMapExt};
use std::path::{Path, PathBuf};

use crate::read::{on_all_cores, read_ahead, wanted_ahead, FileKey, Prefetched};
use crate::walk::Walked;

/// Reads and decodes every selected `.sql` file and `atlas.sum` on all cores: for thousands
/// of small migrations, reading them one after the other is most of discovery's time. Each
/// file is opened once; its identity comes from the open file (`fstat`), not another lookup.
/// `read`: the files the walk's readers read already (`walk::walk_reading`); the others
/// wanted are read here.
pub(super) fn prefetch(
    walked: &mut Walked,
    mut read: HashMap<std::ffi::OsString, Prefetched>,
) -> HashMap<std::ffi::OsString, Prefetched> {
    // (index into the walk's order, path) of each file read ahead.
    let wanted: Vec<(usize, PathBuf)> = walked
        .order
        .iter()
        .enumerate()
        .filter(|(_, (_, name))| wanted_ahead(name))
        .map(|(i, (dir, name))| (i, dir.join(name)))
        .collect();
    let paths: Vec<&PathBuf> = wanted
        .iter()
        .map(|(_, path)| path)
        .filter(|path| !read.contains_key(path.as_os_str()))
        .collect();
    // A file whose worker panicked is left to `load`, which reads it itself.
    read.extend(on_all_cores(&paths, 64, |path| {
        Some((path.as_os_str().to_os_string(), read_ahead(path)?))
    }));
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
