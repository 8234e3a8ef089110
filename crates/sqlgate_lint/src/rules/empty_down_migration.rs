use std::ops::Range;

use super::{
    Check, DownExpectation, DownView, Located, MigrationContext, Rule, RuleMeta, SectionView,
    Violation,
};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "empty-down-migration",
        code: "RV002",
        category: Category::Reversibility,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "down exists but has no statements",
        what_it_does: "Flags a down migration (file or `-- migrate:down`/`-- +goose Down` section) that has no statements, only comments and whitespace, or only placeholders that change nothing: transaction control (`BEGIN`/`COMMIT`) and `SELECT`s without a function call, such as goose's generated `SELECT 'down SQL query';`. Applies where `reversibility` is `down-file`. A migration whose up only updates or deletes rows is not flagged: the schema is unchanged, so the next up runs as before, and no down could restore what it overwrote.",
        why_is_this_bad: "An empty down migration looks like a way back but is not one: rolling back \"succeeds\", the tool records the version as reverted, and the schema still has everything the up migration created. The next up then fails or, worse, runs against a schema in an unexpected state.",
        example: "-- 000042_add_invoices.down.sql\n-- nothing to do",
        use_instead: "-- 000042_add_invoices.down.sql\nDROP TABLE invoices;\n\n-- or, when the change truly cannot be undone, say why and fail loudly:\n-- irreversible: the old column's data is gone\nDO $$ BEGIN RAISE EXCEPTION 'migration 42 cannot be reverted'; END $$;",
    },
    checks_down: false,
    check: Check::Migration(check),
};

/// Whether a statement changes anything: not transaction control, and not a `SELECT` that
/// calls nothing (goose's template down is `SELECT 'down SQL query';`). A call may do anything
/// (`SELECT drop_partitions()`), so a `(` anywhere in a select counts as an effect.
pub(super) fn has_effect(text: &str, statement: &Statement) -> bool {
    match statement.kind {
        StatementKind::Transaction(_) => false,
        StatementKind::Select => text
            .get(statement.range.clone())
            .is_none_or(|t| t.contains('(')),
        _ => true,
    }
}

/// Whether any top-level statement of the section changes anything.
pub(super) fn section_has_effect(section: &SectionView) -> bool {
    section.top_level().any(|s| has_effect(section.text, s))
}

/// Whether the up only updates or deletes rows (a data fix): the schema is as before, so
/// the next up runs as it did; and what it overwrote or deleted cannot be put back by a down.
fn only_changes_rows(up: &SectionView) -> bool {
    let mut effects = up.top_level().filter(|s| has_effect(up.text, s)).peekable();
    effects.peek().is_some()
        && effects.all(|s| {
            matches!(
                s.kind,
                StatementKind::Update { .. } | StatementKind::Delete { .. }
            )
        })
}

fn check(ctx: &MigrationContext, out: &mut Vec<Located>) {
    if ctx.expectation != DownExpectation::DownFile {
        return;
    }
    let DownView::Present(down) = ctx.down else {
        return;
    };
    if section_has_effect(&down) || only_changes_rows(&ctx.up) {
        return;
    }
    let what = if down.top_level().next().is_none() {
        "has no statements"
    } else {
        "has only placeholder statements that change nothing"
    };
    out.push(Located {
        file: down.file,
        violation: Violation::new(
            span(&down),
            format!("down migration of migration {} {what}", ctx.version),
            "write the statements that undo the up migration, or make the down fail with a message if it cannot be undone",
        ),
    });
}

/// The down's first comment (not a goose directive such as `-- +goose StatementBegin`), else
/// (for a dbmate/goose section) its marker line, else its start.
fn span(down: &SectionView) -> Range<usize> {
    let is_directive = |c: &Range<usize>| {
        down.text
            .get(c.clone())
            .and_then(|t| t.strip_prefix("--"))
            .is_some_and(|t| t.trim_start().starts_with("+goose"))
    };
    if let Some(first) = down.comments.iter().find(|c| !is_directive(c)) {
        return first.clone();
    }
    marker_line(down).unwrap_or(down.range.start..down.range.start)
}

/// The line just before a section that starts mid-file: its `-- migrate:down` or
/// `-- +goose Down` marker (sections begin on the line after their marker).
fn marker_line(section: &SectionView) -> Option<Range<usize>> {
    let start = section.range.start;
    if start == 0 {
        return None;
    }
    let before = section.text.get(..start)?;
    let end = before.trim_end_matches(['\n', '\r']).len();
    let line_start = before.get(..end)?.rfind('\n').map_or(0, |i| i + 1);
    let line = section.text.get(line_start..end)?;
    let indent = line.len() - line.trim_start().len();
    (line_start + indent < end).then_some(line_start + indent..end)
}
