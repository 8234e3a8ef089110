//! Snapshot and behaviour tests for the renderers in `sqlgate::report`.

use std::collections::BTreeSet;
use std::ops::Range;

use sqlgate::finding::{Category, Finding, GateSummary, RunError, RunReport, Severity};
use sqlgate::report::{self, Format, HumanOptions, SourceLookup};
use sqlgate::source::{LineIndex, Position};

const DROP_FILE: &str = "db/migrations/0003_drop.up.sql";
const DROP_SQL: &str = "-- drop the old tables\n\
DROP TABLE users;\n\
ALTER TABLE accounts\n  DROP COLUMN legacy;\n\
-- sqlgate: ignore truncate -- fixture data\n\
TRUNCATE audit_log;\n\
CREATE INDEX accounts_email ON accounts (email);\n";

const UNICODE_FILE: &str = "db/migrations/0004_naïve.up.sql";
const UNICODE_SQL: &str = "\u{feff}-- café ☕ migration\n\
CREATE TABLE \"naïve\" (id int);\n\
UPDATE \"naïve\" SET note = 'é';\n";

/// Source texts by file id; id 2 has none.
struct Sources(Vec<&'static str>);

impl SourceLookup for Sources {
    fn text(&self, file_id: usize) -> Option<&str> {
        self.0.get(file_id).copied()
    }
}

fn sources() -> Sources {
    Sources(vec![DROP_SQL, UNICODE_SQL])
}

struct Spec {
    rule: &'static str,
    code: &'static str,
    category: Category,
    severity: Severity,
    message: &'static str,
    help: &'static str,
}

const DROP_TABLE: Spec = Spec {
    rule: "drop-table",
    code: "DS001",
    category: Category::Destructive,
    severity: Severity::Error,
    message: "drop of table users",
    help: "back up the table first, or rename it and drop it in a later release",
};

fn finding(spec: &Spec, file_id: usize, file: &str, text: &str, range: Range<usize>) -> Finding {
    let index = LineIndex::new(text);
    let (start, end) = index.span(text, &range);
    Finding {
        rule: spec.rule,
        code: spec.code,
        category: spec.category,
        severity: spec.severity,
        file_id,
        file: file.to_string(),
        range,
        start,
        end,
        message: spec.message.to_string(),
        help: spec.help.to_string(),
        detail: None,
        suppressed: false,
        gate: spec.category == Category::Destructive,
    }
}

/// Byte range of the `nth` (0-based) occurrence of `needle` in `text`.
fn find(text: &str, needle: &str, nth: usize) -> Range<usize> {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} not in text"))
        .0;
    start..start + needle.len()
}

fn sample() -> RunReport {
    let mut suppressed = finding(
        &Spec {
            rule: "truncate",
            code: "DS005",
            category: Category::Destructive,
            severity: Severity::Error,
            message: "truncate of table audit_log",
            help: "delete in batches with a WHERE clause, after a backup",
        },
        0,
        DROP_FILE,
        DROP_SQL,
        find(DROP_SQL, "TRUNCATE audit_log", 0),
    );
    suppressed.suppressed = true;

    let findings = vec![
        // Single-line span.
        finding(
            &DROP_TABLE,
            0,
            DROP_FILE,
            DROP_SQL,
            find(DROP_SQL, "DROP TABLE users", 0),
        ),
        // Multi-line span.
        finding(
            &Spec {
                rule: "drop-column",
                code: "DS002",
                category: Category::Destructive,
                severity: Severity::Error,
                message: "drop of column accounts.legacy",
                help: "stop reading the column first; drop it in a later release",
            },
            0,
            DROP_FILE,
            DROP_SQL,
            find(DROP_SQL, "ALTER TABLE accounts\n  DROP COLUMN legacy", 0),
        ),
        suppressed,
        // A warning.
        finding(
            &Spec {
                rule: "create-index-non-concurrently",
                code: "LK001",
                category: Category::Locking,
                severity: Severity::Warning,
                message: "index accounts_email on existing table accounts",
                help: "use CREATE INDEX CONCURRENTLY outside a transaction",
            },
            0,
            DROP_FILE,
            DROP_SQL,
            find(DROP_SQL, "CREATE INDEX", 0),
        ),
        // After a BOM and multi-byte characters.
        finding(
            &Spec {
                rule: "update-without-where",
                code: "DS008",
                category: Category::Destructive,
                severity: Severity::Error,
                message: "update of every row of naïve",
                help: "add a WHERE clause | or say WHERE true",
            },
            1,
            UNICODE_FILE,
            UNICODE_SQL,
            find(UNICODE_SQL, "\"naïve\"", 1),
        ),
        // Empty span at EOF.
        finding(
            &Spec {
                rule: "missing-transaction",
                code: "TX001",
                category: Category::Transaction,
                severity: Severity::Warning,
                message: "migration runs outside a transaction",
                help: "wrap the statements in BEGIN; ... COMMIT;",
            },
            1,
            UNICODE_FILE,
            UNICODE_SQL,
            UNICODE_SQL.len()..UNICODE_SQL.len(),
        ),
    ];
    RunReport {
        findings,
        files_checked: 3,
        statements: 7,
        parsed: 6,
        gate: GateSummary::unevaluated(true),
        errors: vec![RunError {
            file: "db/migrations/0005_blob.sql".to_string(),
            message: "not UTF-8 (invalid byte at 1:3); convert the file to UTF-8".to_string(),
        }],
    }
}

fn clean() -> RunReport {
    RunReport {
        findings: vec![],
        files_checked: 12,
        statements: 140,
        parsed: 138,
        gate: GateSummary::not_required(),
        errors: vec![],
    }
}

const NO_COLOR: HumanOptions = HumanOptions {
    color: false,
    width: 100,
};

fn github(report: &RunReport) -> String {
    let mut out = String::new();
    report::github::render(report, &mut out);
    out
}

// ---------------------------------------------------------------- positions used below

#[test]
fn sample_positions_are_as_intended() {
    let r = sample();
    let pos = |line, column| Position { line, column };
    assert_eq!(
        (r.findings[0].start, r.findings[0].end),
        (pos(2, 1), pos(2, 17))
    );
    assert_eq!(
        (r.findings[1].start, r.findings[1].end),
        (pos(3, 1), pos(4, 21))
    );
    // Line 3 of the unicode file: `UPDATE "naïve"`, columns in characters.
    assert_eq!(
        (r.findings[4].start, r.findings[4].end),
        (pos(3, 8), pos(3, 15))
    );
    assert_eq!(
        (r.findings[5].start, r.findings[5].end),
        (pos(4, 1), pos(4, 1))
    );
}

// ---------------------------------------------------------------- snapshots

#[test]
fn human_snapshot() {
    insta::assert_snapshot!(report::human::render(&sample(), &sources(), &NO_COLOR));
}

#[test]
fn human_clean_snapshot() {
    insta::assert_snapshot!(report::human::render(&clean(), &sources(), &NO_COLOR));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!(report::json::render(&sample()));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(report::markdown::render(&sample()));
}

#[test]
fn markdown_clean_snapshot() {
    insta::assert_snapshot!(report::markdown::render(&clean()));
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!(github(&sample()));
}

/// The driver's `rules` array of a SARIF log: (text before it, its text, text after it).
fn split_sarif_rules(out: &str) -> (&str, &str, &str) {
    const OPEN: &str = "\n          \"rules\": [\n";
    const CLOSE: &str = "\n          ]\n";
    let start = out.find(OPEN).expect("driver.rules") + OPEN.len();
    let end = start + out[start..].find(CLOSE).expect("end of driver.rules");
    (&out[..start], &out[start..end], &out[end..])
}

/// The sample's SARIF log with each rule of the driver cut down to its id (in order, so the
/// results' `ruleIndex` can be checked by eye): the full rule text is in
/// `sarif_rule_snapshot` and checked for every rule in tests/sarif.rs.
#[test]
fn sarif_snapshot() {
    let out = report::sarif::render(&sample());
    let (before, rules, after) = split_sarif_rules(&out);
    let ids: Vec<String> = rules
        .lines()
        .filter_map(|l| l.strip_prefix("              \"id\": "))
        .map(|id| format!("            {{ \"id\": {} }}", id.trim_end_matches(',')))
        .collect();
    assert_eq!(ids.len(), sqlgate::rules::REGISTRY.len());
    insta::assert_snapshot!(format!("{before}{}{after}", ids.join(",\n")));
}

/// One rule of the SARIF driver in full: the first, drop-table.
#[test]
fn sarif_rule_snapshot() {
    let out = report::sarif::render(&sample());
    let (_, rules, _) = split_sarif_rules(&out);
    let end = rules.find("\n            },\n").expect("a second rule");
    insta::assert_snapshot!(format!("{}\n            }}\n", &rules[..end]));
}

#[test]
fn github_outputs_snapshot() {
    insta::assert_snapshot!(report::github::outputs(&sample()), @r"
    findings=5
    errors=3
    warnings=2
    suppressed=1
    files-not-read=1
    gate-required=true
    gate-status=blocked
    gate-missing=approvals,backup
    ");
}

// ---------------------------------------------------------------- human

#[test]
fn human_without_color_has_no_escapes() {
    let out = report::human::render(&sample(), &sources(), &NO_COLOR);
    assert!(!out.contains('\x1b'), "{out:?}");
    // No hyperlinks either (OSC 8 starts with ESC too, but check the payload).
    assert!(!out.contains("]8;;"));
}

#[test]
fn human_with_color_has_escapes_but_no_hyperlinks() {
    let options = HumanOptions {
        color: true,
        width: 100,
    };
    let out = report::human::render(&sample(), &sources(), &options);
    assert!(out.contains('\x1b'));
    assert!(!out.contains("\x1b]8;;"));
}

#[test]
fn human_header_help_docs_and_summary() {
    let out = report::human::render(&sample(), &sources(), &NO_COLOR);
    assert!(
        out.contains("× DS001 drop-table: drop of table users"),
        "{out}"
    );
    assert!(out.contains("help: back up the table first"));
    assert!(
        out.contains("docs: https://github.com/sqlgate/sqlgate/blob/main/docs/rules/drop-table.md")
    );
    assert!(out.starts_with("db/migrations/0003_drop.up.sql\n"));
    // Character columns, not bytes: the label header names our position.
    assert!(
        out.contains("[db/migrations/0004_naïve.up.sql:3:8]"),
        "{out}"
    );
    assert!(out.contains("error: db/migrations/0005_blob.sql: not UTF-8"));
    // Suppressed findings are not shown.
    assert!(!out.contains("DS005"));
    assert!(out.ends_with(
        "Found 3 errors and 2 warnings in 2 files (3 files checked, 7 statements, 1 suppressed, 1 file not read).\n"
    ));
}

#[test]
fn human_clean_summary() {
    let out = report::human::render(&clean(), &sources(), &NO_COLOR);
    assert_eq!(out, "No findings (12 files checked, 140 statements).\n");
}

#[test]
fn human_without_source_text_renders_without_snippet() {
    let out = report::human::render(&sample(), &report::NoSources, &NO_COLOR);
    assert!(out.contains("× DS001 drop-table: drop of table users"));
    assert!(!out.contains("╭─"), "{out}");
}

#[test]
fn human_never_panics_on_odd_ranges() {
    let texts = [
        "",
        "\n",
        "\u{feff}",
        "\u{feff}é",
        "a\r\nb\r\n",
        "é☕\n\t x",
        "DROP TABLE t;",
    ];
    for (id, text) in texts.iter().enumerate() {
        let sources = Sources(texts.to_vec());
        let len = text.len();
        let mut findings = Vec::new();
        for start in 0..=len + 2 {
            for end in [0, start, start + 1, start + 2, len, len + 5] {
                let mut f = finding(&DROP_TABLE, id, "t.sql", text, 0..0);
                f.range = start..end; // deliberately unclamped, possibly reversed
                findings.push(f);
            }
        }
        let report = RunReport {
            findings,
            ..clean()
        };
        for width in [0, 10, 100] {
            let options = HumanOptions {
                color: width == 10,
                width,
            };
            let out = report::human::render(&report, &sources, &options);
            assert!(out.contains("DS001"));
        }
    }
}

// ---------------------------------------------------------------- github

#[test]
fn github_escapes_properties_and_data() {
    let text = "DROP TABLE x;\n";
    let mut f = finding(&DROP_TABLE, 0, "a,b:c%d\r\ne.sql", text, 0..12);
    f.message = "100% gone:\r\nreally, yes".to_string();
    f.help = "back up, then: drop".to_string();
    f.rule = "drop:table,x%";
    let report = RunReport {
        findings: vec![f],
        ..clean()
    };
    assert_eq!(
        github(&report),
        "::error file=a%2Cb%3Ac%25d%0D%0Ae.sql,line=1,endLine=1,col=1,endColumn=13,\
         title=DS001 drop%3Atable%2Cx%25::100%25 gone:%0D%0Areally, yes — back up, then: drop\n"
    );
}

#[test]
fn github_escape_functions() {
    assert_eq!(
        report::github::escape_data("a%b\rc\nd:e,f"),
        "a%25b%0Dc%0Ad:e,f"
    );
    assert_eq!(
        report::github::escape_property("a%b\rc\nd:e,f"),
        "a%25b%0Dc%0Ad%3Ae%2Cf"
    );
}

#[test]
fn github_run_errors_are_annotated() {
    let report = RunReport {
        errors: vec![RunError {
            file: "x,y.sql".to_string(),
            message: "cannot read: 50% done\nretry".to_string(),
        }],
        ..clean()
    };
    assert_eq!(
        github(&report),
        "::error file=x%2Cy.sql::cannot read: 50%25 done%0Aretry\n"
    );
}

#[test]
fn github_caps_annotations_at_ten_per_level() {
    let text = "DROP TABLE x;\n";
    let mut findings = Vec::new();
    for i in 0..25 {
        findings.push(finding(
            &DROP_TABLE,
            0,
            &format!("e{i:02}.sql"),
            text,
            0..12,
        ));
    }
    for i in 0..3 {
        let mut f = finding(&DROP_TABLE, 0, &format!("w{i}.sql"), text, 0..12);
        f.severity = Severity::Warning;
        findings.push(f);
    }
    let report = RunReport {
        findings,
        ..clean()
    };
    let out = github(&report);
    let lines: Vec<&str> = out.lines().collect();
    let count = |prefix: &str| lines.iter().filter(|l| l.starts_with(prefix)).count();
    assert_eq!(count("::error "), 10);
    assert_eq!(count("::warning "), 3);
    assert_eq!(count("::notice::"), 1);
    assert_eq!(lines.len(), 14);
    let notice = lines.iter().find(|l| l.starts_with("::notice::")).unwrap();
    assert!(notice.contains("15 more problems"), "{notice}");
    assert!(notice.contains("job summary"), "{notice}");
}

#[test]
fn github_omits_columns_on_multi_line_spans_and_suppressed() {
    let out = github(&sample());
    let multi = out.lines().find(|l| l.contains("DS002")).unwrap();
    assert_eq!(
        multi,
        "::error file=db/migrations/0003_drop.up.sql,line=3,endLine=4,\
         title=DS002 drop-column::drop of column accounts.legacy — stop reading the column first; \
         drop it in a later release"
    );
    let single = out.lines().find(|l| l.contains("DS001")).unwrap();
    assert!(
        single.contains(",line=2,endLine=2,col=1,endColumn=17,"),
        "{single}"
    );
    assert!(
        !out.contains("DS005"),
        "suppressed findings are not annotated"
    );
}

#[test]
fn github_span_ending_after_newline_ends_on_previous_line() {
    let text = "DROP TABLE x;\nSELECT 1;\n";
    let f = finding(&DROP_TABLE, 0, "a.sql", text, 0..14);
    assert_eq!(f.end, Position { line: 2, column: 1 });
    let out = github(&RunReport {
        findings: vec![f],
        ..clean()
    });
    assert!(out.contains("line=1,endLine=1,title="), "{out}");
}

// ---------------------------------------------------------------- json

#[test]
fn json_round_trips_with_exact_keys() {
    let out = report::json::render(&sample());
    assert!(out.ends_with("}\n"));
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let keys = |v: &serde_json::Value| -> BTreeSet<String> {
        v.as_object().unwrap().keys().cloned().collect()
    };
    let set =
        |names: &[&str]| -> BTreeSet<String> { names.iter().map(|s| s.to_string()).collect() };
    assert_eq!(
        keys(&value),
        set(&[
            "version",
            "findings",
            "files_checked",
            "statements",
            "parsed",
            "gate",
            "errors"
        ])
    );
    assert_eq!(value["version"], 1);
    let findings = value["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 6);
    for f in findings {
        assert_eq!(
            keys(f),
            set(&[
                "rule",
                "code",
                "category",
                "severity",
                "file",
                "line",
                "column",
                "end_line",
                "end_column",
                "message",
                "help",
                "suppressed",
                "gate"
            ])
        );
    }
    assert_eq!(
        keys(&value["gate"]),
        set(&["required", "status", "missing"])
    );
    for e in value["errors"].as_array().unwrap() {
        assert_eq!(keys(e), set(&["file", "message"]));
    }
    assert_eq!(findings[0]["end_column"], 17);
    assert_eq!(findings[4]["file"], UNICODE_FILE);
    assert_eq!(
        value["gate"]["missing"],
        serde_json::json!(["approvals", "backup"])
    );
    // Re-serialising the parsed value gives the same document (modulo key order).
    let again: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&value).unwrap()).unwrap();
    assert_eq!(again, value);
}

#[test]
fn json_keys_are_in_schema_order() {
    let out = report::json::render(&sample());
    let order = [
        "\"version\"",
        "\"findings\"",
        "\"rule\"",
        "\"code\"",
        "\"category\"",
        "\"severity\"",
        "\"file\"",
        "\"line\"",
        "\"column\"",
        "\"end_line\"",
        "\"end_column\"",
        "\"message\"",
        "\"help\"",
        "\"suppressed\"",
        "\"gate\"",
        "\"files_checked\"",
        "\"statements\"",
        "\"parsed\"",
        "\"required\"",
        "\"status\"",
        "\"missing\"",
        "\"errors\"",
    ];
    let positions: Vec<usize> = order.iter().map(|k| out.find(k).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{out}");
}

// ---------------------------------------------------------------- markdown

#[test]
fn markdown_escapes_cells() {
    assert_eq!(
        report::markdown::escape_cell("a|b\r\nc\nd <e> & f"),
        "a\\|b<br>c<br>d &lt;e&gt; &amp; f"
    );
    let out = report::markdown::render(&sample());
    assert!(out.starts_with("## sqlgate\n"));
    assert!(out.contains("add a WHERE clause \\| or say WHERE true"));
    assert!(out.contains(
        "[drop-table](https://github.com/sqlgate/sqlgate/blob/main/docs/rules/drop-table.md)"
    ));
    assert_eq!(out, report::markdown::render(&sample()), "deterministic");

    let mut odd = sample();
    odd.findings[0].file = "a|b`c.sql".to_string();
    odd.errors[0].file = "x|y.sql".to_string();
    let out = report::markdown::render(&odd);
    assert!(out.contains("\n### ``a|b`c.sql``\n"), "{out}");
    assert!(out.contains("| `x\\|y.sql` | not UTF-8"), "{out}");
}

// ---------------------------------------------------------------- dispatch

#[test]
fn render_dispatches_on_format() {
    let r = sample();
    let s = sources();
    assert_eq!(
        report::render(Format::Json, &r, &s, &NO_COLOR),
        report::json::render(&r)
    );
    assert_eq!(
        report::render(Format::Markdown, &r, &s, &NO_COLOR),
        report::markdown::render(&r)
    );
    assert_eq!(
        report::render(Format::Github, &r, &s, &NO_COLOR),
        github(&r)
    );
    assert_eq!(
        report::render(Format::Sarif, &r, &s, &NO_COLOR),
        report::sarif::render(&r)
    );
    assert_eq!(
        report::render(Format::Human, &r, &s, &NO_COLOR),
        report::human::render(&r, &s, &NO_COLOR)
    );
}

#[test]
fn human_strips_escape_sequences_from_content() {
    let text = "-- \x1b[31mred\x1b[0m \u{9b}2J\nDROP TABLE \"\x1b]8;;x\x07t\";\n";
    let mut f = finding(&DROP_TABLE, 0, "evil\x1b[2J.sql", text, 0..text.len());
    f.message = "drop of table \x1b]8;;x\x07t".to_string();
    f.help = "really\x1b[0m".to_string();
    let report = RunReport {
        findings: vec![f],
        errors: vec![RunError {
            file: "x\x1b.sql".to_string(),
            message: "bad\x1b".to_string(),
        }],
        ..clean()
    };
    let out = report::human::render(&report, &Sources(vec![text]), &NO_COLOR);
    assert!(!out.contains('\x1b'), "{out:?}");
    assert!(!out.contains('\u{9b}'), "{out:?}");
    assert!(!out.contains('\x07'), "{out:?}");
    assert!(out.contains("-- ?[31mred?[0m ??2J"), "{out}");
}

#[test]
fn human_long_spans_show_their_first_line_with_absolute_line_numbers() {
    let text: String = (1..=20).map(|n| format!("SELECT {n};\r\n")).collect();
    let text: &'static str = Box::leak(text.into_boxed_str());
    let start = find(text, "SELECT 15;", 0).start;
    let end = find(text, "SELECT 18;", 0).end;
    let f = finding(
        &DROP_TABLE,
        0,
        "long.sql",
        text,
        find(text, "SELECT 5;", 0).start..end,
    );
    let short = finding(&DROP_TABLE, 0, "long.sql", text, start..end);
    let report = RunReport {
        findings: vec![f, short],
        ..clean()
    };
    let out = report::human::render(&report, &Sources(vec![text]), &NO_COLOR);
    insta::assert_snapshot!(out);
}

// ---------------------------------------------------------------- evaluated gate

const HEAD: &str = "2222222222222222222222222222222222222222";

fn review(id: u64, login: &str, state: &str, commit: &str) -> sqlgate::github::Review {
    sqlgate::github::Review {
        id,
        author: login.to_string(),
        author_is_bot: login.ends_with("[bot]"),
        state: state.to_string(),
        commit_id: Some(commit.to_string()),
        submitted_at: Some(format!("2026-11-21T10:0{id}:00Z")),
    }
}

/// The sample's findings with the gate evaluated against a pull request: `body` and the
/// reviews decide whether it passes.
fn gated(body: &str, reviews: Vec<sqlgate::github::Review>) -> RunReport {
    use sqlgate::gate::{self, manifest, Facts, ManifestFile};
    let mut report = sample();
    let facts = Facts {
        author: "alice".to_string(),
        head_sha: HEAD.to_string(),
        body: body.to_string(),
        reviews: Ok(reviews),
        permissions: [("bob", "write"), ("carol", "admin"), ("dave", "read")]
            .into_iter()
            .map(|(l, p)| (l.to_string(), Ok(p.to_string())))
            .collect(),
        manifests: vec![ManifestFile {
            path: "backups/backup_20261101_metadata.json".to_string(),
            manifest: manifest::parse(b"{\"timestamp\": \"2026-11-01T00:00:00Z\", \"database\": \"app\", \"size\": 0, \"sha256\": \"ab\"}"),
        }],
        artifacts: Some(Ok(vec![sqlgate::github::Artifact {
            id: 9,
            name: "pre-migration-backup".to_string(),
            expired: false,
            created_at: None,
            expires_at: None,
            head_sha: Some("1111111111111111111111111111111111111111".to_string()),
        }])),
        now: 1_795_165_920,
        ..Facts::default()
    };
    report.gate = gate::evaluate(
        &report.findings,
        &sqlgate::config::GateConfig::default(),
        &facts,
    );
    report
}

fn gate_blocked() -> RunReport {
    gated(
        "Drops the old tables.\nBackup: TODO",
        vec![
            review(1, "bob", "APPROVED", HEAD),
            review(2, "alice", "APPROVED", HEAD),
            review(
                3,
                "carol",
                "APPROVED",
                "1111111111111111111111111111111111111111",
            ),
            review(4, "dave", "APPROVED", HEAD),
            review(5, "erin", "CHANGES_REQUESTED", HEAD),
        ],
    )
}

fn gate_passed() -> RunReport {
    gated(
        "Drops the old tables.\nBackup: s3://acme-backups/pre-drop.dump",
        vec![
            review(1, "bob", "APPROVED", HEAD),
            review(2, "carol", "APPROVED", HEAD),
            review(3, "renovate[bot]", "APPROVED", HEAD),
        ],
    )
}

#[test]
fn gate_blocked_markdown_snapshot() {
    insta::assert_snapshot!(report::markdown::render(&gate_blocked()));
}

#[test]
fn gate_passed_markdown_snapshot() {
    insta::assert_snapshot!(report::markdown::render(&gate_passed()));
}

#[test]
fn gate_blocked_human_snapshot() {
    insta::assert_snapshot!(report::human::render(
        &gate_blocked(),
        &sources(),
        &NO_COLOR
    ));
}

#[test]
fn gate_json_snapshot() {
    let blocked: serde_json::Value =
        serde_json::from_str(&report::json::render(&gate_blocked())).unwrap();
    let passed: serde_json::Value =
        serde_json::from_str(&report::json::render(&gate_passed())).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&serde_json::json!({
        "blocked": blocked["gate"],
        "passed": passed["gate"],
    }))
    .unwrap());
}

#[test]
fn gate_github_snapshot() {
    let mut blocked = String::new();
    report::github::render(&gate_blocked(), &mut blocked);
    let mut passed = String::new();
    report::github::render(&gate_passed(), &mut passed);
    insta::assert_snapshot!(format!("{blocked}\n--- passed ---\n{passed}"));
}
