use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ConstraintKind, Statement};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "add-primary-key",
        code: "LK010",
        category: Category::Locking,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "ADD PRIMARY KEY without USING INDEX on an existing table",
        what_it_does: "Flags `ALTER TABLE ... ADD [CONSTRAINT c] PRIMARY KEY (...)` without `USING INDEX`, and `ADD COLUMN ... PRIMARY KEY`, on a table that existed before the change set.",
        why_is_this_bad: "The primary key builds its unique index inside the `ALTER TABLE` (and sets its columns NOT NULL, scanning for NULLs), reading the whole table while holding an ACCESS EXCLUSIVE lock: no reads or writes until it is done. An index built beforehand with `CREATE UNIQUE INDEX CONCURRENTLY` becomes the primary key instantly, as long as its columns are already NOT NULL.",
        example: "ALTER TABLE items ADD PRIMARY KEY (id);",
        use_instead: "-- id already NOT NULL (see set-not-null for doing that without a long lock)\nCREATE UNIQUE INDEX CONCURRENTLY items_pkey ON items (id);\nALTER TABLE items ADD CONSTRAINT items_pkey PRIMARY KEY USING INDEX items_pkey;",
    },
    checks_down: false,
    check: Check::Statement(check),
};

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    super::report_index_built_under_lock(
        statement,
        ctx,
        ConstraintKind::PrimaryKey,
        |def| def.primary_key,
        "with the columns already not null, create unique index concurrently, then add constraint ... primary key using index",
        out,
    );
}
