//! agate's central server: teams and their tokens, the runs their pipelines upload (in
//! SQLite or PostgreSQL), a JSON API and a dashboard over them.
//!
//! Handlers hold no state besides the store and a per-instance upload rate limit, so
//! several servers can share one PostgreSQL database. Nothing here prints: log lines and
//! the redaction of uploaded reports are hooks the caller provides.

mod app;
mod dashboard;
mod limit;
mod stats;
mod store;

pub use app::{Hooks, LogLine, ServerOptions, router};
pub use stats::{AiShare, Expiring, ModelFindings, PassRate, RuleNoise, Scope};
pub use store::{
    Backend, Caller, FindingFilter, RunFilter, RunSummary, Store, StoreError, StoredAttestation,
    StoredFinding, Upload, Uploaded,
};
