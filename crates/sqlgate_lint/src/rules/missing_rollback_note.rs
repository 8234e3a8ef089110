use super::empty_down_migration::section_has_effect;
use super::{Check, DownExpectation, Located, MigrationContext, Rule, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "missing-rollback-note",
        code: "RV004",
        category: Category::Reversibility,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "framework without down files: no `-- rollback:` comment describing the reversal",
        what_it_does: "Flags a migration with at least one statement that changes something but no rollback note: a comment `-- rollback: ...` or `/* rollback: ... */` (any case, spaces allowed around the word), or a comment heading that names the rollback before a colon on the same line, such as `-- To rollback:` or `-- Rollback instructions:`. Applies where `reversibility` is `rollback-note`: by default Supabase and plain SQL migrations, which have no down files; Prisma and Atlas only when configured.",
        why_is_this_bad: "Without down files, the only way back from a bad deploy is SQL written by hand during the incident. A short note written with the migration, while its author still knows what it does, turns that into a reviewed, copy-and-paste step.",
        example: "-- supabase/migrations/20240101000000_add_invoices.sql\nCREATE TABLE invoices (id bigint PRIMARY KEY, total numeric NOT NULL);",
        use_instead: "-- supabase/migrations/20240101000000_add_invoices.sql\nCREATE TABLE invoices (id bigint PRIMARY KEY, total numeric NOT NULL);\n-- rollback: DROP TABLE invoices;",
    },
    checks_down: false,
    check: Check::Migration(check),
};

fn check(ctx: &MigrationContext, out: &mut Vec<Located>) {
    if ctx.expectation != DownExpectation::RollbackNote || !section_has_effect(&ctx.up) {
        return;
    }
    let has_note = ctx
        .up
        .comments
        .iter()
        .filter_map(|c| ctx.up.text.get(c.clone()))
        .any(is_rollback_note);
    if has_note {
        return;
    }
    out.push(Located {
        file: ctx.up.file,
        violation: Violation::new(
            ctx.up.anchor(),
            format!("migration {} has no rollback note", ctx.version),
            "add a `-- rollback:` comment with the SQL (or the steps) that undo this migration",
        ),
    });
}

/// `-- rollback: ...` or `/* rollback: ... */`, any case, whitespace allowed around the word;
/// also a heading that names the rollback before its colon on the same line, as written in
/// the wild: `-- To rollback:`, `-- Rollback instructions (if needed):`, `-- Roll back plan:`.
fn is_rollback_note(comment: &str) -> bool {
    let Some(body) = comment
        .strip_prefix("--")
        .or_else(|| comment.strip_prefix("/*"))
    else {
        return false;
    };
    let lower = body.to_ascii_lowercase();
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    ["rollback", "roll back"].iter().any(|word| {
        lower.match_indices(word).any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            let rest = &lower[at + word.len()..];
            let line = rest.split('\n').next().unwrap_or("");
            // A colon soon after the word, on its line: a heading, not prose such as
            // "-- hack to rollback the insert" or "-- Note: this would prevent rollback."
            !before.is_some_and(is_word)
                && !rest.starts_with(is_word)
                && line.find(':').is_some_and(|colon| colon <= 40)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::is_rollback_note;

    #[test]
    fn recognises_rollback_notes() {
        assert!(is_rollback_note("-- ROLLBACK: DROP TABLE example;"));
        assert!(is_rollback_note("--rollback:drop table t"));
        assert!(is_rollback_note("-- Rollback : steps below"));
        assert!(is_rollback_note("/* rollback:\n DROP TABLE t; */"));
        assert!(!is_rollback_note("-- rollback DROP TABLE t"));
        assert!(is_rollback_note("-- how to roll back: drop t"));
        assert!(!is_rollback_note("-- rollbacks: none"));
        assert!(!is_rollback_note("-- é"));
        assert!(is_rollback_note("-- To rollback:"));
        assert!(is_rollback_note("-- Rollback instructions (if needed):"));
        assert!(!is_rollback_note(
            "-- hack to rollback the successful insert"
        ));
        assert!(!is_rollback_note(
            "-- Note: This is commented out as it would prevent rollback."
        ));
        assert!(!is_rollback_note("-- rollback\n-- then: something"));
    }
}
