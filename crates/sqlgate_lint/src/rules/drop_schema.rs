use super::{report_each_name, Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "drop-schema",
        code: "DS003",
        category: Category::Destructive,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "DROP SCHEMA",
        what_it_does: "Flags `DROP SCHEMA` of a schema that existed before the change set.",
        why_is_this_bad: "A schema holds tables, views and functions; dropping it (with CASCADE, everything inside it) removes data and code at once, and nothing in the migration names what was lost.",
        example: "DROP SCHEMA reporting CASCADE;",
        use_instead: "-- drop the schema's objects one by one in reviewed migrations, after a backup\nDROP TABLE reporting.daily_totals;\nDROP SCHEMA reporting;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    if let StatementKind::Drop {
        object: ObjectType::Schema,
        names,
        ..
    } = &statement.kind
    {
        report_each_name(
            statement,
            names,
            "drop",
            ObjectType::Schema,
            |n| !ctx.is_new(ObjectType::Schema, n),
            "back up the schema and drop its objects one by one in reviewed migrations",
            out,
        );
    }
}
