//! Discovery: walks the given paths, recognises migration layouts, loads each file once,
//! pairs ups with downs, orders by version and records each framework's transaction mode.

use std::path::PathBuf;

mod build;
mod changed;
pub mod git;
mod layout;
mod model;
mod paths;
mod read;
mod sections;
pub mod staged;
mod walk;

pub use changed::gate_files;
pub use model::{
    canonical_paths, popx_group, AtlasSum, DiscoverOptions, Discovery, Down, FileError, FileId,
    LoadedFile, Migration, MigrationSet, Section, Skipped, TxMode, Version,
};
/// Paths with `.` and `..` resolved as text, never through the checkout's symbolic links.
pub use paths::lexical;

/// Defined with the shared vocabulary (config, rules and reports name them too).
pub use sqlgate_core::{Dialect, Framework, ALL_FRAMEWORKS};

/// Discovers migrations under each path (a directory, a file). Never panics; unreadable files
/// become `errors`, non-migrations become `skipped`.
pub fn discover(paths: &[PathBuf], options: &DiscoverOptions) -> Discovery {
    // Only `migrations.exclude` looks up directories whose files concern no migration.
    let (walked, read) = walk::walk_reading(paths, options.exclude.is_empty());
    build::build(walked, options, read)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// A link out of the repository where a migration would be read fails the run (an
    /// error); elsewhere it is a skipped file. Either way nothing behind it is read.
    #[test]
    fn links_out_of_the_repository_are_errors_where_migrations_are_read() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        paths::git_init(&root);
        let migrations = root.join("db/migrations");
        std::fs::create_dir_all(&migrations).unwrap();
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::write(migrations.join("001_a.sql"), "CREATE TABLE a (id int);").unwrap();
        symlink("/", migrations.join("root")).unwrap();
        symlink("/etc/passwd", migrations.join("002_pw.sql")).unwrap();
        symlink("/etc/passwd", root.join("docs/notes.txt")).unwrap();
        symlink("/etc/passwd", root.join("docs/example.sql")).unwrap();
        symlink("/etc", root.join("docs/etc")).unwrap();

        let found = discover(std::slice::from_ref(&root), &DiscoverOptions::default());
        let shown = |relative: &str| root.join(relative).display().to_string();
        let errors: Vec<(String, String)> = found
            .errors
            .iter()
            .map(|e| (e.display.clone(), e.message.clone()))
            .collect();
        let out = |target: &str| {
            format!("symlink to a path outside the repository ({target}): not followed")
        };
        assert_eq!(
            errors,
            [
                (shown("db/migrations/002_pw.sql"), out("/etc/passwd")),
                (shown("db/migrations/root"), out("/")),
                // Named like a migration: it would have been read as one.
                (shown("docs/example.sql"), out("/etc/passwd")),
            ]
        );
        let skipped: Vec<(String, String)> = found
            .skipped
            .iter()
            .map(|s| (s.display.clone(), s.reason.clone()))
            .collect();
        assert_eq!(
            skipped,
            [
                (shown("docs/etc"), out("/etc")),
                (shown("docs/notes.txt"), out("/etc/passwd")),
            ]
        );
        let read: Vec<&std::path::Path> = found.files.iter().map(|f| f.path.as_path()).collect();
        assert_eq!(read, [migrations.join("001_a.sql")]);
    }
}
