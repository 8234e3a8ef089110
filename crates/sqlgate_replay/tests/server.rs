//! The replay's PostgreSQL server on this machine's real binaries (PostgreSQL 15 in CI, see
//! `.ci/run`): a missing installation fails these tests, it does not skip them.
//!
//! Two tests re-run this test binary (`std::env::current_exe`) with an environment variable
//! that makes a helper test do the work in a process of its own: the Ctrl-C test (the
//! signal handler exits the process) and the failure-path test (it sets TMPDIR). Without
//! the variable the helpers return at once.
#![cfg(unix)] // the throwaway cluster is Unix only

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use postgres::error::SqlState;
use sqlgate_replay::server::{
    find_binaries, BinarySearch, Server, ServerError, ThrowawayOptions, THROWAWAY_PORT,
    THROWAWAY_SUPERUSER,
};

const NO_BINARIES: &str = "no PostgreSQL server binaries (initdb, pg_ctl, postgres) found on \
     PATH, through pg_config or in /usr/lib/postgresql/*/bin: install PostgreSQL \
     (Debian/Ubuntu: apt-get install postgresql), or pass --database-url";

const CTRL_C_HELPER: &str = "SQLGATE_REPLAY_TEST_CTRL_C_HELPER";
const FAILURE_HELPER: &str = "SQLGATE_REPLAY_TEST_FAILURE_HELPER";

fn throwaway(statement_timeout: Duration) -> Server {
    let options = ThrowawayOptions {
        statement_timeout,
        ..ThrowawayOptions::default()
    };
    Server::throwaway(&options).unwrap_or_else(|e| panic!("throwaway cluster: {e}"))
}

fn postmaster_pid(server: &Server) -> i32 {
    let data = server.data_dir().expect("a throwaway has a data directory");
    let text = fs::read_to_string(data.join("postmaster.pid")).expect("postmaster.pid");
    text.lines()
        .next()
        .and_then(|line| line.trim().parse().ok())
        .expect("a pid on postmaster.pid's first line")
}

/// Whether the process runs (a zombie, exited but not reaped, does not).
fn alive(pid: i32) -> bool {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let state = stat
        .rfind(')')
        .and_then(|end| stat[end + 1..].split_whitespace().next().map(str::to_owned));
    !matches!(state.as_deref(), Some("Z") | Some("X") | None)
}

/// Waits (briefly) for the process to be gone: the postmaster's last backends may still be
/// exiting when pg_ctl returns.
fn assert_gone(pid: i32) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while alive(pid) {
        assert!(
            Instant::now() < deadline,
            "the postmaster (pid {pid}) still runs"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn process_uid(pid: i32) -> u32 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/PID/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().next())
        .and_then(|uid| uid.parse().ok())
        .expect("a Uid line")
}

fn show(client: &mut postgres::Client, setting: &str) -> String {
    client
        .query_one(&format!("show {setting}"), &[])
        .unwrap_or_else(|e| panic!("show {setting}: {e}"))
        .get(0)
}

fn database_exists(client: &mut postgres::Client, name: &str) -> bool {
    client
        .query_one(
            "select count(*) from pg_database where datname = $1",
            &[&name],
        )
        .map(|row| row.get::<_, i64>(0) == 1)
        .expect("pg_database")
}

#[test]
fn throwaway_serves_scratch_databases_and_is_removed_on_drop() {
    let mut server = throwaway(Duration::from_secs(60));
    let startup = server
        .startup()
        .expect("a throwaway reports its startup time");
    eprintln!(
        "throwaway {} started in {:.0} ms",
        server.version(),
        startup.as_secs_f64() * 1000.0
    );
    assert!(
        server.version().starts_with("PostgreSQL ") && server.version().len() > 11,
        "{}",
        server.version()
    );
    assert!(server.version_num() >= 90_000, "{}", server.version_num());

    let (mut client, name) = server.scratch().expect("scratch database");
    assert!(
        name.starts_with(&format!("sqlgate_replay_{}_", std::process::id())),
        "{name}"
    );
    let one: i32 = client.query_one("select 1", &[]).expect("select 1").get(0);
    assert_eq!(one, 1);
    let version: String = client.query_one("select version()", &[]).unwrap().get(0);
    assert!(version.starts_with("PostgreSQL "), "{version}");
    let database: String = client
        .query_one("select current_database()", &[])
        .unwrap()
        .get(0);
    assert_eq!(database, name);
    let user: String = client.query_one("select current_user", &[]).unwrap().get(0);
    assert_eq!(user, THROWAWAY_SUPERUSER);
    // The settings of a throwaway: default timeout, socket only, no durability, UTF8.
    assert_eq!(show(&mut client, "statement_timeout"), "1min");
    assert_eq!(show(&mut client, "listen_addresses"), "");
    assert_eq!(show(&mut client, "fsync"), "off");
    assert_eq!(show(&mut client, "full_page_writes"), "off");
    assert_eq!(show(&mut client, "synchronous_commit"), "off");
    assert_eq!(show(&mut client, "server_encoding"), "UTF8");

    // A second scratch database is another one; dropping it ends its open client.
    let (mut second, second_name) = server.scratch().expect("second scratch database");
    assert_ne!(second_name, name);
    assert!(database_exists(&mut client, &second_name));
    server
        .drop_scratch(&second_name)
        .expect("drop a scratch database with a client still open");
    assert!(!database_exists(&mut client, &second_name));
    assert!(second.query_one("select 1", &[]).is_err());
    // Only its own scratch databases, and each once.
    for other in ["postgres", "template1", second_name.as_str()] {
        let error = server.drop_scratch(other).unwrap_err();
        assert!(matches!(error, ServerError::NotScratch { .. }), "{error}");
    }
    assert!(database_exists(&mut client, "postgres"));

    let dir = server.temp_dir().expect("temp dir").to_path_buf();
    let pid = postmaster_pid(&server);
    assert!(dir.join(format!(".s.PGSQL.{THROWAWAY_PORT}")).exists());
    assert!(alive(pid), "postmaster {pid} should run");
    // PostgreSQL refuses root: as root, the server runs as another user.
    let root = fs::metadata("/proc/self").map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid() == 0
    });
    if root.unwrap_or(false) {
        assert_ne!(process_uid(pid), 0, "the postmaster runs as root");
    }

    drop(client);
    drop(server);
    assert!(!dir.exists(), "{} is left behind", dir.display());
    assert_gone(pid);
}

#[test]
fn scratch_clients_have_the_statement_timeout() {
    let mut server = throwaway(Duration::from_secs(1));
    let (mut client, _) = server.scratch().expect("scratch database");
    assert_eq!(show(&mut client, "statement_timeout"), "1s");
    let started = Instant::now();
    let error = client
        .query("select pg_sleep(5)", &[])
        .expect_err("pg_sleep(5) must time out after 1 s");
    let elapsed = started.elapsed();
    assert_eq!(error.code(), Some(&SqlState::QUERY_CANCELED), "{error:?}");
    let message = error.as_db_error().map(|db| db.message().to_string());
    assert!(
        message
            .as_deref()
            .is_some_and(|m| m.contains("statement timeout")),
        "{message:?}"
    );
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");

    // The timeout applies to the clients made after it is changed.
    server.set_statement_timeout(Duration::from_millis(1500));
    let (mut client, _) = server.scratch().expect("scratch database");
    assert_eq!(show(&mut client, "statement_timeout"), "1500ms");
    server.set_statement_timeout(Duration::ZERO);
    let (mut client, _) = server.scratch().expect("scratch database");
    assert_eq!(show(&mut client, "statement_timeout"), "0");
}

/// A URL for a role on a throwaway server: its socket directory as a percent-encoded host.
fn url_for(server: &Server, user: &str, password: &str, database: &str) -> String {
    let socket = server.temp_dir().expect("temp dir").display().to_string();
    let host = socket.replace('/', "%2F");
    format!("postgres://{user}:{password}@{host}:{THROWAWAY_PORT}/{database}")
}

#[test]
fn an_existing_server_gets_only_scratch_databases_and_they_are_dropped() {
    let mut cluster = throwaway(Duration::from_secs(60));
    let (mut superuser, _) = cluster.scratch().expect("superuser client");
    superuser
        .batch_execute(
            "create role replay_creator login createdb password 'pw-creator-secret'; \
             create role replay_nocreate login password 'pw-nocreate-secret'",
        )
        .expect("roles");
    // A database of the user's, which sqlgate must leave alone.
    superuser
        .batch_execute("create database keep_me")
        .expect("create database keep_me");

    // A role with CREATEDB (not a superuser), the URL naming the maintenance database.
    let url = url_for(&cluster, "replay_creator", "pw-creator-secret", "postgres");
    let mut existing = Server::existing(&url).unwrap_or_else(|e| panic!("existing: {e}"));
    assert!(existing.startup().is_none());
    assert_eq!(existing.version(), cluster.version());
    assert!(existing.temp_dir().is_none());
    assert!(!existing.target().contains("pw-creator-secret"));
    existing.set_statement_timeout(Duration::from_millis(2500));
    let (mut first, first_name) = existing.scratch().expect("first scratch database");
    let (mut second, second_name) = existing.scratch().expect("second scratch database");
    assert_ne!(first_name, second_name);
    let one: i32 = first.query_one("select 1", &[]).unwrap().get(0);
    assert_eq!(one, 1);
    assert_eq!(show(&mut second, "statement_timeout"), "2500ms");
    let owner: String = second
        .query_one(
            "select pg_get_userbyid(datdba)::text from pg_database where datname = current_database()",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(owner, "replay_creator");
    assert!(database_exists(&mut superuser, &first_name));
    assert!(database_exists(&mut superuser, &second_name));

    // Dropped with its client still connected (a role may end its own sessions).
    existing.drop_scratch(&first_name).expect("drop_scratch");
    assert!(!database_exists(&mut superuser, &first_name));
    assert!(first.query_one("select 1", &[]).is_err());
    // Never a database it did not make.
    for other in ["keep_me", "postgres", first_name.as_str()] {
        let error = existing.drop_scratch(other).unwrap_err();
        assert!(matches!(error, ServerError::NotScratch { .. }), "{error}");
    }
    // Drop drops what is left, with its client still open, and nothing else.
    drop(existing);
    assert!(!database_exists(&mut superuser, &second_name));
    assert!(database_exists(&mut superuser, "keep_me"));
    assert!(database_exists(&mut superuser, "postgres"));
    drop(second);

    // key=value form, superuser, no password: close() reports a clean cleanup.
    let socket = cluster.temp_dir().unwrap().display().to_string();
    let keyvalue =
        format!("host={socket} port={THROWAWAY_PORT} user={THROWAWAY_SUPERUSER} dbname=keep_me");
    let mut existing = Server::existing(&keyvalue).unwrap_or_else(|e| panic!("{e}"));
    let (_client, name) = existing.scratch().expect("scratch from key=value");
    existing.close().expect("close");
    assert!(!database_exists(&mut superuser, &name));

    // A role without CREATEDB: one line that says so, and no password.
    let url = url_for(
        &cluster,
        "replay_nocreate",
        "pw-nocreate-secret",
        "postgres",
    );
    let error = Server::existing(&url).expect_err("a role without CREATEDB");
    assert!(
        matches!(error, ServerError::CannotCreateDatabase { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "the role replay_nocreate on {socket}:{THROWAWAY_PORT} cannot create databases: \
             grant CREATEDB, or point --database-url at a server where it can"
        )
    );

    // The password appears in no error: a connection failure, a URL that does not parse.
    let secret = "pw-hidden-secret";
    let failing = [
        url_for(&cluster, "replay_creator", secret, "no_such_database"),
        url_for(&cluster, "no_such_role", secret, "postgres"),
        format!("postgres://replay_creator:{secret}@localhost:notaport/postgres"),
        format!(
            "postgres://replay_creator:{secret}@{}:1/postgres",
            socket.replace('/', "%2F")
        ),
        format!(
            "host={socket} port={THROWAWAY_PORT} user=replay_creator password={secret} dbname=nope"
        ),
        format!("host={socket} user=replay_creator password={secret} bogus_option=1"),
    ];
    for url in failing {
        let error = Server::existing(&url).expect_err(&url);
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(secret), "{shown}");
        assert!(!error.to_string().contains('\n'), "{error}");
        eprintln!("{error}");
    }
    let error = Server::existing(&url_for(&cluster, "replay_creator", secret, "nope")).unwrap_err();
    assert!(matches!(error, ServerError::Connect { .. }), "{error:?}");
    let error = Server::existing("postgres://u:pw-hidden-secret@h:notaport/db").unwrap_err();
    assert!(matches!(error, ServerError::InvalidUrl { .. }), "{error:?}");
}

#[test]
fn no_binaries_is_one_line_that_says_what_to_install() {
    let empty = tempfile::tempdir().unwrap();
    let search = BinarySearch {
        path: Some(empty.path().as_os_str().to_owned()),
        extra_dirs: Vec::new(),
        use_pg_config: false,
    };
    let error = find_binaries(&search).unwrap_err();
    assert!(matches!(error, ServerError::NoBinaries), "{error:?}");
    assert_eq!(error.to_string(), NO_BINARIES);
    let options = ThrowawayOptions {
        search,
        ..ThrowawayOptions::default()
    };
    let error = Server::throwaway(&options).unwrap_err();
    assert_eq!(error.to_string(), NO_BINARIES);
}

fn real_bindir() -> PathBuf {
    let bindir = find_binaries(&BinarySearch::default())
        .unwrap_or_else(|e| panic!("this machine's PostgreSQL: {e}"));
    fs::canonicalize(bindir).unwrap()
}

fn write_script(path: &Path, body: &str) {
    fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn binaries_are_found_through_symlinks_pg_config_and_extra_dirs() {
    let real = real_bindir();
    let none = || BinarySearch {
        path: None,
        extra_dirs: Vec::new(),
        use_pg_config: false,
    };

    // A symbolic link on PATH leads to the installation's directory.
    let links = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(real.join("pg_ctl"), links.path().join("pg_ctl")).unwrap();
    let search = BinarySearch {
        path: Some(links.path().as_os_str().to_owned()),
        ..none()
    };
    assert_eq!(find_binaries(&search).unwrap(), real);

    // An initdb alone in a directory is not an installation.
    let lone = tempfile::tempdir().unwrap();
    write_script(&lone.path().join("initdb"), "exit 0");
    let search = BinarySearch {
        path: Some(lone.path().as_os_str().to_owned()),
        ..none()
    };
    assert!(matches!(
        find_binaries(&search),
        Err(ServerError::NoBinaries)
    ));

    // pg_config --bindir, only when asked.
    let config = tempfile::tempdir().unwrap();
    write_script(
        &config.path().join("pg_config"),
        &format!("echo '{}'", real.display()),
    );
    let mut search = BinarySearch {
        path: Some(config.path().as_os_str().to_owned()),
        ..none()
    };
    assert!(matches!(
        find_binaries(&search),
        Err(ServerError::NoBinaries)
    ));
    search.use_pg_config = true;
    assert_eq!(find_binaries(&search).unwrap(), real);

    // The extra directories, in order, skipping incomplete ones.
    let search = BinarySearch {
        path: Some(lone.path().as_os_str().to_owned()),
        extra_dirs: vec![lone.path().to_path_buf(), real.clone()],
        use_pg_config: false,
    };
    assert_eq!(find_binaries(&search).unwrap(), real);
}

/// Runs this test binary's helper `test` with `env` set; its stdout lines go to the
/// returned channel as they come, its stderr is collected by the returned thread.
struct Helper {
    child: Child,
    lines: mpsc::Receiver<String>,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl Helper {
    fn spawn(test: &str, envs: &[(&str, &str)]) -> Helper {
        let exe = std::env::current_exe().expect("current_exe");
        let mut command = Command::new(exe);
        command
            .args([test, "--exact", "--nocapture", "--test-threads=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in envs {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("spawn the helper");
        let stdout = child.stdout.take().expect("stdout");
        let mut stderr = child.stderr.take().expect("stderr");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Helper {
            child,
            lines,
            stderr: Some(stderr),
        }
    }

    /// The value of the helper's `helper:key=value` line, waiting for it (libtest prints
    /// `test NAME ... ` before a test's first output, on the same line).
    fn value(&mut self, key: &str) -> String {
        let prefix = format!("helper:{key}=");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(start) = line.find(&prefix) {
                        return line[start + prefix.len()..].to_string();
                    }
                }
                Err(_) => panic!(
                    "the helper printed no {key}= line; its stderr: {}",
                    self.stderr_text()
                ),
            }
        }
    }

    fn wait(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the helper did not exit in {timeout:?}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Its stderr, once it has exited (a running helper is stopped first, as Drop does).
    fn stderr_text(&mut self) -> String {
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            let _ = self.wait(Duration::from_secs(10));
        }
        self.stderr
            .take()
            .map(|thread| thread.join().unwrap_or_default())
            .unwrap_or_default()
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        // A failed assertion must not leave the helper (and its cluster) running: SIGTERM
        // first (its handler removes the cluster), SIGKILL if it does not exit.
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Ctrl-C test's child: starts a cluster, says where it is, waits to be interrupted.
#[test]
fn ctrl_c_helper() {
    if std::env::var_os(CTRL_C_HELPER).is_none() {
        return;
    }
    let server = throwaway(Duration::from_secs(60));
    let dir = server.temp_dir().expect("temp dir").display().to_string();
    println!("helper:dir={dir}");
    println!("helper:pid={}", postmaster_pid(&server));
    std::io::stdout().flush().unwrap();
    std::thread::sleep(Duration::from_secs(60));
    panic!("the helper was not interrupted within 60 s");
}

#[test]
fn ctrl_c_stops_the_cluster_removes_its_directory_and_exits_130() {
    let mut helper = Helper::spawn("ctrl_c_helper", &[(CTRL_C_HELPER, "1")]);
    let dir = PathBuf::from(helper.value("dir"));
    let pid: i32 = helper.value("pid").parse().expect("a pid");
    assert!(dir.is_dir(), "{}", dir.display());
    assert!(alive(pid), "postmaster {pid}");

    let sent = Command::new("kill")
        .args(["-INT", &helper.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let started = Instant::now();
    let status = helper.wait(Duration::from_secs(30));
    eprintln!("the helper exited {:?} after the signal", started.elapsed());
    let stderr = helper.stderr_text();
    assert_eq!(status.code(), Some(130), "{status:?}; stderr: {stderr}");
    assert!(!dir.exists(), "{} is left behind", dir.display());
    assert_gone(pid);
}

/// The failure-path test's child: an initdb that fails, then a pg_ctl that fails; both
/// errors on stdout. TMPDIR (set by the parent) must be empty afterwards.
#[test]
fn failure_helper() {
    let Some(fakes) = std::env::var_os(FAILURE_HELPER) else {
        return;
    };
    let fakes = PathBuf::from(fakes);
    for case in ["initdb-fails", "start-fails"] {
        let options = ThrowawayOptions {
            search: BinarySearch {
                path: Some(Default::default()),
                extra_dirs: vec![fakes.join(case)],
                use_pg_config: false,
            },
            ..ThrowawayOptions::default()
        };
        let error = Server::throwaway(&options).expect_err(case);
        println!("helper:{case}={error}");
    }
}

#[test]
fn a_failed_initdb_or_start_leaves_no_directory() {
    let fakes = tempfile::tempdir().unwrap();
    // As root the fake programs run as `postgres`: they must be reachable.
    fs::set_permissions(fakes.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let initdb_fails = fakes.path().join("initdb-fails");
    let start_fails = fakes.path().join("start-fails");
    for (dir, initdb, pg_ctl) in [
        (
            &initdb_fails,
            "echo 'initdb: error: simulated initdb failure' >&2; exit 1",
            "exit 0",
        ),
        (
            &start_fails,
            // -D DATA first: a data directory with a postgresql.conf, as initdb leaves.
            "mkdir -p \"$2\" && touch \"$2/postgresql.conf\"",
            "echo 'pg_ctl: could not start server (simulated)' >&2; exit 1",
        ),
    ] {
        fs::create_dir(dir).unwrap();
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
        write_script(&dir.join("initdb"), initdb);
        write_script(&dir.join("pg_ctl"), pg_ctl);
        write_script(&dir.join("postgres"), "exit 1");
    }
    let tmp = tempfile::tempdir().unwrap();
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o1777)).unwrap();

    let fakes_text = fakes.path().display().to_string();
    let tmp_text = tmp.path().display().to_string();
    let mut helper = Helper::spawn(
        "failure_helper",
        &[
            (FAILURE_HELPER, fakes_text.as_str()),
            ("TMPDIR", tmp_text.as_str()),
        ],
    );
    let initdb = helper.value("initdb-fails");
    let start = helper.value("start-fails");
    eprintln!("{initdb}\n{start}");
    let status = helper.wait(Duration::from_secs(30));
    assert!(status.success(), "{status:?}: {}", helper.stderr_text());
    assert!(initdb.starts_with("initdb ("), "{initdb}");
    assert!(initdb.contains("simulated initdb failure"), "{initdb}");
    assert!(
        start.starts_with("the throwaway PostgreSQL server did not start"),
        "{start}"
    );
    assert!(
        start.contains("could not start server (simulated)"),
        "{start}"
    );
    let left: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "left behind in TMPDIR: {left:?}");
}
