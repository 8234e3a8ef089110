//! GitHub-flavoured Markdown report, for `$GITHUB_STEP_SUMMARY` and the PR comment.

use std::fmt::Write as _;

use sqlgate_core::finding::{docs_url, Finding, Severity};
use sqlgate_core::run::RunReport;
use sqlgate_core::verdict::GateFileKind;

use crate::shared::{files_with_findings, group_by_file, plural};

/// Escapes text for a table cell: `|`, line breaks, and HTML angle brackets/ampersands
/// (GitHub would otherwise swallow `<tag>`-like text).
pub fn escape_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => out.push_str("\\|"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            _ => out.push(c),
        }
    }
    out
}

/// A file path as inline code for a table cell (`|` escaped, which GFM tables allow inside
/// code spans).
fn code_cell(s: &str) -> String {
    code_span(s).replace('|', "\\|")
}

/// A file path as inline code.
fn code_span(s: &str) -> String {
    let s = s.replace(['\r', '\n'], " ");
    let fence = backtick_fence(&s, 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// A run of backticks longer than any inside `s`, and at least `min` long: it delimits `s`.
fn backtick_fence(s: &str, min: usize) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat((longest + 1).max(min))
}

/// The whole report. Deterministic: the output depends only on `report`.
pub fn render(report: &RunReport) -> String {
    let mut out = String::new();
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let suppressed = report.suppressed();

    out.push_str("## sqlgate\n\n");
    out.push_str(&verdict(report, errors, warnings));
    out.push_str("\n\n");
    if report.gate.required {
        gate_section(&mut out, report);
    }

    // Summary table.
    out.push_str("| | Count |\n|---|---:|\n");
    let _ = writeln!(out, "| Errors | {errors} |");
    let _ = writeln!(out, "| Warnings | {warnings} |");
    let _ = writeln!(out, "| Suppressed | {suppressed} |");
    let _ = writeln!(out, "| Files checked | {} |", report.files_checked);
    let _ = writeln!(
        out,
        "| Statements | {} ({} parsed) |",
        report.statements, report.parsed
    );
    if !report.errors.is_empty() {
        let _ = writeln!(out, "| Files not read | {} |", report.errors.len());
    }

    // Findings, one table per file, in the caller's order.
    for (file, findings) in group_by_file(report.findings.iter().filter(|f| !f.suppressed)) {
        let _ = write!(out, "\n### {}\n\n", code_span(file));
        findings_table(&mut out, &findings);
        for f in findings.iter().filter(|f| f.detail.is_some()) {
            details(&mut out, f);
        }
    }

    if suppressed > 0 {
        let _ = write!(
            out,
            "\n<details><summary>{}</summary>\n\n",
            plural(suppressed, "suppressed finding", "suppressed findings")
        );
        out.push_str("| File | Line | Code | Rule | Severity | Message |\n");
        out.push_str("|---|---:|---|---|---|---|\n");
        for f in report.findings.iter().filter(|f| f.suppressed) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                code_cell(&f.file),
                f.start.line,
                escape_cell(f.code),
                rule_link(f),
                f.severity.as_str(),
                escape_cell(&f.message),
            );
        }
        out.push_str("\n</details>\n");
    }

    if !report.gate.required {
        out.push_str("\n### Merge gate\n\nNot required: no finding matches `gate.triggers`.\n");
    }

    // Files that could not be checked.
    if !report.errors.is_empty() {
        out.push_str("\n### Files not checked\n\n| File | Error |\n|---|---|\n");
        for e in &report.errors {
            let _ = writeln!(
                out,
                "| {} | {} |",
                code_cell(&e.file),
                escape_cell(&e.message)
            );
        }
    }
    out
}

/// The gate's state first, where a reviewer looks: what is satisfied, what is missing and
/// what to do.
fn gate_section(out: &mut String, report: &RunReport) {
    let gate = &report.gate;
    let _ = writeln!(
        out,
        "### Merge gate: {}\n",
        if gate.blocked() {
            "🚫 blocked"
        } else {
            "✅ passed"
        }
    );
    let mut triggers: Vec<(&str, &str, usize)> = Vec::new();
    for f in report.findings.iter().filter(|f| f.gate) {
        match triggers.iter_mut().find(|(code, _, _)| *code == f.code) {
            Some(entry) => entry.2 += 1,
            None => triggers.push((f.code, f.rule, 1)),
        }
    }
    let mut reasons: Vec<String> = triggers
        .iter()
        .map(|(code, rule, n)| format!("{code} {rule} ×{n}"))
        .collect();
    let count = |kind| gate.files.iter().filter(|f| f.kind == kind).count();
    let not_verified = count(GateFileKind::NotVerified);
    if not_verified > 0 {
        reasons.push(format!(
            "{} not verified",
            plural(not_verified, "file", "files")
        ));
    }
    let policy = count(GateFileKind::Policy);
    if policy > 0 {
        reasons.push(format!(
            "{} of the gate's policy changed",
            plural(policy, "file", "files")
        ));
    }
    let _ = writeln!(out, "Required by {}.\n", reasons.join(", "));
    if !gate.files.is_empty() {
        out.push_str("| File | Needs the gate because |\n|---|---|\n");
        for file in &gate.files {
            let why = match file.kind {
                GateFileKind::NotVerified => format!("not verified: {}", file.reason),
                GateFileKind::Policy => file.reason.clone(),
            };
            let _ = writeln!(out, "| {} | {} |", code_cell(&file.file), escape_cell(&why));
        }
        out.push('\n');
    }
    let (Some(approvals), Some(backup)) = (&gate.approvals, &gate.backup) else {
        out.push_str(
            "Approvals and backup evidence are checked on the pull request by `sqlgate ci`; \
             until then the gate counts as blocked.\n\n",
        );
        return;
    };
    let mark = |ok: bool| if ok { "✅" } else { "❌" };
    out.push_str("| | Requirement | State |\n|---|---|---|\n");
    let mut state = format!("{} of {}", approvals.approved_by.len(), approvals.required);
    if !approvals.approved_by.is_empty() {
        let _ = write!(state, ": {}", mention_list(&approvals.approved_by));
    }
    if !approvals.not_counted.is_empty() {
        let _ = write!(
            state,
            "<br>not counted: {}",
            approvals
                .not_counted
                .iter()
                .map(|n| format!("@{} ({})", n.login, n.reason))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = writeln!(
        out,
        "| {} | {} | {} |",
        mark(!gate.missing.contains(&sqlgate_core::verdict::APPROVALS)),
        plural(approvals.required as usize, "approval", "approvals"),
        escape_cell(&state).replace("&lt;br&gt;", "<br>")
    );
    let _ = writeln!(
        out,
        "| {} | No changes requested | {} |",
        mark(approvals.changes_requested_by.is_empty()),
        if approvals.changes_requested_by.is_empty() {
            "none".to_string()
        } else {
            escape_cell(&format!(
                "requested by {}",
                mention_list(&approvals.changes_requested_by)
            ))
        }
    );
    let evidence = if backup.evidence.is_empty() {
        "none found".to_string()
    } else {
        backup
            .evidence
            .iter()
            .map(|e| escape_cell(&e.detail))
            .collect::<Vec<_>>()
            .join("<br>")
    };
    let _ = writeln!(
        out,
        "| {} | Backup evidence{} | {evidence} |",
        if backup.required {
            mark(!backup.evidence.is_empty())
        } else {
            "➖"
        },
        if backup.required {
            ""
        } else {
            " (not required)"
        }
    );
    for error in &gate.errors {
        let _ = writeln!(out, "| ❌ | Facts from GitHub | {} |", escape_cell(error));
    }
    out.push('\n');
    if !gate.fixes.is_empty() {
        out.push_str("**To unblock:**\n\n");
        for fix in &gate.fixes {
            let _ = writeln!(out, "- {}", inline(fix));
        }
        out.push('\n');
    }
    if backup.evidence.is_empty() && !backup.rejected.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>Backup evidence looked for</summary>\n"
        );
        for rejected in &backup.rejected {
            let _ = writeln!(out, "- {}", inline(rejected));
        }
        out.push_str("\n</details>\n\n");
    }
}

fn mention_list(logins: &[String]) -> String {
    logins
        .iter()
        .map(|l| format!("@{l}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text with its own backtick spans, on one Markdown line: HTML and line breaks escaped.
fn inline(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\r', '\n'], " ")
}

fn verdict(report: &RunReport, errors: usize, warnings: usize) -> String {
    let files = files_with_findings(report);
    let found = match (errors, warnings) {
        (0, 0) => String::new(),
        (e, 0) => plural(e, "error", "errors"),
        (0, w) => plural(w, "warning", "warnings"),
        (e, w) => format!(
            "{} and {}",
            plural(e, "error", "errors"),
            plural(w, "warning", "warnings")
        ),
    };
    let checked = plural(report.files_checked, "file", "files");
    let mut line = if report.gate.required && report.gate.status == "blocked" {
        let missing = if report.gate.missing.is_empty() {
            String::new()
        } else {
            format!(" (missing: {})", report.gate.missing.join(", "))
        };
        format!("🚫 **Blocked** by the merge gate{missing}.")
    } else if report.gate.evaluated()
        && !report
            .findings
            .iter()
            .any(|f| !f.suppressed && !report.gate.covers(f) && f.severity == Severity::Error)
    {
        "✅ **Passed**: the merge gate's approvals and backup evidence cover the findings that need them.".to_string()
    } else if errors > 0 {
        format!("❌ **Failed**: {found}.")
    } else if warnings > 0 {
        format!("⚠️ **Passed with warnings**: {found}.")
    } else {
        format!("✅ **Passed**: no findings in {checked} checked.")
    };
    if !found.is_empty() {
        let _ = write!(
            line,
            " Found {found} in {} ({checked} checked).",
            plural(files, "file", "files")
        );
    }
    if !report.errors.is_empty() {
        let _ = write!(
            line,
            " {} could not be read.",
            plural(report.errors.len(), "file", "files")
        );
    }
    line
}

fn rule_link(f: &Finding) -> String {
    format!("[{}]({})", escape_cell(f.rule), docs_url(f.rule))
}

/// A finding's supporting text (IN001's unified diff) in a collapsed block, fenced with more
/// backticks than any run inside it so the text cannot end the block.
fn details(out: &mut String, f: &Finding) {
    let Some(detail) = &f.detail else { return };
    let fence = backtick_fence(detail, 3);
    let language = if detail.starts_with("--- ") || detail.starts_with("@@") {
        "diff"
    } else {
        ""
    };
    let _ = write!(
        out,
        "\n<details><summary>{} {} at line {}</summary>\n\n{fence}{language}\n{}",
        escape_cell(f.code),
        escape_cell(f.rule),
        f.start.line,
        detail
    );
    if !detail.ends_with('\n') {
        out.push('\n');
    }
    let _ = writeln!(out, "{fence}\n\n</details>");
}

fn findings_table(out: &mut String, findings: &[&Finding]) {
    out.push_str("| Line | Code | Rule | Severity | Message | Help |\n");
    out.push_str("|---:|---|---|---|---|---|\n");
    for f in findings {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            f.start.line,
            escape_cell(f.code),
            rule_link(f),
            f.severity.as_str(),
            escape_cell(&f.message),
            escape_cell(&f.help),
        );
    }
}
