//! Statement splitter tests: exact statement texts, kinds, termination and errors.

use sqlgate::lexer::{tokenize, Dialect, TokenKind};
use sqlgate::split::{split, RawKind, Split, SplitError};

use RawKind::{CopyData, PsqlMeta, Sql};

/// (kind, text of the range, terminated) for each statement.
fn stmts(text: &str, dialect: Dialect) -> Vec<(RawKind, &str, bool)> {
    let s = split(text, 0, dialect);
    check_invariants(text, &s, dialect);
    s.statements
        .iter()
        .map(|st| (st.kind, &text[st.range.clone()], st.terminated))
        .collect()
}

fn pg(text: &str) -> Vec<(RawKind, &str, bool)> {
    stmts(text, Dialect::Postgres)
}

fn ch(text: &str) -> Vec<(RawKind, &str, bool)> {
    stmts(text, Dialect::ClickHouse)
}

fn errors(text: &str, dialect: Dialect) -> Vec<SplitError> {
    split(text, 0, dialect).errors
}

fn err(offset: usize, message: &str) -> SplitError {
    SplitError {
        offset,
        message: message.to_string(),
    }
}

/// Ranges are sorted, disjoint and on char boundaries; each SQL statement's range runs from
/// its first to its last token, none of which is a comment or the terminating `;`; and every
/// gap between statements lexes to nothing but comments and `;`. Hence every non-whitespace,
/// non-comment byte outside the terminating semicolons belongs to exactly one statement.
fn check_invariants(text: &str, s: &Split, dialect: Dialect) {
    let mut prev_end = 0;
    for st in &s.statements {
        let r = st.range.clone();
        assert!(prev_end <= r.start, "overlap at {r:?} in {text:?}");
        assert!(r.start <= r.end && r.end <= text.len());
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        let gap = &text[prev_end..r.start];
        let gap_base = prev_end;
        for t in tokenize(gap, gap_base, dialect) {
            let t_text = &text[t.range.clone()];
            assert!(
                t.is_trivia() || t_text == ";",
                "byte(s) {:?} at {:?} not in any statement of {text:?}",
                t_text,
                t.range
            );
        }
        match st.kind {
            Sql => {
                assert!(!st.tokens.is_empty());
                assert_eq!(st.tokens[0].range.start, r.start);
                assert_eq!(st.tokens[st.tokens.len() - 1].range.end, r.end);
                assert!(st.tokens.iter().all(|t| !t.is_trivia()));
                assert!(st
                    .tokens
                    .windows(2)
                    .all(|w| w[0].range.end <= w[1].range.start));
            }
            PsqlMeta => {
                assert_eq!(st.tokens.len(), 1);
                assert_eq!(st.tokens[0].kind, TokenKind::Meta);
                assert_eq!(st.tokens[0].range, r);
            }
            CopyData => assert!(st.tokens.is_empty()),
        }
        prev_end = r.end;
    }
    for t in tokenize(&text[prev_end..], prev_end, dialect) {
        let t_text = &text[t.range.clone()];
        assert!(
            t.is_trivia() || t_text == ";",
            "trailing {t_text:?} lost in {text:?}"
        );
    }
}

#[test]
fn strings_containing_semicolons() {
    assert_eq!(
        pg("SELECT 'a;b', 'it''s; fine'; SELECT 2;"),
        vec![
            (Sql, "SELECT 'a;b', 'it''s; fine'", true),
            (Sql, "SELECT 2", true)
        ]
    );
}

#[test]
fn escape_strings() {
    assert_eq!(
        pg(r"SELECT E'it\'s; x'; SELECT e'\\'; SELECT 'a\'; SELECT 3;"),
        vec![
            (Sql, r"SELECT E'it\'s; x'", true),
            (Sql, r"SELECT e'\\'", true),
            // Standard strings: the backslash is literal.
            (Sql, r"SELECT 'a\'", true),
            (Sql, "SELECT 3", true),
        ]
    );
    assert_eq!(
        pg("SELECT B'01', X'ff;', N'n;', U&'d\\0061;t' UESCAPE '!'; SELECT 1"),
        vec![
            (
                Sql,
                "SELECT B'01', X'ff;', N'n;', U&'d\\0061;t' UESCAPE '!'",
                true
            ),
            (Sql, "SELECT 1", false)
        ]
    );
}

#[test]
fn quoted_identifiers() {
    assert_eq!(
        pg(r#"CREATE TABLE "a;""b" (x int); DROP TABLE U&"c;d", "e'f";"#),
        vec![
            (Sql, r#"CREATE TABLE "a;""b" (x int)"#, true),
            (Sql, r#"DROP TABLE U&"c;d", "e'f""#, true),
        ]
    );
}

#[test]
fn dollar_quotes() {
    let text = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n\
                DO $fn$ BEGIN RAISE NOTICE '$$;'; PERFORM $x$;$x$; END $fn$;\n\
                SELECT $a$ $b$ ; $b$ $a$, $1, x$y;";
    assert_eq!(
        pg(text),
        vec![
            (
                Sql,
                "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql",
                true
            ),
            (
                Sql,
                "DO $fn$ BEGIN RAISE NOTICE '$$;'; PERFORM $x$;$x$; END $fn$",
                true
            ),
            (Sql, "SELECT $a$ $b$ ; $b$ $a$, $1, x$y", true),
        ]
    );
    let s = split(text, 0, Dialect::Postgres);
    assert!(s.errors.is_empty());
    let kinds: Vec<TokenKind> = s.statements[2].tokens.iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        vec![
            TokenKind::Word,
            TokenKind::DollarString,
            TokenKind::Punct,
            TokenKind::Param,
            TokenKind::Punct,
            TokenKind::Word
        ]
    );
}

#[test]
fn nested_block_comments() {
    assert_eq!(
        pg("/* a /* b; */ c; */ SELECT 1; /* x */ SELECT /* ; /* ; */ */ 2 /* y */;"),
        vec![
            (Sql, "SELECT 1", true),
            (Sql, "SELECT /* ; /* ; */ */ 2", true)
        ]
    );
}

#[test]
fn line_comments_with_semicolons_and_quotes() {
    assert_eq!(
        pg("SELECT 1 -- it's; \"x $$\n, 2; -- trailing ' ;\n-- only a comment;\nSELECT 3;--x"),
        vec![
            (Sql, "SELECT 1 -- it's; \"x $$\n, 2", true),
            (Sql, "SELECT 3", true)
        ]
    );
    // Goose markers are plain comments.
    assert_eq!(
        pg("-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementEnd\n"),
        vec![(Sql, "SELECT 1", true)]
    );
}

#[test]
fn empty_statements_produce_nothing() {
    assert_eq!(pg(";; ;\n-- c\n/* d */;"), vec![]);
    assert_eq!(pg(""), vec![]);
    assert_eq!(pg("  \n\t"), vec![]);
    assert_eq!(
        pg("SELECT 1;;SELECT 2"),
        vec![(Sql, "SELECT 1", true), (Sql, "SELECT 2", false)]
    );
}

#[test]
fn psql_meta_lines() {
    assert_eq!(
        pg("\\set ON_ERROR_STOP on\nCREATE TABLE t (id int);\n-- c\n  \\connect db\nSELECT 1; \\echo hi ; there\nSELECT 2 \\x\n;"),
        vec![
            (PsqlMeta, "\\set ON_ERROR_STOP on", true),
            (Sql, "CREATE TABLE t (id int)", true),
            (PsqlMeta, "\\connect db", true),
            (Sql, "SELECT 1", true),
            (PsqlMeta, "\\echo hi ; there", true),
            // Not at a statement start: just a punctuation token of the statement.
            (Sql, "SELECT 2 \\x", true),
        ]
    );
    // ClickHouse has no meta commands.
    assert_eq!(ch("\\set x\n;"), vec![(Sql, "\\set x", true)]);
}

#[test]
fn copy_from_stdin_data() {
    let text = "COPY t (a, b) FROM stdin;\n1\t'x;y\n2\t\"q $$ /* \n\\.\nSELECT 1;";
    assert_eq!(
        pg(text),
        vec![
            (Sql, "COPY t (a, b) FROM stdin", true),
            (CopyData, "1\t'x;y\n2\t\"q $$ /* \n\\.", true),
            (Sql, "SELECT 1", true),
        ]
    );
    assert!(errors(text, Dialect::Postgres).is_empty());
    assert_eq!(
        pg("copy t from STDIN with (format csv); -- data follows\na,\"b;\"\n\\.\r\nCOPY t FROM stdin CSV;\r\n\\.\r\nselect 2"),
        vec![
            (Sql, "copy t from STDIN with (format csv)", true),
            (CopyData, "a,\"b;\"\n\\.", true),
            (Sql, "COPY t FROM stdin CSV", true),
            (CopyData, "\\.", true),
            (Sql, "select 2", false),
        ]
    );
    // No `\.`: data runs to the end.
    assert_eq!(
        pg("COPY t FROM stdin;\n1;\n'2\n"),
        vec![
            (Sql, "COPY t FROM stdin", true),
            (CopyData, "1;\n'2\n", false)
        ]
    );
    // COPY at the very end: empty, unterminated data.
    let s = split("COPY t FROM stdin;", 0, Dialect::Postgres);
    assert_eq!(s.statements.len(), 2);
    assert_eq!(s.statements[1].kind, CopyData);
    assert_eq!(s.statements[1].range, 18..18);
    assert!(!s.statements[1].terminated);
    // Not from stdin: no data; `\.` not alone on its line is data.
    assert_eq!(
        pg("COPY t FROM '/tmp/x'; COPY t TO stdout; COPY (SELECT 1 FROM stdin) TO stdout;"),
        vec![
            (Sql, "COPY t FROM '/tmp/x'", true),
            (Sql, "COPY t TO stdout", true),
            (Sql, "COPY (SELECT 1 FROM stdin) TO stdout", true)
        ]
    );
    assert_eq!(
        pg("COPY t FROM stdin;\n\\. x\n \\.\n\\.\n"),
        vec![
            (Sql, "COPY t FROM stdin", true),
            (CopyData, "\\. x\n \\.\n\\.", true)
        ]
    );
    // An unterminated quote after the `;` on the COPY line stops at the line end.
    let text = "COPY t FROM stdin; 'x\n1\n\\.\nSELECT 1;";
    assert_eq!(
        pg(text),
        vec![
            (Sql, "COPY t FROM stdin", true),
            (Sql, "'x", false),
            (CopyData, "1\n\\.", true),
            (Sql, "SELECT 1", true)
        ]
    );
    assert_eq!(
        errors(text, Dialect::Postgres),
        vec![err(19, "unterminated quoted string")]
    );
}

#[test]
fn begin_atomic_bodies() {
    let text = "CREATE FUNCTION f(x int) RETURNS text LANGUAGE sql\n\
                BEGIN ATOMIC\n\
                  SELECT CASE WHEN x > 0 THEN 'pos' ELSE 'neg' END;\n\
                  SELECT (CASE x WHEN 1 THEN 'one' END);\n\
                END;\n\
                SELECT 2;";
    assert_eq!(
        pg(text),
        vec![
            (Sql, &text[..text.len() - 11], true),
            (Sql, "SELECT 2", true)
        ]
    );
    assert!(text[..text.len() - 11].ends_with("END"));
    assert_eq!(
        pg("create or replace procedure p() begin atomic insert into t values (1); end; call p();"),
        vec![
            (
                Sql,
                "create or replace procedure p() begin atomic insert into t values (1); end",
                true
            ),
            (Sql, "call p()", true)
        ]
    );
}

#[test]
fn plain_transaction_statements() {
    assert_eq!(
        pg("BEGIN;\nCREATE TABLE t (id int);\nCOMMIT;\nBEGIN TRANSACTION; BEGIN ISOLATION LEVEL SERIALIZABLE; END; begin work; rollback;"),
        vec![
            (Sql, "BEGIN", true),
            (Sql, "CREATE TABLE t (id int)", true),
            (Sql, "COMMIT", true),
            (Sql, "BEGIN TRANSACTION", true),
            (Sql, "BEGIN ISOLATION LEVEL SERIALIZABLE", true),
            (Sql, "END", true),
            (Sql, "begin work", true),
            (Sql, "rollback", true),
        ]
    );
    // A plpgsql body in a dollar quote does not count; CREATE FUNCTION without ATOMIC neither.
    assert_eq!(
        pg("CREATE FUNCTION f() RETURNS void AS $$ BEGIN END $$ LANGUAGE plpgsql; SELECT 1;"),
        vec![
            (
                Sql,
                "CREATE FUNCTION f() RETURNS void AS $$ BEGIN END $$ LANGUAGE plpgsql",
                true
            ),
            (Sql, "SELECT 1", true)
        ]
    );
}

#[test]
fn clickhouse_quoting_and_comments() {
    assert_eq!(
        ch("CREATE TABLE `a;b` (s String DEFAULT 'it\\'s; ok', \"c;\"\"d\" UInt8) ENGINE = Memory; # note; it's\nSELECT 'a''b;', \"x\\\";\" #! shebang ;\n; /* c; */ SELECT 1 -- d;\n"),
        vec![
            (
                Sql,
                "CREATE TABLE `a;b` (s String DEFAULT 'it\\'s; ok', \"c;\"\"d\" UInt8) ENGINE = Memory",
                true
            ),
            (Sql, "SELECT 'a''b;', \"x\\\";\"", true),
            (Sql, "SELECT 1", false),
        ]
    );
    // `#` not followed by a space or `!` is not a comment; `$$` is a heredoc.
    assert_eq!(
        ch("SELECT a#b; SELECT $$;$$;"),
        vec![(Sql, "SELECT a#b", true), (Sql, "SELECT $$;$$", true)]
    );
    // No BEGIN ATOMIC handling / COPY data / meta lines in ClickHouse.
    assert_eq!(
        ch("COPY t FROM stdin;\n1\n"),
        vec![(Sql, "COPY t FROM stdin", true), (Sql, "1", false)]
    );
}

#[test]
fn parentheses_containing_semicolons() {
    assert_eq!(
        pg("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); SELECT 1; SELECT ) ; SELECT 2;"),
        vec![
            (
                Sql,
                "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))",
                true
            ),
            (Sql, "SELECT 1", true),
            (Sql, "SELECT )", true),
            (Sql, "SELECT 2", true),
        ]
    );
    // An unclosed parenthesis swallows the rest.
    assert_eq!(
        pg("SELECT (1; SELECT 2;"),
        vec![(Sql, "SELECT (1; SELECT 2;", false)]
    );
}

#[test]
fn unterminated_quote() {
    let text = "SELECT 1; SELECT 'abc; SELECT 2;";
    assert_eq!(
        pg(text),
        vec![
            (Sql, "SELECT 1", true),
            (Sql, "SELECT 'abc; SELECT 2;", false)
        ]
    );
    assert_eq!(
        errors(text, Dialect::Postgres),
        vec![err(17, "unterminated quoted string")]
    );
    let text = "SELECT \"abc;";
    assert_eq!(pg(text), vec![(Sql, text, false)]);
    assert_eq!(
        errors(text, Dialect::Postgres),
        vec![err(7, "unterminated quoted identifier")]
    );
    let text = "SELECT 1; SELECT `x;";
    assert_eq!(
        ch(text),
        vec![(Sql, "SELECT 1", true), (Sql, "SELECT `x;", false)]
    );
    assert_eq!(
        errors(text, Dialect::ClickHouse),
        vec![err(17, "unterminated quoted identifier")]
    );
}

#[test]
fn unterminated_dollar_quote() {
    let text = "SELECT 1;\nCREATE FUNCTION f() RETURNS int AS $fn$ SELECT 1; $$ $f$;\n";
    assert_eq!(
        pg(text),
        vec![
            (Sql, "SELECT 1", true),
            (
                Sql,
                "CREATE FUNCTION f() RETURNS int AS $fn$ SELECT 1; $$ $f$;\n",
                false
            ),
        ]
    );
    assert_eq!(
        errors(text, Dialect::Postgres),
        vec![err(45, "unterminated dollar-quoted string $fn$")]
    );
    assert_eq!(&text[45..49], "$fn$");
    assert_eq!(
        errors("SELECT $$", Dialect::Postgres),
        vec![err(7, "unterminated dollar-quoted string $$")]
    );
}

#[test]
fn unterminated_block_comment() {
    let text = "SELECT 1 /* abc; SELECT 2;";
    assert_eq!(pg(text), vec![(Sql, "SELECT 1", false)]);
    assert_eq!(
        errors(text, Dialect::Postgres),
        vec![err(9, "unterminated block comment")]
    );
    // Nested: one `*/` is not enough in Postgres, but is in ClickHouse.
    let text = "/* a /* b */ SELECT 1;";
    assert_eq!(pg(text), vec![]);
    assert_eq!(
        errors(text, Dialect::Postgres),
        vec![err(0, "unterminated block comment")]
    );
    assert_eq!(ch(text), vec![(Sql, "SELECT 1", true)]);
}

#[test]
fn crlf_input() {
    assert_eq!(
        pg("SELECT 1;\r\nSELECT 'a\r\nb' -- c\r\n;\r\n\\set x 1\r\nCOPY t FROM stdin;\r\n1\r\n\\.\r\nSELECT 2;\r\n"),
        vec![
            (Sql, "SELECT 1", true),
            (Sql, "SELECT 'a\r\nb'", true),
            (PsqlMeta, "\\set x 1", true),
            (Sql, "COPY t FROM stdin", true),
            (CopyData, "1\r\n\\.", true),
            (Sql, "SELECT 2", true),
        ]
    );
}

#[test]
fn bom_at_start() {
    let text = "\u{feff}SELECT 1;";
    let s = split(text, 0, Dialect::Postgres);
    assert_eq!(s.statements.len(), 1);
    assert_eq!(s.statements[0].range, 3..11);
    assert_eq!(s.statements[0].tokens[0].range, 3..9);
    assert_eq!(pg("\u{feff}\\set x\n"), vec![(PsqlMeta, "\\set x", true)]);
    assert_eq!(ch("\u{feff}SELECT 1"), vec![(Sql, "SELECT 1", false)]);
}

#[test]
fn multibyte_characters() {
    assert_eq!(
        pg("SELECT 'héllo; wörld'; SELECT naïve_col FROM tëst;SELECT $ü$;$ü$, \"ß;\" /* ☃; */;SELECT 日本"),
        vec![
            (Sql, "SELECT 'héllo; wörld'", true),
            (Sql, "SELECT naïve_col FROM tëst", true),
            (Sql, "SELECT $ü$;$ü$, \"ß;\"", true),
            (Sql, "SELECT 日本", false),
        ]
    );
    let s = split("SELECT naïve_col", 0, Dialect::Postgres);
    assert_eq!(s.statements[0].tokens[1].range, 7..17);
    assert_eq!(s.statements[0].tokens[1].kind, TokenKind::Word);
    // Unterminated E-string ending in a backslash before a multi-byte character.
    assert_eq!(pg("SELECT E'\\é"), vec![(Sql, "SELECT E'\\é", false)]);
}

#[test]
fn base_offset_added_everywhere() {
    let text = "\\set x\nSELECT 1;\nCOPY t FROM stdin;\n1\n\\.\nSELECT 'x";
    let a = split(text, 0, Dialect::Postgres);
    let b = split(text, 1000, Dialect::Postgres);
    assert_eq!(a.statements.len(), 5);
    assert_eq!(a.statements.len(), b.statements.len());
    for (x, y) in a.statements.iter().zip(&b.statements) {
        assert_eq!(x.kind, y.kind);
        assert_eq!(x.terminated, y.terminated);
        assert_eq!(x.range.start + 1000, y.range.start);
        assert_eq!(x.range.end + 1000, y.range.end);
        assert_eq!(x.tokens.len(), y.tokens.len());
        for (s, t) in x.tokens.iter().zip(&y.tokens) {
            assert_eq!(s.range.start + 1000, t.range.start);
            assert_eq!(s.range.end + 1000, t.range.end);
        }
    }
    assert_eq!(a.errors, vec![err(48, "unterminated quoted string")]);
    assert_eq!(b.errors, vec![err(1048, "unterminated quoted string")]);
    assert_eq!(&text[48..], "'x");
    assert_eq!(b.statements[1].range, 1007..1015);
}

#[test]
fn missing_final_semicolon() {
    assert_eq!(
        pg("SELECT 1;\nSELECT 2 -- done\n"),
        vec![(Sql, "SELECT 1", true), (Sql, "SELECT 2", false)]
    );
    let s = split("SELECT 2", 0, Dialect::Postgres);
    assert_eq!(s.statements[0].tokens.len(), 2);
}

#[test]
fn ten_thousand_nested_parentheses() {
    let text = format!(
        "SELECT {}1;2{}; SELECT 2;",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let s = split(&text, 0, Dialect::Postgres);
    assert_eq!(s.statements.len(), 2);
    assert_eq!(s.statements[0].range, 0..text.len() - 11);
    assert_eq!(s.statements[0].tokens.len(), 20_004);
    assert_eq!(&text[s.statements[1].range.clone()], "SELECT 2");
}

#[test]
fn twenty_megabytes_finish_quickly() {
    let chunk = "INSERT INTO t VALUES (1, 'a;b', $$x;y$$, E'\\'') /* c */; -- d\n\\set x 1\n";
    let n = 20 * 1024 * 1024 / chunk.len() + 1;
    let text = chunk.repeat(n);
    let start = std::time::Instant::now();
    let s = split(&text, 0, Dialect::Postgres);
    let elapsed = start.elapsed();
    assert_eq!(s.statements.len(), 2 * n);
    assert!(s.errors.is_empty());
    assert!(elapsed.as_secs() < 30, "took {elapsed:?}");
    let start = std::time::Instant::now();
    let text = "SELECT 1 FROM t WHERE a = 'b' AND c::int > 2;\n".repeat(20 * 1024 * 1024 / 46);
    let s = split(&text, 0, Dialect::ClickHouse);
    assert_eq!(s.statements.len(), 20 * 1024 * 1024 / 46);
    assert!(start.elapsed().as_secs() < 30);
}

#[test]
fn every_byte_in_exactly_one_statement() {
    // `stmts` checks the coverage invariants; here we run it over tricky inputs and their
    // prefixes (cut anywhere on a char boundary), which exercises unterminated constructs.
    let inputs = [
        "SELECT 'a;b' ; SELECT \"c;\"\"d\"; /* x; /* y */ */ SELECT $f$ ; $$ $f$;",
        "\\set a 1\nCOPY t (a) FROM stdin WITH (FORMAT csv);\n\"a;\",'b\n\\.\nSELECT E'\\';'; -- z",
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; END; BEGIN; COMMIT;",
        "\u{feff}SELECT ((1;)); ;; SELECT 'ü;' -- ;\r\n;\r\nSELECT $1::int;x",
        "COPY t FROM stdin; SELECT 1; COPY u FROM stdin;\n1\n\\.\n2\n\\.\nSELECT 3;",
    ];
    for input in inputs {
        for (i, _) in input.char_indices().chain([(input.len(), ' ')]) {
            let prefix = &input[..i];
            pg(prefix);
            ch(prefix);
        }
    }
    assert_eq!(
        pg(inputs[4]),
        vec![
            (Sql, "COPY t FROM stdin", true),
            (Sql, "SELECT 1", true),
            (Sql, "COPY u FROM stdin", true),
            (CopyData, "1\n\\.", true),
            (CopyData, "2\n\\.", true),
            (Sql, "SELECT 3", true),
        ]
    );
}

#[test]
fn coverage_invariants_on_pseudo_random_inputs() {
    let frags = [
        "'",
        "\"",
        "`",
        "$",
        "$a$",
        "$$",
        "E'",
        "\\",
        "\\.",
        "--",
        "/*",
        "*/",
        "# ",
        ";",
        "(",
        ")",
        "é",
        "\u{feff}",
        "\r\n",
        "\n",
        " ",
        "COPY t FROM stdin",
        "CREATE FUNCTION",
        "BEGIN",
        "ATOMIC",
        "CASE",
        "END",
        "x",
        "1",
    ];
    let mut seed: u64 = 42;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for _ in 0..3000 {
        let n = next() % 24 + 1;
        let s: String = (0..n).map(|_| frags[next() % frags.len()]).collect();
        pg(&s);
        ch(&s);
    }
}
