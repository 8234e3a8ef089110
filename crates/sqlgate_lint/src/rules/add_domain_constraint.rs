use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{ConstraintKind, ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "add-domain-constraint",
        code: "LK015",
        category: Category::Locking,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "ALTER DOMAIN ... ADD CONSTRAINT without NOT VALID",
        what_it_does: "Flags `ALTER DOMAIN ... ADD [CONSTRAINT c] CHECK (...)` (or `NOT NULL`) without `NOT VALID` on a domain that existed before the change set.",
        why_is_this_bad: "Postgres checks the new constraint against every column of every table that uses the domain, holding locks on those tables while it scans them all. With `NOT VALID` the constraint applies to new values at once, and `VALIDATE CONSTRAINT` checks the old ones later with a lighter lock.",
        example: "ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_check CHECK (VALUE > 0);",
        use_instead: "ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_check CHECK (VALUE > 0) NOT VALID;\nALTER DOMAIN positive_amount VALIDATE CONSTRAINT positive_amount_check;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    if ctx.dialect != Dialect::Postgres || !statement.origin.runs_in_migration() {
        return;
    }
    let StatementKind::AlterDomain {
        name,
        add_constraint: Some(constraint),
    } = &statement.kind
    else {
        return;
    };
    if constraint.not_valid || ctx.is_new(ObjectType::Domain, name) {
        return;
    }
    let described = constraint.describe();
    let help = if constraint.kind == ConstraintKind::NotNull {
        "not null has no not valid form: add check (value is not null) not valid, then alter domain ... validate constraint"
    } else {
        "add the constraint not valid, then alter domain ... validate constraint"
    };
    out.push(Violation::new(
        statement.range.clone(),
        format!(
            "{described} added to domain {name} without not valid checks every column using it"
        ),
        help,
    ));
}
