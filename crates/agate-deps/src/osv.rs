//! OSV advisories (<https://ossf.github.io/osv-schema/>) and whether one affects a package
//! version: explicit `versions`, and `ranges` of type `SEMVER` or `ECOSYSTEM` whose
//! `introduced`, `fixed` (exclusive), `last_affected` (inclusive) events are evaluated in the
//! ecosystem's version order. `GIT` ranges name commits, not versions, and are ignored.

use std::cmp::Ordering;

use serde::Deserialize;

use crate::version::{Ecosystem, Version};

/// One OSV record, the fields agate uses.
#[derive(Debug, Clone, Deserialize)]
pub struct Advisory {
    /// The advisory id, e.g. `GHSA-jfh8-c2jp-5v3q`.
    pub id: String,
    /// Other ids for the same vulnerability (CVE, GHSA, PYSEC).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// One line.
    #[serde(default)]
    pub summary: Option<String>,
    /// Set when the record was withdrawn; such records affect nothing.
    #[serde(default)]
    pub withdrawn: Option<String>,
    /// CVSS vectors and other severity scores.
    #[serde(default)]
    pub severity: Vec<SeverityScore>,
    /// The affected packages.
    #[serde(default)]
    pub affected: Vec<Affected>,
    /// Source-specific data; GitHub's carries `severity` (`LOW` … `CRITICAL`).
    #[serde(default)]
    pub database_specific: Option<serde_json::Value>,
}

/// A severity score.
#[derive(Debug, Clone, Deserialize)]
pub struct SeverityScore {
    /// `CVSS_V3`, `CVSS_V4`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The vector or score.
    pub score: String,
}

/// One affected package.
#[derive(Debug, Clone, Deserialize)]
pub struct Affected {
    /// Which package.
    pub package: Option<Package>,
    /// Version ranges.
    #[serde(default)]
    pub ranges: Vec<Range>,
    /// Affected versions listed one by one.
    #[serde(default)]
    pub versions: Vec<String>,
}

/// A package in an ecosystem.
#[derive(Debug, Clone, Deserialize)]
pub struct Package {
    /// `PyPI`, `npm`, `Maven`, …
    pub ecosystem: String,
    /// The name (Maven: `group:artifact`).
    pub name: String,
}

/// A range of affected versions.
#[derive(Debug, Clone, Deserialize)]
pub struct Range {
    /// `SEMVER`, `ECOSYSTEM` or `GIT`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The events, in order.
    #[serde(default)]
    pub events: Vec<Event>,
}

/// A range event; exactly one field is set.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Event {
    /// Affected from this version (`0`: from the first).
    pub introduced: Option<String>,
    /// Fixed in this version (it is not affected).
    pub fixed: Option<String>,
    /// The last affected version.
    pub last_affected: Option<String>,
    /// Not a version bound for SEMVER/ECOSYSTEM ranges.
    pub limit: Option<String>,
}

impl Advisory {
    /// Whether the advisory affects `version` of `name` in `ecosystem`.
    pub fn affects(&self, ecosystem: Ecosystem, name: &str, version: &str) -> bool {
        if self.withdrawn.is_some() {
            return false;
        }
        let Some(version) = ecosystem.parse_version(version) else {
            return false;
        };
        let wanted = ecosystem.normalize_name(name);
        self.affected.iter().any(|affected| {
            affected.package.as_ref().is_some_and(|package| {
                Ecosystem::from_osv(&package.ecosystem) == Some(ecosystem)
                    && ecosystem.normalize_name(&package.name) == wanted
            }) && (affected.versions.iter().any(|listed| {
                ecosystem
                    .parse_version(listed)
                    .is_some_and(|listed| listed.partial_cmp(&version) == Some(Ordering::Equal))
            }) || affected
                .ranges
                .iter()
                .any(|range| in_range(ecosystem, range, &version)))
        })
    }

    /// The versions that fix the advisory for `name`, lowest first.
    pub fn fixed_versions(&self, ecosystem: Ecosystem, name: &str) -> Vec<String> {
        let wanted = ecosystem.normalize_name(name);
        let mut fixed: Vec<String> = self
            .affected
            .iter()
            .filter(|affected| {
                affected.package.as_ref().is_some_and(|package| {
                    Ecosystem::from_osv(&package.ecosystem) == Some(ecosystem)
                        && ecosystem.normalize_name(&package.name) == wanted
                })
            })
            .flat_map(|affected| affected.ranges.iter())
            .flat_map(|range| range.events.iter())
            .filter_map(|event| event.fixed.clone())
            .collect();
        fixed.sort_by(|a, b| ecosystem.compare(a, b).unwrap_or(Ordering::Equal));
        fixed.dedup();
        fixed
    }
}

/// The OSV evaluation of one range: walk the events in version order; `introduced` at or
/// below the version turns "affected" on, `fixed` at or below turns it off, and
/// `last_affected` below the version turns it off.
fn in_range(ecosystem: Ecosystem, range: &Range, version: &Version) -> bool {
    if !matches!(range.kind.as_str(), "SEMVER" | "ECOSYSTEM") {
        return false;
    }
    // (bound, event); `None` is `0`, below every version. Unparsable bounds are skipped.
    let mut events: Vec<(Option<Version>, &Event)> = range
        .events
        .iter()
        .filter_map(|event| {
            let text = event
                .introduced
                .as_deref()
                .or(event.fixed.as_deref())
                .or(event.last_affected.as_deref())?;
            if text == "0" {
                return Some((None, event));
            }
            Some((Some(ecosystem.parse_version(text)?), event))
        })
        .collect();
    events.sort_by(|(a, _), (b, _)| match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
    });
    let mut affected = false;
    for (bound, event) in events {
        let at_or_below = bound
            .as_ref()
            .is_none_or(|bound| bound.partial_cmp(version).is_some_and(Ordering::is_le));
        if event.introduced.is_some() {
            if at_or_below {
                affected = true;
            }
        } else if event.fixed.is_some() {
            if at_or_below {
                affected = false;
            }
        } else if event.last_affected.is_some()
            && bound
                .as_ref()
                .is_some_and(|bound| bound.partial_cmp(version) == Some(Ordering::Less))
        {
            affected = false;
        }
    }
    affected
}
