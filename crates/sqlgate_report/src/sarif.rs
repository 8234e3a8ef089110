//! SARIF 2.1.0 (OASIS), as `github/codeql-action/upload-sarif` accepts it.
//!
//! One run whose driver lists every rule in [`REGISTRY`] order, so a result's `ruleIndex` is
//! the rule's position there. Columns are characters (`columnKind: unicodeCodePoints`), our
//! exclusive end column is SARIF's `endColumn`. Paths are relative references against
//! `%SRCROOT%` (the directory sqlgate ran in); absolute paths become `file://` URIs.
//! The output is checked against the official schema in `tests/sarif.rs`.

use serde::Serialize;

use sqlgate_core::finding::{docs_url, Finding, Severity};
use sqlgate_core::run::{RunError, RunReport};
use sqlgate_lint::rules::{Rule, REGISTRY};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SARIF_VERSION: &str = "2.1.0";
const INFORMATION_URI: &str = "https://github.com/sqlgate/sqlgate";
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation<'a>; 1],
    original_uri_base_ids: OriginalUriBaseIds,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text<'static>,
    full_description: Text<'static>,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    enabled: bool,
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    category: &'static str,
    tags: [&'static str; 2],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: Text<'a>,
    locations: [Location; 1],
}

#[derive(Serialize)]
struct OriginalUriBaseIds {
    #[serde(rename = "%SRCROOT%")]
    srcroot: BaseDescription,
}

#[derive(Serialize)]
struct BaseDescription {
    description: Text<'static>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression; 1]>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

/// 1-based lines and columns; `end_column` is exclusive, and absent when the span runs to
/// the end of `end_line` (SARIF's default for a missing `endColumn`).
#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<usize>,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    gate: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<&'a str>,
}

/// The report as a pretty-printed SARIF 2.1.0 log with a trailing newline.
pub fn render(report: &RunReport) -> String {
    crate::shared::to_string(|out| write(report, out))
}

/// [`render`], written to `out` as it is serialized.
pub fn write(report: &RunReport, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let log = Log {
        schema: SCHEMA,
        version: SARIF_VERSION,
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "sqlgate",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: REGISTRY.iter().map(|r| descriptor(r)).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: report.errors.is_empty(),
                tool_execution_notifications: report.errors.iter().map(notification).collect(),
            }],
            original_uri_base_ids: OriginalUriBaseIds {
                srcroot: BaseDescription {
                    description: Text {
                        text: "The directory sqlgate ran in; file paths are relative to it.",
                    },
                },
            },
            column_kind: "unicodeCodePoints",
            results: report.findings.iter().map(result).collect(),
        }],
    };
    crate::shared::write_pretty_json(&log, out)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let m = &rule.meta;
    ReportingDescriptor {
        id: m.code,
        name: m.name,
        short_description: Text { text: m.summary },
        full_description: Text {
            text: m.what_it_does,
        },
        help: Help {
            text: help_text(rule),
            markdown: sqlgate_lint::docs::rule_markdown(rule),
        },
        help_uri: docs_url(m.name),
        default_configuration: Configuration {
            enabled: !m.opt_in,
            level: level(m.default_severity),
        },
        properties: RuleProperties {
            category: m.category.as_str(),
            tags: ["sqlgate", m.category.as_str()],
        },
    }
}

/// The rule's documentation as plain text, for viewers that do not render Markdown.
pub fn help_text(rule: &Rule) -> String {
    let m = &rule.meta;
    let indent = |sql: &str| -> String {
        sql.lines()
            .map(|l| {
                if l.is_empty() {
                    String::new()
                } else {
                    format!("    {l}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "{summary}\n\n\
         What it does:\n{what}\n\n\
         Why is this bad?\n{why}\n\n\
         Example:\n{example}\n\n\
         Use instead:\n{instead}\n\n\
         Documentation: {docs}\n",
        summary = m.summary,
        what = m.what_it_does,
        why = m.why_is_this_bad,
        example = indent(m.example),
        instead = indent(m.use_instead),
        docs = docs_url(m.name),
    )
}

fn result(f: &Finding) -> SarifResult<'_> {
    let text = if f.help.is_empty() {
        f.message.clone()
    } else {
        format!("{} — {}", f.message, f.help)
    };
    SarifResult {
        rule_id: f.code,
        rule_index: REGISTRY.iter().position(|r| r.meta.code == f.code),
        level: level(f.severity),
        message: Message { text },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: artifact(&f.file),
                region: Some(region(f)),
            },
        }],
        suppressions: f.suppressed.then_some([Suppression { kind: "inSource" }]),
        properties: ResultProperties {
            gate: f.gate,
            diff: f.detail.as_deref(),
        },
    }
}

fn notification(e: &RunError) -> Notification<'_> {
    Notification {
        level: "error",
        message: Text { text: &e.message },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: artifact(&e.file),
                region: None,
            },
        }],
    }
}

/// The SARIF region of a finding. Our `end` is exclusive, like SARIF's `endColumn`; a span
/// that ends just after a newline (column 1 of a later line) ends on the line before, at
/// its end (no `endColumn`).
pub fn region(f: &Finding) -> Region {
    let start_column = f.start.column.max(1);
    if f.last_line() < f.end.line {
        return Region {
            start_line: f.start.line,
            start_column,
            end_line: f.last_line(),
            end_column: None,
        };
    }
    let end_line = f.end.line.max(f.start.line);
    let end_column = if end_line == f.start.line {
        f.end.column.max(start_column)
    } else {
        f.end.column.max(1)
    };
    Region {
        start_line: f.start.line,
        start_column,
        end_line,
        end_column: Some(end_column),
    }
}

/// An artifact location for a display path: a relative reference against `%SRCROOT%`, or a
/// `file://` URI for an absolute path.
fn artifact(path: &str) -> ArtifactLocation {
    let uri = file_uri(path);
    let relative = !uri.starts_with("file:");
    ArtifactLocation {
        uri,
        uri_base_id: relative.then_some(SRCROOT),
    }
}

/// A display path as a URI reference: `\` becomes `/`, leading `./` are dropped, and every
/// byte that may not appear literally in a path segment is percent-encoded (spaces, `%`, `#`,
/// `?`, non-ASCII). Absolute paths (`/x`, `C:/x`) become `file:///x`, `file:///C:/x`.
pub fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut rest = path.as_str();
    while let Some(r) = rest.strip_prefix("./") {
        rest = r;
    }
    let bytes = rest.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    let (prefix, body) = if drive {
        ("file:///", rest)
    } else if let Some(body) = rest.strip_prefix('/') {
        ("file:///", body)
    } else {
        ("", rest)
    };
    let mut out = String::from(prefix);
    for (i, b) in body.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=@/".contains(&b)
            // A colon in a relative reference's first segment would read as a scheme; only a
            // drive letter's colon stays.
            || (b == b':' && drive && i == 1);
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
