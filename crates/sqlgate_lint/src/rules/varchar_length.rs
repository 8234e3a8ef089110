use super::column_types::{is_one_of, report_column_types};
use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::Statement;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "varchar-length",
        code: "ST003",
        category: Category::Style,
        default_severity: Severity::Warning,
        opt_in: true,
        summary: "varchar(n) column; text with a CHECK is easier to change",
        what_it_does: "Flags columns declared `varchar(n)` or `character varying(n)` (with a length; arrays included) in `CREATE TABLE`, `ADD COLUMN` and `ALTER COLUMN ... TYPE`, on new tables too. `varchar` without a length is `text` and is not flagged. PostgreSQL only.",
        why_is_this_bad: "The length limit is part of the type, so changing it is an `ALTER COLUMN ... TYPE`: it takes an `ACCESS EXCLUSIVE` lock on the table, and lowering the limit (or changing it on an indexed or referenced column) rewrites or rescans the table while every read and write waits. `text` stores the same bytes; a `CHECK` constraint on its length can be replaced with `NOT VALID` and validated later without blocking.",
        example: "CREATE TABLE users (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    email varchar(100) NOT NULL\n);",
        use_instead: "CREATE TABLE users (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    email text NOT NULL CONSTRAINT users_email_length CHECK (char_length(email) <= 100)\n);",
    },
    checks_down: false,
    check: Check::Statement(check),
};

/// The names of the variable-length character type.
const VARCHAR: &[&str] = &[
    "varchar",
    "character varying",
    "char varying",
    "nchar varying",
    "national character varying",
    "national char varying",
];

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    report_column_types(
        statement,
        ctx,
        out,
        |t| (t.modifiers && is_one_of(t, VARCHAR)).then(|| format!("{}(n)", t.name)),
        "use text with a CHECK (char_length(column) <= n), which can be changed without a rewrite",
    );
}
