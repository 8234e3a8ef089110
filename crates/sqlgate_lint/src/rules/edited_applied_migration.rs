use super::{is_repeatable, Check, HistoryContext, Located, Rule, RuleMeta, Violation};
use crate::history::{first_changed_line, unified_diff};
use sqlgate_core::finding::{Category, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "edited-applied-migration",
        code: "IN001",
        category: Category::Integrity,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "a migration present on the base branch was changed (shows the diff)",
        what_it_does: "With `--changed-since REF` (and in `sqlgate ci`), flags each migration file that existed at REF and was changed since, at the first changed line, with the unified diff from REF. It looks at the file holding the up migration (for dbmate and goose the whole file); a separate down file (`.down.sql`, `down.sql`, a Flyway undo script) has not run and may be fixed, and Flyway repeatable migrations (`R__*.sql`) are meant to be edited.",
        why_is_this_bad: "A migration on the base branch has most likely run already: in production, on staging, on every developer's database. Editing it changes nothing there, so those databases silently drift from a fresh one built from the files, and the next migration that relies on the edit fails only where the old version ran. Runners that checksum their files (Flyway, Atlas, sqlx, Prisma) refuse to run at all after the edit.",
        example: "-- 0001_create_users.sql, already merged, edited in this pull request:\nCREATE TABLE users (\n  id bigint PRIMARY KEY,\n  email text NOT NULL UNIQUE  -- added now\n);",
        use_instead: "-- revert 0001_create_users.sql and add a new migration:\n-- 0007_users_email_unique.sql\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
    },
    checks_down: false,
    check: Check::History(check),
};

/// Diff lines shown at most (the rest is summarized).
const MAX_DIFF_LINES: usize = 200;

fn check(ctx: &HistoryContext, out: &mut Vec<Located>) {
    let Some(history) = ctx.history else {
        return;
    };
    let mut seen = Vec::new();
    for &m in ctx.checked {
        let Some(migration) = ctx.migration(m) else {
            continue;
        };
        let file = migration.up.file;
        if is_repeatable(migration) || seen.contains(&file) {
            continue;
        }
        seen.push(file);
        let Some(old) = ctx.base_text(file) else {
            continue;
        };
        let new = ctx.text(file);
        let Some(line) = first_changed_line(old, new) else {
            // Same lines (only a final newline or mode changed): nothing a database sees.
            continue;
        };
        let offset: usize = new.split_inclusive('\n').take(line).map(str::len).sum();
        let display = ctx.display(file);
        let diff = unified_diff(
            old,
            new,
            &format!("a/{display}"),
            &format!("b/{display}"),
            MAX_DIFF_LINES,
        );
        out.push(Located {
            file,
            violation: Violation::new(
                offset..offset,
                format!(
                    "migration {display} was edited since {}, where it may already have run",
                    history.base
                ),
                "revert the edit and put the change in a new migration",
            )
            .with_detail(diff),
        });
    }
}
