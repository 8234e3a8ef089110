//! Human output: miette source snippets grouped by file, then a summary line.
//!
//! This is the only module in the crate that imports miette.

use std::borrow::Cow;
use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::finding::{docs_url, Finding, RunReport, Severity};

use super::{files_with_findings, group_by_file, plural, HumanOptions, SourceLookup};

const BOM: &str = "\u{feff}";

/// Renders every unsuppressed finding with a snippet of its source, grouped under a
/// heading per file, then the files that could not be read, then one summary line.
///
/// Colour (ANSI escapes) only when `options.color`; never terminal hyperlinks. Byte
/// ranges that are empty, past the end or inside a character are clamped; when the source
/// text is missing or cannot be rendered, the finding is shown without a snippet.
pub fn render(report: &RunReport, sources: &dyn SourceLookup, options: &HumanOptions) -> String {
    let style = Style {
        color: options.color,
    };
    let width = options.width.max(40);
    let mut out = String::new();

    for (file, findings) in group_by_file(report.findings.iter().filter(|f| !f.suppressed)) {
        out.push_str(&style.heading(&sanitize(file)));
        out.push('\n');
        // Findings of one file usually share a file id; index each text once.
        let mut text: Option<(usize, Option<FileText>)> = None;
        for f in findings {
            if text.as_ref().map(|(id, _)| *id) != Some(f.file_id) {
                text = Some((f.file_id, sources.text(f.file_id).map(FileText::new)));
            }
            // An empty text (a deleted file's stand-in) has nothing to show a snippet of.
            let file_text = text
                .as_ref()
                .and_then(|(_, t)| t.as_ref())
                .filter(|t| !t.text.is_empty());
            out.push_str(&render_finding(f, file_text, options.color, width));
            if let Some(detail) = &f.detail {
                for line in detail.lines() {
                    out.push_str("  │ ");
                    out.push_str(&sanitize(line));
                    out.push('\n');
                }
            }
            out.push_str(&format!("  docs: {}\n", style.link(&docs_url(f.rule))));
            out.push('\n');
        }
    }

    for e in &report.errors {
        out.push_str(&format!(
            "{}: {}: {}\n",
            style.error("error"),
            sanitize(&e.file),
            sanitize(&e.message)
        ));
    }
    if !report.errors.is_empty() {
        out.push('\n');
    }

    if report.gate.required {
        let mut line = format!("Merge gate: {}", report.gate.status);
        if !report.gate.missing.is_empty() {
            line.push_str(&format!(" (missing: {})", report.gate.missing.join(", ")));
        }
        line.push('.');
        out.push_str(&style.bold(&line));
        out.push('\n');
        gate_details(&mut out, &report.gate);
    }
    out.push_str(&style.bold(&summary(report)));
    out.push('\n');
    out
}

/// What the evaluated gate saw and what to do, indented under the gate line.
fn gate_details(out: &mut String, gate: &crate::gate::GateSummary) {
    let (Some(approvals), Some(backup)) = (&gate.approvals, &gate.backup) else {
        return;
    };
    let mut line = format!(
        "  approvals: {} of {}",
        approvals.approved_by.len(),
        approvals.required
    );
    if !approvals.approved_by.is_empty() {
        line.push_str(&format!(" ({})", approvals.approved_by.join(", ")));
    }
    for n in &approvals.not_counted {
        line.push_str(&format!("; {} not counted: {}", n.login, n.reason));
    }
    out.push_str(&sanitize(&line));
    out.push('\n');
    if !approvals.changes_requested_by.is_empty() {
        out.push_str(&sanitize(&format!(
            "  changes requested by: {}\n",
            approvals.changes_requested_by.join(", ")
        )));
    }
    if backup.evidence.is_empty() {
        out.push_str(if backup.required {
            "  backup: none found\n"
        } else {
            "  backup: none found (not required)\n"
        });
        for rejected in &backup.rejected {
            out.push_str(&sanitize(&format!("    - {rejected}\n")));
        }
    }
    for evidence in &backup.evidence {
        out.push_str(&sanitize(&format!("  backup: {}\n", evidence.detail)));
    }
    for error in &gate.errors {
        out.push_str(&sanitize(&format!("  error: {error}\n")));
    }
    for fix in &gate.fixes {
        out.push_str(&sanitize(&format!("  to unblock: {fix}\n")));
    }
}

/// `Found 2 errors and 1 warning in 2 files (12 files checked, 140 statements, 1 suppressed).`
/// or `No findings (12 files checked, 140 statements).`
pub fn summary(report: &RunReport) -> String {
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let suppressed = report.suppressed();
    let mut details = vec![
        plural(report.files_checked, "file checked", "files checked"),
        plural(report.statements, "statement", "statements"),
    ];
    if suppressed > 0 {
        details.push(format!("{suppressed} suppressed"));
    }
    if !report.errors.is_empty() {
        details.push(plural(
            report.errors.len(),
            "file not read",
            "files not read",
        ));
    }
    let details = details.join(", ");
    let found = match (errors, warnings) {
        (0, 0) => return format!("No findings ({details})."),
        (e, 0) => plural(e, "error", "errors"),
        (0, w) => plural(w, "warning", "warnings"),
        (e, w) => format!(
            "{} and {}",
            plural(e, "error", "errors"),
            plural(w, "warning", "warnings")
        ),
    };
    format!(
        "Found {found} in {} ({details}).",
        plural(files_with_findings(report), "file", "files")
    )
}

fn render_finding(f: &Finding, text: Option<&FileText>, color: bool, width: usize) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(width)
        .with_break_words(false)
        .without_cause_chain()
        .without_primary_span_start()
        .without_syntax_highlighting();

    let mut diagnostic = FindingDiagnostic {
        header: sanitize(&format!("{} {}: {}", f.code, f.rule, f.message)).into_owned(),
        severity: match f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
        help: (!f.help.is_empty()).then(|| sanitize(&f.help)),
        snippet: text.map(|text| text.snippet(f)),
    };
    let mut out = String::new();
    if handler.render_report(&mut out, &diagnostic).is_ok() {
        return out;
    }
    // The snippet could not be rendered (a span miette rejects): show the finding without it.
    diagnostic.snippet = None;
    out.clear();
    if handler.render_report(&mut out, &diagnostic).is_ok() {
        return out;
    }
    format!(
        "  {}\n  help: {}\n",
        diagnostic.header,
        diagnostic.help.as_deref().unwrap_or("")
    )
}

struct FindingDiagnostic<'a> {
    header: String,
    severity: miette::Severity,
    help: Option<Cow<'a, str>>,
    snippet: Option<Snippet<'a>>,
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header)
    }
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_deref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let snippet = self.snippet.as_ref()?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(None, snippet.span),
        )))
    }
}

/// Spans covering more lines than this are shown by their first line only.
const MAX_SPAN_LINES: usize = 8;

/// A file's text without a leading BOM, with the offsets of its line feeds.
struct FileText<'a> {
    text: &'a str,
    /// Bytes removed from the front (the BOM): file offsets are this much larger.
    shift: usize,
    newlines: Vec<usize>,
}

impl<'a> FileText<'a> {
    fn new(text: &'a str) -> Self {
        let (text, shift) = match text.strip_prefix(BOM) {
            Some(rest) => (rest, BOM.len()),
            None => (text, 0),
        };
        let newlines = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i)
            .collect();
        FileText {
            text,
            shift,
            newlines,
        }
    }

    /// 0-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&n| n < offset)
    }

    /// Byte offset where 0-based `line` starts.
    fn line_start(&self, line: usize) -> usize {
        match line {
            0 => 0,
            _ => self
                .newlines
                .get(line - 1)
                .map_or(self.text.len(), |n| n + 1),
        }
    }

    /// Byte offset just past 0-based `line`, including its line feed.
    fn line_end(&self, line: usize) -> usize {
        self.newlines.get(line).map_or(self.text.len(), |n| n + 1)
    }

    /// The finding's span clamped into the text, and only the lines miette shows around
    /// it (one before, one after), so rendering costs the same anywhere in a large file.
    fn snippet(&self, f: &Finding) -> Snippet<'a> {
        let text = self.text;
        let start = floor_char_boundary(text, f.range.start.saturating_sub(self.shift));
        let mut end = floor_char_boundary(text, f.range.end.saturating_sub(self.shift)).max(start);
        let first = self.line_of(start);
        let mut last = self.line_of(end.saturating_sub(1).max(start));
        if last - first >= MAX_SPAN_LINES {
            last = first;
            // Up to, not including, the line feed (or CR LF) ending the first line.
            let line_end = self.newlines.get(first).copied().unwrap_or(text.len());
            let line_end = if text[..line_end].ends_with('\r') {
                line_end - 1
            } else {
                line_end
            };
            end = line_end.max(start);
        }
        let window_first = first.saturating_sub(1);
        let window_start = self.line_start(window_first);
        let window_end = self.line_end(last + 1).max(end);
        Snippet {
            // `sanitize` keeps byte lengths, so the span stays valid.
            text: sanitize(&text[window_start..window_end]),
            line_offset: window_first,
            name: sanitize(&format!("{}:{}:{}", f.file, f.start.line, f.start.column)).into_owned(),
            span: SourceSpan::new((start - window_start).into(), end - start),
        }
    }
}

/// The lines around a finding, its span relative to them, and the name shown in the
/// snippet header: `path:line:column` with our character-based position (miette counts
/// bytes). Line numbers are made file-absolute with `line_offset`.
struct Snippet<'a> {
    text: Cow<'a, str>,
    line_offset: usize,
    name: String,
    span: SourceSpan,
}

/// Replaces control characters other than tab, LF and CR, so that neither file content
/// nor names can send escape sequences to the terminal. Byte lengths are kept: a C0
/// control or DEL becomes `?`, a C1 control (two bytes) becomes `??`.
fn sanitize(s: &str) -> Cow<'_, str> {
    let is_bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if !s.chars().any(is_bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_bad(c) {
            for _ in 0..c.len_utf8() {
                out.push('?');
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl SourceCode for Snippet<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner =
            self.text
                .as_ref()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.line_offset,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// ANSI styling for the parts of the output miette does not draw.
struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, codes: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{codes}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn heading(&self, s: &str) -> String {
        self.paint("1;4", s)
    }

    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }

    fn error(&self, s: &str) -> String {
        self.paint("1;31", s)
    }

    fn link(&self, s: &str) -> String {
        self.paint("36", s)
    }
}
