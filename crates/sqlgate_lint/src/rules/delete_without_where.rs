use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "delete-without-where",
        code: "DS007",
        category: Category::Destructive,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "DELETE with no WHERE",
        what_it_does: "Flags `DELETE` without a `WHERE` clause on a table that existed before the change set.",
        why_is_this_bad: "Without WHERE, DELETE removes every row of the table. In a migration that is almost always a mistake, or a data wipe that deserves its own review and a backup.",
        example: "DELETE FROM audit_log;",
        use_instead: "DELETE FROM audit_log WHERE created_at < now() - interval '90 days';",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    if let StatementKind::Delete {
        table,
        has_where: false,
    } = &statement.kind
    {
        if !ctx.is_new(ObjectType::Table, table) {
            out.push(Violation::new(
                statement.range.clone(),
                format!("delete of every row of table {table}"),
                "add a where clause that selects only the rows to delete",
            ));
        }
    }
}
