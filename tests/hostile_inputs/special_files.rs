//! Hostile inputs that are not plain readable files: symbolic link loops and dangling links,
//! a FIFO and a directory named `.sql`, and unreadable files and directories (run as
//! `nobody` when the tests run as root).

use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use crate::common::write;
use crate::support::{
    check, check_with, mkfifo, tree, tree_in_tmp, Runner, FIFO_HANG, GOOD, HANG, HOSTILE,
    MIGRATIONS,
};

// ---------------------------------------------------------------------------------------
// Links, special files, permissions

#[test]
fn directory_symlink_loops_are_walked_once() {
    let dir = tree();
    let migrations = dir.path().join(MIGRATIONS);
    // A link to the directory holding it, and one to the parent of its own directory.
    symlink(".", migrations.join("again")).unwrap();
    fs::create_dir(migrations.join("nested")).unwrap();
    symlink("..", migrations.join("nested/up")).unwrap();
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.report.errors(), []);
    assert_eq!(run.report.files_checked(), 1, "{}", run.json.output());
    run.assert_good_file_checked();
}

#[test]
fn a_file_symlink_to_itself() {
    let dir = tree();
    let name = "supabase/migrations/20260102000000_a.sql";
    symlink("20260102000000_a.sql", dir.path().join(name)).unwrap();
    let run = check(dir.path(), &[]);
    let errors = run.report.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, name);
    assert!(
        errors[0].1.starts_with("cannot read it") && errors[0].1.contains("symbolic links"),
        "{errors:?}"
    );
    run.assert_only_error(name, &errors[0].1);
    run.assert_good_file_checked();
}

#[test]
fn a_dangling_symlink() {
    let dir = tree();
    let name = "supabase/migrations/20260102000000_gone.sql";
    symlink("20260101000000_deleted.sql", dir.path().join(name)).unwrap();
    let run = check(dir.path(), &[]);
    run.assert_only_error(
        name,
        "cannot read it (it does not exist; a broken symbolic link?): fix or remove it",
    );
    run.assert_good_file_checked();
}

#[test]
fn a_fifo_named_sql_does_not_hang() {
    let dir = tree();
    let fifo = "supabase/migrations/20260102000000_x.sql";
    mkfifo(&dir.path().join(fifo));
    // Walking the directory: the FIFO is not a file to read.
    let run = check_with(&Runner::direct(), dir.path(), &[], FIFO_HANG);
    assert_eq!(run.code, 1);
    assert_eq!(run.report.errors(), []);
    assert_eq!(run.report.files_checked(), 1);
    run.assert_good_file_checked();
    // Given by name: reported, not read.
    let run = check_with(&Runner::direct(), dir.path(), &[fifo, GOOD], FIFO_HANG);
    run.assert_only_error(
        fifo,
        "not a regular file (a FIFO, socket or device): give migration files or directories",
    );
    run.assert_good_file_checked();
}

#[test]
fn a_directory_named_sql() {
    let dir = tree();
    let odd = "supabase/migrations/20260102000000_x.sql";
    fs::create_dir_all(dir.path().join(odd)).unwrap();
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.report.errors(), []);
    assert_eq!(run.report.files_checked(), 1);
    run.assert_good_file_checked();
    // Given by name: a directory with no migrations, which says where it looked.
    let run = check(dir.path(), &[odd]);
    assert_eq!(run.code, 0);
    assert_eq!(run.report.files_checked(), 0);
    assert!(
        run.human
            .stderr
            .contains(&format!("no migrations found under {odd}")),
        "{}",
        run.human.output()
    );
}

fn is_root() -> bool {
    let out = StdCommand::new("id")
        .arg("-u")
        .output()
        .expect("`id -u` runs");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

/// A runner that permissions apply to: as root (where chmod does not stop reads), the binary
/// runs as `nobody` through `runuser`, copied where `nobody` can reach it when needed.
fn unprivileged() -> Runner {
    if !is_root() {
        return Runner::direct();
    }
    let runuser = |binary: &Path| {
        StdCommand::new("runuser")
            .args(["-u", "nobody", "--"])
            .arg(binary)
            .arg("--version")
            .output()
            .unwrap_or_else(|e| {
                panic!("running as root, the permission tests need `runuser` (util-linux): {e}")
            })
    };
    let mut runner = Runner {
        prefix: ["runuser", "-u", "nobody", "--"]
            .map(OsString::from)
            .to_vec(),
        ..Runner::direct()
    };
    if runuser(&runner.binary).status.success() {
        return runner;
    }
    let copy = tempfile::Builder::new()
        .prefix("sqlgate-bin-")
        .tempdir_in("/tmp")
        .unwrap();
    fs::set_permissions(copy.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let binary = copy.path().join("sqlgate");
    fs::copy(&runner.binary, &binary).unwrap();
    fs::set_permissions(&binary, fs::Permissions::from_mode(0o755)).unwrap();
    let probe = runuser(&binary);
    assert!(
        probe.status.success(),
        "`runuser -u nobody -- {} --version` fails: {}",
        binary.display(),
        String::from_utf8_lossy(&probe.stderr)
    );
    runner.binary = binary;
    runner._copy = Some(copy);
    runner
}

/// Directories 0755 and files 0644 below `dir` (and `dir`), so that `nobody` can read them.
fn open_up(dir: &Path) {
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            open_up(&entry.path());
        } else if kind.is_file() {
            fs::set_permissions(entry.path(), fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
}

/// Mode 000 on a path while it lives; readable again on drop (so the scratch tree can go).
struct Locked(PathBuf, u32);

impl Locked {
    fn new(path: PathBuf) -> Locked {
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
        Locked(path, mode)
    }
}

impl Drop for Locked {
    fn drop(&mut self) {
        let _ = fs::set_permissions(&self.0, fs::Permissions::from_mode(self.1));
    }
}

#[test]
fn an_unreadable_file() {
    let runner = unprivileged();
    let dir = tree_in_tmp(true);
    write(dir.path(), HOSTILE, "drop table t;\n");
    open_up(dir.path());
    let _locked = Locked::new(dir.path().join(HOSTILE));
    let run = check_with(&runner, dir.path(), &[], HANG);
    run.assert_only_error(
        HOSTILE,
        "cannot read it (permission denied): make it readable (`chmod a+r`) or check a directory without it",
    );
    run.assert_good_file_checked();
}

#[test]
fn an_unreadable_directory() {
    let runner = unprivileged();
    let dir = tree_in_tmp(true);
    let locked = "supabase/migrations/locked";
    write(
        dir.path(),
        &format!("{locked}/20260102000000_hidden.sql"),
        "drop table t;\n",
    );
    open_up(dir.path());
    let _locked = Locked::new(dir.path().join(locked));
    let run = check_with(&runner, dir.path(), &[], HANG);
    run.assert_only_error(
        locked,
        "cannot list the directory (permission denied): make it readable and searchable \
         (`chmod a+rx`) or check a directory without it",
    );
    run.assert_good_file_checked();
}
