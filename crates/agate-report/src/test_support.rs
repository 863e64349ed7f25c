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
                analyzer: agate_model::Analyzer::Sast,
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
                context: None,
                ai_evidence: rule_id.contains("except").then(|| {
                    Box::new(agate_model::AiEvidence {
                        source: "trailer `Co-authored-by: Claude <noreply@anthropic.com>`".into(),
                        tool: Some("Claude".into()),
                        model: None,
                        commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
                    })
                }),
                commit: None,
                status: if rule_id.contains("except") {
                    FindingStatus::Open
                } else {
                    FindingStatus::Baselined
                },
                justification: (!rule_id.contains("except"))
                    .then(|| Box::new(Justification::new("baseline", "accepted legacy risk"))),
                blocking: rule_id.contains("except"),
                sources: Vec::new(),
                fix: None,
            }
        };
    let mut report = Report {
        schema_version: REPORT_SCHEMA_VERSION,
        run: None,
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
                compliance: Vec::new(),
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
                compliance: vec!["PCI-DSS-4 6.2.4".into(), "ASVS-4.0.3 V5.3.8".into()],
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
            skipped_minified: 0,
            shard: None,
            shard_scope: None,
            shard_commit: None,
        },
        checks: Vec::new(),
        coverage: Vec::new(),
        load: Vec::new(),
        compliance: Vec::new(),
        reviews: Vec::new(),
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

/// The sample report plus what external checks add: a finding two tools agree on (with
/// markup in its message), a SonarQube condition about no file, a ZAP alert at a URL, a
/// check that ran and one that failed (its gate in error).
#[expect(
    clippy::too_many_lines,
    reason = "one sample report with every external part"
)]
pub(crate) fn external_report() -> Report {
    let mut report = sample_report();
    let base = report.findings[1].clone();
    let external =
        |rule_id: &str, path: &str, line: u32, message: &str, tools: &[(&str, &str)]| Finding {
            rule_id: rule_id.into(),
            analyzer: agate_model::Analyzer::External,
            message: message.into(),
            location: Location {
                path: path.into(),
                start: Position { line, column: 5 },
                end: Position { line, column: 25 },
            },
            snippet: if path.contains("://") || path.is_empty() {
                String::new()
            } else {
                "    eval(request.args[\"q\"])".into()
            },
            cwe: vec!["CWE-95".into()],
            fingerprint: Fingerprint::from_hex(format!("{:032x}", line + 1000)),
            status: FindingStatus::Open,
            justification: None,
            blocking: true,
            tier: Some(Tier::New),
            context: None,
            ai_evidence: None,
            severity: Severity::High,
            sources: tools
                .iter()
                .map(|(tool, rule)| agate_model::FindingSource {
                    tool: (*tool).into(),
                    rule_id: (*rule).into(),
                })
                .collect(),
            ..base.clone()
        };
    report.findings.push(external(
        "semgrep/python.eval",
        "app/views.py",
        20,
        "eval of <script>alert(1)</script> | request data",
        &[("semgrep", "python.eval"), ("bandit", "B307")],
    ));
    report.findings.push(external(
        "sonar/new_coverage",
        "",
        1,
        "SonarQube quality gate: new_coverage is 42.5 but must be at least 80",
        &[("sonar", "new_coverage")],
    ));
    report.findings.push(external(
        "zap/10038-1",
        "http://localhost:8080/login",
        1,
        "Content Security Policy (CSP) Header Not Set (GET http://localhost:8080/login)",
        &[("zap", "10038-1")],
    ));
    report.checks = vec![
        agate_model::CheckRun {
            name: "semgrep".into(),
            gate: "security".into(),
            format: agate_model::ToolFormat::Sarif,
            command: vec!["semgrep".into(), "scan".into(), "--sarif".into()],
            status: agate_model::CheckStatus::Ok,
            exit_code: Some(0),
            duration_ms: 2300,
            findings: 1,
            truncated: 0,
            error: None,
            stdout: String::new(),
            stderr: "Ran 1 rule on 3 files".into(),
        },
        agate_model::CheckRun {
            name: "zap".into(),
            gate: "security".into(),
            format: agate_model::ToolFormat::Zap,
            command: vec!["zap-baseline.py".into()],
            status: agate_model::CheckStatus::Error,
            exit_code: Some(3),
            duration_ms: 900,
            findings: 1,
            truncated: 0,
            error: Some("exited with code 3, not 0 or 1: target unreachable".into()),
            stdout: String::new(),
            stderr: "target unreachable".into(),
        },
    ];
    if let Some(verdict) = &mut report.verdict {
        let security = &mut verdict.gates[1];
        security.status = GateStatus::Fail;
        security.counts.blocking = 3;
        security.counts.blocking_new = 3;
        security.reasons = vec![
            "3 findings at or above the threshold of their tier (ai 0, new 3, legacy 0)".into(),
            "check `zap` failed: exited with code 3, not 0 or 1: target unreachable".into(),
        ];
    }
    report.coverage = vec![agate_model::CoverageResult {
        gate: "tests".into(),
        new_lines: agate_model::LineRatio {
            covered: 3,
            total: 5,
        },
        ai_lines: agate_model::LineRatio::default(),
        new_lines_min: Some(80.0),
        ai_lines_min: None,
    }];
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report
}
