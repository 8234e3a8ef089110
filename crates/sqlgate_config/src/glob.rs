//! Glob patterns for config paths, compiled to anchored regexes: `**` (any number of
//! directories), `*` and `?` (within one path segment), `[...]` (`[!...]` negates), `{a,b}`.

use std::path::{Component, Path};
use std::sync::OnceLock;

use regex::Regex;

/// A regular expression that a default setting names: compiled the first time it is used.
/// Every run reads the gate's defaults, and compiling them was a sixth of the instructions
/// of `check` on a small repository, which never matches them. Patterns from a config file
/// are compiled (and so checked) when it is read.
#[derive(Debug, Clone)]
pub struct Pattern {
    text: String,
    compiled: OnceLock<Regex>,
}

impl Pattern {
    /// A pattern of the program's own, which the tests compile.
    pub(crate) fn constant(text: &str) -> Pattern {
        Pattern {
            text: text.to_string(),
            compiled: OnceLock::new(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl From<Regex> for Pattern {
    fn from(regex: Regex) -> Pattern {
        Pattern {
            text: regex.as_str().to_string(),
            compiled: OnceLock::from(regex),
        }
    }
}

impl std::ops::Deref for Pattern {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            // Only constants are compiled here (`From<Regex>` brings its own).
            Regex::new(&self.text)
                .unwrap_or_else(|_| unreachable!("constant regex {} compiles", self.text))
        })
    }
}

#[derive(Debug, Clone)]
pub struct Glob {
    pub text: String,
    regex: Pattern,
}

impl Glob {
    pub fn new(text: &str) -> Result<Glob, String> {
        let pattern = to_regex(text)?;
        let regex = Regex::new(&pattern).map_err(|e| format!("cannot be compiled ({e})"))?;
        Ok(Glob {
            text: text.to_string(),
            regex: Pattern::from(regex),
        })
    }

    /// A glob of the program's own, which the tests compile: translated now, compiled when
    /// first matched.
    pub(crate) fn constant(text: &str) -> Glob {
        let pattern =
            to_regex(text).unwrap_or_else(|_| unreachable!("constant glob {text} translates"));
        Glob {
            text: text.to_string(),
            regex: Pattern::constant(&pattern),
        }
    }

    /// Whether a `/`-separated relative path matches.
    pub fn matches(&self, relative: &str) -> bool {
        self.regex.is_match(relative.trim_start_matches("./"))
    }
}

impl PartialEq for Glob {
    fn eq(&self, other: &Glob) -> bool {
        self.text == other.text
    }
}

fn to_regex(glob: &str) -> Result<String, String> {
    let glob = glob.trim_start_matches("./");
    let chars: Vec<char> = glob.chars().collect();
    let mut out = String::from("^");
    let mut braces = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' if chars.get(i + 1) == Some(&'*') => {
                let at_segment_start = i == 0 || chars[i - 1] == '/';
                let slash_after = chars.get(i + 2) == Some(&'/');
                let at_end = i + 2 == chars.len();
                if at_segment_start && slash_after {
                    // `**/`: zero or more directories.
                    out.push_str("(?:[^/]*/)*");
                    i += 3;
                    continue;
                }
                if at_segment_start && at_end && i > 0 {
                    // trailing `/**`: everything below, and the directory itself.
                    out.pop();
                    out.push_str("(?:/.*)?");
                    i += 2;
                    continue;
                }
                out.push_str(".*");
                i += 2;
                continue;
            }
            '*' => out.push_str("[^/]*"),
            '?' => out.push_str("[^/]"),
            '[' => {
                let close = chars[i + 1..]
                    .iter()
                    .enumerate()
                    // A `]` right after `[` or `[!` is a literal member.
                    .skip(usize::from(matches!(chars.get(i + 1), Some('!' | '^'))))
                    .skip(1)
                    .find(|(_, ch)| **ch == ']')
                    .map(|(j, _)| i + 1 + j)
                    .ok_or_else(|| "has an unclosed `[`".to_string())?;
                out.push('[');
                let mut body = &chars[i + 1..close];
                if let Some('!' | '^') = body.first() {
                    out.push('^');
                    body = &body[1..];
                }
                for ch in body {
                    if matches!(ch, '\\' | '[' | ']' | '&' | '~') {
                        out.push('\\');
                    }
                    out.push(*ch);
                }
                out.push(']');
                i = close + 1;
                continue;
            }
            '{' => {
                braces += 1;
                out.push_str("(?:");
            }
            ',' if braces > 0 => out.push('|'),
            '}' if braces > 0 => {
                braces -= 1;
                out.push(')');
            }
            '\\' => return Err("uses `\\`: write paths with `/`".to_string()),
            _ => out.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    if braces > 0 {
        return Err("has an unclosed `{`".to_string());
    }
    out.push('$');
    Ok(out)
}

/// `path` relative to `base` with `/` separators: both sides canonicalized when they exist,
/// else the path as given (already relative, e.g. to the current directory).
pub fn relative_to(base: Option<&Path>, path: &Path) -> String {
    let canonical = std::fs::canonicalize(path).ok();
    let relative = match (base, &canonical) {
        (Some(base), Some(canonical)) => canonical.strip_prefix(base).ok(),
        _ => None,
    };
    let relative = relative.unwrap_or(path);
    relative
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(glob: &str, path: &str) -> bool {
        Glob::new(glob).unwrap().matches(path)
    }

    #[test]
    fn double_star_spans_directories() {
        assert!(m("db/seed/**", "db/seed/001.sql"));
        assert!(m("db/seed/**", "db/seed/a/b/001.sql"));
        assert!(m("db/seed/**", "db/seed"));
        assert!(!m("db/seed/**", "db/seeds/001.sql"));
        assert!(m("**/seed/*.sql", "seed/1.sql"));
        assert!(m("**/seed/*.sql", "a/b/seed/1.sql"));
        assert!(!m("**/seed/*.sql", "a/seed/x/1.sql"));
        assert!(m("a/**b", "a/x/yb"));
    }

    #[test]
    fn star_question_class_and_braces() {
        assert!(m("*.sql", "001.sql"));
        assert!(!m("*.sql", "db/001.sql"));
        assert!(m("00?_*.sql", "001_init.sql"));
        assert!(m("[0-9]*.sql", "7x.sql"));
        assert!(!m("[!0-9]*.sql", "7x.sql"));
        assert!(m("[]]x", "]x"));
        assert!(m("{db,sql}/*.{up,down}.sql", "sql/1.down.sql"));
        assert!(!m("{db,sql}/*.sql", "x/1.sql"));
        assert!(m("a.b+(c)", "a.b+(c)"));
        assert!(!m("a.b", "axb"));
        assert!(m("./db/*", "db/x"));
    }

    #[test]
    fn invalid_globs_are_errors() {
        assert!(Glob::new("db/[abc").is_err());
        assert!(Glob::new("db/{a,b").is_err());
        assert!(Glob::new("db\\x").is_err());
    }
}
