//! Reading ahead: every selected `.sql` file and `atlas.sum`, read and decoded on all cores
//! before the builder goes through the directories.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::paths::fs_path;
#[cfg(not(unix))]
use crate::walk::file_key;
use crate::walk::{FileKey, Walked};

/// A file read ahead: its identity and its text, or why it could not be read.
pub(super) struct Prefetched {
    pub(super) key: FileKey,
    pub(super) text: Result<String, String>,
}

/// Reads and decodes every selected `.sql` file and `atlas.sum` on all cores: for thousands
/// of small migrations, reading them one after the other is most of discovery's time. Each
/// file is opened once; its identity comes from the open file (`fstat`), not another lookup.
pub(super) fn prefetch(walked: &mut Walked) -> HashMap<std::ffi::OsString, Prefetched> {
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
        Err(err) => Err(crate::model::read_error(&err)),
    };
    Some(Prefetched { key, text })
}
