//! The statements inside DO blocks, function bodies and the SQL that `EXECUTE` runs: found
//! in procedural code from tokens, and modelled with a dynamic origin.

use std::ops::Range;

use super::execute::{self, Code, Command, Variables, PLACEHOLDER};
use crate::classify::{classify, string_contents, Body, BodyKind, Classified};
use crate::lexer::{code_tokens, Dialect, Token, TokenKind};
use crate::model::{
    ActionKind, ColumnDef, ConstraintDef, Name, Origin, ParseStatus, Statement, StatementKind,
    COMPUTED_NAME,
};

/// Dynamic SQL nested deeper than this (EXECUTE inside a DO block inside ...) is not scanned.
const MAX_BODY_DEPTH: usize = 4;

/// Where body text comes from: the file itself, or text whose inner positions do not map to
/// file bytes (a decoded string literal, SQL built from the parts of an `EXECUTE`): then every
/// span points at `literal_span`.
struct BodySource<'a> {
    text: &'a str,
    base: usize,
    literal_span: Option<Range<usize>>,
    /// PL/pgSQL, where `EXECUTE` runs dynamic SQL (in SQL it runs a prepared statement).
    plpgsql: bool,
    /// Built by an `EXECUTE` with a [`PLACEHOLDER`] for each part known only at run time.
    built: bool,
}

pub(super) fn scan_body(text: &str, body: &Body, dialect: Dialect, out: &mut Vec<Statement>) {
    scan_body_at(text, body, dialect, out, 0);
}

fn scan_body_at(text: &str, body: &Body, dialect: Dialect, out: &mut Vec<Statement>, depth: usize) {
    if depth >= MAX_BODY_DEPTH {
        return;
    }
    let origin = match &body.kind {
        BodyKind::DoBlock => Origin::DoBlock { execute: false },
        BodyKind::Function { name } => Origin::FunctionBody {
            function: Box::new(name.clone()),
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
                plpgsql: body.plpgsql,
                built: false,
            };
            scan_code(&source, inner, &origin, dialect, out, depth);
        }
        Some(decoded) => {
            let source = BodySource {
                text: decoded,
                base: 0,
                literal_span: Some(body.range.start.saturating_sub(1)..body.range.end + 1),
                plpgsql: body.plpgsql,
                built: false,
            };
            scan_code(&source, decoded, &origin, dialect, out, depth);
        }
    }
}

/// Finds statements in procedural code: a statement keyword where a statement can start
/// (after `;`, THEN, ELSE, LOOP, BEGIN, a label), and the SQL that EXECUTE runs.
fn scan_code(
    source: &BodySource,
    code: &str,
    origin: &Origin,
    dialect: Dialect,
    out: &mut Vec<Statement>,
    depth: usize,
) {
    let tokens = code_tokens(code, source.base, dialect);
    let code = Code {
        tokens: &tokens,
        text: source.text,
    };
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
    let mut variables = Variables::default();
    let mut at_start = true;
    let mut i = 0;
    while i < tokens.len() {
        let keyword = word(i).map(|w| w.to_ascii_uppercase());
        match keyword.as_deref() {
            Some("DROP" | "TRUNCATE" | "DELETE" | "UPDATE" | "ALTER" | "CREATE" | "RENAME")
                if at_start =>
            {
                let end = code.statement_end(i);
                let statement_tokens = &tokens[i..end];
                let classified = classify(statement_tokens, source.text, dialect);
                push_nested(source, statement_tokens, &classified, origin, out);
                if let Some(body) = &classified.body {
                    if source.literal_span.is_none() {
                        scan_body_at(source.text, body, dialect, out, depth + 1);
                    }
                }
                i = end;
                at_start = false;
                continue;
            }
            // `RETURN QUERY EXECUTE ...`: the query's text is read below.
            Some("RETURN")
                if at_start
                    && word(i + 1).is_some_and(|w| w.eq_ignore_ascii_case("query"))
                    && word(i + 2).is_some_and(|w| w.eq_ignore_ascii_case("execute")) =>
            {
                i += 2;
                at_start = false;
                continue;
            }
            // Plain SQL statements: skipped whole, so the `WHEN MATCHED THEN UPDATE` of a
            // MERGE or an `ON CONFLICT DO UPDATE` is not taken for a statement of its own.
            Some("MERGE" | "INSERT" | "SELECT" | "PERFORM" | "RETURN") if at_start => {
                i = code.statement_end(i);
                continue;
            }
            Some("EXECUTE") => {
                let end = code.statement_end(i);
                // SQL's `EXECUTE name(...)` runs a prepared statement; `GRANT EXECUTE ON`,
                // a trigger's `EXECUTE FUNCTION f()`: no SQL text either.
                let not_dynamic = !source.plpgsql
                    || word(i + 1).is_some_and(|w| {
                        ["function", "procedure", "on"]
                            .iter()
                            .any(|k| w.eq_ignore_ascii_case(k))
                    });
                if not_dynamic {
                    i = end;
                    at_start = false;
                    continue;
                }
                let expression_end = code.expression_end(i + 1, end);
                let command = execute::command(&code, i + 1..expression_end, &mut variables);
                let span = |from: usize| match &source.literal_span {
                    Some(span) => span.clone(),
                    None => {
                        let start = tokens.get(from).map_or(0, |t| t.range.start);
                        let end = tokens
                            .get(expression_end.wrapping_sub(1))
                            .map_or(start, |t| t.range.end);
                        start..end.max(start)
                    }
                };
                let execute = ExecuteAt {
                    origin,
                    dialect,
                    depth,
                    expression: span(i + 1),
                };
                match command {
                    Command::Literal(literal) => {
                        if let Some(literal) = tokens.get(literal) {
                            scan_literal(source, literal, &execute, out);
                        }
                    }
                    Command::Built {
                        texts,
                        unreadable,
                        variable,
                    } => {
                        for text in &texts {
                            let built = BodySource {
                                text,
                                base: 0,
                                literal_span: Some(execute.expression.clone()),
                                plpgsql: false,
                                built: true,
                            };
                            let execute_origin = origin.with_execute();
                            scan_code(&built, text, &execute_origin, dialect, out, depth + 1);
                        }
                        // Only an `EXECUTE` statement: `FOR ... IN EXECUTE`, `OPEN ... FOR
                        // EXECUTE` and `RETURN QUERY EXECUTE` run queries whose rows are read.
                        if unreadable && at_start {
                            out.push(Statement {
                                range: span(i),
                                kind: StatementKind::UnreadableExecute {
                                    variable: variable.map(String::into_boxed_str),
                                },
                                parse: ParseStatus::TokensOnly,
                                origin: origin.clone(),
                                concurrently: false,
                            });
                        }
                    }
                }
                i = expression_end;
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

/// Where an `EXECUTE` is: the code's origin, and the file span of its expression.
struct ExecuteAt<'a> {
    origin: &'a Origin,
    dialect: Dialect,
    depth: usize,
    expression: Range<usize>,
}

/// The statements of the SQL string literal an `EXECUTE` runs: with file spans when the
/// literal's text is its bytes, else pointing at the literal (or at the text it is in).
fn scan_literal(
    source: &BodySource,
    literal: &Token,
    execute: &ExecuteAt,
    out: &mut Vec<Statement>,
) {
    let Some((inner, decoded)) = string_contents(source.text, literal) else {
        return;
    };
    let execute_origin = execute.origin.with_execute();
    let (dialect, depth) = (execute.dialect, execute.depth + 1);
    match (decoded, &source.literal_span) {
        (None, None) => {
            if let Some(code) = source.text.get(inner.clone()) {
                let nested = BodySource {
                    text: source.text,
                    base: inner.start,
                    literal_span: None,
                    plpgsql: false,
                    built: false,
                };
                scan_code(&nested, code, &execute_origin, dialect, out, depth);
            }
        }
        (decoded, outer) => {
            let code =
                decoded.unwrap_or_else(|| source.text.get(inner.clone()).unwrap_or("").to_string());
            let span = outer.clone().unwrap_or_else(|| literal.range.clone());
            let nested = BodySource {
                text: &code,
                base: 0,
                literal_span: Some(span),
                plpgsql: false,
                built: source.built,
            };
            scan_code(&nested, &code, &execute_origin, dialect, out, depth);
        }
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
    if source.built {
        mark_computed(&mut kind);
    }
    let range = match &source.literal_span {
        Some(span) => {
            visit_names(&mut kind, &mut |name| name.span = span.clone());
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

/// In SQL built by an `EXECUTE`, a name with a [`PLACEHOLDER`] in it is computed at run time:
/// it becomes [`COMPUTED_NAME`] (its schema kept when known). A `DROP` or `TRUNCATE` of names
/// that are all computed lists none, as the rules expect of a name computed at run time.
fn mark_computed(kind: &mut StatementKind) {
    visit_names(kind, &mut |name| {
        let schema_computed = name
            .schema
            .as_deref()
            .is_some_and(|s| s.contains(PLACEHOLDER));
        if schema_computed || name.name.contains(PLACEHOLDER) {
            name.name = COMPUTED_NAME.to_string();
            if schema_computed {
                name.schema = None;
            }
        }
    });
    let names = match kind {
        StatementKind::Drop { names, .. } => names,
        StatementKind::Truncate { tables, .. } => tables,
        _ => return,
    };
    if names.iter().all(Name::is_computed) {
        names.clear();
    }
}

/// Every name of a statement model: those it names, and those in its actions, columns and
/// constraints.
fn visit_names(kind: &mut StatementKind, visit: &mut impl FnMut(&mut Name)) {
    for name in kind.names_mut() {
        visit(name);
    }
    match kind {
        StatementKind::AlterTable { actions, .. } => {
            for action in actions {
                for name in action.kind.names_mut() {
                    visit(name);
                }
                match &mut action.kind {
                    ActionKind::AddColumn { def, .. } => column_names(def, visit),
                    ActionKind::AddConstraint { constraint } => constraint_names(constraint, visit),
                    _ => {}
                }
            }
        }
        StatementKind::CreateTable {
            columns, clauses, ..
        } => {
            for column in columns.iter_mut() {
                visit(&mut column.name);
                column_names(&mut column.def, visit);
            }
            if let Some(clauses) = clauses {
                if let Some(parent) = &mut clauses.partition_of {
                    visit(parent);
                }
                for constraint in &mut clauses.constraints {
                    constraint_names(constraint, visit);
                }
            }
        }
        StatementKind::AlterDomain {
            add_constraint: Some(constraint),
            ..
        } => constraint_names(constraint, visit),
        _ => {}
    }
}

fn column_names(def: &mut ColumnDef, visit: &mut impl FnMut(&mut Name)) {
    if let Some(references) = &mut def.references {
        visit(references);
    }
}

fn constraint_names(constraint: &mut ConstraintDef, visit: &mut impl FnMut(&mut Name)) {
    for name in constraint.name.iter_mut().chain(&mut constraint.references) {
        visit(name);
    }
}

/// Points the spans of a statement model that are not names' (ALTER TABLE actions, column
/// types and defaults) at `span`: for statements read from text whose offsets are not file
/// offsets.
fn respan(kind: &mut StatementKind, span: &Range<usize>) {
    let column = |def: &mut ColumnDef| {
        if let Some(data_type) = &mut def.data_type {
            data_type.span = span.clone();
        }
        if let Some(default) = &mut def.default {
            default.span = span.clone();
        }
    };
    match kind {
        StatementKind::AlterTable { actions, .. } => {
            for action in actions {
                action.span = span.clone();
                match &mut action.kind {
                    ActionKind::AddColumn { def, .. } => column(def),
                    ActionKind::AlterColumnType {
                        data_type: Some(data_type),
                        ..
                    } => data_type.span = span.clone(),
                    _ => {}
                }
            }
        }
        StatementKind::CreateTable { columns, .. } => {
            for spec in columns.iter_mut() {
                column(&mut spec.def);
            }
        }
        _ => {}
    }
}
