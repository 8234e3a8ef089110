//! The precision ledger: findings on `../shared/corpus` judged by hand
//! (`precision/ledger.tsv`), re-checked against what sqlgate reports now.
//!
//! - A finding judged `TP` must still be reported: a rule that stops seeing a real problem is
//!   a regression.
//! - A finding judged `FP` with `fixed = yes` must not come back.
//! - An `FP` still open (`fixed = no`) may be reported; once it is not, the test says to mark it
//!   fixed, so the ledger stays true.
//!
//! It prints precision per rule (TP / (TP + FP) over the judged findings still reported), with
//! the targets: no open FP for a default gate trigger, 95 % for an error rule, 85 % for a
//! warning. Skipped, saying so, when the corpus is not there (`SQLGATE_CORPUS` names another
//! place).
//!
//! The sample is drawn with `precision/sample.py` (up to 10 findings per rule and dialect,
//! spread across repositories); `precision/README.md` says how to extend it.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug)]
struct Judged {
    path: String,
    line: u64,
    code: String,
    verdict: String,
    fixed: bool,
    reason: String,
}

/// `SQLGATE_CORPUS`, else `../shared/corpus` next to the checkout, else the workplace's
/// `/work/shared/corpus` (where a clean checkout elsewhere still finds it).
fn corpus() -> Option<PathBuf> {
    let candidates = match std::env::var_os("SQLGATE_CORPUS") {
        Some(dir) => vec![PathBuf::from(dir)],
        None => vec![
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
            PathBuf::from("/work/shared/corpus"),
        ],
    };
    candidates
        .into_iter()
        .find(|dir| dir.join("manifest.tsv").is_file())
}

fn ledger() -> Vec<Judged> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("precision/ledger.tsv"))
            .expect("precision/ledger.tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    assert_eq!(
        header,
        ["path", "line", "code", "dialect", "verdict", "fixed", "reason"],
        "precision/ledger.tsv columns"
    );
    lines
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 7, "precision/ledger.tsv line {}: {l}", i + 2);
            assert!(
                matches!(f[4], "TP" | "FP" | "debatable"),
                "precision/ledger.tsv line {}: verdict `{}`",
                i + 2,
                f[4]
            );
            assert!(
                matches!(f[5], "yes" | "no" | ""),
                "precision/ledger.tsv line {}: fixed `{}`",
                i + 2,
                f[5]
            );
            Judged {
                path: f[0].to_string(),
                line: f[1].parse().expect("a line number"),
                code: f[2].to_string(),
                verdict: f[4].to_string(),
                fixed: f[5] == "yes",
                reason: f[6].to_string(),
            }
        })
        .collect()
}

/// (path, line, code) of every unsuppressed finding sqlgate reports on the corpus now.
fn reported(corpus: &Path) -> HashSet<(String, u64, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_sqlgate"))
        .args(["check", ".", "--format", "json"])
        .current_dir(corpus)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "sqlgate's JSON on the corpus: {e}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["suppressed"] != true)
        .map(|f| {
            (
                f["file"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
                f["code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// (severity, default gate trigger) of each rule code, from the registry.
fn rules() -> BTreeMap<String, (String, bool)> {
    let triggers = sqlgate::config::DEFAULT_GATE_TRIGGERS;
    sqlgate::rules::REGISTRY
        .iter()
        .map(|r| {
            let code = r.meta.code.to_string();
            let gate = triggers.iter().any(|t| {
                t.eq_ignore_ascii_case(r.meta.code) || t.eq_ignore_ascii_case(r.meta.name)
            });
            (code, (r.meta.default_severity.as_str().to_string(), gate))
        })
        .collect()
}

#[test]
fn the_judged_findings_still_hold() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: the corpus is not at ../shared/corpus or /work/shared/corpus (set SQLGATE_CORPUS)");
        return;
    };
    let judged = ledger();
    let now = reported(&corpus);
    let rules = rules();
    let mut problems = Vec::new();
    let mut per_rule: BTreeMap<&str, (usize, usize, usize, usize)> = BTreeMap::new();
    for j in &judged {
        let present = now.contains(&(j.path.clone(), j.line, j.code.clone()));
        let entry = per_rule.entry(&j.code).or_default();
        match (j.verdict.as_str(), present) {
            ("TP", true) => entry.0 += 1,
            ("TP", false) => problems.push(format!(
                "{}:{} {}: judged a true finding ({}), no longer reported",
                j.path, j.line, j.code, j.reason
            )),
            ("FP", true) if j.fixed => problems.push(format!(
                "{}:{} {}: a fixed false finding is back ({})",
                j.path, j.line, j.code, j.reason
            )),
            ("FP", true) => entry.1 += 1,
            ("FP", false) if !j.fixed => problems.push(format!(
                "{}:{} {}: the false finding is gone: mark it `fixed = yes` in precision/ledger.tsv",
                j.path, j.line, j.code
            )),
            ("FP", false) => entry.3 += 1,
            ("debatable", true) => entry.2 += 1,
            _ => {}
        }
    }
    println!(
        "{:<7} {:<8} {:>4} {:>4} {:>4} {:>6} {:>9}  target",
        "rule", "severity", "TP", "FP", "deb", "fixed", "precision"
    );
    let mut misses = Vec::new();
    for (code, (tp, fp, deb, fixed)) in &per_rule {
        let (severity, gate) = rules
            .get(*code)
            .cloned()
            .unwrap_or_else(|| ("?".to_string(), false));
        let precision = if tp + fp == 0 {
            100.0
        } else {
            100.0 * *tp as f64 / (tp + fp) as f64
        };
        let (target, met) = if gate {
            ("no FP (gate)", *fp == 0)
        } else if severity == "error" {
            ("95%", precision >= 95.0)
        } else {
            ("85%", precision >= 85.0)
        };
        println!(
            "{code:<7} {severity:<8} {tp:>4} {fp:>4} {deb:>4} {fixed:>6} {precision:>8.1}%  {target}{}",
            if met { "" } else { "  ✗" }
        );
        if !met {
            misses.push(format!("{code} ({target})"));
        }
    }
    if !misses.is_empty() {
        println!("below target: {}", misses.join(", "));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
