use super::{report_each_name, Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{Name, ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "drop-table",
        code: "DS001",
        category: Category::Destructive,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "DROP TABLE of an existing table",
        what_it_does: "Flags `DROP TABLE` of a table that existed before the change set. Tables created earlier in the same change set are not reported, nor are views and materialized views that earlier migrations created and `DROP TABLE` removes (ClickHouse's way): those are `drop-object`. In ClickHouse, a name the same migration then re-creates as a materialized view `TO` a table is taken for such a view too (it stores its rows in that table).",
        why_is_this_bad: "Dropping a table deletes its rows for good, and any running code that still reads or writes it starts failing the moment the migration commits. Restoring means a backup restore and lost writes since.",
        example: "DROP TABLE users;",
        use_instead: "-- 1. ship code that no longer uses the table\n-- 2. take a backup and link it in the pull request\n-- 3. drop it in its own migration, or rename it first and drop later\nALTER TABLE users RENAME TO users_deprecated_20261121;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

/// ClickHouse drops a materialized view with `DROP TABLE`. When the migration re-creates the
/// name as a materialized view `TO` a table, what it dropped was the view in front of that
/// table (it holds no rows; drop-object judges the replacement).
fn replaced_by_materialized_view(name: &Name, ctx: &RuleContext) -> bool {
    ctx.dialect == Dialect::ClickHouse
        && ctx.later.iter().any(|st| {
            matches!(&st.kind, StatementKind::Create {
                object: ObjectType::MaterializedView,
                name: Some(created),
                on: Some(_),
                ..
            } if created.key() == name.key())
        })
}

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    if let StatementKind::Drop {
        object: ObjectType::Table,
        names,
        ..
    } = &statement.kind
    {
        report_each_name(
            statement,
            names,
            "drop",
            ObjectType::Table,
            // A view dropped with DROP TABLE (ClickHouse's way) holds no rows: DS009.
            |n| {
                !ctx.is_new(ObjectType::Table, n)
                    && !ctx.catalog.is_view(n)
                    && !replaced_by_materialized_view(n, ctx)
            },
            "back up the table and stop all code from using it before dropping it",
            out,
        );
    }
}
