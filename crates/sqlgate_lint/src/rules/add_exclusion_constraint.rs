use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ActionKind, ConstraintKind, Statement};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "add-exclusion-constraint",
        code: "LK011",
        category: Category::Locking,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "ADD EXCLUDE constraint on an existing table",
        what_it_does: "Flags `ALTER TABLE ... ADD [CONSTRAINT c] EXCLUDE ...` on a table that existed before the change set.",
        why_is_this_bad: "An exclusion constraint has no `NOT VALID` form and cannot be built from an existing index: adding it builds its index and checks every row while holding an ACCESS EXCLUSIVE lock, blocking all reads and writes for as long as that takes on a large table.",
        example: "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);",
        use_instead: "-- create the constraint with the table, or add it in a maintenance window;\n-- meanwhile a trigger can reject new overlapping rows without scanning the old ones\nCREATE TABLE bookings (\n  id bigint PRIMARY KEY,\n  room_id bigint NOT NULL,\n  during tstzrange NOT NULL,\n  CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&)\n);",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    let Some((table, actions)) = super::altered_existing_table(statement, ctx) else {
        return;
    };
    for action in actions {
        let ActionKind::AddConstraint { constraint } = &action.kind else {
            continue;
        };
        if constraint.kind != ConstraintKind::Exclude {
            continue;
        }
        let described = constraint.describe();
        out.push(Violation::new(
            action.span.clone(),
            format!("{described} added to table {table} scans it under an access exclusive lock"),
            "add the exclusion constraint when the table is created, or in a maintenance window with a lock timeout",
        ));
    }
}
