use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::lexer::Dialect;
use sqlgate_sql::model::{
    ActionKind, MaintenanceCommand, Name, ObjectType, Origin, Statement, StatementKind,
};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "missing-lock-timeout",
        code: "LK008",
        category: Category::Locking,
        default_severity: Severity::Warning,
        opt_in: true,
        summary: "lock-heavy statement on an existing table with no lock_timeout set earlier in the migration",
        what_it_does: "Flags, in PostgreSQL migrations, a statement that takes a strong lock on a table that existed before the change set while no non-zero `lock_timeout` is in force (no `SET lock_timeout = ...` earlier in the migration, or one set back to `0`/`DEFAULT`): `ALTER TABLE` (any action), `CREATE INDEX` and `DROP INDEX` without `CONCURRENTLY`, `DROP TABLE`, `TRUNCATE`, `CREATE TRIGGER`, `DROP TRIGGER`, `CREATE POLICY`, `DROP POLICY`, `VACUUM FULL`, `CLUSTER`, `REINDEX` and `REFRESH MATERIALIZED VIEW` without `CONCURRENTLY`, `LOCK TABLE` and `ALTER DOMAIN ... ADD CONSTRAINT`; `DROP VIEW`, `DROP MATERIALIZED VIEW` and `CREATE OR REPLACE VIEW` of an existing view; a foreign key from a new table or column to an existing table (`REFERENCES` takes `SHARE ROW EXCLUSIVE` on the referenced table, which blocks its writes), and `CREATE TABLE ... PARTITION OF` an existing parent (`ACCESS EXCLUSIVE` on the parent). Statements on tables created earlier in the change set are not reported, nor statements that take no lock reads and writes wait behind: `CONCURRENTLY` index builds and drops and `COMMENT ON` (`SHARE UPDATE EXCLUSIVE`), and DDL of functions, types, schemas, extensions and roles (no table lock). The rule is off by default: enable it by name, e.g. `select = [\"all\", \"missing-lock-timeout\"]` in the configuration or `--select missing-lock-timeout` (or `--select LK008`); `all` and `LK` alone do not enable it.",
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
    let Some(lock) = locked(statement, ctx) else {
        return;
    };
    out.push(Violation::new(
        statement.range.clone(),
        format!(
            "{} with no lock_timeout set: while it waits for its lock, {} queues behind it",
            lock.what,
            lock.queue.as_str()
        ),
        "add SET lock_timeout = '5s'; at the top of the migration (and retry the migration when it times out)",
    ));
}

/// What a statement locks on an existing relation, and what waits behind it.
struct Lock {
    /// E.g. `alter table orders`.
    what: String,
    queue: Queue,
}

/// Who queues behind the lock while the statement waits for it.
#[derive(Clone, Copy)]
enum Queue {
    /// `ACCESS EXCLUSIVE` and the like on a table: reads and writes.
    TableQueries,
    /// `ACCESS EXCLUSIVE` on a view (dropped or replaced): its readers.
    ViewQueries,
    /// `SHARE ROW EXCLUSIVE` on a table a foreign key references: its writes.
    ReferencedWrites,
}

impl Queue {
    fn as_str(self) -> &'static str {
        match self {
            Queue::TableQueries => "every later query on the table",
            Queue::ViewQueries => "every later query on the view",
            Queue::ReferencedWrites => "every later write to the referenced table",
        }
    }
}

fn on_table(what: String) -> Lock {
    Lock {
        what,
        queue: Queue::TableQueries,
    }
}

/// What the statement locks strongly on an existing table or view.
fn locked(statement: &Statement, ctx: &RuleContext) -> Option<Lock> {
    let existing_table = |t: &Name| !ctx.is_new(ObjectType::Table, t);
    // An index's table; an index the catalog does not know is on a table that existed.
    let index_on_existing = |index: &Name| match ctx.catalog.index_table(index) {
        Some(table) => existing_table(table).then(|| format!("index {index} on table {table}")),
        None => (!ctx.is_new(ObjectType::Index, index)).then(|| format!("index {index}")),
    };
    // A foreign key of the (new) table `from` to a table that existed: `REFERENCES` locks it
    // `SHARE ROW EXCLUSIVE`. A key to the table itself locks nothing else.
    let referenced = |from: &Name, to: &Name, what: &str| {
        (to.key() != from.key() && existing_table(to)).then(|| Lock {
            what: format!("{what} {from} with a foreign key to table {to}"),
            queue: Queue::ReferencedWrites,
        })
    };
    let label = statement.kind.label();
    match &statement.kind {
        StatementKind::AlterTable { table, actions } => {
            if existing_table(table) {
                return Some(on_table(format!("{label} {table}")));
            }
            actions.iter().find_map(|action| match &action.kind {
                ActionKind::AddColumn { def, .. } => def
                    .references
                    .as_deref()
                    .and_then(|to| referenced(table, to, "alter table")),
                ActionKind::AddConstraint { constraint } => constraint
                    .references
                    .as_ref()
                    .and_then(|to| referenced(table, to, "alter table")),
                _ => None,
            })
        }
        StatementKind::CreateTable {
            table,
            if_not_exists,
            columns,
            clauses,
            ..
        } => {
            // `IF NOT EXISTS` of a table that exists does nothing, and locks nothing.
            if *if_not_exists && ctx.catalog.created_in(ObjectType::Table, table).is_some() {
                return None;
            }
            let clauses = clauses.as_deref();
            if let Some(parent) = clauses.and_then(|c| c.partition_of.as_ref()) {
                if existing_table(parent) {
                    return Some(on_table(format!(
                        "create table {table} as a partition of table {parent}"
                    )));
                }
            }
            columns
                .iter()
                .filter_map(|c| c.def.references.as_deref())
                .chain(
                    clauses
                        .into_iter()
                        .flat_map(|c| &c.constraints)
                        .filter_map(|c| c.references.as_ref()),
                )
                .find_map(|to| referenced(table, to, "create table"))
        }
        StatementKind::CreateIndex {
            table,
            concurrently,
            ..
        } => (!concurrently && !statement.concurrently && existing_table(table))
            .then(|| on_table(format!("create index on table {table}"))),
        StatementKind::Drop {
            object: ObjectType::Index,
            names,
            ..
        } if !statement.concurrently => names
            .iter()
            .find_map(index_on_existing)
            .map(|index| on_table(format!("drop {index}"))),
        StatementKind::Drop {
            object: ObjectType::Table,
            names,
            ..
        } => names
            .iter()
            .find(|t| existing_table(t))
            .map(|t| on_table(format!("{label} {t}"))),
        StatementKind::Drop {
            object: ObjectType::View | ObjectType::MaterializedView,
            names,
            ..
        } => names
            .iter()
            .find(|v| !ctx.is_new(ObjectType::View, v))
            .map(|v| Lock {
                what: format!("{label} {v}"),
                queue: Queue::ViewQueries,
            }),
        // `CREATE OR REPLACE VIEW` of a view that existed takes `ACCESS EXCLUSIVE` on it.
        StatementKind::Create {
            object: ObjectType::View,
            name: Some(view),
            ..
        } => (ctx.catalog.is_view(view) && !ctx.is_new(ObjectType::View, view)).then(|| Lock {
            what: format!("replacement of view {view}"),
            queue: Queue::ViewQueries,
        }),
        StatementKind::Drop {
            object: ObjectType::Trigger | ObjectType::Policy,
            on: Some(table),
            ..
        }
        | StatementKind::Create {
            object: ObjectType::Trigger,
            on: Some(table),
            ..
        } => existing_table(table).then(|| on_table(format!("{label} on table {table}"))),
        StatementKind::CreatePolicy(policy) => existing_table(&policy.table)
            .then(|| on_table(format!("{label} on table {}", policy.table))),
        StatementKind::Truncate { tables, .. } => tables
            .iter()
            .find(|t| existing_table(t))
            .map(|t| on_table(format!("truncate of table {t}"))),
        StatementKind::AlterDomain {
            name,
            add_constraint: Some(_),
        } => (!ctx.is_new(ObjectType::Domain, name))
            .then(|| on_table(format!("alter domain {name} add constraint"))),
        StatementKind::Maintenance {
            command,
            object,
            target,
            full,
        } => maintenance(statement, ctx, *command, *object, target.as_ref(), *full).map(on_table),
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
