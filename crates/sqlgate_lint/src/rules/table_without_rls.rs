use super::{ChangeSetContext, Check, Located, Rule, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "table-without-rls",
        code: "SC001",
        category: Category::Security,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "CREATE TABLE in an exposed schema (default `public`) with no ENABLE ROW LEVEL SECURITY in the change set",
        what_it_does: "Where row-level security is the access model (`security.rls`: Supabase projects, SQL that uses `auth.uid()` or the roles `anon`/`authenticated`, or `required`), flags a table created in the change set in an exposed schema (`security.exposed_schemas`, default `public`; unqualified names are in `public`) that has no row-level security enabled when the change set ends. `CREATE TABLE ... AS`, `(LIKE ...)`, `PARTITION OF` and `UNLOGGED` tables count; temporary tables, tables dropped again, and `CREATE TABLE IF NOT EXISTS` of a table an earlier migration created do not.",
        why_is_this_bad: "Supabase's Data API serves every table of an exposed schema to the `anon` and `authenticated` roles, which by default hold all table privileges. Without row-level security, anyone with the public anon key can read, change and delete every row of the new table.",
        example: "create table public.profiles (\n  id uuid primary key references auth.users,\n  bio text\n);",
        use_instead: "create table public.profiles (\n  id uuid primary key references auth.users,\n  bio text\n);\nalter table public.profiles enable row level security;\ncreate policy \"own profile\" on public.profiles\n  for all to authenticated\n  using ((select auth.uid()) = id);",
    },
    checks_down: false,
    check: Check::ChangeSet(check),
};

fn check(ctx: &ChangeSetContext, out: &mut Vec<Located>) {
    if !ctx.rls_applies {
        return;
    }
    for table in ctx.catalog.tables_touched_in(&ctx.migrations()) {
        let Some(created) = &table.created else {
            continue;
        };
        if !ctx.in_change_set(created.migration)
            || table.temporary
            || table.rls.is_some()
            || !ctx.settings.is_exposed(&table.name)
        {
            continue;
        }
        out.push(Located {
            file: created.file,
            violation: Violation::new(
                created.span.clone(),
                format!("table {} is created without row level security", table.name),
                format!(
                    "add `alter table {} enable row level security;` and policies for the roles that may use it",
                    table.name
                ),
            ),
        });
    }
}
