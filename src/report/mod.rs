//! Renderers. `human` is the only module that imports miette.

pub mod github;
pub mod human;
pub mod json;
pub mod markdown;

use crate::finding::RunReport;

/// Source text of a finding's file, looked up by `Finding::file_id`.
pub trait SourceLookup {
    fn text(&self, file_id: usize) -> Option<&str>;
}

impl SourceLookup for [crate::discover::LoadedFile] {
    fn text(&self, file_id: usize) -> Option<&str> {
        self.get(file_id).map(|f| f.text.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
    Markdown,
}

pub struct HumanOptions {
    pub color: bool,
    /// Terminal width for wrapping; 100 when not a terminal.
    pub width: usize,
}

pub fn _unused(_: &RunReport) {}
