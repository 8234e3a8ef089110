use super::{report_each_name, Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "drop-database",
        code: "DS004",
        category: Category::Destructive,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "DROP DATABASE",
        what_it_does: "Flags every `DROP DATABASE`.",
        why_is_this_bad: "It deletes a whole database. A migration is the wrong place for it: it runs unattended on every environment the migration reaches, production included.",
        example: "DROP DATABASE analytics;",
        use_instead: "-- decommission databases by hand, after a verified backup, outside the migration history",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, _ctx: &RuleContext, out: &mut Vec<Violation>) {
    if let StatementKind::Drop {
        object: ObjectType::Database,
        names,
        ..
    } = &statement.kind
    {
        report_each_name(
            statement,
            names,
            "drop",
            ObjectType::Database,
            |_| true,
            "remove databases by hand after a verified backup, not in a migration",
            out,
        );
    }
}
