//! Provenance: which commits, and so which lines, an AI tool wrote.
//!
//! A commit is classified from its message trailers, author and committer ([`Classifier`]),
//! keeping the evidence (which trailer or identity, which tool and model). [`History`]
//! blames working-tree files over gix and marks the lines of AI-assisted commits, of
//! git-ai notes and of Agent Trace records; [`Change`] bounds that to the commits since a
//! base, and [`Unchanged`] tells which files it left exactly as they were. The provenance
//! [`Manifest`] covers generated blocks outside git.
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

mod agent_trace;
mod blobs;
mod classify;
mod gitai;
mod history;
mod manifest;
mod trailers;
mod unchanged;

pub use agent_trace::TRACE_FILE;
pub use blobs::{Blob, Content, Revision};
pub use classify::{Classifier, Commit, Evidence, EvidenceSource};
pub use history::{Attribution, Change, History, HistoryError, LineAuthor, Origin, UnsignedCommit};
pub use manifest::{
    EntrySignature, MANIFEST_PATH, MAX_SOURCE_BYTES, Manifest, ManifestEntry, ManifestError,
    PROVENANCE_PAYLOAD_TYPE, block_hash, record,
};
pub use trailers::{Trailer, trailers};
pub use unchanged::Unchanged;

/// Line ranges (1-based, inclusive) with the evidence that they are AI-authored.
type EvidenceRanges = Vec<(u32, u32, Evidence)>;
