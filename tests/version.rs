//! One version everywhere: the root Cargo.toml's `[workspace.package] version` is the single
//! source, and everything that names sqlgate's version must name that one: the binary's
//! `--version`, the crates, the wheel (pyproject.toml leaves the version to maturin, which
//! reads Cargo.toml), what `sqlgate init` writes (the pre-commit hook's `sqlgate==<version>` or
//! `rev: v<version>`, the workflow's `sqlgate/sqlgate@v<major>`), the examples in the README
//! and `.pre-commit-hooks.yaml`, and a `## [<version>]` section in CHANGELOG.md.
//!
//! Bumping the version is one edit in Cargo.toml (and the `=` requirements on our crates
//! next to it, which cargo enforces) plus the changelog; a test here names whatever else
//! still says the old one.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{git, sqlgate};
use regex::Regex;

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn read(relative: &str) -> String {
    std::fs::read_to_string(Path::new(MANIFEST_DIR).join(relative))
        .unwrap_or_else(|e| panic!("{relative}: {e}"))
}

fn toml_file(relative: &str) -> toml::Table {
    read(relative)
        .parse()
        .unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// The version as PyPI spells it (maturin's wheel and sdist names, `sqlgate==`).
fn pep440() -> String {
    sqlgate::config::precommit::pep440(VERSION)
}

fn major() -> &'static str {
    VERSION.split('.').next().unwrap()
}

/// The root Cargo.toml's `[workspace.package] version`.
fn workspace_version() -> String {
    let cargo = toml_file("Cargo.toml");
    cargo["workspace"]["package"]["version"]
        .as_str()
        .expect("[workspace.package] version in Cargo.toml")
        .to_string()
}

#[test]
fn every_crate_takes_the_workspace_version() {
    let version = workspace_version();
    assert_eq!(VERSION, version, "the sqlgate package's version");
    let mut manifests = vec![PathBuf::from("Cargo.toml")];
    for entry in std::fs::read_dir(Path::new(MANIFEST_DIR).join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        if dir.join("Cargo.toml").is_file() {
            manifests.push(dir.strip_prefix(MANIFEST_DIR).unwrap().join("Cargo.toml"));
        }
    }
    for manifest in &manifests {
        let manifest = manifest.to_str().unwrap();
        let package = &toml_file(manifest)["package"];
        assert_eq!(
            package["version"]
                .get("workspace")
                .and_then(|v| v.as_bool()),
            Some(true),
            "{manifest}: `version.workspace = true`, so the root Cargo.toml is the only place \
             that names the version"
        );
    }
    // The `=` requirements on our crates (what crates.io resolves) name the same version.
    let cargo = toml_file("Cargo.toml");
    let dependencies = cargo["workspace"]["dependencies"].as_table().unwrap();
    for (name, spec) in dependencies
        .iter()
        .filter(|(n, _)| n.starts_with("sqlgate_"))
    {
        if let Some(requirement) = spec.get("version").and_then(|v| v.as_str()) {
            assert_eq!(
                requirement,
                format!("={version}"),
                "[workspace.dependencies] {name}"
            );
        }
    }
}

#[test]
fn the_binary_prints_the_cargo_version() {
    let out = sqlgate(Path::new(MANIFEST_DIR))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("sqlgate {}\n", workspace_version())
    );
}

#[test]
fn pyproject_takes_the_version_from_cargo() {
    let pyproject = toml_file("pyproject.toml");
    let project = pyproject["project"].as_table().expect("[project]");
    assert_eq!(project["name"].as_str(), Some("sqlgate"));
    assert!(
        !project.contains_key("version"),
        "pyproject.toml must not name a version: maturin takes it from Cargo.toml"
    );
    let dynamic: Vec<&str> = project["dynamic"]
        .as_array()
        .expect("[project] dynamic")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(dynamic.contains(&"version"), "dynamic = {dynamic:?}");
    assert_eq!(
        pyproject["build-system"]["build-backend"].as_str(),
        Some("maturin")
    );
    assert_eq!(
        pyproject["tool"]["maturin"]["bindings"].as_str(),
        Some("bin")
    );
    // scripts/install-maturin.sh's pinned maturin is within what pyproject.toml requires.
    let requires = pyproject["build-system"]["requires"].as_array().unwrap();
    assert_eq!(requires.len(), 1, "{requires:?}");
    let script = read("scripts/install-maturin.sh");
    let pinned = Regex::new(r#"(?m)^version="(\d+)\.(\d+)\.\d+"$"#)
        .unwrap()
        .captures(&script)
        .expect("version=\"X.Y.Z\" in scripts/install-maturin.sh");
    let (pinned_major, pinned_minor): (u32, u32) =
        (pinned[1].parse().unwrap(), pinned[2].parse().unwrap());
    assert_eq!(requires[0].as_str(), Some("maturin>=1.5,<2"));
    assert!(pinned_major == 1 && pinned_minor >= 5, "{}", &pinned[0]);
}

/// What maturin makes of the checkout: an sdist (no compilation, a second or two) whose name
/// and metadata carry the Cargo version, and which holds the build's inputs only.
#[test]
fn maturin_gives_the_python_package_the_cargo_version() {
    let out = Command::new(Path::new(MANIFEST_DIR).join("scripts/install-maturin.sh"))
        .output()
        .expect("run scripts/install-maturin.sh");
    assert!(
        out.status.success(),
        "scripts/install-maturin.sh failed (it needs python3 with venv and pip, and PyPI):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let maturin = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let dist = tempfile::tempdir().unwrap();
    let out = Command::new(&maturin)
        .current_dir(MANIFEST_DIR)
        .arg("sdist")
        .arg("--out")
        .arg(dist.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "maturin sdist failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let name = format!("sqlgate-{}", pep440());
    let sdist = dist.path().join(format!("{name}.tar.gz"));
    assert!(
        sdist.is_file(),
        "expected {}; maturin wrote {:?}",
        sdist.display(),
        std::fs::read_dir(dist.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect::<Vec<_>>()
    );
    let listing = Command::new("tar").arg("tzf").arg(&sdist).output().unwrap();
    assert!(listing.status.success());
    let files: Vec<String> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .map(|line| {
            line.strip_prefix(&format!("{name}/"))
                .unwrap_or(line)
                .to_string()
        })
        .collect();
    let pkg_info = Command::new("tar")
        .arg("xzOf")
        .arg(&sdist)
        .arg(format!("{name}/PKG-INFO"))
        .output()
        .unwrap();
    let pkg_info = String::from_utf8_lossy(&pkg_info.stdout);
    assert!(
        pkg_info
            .lines()
            .any(|l| l == format!("Version: {}", pep440())),
        "{pkg_info}"
    );
    // What pip needs to build the wheel where none fits, and nothing else: no fixtures,
    // tests, corpus ledger, docs tree or fuzzer.
    for needed in [
        "pyproject.toml",
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "src/main.rs",
        "crates/sqlgate_github/src/ci/workflow.yml",
    ] {
        assert!(
            files.iter().any(|f| f == needed),
            "{needed} missing: {files:#?}"
        );
    }
    for file in &files {
        assert!(
            ![
                "fixtures/",
                "tests/",
                "precision/",
                "docs/",
                "fuzz/",
                "target/",
                ".github/"
            ]
            .iter()
            .any(|bulk| file.starts_with(bulk) || file.contains(&format!("/{bulk}"))),
            "the sdist should not carry {file}"
        );
    }
}

fn empty_repo() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    git(repo.path(), &["init", "-q"]);
    repo
}

fn init(args: &[&str]) -> tempfile::TempDir {
    let repo = empty_repo();
    let out = sqlgate(repo.path())
        .arg("init")
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "init {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    repo
}

fn pre_commit_config(repo: &Path) -> String {
    std::fs::read_to_string(repo.join(".pre-commit-config.yaml")).unwrap()
}

#[test]
fn init_writes_the_cargo_version() {
    let wheel = pre_commit_config(init(&["--pre-commit"]).path());
    assert!(
        wheel.contains(&format!(
            "        additional_dependencies: [\"sqlgate=={}\"]\n",
            pep440()
        )),
        "{wheel}"
    );
    let source = pre_commit_config(init(&["--pre-commit-from-source"]).path());
    assert!(
        source.contains(&format!("    rev: v{VERSION}\n")),
        "{source}"
    );
    let repo = init(&["--github"]);
    let workflow =
        std::fs::read_to_string(repo.path().join(".github/workflows/sqlgate.yml")).unwrap();
    let uses: Vec<&str> = workflow
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- uses: sqlgate/sqlgate@"))
        .collect();
    assert_eq!(
        uses,
        [format!("v{}", major())],
        "the workflow names the action by the moving tag of this major version"
    );
}

/// Every place in `text` that names a sqlgate version, with the version it names and the one
/// it should.
fn named_versions(text: &str) -> Vec<(String, String, String)> {
    let version = r"\d+\.\d+\.\d+(?:-(?:alpha|beta|rc)\.\d+)?";
    let checks = [
        // pip: the pre-commit hook's additional_dependencies, `pip install sqlgate==...`.
        (r"sqlgate==(\d[0-9A-Za-z.]*)".to_string(), pep440()),
        // The hook of this repository in a .pre-commit-config.yaml.
        (format!(r"rev: v({version})"), VERSION.to_string()),
        // Release archives and the checksums file.
        (format!(r"sqlgate-v({version})-"), VERSION.to_string()),
        // The action in a workflow: the moving major tag.
        (
            r"uses: sqlgate/sqlgate@v([0-9][0-9.]*)".to_string(),
            major().to_string(),
        ),
    ];
    let mut found = Vec::new();
    for (pattern, expected) in checks {
        for captures in Regex::new(&pattern).unwrap().captures_iter(text) {
            let named = captures[1].trim_end_matches('.').to_string();
            // The action may also be pinned to the full version.
            let ok = named == expected || (pattern.starts_with("uses:") && named == VERSION);
            found.push((
                captures[0].to_string(),
                named,
                if ok { "ok".into() } else { expected.clone() },
            ));
        }
    }
    found
}

#[test]
fn the_documents_name_the_cargo_version() {
    let mut wrong = Vec::new();
    let mut named = 0;
    for document in ["README.md", ".pre-commit-hooks.yaml", "action.yml"] {
        for (text, _, expected) in named_versions(&read(document)) {
            named += 1;
            if expected != "ok" {
                wrong.push(format!("{document}: `{text}` should name {expected}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "Cargo.toml's version is {VERSION}:\n{}",
        wrong.join("\n")
    );
    // The README shows the hook, the action and the archives: the check has something to check.
    assert!(named >= 5, "only {named} versions found");
}

#[test]
fn the_version_check_finds_a_stale_version() {
    let stale = "additional_dependencies: [\"sqlgate==0.0.9\"]\n    rev: v0.0.9\n\
                 sqlgate-v0.0.9-checksums.txt\n      - uses: sqlgate/sqlgate@v9\n\
                 pin `sqlgate==` here; `@v1.2.3` in prose is not a workflow\n";
    let found = named_versions(stale);
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(
        found.iter().all(|(_, _, expected)| expected != "ok"),
        "{found:?}"
    );
    let current = format!(
        "[\"sqlgate=={}\"] rev: v{VERSION} sqlgate-v{VERSION}-x.tar.gz uses: sqlgate/sqlgate@v{}",
        pep440(),
        major()
    );
    assert!(named_versions(&current)
        .iter()
        .all(|(_, _, expected)| expected == "ok"));
}

#[test]
fn the_readme_shows_what_init_pre_commit_writes() {
    let written = pre_commit_config(init(&["--pre-commit"]).path());
    let readme = read("README.md");
    assert!(
        readme.contains(&format!("```yaml\n{written}```\n")),
        "README.md's Pre-commit section must show what `sqlgate init --pre-commit` writes:\n{written}"
    );
}

#[test]
fn the_changelog_has_a_section_for_the_version() {
    let changelog = read("CHANGELOG.md");
    let heading = format!("## [{VERSION}]");
    assert!(
        changelog
            .lines()
            .any(|line| line == heading || line.starts_with(&format!("{heading} - "))),
        "CHANGELOG.md has no `{heading}` section (the release notes come from it)"
    );
}

/// A local hook has no definition to take the pattern from: the one init writes is the one
/// of `.pre-commit-hooks.yaml`.
#[test]
fn the_hook_files_pattern_is_the_same_in_both_forms() {
    let hooks: serde_yaml::Value = serde_yaml::from_str(&read(".pre-commit-hooks.yaml")).unwrap();
    assert_eq!(
        hooks[0]["files"].as_str(),
        Some(sqlgate::config::precommit::HOOK_FILES)
    );
    assert_eq!(
        hooks[0]["entry"].as_str(),
        Some(sqlgate::config::precommit::HOOK_ENTRY)
    );
    let repo = init(&["--pre-commit"]);
    let config: serde_yaml::Value = serde_yaml::from_str(&pre_commit_config(repo.path())).unwrap();
    let local = &config["repos"][0]["hooks"][0];
    for key in [
        "id",
        "name",
        "entry",
        "files",
        "pass_filenames",
        "require_serial",
    ] {
        assert_eq!(local[key], hooks[0][key], "{key}");
    }
}
