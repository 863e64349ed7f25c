//! SARIF 2.1.0, shaped for GitHub code scanning.
//!
//! Hand-written types for the subset agate emits (the full schema has hundreds of types and
//! the generated crates pull a heavy build). What GitHub reads is all here: rules with help,
//! CWE tags as `external/cwe/cwe-N` and `security-severity`; results with a level, a
//! location relative to the checkout (`%SRCROOT%`) and `partialFingerprints`. Compliance
//! requirements are a taxonomy per standard (`run.taxonomies`, each requirement a taxon)
//! that rules point to through `relationships`, and tags (`compliance/PCI-DSS-4 3.4.1`) for
//! readers that only read tags.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};

use agate_model::{Finding, NoticeLevel, Report, RuleDescriptor, Severity, split_compliance};
use serde::Serialize;

pub(crate) const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub(crate) const INFORMATION_URI: &str = "https://github.com/agate-dev/agate";

/// Writes `report` as a SARIF 2.1.0 log with one run.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_sarif(report))?;
    writeln!(out)
}

fn to_sarif(report: &Report) -> Log<'_> {
    let standards = Standards::of(report);
    let rules: Vec<ReportingDescriptor<'_>> = report
        .rules
        .iter()
        .map(|rule| descriptor(rule, &standards))
        .collect();
    let results = Results(report);
    let failed_checks = report.checks.iter().filter_map(|check| {
        let error = check.error.as_ref()?;
        Some(Notification {
            level: "error",
            message: Message {
                text: format!(
                    "check `{}` ({} gate) failed: {error}",
                    check.name, check.gate
                ),
            },
            locations: Vec::new(),
        })
    });
    let notifications = report
        .notices
        .iter()
        .map(|notice| Notification {
            level: notice.level.as_str(),
            message: Message {
                text: notice.message.clone(),
            },
            locations: notice
                .path
                .iter()
                .map(|path| NotificationLocation {
                    physical_location: PhysicalLocation {
                        artifact_location: artifact(path),
                        region: None,
                    },
                })
                .collect(),
        })
        .chain(failed_checks)
        .collect();
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: ToolComponent {
                driver: Driver {
                    name: &report.tool.name,
                    version: &report.tool.version,
                    semantic_version: &report.tool.version,
                    information_uri: INFORMATION_URI,
                    rules,
                    supported_taxonomies: standards.references(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: !report
                    .notices
                    .iter()
                    .any(|notice| notice.level == NoticeLevel::Error)
                    && report
                        .checks
                        .iter()
                        .all(|check| check.status == agate_model::CheckStatus::Ok),
                tool_execution_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
            taxonomies: standards.taxonomies(),
            results,
        }],
    }
}

/// The compliance standards the report's rules name, each with its requirements, in order:
/// a standard's index is its taxonomy's in `run.taxonomies`, a requirement's its taxon's.
struct Standards<'r>(Vec<(&'r str, Vec<&'r str>)>);

impl<'r> Standards<'r> {
    fn of(report: &'r Report) -> Standards<'r> {
        let mut standards: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for requirement in report.rules.iter().flat_map(|rule| &rule.compliance) {
            let (standard, item) = standard_and_item(requirement);
            standards.entry(standard).or_default().insert(item);
        }
        Standards(
            standards
                .into_iter()
                .map(|(standard, items)| (standard, items.into_iter().collect()))
                .collect(),
        )
    }

    /// The relationship from a rule to the taxon of `requirement`.
    fn relationship(&self, requirement: &str) -> Option<Relationship<'r>> {
        let (standard, item) = standard_and_item(requirement);
        let taxonomy = self
            .0
            .binary_search_by(|(name, _)| (*name).cmp(standard))
            .ok()?;
        let (name, items) = &self.0[taxonomy];
        let index = items.binary_search(&item).ok()?;
        Some(Relationship {
            target: TaxonReference {
                id: items[index],
                index,
                tool_component: TaxonomyReference {
                    name,
                    index: taxonomy,
                },
            },
            kinds: ["relevant"],
        })
    }

    fn references(&self) -> Vec<TaxonomyReference<'r>> {
        self.0
            .iter()
            .enumerate()
            .map(|(index, (name, _))| TaxonomyReference { name, index })
            .collect()
    }

    fn taxonomies(&self) -> Vec<Taxonomy<'r>> {
        self.0
            .iter()
            .map(|(name, items)| Taxonomy {
                name,
                taxa: items.iter().map(|id| Taxon { id }).collect(),
            })
            .collect()
    }
}

/// A requirement's standard and item; one agate could not split (from a report written by
/// an older agate) is an item of the standard `compliance`.
fn standard_and_item(requirement: &str) -> (&str, &str) {
    split_compliance(requirement).unwrap_or(("compliance", requirement))
}

fn descriptor<'r>(rule: &'r RuleDescriptor, standards: &Standards<'r>) -> ReportingDescriptor<'r> {
    let mut tags = vec![
        if rule.ai_pattern {
            "ai-pattern"
        } else {
            "security"
        }
        .to_owned(),
    ];
    tags.extend(
        rule.cwe
            .iter()
            .map(|cwe| format!("external/cwe/{}", cwe.to_ascii_lowercase())),
    );
    tags.extend(
        rule.owasp
            .iter()
            .map(|owasp| format!("external/owasp/{owasp}")),
    );
    tags.extend(
        rule.compliance
            .iter()
            .map(|requirement| format!("compliance/{requirement}")),
    );
    tags.push(rule.language.clone());
    let markdown = format!("{}\n\n{}", rule.summary, rule.help);
    ReportingDescriptor {
        id: &rule.id,
        name: &rule.id,
        short_description: Message {
            text: rule.summary.clone(),
        },
        full_description: Message {
            text: rule.summary.clone(),
        },
        help: Help {
            text: markdown.clone(),
            markdown,
        },
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        relationships: rule
            .compliance
            .iter()
            .filter_map(|requirement| standards.relationship(requirement))
            .collect(),
        properties: RuleProperties {
            tags,
            precision: precision(rule.confidence),
            security_severity: rule.severity.security_score(),
            problem_severity: problem_severity(rule.severity),
        },
    }
}

fn result<'r>(report: &'r Report, finding: &'r Finding) -> SarifResult<'r> {
    let location = &finding.location;
    SarifResult {
        rule_id: &finding.rule_id,
        rule_index: report
            .rules
            .binary_search_by(|rule| rule.id.as_str().cmp(&finding.rule_id))
            .ok(),
        level: level(finding.severity),
        message: Message {
            text: finding.message.to_string(),
        },
        // Results about no file (a SonarQube condition, "no tests ran") have no location;
        // a URL (a ZAP alert) has no region.
        locations: if location.path.is_empty() {
            Vec::new()
        } else {
            vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: artifact(&location.path),
                    region: (!location.is_url()).then(|| Region {
                        start_line: location.start.line,
                        start_column: location.start.column,
                        end_line: location.end.line,
                        end_column: location.end.column,
                        snippet: Some(Message {
                            text: finding.snippet.clone(),
                        }),
                    }),
                },
            }]
        },
        partial_fingerprints: PartialFingerprints {
            agate: finding.fingerprint.as_str(),
        },
        fixes: finding
            .fix
            .iter()
            .map(|fix| SarifFix {
                description: Message {
                    text: "apply the rule's fix (`agate fix --apply`)".to_owned(),
                },
                artifact_changes: vec![ArtifactChange {
                    artifact_location: artifact(&location.path),
                    replacements: vec![Replacement {
                        deleted_region: Region {
                            start_line: fix.start.line,
                            start_column: fix.start.column,
                            end_line: fix.end.line,
                            end_column: fix.end.column,
                            snippet: None,
                        },
                        inserted_content: Message {
                            text: fix.replacement.clone(),
                        },
                    }],
                }],
            })
            .collect(),
        suppressions: finding
            .justification
            .iter()
            .map(|justification| SarifSuppression {
                kind: if justification.source == "inline" {
                    "inSource"
                } else {
                    "external"
                },
                status: "accepted",
                justification: match justification.decision {
                    Some(decision) => format!("{decision}: {}", justification.reason),
                    None => justification.reason.clone(),
                },
            })
            .collect(),
        properties: ResultProperties {
            severity: finding.severity,
            confidence: finding.confidence.as_str(),
            ai_pattern: finding.ai_pattern,
            tier: finding.tier,
            ai_evidence: finding.ai_evidence.as_deref(),
            status: finding.status,
            gate: finding.gate.as_deref(),
            blocking: finding.blocking,
            sources: &finding.sources,
        },
    }
}

fn artifact(path: &str) -> ArtifactLocation {
    if path.contains("://") {
        return ArtifactLocation {
            uri: path.to_owned(),
            uri_base_id: None,
        };
    }
    ArtifactLocation {
        uri: encode_uri_path(path),
        uri_base_id: Some("%SRCROOT%"),
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn problem_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "recommendation",
    }
}

fn precision(confidence: agate_model::Confidence) -> &'static str {
    match confidence {
        agate_model::Confidence::High => "high",
        agate_model::Confidence::Medium => "medium",
        agate_model::Confidence::Low => "low",
    }
}

/// Percent-encodes a relative path for a URI reference, keeping `/` and RFC 3986 unreserved
/// characters, so `my file.py` becomes `my%20file.py`.
pub(crate) fn encode_uri_path(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            encoded.push(byte as char);
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

#[derive(Serialize)]
struct Log<'r> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'r>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'r> {
    tool: ToolComponent<'r>,
    invocations: Vec<Invocation>,
    column_kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    taxonomies: Vec<Taxonomy<'r>>,
    results: Results<'r>,
}

/// The report's findings as SARIF results, each built as it is written: a million findings
/// never exist twice in memory.
struct Results<'r>(&'r Report);

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        serializer.collect_seq(
            report
                .findings
                .iter()
                .map(|finding| result(report, finding)),
        )
    }
}

#[derive(Serialize)]
struct ToolComponent<'r> {
    driver: Driver<'r>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'r> {
    name: &'r str,
    version: &'r str,
    semantic_version: &'r str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor<'r>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    supported_taxonomies: Vec<TaxonomyReference<'r>>,
}

/// A compliance standard: its requirements are its taxa.
#[derive(Serialize)]
struct Taxonomy<'r> {
    name: &'r str,
    taxa: Vec<Taxon<'r>>,
}

#[derive(Serialize)]
struct Taxon<'r> {
    id: &'r str,
}

/// Points to a taxonomy by name and by its index in `run.taxonomies`.
#[derive(Serialize)]
struct TaxonomyReference<'r> {
    name: &'r str,
    index: usize,
}

/// A rule's link to a requirement it helps meet.
#[derive(Serialize)]
struct Relationship<'r> {
    target: TaxonReference<'r>,
    kinds: [&'static str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TaxonReference<'r> {
    id: &'r str,
    index: usize,
    tool_component: TaxonomyReference<'r>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor<'r> {
    id: &'r str,
    name: &'r str,
    short_description: Message,
    full_description: Message,
    help: Help,
    default_configuration: Configuration,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    relationships: Vec<Relationship<'r>>,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
    locations: Vec<NotificationLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationLocation {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'r> {
    rule_id: &'r str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    partial_fingerprints: PartialFingerprints<'r>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression>,
    properties: ResultProperties<'r>,
}

/// The rule's fix: one replacement in the result's file.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Message,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Message,
}

/// Why a baselined or triaged (`external`) or inline-suppressed (`inSource`) result does
/// not count.
#[derive(Serialize)]
struct SarifSuppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Message>,
}

/// agate's fingerprint under a versioned key; bump the key on an algorithm change.
#[derive(Serialize)]
struct PartialFingerprints<'r> {
    #[serde(rename = "agate/v1")]
    agate: &'r str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'r> {
    severity: Severity,
    confidence: &'static str,
    ai_pattern: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    tier: Option<agate_model::Tier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ai_evidence: Option<&'r agate_model::AiEvidence>,
    status: agate_model::FindingStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    gate: Option<&'r str>,
    blocking: bool,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    sources: &'r [agate_model::FindingSource],
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample_report;

    fn rendered() -> serde_json::Value {
        let mut out = Vec::new();
        render(&sample_report(), &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn validates_against_the_sarif_2_1_0_schema() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../tests/sarif-schema-2.1.0.json")).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let sarif = rendered();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|error| format!("{} at {}", error, error.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }

    #[test]
    fn issue_9_a_fix_is_a_sarif_fix_of_one_replacement() {
        let mut report = sample_report();
        let at = |column| agate_model::Position { line: 3, column };
        report.findings[1].fix = Some(Box::new(agate_model::Fix {
            start: at(12),
            end: at(28),
            replacement: "subprocess.run(cmd)".to_owned(),
            bytes: 0..0,
            digest: String::new(),
        }));
        let mut out = Vec::new();
        render(&report, &mut out).unwrap();
        let sarif: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../tests/sarif-schema-2.1.0.json")).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        assert!(validator.is_valid(&sarif));
        let change = &sarif["runs"][0]["results"][1]["fixes"][0]["artifactChanges"][0];
        assert_eq!(
            change["artifactLocation"]["uri"],
            sarif["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]
                ["uri"]
        );
        let replacement = &change["replacements"][0];
        assert_eq!(replacement["deletedRegion"]["startColumn"], 12);
        assert_eq!(replacement["deletedRegion"]["endColumn"], 28);
        assert_eq!(
            replacement["insertedContent"]["text"],
            "subprocess.run(cmd)"
        );
        assert!(sarif["runs"][0]["results"][0].get("fixes").is_none());
    }

    #[test]
    fn results_carry_what_github_reads() {
        let sarif = rendered();
        let result = &sarif["runs"][0]["results"][1];
        assert_eq!(result["ruleId"], "py.os-system-injection");
        assert_eq!(result["level"], "error");
        let rule = &sarif["runs"][0]["tool"]["driver"]["rules"]
            [usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap()];
        assert_eq!(rule["id"], "py.os-system-injection");
        assert_eq!(rule["properties"]["security-severity"], "9.5");
        assert!(
            rule["properties"]["tags"]
                .as_array()
                .unwrap()
                .contains(&"external/cwe/cwe-78".into())
        );
        assert_eq!(
            sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                ["uri"],
            "app/my%20file.py"
        );
        assert_eq!(
            result["partialFingerprints"]["agate/v1"],
            format!("{:032x}", 7)
        );
    }

    #[test]
    fn issue_8_rules_carry_compliance_as_taxa_and_tags() {
        let sarif = rendered();
        let run = &sarif["runs"][0];
        let taxonomies = run["taxonomies"].as_array().unwrap();
        let names: Vec<&str> = taxonomies
            .iter()
            .map(|taxonomy| taxonomy["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["ASVS-4.0.3", "PCI-DSS-4"]);
        assert_eq!(taxonomies[1]["taxa"][0]["id"], "6.2.4");
        assert_eq!(
            run["tool"]["driver"]["supportedTaxonomies"][1]["name"],
            "PCI-DSS-4"
        );
        let rule = &run["tool"]["driver"]["rules"][1];
        assert_eq!(rule["id"], "py.os-system-injection");
        let target = &rule["relationships"][0]["target"];
        assert_eq!(target["id"], "6.2.4");
        assert_eq!(target["index"], 0);
        assert_eq!(target["toolComponent"]["name"], "PCI-DSS-4");
        assert_eq!(target["toolComponent"]["index"], 1);
        assert_eq!(
            rule["relationships"][1]["target"]["toolComponent"]["name"],
            "ASVS-4.0.3"
        );
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(
            tags.contains(&"compliance/PCI-DSS-4 6.2.4".into()),
            "{tags:?}"
        );
        let other = &run["tool"]["driver"]["rules"][0];
        assert!(
            other.get("relationships").is_none(),
            "no compliance, no relationships"
        );
    }

    #[test]
    fn snapshot() {
        insta::assert_json_snapshot!(rendered());
    }
}
