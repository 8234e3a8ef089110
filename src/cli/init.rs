//! `sqlgate init`: write a commented `sqlgate.toml`, the GitHub workflow and the pre-commit
//! hook for the migrations found in the repository.

use std::path::{Path, PathBuf};

mod detect;
use super::output::{write_stdout, Failure};

pub(super) fn run_init(force: bool, github: bool, pre_commit: bool) -> Result<u8, Failure> {
    let cwd = std::env::current_dir()
        .map_err(|e| Failure(format!("cannot read the current directory: {e}")))?;
    let root = sqlgate_discover::git::repo_root(&cwd).unwrap_or(cwd);
    let existing_config = sqlgate_config::FILE_NAMES
        .iter()
        .map(|name| root.join(name))
        .find(|p| p.exists());
    let workflow = root.join(sqlgate_github::ci::WORKFLOW_PATH);
    if !force {
        if github && workflow.exists() {
            return Err(Failure(format!(
                "{} already exists: edit it, or run `sqlgate init --github --force` to overwrite it",
                workflow.display()
            )));
        }
        if let (Some(existing), false) = (&existing_config, github || pre_commit) {
            return Err(Failure(format!(
                "{} already exists: edit it, or run `sqlgate init --force` to overwrite it",
                existing.display()
            )));
        }
    }
    let detected = detect::detect(&root);
    // Decided before anything is written: a file sqlgate cannot edit stops the whole run.
    let hook = if pre_commit {
        Some(pre_commit_edit(&root, &detected)?)
    } else {
        None
    };
    let mut said = String::new();
    match existing_config.filter(|_| !force) {
        Some(existing) => said.push_str(&format!("kept {}\n", existing.display())),
        None => {
            let file = root.join(sqlgate_config::FILE_NAMES[0]);
            std::fs::write(&file, detect::render(&detected))
                .map_err(|e| Failure(format!("cannot write {}: {e}", file.display())))?;
            said.push_str(&format!(
                "{}\nwrote {}\n",
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
        std::fs::write(&workflow, sqlgate_github::ci::WORKFLOW)
            .map_err(|e| Failure(format!("cannot write {}: {e}", workflow.display())))?;
        said.push_str(&format!(
            "wrote {}: commit it, then make its `sqlgate` job a required status check\n",
            workflow.display()
        ));
    }
    if let Some((file, edit)) = hook {
        use sqlgate_config::precommit::Edit;
        let text = match &edit {
            Edit::Create(text) | Edit::Insert(text) => Some(text),
            Edit::AlreadyPresent => None,
        };
        if let Some(text) = text {
            std::fs::write(&file, text)
                .map_err(|e| Failure(format!("cannot write {}: {e}", file.display())))?;
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

/// The pre-commit file at `root` and what `init --pre-commit` does to it. A file whose shape
/// it cannot edit safely is an error; the entry to add by hand goes to stdout first.
pub(super) fn pre_commit_edit(
    root: &Path,
    detected: &detect::Detected,
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
    let files = precommit::files_pattern(&detected.paths);
    match precommit::add_hook(existing.as_deref(), version, files.as_deref()) {
        Ok(edit) => Ok((file, edit)),
        Err(shape) => {
            write_stdout(&format!(
                "# add under `repos:` in {}:\n{}",
                precommit::FILE_NAME,
                precommit::repo_item(version, files.as_deref(), 2, "\n")
            ))?;
            Err(Failure(format!(
                "{} was not changed: {shape}; add the sqlgate entry printed above to its \
                 `repos:` by hand",
                file.display()
            )))
        }
    }
}
