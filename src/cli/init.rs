//! `sqlgate init`: write a commented `sqlgate.toml`, the GitHub workflow and the pre-commit
//! hook for the migrations found in the repository.

use std::path::{Path, PathBuf};

mod detect;
use super::output::{write_stdout, Failure};

/// What `sqlgate init` was asked to write.
pub(super) struct InitArgs {
    pub force: bool,
    pub github: bool,
    pub pre_commit: bool,
    /// The hook pre-commit builds from sqlgate's repository, not the PyPI wheel.
    pub pre_commit_from_source: bool,
    /// Pin the directories found in `paths` instead of discovering at every run.
    pub paths: bool,
    /// Also write the advisory replay workflow (implies `github`).
    pub replay: bool,
}

pub(super) fn run_init(args: InitArgs) -> Result<u8, Failure> {
    let InitArgs {
        force,
        github,
        pre_commit,
        pre_commit_from_source,
        paths: pin_paths,
        replay,
    } = args;
    let github = github || replay;
    let cwd = std::env::current_dir()
        .map_err(|e| Failure(format!("cannot read the current directory: {e}")))?;
    let root = sqlgate_discover::git::repo_root(&cwd).unwrap_or(cwd);
    // `symlink_metadata`, not `exists`: a link counts as there even when it dangles (writing
    // "a new file" through a dangling link would create its target).
    let existing_config = sqlgate_config::FILE_NAMES
        .iter()
        .map(|name| root.join(name))
        .find(|p| is_there(p));
    let workflow = root.join(sqlgate_github::ci::WORKFLOW_PATH);
    // --force overwrites only what the flags ask for: the config when `init` runs without
    // --github and --pre-commit, the workflow with --github. Refreshing the workflow must
    // not reset the team's policy in sqlgate.toml.
    let config_only = !github && !pre_commit;
    if github && is_there(&workflow) && !force {
        return Err(Failure(format!(
            "{} already exists: edit it, or run `sqlgate init --github --force` to overwrite it",
            workflow.display()
        )));
    }
    let replay_workflow = root.join(sqlgate_github::ci::REPLAY_WORKFLOW_PATH);
    if replay && is_there(&replay_workflow) && !force {
        return Err(Failure(format!(
            "{} already exists: edit it, or run `sqlgate init --replay --force` to overwrite it",
            replay_workflow.display()
        )));
    }
    if let (Some(existing), true, false) = (&existing_config, config_only, force) {
        return Err(Failure(format!(
            "{} already exists: edit it, or run `sqlgate init --force` to overwrite it",
            existing.display()
        )));
    }
    let config = match &existing_config {
        Some(existing) if !config_only => ConfigFile::Keep(existing.clone()),
        _ => ConfigFile::Write(root.join(sqlgate_config::FILE_NAMES[0])),
    };
    // Every link is refused before anything is written or read: the run writes all of its
    // files or none.
    if let ConfigFile::Write(file) = &config {
        refuse_links(&root, file)?;
    }
    if github {
        refuse_links(&root, &workflow)?;
    }
    if replay {
        refuse_links(&root, &replay_workflow)?;
    }
    if pre_commit {
        refuse_links(&root, &root.join(sqlgate_config::precommit::FILE_NAME))?;
    }
    let detected = detect::detect(&root);
    // Decided before anything is written: a file sqlgate cannot edit stops the whole run.
    let hook = if pre_commit {
        let source = if pre_commit_from_source {
            sqlgate_config::precommit::HookSource::Source
        } else {
            sqlgate_config::precommit::HookSource::Wheel
        };
        Some(pre_commit_edit(&root, &detected, source, pin_paths)?)
    } else {
        None
    };
    let mut said = String::new();
    match config {
        ConfigFile::Keep(existing) if force => said.push_str(&format!(
            "kept {}: with --github or --pre-commit, --force overwrites only the files those \
             flags write; run `sqlgate init --force` alone to rewrite it\n",
            existing.display()
        )),
        ConfigFile::Keep(existing) => said.push_str(&format!("kept {}\n", existing.display())),
        ConfigFile::Write(file) => {
            write_file(&root, &file, &detect::render(&detected, pin_paths))?;
            let how = match (detected.paths.is_empty(), pin_paths) {
                (true, _) => "",
                (false, true) => {
                    " (`paths` lists these directories: only they are checked; add new ones there)"
                }
                (false, false) => {
                    " (`paths` is left commented: every run discovers the migrations, new \
                     directories included; `sqlgate init --paths` pins them)"
                }
            };
            said.push_str(&format!(
                "{}\nwrote {}{how}\n",
                detect::summary(&detected),
                file.display()
            ));
        }
    }
    if github {
        if let Some(parent) = workflow.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Failure(format!("cannot create {}: {e}", parent.display())))?;
        }
        write_file(&root, &workflow, sqlgate_github::ci::WORKFLOW)?;
        said.push_str(&format!(
            "wrote {}: commit it to the default branch (it runs on pull_request_target, so \
             the base's copy is what runs), then make its `sqlgate` job a required status check \
             (branch protection or a ruleset, source GitHub Actions)\n",
            workflow.display()
        ));
    }
    if replay {
        let text = sqlgate_github::ci::REPLAY_WORKFLOW.replace(
            "{version}",
            &sqlgate_config::precommit::pep440(env!("CARGO_PKG_VERSION")),
        );
        write_file(&root, &replay_workflow, &text)?;
        said.push_str(&format!(
            "wrote {}: an advisory job (pull_request) that replays the changed migrations on \
             the runner's PostgreSQL; it runs the pull request's SQL, so keep it out of the \
             required checks for untrusted contributors\n",
            replay_workflow.display()
        ));
    }
    if let Some((file, edit)) = hook {
        use sqlgate_config::precommit::Edit;
        let text = match &edit {
            Edit::Create(text) | Edit::Insert(text) => Some(text),
            Edit::AlreadyPresent => None,
        };
        if let Some(text) = text {
            write_file(&root, &file, text)?;
        }
        let file = file.display();
        said.push_str(&match edit {
            Edit::Create(_) => format!("wrote {file}"),
            Edit::Insert(_) => format!("added the sqlgate hook to {file}"),
            Edit::AlreadyPresent => format!("kept the sqlgate hook already in {file}"),
        });
        said.push_str(
            ": run `pre-commit install` (once per clone) so every commit runs `sqlgate check --staged`\n",
        );
    }
    write_stdout(&said)?;
    Ok(0)
}

/// What init does about the config file.
enum ConfigFile {
    /// An existing one, left as it is (init ran for the workflow or the hook).
    Keep(PathBuf),
    /// The file to write: there is none, or `init --force` overwrites it.
    Write(PathBuf),
}

/// Whether something (a file, a directory, a link even if it dangles) is at `path`.
fn is_there(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}

/// Refuses `file` (under `root`) when it, or a directory between `root` and it, is a
/// symbolic link: the repository may come from a pull request, whose committed link can
/// point anywhere (`sqlgate.toml -> ~/.bashrc`), and init would write there.
fn refuse_links(root: &Path, file: &Path) -> Result<(), Failure> {
    let Ok(relative) = file.strip_prefix(root) else {
        return Ok(());
    };
    let mut path = root.to_path_buf();
    for component in relative.components() {
        path.push(component);
        match path.symlink_metadata() {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&path).unwrap_or_default();
                let what = if path == file {
                    "it is".to_string()
                } else {
                    format!("{} is", path.display())
                };
                // `{:?}`: the link's target is the repository's text, and the error stays
                // one line whatever it holds.
                return Err(Failure(format!(
                    "refusing to write {}: {what} a symbolic link to {target:?}, and init never \
                     writes through a link (a committed one can point anywhere); remove the \
                     link and run init again",
                    file.display()
                )));
            }
            Ok(_) => {}
            // Nothing there: the rest is created as plain directories and a plain file.
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// Writes `text` to `file` without following a link: checked again just before writing,
/// and a new file is created with `create_new`, which fails on anything already there,
/// a link that appeared meanwhile included.
fn write_file(root: &Path, file: &Path, text: &str) -> Result<(), Failure> {
    use std::io::Write;
    refuse_links(root, file)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if is_there(file) {
        options.truncate(true);
    } else {
        options.create_new(true);
    }
    options
        .open(file)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| Failure(format!("cannot write {}: {e}", file.display())))
}

/// The pre-commit file at `root` and what `init --pre-commit` does to it. A file whose shape
/// it cannot edit safely is an error; the entry to add by hand goes to stdout first.
/// The hook's entry in `.pre-commit-config.yaml`. Its `files:` is narrowed to the migration
/// directories found only when they are pinned (`--paths`): otherwise a migration directory
/// added later must still run the hook, as it is still checked in CI.
pub(super) fn pre_commit_edit(
    root: &Path,
    detected: &detect::Detected,
    source: sqlgate_config::precommit::HookSource,
    pin_paths: bool,
) -> Result<(PathBuf, sqlgate_config::precommit::Edit), Failure> {
    use sqlgate_config::precommit;
    let file = root.join(precommit::FILE_NAME);
    let existing = match std::fs::read(&file) {
        Ok(bytes) => Some(String::from_utf8(bytes).map_err(|_| {
            Failure(format!(
                "{} is not UTF-8: re-save it as UTF-8, or add the sqlgate hook by hand",
                file.display()
            ))
        })?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Failure(format!("cannot read {}: {e}", file.display()))),
    };
    let version = env!("CARGO_PKG_VERSION");
    let files = if pin_paths {
        precommit::files_pattern(&detected.paths)
    } else {
        None
    };
    match precommit::add_hook(existing.as_deref(), source, version, files.as_deref()) {
        Ok(edit) => Ok((file, edit)),
        Err(shape) => {
            write_stdout(&format!(
                "# add under `repos:` in {}:\n{}",
                precommit::FILE_NAME,
                precommit::repo_item(source, version, files.as_deref(), 2, "\n")
            ))?;
            Err(Failure(format!(
                "{} was not changed: {shape}; add the sqlgate entry printed above to its \
                 `repos:` by hand",
                file.display()
            )))
        }
    }
}
