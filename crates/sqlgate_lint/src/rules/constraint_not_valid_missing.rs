use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ActionKind, ConstraintKind, Statement};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "constraint-not-valid-missing",
        code: "LK007",
        category: Category::Locking,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "ADD FOREIGN KEY / CHECK without NOT VALID on an existing table",
        what_it_does: "Flags `ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY` or `CHECK` without `NOT VALID` on a table that existed before the change set, and `ADD COLUMN` with an inline `REFERENCES` or `CHECK` (which cannot be `NOT VALID`). A foreign key on a new table is not flagged, even when it references an existing one: there are no rows to check.",
        why_is_this_bad: "Adding the constraint checks every existing row while holding its lock: for a foreign key a SHARE ROW EXCLUSIVE lock on both tables (writes blocked on each), for a check an ACCESS EXCLUSIVE lock (reads blocked too), and for an added column the ACCESS EXCLUSIVE lock of `ADD COLUMN`. Added `NOT VALID`, the constraint applies to new rows at once, and `VALIDATE CONSTRAINT` checks the old ones later under a lock that lets reads and writes go on. On a partitioned table, Postgres before 18 rejects `NOT VALID` foreign keys; add and validate the key on each partition first, then the parent's uses them without a new scan.",
        example: "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);",
        use_instead: "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n-- in a separate transaction:\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

const NOT_VALID_HELP: &str =
    "add the constraint not valid, then validate constraint in a separate transaction";
const INLINE_HELP: &str =
    "add the column without it, then add constraint ... not valid, then validate constraint";
const PARTITION_HELP: &str = "postgres before 18 rejects not valid foreign keys on partitioned tables: add the key not valid and validate it on each partition first, then add it to the parent";

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    let Some((table, actions)) = super::altered_existing_table(statement, ctx) else {
        return;
    };
    let partitioned = ctx.catalog.is_partitioned(table);
    for action in actions {
        let (message, help) = match &action.kind {
            ActionKind::AddConstraint { constraint }
                if matches!(
                    constraint.kind,
                    ConstraintKind::ForeignKey | ConstraintKind::Check
                ) && !constraint.not_valid =>
            {
                let described = constraint.describe();
                let partitioned_fk = partitioned && constraint.kind == ConstraintKind::ForeignKey;
                let (kind_of_table, help) = if partitioned_fk {
                    ("partitioned table", PARTITION_HELP)
                } else {
                    ("table", NOT_VALID_HELP)
                };
                (
                    format!("{described} added to {kind_of_table} {table} without not valid"),
                    help,
                )
            }
            ActionKind::AddColumn { column, def } => {
                let inline = match (&def.references, def.check) {
                    (Some(target), _) => format!("inline references {target}"),
                    (None, true) => "an inline check".to_string(),
                    (None, false) => continue,
                };
                let help = if def.references.is_some() && partitioned {
                    PARTITION_HELP
                } else {
                    INLINE_HELP
                };
                (
                    format!(
                        "add column {table}.{} with {inline} checks every row of table {table}",
                        column.name
                    ),
                    help,
                )
            }
            _ => continue,
        };
        out.push(Violation::new(action.span.clone(), message, help));
    }
}
