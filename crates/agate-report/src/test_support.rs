//! A report with a bit of everything, shared by the renderer snapshots.

use agate_model::{
    Confidence, Finding, FindingStatus, Fingerprint, GateCounts, GateMode, GateResult, GateStatus,
    Justification, Location, Notice, NoticeLevel, Position, REPORT_SCHEMA_VERSION, Report,
    RuleDescriptor, ScanStats, Severity, Tier, Tool, Verdict, VerdictStatus,
};

#[expect(
    clippy::too_many_lines,
    reason = "one sample report with a bit of everything"
)]
pub(crate) fn sample_report() -> Report {
    let finding =
        |rule_id: &str, severity, path: &str, line, (start, end), snippet: &str, message: &str| {
            Finding {
                rule_id: rule_id.into(),
                analyzer: "sast".into(),
                severity,
                confidence: Confidence::High,
                message: message.into(),
                location: Location {
                    path: path.into(),
                    start: Position {
                        line,
                        column: start,
                    },
                    end: Position { line, column: end },
                },
                snippet: snippet.into(),
                cwe: if rule_id.contains("except") {
                    vec![]
                } else {
                    vec!["CWE-78".into()]
                },
                owasp: vec![],
                ai_pattern: rule_id.contains("except"),
                fingerprint: Fingerprint::from_hex(format!("{line:032x}")),
                gate: Some(
                    if rule_id.contains("except") {
                        "provenance-lint"
                    } else {
                        "security"
                    }
                    .into(),
                ),
                tier: Some(if rule_id.contains("except") {
                    Tier::Ai
                } else {
                    Tier::Legacy
                }),
                ai_evidence: rule_id.contains("except").then(|| agate_model::AiEvidence {
                    source: "trailer `Co-authored-by: Claude <noreply@anthropic.com>`".into(),
                    tool: Some("Claude".into()),
                    model: None,
                    commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
                }),
                commit: None,
                status: if rule_id.contains("except") {
                    FindingStatus::Open
                } else {
                    FindingStatus::Baselined
                },
                justification: (!rule_id.contains("except")).then(|| Justification {
                    source: "baseline".into(),
                    reason: "accepted legacy risk".into(),
                    until: None,
                }),
                blocking: rule_id.contains("except"),
                sources: Vec::new(),
            }
        };
    let mut report = Report {
        schema_version: REPORT_SCHEMA_VERSION,
        tool: Tool {
            name: "agate".into(),
            version: "0.1.0".into(),
        },
        findings: vec![
            finding(
                "py.broad-except",
                Severity::Medium,
                "app/my file.py",
                12,
                (1, 18),
                "except Exception:\n    pass",
                "`except Exception` swallows every error",
            ),
            finding(
                "py.os-system-injection",
                Severity::Critical,
                "app/views.py",
                7,
                (5, 40),
                "    os.system(\"tar czf \" + name + \".tgz\")",
                "`os.system` runs a shell command built from data",
            ),
        ],
        rules: vec![
            RuleDescriptor {
                id: "py.broad-except".into(),
                language: "python".into(),
                summary: "a broad exception handler swallows errors".into(),
                help: "## Why it matters\nErrors vanish.\n## How to fix\nCatch what you expect."
                    .into(),
                severity: Severity::Medium,
                confidence: Confidence::High,
                cwe: vec![],
                owasp: vec![],
                ai_pattern: true,
            },
            RuleDescriptor {
                id: "py.os-system-injection".into(),
                language: "python".into(),
                summary: "shell command built from data".into(),
                help: "## How to fix\nUse `subprocess.run([...])`.".into(),
                severity: Severity::Critical,
                confidence: Confidence::High,
                cwe: vec!["CWE-78".into()],
                owasp: vec!["A03:2021".into()],
                ai_pattern: false,
            },
        ],
        notices: vec![Notice {
            level: NoticeLevel::Warning,
            path: Some("legacy/broken.py".into()),
            message: "syntax error near line 3; scanned the parts that parse".into(),
        }],
        stats: ScanStats {
            files: 3,
            bytes: 4096,
            rules: 80,
            duration_ms: 12,
        },
        checks: Vec::new(),
        verdict: None,
    };
    report.verdict = Some(Verdict {
        status: VerdictStatus::Blocked,
        environment: "staging".into(),
        gates: vec![
            GateResult {
                name: "provenance-lint".into(),
                mode: GateMode::Block,
                status: GateStatus::Fail,
                counts: GateCounts {
                    blocking: 1,
                    blocking_ai: 1,
                    ..GateCounts::default()
                },
                reasons: vec![
                    "1 finding at or above the threshold of its tier (ai 1, new 0, legacy 0)"
                        .into(),
                ],
            },
            GateResult {
                name: "security".into(),
                mode: GateMode::Block,
                status: GateStatus::Pass,
                counts: GateCounts {
                    baselined: 1,
                    ..GateCounts::default()
                },
                reasons: vec![],
            },
        ],
    });
    report
}
