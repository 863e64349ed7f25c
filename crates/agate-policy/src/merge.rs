//! One finding where several tools agree: the same gate, file, line and a shared CWE.

use std::collections::HashMap;

use agate_model::{Finding, FindingSource};

/// Merges findings of different tools that share a gate (`gate_of`), a path, a start line
/// and a CWE into the first of them (agate's own before external ones), which keeps its
/// fingerprint and takes the highest severity and every source.
pub(crate) fn merge_sources(
    findings: &mut Vec<Finding>,
    gate_of: impl Fn(&Finding) -> Option<String>,
) {
    // agate's own findings first, so they stay the primary and keep their fingerprints.
    findings.sort_by_key(|finding| !finding.sources.is_empty());
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut at: HashMap<(Option<String>, String, u32), Vec<usize>> = HashMap::new();
    for finding in findings.drain(..) {
        let key = (
            gate_of(&finding),
            finding.location.path.clone(),
            finding.location.start.line,
        );
        let candidates = at.entry(key).or_default();
        let tools = sources_of(&finding);
        let partner = (!finding.cwe.is_empty())
            .then(|| {
                candidates.iter().copied().find(|&index| {
                    let other = &kept[index];
                    other.cwe.iter().any(|cwe| finding.cwe.contains(cwe))
                        && !sources_of(other)
                            .iter()
                            .any(|source| tools.iter().any(|tool| tool.tool == source.tool))
                })
            })
            .flatten();
        if let Some(index) = partner {
            let primary = &mut kept[index];
            if primary.sources.is_empty() {
                primary.sources = sources_of(primary);
            }
            primary.sources.extend(tools);
            primary.severity = primary.severity.max(finding.severity);
            for cwe in finding.cwe {
                if !primary.cwe.contains(&cwe) {
                    primary.cwe.push(cwe);
                }
            }
        } else {
            candidates.push(kept.len());
            kept.push(finding);
        }
    }
    kept.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    *findings = kept;
}

/// A finding's sources; agate's own findings have none recorded and count as `agate`.
fn sources_of(finding: &Finding) -> Vec<FindingSource> {
    if finding.sources.is_empty() {
        vec![FindingSource {
            tool: "agate".to_owned(),
            rule_id: finding.rule_id.clone(),
        }]
    } else {
        finding.sources.clone()
    }
}
