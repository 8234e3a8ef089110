//! Per-section pipeline: split → parse (sqlparser) → classify (tokens) → statement model,
//! including the statements found inside DO blocks, function bodies and EXECUTE strings.

use std::ops::Range;

use crate::classify::{classify, string_contents, Body, BodyKind, Classified};
use crate::lexer::{tokenize, Dialect, Token, TokenKind};
use crate::model::{
    ActionKind, ColumnDef, ConstraintDef, Origin, ParseStatus, Statement, StatementKind,
};
use crate::split::{split, RawKind, SplitError};

/// Dynamic SQL nested deeper than this (EXECUTE inside a DO block inside ...) is not scanned.
const MAX_BODY_DEPTH: usize = 4;

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
    /// Everything: the rules check this section.
    Full,
    /// For a migration that only feeds the catalog (an unchanged one under
    /// `--changed-since`): the token classifier's model, without sqlparser. The classifier
    /// names the same objects (on the corpus, its model equals the AST's for every statement
    /// sqlparser models), at a fifth of the cost; only the parse status is not known.
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
    let split = split(section, range.start, dialect);
    let mut statements = Vec::with_capacity(split.statements.len());
    let mut uses_supabase_auth = false;
    for raw in &split.statements {
        match raw.kind {
            RawKind::PsqlMeta | RawKind::CopyData => statements.push(Statement {
                range: raw.range.clone(),
                kind: if raw.kind == RawKind::PsqlMeta {
                    StatementKind::PsqlMeta
                } else {
                    StatementKind::CopyData
                },
                parse: ParseStatus::TokensOnly,
                origin: Origin::TopLevel,
                concurrently: false,
            }),
            RawKind::Sql => {
                uses_supabase_auth =
                    uses_supabase_auth || mentions_supabase_auth(text, &raw.tokens);
                analyze_statement(
                    text,
                    &raw.tokens,
                    &raw.range,
                    dialect,
                    depth,
                    &mut statements,
                )
            }
        }
    }
    AnalyzedSection {
        statements,
        errors: split.errors,
        comments: split.comments,
        uses_supabase_auth,
    }
}

/// `auth.uid()` / `auth.jwt()` / `auth.role()`, or the roles `anon` / `authenticated`, as
/// SQL tokens (not in comments or string literals).
fn mentions_supabase_auth(text: &str, tokens: &[Token]) -> bool {
    let word = |t: &Token| match t.kind {
        TokenKind::Word | TokenKind::QuotedIdent => text
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

fn analyze_statement(
    text: &str,
    tokens: &[Token],
    range: &Range<usize>,
    dialect: Dialect,
    depth: Depth,
    out: &mut Vec<Statement>,
) {
    let classified = classify(tokens, text, dialect);
    let sql = text.get(range.clone()).unwrap_or("");
    // sqlparser has no DO statement; its PL/pgSQL body is scanned from tokens below.
    let (kind, parse) = match (&classified.kind, depth) {
        (StatementKind::Do, _) | (_, Depth::Catalog) => {
            (classified.kind.clone(), ParseStatus::TokensOnly)
        }
        (_, Depth::Full) => parse_and_model(sql, &classified, range, dialect),
    };
    out.push(Statement {
        range: range.clone(),
        kind,
        parse,
        origin: Origin::TopLevel,
        concurrently: classified.concurrently,
    });
    if let Some(body) = &classified.body {
        scan_body(text, body, &Origin::TopLevel, dialect, out, 0);
    }
}

fn parse_and_model(
    sql: &str,
    classified: &Classified,
    range: &Range<usize>,
    dialect: Dialect,
) -> (StatementKind, ParseStatus) {
    match crate::ast::parse(sql, dialect) {
        Ok(ast) => (
            crate::ast::model(&ast, &classified.kind, range, dialect)
                .unwrap_or_else(|| classified.kind.clone()),
            ParseStatus::Parsed,
        ),
        Err(error) => (classified.kind.clone(), ParseStatus::Fallback { error }),
    }
}

/// Where body text comes from: the file itself, or a decoded string literal whose inner
/// positions do not map to file bytes (then every span points at the whole literal).
struct BodySource<'a> {
    text: &'a str,
    base: usize,
    literal_span: Option<Range<usize>>,
}

fn scan_body(
    text: &str,
    body: &Body,
    parent: &Origin,
    dialect: Dialect,
    out: &mut Vec<Statement>,
    depth: usize,
) {
    if depth >= MAX_BODY_DEPTH {
        return;
    }
    let origin = match (&body.kind, parent) {
        (BodyKind::DoBlock, _) => Origin::DoBlock { execute: false },
        (BodyKind::Function { name }, _) => Origin::FunctionBody {
            function: name.clone(),
            execute: false,
        },
    };
    match &body.decoded {
        None => {
            let Some(inner) = text.get(body.range.clone()) else {
                return;
            };
            let source = BodySource {
                text,
                base: body.range.start,
                literal_span: None,
            };
            scan_code(&source, inner, &origin, dialect, out, depth);
        }
        Some(decoded) => {
            let source = BodySource {
                text: decoded,
                base: 0,
                literal_span: Some(body.range.start.saturating_sub(1)..body.range.end + 1),
            };
            scan_code(&source, decoded, &origin, dialect, out, depth);
        }
    }
}

/// Finds statements in procedural code: a statement keyword where a statement can start
/// (after `;`, THEN, ELSE, LOOP, BEGIN, a label), and the strings given to EXECUTE.
fn scan_code(
    source: &BodySource,
    code: &str,
    origin: &Origin,
    dialect: Dialect,
    out: &mut Vec<Statement>,
    depth: usize,
) {
    let tokens: Vec<Token> = tokenize(code, source.base, dialect)
        .into_iter()
        .filter(|t| !t.is_trivia())
        .collect();
    let word = |i: usize| -> Option<&str> {
        tokens
            .get(i)
            .filter(|t| t.kind == TokenKind::Word)
            .and_then(|t| source.text.get(t.range.clone()))
    };
    let is_punct = |i: usize, p: &str| {
        tokens.get(i).is_some_and(|t| {
            matches!(t.kind, TokenKind::Punct | TokenKind::Operator)
                && source.text.get(t.range.clone()) == Some(p)
        })
    };
    let statement_end = |from: usize| {
        let mut depth = 0usize;
        (from..tokens.len())
            .find(|&i| {
                if is_punct(i, "(") {
                    depth += 1;
                } else if is_punct(i, ")") {
                    depth = depth.saturating_sub(1);
                } else if depth == 0 && is_punct(i, ";") {
                    return true;
                }
                false
            })
            .unwrap_or(tokens.len())
    };
    let mut at_start = true;
    let mut i = 0;
    while i < tokens.len() {
        let keyword = word(i).map(|w| w.to_ascii_uppercase());
        match keyword.as_deref() {
            Some("DROP" | "TRUNCATE" | "DELETE" | "UPDATE" | "ALTER" | "CREATE" | "RENAME")
                if at_start =>
            {
                let end = statement_end(i);
                let statement_tokens = &tokens[i..end];
                let classified = classify(statement_tokens, source.text, dialect);
                push_nested(source, statement_tokens, &classified, origin, out);
                if let Some(body) = &classified.body {
                    if source.literal_span.is_none() {
                        scan_body(source.text, body, origin, dialect, out, depth + 1);
                    }
                }
                i = end;
                at_start = false;
                continue;
            }
            // Plain SQL statements: skipped whole, so the `WHEN MATCHED THEN UPDATE` of a
            // MERGE or an `ON CONFLICT DO UPDATE` is not taken for a statement of its own.
            Some("MERGE" | "INSERT" | "SELECT" | "PERFORM" | "RETURN") if at_start => {
                i = statement_end(i);
                continue;
            }
            Some("EXECUTE") => {
                let end = statement_end(i);
                let literal = tokens[i + 1..end]
                    .iter()
                    .find(|t| matches!(t.kind, TokenKind::String | TokenKind::DollarString));
                if let Some((inner, decoded)) =
                    literal.and_then(|t| string_contents(source.text, t))
                {
                    let literal_range = literal.map(|t| t.range.clone()).unwrap_or_default();
                    let execute_origin = origin.with_execute();
                    match (decoded, &source.literal_span) {
                        (None, None) => {
                            if let Some(code) = source.text.get(inner.clone()) {
                                let nested = BodySource {
                                    text: source.text,
                                    base: inner.start,
                                    literal_span: None,
                                };
                                scan_code(&nested, code, &execute_origin, dialect, out, depth + 1);
                            }
                        }
                        (decoded, outer) => {
                            let code = decoded.unwrap_or_else(|| {
                                source.text.get(inner.clone()).unwrap_or("").to_string()
                            });
                            let span = outer.clone().unwrap_or(literal_range);
                            let nested = BodySource {
                                text: &code,
                                base: 0,
                                literal_span: Some(span),
                            };
                            scan_code(&nested, &code, &execute_origin, dialect, out, depth + 1);
                        }
                    }
                }
                i = end;
                at_start = false;
                continue;
            }
            _ => {}
        }
        at_start = is_punct(i, ";")
            || is_punct(i, ">>")
            || matches!(
                keyword.as_deref(),
                Some("THEN" | "ELSE" | "LOOP" | "BEGIN" | "DECLARE")
            );
        i += 1;
    }
}

fn push_nested(
    source: &BodySource,
    tokens: &[Token],
    classified: &Classified,
    origin: &Origin,
    out: &mut Vec<Statement>,
) {
    let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
        return;
    };
    let mut kind = classified.kind.clone();
    let range = match &source.literal_span {
        Some(span) => {
            respan(&mut kind, span);
            span.clone()
        }
        None => first.range.start..last.range.end,
    };
    out.push(Statement {
        range,
        kind,
        parse: ParseStatus::TokensOnly,
        origin: origin.clone(),
        concurrently: classified.concurrently,
    });
}

/// Points every span of a statement model at `span` (for statements read from a decoded
/// string literal, whose inner offsets are not file offsets).
fn respan(kind: &mut StatementKind, span: &Range<usize>) {
    for name in kind.names_mut() {
        name.span = span.clone();
    }
    match kind {
        StatementKind::AlterTable { actions, .. } => {
            for action in actions {
                action.span = span.clone();
                for name in action.kind.names_mut() {
                    name.span = span.clone();
                }
                match &mut action.kind {
                    ActionKind::AddColumn { def, .. } => respan_column(def, span),
                    ActionKind::AddConstraint { constraint } => respan_constraint(constraint, span),
                    ActionKind::AlterColumnType {
                        data_type: Some(data_type),
                        ..
                    } => data_type.span = span.clone(),
                    _ => {}
                }
            }
        }
        StatementKind::CreateTable {
            columns,
            partition_of,
            ..
        } => {
            for column in columns {
                column.name.span = span.clone();
                respan_column(&mut column.def, span);
            }
            if let Some(parent) = partition_of {
                parent.span = span.clone();
            }
        }
        StatementKind::AlterDomain {
            add_constraint: Some(constraint),
            ..
        } => respan_constraint(constraint, span),
        _ => {}
    }
}

fn respan_column(def: &mut ColumnDef, span: &Range<usize>) {
    if let Some(data_type) = &mut def.data_type {
        data_type.span = span.clone();
    }
    if let Some(default) = &mut def.default {
        default.span = span.clone();
    }
    if let Some(references) = &mut def.references {
        references.span = span.clone();
    }
}

fn respan_constraint(constraint: &mut ConstraintDef, span: &Range<usize>) {
    for name in constraint.name.iter_mut().chain(&mut constraint.references) {
        name.span = span.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::Dialect;

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
