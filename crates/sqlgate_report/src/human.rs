//! Human output: miette source snippets grouped by file, then a summary line.
//!
//! This is the only module in the crate that imports miette.

use std::borrow::Cow;
use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use sqlgate_core::finding::{docs_url, Finding, Severity};
use sqlgate_core::run::RunReport;
use sqlgate_core::verdict::GateFileKind;

use crate::shared::{files_with_findings, group_by_file, plural, SourceLookup};

const BOM: &str = "\u{feff}";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanOptions {
    pub color: bool,
    /// Terminal width for wrapping (at least 40); 0: no wrapping (stdout is not a
    /// terminal: a file, a pipe, an editor reads whole lines).
    pub width: usize,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            color: false,
            width: 100,
        }
    }
}

/// What CI will ask of a required gate (`gate.approvals`, `gate.backup.required`), for
/// local runs (`sqlgate check`, pre-commit), which cannot see reviews or backups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatePolicy {
    pub approvals: u32,
    pub backup: bool,
}

impl GatePolicy {
    /// `Merge gate: required (CI will need 2 approvals and a backup before merge).`
    pub fn line(&self) -> String {
        let approvals = match self.approvals {
            0 => None,
            1 => Some("1 approval".to_string()),
            n => Some(format!("{n} approvals")),
        };
        let needs = match (approvals, self.backup) {
            (Some(a), true) => format!("{a} and a backup"),
            (Some(a), false) => a,
            (None, true) => "a backup".to_string(),
            (None, false) => {
                return "Merge gate: required (CI asks for no approval and no backup: \
                        gate.approvals is 0 and gate.backup.required is false)."
                    .to_string()
            }
        };
        format!("Merge gate: required (CI will need {needs} before merge).")
    }
}

/// [`render`] for a local run: a required gate, which only CI can evaluate, says what CI
/// will need (`policy`) instead of "blocked".
pub fn render_local(
    report: &RunReport,
    sources: &dyn SourceLookup,
    options: &HumanOptions,
    policy: &GatePolicy,
) -> String {
    render_with(report, sources, options, Some(policy))
}

/// Renders every unsuppressed finding with a snippet of its source, grouped under a
/// heading per file, then the files that could not be read, then one summary line.
///
/// Colour (ANSI escapes) only when `options.color`; never terminal hyperlinks. Byte
/// ranges that are empty, past the end or inside a character are clamped; when the source
/// text is missing or cannot be rendered, the finding is shown without a snippet.
pub fn render(report: &RunReport, sources: &dyn SourceLookup, options: &HumanOptions) -> String {
    render_with(report, sources, options, None)
}

fn render_with(
    report: &RunReport,
    sources: &dyn SourceLookup,
    options: &HumanOptions,
    policy: Option<&GatePolicy>,
) -> String {
    let style = Style {
        color: options.color,
    };
    let width = (options.width != 0).then(|| options.width.max(40));
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
        let gate = &report.gate;
        let unevaluated = gate.approvals.is_none() && gate.backup.is_none();
        let line = match policy {
            Some(policy) if unevaluated && gate.errors.is_empty() => policy.line(),
            _ => {
                let mut line = format!("Merge gate: {}", gate.status);
                if !gate.missing.is_empty() {
                    line.push_str(&format!(" (missing: {})", gate.missing.join(", ")));
                }
                line.push('.');
                line
            }
        };
        out.push_str(&style.bold(&line));
        out.push('\n');
        for file in &report.gate.files {
            let why = match file.kind {
                GateFileKind::NotVerified => format!("not verified: {}", file.reason),
                GateFileKind::Policy => file.reason.clone(),
            };
            out.push_str(&sanitize(&format!("  {}: {why}\n", file.file)));
        }
        gate_details(&mut out, &report.gate);
    }
    out.push_str(&style.bold(&summary(report)));
    out.push('\n');
    out
}

/// What the evaluated gate saw and what to do, indented under the gate line.
fn gate_details(out: &mut String, gate: &sqlgate_core::verdict::GateSummary) {
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

/// `width`: where to wrap, `None` for no wrapping.
fn render_finding(
    f: &Finding,
    text: Option<&FileText>,
    color: bool,
    width: Option<usize>,
) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        // Without wrapping, the width only bounds nothing: large, with room for indents.
        .with_width(width.unwrap_or(usize::MAX / 4))
        .with_wrap_lines(width.is_some())
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
    snippet: Option<Snippet>,
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

/// Lines of at most this many characters are shown whole; longer ones only in part.
const LONG_LINE: usize = 256;

/// How many characters of a long line are shown on each side of the span's start and of
/// its end; the rest of the line is left out and marked with [`ELLIPSIS`].
const CONTEXT: usize = 120;

/// Marks where part of a long line was left out.
const ELLIPSIS: &str = "…";

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

    /// Byte offset where the text of 0-based `line` ends: before its LF or CR LF.
    fn content_end(&self, line: usize) -> usize {
        let end = self.newlines.get(line).copied().unwrap_or(self.text.len());
        if self.text[..end].ends_with('\r') && end < self.text.len() {
            end - 1
        } else {
            end
        }
    }

    /// The finding's span clamped into the text, and only the lines miette shows around
    /// it (one before, one after), so rendering costs the same anywhere in a large file.
    /// Long lines are cut down to the parts around the span's start and end (see
    /// [`Excerpt`]), so the snippet stays small however long the lines are.
    fn snippet(&self, f: &Finding) -> Snippet {
        let text = self.text;
        let start = floor_char_boundary(text, f.range.start.saturating_sub(self.shift));
        let mut end = floor_char_boundary(text, f.range.end.saturating_sub(self.shift)).max(start);
        let first = self.line_of(start);
        let mut last = self.line_of(end.saturating_sub(1).max(start));
        if last - first >= MAX_SPAN_LINES {
            last = first;
            // Up to, not including, the line feed (or CR LF) ending the first line.
            end = self.content_end(first).max(start);
        }
        let window_first = first.saturating_sub(1);
        let window_last = (last + 1).min(self.newlines.len());
        // Where the span starts and ends within their lines. Long lines with neither show
        // the same byte columns: those before the last line as the start, those after it
        // as the end.
        let start_column = start - self.line_start(first);
        let end_column = end - self.line_start(last);

        let mut excerpt = Excerpt::default();
        let (mut span_start, mut span_end) = (0, 0);
        for line in window_first..=window_last {
            let line_start = self.line_start(line);
            let content = &text[line_start..self.content_end(line)];
            let terminator = &text[line_start + content.len()..self.line_end(line)];
            let points: &[usize] = if line == first && line == last {
                &[start - line_start, end - line_start]
            } else if line == first {
                &[start - line_start]
            } else if line == last {
                &[end - line_start]
            } else if line < last {
                &[start_column]
            } else {
                &[end_column]
            };
            let offsets = excerpt.push_line(content, terminator, points);
            if line == first {
                span_start = offsets[0];
            }
            if line == last {
                span_end = offsets[points.len() - 1];
            }
        }
        Snippet {
            text: excerpt.text,
            line_offset: window_first,
            name: sanitize(&format!("{}:{}:{}", f.file, f.start.line, f.start.column)).into_owned(),
            span: SourceSpan::new(span_start.into(), span_end.max(span_start) - span_start),
        }
    }
}

/// The text of the lines shown in a snippet, built line by line: short lines whole, long
/// ones cut down to [`CONTEXT`] characters either side of the points that matter, the cuts
/// marked with [`ELLIPSIS`]. Control characters are replaced as by [`sanitize`], and so is
/// a carriage return that does not end a line (miette would start a line there, ending
/// the snippet's line numbers agreement with the file's).
#[derive(Default)]
struct Excerpt {
    text: String,
}

impl Excerpt {
    /// Appends one line: its `content`, then its `terminator` (LF, CR LF or nothing) as is.
    /// `points` are byte offsets into the line (past its content: into the terminator);
    /// returns where each of them ended up in the excerpt's text.
    fn push_line(&mut self, content: &str, terminator: &str, points: &[usize]) -> Vec<usize> {
        let line_start = self.text.len();
        let mut mapped: Vec<Option<usize>> = vec![None; points.len()];
        let mut push = |text: &mut String, piece: &str, from: usize| {
            for (point, at) in points.iter().zip(mapped.iter_mut()) {
                if at.is_none() && (from..=from + piece.len()).contains(point) {
                    *at = Some(text.len() + point - from);
                }
            }
            push_clean(text, piece);
        };
        if is_long(content) {
            let mut shown: Vec<(usize, usize)> = Vec::with_capacity(points.len());
            for &point in points {
                let point = floor_char_boundary(content, point);
                let before = content[..point]
                    .char_indices()
                    .rev()
                    .nth(CONTEXT - 1)
                    .map_or(0, |(i, _)| i);
                let after = content[point..]
                    .char_indices()
                    .nth(CONTEXT)
                    .map_or(content.len(), |(i, _)| point + i);
                match shown.last_mut() {
                    Some(last) if before <= last.1 => last.1 = last.1.max(after),
                    _ => shown.push((before, after)),
                }
            }
            let mut at = 0;
            for &(from, to) in &shown {
                if from > at {
                    self.text.push_str(ELLIPSIS);
                }
                push(&mut self.text, &content[from..to], from);
                at = to;
            }
            if at < content.len() {
                self.text.push_str(ELLIPSIS);
            }
        } else {
            push(&mut self.text, content, 0);
        }
        let content_end = self.text.len();
        self.text.push_str(terminator);
        points
            .iter()
            .zip(mapped)
            .map(|(&point, at)| {
                // A point past the content (in the terminator or beyond the end of the
                // text) keeps its distance from the content's end, within the line.
                at.unwrap_or_else(|| {
                    let past = point.saturating_sub(content.len()).min(terminator.len());
                    if point >= content.len() {
                        content_end + past
                    } else {
                        line_start
                    }
                })
            })
            .collect()
    }
}

/// Whether a line has more than [`LONG_LINE`] characters, counting at most a few of them.
fn is_long(line: &str) -> bool {
    line.len() > LONG_LINE && (line.len() > 4 * LONG_LINE || line.chars().count() > LONG_LINE)
}

/// Appends `s` sanitized, with any carriage return replaced by `?` too.
fn push_clean(out: &mut String, s: &str) {
    let clean = sanitize(s);
    if clean.contains('\r') {
        out.push_str(&clean.replace('\r', "?"));
    } else {
        out.push_str(&clean);
    }
}

/// The lines around a finding, its span relative to them, and the name shown in the
/// snippet header: `path:line:column` with our character-based position (miette counts
/// bytes). Line numbers are made file-absolute with `line_offset`.
struct Snippet {
    text: String,
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

impl SourceCode for Snippet {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner =
            self.text
                .as_str()
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

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use super::*;
    use sqlgate_core::finding::Category;
    use sqlgate_core::source::LineIndex;

    fn finding(text: &str, range: Range<usize>) -> Finding {
        let (start, end) = LineIndex::new(text).span(text, &range);
        Finding {
            rule: "drop-table",
            code: "DS001",
            category: Category::Destructive,
            severity: Severity::Error,
            file_id: 0,
            file: "long.sql".to_string(),
            range,
            start,
            end,
            message: "drop of table t".to_string(),
            help: "back up the table first".to_string(),
            detail: None,
            suppressed: false,
            gate: true,
        }
    }

    /// The finding over `range` of `text`, rendered without colour.
    fn render(text: &str, range: Range<usize>) -> String {
        render_finding(
            &finding(text, range.clone()),
            Some(&FileText::new(text)),
            false,
            Some(100),
        )
    }

    fn range_of(text: &str, needle: &str) -> Range<usize> {
        let start = text.find(needle).expect("needle in text");
        start..start + needle.len()
    }

    /// `c0, c1, c2, …`: a long line whose every part says where it is.
    fn columns(n: usize) -> String {
        (0..n)
            .map(|i| format!("c{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    #[test]
    fn a_long_line_is_shown_around_the_span() {
        let cols = columns(400);
        let text = format!(
            "-- generated\ninsert into t values ({cols}); drop table t; select {cols};\nselect 1;\n"
        );
        let out = render(&text, range_of(&text, "drop table t;"));
        // The real column, though the line shown is cut.
        let column = text.lines().nth(1).unwrap().find("drop").unwrap() + 1;
        assert!(out.contains(&format!("[long.sql:2:{column}]")), "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn a_long_span_on_long_lines_is_shown_by_its_ends() {
        let cols = columns(400);
        // One line, the span over most of it: its start and its end.
        let line = format!("drop table t, {cols};\n");
        let mut out = render(&line, 0..line.len() - 1);
        // Three long lines, the span from the middle of the first to the middle of the last,
        // between two long context lines.
        let text = format!("select {cols};\nselect {cols};\ndrop table\n{cols};\nselect {cols};\n");
        let second = text.find('\n').unwrap() + 1;
        let start = second + text[second..].find("c200").unwrap();
        let fourth = text.find("drop table\n").unwrap() + "drop table\n".len();
        let end = fourth + text[fourth..].find("c300").unwrap() + "c300".len();
        out.push_str(&render(&text, start..end));
        insta::assert_snapshot!(out);
    }

    /// The rendered rows of the snippet: (line number, text) for each source line and the
    /// underline row below it, if any.
    fn rows(out: &str) -> Vec<(Option<usize>, String)> {
        out.lines()
            .filter_map(|row| {
                let (gutter, rest) = row.split_once(['│', '·'])?;
                let number = gutter.trim();
                if !number.is_empty() && number.parse::<usize>().is_err() {
                    return None;
                }
                Some((number.parse().ok(), rest.to_string()))
            })
            .collect()
    }

    #[test]
    fn the_underline_is_under_the_span_wherever_it_is_on_a_long_line() {
        let cols = columns(2000);
        let text = format!("select 1;\n{cols};\nselect 2;\n");
        let line_start = "select 1;\n".len();
        let line = &text[line_start..text.len() - "\nselect 2;\n".len()];
        for start in (0..line.len()).step_by(97).chain([line.len() - 1]) {
            for len in [1, 5, 150, 300, 900, 20_000] {
                let end = (start + len).min(line.len());
                let out = render(&text, line_start + start..line_start + end);
                let rows = rows(&out);
                let at = rows
                    .iter()
                    .position(|(n, _)| *n == Some(2))
                    .unwrap_or_else(|| panic!("no line 2 in:\n{out}"));
                let shown: Vec<char> = rows[at].1.chars().collect();
                let underline: Vec<char> = rows[at + 1].1.chars().collect();
                assert_eq!(rows[at + 1].0, None, "{out}");
                let underlined: String = underline
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| !c.is_whitespace())
                    .map(|(i, _)| shown[i])
                    .collect();
                let span = &line[start..end];
                match underlined.split_once(ELLIPSIS) {
                    Some((head, tail)) => {
                        assert!(span.starts_with(head) && span.ends_with(tail), "{out}");
                        assert!(head.len() >= CONTEXT && tail.len() >= CONTEXT, "{out}");
                    }
                    None => assert_eq!(underlined, span, "{out}"),
                }
                assert!(shown.len() <= 4 * CONTEXT + 4, "{out}");
                let column = line[..start].chars().count() + 1;
                assert!(out.contains(&format!("[long.sql:2:{column}]")), "{out}");
            }
        }
    }

    #[test]
    fn short_lines_are_shown_whole() {
        let text = format!("select '{}'; drop table t;\n", "x".repeat(LONG_LINE - 24));
        assert_eq!(text.len(), LONG_LINE + 1);
        let out = render(&text, range_of(&text, "drop table t"));
        assert!(out.contains(&text[..text.len() - 1]), "{out}");
        assert!(!out.contains(ELLIPSIS), "{out}");
        // One character more, and it is cut.
        let text = format!("select '{}'; drop table t;\n", "x".repeat(LONG_LINE - 23));
        let out = render(&text, range_of(&text, "drop table t"));
        assert!(out.contains(" 1 │ …xxx"), "{out}");
    }

    #[test]
    fn a_carriage_return_alone_does_not_start_a_line() {
        let text = "select 1;\rselect 2;\ndrop\rtable t;\r\nselect 3;\r\n";
        let out = render(text, range_of(text, "drop\rtable t;"));
        assert!(
            out.contains(" 1 │ select 1;?select 2;\n 2 │ drop?table t;\n   · ─────────────\n 3 │ select 3;\n"),
            "{out}"
        );
    }

    /// Texts with long lines, tabs, CR LF, lone CR, wide and multi-byte characters, control
    /// characters; spans anywhere, inside characters, past the end, reversed.
    #[test]
    fn no_span_on_any_line_panics_or_prints_much() {
        let long = "é漢\tx\r".repeat(300);
        let texts = [
            format!("{long}\r\n{long}\r\n{long}"),
            format!("\u{feff}{long}\n\n{long}\n"),
            format!("a\n{}\u{9b}\n{long}", "\t".repeat(70_000)),
            format!("{}\n", "漢".repeat(70_000)),
            "x".repeat(70_000),
        ];
        for text in &texts {
            let file = FileText::new(text);
            let len = text.len();
            let offsets = (0..len + 3)
                .step_by(len / 300 + 1)
                .chain(0..40)
                .chain(len - 40..len + 3);
            for start in offsets {
                for end in [
                    0,
                    start,
                    start + 1,
                    start + 2,
                    start + 400,
                    start + 5000,
                    len,
                    len + 5,
                ] {
                    let mut f = finding("", 0..0);
                    f.range = start..end;
                    let out = render_finding(&f, Some(&file), false, Some(100));
                    assert!(out.contains("╭─[long.sql"), "{start}..{end}: {out}");
                    assert!(out.len() < 16 * 1024, "{start}..{end}: {} bytes", out.len());
                    assert!(!out.contains('\r'), "{start}..{end}: {out}");
                }
            }
        }
    }
}
