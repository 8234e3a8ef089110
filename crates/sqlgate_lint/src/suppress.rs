//! Suppression comments:
//!
//! - `-- sqlgate: ignore RULE[,RULE] -- reason` applies to the statement that follows (or
//!   the one it sits inside);
//! - `-- sqlgate: ignore-file RULE[,RULE] -- reason` applies to the whole file.
//!
//! Rules are named by name or code. A reason is required: a directive without one, with an
//! unknown rule or an unknown verb is invalid (MT003) and suppresses nothing. A rule in a
//! valid directive that suppresses no finding is unused (MT002).

use std::ops::Range;

use crate::rules::{self, Rule, Violation};

/// One rule named by a valid directive.
#[derive(Debug, Clone)]
pub struct Entry {
    pub rule: &'static Rule,
    /// Byte span of the rule's name in the comment (where MT002 points).
    pub span: Range<usize>,
    pub used: bool,
}

/// A valid directive.
#[derive(Debug, Clone)]
pub struct Directive {
    /// `None` for `ignore-file`; else the range of the statement it applies to (empty when
    /// no statement follows).
    pub target: Option<Range<usize>>,
    pub entries: Vec<Entry>,
}

impl Directive {
    /// Marks and reports whether this directive suppresses `rule` at `offset`.
    pub fn suppresses(&mut self, rule: &Rule, offset: usize) -> bool {
        let in_scope = match &self.target {
            None => true,
            Some(target) => target.start <= offset && offset <= target.end,
        };
        if !in_scope {
            return false;
        }
        match self
            .entries
            .iter_mut()
            .find(|e| e.rule.meta.code == rule.meta.code)
        {
            Some(entry) => {
                entry.used = true;
                true
            }
            None => false,
        }
    }
}

/// The directives of one file and the problems with the invalid ones (MT003 violations).
#[derive(Debug, Default)]
pub struct Parsed {
    pub directives: Vec<Directive>,
    pub invalid: Vec<Violation>,
}

const PREFIX: &str = "sqlgate:";
const VERBS: [&str; 2] = ["ignore", "ignore-file"];
const SYNTAX: &str =
    "write `-- sqlgate: ignore RULE -- reason` or `-- sqlgate: ignore-file RULE -- reason`";

/// A cheap test that lets files without any `sqlgate:` skip comment parsing (any case).
/// Every checked file goes through it: colons are found with memchr's vectorized search
/// and only the seven bytes before each are compared (comparing at every byte was 4% of
/// the instructions of a run over 2,900 files, all of it on one thread).
pub fn may_contain_directives(text: &str) -> bool {
    let bytes = text.as_bytes();
    let name = &PREFIX.as_bytes()[..PREFIX.len() - 1];
    memchr::memchr_iter(b':', bytes).any(|colon| {
        colon
            .checked_sub(name.len())
            .and_then(|start| bytes.get(start..colon))
            .is_some_and(|before| before.eq_ignore_ascii_case(name))
    })
}

/// Reads the directives in `comments` (file-absolute ranges into `text`). `statements` are
/// the file's top-level statement ranges, sorted by start.
pub fn parse(text: &str, comments: &[Range<usize>], statements: &[Range<usize>]) -> Parsed {
    let mut parsed = Parsed::default();
    for comment in comments {
        let Some(body) = text.get(comment.clone()) else {
            continue;
        };
        let (inner, inner_start) = comment_inner(body);
        let trimmed = inner.trim_start();
        if !trimmed.to_ascii_lowercase().starts_with(PREFIX) {
            continue;
        }
        let at = comment.start + inner_start + (inner.len() - trimmed.len());
        let rest_start = at + PREFIX.len();
        match parse_directive(text, rest_start, comment.end.min(at + trimmed.len())) {
            Ok((file_wide, entries)) => {
                let target = if file_wide {
                    None
                } else {
                    // The statement containing the comment, or the first one after it.
                    Some(
                        statements
                            .iter()
                            .find(|s| s.end >= comment.end)
                            .cloned()
                            .unwrap_or(comment.end..comment.end),
                    )
                };
                parsed.directives.push(Directive { target, entries });
            }
            Err(violation) => parsed.invalid.push(violation),
        }
    }
    parsed
}

/// The text inside the comment markers and its offset in `body`.
fn comment_inner(body: &str) -> (&str, usize) {
    if let Some(inner) = body.strip_prefix("--") {
        (inner, 2)
    } else if let Some(inner) = body.strip_prefix("/*") {
        (inner.strip_suffix("*/").unwrap_or(inner), 2)
    } else {
        (body, 0)
    }
}

/// Parses `VERB RULE[,RULE] -- reason` in `text[start..end]`.
fn parse_directive(text: &str, start: usize, end: usize) -> Result<(bool, Vec<Entry>), Violation> {
    let rest = text.get(start..end).unwrap_or("");
    let lead = rest.len() - rest.trim_start().len();
    let verb_start = start + lead;
    let after_verb = rest[lead..]
        .find(char::is_whitespace)
        .map_or(rest.len(), |p| lead + p);
    let verb = &rest[lead..after_verb];
    let verb_span = verb_start..start + after_verb;
    let file_wide = match verb.to_ascii_lowercase().as_str() {
        "ignore" => false,
        "ignore-file" => true,
        "" => {
            return Err(Violation::new(
                start.saturating_sub(PREFIX.len())..start,
                "empty suppression `sqlgate:`",
                SYNTAX,
            ));
        }
        other => {
            let hint = crate::selection::nearest(other, &VERBS)
                .map(|v| format!("; did you mean `{v}`?"))
                .unwrap_or_default();
            return Err(Violation::new(
                verb_span,
                format!("unknown suppression `sqlgate: {other}`{hint}"),
                SYNTAX,
            ));
        }
    };
    let tail = &rest[after_verb..];
    let (list, reason) = match tail.find("--") {
        Some(p) => (&tail[..p], tail[p + 2..].trim()),
        None => (tail, ""),
    };
    let list_start = start + after_verb;
    let mut entries = Vec::new();
    let mut names = 0;
    let mut offset = 0;
    for piece in list.split(|c: char| c == ',' || c.is_whitespace()) {
        let span = list_start + offset..list_start + offset + piece.len();
        offset += piece.len() + 1;
        if piece.is_empty() {
            continue;
        }
        names += 1;
        match rules::find(piece) {
            Some(rule) => entries.push(Entry {
                rule,
                span,
                used: false,
            }),
            None => {
                let hint = crate::selection::suggest(piece)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(Violation::new(
                    span,
                    format!("suppression names an unknown rule `{piece}`{hint}"),
                    "name rules by name or code, as `sqlgate rules` lists them",
                ));
            }
        }
    }
    if names == 0 {
        return Err(Violation::new(
            verb_span,
            format!("suppression `sqlgate: {verb}` names no rule"),
            format!("name the rule: `-- sqlgate: {verb} drop-table -- reason`"),
        ));
    }
    if reason.is_empty() {
        return Err(Violation::new(
            verb_span,
            "suppression without a reason",
            "say why after a second `--`, e.g. `-- sqlgate: ignore drop-table -- archived to s3 in OPS-123`",
        ));
    }
    Ok((file_wide, entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(d: &Directive) -> Vec<&'static str> {
        d.entries.iter().map(|e| e.rule.meta.code).collect()
    }

    #[test]
    fn may_contain_directives_finds_the_prefix_in_any_case_anywhere() {
        // The plain definition: the prefix, in any case, at some byte.
        let naive = |text: &str| {
            text.as_bytes()
                .windows(PREFIX.len())
                .any(|w| w.eq_ignore_ascii_case(PREFIX.as_bytes()))
        };
        for text in [
            "",
            ":",
            "sqlgate",
            "sqlgate:",
            "SQLGate:x",
            "-- sqlgate: ignore SG001 -- why",
            "select 1::int; -- sqlgate : no",
            "x::sqlgate::",
            "qlgate:",
            "ssqlgate:",
            "é sqlgatE:",
            "sqlgat:e sqlgate",
            "::::::::sqlgate",
        ] {
            assert_eq!(may_contain_directives(text), naive(text), "{text:?}");
        }
    }

    #[test]
    fn parses_statement_and_file_directives() {
        let text = "-- sqlgate: ignore drop-table, DS005 -- archived in OPS-1\nDROP TABLE a;\n-- sqlgate: ignore-file truncate -- fixture data\n";
        let split = sqlgate_sql::split::split(text, 0, sqlgate_sql::lexer::Dialect::Postgres);
        let statements: Vec<_> = split.statements.iter().map(|s| s.range.clone()).collect();
        let parsed = parse(text, &split.comments, &statements);
        assert!(parsed.invalid.is_empty(), "{:?}", parsed.invalid);
        assert_eq!(parsed.directives.len(), 2);
        assert_eq!(codes(&parsed.directives[0]), ["DS001", "DS005"]);
        let target = parsed.directives[0].target.clone().unwrap();
        assert_eq!(&text[target], "DROP TABLE a");
        assert_eq!(
            &text[parsed.directives[0].entries[0].span.clone()],
            "drop-table"
        );
        assert_eq!(parsed.directives[1].target, None);
    }

    #[test]
    fn invalid_directives_say_why() {
        let cases = [
            (
                "-- sqlgate: ignore drop-table",
                "suppression without a reason",
                "ignore",
            ),
            (
                "-- sqlgate: ignore drop-tabel -- r",
                "unknown rule `drop-tabel`; did you mean `drop-table`?",
                "drop-tabel",
            ),
            (
                "-- sqlgate: ignroe drop-table -- r",
                "did you mean `ignore`?",
                "ignroe",
            ),
            ("-- sqlgate: ignore -- r", "names no rule", "ignore"),
            ("-- sqlgate:", "empty suppression", "sqlgate:"),
        ];
        for (text, message, at) in cases {
            let comment = std::iter::once(0..text.len()).collect::<Vec<_>>();
            let parsed = parse(text, &comment, &[]);
            assert!(parsed.directives.is_empty(), "{text}");
            let v = &parsed.invalid[0];
            assert!(v.message.contains(message), "{text}: {}", v.message);
            assert_eq!(&text[v.span.clone()], at, "{text}");
        }
    }

    #[test]
    fn multibyte_reasons_and_missing_spaces_are_fine() {
        for text in [
            "-- sqlgate: ignore DS001 -- café ✓",
            "--sqlgate:ignore DS001,,truncate -- ok ✓",
        ] {
            let comment = std::iter::once(0..text.len()).collect::<Vec<_>>();
            let parsed = parse(text, &comment, &[]);
            assert!(parsed.invalid.is_empty(), "{text}: {:?}", parsed.invalid);
            assert_eq!(parsed.directives.len(), 1, "{text}");
        }
    }

    #[test]
    fn ordinary_comments_are_not_directives() {
        let text = "-- drop the table (sqlgate: later)\n/* sqlgate is great */";
        let parsed = parse(text, &[0..34, 35..57], &[]);
        assert!(parsed.directives.is_empty() && parsed.invalid.is_empty());
    }
}
