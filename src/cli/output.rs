//! Where a run's results go: stdout, the files GitHub Actions names, exit codes, and
//! `Failure`, the one-line error the CLI turns every problem into.

use std::io::{IsTerminal, Write};
use std::path::Path;

use sqlgate_lint::engine::CheckOutput;
use sqlgate_report::{self as report, Format, HumanOptions};

pub(super) const EXIT_FINDINGS: u8 = 1;

pub(super) const EXIT_ERROR: u8 = 2;

/// An error for the user: what went wrong and what to do.
pub(super) struct Failure(pub(super) String);

/// The report to stdout: JSON and SARIF are written as they are serialized (thousands of
/// findings are megabytes).
pub(super) fn write_report(format: Format, output: &CheckOutput) -> Result<(), Failure> {
    to_stdout(|out| report::write(format, &output.report, &output.files, &human_options(), out))
}

pub(super) fn write_stdout(text: &str) -> Result<(), Failure> {
    to_stdout(|out| out.write_all(text.as_bytes()))
}

/// Runs `write` on buffered stdout and flushes it.
pub(super) fn to_stdout(
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`sqlgate rules | head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure(format!("cannot write to stdout: {e}"))),
    }
}

/// Colour only on a terminal without `NO_COLOR`.
pub(super) fn human_options() -> HumanOptions {
    HumanOptions {
        color: std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        width: 100,
    }
}

/// Appends `text` to the file a GitHub Actions variable names, when it is set.
pub(super) fn append_to(path: Option<&Path>, var: &str, text: &str) -> Result<(), Failure> {
    let Some(path) = path else { return Ok(()) };
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| Failure(format!("cannot write ${var} ({}): {e}", path.display())))
}
