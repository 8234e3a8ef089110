//! action.yml read as the runner reads it, its run steps run as the runner runs them, and
//! the workflow template's SARIF option.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_yaml::Value;

use super::support::{release, text, version_of, Server};
use super::{common, ROOT, TARGET, VERSION};

fn action() -> Value {
    serde_yaml::from_str(&std::fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap())
        .unwrap()
}

fn steps(action: &Value) -> Vec<Value> {
    action["runs"]["steps"].as_sequence().unwrap().clone()
}

fn step(action: &Value, id: &str) -> Value {
    steps(action)
        .into_iter()
        .find(|s| s["id"].as_str() == Some(id) || s["name"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("action.yml has no step {id}"))
}

/// Runs a `run:` step as the runner does (`bash --noprofile --norc -eo pipefail FILE`), its
/// `env:` resolved from `context` (`${{ github.action_path }}`, `${{ steps.plan.outputs.x }}`,
/// ...; an expression not in it fails the test), plus `extra` variables from the job. Returns
/// the run and what it wrote to GITHUB_OUTPUT.
fn run_step(
    step: &Value,
    context: &HashMap<String, String>,
    extra: &[(&str, &str)],
) -> (Output, HashMap<String, String>) {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("step.sh");
    std::fs::write(&script, step["run"].as_str().expect("a run: step")).unwrap();
    let outputs = dir.path().join("outputs");
    std::fs::write(&outputs, "").unwrap();
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&script)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TMPDIR", dir.path())
        .env("GITHUB_OUTPUT", &outputs)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64");
    for (key, value) in extra {
        cmd.env(key, value);
    }
    if let Some(env) = step["env"].as_mapping() {
        for (key, value) in env {
            let value = value.as_str().unwrap();
            let resolved = match value.strip_prefix("${{").and_then(|v| v.strip_suffix("}}")) {
                Some(expr) => context
                    .get(expr.trim())
                    .unwrap_or_else(|| panic!("no value for {value} in {context:?}"))
                    .clone(),
                None => value.to_string(),
            };
            cmd.env(key.as_str().unwrap(), resolved);
        }
    }
    let out = cmd.output().unwrap();
    let written = std::fs::read_to_string(&outputs).unwrap();
    let parsed = written
        .lines()
        .map(|l| {
            let (k, v) = l
                .split_once('=')
                .unwrap_or_else(|| panic!("not key=value: {l}"));
            (k.to_string(), v.to_string())
        })
        .collect();
    (out, parsed)
}

fn context(action_path: &Path, action_ref: &str) -> HashMap<String, String> {
    HashMap::from([
        (
            "github.action_path".to_string(),
            action_path.to_str().unwrap().to_string(),
        ),
        ("github.action_ref".to_string(), action_ref.to_string()),
    ])
}

/// The plan step with `action_ref` on `RUNNER_OS/RUNNER_ARCH` (Linux X64 unless `extra`
/// says otherwise), in this checkout.
fn plan(action_ref: &str, extra: &[(&str, &str)]) -> HashMap<String, String> {
    let action = action();
    let (out, outputs) = run_step(
        &step(&action, "plan"),
        &context(Path::new(ROOT), action_ref),
        extra,
    );
    assert!(out.status.success(), "{action_ref}: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let notice = match outputs["mode"].as_str() {
        "release" => "::notice title=sqlgate::installing the sqlgate",
        _ => "::notice title=sqlgate::building sqlgate from source",
    };
    assert!(stdout.contains(notice), "{action_ref}: {stdout}");
    outputs
}

#[test]
fn the_action_installs_for_release_refs_and_builds_for_any_other() {
    let action = action();
    // Statically: the install step runs only in release mode, the build only in build mode.
    let install = step(&action, "Install the sqlgate release binary");
    assert_eq!(
        install["if"].as_str(),
        Some("steps.plan.outputs.mode == 'release'")
    );
    assert!(install["run"]
        .as_str()
        .unwrap()
        .contains("bash scripts/install-sqlgate.sh"));
    let build = step(&action, "Build sqlgate");
    assert_eq!(
        build["if"].as_str(),
        Some("steps.plan.outputs.mode == 'build' && steps.cache.outputs.cache-hit != 'true'")
    );
    for s in steps(&action) {
        let run = s["run"].as_str().unwrap_or("");
        assert_eq!(
            run.contains("cargo "),
            s == build,
            "only the build step runs cargo: {s:?}"
        );
        assert_eq!(
            run.contains("install-sqlgate.sh\n") || run.ends_with("install-sqlgate.sh"),
            s == install,
            "only the install step installs: {s:?}"
        );
        // Both work in the action's own directory, never in the workspace.
        if s == build || s == install {
            assert!(run.contains("cd \"$ACTION_PATH\"\n"), "{s:?}");
            assert!(s.get("working-directory").is_none(), "{s:?}");
        }
    }
    let cache = step(&action, "cache");
    assert_eq!(cache["uses"].as_str(), Some("actions/cache@v4"));
    assert_eq!(
        cache["with"]["key"].as_str(),
        Some("${{ steps.plan.outputs.key }}")
    );
    let sqlgate = step(&action, "sqlgate");
    assert_eq!(
        sqlgate["env"]["BINARY"].as_str(),
        Some("${{ steps.plan.outputs.bin }}")
    );
    assert_eq!(sqlgate["run"].as_str(), Some("\"$BINARY\" ci\n"));

    // Dynamically: the plan step's choice for each kind of ref.
    let parts: Vec<u64> = VERSION
        .split(['.', '-'])
        .take(3)
        .map(|p| p.parse().unwrap())
        .collect();
    let (major, minor, patch) = (parts[0], parts[1], parts[2]);
    let prerelease = VERSION.contains('-');
    let key = format!("sqlgate-release-v{VERSION}-{TARGET}");
    let exact = plan(&format!("v{VERSION}"), &[]);
    assert_eq!(exact["mode"], "release");
    assert_eq!(exact["version"], VERSION);
    assert_eq!(exact["target"], TARGET);
    assert_eq!(exact["key"], key);
    assert_eq!(exact["bin"], format!("{ROOT}/bin/sqlgate"));
    assert_eq!(exact["cache-path"], format!("{ROOT}/release"));
    // A moving tag is the version in the action's Cargo.toml, when it is of that series.
    for moving in [format!("v{major}"), format!("v{major}.{minor}")] {
        let chosen = plan(&moving, &[]);
        if prerelease {
            assert_eq!(chosen["mode"], "build", "{moving}");
        } else {
            assert_eq!(chosen["mode"], "release", "{moving}");
            assert_eq!(chosen["version"], VERSION, "{moving}");
            assert_eq!(chosen["key"], key, "{moving}");
        }
    }
    let builds = [
        String::new(),
        "main".to_string(),
        "v1-beta".to_string(),
        "release/v1".to_string(),
        "0123456789abcdef0123456789abcdef01234567".to_string(),
        format!("v{}", major + 1),
        format!("v{major}.{}", minor + 1),
        format!("v{major}.{minor}.{}", patch + 1),
        VERSION.to_string(),
        format!("v{VERSION}.1"),
    ];
    for action_ref in &builds {
        let chosen = plan(action_ref, &[]);
        assert_eq!(chosen["mode"], "build", "{action_ref:?}");
        assert_eq!(chosen["bin"], format!("{ROOT}/target/release/sqlgate"));
        assert_eq!(chosen["cache-path"], chosen["bin"]);
        assert!(
            chosen["key"].starts_with("sqlgate-Linux-X64-"),
            "{chosen:?}"
        );
        assert!(!chosen.contains_key("version"), "{chosen:?}");
    }
    // A release ref on a runner no release is built for builds, saying why.
    let (out, chosen) = run_step(
        &step(&action, "plan"),
        &context(Path::new(ROOT), &format!("v{VERSION}")),
        &[("RUNNER_OS", "Linux"), ("RUNNER_ARCH", "ARM")],
    );
    assert_eq!(chosen["mode"], "build");
    assert!(
        text(&out.stdout).contains("no sqlgate release binary for Linux ARM"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn the_actions_install_step_installs_the_release_into_the_actions_directory() {
    let asset = release();
    let server = Server::release(
        VERSION,
        &asset.name,
        Some(asset.archive.clone()),
        Some(asset.sha256.clone()),
    );
    // A copy of what the action's checkout holds that the release path reads.
    let action_dir = tempfile::tempdir().unwrap();
    let action_path = action_dir.path();
    std::fs::copy(
        Path::new(ROOT).join("Cargo.toml"),
        action_path.join("Cargo.toml"),
    )
    .unwrap();
    std::fs::create_dir(action_path.join("scripts")).unwrap();
    std::fs::copy(
        Path::new(ROOT).join("scripts/install-sqlgate.sh"),
        action_path.join("scripts/install-sqlgate.sh"),
    )
    .unwrap();

    let action = action();
    let mut context = context(action_path, &format!("v{VERSION}"));
    let (out, outputs) = run_step(&step(&action, "plan"), &context, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(outputs["mode"], "release");
    for (key, value) in &outputs {
        context.insert(format!("steps.plan.outputs.{key}"), value.clone());
    }
    let install = step(&action, "Install the sqlgate release binary");
    let job = [("SQLGATE_RELEASE_BASE_URL", server.base.as_str())];
    let (out, _) = run_step(&install, &context, &job);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bin = PathBuf::from(&outputs["bin"]);
    assert_eq!(text(&out.stdout), format!("{}\n", bin.display()));
    assert_eq!(version_of(&bin), format!("sqlgate {VERSION}"));
    // The archive is where the cache step saves it from.
    assert!(Path::new(&outputs["cache-path"])
        .join(&asset.name)
        .is_file());
    // The next run restores it from the cache: only the .sha256 is downloaded.
    std::fs::remove_dir_all(action_path.join("bin")).unwrap();
    let (out, _) = run_step(&install, &context, &job);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(server.requests().len(), 3, "{:?}", server.requests());
    assert_eq!(version_of(&bin), format!("sqlgate {VERSION}"));
}

/// What `sqlgate` writes to GITHUB_OUTPUT: the report's keys (`check --format github`
/// writes them as `ci` does) and `ci`'s `sarif-file`.
fn written_outputs() -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "sql/001_init.sql", "CREATE TABLE t (id int);\n");
    let outputs = dir.path().join("outputs.txt");
    let out = common::sqlgate(dir.path())
        .env("GITHUB_OUTPUT", &outputs)
        .args(["check", "sql", "--format", "github"])
        .output()
        .unwrap();
    assert!(out.status.code().is_some(), "{}", text(&out.stderr));
    let mut keys: Vec<String> = std::fs::read_to_string(&outputs)
        .unwrap()
        .lines()
        .map(|l| l.split_once('=').unwrap().0.to_string())
        .collect();
    let ci = std::fs::read_to_string(Path::new(ROOT).join("src/cli/ci.rs")).unwrap();
    assert!(
        ci.contains("\"sarif-file\","),
        "sqlgate ci no longer writes sarif-file?"
    );
    keys.push("sarif-file".to_string());
    keys.sort();
    keys
}

#[test]
fn the_action_and_the_readme_declare_every_output_sqlgate_writes() {
    let written = written_outputs();
    assert!(written.len() >= 9, "{written:?}");
    // A composite action drops a step output it does not declare.
    let action = action();
    let outputs = action["outputs"].as_mapping().unwrap();
    let mut declared = Vec::new();
    for (name, spec) in outputs {
        let name = name.as_str().unwrap();
        assert_eq!(
            spec["value"].as_str(),
            Some(format!("${{{{ steps.sqlgate.outputs.{name} }}}}").as_str())
        );
        assert!(
            !spec["description"].as_str().unwrap_or("").is_empty(),
            "{name}"
        );
        declared.push(name.to_string());
    }
    declared.sort();
    assert_eq!(declared, written, "action.yml's outputs");

    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let table = readme
        .split("| output | what it holds |\n|---|---|\n")
        .nth(1)
        .expect("README.md's GitHub Action section has an output table");
    let mut listed: Vec<String> = table
        .lines()
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.split('`').nth(1).unwrap().to_string())
        .collect();
    listed.sort();
    assert_eq!(listed, written, "README.md's output table");
}

// ---------------------------------------------------------------------------------------
#[test]
fn the_scripts_parse_and_pass_shellcheck_when_it_is_installed() {
    let mut scripts: Vec<(String, String)> =
        ["scripts/install-sqlgate.sh", "scripts/release/package.sh"]
            .iter()
            .map(|p| {
                (
                    p.to_string(),
                    std::fs::read_to_string(Path::new(ROOT).join(p)).unwrap(),
                )
            })
            .collect();
    // The action's own scripts, as the runner writes them (`bash -e -o pipefail FILE`).
    for step in steps(&action()) {
        if let Some(run) = step["run"].as_str() {
            let name = format!("action.yml step {:?}", step["name"].as_str().unwrap_or(""));
            scripts.push((name, format!("#!/usr/bin/env bash\n{run}")));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let shellcheck = Command::new("shellcheck").arg("--version").output().is_ok();
    if !shellcheck {
        eprintln!("shellcheck is not installed: only `bash -n` checks the scripts");
    }
    for (i, (name, script)) in scripts.iter().enumerate() {
        let file = dir.path().join(format!("{i}.sh"));
        std::fs::write(&file, script).unwrap();
        let out = Command::new("bash").arg("-n").arg(&file).output().unwrap();
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        if shellcheck {
            let out = Command::new("shellcheck").arg(&file).output().unwrap();
            assert!(out.status.success(), "{name}:\n{}", text(&out.stdout));
        }
    }
}

// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// The workflow template's SARIF option.

/// The template with its SARIF lines uncommented: `sarif-file`, the `security-events`
/// permission and the upload step.
fn sarif_enabled(template: &str) -> String {
    let mut out = String::new();
    let mut in_step = false;
    for line in template.lines() {
        let indent = line.len() - line.trim_start().len();
        let body = line.trim_start();
        let uncomment = match body.strip_prefix("# ") {
            Some(rest) if rest.starts_with("- uses: github/codeql-action/upload-sarif@") => {
                in_step = true;
                true
            }
            Some(rest) if in_step && rest.starts_with("  ") => true,
            Some(rest) => {
                in_step = false;
                rest.starts_with("security-events: write") || rest.starts_with("sarif-file: ")
            }
            None => {
                in_step = false;
                false
            }
        };
        if uncomment {
            out.push_str(&" ".repeat(indent));
            out.push_str(&body[2..]);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

#[test]
fn the_templates_commented_sarif_option_is_complete() {
    let template = sqlgate::github::ci::WORKFLOW;
    let off: Value = serde_yaml::from_str(template).unwrap();
    assert!(off["permissions"].get("security-events").is_none());
    let on_text = sarif_enabled(template);
    assert_ne!(on_text, template);
    let on: Value = serde_yaml::from_str(&on_text).unwrap();
    assert_eq!(on["permissions"]["security-events"].as_str(), Some("write"));
    let steps = on["jobs"]["sqlgate"]["steps"].as_sequence().unwrap();
    assert_eq!(steps.len(), 3, "{on_text}");
    let gate = &steps[1];
    assert_eq!(gate["id"].as_str(), Some("sqlgate"));
    assert_eq!(gate["with"]["sarif-file"].as_str(), Some("sqlgate.sarif"));
    let upload = &steps[2];
    assert!(upload["uses"]
        .as_str()
        .unwrap()
        .starts_with("github/codeql-action/upload-sarif@"));
    assert!(upload.get("run").is_none());
    // After a blocked gate too (the sqlgate step fails then), never when cancelled.
    assert_eq!(
        upload["if"].as_str(),
        Some("${{ !cancelled() && steps.sqlgate.outputs.sarif-file != '' }}")
    );
    assert_eq!(
        upload["with"]["sarif_file"].as_str(),
        Some("${{ steps.sqlgate.outputs.sarif-file }}")
    );
    // Filed under the pull request's head, not the base branch (GITHUB_REF under
    // pull_request_target).
    assert_eq!(
        upload["with"]["ref"].as_str(),
        Some("refs/pull/${{ github.event.pull_request.number }}/head")
    );
    assert_eq!(
        upload["with"]["sha"].as_str(),
        Some("${{ github.event.pull_request.head.sha }}")
    );
}
