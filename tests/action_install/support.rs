//! A fake release of this checkout, a loopback server for it, and runs of the install script.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, OnceLock};

use super::{ROOT, TARGET, VERSION};

/// What one release publishes for one target: the archive and its `.sha256`.
#[derive(Clone)]
pub(crate) struct Asset {
    pub(crate) name: String,
    pub(crate) archive: Arc<Vec<u8>>,
    pub(crate) sha256: Arc<Vec<u8>>,
}

/// This checkout's debug binary, packaged once per test run by package.sh (as the release
/// workflow does) for TARGET.
pub(crate) fn release() -> &'static Asset {
    static RELEASE: OnceLock<Asset> = OnceLock::new();
    RELEASE.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("action_install-release");
        let _ = std::fs::remove_dir_all(&out);
        let asset = package(
            TARGET,
            Path::new(env!("CARGO_BIN_EXE_sqlgate")),
            VERSION,
            &out,
        );
        let _ = std::fs::remove_dir_all(&out);
        asset
    })
}

/// Runs package.sh and reads back what it wrote, checking the printed path.
pub(crate) fn package(target: &str, binary: &Path, version: &str, out: &Path) -> Asset {
    let run = Command::new("bash")
        .arg(Path::new(ROOT).join("scripts/release/package.sh"))
        .args([
            target.as_ref(),
            binary.as_os_str(),
            version.as_ref(),
            out.as_os_str(),
        ])
        .output()
        .unwrap();
    assert!(run.status.success(), "package.sh: {}", text(&run.stderr));
    let ext = if target.contains("windows") {
        "zip"
    } else {
        "tar.gz"
    };
    let name = format!("sqlgate-v{version}-{target}.{ext}");
    assert_eq!(
        text(&run.stdout).trim_end(),
        out.join(&name).to_str().unwrap()
    );
    Asset {
        archive: Arc::new(std::fs::read(out.join(&name)).unwrap()),
        sha256: Arc::new(std::fs::read(out.join(format!("{name}.sha256"))).unwrap()),
        name,
    }
}

/// An archive holding `files` (name, contents, mode) at its root, written by tar or zip.
pub(crate) fn archive_of(kind: &str, files: &[(&str, &str, u32)]) -> Vec<u8> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for (name, contents, mode) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(*mode)).unwrap();
        names.push(*name);
    }
    let out = dir.path().join(if kind == "zip" {
        "out.zip"
    } else {
        "out.tar.gz"
    });
    let status = match kind {
        "zip" => Command::new("zip")
            .current_dir(dir.path())
            .arg("-q")
            .arg(&out)
            .args(&names)
            .status(),
        _ => Command::new("tar")
            .current_dir(dir.path())
            .arg("-czf")
            .arg(&out)
            .args(&names)
            .status(),
    };
    assert!(status.unwrap().success());
    std::fs::read(out).unwrap()
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f");
    std::fs::write(&file, bytes).unwrap();
    let out = Command::new("sha256sum").arg(&file).output().unwrap();
    text(&out.stdout)[..64].to_string()
}

/// A loopback HTTP/1.1 server: GET of a known path is 200 with its bytes, anything else 404.
/// It records the paths asked for.
pub(crate) struct Server {
    pub(crate) base: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub(crate) fn new(files: HashMap<String, Arc<Vec<u8>>>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let files = Arc::new(files);
        let seen = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (files, seen) = (files.clone(), seen.clone());
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    loop {
                        let mut header = String::new();
                        match reader.read_line(&mut header) {
                            Ok(0) | Err(_) => break,
                            Ok(_) if header == "\r\n" => break,
                            Ok(_) => {}
                        }
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                    seen.lock().unwrap().push(path.clone());
                    let (status, body): (&str, &[u8]) = match files.get(&path) {
                        Some(bytes) => ("200 OK", bytes),
                        None => ("404 Not Found", b"Not Found"),
                    };
                    let head = format!(
                        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(body);
                });
            }
        });
        Server { base, requests }
    }

    /// Serves `archive` and `sha256` (None: 404) under `/v{version}/` as `asset`.
    pub(crate) fn release(
        version: &str,
        asset: &str,
        archive: Option<Arc<Vec<u8>>>,
        sha256: Option<Arc<Vec<u8>>>,
    ) -> Server {
        let mut files = HashMap::new();
        if let Some(archive) = archive {
            files.insert(format!("/v{version}/{asset}"), archive);
        }
        if let Some(sha256) = sha256 {
            files.insert(format!("/v{version}/{asset}.sha256"), sha256);
        }
        Server::new(files)
    }

    pub(crate) fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---------------------------------------------------------------------------------------
// Running the install script.

/// One run of install-sqlgate.sh in a clean environment: only PATH, a TMPDIR of its own
/// (to prove it leaves nothing there) and the given variables.
pub(crate) struct Install {
    pub(crate) out: Output,
    pub(crate) dest: PathBuf,
    tmp: tempfile::TempDir,
    /// Holds `dest` when the test did not give one (removed with the run).
    _owned: Option<tempfile::TempDir>,
}

impl Install {
    pub(crate) fn code(&self) -> Option<i32> {
        self.out.status.code()
    }
    pub(crate) fn stderr(&self) -> String {
        text(&self.out.stderr)
    }
    pub(crate) fn installed(&self) -> Vec<String> {
        match std::fs::read_dir(&self.dest) {
            Ok(entries) => entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => Vec::new(),
        }
    }
    /// Exit `code`, one `sqlgate-install: error:` line saying `says`, nothing installed and
    /// no temporary files left.
    pub(crate) fn refused(&self, code: i32, says: &str) {
        let stderr = self.stderr();
        assert_eq!(self.code(), Some(code), "{stderr}");
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("sqlgate-install: error: "))
            .collect();
        assert_eq!(errors.len(), 1, "{stderr}");
        assert!(errors[0].contains(says), "{says:?} not in {stderr}");
        assert_eq!(text(&self.out.stdout), "", "{stderr}");
        assert_eq!(self.installed(), Vec::<String>::new(), "{stderr}");
        self.assert_clean();
    }
    pub(crate) fn assert_clean(&self) {
        let left: Vec<_> = std::fs::read_dir(self.tmp.path()).unwrap().collect();
        assert!(left.is_empty(), "left in TMPDIR: {left:?}");
    }
}

pub(crate) fn install(vars: &[(&str, &str)]) -> Install {
    let owned = tempfile::tempdir().unwrap();
    let mut run = install_into(&owned.path().join("bin"), vars);
    run._owned = Some(owned);
    run
}

pub(crate) fn install_into(dest: &Path, vars: &[(&str, &str)]) -> Install {
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(Path::new(ROOT).join("scripts/install-sqlgate.sh"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TMPDIR", tmp.path())
        .env("SQLGATE_INSTALL_DIR", dest);
    for (key, value) in vars {
        cmd.env(key, value);
    }
    Install {
        out: cmd.output().unwrap(),
        dest: dest.to_path_buf(),
        tmp,
        _owned: None,
    }
}

/// The variables for installing `version` for `target` from `server`.
pub(crate) fn vars<'a>(
    server: &'a Server,
    version: &'a str,
    target: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("SQLGATE_RELEASE_BASE_URL", server.base.as_str()),
        ("SQLGATE_VERSION", version),
        ("SQLGATE_TARGET", target),
    ]
}

pub(crate) fn version_of(binary: &Path) -> String {
    let out = Command::new(binary).arg("--version").output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).trim_end().to_string()
}

pub(crate) fn members(kind: &str, archive: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("archive");
    std::fs::write(&file, archive).unwrap();
    let out = match kind {
        "zip" => Command::new("unzip").arg("-Z1").arg(&file).output(),
        _ => Command::new("tar").arg("-tzf").arg(&file).output(),
    }
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut names: Vec<String> = text(&out.stdout).lines().map(str::to_string).collect();
    names.sort();
    names
}
