use super::{ChangeSetContext, Check, Located, Rule, RuleMeta, Violation};
use crate::catalog::GrantRecord;
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{GrantTarget, ObjectType};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "grant-to-public-role",
        code: "SC007",
        category: Category::Security,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "GRANT to PUBLIC or a configured public role (anon, authenticated)",
        what_it_does: "Flags `GRANT ... TO PUBLIC` (and `ALTER DEFAULT PRIVILEGES ... GRANT ... TO PUBLIC`), except `EXECUTE` on functions that are not SECURITY DEFINER (every function has that by default). For the roles in `security.public_roles` (default `anon`, `authenticated`), where table grants are how Supabase works, it flags only what row-level security does not cover: privileges on a table the migrations created whose row-level security is off when the grant's transaction ends, `EXECUTE` on a function the migrations defined as SECURITY DEFINER (as it is defined when the transaction ends) (not trigger functions, which cannot be called directly), and membership in another role (`GRANT service_role TO authenticated`). Other sessions only see what the transaction committed, so the order inside one does not matter: a grant before the `ENABLE ROW LEVEL SECURITY` of the same migration is fine. Grants in the migration's own statements and DO blocks are read (not those in function bodies, which run only when called).",
        why_is_this_bad: "PUBLIC is every role, now and later. On Supabase, `anon` is anyone holding the public API key and `authenticated` anyone who signs up. A table privilege to them is only safe behind row-level security; a SECURITY DEFINER function runs with its owner's rights for whoever may execute it; a role membership hands over all of that role's rights.",
        example: "grant all on table public.invoices to anon;  -- row level security is off\ngrant execute on function public.delete_user(uuid) to authenticated;  -- security definer\ngrant select on all tables in schema reporting to public;",
        use_instead: "alter table public.invoices enable row level security;\ncreate policy \"own invoices\" on public.invoices for select to authenticated\n  using ((select auth.uid()) = customer_id);\ngrant select on table public.invoices to authenticated;\nrevoke execute on function public.delete_user(uuid) from public, anon, authenticated;\ngrant select on all tables in schema reporting to reporting_reader;",
    },
    checks_down: false,
    check: Check::ChangeSet(check),
};

fn check(ctx: &ChangeSetContext, out: &mut Vec<Located>) {
    for migration in ctx.migrations() {
        for (grant, exposed) in ctx.catalog.grants_in(migration) {
            let mut violations = Vec::new();
            judge(grant, &exposed, ctx, &mut violations);
            out.extend(violations.into_iter().map(|violation| Located {
                file: grant.file,
                violation,
            }));
        }
    }
}

/// One grant, with what each of its objects exposed when its transaction ended.
fn judge(grant: &GrantRecord, exposed: &[bool], ctx: &ChangeSetContext, out: &mut Vec<Violation>) {
    let GrantRecord {
        privileges,
        target,
        objects,
        roles,
        default_privileges,
        ..
    } = grant;
    // The first object that was exposed when the transaction ended.
    let first_exposed = || {
        objects
            .iter()
            .zip(exposed)
            .find_map(|(object, &exposed)| exposed.then_some(object))
    };
    let granted = privileges
        .iter()
        .map(|p| p.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(", ");
    let executes = privileges.iter().any(|p| p == "EXECUTE" || p == "ALL");
    let is_function = |o: ObjectType| matches!(o, ObjectType::Function | ObjectType::Procedure);
    for role in roles
        .iter()
        .filter(|r| ctx.settings.is_public_role(&r.name))
    {
        let public = role.name.eq_ignore_ascii_case("public");
        let to_public = "grant to the specific roles that need it instead of public";
        // (what is granted, why it matters when that is not obvious, help)
        let found: Option<(String, &str, &str)> = match target {
            GrantTarget::Membership => Some((
                format!("membership in role {granted}"),
                "",
                "grant the few privileges needed to the public role instead of a whole role",
            )),
            GrantTarget::Objects(o) if is_function(*o) && executes => first_exposed()
                .map(|f| {
                    (
                        format!("{granted} on security definer {} {f}", o.as_str()),
                        " (it runs with its owner's rights)",
                        "revoke execute from public and the api roles, and grant it only to the roles that must call it",
                    )
                })
                .or_else(|| {
                    // EXECUTE on an ordinary function is PUBLIC's by default anyway.
                    (public && !privileges.iter().all(|p| p == "EXECUTE")).then(|| {
                        (
                            format!("{granted} on {} {}", o.as_str(), list(objects)),
                            "",
                            to_public,
                        )
                    })
                }),
            GrantTarget::Objects(ObjectType::Table) if !public => {
                first_exposed().map(|t| {
                    (
                        format!("{granted} on table {t}"),
                        " while its row level security is off",
                        "enable row level security on the table, with policies, before granting to this role",
                    )
                })
            }
            GrantTarget::Objects(o) => public.then(|| {
                (
                    format!("{granted} on {} {}", o.as_str(), list(objects)),
                    "",
                    to_public,
                )
            }),
            GrantTarget::AllInSchema(o) => {
                let plural = format!("{}s", o.as_str());
                let scope = match (*default_privileges, objects.is_empty()) {
                    (true, true) => format!("future {plural}"),
                    (true, false) => format!("future {plural} in schema {}", list(objects)),
                    (false, _) => format!("all {plural} in schema {}", list(objects)),
                };
                (public && !(is_function(*o) && privileges.iter().all(|p| p == "EXECUTE")))
                    .then(|| (format!("{granted} on {scope}"), "", to_public))
            }
        };
        if let Some((what, why, help)) = found {
            out.push(Violation::new(
                role.span.clone(),
                format!("grant of {what} to {}{why}", role.name),
                help,
            ));
        }
    }
}

fn list(names: &[sqlgate_sql::model::Name]) -> String {
    names
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
