//! Per-section pipeline: split → parse (sqlparser) → classify (tokens) → statement model,
//! including the statements found inside DO blocks, function bodies and EXECUTE strings.

use std::ops::Range;

mod bodies;
mod execute;

use crate::classify::{classify, syntax_problem, BodyKind, Classified, Problem};
use crate::lexer::{Dialect, Token, TokenKind};
use crate::model::{Origin, ParseStatus, Statement, StatementKind, SyntaxProblem};
use crate::split::{RawKind, SplitError};

#[derive(Debug, Clone, Default)]
pub struct AnalyzedSection {
    pub statements: Vec<Statement>,
    pub errors: Vec<SplitError>,
    /// File-absolute ranges of the section's comments.
    pub comments: Vec<Range<usize>>,
    /// The SQL uses Supabase's auth model (`auth.uid()`, `auth.jwt()`, the roles `anon` or
    /// `authenticated`): row-level security is how this project controls access.
    pub uses_supabase_auth: bool,
}

/// How much of a section is modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Everything: the rules check this section (syntax problems, function bodies).
    Full,
    /// For a migration that only feeds the catalog (an unchanged one under
    /// `--changed-since`): the statements' models, without looking for syntax problems or
    /// into function bodies (which do not run in the migration).
    Catalog,
}

/// Analyzes `text[range]` (a whole file or one dbmate/goose section of it).
pub fn analyze_section(text: &str, range: Range<usize>, dialect: Dialect) -> AnalyzedSection {
    analyze_section_to(text, range, dialect, Depth::Full)
}

/// [`analyze_section`] to the given depth.
pub fn analyze_section_to(
    text: &str,
    range: Range<usize>,
    dialect: Dialect,
    depth: Depth,
) -> AnalyzedSection {
    let Some(section) = text.get(range.clone()) else {
        return AnalyzedSection::default();
    };
    // Statement by statement: the tokens of each are dropped once it is modelled, so only
    // the models of the section are kept.
    let mut stream = crate::split::statements(section, range.start, dialect);
    // About one statement per `;` (more where bodies and strings hold some): sized once, the
    // models are not copied again and again as the vector doubles (3% of a long history's
    // analysis); the slack goes with `shrink_to_fit` below.
    let semicolons = memchr::memchr_iter(b';', section.as_bytes()).count();
    let mut statements = Vec::with_capacity(semicolons + 1);
    let mut uses_supabase_auth = false;
    let mut lines = LineCursor::default();
    for raw in stream.by_ref() {
        match raw.kind {
            RawKind::PsqlMeta | RawKind::CopyData => statements.push(Statement {
                kind: if raw.kind == RawKind::PsqlMeta {
                    StatementKind::PsqlMeta {
                        runs: text.get(raw.range.clone()).and_then(psql_runs),
                    }
                } else {
                    StatementKind::CopyData
                },
                range: raw.range,
                parse: ParseStatus::TokensOnly,
                origin: Origin::TopLevel,
                concurrently: false,
            }),
            RawKind::Sql => {
                // psql reads `\gexec` after a query as a meta-command that ends it.
                if let Some(gexec) = trailing_gexec(text, &raw.tokens) {
                    statements.push(Statement {
                        range: gexec,
                        kind: StatementKind::PsqlMeta {
                            runs: Some("\\gexec"),
                        },
                        parse: ParseStatus::TokensOnly,
                        origin: Origin::TopLevel,
                        concurrently: false,
                    });
                }
                uses_supabase_auth =
                    uses_supabase_auth || mentions_supabase_auth(text, &raw.tokens);
                let statement = TopLevel {
                    text,
                    tokens: &raw.tokens,
                    range: &raw.range,
                    dialect,
                };
                analyze_statement(&statement, depth, &mut lines, &mut statements)
            }
        }
    }
    let (errors, comments) = stream.finish();
    // Kept until the replay ends: without the slack of the last doubling.
    statements.shrink_to_fit();
    AnalyzedSection {
        statements,
        errors,
        comments,
        uses_supabase_auth,
    }
}

/// The psql meta-command of a meta line (`\\i file.sql`), when it runs SQL or a shell
/// command that the migration does not show.
fn psql_runs(line: &str) -> Option<&'static str> {
    let command = line
        .strip_prefix('\\')?
        .split(|c: char| c.is_whitespace() || c == '\\')
        .next()?;
    Some(match command {
        "i" | "include" => "\\i",
        "ir" | "include_relative" => "\\ir",
        "gexec" => "\\gexec",
        "!" => "\\!",
        _ => return None,
    })
}

/// Where a statement's tokens hold `\gexec` (a backslash token followed by the word), the
/// range of the two.
fn trailing_gexec(text: &str, tokens: &[Token]) -> Option<Range<usize>> {
    tokens.windows(2).find_map(|pair| {
        // A backslash is a one-byte punctuation token: the kind settles most tokens.
        if pair[0].kind != TokenKind::Punct {
            return None;
        }
        let backslash = text.get(pair[0].range.clone())? == "\\";
        let adjacent = pair[0].range.end == pair[1].range.start;
        let gexec = text
            .get(pair[1].range.clone())?
            .eq_ignore_ascii_case("gexec");
        (backslash && adjacent && gexec).then(|| pair[0].range.start..pair[1].range.end)
    })
}

/// `auth.uid()` / `auth.jwt()` / `auth.role()`, or the roles `anon` / `authenticated`, as
/// SQL tokens (not in comments or string literals).
/// Whether the section at `range` of a file's `text` uses Supabase's auth functions or API
/// roles, as [`AnalyzedSection::uses_supabase_auth`] says, without modelling it: for callers
/// that need only this (the replay's RLS checks).
pub fn section_uses_supabase_auth(text: &str, range: Range<usize>, dialect: Dialect) -> bool {
    let Some(section) = text.get(range.clone()) else {
        return false;
    };
    // Token ranges are file-absolute, as `text` is the whole file.
    crate::split::statements(section, range.start, dialect)
        .any(|raw| mentions_supabase_auth(text, &raw.tokens))
}

fn mentions_supabase_auth(text: &str, tokens: &[Token]) -> bool {
    // Every word of every statement passes here: plain words are taken as they are, and
    // `eq_ignore_ascii_case` settles most of them on their length.
    let word = |t: &Token| match t.kind {
        TokenKind::Word => text.get(t.range.clone()).unwrap_or(""),
        TokenKind::QuotedIdent => text
            .get(t.range.clone())
            .map(|w| w.trim_matches('"'))
            .unwrap_or(""),
        _ => "",
    };
    tokens.iter().enumerate().any(|(i, t)| {
        let w = word(t);
        if w.eq_ignore_ascii_case("anon") || w.eq_ignore_ascii_case("authenticated") {
            return true;
        }
        w.eq_ignore_ascii_case("auth")
            && tokens
                .get(i + 1)
                .is_some_and(|dot| text.get(dot.range.clone()) == Some("."))
            && tokens.get(i + 2).is_some_and(|f| {
                let f = word(f);
                ["uid", "jwt", "role", "email"]
                    .iter()
                    .any(|name| f.eq_ignore_ascii_case(name))
            })
    })
}

/// A top-level SQL statement of a section: the file's text, the statement's tokens and range.
struct TopLevel<'a> {
    text: &'a str,
    tokens: &'a [Token],
    range: &'a Range<usize>,
    dialect: Dialect,
}

fn analyze_statement(
    statement: &TopLevel,
    depth: Depth,
    lines: &mut LineCursor,
    out: &mut Vec<Statement>,
) {
    let Classified {
        kind,
        concurrently,
        body,
    } = classify(statement.tokens, statement.text, statement.dialect);
    // sqlparser has no DO statement; its PL/pgSQL body is scanned from tokens below.
    let (kind, parse) = match (&kind, depth) {
        (StatementKind::Do, _) | (_, Depth::Catalog) => (kind, ParseStatus::TokensOnly),
        (_, Depth::Full) => parse_and_model(statement, kind, lines),
    };
    out.push(Statement {
        range: statement.range.clone(),
        kind,
        parse,
        origin: Origin::TopLevel,
        concurrently,
    });
    if let Some(body) = &body {
        // A function body does not run in the migration: the catalog never needs it.
        let runs_now = matches!(body.kind, BodyKind::DoBlock);
        if depth == Depth::Full || runs_now {
            bodies::scan_body(statement.text, body, statement.dialect, out);
        }
    }
}

/// Statements of more tokens than this are not handed to sqlparser: they are modelled by the
/// token classifier alone (and reported as not fully parsed). sqlparser needs from about 100
/// bytes (nested parentheses: its tokens alone) to 500 bytes (a select list) of memory per
/// token of the statement, so a statement at the limit costs it some 25 MB (measured: a
/// `select 1, 1, ...` of 49,998 tokens peaks 26 MB above a tiny run); the largest statement
/// of the real-world corpus has 480 tokens (the longest, a function, 16 KB of text in 33).
/// Tokens, not bytes: a long string or function body is one token, cheap to parse.
pub const MAX_PARSED_TOKENS: usize = 50_000;

/// How the message of a statement too large for sqlparser ends.
const TOO_LARGE: &str = "sqlparser limit: checked from its tokens";

/// Whether a [`ParseStatus::Invalid`] message is that of a statement not handed to
/// sqlparser because it is larger than [`MAX_PARSED_TOKENS`].
pub fn is_too_large(error: &str) -> bool {
    error.ends_with(TOO_LARGE)
}

fn parse_and_model(
    statement: &TopLevel,
    classified: StatementKind,
    lines: &mut LineCursor,
) -> (StatementKind, ParseStatus) {
    let TopLevel {
        text,
        tokens,
        range,
        dialect,
    } = *statement;
    // The model comes from the tokens. sqlparser's AST agreed with it on every statement of
    // the corpus, the fixtures and PostgreSQL's own extension scripts but 9 (MySQL's `ADD
    // INDEX`, which it read as a column named `index`); tests/classifier_oracle.rs keeps it
    // so. sqlparser runs where the tokens prove a problem, for the message MT001 quotes:
    // elsewhere it would cost half of the analysis and change nothing.
    let Some(problem) = syntax_problem(tokens, text, dialect) else {
        return (classified, ParseStatus::TokensOnly);
    };
    let invalid = |error: String| {
        ParseStatus::Invalid(Box::new(SyntaxProblem {
            error,
            message: problem.message().to_string(),
            understood: matches!(problem, Problem::Invalid(_)),
        }))
    };
    if tokens.len() > MAX_PARSED_TOKENS {
        let error = format!(
            "statement of {} ({} tokens) is larger than the {MAX_PARSED_TOKENS}-token {TOO_LARGE}",
            human_size(range.len()),
            tokens.len()
        );
        return (classified, invalid(error));
    }
    let sql = text.get(range.clone()).unwrap_or("");
    match crate::ast::parse(sql, dialect) {
        // sqlparser reads what the tokens doubted: the statement is taken as valid (MT001
        // reports only what both reject) and modelled from its AST.
        Ok(ast) => (
            crate::ast::model(&ast, &classified, range, dialect).unwrap_or(classified),
            ParseStatus::Parsed,
        ),
        Err(error) => (
            classified,
            invalid(lines.file_position(text, range.start, &error)),
        ),
    }
}

/// `5.5 MB`, `300 KB`, `120 bytes`.
fn human_size(bytes: usize) -> String {
    const KB: usize = 1000;
    const MB: usize = 1000 * KB;
    if bytes >= MB {
        format!("{}.{} MB", bytes / MB, bytes % MB / (MB / 10))
    } else if bytes >= KB {
        format!("{} KB", bytes / KB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Turns the statement-relative position at the end of a sqlparser message into a file
/// position. Top-level statements come in file order, so the line count is carried from one
/// to the next: every byte of the file is counted once.
#[derive(Debug, Default)]
struct LineCursor {
    /// A byte offset of the file, its 1-based line (0: not started) and the characters
    /// before it on that line.
    offset: usize,
    line: usize,
    chars: usize,
}

impl LineCursor {
    /// `message` with its trailing ` at Line: L, Column: C` (sqlparser's position, relative
    /// to the statement starting at file offset `start`) rewritten as the file's line and
    /// column (in characters, as findings count them); other messages unchanged.
    fn file_position(&mut self, text: &str, start: usize, message: &str) -> String {
        const AT: &str = " at Line: ";
        let Some((head, position)) = message.rsplit_once(AT) else {
            return message.to_string();
        };
        let Some((line, column)) = position.split_once(", Column: ") else {
            return message.to_string();
        };
        let (Ok(line), Ok(column)) = (line.parse::<usize>(), column.parse::<usize>()) else {
            return message.to_string();
        };
        let (start_line, start_column) = self.position(text, start);
        let (line, column) = if line <= 1 {
            (start_line, start_column + column.saturating_sub(1))
        } else {
            (start_line + line - 1, column)
        };
        format!("{head}{AT}{line}, Column: {column}")
    }

    /// Line and column (characters, a leading byte order mark not counted) of `offset`,
    /// which is usually not before the previous one asked for (else counting restarts).
    fn position(&mut self, text: &str, offset: usize) -> (usize, usize) {
        const BOM: &str = "\u{feff}";
        let bytes = text.as_bytes();
        let offset = offset.min(bytes.len());
        if self.line == 0 || offset < self.offset {
            let skip = if text.starts_with(BOM) && offset >= BOM.len() {
                BOM.len()
            } else {
                0
            };
            *self = LineCursor {
                offset: skip,
                line: 1,
                chars: 0,
            };
        }
        for &b in bytes.get(self.offset..offset).unwrap_or(&[]) {
            if b == b'\n' {
                self.line += 1;
                self.chars = 0;
            } else if b & 0xC0 != 0x80 {
                // Not a UTF-8 continuation byte: a character starts here.
                self.chars += 1;
            }
        }
        self.offset = offset;
        (self.line, self.chars + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::Dialect;
    use crate::model::ActionKind;

    fn fallback(analysis: &AnalyzedSection, i: usize) -> &str {
        let parse = &analysis.statements[i].parse;
        parse
            .parser_error()
            .unwrap_or_else(|| panic!("statement {i} is {parse:?}"))
    }

    /// sqlparser counts from the start of the statement it is given: its position is moved
    /// to the file's line and column (characters, as findings count them).
    #[test]
    fn sqlparser_positions_are_file_positions() {
        let sql = "drop table t;\ndrop table t,, u;";
        let analysis = analyze_section(sql, 0..sql.len(), Dialect::Postgres);
        assert!(
            fallback(&analysis, 1).ends_with(" at Line: 2, Column: 14"),
            "{}",
            fallback(&analysis, 1)
        );
        // On the line of the statement before it, after a BOM and a multi-byte character,
        // then a statement over several lines; the section starts inside the file.
        let sql = "\u{feff}select 'é'; select 1 + );\n\ncreate table t (\n  a int,\n  b int,\n);";
        let section = sql.find("select").unwrap()..sql.len();
        let analysis = analyze_section(sql, section, Dialect::Postgres);
        let at = |i: usize| {
            let error = fallback(&analysis, i);
            error[error.rfind(" at Line: ").unwrap()..].to_string()
        };
        // The `)` is column 12 of `select 1 + )`, which starts at column 13 of line 1 (12
        // characters before it, the BOM not counted); the `)` after the stray `,` is at 4:1
        // of the CREATE TABLE.
        assert_eq!(at(1), " at Line: 1, Column: 24");
        assert_eq!(at(2), " at Line: 6, Column: 1");
    }

    /// The model comes from the tokens; sqlparser runs only on a statement whose tokens show
    /// a problem, and MT001 quotes its message.
    #[test]
    fn sqlparser_runs_where_the_tokens_show_a_problem() {
        let sql = "grant select on t to r;\ninsert into t values (1);\ndrop table t;\n\
                   grant select on t;\ncomment on table t is 'a' 'b';";
        let analysis = analyze_section(sql, 0..sql.len(), Dialect::Postgres);
        let status: Vec<&ParseStatus> = analysis.statements.iter().map(|s| &s.parse).collect();
        assert_eq!(status[..3], [&ParseStatus::TokensOnly; 3]);
        for i in [3, 4] {
            let ParseStatus::Invalid(problem) = status[i] else {
                panic!("statement {i} is {:?}", status[i]);
            };
            assert!(
                problem.error.starts_with("sql parser error: "),
                "{problem:?}"
            );
        }
    }

    #[test]
    fn messages_without_a_position_are_kept() {
        let mut lines = LineCursor::default();
        let text = "x\ny";
        for message in ["recursion limit exceeded", "odd at Line: x, Column: 2"] {
            assert_eq!(lines.file_position(text, 2, message), message);
        }
        assert_eq!(
            lines.file_position(text, 2, "e at Line: 1, Column: 1"),
            "e at Line: 2, Column: 1"
        );
        // Asked again for an earlier statement, it counts from the start.
        assert_eq!(
            lines.file_position(text, 0, "e at Line: 1, Column: 2"),
            "e at Line: 1, Column: 2"
        );
    }

    /// A statement of more tokens than sqlparser is given is modelled from its tokens like
    /// any other; when its tokens show a problem, MT001 says why sqlparser was not asked.
    #[test]
    fn statements_too_large_for_sqlparser_are_classified_from_tokens() {
        let names: Vec<String> = (0..MAX_PARSED_TOKENS / 2 + 1)
            .map(|i| format!("t{i}"))
            .collect();
        let invalid = format!("drop table {},", names.join(", "));
        let sql = format!("drop table {} cascade;\n{invalid};", names.join(", "));
        let analysis = analyze_section(&sql, 0..sql.len(), Dialect::Postgres);
        for (i, cascade) in [(0, true), (1, false)] {
            let StatementKind::Drop {
                names: dropped,
                cascade: found,
                ..
            } = &analysis.statements[i].kind
            else {
                panic!("{:?}", analysis.statements[i].kind);
            };
            assert_eq!((dropped.len(), *found), (names.len(), cascade));
        }
        assert_eq!(analysis.statements[0].parse, ParseStatus::TokensOnly);
        let error = fallback(&analysis, 1);
        assert!(is_too_large(error), "{error}");
        assert_eq!(
            error,
            format!(
                "statement of {} KB ({} tokens) is larger than the 50000-token sqlparser \
                 limit: checked from its tokens",
                invalid.len() / 1000,
                names.len() * 2 + 2
            )
        );
        assert!(!is_too_large(
            "sql parser error: Expected: end of statement"
        ));
    }

    #[test]
    fn sizes_for_messages() {
        assert_eq!(human_size(999), "999 bytes");
        assert_eq!(human_size(262_144), "262 KB");
        assert_eq!(human_size(5_750_000), "5.7 MB");
    }

    /// Inside an `EXECUTE` string with doubled quotes, inner offsets are not file offsets:
    /// every span of the model, column types and defaults included, points at the literal.
    #[test]
    fn spans_in_decoded_strings_cover_the_literal() {
        let sql = "DO $$ BEGIN EXECUTE 'ALTER TABLE t ADD COLUMN n text DEFAULT ''x'', \
                   ADD COLUMN c timestamp REFERENCES u'; END $$;";
        let literal_start = sql.find("'ALTER").unwrap();
        let literal_end = sql.rfind("u'").unwrap() + 2;
        let analysis = analyze_section(sql, 0..sql.len(), Dialect::Postgres);
        let Some(StatementKind::AlterTable { actions, .. }) = analysis
            .statements
            .iter()
            .find(|s| s.origin.is_dynamic())
            .map(|s| &s.kind)
        else {
            panic!("no dynamic alter table");
        };
        let mut spans = Vec::new();
        for action in actions {
            spans.push(action.span.clone());
            if let ActionKind::AddColumn { def, .. } = &action.kind {
                spans.extend(def.data_type.iter().map(|t| t.span.clone()));
                spans.extend(def.default.iter().map(|d| d.span.clone()));
                spans.extend(def.references.iter().map(|r| r.span.clone()));
            }
        }
        assert_eq!(spans.len(), 6);
        assert!(
            spans.iter().all(|s| *s == (literal_start..literal_end)),
            "{spans:?}"
        );
    }
}
