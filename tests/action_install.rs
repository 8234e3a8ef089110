//! The GitHub Action's release install. `scripts/release/package.sh` packages this checkout's
//! binary as a release, a loopback HTTP server serves it as GitHub serves release downloads
//! (`action_install/support.rs`), and `scripts/install-sqlgate.sh` installs it, or refuses: a
//! tampered archive, a tampered checksum, a missing asset, an unknown platform. Then
//! action.yml, read as the runner reads it (`action_install/action_yml.rs`): which refs
//! install and which build, the outputs it declares, and the template's SARIF option.
#![cfg(unix)]

#[path = "action_install/action_yml.rs"]
mod action_yml;
mod common;
#[path = "action_install/support.rs"]
mod support;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use support::{
    archive_of, install, install_into, members, package, release, sha256_hex, text, vars,
    version_of, Server,
};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The name the host's binary is packaged under: the script is told the target, so the
/// host's own binary is what it installs and runs.
const TARGET: &str = "x86_64-unknown-linux-musl";

// ---------------------------------------------------------------------------------------
// The install script.

#[test]
fn a_verified_release_installs_and_its_binary_runs() {
    let asset = release();
    let server = Server::release(
        VERSION,
        &asset.name,
        Some(asset.archive.clone()),
        Some(asset.sha256.clone()),
    );
    // The target from the runner, as in the action: Linux X64 is TARGET.
    let run = install(&[
        ("SQLGATE_RELEASE_BASE_URL", &server.base),
        ("SQLGATE_VERSION", &format!("v{VERSION}")),
        ("RUNNER_OS", "Linux"),
        ("RUNNER_ARCH", "X64"),
    ]);
    let stderr = run.stderr();
    assert_eq!(run.code(), Some(0), "{stderr}");
    let binary = run.dest.join("sqlgate");
    assert_eq!(text(&run.out.stdout), format!("{}\n", binary.display()));
    assert_eq!(version_of(&binary), format!("sqlgate {VERSION}"));
    assert_eq!(run.installed(), ["sqlgate"], "only the binary is installed");
    assert!(
        stderr.contains(&format!("verified SHA-256 {}", &text(&asset.sha256)[..64])),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("installed sqlgate {VERSION} ({TARGET})")),
        "{stderr}"
    );
    // The checksum first: a missing release costs one small request, not an archive.
    let base = format!("/v{VERSION}/{}", asset.name);
    assert_eq!(server.requests(), [format!("{base}.sha256"), base]);
    run.assert_clean();

    // Again over the installed binary: replaced in place, still one file.
    let again = install_into(&run.dest, &vars(&server, VERSION, TARGET));
    assert_eq!(again.code(), Some(0), "{}", again.stderr());
    assert_eq!(again.installed(), ["sqlgate"]);
}

#[test]
fn a_kept_archive_is_verified_again_and_a_tampered_one_downloaded_anew() {
    let asset = release();
    let server = Server::release(
        VERSION,
        &asset.name,
        Some(asset.archive.clone()),
        Some(asset.sha256.clone()),
    );
    let kept = tempfile::tempdir().unwrap();
    let kept_dir = kept.path().to_str().unwrap();
    let mut with_kept = vars(&server, VERSION, TARGET);
    with_kept.push(("SQLGATE_DOWNLOAD_DIR", kept_dir));

    let first = install(&with_kept);
    assert_eq!(first.code(), Some(0), "{}", first.stderr());
    let archive = kept.path().join(&asset.name);
    assert_eq!(std::fs::read(&archive).unwrap(), *asset.archive);
    assert_eq!(server.requests().len(), 2);

    // A cache hit: only the .sha256 is fetched, and the kept archive must match it.
    let second = install(&with_kept);
    assert_eq!(second.code(), Some(0), "{}", second.stderr());
    assert!(second.stderr().contains("using the kept archive"));
    assert_eq!(server.requests().len(), 3);

    // A poisoned cache: the kept archive is replaced by one that verifies.
    std::fs::write(&archive, b"not the release").unwrap();
    let third = install(&with_kept);
    assert_eq!(third.code(), Some(0), "{}", third.stderr());
    assert!(
        third.stderr().contains("does not match"),
        "{}",
        third.stderr()
    );
    assert_eq!(std::fs::read(&archive).unwrap(), *asset.archive);
    assert_eq!(
        version_of(&third.dest.join("sqlgate")),
        format!("sqlgate {VERSION}")
    );
}

#[test]
fn a_tampered_archive_is_refused_and_nothing_runs_or_is_installed() {
    let asset = release();
    let marker_dir = tempfile::tempdir().unwrap();
    let marker = marker_dir.path().join("ran");
    let evil_script = format!(
        "#!/bin/sh\ntouch '{}'\necho 'sqlgate {VERSION}'\n",
        marker.display()
    );
    let evil = Arc::new(archive_of("tar", &[("sqlgate", &evil_script, 0o755)]));

    // A different archive under the release's genuine checksum.
    let server = Server::release(
        VERSION,
        &asset.name,
        Some(evil.clone()),
        Some(asset.sha256.clone()),
    );
    let run = install(&vars(&server, VERSION, TARGET));
    run.refused(4, &format!("checksum mismatch for {}", asset.name));
    assert!(!marker.exists(), "the tampered binary ran");

    // One flipped byte in the genuine archive.
    let mut flipped = (*asset.archive).clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    let server = Server::release(
        VERSION,
        &asset.name,
        Some(Arc::new(flipped)),
        Some(asset.sha256.clone()),
    );
    let dest = tempfile::tempdir().unwrap();
    let bin = dest.path().join("bin");
    // A binary installed before stays as it was.
    std::fs::create_dir(&bin).unwrap();
    std::fs::write(bin.join("sqlgate"), b"the previous sqlgate").unwrap();
    let run = install_into(&bin, &vars(&server, VERSION, TARGET));
    assert_eq!(run.code(), Some(4), "{}", run.stderr());
    assert!(
        run.stderr().contains("checksum mismatch"),
        "{}",
        run.stderr()
    );
    assert_eq!(run.installed(), ["sqlgate"]);
    assert_eq!(
        std::fs::read(bin.join("sqlgate")).unwrap(),
        b"the previous sqlgate"
    );
    run.assert_clean();

    // The control: the same archive under its own checksum is installed and runs, so the
    // checksum alone is what stopped it above.
    let own = format!("{}  {}\n", sha256_hex(&evil), asset.name);
    let server = Server::release(
        VERSION,
        &asset.name,
        Some(evil),
        Some(Arc::new(own.into_bytes())),
    );
    let run = install(&vars(&server, VERSION, TARGET));
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert!(marker.exists());
}

#[test]
fn a_tampered_or_malformed_checksum_file_is_refused() {
    let asset = release();
    let name = &asset.name;
    let good = text(&asset.sha256);
    let hex = &good[..64];
    let wrong = format!(
        "{}{}",
        if hex.starts_with('0') { "1" } else { "0" },
        &hex[1..]
    );

    // Well formed, another hash: the archive is downloaded and does not match it.
    let server = Server::release(
        VERSION,
        name,
        Some(asset.archive.clone()),
        Some(Arc::new(format!("{wrong}  {name}\n").into_bytes())),
    );
    install(&vars(&server, VERSION, TARGET)).refused(4, "checksum mismatch");

    let malformed: Vec<(String, &str)> = vec![
        (String::new(), "not a '<sha256>  <file name>' line"),
        (format!("{good}{good}"), "not exactly one line"),
        (format!("{good}\n"), "not exactly one line"),
        (format!("{hex}  {name}\r\n"), "it names"),
        (
            format!("{hex}  sqlgate-v{VERSION}-x86_64-apple-darwin.tar.gz\n"),
            "it names",
        ),
        (
            format!("{hex} {name}\n"),
            "not a '<sha256>  <file name>' line",
        ),
        (
            format!("{}  {name}\n", &hex[1..]),
            "not a '<sha256>  <file name>' line",
        ),
        (
            format!("{hex}0  {name}\n"),
            "not a '<sha256>  <file name>' line",
        ),
        (
            format!("{}  {name}\n", hex.replacen(&hex[..1], "g", 1)),
            "not a '<sha256>  <file name>' line",
        ),
        (format!("{hex}  {name}\0\n"), "not exactly one line"),
        (
            format!("{hex}  {name}\n{}", "x".repeat(2000)),
            "bytes, not one line",
        ),
        (
            format!("{hex}  {name}\n$(touch /tmp/x)\n"),
            "not exactly one line",
        ),
    ];
    for (contents, says) in malformed {
        let server = Server::release(
            VERSION,
            name,
            Some(asset.archive.clone()),
            Some(Arc::new(contents.clone().into_bytes())),
        );
        let run = install(&vars(&server, VERSION, TARGET));
        assert!(
            run.stderr().contains("malformed checksum file"),
            "{contents:?}: {}",
            run.stderr()
        );
        run.refused(4, says);
        // Refused before the archive is downloaded.
        assert_eq!(server.requests().len(), 1, "{contents:?}");
    }
    // The sha256sum binary mark (` *name`) and upper-case hex are sha256sum's format too.
    let server = Server::release(
        VERSION,
        name,
        Some(asset.archive.clone()),
        Some(Arc::new(
            format!("{} *{name}", hex.to_uppercase()).into_bytes(),
        )),
    );
    let run = install(&vars(&server, VERSION, TARGET));
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
}

#[test]
fn a_missing_asset_is_an_error_naming_its_url_and_status() {
    let asset = release();
    let url = |server: &Server, suffix: &str| {
        format!("{}/v{VERSION}/{}{suffix}", server.base, asset.name)
    };
    // The archive is missing.
    let server = Server::release(VERSION, &asset.name, None, Some(asset.sha256.clone()));
    install(&vars(&server, VERSION, TARGET)).refused(
        3,
        &format!(
            "download failed: HTTP 404 for {} (no such release asset",
            url(&server, "")
        ),
    );
    // The checksum file is missing: nothing else is fetched.
    let server = Server::release(VERSION, &asset.name, Some(asset.archive.clone()), None);
    install(&vars(&server, VERSION, TARGET)).refused(
        3,
        &format!("download failed: HTTP 404 for {}", url(&server, ".sha256")),
    );
    assert_eq!(server.requests().len(), 1);
    // A version that was never released.
    let server = Server::new(HashMap::new());
    install(&vars(&server, "9.9.9", TARGET)).refused(
        3,
        &format!("HTTP 404 for {}/v9.9.9/sqlgate-v9.9.9-{TARGET}.tar.gz.sha256 (no such release asset: is v9.9.9 released for {TARGET}?)", server.base),
    );
}

#[test]
fn an_unknown_platform_is_refused_before_any_download() {
    let server = Server::new(HashMap::new());
    for (os, arch) in [
        ("Linux", "ARM"),
        ("Windows", "ARM64"),
        ("Linux", "X86"),
        ("FreeBSD", "X64"),
    ] {
        install(&[
            ("SQLGATE_RELEASE_BASE_URL", &server.base),
            ("SQLGATE_VERSION", VERSION),
            ("RUNNER_OS", os),
            ("RUNNER_ARCH", arch),
        ])
        .refused(
            2,
            &format!("unknown platform: no sqlgate release for {os}/{arch}"),
        );
    }
    install(&vars(&server, VERSION, "riscv64gc-unknown-linux-gnu")).refused(
        2,
        "unknown platform: no sqlgate release for target 'riscv64gc-unknown-linux-gnu'",
    );
    assert_eq!(server.requests(), Vec::<String>::new());

    // --print-target: what the action asks before choosing to install.
    let print = |os: &str, arch: &str| {
        Command::new("bash")
            .arg(Path::new(ROOT).join("scripts/install-sqlgate.sh"))
            .arg("--print-target")
            .env_remove("SQLGATE_TARGET")
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch)
            .output()
            .unwrap()
    };
    for (os, arch, target) in [
        ("Linux", "X64", "x86_64-unknown-linux-musl"),
        ("Linux", "ARM64", "aarch64-unknown-linux-musl"),
        ("macOS", "X64", "x86_64-apple-darwin"),
        ("macOS", "ARM64", "aarch64-apple-darwin"),
        ("Windows", "X64", "x86_64-pc-windows-msvc"),
    ] {
        let out = print(os, arch);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout), format!("{target}\n"));
    }
    assert_eq!(print("Windows", "ARM64").status.code(), Some(2));
}

#[test]
fn bad_inputs_are_refused_before_any_download() {
    let server = Server::new(HashMap::new());
    let base = server.base.as_str();
    let cases: [(&[(&str, &str)], &str); 7] = [
        (
            &[("SQLGATE_RELEASE_BASE_URL", base)],
            "SQLGATE_VERSION is not set",
        ),
        (
            &[
                ("SQLGATE_RELEASE_BASE_URL", base),
                ("SQLGATE_VERSION", "1.2.3;touch x"),
            ],
            "SQLGATE_VERSION must be a release version like 1.2.3: got '1.2.3;touch x'",
        ),
        (
            &[
                ("SQLGATE_RELEASE_BASE_URL", base),
                ("SQLGATE_VERSION", "1.2.3/../../x"),
            ],
            "SQLGATE_VERSION must be a release version",
        ),
        (
            &[
                ("SQLGATE_RELEASE_BASE_URL", base),
                ("SQLGATE_VERSION", "latest"),
            ],
            "SQLGATE_VERSION must be a release version",
        ),
        (
            &[
                ("SQLGATE_RELEASE_BASE_URL", "http://example.com/releases"),
                ("SQLGATE_VERSION", "1.2.3"),
            ],
            "SQLGATE_RELEASE_BASE_URL must be an https:// URL",
        ),
        (
            &[
                ("SQLGATE_RELEASE_BASE_URL", "http://127.0.0.1.example.com"),
                ("SQLGATE_VERSION", "1.2.3"),
            ],
            "SQLGATE_RELEASE_BASE_URL must be an https:// URL",
        ),
        (
            &[
                ("SQLGATE_RELEASE_BASE_URL", "https://127.0.0.1@example.com"),
                ("SQLGATE_VERSION", "1.2.3"),
            ],
            "SQLGATE_RELEASE_BASE_URL holds characters",
        ),
    ];
    for (given, says) in cases {
        let mut given = given.to_vec();
        given.push(("SQLGATE_TARGET", TARGET));
        install(&given).refused(1, says);
    }
    // No install directory.
    let out = Command::new("bash")
        .arg(Path::new(ROOT).join("scripts/install-sqlgate.sh"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SQLGATE_VERSION", "1.2.3")
        .env("SQLGATE_TARGET", TARGET)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("SQLGATE_INSTALL_DIR is not set"));
    assert_eq!(server.requests(), Vec::<String>::new());
}

#[test]
fn a_binary_that_reports_another_version_is_not_installed() {
    let script = "#!/bin/sh\necho 'sqlgate 1.0.0'\n";
    let archive = Arc::new(archive_of("tar", &[("sqlgate", script, 0o755)]));
    let name = format!("sqlgate-v9.9.8-{TARGET}.tar.gz");
    let sum = format!("{}  {name}\n", sha256_hex(&archive));
    let server = Server::release(
        "9.9.8",
        &name,
        Some(archive),
        Some(Arc::new(sum.into_bytes())),
    );
    install(&vars(&server, "9.9.8", TARGET)).refused(
        5,
        &format!("the sqlgate in {name} reports 'sqlgate 1.0.0', not 'sqlgate 9.9.8'"),
    );

    // An archive without the binary.
    let archive = Arc::new(archive_of("tar", &[("README.md", "hi", 0o644)]));
    let sum = format!("{}  {name}\n", sha256_hex(&archive));
    let server = Server::release(
        "9.9.8",
        &name,
        Some(archive),
        Some(Arc::new(sum.into_bytes())),
    );
    install(&vars(&server, "9.9.8", TARGET)).refused(5, &format!("{name} holds no sqlgate"));
}

// ---------------------------------------------------------------------------------------
// package.sh: the layout the release contract names.

#[test]
fn package_writes_the_archive_and_checksum_the_release_contract_names() {
    let asset = release();
    assert_eq!(asset.name, format!("sqlgate-v{VERSION}-{TARGET}.tar.gz"));
    assert_eq!(
        members("tar", &asset.archive),
        [
            "CHANGELOG.md",
            "LICENSE-APACHE",
            "LICENSE-MIT",
            "README.md",
            "sqlgate"
        ]
    );
    // sha256sum's format, naming the archive: `sha256sum -c` in the release directory passes.
    assert_eq!(
        text(&asset.sha256),
        format!("{}  {}\n", sha256_hex(&asset.archive), asset.name)
    );

    // Windows: a zip holding sqlgate.exe, installed by unzip. A script stands in for the
    // binary (any name runs here), so no second large binary is compressed.
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("built.exe");
    std::fs::write(&fake, "#!/bin/sh\necho 'sqlgate 9.9.7'\n").unwrap();
    let windows = "x86_64-pc-windows-msvc";
    let zip = package(windows, &fake, "9.9.7", &dir.path().join("out"));
    assert_eq!(zip.name, format!("sqlgate-v9.9.7-{windows}.zip"));
    assert_eq!(
        members("zip", &zip.archive),
        [
            "CHANGELOG.md",
            "LICENSE-APACHE",
            "LICENSE-MIT",
            "README.md",
            "sqlgate.exe"
        ]
    );
    let server = Server::release("9.9.7", &zip.name, Some(zip.archive), Some(zip.sha256));
    let run = install(&vars(&server, "9.9.7", windows));
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert_eq!(run.installed(), ["sqlgate.exe"]);
    assert_eq!(version_of(&run.dest.join("sqlgate.exe")), "sqlgate 9.9.7");

    // Refused arguments.
    let package_sh = Path::new(ROOT).join("scripts/release/package.sh");
    let out_dir = dir.path().join("refused");
    let out = out_dir.to_str().unwrap();
    let fake = fake.to_str().unwrap();
    for (args, says) in [
        (vec![TARGET, fake, "1.2.3"], "usage"),
        (
            vec!["i686-unknown-linux-gnu", fake, "1.2.3", out],
            "unknown target",
        ),
        (
            vec![TARGET, fake, "v1.2.3", out],
            "VERSION must be semantic",
        ),
        (
            vec![TARGET, "/nonexistent/sqlgate", "1.2.3", out],
            "no binary at",
        ),
    ] {
        let run = Command::new("bash")
            .arg(&package_sh)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(1), "{args:?}");
        assert!(
            text(&run.stderr).contains(says),
            "{args:?}: {}",
            text(&run.stderr)
        );
        assert!(!out_dir.exists(), "{args:?}");
    }
}
