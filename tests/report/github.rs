//! The GitHub workflow command renderer: escaping, run errors, the cap on annotations, and
//! columns and lines of multi-line spans.

use sqlgate::finding::{RunError, RunReport, Severity};
use sqlgate::report;
use sqlgate::source::Position;

use crate::support::{clean, finding, github, sample, DROP_TABLE};

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
