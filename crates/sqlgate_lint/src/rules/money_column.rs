use super::column_types::{is_one_of, report_column_types};
use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::Statement;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "money-column",
        code: "ST007",
        category: Category::Style,
        default_severity: Severity::Warning,
        opt_in: true,
        summary: "money column (locale-dependent)",
        what_it_does: "Flags columns declared `money` (arrays included) in `CREATE TABLE`, `ADD COLUMN` and `ALTER COLUMN ... TYPE`, on new tables too. PostgreSQL only.",
        why_is_this_bad: "`money` has a fixed fractional precision taken from the server's `lc_monetary` setting: its input and output format, and how many decimals it keeps, change with the locale (a dump restored on a server with another locale can read values wrongly). It holds no currency, and arithmetic on it rounds in ways `numeric` does not.",
        example: "CREATE TABLE invoices (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    total money NOT NULL\n);",
        use_instead: "CREATE TABLE invoices (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    total numeric(12, 2) NOT NULL,\n    currency text NOT NULL\n);",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    report_column_types(
        statement,
        ctx,
        out,
        |t| is_one_of(t, &["money"]).then(|| "money (locale-dependent)".to_string()),
        "use numeric with an explicit scale, and keep the currency in its own column",
    );
}
