use super::{Check, Rule, RuleMeta};
use sqlgate_core::finding::{Category, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "unused-suppression",
        code: "MT002",
        category: Category::Meta,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "a suppression matched nothing",
        what_it_does: "Reports a rule named in a `-- sqlgate: ignore` or `-- sqlgate: ignore-file` comment that suppressed no finding: the statement after the comment (or, for `ignore-file`, the file) has no finding of that rule. Rules that are not enabled in this run are not reported.",
        why_is_this_bad: "A stale suppression silently hides the next finding of that rule that someone adds to the statement or the file, and misleads reviewers about what the migration does.",
        example: "-- sqlgate: ignore drop-table -- archived to s3 in OPS-123\nALTER TABLE users ADD COLUMN age int;",
        use_instead: "-- remove the comment, or move it right above the statement it is about\nALTER TABLE users ADD COLUMN age int;",
    },
    checks_down: true,
    check: Check::Engine,
};
