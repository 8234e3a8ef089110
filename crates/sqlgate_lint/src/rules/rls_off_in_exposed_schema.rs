//! RP005: reported by `sqlgate replay` from the catalog after the change set.

use super::{Check, Rule, RuleMeta};
use sqlgate_core::finding::{Category, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "rls-off-in-exposed-schema",
        code: "RP005",
        category: Category::Security,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "replay, catalog: RLS off on a table in an exposed schema",
        what_it_does: "After replaying the change set, `sqlgate replay` asks the catalog which tables in the exposed schemas (`security.exposed-schemas`, `public` by default) have row-level security off (`pg_class.relrowsecurity = false`), and reports those the change set created or altered, at the statement that created (or last altered) them. It is the operations handbooks' RLS verification query, run before the merge instead of after the deploy.",
        why_is_this_bad: "A table in an exposed schema without row-level security is readable and writable by every API role the grants allow: on Supabase, `anon` and `authenticated` get it through the Data API. The catalog is the truth: it sees tables created by functions, `DO` blocks or `CREATE TABLE ... AS` that a static rule may miss.",
        example: "create table public.profiles (id uuid primary key, bio text);",
        use_instead: "create table public.profiles (id uuid primary key, bio text);\nalter table public.profiles enable row level security;\ncreate policy \"profiles are readable\" on public.profiles for select to authenticated using (true);",
    },
    checks_down: false,
    check: Check::Replay,
};
