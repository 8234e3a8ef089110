//! The GitHub REST API as sqlgate uses it. Callers see only the [`GitHub`] trait and plain
//! data types; `client` holds the octocrab implementation (the only module that imports
//! octocrab), and tests point it at a local mock server through `GITHUB_API_URL`.

pub mod client;
mod rest;
pub mod wire;
pub use client::{OctocrabClient, RetryPolicy};
pub use rest::{
    Annotation, AnnotationLevel, ApiError, CheckOutput, CheckRun, CheckRunRequest, Conclusion,
    GitHub, IssueComment, PullRequest, Repo, MAX_ANNOTATIONS_PER_REQUEST,
};
// The gate reads reviews, workflow runs and artifacts; it defines them, and the client fills
// them in.
pub use sqlgate_gate::{Artifact, Review, WorkflowRun};

pub mod ci;
pub mod collect;
