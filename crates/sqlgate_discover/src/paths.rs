//! Paths as the filesystem takes them, and the root a run's symbolic links must stay in.

use foldhash::HashMap;
use std::path::{Path, PathBuf};

use sqlgate_core::source::escape_controls;

/// A path to hand to the filesystem: the empty path is the current directory.
pub(crate) fn fs_path(path: &Path) -> &Path {
    if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    }
}

pub use sqlgate_core::path::lexical;

/// The directory a run's symbolic links must resolve into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Root {
    /// Canonical.
    pub(crate) path: PathBuf,
    /// The top of a git work tree (else the directory given, as there is no repository).
    pub(crate) repository: bool,
}

impl Root {
    /// `symlink to a path outside the repository (<target>): not followed`.
    pub(crate) fn outside(&self, what: &str, target: &str) -> String {
        let place = if self.repository {
            "the repository"
        } else {
            "the checked directory"
        };
        format!("{what} outside {place} ({target}): not followed")
    }
}

/// The root of each directory a run walks, found only when a symbolic link is met (it may
/// ask git, a process): a tree without links never pays for it.
///
/// The root of a directory is:
/// 1. the git work tree around the current directory, when the path as written (joined to
///    the current directory, `..` resolved lexically) lies in it: what `sqlgate ci` and
///    `sqlgate check` in a checkout see, whatever the pull request's links say;
/// 2. else, for a path named outside the current repository, the git work tree around the
///    directory itself (git resolves links: the path was named deliberately);
/// 3. else the directory itself, resolved (no repository: the directory given is all the
///    run was asked to read; for a file given, its directory).
#[derive(Debug, Default)]
pub(crate) struct Roots {
    cwd: Option<PathBuf>,
    /// The top of the work tree around `cwd`, once asked (canonical).
    cwd_top: Option<Option<PathBuf>>,
    known: HashMap<PathBuf, Option<Root>>,
    /// `leaves_root`'s answer for each directory asked (the files given share a few).
    checked: HashMap<PathBuf, Option<String>>,
    /// Paths resolved so far, by the path as asked (`real`).
    resolved: HashMap<PathBuf, Option<PathBuf>>,
}

impl Roots {
    pub(crate) fn new(cwd: Option<PathBuf>) -> Roots {
        Roots {
            cwd,
            ..Roots::default()
        }
    }

    /// Whether a root was looked for (git asked, a path resolved for it).
    #[cfg(test)]
    pub(crate) fn looked_for_a_root(&self) -> bool {
        self.cwd_top.is_some() || !self.known.is_empty()
    }

    /// The root for links met under `dir` (a directory as walked, possibly relative);
    /// `None` when it cannot be found (`dir` vanished): nothing is then followed.
    pub(crate) fn root(&mut self, dir: &Path) -> Option<&Root> {
        if !self.known.contains_key(dir) {
            let root = self.find(dir);
            self.known.insert(dir.to_path_buf(), root);
        }
        self.known.get(dir).and_then(Option::as_ref)
    }

    fn find(&mut self, dir: &Path) -> Option<Root> {
        let canonical = |p: PathBuf| std::fs::canonicalize(&p).unwrap_or(p);
        if let Some(cwd) = &self.cwd {
            let top = self
                .cwd_top
                .get_or_insert_with(|| crate::git::repo_root(cwd).map(canonical));
            if let Some(top) = top {
                if lexical(&cwd.join(dir)).starts_with(&*top) {
                    return Some(Root {
                        path: top.clone(),
                        repository: true,
                    });
                }
            }
        }
        let dir = fs_path(dir);
        if let Some(top) = crate::git::repo_root(dir) {
            return Some(Root {
                path: canonical(top),
                repository: true,
            });
        }
        std::fs::canonicalize(dir).ok().map(|path| Root {
            path,
            repository: false,
        })
    }

    /// Why `dir` (a directory to walk or list) is not read, when a symbolic link on the
    /// way leads out of its root; `None` when it is where it says it is (the usual case, one
    /// `realpath`) or cannot be resolved (the walk reports that itself).
    pub(crate) fn leaves_root(&mut self, dir: &Path) -> Option<String> {
        if let Some(known) = self.checked.get(dir) {
            return known.clone();
        }
        let verdict = self.find_leaves_root(dir);
        self.checked.insert(dir.to_path_buf(), verdict.clone());
        verdict
    }

    fn find_leaves_root(&mut self, dir: &Path) -> Option<String> {
        let real = self.real(dir)?;
        if self
            .cwd
            .as_ref()
            .is_some_and(|cwd| lexical(&cwd.join(dir)) == real)
        {
            return None;
        }
        match link_text(dir) {
            Some(target) => self.outside(dir, &real, SYMLINK, || target),
            None => self.outside(dir, &real, THROUGH_SYMLINK, || {
                escape_controls(&real.to_string_lossy())
            }),
        }
    }

    /// `fs::canonicalize`, remembering each directory on the way: `realpath` reads every
    /// component of every path again (a `readlink` each), while the files given share their
    /// parents, so a directory not met before costs one `lstat` (its parent is known). `None`
    /// when the path does not resolve.
    #[cfg(unix)]
    fn real(&mut self, path: &Path) -> Option<PathBuf> {
        use std::path::Component;
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.cwd.as_ref()?.join(path)
        };
        if let Some(known) = self.resolved.get(&absolute) {
            return known.clone();
        }
        let resolved = match absolute.components().next_back() {
            // A link's target, `..` after it included, is the kernel's to resolve.
            Some(Component::Normal(name)) => {
                let parent = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
                let real_parent = if parent.as_os_str().is_empty() {
                    Some(parent)
                } else {
                    self.real(&parent)
                };
                real_parent.and_then(|real_parent| {
                    let candidate = real_parent.join(name);
                    match std::fs::symlink_metadata(&candidate) {
                        Ok(meta) if meta.file_type().is_symlink() => {
                            std::fs::canonicalize(&candidate).ok()
                        }
                        Ok(_) => Some(candidate),
                        Err(_) => None,
                    }
                })
            }
            Some(Component::RootDir) => Some(absolute.clone()),
            _ => std::fs::canonicalize(&absolute).ok(),
        };
        self.resolved.insert(absolute, resolved.clone());
        resolved
    }

    #[cfg(not(unix))]
    fn real(&mut self, path: &Path) -> Option<PathBuf> {
        std::fs::canonicalize(fs_path(path)).ok()
    }

    /// The message for `real`, a path under `dir` resolved, when it is not in `dir`'s root
    /// (`what` it is, `target` as shown: asked only then); `None` when it is.
    pub(crate) fn outside(
        &mut self,
        dir: &Path,
        real: &Path,
        what: &str,
        target: impl FnOnce() -> String,
    ) -> Option<String> {
        match self.root(dir) {
            Some(root) if real.starts_with(&root.path) => None,
            Some(root) => Some(root.outside(what, &target())),
            // Fail closed: a link whose root is unknown is not followed either.
            None => Some(format!(
                "{what} that cannot be checked against the repository ({}): not followed",
                target()
            )),
        }
    }
}

/// What a symbolic link that leads out of the root is called in messages.
pub(crate) const SYMLINK: &str = "symlink to a path";
const THROUGH_SYMLINK: &str = "leads through a symlink to a path";

/// A link's target as written in it (what the repository holds and its author fixes),
/// escaped for a one-line message; `None` when `path` is not a link.
pub(crate) fn link_text(path: &Path) -> Option<String> {
    std::fs::read_link(fs_path(path))
        .ok()
        .map(|target| escape_controls(&target.to_string_lossy()))
}

/// Makes `dir` a git repository (the tests' roots).
#[cfg(test)]
pub(crate) fn git_init(dir: &Path) {
    let status = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(status.success());
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn lexical_resolves_dots_without_the_filesystem() {
        assert_eq!(lexical(Path::new("/a/./b/../c")), Path::new("/a/c"));
        assert_eq!(lexical(Path::new("/a/../../..")), Path::new("/"));
        assert_eq!(lexical(Path::new("a/b/..")), Path::new("a"));
    }

    #[test]
    fn the_current_repository_is_the_root_of_a_path_written_inside_it() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().canonicalize().unwrap();
        git_init(&repo);
        std::fs::create_dir(repo.join("db")).unwrap();
        symlink("/", repo.join("up")).unwrap();
        // (Paths are absolute here: the process's directory is not `repo`.)
        let mut roots = Roots::new(Some(repo.clone()));
        // A real directory: one realpath, no git.
        assert_eq!(roots.leaves_root(&repo.join("db")), None);
        assert!(!roots.looked_for_a_root());
        // Through a link to `/`: `/etc` is not in the repository, whatever git says of it.
        assert_eq!(
            roots.leaves_root(&repo.join("up/etc")).as_deref(),
            Some("leads through a symlink to a path outside the repository (/etc): not followed")
        );
        assert_eq!(
            roots.leaves_root(&repo.join("up")).as_deref(),
            Some("symlink to a path outside the repository (/): not followed")
        );
        assert_eq!(
            roots.root(&repo.join("db")),
            Some(&Root {
                path: repo.clone(),
                repository: true
            })
        );
    }

    #[test]
    fn without_a_repository_the_root_is_the_directory_given() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().canonicalize().unwrap().join("migrations");
        std::fs::create_dir(&dir).unwrap();
        // The current directory is elsewhere (and not in a repository either).
        let mut roots = Roots::new(Some(tmp.path().canonicalize().unwrap()));
        assert_eq!(
            roots.root(&dir),
            Some(&Root {
                path: dir.clone(),
                repository: false
            })
        );
        assert_eq!(
            roots.outside(&dir, Path::new("/etc/passwd"), SYMLINK, || "x".into()),
            Some("symlink to a path outside the checked directory (x): not followed".into())
        );
        assert_eq!(
            roots.outside(&dir, &dir.join("a.sql"), SYMLINK, || unreachable!()),
            None
        );
    }
}
