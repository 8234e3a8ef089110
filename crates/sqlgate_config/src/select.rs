//! What validating a config needs to know about the rules, and the did-you-mean hints.
//!
//! The rule registry belongs to `sqlgate_lint`, which sits above this crate: the config
//! asks it through [`RuleIndex`], which `sqlgate_lint::selection::Registry` implements.

/// A selector (`select`, `ignore`, `gate.triggers`, `--select`) that names no rule, code,
/// code family or category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSelector {
    pub selector: String,
    pub suggestion: Option<String>,
}

impl UnknownSelector {
    /// What the selector fails to name: `unknown rule code `DS999``, `no rule code starts
    /// with `DS9``, `unknown rule or category `x``.
    pub fn what(&self) -> String {
        let s = &self.selector;
        match code_shape(s) {
            Some(5) => format!("unknown rule code `{s}`"),
            Some(_) => format!("no rule code starts with `{s}`"),
            None => format!("unknown rule or category `{s}`"),
        }
    }
}

/// The length of a selector shaped like a rule code or a code prefix (two letters and up to
/// three digits: `DS001`, `DS0`), or `None` for names and categories.
pub fn code_shape(selector: &str) -> Option<usize> {
    let bytes = selector.as_bytes();
    (bytes.len() >= 3
        && bytes.len() <= 5
        && bytes[..2].iter().all(u8::is_ascii_alphabetic)
        && bytes[2..].iter().all(u8::is_ascii_digit))
    .then_some(bytes.len())
}

impl std::fmt::Display for UnknownSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.what())?;
        match &self.suggestion {
            Some(s) => write!(f, "; did you mean `{s}`? (`sqlgate rules` lists them all)"),
            None => write!(f, "; `sqlgate rules` lists every rule, code and category"),
        }
    }
}

/// The rules as the config sees them: names to check and selectors to resolve.
pub trait RuleIndex {
    /// The code of the rule with this name or code (the keys of `[rules.severity]`).
    fn code(&self, name_or_code: &str) -> Option<&'static str>;
    /// The nearest rule name, code or category to a misspelled `input`.
    fn suggest(&self, input: &str) -> Option<String>;
    /// The codes of every rule the selectors refer to (opt-in rules included), or the
    /// first selector that refers to nothing.
    fn matching(&self, selectors: &[String]) -> Result<Vec<&'static str>, UnknownSelector>;
}

/// The closest candidate, if it is close enough to be a typo.
pub fn nearest(input: &str, candidates: &[&str]) -> Option<String> {
    let input = input.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| {
            // An abbreviation (`warn` for `warning`) is as good as a one-letter typo.
            let distance = if c.starts_with(&input) && input.len() >= 3 {
                1
            } else {
                edit_distance(&input, c)
            };
            (distance, *c)
        })
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min()
        .map(|(_, c)| c.to_string())
}

pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}
