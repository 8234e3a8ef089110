//! The Markdown renderer: table cells and headings are escaped.

use sqlgate::report;

use crate::support::sample;

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
