use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "unreadable-dynamic-sql",
        code: "DS014",
        category: Category::Destructive,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "EXECUTE of SQL that cannot be read before it runs, or psql running SQL from elsewhere",
        what_it_does: "Flags SQL that runs without being in the migration's text: psql's `\\i`/`\\ir` (another file), `\\gexec` (a query's results run as SQL) and `\\!` (a shell command); and a PL/pgSQL `EXECUTE` statement (in a `DO` block or a function body) whose SQL cannot be read from the migration: a variable given its text at run time (a loop, a parameter, `SELECT ... INTO` of anything but one expression), a function's result, a `format()` whose format is not a literal, or text whose statement keyword is itself computed (`format('%s TABLE %I', action, t)`). What can be read is checked by the other rules: string literals, the literal parts of `format()`, `concat()` and `||` (each other part standing for a name computed at run time), and local variables assigned such text (with `:=` or as the one expression of `SELECT ... INTO`). `FOR ... IN EXECUTE`, `OPEN ... FOR EXECUTE` and `RETURN QUERY EXECUTE` run queries whose rows are read, and are not reported; nor is SQL's `EXECUTE name(...)`, which runs a prepared statement.",
        why_is_this_bad: "sqlgate cannot see what this statement does, so none of its rules can: it may drop, truncate or delete as well as select. What cannot be seen needs a human: this is a merge gate trigger by default, so someone reviews what the SQL can be before it runs.",
        example: "DO $$\nDECLARE stmt text;\nBEGIN\n  SELECT 'DROP MATERIALIZED VIEW ' || string_agg(matviewname, ', ')\n    INTO stmt FROM pg_matviews WHERE matviewname LIKE 'report_%';\n  EXECUTE stmt;\nEND\n$$;",
        use_instead: "-- write the statements out, so they are checked\nDROP MATERIALIZED VIEW report_daily, report_weekly;\n-- or keep the statement's keyword and object type literal:\n-- EXECUTE format('DROP MATERIALIZED VIEW %I', v);\n-- else review by hand what it can run, and suppress with the reason:\n-- sqlgate: ignore unreadable-dynamic-sql -- drops only the report_ views, reviewed",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, _ctx: &RuleContext, out: &mut Vec<Violation>) {
    if let StatementKind::PsqlMeta {
        runs: Some(command),
    } = &statement.kind
    {
        let (message, help) = match *command {
            "\\gexec" => (
                "psql \\gexec runs the query's results as sql, which cannot be read before it runs",
                "write the statements out so they can be checked, or review by hand what the query can produce and suppress this finding with the reason",
            ),
            "\\!" => (
                "psql \\! runs a shell command, which sqlgate cannot check",
                "run the command outside the migration, or review it by hand and suppress this finding with the reason",
            ),
            _ => (
                "psql include runs sql from another file, which is not checked with this migration",
                "put the statements in the migration (or make the file a migration of its own) so they are checked",
            ),
        };
        out.push(Violation::new(
            statement.range.clone(),
            message.to_string(),
            help,
        ));
        return;
    }
    let StatementKind::UnreadableExecute { variable } = &statement.kind else {
        return;
    };
    let message = match variable {
        Some(variable) => {
            format!("sql in variable {variable} cannot be read before execute runs it")
        }
        None => "sql built at run time cannot be read before execute runs it".to_string(),
    };
    out.push(Violation::new(
        statement.range.clone(),
        message,
        "write the statement out (or keep its keyword and object type literal in a format() string) so it can be checked, or review by hand what it can run and suppress this finding with the reason",
    ));
}

#[cfg(test)]
mod tests {
    use crate::engine::check_text;
    use crate::rules::REGISTRY;
    use sqlgate_sql::lexer::Dialect;

    /// `line code message` of every destructive finding in the rule's fail fixture.
    fn destructive(text: &str) -> Vec<String> {
        let output = check_text("fail.sql", text, Dialect::Postgres, REGISTRY);
        output
            .report
            .findings
            .iter()
            .filter(|f| f.code.starts_with("DS"))
            .map(|f| format!("{} {} {}", f.start.line, f.code, f.message))
            .collect()
    }

    /// What can be read is reported by the rules of what it does, with the name it computes
    /// at run time said so; what cannot is reported once, naming the variable and the
    /// function or DO block.
    #[test]
    fn fixture_findings_and_their_messages() {
        let fixture = include_str!("../../../../fixtures/rules/unreadable-dynamic-sql/fail.sql");
        let in_function =
            |f: &str| format!("(dynamic sql in the body of function {f}, runs when it is called)");
        let in_execute = "(dynamic sql in an execute string in the body of function purge_tenant, \
                          runs when it is called)";
        let built = "sql built at run time cannot be read before execute runs it";
        let expected = [
            format!("7 DS001 drop of a table whose name is computed at run time {in_execute}"),
            format!("8 DS001 drop of a table whose name is computed at run time {in_execute}"),
            format!("9 DS005 truncate of a table whose name is computed at run time {in_execute}"),
            format!(
                "9 DS006 truncate (name computed at run time) cascade also empties every \
                 referencing table {in_execute}"
            ),
            format!(
                "16 DS014 sql in variable s cannot be read before execute runs it {}",
                in_function("run_statement")
            ),
            format!("23 DS014 {built} {}", in_function("run_format")),
            format!("31 DS014 {built} (dynamic sql in a do block)"),
            "42 DS014 sql in variable stmt cannot be read before execute runs it (dynamic sql in a do block)".to_string(),
            "56 DS014 sql in variable q cannot be read before execute runs it (dynamic sql in a do block)".to_string(),
            format!("64 DS014 {built} {}", in_function("apply_change")),
            format!("65 DS014 {built} {}", in_function("apply_change")),
            format!("66 DS014 {built} {}", in_function("apply_change")),
            format!("67 DS014 {built} {}", in_function("apply_change")),
            format!("74 DS014 {built} {}", in_function("run_later")),
            "82 DS014 sql in variable s cannot be read before execute runs it (dynamic sql in a do block)".to_string(),
            "85 DS014 psql include runs sql from another file, which is not checked with this migration".to_string(),
            "86 DS014 psql include runs sql from another file, which is not checked with this migration".to_string(),
            "87 DS014 psql \\! runs a shell command, which sqlgate cannot check".to_string(),
            // psql's query buffer ends at `\gexec`, the last statement of the file here.
            "88 DS014 psql \\gexec runs the query's results as sql, which cannot be read before it runs".to_string(),
        ];
        assert_eq!(destructive(fixture), expected);
    }

    #[test]
    fn readable_and_prepared_executes_are_not_reported() {
        let fixture = include_str!("../../../../fixtures/rules/unreadable-dynamic-sql/pass.sql");
        assert_eq!(destructive(fixture), Vec::<String>::new());
    }
}
