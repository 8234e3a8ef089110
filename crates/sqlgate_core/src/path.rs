//! Paths as text: what a configured or committed name means without asking the file system,
//! whose symbolic links the pull request may have placed.

use std::path::{Component, Path, PathBuf};

/// `path` with `.` and `..` resolved without touching the filesystem (`..` at the top stays
/// at the top, as the kernel does for `/..`).
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
