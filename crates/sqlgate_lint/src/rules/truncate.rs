use super::{report_each_name, Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "truncate",
        code: "DS005",
        category: Category::Destructive,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "TRUNCATE",
        what_it_does: "Flags `TRUNCATE` of a table that existed before the change set (PostgreSQL; ClickHouse TRUNCATE is `clickhouse-mutation`).",
        why_is_this_bad: "TRUNCATE removes every row at once, is not MVCC-safe for concurrent readers, and takes an ACCESS EXCLUSIVE lock. In a migration it usually means production data is wiped along with test data.",
        example: "TRUNCATE sessions;",
        use_instead: "-- delete only what must go, in batches, after a backup\nDELETE FROM sessions WHERE expires_at < now() - interval '30 days';",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    if ctx.dialect != Dialect::Postgres {
        return;
    }
    if let StatementKind::Truncate { tables, .. } = &statement.kind {
        report_each_name(
            statement,
            tables,
            "truncate",
            ObjectType::Table,
            |t| !ctx.is_new(ObjectType::Table, t),
            "back up the table and delete only the rows that must go",
            out,
        );
    }
}
