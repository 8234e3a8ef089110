//! What the tokens of a statement sqlparser could not parse prove about it: a syntax error
//! the server would reject, or a statement sqlgate does not understand at all. Everything
//! else the classifier read (its kind, usually its names) is taken as valid: sqlparser does
//! not know every form PostgreSQL and ClickHouse accept, so its failure alone proves nothing.
//!
//! The checks are deliberately few and certain. Each one is a rule of the server's grammar
//! that holds whatever else the statement says: parentheses and brackets balance, a statement
//! starts with a command keyword, `CREATE`/`ALTER`/`DROP` name an object type, and a handful
//! of commands need a name or a keyword that is missing. A token that may be a template
//! placeholder (Flyway's `${schema}`, psql's `:var`, ClickHouse's `{db:Identifier}`) is never
//! taken for a missing name.

use super::cursor::Cursor;
use crate::lexer::{Dialect, Token, TokenKind};

/// Why a statement sqlparser could not parse is still reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A syntax error the server rejects (`"\`(\` is never closed"`).
    Invalid(String),
    /// A statement sqlgate does not understand (it starts with no command keyword, or names
    /// no object type it knows): no rule can check it.
    NotUnderstood(String),
}

impl Problem {
    pub fn message(&self) -> &str {
        match self {
            Problem::Invalid(message) | Problem::NotUnderstood(message) => message,
        }
    }
}

/// The problem the tokens (comments excluded) of one statement prove, if any.
pub fn syntax_problem(tokens: &[Token], text: &str, dialect: Dialect) -> Option<Problem> {
    // An unterminated string, quoted identifier or comment is reported where it starts (a
    // split error); it swallows the rest, so nothing after it can be judged.
    if tokens.iter().any(|t| !t.terminated) {
        return None;
    }
    let c = Cursor {
        tokens,
        text,
        dialect,
        pos: 0,
    };
    balance(&c)
        .or_else(|| postgres_tokens(&c))
        .or_else(|| adjacent_strings(&c))
        .or_else(|| missing_semicolon(&c))
        .or_else(|| command(c))
}

/// Tokens PostgreSQL never accepts: a backtick (MySQL's identifier quote), and an empty
/// list item (`a,)`, `(,`, `a,,b`, a `,` that ends the statement).
fn postgres_tokens(c: &Cursor) -> Option<Problem> {
    if c.dialect != Dialect::Postgres {
        return None;
    }
    for i in 0..c.tokens.len() {
        let token = c.slice(i);
        if c.tokens[i].kind == TokenKind::Operator && token.contains('`') {
            return Some(Problem::Invalid(
                "PostgreSQL has no backtick quotes (MySQL's): quote identifiers with `\"`"
                    .to_string(),
            ));
        }
        let empty_item = (c.punct_at(i, ",")
            && (i + 1 == c.tokens.len() || c.punct_at(i + 1, ")") || c.punct_at(i + 1, ",")))
            || (c.punct_at(i, "(") && c.punct_at(i + 1, ","));
        if empty_item {
            return Some(Problem::Invalid(
                "an empty item in a comma-separated list (a stray `,`)".to_string(),
            ));
        }
    }
    None
}

/// The phrases that start a statement and never continue one, at the start of a line.
const STATEMENT_STARTS: &[&[&str]] = &[
    &["alter", "table"],
    &["create", "table"],
    &["create", "index"],
    &["create", "unique", "index"],
    &["drop", "table"],
    &["drop", "index"],
    &["rename", "table"],
    &["truncate", "table"],
    &["insert", "into"],
];

/// Another statement starts on a line of this one, outside parentheses: the `;` between
/// them is missing (`ALTER TABLE a ...` newline `ALTER TABLE b ...`). Statements that hold
/// statements (`CREATE SCHEMA`, `CREATE RULE`, `BEGIN ATOMIC` bodies, `WITH`, `EXPLAIN`,
/// `PREPARE`) are not judged.
fn missing_semicolon(c: &Cursor) -> Option<Problem> {
    let first = c.upper_word(0)?;
    if ["WITH", "EXPLAIN", "PREPARE"].contains(&first.as_str())
        || (first == "CREATE" && (1..4).any(|i| c.is_at(i, "schema") || c.is_at(i, "rule")))
        || (0..c.tokens.len()).any(|i| c.is_at(i, "atomic"))
    {
        return None;
    }
    let mut depth = 0usize;
    for i in 1..c.tokens.len() {
        if c.punct_at(i, "(") || c.punct_at(i, "[") {
            depth += 1;
        } else if c.punct_at(i, ")") || c.punct_at(i, "]") {
            depth = depth.saturating_sub(1);
        }
        let line_start = c
            .text
            .get(c.tokens[i - 1].range.end..c.tokens[i].range.start)
            .is_some_and(|between| between.contains('\n'));
        if depth > 0 || !line_start {
            continue;
        }
        let starts = STATEMENT_STARTS.iter().find(|phrase| {
            phrase
                .iter()
                .enumerate()
                .all(|(k, word)| c.is_at(i + k, word))
        });
        // ClickHouse's `ALTER TABLE t` newline `DROP INDEX i` is one statement.
        let alter_action = first == "ALTER" && starts.is_some_and(|p| p[1] == "index");
        if let Some(phrase) = starts.filter(|_| !alter_action) {
            return Some(Problem::Invalid(format!(
                "`{}` starts another statement on a later line: a `;` is missing before it",
                phrase.join(" ").to_ascii_uppercase()
            )));
        }
    }
    None
}

/// Parentheses and brackets pair up, outside strings and comments.
fn balance(c: &Cursor) -> Option<Problem> {
    // `CREATE RULE ... DO (command; command)` is the one statement with `;` in parentheses.
    let rule = c.is_at(0, "create") && (1..4).any(|i| c.is_at(i, "rule"));
    let mut open: Vec<&str> = Vec::new();
    for i in 0..c.tokens.len() {
        if c.tokens[i].kind != TokenKind::Punct {
            continue;
        }
        match c.slice(i) {
            // psql ends a statement at `;` only outside parentheses: an unclosed one runs on
            // into the next statement.
            ";" if !open.is_empty() && !rule => {
                let unclosed = open.last().copied().unwrap_or("(");
                return Some(Problem::Invalid(format!(
                    "`{unclosed}` is not closed before the `;`"
                )));
            }
            p @ ("(" | "[") => open.push(p),
            close @ (")" | "]") => {
                let opening = if close == ")" { "(" } else { "[" };
                match open.pop() {
                    Some(o) if o == opening => {}
                    Some(o) => {
                        return Some(Problem::Invalid(format!("`{close}` closes a `{o}`")));
                    }
                    None => {
                        return Some(Problem::Invalid(format!(
                            "`{close}` has no `{opening}` to close"
                        )));
                    }
                }
            }
            _ => {}
        }
    }
    let unclosed = open.pop()?;
    Some(Problem::Invalid(format!("`{unclosed}` is never closed")))
}

/// PostgreSQL joins string literals only across a newline (`'a'` newline `'b'`); two on one
/// line are a syntax error.
fn adjacent_strings(c: &Cursor) -> Option<Problem> {
    if c.dialect != Dialect::Postgres {
        return None;
    }
    let plain = |t: &Token| {
        t.kind == TokenKind::String
            && c.text.get(t.range.clone()).is_some_and(|s| {
                // Standard, E'', B'' and X'' strings continue; not U&'' (its UESCAPE) or N''.
                !s.starts_with(['u', 'U', 'n', 'N'])
            })
    };
    c.tokens.windows(2).find_map(|pair| {
        let between = c.text.get(pair[0].range.end..pair[1].range.start)?;
        (plain(&pair[0]) && plain(&pair[1]) && !between.contains('\n')).then(|| {
            Problem::Invalid(
                "two string literals on one line: PostgreSQL joins adjacent literals only \
                 across a newline"
                    .to_string(),
            )
        })
    })
}

/// The first word of every PostgreSQL 15 command.
const POSTGRES_COMMANDS: &[&str] = &[
    "ABORT",
    "ALTER",
    "ANALYSE",
    "ANALYZE",
    "BEGIN",
    "CALL",
    "CHECKPOINT",
    "CLOSE",
    "CLUSTER",
    "COMMENT",
    "COMMIT",
    "COPY",
    "CREATE",
    "DEALLOCATE",
    "DECLARE",
    "DELETE",
    "DISCARD",
    "DO",
    "DROP",
    "END",
    "EXECUTE",
    "EXPLAIN",
    "FETCH",
    "GRANT",
    "IMPORT",
    "INSERT",
    "LISTEN",
    "LOAD",
    "LOCK",
    "MERGE",
    "MOVE",
    "NOTIFY",
    "PREPARE",
    "REASSIGN",
    "REFRESH",
    "REINDEX",
    "RELEASE",
    "RESET",
    "REVOKE",
    "ROLLBACK",
    "SAVEPOINT",
    "SECURITY",
    "SELECT",
    "SET",
    "SHOW",
    "START",
    "TABLE",
    "TRUNCATE",
    "UNLISTEN",
    "UPDATE",
    "VACUUM",
    "VALUES",
    "WITH",
];

/// The first word of ClickHouse's statements.
const CLICKHOUSE_COMMANDS: &[&str] = &[
    "ALTER", "ATTACH", "BACKUP", "BEGIN", "CHECK", "COMMIT", "CREATE", "DELETE", "DESC",
    "DESCRIBE", "DETACH", "DROP", "EXCHANGE", "EXISTS", "EXPLAIN", "GRANT", "INSERT", "KILL",
    "MOVE", "OPTIMIZE", "RENAME", "REPLACE", "RESTORE", "REVOKE", "ROLLBACK", "SELECT", "SET",
    "SHOW", "SYSTEM", "TRUNCATE", "UNDROP", "UPDATE", "USE", "VALUES", "WATCH", "WITH",
];

/// Words between `CREATE` and the object type.
const CREATE_MODIFIERS: &[&str] = &[
    "OR",
    "REPLACE",
    "GLOBAL",
    "LOCAL",
    "TEMP",
    "TEMPORARY",
    "UNLOGGED",
    "UNIQUE",
    "RECURSIVE",
    "TRUSTED",
    "PROCEDURAL",
    "DEFAULT",
    "CONSTRAINT",
];

/// The first word of every object type PostgreSQL 15 can `CREATE`, `ALTER` or `DROP` (a
/// union: each command's own grammar decides the rest).
const POSTGRES_OBJECTS: &[&str] = &[
    "ACCESS",
    "AGGREGATE",
    "CAST",
    "COLLATION",
    "CONVERSION",
    "DATABASE",
    "DEFAULT",
    "DOMAIN",
    "EVENT",
    "EXTENSION",
    "FOREIGN",
    "FUNCTION",
    "GROUP",
    "INDEX",
    "LANGUAGE",
    "LARGE",
    "MATERIALIZED",
    "OPERATOR",
    "OWNED",
    "POLICY",
    "PROCEDURAL",
    "PROCEDURE",
    "PUBLICATION",
    "ROLE",
    "ROUTINE",
    "RULE",
    "SCHEMA",
    "SEQUENCE",
    "SERVER",
    "STATISTICS",
    "SUBSCRIPTION",
    "SYSTEM",
    "TABLE",
    "TABLESPACE",
    "TEXT",
    "TRANSFORM",
    "TRIGGER",
    "TYPE",
    "USER",
    "VIEW",
];

/// The first word of ClickHouse's object types, `TEMPORARY` and `OR REPLACE` included.
const CLICKHOUSE_OBJECTS: &[&str] = &[
    "TABLE",
    "VIEW",
    "MATERIALIZED",
    "LIVE",
    "WINDOW",
    "DICTIONARY",
    "DATABASE",
    "FUNCTION",
    "USER",
    "ROLE",
    "ROW",
    "POLICY",
    "QUOTA",
    "SETTINGS",
    "PROFILE",
    "NAMED",
    "INDEX",
    "TEMPORARY",
];

/// PostgreSQL's reserved key words: never a table's name (or a schema's) unless quoted.
const POSTGRES_RESERVED: &[&str] = &[
    "ALL",
    "ANALYSE",
    "ANALYZE",
    "AND",
    "ANY",
    "ARRAY",
    "AS",
    "ASC",
    "ASYMMETRIC",
    "BOTH",
    "CASE",
    "CAST",
    "CHECK",
    "COLLATE",
    "COLUMN",
    "CONSTRAINT",
    "CREATE",
    "CURRENT_CATALOG",
    "CURRENT_DATE",
    "CURRENT_ROLE",
    "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
    "CURRENT_USER",
    "DEFAULT",
    "DEFERRABLE",
    "DESC",
    "DISTINCT",
    "DO",
    "ELSE",
    "END",
    "EXCEPT",
    "FALSE",
    "FETCH",
    "FOR",
    "FOREIGN",
    "FROM",
    "GRANT",
    "GROUP",
    "HAVING",
    "IN",
    "INITIALLY",
    "INTERSECT",
    "INTO",
    "LATERAL",
    "LEADING",
    "LIMIT",
    "LOCALTIME",
    "LOCALTIMESTAMP",
    "NOT",
    "NULL",
    "OFFSET",
    "ON",
    "ONLY",
    "OR",
    "ORDER",
    "PLACING",
    "PRIMARY",
    "REFERENCES",
    "RETURNING",
    "SELECT",
    "SESSION_USER",
    "SOME",
    "SYMMETRIC",
    "TABLE",
    "THEN",
    "TO",
    "TRAILING",
    "TRUE",
    "UNION",
    "UNIQUE",
    "USER",
    "USING",
    "VARIADIC",
    "WHEN",
    "WHERE",
    "WINDOW",
    "WITH",
];

fn dialect_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "PostgreSQL",
        Dialect::ClickHouse => "ClickHouse",
    }
}

/// The statement's command: its first word, and what a few commands need after it.
fn command(mut c: Cursor) -> Option<Problem> {
    let server = dialect_name(c.dialect);
    let Some(first) = c.upper_word(0) else {
        // `(SELECT ...) UNION ...`
        if c.punct_at(0, "(") {
            return None;
        }
        return Some(Problem::NotUnderstood(format!(
            "`{}` starts no {server} statement",
            c.slice(0)
        )));
    };
    let commands = match c.dialect {
        Dialect::Postgres => POSTGRES_COMMANDS,
        Dialect::ClickHouse => CLICKHOUSE_COMMANDS,
    };
    if !commands.contains(&first.as_str()) {
        return Some(Problem::NotUnderstood(format!(
            "`{first}` starts no {server} statement"
        )));
    }
    c.pos = 1;
    match (first.as_str(), c.dialect) {
        ("CREATE", _) => create(c),
        ("ALTER", _) => alter(c),
        ("DROP", _) => drop(c),
        ("GRANT", _) => needs(&c, "GRANT", "to"),
        ("REVOKE", _) => needs(&c, "REVOKE", "from"),
        ("COMMENT", Dialect::Postgres) => comment(c),
        ("INSERT", Dialect::Postgres) => (!c.is("into"))
            .then(|| Problem::Invalid("INSERT needs `INTO` before the table".to_string())),
        ("UPDATE", Dialect::Postgres) => needs(&c, "UPDATE", "set"),
        ("DELETE", Dialect::Postgres) => (!c.is("from"))
            .then(|| Problem::Invalid("DELETE needs `FROM` before the table".to_string())),
        _ => None,
    }
}

/// `what` needs the word `keyword` outside parentheses.
fn needs(c: &Cursor, what: &str, keyword: &str) -> Option<Problem> {
    c.find_top_level(keyword)
        .is_none()
        .then(|| Problem::Invalid(format!("{what} needs `{}`", keyword.to_ascii_uppercase())))
}

/// The object type word after `CREATE`/`ALTER`/`DROP` (the cursor on it), if it is one the
/// server knows; else the problem.
fn object_word(c: &Cursor, command: &str) -> Result<String, Problem> {
    let objects = match c.dialect {
        Dialect::Postgres => POSTGRES_OBJECTS,
        Dialect::ClickHouse => CLICKHOUSE_OBJECTS,
    };
    let server = dialect_name(c.dialect);
    match c.upper_word(c.pos) {
        Some(word) if objects.contains(&word.as_str()) => Ok(word),
        Some(word) => Err(Problem::NotUnderstood(format!(
            "`{command} {word}` is not a {server} statement"
        ))),
        None if c.at_end() => Err(Problem::Invalid(format!("{command} names nothing"))),
        None => Err(Problem::NotUnderstood(format!(
            "`{command} {}` is not a {server} statement",
            c.slice(c.pos)
        ))),
    }
}

/// Whether the token at the cursor certainly is not a name: the end, a `(` or `,`, or (in
/// PostgreSQL) a reserved key word. Anything else (an identifier, a quoted one, or a template
/// placeholder) may be one.
fn no_name_at(c: &Cursor) -> bool {
    let Some(token) = c.tokens.get(c.pos) else {
        return true;
    };
    match token.kind {
        TokenKind::Word => {
            c.dialect == Dialect::Postgres
                && POSTGRES_RESERVED.contains(&c.slice(c.pos).to_ascii_uppercase().as_str())
        }
        TokenKind::Punct => matches!(c.slice(c.pos), "(" | "," | ")" | ";"),
        _ => false,
    }
}

/// Skips a name (`a`, `a.b`, `"a"."b"` or a placeholder) if one starts at the cursor.
fn skip_name(c: &mut Cursor) {
    if c.name().is_none() && !c.at_end() {
        c.pos += 1;
    }
}

fn create(mut c: Cursor) -> Option<Problem> {
    while c
        .upper_word(c.pos)
        .is_some_and(|w| CREATE_MODIFIERS.contains(&w.as_str()))
    {
        c.pos += 1;
    }
    let object = match object_word(&c, "CREATE") {
        Ok(object) => object,
        Err(problem) => return Some(problem),
    };
    c.pos += 1;
    match object.as_str() {
        "TABLE" => {
            c.eat_seq(&["if", "not", "exists"]);
            if no_name_at(&c) {
                return Some(Problem::Invalid("CREATE TABLE names no table".to_string()));
            }
            skip_name(&mut c);
            if c.dialect != Dialect::Postgres {
                return None;
            }
            if c.at_end() {
                return Some(Problem::Invalid(
                    "CREATE TABLE needs a column list, `AS`, `OF` or `PARTITION OF`".to_string(),
                ));
            }
            if !c.punct_at(c.pos, "(") {
                return None;
            }
            c.skip_parens();
            table_clauses(c)
        }
        "INDEX" if c.dialect == Dialect::Postgres => needs(&c, "CREATE INDEX", "on"),
        "TRIGGER" if c.dialect == Dialect::Postgres => {
            needs(&c, "CREATE TRIGGER", "on").or_else(|| needs(&c, "CREATE TRIGGER", "execute"))
        }
        "POLICY" if c.dialect == Dialect::Postgres => needs(&c, "CREATE POLICY", "on"),
        "VIEW" | "MATERIALIZED" => {
            if object == "MATERIALIZED" {
                c.eat("view");
            }
            c.eat_seq(&["if", "not", "exists"]);
            if no_name_at(&c) {
                return Some(Problem::Invalid("CREATE VIEW names no view".to_string()));
            }
            needs(&c, "CREATE VIEW", "as")
        }
        "SEQUENCE" => {
            c.eat_seq(&["if", "not", "exists"]);
            no_name_at(&c)
                .then(|| Problem::Invalid("CREATE SEQUENCE names no sequence".to_string()))
        }
        _ => None,
    }
}

/// What PostgreSQL accepts after `CREATE TABLE name (...)`: `INHERITS (...)`, `PARTITION BY
/// method (...)`, `USING method`, `WITH (...)`, `WITHOUT OIDS`, `ON COMMIT ...`,
/// `TABLESPACE name`, or `AS` (of a column name list). Another word there is an error (MySQL's
/// `ENGINE = ...`, Greenplum's `DISTRIBUTED BY`); anything but a word (a template
/// placeholder) ends the check.
fn table_clauses(mut c: Cursor) -> Option<Problem> {
    while let Some(word) = c.upper_word(c.pos) {
        c.pos += 1;
        match word.as_str() {
            "AS" => return None,
            "INHERITS" | "WITH" => c.skip_parens(),
            "PARTITION" => {
                if !c.eat("by") {
                    break;
                }
                c.pos += 1;
                c.skip_parens();
            }
            "USING" | "TABLESPACE" => skip_name(&mut c),
            "WITHOUT" => {
                if !c.eat("oids") {
                    break;
                }
            }
            "ON" => {
                if !c.eat("commit") {
                    break;
                }
                let _ = c.eat_seq(&["preserve", "rows"])
                    || c.eat_seq(&["delete", "rows"])
                    || c.eat("drop");
            }
            _ => {
                return Some(Problem::Invalid(format!(
                    "`{word}` cannot follow the column list of a PostgreSQL CREATE TABLE"
                )))
            }
        }
    }
    None
}

/// The object types whose `ALTER` needs a name, then an action.
const ALTERED_BY_NAME: &[&str] = &["TABLE", "VIEW", "MATERIALIZED", "INDEX", "SEQUENCE"];

fn alter(mut c: Cursor) -> Option<Problem> {
    let object = match object_word(&c, "ALTER") {
        Ok(object) => object,
        Err(problem) => return Some(problem),
    };
    c.pos += 1;
    if object == "DEFAULT" && c.dialect == Dialect::Postgres {
        // `ALTER DEFAULT PRIVILEGES ... GRANT ... TO` or `... REVOKE ... FROM`.
        return match (c.find_top_level("grant"), c.find_top_level("revoke")) {
            (Some(_), _) => needs(&c, "ALTER DEFAULT PRIVILEGES ... GRANT", "to"),
            (None, Some(_)) => needs(&c, "ALTER DEFAULT PRIVILEGES ... REVOKE", "from"),
            (None, None) => Some(Problem::Invalid(
                "ALTER DEFAULT PRIVILEGES needs `GRANT` or `REVOKE`".to_string(),
            )),
        };
    }
    if !ALTERED_BY_NAME.contains(&object.as_str()) {
        return None;
    }
    if object == "MATERIALIZED" {
        c.eat("view");
    }
    // `ALTER TABLE ALL IN TABLESPACE a SET TABLESPACE b`.
    if c.is_seq(&["all", "in"]) {
        return None;
    }
    c.eat_seq(&["if", "exists"]);
    c.eat("only");
    let what = format!("ALTER {}", shown(&object));
    if no_name_at(&c) {
        return Some(Problem::Invalid(format!("{what} names nothing to alter")));
    }
    skip_name(&mut c);
    c.eat_punct("*");
    if c.dialect == Dialect::ClickHouse && c.eat_seq(&["on", "cluster"]) {
        skip_name(&mut c);
    }
    if c.at_end() {
        return Some(Problem::Invalid(format!(
            "{what} names no action after the name"
        )));
    }
    if c.dialect == Dialect::Postgres && object == "TABLE" {
        return alter_table_actions(&c);
    }
    None
}

/// MySQL's forms of ALTER TABLE actions, which PostgreSQL rejects: `ADD COLUMN ... AFTER
/// other` (column placement) and `RENAME new_name` (without `TO`).
fn alter_table_actions(c: &Cursor) -> Option<Problem> {
    for item in c.top_level_items() {
        let action = c.restricted(&item);
        let n = action.tokens.len();
        // `ADD [COLUMN] [IF NOT EXISTS] name type ... AFTER other`: the word before `AFTER`
        // is not where a column's name or a constraint's name goes, so `AFTER` is not a
        // name or a type there.
        let placed = action.is("add")
            && n >= 5
            && action.is_at(n - 2, "after")
            && action.ident_at(n - 1).is_some()
            && ![
                "add",
                "column",
                "exists",
                "constraint",
                "collate",
                "references",
            ]
            .iter()
            .any(|w| action.is_at(n - 3, w))
            && !action.punct_at(n - 3, ".");
        if placed {
            return Some(Problem::Invalid(
                "`AFTER column` (MySQL's column placement) is not PostgreSQL: a column is \
                 added at the end"
                    .to_string(),
            ));
        }
        if action.is("rename") && action.find_top_level("to").is_none() {
            return Some(Problem::Invalid(
                "ALTER TABLE ... RENAME needs `TO`".to_string(),
            ));
        }
    }
    None
}

fn drop(mut c: Cursor) -> Option<Problem> {
    if c.dialect == Dialect::ClickHouse {
        c.eat("temporary");
    }
    let object = match object_word(&c, "DROP") {
        Ok(object) => object,
        Err(problem) => return Some(problem),
    };
    if ![
        "TABLE",
        "VIEW",
        "MATERIALIZED",
        "INDEX",
        "SEQUENCE",
        "SCHEMA",
    ]
    .contains(&object.as_str())
    {
        return None;
    }
    c.pos += 1;
    if object == "MATERIALIZED" {
        c.eat("view");
    }
    c.eat("concurrently");
    c.eat_seq(&["if", "exists"]);
    no_name_at(&c)
        .then(|| Problem::Invalid(format!("DROP {} names nothing to drop", shown(&object))))
}

/// An object type word as the statement spells it.
fn shown(object: &str) -> &str {
    if object == "MATERIALIZED" {
        "MATERIALIZED VIEW"
    } else {
        object
    }
}

/// `COMMENT ON object name IS text`: PostgreSQL needs `ON` and `IS`.
fn comment(c: Cursor) -> Option<Problem> {
    if !c.is("on") {
        return Some(Problem::Invalid("COMMENT needs `ON`".to_string()));
    }
    needs(&c, "COMMENT ON", "is")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::code_tokens;

    fn problem_of(sql: &str, dialect: Dialect) -> Option<Problem> {
        let tokens = code_tokens(sql, 0, dialect);
        syntax_problem(&tokens, sql, dialect)
    }

    #[test]
    fn valid_forms_sqlparser_does_not_know_prove_nothing() {
        for sql in [
            "ALTER SEQUENCE s OWNED BY t.id",
            "ALTER VIEW v SET (security_barrier = true)",
            "COMMENT ON POLICY p ON t IS 'a'\n  'b'",
            "GRANT ALL ON ALL ROUTINES IN SCHEMA s TO r",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA s REVOKE ALL ON TABLES FROM r",
            "DROP INDEX CONCURRENTLY IF EXISTS i",
            "CREATE EVENT TRIGGER e ON ddl_command_end EXECUTE FUNCTION f()",
            "CREATE TABLE t (a int) PARTITION BY RANGE (a) WITH (fillfactor = 70) TABLESPACE x",
            "CREATE TABLE ${schema}.t (a int)",
            "CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO u VALUES (1); NOTIFY t)",
            "CREATE SCHEMA s\n CREATE TABLE t (a int)",
            "ALTER TABLE t ADD COLUMN after int",
            "ALTER TABLE t RENAME COLUMN a TO b",
        ] {
            assert_eq!(problem_of(sql, Dialect::Postgres), None, "{sql}");
        }
        for sql in [
            "CREATE TABLE db.t ON CLUSTER c (a UInt8 CODEC(ZSTD(1))) ENGINE = MergeTree ORDER BY a SETTINGS x = 1",
            "ALTER TABLE t ON CLUSTER c ADD COLUMN b String AFTER a",
            "ALTER TABLE t\nDROP INDEX IF EXISTS i",
            "CREATE MATERIALIZED VIEW mv ENGINE = SummingMergeTree ORDER BY h AS SELECT 1 AS h",
        ] {
            assert_eq!(problem_of(sql, Dialect::ClickHouse), None, "{sql}");
        }
    }

    #[test]
    fn proved_errors_and_statements_not_understood() {
        let invalid = |sql: &str| {
            assert!(
                matches!(
                    problem_of(sql, Dialect::Postgres),
                    Some(Problem::Invalid(_))
                ),
                "{sql}: {:?}",
                problem_of(sql, Dialect::Postgres)
            );
        };
        for sql in [
            "CREATE TABLE (a int)",
            "ALTER TABLE t",
            "DROP TABLE IF EXISTS",
            "SELECT (1",
            "SELECT 1)",
            "SELECT f(1,)",
            "COMMENT ON TABLE t IS 'a' 'b'",
            "CREATE TABLE `t` (a int)",
            "GRANT SELECT ON t",
            "ALTER TABLE a ADD b int\nALTER TABLE c ADD d int",
            "ALTER TABLE t ADD COLUMN c int DEFAULT 0 AFTER b",
            "CREATE TABLE t (a int) DISTRIBUTED BY (a)",
        ] {
            invalid(sql);
        }
        for sql in [
            "CREAT TABLE t (a int)",
            "CREATE TABEL t (a int)",
            "{{ macro }}",
        ] {
            assert!(
                matches!(
                    problem_of(sql, Dialect::Postgres),
                    Some(Problem::NotUnderstood(_))
                ),
                "{sql}"
            );
        }
        // An unterminated token is reported where it starts, not again here.
        assert_eq!(problem_of("SELECT ('open", Dialect::Postgres), None);
    }
}
