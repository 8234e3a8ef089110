use super::column_types::{is_one_of, report_column_types};
use super::{Check, Rule, RuleContext, RuleMeta, Violation};
use crate::finding::{Category, Severity};
use crate::model::{DataType, Statement};

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
            (is_one_of(t, BLANK_PADDED) && !is_quoted_char(t)).then(|| {
                let length = if t.modifiers { "(n)" } else { "" };
                format!("{}{length} (blank-padded)", t.name)
            })
        },
        "use text (with a CHECK on its length if needed)",
    );
}

/// Whether `char` was written quoted: `"char"` is PostgreSQL's one-byte internal type, not
/// `char(1)`. The model folds both to `char`, and a rule does not see the source text, so this
/// reads the length of the type's span: `"char"` (6 bytes), `pg_catalog."char"` (17) and
/// `"pg_catalog"."char"` (19), against `char` (4) and `pg_catalog.char` (15). `"char"` takes
/// no length, so a type with modifiers is `char(n)`; an array of `"char"` cannot be told apart
/// from `char[n]` this way and is flagged.
fn is_quoted_char(t: &DataType) -> bool {
    t.name == "char" && !t.modifiers && !t.array && matches!(t.span.len(), 6 | 17 | 19)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn char_type(text: &str, modifiers: bool, array: bool) -> DataType {
        DataType {
            name: "char".into(),
            modifiers,
            array,
            span: 10..10 + text.len(),
        }
    }

    #[test]
    fn quoted_char_is_the_internal_type() {
        assert!(is_quoted_char(&char_type("\"char\"", false, false)));
        assert!(is_quoted_char(&char_type(
            "pg_catalog.\"char\"",
            false,
            false
        )));
        assert!(!is_quoted_char(&char_type("char", false, false)));
        assert!(!is_quoted_char(&char_type("pg_catalog.char", false, false)));
        assert!(!is_quoted_char(&char_type("char(6)", true, false)));
        assert!(!is_quoted_char(&char_type("char[]", false, true)));
    }
}
