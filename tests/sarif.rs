//! `--format sarif`: every log sqlgate writes is valid against the official SARIF 2.1.0
//! schema (vendored in `tests/schema/`, formats checked too), and says the same as the JSON
//! format: rule ids and indexes, levels, positions, suppressions, run errors.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sqlgate::finding::{docs_url, Category, Finding, GateSummary, RunError, RunReport, Severity};
use sqlgate::report::sarif;
use sqlgate::rules::REGISTRY;
use sqlgate::source::Position;

mod common;
use common::{sqlgate, write};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `pattern` of `run.language` and `toolComponent.language` in the OASIS schema: a stray
/// `]` makes it an invalid ECMAScript regex, so the draft-07 meta-schema (which checks
/// `format: regex`) rejects the schema. sqlgate never writes `language`.
const BROKEN_LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";

/// Removes every `"pattern": BROKEN_LANGUAGE_PATTERN` below `value`; returns how many.
fn strip_broken_pattern(value: &mut Value) -> usize {
    match value {
        Value::Object(map) => {
            let mut removed = 0;
            if map.get("pattern").and_then(Value::as_str) == Some(BROKEN_LANGUAGE_PATTERN) {
                map.remove("pattern");
                removed += 1;
            }
            removed + map.values_mut().map(strip_broken_pattern).sum::<usize>()
        }
        Value::Array(items) => items.iter_mut().map(strip_broken_pattern).sum(),
        _ => 0,
    }
}

/// The vendored schema (in memory, less its one broken regex), formats checked.
fn validator() -> jsonschema::Validator {
    let path = manifest_dir().join("tests/schema/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(
        strip_broken_pattern(&mut schema),
        2,
        "the vendored schema changed: if its `language` patterns were fixed, drop the workaround"
    );
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("the vendored schema does not compile: {e}"))
}

/// Every schema violation of `doc`, as `path: message` lines.
fn violations(doc: &Value) -> Vec<String> {
    validator()
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn assert_valid(doc: &Value) {
    let errors = violations(doc);
    assert!(
        errors.is_empty(),
        "not valid SARIF 2.1.0:\n{}\n\n{doc:#}",
        errors.join("\n")
    );
}

fn parse(text: &str) -> Value {
    assert!(text.ends_with("}\n"), "pretty JSON with a trailing newline");
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// Runs `sqlgate check ARGS --format FORMAT` in `dir`: (exit code, parsed stdout).
fn check(dir: &Path, args: &[&str], format: &str) -> (i32, Value) {
    let out = sqlgate(dir)
        .arg("check")
        .args(args)
        .args(["--format", format])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (out.status.code().unwrap_or(-1), parse(&stdout))
}

fn run(doc: &Value) -> &Value {
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    &runs[0]
}

fn results(doc: &Value) -> &Vec<Value> {
    run(doc)["results"].as_array().unwrap()
}

fn location(result: &Value) -> &Value {
    let locations = result["locations"].as_array().unwrap();
    assert_eq!(locations.len(), 1);
    &locations[0]["physicalLocation"]
}

/// The SARIF region a JSON-format finding must have: the same positions, except that a span
/// ending just after a newline ends at the end of the line before.
fn expected_region(f: &Value) -> Value {
    let n = |key: &str| f[key].as_u64().unwrap();
    if n("end_line") > n("line") && n("end_column") == 1 {
        json!({"startLine": n("line"), "startColumn": n("column"), "endLine": n("end_line") - 1})
    } else {
        json!({
            "startLine": n("line"),
            "startColumn": n("column"),
            "endLine": n("end_line"),
            "endColumn": n("end_column"),
        })
    }
}

/// Checks the document-level facts every log must have: header, driver, every rule in
/// registry order with its documentation, and each result pointing at its rule.
fn assert_log_shape(doc: &Value) {
    assert_eq!(
        doc["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(doc["version"], "2.1.0");
    let run = run(doc);
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "sqlgate");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        driver["informationUri"],
        "https://github.com/sqlgate/sqlgate"
    );

    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), REGISTRY.len());
    for (rule, sarif) in REGISTRY.iter().zip(rules) {
        let m = &rule.meta;
        assert_eq!(sarif["id"], m.code);
        assert_eq!(sarif["name"], m.name);
        assert_eq!(sarif["shortDescription"]["text"], m.summary);
        assert_eq!(sarif["fullDescription"]["text"], m.what_it_does);
        assert!(!m.what_it_does.trim().is_empty(), "{}", m.code);
        let text = sarif["help"]["text"].as_str().unwrap();
        let markdown = sarif["help"]["markdown"].as_str().unwrap();
        for part in [m.what_it_does, m.why_is_this_bad] {
            assert!(text.contains(part), "{}: help.text lacks {part:?}", m.code);
            assert!(
                markdown.contains(part),
                "{}: help.markdown lacks {part:?}",
                m.code
            );
        }
        assert!(markdown.contains(&format!("```sql\n{}\n```", m.example)));
        assert!(markdown.contains(&format!("```sql\n{}\n```", m.use_instead)));
        assert!(markdown.contains("## Why is this bad?"), "{}", m.code);
        assert_eq!(sarif["helpUri"], docs_url(m.name));
        assert_eq!(
            sarif["defaultConfiguration"],
            json!({"enabled": !m.opt_in, "level": m.default_severity.as_str()})
        );
        assert_eq!(
            sarif["properties"],
            json!({"category": m.category.as_str(), "tags": ["sqlgate", m.category.as_str()]})
        );
    }

    for result in results(doc) {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"], "{result}");
    }
}

/// The SARIF results say what the JSON findings of the same run say, in the same order.
fn assert_same_as_json(sarif: &Value, report: &Value) {
    let findings = report["findings"].as_array().unwrap();
    let results = results(sarif);
    assert_eq!(results.len(), findings.len());
    for (r, f) in results.iter().zip(findings) {
        assert_eq!(r["ruleId"], f["code"]);
        assert_eq!(r["level"], f["severity"]);
        let text = r["message"]["text"].as_str().unwrap();
        let message = f["message"].as_str().unwrap();
        let help = f["help"].as_str().unwrap();
        assert_eq!(text, format!("{message} — {help}"));
        let physical = location(r);
        assert_eq!(physical["artifactLocation"]["uri"], f["file"]);
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(physical["region"], expected_region(f), "{f}");
        assert_eq!(r["properties"]["gate"], f["gate"]);
        assert_eq!(r["properties"].get("diff"), f.get("diff"));
        let suppressed = f["suppressed"].as_bool().unwrap();
        if suppressed {
            assert_eq!(r["suppressions"], json!([{"kind": "inSource"}]));
        } else {
            assert!(r.get("suppressions").is_none(), "{r}");
        }
    }
}

// ------------------------------------------------------------------------ the schema

#[test]
fn schema_check_fails_on_invalid_documents() {
    let valid = json!({
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "sqlgate"}}, "results": []}]
    });
    assert_valid(&valid);

    let mut wrong_version = valid.clone();
    wrong_version["version"] = json!("2.0.0");
    assert!(!violations(&wrong_version).is_empty());

    let mut no_tool = valid.clone();
    no_tool["runs"][0].as_object_mut().unwrap().remove("tool");
    assert!(!violations(&no_tool).is_empty());

    // Formats are checked: a URI reference may not contain a space.
    let location = |uri: &str| {
        let mut doc = valid.clone();
        doc["runs"][0]["results"] = json!([{
            "message": {"text": "m"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}]
        }]);
        doc
    };
    assert_valid(&location("db/a%20b.sql"));
    assert!(!violations(&location("db/a b.sql")).is_empty());

    // Regions are 1-based.
    let mut zero_line = location("a.sql");
    zero_line["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"] =
        json!({"startLine": 0});
    assert!(!violations(&zero_line).is_empty());
}

// ------------------------------------------------------------------------ real runs

#[test]
fn demo_is_valid_sarif_and_matches_the_json_report() {
    let dir = manifest_dir();
    let (code, doc) = check(&dir, &["fixtures/demo"], "sarif");
    assert_eq!(code, 1, "the demo has error findings");
    assert_valid(&doc);
    assert_log_shape(&doc);

    let (json_code, report) = check(&dir, &["fixtures/demo"], "json");
    assert_eq!(json_code, code);
    assert_same_as_json(&doc, &report);

    let levels: Vec<&str> = results(&doc)
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert!(
        levels.contains(&"error") && levels.contains(&"warning"),
        "{levels:?}"
    );
    assert_eq!(
        run(&doc)["invocations"],
        json!([{"executionSuccessful": true}])
    );
}

fn repo(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, contents) in files {
        write(dir.path(), path, contents);
    }
    dir
}

#[test]
fn suppressed_findings_are_results_with_an_in_source_suppression() {
    let repo = repo(&[
        (
            "sql/001_init.sql",
            b"CREATE TABLE users (id int, email text);\nCREATE TABLE logs (id int);\n\
              -- rollback: DROP TABLE users; DROP TABLE logs;\n",
        ),
        (
            "sql/002 drop #2.sql",
            b"-- sqlgate: ignore drop-table -- archived in OPS-1\n\
              DROP TABLE users;\nDROP TABLE logs;\n-- rollback: restore from the backup\n",
        ),
    ]);
    let (code, doc) = check(repo.path(), &["sql"], "sarif");
    assert_eq!(code, 1, "the unsuppressed DROP TABLE fails the run");
    assert_valid(&doc);
    assert_log_shape(&doc);
    let (_, report) = check(repo.path(), &["sql"], "json");

    // The file name is percent-encoded in SARIF, plain in JSON.
    let mut report = report;
    let mut renamed = 0;
    for f in report["findings"].as_array_mut().unwrap() {
        if f["file"] == "sql/002 drop #2.sql" {
            f["file"] = json!("sql/002%20drop%20%232.sql");
            renamed += 1;
        }
    }
    assert_eq!(renamed, 3, "two DS001 and a TX001: {report:#}");
    assert_same_as_json(&doc, &report);

    let drops: Vec<(&Value, &Value)> = results(&doc)
        .iter()
        .filter(|r| r["ruleId"] == "DS001")
        .map(|r| (&location(r)["region"]["startLine"], &r["suppressions"]))
        .collect();
    assert_eq!(
        drops,
        [
            (&json!(2), &json!([{"kind": "inSource"}])),
            (&json!(3), &Value::Null)
        ]
    );
}

#[test]
fn unreadable_files_are_tool_execution_notifications() {
    let repo = repo(&[
        (
            "sql/001_init.sql",
            b"CREATE TABLE users (id int);\n-- rollback: DROP TABLE users;\n",
        ),
        ("sql/002_blob.sql", b"DROP TABLE x;\n\xff\xfe\x00garbage"),
    ]);
    let (code, doc) = check(repo.path(), &["sql"], "sarif");
    assert_eq!(code, 2, "an unreadable file makes the run an error");
    assert_valid(&doc);
    assert_log_shape(&doc);
    let (_, report) = check(repo.path(), &["sql"], "json");
    let error = &report["errors"][0];
    assert_eq!(error["file"], "sql/002_blob.sql");

    let invocations = run(&doc)["invocations"].as_array().unwrap();
    assert_eq!(invocations.len(), 1);
    assert_eq!(invocations[0]["executionSuccessful"], false);
    assert_eq!(
        invocations[0]["toolExecutionNotifications"],
        json!([{
            "level": "error",
            "message": {"text": error["message"]},
            "locations": [{"physicalLocation": {"artifactLocation": {
                "uri": "sql/002_blob.sql", "uriBaseId": "%SRCROOT%"
            }}}]
        }])
    );
    assert_same_as_json(&doc, &report);
}

#[test]
fn empty_run_is_valid_with_every_rule_and_no_results() {
    let repo = repo(&[(
        "sql/001_init.sql",
        b"CREATE TABLE users (id int, email text);\n-- rollback: DROP TABLE users;\n",
    )]);
    let (code, doc) = check(repo.path(), &["sql"], "sarif");
    assert_eq!(code, 0);
    assert_valid(&doc);
    assert_log_shape(&doc);
    assert_eq!(results(&doc), &Vec::<Value>::new());
    assert_eq!(
        run(&doc)["invocations"],
        json!([{"executionSuccessful": true}])
    );
}

#[test]
fn sarif_is_a_valid_format_value_for_the_environment_variable() {
    let repo = repo(&[(
        "sql/001_init.sql",
        b"CREATE TABLE users (id int);\n-- rollback: DROP TABLE users;\n",
    )]);
    let out = sqlgate(repo.path())
        .args(["check", "sql"])
        .env("SQLGATE_FORMAT", "sarif")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc = parse(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(doc["version"], "2.1.0");

    let out = sqlgate(repo.path())
        .args(["check", "sql"])
        .env("SQLGATE_FORMAT", "sarf")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("(valid: human, json, github, markdown, sarif)"),
        "{stderr}"
    );
}

// ------------------------------------------------------------------------ the renderer

fn finding(file: &str, start: (usize, usize), end: (usize, usize)) -> Finding {
    Finding {
        rule: "drop-table",
        code: "DS001",
        category: Category::Destructive,
        severity: Severity::Error,
        file_id: 0,
        file: file.to_string(),
        range: 0..1,
        start: Position {
            line: start.0,
            column: start.1,
        },
        end: Position {
            line: end.0,
            column: end.1,
        },
        message: "drop of table users".to_string(),
        help: "back up the table first".to_string(),
        detail: None,
        suppressed: false,
        gate: true,
    }
}

fn report(findings: Vec<Finding>, errors: Vec<RunError>) -> RunReport {
    RunReport {
        findings,
        files_checked: 1,
        statements: 1,
        parsed: 1,
        gate: GateSummary::not_required(),
        errors,
        replay: None,
    }
}

#[test]
fn file_uris_are_encoded_uri_references() {
    let cases = [
        ("db/migrations/0001_init.sql", "db/migrations/0001_init.sql"),
        ("./db/a.sql", "db/a.sql"),
        ("././db/a.sql", "db/a.sql"),
        (r"db\migrations\a.sql", "db/migrations/a.sql"),
        (r".\db\a.sql", "db/a.sql"),
        ("db/a b.sql", "db/a%20b.sql"),
        ("db/100%#1?.sql", "db/100%25%231%3F.sql"),
        ("db/0004_naïve.up.sql", "db/0004_na%C3%AFve.up.sql"),
        (
            "db/[x]{y}<z>|^`\".sql",
            "db/%5Bx%5D%7By%7D%3Cz%3E%7C%5E%60%22.sql",
        ),
        ("db/a,b;c=d+e(f)'!$&*@~.sql", "db/a,b;c=d+e(f)'!$&*@~.sql"),
        ("a:b.sql", "a%3Ab.sql"),
        ("../shared/x.sql", "../shared/x.sql"),
        ("/work/db/a b.sql", "file:///work/db/a%20b.sql"),
        (r"C:\work\db\x.sql", "file:///C:/work/db/x.sql"),
    ];
    for (path, uri) in cases {
        assert_eq!(sarif::file_uri(path), uri, "{path}");
    }

    let findings = cases
        .iter()
        .map(|(path, _)| finding(path, (1, 1), (1, 5)))
        .collect();
    let errors = vec![RunError {
        file: "db/bad file#.sql".to_string(),
        message: "not UTF-8".to_string(),
    }];
    let doc = parse(&sarif::render(&report(findings, errors)));
    assert_valid(&doc);
    let bases: Vec<&Value> = results(&doc)
        .iter()
        .map(|r| &location(r)["artifactLocation"]["uriBaseId"])
        .collect();
    let srcroot = json!("%SRCROOT%");
    let mut expected = vec![&srcroot; cases.len() - 2];
    expected.extend([&Value::Null, &Value::Null]);
    assert_eq!(bases, expected, "absolute paths have no base");
    assert_eq!(
        run(&doc)["invocations"][0]["toolExecutionNotifications"][0]["locations"][0]
            ["physicalLocation"]["artifactLocation"]["uri"],
        "db/bad%20file%23.sql"
    );
}

#[test]
fn regions_follow_the_finding_span() {
    let region = |start, end| {
        let doc = parse(&sarif::render(&report(
            vec![finding("a.sql", start, end)],
            vec![],
        )));
        assert_valid(&doc);
        location(&results(&doc)[0])["region"].clone()
    };
    // Single line: the exclusive end column is SARIF's endColumn.
    assert_eq!(
        region((2, 1), (2, 17)),
        json!({"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 17})
    );
    // Multi-line.
    assert_eq!(
        region((3, 5), (4, 21)),
        json!({"startLine": 3, "startColumn": 5, "endLine": 4, "endColumn": 21})
    );
    // Ends just after a newline: ends at the end of the line before.
    assert_eq!(
        region((1, 1), (2, 1)),
        json!({"startLine": 1, "startColumn": 1, "endLine": 1})
    );
    assert_eq!(
        region((1, 4), (3, 1)),
        json!({"startLine": 1, "startColumn": 4, "endLine": 2})
    );
    // Empty span (an insertion point, e.g. at the end of the file).
    assert_eq!(
        region((4, 1), (4, 1)),
        json!({"startLine": 4, "startColumn": 1, "endLine": 4, "endColumn": 1})
    );
}

#[test]
fn results_carry_level_rule_index_gate_and_diff() {
    let mut warning = finding("a.sql", (1, 1), (1, 5));
    warning.rule = "create-index-non-concurrently";
    warning.code = "LK001";
    warning.category = Category::Locking;
    warning.severity = Severity::Warning;
    warning.gate = false;
    warning.help = String::new();
    let mut with_diff = finding("a.sql", (2, 1), (2, 5));
    with_diff.detail = Some("--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n".to_string());
    with_diff.suppressed = true;

    let doc = parse(&sarif::render(&report(vec![warning, with_diff], vec![])));
    assert_valid(&doc);
    let results = results(&doc);
    let index = |code: &str| REGISTRY.iter().position(|r| r.meta.code == code).unwrap();

    assert_eq!(results[0]["ruleId"], "LK001");
    assert_eq!(results[0]["ruleIndex"], index("LK001"));
    assert_eq!(results[0]["level"], "warning");
    assert_eq!(
        results[0]["message"]["text"], "drop of table users",
        "no help, no dash"
    );
    assert_eq!(results[0]["properties"], json!({"gate": false}));

    assert_eq!(results[1]["ruleId"], "DS001");
    assert_eq!(results[1]["ruleIndex"], index("DS001"));
    assert_eq!(results[1]["level"], "error");
    assert_eq!(
        results[1]["message"]["text"],
        "drop of table users — back up the table first"
    );
    assert_eq!(
        results[1]["properties"],
        json!({"gate": true, "diff": "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n"})
    );
    assert_eq!(results[1]["suppressions"], json!([{"kind": "inSource"}]));
}

#[test]
fn render_is_deterministic_and_dispatched() {
    let r = report(vec![finding("a.sql", (1, 1), (1, 5))], vec![]);
    let out = sarif::render(&r);
    assert_eq!(out, sarif::render(&r));
    assert_eq!(
        sqlgate::report::render(
            sqlgate::report::Format::Sarif,
            &r,
            &sqlgate::report::NoSources,
            &sqlgate::report::HumanOptions::default()
        ),
        out
    );
}
