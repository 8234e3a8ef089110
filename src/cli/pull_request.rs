//! What `ci` and `gate` share: lint what a pull request changes, from the repository root,
//! and evaluate the gate on the result.

use std::path::{Path, PathBuf};

use super::args::{CheckArgs, CommonArgs, ReplayArgs};
use super::config::{apply_overrides, check_paths, discover_options, explicit_config};
use super::output::Failure;
use sqlgate_config::Config;
use sqlgate_discover::discover;
use sqlgate_discover::git::short_sha;
use sqlgate_lint::engine::{self, ChangeFilter, CheckOutput};
use sqlgate_lint::plan::ConfigRules;
use sqlgate_report::{self as report};

/// A pull request's changed migrations, checked from the repository root with the older
/// ones feeding the catalog.
pub(super) struct PullRequestLint {
    pub(super) root: PathBuf,
    pub(super) config: Config,
    pub(super) output: CheckOutput,
    /// Workflow commands to print before the annotations (the pull_request_target notice).
    pub(super) notices: String,
    /// Every path the pull request adds, changes or deletes, with its git status.
    pub(super) changed: Vec<(char, String)>,
}

/// Lints what the pull request changes: git diff from the event's base to the checked-out
/// head (which must contain the event's head), the policy from the base commit under
/// pull_request_target. Changes the current directory to the repository root, so paths
/// are repository-relative as GitHub wants them.
pub(super) fn lint_pull_request(
    event: &sqlgate_github::ci::PullRequestEvent,
    paths: Vec<PathBuf>,
    common: &CommonArgs,
    replay: Option<&ReplayArgs>,
    cwd: &Path,
) -> Result<PullRequestLint, Failure> {
    use sqlgate_github::ci::EventKind;

    let replay = replay.filter(|r| r.replay);
    // Replay executes the pull request's SQL on a server it is superuser of: code from the
    // pull request. Only where the job holds nothing to steal: under pull_request, with the
    // pull request's own workflow and a token that cannot write to the base repository.
    if replay.is_some() && event.kind != EventKind::PullRequest {
        return Err(Failure(format!(
            "--replay runs the pull request's SQL, so it runs only under pull_request (a job \
             without write access or secrets), not under {}: replay in a job of its own (see \
             the README's \"Replay on PostgreSQL\")",
            event.kind.name()
        )));
    }

    let root = sqlgate_discover::git::repo_root(cwd).ok_or_else(|| {
        Failure(
            "run this in the pull request's git checkout (in GitHub Actions: add \
             `actions/checkout` with `fetch-depth: 0` before it)"
                .to_string(),
        )
    })?;
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let changes = sqlgate_discover::git::changes_since(&root, &event.base_sha)
        .map_err(|e| Failure(format!("the pull request's base commit: {e}")))?;
    let head_checked_out = sqlgate_discover::git::is_ancestor(&root, &event.head_sha, "HEAD")
        .map_err(|e| {
            Failure(format!(
                "the pull request's head: {e}: check out the pull request with `fetch-depth: 0` \
             (under pull_request_target: `ref: ${{{{ github.event.pull_request.head.sha }}}}`)"
            ))
        })?;
    if !head_checked_out {
        return Err(Failure(format!(
            "the checked-out commit does not contain the pull request's head {}: check out \
             the pull request (under pull_request_target: `ref: ${{{{ \
             github.event.pull_request.head.sha }}}}`) so its migrations are what is checked",
            event.head_sha
        )));
    }

    let check_args = CheckArgs {
        paths,
        stdin_filename: None,
        format: None,
        changed_since: None,
        staged: false,
        common: common.clone(),
        framework: None,
        dialect: None,
        rls: None,
        verbose: false,
        stats: false,
        replay: Default::default(),
    };
    let mut notices = String::new();
    // The policy that judges a pull request comes from its base, whatever the event: a pull
    // request that could relax `sqlgate.toml` next to its DROP would judge itself.
    let (config, config_file) = base_config(&root, cwd, &event.base_sha, &check_args)?;
    let source = config_file
        .clone()
        .unwrap_or_else(|| "no config file: defaults".to_string());
    if event.kind == EventKind::PullRequestTarget {
        notices.push_str(&format!(
            "::notice::{}\n",
            report::github::escape_data(&format!(
                "sqlgate: pull_request_target: the policy is read from the base commit {} ({source}); nothing from the pull request is executed",
                short_sha(&event.base_sha)
            ))
        ));
    }
    let config = apply_overrides(config, &check_args)?;
    let plan = config.rule_plan().map_err(|e| Failure(format!("{e}")))?;
    // GitHub places annotations by paths relative to the repository root: run from there.
    // Nothing outside the repository is the pull request's to check (or to read).
    let paths: Vec<PathBuf> = check_paths(&check_args.paths, &config, cwd, None)
        .iter()
        .map(|p| {
            repository_path(&root, cwd, p).ok_or_else(|| {
                Failure(format!(
                    "{} is outside the repository: name migration paths inside it",
                    p.display()
                ))
            })
        })
        .collect::<Result<_, _>>()?;
    std::env::set_current_dir(&root)
        .map_err(|e| Failure(format!("cannot change to {}: {e}", root.display())))?;
    // Each directory's framework is told from the files the pull request did not touch.
    let options = sqlgate_discover::DiscoverOptions {
        untrusted: changes.changed(),
        added: changes.added.clone(),
        ..discover_options(&config)
    };
    let discovery = discover(&paths, &options);
    let mut snapshot = sqlgate_lint::history::snapshot(&changes, &discovery.files)
        .map_err(|e| Failure(format!("reading the base commit: {e}")))?;
    let gate_files = sqlgate_discover::gate_files(
        &discovery,
        &snapshot.loaded_canonical,
        &changes,
        &paths,
        config_file.as_deref(),
    );
    // Messages name the base as people read it.
    snapshot.base = format!("the base commit {}", short_sha(&event.base_sha));
    let settings = config.settings();
    let filter = ChangeFilter::Files(changes.changed());
    let (replay, external) = match replay {
        Some(args) => {
            let (report, found) = super::replay::run_replay(
                args,
                config.replay_statement_timeout,
                &discovery,
                &filter,
                &settings,
            )?;
            (Some(report), found)
        }
        None => (None, Vec::new()),
    };
    let file_rules = |path: &Path| plan.file_rules(path);
    let options = engine::CheckOptions {
        rules: plan.rules.clone(),
        settings,
        file_rules: Some(&file_rules),
        gate_triggers: config.gate.trigger_codes.clone(),
        count_suppressed: config.gate.count_suppressed,
        history: Some(&snapshot),
        external,
    };
    let mut output = engine::check(discovery, &filter, &options);
    output.report.replay = replay;
    if let Some(replay) = &output.report.replay {
        eprintln!("{}", super::replay::summary(replay));
    }
    super::check::warn_not_replayed(&output);
    output.report.gate = output.report.gate.clone().with_files(gate_files);
    Ok(PullRequestLint {
        root,
        config,
        output,
        notices,
        changed: changes.paths,
    })
}

/// The gate's facts that come from the event and the checkout: author, head, body, now,
/// and what git says about the backup evidence: the manifests committed at the base commit
/// (the pull request's own never count), the backup workflows the pull request changes,
/// and when its head was committed.
pub(super) fn local_gate_facts(
    event: &sqlgate_github::ci::PullRequestEvent,
    lint: &PullRequestLint,
) -> sqlgate_gate::Facts {
    use sqlgate_gate::{time, Facts};
    use sqlgate_github::collect;

    let facts = Facts {
        author: event.author.clone(),
        head_sha: event.head_sha.clone(),
        body: event.body.clone(),
        now: time::now(),
        ..Facts::default()
    };
    // `gate.backup.manifest` is relative to the config file's directory.
    let prefix = lint
        .config
        .base
        .as_deref()
        .and_then(|base| base.strip_prefix(&lint.root).ok())
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default();
    collect::from_git(
        &lint.root,
        &event.base_sha,
        &event.head_sha,
        &lint.changed,
        &lint.config.gate,
        &prefix,
        facts,
    )
}

/// The lint's output with the gate evaluated on the facts `gather` collects, which it is
/// only asked for when a finding needs the gate; and the lint's notices.
pub(super) fn with_gate(
    lint: PullRequestLint,
    gather: impl FnOnce(&PullRequestLint) -> sqlgate_gate::Facts,
) -> (CheckOutput, String) {
    if !lint.output.report.gate.required {
        return (lint.output, lint.notices);
    }
    let facts = gather(&lint);
    let mut output = lint.output;
    output.report.gate = sqlgate_gate::evaluate(
        &output.report.findings,
        &output.report.gate.files,
        &lint.config.gate,
        &facts,
    );
    (output, lint.notices)
}

/// `path` (relative to `cwd` or absolute) relative to the repository `root` (canonical),
/// `.` for the root itself; `None` when outside the root.
///
/// Resolved lexically: `..` and `.` are applied to the text and no symbolic link inside the
/// repository is followed, because the pull request decides what those links point at (a
/// `policy` directory linked to a laxer one must not change which config is read). Only the
/// working directory itself is made canonical, to compare with `root`.
pub(super) fn repository_path(root: &Path, cwd: &Path, path: &Path) -> Option<PathBuf> {
    let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    let absolute = sqlgate_discover::lexical(&cwd.join(path));
    let relative = absolute.strip_prefix(root).ok()?;
    Some(if relative.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        relative.to_path_buf()
    })
}

/// The configuration as committed at `base` (the pull request must not be able to change
/// the policy that judges it), and the file it came from, relative to the root (`None`:
/// there is none, and the defaults apply).
pub(super) fn base_config(
    root: &Path,
    cwd: &Path,
    base: &str,
    args: &CheckArgs,
) -> Result<(Config, Option<String>), Failure> {
    let explicit = explicit_config(args);
    let candidates: Vec<(String, bool)> = match &explicit {
        Some((file, source)) => {
            let relative = repository_path(root, cwd, file).ok_or_else(|| {
                Failure(format!(
                    "config file {} (from {source}) is outside the repository: the policy \
                     is read from the pull request's base commit",
                    file.display()
                ))
            })?;
            // git names paths with `/`, whatever the platform.
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            vec![(parts.join("/"), true)]
        }
        None => sqlgate_config::FILE_NAMES
            .iter()
            .map(|n| (n.to_string(), false))
            .collect(),
    };
    for (relative, explicit) in candidates {
        let bytes = sqlgate_discover::git::file_at(root, base, &relative)
            .map_err(|e| Failure(format!("reading {relative} at the base commit: {e}")))?;
        match bytes {
            Some(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                let config = sqlgate_lint::plan::parse_config(&text, &root.join(&relative))
                    .map_err(|e| Failure(format!("{e} (as committed at {})", short_sha(base))))?;
                return Ok((config, Some(relative)));
            }
            None if explicit => {
                return Err(Failure(format!(
                    "config file {relative} does not exist at the base commit {}: the policy \
                     comes from the base branch, so merge the config there first",
                    short_sha(base)
                )))
            }
            None => {}
        }
    }
    Ok((Config::default(), None))
}
