//! Marker comments inside a file: dbmate and goose sections, transaction opt-outs.

use std::ops::Range;

/// Lines of a text: (start of line, end of line without `\r\n`, start of the next line).
fn lines(text: &str) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let rest = &text[start..];
        let (end, next) = match rest.find('\n') {
            Some(i) => (start + i, start + i + 1),
            None => (text.len(), text.len()),
        };
        let mut content_end = end;
        if content_end > start && text.as_bytes()[content_end - 1] == b'\r' {
            content_end -= 1;
        }
        let line = (start, content_end, next);
        start = next;
        Some(line)
    })
}

fn strip_bom(line: &str) -> &str {
    line.strip_prefix('\u{feff}').unwrap_or(line)
}

/// The text of a `--` comment line after the dashes, or `None` for other lines.
fn comment_body(line: &str) -> Option<&str> {
    strip_bom(line).trim_start().strip_prefix("--")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Sections {
    pub up: Option<(Range<usize>, bool)>,
    pub down: Option<(Range<usize>, bool)>,
    /// Whole-file transaction opt-out (goose `NO TRANSACTION`).
    pub no_transaction: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    Up,
    Down,
}

/// Each marker: (kind, line start, body start, opts out of the transaction).
fn split(text: &str, markers: Vec<(Mark, usize, usize, bool)>, no_transaction: bool) -> Sections {
    let mut sections = Sections {
        up: None,
        down: None,
        no_transaction,
    };
    for (i, &(mark, _, body, no_tx)) in markers.iter().enumerate() {
        let end = markers.get(i + 1).map_or(text.len(), |m| m.1);
        let slot = match mark {
            Mark::Up => &mut sections.up,
            Mark::Down => &mut sections.down,
        };
        if slot.is_none() {
            *slot = Some((body..end.max(body), no_tx));
        }
    }
    sections
}

/// dbmate: `-- migrate:up [transaction:false]` and `-- migrate:down [...]`.
pub(super) fn dbmate(text: &str) -> Option<Sections> {
    // Asked of every file of a flat directory: memchr's search, not `str::contains`'s
    // (which sets up a two-way searcher per call).
    memchr::memmem::find(text.as_bytes(), b"migrate:")?;
    let mut markers = Vec::new();
    for (start, end, next) in lines(text) {
        let Some(body) = comment_body(&text[start..end]) else {
            continue;
        };
        let body = body.trim_start();
        let (mark, options) = if let Some(rest) = body.strip_prefix("migrate:up") {
            (Mark::Up, rest)
        } else if let Some(rest) = body.strip_prefix("migrate:down") {
            (Mark::Down, rest)
        } else {
            continue;
        };
        if !(options.is_empty() || options.starts_with(char::is_whitespace)) {
            continue;
        }
        let no_tx = options
            .split_whitespace()
            .any(|opt| opt.eq_ignore_ascii_case("transaction:false"));
        markers.push((mark, start, next, no_tx));
    }
    if !markers.iter().any(|m| m.0 == Mark::Up) {
        return None;
    }
    Some(split(text, markers, false))
}

/// goose: `-- +goose Up`, `-- +goose Down`, `-- +goose NO TRANSACTION` (case-insensitive).
/// `StatementBegin`/`StatementEnd`/`ENVSUB` lines are comments inside a section.
/// `+goose` in any case, found by a byte search for `+` (no lower-cased copy of the text:
/// discovery asks it of every file of a directory).
fn contains_plus_goose(text: &str) -> bool {
    let bytes = text.as_bytes();
    text.match_indices('+').any(|(at, _)| {
        bytes
            .get(at..at + 6)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"+goose"))
    })
}

pub(super) fn goose(text: &str) -> Option<Sections> {
    if !contains_plus_goose(text) {
        return None;
    }
    let mut markers = Vec::new();
    let mut no_transaction = false;
    for (start, end, next) in lines(text) {
        let Some(body) = comment_body(&text[start..end]) else {
            continue;
        };
        let body = body.trim();
        let Some(command) = body
            .get(..6)
            .filter(|p| p.eq_ignore_ascii_case("+goose"))
            .map(|_| body[6..].trim())
        else {
            continue;
        };
        let words: Vec<String> = command
            .split_whitespace()
            .map(|w| w.to_ascii_lowercase())
            .collect();
        match words
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            ["up", ..] => markers.push((Mark::Up, start, next, false)),
            ["down", ..] => markers.push((Mark::Down, start, next, false)),
            ["no", "transaction", ..] => no_transaction = true,
            _ => {}
        }
    }
    if !markers.iter().any(|m| m.0 == Mark::Up) {
        return None;
    }
    Some(split(text, markers, no_transaction))
}

/// sqlx: the migration opts out of the transaction when its SQL starts with `-- no-transaction`.
pub(super) fn sqlx_no_transaction(text: &str) -> bool {
    strip_bom(text).starts_with("-- no-transaction")
}

/// sqlx-cli writes `-- Add migration script here` into every new migration.
pub(super) fn sqlx_template_comment(text: &str) -> bool {
    text.contains("-- Add migration script here")
}

/// Atlas: a `-- atlas:txmode none` directive line.
pub(super) fn atlas_no_transaction(text: &str) -> bool {
    text.contains("atlas:txmode")
        && lines(text).any(|(start, end, _)| {
            comment_body(&text[start..end]).is_some_and(|body| {
                let words: Vec<&str> = body.split_whitespace().collect();
                words.len() >= 2
                    && words[0].eq_ignore_ascii_case("atlas:txmode")
                    && words[1].eq_ignore_ascii_case("none")
            })
        })
}

/// postgres-migrations (thomwright/postgres-migrations): a `-- postgres-migrations
/// disable-transaction` comment line opts the file out of the transaction the library runs
/// each migration in.
pub(super) fn postgres_migrations_opt_out(text: &str) -> bool {
    text.contains("postgres-migrations")
        && lines(text).any(|(start, end, _)| {
            comment_body(&text[start..end]).is_some_and(|body| {
                let words: Vec<&str> = body.split_whitespace().collect();
                words.len() >= 2
                    && words[0].eq_ignore_ascii_case("postgres-migrations")
                    && words[1].eq_ignore_ascii_case("disable-transaction")
            })
        })
}

/// Flyway per-script config (`V1__x.sql.conf`): `executeInTransaction=false`.
pub(super) fn flyway_conf_no_transaction(conf: &str) -> bool {
    conf.lines().any(|line| {
        let line = line.trim();
        let Some((key, value)) = line.split_once('=') else {
            return false;
        };
        key.trim() == "executeInTransaction" && value.trim().eq_ignore_ascii_case("false")
    })
}

/// diesel `metadata.toml`: `run_in_transaction = false`.
pub(super) fn diesel_metadata_no_transaction(metadata: &str) -> bool {
    match metadata.parse::<toml::Table>() {
        Ok(table) => table
            .get("run_in_transaction")
            .and_then(toml::Value::as_bool)
            .is_some_and(|run| !run),
        Err(_) => metadata.lines().any(|line| {
            let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            compact.starts_with("run_in_transaction=false")
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dbmate_sections() {
        let text = "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n-- migrate:down\r\nDROP INDEX i;\n";
        let s = dbmate(text).unwrap();
        let (up, up_no_tx) = s.up.unwrap();
        assert_eq!(&text[up], "CREATE INDEX CONCURRENTLY i ON t (a);\n\n");
        assert!(up_no_tx);
        let (down, down_no_tx) = s.down.unwrap();
        assert_eq!(&text[down], "DROP INDEX i;\n");
        assert!(!down_no_tx);
        assert!(dbmate("-- migrate:upper\n").is_none());
    }

    #[test]
    fn goose_sections() {
        let text = "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementEnd\n-- +goose down\nSELECT 2;";
        let s = goose(text).unwrap();
        assert_eq!(
            &text[s.up.unwrap().0],
            "-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementEnd\n"
        );
        assert_eq!(&text[s.down.unwrap().0], "SELECT 2;");
        assert!(!s.no_transaction);
        assert!(
            goose("-- +goose NO TRANSACTION\n-- +goose Up\nx")
                .unwrap()
                .no_transaction
        );
    }

    #[test]
    fn plus_goose_in_any_case_anywhere() {
        for text in [
            "-- +goose Up",
            "x -- +GOOSE up",
            "é+Goose",
            "1 + 2; -- +goose",
        ] {
            assert!(contains_plus_goose(text), "{text}");
        }
        for text in ["", "+", "+goos", "1 + goose", "-- goose Up", "+gooséé"] {
            assert!(!contains_plus_goose(text), "{text}");
        }
    }

    #[test]
    fn opt_outs() {
        assert!(atlas_no_transaction("-- atlas:txmode none\nCREATE INDEX"));
        assert!(!atlas_no_transaction("-- atlas:txmode file\n"));
        assert!(flyway_conf_no_transaction("executeInTransaction = false\n"));
        assert!(diesel_metadata_no_transaction(
            "run_in_transaction = false\n"
        ));
        assert!(!diesel_metadata_no_transaction(
            "run_in_transaction = true\n"
        ));
        assert!(sqlx_no_transaction("-- no-transaction\nCREATE INDEX"));
    }
}
