//! The order in which findings deserve attention, for formats that show only the top
//! ones (GitHub's annotation limits, summaries, comments).

use std::cmp::Reverse;

use agate_model::{Confidence, Finding, Report, Tier};

/// Findings most important first: blocking, then open, then by tier (AI before new before
/// legacy), severity, confidence, and place.
pub fn ranked(report: &Report) -> Vec<&Finding> {
    let mut findings: Vec<&Finding> = report.findings.iter().collect();
    findings.sort_by_key(|finding| {
        (
            Reverse(finding.blocking),
            Reverse(finding.status.is_open()),
            tier_rank(finding.tier),
            Reverse(finding.severity),
            Reverse(confidence_rank(finding.confidence)),
            finding.sort_key(),
        )
    });
    findings
}

fn tier_rank(tier: Option<Tier>) -> u8 {
    match tier {
        Some(Tier::Ai) => 0,
        Some(Tier::New) => 1,
        Some(Tier::Legacy) => 2,
        None => 3,
    }
}

fn confidence_rank(confidence: Confidence) -> u8 {
    match confidence {
        Confidence::High => 2,
        Confidence::Medium => 1,
        Confidence::Low => 0,
    }
}
