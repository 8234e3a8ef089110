use super::column_types::{is_one_of, report_column_types};
use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::Statement;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "prefer-timestamptz",
        code: "ST001",
        category: Category::Style,
        default_severity: Severity::Warning,
        opt_in: true,
        summary: "timestamp without time zone column",
        what_it_does: "Flags columns declared `timestamp` or `timestamp without time zone` (arrays included) in `CREATE TABLE`, `ADD COLUMN` and `ALTER COLUMN ... TYPE`, on new tables too. PostgreSQL only.",
        why_is_this_bad: "A `timestamp` stores a wall-clock reading with the UTC offset thrown away: `2024-03-01 12:00+02` and `2024-03-01 12:00-06` are stored as the same value. What the value means then depends on the time zone of whichever session wrote it, and comparisons across zones or daylight-saving changes silently go wrong. `timestamptz` stores an absolute instant in the same 8 bytes.",
        example: "CREATE TABLE events (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    created_at timestamp NOT NULL DEFAULT now()\n);",
        use_instead: "CREATE TABLE events (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    created_at timestamptz NOT NULL DEFAULT now()\n);",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    report_column_types(
        statement,
        ctx,
        out,
        |t| {
            is_one_of(t, &["timestamp", "timestamp without time zone"])
                .then(|| "timestamp without time zone".to_string())
        },
        "use timestamptz (timestamp with time zone), which stores an absolute point in time",
    );
}
