use super::column_types::{is_one_of, report_column_types};
use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::Statement;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "prefer-bigint",
        code: "ST004",
        category: Category::Style,
        default_severity: Severity::Warning,
        opt_in: true,
        summary: "32- or 16-bit integer column",
        what_it_does: "Flags columns declared `integer` (`int`, `int4`, `serial`, `serial4`) or `smallint` (`int2`, `smallserial`, `serial2`) in `CREATE TABLE`, `ADD COLUMN` and `ALTER COLUMN ... TYPE`, on new tables too. Arrays (`int[]`) are not flagged: their elements are values, not keys or counters. PostgreSQL only.",
        why_is_this_bad: "Ids, counters and foreign keys outgrow 2,147,483,647 (or 32,767) sooner than expected, and inserts then fail outright. Widening the column later is an `ALTER COLUMN ... TYPE bigint` that rewrites the table (and every referencing table) under an `ACCESS EXCLUSIVE` lock. `bigint` costs 4 more bytes per row, often none after alignment.",
        example: "CREATE TABLE posts (\n    id serial PRIMARY KEY,\n    author_id int NOT NULL\n);",
        use_instead: "CREATE TABLE posts (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    author_id bigint NOT NULL\n);",
    },
    checks_down: false,
    check: Check::Statement(check),
};

const INTEGER: &[&str] = &["int", "integer", "int4", "serial", "serial4"];
const SMALLINT: &[&str] = &["smallint", "int2", "smallserial", "serial2"];

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    report_column_types(
        statement,
        ctx,
        out,
        |t| {
            if t.array {
                None
            } else if is_one_of(t, INTEGER) {
                Some(format!("{} (32-bit)", t.name))
            } else if is_one_of(t, SMALLINT) {
                Some(format!("{} (16-bit)", t.name))
            } else {
                None
            }
        },
        "use bigint (bigint generated always as identity for a key)",
    );
}
