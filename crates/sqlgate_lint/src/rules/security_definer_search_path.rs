use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "security-definer-search-path",
        code: "SC006",
        category: Category::Security,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "SECURITY DEFINER function without SET search_path",
        what_it_does: "Flags `CREATE [OR REPLACE] FUNCTION` and `PROCEDURE` with `SECURITY DEFINER` and no `SET search_path` option (`= ...`, `TO ...` or `FROM CURRENT`). A `SET search_path` statement inside the body does not count.",
        why_is_this_bad: "A SECURITY DEFINER function runs with its owner's privileges but resolves unqualified names through the caller's `search_path`. A caller who can create objects in any schema on that path can shadow a table, function or operator the body uses and run their own code as the owner (often a superuser).",
        example: "create function public.is_admin() returns boolean\nlanguage sql security definer\nas $$ select exists (select 1 from admins where user_id = auth.uid()) $$;",
        use_instead: "create function public.is_admin() returns boolean\nlanguage sql security definer\nset search_path = ''\nas $$ select exists (select 1 from public.admins where user_id = auth.uid()) $$;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, _ctx: &RuleContext, out: &mut Vec<Violation>) {
    let StatementKind::CreateFunction {
        object,
        name,
        security_definer: true,
        sets_search_path: false,
        ..
    } = &statement.kind
    else {
        return;
    };
    let (span, what) = match name {
        Some(name) => (name.span.clone(), format!("{} {name}", object.as_str())),
        None => (statement.range.clone(), object.as_str().to_string()),
    };
    out.push(Violation::new(
        span,
        format!("security definer {what} does not set search_path"),
        "add `set search_path = ''` to the function's options and schema-qualify every name in its body",
    ));
}
