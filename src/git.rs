//! The few git queries sqlgate needs, through the `git` command line.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitError(pub String);

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| {
            GitError(format!(
                "could not run git ({e}): install git or drop --changed-since"
            ))
        })?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(GitError(
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        ))
    }
}

/// The top of the work tree containing `dir`, if any.
pub fn repo_root(dir: &Path) -> Option<PathBuf> {
    let out = git(dir, &["rev-parse", "--show-toplevel"]).ok()?;
    let root = String::from_utf8(out).ok()?;
    Some(PathBuf::from(root.trim_end_matches(['\n', '\r'])))
}

/// Canonical paths of files added or changed since `base` (committed, staged, unstaged or
/// untracked), i.e. what a pull request from this work tree would add or change.
pub fn changed_since(dir: &Path, base: &str) -> Result<HashSet<PathBuf>, GitError> {
    let root = repo_root(dir).ok_or_else(|| {
        GitError(format!(
            "{} is not inside a git repository: --changed-since needs one",
            dir.display()
        ))
    })?;
    git(&root, &["rev-parse", "--verify", "--quiet", &format!("{base}^{{commit}}")]).map_err(
        |_| {
            GitError(format!(
                "git cannot resolve `{base}`: fetch it first (e.g. `git fetch origin {base}`) or pass an existing branch, tag or commit"
            ))
        },
    )?;
    let diff = git(
        &root,
        &[
            "diff",
            "--name-only",
            "-z",
            "--no-renames",
            "--diff-filter=ACMRT",
            base,
            "--",
        ],
    )?;
    let untracked = git(&root, &["ls-files", "-z", "--others", "--exclude-standard"])?;
    Ok(diff
        .split(|&b| b == 0)
        .chain(untracked.split(|&b| b == 0))
        .filter(|p| !p.is_empty())
        .filter_map(|p| std::str::from_utf8(p).ok())
        .filter_map(|p| std::fs::canonicalize(root.join(p)).ok())
        .collect())
}
