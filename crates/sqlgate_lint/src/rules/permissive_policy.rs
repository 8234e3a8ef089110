use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{Policy, PolicyCommand, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "permissive-policy",
        code: "SC005",
        category: Category::Security,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "USING (true) / WITH CHECK (true) on write commands",
        what_it_does: "Flags a permissive `CREATE POLICY` for `ALL`, `INSERT`, `UPDATE` or `DELETE` that applies to everyone (no `TO` clause, `PUBLIC`, or a role in `security.public_roles`, default `anon` and `authenticated`) with `USING (true)` or `WITH CHECK (true)` (also `1 = 1`). Read-only (`FOR SELECT`) and `AS RESTRICTIVE` policies are not reported.",
        why_is_this_bad: "A permissive policy whose condition is always true lets every user change or delete every row (or insert any row): row-level security is on but protects nothing for that command. On Supabase anyone holding the public anon key counts as `anon`, and anyone who signs up as `authenticated`.",
        example: "create policy \"anyone can edit\" on public.posts\n  for update to authenticated\n  using (true);",
        use_instead: "create policy \"authors edit their posts\" on public.posts\n  for update to authenticated\n  using ((select auth.uid()) = author_id)\n  with check ((select auth.uid()) = author_id);",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    let StatementKind::CreatePolicy(policy) = &statement.kind else {
        return;
    };
    let Policy {
        name,
        table,
        permissive,
        command,
        roles,
        using,
        with_check,
    } = &**policy;
    if !*permissive || *command == PolicyCommand::Select {
        return;
    }
    let everyone = roles.is_empty() || roles.iter().any(|r| ctx.settings.is_public_role(&r.name));
    if !everyone {
        return;
    }
    let to = if roles.is_empty() {
        "public".to_string()
    } else {
        roles
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    // One finding per policy, at the first always-true expression.
    let mut true_clauses = [("using", using), ("with check", with_check)]
        .into_iter()
        .filter_map(|(clause, e)| e.as_ref().filter(|e| e.always_true).map(|e| (clause, e)));
    let Some((clause, expr)) = true_clauses.next() else {
        return;
    };
    let clauses = match true_clauses.next() {
        Some(_) => "using and with check are".to_string(),
        None => format!("{clause} is"),
    };
    out.push(Violation::new(
        expr.span.clone(),
        format!(
            "policy {} on table {table} lets {to} {} every row ({clauses} always true)",
            name.name,
            verb(*command)
        ),
        "restrict the policy to the rows the user owns, e.g. `using ((select auth.uid()) = user_id)`, or make it `for select` if only reading is meant",
    ));
}

fn verb(command: PolicyCommand) -> &'static str {
    match command {
        PolicyCommand::All => "read and write",
        PolicyCommand::Insert => "insert",
        PolicyCommand::Update => "update",
        PolicyCommand::Delete => "delete",
        PolicyCommand::Select => "read",
    }
}
