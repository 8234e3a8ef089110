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

/// What the hook runs.
pub const HOOK_ENTRY: &str = "sqlgate check --staged";

/// The hook's `files:` when it is not narrowed to directories: anything that can be a
/// migration or change how migrations are read (sqlgate decides which staged files are
/// migrations). `.pre-commit-hooks.yaml` has the same pattern (a test holds them together).
pub const HOOK_FILES: &str =
    r"(?i)(\.sql|(^|/)atlas\.sum|(^|/)\.?sqlgate\.toml|(^|/)metadata\.(toml|yaml)|\.sql\.conf)$";

/// Where the hook's sqlgate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookSource {
    /// The default: a `repo: local` hook with `language: python` whose environment is the
    /// `sqlgate` wheel of this version from PyPI (a prebuilt binary): installed in seconds,
    /// no Rust toolchain. pre-commit installs only the `additional_dependencies` for a local
    /// hook; a hook from this repository would `pip install` the repository itself, which
    /// compiles sqlgate.
    Wheel,
    /// This repository's `.pre-commit-hooks.yaml` hook (`language: rust`) at `rev:
    /// v<version>`: pre-commit builds sqlgate with `cargo install` the first time (a Rust
    /// toolchain, minutes); `pre-commit autoupdate` moves its `rev`.
    Source,
}

/// The PyPI spelling of a Cargo version, as maturin writes the wheel's: `1.2.0-rc.1` is
/// `1.2.0rc1` (`-alpha.N` `aN`, `-beta.N` `bN`); a release version has no other suffix.
pub fn pep440(version: &str) -> String {
    for (cargo, python) in [("-alpha.", "a"), ("-beta.", "b"), ("-rc.", "rc")] {
        if let Some((release, number)) = version.split_once(cargo) {
            return format!("{release}{python}{number}");
        }
    }
    version.to_string()
}

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
pub fn repo_item(
    source: HookSource,
    version: &str,
    files: Option<&str>,
    indent: usize,
    newline: &str,
) -> String {
    let pad = " ".repeat(indent);
    let mut lines = match source {
        HookSource::Wheel => vec![
            format!("{pad}- repo: local"),
            format!("{pad}  hooks:"),
            format!("{pad}    - id: sqlgate"),
            format!("{pad}      name: sqlgate"),
            format!("{pad}      entry: {HOOK_ENTRY}"),
            format!(
                "{pad}      # The sqlgate wheel from PyPI (a prebuilt binary, no Rust): installed in seconds."
            ),
            format!(
                "{pad}      # The pin is the version that runs; `pre-commit autoupdate` does not move it."
            ),
            format!("{pad}      language: python"),
            format!("{pad}      additional_dependencies: [\"sqlgate=={}\"]", pep440(version)),
            // sqlgate finds the migrations itself and replays the committed history: no
            // file names, once per commit.
            format!("{pad}      pass_filenames: false"),
            format!("{pad}      require_serial: true"),
        ],
        HookSource::Source => vec![
            format!("{pad}- repo: {HOOK_REPO}"),
            format!("{pad}  rev: v{version}"),
            format!("{pad}  hooks:"),
            format!("{pad}    - id: sqlgate"),
        ],
    };
    match (files, source) {
        // Single-quoted: a regex may hold characters YAML would read as syntax (`#`, `: `).
        (Some(pattern), _) => lines.push(format!("{pad}      files: {}", quoted(pattern))),
        (None, HookSource::Wheel) => {
            lines.push(format!(
                "{pad}      # Every .sql file and the config, so a migration directory added later runs it"
            ));
            lines.push(format!(
                "{pad}      # too; `sqlgate init --pre-commit --paths` narrows it to the directories found"
            ));
            lines.push(format!("{pad}      # (e.g. `files: '^db/migrations/'`)."));
            lines.push(format!("{pad}      files: {}", quoted(HOOK_FILES)));
        }
        (None, HookSource::Source) => {
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

/// A YAML single-quoted scalar.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The new file, or `existing` with the sqlgate entry as the first item of `repos:`; every
/// other byte is kept.
pub fn add_hook(
    existing: Option<&str>,
    source: HookSource,
    version: &str,
    files: Option<&str>,
) -> Result<Edit, ShapeError> {
    let Some(text) = existing else {
        return Ok(Edit::Create(format!(
            "# pre-commit hooks (https://pre-commit.com). Written by `sqlgate init --pre-commit`.\n\
             repos:\n{}",
            repo_item(source, version, files, 2, "\n")
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
    out.push_str(&repo_item(source, version, files, indent, newline));
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
    fn the_default_hook_installs_the_wheel_of_this_version() {
        let Ok(Edit::Create(text)) = add_hook(None, HookSource::Wheel, "0.1.0", Some(PATTERN))
        else {
            panic!("expected a new file")
        };
        assert_eq!(
            text,
            "# pre-commit hooks (https://pre-commit.com). Written by `sqlgate init --pre-commit`.\n\
             repos:\n  \
               - repo: local\n    \
                 hooks:\n      \
                   - id: sqlgate\n        \
                     name: sqlgate\n        \
                     entry: sqlgate check --staged\n        \
                     # The sqlgate wheel from PyPI (a prebuilt binary, no Rust): installed in seconds.\n        \
                     # The pin is the version that runs; `pre-commit autoupdate` does not move it.\n        \
                     language: python\n        \
                     additional_dependencies: [\"sqlgate==0.1.0\"]\n        \
                     pass_filenames: false\n        \
                     require_serial: true\n        \
                     files: '^(supabase/migrations/|\\.?sqlgate\\.toml$)'\n"
        );
        // Without directories the hook's own pattern is written out (a local hook has no
        // definition to take it from), in YAML's single quotes.
        let Ok(Edit::Create(text)) = add_hook(None, HookSource::Wheel, "1.2.0-rc.1", None) else {
            panic!("expected a new file")
        };
        assert!(text.contains("[\"sqlgate==1.2.0rc1\"]"), "{text}");
        assert!(
            text.ends_with(&format!("        files: '{HOOK_FILES}'\n")),
            "{text}"
        );
        assert!(
            text.contains("migration directory added later runs it"),
            "{text}"
        );
    }

    #[test]
    fn cargo_versions_are_spelled_for_pypi() {
        assert_eq!(pep440("0.1.0"), "0.1.0");
        assert_eq!(pep440("1.2.0-rc.1"), "1.2.0rc1");
        assert_eq!(pep440("1.2.0-alpha.3"), "1.2.0a3");
        assert_eq!(pep440("1.2.0-beta.10"), "1.2.0b10");
    }

    #[test]
    fn an_existing_wheel_hook_is_kept() {
        let Ok(Edit::Create(text)) = add_hook(None, HookSource::Wheel, "0.1.0", None) else {
            panic!("expected a new file")
        };
        for source in [HookSource::Wheel, HookSource::Source] {
            assert_eq!(
                add_hook(Some(&text), source, "0.2.0", None),
                Ok(Edit::AlreadyPresent)
            );
        }
    }

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
        let Ok(Edit::Create(text)) = add_hook(None, HookSource::Source, "0.1.0", Some(PATTERN))
        else {
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
        let Ok(Edit::Create(text)) = add_hook(None, HookSource::Source, "0.1.0", None) else {
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
        let Ok(Edit::Insert(text)) =
            add_hook(Some(existing), HookSource::Source, "0.1.0", Some("^db/"))
        else {
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
        let Ok(Edit::Insert(text)) = add_hook(Some(existing), HookSource::Source, "0.1.0", None)
        else {
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
            assert_eq!(add_hook(Some(existing), HookSource::Source, "0.1.0", None), Ok(Edit::AlreadyPresent));
        }
        // Another hook whose id merely starts with sqlgate is not it.
        let other = "repos:\n  - repo: local\n    hooks:\n      - id: sqlgate-extra\n";
        assert!(matches!(
            add_hook(Some(other), HookSource::Source, "0.1.0", None),
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
                add_hook(Some(existing), HookSource::Source, "0.1.0", None),
                Err(error),
                "{existing:?}"
            );
        }
    }
}
