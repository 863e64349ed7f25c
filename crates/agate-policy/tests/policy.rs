//! Configuration loading, inheritance with locks, and decisions, on real files.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use agate_model::{
    AiEvidence, CodeContext, Confidence, Finding, FindingStatus, Fingerprint, GateStatus, Location,
    Position, Severity, Tier, VerdictStatus,
};
use agate_policy::{
    Baseline, Date, Origin, Overrides, Policy, PolicyError, RunContext, TierMap, Unscannable,
    apply, load, parse_suppressions, resolve,
};

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn policy_from(dir: &Path, file: &str) -> Result<Policy, PolicyError> {
    let layers = load(&dir.join(file))?;
    resolve(&layers, &Overrides::default())
}

fn error_text(dir: &Path, file: &str) -> String {
    let text = policy_from(dir, file).unwrap_err().to_string();
    text.replace(&dir.display().to_string(), "[DIR]")
}

#[test]
fn unknown_key_names_file_line_and_suggests() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "agate.yaml",
        "version: 1\ntiers:\n  ai:\n    blok_at: low\n",
    );
    assert_eq!(
        error_text(dir.path(), "agate.yaml"),
        "[DIR]/agate.yaml:4:5: unknown key `blok_at` in `tiers.ai`\n  help: did you mean `block_at`? expected one of: block_at, baseline, suppress"
    );
}

#[test]
fn bad_values_and_unknown_gates_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.yaml",
        "tiers:\n  new:\n    block_at: severe\n",
    );
    let text = error_text(dir.path(), "a.yaml");
    assert!(
        text.starts_with(
            "[DIR]/a.yaml:3:15: `severe` is not a valid value for `tiers.new.block_at`"
        ),
        "{text}"
    );
    write(
        dir.path(),
        "b.yaml",
        "environments:\n  staging:\n    gates: [security, secrets]\n",
    );
    let text = error_text(dir.path(), "b.yaml");
    assert!(
        text.contains("b.yaml:3:5: unknown gate `secrets` in `environments.staging.gates`"),
        "{text}"
    );
    write(
        dir.path(),
        "c.yaml",
        "gates:\n  security:\n    analyzers: [sats]\n",
    );
    let text = error_text(dir.path(), "c.yaml");
    assert!(
        text.contains("unknown analyzer `sats`") && text.contains("did you mean `sast`?"),
        "{text}"
    );
}

#[test]
fn team_cannot_turn_off_a_locked_gate() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "org/base.yaml",
        "locked: [gates.security, tiers.ai]\n",
    );
    write(
        dir.path(),
        "agate.yaml",
        "extends: [org/base.yaml]\ngates:\n  security: off\n",
    );
    let text = error_text(dir.path(), "agate.yaml");
    assert!(
        text.starts_with(
            "[DIR]/agate.yaml:3:13: `gates.security` is locked by [DIR]/org/base.yaml:1:10"
        ),
        "{text}"
    );
}

#[test]
fn a_locked_sign_off_requirement_cannot_be_dropped_or_widened() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "org/base.yaml",
        "provenance:\n  require_signoff: true\n  approvers: ['*@bank.example']\nlocked: [provenance]\n",
    );
    write(
        dir.path(),
        "agate.yaml",
        "extends: [org/base.yaml]\nprovenance:\n  require_signoff: false\n",
    );
    let text = error_text(dir.path(), "agate.yaml");
    assert!(
        text.contains("`provenance.require_signoff` is locked by [DIR]/org/base.yaml"),
        "{text}"
    );
    write(
        dir.path(),
        "agate.yaml",
        "extends: [org/base.yaml]\nprovenance:\n  approvers: ['*@bank.example', '*@contractor.example']\n",
    );
    let text = error_text(dir.path(), "agate.yaml");
    assert!(text.contains("`provenance.approvers` is locked"), "{text}");
    write(
        dir.path(),
        "agate.yaml",
        "extends: [org/base.yaml]\nprovenance:\n  approvers: ['ana@bank.example']\n",
    );
    let policy = policy_from(dir.path(), "agate.yaml").unwrap();
    assert!(policy.require_signoff());
    assert!(policy.approves("ANA@bank.example"), "narrowing is allowed");
    assert!(!policy.approves("bob@bank.example"));
}

#[test]
fn issue_7_unscannable_files_fail_closed_unless_an_unlocked_policy_says_warn() {
    let dir = tempfile::tempdir().unwrap();
    let built_in = resolve(&[], &Overrides::default()).unwrap();
    assert_eq!(built_in.unscannable(), Unscannable::Error);
    write(dir.path(), "warn.yaml", "unscannable: warn\n");
    let policy = policy_from(dir.path(), "warn.yaml").unwrap();
    assert_eq!(policy.unscannable(), Unscannable::Warn);
    assert!(
        policy
            .explain()
            .iter()
            .any(|(key, value, origin)| key == "unscannable"
                && value == "warn"
                && origin.to_string().ends_with("warn.yaml"))
    );
    write(dir.path(), "bad.yaml", "unscannable: ignore\n");
    let text = error_text(dir.path(), "bad.yaml");
    assert!(text.contains("bad.yaml:1:14"), "{text}");
    assert!(text.contains("`ignore`"), "{text}");
    write(
        dir.path(),
        "org/base.yaml",
        "unscannable: error\nlocked: [unscannable]\n",
    );
    write(
        dir.path(),
        "agate.yaml",
        "extends: [org/base.yaml]\nunscannable: warn\n",
    );
    let text = error_text(dir.path(), "agate.yaml");
    assert!(
        text.contains("`unscannable` is locked by [DIR]/org/base.yaml"),
        "{text}"
    );
    write(
        dir.path(),
        "agate.yaml",
        "extends: [org/base.yaml]\nunscannable: error\n",
    );
    assert_eq!(
        policy_from(dir.path(), "agate.yaml").unwrap().unscannable(),
        Unscannable::Error
    );
}

#[test]
fn team_may_tighten_but_not_loosen_a_locked_tier() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "org.yaml",
        "tiers:\n  legacy: { block_at: high }\nlocked: [tiers]\n",
    );
    write(
        dir.path(),
        "tight.yaml",
        "extends: [org.yaml]\ntiers:\n  legacy: { block_at: medium }\n",
    );
    let policy = policy_from(dir.path(), "tight.yaml").unwrap();
    assert_eq!(policy.tier(Tier::Legacy).block_at, Severity::Medium);
    write(
        dir.path(),
        "loose.yaml",
        "extends: [org.yaml]\ntiers:\n  legacy: { block_at: critical }\n",
    );
    assert!(
        error_text(dir.path(), "loose.yaml").contains("`block_at: critical` is laxer than `high`")
    );
    write(
        dir.path(),
        "baseline.yaml",
        "extends: [org.yaml]\ntiers:\n  ai: { baseline: allowed }\n",
    );
    assert!(
        error_text(dir.path(), "baseline.yaml")
            .contains("allows baselining where it was forbidden")
    );
    let layers = load(&dir.path().join("org.yaml")).unwrap();
    let overrides = Overrides {
        block_at: Some(Severity::Critical),
        ai_paths: vec![],
    };
    let error = resolve(&layers, &overrides).unwrap_err().to_string();
    assert!(
        error.contains("the command line") && error.contains("--block-at critical"),
        "{error}"
    );
}

#[test]
fn locked_rules_and_environments_cannot_be_weakened() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "org.yaml",
        "rules:\n  py.code-injection: { severity: critical }\nenvironments:\n  production: { mode: block }\nlocked: [rules.py.code-injection, environments.production]\n",
    );
    write(
        dir.path(),
        "off.yaml",
        "extends: [org.yaml]\nrules:\n  py.code-injection: off\n",
    );
    assert!(error_text(dir.path(), "off.yaml").contains("turns the rule off"));
    write(
        dir.path(),
        "warn.yaml",
        "extends: [org.yaml]\nenvironments:\n  production: { mode: warn }\n",
    );
    assert!(error_text(dir.path(), "warn.yaml").contains("`mode: warn`"));
}

#[test]
fn extends_cycles_and_missing_parents_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", "extends: [b.yaml]\n");
    write(dir.path(), "b.yaml", "extends: [a.yaml]\n");
    assert!(error_text(dir.path(), "a.yaml").contains("`extends` forms a cycle"));
    write(dir.path(), "c.yaml", "extends: [missing.yaml]\n");
    let text = error_text(dir.path(), "c.yaml");
    assert!(
        text.starts_with("[DIR]/c.yaml:1:11: cannot read extended file"),
        "{text}"
    );
}

#[test]
fn explain_shows_where_each_value_came_from() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "org.yaml", "tiers:\n  new: { block_at: low }\n");
    write(
        dir.path(),
        "agate.yaml",
        "extends: [org.yaml]\nrules:\n  py.mutable-default-argument: off\n",
    );
    let policy = policy_from(dir.path(), "agate.yaml").unwrap();
    let rows = policy.explain();
    let origin = |key: &str| {
        rows.iter()
            .find(|row| row.0 == key)
            .map(|row| row.2.clone())
            .unwrap()
    };
    assert_eq!(
        origin("tiers.new.block_at"),
        Origin::File(dir.path().join("org.yaml").display().to_string())
    );
    assert_eq!(
        origin("rules.py.mutable-default-argument"),
        Origin::File(dir.path().join("agate.yaml").display().to_string())
    );
    assert_eq!(origin("tiers.ai.block_at"), Origin::BuiltIn);
}

#[test]
fn issue_12_explain_shows_the_compliance_packs() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "org.yaml",
        "compliance:\n  packs: [org-pack.yaml]\n",
    );
    write(
        dir.path(),
        "agate.yaml",
        "extends: [org.yaml]\ncompliance:\n  packs: [team-pack.yaml]\n",
    );
    let policy = policy_from(dir.path(), "agate.yaml").unwrap();
    let rows = policy.explain();
    let (_, value, origin) = rows.iter().find(|row| row.0 == "compliance.packs").unwrap();
    let pack = |name: &str| dir.path().join(name).display().to_string();
    assert_eq!(
        value,
        &format!("[{}, {}]", pack("org-pack.yaml"), pack("team-pack.yaml"))
    );
    assert_eq!(origin, &Origin::File(pack("agate.yaml")));
    let built_in = resolve(&[], &Overrides::default()).unwrap();
    assert!(
        built_in
            .explain()
            .iter()
            .all(|(key, _, _)| key != "compliance.packs")
    );
}

fn finding(path: &str, line: u32, rule: &str, severity: Severity, fingerprint: &str) -> Finding {
    let location = Location {
        path: path.into(),
        start: Position { line, column: 1 },
        end: Position { line, column: 5 },
    };
    Finding::new(
        rule,
        agate_model::Analyzer::Sast,
        severity,
        Confidence::High,
        "m",
        location,
        Fingerprint::from_hex(fingerprint),
    )
}

struct Run {
    tiers: TierMap,
    baseline: Baseline,
    triage: agate_policy::Triage,
    suppressions: HashMap<String, Vec<agate_policy::Suppression>>,
    known: BTreeSet<String>,
}

impl Run {
    fn new() -> Run {
        Run {
            tiers: TierMap::new(&[]),
            baseline: Baseline::default(),
            triage: agate_policy::Triage::empty(),
            suppressions: HashMap::new(),
            known: ["py.code-injection".to_owned(), "py.bare-except".to_owned()].into(),
        }
    }

    fn decide(&self, findings: Vec<Finding>, today: &str) -> (Vec<Finding>, agate_model::Verdict) {
        let policy = resolve(&[], &Overrides::default()).unwrap();
        let context = RunContext {
            environment: None,
            tiers: &self.tiers,
            baseline: &self.baseline,
            triage: &self.triage,
            suppressions: &self.suppressions,
            known_rules: &self.known,
            today: today.parse::<Date>().unwrap(),
            unchecked: false,
            failed_checks: &[],
        };
        apply(&policy, &context, findings).unwrap()
    }
}

#[test]
fn tiers_decide_what_blocks() {
    let mut run = Run::new();
    let medium = || finding("app.py", 10, "py.code-injection", Severity::Medium, "aa");
    let (_, verdict) = run.decide(vec![medium()], "2026-11-26");
    assert_eq!(verdict.status, VerdictStatus::Pass, "legacy blocks at high");
    run.tiers
        .set_changed(HashMap::from([("app.py".to_owned(), vec![(8, 12)])]));
    let (findings, verdict) = run.decide(vec![medium()], "2026-11-26");
    assert_eq!(
        (findings[0].tier, verdict.status),
        (Some(Tier::New), VerdictStatus::Blocked)
    );
    let mut ai = Run::new();
    ai.tiers.mark_ai(
        "app.py",
        &[(10, 10)],
        &AiEvidence::from_source("inline marker"),
    );
    let low = finding("app.py", 10, "py.code-injection", Severity::Low, "bb");
    let (findings, verdict) = ai.decide(vec![low], "2026-11-26");
    assert_eq!(findings[0].tier, Some(Tier::Ai));
    assert_eq!(
        verdict
            .gates
            .iter()
            .find(|g| g.name == "security")
            .unwrap()
            .status,
        GateStatus::Fail
    );
}

#[test]
fn baseline_excuses_legacy_but_not_ai_findings() {
    let mut run = Run::new();
    run.baseline.add(
        &[finding(
            "app.py",
            10,
            "py.code-injection",
            Severity::High,
            "cc",
        )],
        "ana",
        "2026-11-01",
        "legacy",
    );
    let (findings, verdict) = run.decide(
        vec![finding(
            "app.py",
            10,
            "py.code-injection",
            Severity::High,
            "cc",
        )],
        "2026-11-26",
    );
    assert_eq!(
        (findings[0].status, verdict.status),
        (FindingStatus::Baselined, VerdictStatus::Pass)
    );
    run.tiers.mark_ai(
        "app.py",
        &[(1, 100)],
        &AiEvidence::from_source("inline marker"),
    );
    let (findings, verdict) = run.decide(
        vec![finding(
            "app.py",
            10,
            "py.code-injection",
            Severity::High,
            "cc",
        )],
        "2026-11-26",
    );
    assert_eq!(
        (findings[0].status, verdict.status),
        (FindingStatus::Open, VerdictStatus::Blocked)
    );
}

#[test]
fn issue_12_inline_suppressions_come_first_then_triage_then_the_baseline() {
    let mut run = Run::new();
    let flagged = || finding("app.py", 2, "py.code-injection", Severity::Critical, "dd");
    run.baseline
        .add(&[flagged()], "ana", "2026-11-01", "legacy");
    run.triage = agate_policy::Triage::parse(
        "t.yaml",
        "version: 1\ndecisions:\n  - fingerprint: \"dd\"\n    rule: py.code-injection\n    path: app.py\n    decision: wont-fix\n    reason: \"sandboxed\"\n    by: \"Bo <bo@x.example>\"\n    on: 2026-12-01\n    until: 2026-12-31\n    owner: ops\n",
    )
    .unwrap();
    let (findings, verdict) = run.decide(vec![flagged()], "2026-12-31");
    assert_eq!(
        (findings[0].status, verdict.status),
        (FindingStatus::Triaged, VerdictStatus::Pass)
    );
    let justification = findings[0].justification.as_deref().unwrap();
    assert_eq!(justification.source, "triage");
    assert_eq!(
        justification.decision,
        Some(agate_model::TriageDecision::WontFix)
    );
    assert_eq!(justification.by.as_deref(), Some("Bo <bo@x.example>"));
    assert_eq!(justification.owner.as_deref(), Some("ops"));
    assert_eq!(justification.until.as_deref(), Some("2026-12-31"));
    let security = verdict
        .gates
        .iter()
        .find(|gate| gate.name == "security")
        .unwrap();
    assert_eq!(security.counts.triaged, 1);
    let (findings, _) = run.decide(vec![flagged()], "2027-01-01");
    assert_eq!(
        findings[0].status,
        FindingStatus::Baselined,
        "an expired decision leaves the baseline"
    );
    run.suppressions.insert(
        "app.py".to_owned(),
        parse_suppressions(
            "x = 1\neval(y)  # agate: ignore[py.code-injection] reason=\"inline\"\n",
        ),
    );
    let (findings, _) = run.decide(vec![flagged()], "2026-12-31");
    assert_eq!(findings[0].status, FindingStatus::Suppressed);
}

#[test]
fn suppressions_need_a_reason_and_expire() {
    let mut run = Run::new();
    let text =
        "x = 1\neval(y)  # agate: ignore[py.code-injection] reason=\"sandbox\" until=2026-12-31\n";
    run.suppressions
        .insert("app.py".to_owned(), parse_suppressions(text));
    let flagged = || finding("app.py", 2, "py.code-injection", Severity::Critical, "dd");
    let (findings, verdict) = run.decide(vec![flagged()], "2026-12-31");
    assert_eq!(
        (findings[0].status, verdict.status),
        (FindingStatus::Suppressed, VerdictStatus::Pass)
    );
    let (findings, verdict) = run.decide(vec![flagged()], "2027-01-01");
    assert_eq!(
        verdict.status,
        VerdictStatus::Blocked,
        "expired: no longer applies"
    );
    assert!(
        findings
            .iter()
            .any(|f| f.rule_id == "agate.suppression-expired")
    );

    let mut bare = Run::new();
    bare.suppressions.insert(
        "app.py".to_owned(),
        parse_suppressions("eval(y)  # agate: ignore[py.code-injection, py.nope]\n"),
    );
    let (findings, _) = bare.decide(
        vec![finding(
            "app.py",
            1,
            "py.code-injection",
            Severity::Critical,
            "ee",
        )],
        "2026-11-26",
    );
    let rules: Vec<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
    assert!(
        rules.contains(&"agate.suppression-without-reason"),
        "{rules:?}"
    );
    assert!(
        rules.contains(&"agate.suppression-unknown-rule"),
        "{rules:?}"
    );
    assert_eq!(
        findings
            .iter()
            .find(|f| f.rule_id == "py.code-injection")
            .unwrap()
            .status,
        FindingStatus::Open
    );

    let mut unused = Run::new();
    unused.suppressions.insert(
        "app.py".to_owned(),
        parse_suppressions("# agate: ignore[py.bare-except] reason=\"old\"\nx = 1\n"),
    );
    let (findings, _) = unused.decide(vec![], "2026-11-26");
    assert_eq!(findings[0].rule_id, "agate.suppression-unused");
}

#[test]
fn warn_environments_never_block() {
    let run = Run::new();
    let policy = resolve(&[], &Overrides::default()).unwrap();
    let context = RunContext {
        environment: Some("dev"),
        tiers: &run.tiers,
        baseline: &run.baseline,
        triage: &agate_policy::Triage::empty(),
        suppressions: &run.suppressions,
        known_rules: &run.known,
        today: "2026-11-26".parse().unwrap(),
        unchecked: false,
        failed_checks: &[],
    };
    let (_, verdict) = apply(
        &policy,
        &context,
        vec![finding(
            "a.py",
            1,
            "py.code-injection",
            Severity::Critical,
            "ff",
        )],
    )
    .unwrap();
    assert_eq!(verdict.status, VerdictStatus::Pass);
    assert!(
        verdict
            .gates
            .iter()
            .any(|gate| gate.status == GateStatus::Warn)
    );
    let context = RunContext {
        environment: Some("prod"),
        ..context
    };
    let error = apply(&policy, &context, vec![]).unwrap_err().to_string();
    assert!(
        error.contains("unknown environment `prod`")
            && error.contains("did you mean `production`?"),
        "{error}"
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn severity() -> impl Strategy<Value = Severity> {
        prop::sample::select(Severity::ALL.to_vec())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// A child layer never ends up laxer than a locked parent: it is either refused or
        /// at least as strict.
        #[test]
        fn a_child_never_loosens_a_locked_tier(parent in severity(), child in severity(), tier in prop::sample::select(vec!["ai", "new", "legacy"])) {
            let dir = tempfile::tempdir().unwrap();
            write(dir.path(), "org.yaml", &format!("tiers:\n  {tier}: {{ block_at: {parent} }}\nlocked: [tiers.{tier}]\n"));
            write(dir.path(), "agate.yaml", &format!("extends: [org.yaml]\ntiers:\n  {tier}: {{ block_at: {child} }}\n"));
            let tier_value = match tier { "ai" => Tier::Ai, "new" => Tier::New, _ => Tier::Legacy };
            match policy_from(dir.path(), "agate.yaml") {
                Ok(policy) => {
                    prop_assert!(child <= parent);
                    prop_assert_eq!(policy.tier(tier_value).block_at, child);
                }
                Err(error) => {
                    prop_assert!(child > parent, "{}", error);
                    let text = error.to_string();
                    prop_assert!(text.contains("org.yaml") && text.contains("agate.yaml"), "{}", text);
                }
            }
        }
    }
}

#[test]
fn issue_7_a_broken_ignore_glob_is_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", "ignore: [\"[abc\"]\n");
    assert_eq!(
        error_text(dir.path(), "a.yaml"),
        "[DIR]/a.yaml: invalid glob `[abc`: unclosed character class; missing ']'\n  help: globs use `*`, `**`, `?` and `[...]`, e.g. `src/**/*.py`"
    );
    // gitignore's own syntax stays valid.
    write(
        dir.path(),
        "b.yaml",
        "ignore: [\"/build/\", \"!keep.py\", \"**/*.min.js\", \"docs/\"]\n",
    );
    assert!(policy_from(dir.path(), "b.yaml").is_ok());
}

#[test]
fn issue_9_findings_in_test_code_are_marked_and_reported_lower_never_dropped() {
    let run = Run::new();
    let (findings, verdict) = run.decide(
        vec![
            finding(
                "tests/test_app.py",
                3,
                "py.code-injection",
                Severity::Critical,
                "a1",
            ),
            finding(
                "tests/test_app.py",
                4,
                "py.bare-except",
                Severity::Info,
                "a2",
            ),
            finding(
                "src/app.py",
                5,
                "py.code-injection",
                Severity::Critical,
                "a3",
            ),
        ],
        "2026-11-26",
    );
    assert_eq!(findings.len(), 3, "test findings stay in the report");
    let summary: Vec<(&str, Severity, Option<CodeContext>)> = findings
        .iter()
        .map(|f| (&*f.location.path, f.severity, f.context))
        .collect();
    assert_eq!(
        summary,
        [
            ("src/app.py", Severity::Critical, None),
            ("tests/test_app.py", Severity::Low, Some(CodeContext::Test)),
            ("tests/test_app.py", Severity::Info, Some(CodeContext::Test)),
        ]
    );
    assert_eq!(
        verdict.status,
        VerdictStatus::Blocked,
        "the shipped code blocks"
    );
    let (findings, verdict) = run.decide(
        vec![finding(
            "tests/test_app.py",
            3,
            "py.code-injection",
            Severity::Critical,
            "a1",
        )],
        "2026-11-26",
    );
    assert!(!findings[0].blocking);
    assert_eq!(verdict.status, VerdictStatus::Pass, "legacy blocks at high");
}

#[test]
fn issue_9_tests_settings_replace_paths_raise_severity_and_respect_locks() {
    let dir = tempfile::tempdir().unwrap();
    let built_in = resolve(&[], &Overrides::default()).unwrap();
    assert_eq!(built_in.tests().severity, Severity::Low);
    assert!(built_in.tests().is_test("tests/test_x.py"));
    write(
        dir.path(),
        "agate.yaml",
        "tests:\n  severity: medium\n  paths: [\"qa/**\"]\n",
    );
    let policy = policy_from(dir.path(), "agate.yaml").unwrap();
    assert_eq!(policy.tests().severity, Severity::Medium);
    assert!(policy.tests().is_test("qa/check.py"));
    assert!(
        !policy.tests().is_test("tests/test_x.py"),
        "the list replaces the built-in one"
    );
    assert!(
        policy
            .explain()
            .iter()
            .any(|(key, value, origin)| key == "tests.severity"
                && value == "medium"
                && origin.to_string().ends_with("agate.yaml"))
    );
    write(dir.path(), "bad.yaml", "tests: { severity: none }\n");
    assert!(error_text(dir.path(), "bad.yaml").contains("bad.yaml:1:"));
    write(
        dir.path(),
        "org/base.yaml",
        "tests: { severity: medium }\nlocked: [tests]\n",
    );
    write(
        dir.path(),
        "agate.yaml",
        "extends: [org/base.yaml]\ntests: { severity: info }\n",
    );
    let text = error_text(dir.path(), "agate.yaml");
    assert!(
        text.contains("`tests` is locked by [DIR]/org/base.yaml"),
        "{text}"
    );
    write(
        dir.path(),
        "agate.yaml",
        "extends: [org/base.yaml]\ntests: { paths: [\"src/**\"] }\n",
    );
    let text = error_text(dir.path(), "agate.yaml");
    assert!(text.contains("adds `src/**`"), "{text}");
    write(
        dir.path(),
        "agate.yaml",
        "extends: [org/base.yaml]\ntests: { severity: high, paths: [\"**/tests/**\"] }\n",
    );
    let policy = policy_from(dir.path(), "agate.yaml").unwrap();
    assert_eq!(
        policy.tests().severity,
        Severity::High,
        "tightening is allowed"
    );
}

/// The gate named `functional` of the default environment.
fn functional(policy: &Policy) -> &agate_policy::Gate {
    let environment = policy.environment(None).unwrap();
    policy
        .gates_of(&environment)
        .into_iter()
        .find(|gate| gate.name == "functional")
        .unwrap()
}

#[test]
fn issue_10_contracts_and_api_settings_resolve_and_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "agate.yaml",
        "gates:\n  functional:\n    contracts: [contracts/pricing.yaml]\n    api:\n      spec: openapi.yaml\n      base_url: http://127.0.0.1:8000\n      slow_response: 500ms\n      start:\n        run: [python3, app.py]\n        ready: http://127.0.0.1:8000/health\n        timeout: 20s\n        env: { MODE: test }\n",
    );
    let policy = policy_from(dir.path(), "agate.yaml").unwrap();
    let gate = functional(&policy);
    let contracts = gate.contracts.as_ref().unwrap();
    assert_eq!(contracts.paths, [Path::new("contracts/pricing.yaml")]);
    let api = gate.api.as_ref().unwrap();
    assert_eq!(api.slow_response_ms, Some(500));
    let start = api.start.as_ref().unwrap();
    assert_eq!(start.run, ["python3", "app.py"]);
    assert_eq!(start.timeout_secs, 20);
    assert_eq!(start.env, [("MODE".to_owned(), "test".to_owned())]);
    // The settings form, with the default folder.
    write(
        dir.path(),
        "settings.yaml",
        "gates:\n  functional:\n    contracts: { python: .venv/bin/python }\n",
    );
    let policy = policy_from(dir.path(), "settings.yaml").unwrap();
    let contracts = functional(&policy).contracts.as_ref().unwrap();
    assert_eq!(contracts.paths, [Path::new("contracts")]);
    assert_eq!(
        contracts.python.as_deref(),
        Some(Path::new(".venv/bin/python"))
    );
    for (yaml, expected) in [
        (
            "gates:\n  g:\n    contracts: [../outside]\n",
            "leaves the scan root",
        ),
        ("gates:\n  g:\n    contracts: []\n", "no path"),
        (
            "gates:\n  g:\n    api: { spec: o.yaml, base_url: ftp://x }\n",
            "is not an http:// or https:// URL",
        ),
        (
            "gates:\n  g:\n    api: { spec: o.yaml, base_url: 'http://x', start: { run: [], ready: 'http://x' } }\n",
            "`start.run` is empty",
        ),
        (
            "gates:\n  g:\n    api: { spec: o.yaml, base_url: 'http://x', slow_response: soon }\n",
            "not a duration",
        ),
    ] {
        write(dir.path(), "bad.yaml", yaml);
        let text = error_text(dir.path(), "bad.yaml");
        assert!(text.contains(expected), "{yaml}: {text}");
        assert!(text.starts_with("[DIR]/bad.yaml:3:"), "{text}");
    }
}

#[test]
fn issue_10_a_locked_gate_keeps_its_contracts() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "org/base.yaml",
        "locked: [gates.functional]\ngates:\n  functional:\n    contracts: [contracts/billing.yaml]\n",
    );
    write(
        dir.path(),
        "agate.yaml",
        "extends: [org/base.yaml]\ngates:\n  functional:\n    contracts: [contracts/other.yaml]\n",
    );
    let text = error_text(dir.path(), "agate.yaml");
    assert!(
        text.contains("it drops contract paths from the gate"),
        "{text}"
    );
    write(
        dir.path(),
        "more.yaml",
        "extends: [org/base.yaml]\ngates:\n  functional:\n    contracts: [contracts/billing.yaml, contracts/extra.yaml]\n",
    );
    let policy = policy_from(dir.path(), "more.yaml").unwrap();
    assert_eq!(
        functional(&policy).contracts.as_ref().unwrap().paths.len(),
        2
    );
}

#[test]
fn issue_12_a_locked_compliance_gate_may_require_more_never_less() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "org/base.yaml",
        "gates:\n  compliance:\n    frameworks: [pci-dss-4, owasp-top10-2021]\n    require: [\"6.2.4\", \"8.6.2\"]\nlocked: [gates.compliance]\n",
    );
    // More controls, or all of them: tighter.
    for tighter in [
        "require: [\"6.2.4\", \"8.6.2\", \"3.5.1\"]",
        "require: [all]",
    ] {
        write(
            dir.path(),
            "agate.yaml",
            &format!("extends: [org/base.yaml]\ngates:\n  compliance:\n    {tighter}\n"),
        );
        let policy = policy_from(dir.path(), "agate.yaml").unwrap();
        let environment = policy.environment(None).unwrap();
        let gate = policy
            .gates_of(&environment)
            .into_iter()
            .find(|gate| gate.name == "compliance")
            .unwrap();
        let requirement = gate.compliance.as_ref().unwrap();
        assert_eq!(requirement.frameworks.len(), 2, "frameworks kept");
        assert!(
            gate.analyzers.is_empty(),
            "a gate of controls alone is valid"
        );
    }
    // Fewer controls, or a framework dropped: looser.
    for looser in ["require: [\"6.2.4\"]", "frameworks: [pci-dss-4]"] {
        write(
            dir.path(),
            "agate.yaml",
            &format!("extends: [org/base.yaml]\ngates:\n  compliance:\n    {looser}\n"),
        );
        let text = error_text(dir.path(), "agate.yaml");
        assert!(
            text.contains("`gates.compliance` is locked by [DIR]/org/base.yaml")
                && text.contains("drops a framework or a required control"),
            "{text}"
        );
    }
}

#[test]
fn issue_12_require_needs_frameworks_and_the_digest_covers_every_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "agate.yaml",
        "gates:\n  compliance:\n    require: [all]\n",
    );
    let text = error_text(dir.path(), "agate.yaml");
    assert!(text.contains("has `require` but no `frameworks`"), "{text}");

    write(dir.path(), "org/base.yaml", "version: 1\n");
    write(dir.path(), "agate.yaml", "extends: [org/base.yaml]\n");
    let first = policy_from(dir.path(), "agate.yaml").unwrap();
    let digest = first.digest().unwrap().to_owned();
    assert_eq!(digest.len(), 64);
    // A change to the parent changes the digest; the same files give the same one.
    assert_eq!(
        policy_from(dir.path(), "agate.yaml").unwrap().digest(),
        Some(digest.as_str())
    );
    write(
        dir.path(),
        "org/base.yaml",
        "version: 1\nai_paths: [gen/**]\n",
    );
    assert_ne!(
        policy_from(dir.path(), "agate.yaml").unwrap().digest(),
        Some(digest.as_str())
    );
    assert_eq!(
        resolve(&[], &Overrides::default()).unwrap().digest(),
        None,
        "the built-in policy has no files"
    );
}

#[test]
fn issue_14_llm_review_is_checked_where_it_is_written_and_locked_review_stays_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let review = |extra: &str| {
        format!(
            "version: 1\ngates:\n  review:\n    analyzers: []\n    llm_review:\n      base_url: http://127.0.0.1:8000/v1\n      model: local\n{extra}"
        )
    };
    write(
        dir.path(),
        "ok.yaml",
        &review("      rubric: security\n      block: true\n"),
    );
    let policy = policy_from(dir.path(), "ok.yaml").unwrap();
    let environment = policy.environment(None).unwrap();
    let gate = policy
        .gates_of(&environment)
        .into_iter()
        .find(|gate| gate.name == "review")
        .unwrap();
    let spec = gate.llm_review.as_ref().unwrap();
    assert_eq!(
        (spec.rubric.as_str(), spec.block, spec.max_hunks),
        ("security", true, 50)
    );
    let explained = policy.explain();
    let row = explained
        .iter()
        .find(|(key, _, _)| key == "gates.review.llm_review")
        .unwrap();
    assert_eq!(
        row.1,
        "security at http://127.0.0.1:8000/v1, model local, blocking, max 50 hunks and 200000 tokens"
    );

    for (name, extra, expected) in [
        (
            "rubric.yaml",
            "      rubric: vibes\n",
            "unknown rubric `vibes`",
        ),
        (
            "rules.yaml",
            "      rubric: business-rules\n",
            "needs `rules`",
        ),
        (
            "outside.yaml",
            "      rubric: business-rules\n      rules: ../rules.md\n",
            "llm_review.rules",
        ),
        (
            "busy.yaml",
            "      rubric: security\n      concurrency: 64\n",
            "outside 1 to 16",
        ),
    ] {
        write(dir.path(), name, &review(extra));
        let text = error_text(dir.path(), name);
        assert!(text.contains(expected), "{name}: {text}");
        assert!(
            text.contains(&format!("{name}:6:")),
            "{name} names its line: {text}"
        );
    }
    write(
        dir.path(),
        "remote.yaml",
        &review("      rubric: security\n")
            .replace("http://127.0.0.1:8000", "http://models.example"),
    );
    assert!(error_text(dir.path(), "remote.yaml").contains("is not an https URL"));

    // A team under a locked, blocking review may not make it advisory.
    write(
        dir.path(),
        "org.yaml",
        &format!(
            "{}locked: [gates.review]\n",
            review("      rubric: security\n      block: true\n")
        ),
    );
    write(
        dir.path(),
        "team.yaml",
        "version: 1\nextends: [org.yaml]\ngates:\n  review:\n    llm_review:\n      base_url: http://127.0.0.1:8000/v1\n      model: local\n      rubric: security\n",
    );
    let text = error_text(dir.path(), "team.yaml");
    assert!(
        text.contains("makes the gate's LLM review advisory"),
        "{text}"
    );
}

#[test]
fn line_tiers_agree_with_tier_line_by_line() {
    let evidence = AiEvidence::from_source("test");
    let mut tiers = TierMap::new(&["gen/**".to_owned()]);
    tiers.mark_ai("a.py", &[(3, 4), (9, 20)], &evidence);
    tiers.set_changed(HashMap::from([
        ("a.py".to_owned(), vec![(1, 3), (6, 6), (0, 0)]),
        ("gen/b.py".to_owned(), vec![(2, 2)]),
    ]));
    for path in ["a.py", "gen/b.py", "c.py"] {
        let by_line: Vec<Tier> = (1..=12).map(|line| tiers.tier(path, line)).collect();
        assert_eq!(tiers.line_tiers(path, 12), by_line, "{path}");
    }
    tiers.set_all_new();
    let by_line: Vec<Tier> = (1..=5).map(|line| tiers.tier("c.py", line)).collect();
    assert_eq!(tiers.line_tiers("c.py", 5), by_line);
    assert!(tiers.line_tiers("c.py", 0).is_empty());
}

#[test]
fn issue_14_llm_review_plain_http_only_to_a_loopback_host_and_no_credentials_in_the_url() {
    let dir = tempfile::tempdir().unwrap();
    let review = |url: &str| {
        format!(
            "version: 1\ngates:\n  review:\n    analyzers: []\n    llm_review:\n      base_url: {url}/v1\n      model: local\n      rubric: security\n"
        )
    };
    // Only the host a client would reach counts as loopback.
    for remote in [
        "http://127.0.0.1@models.example",
        "http://localhost.models.example",
        "http://127.models.example",
        "http://localhost:8000@models.example",
    ] {
        write(dir.path(), "remote.yaml", &review(remote));
        let text = error_text(dir.path(), "remote.yaml");
        assert!(text.contains("is not an https URL"), "{remote}: {text}");
    }
    for local in [
        "http://127.0.0.1:8000",
        "http://localhost:11434",
        "http://[::1]:8080",
    ] {
        write(dir.path(), "local.yaml", &review(local));
        assert!(policy_from(dir.path(), "local.yaml").is_ok(), "{local}");
    }
    write(
        dir.path(),
        "remote.yaml",
        &review("https://user:hunter2@models.example"),
    );
    let text = error_text(dir.path(), "remote.yaml");
    assert!(text.contains("carries credentials"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}
