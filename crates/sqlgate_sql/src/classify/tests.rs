//! Tests of the token-level classifier on whole statements.

use super::*;
use crate::lexer::code_tokens;
use crate::model::{ActionKind, GrantTarget, ObjectType, Policy, PolicyCommand, PolicyExpr};

fn kind(sql: &str) -> StatementKind {
    let tokens = code_tokens(sql, 0, Dialect::Postgres);
    classify(&tokens, sql, Dialect::Postgres).kind
}

#[test]
fn reads_policies() {
    let sql = r#"create policy "p" on public.t as restrictive for update to anon, "Admin" using ((true)) with check (1 = 1)"#;
    let StatementKind::CreatePolicy(policy) = kind(sql) else {
        panic!("not a policy");
    };
    let Policy {
        name,
        table,
        permissive,
        command,
        roles,
        using: Some(using),
        with_check: Some(check),
    } = *policy
    else {
        panic!("no using or with check");
    };
    assert_eq!(
        (name.name.as_str(), table.to_string()),
        ("p", "public.t".into())
    );
    assert!(!permissive);
    assert_eq!(command, PolicyCommand::Update);
    let names: Vec<_> = roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["anon", "Admin"]);
    assert_eq!(&sql[using.span.clone()], "true");
    assert!(using.always_true && check.always_true);
    assert!(matches!(
        kind("create policy p on t using (a = 1)"),
        StatementKind::CreatePolicy(policy) if matches!(
            policy.using,
            Some(PolicyExpr {
                always_true: false,
                ..
            })
        )
    ));
}

#[test]
fn reads_comments_with_the_objects_they_name() {
    let described = |sql: &str| match kind(sql) {
        StatementKind::Comment {
            object,
            name,
            column,
            on,
        } => format!(
            "{} {name} [{}] {:?} {:?}",
            object.as_str(),
            &sql[name.span.clone()],
            column.as_deref(),
            on.map(|t| t.to_string())
        ),
        other => format!("not a comment: {other:?}"),
    };
    assert_eq!(
        described(r#"comment on policy "Users read own" on public.profiles is 'x'"#),
        r#"policy Users read own ["Users read own"] None Some("public.profiles")"#
    );
    assert_eq!(
        described("comment on column public.t.\"Email\" is 'x'"),
        r#"column public.t [public.t] Some("Email") None"#
    );
    assert_eq!(
        described("comment on column t.c is null"),
        r#"column t [t] Some("c") None"#
    );
    assert_eq!(
        described("comment on function api.f(int, text) is 'x'"),
        "function api.f [api.f] None None"
    );
    assert_eq!(
        described("comment on constraint c_check on domain d is 'x'"),
        r#"constraint c_check [c_check] None Some("d")"#
    );
    assert_eq!(
        described("COMMENT ON MATERIALIZED VIEW mv IS 'x'"),
        "materialized view mv [mv] None None"
    );
    for keyword_only in [
        "comment on role r is 'x'",
        "comment on column c is 'x'",
        "comment on table is 'x'",
        "comment is 'x'",
    ] {
        assert!(
            matches!(kind(keyword_only), StatementKind::Other { ref keyword } if keyword == "COMMENT"),
            "{keyword_only}"
        );
    }
}

#[test]
fn reads_grants() {
    let StatementKind::Grant {
        privileges,
        target,
        objects,
        roles,
        default_privileges,
    } = kind("grant select, update (a, b) on table a, s.b to public, group x with grant option")
    else {
        panic!("not a grant");
    };
    assert_eq!(privileges, ["SELECT", "UPDATE"]);
    assert_eq!(target, GrantTarget::Objects(ObjectType::Table));
    assert_eq!(objects.len(), 2);
    let names: Vec<_> = roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["public", "x"]);
    assert!(!default_privileges);
    assert!(matches!(
        kind("alter default privileges for role postgres in schema api grant all on tables to anon"),
        StatementKind::Grant { target: GrantTarget::AllInSchema(ObjectType::Table), default_privileges: true, ref objects, .. } if objects[0].name == "api"
    ));
    assert!(matches!(
        kind("grant execute on function f(int, text) to authenticated"),
        StatementKind::Grant { target: GrantTarget::Objects(ObjectType::Function), ref objects, .. } if objects[0].name == "f"
    ));
    assert!(matches!(
        kind("grant service_role to authenticated"),
        StatementKind::Grant {
            target: GrantTarget::Membership,
            ..
        }
    ));
}

#[test]
fn reads_function_options_outside_the_body() {
    let definer = |sql: &str| match kind(sql) {
        StatementKind::CreateFunction {
            security_definer,
            sets_search_path,
            ..
        } => (security_definer, sets_search_path),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        definer("create function f() returns int as $$ set search_path = x; $$ language plpgsql security definer"),
        (true, false)
    );
    assert_eq!(
        definer("create function f(a text default 'security definer') returns int language sql set search_path from current as 'select 1'"),
        (false, true)
    );
}

#[test]
fn reads_a_view_column_rename_as_a_column_rename() {
    for sql in [
        "alter view \"public\".\"v\" rename column \"a\" to \"b\"",
        "alter materialized view if exists v rename a to b",
    ] {
        let StatementKind::AlterTable { table, actions } = kind(sql) else {
            panic!("not read as a column rename: {sql}");
        };
        assert_eq!(table.name, "v");
        assert!(matches!(
            &actions[0].kind,
            ActionKind::RenameColumn { column, to } if column.name == "a" && to.name == "b"
        ));
    }
    assert!(matches!(
        kind("alter view v rename to w"),
        StatementKind::Rename { .. }
    ));
}

#[test]
fn reads_create_table_flags_and_drop_policy_table() {
    assert!(matches!(
        kind("create global temporary table if not exists t (a int)"),
        StatementKind::CreateTable {
            temporary: true,
            if_not_exists: true,
            ..
        }
    ));
    assert!(matches!(
        kind("drop policy if exists p on s.t"),
        StatementKind::Drop { on: Some(ref t), .. } if t.to_string() == "s.t"
    ));
}

#[test]
fn reads_transaction_control_as_postgres_runs_it() {
    use TransactionControl::*;
    let control = |sql: &str| match kind(sql) {
        StatementKind::Transaction(control) => Some(control),
        _ => None,
    };
    for (sql, expected) in [
        ("BEGIN", Begin),
        ("begin work", Begin),
        ("BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE", Begin),
        ("START TRANSACTION", Begin),
        ("start transaction read only", Begin),
        ("COMMIT", Commit { chain: false }),
        ("commit work", Commit { chain: false }),
        ("COMMIT TRANSACTION", Commit { chain: false }),
        ("END", Commit { chain: false }),
        ("end transaction", Commit { chain: false }),
        ("COMMIT AND CHAIN", Commit { chain: true }),
        ("commit work and chain", Commit { chain: true }),
        ("END AND CHAIN", Commit { chain: true }),
        ("COMMIT AND NO CHAIN", Commit { chain: false }),
        ("ROLLBACK", Rollback { chain: false }),
        ("ABORT", Rollback { chain: false }),
        ("abort work", Rollback { chain: false }),
        ("ROLLBACK TRANSACTION AND CHAIN", Rollback { chain: true }),
        ("ABORT AND CHAIN", Rollback { chain: true }),
        ("rollback and no chain", Rollback { chain: false }),
        ("SAVEPOINT before_backfill", Savepoint),
        ("RELEASE SAVEPOINT before_backfill", Savepoint),
        ("release before_backfill", Savepoint),
        ("ROLLBACK TO SAVEPOINT before_backfill", Savepoint),
        ("rollback work to before_backfill", Savepoint),
        ("PREPARE TRANSACTION 'tx-1'", Prepare),
        ("COMMIT PREPARED 'tx-1'", FinishPrepared),
        ("rollback prepared 'tx-1'", FinishPrepared),
    ] {
        assert_eq!(control(sql), Some(expected), "{sql}");
    }
    // Only look-alikes: another statement, or the end of a body split apart.
    for sql in [
        "PREPARE q AS SELECT 1",
        "START REPLICATION",
        "END IF",
        "END LOOP",
        "END $$",
    ] {
        assert_eq!(control(sql), None, "{sql}");
    }
}

#[test]
fn reads_the_columns_an_update_sets() {
    let columns = |sql: &str| match kind(sql) {
        StatementKind::Update { columns, .. } => {
            columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>()
        }
        other => panic!("{sql}: {other:?}"),
    };
    assert_eq!(columns("update users set x = 0"), ["x"]);
    assert_eq!(
        columns(r#"UPDATE ONLY s.users AS u SET "Plan" = 'free', n = n + 1 WHERE id = 1"#),
        ["Plan", "n"]
    );
    assert_eq!(
        columns("update t set (a, b) = (select 1, 2), c[1] = 0, d.f = 1 from o where o.id = t.id"),
        ["a", "b", "c", "d"]
    );
    assert_eq!(
        columns("update t set flag = a is distinct from b, e = extract(year from ts) returning *"),
        ["flag", "e"]
    );
    assert_eq!(columns("update t set"), Vec::<String>::new());
}
