use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{MaintenanceCommand, Name, ObjectType, Origin, Statement, StatementKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "missing-lock-timeout",
        code: "LK008",
        category: Category::Locking,
        default_severity: Severity::Warning,
        opt_in: true,
        summary: "lock-heavy statement on an existing table with no lock_timeout set earlier in the migration",
        what_it_does: "Flags, in PostgreSQL migrations, a statement that takes a strong lock on a table that existed before the change set while no non-zero `lock_timeout` is in force (no `SET lock_timeout = ...` earlier in the migration, or one set back to `0`/`DEFAULT`): `ALTER TABLE` (any action), `CREATE INDEX` and `DROP INDEX` without `CONCURRENTLY`, `DROP TABLE`, `TRUNCATE`, `CREATE TRIGGER`, `DROP TRIGGER`, `VACUUM FULL`, `CLUSTER`, `REINDEX` and `REFRESH MATERIALIZED VIEW` without `CONCURRENTLY`, `LOCK TABLE` and `ALTER DOMAIN ... ADD CONSTRAINT`. Statements on tables created earlier in the change set are not reported. The rule is off by default: enable it by name, e.g. `select = [\"all\", \"missing-lock-timeout\"]` in the configuration or `--select missing-lock-timeout` (or `--select LK008`); `all` and `LK` alone do not enable it.",
        why_is_this_bad: "A statement that needs a strong lock waits for every transaction already using the table, and every query that arrives after it queues behind it, reads included. One long-running query or an idle transaction holding a lock turns even an instant `ALTER TABLE` into an outage for as long as the wait lasts. With `lock_timeout` set, the statement gives up after a short wait instead, and the migration can be retried.",
        example: "ALTER TABLE orders ADD COLUMN note text;",
        use_instead: "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;\n-- retry the migration if it times out",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    if ctx.dialect != Dialect::Postgres
        || ctx.place.lock_timeout
        || matches!(statement.origin, Origin::FunctionBody { .. })
    {
        return;
    }
    let Some(what) = locked(statement, ctx) else {
        return;
    };
    out.push(Violation::new(
        statement.range.clone(),
        format!("{what} with no lock_timeout set: while it waits for its lock, every later query on the table queues behind it"),
        "add SET lock_timeout = '5s'; at the top of the migration (and retry the migration when it times out)",
    ));
}

/// What the statement locks strongly on an existing table, e.g. `alter table orders`.
fn locked(statement: &Statement, ctx: &RuleContext) -> Option<String> {
    let existing_table = |t: &Name| !ctx.is_new(ObjectType::Table, t);
    // An index's table; an index the catalog does not know is on a table that existed.
    let index_on_existing = |index: &Name| match ctx.catalog.index_table(index) {
        Some(table) => existing_table(table).then(|| format!("index {index} on table {table}")),
        None => (!ctx.is_new(ObjectType::Index, index)).then(|| format!("index {index}")),
    };
    let label = statement.kind.label();
    match &statement.kind {
        StatementKind::AlterTable { table, .. } => {
            existing_table(table).then(|| format!("{label} {table}"))
        }
        StatementKind::CreateIndex {
            table,
            concurrently,
            ..
        } => (!concurrently && !statement.concurrently && existing_table(table))
            .then(|| format!("create index on table {table}")),
        StatementKind::Drop {
            object: ObjectType::Index,
            names,
            ..
        } if !statement.concurrently => names
            .iter()
            .find_map(index_on_existing)
            .map(|index| format!("drop {index}")),
        StatementKind::Drop {
            object: ObjectType::Table,
            names,
            ..
        } => names
            .iter()
            .find(|t| existing_table(t))
            .map(|t| format!("{label} {t}")),
        StatementKind::Drop {
            object: ObjectType::Trigger,
            on: Some(table),
            ..
        }
        | StatementKind::Create {
            object: ObjectType::Trigger,
            on: Some(table),
            ..
        } => existing_table(table).then(|| format!("{label} on table {table}")),
        StatementKind::Truncate { tables, .. } => tables
            .iter()
            .find(|t| existing_table(t))
            .map(|t| format!("truncate of table {t}")),
        StatementKind::AlterDomain {
            name,
            add_constraint: Some(_),
        } => (!ctx.is_new(ObjectType::Domain, name))
            .then(|| format!("alter domain {name} add constraint")),
        StatementKind::Maintenance {
            command,
            object,
            target,
            full,
        } => maintenance(statement, ctx, *command, *object, target.as_ref(), *full),
        _ => None,
    }
}

fn maintenance(
    statement: &Statement,
    ctx: &RuleContext,
    command: MaintenanceCommand,
    object: ObjectType,
    target: Option<&Name>,
    full: bool,
) -> Option<String> {
    let label = statement.kind.label();
    // `what` names the command; `prefix` comes before a table's name.
    let on_table = |what: &str, prefix: &str| match target {
        Some(t) => (!ctx.is_new(ObjectType::Table, t)).then(|| format!("{prefix} {t}")),
        None => Some(format!("{what} of every table")),
    };
    match command {
        MaintenanceCommand::Vacuum if full => on_table("vacuum full", "vacuum full of table"),
        MaintenanceCommand::Vacuum => None,
        MaintenanceCommand::Cluster => on_table("cluster", "cluster of table"),
        MaintenanceCommand::LockTable => on_table("lock table", "lock table"),
        MaintenanceCommand::Reindex if statement.concurrently => None,
        MaintenanceCommand::Reindex => match (object, target) {
            (ObjectType::Index, Some(index)) => match ctx.catalog.index_table(index) {
                Some(table) => (!ctx.is_new(ObjectType::Table, table))
                    .then(|| format!("reindex of index {index} on table {table}")),
                None => (!ctx.is_new(ObjectType::Index, index))
                    .then(|| format!("reindex of index {index}")),
            },
            (ObjectType::Table, _) => on_table("reindex", "reindex of table"),
            (other, Some(name)) => Some(format!("reindex of {} {name}", other.as_str())),
            (other, None) => Some(format!("reindex of the {}", other.as_str())),
        },
        MaintenanceCommand::RefreshMaterializedView if statement.concurrently => None,
        MaintenanceCommand::RefreshMaterializedView => match target {
            Some(view) => (!ctx.is_new(ObjectType::MaterializedView, view))
                .then(|| format!("refresh of materialized view {view}")),
            None => Some(label),
        },
    }
}
