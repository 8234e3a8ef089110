//! RP006: reported by `sqlgate replay` from the catalog after the change set.

use super::{Check, Rule, RuleMeta};
use sqlgate_core::finding::{Category, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "rls-without-policy-in-catalog",
        code: "RP006",
        category: Category::Security,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "replay, catalog: RLS on, no policy",
        what_it_does: "After replaying the change set, `sqlgate replay` asks the catalog which tables have row-level security on and no policy (`pg_class.relrowsecurity` without a row in `pg_policy`), and reports those the change set created or altered, at the statement that created (or last altered) them.",
        why_is_this_bad: "With row-level security on and no policy, every role but the owner and `BYPASSRLS` roles sees no rows and cannot write: the feature is broken for users. If the table is for the service role only, say so with a suppression so reviewers know.",
        example: "create table public.todos (id bigint primary key, user_id uuid);\nalter table public.todos enable row level security;",
        use_instead: "alter table public.todos enable row level security;\ncreate policy \"owners read their todos\" on public.todos\n  for select to authenticated using ((select auth.uid()) = user_id);",
    },
    checks_down: false,
    check: Check::Replay,
};
