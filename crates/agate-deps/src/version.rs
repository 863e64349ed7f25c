//! Ecosystems and their version orders: PEP 440 for PyPI, SemVer 2.0 precedence for npm
//! (a leading `v` and `=` tolerated), Maven's `ComparableVersion` for Maven.

use std::cmp::Ordering;
use std::str::FromStr as _;

use crate::maven::MavenVersion;

/// A package ecosystem, named as OSV names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ecosystem {
    /// The Python Package Index.
    PyPI,
    /// The npm registry.
    Npm,
    /// Maven Central and other Maven repositories.
    Maven,
}

impl Ecosystem {
    /// The ecosystem of an OSV `affected[].package.ecosystem` value (`PyPI`, `npm`,
    /// `Maven`; a `:suffix` such as `Maven:https://…` is ignored).
    pub fn from_osv(name: &str) -> Option<Ecosystem> {
        match name.split(':').next()? {
            "PyPI" => Some(Ecosystem::PyPI),
            "npm" => Some(Ecosystem::Npm),
            "Maven" => Some(Ecosystem::Maven),
            _ => None,
        }
    }

    /// The OSV name.
    pub fn as_osv(self) -> &'static str {
        match self {
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Npm => "npm",
            Ecosystem::Maven => "Maven",
        }
    }

    /// A package name as the ecosystem compares it: PyPI names are case-insensitive with
    /// runs of `-`, `_` and `.` equal (PEP 503); npm and Maven names are exact.
    pub fn normalize_name(self, name: &str) -> String {
        match self {
            Ecosystem::PyPI => {
                let mut out = String::with_capacity(name.len());
                let mut separator = false;
                for character in name.trim().chars() {
                    if matches!(character, '-' | '_' | '.') {
                        separator = true;
                    } else {
                        if separator && !out.is_empty() {
                            out.push('-');
                        }
                        separator = false;
                        out.push(character.to_ascii_lowercase());
                    }
                }
                out
            }
            Ecosystem::Npm | Ecosystem::Maven => name.trim().to_owned(),
        }
    }

    /// Parses a version of this ecosystem; `None` when it is not one.
    pub fn parse_version(self, text: &str) -> Option<Version> {
        let text = text.trim();
        match self {
            Ecosystem::PyPI => pep440_rs::Version::from_str(text).ok().map(Version::Pep440),
            Ecosystem::Npm => {
                let text = text.trim_start_matches('=').trim_start_matches('v');
                semver::Version::parse(text).ok().map(Version::Semver)
            }
            Ecosystem::Maven => {
                (!text.is_empty()).then(|| Version::Maven(MavenVersion::parse(text)))
            }
        }
    }

    /// Compares two versions of this ecosystem; `None` when either does not parse.
    pub fn compare(self, left: &str, right: &str) -> Option<Ordering> {
        self.parse_version(left)?
            .partial_cmp(&self.parse_version(right)?)
    }
}

/// A version in its ecosystem's order; versions of different ecosystems do not compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Version {
    /// PEP 440.
    Pep440(pep440_rs::Version),
    /// SemVer 2.0.
    Semver(semver::Version),
    /// Maven.
    Maven(MavenVersion),
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        match (self, other) {
            (Version::Pep440(a), Version::Pep440(b)) => Some(a.cmp(b)),
            (Version::Semver(a), Version::Semver(b)) => Some(a.cmp_precedence(b)),
            (Version::Maven(a), Version::Maven(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_ecosystem_orders_its_own_way() {
        use Ordering::{Equal, Less};
        assert_eq!(Ecosystem::PyPI.compare("2.0.0rc1", "2.0.0"), Some(Less));
        assert_eq!(Ecosystem::PyPI.compare("1.0.post1", "1.0.1"), Some(Less));
        assert_eq!(Ecosystem::PyPI.compare("1.0", "1.0.0"), Some(Equal));
        assert_eq!(
            Ecosystem::Npm.compare("1.0.0-beta.2", "1.0.0-beta.11"),
            Some(Less)
        );
        assert_eq!(Ecosystem::Npm.compare("v4.17.20", "4.17.21"), Some(Less));
        assert_eq!(
            Ecosystem::Npm.compare("1.0.0+build.1", "1.0.0"),
            Some(Equal)
        );
        assert_eq!(Ecosystem::Maven.compare("2.14.1", "2.15.0"), Some(Less));
        assert_eq!(Ecosystem::Npm.compare("not a version", "1.0.0"), None);
    }

    #[test]
    fn pypi_names_are_normalized() {
        assert_eq!(
            Ecosystem::PyPI.normalize_name("Django_REST.framework"),
            "django-rest-framework"
        );
        assert_eq!(Ecosystem::Npm.normalize_name("@Scope/Pkg"), "@Scope/Pkg");
        assert_eq!(
            Ecosystem::from_osv("Maven:https://repo.example"),
            Some(Ecosystem::Maven)
        );
    }
}
