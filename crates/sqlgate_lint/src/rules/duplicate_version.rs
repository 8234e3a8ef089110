use super::{is_repeatable, Check, HistoryContext, Located, Rule, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_discover::Framework;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "duplicate-version",
        code: "IN003",
        category: Category::Integrity,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "two migrations share a version",
        what_it_does: "Flags a migration whose version sorts the same as another migration's in the same directory (`001` and `1` are the same version, and Flyway's `1.1` and `1_1`). Database variants of one migration (`1_x.postgres.up.sql` beside `1_x.up.sql`, as ory/popx ships them) are one migration, and Prisma, which keys its history by the whole directory name, is not checked. It reports the later one, or with `--changed-since` the one in the change set, naming the other. Flyway repeatable migrations (`R__*.sql`) have no version and are not compared. A directory where two or more versions were already shared before the change set (or, without one, anywhere in it) is left alone: its runner evidently orders by the whole file name (maragudk/migrate does) and refuses nothing.",
        why_is_this_bad: "Migration history tables are keyed by version. golang-migrate, goose and Flyway refuse to start with two files of one version; others apply one and skip the other, or fail half-way on the history table's primary key. It typically happens when two branches each add \"the next\" migration and both merge.",
        example: "migrations/0005_add_orders.sql\nmigrations/0005_add_invoices.sql",
        use_instead: "migrations/0005_add_orders.sql\nmigrations/0006_add_invoices.sql",
    },
    checks_down: false,
    check: Check::History(check),
};

/// Name parts that pick a database (ory/popx: `1_x.postgres.up.sql` replaces `1_x.up.sql` on
/// PostgreSQL) or a run mode (`.autocommit`).
const VARIANT_PARTS: [&str; 10] = [
    "postgres",
    "postgresql",
    "pg",
    "cockroach",
    "cockroachdb",
    "mysql",
    "sqlite",
    "sqlite3",
    "clickhouse",
    "autocommit",
];

/// The name without its database and run-mode parts: variants of one migration share it.
fn base_name(name: &str) -> String {
    name.split('.')
        .filter(|part| !VARIANT_PARTS.contains(&part.to_ascii_lowercase().as_str()))
        .collect::<Vec<_>>()
        .join(".")
}

fn check(ctx: &HistoryContext, out: &mut Vec<Located>) {
    // Prisma keys its history by the whole directory name, not by the timestamp.
    if !ctx.touched || ctx.set.framework == Framework::Prisma {
        return;
    }
    let migrations = &ctx.set.migrations;
    let groups = duplicate_groups(ctx);
    // Shared versions on two or more versions before the change set (or in the whole
    // directory without one) are the directory's convention: its runner orders by the whole
    // name (maragudk/migrate, say), not by the version, and refuses nothing.
    let before = |g: &&Vec<usize>| {
        g.iter()
            .filter(|&&m| !ctx.has_change_set || !ctx.is_checked(m))
            .count()
            >= 2
    };
    if groups.iter().filter(before).count() >= 2 {
        return;
    }
    for group in groups {
        // With a change set, the members it adds or changes (when the group predates it
        // in part); otherwise every member after the first.
        let checked: Vec<usize> = group
            .iter()
            .copied()
            .filter(|&m| ctx.is_checked(m))
            .collect();
        let reported: Vec<usize> = if ctx.has_change_set && checked.len() < group.len() {
            checked
        } else {
            group[1..].to_vec()
        };
        for m in reported {
            let other = if m == group[0] { group[1] } else { group[0] };
            let (this, that) = (&migrations[m], &migrations[other]);
            out.push(Located {
                file: this.up.file,
                violation: Violation::new(
                    0..0,
                    format!(
                        "version {} of {} is also the version of {}",
                        this.version.text,
                        ctx.display(this.up.file),
                        ctx.display(that.up.file)
                    ),
                    "give the newer migration a version after the last one (rename the file)",
                ),
            });
        }
    }
}

/// The migrations (indexes) that share a version, group by group, one per name (database
/// variants of a migration are one).
fn duplicate_groups(ctx: &HistoryContext) -> Vec<Vec<usize>> {
    let migrations = &ctx.set.migrations;
    let mut groups = Vec::new();
    // Migrations are sorted by version: versions of one order are adjacent.
    let mut start = 0;
    while start < migrations.len() {
        let version = &migrations[start].version;
        let end = start
            + migrations[start..]
                .iter()
                .take_while(|m| m.version.same_order(version))
                .count();
        // One migration per name: database variants of a migration are not duplicates.
        let mut names = Vec::new();
        let group: Vec<usize> = (start..end)
            .filter(|&m| !is_repeatable(&migrations[m]))
            .filter(|&m| {
                let name = base_name(&migrations[m].name);
                let new = !names.contains(&name);
                names.push(name);
                new
            })
            .collect();
        start = end;
        if group.len() >= 2 {
            groups.push(group);
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::base_name;

    #[test]
    fn variants_share_a_base_name() {
        assert_eq!(
            base_name("identity_search_index.postgres"),
            "identity_search_index"
        );
        assert_eq!(
            base_name("restore_list_index.postgres.autocommit"),
            base_name("restore_list_index.autocommit")
        );
        assert_ne!(base_name("add_orders"), base_name("add_invoices"));
    }
}
