use std::collections::HashMap;

use super::{Check, Located, MigrationContext, RlsMode, Rule, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ActionKind, Origin, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "rls-disabled",
        code: "SC003",
        category: Category::Security,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "DISABLE ROW LEVEL SECURITY / NO FORCE",
        what_it_does: "Flags `ALTER TABLE ... DISABLE ROW LEVEL SECURITY` and `... NO FORCE ROW LEVEL SECURITY` everywhere unless `security.rls = \"off\"` (it does not wait for Supabase to be detected). Not reported: the same statement on a table created earlier in the migration whose row-level security (or FORCE) is not on, since it changes nothing; and one in the migration's own statements (not a function body) after which the migration turns it on again before its transaction ends (at a top-level `COMMIT`, `ROLLBACK` or `PREPARE TRANSACTION`, or the end of the migration): other sessions only see the state at commit.",
        why_is_this_bad: "Disabling row-level security removes every policy's protection at once: any role with table privileges (on Supabase, `anon` and `authenticated`) can read and write every row. `NO FORCE` lets the table owner, and the functions it owns, bypass the policies again.",
        example: "alter table public.orders disable row level security;",
        use_instead: "-- keep row-level security on and change the policies instead\ndrop policy \"orders are private\" on public.orders;\ncreate policy \"staff read orders\" on public.orders\n  for select to authenticated\n  using ((select auth.jwt() ->> 'role') = 'staff');",
    },
    checks_down: false,
    check: Check::Migration(check),
};

/// The row-level security of a table, as this migration's statements so far left it.
#[derive(Clone, Copy, Default)]
struct Rls {
    on: bool,
    forced: bool,
}

fn check(ctx: &MigrationContext, out: &mut Vec<Located>) {
    if ctx.settings.rls == RlsMode::Off {
        return;
    }
    let statements = ctx.up.statements;
    // Tables created earlier in this migration, by their key.
    let mut created: HashMap<String, Rls> = HashMap::new();
    for (i, statement) in statements.iter().enumerate() {
        let runs_now = statement.origin.runs_in_migration();
        let (table, actions) = match &statement.kind {
            StatementKind::CreateTable { table, .. } if runs_now => {
                created.insert(table.key(), Rls::default());
                continue;
            }
            StatementKind::AlterTable { table, actions } => (table, actions),
            _ => continue,
        };
        let key = table.key();
        for (a, action) in actions.iter().enumerate() {
            let (what, force) = match action.kind {
                ActionKind::DisableRls => ("disables row level security", false),
                ActionKind::NoForceRls => (
                    "stops forcing row level security (the owner bypasses it)",
                    true,
                ),
                _ => {
                    if runs_now {
                        if let Some(state) = created.get_mut(&key) {
                            apply(state, &action.kind);
                        }
                    }
                    continue;
                }
            };
            let state = created.get(&key).copied();
            // A table created in this migration whose RLS (or FORCE) was not on: a no-op.
            let noop = state.is_some_and(|s| if force { !s.forced } else { !s.on });
            if runs_now {
                if let Some(state) = created.get_mut(&key) {
                    apply(state, &action.kind);
                }
            }
            if noop || (runs_now && on_again_or_later_at_commit(statements, i, a, &key, force)) {
                continue;
            }
            out.push(Located {
                file: ctx.up.file,
                violation: Violation::new(
                    action.span.clone(),
                    format!("alter table {table} {what}"),
                    "keep row level security on and change the table's policies instead",
                ),
            });
        }
    }
}

fn apply(state: &mut Rls, action: &ActionKind) {
    match action {
        ActionKind::EnableRls => state.on = true,
        ActionKind::DisableRls => state.on = false,
        ActionKind::ForceRls => state.forced = true,
        ActionKind::NoForceRls => state.forced = false,
        _ => {}
    }
}

/// Whether row-level security (or FORCE) of the table is on again when the transaction of
/// action `a` of statement `i` ends (other sessions never see it off), or a later action of
/// the transaction turns it off again (that one is reported). The transaction ends at a
/// top-level COMMIT, ROLLBACK or PREPARE TRANSACTION (chained or not), else with the migration.
fn on_again_or_later_at_commit(
    statements: &[Statement],
    i: usize,
    a: usize,
    key: &str,
    force: bool,
) -> bool {
    let mut on = false;
    for (j, statement) in statements.iter().enumerate().skip(i) {
        match &statement.kind {
            StatementKind::Transaction(control)
                if control.ends_transaction() && statement.origin == Origin::TopLevel =>
            {
                break;
            }
            StatementKind::AlterTable { table, actions }
                if statement.origin.runs_in_migration() && table.key() == key =>
            {
                let later = if j == i { a + 1 } else { 0 };
                for action in actions.iter().skip(later) {
                    match (&action.kind, force) {
                        (ActionKind::EnableRls, false) | (ActionKind::ForceRls, true) => on = true,
                        // Off again after it was on: that later action is the one reported.
                        (ActionKind::DisableRls, false) | (ActionKind::NoForceRls, true) if on => {
                            return true
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    on
}
