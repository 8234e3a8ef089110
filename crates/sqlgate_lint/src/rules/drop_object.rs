use super::{report_each_name, Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "drop-object",
        code: "DS009",
        category: Category::Destructive,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "DROP of view, materialized view, function, type, sequence, extension, trigger, policy, index",
        what_it_does: "Flags `DROP` of views, materialized views, functions, procedures, aggregates, types, domains, sequences, extensions, triggers, policies, rules, indexes and ClickHouse dictionaries that existed before the change set. An object the same migration creates again under the same name (the same kind, on the same table for a trigger or policy) is a replacement and is not reported, nor is an index whose table or indexed column the same migration drops afterwards (it would go with it; drop-table and drop-column judge that).",
        why_is_this_bad: "These objects hold no table rows, but running code depends on them: a dropped function or view breaks its callers, a dropped policy or trigger silently changes behaviour, a dropped index can turn fast queries into table scans, and a dropped sequence or type can take data with it.",
        example: "DROP FUNCTION calculate_invoice_total(bigint);\nDROP POLICY \"read own rows\" ON documents;",
        use_instead: "-- replace instead of drop where possible, and check dependants first\nCREATE OR REPLACE FUNCTION calculate_invoice_total(bigint) RETURNS numeric AS $$ SELECT 0::numeric $$ LANGUAGE sql;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    let StatementKind::Drop {
        object, names, on, ..
    } = &statement.kind
    else {
        return;
    };
    // `DROP TABLE` of a view an earlier migration created (ClickHouse drops views that way).
    if *object == ObjectType::Table {
        let views: Vec<_> = names
            .iter()
            .filter(|n| ctx.catalog.is_view(n))
            .cloned()
            .collect();
        if views.is_empty() {
            return;
        }
        report_each_name(
            statement,
            &views,
            "drop",
            ObjectType::View,
            |n| !ctx.is_new(ObjectType::View, n) && !ctx.recreated_later(ObjectType::View, n, None),
            "check what depends on it and replace it instead of dropping where possible",
            out,
        );
        return;
    }
    if !matches!(
        object,
        ObjectType::Table | ObjectType::Schema | ObjectType::Database | ObjectType::Other
    ) {
        report_each_name(
            statement,
            names,
            "drop",
            *object,
            // Dropped to be created again by the same migration: a replacement, and what
            // depends on it finds it again (whatever changed is the CREATE's to review).
            // An index whose table or column the migration drops next goes with it.
            |n| {
                !ctx.is_new(*object, n)
                    && !ctx.recreated_later(*object, n, on.as_deref())
                    && (*object != ObjectType::Index || !ctx.index_dropped_later(n))
            },
            "check what depends on it and replace it instead of dropping where possible",
            out,
        );
    }
}
