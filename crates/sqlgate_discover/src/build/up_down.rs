//! golang-migrate and sqlx: pairing `.up.sql` files with their `.down.sql` files.

use std::collections::HashMap;

use super::{section, skip, wrapped_unless, Builder, Candidates, NO_VERSION};
use crate::layout::{self, Direction};
use crate::model::{Down, Migration, TxMode, Version};
use crate::sections;
use crate::walk::{display, DirFiles};
use sqlgate_core::Framework;

impl Builder<'_> {
    /// golang-migrate and sqlx: `.up.sql` + `.down.sql` pairs (sqlx also simple `N_name.sql`).
    pub(super) fn up_down(&mut self, dir: &DirFiles, framework: Framework, cands: &Candidates) {
        struct Entry {
            file: String,
            version: Version,
            name: String,
            stem: String,
        }
        let mut ups = Vec::new();
        let mut downs = Vec::new();
        for file in dir.names.iter().filter(|n| layout::is_sql(n)) {
            if let Some((version, name, direction, stem)) = layout::up_down(file) {
                let entry = Entry {
                    file: file.clone(),
                    version,
                    name,
                    stem,
                };
                match direction {
                    Direction::Up => ups.push(entry),
                    Direction::Down => downs.push(entry),
                }
            }
        }
        // Pair: same stem; same name ignoring trailing dots; a shared down for an up with a
        // dialect suffix (ory/popx: `1_x.postgres.up.sql` + `1_x.down.sql`); the only down of
        // the version.
        let mut pair: Vec<Option<usize>> = vec![None; ups.len()];
        let mut taken = vec![false; downs.len()];
        let normalize = |s: &str| s.trim_matches('.').to_ascii_lowercase();
        let mut downs_by_version: HashMap<&[(usize, String)], Vec<usize>> = HashMap::new();
        for (d, down) in downs.iter().enumerate() {
            downs_by_version
                .entry(&down.version.key)
                .or_default()
                .push(d);
        }
        let mut ups_by_version: HashMap<&[(usize, String)], Vec<usize>> = HashMap::new();
        for (u, up) in ups.iter().enumerate() {
            ups_by_version.entry(&up.version.key).or_default().push(u);
        }
        for pass in 0..4 {
            for (u, up) in ups.iter().enumerate() {
                if pair[u].is_some() {
                    continue;
                }
                let generic = layout::strip_dialect_suffix(&up.name);
                let same_version = downs_by_version
                    .get(up.version.key.as_slice())
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let matching: Vec<usize> = same_version
                    .iter()
                    .copied()
                    .filter(|&d| {
                        let down = &downs[d];
                        match pass {
                            0 => !taken[d] && down.stem == up.stem,
                            1 => !taken[d] && normalize(&down.name) == normalize(&up.name),
                            2 => generic.is_some_and(|g| normalize(&down.name) == normalize(g)),
                            _ => !taken[d],
                        }
                    })
                    .collect();
                let unique_up = pass < 3
                    || ups_by_version
                        .get(up.version.key.as_slice())
                        .map_or(0, |group| {
                            group.iter().filter(|&&o| pair[o].is_none()).count()
                        })
                        == 1;
                if matching.len() == 1 && unique_up {
                    pair[u] = Some(matching[0]);
                    taken[matching[0]] = true;
                }
            }
        }
        for (u, up) in ups.iter().enumerate() {
            let down = pair[u].map(|d| &downs[d]);
            let selected =
                cands.contains_key(&up.file) || down.is_some_and(|d| cands.contains_key(&d.file));
            if !selected {
                continue;
            }
            let Some(up_id) = self.avail(dir, cands, &up.file) else {
                continue;
            };
            let single_query = framework == Framework::GolangMigrate;
            let tx_of = |text: &str| {
                if single_query {
                    TxMode::SingleQuery
                } else {
                    wrapped_unless(sections::sqlx_no_transaction(text))
                }
            };
            let down_section = match down {
                Some(d) => self.avail(dir, cands, &d.file).map(|id| {
                    let tx = tx_of(self.text(id));
                    section(id, 0..self.len(id), tx)
                }),
                None => None,
            };
            let down = match down_section {
                Some(s) => Down::Section(s),
                None => Down::Missing(format!(
                    "no {stem}.down.sql next to {stem}.up.sql",
                    stem = up.stem
                )),
            };
            let tx = tx_of(self.text(up_id));
            let migration = Migration {
                version: up.version.clone(),
                name: up.name.clone(),
                up: section(up_id, 0..self.len(up_id), tx),
                down,
            };
            self.add(&dir.path, framework, migration);
        }
        for (d, down) in downs.iter().enumerate() {
            if !taken[d] && cands.contains_key(&down.file) {
                let reason = format!(
                    "down migration without its up: no {stem}.up.sql next to {stem}.down.sql",
                    stem = down.stem
                );
                self.skipped
                    .push(skip(display(&dir.path.join(&down.file)), reason));
            }
        }
        for (file, &id) in cands {
            if layout::up_down(file).is_some() {
                continue;
            }
            let shown = display(&dir.path.join(file));
            if framework == Framework::GolangMigrate {
                let reason = if layout::plain(file).is_some() {
                    "not <version>_name.up.sql or .down.sql: golang-migrate does not run it"
                } else {
                    NO_VERSION
                };
                self.skipped.push(skip(shown, reason));
                continue;
            }
            let Some((version, name)) = layout::digits_underscore(file) else {
                self.skipped.push(skip(shown, NO_VERSION));
                continue;
            };
            let tx = wrapped_unless(sections::sqlx_no_transaction(self.text(id)));
            let migration = Migration {
                version,
                name,
                up: section(id, 0..self.len(id), tx),
                down: Down::NotSupported,
            };
            self.add(&dir.path, framework, migration);
        }
    }
}
