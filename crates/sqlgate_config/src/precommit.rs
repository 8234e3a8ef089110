//! `sqlgate init --pre-commit`: the sqlgate entry of a `.pre-commit-config.yaml`.
//!
//! The file belongs to the repository's other hooks too, so it is edited as text, never
//! re-serialized: a YAML round trip would drop comments and reflow everything. Only the
//! one shape that can be edited safely by inserting lines is supported (a top-level block
//! `repos:` list); anything else is left to the user.

use std::fmt;

/// The file pre-commit reads, at the repository root.
pub const FILE_NAME: &str = ".pre-commit-config.yaml";

/// The repository whose `.pre-commit-hooks.yaml` defines the `sqlgate` hook.
pub const HOOK_REPO: &str = "https://github.com/sqlgate/sqlgate";

/// What to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// There was no file: its whole text.
    Create(String),
    /// The existing file with the sqlgate entry inserted: its whole new text.
    Insert(String),
    /// The file already has a `sqlgate` hook: nothing to do.
    AlreadyPresent,
}

/// Why an existing file was not edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShapeError {
    /// No top-level `repos:` line.
    NoRepos,
    /// `repos:` is there but not followed by a block list (`repos: []`, an anchor, nothing).
    ReposNotBlockList,
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShapeError::NoRepos => write!(f, "it has no top-level `repos:` list"),
            ShapeError::ReposNotBlockList => write!(
                f,
                "its `repos:` is not a block list of `- repo:` items (flow style such as \
                 `repos: []`, or empty)"
            ),
        }
    }
}

impl std::error::Error for ShapeError {}

/// The `files:` regex for the hook: the migration directories (relative, `/`-separated)
/// and the config file. `None` when there is nothing to narrow to, or when migrations sit at
/// the repository root (every path would match anyway).
pub fn files_pattern(migration_dirs: &[String]) -> Option<String> {
    if migration_dirs.is_empty() || migration_dirs.iter().any(|d| d == ".") {
        return None;
    }
    let mut alternatives: Vec<String> = migration_dirs
        .iter()
        .map(|dir| format!("{}/", regex::escape(dir.trim_end_matches('/'))))
        .collect();
    alternatives.push(r"\.?sqlgate\.toml$".to_string());
    Some(format!("^({})", alternatives.join("|")))
}

/// The `repos:` item, indented by `indent` spaces, with `newline` line endings.
pub fn repo_item(version: &str, files: Option<&str>, indent: usize, newline: &str) -> String {
    let pad = " ".repeat(indent);
    let mut lines = vec![
        format!("{pad}- repo: {HOOK_REPO}"),
        format!("{pad}  rev: v{version}"),
        format!("{pad}  hooks:"),
        format!("{pad}    - id: sqlgate"),
    ];
    match files {
        // Single-quoted: a regex may hold characters YAML would read as syntax (`#`, `: `).
        Some(pattern) => lines.push(format!(
            "{pad}      files: '{}'",
            pattern.replace('\'', "''")
        )),
        None => {
            lines.push(format!(
                "{pad}      # The hook's own `files` pattern applies (every .sql file and the config), so a"
            ));
            lines.push(format!(
                "{pad}      # migration directory added later runs it too; `sqlgate init --pre-commit --paths`"
            ));
            lines.push(format!(
                "{pad}      # narrows it to the directories found (e.g. `files: '^db/migrations/'`)."
            ));
        }
    }
    let mut out = lines.join(newline);
    out.push_str(newline);
    out
}

/// The new file, or `existing` with the sqlgate entry as the first item of `repos:`; every
/// other byte is kept.
pub fn add_hook(
    existing: Option<&str>,
    version: &str,
    files: Option<&str>,
) -> Result<Edit, ShapeError> {
    let Some(text) = existing else {
        return Ok(Edit::Create(format!(
            "# pre-commit hooks (https://pre-commit.com). Written by `sqlgate init --pre-commit`.\n\
             repos:\n{}",
            repo_item(version, files, 2, "\n")
        )));
    };
    if has_sqlgate_hook(text) {
        return Ok(Edit::AlreadyPresent);
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let repos_line = lines
        .iter()
        .position(|line| is_repos_key(line))
        .ok_or(ShapeError::NoRepos)?;
    let repos = lines[repos_line];
    let rest = repos
        .trim_end_matches(['\r', '\n'])
        .trim_start_matches("repos:");
    if !is_blank_or_comment(rest) {
        return Err(ShapeError::ReposNotBlockList);
    }
    // The first item after `repos:` (comments and blank lines may sit between) gives the
    // indentation; it must be a `- ` item, at any indentation including none.
    let first_item = lines[repos_line + 1..]
        .iter()
        .find(|line| !is_blank_or_comment(line))
        .ok_or(ShapeError::ReposNotBlockList)?;
    let indent = first_item.len() - first_item.trim_start_matches(' ').len();
    if !first_item[indent..].starts_with("- ") && first_item[indent..].trim_end() != "-" {
        return Err(ShapeError::ReposNotBlockList);
    }
    let newline = if repos.ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = String::with_capacity(text.len() + 256);
    for line in &lines[..=repos_line] {
        out.push_str(line);
    }
    if !repos.ends_with('\n') {
        out.push_str(newline);
    }
    out.push_str(&repo_item(version, files, indent, newline));
    for line in &lines[repos_line + 1..] {
        out.push_str(line);
    }
    Ok(Edit::Insert(out))
}

/// `repos:` at the start of a line (a top-level key), with nothing but a comment after it
/// or anything else (checked by the caller).
fn is_repos_key(line: &str) -> bool {
    line.strip_prefix("repos:")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n', '#']))
}

fn is_blank_or_comment(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.is_empty() || trimmed.starts_with('#')
}

/// A hook `id: sqlgate` anywhere in the file (in any repo, including `local`).
fn has_sqlgate_hook(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        let line = line.strip_prefix('-').map_or(line, str::trim_start);
        let Some(value) = line.strip_prefix("id:") else {
            return false;
        };
        let value = value.split(" #").next().unwrap_or(value).trim();
        matches!(value, "sqlgate" | "'sqlgate'" | "\"sqlgate\"")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATTERN: &str = r"^(supabase/migrations/|\.?sqlgate\.toml$)";

    #[test]
    fn pattern_lists_the_directories_then_the_config() {
        assert_eq!(
            files_pattern(&["db/migrations".into(), "supabase/migrations".into()]).as_deref(),
            Some(r"^(db/migrations/|supabase/migrations/|\.?sqlgate\.toml$)")
        );
        assert_eq!(
            files_pattern(&["db/v1.0+".into()]).as_deref(),
            Some(r"^(db/v1\.0\+/|\.?sqlgate\.toml$)")
        );
        assert_eq!(files_pattern(&[]), None);
        assert_eq!(files_pattern(&[".".into(), "db".into()]), None);
    }

    #[test]
    fn creates_a_file_when_there_is_none() {
        let Ok(Edit::Create(text)) = add_hook(None, "0.1.0", Some(PATTERN)) else {
            panic!("expected a new file")
        };
        assert_eq!(
            text,
            "# pre-commit hooks (https://pre-commit.com). Written by `sqlgate init --pre-commit`.\n\
             repos:\n  \
               - repo: https://github.com/sqlgate/sqlgate\n    \
                 rev: v0.1.0\n    \
                 hooks:\n      \
                   - id: sqlgate\n        \
                     files: '^(supabase/migrations/|\\.?sqlgate\\.toml$)'\n"
        );
    }

    #[test]
    fn without_a_pattern_the_files_key_is_a_comment() {
        let Ok(Edit::Create(text)) = add_hook(None, "0.1.0", None) else {
            panic!("expected a new file")
        };
        assert!(!text.contains("\n        files:"), "{text}");
        assert!(
            text.contains("so a\n        # migration directory added later runs it too"),
            "{text}"
        );
    }

    #[test]
    fn inserts_first_with_the_items_indentation_keeping_every_other_byte() {
        let existing = "# mine\nrepos:   # the hooks\n\n# first\n- repo: local\n  hooks:\n  - id: x\n    name: x\n    entry: x\n    language: system\nci:\n  autofix: false\n";
        let Ok(Edit::Insert(text)) = add_hook(Some(existing), "0.1.0", Some("^db/")) else {
            panic!("expected an insertion")
        };
        assert_eq!(
            text,
            "# mine\nrepos:   # the hooks\n- repo: https://github.com/sqlgate/sqlgate\n  rev: v0.1.0\n  hooks:\n    - id: sqlgate\n      files: '^db/'\n\n# first\n- repo: local\n  hooks:\n  - id: x\n    name: x\n    entry: x\n    language: system\nci:\n  autofix: false\n"
        );
    }

    #[test]
    fn keeps_crlf_line_endings() {
        let existing = "repos:\r\n    - repo: local\r\n      hooks: []\r\n";
        let Ok(Edit::Insert(text)) = add_hook(Some(existing), "0.1.0", None) else {
            panic!("expected an insertion")
        };
        assert!(
            text.starts_with(
                "repos:\r\n    - repo: https://github.com/sqlgate/sqlgate\r\n      rev: v0.1.0\r\n"
            ),
            "{text:?}"
        );
        assert!(
            text.ends_with("\r\n    - repo: local\r\n      hooks: []\r\n"),
            "{text:?}"
        );
        assert!(!text.replace("\r\n", "").contains('\n'), "{text:?}");
    }

    #[test]
    fn an_existing_sqlgate_hook_is_kept() {
        for existing in [
            "repos:\n- repo: https://github.com/sqlgate/sqlgate\n  rev: v0.0.9\n  hooks:\n  - id: sqlgate\n",
            "repos:\n  - repo: local\n    hooks:\n      - id: 'sqlgate'   # ours\n        entry: sqlgate check\n",
        ] {
            assert_eq!(add_hook(Some(existing), "0.1.0", None), Ok(Edit::AlreadyPresent));
        }
        // Another hook whose id merely starts with sqlgate is not it.
        let other = "repos:\n  - repo: local\n    hooks:\n      - id: sqlgate-extra\n";
        assert!(matches!(
            add_hook(Some(other), "0.1.0", None),
            Ok(Edit::Insert(_))
        ));
    }

    #[test]
    fn other_shapes_are_refused() {
        for (existing, error) in [
            ("repos: []\n", ShapeError::ReposNotBlockList),
            ("repos:\n", ShapeError::ReposNotBlockList),
            ("repos:\nci: {}\n", ShapeError::ReposNotBlockList),
            (
                "repos: &all\n  - repo: local\n",
                ShapeError::ReposNotBlockList,
            ),
            ("", ShapeError::NoRepos),
            ("default_stages: [pre-commit]\n", ShapeError::NoRepos),
            ("  repos:\n  - repo: local\n", ShapeError::NoRepos),
        ] {
            assert_eq!(
                add_hook(Some(existing), "0.1.0", None),
                Err(error),
                "{existing:?}"
            );
        }
    }
}
