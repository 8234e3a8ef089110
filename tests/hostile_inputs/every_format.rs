//! Every output format over one tree holding many hostile files, and how each format names
//! the files it could not read (SARIF, GitHub workflow commands, Markdown).

use std::os::unix::fs::symlink;

use serde_json::Value;

use crate::common::{json, write};
use crate::support::{check_with, mkfifo, run, tree, Runner, FIFO_HANG, GOOD, MIGRATIONS};

// ---------------------------------------------------------------------------------------
// Every output format over one tree holding many hostile files

#[test]
fn every_format_names_every_bad_file() {
    let dir = tree();
    let bad: [(&str, &[u8]); 4] = [
        ("20260102000000_latin1.sql", b"select 'caf\xe9';\n"),
        ("20260103000000_nul.sql", b"select 1;\0\n"),
        (
            "20260104000000_png.sql",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\0",
        ),
        ("20260105000000_utf16.sql", b"\xff\xfed\0r\0o\0p\0"),
    ];
    let mut bad_files: Vec<String> = Vec::new();
    for (name, contents) in bad {
        let path = format!("{MIGRATIONS}/{name}");
        write(dir.path(), &path, contents);
        bad_files.push(path);
    }
    let dangling = format!("{MIGRATIONS}/20260106000000_dangling.sql");
    symlink("nowhere.sql", dir.path().join(&dangling)).unwrap();
    bad_files.push(dangling);
    let looping = format!("{MIGRATIONS}/20260107000000_loop.sql");
    symlink("20260107000000_loop.sql", dir.path().join(&looping)).unwrap();
    bad_files.push(looping);
    // Findings, not errors: these name the file through their findings.
    let unterminated = format!("{MIGRATIONS}/20260108000000_open.sql");
    write(
        dir.path(),
        &unterminated,
        "drop table t;\nselect $x$ never closed\n",
    );
    write(
        dir.path(),
        &format!("{MIGRATIONS}/20260109000000_empty.sql"),
        "",
    );
    symlink(".", dir.path().join(MIGRATIONS).join("again")).unwrap();
    mkfifo(&dir.path().join(MIGRATIONS).join("20260110000000_fifo.sql"));

    let checked = check_with(&Runner::direct(), dir.path(), &[], FIFO_HANG);
    let mut errored: Vec<String> = checked
        .report
        .errors()
        .into_iter()
        .map(|(file, _)| file)
        .collect();
    errored.sort();
    assert_eq!(errored, bad_files, "{}", checked.json.output());
    assert_eq!(checked.code, 2);
    checked.finding(
        &unterminated,
        "MT001",
        2,
        Some(8),
        "unterminated dollar-quoted string $x$",
    );
    checked.assert_good_file_checked();

    // Each format names every unreadable file with the same message as the JSON report, and
    // the files with findings.
    let errors = checked.report.errors();
    let with_findings = [GOOD.to_string(), unterminated];
    for format in ["sarif", "github", "markdown"] {
        let out = run(
            Runner::direct().command(dir.path(), &["check", "--format", format]),
            FIFO_HANG,
        );
        assert_eq!(out.code(), 2, "{format}: {}", out.output());
        let (named_errors, named_findings) = match format {
            "sarif" => sarif_files(&json(out.stdout.as_bytes())),
            "github" => github_files(&out.stdout),
            _ => markdown_files(&out.stdout),
        };
        for error in &errors {
            assert!(
                named_errors.contains(error),
                "{format} does not report {error:?}:\n{}",
                out.stdout
            );
        }
        for file in &with_findings {
            assert!(
                named_findings.contains(file),
                "{format} has no finding on {file}:\n{}",
                out.stdout
            );
        }
        assert!(out.stdout.contains("DS001"), "{format}:\n{}", out.stdout);
    }
}

/// SARIF: (file, message) of the tool execution notifications, and the files of the results.
fn sarif_files(sarif: &Value) -> (Vec<(String, String)>, Vec<String>) {
    let run = &sarif["runs"][0];
    let uri = |v: &Value| {
        v["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("toolExecutionNotifications[]")
        .iter()
        .map(|n| {
            let text = n["message"]["text"].as_str().unwrap_or_default();
            (uri(n), text.to_string())
        })
        .collect();
    let results = run["results"]
        .as_array()
        .expect("results[]")
        .iter()
        .map(uri)
        .collect();
    (notes, results)
}

/// GitHub workflow commands: `::error file=F::MESSAGE` (no line) for a file not read, and
/// `::error|warning file=F,line=...` for findings.
fn github_files(out: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut errors = Vec::new();
    let mut findings = Vec::new();
    for line in out.lines() {
        let Some(rest) = line
            .strip_prefix("::error file=")
            .or_else(|| line.strip_prefix("::warning file="))
        else {
            continue;
        };
        let (properties, message) = rest.split_once("::").unwrap_or((rest, ""));
        match properties.split_once(",line=") {
            Some((file, _)) => findings.push(file.to_string()),
            None => errors.push((properties.to_string(), message.to_string())),
        }
    }
    (errors, findings)
}

/// Markdown: table rows ``| `F` | MESSAGE |`` for files not read, ``### `F` `` headings for
/// files with findings.
fn markdown_files(out: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut errors = Vec::new();
    let mut findings = Vec::new();
    for line in out.lines() {
        if let Some(file) = line
            .strip_prefix("### `")
            .and_then(|rest| rest.strip_suffix('`'))
        {
            findings.push(file.to_string());
        } else if let Some((file, message)) = line
            .strip_prefix("| `")
            .and_then(|rest| rest.strip_suffix(" |"))
            .and_then(|rest| rest.split_once("` | "))
        {
            errors.push((file.to_string(), message.to_string()));
        }
    }
    (errors, findings)
}
