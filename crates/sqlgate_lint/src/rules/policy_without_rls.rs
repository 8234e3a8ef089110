use super::{ChangeSetContext, Check, Located, Rule, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "policy-without-rls",
        code: "SC004",
        category: Category::Security,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "CREATE POLICY on a table whose RLS is off",
        what_it_does: "Where row-level security is the access model (`security.rls`), flags `CREATE POLICY` in the change set on a table that the migrations created and whose row-level security is off when the change set ends (never enabled, or disabled again). Tables created outside the migrations (e.g. `auth.users`) are not reported: their state is unknown.",
        why_is_this_bad: "Policies are only enforced while row-level security is enabled on the table. A policy on a table without it restricts nothing, yet reads as if the table were protected.",
        example: "create table public.notes (id bigint primary key, owner uuid);\ncreate policy \"own notes\" on public.notes using ((select auth.uid()) = owner);",
        use_instead: "create table public.notes (id bigint primary key, owner uuid);\nalter table public.notes enable row level security;\ncreate policy \"own notes\" on public.notes using ((select auth.uid()) = owner);",
    },
    checks_down: false,
    check: Check::ChangeSet(check),
};

fn check(ctx: &ChangeSetContext, out: &mut Vec<Located>) {
    if !ctx.rls_applies {
        return;
    }
    for table in ctx.catalog.tables_touched_in(&ctx.migrations()) {
        if table.created.is_none() || table.rls.is_some() {
            continue;
        }
        for (policy, site) in &table.policies {
            if !ctx.in_change_set(site.migration) {
                continue;
            }
            out.push(Located {
                file: site.file,
                violation: Violation::new(
                    site.span.clone(),
                    format!(
                        "policy {policy} on table {} has no effect: row level security is off",
                        table.name
                    ),
                    format!(
                        "add `alter table {} enable row level security;`",
                        table.name
                    ),
                ),
            });
        }
    }
}
