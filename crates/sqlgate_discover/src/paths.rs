//! Paths as the filesystem takes them.

use std::path::Path;

/// A path to hand to the filesystem: the empty path is the current directory.
pub(crate) fn fs_path(path: &Path) -> &Path {
    if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    }
}
