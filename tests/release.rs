//! The release (issue 21): the scripts `.github/workflows/release.yml` runs, driven here with
//! bash on temporary directories, the workflow's shape, and what makes every crate
//! publishable to crates.io.
//!
//! Scripts (scripts/release/): `version.sh` (the tag is `v` + the Cargo version),
//! `notes.sh` (a version's CHANGELOG section), `checksums.sh` (the combined checksums file),
//! `check-binary.sh` (a built binary is of its target, static on Linux, and prints its
//! version), `check-wheels.sh` (the sdist and one wheel per platform), `publish-crates.sh`
//! (`cargo publish --workspace` less the crates already published), `move-tags.sh` (the
//! action's `v1` and `v1.2` follow the newest release). `package.sh` is covered where it is
//! written (tests/action_install.rs).

#![cfg(unix)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The release targets of the contract with scripts/release/package.sh.
const TARGETS: &[&str] = &[
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

const REPOSITORY: &str = "https://github.com/sqlgate/sqlgate";

// ---------------------------------------------------------------------------------------
// Running the scripts

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ok: {}\n--- stdout\n{}--- stderr\n{}",
            self.ok, self.stdout, self.stderr
        )
    }
}

fn run_in(dir: &Path, script: &str, args: &[&str]) -> Run {
    run_with(dir, script, args, &[])
}

fn run_with(dir: &Path, script: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let path = Path::new(ROOT).join("scripts/release").join(script);
    let out: Output = Command::new("bash")
        .arg(&path)
        .args(args)
        .current_dir(dir)
        .env("LC_ALL", "C")
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("bash {}: {e}", path.display()));
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(script: &str, args: &[&str]) -> Run {
    run_in(Path::new(ROOT), script, args)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

// ---------------------------------------------------------------------------------------
// version.sh

fn manifest_with(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("Cargo.toml");
    write(&path, text);
    path
}

fn workspace_manifest(dir: &Path, version: &str) -> PathBuf {
    manifest_with(
        dir,
        &format!(
            "[workspace]\nmembers = [\"crates/*\"]\n\n\
             [workspace.package]\nedition = \"2021\"\nversion = \"{version}\" # the release\n\n\
             [workspace.dependencies]\nfoo = {{ path = \"crates/foo\", version = \"=9.9.9\" }}\n\n\
             [package]\nname = \"x\"\nversion = \"7.7.7\"\n"
        ),
    )
}

#[test]
fn version_is_read_from_the_workspace_package_table_and_matches_its_tag() {
    let temp = tempfile::tempdir().unwrap();
    let manifest = workspace_manifest(temp.path(), "1.2.3");
    let manifest = path_str(&manifest);

    let read = run("version.sh", &["--manifest", manifest]);
    assert!(read.ok, "{read:?}");
    assert_eq!(read.stdout, "version=1.2.3\nprerelease=false\n");

    let tagged = run("version.sh", &["--manifest", manifest, "v1.2.3"]);
    assert!(tagged.ok, "{tagged:?}");
    assert_eq!(tagged.stdout, "version=1.2.3\nprerelease=false\n");

    let manifest = workspace_manifest(temp.path(), "2.0.0-rc.1");
    let pre = run(
        "version.sh",
        &["--manifest", path_str(&manifest), "v2.0.0-rc.1"],
    );
    assert!(pre.ok, "{pre:?}");
    assert_eq!(pre.stdout, "version=2.0.0-rc.1\nprerelease=true\n");
}

#[test]
fn version_of_this_repository_is_the_crates_version() {
    let read = run("version.sh", &[]);
    assert!(read.ok, "{read:?}");
    assert_eq!(
        read.stdout,
        format!("version={VERSION}\nprerelease=false\n")
    );
    let tagged = run("version.sh", &[&format!("v{VERSION}")]);
    assert!(tagged.ok, "{tagged:?}");
}

#[test]
fn a_tag_that_is_not_the_cargo_version_fails() {
    let temp = tempfile::tempdir().unwrap();
    let manifest = workspace_manifest(temp.path(), "1.2.3");
    for tag in ["v1.2.4", "v1.2.3-rc.1", "v7.7.7", "v9.9.9"] {
        let out = run("version.sh", &["--manifest", path_str(&manifest), tag]);
        assert!(!out.ok, "{tag}: {out:?}");
        assert!(
            out.stdout.is_empty(),
            "{tag}: nothing for GITHUB_OUTPUT: {out:?}"
        );
        assert!(
            out.stderr
                .contains(&format!("the tag {tag} does not match"))
                && out.stderr.contains("1.2.3"),
            "{tag}: {out:?}"
        );
    }
}

#[test]
fn a_malformed_tag_fails() {
    let temp = tempfile::tempdir().unwrap();
    let manifest = workspace_manifest(temp.path(), "1.2.3");
    for tag in [
        "",
        "1.2.3",
        "V1.2.3",
        "v",
        "v1.2",
        "v1.2.3.4",
        "v01.2.3",
        "v1.2.3 ",
        "vfoo",
        "refs/tags/v1.2.3",
        "v1.2.3+build.5",
        "v1.2.3-preview.1",
        "v1.2.3-rc",
        "v1.2.3-rc.01",
    ] {
        let out = run("version.sh", &["--manifest", path_str(&manifest), tag]);
        assert!(!out.ok, "{tag:?}: {out:?}");
        assert!(out.stdout.is_empty(), "{tag:?}: {out:?}");
        assert!(
            out.stderr.contains("is not a release tag"),
            "{tag:?}: {out:?}"
        );
    }
}

#[test]
fn a_manifest_without_a_release_version_fails() {
    let temp = tempfile::tempdir().unwrap();
    // The version only in [package], or after the [workspace.package] table has ended.
    for text in [
        "[workspace]\nmembers = []\n\n[package]\nname = \"x\"\nversion = \"1.0.0\"\n",
        "[workspace.package]\nedition = \"2021\"\n\n[dependencies.y]\nversion = \"1.0.0\"\n",
    ] {
        let manifest = manifest_with(temp.path(), text);
        let out = run("version.sh", &["--manifest", path_str(&manifest)]);
        assert!(!out.ok, "{text}: {out:?}");
        assert!(out.stderr.contains("[workspace.package]"), "{out:?}");
    }
    for version in ["1.2", "1.2.3+build", "1.2.3-dev"] {
        let manifest = workspace_manifest(temp.path(), version);
        let out = run(
            "version.sh",
            &["--manifest", path_str(&manifest), &format!("v{version}")],
        );
        assert!(!out.ok, "{version}: {out:?}");
        assert!(out.stderr.contains("is not a release version"), "{out:?}");
    }
    let missing = run(
        "version.sh",
        &["--manifest", path_str(&temp.path().join("nope.toml"))],
    );
    assert!(
        !missing.ok && missing.stderr.contains("no such file"),
        "{missing:?}"
    );
}

// ---------------------------------------------------------------------------------------
// notes.sh

const CHANGELOG: &str = "\
# Changelog

Notes.

## [Unreleased]

## [1.1.0] - 2026-03-01

### Added
- The second thing ([link][1.1.0]).

### Fixed
- A bug.

## [1.1.0-rc.1] - 2026-02-01

- The candidate.

## [1x0x0] - 2026-01-15

- Not a version.

## [1.0.0] - 2026-01-01

The first version.

[1.1.0]: https://github.com/sqlgate/sqlgate/compare/v1.0.0...v1.1.0
[1.0.0]: https://github.com/sqlgate/sqlgate/releases/tag/v1.0.0
";

fn changelog(dir: &Path, text: &str) -> String {
    let path = dir.join("CHANGELOG.md");
    write(&path, text);
    path_str(&path).to_string()
}

#[test]
fn notes_are_the_body_of_the_versions_section() {
    let temp = tempfile::tempdir().unwrap();
    let file = changelog(temp.path(), CHANGELOG);
    let out = run("notes.sh", &["1.1.0", &file]);
    assert!(out.ok, "{out:?}");
    assert_eq!(
        out.stdout,
        "### Added\n- The second thing ([link][1.1.0]).\n\n### Fixed\n- A bug.\n"
    );
    assert!(out.stderr.is_empty(), "{out:?}");

    // A prerelease's own section, not the release's; its heading is matched as text.
    let out = run("notes.sh", &["1.1.0-rc.1", &file]);
    assert!(out.ok, "{out:?}");
    assert_eq!(out.stdout, "- The candidate.\n");
}

#[test]
fn notes_of_the_last_section_stop_before_the_link_definitions() {
    let temp = tempfile::tempdir().unwrap();
    let file = changelog(temp.path(), CHANGELOG);
    let out = run("notes.sh", &["1.0.0", &file]);
    assert!(out.ok, "{out:?}");
    assert_eq!(out.stdout, "The first version.\n");

    // Without link definitions, up to the end of the file.
    let file = changelog(temp.path(), "## [2.0.0]\n\n- Last.\n- Lines.\n\n\n");
    let out = run("notes.sh", &["2.0.0", &file]);
    assert!(out.ok, "{out:?}");
    assert_eq!(out.stdout, "- Last.\n- Lines.\n");
}

#[test]
fn notes_of_a_missing_or_empty_version_fail() {
    let temp = tempfile::tempdir().unwrap();
    let file = changelog(temp.path(), CHANGELOG);
    // 1.0 is a prefix of 1.0.0; 1.0.0-rc.1 and 2.0.0 have no section.
    for version in ["2.0.0", "1.0", "1.0.0-rc.1", "1.1"] {
        let out = run("notes.sh", &[version, &file]);
        assert!(!out.ok, "{version}: {out:?}");
        assert!(out.stdout.is_empty(), "{version}: {out:?}");
        assert!(
            out.stderr
                .contains(&format!("has no `## [{version}]` section")),
            "{version}: {out:?}"
        );
    }
    let out = run("notes.sh", &["Unreleased", &file]);
    assert!(!out.ok && out.stderr.contains("is empty"), "{out:?}");
    let out = run("notes.sh", &[]);
    assert!(!out.ok && out.stderr.contains("usage"), "{out:?}");
}

#[test]
fn notes_under_an_unreleased_heading_pass_with_a_warning() {
    let temp = tempfile::tempdir().unwrap();
    let file = changelog(temp.path(), "## [0.3.0] - Unreleased\n\n- Soon.\n");
    let out = run("notes.sh", &["0.3.0", &file]);
    assert!(out.ok, "{out:?}");
    assert_eq!(out.stdout, "- Soon.\n");
    assert!(out.stderr.starts_with("::warning"), "{out:?}");
}

#[test]
fn the_changelog_has_notes_for_the_current_version() {
    // What the release workflow's first job checks, before anything is built.
    let out = run("notes.sh", &[VERSION]);
    assert!(
        out.ok,
        "CHANGELOG.md needs a `## [{VERSION}]` section with the version's notes: {out:?}"
    );
    assert!(!out.stdout.trim().is_empty());
}

// ---------------------------------------------------------------------------------------
// checksums.sh

fn sha256sum(dir: &Path, file: &str) -> String {
    let out = Command::new("sha256sum")
        .arg(file)
        .current_dir(dir)
        .output()
        .expect("sha256sum (GNU coreutils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Archives as package.sh leaves them: each with its `<archive>.sha256` beside it.
fn archives(dir: &Path, version: &str, targets: &[&str]) -> Vec<String> {
    let mut names = Vec::new();
    for target in targets {
        let extension = if target.contains("windows") {
            "zip"
        } else {
            "tar.gz"
        };
        let name = format!("sqlgate-v{version}-{target}.{extension}");
        std::fs::write(dir.join(&name), format!("the archive for {target}")).unwrap();
        let line = sha256sum(dir, &name);
        std::fs::write(dir.join(format!("{name}.sha256")), line).unwrap();
        names.push(name);
    }
    names
}

#[test]
fn checksums_of_every_archive_sorted_by_name_and_verifiable() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    // In an order that is not the file names' order.
    let names = archives(dir, "1.2.3", TARGETS);
    // Another version's archive in the same directory is not part of this release.
    archives(dir, "1.2.2", &["x86_64-apple-darwin"]);

    let out = run("checksums.sh", &["1.2.3", path_str(dir)]);
    assert!(out.ok, "{out:?}");
    let file = dir.join("sqlgate-v1.2.3-checksums.txt");
    assert_eq!(out.stdout.trim(), path_str(&file));
    let text = std::fs::read_to_string(&file).unwrap();

    let listed: Vec<&str> = text
        .lines()
        .map(|line| line.split_once("  ").expect("`<hex>  <name>`").1)
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(listed, sorted);
    for line in text.lines() {
        let (hex, _) = line.split_once("  ").unwrap();
        assert!(
            hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
            "{line}"
        );
    }
    // Each line is the archive's own .sha256 line.
    for name in &names {
        let own = std::fs::read_to_string(dir.join(format!("{name}.sha256"))).unwrap();
        assert!(text.contains(&own), "{own} not in\n{text}");
    }

    let check = Command::new("sha256sum")
        .args(["--strict", "-c", "sqlgate-v1.2.3-checksums.txt"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    // With the targets that must be there: all present.
    let mut args = vec!["1.2.3", path_str(dir)];
    args.extend(TARGETS);
    let out = run("checksums.sh", &args);
    assert!(out.ok, "{out:?}");
}

#[test]
fn checksums_fail_for_a_missing_target_or_a_wrong_or_missing_sha256() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    archives(dir, "1.2.3", &TARGETS[..4]);
    let dir_arg = path_str(dir);

    let mut args = vec!["1.2.3", dir_arg];
    args.extend(TARGETS);
    let out = run("checksums.sh", &args);
    assert!(!out.ok, "{out:?}");
    assert!(
        out.stderr.contains("no archive for x86_64-pc-windows-msvc"),
        "{out:?}"
    );
    assert!(!dir.join("sqlgate-v1.2.3-checksums.txt").exists());

    // sha256sum's binary mode (`*name`) and a CRLF are the same line.
    let darwin = "sqlgate-v1.2.3-x86_64-apple-darwin.tar.gz";
    let line = sha256sum(dir, darwin);
    let (hex, _) = line.split_once("  ").unwrap();
    std::fs::write(
        dir.join(format!("{darwin}.sha256")),
        format!("{hex} *{darwin}\r\n"),
    )
    .unwrap();
    let out = run("checksums.sh", &["1.2.3", dir_arg]);
    assert!(out.ok, "{out:?}");

    // An archive changed after its .sha256 was written.
    std::fs::write(dir.join(darwin), "changed").unwrap();
    let out = run("checksums.sh", &["1.2.3", dir_arg]);
    assert!(!out.ok, "{out:?}");
    assert!(
        out.stderr
            .contains(&format!("{darwin}.sha256 does not match {darwin}")),
        "{out:?}"
    );

    // A .sha256 naming another file.
    std::fs::write(
        dir.join(format!("{darwin}.sha256")),
        sha256sum(dir, darwin).replace(darwin, &format!("dist/{darwin}")),
    )
    .unwrap();
    let out = run("checksums.sh", &["1.2.3", dir_arg]);
    assert!(!out.ok && out.stderr.contains("does not match"), "{out:?}");

    // No .sha256 at all.
    std::fs::remove_file(dir.join(format!("{darwin}.sha256"))).unwrap();
    let out = run("checksums.sh", &["1.2.3", dir_arg]);
    assert!(!out.ok, "{out:?}");
    assert!(out.stderr.contains("has no"), "{out:?}");
}

#[test]
fn checksums_without_archives_fail() {
    let temp = tempfile::tempdir().unwrap();
    archives(temp.path(), "1.2.2", &["x86_64-apple-darwin"]);
    let out = run("checksums.sh", &["1.2.3", path_str(temp.path())]);
    assert!(!out.ok, "{out:?}");
    assert!(out.stderr.contains("no archive"), "{out:?}");
    let out = run(
        "checksums.sh",
        &["1.2.3", path_str(&temp.path().join("nope"))],
    );
    assert!(
        !out.ok && out.stderr.contains("no such directory"),
        "{out:?}"
    );
}

// ---------------------------------------------------------------------------------------
// check-binary.sh (its static-linking and --version checks on this machine's own format)

/// A C program printing `text`, compiled by the machine's C compiler (the one Rust links with).
fn c_binary(dir: &Path, name: &str, text: &str, flags: &[&str]) -> PathBuf {
    let source = dir.join(format!("{name}.c"));
    write(
        &source,
        &format!("#include <stdio.h>\nint main(void) {{ puts(\"{text}\"); return 0; }}\n"),
    );
    let binary = dir.join(name);
    let out = Command::new("cc")
        .args(flags)
        .arg("-o")
        .arg(&binary)
        .arg(&source)
        .output()
        .expect("cc: the C compiler Rust links with");
    assert!(
        out.status.success(),
        "cc {flags:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    binary
}

#[test]
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn check_binary_wants_a_static_binary_of_the_target_that_prints_its_version() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    let target = "x86_64-unknown-linux-musl";
    let version_line = "sqlgate 1.2.3";

    for flags in [&["-static"][..], &["-static-pie"][..]] {
        let static_binary = c_binary(dir, "static", version_line, flags);
        let out = run(
            "check-binary.sh",
            &[target, path_str(&static_binary), "1.2.3"],
        );
        assert!(out.ok, "{flags:?}: {out:?}");
        assert!(
            out.stdout.contains("runs, prints: sqlgate 1.2.3"),
            "{out:?}"
        );
    }
    let static_binary = c_binary(dir, "static", version_line, &["-static"]);
    let static_arg = path_str(&static_binary);

    let out = run("check-binary.sh", &[target, static_arg, "1.2.4"]);
    assert!(!out.ok, "{out:?}");
    assert!(
        out.stderr
            .contains("printed \"sqlgate 1.2.3\", not \"sqlgate 1.2.4\""),
        "{out:?}"
    );

    let dynamic = c_binary(dir, "dynamic", version_line, &[]);
    let out = run("check-binary.sh", &[target, path_str(&dynamic), "1.2.3"]);
    assert!(!out.ok, "{out:?}");
    assert!(out.stderr.contains("dynamic loader"), "{out:?}");

    for other in [
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        let out = run("check-binary.sh", &[other, static_arg, "1.2.3"]);
        assert!(!out.ok, "{other}: {out:?}");
        assert!(out.stderr.contains("is not a"), "{other}: {out:?}");
    }

    let out = run(
        "check-binary.sh",
        &["x86_64-unknown-linux-gnu", static_arg, "1.2.3"],
    );
    assert!(
        !out.ok && out.stderr.contains("not a release target"),
        "{out:?}"
    );
    let out = run(
        "check-binary.sh",
        &[target, path_str(&dir.join("nope")), "1.2.3"],
    );
    assert!(!out.ok && out.stderr.contains("no such file"), "{out:?}");
}

// ---------------------------------------------------------------------------------------
// check-wheels.sh

const WHEEL_PLATFORMS: &[&str] = &[
    "manylinux_2_17_x86_64.manylinux2014_x86_64",
    "manylinux_2_17_aarch64.manylinux2014_aarch64",
    "musllinux_1_2_x86_64",
    "musllinux_1_2_aarch64",
    "macosx_10_12_x86_64",
    "macosx_11_0_arm64",
    "win_amd64",
];

fn python_dist(dir: &Path, pep440: &str, platforms: &[&str]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(format!("sqlgate-{pep440}.tar.gz")), "sdist").unwrap();
    for platform in platforms {
        std::fs::write(
            dir.join(format!("sqlgate-{pep440}-py3-none-{platform}.whl")),
            "wheel",
        )
        .unwrap();
    }
}

#[test]
fn wheels_one_per_platform_of_the_version_pass() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("release");
    python_dist(&dir, "1.2.0", WHEEL_PLATFORMS);
    let out = run("check-wheels.sh", &["1.2.0", path_str(&dir)]);
    assert!(out.ok, "{out:?}");
    assert!(out.stdout.contains("7 wheels"), "{out:?}");

    // A prerelease in PEP 440's spelling.
    for (cargo, pep440) in [
        ("1.3.0-rc.1", "1.3.0rc1"),
        ("1.3.0-beta.2", "1.3.0b2"),
        ("1.3.0-alpha.0", "1.3.0a0"),
    ] {
        let dir = temp.path().join(cargo);
        python_dist(&dir, pep440, WHEEL_PLATFORMS);
        let out = run("check-wheels.sh", &[cargo, path_str(&dir)]);
        assert!(out.ok, "{cargo}: {out:?}");
    }
}

#[test]
fn wheels_missing_doubled_foreign_or_of_another_version_fail() {
    let temp = tempfile::tempdir().unwrap();
    let check = |dir: &Path| run("check-wheels.sh", &["1.2.0", path_str(dir)]);

    let missing = temp.path().join("missing");
    python_dist(&missing, "1.2.0", &WHEEL_PLATFORMS[..6]);
    std::fs::remove_file(missing.join("sqlgate-1.2.0.tar.gz")).unwrap();
    let out = check(&missing);
    assert!(!out.ok, "{out:?}");
    assert!(
        out.stderr.contains("no wheel for Windows x86_64"),
        "{out:?}"
    );
    assert!(
        out.stderr.contains("no sdist sqlgate-1.2.0.tar.gz"),
        "{out:?}"
    );

    let doubled = temp.path().join("doubled");
    python_dist(&doubled, "1.2.0", WHEEL_PLATFORMS);
    python_dist(&doubled, "1.2.0", &["manylinux_2_28_x86_64"]);
    let out = check(&doubled);
    assert!(!out.ok, "{out:?}");
    assert!(
        out.stderr
            .contains("more than one wheel for Linux x86_64 (glibc)"),
        "{out:?}"
    );

    let foreign = temp.path().join("foreign");
    python_dist(&foreign, "1.2.0", WHEEL_PLATFORMS);
    python_dist(&foreign, "1.2.0", &["linux_x86_64"]);
    let out = check(&foreign);
    assert!(!out.ok, "{out:?}");
    assert!(
        out.stderr.contains("a platform the release does not build"),
        "{out:?}"
    );

    let other = temp.path().join("other");
    python_dist(&other, "1.2.0", WHEEL_PLATFORMS);
    python_dist(&other, "1.1.0", &["win_amd64"]);
    let out = check(&other);
    assert!(!out.ok, "{out:?}");
    assert!(
        out.stderr
            .contains("sqlgate-1.1.0-py3-none-win_amd64.whl is neither"),
        "{out:?}"
    );

    let out = run("check-wheels.sh", &["1.2.0-dev", path_str(&other)]);
    assert!(
        !out.ok && out.stderr.contains("not a release version"),
        "{out:?}"
    );
}

// ---------------------------------------------------------------------------------------
// publish-crates.sh (with a stand-in cargo and a stand-in index)

/// The workspace's crates, as publish-crates.sh finds them.
const CRATES: &[&str] = &[
    "sqlgate",
    "sqlgate_config",
    "sqlgate_core",
    "sqlgate_discover",
    "sqlgate_gate",
    "sqlgate_github",
    "sqlgate_lint",
    "sqlgate_replay",
    "sqlgate_report",
    "sqlgate_sql",
];

struct Publish {
    temp: tempfile::TempDir,
}

impl Publish {
    fn new() -> Self {
        let temp = tempfile::tempdir().unwrap();
        write(
            &temp.path().join("cargo"),
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"$(dirname \"$0\")/cargo-calls\"\n",
        );
        let mode = std::os::unix::fs::PermissionsExt::from_mode(0o755);
        std::fs::set_permissions(temp.path().join("cargo"), mode).unwrap();
        std::fs::create_dir_all(temp.path().join("index")).unwrap();
        Publish { temp }
    }

    /// crates.io has `name` at these versions (lines of the sparse index's file).
    fn published(&self, name: &str, versions: &[&str]) {
        let path = self
            .temp
            .path()
            .join("index")
            .join(&name[..2])
            .join(&name[2..4])
            .join(name);
        let lines: String = versions
            .iter()
            .map(|v| {
                format!("{{\"name\":\"{name}\",\"vers\":\"{v}\",\"deps\":[],\"yanked\":false}}\n")
            })
            .collect();
        write(&path, &lines);
    }

    fn run(&self, args: &[&str]) -> (Run, String) {
        let cargo = self.temp.path().join("cargo");
        let index = format!("file://{}", self.temp.path().join("index").display());
        let out = run_with(
            Path::new(ROOT),
            "publish-crates.sh",
            args,
            &[("CARGO", path_str(&cargo)), ("SQLGATE_INDEX_URL", &index)],
        );
        let calls =
            std::fs::read_to_string(self.temp.path().join("cargo-calls")).unwrap_or_default();
        (out, calls)
    }
}

#[test]
fn publish_crates_publishes_the_workspace_when_nothing_is_published() {
    let publish = Publish::new();
    // Older versions on crates.io do not count.
    publish.published("sqlgate_core", &["0.0.1"]);
    let (out, calls) = publish.run(&[]);
    assert!(out.ok, "{out:?}");
    assert_eq!(calls, "publish --workspace --locked\n");
    assert!(
        out.stdout
            .contains(&format!("publishing {} at {VERSION}", CRATES.join(" "))),
        "{out:?}"
    );
}

#[test]
fn publish_crates_skips_what_crates_io_has_and_stops_when_it_has_everything() {
    let publish = Publish::new();
    publish.published("sqlgate_core", &["0.0.1", VERSION]);
    publish.published("sqlgate_sql", &[VERSION]);
    let (out, calls) = publish.run(&["--dry-run"]);
    assert!(out.ok, "{out:?}");
    assert_eq!(
        calls,
        "publish --workspace --locked --dry-run --exclude sqlgate_core --exclude sqlgate_sql\n"
    );
    assert!(
        out.stdout.contains(&format!(
            "sqlgate_core {VERSION}: already on crates.io, skipped"
        )),
        "{out:?}"
    );

    let publish = Publish::new();
    for name in CRATES {
        publish.published(name, &[VERSION]);
    }
    let (out, calls) = publish.run(&[]);
    assert!(out.ok, "{out:?}");
    assert_eq!(calls, "", "cargo is not run");
    assert!(out.stdout.contains("nothing to publish"), "{out:?}");

    let (out, _) = publish.run(&["--force"]);
    assert!(!out.ok && out.stderr.contains("usage"), "{out:?}");
}

// ---------------------------------------------------------------------------------------
// move-tags.sh

/// git in `dir`, quietly, with a fixed identity; returns stdout.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Release",
            "-c",
            "user.email=release@example.com",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A repository whose commits are tagged with `tags` in order (one commit each), pushed to a
/// bare `origin` beside it. Returns (work tree, origin, the commit of each tag).
fn tagged_repository(dir: &Path, tags: &[&str]) -> (PathBuf, PathBuf, Vec<String>) {
    let origin = dir.join("origin.git");
    let work = dir.join("work");
    std::fs::create_dir_all(&origin).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    git(&origin, &["init", "-q", "--bare"]);
    git(&work, &["init", "-q", "-b", "main"]);
    git(&work, &["remote", "add", "origin", path_str(&origin)]);
    let mut commits = Vec::new();
    for tag in tags {
        git(&work, &["commit", "-q", "--allow-empty", "-m", tag]);
        git(&work, &["tag", tag]);
        commits.push(git(&work, &["rev-parse", "HEAD"]));
    }
    git(&work, &["push", "-q", "origin", "main", "--tags"]);
    (work, origin, commits)
}

/// The commit `tag` points at in the repository at `dir`, if it exists.
fn tag_commit(dir: &Path, tag: &str) -> Option<String> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["rev-parse", "--verify", "--quiet"])
        .arg(format!("refs/tags/{tag}^{{commit}}"))
        .output()
        .unwrap();
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn moving_tags_follow_the_newest_release_they_cover_on_the_remote() {
    let temp = tempfile::tempdir().unwrap();
    let (work, origin, commits) = tagged_repository(temp.path(), &["v1.2.0", "v1.3.0", "v1.10.0"]);

    let out = run_in(&work, "move-tags.sh", &["1.10.0"]);
    assert!(out.ok, "{out:?}");
    assert_eq!(
        out.stdout,
        format!("moved v1 -> {0}\nmoved v1.10 -> {0}\n", commits[2]),
        "1.10.0 is newer than 1.3.0 (version order, not text order)"
    );
    assert_eq!(tag_commit(&origin, "v1").as_ref(), Some(&commits[2]));
    assert_eq!(tag_commit(&origin, "v1.10").as_ref(), Some(&commits[2]));

    // A patch of an older minor, released later: its minor tag moves, the major stays.
    git(&work, &["commit", "-q", "--allow-empty", "-m", "v1.2.1"]);
    git(&work, &["tag", "v1.2.1"]);
    let patch = git(&work, &["rev-parse", "HEAD"]);
    let out = run_in(&work, "move-tags.sh", &["1.2.1"]);
    assert!(out.ok, "{out:?}");
    assert_eq!(
        out.stdout,
        format!("kept v1 at v1.10.0\nmoved v1.2 -> {patch}\n")
    );
    assert_eq!(tag_commit(&origin, "v1").as_ref(), Some(&commits[2]));
    assert_eq!(tag_commit(&origin, "v1.2").as_ref(), Some(&patch));

    // Run again (a re-run of the workflow): nothing changes.
    let out = run_in(&work, "move-tags.sh", &["1.2.1"]);
    assert!(out.ok, "{out:?}");
    assert_eq!(tag_commit(&origin, "v1.2").as_ref(), Some(&patch));
}

#[test]
fn prereleases_move_nothing_and_a_newer_prerelease_does_not_hold_a_tag_back() {
    let temp = tempfile::tempdir().unwrap();
    let (work, origin, commits) = tagged_repository(temp.path(), &["v0.2.0-rc.1", "v0.2.0"]);
    let out = run_in(&work, "move-tags.sh", &["0.2.0-rc.1"]);
    assert!(out.ok, "{out:?}");
    assert_eq!(
        out.stdout,
        "prerelease 0.2.0-rc.1: the moving tags stay where they are\n"
    );
    assert_eq!(tag_commit(&origin, "v0"), None);

    git(&work, &["commit", "-q", "--allow-empty", "-m", "rc"]);
    git(&work, &["tag", "v0.3.0-rc.1"]);
    let out = run_in(&work, "move-tags.sh", &["0.2.0"]);
    assert!(out.ok, "{out:?}");
    assert_eq!(tag_commit(&origin, "v0").as_ref(), Some(&commits[1]));
    assert_eq!(tag_commit(&origin, "v0.2").as_ref(), Some(&commits[1]));
}

#[test]
fn move_tags_refuses_an_unknown_version_a_malformed_one_or_no_remote() {
    let temp = tempfile::tempdir().unwrap();
    let (work, _origin, _) = tagged_repository(temp.path(), &["v1.0.0"]);
    let out = run_in(&work, "move-tags.sh", &["1.0.1"]);
    assert!(!out.ok, "{out:?}");
    assert_eq!(
        out.stderr,
        "move-tags.sh: no tag v1.0.1 in this repository (git fetch --tags first)\n"
    );
    for bad in ["v1.0.0", "1.0", "1.0.0+build", "--force"] {
        let out = run_in(&work, "move-tags.sh", &[bad]);
        assert!(!out.ok, "{bad}: {out:?}");
    }
    let out = run_in(&work, "move-tags.sh", &["1.0.0;touch x"]);
    assert!(out.stderr.contains("is not a release version"), "{out:?}");
    let out = run_in(&work, "move-tags.sh", &["--remote", "upstream", "1.0.0"]);
    assert!(!out.ok, "{out:?}");
    assert_eq!(
        out.stderr,
        "move-tags.sh: no remote \"upstream\" to push the moved tags to\n"
    );
    assert_eq!(
        tag_commit(&work, "v1"),
        None,
        "nothing moved locally either"
    );
}

// ---------------------------------------------------------------------------------------
// The workflow

fn workflow() -> serde_yaml::Value {
    let path = Path::new(ROOT).join(".github/workflows/release.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

fn jobs(workflow: &serde_yaml::Value) -> &serde_yaml::Mapping {
    workflow["jobs"].as_mapping().expect("jobs")
}

fn steps(job: &serde_yaml::Value) -> Vec<&serde_yaml::Value> {
    job["steps"]
        .as_sequence()
        .map(|s| s.iter().collect())
        .unwrap_or_default()
}

fn key(value: &serde_yaml::Value) -> &str {
    value.as_str().unwrap_or_default()
}

#[test]
fn the_workflow_runs_on_version_tags_and_builds_every_target() {
    let workflow = workflow();
    // serde_yaml reads the key `on` as a string (YAML 1.2).
    let tags = &workflow["on"]["push"]["tags"];
    assert_eq!(
        tags,
        &serde_yaml::from_str::<serde_yaml::Value>("['v*']").unwrap()
    );

    let matrix: Vec<&str> = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .expect("build matrix include")
        .iter()
        .map(|entry| key(&entry["target"]))
        .collect();
    assert_eq!(matrix, TARGETS, "the build matrix");
    let listed: Vec<&str> = key(&workflow["env"]["TARGETS"])
        .split_whitespace()
        .collect();
    assert_eq!(
        listed, TARGETS,
        "env.TARGETS (checksums.sh wants an archive for each)"
    );
}

#[test]
fn every_script_the_workflow_runs_exists_and_no_expression_reaches_a_script() {
    let workflow = workflow();
    let mut scripts = BTreeSet::new();
    for (name, job) in jobs(&workflow) {
        for step in steps(job) {
            let Some(script) = step["run"].as_str() else {
                continue;
            };
            assert!(
                !script.contains("${{"),
                "job {}: a `${{{{ }}}}` expression inside run: (pass it through env): {script}",
                key(name)
            );
            for word in script.split(|c: char| c.is_whitespace() || c == '"') {
                if let Some(rest) = word.strip_prefix("scripts/release/") {
                    scripts.insert(rest.to_string());
                }
            }
        }
    }
    let expected: BTreeSet<String> = [
        "version.sh",
        "notes.sh",
        "check-binary.sh",
        "package.sh",
        "checksums.sh",
        "check-wheels.sh",
        "publish-crates.sh",
        "move-tags.sh",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(scripts, expected);
    for script in &scripts {
        let path = Path::new(ROOT).join("scripts/release").join(script);
        // package.sh is written by the other half of the release work (the archive contract
        // in .github/workflows/release.yml's build job).
        assert!(path.is_file(), "{} is missing", path.display());
    }
}

#[test]
fn every_job_has_its_own_minimal_permissions_and_only_tags_publish() {
    let workflow = workflow();
    assert_eq!(
        workflow["permissions"],
        serde_yaml::Value::Mapping(Default::default()),
        "no permissions by default"
    );
    let publishing = ["github-release", "pypi", "crates"];
    for (name, job) in jobs(&workflow) {
        let name = key(name);
        let permissions = job["permissions"]
            .as_mapping()
            .unwrap_or_else(|| panic!("job {name} sets its permissions"));
        let granted = |scope: &str| {
            permissions
                .get(scope)
                .map(|v| key(v) == "write")
                .unwrap_or(false)
        };
        let writes: Vec<&str> = permissions
            .iter()
            .filter(|(_, v)| key(v) == "write")
            .map(|(k, _)| key(k))
            .collect();
        match name {
            "github-release" => assert_eq!(writes, ["contents", "id-token", "attestations"]),
            "pypi" | "crates" => assert_eq!(writes, ["id-token"], "{name}"),
            _ => assert!(writes.is_empty(), "{name} writes {writes:?}"),
        }
        assert_eq!(granted("id-token"), publishing.contains(&name), "{name}");
        if publishing.contains(&name) {
            assert_eq!(
                key(&job["if"]),
                "github.event_name == 'push'",
                "{name} publishes: tags only, never a dry run"
            );
        }
        if name == "pypi" || name == "crates" {
            assert!(
                job["environment"]["name"].as_str().is_some(),
                "{name}: trusted publishing names an environment"
            );
        }
        for step in steps(job) {
            if let Some(uses) = step["uses"].as_str() {
                let (_, version) = uses
                    .split_once('@')
                    .unwrap_or_else(|| panic!("{name}: {uses} is not pinned"));
                assert!(!version.is_empty() && version != "main" && version != "master");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// crates.io readiness

fn manifest(path: &Path) -> toml::Table {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path:?}: {e}"))
        .parse()
        .unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// Every package of the workspace: (name, directory, manifest).
fn packages() -> Vec<(String, PathBuf, toml::Table)> {
    let mut dirs = vec![PathBuf::from(ROOT)];
    let mut crates: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    crates.sort();
    dirs.extend(crates);
    dirs.into_iter()
        .map(|dir| {
            let manifest = manifest(&dir.join("Cargo.toml"));
            let name = manifest["package"]["name"].as_str().unwrap().to_string();
            (name, dir, manifest)
        })
        .collect()
}

/// A `[package]` field, following `field.workspace = true` to `[workspace.package]`.
fn field<'a>(
    package: &'a toml::Table,
    workspace: &'a toml::Table,
    name: &str,
) -> Option<&'a toml::Value> {
    let value = package.get(name)?;
    match value.get("workspace").and_then(|w| w.as_bool()) {
        Some(true) => workspace.get(name),
        _ => Some(value),
    }
}

/// crates.io's category slugs that fit sqlgate (https://crates.io/category_slugs): an
/// unknown slug is dropped with only a warning at publish time.
const CATEGORIES: &[&str] = &[
    "command-line-utilities",
    "config",
    "database",
    "development-tools",
    "development-tools::testing",
    "parser-implementations",
    "text-processing",
];

#[test]
fn every_crate_carries_the_metadata_crates_io_shows() {
    let root = manifest(&Path::new(ROOT).join("Cargo.toml"));
    let workspace = root["workspace"]["package"].as_table().unwrap();
    assert_eq!(workspace["repository"].as_str(), Some(REPOSITORY));
    for (name, dir, manifest) in packages() {
        let package = manifest["package"].as_table().unwrap();
        let text = |field_name: &str| {
            field(package, workspace, field_name)
                .and_then(|v| v.as_str())
                .unwrap_or_else(|| panic!("{name}: no {field_name}"))
                .to_string()
        };
        assert!(text("description").len() > 20, "{name}: description");
        assert_eq!(text("license"), "MIT OR Apache-2.0", "{name}");
        assert_eq!(text("repository"), REPOSITORY, "{name}");
        assert!(text("homepage").starts_with("https://"), "{name}");
        assert_eq!(
            text("documentation"),
            format!("https://docs.rs/{name}"),
            "{name}"
        );
        // A workspace-inherited readme is relative to the workspace root.
        let readme = if package["readme"].get("workspace").is_some() {
            Path::new(ROOT).join(text("readme"))
        } else {
            dir.join(text("readme"))
        };
        assert!(readme.is_file(), "{name}: {readme:?}");
        assert!(
            package.get("publish").is_none(),
            "{name}: `publish` keeps it off crates.io, and the CLI depends on it"
        );

        let keywords = field(package, workspace, "keywords")
            .and_then(|v| v.as_array())
            .unwrap_or_else(|| panic!("{name}: keywords"));
        assert!(
            (1..=5).contains(&keywords.len()),
            "{name}: crates.io takes at most 5 keywords"
        );
        for keyword in keywords {
            let keyword = keyword.as_str().unwrap();
            assert!(
                keyword.len() <= 20
                    && keyword.starts_with(|c: char| c.is_ascii_alphabetic())
                    && keyword
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_+".contains(c)),
                "{name}: keyword {keyword:?}"
            );
        }
        let categories = field(package, workspace, "categories")
            .and_then(|v| v.as_array())
            .unwrap_or_else(|| panic!("{name}: categories"));
        assert!((1..=5).contains(&categories.len()), "{name}");
        for category in categories {
            let category = category.as_str().unwrap();
            assert!(
                CATEGORIES.contains(&category),
                "{name}: category {category}"
            );
        }
    }
}

#[test]
fn every_internal_dependency_names_the_release_version_exactly() {
    let root = manifest(&Path::new(ROOT).join("Cargo.toml"));
    let version = root["workspace"]["package"]["version"].as_str().unwrap();
    assert_eq!(version, VERSION);
    let ours: BTreeSet<String> = packages().into_iter().map(|(name, _, _)| name).collect();
    let dependencies = root["workspace"]["dependencies"].as_table().unwrap();
    for name in ours.iter().filter(|n| *n != "sqlgate") {
        let spec = dependencies
            .get(name)
            .unwrap_or_else(|| panic!("{name} is not in [workspace.dependencies]"));
        assert!(spec.get("path").is_some(), "{name}");
        assert_eq!(
            spec.get("version").and_then(|v| v.as_str()),
            Some(format!("={version}").as_str()),
            "{name}: crates.io needs a version; `=` keeps the published crates in step"
        );
    }
    // Crates take ours from the workspace table, never by a path of their own.
    for (name, _, manifest) in packages() {
        for table in ["dependencies", "dev-dependencies", "build-dependencies"] {
            let Some(deps) = manifest.get(table).and_then(|t| t.as_table()) else {
                continue;
            };
            for (dep, spec) in deps {
                if ours.contains(dep) {
                    assert_eq!(
                        spec.get("workspace").and_then(|w| w.as_bool()),
                        Some(true),
                        "{name}: {table}.{dep}"
                    );
                }
            }
        }
    }
}

#[test]
fn packages_carry_sources_and_documents_only() {
    // `cargo package --list` reads the manifests and git's view of the tree; it builds
    // nothing, so it runs beside the `cargo test` that runs this.
    let out = Command::new(env!("CARGO"))
        .args([
            "package",
            "--workspace",
            "--list",
            "--locked",
            "--offline",
            "--allow-dirty",
        ])
        .current_dir(ROOT)
        .output()
        .expect("cargo package --list");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = String::from_utf8(out.stdout).unwrap();
    let always = [
        ".cargo_vcs_info.json",
        "Cargo.lock",
        "Cargo.toml",
        "Cargo.toml.orig",
        "README.md",
    ];
    let root_documents = ["CHANGELOG.md", "LICENSE-APACHE", "LICENSE-MIT"];
    let mut files = 0;
    for line in listed.lines() {
        // Each package's list is its files, relative to the package; with --workspace, the
        // lists follow one another.
        files += 1;
        let allowed = always.contains(&line)
            || root_documents.contains(&line)
            || (line.starts_with("src/") && line.ends_with(".rs"))
            || line == "build.rs"
            || line == "src/ci/workflow.yml"
            || line == "src/ci/replay-workflow.yml"
            || line == "src/supabase.sql";
        assert!(allowed, "{line} would be published");
    }
    assert!(files > 100, "{listed}");
    for needed in [
        "src/main.rs",
        "src/lib.rs",
        "build.rs",
        "src/ci/workflow.yml",
        "src/ci/replay-workflow.yml",
        "src/supabase.sql",
        "LICENSE-MIT",
    ] {
        assert!(listed.lines().any(|l| l == needed), "{needed} not packaged");
    }
}
