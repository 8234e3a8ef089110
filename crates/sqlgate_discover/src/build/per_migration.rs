//! Layouts with a directory per migration: diesel, sourcegraph, Prisma.

use std::fs;
use std::path::Path;

use super::{section, skip, wrapped_unless, Builder, Candidates};
use crate::layout;
use crate::model::{Down, Migration, TxMode};
use crate::paths::fs_path;
use crate::sections;
use crate::walk::{display, DirFiles};
use sqlgate_core::Framework;

impl Builder<'_> {
    /// diesel, sourcegraph, Prisma: `<set>/<version>_name/{up,down,migration}.sql`.
    pub(super) fn per_migration(
        &mut self,
        dir: &DirFiles,
        dir_name: &str,
        set_dir: &Path,
        cands: &Candidates,
    ) {
        let Some((version, name)) = layout::migration_dir(dir_name) else {
            for file in cands.keys() {
                self.skipped.push(skip(
                    display(&dir.path.join(file)),
                    "no version in the directory name: not a migration",
                ));
            }
            return;
        };
        let framework = match self.options.framework {
            Some(framework) => framework,
            None if dir.names.contains("migration.sql") => Framework::Prisma,
            None if dir.names.contains("metadata.yaml") || name.is_empty() => {
                Framework::Sourcegraph
            }
            None => Framework::Diesel,
        };
        let migration_name = if name.is_empty() {
            dir_name.to_string()
        } else {
            name
        };
        let expected: &[&str] = if framework == Framework::Prisma {
            &["migration.sql"]
        } else {
            &["up.sql", "down.sql"]
        };
        for file in cands.keys() {
            if !expected.contains(&file.as_str()) {
                let reason = format!(
                    "not {}: {} does not run it",
                    expected.join(" or "),
                    framework.name()
                );
                self.skipped
                    .push(skip(display(&dir.path.join(file)), reason));
            }
        }
        let selected = expected.iter().any(|f| cands.contains_key(*f));
        if !selected {
            return;
        }
        self.migration_dirs.insert(dir.path.clone());
        if framework == Framework::Prisma {
            let Some(id) = self.avail(dir, cands, "migration.sql") else {
                return;
            };
            let migration = Migration {
                version,
                name: migration_name,
                up: section(id, 0..self.len(id), TxMode::SingleQuery),
                down: Down::NotSupported,
            };
            self.add(set_dir, framework, migration);
            return;
        }
        let tx = if framework == Framework::Diesel && dir.names.contains("metadata.toml") {
            let no_tx = fs::read_to_string(fs_path(&dir.path.join("metadata.toml")))
                .is_ok_and(|text| sections::diesel_metadata_no_transaction(&text));
            wrapped_unless(no_tx)
        } else {
            TxMode::Wrapped
        };
        let Some(up_id) = self.avail(dir, cands, "up.sql") else {
            if cands.contains_key("down.sql") {
                self.skipped.push(skip(
                    display(&dir.path.join("down.sql")),
                    "down.sql without up.sql: nothing to pair it with",
                ));
            }
            return;
        };
        let down = match self.avail(dir, cands, "down.sql") {
            Some(id) => Down::Section(section(id, 0..self.len(id), tx)),
            None => Down::Missing(format!("no down.sql in {}", display(&dir.path))),
        };
        let migration = Migration {
            version,
            name: migration_name,
            up: section(up_id, 0..self.len(up_id), tx),
            down,
        };
        self.add(set_dir, framework, migration);
    }
}
