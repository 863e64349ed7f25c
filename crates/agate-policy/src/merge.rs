//! One finding where several tools agree: the same gate, file, line and a shared CWE.

use std::collections::{HashMap, HashSet};

use agate_model::{Finding, FindingSource, Text};

/// Where a finding is, for agreement: its gate, path and start line.
type Place = (Option<Text>, Text, u32);

/// Merges findings of different tools that share a gate (`gate_of`), a path, a start line
/// and a CWE into the first of them (agate's own before external ones), which keeps its
/// fingerprint and takes the highest severity and every source. The order of `findings`
/// changes; the caller sorts.
pub(crate) fn merge_sources(
    findings: &mut Vec<Finding>,
    gate_of: impl Fn(&Finding) -> Option<Text>,
) {
    let place = |finding: &Finding| -> Place {
        (
            gate_of(finding),
            finding.location.path.clone(),
            finding.location.start.line,
        )
    };
    // Tools can only agree where an external check reported something with a CWE: only
    // the findings at those places take part, the rest (often all of them) stay untouched
    // and nothing is copied or indexed for them.
    let external: HashSet<Place> = findings
        .iter()
        .filter(|finding| !finding.sources.is_empty() && !finding.cwe.is_empty())
        .map(place)
        .collect();
    if external.is_empty() {
        return;
    }
    let mut taking: Vec<Finding> = findings
        .extract_if(.., |finding| {
            !finding.cwe.is_empty() && external.contains(&place(finding))
        })
        .collect();
    // agate's own findings first, so they stay the primary and keep their fingerprints.
    taking.sort_by_key(|finding| !finding.sources.is_empty());
    let mut kept: Vec<Finding> = Vec::with_capacity(taking.len());
    let mut at: HashMap<Place, Vec<usize>> = HashMap::new();
    for finding in taking {
        let candidates = at.entry(place(&finding)).or_default();
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
                rule_id: primary.rule_id.to_string(),
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
    findings.extend(kept);
}

/// The tool agate's own findings count as.
const AGATE: &str = "agate";

/// The tools that reported a finding; agate's own findings record none and are `agate`'s.
fn tools(finding: &Finding) -> impl Iterator<Item = &str> {
    let own = finding.sources.is_empty().then_some(AGATE);
    own.into_iter()
        .chain(finding.sources.iter().map(|source| source.tool.as_str()))
}
