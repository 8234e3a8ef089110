use super::{Check, HistoryContext, Located, Rule, RuleMeta, Violation};
use crate::history::unified_diff;
use sqlgate_core::finding::{Category, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "deleted-applied-migration",
        code: "IN002",
        category: Category::Integrity,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "a migration present on the base branch was removed",
        what_it_does: "With `--changed-since REF` (and in `sqlgate ci`), flags each migration file of a checked directory that existed at REF and is gone (a rename counts as a removal plus an addition), with the removed text as a diff. Down files (`.down.sql`, `down.sql`, Flyway undo scripts) are not flagged: removing a rollback loses no history.",
        why_is_this_bad: "The databases where the migration ran keep its effects and its row in the migration history table; a database built from the files no longer gets them. Runners that check history stop (goose and Flyway report a missing migration, Atlas a checksum mismatch), and the others drift without telling anyone.",
        example: "git rm migrations/0003_add_orders.sql   # already merged",
        use_instead: "-- keep 0003_add_orders.sql; undo it with a new migration:\n-- 0008_drop_orders.sql\nDROP TABLE orders;",
    },
    checks_down: false,
    check: Check::History(check),
};

/// Lines of the removed text shown at most.
const MAX_DIFF_LINES: usize = 60;

/// `x.down.sql`, `down.sql`, Flyway `U1__x.sql`.
fn is_down_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let flyway_undo = lower.starts_with('u')
        && lower[1..].starts_with(|c: char| c.is_ascii_digit())
        && lower.contains("__");
    lower.ends_with(".down.sql") || lower == "down.sql" || flyway_undo
}

fn check(ctx: &HistoryContext, out: &mut Vec<Located>) {
    let Some(history) = ctx.history else {
        return;
    };
    for &(file, deleted) in ctx.deleted {
        let name = deleted
            .path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if is_down_file(&name) {
            continue;
        }
        let diff = unified_diff(
            &deleted.text,
            "",
            &format!("a/{}", deleted.display),
            "/dev/null",
            MAX_DIFF_LINES,
        );
        out.push(Located {
            file,
            violation: Violation::new(
                0..0,
                format!(
                    "migration {} was deleted since {}, where it may already have run",
                    deleted.display, history.base
                ),
                "restore the file; to undo what it did, add a new migration",
            )
            .with_detail(diff),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::is_down_file;

    #[test]
    fn down_files() {
        assert!(is_down_file("1_init.down.sql"));
        assert!(is_down_file("down.sql"));
        assert!(is_down_file("U2__drop.sql"));
        assert!(!is_down_file("1_init.up.sql"));
        assert!(!is_down_file("update_users.sql"));
        assert!(!is_down_file("V2__drop.sql"));
    }
}
