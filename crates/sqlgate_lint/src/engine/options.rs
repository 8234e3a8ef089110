//! What a run is asked to do: which migrations are checked, which rules report where, and
//! which findings require the merge gate.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::history::BaseSnapshot;
use crate::rules::{Located, Rule, Settings};
use sqlgate_core::finding::Severity;
use sqlgate_discover::{Down, MigrationSet, Section};

/// Findings of these rules require the merge gate by default: the default of
/// `gate.triggers`, which the config owns.
pub use sqlgate_config::DEFAULT_GATE_TRIGGERS;

/// Which migrations are checked; the others only feed the catalog.
#[derive(Debug, Clone)]
pub enum ChangeFilter {
    /// Every migration found, each its own change set.
    All,
    /// Migrations with an up or down file among these (canonical) paths form one change set.
    Files(HashSet<PathBuf>),
}

impl ChangeFilter {
    /// Whether a section is in the change: every one under `All`, else one whose file's
    /// canonical path (`canonical`, by file id) is among the changed paths.
    pub fn contains(&self, section: &Section, canonical: &[Option<PathBuf>]) -> bool {
        match self {
            ChangeFilter::All => true,
            ChangeFilter::Files(changed) => canonical
                .get(section.file)
                .and_then(Option::as_ref)
                .is_some_and(|p| changed.contains(p)),
        }
    }

    /// The migrations of `set` in the change (an up or a down changed), ascending: the ones
    /// the rules check, and the ones replay takes up, down and up again.
    pub fn changed_migrations(
        &self,
        set: &MigrationSet,
        canonical: &[Option<PathBuf>],
    ) -> Vec<usize> {
        set.migrations
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                self.contains(&m.up, canonical)
                    || matches!(&m.down, Down::Section(d) if self.contains(d, canonical))
            })
            .map(|(i, _)| i)
            .collect()
    }
}

/// What the configuration changes for the files under some path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileRules {
    /// Codes of rules that do not report in this file.
    pub disabled: Vec<&'static str>,
    /// Severity overrides by rule code.
    pub severity: Vec<(&'static str, Severity)>,
}

/// Everything a run needs besides the discovered files.
pub struct CheckOptions<'a> {
    /// Every rule that may report somewhere (per-file settings narrow this down).
    pub rules: Vec<&'static Rule>,
    pub settings: Settings,
    /// Per-file rule settings (`[[rules.overrides]]`, `[rules] severity`), by file path.
    pub file_rules: Option<&'a dyn Fn(&Path) -> FileRules>,
    /// Codes of the rules whose findings require the merge gate.
    pub gate_triggers: Vec<&'static str>,
    /// Whether suppressed findings still require the gate.
    pub count_suppressed: bool,
    /// The base commit's side of a `--changed-since` run, for the history rules (IN001,
    /// IN002, IN004); `None` otherwise.
    pub history: Option<&'a BaseSnapshot>,
    /// Violations found outside the static analysis (`sqlgate replay` on PostgreSQL, RP001 to
    /// RP006), by rule code: they get per-file severities, suppressions and gate triggers
    /// like every finding. A code that is not in `rules` (not selected) is dropped.
    pub external: Vec<(&'static str, Located)>,
}

impl CheckOptions<'_> {
    /// Default settings, the given rules, the default gate triggers.
    pub fn new(rules: &[&'static Rule]) -> CheckOptions<'static> {
        CheckOptions {
            rules: rules.to_vec(),
            settings: Settings::default(),
            file_rules: None,
            gate_triggers: DEFAULT_GATE_TRIGGERS.to_vec(),
            count_suppressed: true,
            history: None,
            external: Vec::new(),
        }
    }

    pub(super) fn enabled(&self, code: &str) -> Option<&'static Rule> {
        self.rules.iter().copied().find(|r| r.meta.code == code)
    }
}
