use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What identifies one run of `agate gate` to the people and servers its report reaches:
/// the repository and commit, the CI run, when it started, and the policy that decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RunInfo {
    /// The repository, as the CI names it (`owner/name`), else its `origin` remote without
    /// credentials, else the root folder's name.
    pub repository: String,
    /// The commit checked (`HEAD`), when the root is in a git repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The CI run (e.g. GitHub's run id and attempt), else an id made for this run: uploads
    /// of the same repository, commit, environment and run id are one run.
    pub run_id: String,
    /// When the run started, RFC 3339 in UTC.
    pub started_at: String,
    /// SHA-256 over the policy's layers in order (absent for the built-in policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_digest: Option<String>,
    /// Each configuration file the policy was loaded from, in order, with its digest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy_layers: Vec<PolicyLayer>,
    /// The lines of the change under review, and how many of them are AI-authored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<LineShare>,
}

/// One configuration file of the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PolicyLayer {
    /// Where it came from: a path under the root, or the URL of an `extends`.
    pub source: String,
    /// SHA-256 of its bytes, hex.
    pub digest: String,
}

/// Lines of the change, and the AI-authored share of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LineShare {
    /// Lines added or changed.
    pub changed: u64,
    /// Of those, lines with AI provenance.
    pub ai: u64,
}
