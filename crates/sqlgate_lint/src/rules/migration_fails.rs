//! RP001: reported by `sqlgate replay` when PostgreSQL rejects a statement of a migration.

use super::{Check, Rule, RuleMeta};
use sqlgate_core::finding::{Category, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "migration-fails",
        code: "RP001",
        category: Category::Integrity,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "replay: PostgreSQL rejects the migration",
        what_it_does: "`sqlgate replay` applies the migrations to a real PostgreSQL, each in its framework's transaction mode, and reports the first statement of a migration that the server rejects, with PostgreSQL's message at the statement's line and column (at the exact token when PostgreSQL gives a position). The migrations after it in the change set are not replayed. A migration that runs longer than the statement timeout (a lock wait, for instance) is reported here too.",
        why_is_this_bad: "A migration that fails on a fresh database fails in every environment: the deploy stops halfway (outside a transaction, with part of it applied), and someone repairs production by hand.",
        example: "create table public.orders (id bigint primary key, customer_id bigint references public.customers (id));\n-- ERROR: relation \"public.customers\" does not exist",
        use_instead: "create table public.customers (id bigint primary key);\ncreate table public.orders (id bigint primary key, customer_id bigint references public.customers (id));",
    },
    checks_down: false,
    check: Check::Replay,
};
