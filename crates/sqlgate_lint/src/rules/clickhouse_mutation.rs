use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{ActionKind, ObjectType, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "clickhouse-mutation",
        code: "DS013",
        category: Category::Destructive,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "ClickHouse ALTER TABLE ... DELETE/UPDATE, DROP/DETACH PARTITION, TRUNCATE",
        what_it_does: "In ClickHouse migrations, flags mutations and partition removals: `ALTER TABLE ... DELETE`, `ALTER TABLE ... UPDATE`, `CLEAR COLUMN`, `DROP/DETACH PARTITION|PART`, lightweight `DELETE FROM` and `TRUNCATE`, on tables that existed before the change set.",
        why_is_this_bad: "ClickHouse mutations rewrite whole data parts asynchronously and cannot be rolled back; a partition drop removes its data at once. They are data modifications on production and need the same review and backup as a DROP.",
        example: "ALTER TABLE events DELETE WHERE project_id = 42;\nALTER TABLE events DROP PARTITION '2024-01';",
        use_instead: "-- back up the partitions first, and have a second engineer review the query\nALTER TABLE events FREEZE PARTITION '2024-01';",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    if ctx.dialect != Dialect::ClickHouse {
        return;
    }
    let help = "back up the affected partitions and have the mutation reviewed like a drop";
    let existing = |table| !ctx.is_new(ObjectType::Table, table);
    match &statement.kind {
        StatementKind::AlterTable { table, actions } if existing(table) => {
            for action in actions {
                let what = match &action.kind {
                    ActionKind::MutationDelete => "delete mutation".to_string(),
                    ActionKind::MutationUpdate => "update mutation".to_string(),
                    ActionKind::DropPartition => "drop partition".to_string(),
                    ActionKind::DetachPartition => "detach partition".to_string(),
                    ActionKind::ClearColumn { column } => format!("clear column {}", column.name),
                    _ => continue,
                };
                out.push(Violation::new(
                    action.span.clone(),
                    format!("{what} on table {table}"),
                    help,
                ));
            }
        }
        StatementKind::Truncate { tables, .. } => {
            for table in tables.iter().filter(|t| existing(t)) {
                out.push(Violation::new(
                    statement.range.clone(),
                    format!("truncate of table {table}"),
                    help,
                ));
            }
        }
        StatementKind::Delete { table, .. } if existing(table) => {
            out.push(Violation::new(
                statement.range.clone(),
                format!("lightweight delete on table {table}"),
                help,
            ));
        }
        _ => {}
    }
}
