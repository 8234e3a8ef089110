use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ParseStatus, Statement};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "parse-error",
        code: "MT001",
        category: Category::Meta,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "statement not fully parsed (still classified)",
        what_it_does: "Reports statements that sqlparser could not parse or that are too large to hand to it (over 50,000 tokens), and unterminated strings, quoted identifiers, dollar quotes and comments. Such statements are still classified from their tokens, so a `DROP TABLE` sqlparser cannot read is still reported as one, but details only the full parse provides may be missing.",
        why_is_this_bad: "A statement sqlgate understands only partly may hide something the rules would otherwise catch; an unterminated quote usually means the migration will fail to apply, or that everything after it is swallowed into one string.",
        example: "CREATE TABLE t (id int) WITH (fillfactor = 70) TABLESPACE fast DISTRIBUTED BY (id);",
        use_instead: "-- write standard PostgreSQL/ClickHouse syntax, or suppress the finding with a reason\n-- sqlgate: ignore parse-error -- Greenplum syntax, reviewed by hand\nCREATE TABLE t (id int) DISTRIBUTED BY (id);",
    },
    checks_down: true,
    check: Check::Statement(check),
};

fn check(statement: &Statement, _ctx: &RuleContext, out: &mut Vec<Violation>) {
    if let ParseStatus::Fallback { error } = &statement.parse {
        // A statement too large for sqlparser was not handed to it: the message says so.
        let help = if sqlgate_sql::analyze::is_too_large(error) {
            error.to_string()
        } else {
            format!("sqlparser: {error}")
        };
        out.push(Violation::new(
            statement.range.clone(),
            format!(
                "{} statement not fully parsed, checked by its tokens",
                statement.kind.label()
            ),
            help,
        ));
    }
}
