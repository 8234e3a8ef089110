use super::{Check, Rule, RuleMeta};
use sqlgate_core::finding::{Category, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "invalid-suppression",
        code: "MT003",
        category: Category::Meta,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "unknown rule or missing reason",
        what_it_does: "Reports a `-- sqlgate:` comment that is not a valid suppression: no reason after a second `--`, a rule name or code that does not exist (with the nearest valid one), no rule at all, or a verb other than `ignore` and `ignore-file`. An invalid suppression suppresses nothing.",
        why_is_this_bad: "A suppression is a decision someone made about a dangerous statement; without a reason the next reviewer cannot tell whether it still holds. A misspelt rule name would otherwise hide nothing while looking as if it did.",
        example: "-- sqlgate: ignore drop-tabel\nDROP TABLE users;",
        use_instead: "-- sqlgate: ignore drop-table -- archived to s3://backups/users-2026-11-21.dump in OPS-123\nDROP TABLE users;",
    },
    checks_down: true,
    check: Check::Engine,
};
