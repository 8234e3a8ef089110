//! The JSON bodies sqlgate sends: comments and check runs with their annotations.

use serde::Serialize;

use super::CHECK_RUN_EXTERNAL_ID;
use crate::rest::{Annotation, ApiError, CheckRunRequest};

pub(super) fn to_json<T: Serialize>(what: &str, value: &T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::Decode {
        what: what.to_string(),
        message: format!("cannot encode the request: {e}"),
    })
}

// ---- GitHub's JSON (only what sqlgate reads) ----

#[derive(Serialize)]
pub(super) struct CommentBody<'a> {
    pub(super) body: &'a str,
}

#[derive(Serialize)]
pub(super) struct CheckRunBody<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    head_sha: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<&'a str>,
    status: &'static str,
    conclusion: &'static str,
    output: OutputBody<'a>,
}

#[derive(Serialize)]
struct OutputBody<'a> {
    title: &'a str,
    summary: &'a str,
    annotations: Vec<AnnotationBody<'a>>,
}

#[derive(Serialize)]
pub(super) struct AnnotationBody<'a> {
    path: &'a str,
    start_line: usize,
    end_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
    annotation_level: &'static str,
    message: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_details: Option<&'a str>,
}

impl<'a> AnnotationBody<'a> {
    pub(super) fn new(a: &'a Annotation) -> AnnotationBody<'a> {
        // GitHub rejects columns on an annotation spanning several lines.
        let one_line = a.start_line == a.end_line;
        AnnotationBody {
            path: &a.path,
            start_line: a.start_line,
            end_line: a.end_line,
            start_column: a.start_column.filter(|_| one_line),
            end_column: a.end_column.filter(|_| one_line),
            annotation_level: a.level.as_str(),
            message: &a.message,
            title: &a.title,
            raw_details: a.raw_details.as_deref(),
        }
    }
}

impl<'a> CheckRunBody<'a> {
    pub(super) fn new(request: &'a CheckRunRequest, create: bool) -> CheckRunBody<'a> {
        CheckRunBody {
            name: &request.name,
            head_sha: create.then_some(request.head_sha.as_str()),
            external_id: create.then_some(CHECK_RUN_EXTERNAL_ID),
            status: "completed",
            conclusion: request.conclusion.as_str(),
            output: OutputBody {
                title: &request.output.title,
                summary: &request.output.summary,
                annotations: request
                    .output
                    .annotations
                    .iter()
                    .map(AnnotationBody::new)
                    .collect(),
            },
        }
    }
}
