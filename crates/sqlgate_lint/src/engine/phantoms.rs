//! Deleted migration files of a `--changed-since` run, as phantom files (empty text) of the
//! sets they belonged to, for the history rules.

use std::path::{Path, PathBuf};

use crate::history::{BaseSnapshot, DeletedFile};
use sqlgate_discover::{LoadedFile, MigrationSet};

/// Appends a phantom file (empty text) for each deleted migration file of the snapshot that
/// belongs to a set (in its directory, or for `up.sql`/`down.sql`/`migration.sql` in a
/// migration directory of it); returns each set's phantoms.
pub(super) fn phantoms<'h>(
    sets: &[MigrationSet],
    history: Option<&'h BaseSnapshot>,
    files: &mut Vec<LoadedFile>,
    canonical: &mut std::borrow::Cow<[Option<PathBuf>]>,
) -> Vec<Vec<(usize, &'h DeletedFile)>> {
    let mut out: Vec<Vec<(usize, &DeletedFile)>> = vec![Vec::new(); sets.len()];
    let Some(history) = history else {
        return out;
    };
    let set_dirs: Vec<Option<PathBuf>> = sets
        .iter()
        .map(|s| std::fs::canonicalize(&s.dir).ok())
        .collect();
    for deleted in &history.deleted {
        let dir = deleted.path.parent();
        let per_migration = deleted
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| ["up.sql", "down.sql", "migration.sql"].contains(&n));
        let owner = set_dirs.iter().position(|set_dir| {
            set_dir.as_deref().is_some_and(|set_dir| {
                dir == Some(set_dir)
                    || (per_migration && dir.and_then(Path::parent) == Some(set_dir))
            })
        });
        if let Some(owner) = owner {
            files.push(LoadedFile {
                path: deleted.path.clone(),
                display: deleted.display.clone(),
                text: String::new(),
                is_symlink: None,
            });
            canonical.to_mut().push(Some(deleted.path.clone()));
            out[owner].push((files.len() - 1, deleted));
        }
    }
    out
}
