//! Reading a file once: its identity (to tell two paths to one file apart) and its text.
//! Used by the walk's readers and by the builder's reading ahead.

use std::fs;
use std::path::{Path, PathBuf};

use crate::paths::fs_path;

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

/// A file read ahead: its identity and its text, or why it could not be read.
#[derive(Debug)]
pub(crate) struct Prefetched {
    pub(crate) key: FileKey,
    pub(crate) text: Result<String, String>,
}

/// Whether a file of this name is read ahead: `.sql` files and `atlas.sum`.
pub(crate) fn wanted_ahead(name: &str) -> bool {
    crate::layout::is_read_ahead(name)
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
pub(crate) fn read_ahead(path: &Path) -> Option<Prefetched> {
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

/// `work` on each item, spread over the available cores in contiguous chunks of at least
/// `per_worker` items (small inputs stay on one thread): what it returned, in no particular
/// order. A worker that panicked loses its part; callers do that part again themselves.
pub(crate) fn on_all_cores<T: Sync, R: Send>(
    items: &[T],
    per_worker: usize,
    work: impl Fn(&T) -> Option<R> + Sync,
) -> Vec<R> {
    let workers = sqlgate_core::threads_for(items.len() / per_worker.max(1) + 1);
    let chunk = items.len().div_ceil(workers.max(1)).max(1);
    let work = &work;
    // This thread is one of the workers, and takes the last chunk: a thread started only to
    // be joined costs its start (all of it when there is one chunk).
    let mut chunks = items.chunks(chunk);
    let own = chunks.next_back().unwrap_or(&[]);
    let mut done = Vec::with_capacity(items.len());
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .map(|part| scope.spawn(move || part.iter().filter_map(work).collect::<Vec<_>>()))
            .collect();
        // A panic here loses this part too, as on the other workers.
        let mine = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            own.iter().filter_map(work).collect::<Vec<_>>()
        }));
        done.extend(mine.unwrap_or_default());
        for handle in handles {
            if let Ok(part) = handle.join() {
                done.extend(part);
            }
        }
    });
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every item's result comes back once, however the items are split between this thread
    /// and the others; `None` results are left out.
    #[test]
    fn on_all_cores_does_every_item_once() {
        for count in [0, 1, 15, 16, 17, 64, 1000] {
            let items: Vec<usize> = (0..count).collect();
            let mut done = on_all_cores(&items, 16, |i| (i % 7 != 3).then_some(*i * 2));
            done.sort_unstable();
            let expected: Vec<usize> = (0..count).filter(|i| i % 7 != 3).map(|i| i * 2).collect();
            assert_eq!(done, expected, "{count} items");
        }
    }
}
