//! The few git queries sqlgate needs, through the `git` command line.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sqlgate_core::source::escape_controls;

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

/// Runs git with arguments that name no revision and no path (those go through
/// [`git_revs`], which places them where git cannot read them as options).
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    run(Command::new("git").arg("-C").arg(dir).args(args))
}

fn run(command: &mut Command) -> Result<Vec<u8>, GitError> {
    let output = command.output().map_err(|e| could_not_run(&e))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(GitError(
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        ))
    }
}

/// A revision that came from the user or from input (`--changed-since`, an event's SHAs),
/// checked so git cannot read it as an option: `--output=FILE` handed to `git diff` as a
/// revision truncates FILE. Only [`Rev::new`] makes one, and [`git_command`] places revisions
/// after `--end-of-options`, so a revision reaches git only checked and only where git reads
/// revisions.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rev(String);

impl Rev {
    fn new(rev: &str) -> Result<Rev, GitError> {
        check_revision(rev)?;
        Ok(Rev(rev.to_string()))
    }

    /// The commit this revision names (`rev^{commit}`): a tag or a tree is not a base.
    fn commit(&self) -> Rev {
        Rev(format!("{}^{{commit}}", self.0))
    }
}

/// Refuses a revision git could read as an option (a leading `-`), an empty one, and one
/// with a control character: `git cat-file --batch` reads names line by line, so a newline
/// would ask for other objects than the ones counted.
pub fn check_revision(rev: &str) -> Result<(), GitError> {
    let what_to_do = "pass a branch, tag or commit (e.g. `origin/main`)";
    if rev.is_empty() {
        return Err(GitError(format!(
            "refusing an empty git revision: {what_to_do}"
        )));
    }
    if rev.starts_with('-') {
        return Err(GitError(format!(
            "refusing the git revision `{}`: it starts with `-`, so git would read it as an \
             option; {what_to_do}",
            escape_controls(rev)
        )));
    }
    if rev.chars().any(char::is_control) {
        return Err(GitError(format!(
            "refusing the git revision `{}`: it contains a control character; {what_to_do}",
            escape_controls(rev)
        )));
    }
    Ok(())
}

/// The arguments of a git command: `options`, then `--end-of-options` and the revisions,
/// then (when `paths` is given) `--` and the paths, so neither a revision nor a path is
/// read as an option, and a revision is never read as a path or the other way round.
fn git_args<'a>(options: &[&'a str], revs: &'a [Rev], paths: Option<&[&'a str]>) -> Vec<&'a str> {
    let mut args = options.to_vec();
    args.push("--end-of-options");
    args.extend(revs.iter().map(|rev| rev.0.as_str()));
    if let Some(paths) = paths {
        args.push("--");
        args.extend(paths);
    }
    args
}

fn git_command(dir: &Path, options: &[&str], revs: &[Rev], paths: Option<&[&str]>) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        .args(git_args(options, revs, paths));
    command
}

/// Runs a git command that names revisions (and paths): see [`git_args`].
fn git_revs(
    dir: &Path,
    options: &[&str],
    revs: &[Rev],
    paths: Option<&[&str]>,
) -> Result<Vec<u8>, GitError> {
    run(&mut git_command(dir, options, revs, paths))
}

pub use sqlgate_core::short_sha;

/// Two git commands at once (each process spends most of its few milliseconds starting up).
fn in_parallel<A, B: Send>(
    first: impl FnOnce() -> Result<A, GitError>,
    second: impl FnOnce() -> Result<B, GitError> + Send,
) -> (Result<A, GitError>, Result<B, GitError>) {
    std::thread::scope(|scope| {
        let other = scope.spawn(second);
        let first = first();
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
    /// The base as given (`main`, `origin/main`, a commit), for messages.
    pub base: String,
    /// The commit `base` named when the changes were read (a full SHA), where the base's
    /// side is read: a branch that moves during the run (a fetch) cannot mix two bases, and
    /// what is read is a checked commit rather than the text as given. `None` under
    /// `--staged` in a repository without commits.
    pub base_commit: Option<String>,
    /// Canonical paths of files that did not exist at the base (untracked ones included).
    pub added: HashSet<PathBuf>,
    /// Canonical paths of files that existed at the base and were changed.
    pub modified: HashSet<PathBuf>,
    /// Files that existed at the base and are gone: `root` joined with the path at the base.
    pub deleted: Vec<PathBuf>,
    /// Every path the change names, as git names it (relative to `root`, `/`-separated),
    /// with its status: `A` added (or untracked), `M` changed (content or type), `D` deleted.
    /// Unlike `added` and `modified` these are not resolved, so a link that cannot be (it is
    /// dangling, or leads out of the repository) is still here.
    pub paths: Vec<(char, String)>,
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
    // Refused before anything else runs, inside a repository or not.
    let rev = Rev::new(base)?;
    let root = canonical_root(
        dir,
        "--changed-since compares against git history, so run sqlgate in a clone, or drop \
         --changed-since to check every migration",
    )?;
    let (commit, untracked) = in_parallel(
        || resolve(&root, &rev),
        || git(&root, &["ls-files", "-z", "--others", "--exclude-standard"]),
    );
    let commit = commit?;
    let untracked = untracked?;
    let diff = git_revs(
        &root,
        &["diff", "--name-status", "-z", "--no-renames"],
        &[Rev::new(&commit)?],
        Some(&[]),
    )?;
    let mut changes = Changes {
        root: root.clone(),
        repo: root.clone(),
        base: base.to_string(),
        base_commit: Some(commit),
        ..Changes::default()
    };
    let canonical = |p: &str| std::fs::canonicalize(root.join(p)).ok();
    for (status, path) in parse_name_status(&diff) {
        changes.paths.push((status, path.clone()));
        match status {
            'A' => changes.added.extend(canonical(&path)),
            'M' => changes.modified.extend(canonical(&path)),
            _ => changes.deleted.push(root.join(&path)),
        }
    }
    for path in untracked
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .filter_map(|p| std::str::from_utf8(p).ok())
    {
        changes.paths.push(('A', path.to_string()));
        changes.added.extend(canonical(path));
    }
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
    resolve_commit(root, base).map(|_| ())
}

/// The full SHA of the commit `rev` names, or an error saying how to make it resolvable.
pub fn resolve_commit(root: &Path, rev: &str) -> Result<String, GitError> {
    resolve(root, &Rev::new(rev)?)
}

fn resolve(root: &Path, rev: &Rev) -> Result<String, GitError> {
    if let Some(commit) = commit_of(root, rev) {
        return Ok(commit);
    }
    let base = &rev.0;
    Err(GitError(if is_shallow(root) {
        format!(
            "git cannot resolve `{base}`: this clone's history is shallow; fetch the full history with `fetch-depth: 0` in actions/checkout (or run `git fetch --unshallow`)"
        )
    } else {
        format!("git cannot resolve `{base}`: {}", fetch_hint(root, base))
    }))
}

/// What to do about a revision this clone does not have: a `git fetch` that makes it
/// resolvable when one can (`origin/main` is fetched as `main` into
/// `refs/remotes/origin/main`, which works whatever the clone's refspec), else what to pass.
fn fetch_hint(root: &Path, base: &str) -> String {
    const PASS: &str =
        "pass an existing branch, tag or commit (`git branch -a` lists the branches)";
    let remotes: Vec<String> = git(root, &["remote"])
        .map(|out| {
            String::from_utf8_lossy(&out)
                .lines()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect()
        })
        .unwrap_or_default();
    // Characters of revision expressions (`HEAD~1`, `main^`, `@{u}`): nothing to fetch by name.
    let expression = base.contains(['~', '^', '@', ':', ' ', '?', '*', '[', '\\']);
    if let Some((remote, branch)) = base.split_once('/') {
        if remotes.iter().any(|r| r == remote) && !branch.is_empty() && !expression {
            return format!(
                "fetch it first (`git fetch {remote} {branch}:refs/remotes/{remote}/{branch}`) or {PASS}"
            );
        }
    }
    let Some(remote) = remotes
        .iter()
        .find(|r| r.as_str() == "origin")
        .or_else(|| remotes.first())
    else {
        return format!("this clone has no remote to fetch it from; {PASS}");
    };
    if expression {
        return format!("it names no commit in this clone; {PASS}");
    }
    let is_sha = (7..=40).contains(&base.len()) && base.chars().all(|c| c.is_ascii_hexdigit());
    if is_sha {
        format!("fetch it first (`git fetch {remote} {base}`) or {PASS}")
    } else {
        format!("fetch it first (`git fetch {remote} {base}:{base}`) or {PASS}")
    }
}

/// The full SHA of the commit `rev` names, if it names one.
fn commit_of(root: &Path, rev: &Rev) -> Option<String> {
    let out = git_revs(
        root,
        &["rev-parse", "--verify", "--quiet"],
        &[rev.commit()],
        None,
    )
    .ok()?;
    let sha = String::from_utf8(out).ok()?.trim_end().to_string();
    // What is used afterwards is a SHA, whatever else the revision could have said.
    (!sha.is_empty() && sha.bytes().all(|b| b.is_ascii_hexdigit())).then_some(sha)
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
    if !rev.is_empty() {
        check_revision(rev)?;
    }
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
    let out = git_revs(
        root,
        &["ls-tree", "-r", "-z", "--name-only", "--full-tree"],
        &[Rev::new(rev)?],
        None,
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
    let revs: Vec<Rev> = base.map(Rev::new).transpose()?.into_iter().collect();
    let out = git_revs(
        root,
        &["diff", "--cached", "--name-status", "-z", "--no-renames"],
        &revs,
        Some(&[]),
    )?;
    Ok(parse_name_status(&out))
}

/// Whether `rev` names a commit here (see [`commit_named`]).
pub fn resolves(root: &Path, rev: &str) -> bool {
    commit_named(root, rev).is_some()
}

/// The full SHA of the commit `rev` names here, if it names one (`None` on an unborn
/// branch's `HEAD`, and for a revision [`check_revision`] refuses, which git is not asked
/// about).
pub fn commit_named(root: &Path, rev: &str) -> Option<String> {
    commit_of(root, &Rev::new(rev).ok()?)
}

/// When the commit `rev` names was committed (its committer time, seconds since the epoch).
pub fn commit_time(root: &Path, rev: &str) -> Result<i64, GitError> {
    let out = git_revs(
        root,
        &["show", "-s", "--format=%ct"],
        &[Rev::new(rev)?.commit()],
        None,
    )?;
    let text = String::from_utf8_lossy(&out);
    text.trim().parse().map_err(|_| {
        GitError(format!(
            "git gave no commit time for {}",
            escape_controls(rev)
        ))
    })
}

/// Whether `commit` is `descendant` or one of its ancestors. An unknown commit is an error.
pub fn is_ancestor(dir: &Path, commit: &str, descendant: &str) -> Result<bool, GitError> {
    let (commit_rev, descendant_rev) = (Rev::new(commit)?, Rev::new(descendant)?);
    git_revs(dir, &["cat-file", "-e"], &[commit_rev.commit()], None)
        .map_err(|_| GitError(format!("commit {commit} is not in this checkout")))?;
    let status = git_command(
        dir,
        &["merge-base", "--is-ancestor"],
        &[commit_rev, descendant_rev],
        None,
    )
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
    use super::*;

    /// A repository with two commits: `a.sql`, then `b.sql` added.
    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let run = |args: &[&str]| {
            let out = Command::new("git")
                .current_dir(dir.path())
                .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
                .args(["-c", "commit.gpgsign=false"])
                .args(args)
                .output()
                .unwrap();
            assert!(out.status.success(), "git {args:?}: {out:?}");
        };
        run(&["init", "-q", "-b", "main"]);
        std::fs::write(dir.path().join("a.sql"), "create table a (id int);\n").unwrap();
        run(&["add", "a.sql"]);
        run(&["commit", "-q", "-m", "a"]);
        std::fs::write(dir.path().join("b.sql"), "create table b (id int);\n").unwrap();
        run(&["add", "b.sql"]);
        run(&["commit", "-q", "-m", "b"]);
        dir
    }

    fn refusal(rev: &str) -> GitError {
        GitError(format!(
            "refusing the git revision `{rev}`: it starts with `-`, so git would read it as an \
             option; pass a branch, tag or commit (e.g. `origin/main`)"
        ))
    }

    #[test]
    fn revisions_git_could_read_as_options_are_refused() {
        for rev in [
            "-x",
            "--output=/tmp/victim",
            "--upload-pack=touch /tmp/pwned",
            "-",
            "--",
        ] {
            assert_eq!(check_revision(rev), Err(refusal(rev)), "{rev}");
        }
        assert_eq!(
            check_revision(""),
            Err(GitError(
                "refusing an empty git revision: pass a branch, tag or commit (e.g. `origin/main`)"
                    .into()
            ))
        );
        // A newline would add a line to `git cat-file --batch`'s input; shown escaped so the
        // error stays one line.
        assert_eq!(
            check_revision("main\nHEAD"),
            Err(GitError(
                "refusing the git revision `main\\nHEAD`: it contains a control character; pass \
                 a branch, tag or commit (e.g. `origin/main`)"
                    .into()
            ))
        );
        for rev in [
            "main",
            "origin/main",
            "HEAD~1",
            "HEAD^",
            "v1.0",
            "feature/add-users",
            "e83c5163316f89bfbde7d9ab23ca2e25604af290",
        ] {
            assert_eq!(check_revision(rev), Ok(()), "{rev}");
        }
    }

    #[test]
    fn revisions_come_after_end_of_options_and_paths_after_the_separator() {
        let revs = [Rev::new("main").unwrap(), Rev::new("HEAD").unwrap()];
        assert_eq!(
            git_args(&["diff", "--name-status"], &revs, Some(&["db/1.sql"])),
            [
                "diff",
                "--name-status",
                "--end-of-options",
                "main",
                "HEAD",
                "--",
                "db/1.sql"
            ]
        );
        assert_eq!(
            git_args(&["ls-tree", "-r"], &revs[..1], None),
            ["ls-tree", "-r", "--end-of-options", "main"]
        );
        assert_eq!(
            git_args(&["diff", "--cached"], &[], Some(&[])),
            ["diff", "--cached", "--end-of-options", "--"]
        );
    }

    #[test]
    fn end_of_options_keeps_git_from_reading_an_unchecked_revision_as_an_option() {
        // The second line of defence on its own: a revision that skipped the check (made
        // here without `Rev::new`) still does not reach git as `--output`.
        let repo = repo();
        let victim = repo.path().join("victim.txt");
        std::fs::write(&victim, "precious\n").unwrap();
        let unchecked = [Rev(format!("--output={}", victim.display()))];
        assert!(git_revs(
            repo.path(),
            &["diff", "--name-status"],
            &unchecked,
            Some(&[])
        )
        .is_err());
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious\n");
    }

    #[test]
    fn every_query_refuses_an_option_like_revision_before_git_sees_it() {
        let repo = repo();
        let root = repo.path();
        let victim = root.join("victim.txt");
        std::fs::write(&victim, "precious\n").unwrap();
        let rev = format!("--output={}", victim.display());
        let refused = refusal(&rev);
        assert_eq!(changes_since(root, &rev), Err(refused.clone()));
        assert_eq!(check_base(root, &rev), Err(refused.clone()));
        assert_eq!(resolve_commit(root, &rev), Err(refused.clone()));
        assert_eq!(file_at(root, &rev, "a.sql"), Err(refused.clone()));
        assert_eq!(files_at(root, &rev, &["a.sql"]), Err(refused.clone()));
        assert_eq!(list_files(root, &rev), Err(refused.clone()));
        assert_eq!(staged_changes(root, Some(&rev)), Err(refused.clone()));
        assert_eq!(is_ancestor(root, &rev, "HEAD"), Err(refused.clone()));
        assert_eq!(is_ancestor(root, "HEAD", &rev), Err(refused.clone()));
        assert!(!resolves(root, &rev));
        assert_eq!(commit_named(root, &rev), None);
        // Outside a repository too: the revision is what is wrong, and is named first.
        let elsewhere = tempfile::tempdir().unwrap();
        assert_eq!(changes_since(elsewhere.path(), "-x"), Err(refusal("-x")));
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious\n");
    }

    #[test]
    fn ordinary_revisions_still_work_and_are_read_as_the_commit_they_named() {
        let repo = repo();
        let root = std::fs::canonicalize(repo.path()).unwrap();
        let first = commit_named(&root, "HEAD~1").unwrap();
        assert_eq!(first.len(), 40, "{first}");
        assert_eq!(resolve_commit(&root, &first), Ok(first.clone()));
        for base in ["HEAD~1", "main~1", first.as_str()] {
            let changes = changes_since(&root, base).unwrap();
            assert_eq!(changes.base, base);
            assert_eq!(changes.base_commit.as_deref(), Some(first.as_str()));
            assert_eq!(
                changes.changed(),
                [root.join("b.sql")].into_iter().collect()
            );
        }
        assert_eq!(list_files(&root, "HEAD~1").unwrap(), ["a.sql"]);
        assert_eq!(list_files(&root, "main").unwrap(), ["a.sql", "b.sql"]);
        assert_eq!(file_at(&root, "main~1", "b.sql").unwrap(), None);
        assert!(file_at(&root, "main", "b.sql").unwrap().is_some());
        assert_eq!(is_ancestor(&root, &first, "HEAD"), Ok(true));
        assert_eq!(is_ancestor(&root, "HEAD", &first), Ok(false));
        assert_eq!(
            staged_changes(&root, Some(&first)).unwrap(),
            [('A', "b.sql".to_string())]
        );
        assert!(resolves(&root, "main"));
        assert!(!resolves(&root, "no-such-branch"));
    }

    #[test]
    fn reads_a_commits_committer_time() {
        let repo = repo();
        let root = std::fs::canonicalize(repo.path()).unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let time = commit_time(&root, "HEAD").unwrap();
        assert!((now - 600..=now + 5).contains(&time), "{time} vs {now}");
        assert_eq!(commit_time(&root, "-x"), Err(refusal("-x")));
        assert!(commit_time(&root, "no-such-branch").is_err());
    }

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
