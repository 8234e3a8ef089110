//! RP002: reported by `sqlgate replay` when a down migration leaves the schema different
//! from what it was before the up.

use super::{Check, Rule, RuleMeta};
use sqlgate_core::finding::{Category, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "down-does-not-restore",
        code: "RP002",
        category: Category::Reversibility,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "replay: the schema after up and down differs from before",
        what_it_does: "`sqlgate replay` takes a catalog snapshot before a migration's up, applies the up and then its down, and compares: tables, columns (type, default, nullability), constraints, indexes, policies, row-level security flags, functions, triggers, types and grants. Every difference is listed: what the down left behind, what it did not bring back, and what it changed.",
        why_is_this_bad: "A down is what you run when a deploy goes wrong. One that leaves a column or an index behind, or forgets to restore a policy, turns a rollback into a second incident: the next up fails on what is left, or the restored schema silently grants less (or more) than before.",
        example: "-- 0002_add_email.up.sql\nalter table users add column email text;\ncreate index users_email_idx on users (email);\n-- 0002_add_email.down.sql\nalter table users drop column email;  -- the index goes with it, but:\n-- 0003_flag.down.sql forgets `alter table users disable row level security;`",
        use_instead: "-- 0002_add_email.down.sql: undo everything the up did, in reverse order\ndrop index if exists users_email_idx;\nalter table users drop column if exists email;",
    },
    checks_down: false,
    check: Check::Replay,
};
