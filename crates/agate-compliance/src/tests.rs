use std::fmt::Write as _;

use agate_model::{
    Analyzer, Confidence, ControlStatus, Evidence, Finding, FindingStatus, Fingerprint,
    FingerprintInput, GateCounts, GateMode, GateResult, GateStatus, Justification, Location,
    Position, Severity,
};

use crate::{CatalogueRule, Pack, Packs, Run, evaluate, unmet};

fn rule(id: &str, analyzer: Analyzer, cwe: &[&str], gate: Option<&str>) -> CatalogueRule {
    CatalogueRule {
        id: id.to_owned(),
        analyzer,
        cwe: cwe.iter().map(|&cwe| cwe.to_owned()).collect(),
        owasp: Vec::new(),
        compliance: Vec::new(),
        gate: gate.map(str::to_owned),
    }
}

fn finding(rule_id: &str, path: &str, line: u32) -> Finding {
    let fingerprint = Fingerprint::compute(&FingerprintInput {
        rule_id,
        path,
        code: "code",
        scope: "",
        occurrence: 0,
    });
    Finding::new(
        rule_id,
        Analyzer::Sast,
        Severity::High,
        Confidence::High,
        "message",
        Location {
            path: path.into(),
            start: Position { line, column: 1 },
            end: Position { line, column: 5 },
        },
        fingerprint,
    )
}

fn gate(name: &str, status: GateStatus) -> GateResult {
    GateResult {
        name: name.to_owned(),
        mode: GateMode::Block,
        status,
        counts: GateCounts::default(),
        reasons: if status == GateStatus::Error {
            vec!["some files could not be checked".to_owned()]
        } else {
            Vec::new()
        },
    }
}

const PACK: &str = r#"
id: team
tag: TEAM
title: Team rules
controls:
  - id: "1"
    title: injection
    evidence:
      cwe: ["CWE-89"]
  - id: "2"
    title: by glob
    evidence:
      rules: ["py.*-injection"]
  - id: "3"
    title: nothing maps
    evidence:
      cwe: ["CWE-1"]
  - id: "4"
    title: needs the functional gate
    evidence:
      gates: [functional]
  - id: "5"
    title: by the rule's own metadata
  - id: "6"
    title: deps ran
    evidence:
      analyzers: [deps]
"#;

#[test]
fn issue_12_every_bundled_pack_parses_with_the_standards_numbering() {
    let packs = Packs::bundled().unwrap();
    assert_eq!(
        packs.ids(),
        [
            "pci-dss-4",
            "owasp-top10-2021",
            "cwe-top25-2024",
            "owasp-llm-top10-2025"
        ]
    );
    let pci = packs.get("pci-dss-4").unwrap();
    for id in [
        "3.3.1", "3.4.1", "3.5.1", "4.2.1", "6.2.4", "6.3.1", "6.3.2", "6.3.3", "8.3.1", "8.6.2",
        "10.2.1",
    ] {
        assert!(pci.control(id).is_some(), "{id}");
    }
    let owasp = packs.get("owasp-top10-2021").unwrap();
    assert_eq!(owasp.controls.len(), 10);
    assert_eq!(owasp.controls[0].id, "A01:2021");
    assert_eq!(owasp.controls[9].id, "A10:2021");
    let cwe = packs.get("cwe-top25-2024").unwrap();
    assert_eq!(cwe.controls.len(), 25);
    assert_eq!(
        cwe.control_ids()[..3],
        ["CWE-79", "CWE-787", "CWE-89"],
        "in ranking order"
    );
    assert_eq!(cwe.controls[24].id, "CWE-306");
    let llm = packs.get("owasp-llm-top10-2025").unwrap();
    assert_eq!(llm.controls.len(), 10);
    assert_eq!(llm.controls[9].id, "LLM10:2025");
}

#[test]
fn issue_12_a_pack_error_names_its_line() {
    let error = Pack::parse(
        "team.yaml",
        "id: t\ntag: T\ntitle: x\ncontrols:\n  - id: a\n    title: b\n    evidence:\n      rulez: [x]\n",
    )
    .unwrap_err();
    assert_eq!((error.file.as_str(), error.line), ("team.yaml", 8));
    assert!(error.message.contains("unknown key `rulez`"), "{error}");

    let error = Pack::parse(
        "team.yaml",
        "id: t\ntag: T\ntitle: x\ncontrols:\n  - id: a\n    title: b\n    evidence:\n      analyzers: [sats]\n",
    )
    .unwrap_err();
    assert_eq!(error.line, 8);
    assert!(error.help.contains("sast"), "{error}");

    let error = Pack::parse(
        "team.yaml",
        "id: t\ntag: T\ntitle: x\ncontrols:\n  - id: a\n    title: b\n  - id: a\n    title: c\n",
    )
    .unwrap_err();
    assert_eq!(error.line, 7);
    assert!(error.message.contains("twice"), "{error}");

    let error = Pack::parse(
        "team.yaml",
        "id: t\ntag: T\ntitle: x\ncontrols:\n  - id: a\n    title: b\n    evidence:\n      cwe: [89]\n",
    )
    .unwrap_err();
    assert!(error.message.contains("not a CWE id"), "{error}");
}

#[test]
fn issue_12_each_status_rests_on_its_evidence() {
    let pack = Pack::parse("team.yaml", PACK).unwrap();
    let mut tagged = rule("java.thing", Analyzer::Sast, &[], Some("security"));
    tagged.compliance = vec!["TEAM 5".to_owned(), "OTHER 5".to_owned()];
    let rules = [
        rule(
            "py.sql-injection",
            Analyzer::Sast,
            &["CWE-89"],
            Some("security"),
        ),
        rule(
            "py.command-injection",
            Analyzer::Sast,
            &["CWE-78"],
            Some("security"),
        ),
        tagged,
        rule(
            "deps.known-vulnerability",
            Analyzer::Deps,
            &[],
            Some("security"),
        ),
    ];
    let mut accepted = finding("py.command-injection", "tool.py", 4);
    accepted.status = FindingStatus::Baselined;
    accepted.justification = Some(Box::new(Justification::new(
        "baseline",
        "reviewed: argv is constant",
    )));
    let findings = [finding("py.sql-injection", "app.py", 3), accepted];
    let analyzers = [
        (Analyzer::Sast, Some("security".to_owned())),
        (Analyzer::Deps, Some("security".to_owned())),
    ];
    let gates = [gate("security", GateStatus::Fail)];
    let run = Run {
        environment: "staging",
        rules: &rules,
        analyzers: &analyzers,
        gates: &gates,
        findings: &findings,
        files: 7,
    };
    let results = evaluate(&pack, &run);
    let status: Vec<(&str, ControlStatus)> = results
        .iter()
        .map(|control| (control.id.as_str(), control.status))
        .collect();
    assert_eq!(
        status,
        [
            ("1", ControlStatus::Fail),
            ("2", ControlStatus::Fail),
            ("3", ControlStatus::NotCovered),
            ("4", ControlStatus::Error),
            ("5", ControlStatus::Pass),
            ("6", ControlStatus::Pass),
        ]
    );
    // The failing finding, with where it is.
    let Evidence::Finding(open) = &results[0].evidence[0] else {
        panic!("{:?}", results[0].evidence);
    };
    assert_eq!(
        (open.rule.as_str(), open.path.as_str(), open.line),
        ("py.sql-injection", "app.py", 3)
    );
    // The accepted finding is listed with its reason, never failing.
    assert!(results[1].evidence.iter().any(|evidence| matches!(
        evidence,
        Evidence::Finding(finding) if finding.status == FindingStatus::Baselined
            && finding.justification.as_deref() == Some("reviewed: argv is constant")
    )));
    // The error says which gate.
    assert!(
        matches!(&results[3].evidence[0], Evidence::Missing { reason } if reason.contains("gate `functional` did not run in environment `staging`")),
        "{:?}",
        results[3].evidence
    );
    // A pass lists the evidence that ran.
    assert_eq!(
        results[4].evidence,
        [Evidence::Rules {
            ids: vec!["java.thing".to_owned()],
            files: 7,
            findings: 0
        }]
    );
    assert!(results[5].evidence.contains(&Evidence::Analyzer {
        name: "deps".to_owned()
    }));
}

#[test]
fn issue_12_an_accepted_finding_alone_passes_and_an_errored_gate_errors() {
    let pack = Pack::parse("team.yaml", PACK).unwrap();
    let rules = [rule(
        "py.sql-injection",
        Analyzer::Sast,
        &["CWE-89"],
        Some("security"),
    )];
    let mut suppressed = finding("py.sql-injection", "app.py", 3);
    suppressed.status = FindingStatus::Suppressed;
    let analyzers = [(Analyzer::Sast, Some("security".to_owned()))];
    let run = |gates: &[GateResult]| {
        evaluate(
            &pack,
            &Run {
                environment: "ci",
                rules: &rules,
                analyzers: &analyzers,
                gates,
                findings: std::slice::from_ref(&suppressed),
                files: 1,
            },
        )
    };
    let passed = run(&[gate("security", GateStatus::Pass)]);
    assert_eq!(passed[0].status, ControlStatus::Pass);
    let errored = run(&[gate("security", GateStatus::Error)]);
    assert_eq!(errored[0].status, ControlStatus::Error);
    assert!(
        matches!(&errored[0].evidence[0], Evidence::Missing { reason } if reason.contains("gate `security` is in error: some files could not be checked"))
    );
}

#[test]
fn issue_12_a_control_lists_a_bounded_number_of_findings_and_counts_them_all() {
    // Thousands of controls each listing every one of thousands of findings made a
    // report of gigabytes from one of megabytes.
    let pack = Pack::parse("team.yaml", PACK).unwrap();
    let rules = [rule(
        "py.sql-injection",
        Analyzer::Sast,
        &["CWE-89"],
        Some("security"),
    )];
    let analyzers = [(Analyzer::Sast, Some("security".to_owned()))];
    let findings: Vec<Finding> = (1..=400)
        .map(|line| {
            let mut found = finding("py.sql-injection", "app.py", line);
            if line > 250 {
                found.status = FindingStatus::Triaged;
            }
            found
        })
        .collect();
    let results = evaluate(
        &pack,
        &Run {
            environment: "ci",
            rules: &rules,
            analyzers: &analyzers,
            gates: &[gate("security", GateStatus::Fail)],
            findings: &findings,
            files: 1,
        },
    );
    let listed = |open: bool| {
        results[0]
            .evidence
            .iter()
            .filter(|evidence| {
                matches!(evidence, Evidence::Finding(found) if found.status.is_open() == open)
            })
            .count()
    };
    assert_eq!(results[0].status, ControlStatus::Fail);
    assert_eq!(listed(true), crate::MAX_LISTED_FINDINGS);
    assert_eq!(listed(false), crate::MAX_LISTED_FINDINGS);
    assert!(
        results[0]
            .evidence
            .iter()
            .any(|evidence| matches!(evidence, Evidence::Rules { findings: 400, .. })),
        "{:?}",
        results[0].evidence
    );
}

#[test]
fn issue_12_an_ungated_analyzer_is_no_evidence_that_counts() {
    let pack = Pack::parse("team.yaml", PACK).unwrap();
    let rules = [rule("py.sql-injection", Analyzer::Sast, &["CWE-89"], None)];
    let analyzers = [(Analyzer::Sast, None)];
    let results = evaluate(
        &pack,
        &Run {
            environment: "dev",
            rules: &rules,
            analyzers: &analyzers,
            gates: &[],
            findings: &[],
            files: 1,
        },
    );
    assert_eq!(results[0].status, ControlStatus::Error);
}

#[test]
fn issue_12_a_team_pack_of_a_known_id_extends_the_framework() {
    let mut packs = Packs::bundled().unwrap();
    let extension = Pack::parse(
        "ours.yaml",
        "id: pci-dss-4\ntag: PCI-DSS-4\ntitle: ours\ncontrols:\n  - id: \"6.2.4\"\n    title: x\n    evidence:\n      rules: [acme.*]\n  - id: \"12.1.1\"\n    title: policy\n",
    )
    .unwrap();
    packs.add("ours.yaml", extension).unwrap();
    let pci = packs.get("pci-dss-4").unwrap();
    let control = pci.control("6.2.4").unwrap();
    assert!(control.evidence.names_rule("acme.raw-sql"));
    assert!(control.evidence.cwe.contains(&"CWE-89".to_owned()));
    assert!(pci.control("12.1.1").is_some());
    assert_eq!(pci.title, "PCI DSS v4.0");

    let wrong = Pack::parse(
        "ours.yaml",
        "id: pci-dss-4\ntag: PCI\ntitle: ours\ncontrols: []\n",
    )
    .unwrap();
    let error = packs.add("ours.yaml", wrong).unwrap_err();
    assert!(error.to_string().contains("tag: PCI-DSS-4"), "{error}");
}

#[test]
fn issue_12_a_pack_of_many_controls_is_read_and_joined_without_searching_each() {
    // A 1 MiB pack holds forty thousand controls: each was checked against every other.
    let mut text = String::from("id: big\ntag: BIG\ntitle: t\ncontrols:\n");
    for index in 0..40_000 {
        let _ = writeln!(text, "- {{id: c{index}, title: t}}");
    }
    let pack = Pack::parse("big.yaml", &text).unwrap();
    assert_eq!(pack.controls.len(), 40_000);
    let mut packs = Packs::bundled().unwrap();
    packs.add("big.yaml", pack.clone()).unwrap();
    let mut again = pack;
    again.controls[0].evidence = Pack::parse(
        "x.yaml",
        "id: big\ntag: BIG\ntitle: t\ncontrols:\n- {id: c0, title: t, evidence: {rules: [py.x]}}\n",
    )
    .unwrap()
    .controls[0]
        .evidence
        .clone();
    packs.add("again.yaml", again).unwrap();
    let big = packs.get("big").unwrap();
    assert_eq!(
        big.controls.len(),
        40_000,
        "the same ids extend, not append"
    );
    assert!(big.control("c0").unwrap().evidence.names_rule("py.x"));
    let twice = Pack::parse(
        "t.yaml",
        "id: t\ntag: T\ntitle: t\ncontrols:\n- {id: a, title: t}\n- {id: b, title: t}\n- {id: a, title: t}\n",
    )
    .unwrap_err();
    assert_eq!(twice.line, 7, "{twice}");
    assert!(twice.message.contains("listed twice"), "{twice}");
}

#[test]
fn issue_12_unmet_names_required_controls() {
    let pack = Pack::parse("team.yaml", PACK).unwrap();
    let rules = [rule(
        "py.sql-injection",
        Analyzer::Sast,
        &["CWE-89"],
        Some("security"),
    )];
    let findings = [finding("py.sql-injection", "app.py", 3)];
    let analyzers = [(Analyzer::Sast, Some("security".to_owned()))];
    let controls = evaluate(
        &pack,
        &Run {
            environment: "ci",
            rules: &rules,
            analyzers: &analyzers,
            gates: &[gate("security", GateStatus::Fail)],
            findings: &findings,
            files: 1,
        },
    );
    let matrix = agate_model::ComplianceMatrix {
        framework: "team".to_owned(),
        title: "Team".to_owned(),
        run: agate_model::ComplianceRun {
            commit: None,
            time: "2026-01-01T00:00:00Z".to_owned(),
            policy_digest: None,
            environment: "ci".to_owned(),
            gates: Vec::new(),
            tools: Vec::new(),
        },
        summary: agate_model::ControlSummary::of(&controls),
        controls,
    };
    let all = unmet(&matrix, None);
    assert_eq!(
        all.failing,
        [
            "control `1` of `team` fails: 1 open finding",
            "control `2` of `team` fails: 1 open finding",
            "control `3` of `team` is not covered: no rule, analyzer or gate of this run is evidence for it",
            "control `5` of `team` is not covered: no rule, analyzer or gate of this run is evidence for it",
            "control `6` of `team` is not covered: no rule, analyzer or gate of this run is evidence for it",
        ]
    );
    assert_eq!(all.erroring.len(), 1);
    assert!(all.erroring[0].starts_with("control `4` of `team` is in error: gate `functional`"));
    let one = unmet(&matrix, Some(&["5".to_owned()]));
    assert_eq!(one.failing.len(), 1);
    assert!(one.erroring.is_empty());
}
