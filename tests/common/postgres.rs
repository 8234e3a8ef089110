//! A throwaway PostgreSQL server for tests: `initdb` into a temporary directory, started by
//! `pg_ctl` on a unix socket in that directory (no TCP), stopped and removed on drop.
//!
//! The binaries (`initdb`, `pg_ctl`, `psql`) are found on `PATH` (a symbolic link is followed
//! to the directory of the real ones, so `psql` comes from the same installation), else in
//! `/usr/lib/postgresql/<major>/bin`. PostgreSQL refuses to run as root: when the tests run
//! as root, the server is run as the `postgres` user (`runuser -u postgres --`) in a
//! directory it owns; `psql` connects as the superuser `initdb` creates (`sqlgate`) either
//! way. A missing installation is an error that says what to install: callers fail on it
//! (CI installs PostgreSQL; see `.ci/run`), they do not skip.
#![allow(dead_code)] // each test crate uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The superuser `initdb` creates.
const SUPERUSER: &str = "sqlgate";
/// The PostgreSQL major versions looked for outside `PATH`, preferred first.
const MAJORS: &[&str] = &["15", "16", "17", "14"];

/// A running server. Dropping it stops the server and removes its directory.
pub struct Postgres {
    bin: PathBuf,
    psql: PathBuf,
    /// The temporary directory: `data/` (the cluster), the socket and `server.log`.
    dir: PathBuf,
    port: u16,
    /// Run the server's programs as the `postgres` user (the tests run as root).
    as_postgres: bool,
    /// `postgres --version`, e.g. `postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`.
    pub version: String,
}

impl Postgres {
    /// Starts a server and waits until it accepts connections.
    pub fn start() -> Result<Postgres, String> {
        let bin = find_bin()?;
        let psql = if bin.join("psql").is_file() {
            bin.join("psql")
        } else {
            which("psql").ok_or_else(|| {
                format!(
                    "psql not found (neither in {} nor on PATH): install the PostgreSQL client",
                    bin.display()
                )
            })?
        };
        let version = run(Command::new(bin.join("postgres")).arg("--version"))?;
        let version = String::from_utf8_lossy(&version.stdout).trim().to_string();
        let as_postgres = is_root();
        let dir = temp_dir()?;
        let server = Postgres {
            bin,
            psql,
            dir,
            port: free_port(),
            as_postgres,
            version,
        };
        if as_postgres {
            run(Command::new("chown").arg("postgres:").arg(&server.dir)).map_err(|e| {
                format!("{e} (the tests run as root: the `postgres` user must exist)")
            })?;
        }
        let data = server.dir.join("data");
        run(server
            .server_command("initdb")
            .args(["--auth=trust", "--no-sync", "--encoding=UTF8", "--locale=C"])
            .arg(format!("--username={SUPERUSER}"))
            .arg("-D")
            .arg(&data))?;
        let options = format!(
            "-c listen_addresses='' -k {} -p {} -c fsync=off -c full_page_writes=off",
            server.dir.display(),
            server.port
        );
        run(server
            .server_command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(server.dir.join("server.log"))
            .args(["-o", &options, "-w", "-t", "60", "start"]))
        .map_err(|e| format!("{e}\nserver log:\n{}", server.log()))?;
        server.wait_ready(Duration::from_secs(30))?;
        Ok(server)
    }

    /// `psql` connected to `database` over the socket, with no `.psqlrc`, quiet.
    pub fn psql(&self, database: &str) -> Command {
        let mut cmd = Command::new(&self.psql);
        cmd.arg("-X")
            .arg("-q")
            .arg("-h")
            .arg(&self.dir)
            .arg("-p")
            .arg(self.port.to_string())
            .arg("-U")
            .arg(SUPERUSER)
            .arg("-d")
            .arg(database)
            .env("PGCONNECT_TIMEOUT", "10")
            .env_remove("PGPASSWORD")
            .env_remove("PGSERVICE")
            // Debian's psql wrapper picks a cluster from these; the socket is given instead.
            .env_remove("PGCLUSTER")
            .env_remove("PGHOST")
            .env_remove("PGPORT");
        cmd
    }

    /// Runs SQL (one or more statements) in `database`; the server's error on failure.
    pub fn execute(&self, database: &str, sql: &str) -> Result<(), String> {
        let output = run_output(
            self.psql(database)
                .args(["-v", "ON_ERROR_STOP=1", "-c"])
                .arg(sql),
        )?;
        checked(output, &format!("`{sql}`"))
    }

    /// Applies `file` to `database` as `psql -v ON_ERROR_STOP=1 -X -q -f FILE` does: the
    /// first error stops it, and is returned.
    pub fn apply_file(&self, database: &str, file: &Path) -> Result<(), String> {
        let output = run_output(
            self.psql(database)
                .args(["-v", "ON_ERROR_STOP=1", "-f"])
                .arg(file),
        )?;
        checked(output, &file.display().to_string())
    }

    /// A new, empty database.
    pub fn create_database(&self, name: &str) -> Result<(), String> {
        self.execute("postgres", &format!("CREATE DATABASE \"{name}\""))
    }

    /// The directory holding the server's unix socket: the `host` a client connects to.
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }

    /// The server's port (on a unix socket it names the socket file).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// A command for one of the server's programs, run as `postgres` when the tests run as
    /// root.
    fn server_command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if self.as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(program);
            cmd
        } else {
            Command::new(program)
        }
    }

    fn wait_ready(&self, timeout: Duration) -> Result<(), String> {
        let started = Instant::now();
        loop {
            match self.execute("postgres", "SELECT 1") {
                Ok(()) => return Ok(()),
                Err(e) if started.elapsed() > timeout => {
                    return Err(format!(
                        "PostgreSQL did not accept connections within {timeout:?}: {e}\nserver log:\n{}",
                        self.log()
                    ))
                }
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        if data.join("postmaster.pid").exists() {
            let _ = self
                .server_command("pg_ctl")
                .arg("-D")
                .arg(&data)
                .args(["-m", "immediate", "-w", "stop"])
                .output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The directory of `initdb`, `pg_ctl` and `postgres`.
fn find_bin() -> Result<PathBuf, String> {
    if let Some(initdb) = which("initdb") {
        let real = std::fs::canonicalize(&initdb).unwrap_or(initdb);
        if let Some(dir) = real.parent() {
            if dir.join("pg_ctl").is_file() && dir.join("postgres").is_file() {
                return Ok(dir.to_path_buf());
            }
        }
    }
    for major in MAJORS {
        let dir = PathBuf::from(format!("/usr/lib/postgresql/{major}/bin"));
        if dir.join("initdb").is_file() && dir.join("pg_ctl").is_file() {
            return Ok(dir);
        }
    }
    Err(
        "PostgreSQL server binaries not found (initdb, pg_ctl and postgres, on PATH or in \
         /usr/lib/postgresql/15/bin): install PostgreSQL 15 (Debian: `apt-get install \
         postgresql-15`); .ci/run does this"
            .to_string(),
    )
}

fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A new directory under the system's temporary directory (short: the socket's path must
/// fit in about 100 bytes).
fn temp_dir() -> Result<PathBuf, String> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let base = if Path::new("/tmp").is_dir() {
        PathBuf::from("/tmp")
    } else {
        std::env::temp_dir()
    };
    let dir = base.join(format!(
        "sqlgate-pg-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

/// A port no one listens on now (the server listens on a unix socket only; the port names
/// the socket file).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(54329)
}

fn run_output(cmd: &mut Command) -> Result<Output, String> {
    cmd.output()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))
}

fn run(cmd: &mut Command) -> Result<Output, String> {
    let output = run_output(cmd)?;
    let what = format!("{:?}", cmd);
    checked(output.clone(), &what).map(|()| output)
}

fn checked(output: Output, what: &str) -> Result<(), String> {
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "{what} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}
