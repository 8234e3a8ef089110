//! Renderers. `human` is the only module that imports miette.
//!
//! Every renderer is a pure function of the [`RunReport`] (and, for `human`, the source
//! text): no environment reads, no I/O. The caller decides where the output goes.

mod shared;

pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod stats;

use sqlgate_core::run::RunReport;

pub use human::HumanOptions;
pub use shared::{plural, NoSources, SourceLookup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
    Markdown,
    Sarif,
}

/// Renders `report` in `format`. For [`Format::Github`] this is the workflow commands
/// (annotations); the step summary is [`markdown::render`] and the step outputs are
/// [`github::outputs`].
pub fn render(
    format: Format,
    report: &RunReport,
    sources: &dyn SourceLookup,
    human: &HumanOptions,
) -> String {
    match format {
        Format::Human => human::render(report, sources, human),
        Format::Json => json::render(report),
        Format::Github => {
            let mut out = String::new();
            github::render(report, &mut out);
            out
        }
        Format::Markdown => markdown::render(report),
        Format::Sarif => sarif::render(report),
    }
}

/// Writes the report in `format` to `out`. JSON and SARIF are serialized straight into it;
/// the other formats are rendered first.
pub fn write(
    format: Format,
    report: &RunReport,
    sources: &dyn SourceLookup,
    human: &HumanOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        _ => out.write_all(render(format, report, sources, human).as_bytes()),
    }
}
