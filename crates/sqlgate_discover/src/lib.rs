//! Discovery: walks the given paths, recognises migration layouts, loads each file once,
//! pairs ups with downs, orders by version and records each framework's transaction mode.

use std::path::PathBuf;

mod build;
pub mod git;
mod layout;
mod model;
mod paths;
mod sections;
pub mod staged;
mod walk;

pub use model::{
    canonical_paths, AtlasSum, DiscoverOptions, Discovery, Down, FileError, FileId, LoadedFile,
    Migration, MigrationSet, Section, Skipped, TxMode, Version,
};

/// Defined with the shared vocabulary (config, rules and reports name them too).
pub use sqlgate_core::{Dialect, Framework, ALL_FRAMEWORKS};

/// Discovers migrations under each path (a directory, a file). Never panics; unreadable files
/// become `errors`, non-migrations become `skipped`.
pub fn discover(paths: &[PathBuf], options: &DiscoverOptions) -> Discovery {
    let walked = walk::walk(paths);
    build::build(walked, options)
}
