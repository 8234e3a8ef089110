//! From `sqlgate.toml` to a run: the settings the rules read and which rules run on which
//! file. The config crate knows nothing of the registry; this is where the two meet.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sqlgate_config::glob::{self, Glob};
use sqlgate_config::{Config, ConfigError, SeveritySetting};

use crate::engine::FileRules;
use crate::rules::{Rule, Settings, REGISTRY};
use crate::selection::{Registry, UnknownSelector};

/// Reads and parses a config file, checking its rule names against the registry.
pub fn load_config(file: &Path) -> Result<Config, ConfigError> {
    sqlgate_config::load(file, &Registry)
}

/// Parses config text, checking its rule names against the registry.
pub fn parse_config(text: &str, file: &Path) -> Result<Config, ConfigError> {
    sqlgate_config::parse(text, file, &Registry)
}

/// What a config means for the rules.
pub trait ConfigRules {
    /// The settings the rules read.
    fn settings(&self) -> Settings;
    /// Which rules run where. Fails on an unknown selector in `select`/`ignore` (which may
    /// come from the environment or flags, so the caller names the source).
    fn rule_plan(&self) -> Result<RulePlan, UnknownSelector>;
}

impl ConfigRules for Config {
    fn settings(&self) -> Settings {
        Settings {
            rls: self.rls,
            exposed_schemas: self.exposed_schemas.clone(),
            public_roles: self.public_roles.clone(),
            reversibility: self.reversibility.clone(),
        }
    }

    fn rule_plan(&self) -> Result<RulePlan, UnknownSelector> {
        let global = crate::selection::select_rules(&self.select, &self.ignore)?;
        let mut overrides = Vec::new();
        let mut enabled: BTreeSet<&'static str> = global.iter().map(|r| r.meta.code).collect();
        for o in &self.rule_overrides {
            let select = if o.select.is_empty() {
                None
            } else {
                Some(crate::selection::select_rules(&o.select, &[])?)
            };
            let ignore = if o.ignore.is_empty() {
                Vec::new()
            } else {
                crate::selection::matching_rules(&o.ignore)?
            };
            if let Some(select) = &select {
                enabled.extend(select.iter().map(|r| r.meta.code));
            }
            overrides.push(PlannedOverride {
                paths: o.paths.clone(),
                select: select.map(|rules| rules.iter().map(|r| r.meta.code).collect()),
                ignore: ignore.iter().map(|r| r.meta.code).collect(),
                severity: o.severity.clone(),
            });
        }
        let rules: Vec<&'static Rule> = REGISTRY
            .iter()
            .copied()
            .filter(|r| enabled.contains(r.meta.code))
            .collect();
        let mut plan = RulePlan {
            base: self.base.clone(),
            global: global.iter().map(|r| r.meta.code).collect(),
            severity: self.severity.clone(),
            overrides,
            rules,
            everywhere: FileRules::default(),
        };
        plan.everywhere = plan.resolve(&[]);
        Ok(plan)
    }
}

#[derive(Debug, Clone)]
struct PlannedOverride {
    paths: Vec<Glob>,
    select: Option<Vec<&'static str>>,
    ignore: Vec<&'static str>,
    severity: Vec<SeveritySetting>,
}

/// The rules of a run: those that may report anywhere, and what applies to each file.
#[derive(Debug, Clone)]
pub struct RulePlan {
    base: Option<PathBuf>,
    global: Vec<&'static str>,
    severity: Vec<SeveritySetting>,
    overrides: Vec<PlannedOverride>,
    /// Every rule enabled globally or by an override (`CheckOptions::rules`).
    pub rules: Vec<&'static Rule>,
    /// The settings of a file no override matches: most files, worked out once.
    everywhere: FileRules,
}

impl RulePlan {
    /// The per-file settings of a file (as discovered: relative to the cwd or absolute).
    pub fn file_rules(&self, path: &Path) -> FileRules {
        // Only overrides depend on where the file is (resolving it costs a syscall per file).
        if self.overrides.is_empty() {
            return self.everywhere.clone();
        }
        let relative = glob::relative_to(self.base.as_deref(), path);
        let matching: Vec<&PlannedOverride> = self
            .overrides
            .iter()
            .filter(|o| o.paths.iter().any(|g| g.matches(&relative)))
            .collect();
        if matching.is_empty() {
            self.everywhere.clone()
        } else {
            self.resolve(&matching)
        }
    }

    /// The settings under the overrides that match a file, applied in order.
    fn resolve(&self, matching: &[&PlannedOverride]) -> FileRules {
        let mut enabled: BTreeSet<&'static str> = self.global.iter().copied().collect();
        let mut severity: Vec<SeveritySetting> = self.severity.clone();
        for o in matching {
            if let Some(select) = &o.select {
                enabled = select.iter().copied().collect();
            }
            for code in &o.ignore {
                enabled.remove(code);
            }
            for (code, value) in &o.severity {
                severity.retain(|(c, _)| c != code);
                severity.push((code, *value));
            }
        }
        let mut rules = FileRules::default();
        for rule in &self.rules {
            let code = rule.meta.code;
            let setting = severity.iter().find(|(c, _)| *c == code).map(|(_, s)| *s);
            match setting {
                _ if !enabled.contains(code) => rules.disabled.push(code),
                Some(None) => rules.disabled.push(code),
                Some(Some(s)) => rules.severity.push((code, s)),
                None => {}
            }
        }
        rules
    }
}
