use super::{Rule, RuleContext, RuleMeta, Violation};
use crate::finding::{Category, Severity};
use crate::model::{ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "drop-schema",
        code: "DS003",
        category: Category::Destructive,
        default_severity: Severity::Error,
        summary: "DROP SCHEMA",
        what_it_does: "Flags `DROP SCHEMA` of a schema that existed before the change set.",
        why_is_this_bad: "A schema holds tables, views and functions; dropping it (with CASCADE, everything inside it) removes data and code at once, and nothing in the migration names what was lost.",
        example: "DROP SCHEMA reporting CASCADE;",
        use_instead: "-- drop the schema's objects one by one in reviewed migrations, after a backup\nDROP TABLE reporting.daily_totals;\nDROP SCHEMA reporting;",
    },
    checks_down: false,
    check,
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    let StatementKind::Drop {
        object: ObjectType::Schema,
        names,
        ..
    } = &statement.kind
    else {
        return;
    };
    let help = "back up the schema and drop its objects one by one in reviewed migrations";
    if names.is_empty() {
        out.push(Violation::new(
            statement.range.clone(),
            "drop of a schema whose name is computed at run time",
            help,
        ));
    }
    for name in names.iter().filter(|n| !ctx.is_new(ObjectType::Schema, n)) {
        out.push(Violation::new(
            statement.range.clone(),
            format!("drop of schema {name}"),
            help,
        ));
    }
}
