//! agate's dependency analyzer.
//!
//! Each ecosystem's version order ([`Ecosystem`]: PEP 440, SemVer, Maven), OSV advisories
//! ([`Advisory`]) with OSV's range semantics and a local [`Store`], manifest and lockfile
//! parsers with the line of each declaration ([`read_manifests`]); imports checked against
//! the manifests and the standard libraries ([`check_imports`], [`StdlibIndex`]); packages
//! that no registry knows or that imitate popular ones ([`Registry`],
//! [`suspicious_packages`]).
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

mod findings;
mod imports;
mod manifest;
mod maven;
mod maven_pom;
mod npm;
mod osv;
mod project;
mod pypi;
mod registry;
mod stdlib;
mod store;
mod suspicious;
mod version;

pub use findings::{VULNERABLE_RULE, rules, vulnerabilities};
pub use imports::{ImportCheck, UNDECLARED_RULE, UNKNOWN_API_RULE, check_imports};
pub use manifest::{Dependency, ManifestProblem, Parsed};
pub use maven::MavenVersion;
pub use maven_pom::{Pom, parse_gradle_build, parse_gradle_lockfile};
pub use npm::{parse_package_json, parse_package_lock, parse_pnpm_lock, parse_yarn_lock};
pub use osv::{Advisory, Affected, Event, Package, Range, SeverityScore};
pub use project::{is_manifest, is_manifest_path, manifest_ecosystem, read_manifests};
pub use pypi::{
    parse_pipfile_lock, parse_pyproject, parse_python_lock, parse_requirements, parse_setup_cfg,
};
pub use registry::{Lookup, PackageList, Presence, Registry, RegistryUrls};
pub use stdlib::StdlibIndex;
pub use store::{Imported, Store, StoreError};
pub use suspicious::{NONEXISTENT_RULE, PackageUse, Popular, TYPOSQUAT_RULE, suspicious_packages};
pub use version::{Ecosystem, Version};
