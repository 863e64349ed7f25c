//! One finding where several tools agree: the same gate, file, line and a shared CWE.

use std::collections::HashMap;

use agate_model::{Finding, FindingSource};

/// Merges findings of different tools that share a gate (`gate_of`), a path, a start line
/// and a CWE into the first of them (agate's own before external ones), which keeps its
/// fingerprint and takes the highest severity and every source. The order of `findings`
/// changes; the caller sorts.
pub(crate) fn merge_sources(
    findings: &mut Vec<Finding>,
    gate_of: impl Fn(&Finding) -> Option<String>,
) {
    // agate's own findings first, so they stay the primary and keep their fingerprints.
    findings.sort_by_key(|finding| !finding.sources.is_empty());
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut at: HashMap<(Option<String>, String, u32), Vec<usize>> = HashMap::new();
    for finding in findings.drain(..) {
        // Without a CWE a finding can agree with nothing.
        if finding.cwe.is_empty() {
            kept.push(finding);
            continue;
        }
        let key = (
            gate_of(&finding),
            finding.location.path.clone(),
            finding.location.start.line,
        );
        let candidates = at.entry(key).or_default();
        let partner = candidates.iter().copied().find(|&index| {
            let other = &kept[index];
            other.cwe.iter().any(|cwe| finding.cwe.contains(cwe))
                && !tools(other).any(|tool| tools(&finding).any(|mine| mine == tool))
        });
        let Some(index) = partner else {
            candidates.push(kept.len());
            kept.push(finding);
            continue;
        };
        let primary = &mut kept[index];
        if primary.sources.is_empty() {
            primary.sources = vec![FindingSource {
                tool: AGATE.to_owned(),
                rule_id: primary.rule_id.clone(),
            }];
        }
        primary.severity = primary.severity.max(finding.severity);
        for cwe in finding.cwe {
            if !primary.cwe.contains(&cwe) {
                primary.cwe.push(cwe);
            }
        }
        primary.sources.extend(finding.sources);
    }
    *findings = kept;
}

/// The tool agate's own findings count as.
const AGATE: &str = "agate";

/// The tools that reported a finding; agate's own findings record none and are `agate`'s.
fn tools(finding: &Finding) -> impl Iterator<Item = &str> {
    let own = finding.sources.is_empty().then_some(AGATE);
    own.into_iter()
        .chain(finding.sources.iter().map(|source| source.tool.as_str()))
}
