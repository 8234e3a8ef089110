//! The gate's verdict as data: what `sqlgate_gate` decides and every output format shows.
//! It sits at the bottom so that the engine can mark a run "not yet evaluated" and the
//! renderers can show it without depending on the gate's evaluation.

use serde::Serialize;

use crate::finding::Finding;

/// The items `missing` is drawn from (DESIGN.md §5).
pub const APPROVALS: &str = "approvals";
pub const BACKUP: &str = "backup";
pub const CHANGES_REQUESTED: &str = "changes-requested";
pub const ERROR: &str = "error";

/// The gate's verdict, as every output format shows it. `approvals`, `backup`, `errors`
/// and `fixes` are only there when the gate was evaluated against the pull request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateSummary {
    pub required: bool,
    /// `pass` or `blocked`.
    pub status: &'static str,
    /// Drawn from `approvals`, `backup`, `changes-requested`, `error`.
    pub missing: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approvals: Option<ApprovalState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup: Option<BackupState>,
    /// What could not be found out (each one blocks).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// What to do to unblock, one line per missing item.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<String>,
    /// Files that need the gate without a finding: what the pull request changed in a
    /// migration directory that sqlgate could not verify, and changes to the gate's policy.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<GateFile>,
}

/// A file the pull request changed that needs the gate by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateFile {
    /// As git names it, relative to the repository root.
    pub file: String,
    pub kind: GateFileKind,
    /// One line: why it was not verified, or which policy it changes.
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GateFileKind {
    /// In a migration directory, but sqlgate could not lint it: what cannot be seen needs
    /// people.
    NotVerified,
    /// The gate's own policy (`sqlgate.toml`, a workflow, the hooks): a change to it needs
    /// the same approvals as a `DROP`.
    Policy,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalState {
    /// `gate.approvals`.
    pub required: u32,
    /// Reviewers whose approval counts, in review order.
    pub approved_by: Vec<String>,
    /// Reviews that do not count (approvals, and requests for changes from reviewers
    /// without write access), and why.
    pub not_counted: Vec<NotCounted>,
    /// Reviewers whose latest review requests changes.
    pub changes_requested_by: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotCounted {
    pub login: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupState {
    /// `gate.backup.required`.
    pub required: bool,
    pub evidence: Vec<Evidence>,
    /// Candidates that are not evidence, and why.
    pub rejected: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// `pr-body` (a claim the author wrote), `artifact` or `manifest`.
    pub kind: &'static str,
    /// The link, artifact name or manifest path.
    pub source: String,
    /// One line for people.
    pub detail: String,
}

impl GateSummary {
    /// Nothing triggers the gate.
    pub fn not_required() -> GateSummary {
        GateSummary {
            required: false,
            status: "pass",
            missing: Vec::new(),
            approvals: None,
            backup: None,
            errors: Vec::new(),
            fixes: Vec::new(),
            files: Vec::new(),
        }
    }

    /// `self`, also required by `files` (blocked until evaluated, like any required gate).
    pub fn with_files(self, files: Vec<GateFile>) -> GateSummary {
        if files.is_empty() {
            return self;
        }
        let gate = if self.required {
            self
        } else {
            GateSummary::unevaluated(true)
        };
        GateSummary { files, ..gate }
    }

    /// Without the pull request's reviews and evidence (`sqlgate check`), a required gate
    /// is blocked: it fails closed until `sqlgate ci` or `sqlgate gate` proves both.
    pub fn unevaluated(required: bool) -> GateSummary {
        if !required {
            return GateSummary::not_required();
        }
        GateSummary {
            required: true,
            status: "blocked",
            missing: vec![APPROVALS, BACKUP],
            ..GateSummary::not_required()
        }
    }

    pub fn blocked(&self) -> bool {
        self.status == "blocked"
    }

    /// Whether the gate was evaluated against the pull request (`ci`, `gate`), not only
    /// reported as required (`check`).
    pub fn evaluated(&self) -> bool {
        self.required && self.approvals.is_some()
    }

    /// Whether `finding` no longer fails the run: it needs the gate, and the gate was
    /// evaluated and passed.
    pub fn covers(&self, finding: &Finding) -> bool {
        finding.gate && self.evaluated() && !self.blocked()
    }
}
