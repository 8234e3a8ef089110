//! RP004: reported by `sqlgate replay` when a statement rewrites a table that existed before
//! the migration.

use super::{Check, Rule, RuleMeta};
use sqlgate_core::finding::{Category, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "table-rewrite",
        code: "RP004",
        category: Category::Locking,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "replay: an existing table was rewritten",
        what_it_does: "`sqlgate replay` records the storage file (`relfilenode`) of every table before a migration and checks it after each statement. A change means PostgreSQL rewrote the whole table (a volatile default, a column type change, `VACUUM FULL`, `CLUSTER`, ...); the finding names the table, its row count at the time, and the lock the statement held.",
        why_is_this_bad: "A rewrite copies every row while holding an `ACCESS EXCLUSIVE` lock: on a large table, reads and writes wait for minutes, and the disk needs room for a second copy. The static rules guess this from the SQL; replay sees PostgreSQL do it.",
        example: "alter table events add column id uuid default gen_random_uuid();",
        use_instead: "alter table events add column id uuid;\nalter table events alter column id set default gen_random_uuid();\n-- then backfill existing rows in batches",
    },
    checks_down: false,
    check: Check::Replay,
};
