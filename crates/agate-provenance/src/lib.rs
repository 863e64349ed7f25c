//! Provenance: which commits, and so which lines, an AI tool wrote.
//!
//! This first part classifies a commit from its message trailers, author and committer
//! ([`Classifier`]), keeping the evidence (which trailer or identity, which tool and model).
//! Line attribution (blame over gix, git-ai notes, Agent Trace records, the provenance
//! manifest) builds on it; until then the policy takes AI lines from inline markers.
//!
//! ```
//! use agate_provenance::{Classifier, Commit};
//!
//! let commit = Commit {
//!     message: "Add retries\n\nCo-Authored-By: Claude Opus 4.7 <noreply@anthropic.com>\n",
//!     author: "Ana Dev <ana@example.com>",
//!     committer: "Ana Dev <ana@example.com>",
//! };
//! let evidence = Classifier::builtin().classify(&commit);
//! assert_eq!(evidence[0].tool, "Claude");
//! assert_eq!(evidence[0].model.as_deref(), Some("Opus 4.7"));
//! ```
#![warn(missing_docs)]

mod classify;
mod history;
mod manifest;
mod trailers;

pub use classify::{Classifier, Commit, Evidence, EvidenceSource};
pub use history::{Attribution, History, HistoryError, Origin};
pub use manifest::{Manifest, ManifestEntry, ManifestError, block_hash, record};
pub use trailers::{Trailer, trailers};
