//! RP003: reported by `sqlgate replay` when a migration's up fails after its down.

use super::{Check, Rule, RuleMeta};
use sqlgate_core::finding::{Category, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "up-not-repeatable",
        code: "RP003",
        category: Category::Reversibility,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "replay: the up fails again after its down",
        what_it_does: "`sqlgate replay` applies a migration's up, its down, and the up once more. If the second up fails, the down left something the up does not expect (a type, a function, a row in a seed table) and the finding gives PostgreSQL's message at the statement that failed.",
        why_is_this_bad: "Rolling back and forward again is how a bad deploy is retried. An up that cannot run after its own down blocks the retry, usually at the worst moment.",
        example: "-- up\ncreate type status as enum ('open', 'closed');\nalter table tickets add column status status;\n-- down\nalter table tickets drop column status;  -- the type stays: the next up fails",
        use_instead: "-- down\nalter table tickets drop column status;\ndrop type status;",
    },
    checks_down: false,
    check: Check::Replay,
};
