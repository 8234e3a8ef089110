//! ory/popx (github.com/ory/x, package `popx`, as Ory Kratos, Hydra and Keto use it):
//! `<version>_<name>[.<database>][.autocommit].(up|down).sql`.
//!
//! What popx does with them (`popx/match.go`, `migration_box.go`, `migration_info.go`,
//! `migrator.go`):
//! - it runs each file in a transaction it opens and commits itself, with the insert of the
//!   version's row; a name with `.autocommit` opts out: the file is sent as one query on the
//!   connection, outside any transaction (PostgreSQL then runs a file of several statements
//!   as one implicit transaction, as for golang-migrate);
//! - of the files of one version and direction it runs those named for the database it is
//!   connected to, else those naming none (`Migrations.SortAndFilter`): `.cockroach.` files
//!   never run on PostgreSQL, and `1_x.up.sql` does not either when `1_x.postgres.up.sql`
//!   exists;
//! - a name whose database part pop does not know is skipped, one that does not match at all
//!   is ignored;
//! - an up is undone by the downs of its version.

use std::collections::{BTreeMap, HashMap};
use std::fs;

use super::{section, skip, Builder, Candidates, NO_VERSION};
use crate::layout::{self, Direction, PopxDatabase, PopxName};
use crate::model::{Down, Migration, TxMode};
use crate::paths::fs_path;
use crate::walk::{display, DirFiles};
use sqlgate_core::{Dialect, Framework};

/// Which files of a popx directory run on the set's database.
pub(super) struct PopxPlan {
    /// The database popx is connected to (pop's name); `None` for ClickHouse, which pop does
    /// not know: only the files naming no database would run.
    database: Option<&'static str>,
    /// Every file of the directory with a popx name.
    names: BTreeMap<String, PopxName>,
    /// (version, direction) → the first file named for `database`, which replaces the files
    /// naming no database.
    specific: HashMap<(String, Direction), String>,
}

impl PopxPlan {
    pub(super) fn new(dir: &DirFiles, dialect: Dialect) -> PopxPlan {
        let database = match dialect {
            Dialect::Postgres => Some("postgres"),
            Dialect::ClickHouse => None,
        };
        let names: BTreeMap<String, PopxName> = dir
            .names
            .iter()
            .filter_map(|n| Some((n.clone(), layout::popx(n)?)))
            .collect();
        let mut specific = HashMap::new();
        if let Some(database) = database {
            for (file, parsed) in &names {
                if parsed.database == PopxDatabase::Known(database) {
                    specific
                        .entry((parsed.version.text.clone(), parsed.direction))
                        .or_insert_with(|| file.clone());
                }
            }
        }
        PopxPlan {
            database,
            names,
            specific,
        }
    }

    fn database_name(&self) -> &'static str {
        match self.database {
            Some(_) => "PostgreSQL",
            None => "ClickHouse",
        }
    }

    /// Whether popx runs the file on the database.
    fn runs(&self, parsed: &PopxName) -> bool {
        match parsed.database {
            PopxDatabase::Known(database) => Some(database) == self.database,
            PopxDatabase::All => !self
                .specific
                .contains_key(&(parsed.version.text.clone(), parsed.direction)),
            PopxDatabase::Unknown => false,
        }
    }

    /// Why popx does not run a file on the database, when the file is another database's
    /// (`.cockroach.`) or replaced by one named for this database; `None` otherwise (it runs,
    /// or the builder tells why not).
    pub(super) fn not_run(&self, file: &str) -> Option<String> {
        let parsed = self.names.get(file)?;
        match parsed.database {
            PopxDatabase::Known(database) if Some(database) != self.database => {
                let database = layout::popx_database_name(database);
                Some(format!(
                    "{database} migration: popx runs it on {database} only, not on {}",
                    self.database_name()
                ))
            }
            PopxDatabase::All => self
                .specific
                .get(&(parsed.version.text.clone(), parsed.direction))
                .map(|instead| {
                    format!(
                        "popx runs {instead} instead of it on {}",
                        self.database_name()
                    )
                }),
            _ => None,
        }
    }
}

impl Builder<'_> {
    /// Whether a flat directory is laid out for popx: one of its names (that the pull request
    /// did not add or change, see `DiscoverOptions::untrusted`) names one of pop's databases
    /// or popx's `.autocommit`. When the pull request added or changed every SQL file, all
    /// of them tell.
    pub(super) fn popx_signal(&self, dir: &DirFiles) -> bool {
        let mut signal = dir.names.iter().filter(|n| layout::is_popx_signal(n));
        if self.options.untrusted.is_empty() {
            return signal.next().is_some();
        }
        let Ok(canonical_dir) = fs::canonicalize(fs_path(&dir.path)) else {
            return signal.next().is_some();
        };
        let untrusted = |name: &str| self.options.untrusted.contains(&canonical_dir.join(name));
        let all_untrusted = dir
            .names
            .iter()
            .filter(|n| layout::is_sql(n))
            .all(|n| untrusted(n));
        signal.any(|n| all_untrusted || !untrusted(n))
    }

    /// popx: the files that run on the set's database, each up paired with a down of its
    /// version (one of the same name first).
    pub(super) fn popx(&mut self, dir: &DirFiles, cands: &Candidates, plan: &PopxPlan) {
        let mut ups: Vec<(&String, &PopxName)> = Vec::new();
        let mut downs: Vec<(&String, &PopxName)> = Vec::new();
        for (file, parsed) in &plan.names {
            if !plan.runs(parsed) {
                continue;
            }
            match parsed.direction {
                Direction::Up => ups.push((file, parsed)),
                Direction::Down => downs.push((file, parsed)),
            }
        }
        let mut downs_by_version: HashMap<&str, Vec<usize>> = HashMap::new();
        for (d, (_, down)) in downs.iter().enumerate() {
            downs_by_version
                .entry(down.version.text.as_str())
                .or_default()
                .push(d);
        }
        let mut pair: Vec<Option<usize>> = vec![None; ups.len()];
        let mut taken = vec![false; downs.len()];
        for same_name in [true, false] {
            for (u, (_, up)) in ups.iter().enumerate() {
                if pair[u].is_some() {
                    continue;
                }
                let found = downs_by_version
                    .get(up.version.text.as_str())
                    .into_iter()
                    .flatten()
                    .copied()
                    .find(|&d| !taken[d] && (!same_name || downs[d].1.name == up.name));
                if let Some(d) = found {
                    pair[u] = Some(d);
                    taken[d] = true;
                }
            }
        }
        let database = plan.database_name();
        for (u, (up_file, up)) in ups.iter().enumerate() {
            let down = pair[u].map(|d| downs[d].0);
            let selected =
                cands.contains_key(*up_file) || down.is_some_and(|d| cands.contains_key(d));
            if !selected {
                continue;
            }
            let Some(up_id) = self.avail(dir, cands, up_file) else {
                continue;
            };
            let down = match down.and_then(|d| Some((d, self.avail(dir, cands, d)?))) {
                Some((file, id)) => {
                    let tx = tx_mode(&plan.names[file]);
                    Down::Section(section(id, 0..self.len(id), tx))
                }
                None => Down::Missing(format!(
                    "no down of version {} that popx runs on {database} next to {up_file}",
                    up.version.text,
                )),
            };
            let migration = Migration {
                version: up.version.clone(),
                name: up.name.clone(),
                up: section(up_id, 0..self.len(up_id), tx_mode(up)),
                down,
            };
            self.add(&dir.path, Framework::Popx, migration);
        }
        for (d, (file, down)) in downs.iter().enumerate() {
            if !taken[d] && cands.contains_key(*file) {
                let reason = format!(
                    "down migration without its up: popx runs no {}_*.up.sql on {database}",
                    down.version.text
                );
                self.skipped
                    .push(skip(display(&dir.path.join(file)), reason));
            }
        }
        for file in cands.keys() {
            let reason = match plan.names.get(file) {
                Some(parsed) if plan.runs(parsed) => continue,
                Some(parsed) if parsed.database == PopxDatabase::Unknown => {
                    "its database part is not one of pop's dialects: popx skips it"
                }
                // Another database's file or one replaced for this database: skipped by
                // the caller before it was read.
                Some(_) => continue,
                None if layout::plain(file).is_some() => {
                    "not <version>_<name>[.<database>][.autocommit].up.sql or .down.sql: popx does not run it"
                }
                None => NO_VERSION,
            };
            self.skipped
                .push(skip(display(&dir.path.join(file)), reason));
        }
    }
}

/// popx runs a file in its transaction unless the name says `.autocommit`: then the file is
/// one query outside any transaction (several statements: one implicit transaction).
fn tx_mode(parsed: &PopxName) -> TxMode {
    if parsed.autocommit {
        TxMode::SingleQuery
    } else {
        TxMode::Wrapped
    }
}
