use super::column_types::{is_one_of, report_column_types};
use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::Statement;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "prefer-identity",
        code: "ST005",
        category: Category::Style,
        default_severity: Severity::Warning,
        opt_in: true,
        summary: "serial column; use an identity column",
        what_it_does: "Flags columns declared `serial`, `bigserial`, `smallserial` or `serial2`/`serial4`/`serial8` in `CREATE TABLE` and `ADD COLUMN`, on new tables too. PostgreSQL only.",
        why_is_this_bad: "`serial` is not a type but a macro: it creates a separate sequence that the column merely defaults to. The sequence needs its own grants, is not copied by `CREATE TABLE ... (LIKE ...)`, keeps its own ownership and can drift from the column (explicit inserts do not advance it). Identity columns (PostgreSQL 10+) are part of the column, follow it through dumps and `ALTER TABLE`, and `GENERATED ALWAYS` rejects accidental explicit values.",
        example: "CREATE TABLE users (\n    id bigserial PRIMARY KEY\n);",
        use_instead: "CREATE TABLE users (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY\n);",
    },
    checks_down: false,
    check: Check::Statement(check),
};

const SERIAL: &[&str] = &[
    "serial",
    "serial4",
    "bigserial",
    "serial8",
    "smallserial",
    "serial2",
];

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    report_column_types(
        statement,
        ctx,
        out,
        |t| is_one_of(t, SERIAL).then(|| t.name.clone()),
        "use bigint generated always as identity",
    );
}
