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
        summary: "statement probably invalid, or not understood",
        what_it_does: "Reports statements that are probably invalid or that sqlgate does not understand. Probably invalid: an unterminated string, quoted identifier, dollar quote or comment, and, in a statement sqlparser cannot parse, a syntax error its tokens prove: unbalanced parentheses or brackets (or a `;` inside them), a stray `,`, two string literals on one line, a statement that starts on a later line of another (a missing `;`), a backtick, a name or action missing (`CREATE TABLE (...)`, `DROP TABLE;`, `ALTER TABLE t;`), a keyword missing (`GRANT` without `TO`, `REVOKE` without `FROM`, `COMMENT ON` without `IS`, `DELETE` without `FROM`, `UPDATE` without `SET`, `CREATE VIEW` without `AS`), or MySQL's and Greenplum's forms (`ADD COLUMN ... AFTER c`, `RENAME t` without `TO`, `DISTRIBUTED BY` after a column list). Not understood: a statement that starts with no PostgreSQL (or ClickHouse) command, or creates, alters or drops an object type the server does not have. sqlgate reads every statement from its tokens; sqlparser is asked only about a statement whose tokens show a problem, and one it parses is not reported either. So a statement sqlparser cannot parse but whose kind and names the tokens give (ClickHouse `ON CLUSTER`, `SETTINGS` or `CODEC`; PostgreSQL `ALTER DEFAULT PRIVILEGES`, `COMMENT ON POLICY`, `CREATE EVENT TRIGGER`, ...) is not reported: the rules check it like any other. `--verbose` lists each reported statement with sqlparser's message.",
        why_is_this_bad: "A statement the server rejects fails the migration when it is applied, and one sqlgate does not understand is checked by no rule: it may hide something the rules would otherwise catch. An unterminated quote swallows everything after it into one string.",
        example: "CREATE TABLE (id bigint PRIMARY KEY);\nALTER TABLE accounts;\nGRANT SELECT ON accounts;\nALTER TABLE accounts ADD COLUMN note text AFTER email;\nCREAT TABLE audit (id bigint);",
        use_instead: "CREATE TABLE accounts (id bigint PRIMARY KEY);\nALTER TABLE accounts ADD COLUMN email text;\nGRANT SELECT ON accounts TO reporting;\nALTER TABLE accounts ADD COLUMN note text;\nCREATE TABLE audit (id bigint);\n-- syntax for another server, reviewed by hand: suppress the finding with a reason\n-- sqlgate: ignore parse-error -- runs on Greenplum, not PostgreSQL",
    },
    checks_down: true,
    check: Check::Statement(check),
};

fn check(statement: &Statement, _ctx: &RuleContext, out: &mut Vec<Violation>) {
    if let ParseStatus::Invalid(problem) = &statement.parse {
        let message = if problem.understood {
            format!(
                "{} statement is probably invalid: {}",
                statement.kind.label(),
                problem.message
            )
        } else {
            format!("statement not understood: {}", problem.message)
        };
        // A statement too large for sqlparser was not handed to it: the message says so.
        let help = if sqlgate_sql::analyze::is_too_large(&problem.error) {
            problem.error.clone()
        } else {
            format!("sqlparser: {}", problem.error)
        };
        out.push(Violation::new(statement.range.clone(), message, help));
    }
}
