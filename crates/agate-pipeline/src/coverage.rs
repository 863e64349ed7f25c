//! Diff coverage: the coverage reports of the environment's gates, judged on the lines the
//! change added and the lines an AI wrote.

use std::path::Path;

use agate_external::coverage::{Coverage, LineKind, diff_coverage, line_ranges, read_coverage};
use agate_external::{ReportFileError, read_report_file, source_line};
use agate_model::{
    Analyzer, COVERAGE_RULES, Confidence, CoverageResult, CoverageSpec, Finding, FindingSource,
    Fingerprint, FingerprintInput, LineRatio, Location, Position, Severity, Tier,
};
use agate_policy::{Policy, TierMap};

/// The coverage reports read, per gate.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    gates: Vec<(CoverageSpec, Coverage)>,
    /// Gate and why, for each gate whose reports could not be read.
    pub(crate) failed: Vec<(String, String)>,
}

impl Loaded {
    /// Every file the reports cover (their lines' provenance is needed).
    pub(crate) fn files(&self) -> Vec<String> {
        self.gates
            .iter()
            .flat_map(|(_, coverage)| coverage.files.keys().cloned())
            .collect()
    }
}

/// Reads the coverage reports of the gates `environment` runs; a missing or unreadable
/// report fails its gate closed.
pub(crate) fn load(
    root: &Path,
    policy: &Policy,
    environment: Option<&str>,
    started: std::time::SystemTime,
) -> Loaded {
    let mut loaded = Loaded::default();
    let Some(environment) = policy.environment(environment) else {
        return loaded;
    };
    for gate in policy.gates_of(&environment) {
        let Some(spec) = &gate.coverage else { continue };
        // When the gate's own checks ran the tests, a report they did not write is stale.
        let fresh_after = gate
            .external
            .iter()
            .any(|check| check.command.is_some())
            .then_some(started);
        let mut merged = Coverage::default();
        for report in &spec.reports {
            let path = root.join(report);
            let read = read_report_file(&path, fresh_after)
                .map_err(|error| match error {
                    ReportFileError::Missing => "not found (did the tests write it?)".to_owned(),
                    ReportFileError::Stale => {
                        "older than this run: the tests did not write it".to_owned()
                    }
                    ReportFileError::Folder => "is a folder, not a report file".to_owned(),
                    ReportFileError::TooLarge => "is larger than 256 MiB".to_owned(),
                    ReportFileError::Unreadable(why) => format!("cannot be read: {why}"),
                })
                .and_then(|text| read_coverage(&text).map_err(|error| error.to_string()))
                .map_err(|why| format!("coverage report {}: {why}", report.display()));
            match read {
                Ok(coverage) => {
                    let base = path.parent().unwrap_or(root);
                    for (file, lines) in coverage.relative_to(root, base).files {
                        merged.files.entry(file).or_default().extend(lines);
                    }
                }
                Err(why) => loaded.failed.push((spec.gate.clone(), why)),
            }
        }
        loaded.gates.push((spec.clone(), merged));
    }
    loaded
}

/// Judges each gate's coverage against its minimums: a result per gate, and a finding for
/// each minimum not met, at the file with the most uncovered new lines.
pub(crate) fn judge(
    root: &Path,
    loaded: &Loaded,
    tiers: &TierMap,
) -> (Vec<Finding>, Vec<CoverageResult>) {
    let kind_of = |path: &str, line: u32| match tiers.tier(path, line) {
        Tier::Ai => LineKind::Ai,
        Tier::New => LineKind::New,
        Tier::Legacy => LineKind::Old,
    };
    let mut findings = Vec::new();
    let mut results = Vec::new();
    for (spec, coverage) in &loaded.gates {
        let diff = diff_coverage(coverage, kind_of);
        let ratio = |ratio: agate_external::coverage::Ratio| LineRatio {
            covered: ratio.covered,
            total: ratio.total,
        };
        results.push(CoverageResult {
            gate: spec.gate.clone(),
            new_lines: ratio(diff.new_lines),
            ai_lines: ratio(diff.ai_lines),
            new_lines_min: spec.new_lines,
            ai_lines_min: spec.ai_lines,
        });
        let [new_lines_rule, ai_lines_rule] = COVERAGE_RULES;
        for (rule, what, ratio, minimum) in [
            (new_lines_rule, "new lines", diff.new_lines, spec.new_lines),
            (
                ai_lines_rule,
                "AI-authored lines",
                diff.ai_lines,
                spec.ai_lines,
            ),
        ] {
            let (Some(minimum), Some(percent)) = (minimum, ratio.percent()) else {
                continue;
            };
            if percent >= minimum {
                continue;
            }
            let mut finding =
                below_minimum(spec, rule, what, ratio, percent, minimum, &diff.uncovered);
            finding.snippet =
                source_line(root, &finding.location.path, finding.location.start.line)
                    .unwrap_or_default();
            findings.push(finding);
        }
    }
    (findings, results)
}

fn below_minimum(
    spec: &CoverageSpec,
    rule: &str,
    what: &str,
    ratio: agate_external::coverage::Ratio,
    percent: f64,
    minimum: f64,
    uncovered: &std::collections::BTreeMap<String, Vec<u32>>,
) -> Finding {
    let mut files: Vec<(&String, &Vec<u32>)> = uncovered.iter().collect();
    files.sort_by_key(|(path, lines)| (std::cmp::Reverse(lines.len()), (*path).clone()));
    let listed: Vec<String> = files
        .iter()
        .take(5)
        .map(|(path, lines)| format!("{path} {}", line_ranges(lines)))
        .collect();
    let more = if files.len() > 5 {
        format!(" and {} more files", files.len() - 5)
    } else {
        String::new()
    };
    let (path, line) = files.first().map_or((String::new(), 1), |(path, lines)| {
        ((*path).clone(), lines[0])
    });
    let code = format!("{} {rule}", spec.gate);
    let fingerprint = Fingerprint::compute(&FingerprintInput {
        rule_id: rule,
        path: "",
        code: &code,
        scope: "",
        occurrence: 0,
    });
    let message = format!(
        "tests run {percent:.1}% of the {what} ({} of {}), below the {minimum}% minimum; not run: {}{more}",
        ratio.covered,
        ratio.total,
        listed.join("; ")
    );
    let at = Position { line, column: 1 };
    let location = Location {
        path: path.into(),
        start: at,
        end: at,
    };
    let mut finding = Finding::new(
        rule,
        Analyzer::External,
        Severity::High,
        Confidence::High,
        message,
        location,
        fingerprint,
    );
    finding.gate = Some(spec.gate.as_str().into());
    finding.sources = vec![FindingSource {
        tool: "coverage".to_owned(),
        // `coverage/new-lines` is the tool `coverage`'s rule `new-lines`.
        rule_id: rule.rsplit('/').next().unwrap_or(rule).to_owned(),
    }];
    finding
}
