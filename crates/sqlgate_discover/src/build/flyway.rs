//! Flyway: versioned, repeatable and undo scripts, with `<file>.conf` transaction settings.

use std::fs;

use super::{section, skip, wrapped_unless, Builder, Candidates};
use crate::layout::{self, FlywayKind};
use crate::model::{Down, Migration, TxMode, Version};
use crate::paths::fs_path;
use crate::sections;
use crate::walk::{display, DirFiles};
use sqlgate_core::Framework;

impl Builder<'_> {
    fn flyway_tx(&self, dir: &DirFiles, file: &str) -> TxMode {
        let conf = format!("{file}.conf");
        if !dir.names.contains(&conf) {
            return TxMode::Wrapped;
        }
        let no_tx = fs::read_to_string(fs_path(&dir.path.join(&conf)))
            .is_ok_and(|text| sections::flyway_conf_no_transaction(&text));
        wrapped_unless(no_tx)
    }

    pub(super) fn flyway(&mut self, dir: &DirFiles, cands: &Candidates) {
        let all: Vec<(String, FlywayKind, Version, String)> = dir
            .names
            .iter()
            .filter(|n| layout::is_sql(n))
            .filter_map(|n| layout::flyway(n).map(|(k, v, name)| (n.clone(), k, v, name)))
            .collect();
        let has_undo = all.iter().any(|e| e.1 == FlywayKind::Undo);
        let find = |kind: FlywayKind, version: &Version| {
            all.iter()
                .find(|e| e.1 == kind && e.2.same_order(version))
                .map(|e| e.0.clone())
        };
        for (file, kind, version, name) in &all {
            let shown = display(&dir.path.join(file));
            let (up_file, down_file) = match kind {
                FlywayKind::Versioned | FlywayKind::Repeatable => {
                    if !cands.contains_key(file) {
                        // Selected with its undo script, or not selected at all.
                        let undo_selected = *kind == FlywayKind::Versioned
                            && find(FlywayKind::Undo, version).is_some_and(|u| {
                                cands.contains_key(&u) && !dir.selected.contains(file)
                            });
                        if !undo_selected {
                            continue;
                        }
                    }
                    let down = if *kind == FlywayKind::Versioned {
                        find(FlywayKind::Undo, version)
                    } else {
                        None
                    };
                    (file.clone(), down)
                }
                FlywayKind::Undo => {
                    if cands.contains_key(file) && find(FlywayKind::Versioned, version).is_none() {
                        let reason = format!(
                            "undo migration without V{}__*.sql: nothing to pair it with",
                            version.text
                        );
                        self.skipped.push(skip(shown, reason));
                    }
                    continue;
                }
            };
            let Some(up_id) = self.avail(dir, cands, &up_file) else {
                continue;
            };
            let down = match down_file {
                Some(down_file) => match self.avail(dir, cands, &down_file) {
                    Some(id) => Down::Section(section(
                        id,
                        0..self.len(id),
                        self.flyway_tx(dir, &down_file),
                    )),
                    None => Down::Missing(format!("{down_file} could not be used")),
                },
                None if has_undo && *kind == FlywayKind::Versioned => Down::Missing(format!(
                    "no U{}__{}.sql undo migration next to {}",
                    version.text, name, up_file
                )),
                None => Down::NotSupported,
            };
            let migration = Migration {
                version: version.clone(),
                name: name.clone(),
                up: section(up_id, 0..self.len(up_id), self.flyway_tx(dir, &up_file)),
                down,
            };
            self.add(&dir.path, Framework::Flyway, migration);
        }
        for file in cands.keys() {
            if layout::flyway(file).is_none() {
                self.skipped.push(skip(
                    display(&dir.path.join(file)),
                    "not V<version>__name.sql: Flyway does not run it",
                ));
            }
        }
    }
}
