//! The whole pipeline on arbitrary bytes, with its invariants checked.
//!
//! The fuzz target (`fuzz/fuzz_targets/pipeline.rs`) and the regression fixtures
//! (`tests/fuzz_regressions.rs` over `fixtures/fuzz/`) both run [`exercise`], so a crash the
//! fuzzer finds stays fixed once its input is saved as a fixture.
//!
//! The first byte chooses the dialect and the migration framework; the rest is the file.
//! Nothing here reads the disk: discovery is replaced by one in-memory migration.

use sqlgate_core::run::RunReport;
use sqlgate_core::source::LineIndex;
use sqlgate_discover::Framework;
use sqlgate_lint::engine::{check_source, CheckOutput};
use sqlgate_lint::rules::REGISTRY;
use sqlgate_report::{self as report, Format, HumanOptions};
use sqlgate_sql::lexer::Dialect;

/// Frameworks the first byte picks from: plain SQL, and the ones whose settings change what
/// rules do (RLS for Supabase, transactions per framework).
const FRAMEWORKS: [Framework; 8] = [
    Framework::Plain,
    Framework::Supabase,
    Framework::GolangMigrate,
    Framework::Sqlx,
    Framework::Diesel,
    Framework::Goose,
    Framework::Flyway,
    Framework::Atlas,
];

/// What one run produced, for callers that want to look further.
pub struct Exercised {
    pub dialect: Dialect,
    pub framework: Framework,
    /// `None` when the bytes are not UTF-8 (the decode error was rendered instead).
    pub output: Option<CheckOutput>,
}

/// Decodes, splits, parses, lints and renders `data` in every output format, then checks
/// what a user relies on: byte ranges inside the text on character boundaries, positions
/// that exist, one-line messages, JSON and SARIF that parse. Returns the first broken
/// invariant; a panic anywhere is a bug too.
pub fn exercise(data: &[u8]) -> Result<Exercised, String> {
    let (choice, body) = data.split_first().map_or((0, &[][..]), |(c, b)| (*c, b));
    let dialect = if choice & 1 == 0 {
        Dialect::Postgres
    } else {
        Dialect::ClickHouse
    };
    let framework = FRAMEWORKS[usize::from(choice >> 1) % FRAMEWORKS.len()];
    let text = match sqlgate_core::source::decode(body.to_vec()) {
        Ok(text) => text,
        Err(invalid) => {
            if invalid.offset > body.len() || invalid.to_string().is_empty() {
                return Err(format!("bad decode error: {invalid:?}"));
            }
            return Ok(Exercised {
                dialect,
                framework,
                output: None,
            });
        }
    };
    let output = check_source("fuzz.sql", &text, dialect, framework, REGISTRY);
    check_findings(&output.report, &text)?;
    render_everything(&output)?;
    Ok(Exercised {
        dialect,
        framework,
        output: Some(output),
    })
}

fn check_findings(report: &RunReport, text: &str) -> Result<(), String> {
    let lines = LineIndex::new(text);
    for f in &report.findings {
        let range = &f.range;
        if range.start > range.end || range.end > text.len() {
            return Err(format!(
                "{} range {range:?} outside 0..{}",
                f.code,
                text.len()
            ));
        }
        if !text.is_char_boundary(range.start) || !text.is_char_boundary(range.end) {
            return Err(format!("{} range {range:?} splits a character", f.code));
        }
        let (start, end) = lines.span(text, range);
        if (start.line, start.column) != (f.start.line, f.start.column)
            || (end.line, end.column) != (f.end.line, f.end.column)
        {
            return Err(format!("{} position does not match its range", f.code));
        }
        if f.start.line == 0 || f.start.column == 0 || f.start.line > lines.line_count() {
            return Err(format!("{} starts at {:?}", f.code, f.start));
        }
        for (what, line) in [("message", &f.message), ("help", &f.help)] {
            if line.is_empty() || line.contains(['\n', '\r']) {
                return Err(format!("{} {what} is not one line: {line:?}", f.code));
            }
        }
    }
    let sorted = report.findings.windows(2).all(|w| {
        (&w[0].file, w[0].start.line, w[0].start.column)
            <= (&w[1].file, w[1].start.line, w[1].start.column)
    });
    if !sorted {
        return Err("findings are not sorted by position".into());
    }
    Ok(())
}

fn render_everything(output: &CheckOutput) -> Result<(), String> {
    let report = &output.report;
    for color in [false, true] {
        let human = HumanOptions { color, width: 80 };
        for format in [
            Format::Human,
            Format::Json,
            Format::Github,
            Format::Markdown,
            Format::Sarif,
        ] {
            let rendered = report::render(format, report, &output.files, &human);
            if matches!(format, Format::Json | Format::Sarif) {
                serde_json::from_str::<serde_json::Value>(&rendered)
                    .map_err(|e| format!("{format:?} output is not JSON: {e}"))?;
            }
        }
    }
    let outputs = report::github::outputs(report);
    if outputs.lines().count() != 8 {
        return Err(format!("step outputs span extra lines: {outputs:?}"));
    }
    report::human::summary(report);
    Ok(())
}
