//! `sqlgate check --staged`: what the next commit would contain, as a pre-commit hook needs.
//!
//! The index is written to a temporary directory that mirrors the work tree (only the files
//! discovery can use: directories holding `.sql` files, and `Cargo.toml` / sqlgate config
//! files), and the run reads that directory as it would a work tree. Unstaged edits and
//! untracked files are therefore invisible. The files the index changes relative to the base
//! (`HEAD` unless `--changed-since` names another) are the ones checked; every other staged
//! migration is the committed history, replayed so the catalog knows existing tables. git
//! keeps running in the real repository for the base's side (IN001-IN004).

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use crate::git::{self, Changes, GitError, IndexEntry};
use crate::paths::lexical;

/// Files discovery reads outside migration directories.
const SUPPORT_FILES: [&str; 3] = ["Cargo.toml", "sqlgate.toml", ".sqlgate.toml"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedError(pub String);

impl std::fmt::Display for StagedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<GitError> for StagedError {
    fn from(e: GitError) -> Self {
        StagedError(e.0)
    }
}

/// The index written out. The directory is removed when this is dropped.
#[derive(Debug)]
pub struct StagedTree {
    /// The temporary directory standing for the top of the work tree (canonical).
    pub root: PathBuf,
    /// The current directory's counterpart in it.
    pub cwd: PathBuf,
    /// The paths to check, rewritten to be read from `cwd` (empty when none were given).
    pub paths: Vec<PathBuf>,
    /// What the index changes since the base, with `root` as the work tree.
    pub changes: Changes,
    /// How many files were written out.
    pub files: usize,
}

impl Drop for StagedTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Writes out the index of the repository containing `cwd` (or the first path given).
/// `base` defaults to `HEAD`; in a repository without commits every staged file is new.
pub fn materialize(
    cwd: &Path,
    given: &[PathBuf],
    base: Option<&str>,
) -> Result<StagedTree, StagedError> {
    // A base git would read as an option is refused first, inside a repository or not.
    if let Some(base) = base {
        git::check_revision(base)?;
    }
    let first = given
        .first()
        .map(|p| lexical(&cwd.join(p)))
        .unwrap_or_else(|| cwd.to_path_buf());
    // git runs in the first path's nearest existing directory, as for --changed-since.
    let probe = first.ancestors().find(|d| d.is_dir()).unwrap_or(cwd);
    let repo = git::canonical_root(
        probe,
        "--staged reads the staged files from git's index, so run it inside the repository you commit to",
    )?;
    // The base is resolved once and its commit used from then on: the index is compared
    // with, and the history rules read, the same commit.
    let (base, base_commit) = match base {
        Some(base) => (base, Some(git::resolve_commit(&repo, base)?)),
        // No commit yet (an unborn branch): every staged file is new.
        None => ("HEAD", git::commit_named(&repo, "HEAD")),
    };
    let entries = git::index_entries(&repo)?;
    let changed = git::staged_changes(&repo, base_commit.as_deref())?;

    let root = create_temp_dir()?;
    let mut tree = StagedTree {
        root: root.clone(),
        cwd: root.clone(),
        paths: Vec::new(),
        changes: Changes {
            root: root.clone(),
            repo: repo.clone(),
            base: base.to_string(),
            base_commit,
            ..Changes::default()
        },
        files: 0,
    };
    tree.files = write_entries(&repo, &root, &entries)?;

    for (status, path) in changed {
        let in_tree = root.join(&path);
        tree.changes.paths.push((status, path.clone()));
        match status {
            'A' => tree.changes.added.insert(in_tree),
            'M' => tree.changes.modified.insert(in_tree),
            _ => {
                tree.changes.deleted.push(in_tree);
                true
            }
        };
    }
    tree.changes.deleted.sort();

    // The current directory and the paths, moved into the written-out tree so findings name
    // files exactly as a run in the work tree would.
    let canonical_cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    let cwd_in_repo = canonical_cwd
        .strip_prefix(&repo)
        .ok()
        .map(Path::to_path_buf);
    if let Some(prefix) = &cwd_in_repo {
        tree.cwd = root.join(prefix);
        std::fs::create_dir_all(&tree.cwd).map_err(|e| write_error(&tree.cwd, &e))?;
    }
    for path in given {
        let joined = canonical_cwd.join(path);
        let absolute = std::fs::canonicalize(&joined).unwrap_or_else(|_| lexical(&joined));
        let Ok(in_repo) = absolute.strip_prefix(&repo) else {
            return Err(StagedError(format!(
                "{} is outside the repository at {}: --staged checks one repository's index",
                path.display(),
                repo.display()
            )));
        };
        tree.paths.push(match &cwd_in_repo {
            Some(prefix) => relative_from(prefix, in_repo),
            None => in_repo.to_path_buf(),
        });
    }
    Ok(tree)
}

/// Writes the staged files discovery can use; returns how many.
fn write_entries(repo: &Path, root: &Path, entries: &[IndexEntry]) -> Result<usize, StagedError> {
    let visible: Vec<&IndexEntry> = entries
        .iter()
        .filter(|e| !in_skipped_dir(&e.path))
        .collect();
    let sql_dirs: HashSet<&str> = visible
        .iter()
        .filter(|e| e.path.to_ascii_lowercase().ends_with(".sql"))
        .map(|e| parent(&e.path))
        .collect();
    let wanted: Vec<&IndexEntry> = visible
        .into_iter()
        .filter(|e| sql_dirs.contains(parent(&e.path)) || SUPPORT_FILES.contains(&name(&e.path)))
        .collect();
    let oids: Vec<String> = wanted.iter().map(|e| e.oid.clone()).collect();
    let contents = git::blobs(repo, &oids)?;
    let mut written = 0;
    for (entry, content) in wanted.iter().zip(contents) {
        // A blob the object store lacks (a corrupt index) is left out like an unreadable file.
        let Some(content) = content else { continue };
        let target = root.join(&entry.path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|e| write_error(dir, &e))?;
        }
        std::fs::write(&target, content).map_err(|e| write_error(&target, &e))?;
        written += 1;
    }
    Ok(written)
}

fn write_error(path: &Path, e: &std::io::Error) -> StagedError {
    StagedError(format!(
        "cannot write the staged files to {} ({e}): free space in the temporary directory or set TMPDIR",
        path.display()
    ))
}

fn create_temp_dir() -> Result<PathBuf, StagedError> {
    let base = std::env::temp_dir();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    for attempt in 0..100u32 {
        let dir = base.join(format!(
            "sqlgate-staged-{}-{nanos}-{attempt}",
            std::process::id()
        ));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(std::fs::canonicalize(&dir).unwrap_or(dir)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(write_error(&dir, &e)),
        }
    }
    Err(StagedError(format!(
        "cannot create a temporary directory in {}: set TMPDIR to a writable directory",
        base.display()
    )))
}

/// Whether an index path lies under a directory discovery does not enter (hidden ones too).
fn in_skipped_dir(path: &str) -> bool {
    let mut dirs: Vec<&str> = path.split('/').collect();
    dirs.pop();
    dirs.into_iter().any(crate::walk::is_skipped_dir_name)
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}

/// How to reach `target` from `from`, both relative to the same directory.
fn relative_from(from: &Path, target: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let target: Vec<Component> = target.components().collect();
    let common = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut out: PathBuf = from[common..].iter().map(|_| "..").collect();
    out.extend(target[common..].iter());
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_between_places_in_the_tree() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            relative_from(&p(""), &p("db/migrations")),
            p("db/migrations")
        );
        assert_eq!(
            relative_from(&p("db"), &p("db/migrations")),
            p("migrations")
        );
        assert_eq!(relative_from(&p("db/migrations"), &p("db")), p(".."));
        assert_eq!(relative_from(&p("a/b"), &p("c")), p("../../c"));
        assert_eq!(relative_from(&p("a"), &p("a")), p("."));
    }

    #[test]
    fn skipped_directories_match_discovery() {
        assert!(in_skipped_dir("node_modules/x/1.sql"));
        assert!(in_skipped_dir("a/.hidden/1.sql"));
        assert!(!in_skipped_dir(".sqlgate.toml"));
        assert!(!in_skipped_dir("db/migrations/1.sql"));
    }

    #[test]
    fn lexical_resolves_dots() {
        assert_eq!(lexical(Path::new("/r/a/./b/../c")), PathBuf::from("/r/a/c"));
    }
}
