//! Dependencies matched against the advisory store become findings at the line that
//! declares them.

use agate_model::{
    Analyzer, Confidence, Finding, Fingerprint, FingerprintInput, Location, Position,
    RuleDescriptor, Severity,
};

use crate::manifest::Dependency;
use crate::osv::Advisory;
use crate::store::{Store, StoreError};

/// The rule of a dependency with a known vulnerability.
pub const VULNERABLE_RULE: &str = "deps.known-vulnerability";

/// What reports say about each rule of the dependency analyzer.
pub fn rules() -> Vec<RuleDescriptor> {
    let mut rules = vec![vulnerable_rule()];
    rules.extend(crate::imports::import_rules());
    rules.extend(crate::suspicious::package_rules());
    rules
}

/// What reports say about [`VULNERABLE_RULE`].
fn vulnerable_rule() -> RuleDescriptor {
    RuleDescriptor {
        id: VULNERABLE_RULE.to_owned(),
        language: "any".to_owned(),
        summary: "a dependency version has a published vulnerability (OSV)".to_owned(),
        help: "## Why it matters\n\nThe advisory describes how the version can be attacked; code that uses it inherits the weakness.\n\n## How to fix\n\nUpgrade to the fixed version the finding names (or later); where no fix exists, replace the package or accept the risk in the baseline with a reason.\n\n## References\n\n- https://osv.dev\n- https://cwe.mitre.org/data/definitions/1395.html\n".to_owned(),
        severity: Severity::High,
        confidence: Confidence::High,
        cwe: vec!["CWE-1395".to_owned()],
        owasp: vec!["A06:2021".to_owned()],
        compliance: Vec::new(),
        ai_pattern: false,
    }
}

/// A finding for each advisory that affects a dependency's exact version.
pub fn vulnerabilities(
    dependencies: &[Dependency],
    store: &Store,
) -> Result<Vec<Finding>, StoreError> {
    let mut findings = Vec::new();
    for dependency in dependencies {
        let Some(version) = &dependency.version else {
            continue;
        };
        for advisory in store.advisories(dependency.ecosystem, &dependency.name)? {
            if advisory.affects(dependency.ecosystem, &dependency.name, version) {
                findings.push(finding(dependency, version, &advisory));
            }
        }
    }
    Ok(findings)
}

fn finding(dependency: &Dependency, version: &str, advisory: &Advisory) -> Finding {
    let ecosystem = dependency.ecosystem;
    let upgrade = advisory
        .fixed_versions(ecosystem, &dependency.name)
        .into_iter()
        .find(|fixed| ecosystem.compare(fixed, version) == Some(std::cmp::Ordering::Greater));
    let aliases = if advisory.aliases.is_empty() {
        String::new()
    } else {
        format!(" ({})", advisory.aliases.join(", "))
    };
    let summary = advisory
        .summary
        .as_deref()
        .map(|summary| format!(": {summary}"))
        .unwrap_or_default();
    let fix = upgrade.as_ref().map_or_else(
        || "; no fixed version is published".to_owned(),
        |upgrade| format!("; upgrade to {upgrade}"),
    );
    let code = format!(
        "{} {}@{version} {}",
        ecosystem.as_osv(),
        dependency.name,
        advisory.id
    );
    Draft {
        rule_id: VULNERABLE_RULE,
        analyzer: Analyzer::Deps,
        severity: severity(advisory),
        confidence: Confidence::High,
        message: format!(
            "{} {version} is affected by {}{aliases}{summary}{fix}",
            dependency.name, advisory.id
        ),
        path: &dependency.path,
        line: dependency.line,
        column: 1,
        snippet: format!("{} {version}", dependency.name),
        code: &code,
        cwe: cwes(advisory),
        owasp: vec!["A06:2021".to_owned()],
    }
    .finding()
}

/// The parts of a dependency finding that vary; [`Draft::finding`] fills in the rest.
pub(crate) struct Draft<'a> {
    pub(crate) rule_id: &'static str,
    /// `deps`, or `ai-patterns` (gate `provenance-lint` by default) for packages and APIs
    /// that should not be there.
    pub(crate) analyzer: Analyzer,
    pub(crate) severity: Severity,
    pub(crate) confidence: Confidence,
    pub(crate) message: String,
    pub(crate) path: &'a str,
    pub(crate) line: u32,
    pub(crate) column: u32,
    pub(crate) snippet: String,
    /// What identifies the finding in its file, for the fingerprint.
    pub(crate) code: &'a str,
    pub(crate) cwe: Vec<String>,
    pub(crate) owasp: Vec<String>,
}

impl Draft<'_> {
    pub(crate) fn finding(self) -> Finding {
        let position = Position {
            line: self.line,
            column: self.column,
        };
        let location = Location {
            path: self.path.into(),
            start: position,
            end: position,
        };
        let fingerprint = Fingerprint::compute(&FingerprintInput {
            rule_id: self.rule_id,
            path: self.path,
            code: self.code,
            scope: "",
            occurrence: 0,
        });
        let mut finding = Finding::new(
            self.rule_id,
            self.analyzer,
            self.severity,
            self.confidence,
            self.message,
            location,
            fingerprint,
        );
        finding.snippet = self.snippet;
        finding.cwe = self.cwe;
        finding.owasp = self.owasp;
        finding
    }
}

/// The advisory's severity: GitHub's `database_specific.severity`, else high.
fn severity(advisory: &Advisory) -> Severity {
    let named = advisory
        .database_specific
        .as_ref()
        .and_then(|specific| specific.get("severity")?.as_str())
        .map(str::to_ascii_uppercase);
    match named.as_deref() {
        Some("CRITICAL") => Severity::Critical,
        Some("MODERATE" | "MEDIUM") => Severity::Medium,
        Some("LOW") => Severity::Low,
        _ => Severity::High,
    }
}

/// The advisory's CWE ids (`database_specific.cwe_ids`), else CWE-1395.
fn cwes(advisory: &Advisory) -> Vec<String> {
    let listed: Vec<String> = advisory
        .database_specific
        .as_ref()
        .and_then(|specific| specific.get("cwe_ids")?.as_array().cloned())
        .into_iter()
        .flatten()
        .filter_map(|id| id.as_str().map(str::to_owned))
        .collect();
    if listed.is_empty() {
        vec!["CWE-1395".to_owned()]
    } else {
        listed
    }
}
