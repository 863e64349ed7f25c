//! Hiding secrets in a whole report: [`Report::redact`] passes every text a format renders
//! through a [`Redactor`], so no renderer has to remember to.
//!
//! Which fields are text lives here, beside the types, so a new field is redacted where it
//! is declared. Rule ids and paths are redacted too: a tool's report names them, and a
//! `ruleId` or a file named after a token would show it otherwise; a path or rule id without
//! a secret is left as it is. Fingerprints, commit ids and the analyzer are left alone.
//! Fingerprints are computed before redaction and never change with it, so baselines keep
//! matching.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::{CheckRun, Finding, Report, Text};

/// Hides the secrets in text; implemented by the secrets analyzer's scanner.
pub trait Redactor {
    /// Returns `text` with every secret replaced by its redacted form; borrowed when there
    /// is nothing to hide. Applying it twice changes nothing more.
    fn redact<'t>(&self, text: &'t str) -> Cow<'t, str>;

    /// Returns a tool's output (or an error message quoting it) redacted, where secrets
    /// also hide behind option and variable names (`--password=…`, `TOKEN=…`). The default
    /// is [`Redactor::redact`].
    fn redact_tool_output<'t>(&self, text: &'t str) -> Cow<'t, str> {
        self.redact(text)
    }

    /// Returns a command line redacted, argument by argument; the default redacts each
    /// argument as tool output.
    fn redact_command(&self, argv: &[String]) -> Vec<String> {
        argv.iter()
            .map(|argument| self.redact_tool_output(argument).into_owned())
            .collect()
    }
}

/// How a text is redacted.
#[derive(Clone, Copy)]
enum Kind {
    /// [`Redactor::redact`].
    Text,
    /// [`Redactor::redact_tool_output`].
    ToolOutput,
}

/// `text` redacted as `kind`, or `None` when there is nothing to hide.
fn redacted(text: &str, redactor: &impl Redactor, kind: Kind) -> Option<String> {
    let redacted = match kind {
        Kind::Text => redactor.redact(text),
        Kind::ToolOutput => redactor.redact_tool_output(text),
    };
    match redacted {
        Cow::Owned(redacted) => Some(redacted),
        Cow::Borrowed(_) => None,
    }
}

/// Replaces `text` by its redacted form when that differs.
fn apply<T: AsRef<str> + From<String>>(text: &mut T, redactor: &impl Redactor, kind: Kind) {
    if let Some(redacted) = redacted(text.as_ref(), redactor, kind) {
        *text = T::from(redacted);
    }
}

/// The redacted form of each shared [`Text`] seen (`None`: nothing to hide), so a message or
/// path that a million findings share is scanned once, and stays shared.
type Seen = HashMap<Text, Option<Text>>;

/// The memos of shared texts, one per [`Kind`] (the same text is redacted differently as
/// tool output).
#[derive(Default)]
struct Memo {
    text: Seen,
    tool_output: Seen,
}

impl Memo {
    /// The redacted form of `text` by `kind`, scanned once per distinct text (`None`:
    /// nothing to hide).
    fn redacted(&mut self, text: &str, redactor: &impl Redactor, kind: Kind) -> Option<Text> {
        let seen = match kind {
            Kind::Text => &mut self.text,
            Kind::ToolOutput => &mut self.tool_output,
        };
        if let Some(redacted) = seen.get(text) {
            return redacted.clone();
        }
        let redacted = redacted(text, redactor, kind).map(Text::from);
        seen.insert(Text::from(text), redacted.clone());
        redacted
    }

    /// Redacts a shared text, keeping it shared.
    fn shared(&mut self, text: &mut Text, redactor: &impl Redactor, kind: Kind) {
        if let Some(redacted) = self.redacted(text, redactor, kind) {
            *text = redacted;
        }
    }

    /// Redacts an owned string that many findings or rules repeat (a rule id, a path).
    fn owned(&mut self, text: &mut String, redactor: &impl Redactor, kind: Kind) {
        if let Some(redacted) = self.redacted(text, redactor, kind) {
            *text = String::from(redacted);
        }
    }
}

impl Report {
    /// Passes every text a format renders through `redactor`: each finding's rule id,
    /// message, location (as tool output when it is a URL, which may carry a token in its
    /// query), snippet, CWE and OWASP tags, sources' rule ids, justification and AI
    /// evidence (a fix whose replacement shows a secret is dropped), each rule descriptor's id, summary, help, CWE, OWASP and compliance tags, each notice and its path,
    /// each gate's reasons, each external check's command, error and output (as tool
    /// output), and each load test's URL and request names, each compliance matrix's
    /// (ComplianceMatrix::redact), and the run's repository, run id and policy sources. A
    /// rule id or path many findings share is scanned once.
    pub fn redact(&mut self, redactor: &impl Redactor) {
        let Report {
            schema_version: _,
            tool: _,
            run,
            findings,
            rules,
            notices,
            stats: _,
            checks,
            coverage: _,
            load,
            compliance,
            reviews: _,
            verdict,
        } = self;
        let mut memo = Memo::default();
        for finding in findings {
            redact_finding(finding, redactor, &mut memo);
        }
        for rule in rules {
            memo.owned(&mut rule.id, redactor, Kind::Text);
            apply(&mut rule.summary, redactor, Kind::Text);
            apply(&mut rule.help, redactor, Kind::Text);
            for tag in rule
                .compliance
                .iter_mut()
                .chain(&mut rule.cwe)
                .chain(&mut rule.owasp)
            {
                apply(tag, redactor, Kind::Text);
            }
        }
        for notice in notices {
            apply(&mut notice.message, redactor, Kind::Text);
            if let Some(path) = &mut notice.path {
                memo.owned(path, redactor, Kind::Text);
            }
        }
        for check in checks {
            check.redact(redactor);
        }
        // A load test's URL and request names may carry a token in a query.
        for run in load {
            apply(&mut run.url, redactor, Kind::ToolOutput);
            for request in &mut run.result.requests {
                apply(&mut request.name, redactor, Kind::ToolOutput);
            }
        }
        // The repository and the policy's sources may be URLs with credentials in them.
        if let Some(run) = run {
            apply(&mut run.repository, redactor, Kind::ToolOutput);
            apply(&mut run.run_id, redactor, Kind::ToolOutput);
            for layer in &mut run.policy_layers {
                apply(&mut layer.source, redactor, Kind::ToolOutput);
            }
        }
        for gate in verdict.iter_mut().flat_map(|verdict| &mut verdict.gates) {
            for reason in &mut gate.reasons {
                apply(reason, redactor, Kind::ToolOutput);
            }
        }
        for matrix in compliance {
            matrix.redact(redactor);
        }
    }
}

impl crate::ComplianceMatrix {
    /// Passes every text of the matrix that comes from the repository or a tool through
    /// `redactor`: the framework's id and title and each control's id and title (a team's
    /// pack is a file of the repository), the gates' reasons, each finding's path and
    /// justification, and each reason evidence is missing.
    pub fn redact(&mut self, redactor: &impl Redactor) {
        apply(&mut self.framework, redactor, Kind::Text);
        apply(&mut self.title, redactor, Kind::Text);
        for reason in self.run.gates.iter_mut().flat_map(|gate| &mut gate.reasons) {
            apply(reason, redactor, Kind::ToolOutput);
        }
        for control in &mut self.controls {
            apply(&mut control.id, redactor, Kind::Text);
            apply(&mut control.title, redactor, Kind::Text);
        }
        for evidence in self
            .controls
            .iter_mut()
            .flat_map(|control| &mut control.evidence)
        {
            match evidence {
                crate::Evidence::Finding(finding) => {
                    apply(&mut finding.path, redactor, Kind::Text);
                    if let Some(reason) = &mut finding.justification {
                        apply(reason, redactor, Kind::ToolOutput);
                    }
                }
                crate::Evidence::Missing { reason } => apply(reason, redactor, Kind::ToolOutput),
                crate::Evidence::Rules { .. }
                | crate::Evidence::Analyzer { .. }
                | crate::Evidence::Gate { .. } => {}
            }
        }
    }
}

impl CheckRun {
    /// Passes the command, the error and the captured output through `redactor`, as tool
    /// output: what a report and the progress line on standard error show of a check.
    pub fn redact(&mut self, redactor: &impl Redactor) {
        self.command = redactor.redact_command(&self.command);
        for text in [&mut self.stdout, &mut self.stderr]
            .into_iter()
            .chain(self.error.as_mut())
        {
            apply(text, redactor, Kind::ToolOutput);
        }
    }
}

fn redact_finding(finding: &mut Finding, redactor: &impl Redactor, memo: &mut Memo) {
    memo.shared(&mut finding.rule_id, redactor, Kind::Text);
    // An external tool's message and excerpt are its output: a `password=…` it quotes, or a
    // lone AWS secret key, is hidden as in its captured output.
    let written = if matches!(
        finding.analyzer,
        crate::Analyzer::External | crate::Analyzer::Llm
    ) {
        Kind::ToolOutput
    } else {
        Kind::Text
    };
    memo.shared(&mut finding.message, redactor, written);
    apply(&mut finding.snippet, redactor, written);
    let path_kind = if finding.location.is_url() {
        Kind::ToolOutput
    } else {
        Kind::Text
    };
    memo.shared(&mut finding.location.path, redactor, path_kind);
    for source in &mut finding.sources {
        memo.owned(&mut source.rule_id, redactor, Kind::Text);
    }
    // An external tool's report sets these too.
    for tag in finding.cwe.iter_mut().chain(&mut finding.owasp) {
        apply(tag, redactor, Kind::Text);
    }
    // A reason is free text a person wrote (`.agate/triage.yaml` is edited by hand too):
    // redacted as `agate triage mark` redacts it, like a tool's output.
    if let Some(justification) = &mut finding.justification {
        apply(&mut justification.reason, redactor, Kind::ToolOutput);
        if let Some(owner) = &mut justification.owner {
            apply(owner, redactor, Kind::ToolOutput);
        }
    }
    // An edit is applied to the code as it is: a redacted one would write the redaction
    // into the file. One that shows a secret is dropped, never shown or applied.
    if finding
        .fix
        .as_ref()
        .is_some_and(|fix| redacted(&fix.replacement, redactor, Kind::Text).is_some())
    {
        finding.fix = None;
    }
    if let Some(evidence) = &mut finding.ai_evidence {
        apply(&mut evidence.source, redactor, Kind::Text);
        for text in [&mut evidence.tool, &mut evidence.model]
            .into_iter()
            .flatten()
        {
            apply(text, redactor, Kind::Text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        AiEvidence, CheckStatus, Confidence, FindingStatus, Fingerprint, FingerprintInput,
        GateCounts, GateMode, GateResult, GateStatus, Justification, Location, Notice, NoticeLevel,
        Position, RuleDescriptor, ScanStats, Tool, ToolFormat, Verdict, VerdictStatus,
    };

    /// Hides the word `SECRET`, and in tool output also `HIDDEN`.
    struct Words;

    impl Redactor for Words {
        fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
            if text.contains("SECRET") {
                Cow::Owned(text.replace("SECRET", "S…"))
            } else {
                Cow::Borrowed(text)
            }
        }

        fn redact_tool_output<'t>(&self, text: &'t str) -> Cow<'t, str> {
            match self.redact(text) {
                redacted if redacted.contains("HIDDEN") => {
                    Cow::Owned(redacted.replace("HIDDEN", "H…"))
                }
                redacted => redacted,
            }
        }
    }

    fn fix(replacement: &str) -> crate::Fix {
        let at = Position { line: 1, column: 1 };
        crate::Fix {
            start: at,
            end: at,
            replacement: replacement.to_owned(),
            bytes: 0..0,
            digest: String::new(),
        }
    }

    fn report() -> Report {
        let fingerprint = Fingerprint::compute(&FingerprintInput {
            rule_id: "py.os-system-injection",
            path: "app.py",
            code: "os.system(SECRET)",
            scope: "",
            occurrence: 0,
        });
        let at = Position { line: 1, column: 1 };
        let finding = |path: &str| Finding {
            rule_id: "py.os-system-injection".into(),
            analyzer: crate::Analyzer::Sast,
            severity: crate::Severity::High,
            confidence: Confidence::High,
            message: "shell command built from SECRET".into(),
            location: Location {
                path: path.into(),
                start: at,
                end: at,
            },
            snippet: "os.system(\"curl -H token SECRET\" + x)".to_owned(),
            cwe: vec!["CWE-78".to_owned(), "SECRET".to_owned()],
            owasp: vec!["SECRET".to_owned()],
            ai_pattern: false,
            fingerprint: fingerprint.clone(),
            gate: Some("security".into()),
            tier: None,
            context: None,
            ai_evidence: Some(Box::new(AiEvidence {
                source: "trailer SECRET".to_owned(),
                tool: Some("SECRET".to_owned()),
                model: Some("SECRET".to_owned()),
                commit: Some("0123456789abcdef0123456789abcdef01234567".to_owned()),
            })),
            commit: Some("0123456789abcdef0123456789abcdef01234567".to_owned()),
            status: FindingStatus::Suppressed,
            justification: Some(Box::new(Justification {
                owner: Some("SECRET".to_owned()),
                ..Justification::new("inline", "was SECRET")
            })),
            blocking: false,
            sources: Vec::new(),
            fix: Some(Box::new(fix("os.system(SECRET)"))),
        };
        Report {
            schema_version: crate::REPORT_SCHEMA_VERSION,
            run: None,
            tool: Tool {
                name: "agate".to_owned(),
                version: "0".to_owned(),
            },
            findings: vec![finding("app.py"), finding("https://app.test/?key=SECRET")],
            rules: vec![RuleDescriptor {
                id: "acme/weak-token".to_owned(),
                language: "any".to_owned(),
                summary: "a SECRET summary".to_owned(),
                help: "a SECRET help".to_owned(),
                severity: crate::Severity::High,
                confidence: Confidence::High,
                cwe: vec!["SECRET".to_owned()],
                owasp: vec!["SECRET".to_owned()],
                compliance: vec!["PCI-DSS-4 SECRET".to_owned()],
                ai_pattern: false,
            }],
            notices: vec![Notice {
                level: NoticeLevel::Warning,
                path: None,
                message: "tool said SECRET".to_owned(),
            }],
            stats: ScanStats::default(),
            checks: vec![CheckRun {
                name: "acme".to_owned(),
                gate: "security".to_owned(),
                format: ToolFormat::Sarif,
                command: vec!["acme".to_owned(), "--token=HIDDEN".to_owned()],
                status: CheckStatus::Error,
                exit_code: Some(2),
                duration_ms: 1,
                findings: 0,
                truncated: 0,
                error: Some("failed: HIDDEN SECRET".to_owned()),
                stdout: "HIDDEN".to_owned(),
                stderr: "SECRET".to_owned(),
            }],
            coverage: Vec::new(),
            load: Vec::new(),
            compliance: Vec::new(),
            reviews: Vec::new(),
            verdict: Some(Verdict {
                status: VerdictStatus::Error,
                environment: "default".to_owned(),
                gates: vec![GateResult {
                    name: "security".to_owned(),
                    mode: GateMode::Block,
                    status: GateStatus::Error,
                    counts: GateCounts::default(),
                    reasons: vec!["check `acme` failed: HIDDEN SECRET".to_owned()],
                }],
            }),
        }
    }

    #[test]
    fn issue_7_every_rendered_text_of_a_report_is_redacted() {
        let mut report = report();
        let fingerprint = report.findings[0].fingerprint.clone();
        report.redact(&Words);
        let json = serde_json::to_string(&report).unwrap_or_default();
        assert!(!json.contains("SECRET"), "{json}");
        assert!(!json.contains("HIDDEN"), "{json}");
        // Identifiers and evidence stay: the fingerprint, commit ids, and paths and rule
        // ids without a secret.
        assert_eq!(report.findings[0].fingerprint, fingerprint);
        assert!(json.contains("0123456789abcdef0123456789abcdef01234567"));
        assert_eq!(report.findings[0].location.path, "app.py");
        assert_eq!(report.findings[0].rule_id, "py.os-system-injection");
        assert_eq!(report.checks[0].command, ["acme", "--token=H…"]);
        assert_eq!(
            report.findings[0].snippet,
            "os.system(\"curl -H token S…\" + x)"
        );
    }

    #[test]
    fn issue_12_a_matrix_hides_secrets_in_the_packs_texts_and_in_reasons() {
        let controls = vec![crate::ControlResult {
            id: "C-SECRET".to_owned(),
            title: "a SECRET title".to_owned(),
            status: crate::ControlStatus::Pass,
            evidence: vec![crate::Evidence::Finding(crate::FindingEvidence {
                rule: "py.x".to_owned(),
                path: "app.py".to_owned(),
                line: 1,
                severity: crate::Severity::High,
                fingerprint: "0a".to_owned(),
                status: FindingStatus::Triaged,
                justification: Some("key HIDDEN".to_owned()),
            })],
        }];
        let mut matrix = crate::ComplianceMatrix {
            framework: "acme-SECRET".to_owned(),
            title: "Acme SECRET".to_owned(),
            run: crate::ComplianceRun {
                commit: None,
                time: "2026-12-07T00:00:00Z".to_owned(),
                policy_digest: None,
                environment: "default".to_owned(),
                gates: Vec::new(),
                tools: Vec::new(),
            },
            summary: crate::ControlSummary::of(&controls),
            controls,
        };
        matrix.redact(&Words);
        let json = serde_json::to_string(&matrix).unwrap_or_default();
        assert!(!json.contains("SECRET"), "{json}");
        assert!(
            !json.contains("HIDDEN"),
            "a reason is redacted as tool output: {json}"
        );
        let mut report = report();
        report.findings[0].justification.as_mut().unwrap().reason = "key HIDDEN".to_owned();
        report.redact(&Words);
        let reason = &report.findings[0].justification.as_ref().unwrap().reason;
        assert_eq!(reason, "key H…");
    }

    #[test]
    fn issue_9_a_fix_that_shows_a_secret_is_dropped_and_any_other_kept_as_is() {
        let mut report = report();
        report.findings.push(report.findings[0].clone());
        report.findings[1].fix = Some(Box::new(fix("os.system(shlex.quote(x))")));
        report.redact(&Words);
        assert!(report.findings[0].fix.is_none());
        assert_eq!(
            report.findings[1]
                .fix
                .as_ref()
                .map(|fix| fix.replacement.as_str()),
            Some("os.system(shlex.quote(x))")
        );
    }

    /// Counts the texts it scans; hides `SECRET`.
    #[derive(Default)]
    struct Counting(std::cell::RefCell<HashMap<String, usize>>);

    impl Redactor for Counting {
        fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
            *self.0.borrow_mut().entry(text.to_owned()).or_default() += 1;
            Words.redact(text)
        }
    }

    #[test]
    fn issue_7_rule_ids_and_paths_are_redacted_each_scanned_once() {
        let mut report = report();
        let fingerprint = report.findings[0].fingerprint.clone();
        let mut finding = report.findings[0].clone();
        finding.rule_id = "R-SECRET".into();
        finding.location.path = "src/SECRET.py".into();
        finding.sources = vec![crate::FindingSource {
            tool: "acme".to_owned(),
            rule_id: "R-SECRET".to_owned(),
        }];
        report.findings = vec![finding; 50];
        report.rules[0].id = "R-SECRET".to_owned();
        report.notices[0].path = Some("src/SECRET.py".to_owned());
        let counting = Counting::default();
        report.redact(&counting);
        let json = serde_json::to_string(&report).unwrap_or_default();
        assert!(!json.contains("SECRET"), "{json}");
        assert_eq!(report.findings[0].rule_id, "R-S…");
        assert_eq!(report.findings[0].location.path, "src/S….py");
        assert_eq!(report.findings[0].sources[0].rule_id, "R-S…");
        assert_eq!(report.rules[0].id, "R-S…");
        assert_eq!(report.findings[49].fingerprint, fingerprint);
        let scans = counting.0.borrow();
        assert_eq!(scans.get("src/SECRET.py"), Some(&1), "{scans:?}");
        assert_eq!(scans.get("R-SECRET"), Some(&1), "{scans:?}");
    }
}
