//! File and directory names of each layout, and what a path says about the database engine.

use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use crate::model::Version;
use crate::paths::fs_path;

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
pub(super) fn plain(file: &str) -> Option<(Version, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(&RE, r"(?i)^(\d+(?:\.\d+)*)[-_. ]*(.*)\.sql$");
    captures(re, file)
}

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
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(
        &RE,
        r"^([0-9]+)_([^.]+)(\.[a-z0-9]+)?(\.autocommit)?\.(up|down)\.sql$",
    );
    let caps = re.captures(file)?;
    let part = caps.get(3).map(|m| &m.as_str()[1..]);
    let mut autocommit = caps.get(4).is_some();
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
    let direction = if caps.get(5)?.as_str() == "up" {
        Direction::Up
    } else {
        Direction::Down
    };
    Some(PopxName {
        version: Version::parse(caps.get(1)?.as_str()),
        name: caps.get(2)?.as_str().to_string(),
        database,
        autocommit,
        direction,
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
pub(super) fn flyway(file: &str) -> Option<(FlywayKind, Version, String)> {
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
pub(super) fn migration_dir(name: &str) -> Option<(Version, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(&RE, r"^(\d[\d-]*)(?:_(.*))?$");
    let caps = re.captures(name)?;
    let version = caps.get(1)?.as_str().trim_end_matches('-');
    let name = caps.get(2).map(|m| m.as_str()).unwrap_or("");
    Some((Version::parse(version), name.to_string()))
}

/// `*.sql.tmpl`, `*.tmpl`, `*.tpl`, `*.j2`...: templates rendered into SQL by some tool.
pub(super) fn is_template_name(file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
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
    .any(|ext| lower.ends_with(ext))
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
pub(super) fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    let (text, suffix) = (text.as_bytes(), suffix.as_bytes());
    text.len() >= suffix.len() && text[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// Go template placeholders such as `{{ index .Options "Namespace" }}` or `{{.Schema}}`
/// (not PostgreSQL array literals such as `'{{1,2},{3,4}}'`).
pub(super) fn has_go_template(text: &str) -> bool {
    if !text.contains("{{") {
        return false;
    }
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
pub(super) fn cargo_toml_above(dir: &Path, bound: Option<&Path>) -> bool {
    let has = |p: &Path| fs_path(p).join("Cargo.toml").is_file();
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

    #[test]
    fn digit_names_without_the_regex_read_as_the_regex_does() {
        let pieces = [
            "", "0", "12", "_", "__", "a", ".", ".sql", ".SQL", "sql", "-", " ", "\n",
        ];
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
        for name in names {
            assert_eq!(up_down(name), up_down_by_regex(name), "{name:?}");
        }
        assert!(up_down("1_a.up.sql").is_some());
        // Outside ASCII the regex reads the name (`\d` is any decimal digit there).
        assert_eq!(
            up_down("\u{661}_a.up.sql"),
            up_down_by_regex("\u{661}_a.up.sql")
        );
    }
}
