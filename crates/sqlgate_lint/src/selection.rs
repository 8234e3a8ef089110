//! `--select` / `--ignore`: rules chosen by name, code, code prefix or category.

use crate::rules::{Rule, REGISTRY};
use sqlgate_config::select::RuleIndex;
pub use sqlgate_config::select::{edit_distance, nearest, UnknownSelector};

/// The registry as the config sees it when it validates rule names and selectors.
pub struct Registry;

impl RuleIndex for Registry {
    fn code(&self, name_or_code: &str) -> Option<&'static str> {
        crate::rules::find(name_or_code).map(|r| r.meta.code)
    }

    fn suggest(&self, input: &str) -> Option<String> {
        suggest(input)
    }

    fn matching(&self, selectors: &[String]) -> Result<Vec<&'static str>, UnknownSelector> {
        Ok(matching_rules(selectors)?
            .iter()
            .map(|r| r.meta.code)
            .collect())
    }
}

/// Code families and their category names.
const FAMILIES: &[(&str, &str)] = &[
    ("DS", "destructive"),
    ("RV", "reversibility"),
    ("SC", "security"),
    ("LK", "locking"),
    ("TX", "transaction"),
    ("IN", "integrity"),
    ("ST", "style"),
    ("MT", "meta"),
];

/// Whether a selector names exactly this rule (by name or code).
fn names(selector: &str, rule: &Rule) -> bool {
    selector.eq_ignore_ascii_case(rule.meta.name) || selector.eq_ignore_ascii_case(rule.meta.code)
}

/// Whether a selector picks the rule when enabling: opt-in rules only by exact name or code.
fn enables(selector: &str, rule: &Rule) -> bool {
    if rule.meta.opt_in {
        names(selector, rule)
    } else {
        matches(selector, rule)
    }
}

fn matches(selector: &str, rule: &Rule) -> bool {
    let meta = &rule.meta;
    selector.eq_ignore_ascii_case("all")
        || selector.eq_ignore_ascii_case(meta.name)
        || selector.eq_ignore_ascii_case(meta.category.as_str())
        || (selector.len() >= 2
            && meta.code.len() >= selector.len()
            && meta.code[..selector.len()].eq_ignore_ascii_case(selector))
}

/// A selector is known when it reaches a rule, or names a category or code family: a
/// code or code prefix that matches no rule (`DS999`, `DS9`) selects nothing, which would
/// pass silently, so it is an error.
fn is_known(selector: &str) -> bool {
    REGISTRY.iter().any(|r| matches(selector, r))
        || FAMILIES.iter().any(|(code, category)| {
            selector.eq_ignore_ascii_case(category) || selector.eq_ignore_ascii_case(code)
        })
}

fn validate(selectors: &[String]) -> Result<(), UnknownSelector> {
    match selectors.iter().find(|s| !is_known(s)) {
        None => Ok(()),
        Some(selector) => Err(UnknownSelector {
            selector: selector.clone(),
            suggestion: suggest(selector),
        }),
    }
}

/// The nearest rule name, code or category within a small edit distance; for a code of a
/// known family that matches no rule (`DS999`), the family's nearest code by number, and for
/// a code prefix that matches none (`DS9`), the family.
pub fn suggest(input: &str) -> Option<String> {
    if let Some(suggestion) = suggest_code(input) {
        return Some(suggestion);
    }
    let input = input.to_ascii_lowercase();
    let candidates = REGISTRY
        .iter()
        .flat_map(|r| [r.meta.name.to_string(), r.meta.code.to_ascii_lowercase()])
        .chain(FAMILIES.iter().map(|(_, c)| c.to_string()));
    candidates
        .map(|c| (edit_distance(&input, &c), c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(1))
        .min()
        .map(|(_, c)| {
            if c.len() == 5 && c.chars().skip(2).all(|ch| ch.is_ascii_digit()) {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
}

fn suggest_code(input: &str) -> Option<String> {
    let length = sqlgate_config::select::code_shape(input)?;
    let family = FAMILIES
        .iter()
        .find(|(code, _)| input[..2].eq_ignore_ascii_case(code))?
        .0;
    if length < 5 {
        return Some(family.to_string());
    }
    let number: u32 = input[2..].parse().ok()?;
    REGISTRY
        .iter()
        .map(|r| r.meta.code)
        .filter(|code| code.starts_with(family))
        .filter_map(|code| Some((code[2..].parse::<u32>().ok()?.abs_diff(number), code)))
        .min()
        .map(|(_, code)| code.to_string())
}

/// Every rule a list of selectors refers to, opt-in rules included (for ignore lists and
/// gate triggers, where naming a category must reach all of its rules).
pub fn matching_rules(selectors: &[String]) -> Result<Vec<&'static Rule>, UnknownSelector> {
    validate(selectors)?;
    Ok(REGISTRY
        .iter()
        .copied()
        .filter(|r| selectors.iter().any(|s| matches(s, r)))
        .collect())
}

/// The rules enabled by `select` (default: every rule that is not opt-in) minus `ignore`;
/// an opt-in rule is enabled only by its exact name or code.
pub fn select_rules(
    select: &[String],
    ignore: &[String],
) -> Result<Vec<&'static Rule>, UnknownSelector> {
    validate(select)?;
    validate(ignore)?;
    Ok(REGISTRY
        .iter()
        .copied()
        .filter(|r| {
            if select.is_empty() {
                !r.meta.opt_in
            } else {
                select.iter().any(|s| enables(s, r))
            }
        })
        .filter(|r| !ignore.iter().any(|s| matches(s, r)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(select: &[&str], ignore: &[&str]) -> Vec<&'static str> {
        let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        select_rules(&own(select), &own(ignore))
            .unwrap()
            .iter()
            .map(|r| r.meta.code)
            .collect()
    }

    #[test]
    fn selects_by_name_code_prefix_and_category() {
        assert_eq!(codes(&["drop-table"], &[]), ["DS001"]);
        assert_eq!(codes(&["ds005"], &[]), ["DS005"]);
        assert_eq!(codes(&["MT"], &[]), ["MT001", "MT002", "MT003"]);
        assert_eq!(
            codes(&["DS01"], &[]),
            ["DS010", "DS011", "DS012", "DS013", "DS014"]
        );
        assert_eq!(
            codes(&["LK01"], &[]),
            ["LK010", "LK011", "LK012", "LK013", "LK014", "LK015", "LK016"]
        );
        assert_eq!(codes(&["meta"], &["MT002", "MT003"]), ["MT001"]);
        assert_eq!(
            codes(
                &[],
                &[
                    "destructive",
                    "reversibility",
                    "security",
                    "locking",
                    "transaction",
                    "integrity",
                    "style",
                    "MT002",
                    "MT003"
                ]
            ),
            ["MT001"]
        );
        assert_eq!(
            codes(
                &["all"],
                &["DS", "RV", "SC", "LK", "TX", "IN", "ST", "MT", "RP"]
            ),
            Vec::<&str>::new()
        );
        // The replay's rules: a family of their own, each also in its category.
        assert_eq!(
            codes(&["RP"], &[]),
            ["RP001", "RP002", "RP003", "RP004", "RP005", "RP006"]
        );
        assert!(codes(&["security"], &[]).contains(&"RP005"));
    }

    #[test]
    fn opt_in_rules_need_their_name_or_code() {
        // A family or category enables only the style rule that is on by default.
        assert_eq!(codes(&["ST"], &[]), ["ST008"]);
        assert_eq!(codes(&["style"], &[]), ["ST008"]);
        assert!(!codes(&[], &[]).contains(&"ST001"));
        assert!(codes(&[], &[]).contains(&"ST008"));
        assert_eq!(
            codes(&["prefer-timestamptz", "ST004", "ST008"], &[]),
            ["ST001", "ST004", "ST008"]
        );
        assert_eq!(codes(&["ST002", "style"], &["ST008"]), ["ST002"]);
    }

    #[test]
    fn unknown_selectors_suggest_the_nearest() {
        let err = select_rules(&["drop-tabel".into()], &[]).unwrap_err();
        assert_eq!(err.suggestion.as_deref(), Some("drop-table"));
        let err = select_rules(&[], &["DS0O1".into()]).unwrap_err();
        assert_eq!(err.suggestion.as_deref(), Some("DS001"));
        assert!(select_rules(&["nonsense-rule-name".into()], &[]).is_err());
        assert!(select_rules(&["SC".into(), "security".into()], &[]).is_ok());
    }

    #[test]
    fn codes_and_prefixes_that_match_no_rule_are_unknown() {
        let err = select_rules(&["DS999".into()], &[]).unwrap_err();
        assert_eq!(err.selector, "DS999");
        // The family's highest code (new rules may raise it).
        let last = REGISTRY
            .iter()
            .map(|r| r.meta.code)
            .filter(|c| c.starts_with("DS"))
            .max()
            .unwrap();
        assert_eq!(err.suggestion.as_deref(), Some(last));
        assert_eq!(
            err.to_string(),
            format!(
                "unknown rule code `DS999`; did you mean `{last}`? (`sqlgate rules` lists them all)"
            )
        );
        let err = select_rules(&[], &["lk000".into()]).unwrap_err();
        assert_eq!(err.suggestion.as_deref(), Some("LK001"));
        let err = matching_rules(&["DS9".into()]).unwrap_err();
        assert_eq!(err.suggestion.as_deref(), Some("DS"));
        assert!(err
            .to_string()
            .starts_with("no rule code starts with `DS9`"));
        assert!(select_rules(&["DS09".into()], &[]).is_err());
        // Prefixes that reach rules stay valid.
        for prefix in ["DS", "DS0", "DS01", "ds00", "MT"] {
            assert!(select_rules(&[prefix.into()], &[]).is_ok(), "{prefix}");
        }
    }
}
