//! Violations as the rules report them (a file and a byte range, before positions), and
//! running the statement, migration and change-set rules into them.

use crate::rules::{Located, Rule, RuleContext, Violation};
use sqlgate_sql::model::Statement;

pub(super) struct Raw {
    pub(super) rule: &'static Rule,
    pub(super) file: usize,
    pub(super) violation: Violation,
    pub(super) suppressed: bool,
}

impl Raw {
    pub(super) fn new(rule: &'static Rule, file: usize, violation: Violation) -> Raw {
        Raw {
            rule,
            file,
            violation,
            suppressed: false,
        }
    }
}

type StatementCheck = fn(&Statement, &RuleContext, &mut Vec<Violation>);

/// A migration or change-set rule's check, over its context `C`.
type LocatedCheck<C> = fn(&C, &mut Vec<Located>);

/// Runs migration or change-set rules, whose violations name their file.
pub(super) fn run_located<C>(
    rules: &[(&'static Rule, LocatedCheck<C>)],
    ctx: &C,
    raw: &mut Vec<Raw>,
) {
    let mut found = Vec::new();
    for &(rule, check) in rules {
        check(ctx, &mut found);
        raw.extend(found.drain(..).map(|l| Raw::new(rule, l.file, l.violation)));
    }
}

pub(super) fn run_rules(
    rules: &[(&'static Rule, StatementCheck)],
    statement: &Statement,
    ctx: &RuleContext,
    file: usize,
    raw: &mut Vec<Raw>,
) {
    let mut violations = Vec::new();
    for &(rule, check) in rules {
        if ctx.is_down && !rule.checks_down {
            continue;
        }
        check(statement, ctx, &mut violations);
        for mut violation in violations.drain(..) {
            if let Some(origin) = statement.origin.describe() {
                violation.message = format!("{} ({origin})", violation.message);
            }
            raw.push(Raw::new(rule, file, violation));
        }
    }
}
