use super::{Check, RlsMode, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ActionKind, ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "rls-disabled",
        code: "SC003",
        category: Category::Security,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "DISABLE ROW LEVEL SECURITY / NO FORCE",
        what_it_does: "Flags `ALTER TABLE ... DISABLE ROW LEVEL SECURITY` and `... NO FORCE ROW LEVEL SECURITY` everywhere unless `security.rls = \"off\"` (it does not wait for Supabase to be detected). Not reported: the same statement on a table created earlier in the change set whose row-level security (or FORCE) was never turned on, since it changes nothing.",
        why_is_this_bad: "Disabling row-level security removes every policy's protection at once: any role with table privileges (on Supabase, `anon` and `authenticated`) can read and write every row. `NO FORCE` lets the table owner, and the functions it owns, bypass the policies again.",
        example: "alter table public.orders disable row level security;",
        use_instead: "-- keep row-level security on and change the policies instead\ndrop policy \"orders are private\" on public.orders;\ncreate policy \"staff read orders\" on public.orders\n  for select to authenticated\n  using ((select auth.jwt() ->> 'role') = 'staff');",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    if ctx.settings.rls == RlsMode::Off {
        return;
    }
    let StatementKind::AlterTable { table, actions } = &statement.kind else {
        return;
    };
    let new = ctx.is_new(ObjectType::Table, table);
    let security = ctx.catalog.security(table);
    for action in actions {
        let (what, noop) = match action.kind {
            ActionKind::DisableRls => (
                "disables row level security",
                security.is_none_or(|s| s.rls.is_none()),
            ),
            ActionKind::NoForceRls => (
                "stops forcing row level security (the owner bypasses it)",
                security.is_none_or(|s| !s.forced),
            ),
            _ => continue,
        };
        if new && noop {
            continue;
        }
        out.push(Violation::new(
            action.span.clone(),
            format!("alter table {table} {what}"),
            "keep row level security on and change the table's policies instead",
        ));
    }
}
