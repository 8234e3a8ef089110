use super::add_not_null_column_without_default::SERIAL_TYPES;
use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::{ActionKind, ColumnDef, Generated, Statement};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "volatile-default",
        code: "LK005",
        category: Category::Locking,
        default_severity: Severity::Warning,
        opt_in: false,
        summary: "ADD COLUMN with a volatile DEFAULT (rewrites the table)",
        what_it_does: "Flags `ALTER TABLE ... ADD COLUMN` on a table that existed before the change set when the column's value must be computed for every row: a `DEFAULT` calling a volatile function (`random()`, `gen_random_uuid()`, `clock_timestamp()`, `nextval()`, or any function not known to be stable, since `CREATE FUNCTION` makes functions volatile unless told otherwise), a `serial` type (a `nextval` default), `GENERATED ... STORED` or `GENERATED ... AS IDENTITY`.",
        why_is_this_bad: "Since Postgres 11, adding a column with a non-volatile default only records the value in the catalog. A volatile default has to be evaluated for each existing row, so Postgres rewrites the whole table (and its indexes) while holding an ACCESS EXCLUSIVE lock: no reads or writes for as long as that takes.",
        example: "ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();",
        use_instead: "ALTER TABLE orders ADD COLUMN token uuid;\n-- backfill in batches:\nUPDATE orders SET token = gen_random_uuid() WHERE id BETWEEN 1 AND 10000 AND token IS NULL;\n-- then, for new rows:\nALTER TABLE orders ALTER COLUMN token SET DEFAULT gen_random_uuid();",
    },
    checks_down: false,
    check: Check::Statement(check),
};

/// Built-in functions that are stable or immutable, so a default calling only these is
/// evaluated once and stored in the catalog (Postgres 11+). Not exhaustive: any other
/// function, user-defined ones included (`CREATE FUNCTION` defaults to VOLATILE), counts as
/// volatile.
const NON_VOLATILE: &[&str] = &[
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtimestamp",
    "localtime",
    "transaction_timestamp",
    "statement_timestamp",
    "current_user",
    "session_user",
    "current_role",
    "current_schema",
    "current_catalog",
    "timezone",
    "lower",
    "upper",
    "coalesce",
    "nullif",
    "greatest",
    "least",
    "cast",
    "concat",
    "to_jsonb",
    "to_json",
    "jsonb_build_object",
    "json_build_object",
    "jsonb_build_array",
    "array",
    "make_interval",
    "make_date",
    "make_timestamp",
    "make_timestamptz",
    "to_timestamp",
    "date_trunc",
    "extract",
    "date_part",
    "length",
    "btrim",
    "trim",
    "replace",
    "substring",
    "lpad",
    "rpad",
    "abs",
    "round",
    "floor",
    "ceil",
];

/// Built-in functions known to be volatile (named as such in the message).
const VOLATILE: &[&str] = &[
    "random",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "uuidv4",
    "uuidv7",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "gen_random_bytes",
    "txid_current",
];

/// Why the new column's value is computed row by row, if it is.
fn rewrite_cause(def: &ColumnDef) -> Option<String> {
    if let Some(t) = def
        .data_type
        .as_ref()
        .filter(|t| SERIAL_TYPES.contains(&t.name.as_str()))
    {
        return Some(format!("of type {} (a nextval default)", t.name));
    }
    match def.generated {
        Some(Generated::Stored) => return Some("generated as stored".to_string()),
        Some(Generated::Identity) => return Some("generated as identity".to_string()),
        Some(Generated::Virtual) | None => {}
    }
    let calls = &def.default.as_ref()?.calls;
    if let Some(f) = calls.iter().find(|f| VOLATILE.contains(&f.as_str())) {
        return Some(format!("with volatile default {f}()"));
    }
    calls
        .iter()
        .find(|f| !NON_VOLATILE.contains(&f.as_str()))
        .map(|f| format!("with default {f}() (volatile unless declared otherwise)"))
}

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    let Some((table, actions)) = super::altered_existing_table(statement, ctx) else {
        return;
    };
    for action in actions {
        let ActionKind::AddColumn { column, def } = &action.kind else {
            continue;
        };
        if let Some(cause) = rewrite_cause(def) {
            out.push(Violation::new(
                action.span.clone(),
                format!(
                    "add column {table}.{} {cause} rewrites table {table}",
                    column.name
                ),
                "add the column without a default (or with a constant one), backfill it in batches, then set the default",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlgate_sql::model::{DataType, DefaultExpr};

    fn with_calls(calls: &[&str]) -> ColumnDef {
        ColumnDef {
            default: Some(Box::new(DefaultExpr {
                span: 0..0,
                calls: calls.iter().map(ToString::to_string).collect(),
            })),
            ..ColumnDef::default()
        }
    }

    #[test]
    fn names_the_first_volatile_call() {
        assert_eq!(rewrite_cause(&with_calls(&[])), None);
        assert_eq!(rewrite_cause(&with_calls(&["now", "date_trunc"])), None);
        assert_eq!(
            rewrite_cause(&with_calls(&["extract", "clock_timestamp"])).as_deref(),
            Some("with volatile default clock_timestamp()")
        );
        assert_eq!(
            rewrite_cause(&with_calls(&["coalesce", "next_code"])).as_deref(),
            Some("with default next_code() (volatile unless declared otherwise)")
        );
        // A known volatile call is named even after an unknown one.
        assert_eq!(
            rewrite_cause(&with_calls(&["my_fn", "random"])).as_deref(),
            Some("with volatile default random()")
        );
    }

    #[test]
    fn serial_generated_and_identity_rewrite() {
        let serial = ColumnDef {
            data_type: Some(DataType {
                name: "bigserial".into(),
                modifiers: false,
                length: None,
                array: false,
                quoted: false,
                span: 0..0,
            }),
            ..ColumnDef::default()
        };
        assert!(rewrite_cause(&serial).is_some());
        for (generated, rewrites) in [
            (Generated::Stored, true),
            (Generated::Identity, true),
            (Generated::Virtual, false),
        ] {
            let def = ColumnDef {
                generated: Some(generated),
                ..ColumnDef::default()
            };
            assert_eq!(rewrite_cause(&def).is_some(), rewrites, "{generated:?}");
        }
    }
}
