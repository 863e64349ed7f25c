//! agate's dependency analyzer (issue [5], in progress).
//!
//! This first part is the matching core: each ecosystem's version order ([`Ecosystem`]:
//! PEP 440, SemVer, Maven) and OSV advisories ([`Advisory`]) with OSV's range semantics.
//! Lockfile parsing, the local advisory store and hallucinated-package checks build on it.
//!
//! ```
//! use agate_deps::{Advisory, Ecosystem};
//!
//! let advisory: Advisory = serde_json::from_str(r#"{
//!   "id": "GHSA-xxxx", "modified": "2026-01-01T00:00:00Z",
//!   "affected": [{"package": {"ecosystem": "PyPI", "name": "Jinja2"},
//!     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.1.3"}]}]}]
//! }"#).unwrap();
//! assert!(advisory.affects(Ecosystem::PyPI, "jinja2", "3.1.2"));
//! assert!(!advisory.affects(Ecosystem::PyPI, "jinja2", "3.1.3"));
//! ```
#![warn(missing_docs)]

mod maven;
mod osv;
mod version;

pub use maven::MavenVersion;
pub use osv::{Advisory, Affected, Event, Package, Range, SeverityScore};
pub use version::{Ecosystem, Version};
