//! What the history-integrity rules (IN001–IN004) know about the base commit: the text at
//! the base of each changed migration file, and the migration files deleted since.
//!
//! All git I/O happens here (through `sqlgate_discover::git`), before the rules run; the rules only
//! read the `BaseSnapshot`.

use foldhash::{HashMap, HashMapExt, HashSet};
use std::path::{Path, PathBuf};

use sqlgate_discover::git::{self, Changes, GitError};
use sqlgate_discover::LoadedFile;

/// The base side of a `--changed-since` run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BaseSnapshot {
    /// The base as given (`main`, `origin/main`, a commit).
    pub base: String,
    /// Canonical path of each loaded file changed since the base → its text at the base
    /// (invalid UTF-8 replaced).
    pub modified: HashMap<PathBuf, String>,
    /// Canonical paths of files that did not exist at the base.
    pub added: HashSet<PathBuf>,
    /// Deleted files next to the loaded migrations (by path), sorted by path.
    pub deleted: Vec<DeletedFile>,
    /// The canonical path of each loaded file, in the order of the files given to
    /// [`snapshot`] (the engine reuses them).
    pub loaded_canonical: Vec<Option<PathBuf>>,
}

/// A migration file that existed at the base and is gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletedFile {
    /// Absolute path (under the canonical work tree root).
    pub path: PathBuf,
    /// The path as findings show it: like discovery's, as walked from the checked path.
    pub display: String,
    /// Its text at the base (invalid UTF-8 replaced).
    pub text: String,
}

/// File names of per-migration directory layouts (diesel, sourcegraph, Prisma).
const PER_MIGRATION_FILES: [&str; 3] = ["up.sql", "down.sql", "migration.sql"];

/// Whether a file name may be a migration: `*.sql`, not seed data.
fn may_be_migration(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.len() > 4 && lower.ends_with(".sql") && !lower.starts_with("seed")
}

/// A path as discovery shows it: without leading `./`.
fn display(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut text: &str = &text;
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    text.to_string()
}

/// Reads, at the base, the loaded files changed since it and the deleted files that sit
/// where the loaded migrations do (the same directory, or for `up.sql`/`down.sql`/
/// `migration.sql` a sibling migration directory): nothing else is read.
pub fn snapshot(changes: &Changes, files: &[LoadedFile]) -> Result<BaseSnapshot, GitError> {
    let loaded_canonical = sqlgate_discover::canonical_paths(files);
    // (canonical path, walked path) of every loaded file.
    let loaded: Vec<(&Path, &Path)> = loaded_canonical
        .iter()
        .zip(files)
        .filter_map(|(canonical, f)| Some((canonical.as_deref()?, f.path.as_path())))
        .collect();
    // Most pull requests only add migrations: then no loaded file is looked up.
    let modified: Vec<PathBuf> = if changes.modified.is_empty() {
        Vec::new()
    } else {
        loaded
            .iter()
            .map(|(canonical, _)| *canonical)
            .filter(|c| changes.modified.contains(*c))
            .collect::<HashSet<_>>()
            .into_iter()
            .map(Path::to_path_buf)
            .collect()
    };

    // Walked directory of each canonical directory holding loaded files, and of each
    // canonical set directory of per-migration layouts: where deleted files are shown.
    let mut dirs: HashMap<&Path, &Path> = HashMap::new();
    let mut set_dirs: HashMap<&Path, &Path> = HashMap::new();
    if !changes.deleted.is_empty() {
        for (canonical, walked) in &loaded {
            let (Some(dir), Some(walked_dir)) = (canonical.parent(), walked.parent()) else {
                continue;
            };
            dirs.entry(dir).or_insert(walked_dir);
            let name = canonical.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if PER_MIGRATION_FILES.contains(&name) {
                if let (Some(set), Some(walked_set)) = (dir.parent(), walked_dir.parent()) {
                    set_dirs.entry(set).or_insert(walked_set);
                }
            }
        }
    }
    let mut deleted: Vec<(PathBuf, String)> = Vec::new();
    for path in &changes.deleted {
        let (Some(name), Some(dir)) = (path.file_name().and_then(|n| n.to_str()), path.parent())
        else {
            continue;
        };
        if !may_be_migration(name) {
            continue;
        }
        let walked = if let Some(walked_dir) = dirs.get(dir) {
            Some(walked_dir.join(name))
        } else if PER_MIGRATION_FILES.contains(&name) {
            dir.parent()
                .and_then(|set| set_dirs.get(set))
                .zip(dir.file_name())
                .map(|(walked_set, migration_dir)| walked_set.join(migration_dir).join(name))
        } else {
            None
        };
        if let Some(walked) = walked {
            deleted.push((path.clone(), display(&walked)));
        }
    }

    let relatives: Vec<String> = modified
        .iter()
        .map(PathBuf::as_path)
        .chain(deleted.iter().map(|(p, _)| p.as_path()))
        .map(|p| changes.relative(p).unwrap_or_default())
        .collect();
    let wanted: Vec<&str> = relatives.iter().map(String::as_str).collect();
    // The commit the changes were read against, not the base as given: a branch that moved
    // since (a fetch during the run) would pair one base's diff with another's texts.
    let base = changes.base_commit.as_deref().unwrap_or(&changes.base);
    let mut texts = git::files_at(&changes.repo, base, &wanted)?.into_iter();
    let mut text = || {
        texts
            .next()
            .flatten()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
    };
    let mut snapshot = BaseSnapshot {
        base: changes.base.clone(),
        added: changes.added.iter().cloned().collect(),
        ..BaseSnapshot::default()
    };
    for path in modified {
        if let Some(text) = text() {
            snapshot.modified.insert(path, text);
        }
    }
    for (path, display) in deleted {
        if let Some(text) = text() {
            snapshot.deleted.push(DeletedFile {
                path,
                display,
                text,
            });
        }
    }
    drop(loaded);
    snapshot.loaded_canonical = loaded_canonical;
    Ok(snapshot)
}

/// A unified diff from `old` to `new` with 3 lines of context, at most `max_lines` lines
/// (then a `… N more lines` note).
pub fn unified_diff(
    old: &str,
    new: &str,
    old_name: &str,
    new_name: &str,
    max_lines: usize,
) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string();
    cap_lines(&text, max_lines)
}

fn cap_lines(text: &str, max_lines: usize) -> String {
    let total = text.lines().count();
    if total <= max_lines {
        return text.to_string();
    }
    let mut out: String = text.split_inclusive('\n').take(max_lines).collect();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&format!("… {} more lines\n", total - max_lines));
    out
}

/// The 0-based index of the first line of `new` that differs from `old` (a deletion points
/// at the line after it), or `None` when the texts have the same lines.
pub fn first_changed_line(old: &str, new: &str) -> Option<usize> {
    let diff = similar::TextDiff::from_lines(old, new);
    diff.ops()
        .iter()
        .find(|op| op.tag() != similar::DiffTag::Equal)
        .map(|op| op.new_range().start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_is_unified_and_bounded() {
        let diff = unified_diff(
            "a\nold line\nc\n",
            "a\nnew line\nc\n",
            "a/x.sql",
            "b/x.sql",
            200,
        );
        assert_eq!(
            diff,
            "--- a/x.sql\n+++ b/x.sql\n@@ -1,3 +1,3 @@\n a\n-old line\n+new line\n c\n"
        );
        let capped = unified_diff(
            "a\nold line\nc\n",
            "a\nnew line\nc\n",
            "a/x.sql",
            "b/x.sql",
            4,
        );
        assert_eq!(
            capped,
            "--- a/x.sql\n+++ b/x.sql\n@@ -1,3 +1,3 @@\n a\n… 3 more lines\n"
        );
    }

    #[test]
    fn first_changed_line_points_into_the_new_text() {
        assert_eq!(first_changed_line("a\nb\nc\n", "a\nb\nX\n"), Some(2));
        assert_eq!(first_changed_line("a\nb\n", "a\nb\nc\n"), Some(2));
        assert_eq!(first_changed_line("a\nb\nc\n", "a\nc\n"), Some(1));
        assert_eq!(first_changed_line("a\n", "a\n"), None);
    }

    #[test]
    fn migration_names() {
        assert!(may_be_migration("001_init.sql"));
        assert!(may_be_migration("UP.SQL"));
        assert!(!may_be_migration("seed.sql"));
        assert!(!may_be_migration("atlas.sum"));
        assert_eq!(display(Path::new("./a/b.sql")), "a/b.sql");
    }
}
