//! Layouts where one file is one migration (Supabase, Atlas, plain, dbmate, goose), and
//! Atlas's `atlas.sum`.

use std::path::PathBuf;

use super::{section, skip, wrapped_unless, Builder, NO_VERSION};
use crate::layout;
use crate::model::{AtlasSum, Down, Migration, Section, TxMode};
use crate::sections::{self, Sections};
use crate::walk::{display, DirFiles};
use sqlgate_core::Framework;

impl Builder<'_> {
    /// Loads an Atlas directory's `atlas.sum` and every `*.sql` file it covers (IN005).
    /// The directory's `atlas.sum`, with the files Atlas hashes into it for `framework`'s
    /// directory format (`sql/migrate` and `cmd/atlas/internal/sqltool`): golang-migrate's
    /// `*.up.sql` only (its downs are not Atlas's), Flyway's versioned and repeatable files
    /// (not its undo files), every `*.sql` for Atlas's own, goose's and dbmate's formats.
    pub(super) fn atlas_sum(&mut self, dir: &DirFiles, framework: Framework) {
        // Keyed like the set's directory (`.` for the current one).
        let key = if dir.path.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir.path.clone()
        };
        if !dir.names.contains("atlas.sum") || self.atlas.contains_key(&key) {
            return;
        }
        let Some(file) = self.load(dir, "atlas.sum") else {
            return;
        };
        // Atlas globs `*.sql` (case-sensitive) and sorts the names as Go strings: bytes.
        let hashed = |n: &str| match framework {
            Framework::GolangMigrate => n.ends_with(".up.sql"),
            Framework::Flyway => {
                n.ends_with(".sql")
                    && matches!(
                        layout::flyway(n),
                        Some((
                            layout::FlywayKind::Versioned | layout::FlywayKind::Repeatable,
                            ..
                        ))
                    )
            }
            _ => n.ends_with(".sql"),
        };
        let files = dir
            .names
            .iter()
            .filter(|n| hashed(n))
            .map(|n| (n.clone(), self.load(dir, n)))
            .collect();
        self.atlas.insert(key, AtlasSum { file, files });
    }

    /// Layouts where one file is one migration: Supabase, Atlas, plain, dbmate, goose.
    pub(super) fn single_file(
        &mut self,
        dir: &DirFiles,
        framework: Framework,
        name: &str,
        id: usize,
    ) {
        let parsed = match framework {
            Framework::Supabase => layout::digits_underscore(name),
            Framework::Plain => layout::plain(name),
            _ => layout::digits_optional_name(name).or_else(|| layout::plain(name)),
        };
        let Some((version, migration_name)) = parsed else {
            let reason = if framework == Framework::Supabase {
                "not <timestamp>_name.sql: the Supabase CLI does not run it"
            } else {
                NO_VERSION
            };
            self.skipped
                .push(skip(display(&dir.path.join(name)), reason));
            return;
        };
        let len = self.len(id);
        let (up, down) = match framework {
            // The CLI sends a file's statements (and its history insert) as one pipelined
            // batch, which Postgres runs as one implicit transaction.
            Framework::Supabase => (section(id, 0..len, TxMode::SingleQuery), Down::NotSupported),
            // postgres-migrations wraps each file unless it opts out; a directory where one
            // file opts out uses it (plain files are otherwise run statement by statement).
            Framework::Plain if self.postgres_migrations => {
                let tx = wrapped_unless(sections::postgres_migrations_opt_out(self.text(id)));
                (section(id, 0..len, tx), Down::NotSupported)
            }
            Framework::Plain => (section(id, 0..len, TxMode::None), Down::NotSupported),
            Framework::Atlas => {
                let tx = wrapped_unless(sections::atlas_no_transaction(self.text(id)));
                (section(id, 0..len, tx), Down::NotSupported)
            }
            Framework::Dbmate => {
                let parsed = sections::dbmate(self.text(id));
                self.marked(id, parsed, "no -- migrate:down section")
            }
            _ => {
                let parsed = sections::goose(self.text(id));
                self.marked(id, parsed, "no -- +goose Down section")
            }
        };
        self.add(
            &dir.path,
            framework,
            Migration {
                version,
                name: migration_name,
                up,
                down,
            },
        );
    }

    /// Up and down of a dbmate/goose file; a file without markers is all up.
    fn marked(&self, id: usize, parsed: Option<Sections>, missing: &str) -> (Section, Down) {
        let len = self.len(id);
        let Some(parsed) = parsed else {
            return (
                section(id, 0..len, TxMode::Wrapped),
                Down::Missing(missing.to_string()),
            );
        };
        let whole_file_no_tx = parsed.no_transaction;
        let up = match parsed.up {
            Some((range, no_tx)) => section(id, range, wrapped_unless(no_tx || whole_file_no_tx)),
            None => section(id, 0..len, wrapped_unless(whole_file_no_tx)),
        };
        let down = match parsed.down {
            Some((range, no_tx)) => Down::Section(section(
                id,
                range,
                wrapped_unless(no_tx || whole_file_no_tx),
            )),
            None => Down::Missing(missing.to_string()),
        };
        (up, down)
    }
}
