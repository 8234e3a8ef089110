use super::column_types::{is_one_of, report_column_types};
use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::Statement;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "json-column",
        code: "ST006",
        category: Category::Style,
        default_severity: Severity::Warning,
        opt_in: true,
        summary: "json column; jsonb is indexable and smaller to query",
        what_it_does: "Flags columns declared `json` (arrays included; not `jsonb`) in `CREATE TABLE`, `ADD COLUMN` and `ALTER COLUMN ... TYPE`, on new tables too. PostgreSQL only.",
        why_is_this_bad: "`json` keeps the text as written and reparses it on every access, has no equality operator (so no `DISTINCT`, `GROUP BY` or unique index on it) and cannot be indexed with GIN. `jsonb` is stored parsed, supports containment (`@>`) and GIN indexes. Keep `json` only when the exact text (key order, duplicate keys, whitespace) must be preserved.",
        example: "ALTER TABLE events ADD COLUMN payload json;",
        use_instead: "ALTER TABLE events ADD COLUMN payload jsonb;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    report_column_types(
        statement,
        ctx,
        out,
        |t| is_one_of(t, &["json"]).then(|| "json".to_string()),
        "use jsonb, unless the exact text of the document must be kept",
    );
}
