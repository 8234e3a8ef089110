//! The few git queries sqlgate needs, through the `git` command line.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitError(pub String);

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn could_not_run(e: &std::io::Error) -> GitError {
    GitError(format!(
        "could not run git ({e}): install git or drop --changed-since"
    ))
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| could_not_run(&e))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(GitError(
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        ))
    }
}

pub use sqlgate_core::short_sha;

/// Two git commands at once (each process spends most of its few milliseconds starting up).
fn git_pair(
    dir: &Path,
    first: &[&str],
    second: &[&str],
) -> (Result<Vec<u8>, GitError>, Result<Vec<u8>, GitError>) {
    std::thread::scope(|scope| {
        let other = scope.spawn(|| git(dir, second));
        let first = git(dir, first);
        let second = other
            .join()
            .unwrap_or_else(|_| Err(GitError("git did not answer".into())));
        (first, second)
    })
}

/// The top of the work tree containing `dir`, if any. Asked once per directory and run: a
/// run needs it in several places.
pub fn repo_root(dir: &Path) -> Option<PathBuf> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static ROOTS: OnceLock<Mutex<HashMap<PathBuf, Option<PathBuf>>>> = OnceLock::new();
    let roots = ROOTS.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(known) = roots.lock().ok().and_then(|r| r.get(dir).cloned()) {
        return known;
    }
    let root = git(dir, &["rev-parse", "--show-toplevel"])
        .ok()
        .and_then(|out| String::from_utf8(out).ok())
        .map(|root| PathBuf::from(root.trim_end_matches(['\n', '\r'])));
    if let Ok(mut known) = roots.lock() {
        known.insert(dir.to_path_buf(), root.clone());
    }
    root
}

/// What changed in a work tree since a base commit: committed, staged, unstaged and
/// untracked changes together, i.e. what a pull request from this work tree would change.
/// A rename is a deletion plus an addition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// The top of the work tree (canonical). Under `--staged`, the temporary directory the
    /// index was written to.
    pub root: PathBuf,
    /// Where git runs for this repository: `root`, except under `--staged`.
    pub repo: PathBuf,
    /// The base as given (`main`, `origin/main`, a commit).
    pub base: String,
    /// Canonical paths of files that did not exist at the base (untracked ones included).
    pub added: HashSet<PathBuf>,
    /// Canonical paths of files that existed at the base and were changed.
    pub modified: HashSet<PathBuf>,
    /// Files that existed at the base and are gone: `root` joined with the path at the base.
    pub deleted: Vec<PathBuf>,
}

impl Changes {
    /// The files added or changed (canonical paths): the migrations to check.
    pub fn changed(&self) -> HashSet<PathBuf> {
        self.added.union(&self.modified).cloned().collect()
    }

    /// A path under `root` as git names it at the base (`/`-separated), if it is under `root`.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let relative = path.strip_prefix(&self.root).ok()?;
        let parts: Option<Vec<&str>> = relative.iter().map(|p| p.to_str()).collect();
        Some(parts?.join("/"))
    }
}

/// Whether the repository is a shallow clone (`git clone --depth N`).
fn is_shallow(root: &Path) -> bool {
    git(root, &["rev-parse", "--is-shallow-repository"])
        .is_ok_and(|out| out.trim_ascii() == b"true")
}

/// Files added, changed and deleted since `base` in the work tree containing `dir`.
pub fn changes_since(dir: &Path, base: &str) -> Result<Changes, GitError> {
    let root = canonical_root(
        dir,
        "--changed-since compares against git history, so run sqlgate in a clone, or drop \
         --changed-since to check every migration",
    )?;
    let (diff, untracked) = git_pair(
        &root,
        &["diff", "--name-status", "-z", "--no-renames", base, "--"],
        &["ls-files", "-z", "--others", "--exclude-standard"],
    );
    // A base git cannot resolve gets the message that says how to fix it.
    let diff = diff.map_err(|error| check_base(&root, base).err().unwrap_or(error))?;
    let untracked = untracked?;
    let mut changes = Changes {
        root: root.clone(),
        repo: root.clone(),
        base: base.to_string(),
        ..Changes::default()
    };
    let canonical = |p: &str| std::fs::canonicalize(root.join(p)).ok();
    for (status, path) in parse_name_status(&diff) {
        match status {
            'A' => changes.added.extend(canonical(&path)),
            'M' => changes.modified.extend(canonical(&path)),
            _ => changes.deleted.push(root.join(&path)),
        }
    }
    changes.added.extend(
        untracked
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .filter_map(|p| std::str::from_utf8(p).ok())
            .filter_map(canonical),
    );
    changes.deleted.sort();
    Ok(changes)
}

/// The canonical top of the work tree containing `dir`; `why` says why one is needed and
/// what to do instead.
pub fn canonical_root(dir: &Path, why: &str) -> Result<PathBuf, GitError> {
    let root = repo_root(dir).ok_or_else(|| {
        GitError(format!(
            "{} is not inside a git repository: {why}",
            dir.display()
        ))
    })?;
    Ok(std::fs::canonicalize(&root).unwrap_or(root))
}

/// An error saying how to make `base` resolvable, unless it names a commit.
pub fn check_base(root: &Path, base: &str) -> Result<(), GitError> {
    if !resolves(root, base) {
        return Err(GitError(if is_shallow(root) {
            format!(
                "git cannot resolve `{base}`: this clone's history is shallow; fetch the full history with `fetch-depth: 0` in actions/checkout (or run `git fetch --unshallow`)"
            )
        } else {
            format!(
                "git cannot resolve `{base}`: fetch it first (e.g. `git fetch origin {base}`) or pass an existing branch, tag or commit"
            )
        }));
    }
    Ok(())
}

/// `git diff --name-status -z` output as `(status, path)`: `A` added, `M` changed (content
/// or type), `D` deleted; other statuses (none with `--no-renames`) are left out.
fn parse_name_status(out: &[u8]) -> Vec<(char, String)> {
    let mut fields = out
        .split(|&b| b == 0)
        .filter(|f| !f.is_empty())
        .map(String::from_utf8_lossy);
    let mut changes = Vec::new();
    while let (Some(status), Some(path)) = (fields.next(), fields.next()) {
        let status = match status.chars().next() {
            Some('A') => 'A',
            Some('M' | 'T') => 'M',
            Some('D') => 'D',
            _ => continue,
        };
        changes.push((status, path.into_owned()));
    }
    changes
}

/// The contents of a file at a revision (`git show rev:path`; `relative` to the top of the
/// work tree, `/`-separated), or `None` when the path does not exist there.
pub fn file_at(root: &Path, rev: &str, relative: &str) -> Result<Option<Vec<u8>>, GitError> {
    Ok(files_at(root, rev, &[relative])?.pop().flatten())
}

/// The contents of several files at a revision, in one `git cat-file --batch` call; `None`
/// for a path that does not exist there (or is not a file). An empty `rev` reads the index.
pub fn files_at(
    root: &Path,
    rev: &str,
    relatives: &[&str],
) -> Result<Vec<Option<Vec<u8>>>, GitError> {
    // The batch protocol is line-based: a name with a newline is asked for by a name that
    // cannot exist, and so reads as missing.
    let names: Vec<String> = relatives
        .iter()
        .map(|relative| format!("{rev}:{}", relative.replace('\n', "")))
        .collect();
    cat_file_batch(root, &names)
}

/// The contents of objects named by id (or any name `git cat-file` takes), in one call.
pub fn blobs(root: &Path, names: &[String]) -> Result<Vec<Option<Vec<u8>>>, GitError> {
    cat_file_batch(root, names)
}

fn cat_file_batch(root: &Path, names: &[String]) -> Result<Vec<Option<Vec<u8>>>, GitError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut input = Vec::new();
    for name in names {
        let _ = writeln!(input, "{name}");
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| could_not_run(&e))?;
    let writer = child.stdin.take().map(|mut stdin| {
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        })
    });
    let output = child.wait_with_output().map_err(|e| could_not_run(&e))?;
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    if !output.status.success() {
        return Err(GitError(
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        ));
    }
    parse_batch(&output.stdout, names.len())
}

/// Splits `git cat-file --batch` output: per object `<oid> <type> <size>\n<bytes>\n`, or
/// `<name> missing\n` (or `ambiguous`).
fn parse_batch(mut out: &[u8], count: usize) -> Result<Vec<Option<Vec<u8>>>, GitError> {
    let malformed = || GitError("unexpected output from git cat-file --batch".to_string());
    let mut result = Vec::with_capacity(count);
    for _ in 0..count {
        let end = out.iter().position(|&b| b == b'\n').ok_or_else(malformed)?;
        let header = String::from_utf8_lossy(&out[..end]).into_owned();
        out = &out[end + 1..];
        let parts: Vec<&str> = header.split(' ').collect();
        match parts.as_slice() {
            [_, kind, size] if !header.ends_with(" missing") && !header.ends_with(" ambiguous") => {
                let size: usize = size.parse().map_err(|_| malformed())?;
                let body = out.get(..size).ok_or_else(malformed)?;
                result.push((*kind == "blob").then(|| body.to_vec()));
                out = out.get(size + 1..).ok_or_else(malformed)?;
            }
            _ => result.push(None),
        }
    }
    Ok(result)
}

/// The paths of the files committed at `rev`, relative to the top of the work tree and
/// `/`-separated.
pub fn list_files(root: &Path, rev: &str) -> Result<Vec<String>, GitError> {
    let out = git(
        root,
        &["ls-tree", "-r", "-z", "--name-only", "--full-tree", rev],
    )?;
    Ok(out
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect())
}

/// A regular file in the index (stage 0): its path from the top of the work tree
/// (`/`-separated) and its blob id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub path: String,
    pub oid: String,
}

/// The regular files staged in the index. Symlinks, submodules and the sides of an
/// unresolved merge conflict are left out.
pub fn index_entries(root: &Path) -> Result<Vec<IndexEntry>, GitError> {
    let out = git(root, &["ls-files", "--stage", "-z"])?;
    Ok(parse_ls_files_stage(&out))
}

/// Parses `git ls-files --stage -z`: `<mode> <oid> <stage>\t<path>\0` per entry.
fn parse_ls_files_stage(out: &[u8]) -> Vec<IndexEntry> {
    out.split(|&b| b == 0)
        .filter_map(|record| {
            let tab = record.iter().position(|&b| b == b'\t')?;
            let header = std::str::from_utf8(&record[..tab]).ok()?;
            let path = std::str::from_utf8(&record[tab + 1..]).ok()?;
            let mut fields = header.split(' ');
            let (mode, oid, stage) = (fields.next()?, fields.next()?, fields.next()?);
            let regular = mode == "100644" || mode == "100755";
            (regular && stage == "0" && !path.is_empty()).then(|| IndexEntry {
                path: path.to_string(),
                oid: oid.to_string(),
            })
        })
        .collect()
}

/// What the index changes relative to `base` (`git diff --cached`): `(status, path)` with
/// status `A`, `M` or `D`, paths from the top of the work tree. Without a base (a repository
/// with no commit yet) every staged file is added.
pub fn staged_changes(root: &Path, base: Option<&str>) -> Result<Vec<(char, String)>, GitError> {
    let mut args = vec!["diff", "--cached", "--name-status", "-z", "--no-renames"];
    args.extend(base);
    args.push("--");
    Ok(parse_name_status(&git(root, &args)?))
}

/// Whether `rev` names a commit here (false on an unborn branch's `HEAD`).
pub fn resolves(root: &Path, rev: &str) -> bool {
    git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .is_ok()
}

/// Whether `commit` is `descendant` or one of its ancestors. An unknown commit is an error.
pub fn is_ancestor(dir: &Path, commit: &str, descendant: &str) -> Result<bool, GitError> {
    git(dir, &["cat-file", "-e", &format!("{commit}^{{commit}}")])
        .map_err(|_| GitError(format!("commit {commit} is not in this checkout")))?;
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["merge-base", "--is-ancestor", commit, descendant])
        .status()
        .map_err(|e| GitError(format!("could not run git ({e})")))?;
    match status.code() {
        Some(0) => Ok(true),
        Some(1) => Ok(false),
        _ => Err(GitError(format!(
            "git merge-base --is-ancestor {commit} {descendant} failed"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_batch, parse_ls_files_stage, IndexEntry};

    #[test]
    fn parses_index_entries_keeping_regular_stage_zero_files() {
        let out = b"100644 aaa 0\tdb/1.sql\x00100755 bbb 0\trun.sh\x00120000 ccc 0\tlink.sql\x00160000 ddd 0\tsub\x00100644 eee 2\tconflict.sql\x00";
        assert_eq!(
            parse_ls_files_stage(out),
            vec![
                IndexEntry {
                    path: "db/1.sql".into(),
                    oid: "aaa".into()
                },
                IndexEntry {
                    path: "run.sh".into(),
                    oid: "bbb".into()
                },
            ]
        );
    }

    #[test]
    fn parses_batch_output() {
        let out = b"abc blob 3\nx\ny\nmain:gone.sql missing\ndef tree 0\n\n";
        assert_eq!(
            parse_batch(out, 3).unwrap(),
            vec![Some(b"x\ny".to_vec()), None, None]
        );
        assert!(parse_batch(b"abc blob 9\nshort\n", 1).is_err());
    }
}
