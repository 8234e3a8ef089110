use super::{ChangeSetContext, Check, Located, Rule, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "rls-without-policy",
        code: "SC002",
        category: Category::Security,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "RLS enabled, no policy for the table",
        what_it_does: "Where row-level security is the access model (`security.rls`), flags `ENABLE ROW LEVEL SECURITY` in the change set on a table that has no policy when the change set ends. Policies created by earlier migrations count.",
        why_is_this_bad: "With row-level security on and no policy, every query by a role other than the owner or a `BYPASSRLS` role sees no rows and every write fails. Usually a policy was forgotten and the feature is broken for users; if the table is really meant for the service role only, say so with a suppression so reviewers know.",
        example: "alter table public.todos enable row level security;",
        use_instead: "alter table public.todos enable row level security;\ncreate policy \"owners read their todos\" on public.todos\n  for select to authenticated\n  using ((select auth.uid()) = user_id);\n\n-- or, for a table only the service role uses:\n-- sqlgate: ignore rls-without-policy -- service-role only, no client access\nalter table public.jobs enable row level security;",
    },
    checks_down: false,
    check: Check::ChangeSet(check),
};

fn check(ctx: &ChangeSetContext, out: &mut Vec<Located>) {
    if !ctx.rls_applies {
        return;
    }
    for table in ctx.catalog.tables_touched_in(&ctx.migrations()) {
        let Some(enabled) = &table.rls else {
            continue;
        };
        if !ctx.in_change_set(enabled.migration) || !table.policies.is_empty() {
            continue;
        }
        out.push(Located {
            file: enabled.file,
            violation: Violation::new(
                enabled.span.clone(),
                format!(
                    "row level security is enabled on table {} but it has no policy",
                    table.name
                ),
                "create policies for the roles that may use the table, or suppress with the reason if only the service role uses it",
            ),
        });
    }
}
