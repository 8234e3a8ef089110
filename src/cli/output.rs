//! Where a run's results go: stdout, the files GitHub Actions names, exit codes, and
//! `Failure`, the one-line error the CLI turns every problem into.

use std::io::{IsTerminal, Write};
use std::path::Path;

use sqlgate_core::source::escape_controls;
use sqlgate_discover::lexical;

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

/// [`write_report`] for a local run (`check`): human output says what CI will need of a
/// required gate, from the config's gate settings.
pub(super) fn write_local_report(
    format: Format,
    output: &CheckOutput,
    gate: &sqlgate_config::GateConfig,
) -> Result<(), Failure> {
    if format != Format::Human {
        return write_report(format, output);
    }
    let policy = report::human::GatePolicy {
        approvals: gate.approvals,
        backup: gate.backup.required,
    };
    let text =
        report::human::render_local(&output.report, &output.files, &human_options(), &policy);
    write_stdout(&text)
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

/// One line for stderr, `<prefix>: <text>`, whatever `text` holds (a message quoting a
/// config key, a path, a file name): control characters are written as escapes (`\n`,
/// `\u{1b}`), so a crafted key cannot end the line and forge the next one, nor send a
/// terminal escape sequence. Under GitHub Actions the runner reads stderr for workflow
/// commands too: the text is escaped as command data (`%`, CR, LF) and the legacy `##[`
/// prefix, honoured anywhere in a line, is broken up (`#%23[`); the `::` form only counts at
/// the start of a line, which is the prefix's.
pub(super) fn stderr_line(prefix: &str, text: &str) -> String {
    format!("{prefix}: {}", stderr_text(text))
}

/// `text` (paths, names, messages from input) made safe for one line of stderr: control
/// characters escaped, and under GitHub Actions workflow commands too.
pub(super) fn stderr_text(text: &str) -> String {
    let text = escape_controls(text);
    if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        report::github::escape_data(&text).replace("##[", "#%23[")
    } else {
        text
    }
}

/// Colour only on a terminal without `NO_COLOR` (set to anything) or `TERM=dumb`; lines
/// wrapped at `COLUMNS` (else 100) on a terminal, never when stdout is a file or a pipe.
pub(super) fn human_options() -> HumanOptions {
    let terminal = std::io::stdout().is_terminal();
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .unwrap_or(100);
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    HumanOptions {
        color: colour(terminal, dumb, no_color),
        width: if terminal { width } else { 0 },
    }
}

/// Colour only on a terminal that can show it, unless `NO_COLOR` asks for none.
fn colour(terminal: bool, term_is_dumb: bool, no_color: bool) -> bool {
    terminal && !term_is_dumb && !no_color
}

/// Appends `text` to the file a GitHub Actions variable names, when it is set. GitHub gives
/// these paths (outside the checkout), but a step before could have replaced the file with a
/// link: it is written only as a regular file.
pub(super) fn append_to(path: Option<&Path>, var: &str, text: &str) -> Result<(), Failure> {
    let Some(path) = path else { return Ok(()) };
    let what = format!("${var}");
    open_no_follow(path, true)
        .and_then(|mut file| file.write_all(text.as_bytes()).map_err(NotOpened::Io))
        .map_err(|e| e.failure(&what, path))
}

/// Writes `text` to `path`, a path sqlgate was given to write `what` to (the SARIF file),
/// relative to `cwd`. The pull request controls the checkout, so the path must stay in
/// `root` (the repository, canonical) as written and as resolved, and must not be a
/// symbolic link: a link committed there would otherwise make sqlgate overwrite whatever it
/// points to.
pub(super) fn write_in_repository(
    path: &Path,
    cwd: &Path,
    root: &Path,
    what: &str,
    text: &str,
) -> Result<(), Failure> {
    let refused = |why: String| NotOpened::Refused(why).failure(what, path);
    let joined = lexical(&cwd.join(path));
    if !joined.starts_with(root) {
        return Err(refused(format!(
            "it is outside the repository ({}): give a path in the checkout",
            root.display()
        )));
    }
    // The directories on the way may be links the pull request committed, too.
    if let Some(dir) = joined.parent().and_then(|d| std::fs::canonicalize(d).ok()) {
        if !dir.starts_with(root) {
            return Err(refused(format!(
                "its directory leads through a symbolic link outside the repository ({})",
                dir.display()
            )));
        }
    }
    open_no_follow(&joined, false)
        .and_then(|mut file| file.write_all(text.as_bytes()).map_err(NotOpened::Io))
        .map_err(|e| e.failure(what, path))
}

/// Writes `text` to `path` (replacing it), never through a symbolic link at its end.
pub(super) fn write_no_follow(path: &Path, what: &str, text: &str) -> Result<(), Failure> {
    open_no_follow(path, false)
        .and_then(|mut file| file.write_all(text.as_bytes()).map_err(NotOpened::Io))
        .map_err(|e| e.failure(what, path))
}

/// Why a file to write was not written.
enum NotOpened {
    /// sqlgate would not write there, and why.
    Refused(String),
    Io(std::io::Error),
}

impl NotOpened {
    fn failure(self, what: &str, path: &Path) -> Failure {
        match self {
            NotOpened::Refused(why) => {
                Failure(format!("refused to write {what} {}: {why}", path.display()))
            }
            NotOpened::Io(e) => Failure(format!("cannot write {what} {}: {e}", path.display())),
        }
    }
}

/// Opens `path` for writing (appending, or from the start), never through a symbolic link at
/// its end, without `O_NOFOLLOW` (no `libc` here): a link, or anything but a regular file
/// (a FIFO would block), is refused; a new file is created with `O_EXCL`, which does not
/// follow links; an existing one is opened and must be the file just looked at (same device
/// and inode), so a link swapped in meanwhile is caught before anything is written.
/// Truncating waits for that check. `Err` is why, for the caller's message.
fn open_no_follow(path: &Path, append: bool) -> Result<std::fs::File, NotOpened> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).append(append);
    let seen = match std::fs::symlink_metadata(path) {
        Ok(seen) => seen,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return options.create_new(true).open(path).map_err(NotOpened::Io);
        }
        Err(e) => return Err(NotOpened::Io(e)),
    };
    if seen.file_type().is_symlink() {
        return Err(NotOpened::Refused(
            "it is a symbolic link (it could point anywhere): remove it or give another path"
                .to_string(),
        ));
    }
    if !seen.is_file() {
        return Err(NotOpened::Refused(
            "it is not a regular file: give the path of a file".to_string(),
        ));
    }
    let file = options.open(path).map_err(NotOpened::Io)?;
    let opened = file.metadata().map_err(NotOpened::Io)?;
    if !same_file(&seen, &opened) {
        return Err(NotOpened::Refused(
            "it was replaced while it was being opened".to_string(),
        ));
    }
    if !append {
        file.set_len(0).map_err(NotOpened::Io)?;
    }
    Ok(file)
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    b.is_file()
}

#[cfg(test)]
mod tests {
    #[test]
    fn colour_needs_a_terminal_that_is_not_dumb_and_no_no_color() {
        assert!(super::colour(true, false, false));
        assert!(!super::colour(false, false, false));
        assert!(!super::colour(true, true, false));
        assert!(!super::colour(true, false, true));
    }
}
