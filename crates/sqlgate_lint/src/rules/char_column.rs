use super::column_types::{is_one_of, report_column_types};
use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use sqlgate_core::finding::{Category, Severity};
use sqlgate_sql::model::Statement;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "char-column",
        code: "ST002",
        category: Category::Style,
        default_severity: Severity::Warning,
        opt_in: true,
        summary: "char(n) column (blank-padded)",
        what_it_does: "Flags columns declared `char`, `char(n)`, `character(n)`, `bpchar` or `nchar` (arrays included) in `CREATE TABLE`, `ADD COLUMN` and `ALTER COLUMN ... TYPE`, on new tables too. `character varying` and the one-byte internal type `\"char\"` (quoted) are not flagged. PostgreSQL only.",
        why_is_this_bad: "`char(n)` pads every value with blanks to `n` characters, and treats trailing blanks as insignificant: comparisons ignore them and casts to `text` (concatenation, `LIKE`, most functions) drop them, while clients read the padded value (`'a'` comes back as `'a    '`). It is neither faster nor smaller than `text` in PostgreSQL, its length is as hard to change as `varchar(n)`'s, and a bare `char` means `char(1)`.",
        example: "ALTER TABLE countries ADD COLUMN iso_code char(2);",
        use_instead: "ALTER TABLE countries ADD COLUMN iso_code text CHECK (char_length(iso_code) = 2);",
    },
    checks_down: false,
    check: Check::Statement(check),
};

/// The names of the blank-padded character type (`char varying` and friends are varchar).
const BLANK_PADDED: &[&str] = &[
    "char",
    "character",
    "bpchar",
    "nchar",
    "national char",
    "national character",
];

fn check(statement: &Statement, ctx: &RuleContext, out: &mut Vec<Violation>) {
    report_column_types(
        statement,
        ctx,
        out,
        |t| {
            (is_one_of(t, BLANK_PADDED) && !t.quoted).then(|| {
                let length = if t.modifiers { "(n)" } else { "" };
                format!("{}{length} (blank-padded)", t.name)
            })
        },
        "use text (with a CHECK on its length if needed)",
    );
}
