//! The PostgreSQL server replay runs migrations on: a throwaway cluster made from the local
//! binaries, or scratch databases on a server the user names (`--database-url`). SQL goes
//! through the `postgres` client only, never a `psql` subprocess.
//!
//! # Contract
//!
//! ```text
//! Server::throwaway(&ThrowawayOptions) -> Result<Server, ServerError>
//! Server::existing(url: &str) -> Result<Server, ServerError>       // postgres:// or key=value
//! Server::scratch(&mut self) -> Result<(postgres::Client, String), ServerError>
//! Server::drop_scratch(&mut self, name: &str) -> Result<(), ServerError>
//! Server::version(&self) -> &str                     // "PostgreSQL 15.18"
//! Server::version_num(&self) -> i32                  // server_version_num, 150018
//! Server::startup(&self) -> Option<Duration>         // initdb to accepting connections
//! Server::statement_timeout(&self) -> Duration
//! Server::set_statement_timeout(&mut self, Duration) // for the next `scratch` clients
//! Server::target(&self) -> &str                      // "host:port", never a password
//! Server::temp_dir(&self) / data_dir(&self) -> Option<&Path>  // throwaway only
//! Server::close(self) -> Result<(), ServerError>     // Drop's cleanup, with its error
//! find_binaries(&BinarySearch) -> Result<PathBuf, ServerError>  // the bindir
//! BinarySearch { path, extra_dirs, use_pg_config }, BinarySearch::default()
//! ThrowawayOptions { search, statement_timeout }, ThrowawayOptions::default()
//! ServerError: Debug + Display (one line that says what to do) + Error
//! ```
//!
//! - Throwaway: `initdb` (trust auth, no sync, UTF8, C locale, superuser
//!   [`THROWAWAY_SUPERUSER`]) into a fresh temporary directory, started by `pg_ctl` in its own
//!   process group on a unix socket in that directory only ([`THROWAWAY_PORT`] names the
//!   socket file), without durability (`fsync`, `full_page_writes`, `synchronous_commit`
//!   off). As root, `initdb` and `pg_ctl` run as `postgres` (else `nobody`): PostgreSQL
//!   refuses to run as root.
//! - Existing: sqlgate connects to the URL's database and only ever creates and drops its
//!   own scratch databases there (`sqlgate_replay_<pid>_<n>`, from `template0`).
//! - Every client `scratch` returns has `statement_timeout` set (default 60 s).
//! - Nothing is left behind: dropping the `Server` stops the throwaway server and removes its
//!   directory (or drops the remaining scratch databases of an existing server); so does a
//!   Ctrl-C, SIGTERM or SIGHUP (a process-wide registry and a `ctrlc` handler, which then
//!   exits with code 130); so does every failure on the way up. The handler is installed by
//!   the first `Server`; if the process already has a `ctrlc` handler, it stays and this
//!   cleanup on signals does not happen (Drop still does).
//! - Unix only for the throwaway (unix sockets, process groups, uid switching): elsewhere
//!   `throwaway` fails with [`ServerError::Unsupported`] and `--database-url` is the way.

// Off Unix only the existing-server path is live; the throwaway's helpers stay compiled
// (one code path to read) but unused.
#![cfg_attr(not(unix), allow(dead_code, unused_imports))]

use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::io::{self, Write};
#[cfg(unix)]
use std::os::unix::fs::{MetadataExt, PermissionsExt};
#[cfg(unix)]
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once, PoisonError, Weak};
use std::time::{Duration, Instant};

use postgres::config::Host;
use postgres::error::SqlState;
use postgres::{Client, Config, NoTls};

/// The superuser `initdb` creates in a throwaway cluster; clients connect as it.
pub const THROWAWAY_SUPERUSER: &str = "sqlgate";
/// The throwaway server's port: it listens on no TCP port, this only names the socket file
/// (`.s.PGSQL.5432`) in its own directory, so it never collides with another server.
pub const THROWAWAY_PORT: u16 = 5432;
/// The statement timeout of scratch clients unless told otherwise.
pub const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(60);

/// The programs a throwaway cluster needs, all from one installation.
const SERVER_PROGRAMS: [&str; 3] = ["initdb", "pg_ctl", "postgres"];
/// How long the throwaway server may take to accept connections after `pg_ctl start`.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// `pg_ctl stop -t`: an immediate stop takes milliseconds; this only bounds a stuck one.
const STOP_TIMEOUT_SECS: &str = "10";
/// A connection attempt's bound (the user's URL may name one of its own).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// sqlgate's own maintenance connection (CREATE/DROP DATABASE): bounded, so neither a call
/// nor the signal handler's cleanup can hang forever, and independent of the scratch
/// clients' timeout (a short one must not fail a CREATE DATABASE on a slow disk).
const ADMIN_STATEMENT_TIMEOUT: Duration = Duration::from_secs(120);
/// The longest unix socket path the throwaway's directory may lead to (`sun_path` is 108
/// bytes on Linux, 104 on macOS, with the terminating NUL).
const MAX_SOCKET_PATH: usize = 100;
/// The name of a scratch database is this, the process id, `_`, and a counter.
const SCRATCH_PREFIX: &str = "sqlgate_replay_";
/// The temporary directory's name: this and six random characters.
const TEMP_PREFIX: &str = "sqlgate-replay-";

const NO_BINARIES: &str = "no PostgreSQL server binaries (initdb, pg_ctl, postgres) found on \
     PATH, through pg_config or in /usr/lib/postgresql/*/bin: install PostgreSQL \
     (Debian/Ubuntu: apt-get install postgresql), or pass --database-url";

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// Why a server could not be had or used. `Display` is one line that says what to do; no
/// variant ever holds a password.
#[derive(Debug)]
pub enum ServerError {
    /// No directory with `initdb`, `pg_ctl` and `postgres` was found.
    NoBinaries,
    /// Running as root, and neither a `postgres` nor a `nobody` user exists to run the
    /// server as.
    NoUnprivilegedUser,
    /// A throwaway cluster on a system that is not Unix.
    Unsupported,
    /// A file-system step of the throwaway cluster failed.
    Io { action: String, source: io::Error },
    /// `initdb` failed; `output` is what it printed.
    Initdb { bindir: PathBuf, output: String },
    /// The throwaway server did not start or accept connections; `log` is its whole log
    /// (the directory holding it is gone by the time the caller sees this).
    Start { reason: String, log: String },
    /// `--database-url` could not be parsed or lacks a part.
    InvalidUrl { message: String },
    /// Connecting failed.
    Connect { target: String, message: String },
    /// The existing server's role may not create databases.
    CannotCreateDatabase { role: String, host: String },
    /// A statement of sqlgate's own (CREATE/DROP DATABASE, a catalog query) failed.
    Query {
        target: String,
        action: String,
        message: String,
    },
    /// `drop_scratch` was given a database this `Server` did not create.
    NotScratch { name: String },
    /// Stopping the server, removing its directory or dropping scratch databases failed.
    Cleanup { message: String },
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerError::NoBinaries => f.write_str(NO_BINARIES),
            ServerError::NoUnprivilegedUser => f.write_str(
                "running as root, which PostgreSQL refuses, and there is no `postgres` or \
                 `nobody` user to run it as: create one (useradd --system postgres), run \
                 sqlgate as another user, or pass --database-url",
            ),
            ServerError::Unsupported => f.write_str(
                "a throwaway PostgreSQL server needs Linux or macOS (unix sockets): pass \
                 --database-url with a server where sqlgate may create databases",
            ),
            ServerError::Io { action, source } => write!(
                f,
                "could not {action}: {}: make sure the temporary directory (TMPDIR) is \
                 writable and has free space, or pass --database-url",
                one_line(&source.to_string())
            ),
            ServerError::Initdb { bindir, output } => write!(
                f,
                "initdb ({}) failed: {}: check the PostgreSQL installation there, or pass \
                 --database-url",
                bindir.join("initdb").display(),
                summarize(output)
            ),
            ServerError::Start { reason, log } => write!(
                f,
                "the throwaway PostgreSQL server did not start ({}); its log: {}: check the \
                 PostgreSQL installation, or pass --database-url",
                one_line(reason),
                summarize(log)
            ),
            ServerError::InvalidUrl { message } => write!(
                f,
                "invalid --database-url ({}): use postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE \
                 or key=value pairs (host=... port=... user=... dbname=...)",
                one_line(message)
            ),
            ServerError::Connect { target, message } => write!(
                f,
                "could not connect to {target}: {}: check --database-url (host, port, user, \
                 password, database) and that the server accepts connections",
                one_line(message)
            ),
            ServerError::CannotCreateDatabase { role, host } => write!(
                f,
                "the role {role} on {host} cannot create databases: grant CREATEDB, or point \
                 --database-url at a server where it can"
            ),
            ServerError::Query {
                target,
                action,
                message,
            } => write!(
                f,
                "{action} failed on {target}: {}: check the server's log and the role's rights",
                one_line(message)
            ),
            ServerError::NotScratch { name } => write!(
                f,
                "refusing to drop database {name:?}: sqlgate only drops the scratch databases \
                 it created (this is a bug in sqlgate: please report it)"
            ),
            ServerError::Cleanup { message } => write!(
                f,
                "could not remove everything the replay made: {}: remove it by hand",
                one_line(message)
            ),
        }
    }
}

impl std::error::Error for ServerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ServerError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Newlines (a DETAIL or HINT line, a log) folded into ` | `: a `ServerError` is one line.
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The telling lines of a program's output or a server log, on one line: its errors
/// (FATAL, PANIC, ERROR) if it has any, else its last lines; at most about 400 characters.
fn summarize(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    if lines.is_empty() {
        return "(nothing)".to_string();
    }
    let errors: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|line| {
            ["FATAL", "PANIC", "ERROR", "error", "could not", "cannot"]
                .iter()
                .any(|word| line.contains(word))
        })
        .collect();
    let chosen = if errors.is_empty() { &lines } else { &errors };
    let tail = &chosen[chosen.len().saturating_sub(3)..];
    let mut out = tail.join(" | ");
    if out.chars().count() > 400 {
        out = out.chars().take(400).collect::<String>() + "...";
    }
    out
}

/// A `postgres` error with its cause (its `Display` alone is only the kind, "db error"):
/// the server's message and hint, or the I/O error underneath.
fn describe(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut text = format!("{}: {}", db.severity(), db.message());
        if let Some(hint) = db.hint() {
            text.push_str(&format!(" (hint: {hint})"));
        }
        return text;
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    one_line(&text)
}

// ---------------------------------------------------------------------------------------
// Finding the binaries
// ---------------------------------------------------------------------------------------

/// Where to look for `initdb`, `pg_ctl` and `postgres`, in this order: each directory of
/// `path`, `pg_config --bindir` (the first `pg_config` on `path`), then `extra_dirs`.
#[derive(Debug, Clone)]
pub struct BinarySearch {
    /// The `PATH` to search; `None`: the process's `PATH`.
    pub path: Option<OsString>,
    /// Directories tried last, in order; default: [`debian_bindirs`].
    pub extra_dirs: Vec<PathBuf>,
    /// Ask `pg_config --bindir`.
    pub use_pg_config: bool,
}

impl Default for BinarySearch {
    fn default() -> Self {
        BinarySearch {
            path: None,
            extra_dirs: debian_bindirs(),
            use_pg_config: true,
        }
    }
}

/// `/usr/lib/postgresql/*/bin` (Debian's and Ubuntu's layout), newest major first.
pub fn debian_bindirs() -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir("/usr/lib/postgresql") else {
        return Vec::new();
    };
    let mut majors: Vec<(Vec<u64>, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            // "9.6" < "10" < "15": compared as numbers; a name that is not one sorts last.
            let version = name
                .split('.')
                .map(|part| part.parse::<u64>().unwrap_or(0))
                .collect();
            (version, entry.path().join("bin"))
        })
        .collect();
    majors.sort_by(|a, b| b.0.cmp(&a.0));
    majors.into_iter().map(|(_, dir)| dir).collect()
}

/// The directory holding `initdb`, `pg_ctl` and `postgres` of one installation.
///
/// A program found on `PATH` is followed through symbolic links (`/usr/local/bin/pg_ctl ->
/// /usr/lib/postgresql/15/bin/pg_ctl`) to the directory of the real one, and that directory
/// must hold all three: they then come from one installation.
pub fn find_binaries(search: &BinarySearch) -> Result<PathBuf, ServerError> {
    let path = search
        .path
        .clone()
        .or_else(|| std::env::var_os("PATH"))
        .unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path)
        .filter(|dir| !dir.as_os_str().is_empty())
        .collect();
    for dir in &dirs {
        for program in SERVER_PROGRAMS {
            let candidate = dir.join(program);
            if !is_executable(&candidate) {
                continue;
            }
            if let Some(bindir) = installation_of(&candidate) {
                return Ok(bindir);
            }
        }
    }
    if search.use_pg_config {
        // The first pg_config on the PATH, as a shell would run it.
        if let Some(pg_config) = dirs
            .iter()
            .map(|dir| dir.join("pg_config"))
            .find(|candidate| is_executable(candidate))
        {
            if let Some(bindir) = pg_config_bindir(&pg_config) {
                if is_complete(&bindir) {
                    return Ok(bindir);
                }
            }
        }
    }
    search
        .extra_dirs
        .iter()
        .find(|dir| is_complete(dir))
        .cloned()
        .ok_or(ServerError::NoBinaries)
}

/// The directory of the real file behind `program`, if it holds all three programs.
fn installation_of(program: &Path) -> Option<PathBuf> {
    let real = fs::canonicalize(program).ok()?;
    let dir = real.parent()?;
    is_complete(dir).then(|| dir.to_path_buf())
}

fn is_complete(dir: &Path) -> bool {
    SERVER_PROGRAMS
        .iter()
        .all(|program| is_executable(&dir.join(program)))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// `pg_config --bindir`, or `None` if it fails (Debian's wrapper does without the server
/// development package).
fn pg_config_bindir(pg_config: &Path) -> Option<PathBuf> {
    let output = Command::new(pg_config)
        .arg("--bindir")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let line = text.lines().next()?.trim();
    (!line.is_empty()).then(|| PathBuf::from(line))
}

// ---------------------------------------------------------------------------------------
// The user the server runs as
// ---------------------------------------------------------------------------------------

/// The unprivileged user `initdb` and `pg_ctl` run as when sqlgate runs as root.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: u32,
    gid: u32,
}

#[cfg(unix)]
fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(not(unix))]
fn is_root() -> bool {
    false
}

/// `None` when not root (the server runs as sqlgate's own user); else `postgres`, or
/// `nobody` where there is no `postgres` user.
fn unprivileged_user() -> Result<Option<RunAs>, ServerError> {
    if !is_root() {
        return Ok(None);
    }
    ["postgres", "nobody"]
        .iter()
        .find_map(|name| lookup_user(name))
        .map(Some)
        .ok_or(ServerError::NoUnprivilegedUser)
}

/// The user's ids from `/etc/passwd`, else from `getent passwd` (LDAP, NIS, systemd-homed).
fn lookup_user(name: &str) -> Option<RunAs> {
    if let Ok(passwd) = fs::read_to_string("/etc/passwd") {
        if let Some(user) = passwd.lines().find_map(|line| parse_passwd(line, name)) {
            return Some(user);
        }
    }
    let output = Command::new("getent")
        .args(["passwd", name])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| parse_passwd(line, name))
}

/// `name:x:uid:gid:...` for `name`; uid 0 is never taken (that would be root again).
fn parse_passwd(line: &str, name: &str) -> Option<RunAs> {
    let mut fields = line.split(':');
    if fields.next()? != name {
        return None;
    }
    let _password = fields.next()?;
    let uid = fields.next()?.parse().ok()?;
    let gid = fields.next()?.parse().ok()?;
    (uid != 0).then_some(RunAs { uid, gid })
}

/// The parent of the throwaway's directory: `TMPDIR` (std's `temp_dir`) when the socket
/// path fits, the path is plain enough to write into `postgresql.conf` and the server's
/// user can reach it; else `/tmp`.
fn temp_base(run_as: Option<RunAs>) -> PathBuf {
    let base = std::env::temp_dir();
    let Some(text) = base.to_str() else {
        return PathBuf::from("/tmp");
    };
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-'));
    // <base>/sqlgate-replay-XXXXXX/.s.PGSQL.5432
    let socket_len = text.len() + 1 + TEMP_PREFIX.len() + 6 + "/.s.PGSQL.5432".len();
    let reachable = run_as.is_none_or(|user| traversable(&base, user));
    if plain && socket_len <= MAX_SOCKET_PATH && reachable {
        base
    } else {
        PathBuf::from("/tmp")
    }
}

/// Whether `user` may pass through every directory down to `dir` (as root, TMPDIR may be
/// under /root, which the `postgres` user cannot enter).
#[cfg(unix)]
fn traversable(dir: &Path, user: RunAs) -> bool {
    dir.ancestors().all(|ancestor| {
        let Ok(meta) = fs::metadata(ancestor) else {
            return false;
        };
        let mode = meta.mode();
        if meta.uid() == user.uid {
            mode & 0o100 != 0
        } else if meta.gid() == user.gid {
            mode & 0o010 != 0
        } else {
            mode & 0o001 != 0
        }
    })
}

#[cfg(not(unix))]
fn traversable(_dir: &Path, _user: RunAs) -> bool {
    true
}

// ---------------------------------------------------------------------------------------
// What must be undone, and the process-wide registry the signal handler reads
// ---------------------------------------------------------------------------------------

/// A throwaway cluster's files and how to run its programs.
#[derive(Debug)]
struct Cluster {
    /// The temporary directory: `data/`, the socket and `server.log`.
    dir: PathBuf,
    data: PathBuf,
    bindir: PathBuf,
    run_as: Option<RunAs>,
}

/// How to reach an existing server to drop its scratch databases.
struct Existing {
    /// sqlgate's maintenance connection (the URL's database).
    admin: Config,
    target: String,
    version_num: i32,
}

/// Everything a `Server` made that must go, reachable from Drop and from the signal
/// handler alike. Its mutex is held for each step that creates something (initdb and the
/// start; CREATE DATABASE), so the handler waits for the step and then undoes it too,
/// instead of racing it.
#[derive(Default)]
struct Undo {
    cluster: Option<Cluster>,
    existing: Option<Existing>,
    /// The scratch databases made and not dropped yet.
    scratch: Vec<String>,
}

impl Undo {
    /// Undoes everything; afterwards there is nothing left to undo (what failed is in the
    /// error). `admin`: an open maintenance connection to the existing server, if there is
    /// one (the signal handler has none and connects).
    fn run(&mut self, admin: Option<&mut Client>) -> Result<(), String> {
        let mut problems = Vec::new();
        let scratch = std::mem::take(&mut self.scratch);
        if let Some(existing) = self.existing.take() {
            if !scratch.is_empty() {
                if let Err(problem) = drop_all(&existing, admin, &scratch) {
                    problems.push(problem);
                }
            }
        }
        // A throwaway's scratch databases go with its directory.
        if let Some(cluster) = self.cluster.take() {
            if let Err(problem) = cluster.remove() {
                problems.push(problem);
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

fn drop_all(
    existing: &Existing,
    admin: Option<&mut Client>,
    names: &[String],
) -> Result<(), String> {
    let mut own;
    let client = match admin {
        Some(client) if !client.is_closed() => client,
        _ => {
            own = existing.admin.connect(NoTls).map_err(|error| {
                format!(
                    "could not connect to {} to drop {}: {}",
                    existing.target,
                    names.join(", "),
                    describe(&error)
                )
            })?;
            &mut own
        }
    };
    let failed: Vec<String> = names
        .iter()
        .filter_map(|name| {
            drop_database(client, name, existing.version_num)
                .err()
                .map(|error| {
                    format!(
                        "database {name} on {}: {}",
                        existing.target,
                        describe(&error)
                    )
                })
        })
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("could not drop {}", failed.join("; ")))
    }
}

/// Drops a database after ending its sessions (a scratch client still open would block
/// DROP DATABASE).
fn drop_database(client: &mut Client, name: &str, version_num: i32) -> Result<(), postgres::Error> {
    client.execute(
        "select pg_terminate_backend(pid) from pg_stat_activity \
         where datname = $1 and pid <> pg_backend_pid()",
        &[&name],
    )?;
    // WITH (FORCE) (PostgreSQL 13+) also ends a session that connected in between.
    let force = if version_num >= 130_000 {
        " WITH (FORCE)"
    } else {
        ""
    };
    client.batch_execute(&format!(
        "DROP DATABASE IF EXISTS {}{force}",
        quote_ident(name)
    ))
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The live `Undo`s of this process (weak: a dropped `Server` leaves a dead entry, pruned on
/// the next registration).
static LIVE: Mutex<Vec<Weak<Mutex<Undo>>>> = Mutex::new(Vec::new());

/// A mutex's data even if a thread panicked holding it: cleanup must run regardless.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Adds `undo` to the registry. Lock order: LIVE before any `Undo`; never call this holding
/// an `Undo`'s lock (the handler holds LIVE while it waits for each `Undo`).
fn register(undo: &Arc<Mutex<Undo>>) {
    let mut live = lock(&LIVE);
    live.retain(|entry| entry.strong_count() > 0);
    live.push(Arc::downgrade(undo));
}

/// Installs the Ctrl-C/SIGTERM/SIGHUP handler once per process.
fn install_signal_handler() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // An error means the process already has a handler (ctrlc allows one): it stays,
        // and Drop remains the only cleanup. Nothing to report to the user here.
        let _ = ctrlc::set_handler(on_signal);
    });
}

/// Runs on ctrlc's own thread, not in signal context: it may lock, run pg_ctl and connect.
/// LIVE stays locked until the exit, so no new server registers meanwhile; each `Undo` is
/// locked in turn, which waits for a step in progress (initdb, the start) to finish first.
fn on_signal() {
    let live = lock(&LIVE);
    for entry in live.iter() {
        if let Some(undo) = entry.upgrade() {
            // Best effort: the process is exiting and has no one to report to but stderr.
            if let Err(problem) = lock(&undo).run(None) {
                eprintln!("sqlgate: {problem}");
            }
        }
    }
    std::process::exit(130);
}

// ---------------------------------------------------------------------------------------
// The throwaway cluster's processes
// ---------------------------------------------------------------------------------------

/// One of the server's programs: in its own process group (a terminal's Ctrl-C reaches
/// sqlgate, whose handler stops the server in order, not the server directly), in the
/// cluster's directory (root's cwd may be closed to the server's user), without the
/// caller's PG* variables (PGPORT, PGDATA... would change what the programs do), with C
/// messages, and as the unprivileged user when sqlgate is root.
fn server_command(cluster: &Cluster, program: &str) -> Command {
    let mut command = Command::new(cluster.bindir.join(program));
    command
        .current_dir(&cluster.dir)
        .stdin(Stdio::null())
        .env("LC_ALL", "C");
    #[cfg(unix)]
    command.process_group(0);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("PG") {
            command.env_remove(key);
        }
    }
    #[cfg(unix)]
    if let Some(user) = cluster.run_as {
        // std drops the supplementary groups when it changes the uid.
        command.uid(user.uid).gid(user.gid);
    }
    command
}

fn output_text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

impl Cluster {
    fn log(&self) -> String {
        fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// initdb, the settings, `pg_ctl start`; the caller undoes on error.
    fn create(&self) -> Result<(), ServerError> {
        let output = server_command(self, "initdb")
            .arg("-D")
            .arg(&self.data)
            .args(["--auth=trust", "--no-sync", "--encoding=UTF8", "--locale=C"])
            .arg(format!("--username={THROWAWAY_SUPERUSER}"))
            .output()
            .map_err(|source| ServerError::Io {
                action: format!("run {}", self.bindir.join("initdb").display()),
                source,
            })?;
        if !output.status.success() {
            return Err(ServerError::Initdb {
                bindir: self.bindir.clone(),
                output: output_text(&output),
            });
        }
        self.write_settings()?;
        let output = server_command(self, "pg_ctl")
            .arg("start")
            .arg("-D")
            .arg(&self.data)
            .arg("-l")
            .arg(self.dir.join("server.log"))
            .args(["-w", "-t", &START_TIMEOUT.as_secs().to_string(), "-s"])
            .output()
            .map_err(|source| ServerError::Io {
                action: format!("run {}", self.bindir.join("pg_ctl").display()),
                source,
            })?;
        if !output.status.success() {
            return Err(ServerError::Start {
                reason: format!("pg_ctl start: {}", summarize(&output_text(&output))),
                log: self.log(),
            });
        }
        Ok(())
    }

    /// The settings appended to `postgresql.conf` (no shell quoting, unlike `pg_ctl -o`):
    /// the unix socket in our directory only, and no durability (the cluster is thrown
    /// away; replay measures locks and rewrites, not I/O).
    fn write_settings(&self) -> Result<(), ServerError> {
        // temp_base keeps the directory's path to [A-Za-z0-9/._-]; quoting anyway.
        let socket_dir = self
            .dir
            .to_string_lossy()
            .replace('\\', "\\\\")
            .replace('\'', "''");
        let settings = format!(
            "\n# sqlgate replay: a throwaway cluster\n\
             listen_addresses = ''\n\
             unix_socket_directories = '{socket_dir}'\n\
             port = {THROWAWAY_PORT}\n\
             fsync = off\n\
             full_page_writes = off\n\
             synchronous_commit = off\n"
        );
        let conf = self.data.join("postgresql.conf");
        fs::OpenOptions::new()
            .append(true)
            .open(&conf)
            .and_then(|mut file| file.write_all(settings.as_bytes()))
            .map_err(|source| ServerError::Io {
                action: format!("write {}", conf.display()),
                source,
            })
    }

    /// Stops the server (if it runs) and removes the directory.
    fn remove(&self) -> Result<(), String> {
        let stopped = self.stop();
        let removed = remove_dir(&self.dir);
        match (stopped, removed) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(a), Ok(())) | (Ok(()), Err(a)) => Err(a),
            (Err(a), Err(b)) => Err(format!("{a}; {b}")),
        }
    }

    /// `pg_ctl stop -m immediate` (no checkpoint: the data is thrown away), then `-m fast`,
    /// then SIGKILL to the postmaster's process group.
    fn stop(&self) -> Result<(), String> {
        let Some(pid) = read_postmaster_pid(&self.data) else {
            return Ok(()); // never started, or already stopped
        };
        for mode in ["immediate", "fast"] {
            let stopped = server_command(self, "pg_ctl")
                .arg("stop")
                .arg("-D")
                .arg(&self.data)
                .args(["-m", mode, "-w", "-t", STOP_TIMEOUT_SECS, "-s"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success());
            if stopped {
                return Ok(());
            }
            if !process_alive(pid) {
                return Ok(()); // a stale postmaster.pid: nothing runs
            }
        }
        // Only a process that is a PostgreSQL server: a stale pid file's number may have
        // been reused by an unrelated process.
        if !is_postgres_process(pid) {
            return Err(format!(
                "pg_ctl could not stop the server in {} (pid {pid})",
                self.data.display()
            ));
        }
        // The postmaster only: its children (each a session leader of its own) exit by
        // themselves when they see it gone.
        #[cfg(unix)]
        // SAFETY: kill has no memory-safety preconditions; pid > 0 (read_postmaster_pid).
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while process_alive(pid) {
            if Instant::now() > deadline {
                return Err(format!("the server (pid {pid}) survived SIGKILL"));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(())
    }
}

/// The postmaster's pid: the first line of `postmaster.pid`.
fn read_postmaster_pid(data: &Path) -> Option<i32> {
    let text = fs::read_to_string(data.join("postmaster.pid")).ok()?;
    let pid: i32 = text.lines().next()?.trim().parse().ok()?;
    (pid > 0).then_some(pid)
}

/// Whether `pid` runs; an exited process its parent has not reaped yet (a zombie: the
/// postmaster's parent is whatever adopted it) counts as gone.
fn process_alive(pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    if Path::new("/proc/self/stat").exists() {
        let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
            return false;
        };
        // "pid (comm) S ...": the state follows the last ')' (comm may hold one).
        let state = stat
            .rfind(')')
            .and_then(|end| stat[end + 1..].split_whitespace().next());
        return !matches!(state, Some("Z") | Some("X") | None);
    }
    signal_zero(pid)
}

/// `kill(pid, 0)`: whether the process exists (EPERM: it does, another user's).
#[cfg(unix)]
fn signal_zero(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn signal_zero(_pid: i32) -> bool {
    false
}

/// Whether `pid` is a PostgreSQL server process (Linux: its command name; elsewhere no way
/// to tell without more machinery, so yes).
fn is_postgres_process(pid: i32) -> bool {
    if !Path::new("/proc/self/comm").exists() {
        return true;
    }
    fs::read_to_string(format!("/proc/{pid}/comm"))
        .is_ok_and(|comm| comm.starts_with("postgres") || comm.starts_with("postmaster"))
}

/// `remove_dir_all`, retried briefly: a server process that was just killed may still be
/// finishing a write in it.
fn remove_dir(dir: &Path) -> Result<(), String> {
    let mut last = None;
    for attempt in 0..5 {
        match fs::remove_dir_all(dir) {
            Ok(()) => return Ok(()),
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(error) => last = Some(error),
        }
        std::thread::sleep(Duration::from_millis(20 << attempt));
    }
    Err(format!(
        "could not remove {}: {}",
        dir.display(),
        last.map(|e| e.to_string()).unwrap_or_default()
    ))
}

// ---------------------------------------------------------------------------------------
// Connections
// ---------------------------------------------------------------------------------------

/// `options` with `-c statement_timeout=<ms>` added (after the user's own options, so ours
/// wins). Zero disables the timeout, as in PostgreSQL; a nonzero timeout below 1 ms is 1 ms
/// (0 would disable it).
fn with_statement_timeout(options: Option<&str>, timeout: Duration) -> String {
    let mut millis = timeout.as_millis().min(i32::MAX as u128);
    if millis == 0 && !timeout.is_zero() {
        millis = 1;
    }
    match options {
        Some(options) if !options.trim().is_empty() => {
            format!("{} -c statement_timeout={millis}", options.trim())
        }
        _ => format!("-c statement_timeout={millis}"),
    }
}

/// "host:port" (every host, comma separated) for messages: never the password.
fn describe_target(config: &Config) -> String {
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|host| match host {
            Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let hosts = if hosts.is_empty() {
        config
            .get_hostaddrs()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    } else {
        hosts.join(",")
    };
    format!("{hosts}:{port}")
}

/// The strings of `url` that may be its password, for `redact`: what follows `user:` in
/// a URL, `password=` in key=value pairs or a URL's query (raw and percent-decoded). Taken
/// from the text itself, so a URL that does not parse is covered too.
fn url_secrets(url: &str) -> Vec<String> {
    let mut secrets = Vec::new();
    let url = url.trim();
    if let Some(rest) = url
        .strip_prefix("postgresql://")
        .or_else(|| url.strip_prefix("postgres://"))
    {
        if let Some(at) = rest.rfind('@') {
            if let Some((_, password)) = rest[..at].split_once(':') {
                secrets.push(password.to_string());
                secrets.push(percent_decode(password));
            }
        }
    }
    let mut rest = url;
    while let Some(index) = rest.find("password") {
        let after = rest[index + "password".len()..].trim_start();
        rest = &rest[index + "password".len()..];
        let Some(value) = after.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let value = if let Some(quoted) = value.strip_prefix('\'') {
            quoted.split('\'').next().unwrap_or_default()
        } else {
            value
                .split(|c: char| c.is_whitespace() || c == '&')
                .next()
                .unwrap_or_default()
        };
        secrets.push(value.to_string());
        secrets.push(percent_decode(value));
    }
    secrets.retain(|secret| !secret.is_empty());
    secrets
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `text` with every secret replaced by `***`. Errors should never quote a password; this
/// makes sure. Very short secrets (under 3 characters) are left: replacing them would
/// garble the message and they are not what one protects.
fn redact(text: &str, secrets: &[String]) -> String {
    let mut text = text.to_string();
    for secret in secrets.iter().filter(|secret| secret.chars().count() >= 3) {
        text = text.replace(secret.as_str(), "***");
    }
    text
}

// ---------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------

/// How a throwaway cluster is made.
#[derive(Debug, Clone)]
pub struct ThrowawayOptions {
    pub search: BinarySearch,
    /// Every scratch client's `statement_timeout` (zero: none); default 60 s.
    pub statement_timeout: Duration,
}

impl Default for ThrowawayOptions {
    fn default() -> Self {
        ThrowawayOptions {
            search: BinarySearch::default(),
            statement_timeout: DEFAULT_STATEMENT_TIMEOUT,
        }
    }
}

/// A PostgreSQL server to replay on: a throwaway cluster or an existing server. See the
/// module's documentation for the contract.
pub struct Server {
    /// sqlgate's maintenance connection (CREATE/DROP DATABASE). An `Option` so that Drop
    /// can close it before it stops a throwaway server.
    admin: Option<Client>,
    /// How to connect: scratch clients get a copy with their database and options set.
    base: Config,
    /// The options the user's URL gave (scratch clients keep them).
    user_options: Option<String>,
    /// "host:port" for messages.
    target: String,
    version: String,
    version_num: i32,
    startup: Option<Duration>,
    statement_timeout: Duration,
    /// The throwaway's directory and data directory.
    dirs: Option<(PathBuf, PathBuf)>,
    /// Password candidates to keep out of errors (existing servers).
    secrets: Vec<String>,
    undo: Arc<Mutex<Undo>>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("target", &self.target)
            .field("version", &self.version)
            .field("temp_dir", &self.temp_dir())
            .finish_non_exhaustive()
    }
}

/// The scratch databases' counter: process-wide, so two `Server`s on one existing server
/// never pick the same name.
static SCRATCH_COUNTER: AtomicU64 = AtomicU64::new(1);

impl Server {
    /// A throwaway cluster from local binaries, accepting connections. Its directory is
    /// removed on every failure.
    pub fn throwaway(options: &ThrowawayOptions) -> Result<Server, ServerError> {
        if cfg!(not(unix)) {
            return Err(ServerError::Unsupported);
        }
        let bindir = find_binaries(&options.search)?;
        let run_as = unprivileged_user()?;
        install_signal_handler();
        let began = Instant::now();
        let undo = Arc::new(Mutex::new(Undo::default()));
        // Registered before the directory exists, so a signal at any point finds it.
        register(&undo);
        let mut state = lock(&undo);
        match Self::start_cluster(&mut state, bindir, run_as) {
            Ok((admin, base)) => {
                drop(state);
                let mut server = Server {
                    admin: None,
                    base,
                    user_options: None,
                    target: String::new(),
                    version: String::new(),
                    version_num: 0,
                    startup: Some(began.elapsed()),
                    statement_timeout: options.statement_timeout,
                    dirs: None,
                    secrets: Vec::new(),
                    undo,
                };
                // From here on the Server's Drop cleans up.
                {
                    let state = lock(&server.undo);
                    if let Some(cluster) = &state.cluster {
                        server.target = format!("{}:{THROWAWAY_PORT}", cluster.dir.display());
                        server.dirs = Some((cluster.dir.clone(), cluster.data.clone()));
                    }
                }
                server.admin = Some(admin);
                server.read_version()?;
                Ok(server)
            }
            Err(error) => {
                // Best effort: the error being returned is the one that matters.
                let _ = state.run(None);
                Err(error)
            }
        }
    }

    /// The directory, initdb, start and the maintenance connection, with `undo` locked.
    fn start_cluster(
        undo: &mut Undo,
        bindir: PathBuf,
        run_as: Option<RunAs>,
    ) -> Result<(Client, Config), ServerError> {
        let base_dir = temp_base(run_as);
        let mut builder = tempfile::Builder::new();
        builder.prefix(TEMP_PREFIX);
        // Private: the socket is in it, and the server trusts every local connection.
        #[cfg(unix)]
        builder.permissions(fs::Permissions::from_mode(0o700));
        let dir = builder
            .tempdir_in(&base_dir)
            .map_err(|source| ServerError::Io {
                action: format!("create a temporary directory in {}", base_dir.display()),
                source,
            })?
            // Removed by Undo (Drop or the signal handler), which stops the server first.
            .keep();
        let cluster = Cluster {
            data: dir.join("data"),
            dir,
            bindir,
            run_as,
        };
        let dir = cluster.dir.clone();
        // In the Undo before anything else can fail: every error path below removes it.
        let cluster = undo.cluster.insert(cluster);
        #[cfg(unix)]
        if let Some(user) = run_as {
            std::os::unix::fs::chown(&dir, Some(user.uid), Some(user.gid)).map_err(|source| {
                ServerError::Io {
                    action: format!("give {} to the server's user", dir.display()),
                    source,
                }
            })?;
        }
        cluster.create()?;
        let mut base = Config::new();
        base.host_path(&dir)
            .port(THROWAWAY_PORT)
            .user(THROWAWAY_SUPERUSER)
            .dbname("postgres")
            .application_name("sqlgate replay")
            .connect_timeout(CONNECT_TIMEOUT);
        let mut admin_config = base.clone();
        admin_config.options(&with_statement_timeout(None, ADMIN_STATEMENT_TIMEOUT));
        // pg_ctl -w has seen the server ready; retried all the same while the socket is not
        // there yet or the server says it is starting up, never on another refusal.
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            match admin_config.connect(NoTls) {
                Ok(admin) => return Ok((admin, base)),
                Err(error)
                    if Instant::now() >= deadline
                        || error
                            .code()
                            .is_some_and(|code| *code != SqlState::CANNOT_CONNECT_NOW) =>
                {
                    return Err(ServerError::Start {
                        reason: format!(
                            "no connection within {START_TIMEOUT:?}: {}",
                            describe(&error)
                        ),
                        log: cluster.log(),
                    })
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }

    /// An existing server named by a URL (`postgres://user:password@host:port/db` or
    /// `host=... user=...`). sqlgate connects to the URL's database and only ever creates
    /// and drops its own scratch databases there. Fails at once if the role cannot create
    /// databases.
    pub fn existing(url: &str) -> Result<Server, ServerError> {
        let mut secrets = url_secrets(url);
        let mut config: Config = url.parse().map_err(|error| ServerError::InvalidUrl {
            message: redact(&describe(&error), &secrets),
        })?;
        if let Some(password) = config.get_password() {
            secrets.push(String::from_utf8_lossy(password).into_owned());
        }
        let Some(user) = config.get_user().map(str::to_owned) else {
            return Err(ServerError::InvalidUrl {
                message: "it names no user".to_string(),
            });
        };
        if config.get_hosts().is_empty() && config.get_hostaddrs().is_empty() {
            return Err(ServerError::InvalidUrl {
                message: "it names no host".to_string(),
            });
        }
        if config.get_dbname().is_none() {
            // libpq's default: the database named like the user.
            config.dbname(&user);
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("sqlgate replay");
        }
        let target = describe_target(&config);
        let user_options = config.get_options().map(str::to_owned);
        let mut admin_config = config.clone();
        admin_config.options(&with_statement_timeout(
            user_options.as_deref(),
            ADMIN_STATEMENT_TIMEOUT,
        ));
        let mut admin = admin_config
            .connect(NoTls)
            .map_err(|error| ServerError::Connect {
                target: format!("{user}@{target}"),
                message: redact(&describe(&error), &secrets),
            })?;
        let row = admin
            .query_one(
                "select current_user::text, \
                 coalesce((select rolcreatedb or rolsuper from pg_roles \
                           where rolname = current_user), false)",
                &[],
            )
            .map_err(|error| ServerError::Query {
                target: target.clone(),
                action: "reading the role's rights".to_string(),
                message: redact(&describe(&error), &secrets),
            })?;
        let role: String = row.get(0);
        let can_create: bool = row.get(1);
        if !can_create {
            return Err(ServerError::CannotCreateDatabase { role, host: target });
        }
        install_signal_handler();
        let undo = Arc::new(Mutex::new(Undo::default()));
        register(&undo);
        let mut server = Server {
            admin: Some(admin),
            base: config,
            user_options,
            target,
            version: String::new(),
            version_num: 0,
            startup: None,
            statement_timeout: DEFAULT_STATEMENT_TIMEOUT,
            dirs: None,
            secrets,
            undo,
        };
        server.read_version()?;
        lock(&server.undo).existing = Some(Existing {
            admin: admin_config,
            target: server.target.clone(),
            version_num: server.version_num,
        });
        Ok(server)
    }

    fn read_version(&mut self) -> Result<(), ServerError> {
        let row = self
            .admin()?
            .query_one(
                "select current_setting('server_version'), \
                 current_setting('server_version_num')::int",
                &[],
            )
            .map_err(|error| self.query_error("reading the server's version", &error))?;
        let text: String = row.get(0);
        // "15.18 (Debian 15.18-1.pgdg120+1)" -> "PostgreSQL 15.18"
        let number = text.split_whitespace().next().unwrap_or("unknown");
        self.version = format!("PostgreSQL {number}");
        self.version_num = row.get(1);
        Ok(())
    }

    fn admin(&mut self) -> Result<&mut Client, ServerError> {
        self.admin.as_mut().ok_or_else(|| ServerError::Cleanup {
            message: "the server was already closed".to_string(),
        })
    }

    fn query_error(&self, action: &str, error: &postgres::Error) -> ServerError {
        ServerError::Query {
            target: self.target.clone(),
            action: action.to_string(),
            message: redact(&describe(error), &self.secrets),
        }
    }

    /// A fresh scratch database (from `template0`, named `sqlgate_replay_<pid>_<n>`) and a
    /// client connected to it, whose `statement_timeout` is the configured one.
    pub fn scratch(&mut self) -> Result<(Client, String), ServerError> {
        let undo = Arc::clone(&self.undo);
        // Held through CREATE DATABASE: a signal meanwhile waits, then drops it too.
        let mut state = lock(&undo);
        let name = loop {
            let n = SCRATCH_COUNTER.fetch_add(1, Ordering::Relaxed);
            let name = format!("{SCRATCH_PREFIX}{}_{n}", std::process::id());
            state.scratch.push(name.clone());
            let created = self.admin()?.batch_execute(&format!(
                "CREATE DATABASE {} TEMPLATE template0",
                quote_ident(&name)
            ));
            match created {
                Ok(()) => break name,
                Err(error) => {
                    state.scratch.pop();
                    match error.code() {
                        // Left by an earlier process with the same pid: not ours to drop.
                        Some(code) if *code == SqlState::DUPLICATE_DATABASE => continue,
                        Some(code) if *code == SqlState::INSUFFICIENT_PRIVILEGE => {
                            let role = self.base.get_user().unwrap_or("?").to_string();
                            return Err(ServerError::CannotCreateDatabase {
                                role,
                                host: self.target.clone(),
                            });
                        }
                        _ => return Err(self.query_error("CREATE DATABASE", &error)),
                    }
                }
            }
        };
        drop(state);
        let mut config = self.base.clone();
        config.dbname(&name).options(&with_statement_timeout(
            self.user_options.as_deref(),
            self.statement_timeout,
        ));
        match config.connect(NoTls) {
            Ok(client) => Ok((client, name)),
            Err(error) => {
                let failure = ServerError::Connect {
                    target: format!("{}/{name}", self.target),
                    message: redact(&describe(&error), &self.secrets),
                };
                // Best effort: the connection error is the one to report.
                let _ = self.drop_scratch(&name);
                Err(failure)
            }
        }
    }

    /// Drops a scratch database `scratch` made, ending its sessions first (a client of it
    /// still open is disconnected). Any other name is refused.
    pub fn drop_scratch(&mut self, name: &str) -> Result<(), ServerError> {
        let undo = Arc::clone(&self.undo);
        let mut state = lock(&undo);
        if !state.scratch.iter().any(|made| made == name) {
            return Err(ServerError::NotScratch {
                name: name.to_string(),
            });
        }
        let version_num = self.version_num;
        let result = drop_database(self.admin()?, name, version_num);
        result.map_err(|error| self.query_error(&format!("DROP DATABASE {name}"), &error))?;
        state.scratch.retain(|made| made != name);
        Ok(())
    }

    /// "PostgreSQL 15.18".
    pub fn version(&self) -> &str {
        &self.version
    }

    /// `server_version_num`, e.g. 150018.
    pub fn version_num(&self) -> i32 {
        self.version_num
    }

    /// How long the throwaway cluster took from initdb to accepting connections; `None` for
    /// an existing server.
    pub fn startup(&self) -> Option<Duration> {
        self.startup
    }

    /// The `statement_timeout` of the clients `scratch` returns.
    pub fn statement_timeout(&self) -> Duration {
        self.statement_timeout
    }

    /// Sets the `statement_timeout` of the clients `scratch` returns from now on (zero:
    /// none). An existing server starts with [`DEFAULT_STATEMENT_TIMEOUT`].
    pub fn set_statement_timeout(&mut self, timeout: Duration) {
        self.statement_timeout = timeout;
    }

    /// Where the server is, for messages: "host:port" (a throwaway's is its socket
    /// directory). Never a password.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// A throwaway's temporary directory (the socket is there); `None` for an existing
    /// server.
    pub fn temp_dir(&self) -> Option<&Path> {
        self.dirs.as_ref().map(|(dir, _)| dir.as_path())
    }

    /// A throwaway's data directory; `None` for an existing server.
    pub fn data_dir(&self) -> Option<&Path> {
        self.dirs.as_ref().map(|(_, data)| data.as_path())
    }

    /// What Drop does, with its error: stops a throwaway server and removes its directory,
    /// or drops an existing server's remaining scratch databases.
    pub fn close(mut self) -> Result<(), ServerError> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), ServerError> {
        let mut admin = self.admin.take();
        let mut state = lock(&self.undo);
        if state.cluster.is_some() {
            // Closed before the server stops: its scratch databases go with the directory.
            admin = None;
        }
        let secrets = &self.secrets;
        state
            .run(admin.as_mut())
            .map_err(|message| ServerError::Cleanup {
                message: redact(&message, secrets),
            })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Drop cannot report; `close` can. Whatever failed was still attempted.
        let _ = self.shutdown();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_of_urls() {
        assert!(url_secrets("postgres://u:s3cr%40t@h/db").contains(&"s3cr@t".to_string()));
        assert!(url_secrets("postgres://u:s3cret@h:5/db").contains(&"s3cret".to_string()));
        assert!(url_secrets("host=h password='p w' user=u").contains(&"p w".to_string()));
        assert!(url_secrets("host=h password=pw1 user=u").contains(&"pw1".to_string()));
        assert!(url_secrets("postgres://h/db?password=qq7&x=1").contains(&"qq7".to_string()));
        assert!(url_secrets("postgres://u@h/db").is_empty());
    }

    #[test]
    fn redaction_and_one_line() {
        assert_eq!(redact("a hunter2 b", &["hunter2".to_string()]), "a *** b");
        assert_eq!(one_line("a\n\nb \n c"), "a | b | c");
        assert_eq!(percent_decode("a%41%"), "aA%");
    }

    #[test]
    fn statement_timeout_options() {
        assert_eq!(
            with_statement_timeout(None, Duration::from_secs(60)),
            "-c statement_timeout=60000"
        );
        assert_eq!(
            with_statement_timeout(Some("-c search_path=x"), Duration::from_micros(10)),
            "-c search_path=x -c statement_timeout=1"
        );
        assert_eq!(
            with_statement_timeout(None, Duration::ZERO),
            "-c statement_timeout=0"
        );
    }

    #[test]
    fn passwd_lines() {
        let user = parse_passwd(
            "postgres:x:101:104:PostgreSQL:/var/lib:/bin/bash",
            "postgres",
        );
        assert!(matches!(user, Some(RunAs { uid: 101, gid: 104 })));
        assert!(parse_passwd("postgresx:x:1:1::", "postgres").is_none());
        assert!(parse_passwd("postgres:x:0:0::", "postgres").is_none());
    }
}
