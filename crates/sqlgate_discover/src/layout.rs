//! File and directory names of each layout, and what a path says about the database engine.

use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use crate::model::Version;

/// The patterns are constants (not input), covered by the tests.
fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("constant regex compiles"))
}

/// `(version, name)` of a name matching `pattern` (group 1 the version, group 2 the name).
fn captures(pattern: &Regex, file: &str) -> Option<(Version, String)> {
    let caps = pattern.captures(file)?;
    let version = caps.get(1)?.as_str();
    let name = caps.get(2).map(|m| m.as_str()).unwrap_or("");
    Some((Version::parse(version), name.to_string()))
}

/// `001_name.sql`, `0001-name.sql`, `1.sql`, `1.2_name.sql`, `20240101120000_name.sql`.
///
/// Read by hand for ASCII names without line breaks (`plain_by_regex` is its specification
/// for the others): compiling this Unicode-aware regex was a third of a small repository's
/// run.
pub(super) fn plain(file: &str) -> Option<(Version, String)> {
    if !file.is_ascii() || file.contains('\n') {
        return plain_by_regex(file);
    }
    if !ends_with_ignore_case(file, ".sql") {
        return None;
    }
    let stem = file.get(..file.len() - 4)?;
    let bytes = stem.as_bytes();
    let digits_from = |i: usize| {
        bytes.get(i..).map_or(0, |rest| {
            rest.iter().take_while(|b| b.is_ascii_digit()).count()
        })
    };
    // The version takes every `.digits` it can: what follows it matches anything, and the
    // `.sql` at the end starts no digits.
    let mut version_end = digits_from(0);
    if version_end == 0 {
        return None;
    }
    while bytes.get(version_end) == Some(&b'.') && digits_from(version_end + 1) > 0 {
        version_end += 1 + digits_from(version_end + 1);
    }
    let separators = bytes.get(version_end..).map_or(0, |rest| {
        rest.iter()
            .take_while(|b| matches!(b, b'-' | b'_' | b'.' | b' '))
            .count()
    });
    Some((
        Version::parse(stem.get(..version_end)?),
        stem.get(version_end + separators..)?.to_string(),
    ))
}

fn plain_by_regex(file: &str) -> Option<(Version, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(&RE, PLAIN);
    captures(re, file)
}

const PLAIN: &str = r"(?i)^(\d+(?:\.\d+)*)[-_. ]*(.*)\.sql$";

/// `<digits>_name.sql` (Supabase CLI, sqlx simple, goose, dbmate, Atlas also take `<digits>.sql`).
pub(super) fn digits_underscore(file: &str) -> Option<(Version, String)> {
    if let Some(decided) = ascii_digits_name(file, false) {
        return decided;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(&RE, DIGITS_UNDERSCORE);
    captures(re, file)
}

/// `<digits>.sql` or `<digits>_name.sql`.
pub(super) fn digits_optional_name(file: &str) -> Option<(Version, String)> {
    if let Some(decided) = ascii_digits_name(file, true) {
        return decided;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(&RE, DIGITS_OPTIONAL_NAME);
    captures(re, file)
}

const DIGITS_UNDERSCORE: &str = r"(?i)^(\d+)_(.*)\.sql$";
const DIGITS_OPTIONAL_NAME: &str = r"(?i)^(\d+)(?:_(.*))?\.sql$";

/// The two patterns above without the regex engine (its captures cost a microsecond a name,
/// thousands of names a run), for ASCII names without line breaks, where `\d` and `.` mean
/// what they say here; `None` leaves the name to the regex.
fn ascii_digits_name(file: &str, name_optional: bool) -> Option<Option<(Version, String)>> {
    if !file.is_ascii() || file.contains('\n') {
        return None;
    }
    let digits = file.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || file.len() < 4 || !ends_with_ignore_case(file, ".sql") {
        return Some(None);
    }
    let stem_end = file.len() - 4;
    let name = if file[digits..].starts_with('_') && digits < stem_end {
        &file[digits + 1..stem_end]
    } else if name_optional && digits == stem_end {
        ""
    } else {
        return Some(None);
    };
    Some(Some((Version::parse(&file[..digits]), name.to_string())))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Direction {
    Up,
    Down,
}

/// `<digits>_name.up.sql` / `.down.sql`: (version, name, direction, stem).
///
/// Read by hand for ASCII names, the regex (`up_down_by_regex`, its specification) for the
/// others: asked of every file of a directory, its captures were 2% of a run on the corpus.
pub(super) fn up_down(file: &str) -> Option<(Version, String, Direction, String)> {
    if !file.is_ascii() {
        return up_down_by_regex(file);
    }
    let ends = |suffix: &str| {
        file.len() >= suffix.len()
            && file
                .get(file.len() - suffix.len()..)
                .is_some_and(|end| end.eq_ignore_ascii_case(suffix))
    };
    let (stem, direction) = if ends(".up.sql") {
        (file.get(..file.len() - 7)?, Direction::Up)
    } else if ends(".down.sql") {
        (file.get(..file.len() - 9)?, Direction::Down)
    } else {
        return None;
    };
    let digits = stem
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(stem.len());
    if digits == 0 {
        return None;
    }
    let rest = stem.get(digits..)?;
    let name = match rest.as_bytes().first() {
        None => "",
        // The regex's `.` takes anything but a line break.
        Some(b'_' | b'-') if !rest.contains('\n') => rest.get(1..)?,
        Some(_) => return None,
    };
    Some((
        Version::parse(stem.get(..digits)?),
        name.to_string(),
        direction,
        stem.to_string(),
    ))
}

fn up_down_by_regex(file: &str) -> Option<(Version, String, Direction, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(&RE, r"(?i)^((\d+)(?:[_-](.*?))?)\.(up|down)\.sql$");
    let caps = re.captures(file)?;
    let stem = caps.get(1)?.as_str().to_string();
    let version = Version::parse(caps.get(2)?.as_str());
    let name = caps.get(3).map(|m| m.as_str()).unwrap_or("").to_string();
    let direction = if caps.get(4)?.as_str().eq_ignore_ascii_case("up") {
        Direction::Up
    } else {
        Direction::Down
    };
    Some((version, name, direction, stem))
}

/// The database an ory/popx file name is for (its `.<database>` part).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PopxDatabase {
    /// No database part: the file runs on every database that has no file of its own for
    /// the version (and direction).
    All,
    /// One of pop's dialects, by its canonical name (`postgres` for `.postgresql.` and `.pg.`).
    Known(&'static str),
    /// A part pop does not know as a dialect: popx skips the file.
    Unknown,
}

/// An ory/popx migration file name: `<version>_<name>[.<database>][.autocommit].(up|down).sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PopxName {
    pub version: Version,
    /// The name, which popx reads up to the first dot.
    pub name: String,
    pub database: PopxDatabase,
    /// `.autocommit`: popx runs the file outside its transaction.
    pub autocommit: bool,
    pub direction: Direction,
}

/// pop's dialects and their synonyms (`pop.CanonicalDialect`), with ory's YugabyteDB.
const POPX_DATABASES: [(&str, &str); 10] = [
    ("postgres", "postgres"),
    ("postgresql", "postgres"),
    ("pg", "postgres"),
    ("cockroach", "cockroach"),
    ("cockroachdb", "cockroach"),
    ("crdb", "cockroach"),
    ("mysql", "mysql"),
    ("sqlite3", "sqlite3"),
    ("sqlite", "sqlite3"),
    ("yugabyte", "yugabyte"),
];

/// Reads a file name as ory/popx does (`popx/match.go`: the name has no dot, the parts are
/// lower case; a lone `.autocommit` is the opt-out, not a database).
pub(crate) fn popx(file: &str) -> Option<PopxName> {
    let parts = popx_parts(file)?;
    let part = parts.part;
    let mut autocommit = parts.autocommit;
    let database = match part {
        None => PopxDatabase::All,
        Some("autocommit") => {
            autocommit = true;
            PopxDatabase::All
        }
        Some("yugabytedb") => PopxDatabase::Known("yugabyte"),
        Some(part) => POPX_DATABASES
            .iter()
            .find(|(word, _)| *word == part)
            .map_or(PopxDatabase::Unknown, |(_, canonical)| {
                PopxDatabase::Known(canonical)
            }),
    };
    Some(PopxName {
        version: Version::parse(parts.version),
        name: parts.name.to_string(),
        database,
        autocommit,
        direction: parts.direction,
    })
}

/// The groups of popx's pattern `^([0-9]+)_([^.]+)(\.[a-z0-9]+)?(\.autocommit)?\.(up|down)\.sql$`.
#[derive(Debug, PartialEq, Eq)]
struct PopxParts<'a> {
    version: &'a str,
    name: &'a str,
    part: Option<&'a str>,
    autocommit: bool,
    direction: Direction,
}

/// popx's pattern read by hand (`popx_by_regex` is its specification, and a test holds
/// them equal): every directory of up/down files asks, and compiling the regex was an eighth
/// of the instructions of a run on a small repository. Byte by byte is exact for any text:
/// only `[^.]` takes a character outside ASCII, and any such character is not a dot.
fn popx_parts(file: &str) -> Option<PopxParts<'_>> {
    let digits = file.bytes().take_while(u8::is_ascii_digit).count();
    let rest = file
        .get(digits..)?
        .strip_prefix('_')
        .filter(|_| digits > 0)?;
    // `[^.]+` takes everything up to the first dot: what follows must start with one.
    let name_len = rest.find('.').filter(|&n| n > 0)?;
    let segments: Vec<&str> = rest.get(name_len + 1..)?.split('.').collect();
    let (middle, last) = segments.split_at(segments.len().checked_sub(2)?);
    let direction = match last {
        ["up", "sql"] => Direction::Up,
        ["down", "sql"] => Direction::Down,
        _ => return None,
    };
    let is_part =
        |s: &&str| !s.is_empty() && s.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9'));
    let (part, autocommit) = match middle {
        [] => (None, false),
        // The optional part is tried first, so a lone `.autocommit` is read as the part.
        [part] if is_part(part) => (Some(*part), false),
        [part, "autocommit"] if is_part(part) => (Some(*part), true),
        _ => return None,
    };
    Some(PopxParts {
        version: file.get(..digits)?,
        name: rest.get(..name_len)?,
        part,
        autocommit,
        direction,
    })
}

#[cfg(test)]
fn popx_by_regex(file: &str) -> Option<PopxParts<'_>> {
    let re = Regex::new(r"^([0-9]+)_([^.]+)(\.[a-z0-9]+)?(\.autocommit)?\.(up|down)\.sql$").ok()?;
    let caps = re.captures(file)?;
    Some(PopxParts {
        version: caps.get(1)?.as_str(),
        name: caps.get(2)?.as_str(),
        part: caps.get(3).map(|m| &m.as_str()[1..]),
        autocommit: caps.get(4).is_some(),
        direction: if caps.get(5)?.as_str() == "up" {
            Direction::Up
        } else {
            Direction::Down
        },
    })
}

/// Whether a name says the directory is laid out for popx: it names one of pop's databases
/// (`1_x.postgres.up.sql`, `1_x.cockroach.down.sql`) or popx's opt-out (`.autocommit`).
/// golang-migrate names (`1_x.up.sql`) never do.
pub(crate) fn is_popx_signal(file: &str) -> bool {
    // `<v>_<n>.<database>.up.sql`: three dots at least (most names have one; no regex for them).
    file.bytes().filter(|&b| b == b'.').count() >= 3
        && popx(file).is_some_and(|p| p.autocommit || matches!(p.database, PopxDatabase::Known(_)))
}

/// How people call one of popx's databases in messages.
pub(crate) fn popx_database_name(canonical: &str) -> &str {
    match canonical {
        "postgres" => "PostgreSQL",
        "cockroach" => "CockroachDB",
        "mysql" => "MySQL",
        "sqlite3" => "SQLite",
        "yugabyte" => "YugabyteDB",
        other => other,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FlywayKind {
    Versioned,
    Undo,
    Repeatable,
}

/// `V1__name.sql`, `U1.1__name.sql`, `R__name.sql`, and the prefix-less `1_1__name.sql`.
///
/// Read by hand for ASCII names, the regexes (`flyway_by_regex`, their specification) for
/// the others: every flat directory asks, and compiling them was a quarter of the
/// instructions of a run on a small repository.
pub(super) fn flyway(file: &str) -> Option<(FlywayKind, Version, String)> {
    if !file.is_ascii() {
        return flyway_by_regex(file);
    }
    // `.` takes anything but a line break, and `$` is the end of the text.
    if file.contains('\n') {
        return None;
    }
    let stem = file.strip_suffix(".sql")?;
    if let Some(name) = stem
        .strip_prefix("R__")
        .or_else(|| stem.strip_prefix("r__"))
    {
        return (!name.is_empty()).then(|| {
            (
                FlywayKind::Repeatable,
                Version::repeatable(),
                name.to_string(),
            )
        });
    }
    let (kind, rest) = match stem.as_bytes().first()? {
        b'U' | b'u' => (FlywayKind::Undo, stem.get(1..)?),
        b'V' | b'v' => (FlywayKind::Versioned, stem.get(1..)?),
        _ => (FlywayKind::Versioned, stem),
    };
    // `\d+(?:[._]\d+)*`: digits, each `.` or `_` followed by more digits. A separator not
    // followed by a digit ends it (so `1__x` is version 1, then `__`).
    let bytes = rest.as_bytes();
    let mut end = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if end == 0 {
        return None;
    }
    while matches!(bytes.get(end), Some(b'.' | b'_'))
        && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
    {
        end += 1;
        end += bytes[end..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
    }
    let name = rest.get(end..)?.strip_prefix("__")?;
    if name.is_empty() {
        return None;
    }
    Some((kind, Version::parse(rest.get(..end)?), name.to_string()))
}

fn flyway_by_regex(file: &str) -> Option<(FlywayKind, Version, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(&RE, r"^([VvUu]?)(\d+(?:[._]\d+)*)__(.+)\.sql$");
    static REPEATABLE: OnceLock<Regex> = OnceLock::new();
    let repeatable = regex(&REPEATABLE, r"^[Rr]__(.+)\.sql$");
    if let Some(caps) = repeatable.captures(file) {
        let name = caps.get(1)?.as_str().to_string();
        return Some((FlywayKind::Repeatable, Version::repeatable(), name));
    }
    let caps = re.captures(file)?;
    let kind = match caps.get(1)?.as_str() {
        "U" | "u" => FlywayKind::Undo,
        _ => FlywayKind::Versioned,
    };
    let version = Version::parse(caps.get(2)?.as_str());
    Some((kind, version, caps.get(3)?.as_str().to_string()))
}

/// Is the name one of Flyway's own (with a `V`/`U`/`R` prefix)? A prefix-less `1__x.sql`
/// alone does not make a directory Flyway.
pub(super) fn flyway_prefixed(file: &str) -> bool {
    matches!(
        file.as_bytes().first(),
        Some(b'V' | b'U' | b'R' | b'v' | b'u' | b'r')
    ) && flyway(file).is_some()
}

/// Per-migration directory name: `2014-11-13-225413_name`, `00000000000000_name`, `1648_name`,
/// `1648`, `01_init`.
///
/// Read by hand for ASCII names, the regex (`migration_dir_by_regex`, its specification) for
/// the others: compiling its Unicode `\d` was 8% of the instructions of a run on a small
/// repository.
pub(super) fn migration_dir(dir: &str) -> Option<(Version, String)> {
    if !dir.is_ascii() {
        return migration_dir_by_regex(dir);
    }
    if !dir.bytes().next()?.is_ascii_digit() {
        return None;
    }
    let end = dir
        .bytes()
        .position(|b| !(b.is_ascii_digit() || b == b'-'))
        .unwrap_or(dir.len());
    let rest = dir.get(end..)?;
    let name = match rest.as_bytes().first() {
        None => "",
        // The regex's `.` takes anything but a line break.
        Some(b'_') if !rest.contains('\n') => rest.get(1..)?,
        Some(_) => return None,
    };
    let version = dir.get(..end)?.trim_end_matches('-');
    Some((Version::parse(version), name.to_string()))
}

fn migration_dir_by_regex(dir: &str) -> Option<(Version, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(&RE, r"^(\d[\d-]*)(?:_(.*))?$");
    let caps = re.captures(dir)?;
    let version = caps.get(1)?.as_str().trim_end_matches('-');
    let name = caps.get(2).map(|m| m.as_str()).unwrap_or("");
    Some((Version::parse(version), name.to_string()))
}

/// Whether a file of this name concerns discovery once the walk is over: the builder acts
/// on SQL files (migrations, and their partners), Go files and templates (reported in a
/// migration directory), and files read ahead (`atlas.sum`). A directory with none of them
/// holds no migration and needs no name set (`walk::Walked::passed`); the builder passes it
/// over for the same reason.
pub(crate) fn concerns_discovery(name: &str) -> bool {
    is_sql(name) || is_go_file(name) || is_template_name(name) || is_read_ahead(name)
}

/// A Go file: goose runs migrations written in Go, which sqlgate does not read (reported as
/// skipped where it sits in a migration directory).
pub(crate) fn is_go_file(name: &str) -> bool {
    ends_with_ignore_case(name, ".go")
}

/// The files read ahead of the builder (`read::wanted_ahead`): SQL files and `atlas.sum`.
/// Asked of every file a walk meets: no lower-cased copy of each name.
pub(crate) fn is_read_ahead(name: &str) -> bool {
    ends_with_ignore_case(name, ".sql") || name.eq_ignore_ascii_case("atlas.sum")
}

/// `*.sql.tmpl`, `*.tmpl`, `*.tpl`, `*.j2`...: templates rendered into SQL by some tool.
pub(crate) fn is_template_name(file: &str) -> bool {
    [
        ".tmpl",
        ".tpl",
        ".gotmpl",
        ".j2",
        ".jinja",
        ".jinja2",
        ".mustache",
        ".hbs",
        ".erb",
    ]
    .iter()
    .any(|ext| ends_with_ignore_case(file, ext))
}

pub(super) fn is_sql(file: &str) -> bool {
    file.len() > 4 && ends_with_ignore_case(file, ".sql")
}

pub(super) fn is_seed(file: &str) -> bool {
    file.as_bytes()
        .get(..4)
        .is_some_and(|start| start.eq_ignore_ascii_case(b"seed"))
}

/// Without lower-casing a copy (thousands of names per run).
pub(crate) fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    let (text, suffix) = (text.as_bytes(), suffix.as_bytes());
    text.len() >= suffix.len() && text[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// Go template placeholders such as `{{ index .Options "Namespace" }}` or `{{.Schema}}`
/// (not PostgreSQL array literals such as `'{{1,2},{3,4}}'`).
pub(super) fn has_go_template(text: &str) -> bool {
    // The regex is compiled only for text that opens an action as it requires: SQL's `{{`
    // (array and JSON literals) rarely does, and compiling it was a sixth of the
    // instructions of a run on a small Supabase repository.
    may_open_go_action(text) && has_go_template_by_regex(text)
}

const GO_ACTION_WORDS: [&str; 14] = [
    "index", "if", "else", "end", "range", "with", "template", "define", "block", "printf",
    "print", "env", ".", "$",
];

/// `{{`, an optional `-`, white space, then `.`, `$` or a word of `GO_ACTION_WORDS`: what
/// `has_go_template_by_regex` needs before the rest of its match (every `{{`, overlapping
/// ones too: `{{{.x}}` opens one at its second brace).
fn may_open_go_action(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'{', bytes)
        .filter(|&at| bytes.get(at + 1) == Some(&b'{'))
        .any(|at| {
            let Some(rest) = text.get(at + 2..) else {
                return false;
            };
            // `trim_start` takes what `\s` takes: the Unicode White_Space property.
            let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
            GO_ACTION_WORDS.iter().any(|word| rest.starts_with(word))
        })
}

fn has_go_template_by_regex(text: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(
        &RE,
        r"\{\{-?\s*(?:\.|\$|(?:index|if|else|end|range|with|template|define|block|printf|print|env)\b)[^{}]*\}\}",
    );
    re.is_match(text)
}

/// Does a path component say ClickHouse? `clickhouse`, `clickhouse-migrations`, `ch_clickhouse`.
pub(super) fn is_clickhouse_path(path: &Path) -> bool {
    // On the bytes (every directory is asked): a byte that is not UTF-8 is never part of an
    // ASCII word, so this is what the words of the lossy text would say.
    path.components().any(|c| {
        c.as_os_str()
            .as_encoded_bytes()
            .split(|&b| b == b'-' || b == b'_')
            .any(|word| word.eq_ignore_ascii_case(b"clickhouse"))
    })
}

const ENGINES: [(&str, &str); 10] = [
    ("mysql", "MySQL"),
    ("mariadb", "MariaDB"),
    ("sqlite", "SQLite"),
    ("sqlite3", "SQLite"),
    ("h2", "H2"),
    ("mssql", "SQL Server"),
    ("sqlserver", "SQL Server"),
    ("oracle", "Oracle"),
    ("cockroach", "CockroachDB"),
    ("cockroachdb", "CockroachDB"),
];

fn engine_word(word: &str) -> Option<&'static str> {
    ENGINES
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(word))
        .map(|(_, name)| *name)
}

/// Another engine named by a directory component (words split on `-`, `_`, `.`:
/// `jdbc-mysql`, `mysql-persistence`, `migration_sqlite`).
pub(super) fn engine_of_dir(path: &Path) -> Option<&'static str> {
    path.components().find_map(|c| {
        let part = c.as_os_str().to_string_lossy();
        part.split(['-', '_', '.']).find_map(engine_word)
    })
}

/// Another engine named by a file or migration-directory name, as a `.` part only
/// (`x.sqlite3.up.sql`, `x.mysql.sql`): `add_mysql_compat.sql` is not a MySQL migration.
pub(crate) fn engine_of_name(name: &str) -> Option<&'static str> {
    name.split('.').find_map(engine_word)
}

/// `x.postgres` → `x` when the name ends with a database suffix (ory/popx layouts).
pub(super) fn strip_dialect_suffix(name: &str) -> Option<&str> {
    let (base, suffix) = name.rsplit_once('.')?;
    let known = ["postgres", "postgresql", "pg", "clickhouse"].contains(&suffix)
        || engine_word(suffix).is_some();
    known.then_some(base)
}

pub(super) fn engine_message(engine: &str) -> String {
    format!(
        "{engine} migrations are not checked: sqlgate reads PostgreSQL and ClickHouse (set migrations.dialect to override)"
    )
}

/// A `Cargo.toml` in the directory or an ancestor, up to the bound (the path given), plus the
/// migration directory's parent even above the bound (`sqlgate check migrations` in a crate).
/// `has` tells whether a directory holds a `Cargo.toml` (the builder remembers its answers).
pub(super) fn cargo_toml_above(
    dir: &Path,
    bound: Option<&Path>,
    mut has: impl FnMut(&Path) -> bool,
) -> bool {
    if let Some(parent) = dir.parent() {
        if has(parent) {
            return true;
        }
    }
    for ancestor in dir.ancestors() {
        if ancestor.as_os_str().is_empty() && !dir.as_os_str().is_empty() {
            // The current directory is only checked when it is the path given.
            if bound.is_some_and(|b| b.as_os_str().is_empty()) && has(ancestor) {
                return true;
            }
            break;
        }
        if has(ancestor) {
            return true;
        }
        if bound.is_some_and(|b| b == ancestor) {
            break;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name of four `pieces` in a row, and two names with non-ASCII characters.
    fn names_of(pieces: &[&str]) -> Vec<String> {
        let mut names = vec!["٣_x.sql".to_string(), "1_é.sql".to_string()];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        names.push(format!("{a}{b}{c}{d}"));
                    }
                }
            }
        }
        names
    }

    #[test]
    fn digit_names_without_the_regex_read_as_the_regex_does() {
        let names = names_of(&[
            "", "0", "12", "_", "__", "a", ".", ".sql", ".SQL", "sql", "-", " ", "\n",
        ]);
        let underscore = Regex::new(DIGITS_UNDERSCORE).unwrap();
        let optional_name = Regex::new(DIGITS_OPTIONAL_NAME).unwrap();
        let by_regex = |re: &Regex, name: &str| captures(re, name).map(|(v, n)| (v.text, n));
        let mut matched = 0;
        for name in &names {
            let fast = digits_underscore(name).map(|(v, n)| (v.text, n));
            assert_eq!(fast, by_regex(&underscore, name), "{name:?}");
            let fast = digits_optional_name(name).map(|(v, n)| (v.text, n));
            assert_eq!(fast, by_regex(&optional_name, name), "{name:?}");
            matched += usize::from(fast.is_some());
        }
        // The pieces make names of both kinds: the comparison is not only of misses.
        assert!(matched > 100 && matched < names.len() / 2, "{matched}");
    }

    #[test]
    fn plain_by_hand_is_the_regex() {
        let names = names_of(&[
            "", "0", "12", "_", "-", " ", ".", ".3", "a", ".sql", ".SQL", "\n",
        ]);
        let re = Regex::new(PLAIN).unwrap();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let text = |found: Option<(Version, String)>| found.map(|(v, n)| (v.text, n));
        agree(&names, |n| text(plain(n)), |n| text(captures(&re, n)));
        let matched = names.iter().filter(|n| plain(n).is_some()).count();
        assert!(matched > 100 && matched < names.len() / 2, "{matched}");
    }

    #[test]
    fn names() {
        assert_eq!(plain("001_init.sql").map(|v| v.1), Some("init".into()));
        assert_eq!(plain("1.sql").map(|v| v.0.text), Some("1".into()));
        assert_eq!(plain("0001-a-b.sql").map(|v| v.1), Some("a-b".into()));
        assert!(plain("schema.sql").is_none());
        let (_, name, dir, stem) = up_down("20240813_flags..up.sql").unwrap();
        assert_eq!(
            (name.as_str(), dir, stem.as_str()),
            ("flags.", Direction::Up, "20240813_flags.")
        );
        assert_eq!(flyway("V1_1__a.sql").map(|v| v.1.text), Some("1_1".into()));
        assert_eq!(
            flyway("R__views.sql").map(|v| v.0),
            Some(FlywayKind::Repeatable)
        );
        assert!(flyway_prefixed("U2__x.sql"));
        assert!(!flyway_prefixed("2__x.sql"));
        assert_eq!(
            migration_dir("2026-07-30-140000-0000_add_index").map(|v| v.0.text),
            Some("2026-07-30-140000-0000".into())
        );
        assert!(has_go_template(
            "x {{ index .Options \"Namespace\" }}.users"
        ));
        assert!(has_go_template("{{.Schema}}"));
        assert!(!has_go_template("select '{{1,2},{3,4}}'::int[]"));
    }

    /// Whatever the regex finds, the cheap test lets through: both say the same.
    #[test]
    fn go_templates_are_found_as_the_regex_finds_them() {
        let texts = [
            "x {{ index .Options \"Namespace\" }}.users",
            "{{.Schema}}",
            "{{- .Schema -}}",
            "{{-\t.Schema}}",
            "{{\u{a0}.Schema}}",
            "{{\u{2003}$x}}",
            "{{{.x}}",
            "{{ {.x}}",
            "{{ if .A }}a{{ end }}",
            "{{ iff }}",
            "{{ indexes }}",
            "{{ end}}",
            "{{end}}",
            "{{ env \"X\" }}",
            "{{ printf \"%s\" .X }}",
            "{{ .x",
            "{{ .x {y} }}",
            "{{ - .x }}",
            "{{--.x}}",
            "select '{{1,2},{3,4}}'::int[]",
            "select '{\"a\": {{\"b\": 1}}}'::jsonb",
            "{{",
            "{",
            "",
            "é{{ .é }}",
            "{{ indexé }}",
        ];
        for text in texts {
            let by_regex = has_go_template_by_regex(text);
            assert!(!by_regex || may_open_go_action(text), "{text:?}");
            assert_eq!(has_go_template(text), by_regex, "{text:?}");
        }
        assert!(!may_open_go_action("select '{{1,2},{3,4}}'::int[]"));
        assert_eq!(engine_of_dir(Path::new("a/jdbc-h2/x")), Some("H2"));
        assert_eq!(engine_of_dir(Path::new("a/postgres-persistence/x")), None);
        assert_eq!(engine_of_name("1_a.sqlite3.up.sql"), Some("SQLite"));
        assert_eq!(engine_of_name("1_add_mysql_compat.sql"), None);
        assert!(is_clickhouse_path(Path::new("db/clickhouse/migrations")));
        assert!(is_clickhouse_path(Path::new("db/my_clickhouse-x")));
        assert!(is_clickhouse_path(Path::new("ClickHouse_1/m")));
        assert!(!is_clickhouse_path(Path::new("db/clickhouses/m")));
        assert!(!is_clickhouse_path(Path::new("db/click-house/m")));
        assert!(!is_clickhouse_path(Path::new("db/clickhouse.d/m")));
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let bytes = b"db/\xffclickhouse/x_clickhouse\xfe/m";
            assert!(!is_clickhouse_path(Path::new(std::ffi::OsStr::from_bytes(
                bytes
            ))));
            let bytes = b"db/\xff-clickhouse/m";
            assert!(is_clickhouse_path(Path::new(std::ffi::OsStr::from_bytes(
                bytes
            ))));
        }
    }

    /// As popx's `ParseMigrationFilename` (and its tests in `popx/match_test.go`) reads them.
    #[test]
    fn popx_names() {
        let read = |file: &str| {
            popx(file).map(|p| {
                (
                    p.version.text,
                    p.name,
                    p.database,
                    p.autocommit,
                    p.direction,
                )
            })
        };
        let all = PopxDatabase::All;
        let postgres = PopxDatabase::Known("postgres");
        assert_eq!(
            read("20190611004000_create_providers.up.sql"),
            Some((
                "20190611004000".into(),
                "create_providers".into(),
                all,
                false,
                Direction::Up
            ))
        );
        assert_eq!(
            read("20190611004000_create_providers.pg.up.sql"),
            Some((
                "20190611004000".into(),
                "create_providers".into(),
                postgres,
                false,
                Direction::Up
            ))
        );
        // A lone `.autocommit` is the opt-out, not a database.
        assert_eq!(
            read("20190611004000_create_providers.autocommit.up.sql"),
            Some((
                "20190611004000".into(),
                "create_providers".into(),
                all,
                true,
                Direction::Up
            ))
        );
        assert_eq!(
            read("20190611004000_create_providers.mysql.autocommit.down.sql"),
            Some((
                "20190611004000".into(),
                "create_providers".into(),
                PopxDatabase::Known("mysql"),
                true,
                Direction::Down
            ))
        );
        let database = |file: &str| popx(file).map(|p| p.database);
        assert_eq!(database("1_x.postgresql.down.sql"), Some(postgres));
        assert_eq!(
            database("1_x.crdb.up.sql"),
            Some(PopxDatabase::Known("cockroach"))
        );
        assert_eq!(
            database("1_x.sqlite.up.sql"),
            Some(PopxDatabase::Known("sqlite3"))
        );
        assert_eq!(
            database("1_x.yugabytedb.up.sql"),
            Some(PopxDatabase::Known("yugabyte"))
        );
        assert_eq!(database("1_x.oracle.up.sql"), Some(PopxDatabase::Unknown));
        // Not popx's: a dot in the name, upper case, no direction, fizz.
        for file in [
            "1_a.b.c.up.sql",
            "1_x.UP.sql",
            "1_x.Postgres.up.sql",
            "1_x.sql",
            "1_x.up.fizz",
            "x.up.sql",
        ] {
            assert_eq!(popx(file), None, "{file}");
        }
        assert!(is_popx_signal("1_x.cockroach.up.sql"));
        assert!(is_popx_signal("1_x.autocommit.down.sql"));
        assert!(!is_popx_signal("1_x.up.sql"));
        assert!(!is_popx_signal("1_x.schema.up.sql"));
    }

    /// The hand reading of up/down names is the regex's, on names made to tell them apart.
    /// A name reader by hand says what its regex, the specification, says of every name.
    fn agree<T: PartialEq + std::fmt::Debug>(
        names: &[&str],
        by_hand: impl Fn(&str) -> T,
        by_regex: impl Fn(&str) -> T,
    ) {
        for name in names {
            assert_eq!(by_hand(name), by_regex(name), "{name:?}");
        }
    }

    #[test]
    fn up_down_by_hand_is_the_regex() {
        let names = [
            "1_a.up.sql",
            "1_a.down.sql",
            "001-add_x.UP.SQL",
            "20240101_x.Down.Sql",
            "1.up.sql",
            "1_.up.sql",
            "1-.down.sql",
            "12a_x.up.sql",
            "_1_x.up.sql",
            "x.up.sql",
            ".up.sql",
            "1_a.up.sql.down.sql",
            "1_a.down.sql.up.sql",
            "1_a.up.sqlx",
            "1_a.up_sql",
            "1_a\nb.up.sql",
            "1\n.up.sql",
            "1_a.b.c.up.sql",
            "0000.down.sql",
            "1_a.sql",
            "1__a.up.sql",
            "1-_a.down.sql",
            "1 a.up.sql",
            "1_a .up.sql",
            "123",
            "",
            "9999999999999999999999_big.up.sql",
            "1_a.UP.sql",
            "1_a.uP.sQl",
        ];
        agree(&names, up_down, up_down_by_regex);
        assert!(up_down("1_a.up.sql").is_some());
        // Outside ASCII the regex reads the name (`\d` is any decimal digit there).
        assert_eq!(
            up_down("\u{661}_a.up.sql"),
            up_down_by_regex("\u{661}_a.up.sql")
        );
    }

    #[test]
    fn popx_by_hand_is_the_regex() {
        let names = [
            "1_a.up.sql",
            "1_a.down.sql",
            "20210101_init.postgres.up.sql",
            "1_a.autocommit.up.sql",
            "1_a.autocommit.autocommit.up.sql",
            "1_a.postgres.autocommit.down.sql",
            "1_a.up.up.sql",
            "1_a.x.y.up.sql",
            "1_a..up.sql",
            "1_a.Postgres.up.sql",
            "1_a.post-gres.up.sql",
            "1_a.UP.sql",
            "1_a.up.SQL",
            "1_a.up.sql.sql",
            "1_.up.sql",
            "1__.up.sql",
            "_a.up.sql",
            "a_a.up.sql",
            "1a_a.up.sql",
            "1_a b\nc.up.sql",
            "1_a.up.sql\n",
            "1_é.up.sql",
            "1_a.é.up.sql",
            "\u{661}_a.up.sql",
            "1_a",
            "1_a.",
            "1_a.sql",
            "",
        ];
        // The parts borrow the name: compared as they print.
        agree(
            &names,
            |n| format!("{:?}", popx_parts(n)),
            |n| format!("{:?}", popx_by_regex(n)),
        );
        assert!(popx_parts("1_a.postgres.autocommit.down.sql").is_some());
    }

    #[test]
    fn flyway_by_hand_is_the_regex() {
        let names = [
            "V1__init.sql",
            "v1__init.sql",
            "U1.1__undo.sql",
            "u2_3__x.sql",
            "R__views.sql",
            "r__views.sql",
            "R__.sql",
            "R___.sql",
            "R__a.SQL",
            "1_1__name.sql",
            "1__2__x.sql",
            "1_2__x.sql",
            "1._2__x.sql",
            "1.__x.sql",
            "1..2__x.sql",
            "1_2_3__4__5.sql",
            "V__x.sql",
            "V1_x.sql",
            "V1__.sql",
            "V1__x.sql.sql",
            "V1__x.sqlx",
            "V1__x.SQL",
            "X1__x.sql",
            "VV1__x.sql",
            "RV1__x.sql",
            "V1__a\nb.sql",
            "R__a\n.sql",
            "V1.2.3__a b.sql",
            "__x.sql",
            "1__x.sql",
            "V99999999999999999999999__big.sql",
            ".sql",
            "",
            "V",
        ];
        agree(&names, flyway, flyway_by_regex);
        assert!(flyway("V1__init.sql").is_some());
        // Outside ASCII the regexes read the name (`\d` is any decimal digit there).
        agree(
            &["V\u{661}__a.sql", "V1__é.sql", "R__é.sql"],
            flyway,
            flyway_by_regex,
        );
        assert!(flyway("V\u{661}__a.sql").is_some());
    }

    #[test]
    fn migration_dir_by_hand_is_the_regex() {
        let names = [
            "2019-01-01-000000_create_users",
            "2019-01-01-000000",
            "2019-01-01-000000-",
            "2019-01-01-000000-_x",
            "20240101120000_init",
            "1",
            "1-",
            "1--2_a_b",
            "1_",
            "1__x",
            "1_a\nb",
            "1\n",
            "-1_x",
            "_1_x",
            "a1_x",
            "1a_x",
            "1 x",
            "1_x y",
            "",
            "00000000000000_diesel_initial_setup",
            "9999999999999999999999_big",
        ];
        agree(&names, migration_dir, migration_dir_by_regex);
        assert!(migration_dir("2019-01-01-000000_a").is_some());
        // Outside ASCII the regex reads the name (`\d` is any decimal digit there).
        agree(
            &["\u{661}_a", "1\u{662}_a", "1_é"],
            migration_dir,
            migration_dir_by_regex,
        );
        assert!(migration_dir("\u{661}_a").is_some());
    }
}
