use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;

use agate_model::{
    Analyzer, ApiSpec, CheckSpec, ContractsSpec, CoverageSpec, GateMode, LoadSpec, NotifyTarget,
    Severity, Tier,
};
use globset::{Glob, GlobSet};

use crate::error::{Place, PolicyError};
use crate::load::Layer;
use crate::options::{Baselining, GateSelection, Suppressing, Switch};
use crate::patterns::{self, Kind};

/// Where a resolved value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// agate's built-in default policy.
    BuiltIn,
    /// A configuration file.
    File(String),
    /// A command-line flag.
    CommandLine,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::BuiltIn => f.write_str("built-in"),
            Origin::File(file) => f.write_str(file),
            Origin::CommandLine => f.write_str("command line"),
        }
    }
}

/// A gate: a named group of analyzers whose findings are judged together.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    /// Its name, e.g. `security`.
    pub name: String,
    /// False when turned `off`.
    pub enabled: bool,
    /// The analyzers whose findings it judges.
    pub analyzers: Vec<Analyzer>,
    /// A Rego file whose `deny` messages fail the gate.
    pub policy: Option<PathBuf>,
    /// External checks (tools, test runners) whose findings it judges.
    pub external: Vec<CheckSpec>,
    /// Minimum coverage of new and AI-authored lines.
    pub coverage: Option<CoverageSpec>,
    /// Function contracts it runs.
    pub contracts: Option<ContractsSpec>,
    /// The HTTP API contract test it runs.
    pub api: Option<ApiSpec>,
    /// The load tests it runs.
    pub load: Vec<LoadSpec>,
    /// The LLM review it runs.
    pub llm_review: Option<agate_model::LlmReviewSpec>,
    /// The compliance frameworks whose controls it requires.
    pub compliance: Option<ComplianceRequirement>,
}

/// What a gate requires of compliance frameworks (`gates.NAME.frameworks` and `require`).
/// The ids are checked against the packs by the pipeline, which knows them; each keeps the
/// place that names it (`agate.yaml:12:5`) for its error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplianceRequirement {
    /// Framework (pack) ids with their places.
    pub frameworks: Vec<(String, String)>,
    /// `None`: every control of the frameworks (`require: [all]`, the default); else the
    /// control ids with their places.
    pub controls: Option<Vec<(String, String)>>,
}

impl ComplianceRequirement {
    /// Whether `self` requires less than `old`: a framework dropped, or a control no longer
    /// required.
    fn loosens(&self, old: &ComplianceRequirement) -> bool {
        let ids = |list: &[(String, String)]| -> BTreeSet<String> {
            list.iter().map(|(id, _)| id.clone()).collect()
        };
        let frameworks = ids(&self.frameworks);
        let dropped_framework = old
            .frameworks
            .iter()
            .any(|(id, _)| !frameworks.contains(id));
        let dropped_control = match (&self.controls, &old.controls) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(new), Some(old)) => {
                let new = ids(new);
                old.iter().any(|(id, _)| !new.contains(id))
            }
        };
        dropped_framework || dropped_control
    }
}

/// An environment: which gates run and whether they block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// Its name, e.g. `staging`.
    pub name: String,
    /// The gates it runs.
    pub gates: GateSelection,
    /// Block or warn.
    pub mode: GateMode,
}

/// How strict a tier is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierPolicy {
    /// Open findings at or above this severity block.
    pub block_at: Severity,
    /// Whether the baseline excuses this tier's findings.
    pub baseline: Baselining,
    /// Whether inline suppressions apply to this tier's findings.
    pub suppress: Suppressing,
}

/// A rule's settings after merging.
#[derive(Debug, Clone, Default)]
pub struct RulePolicy {
    /// The rule does not run.
    pub off: bool,
    /// Replaces the rule's own severity.
    pub severity: Option<Severity>,
    /// Only these paths (globs), when not empty.
    pub include: Vec<String>,
    /// Never these paths (globs).
    pub exclude: Vec<String>,
    include_set: Option<GlobSet>,
    exclude_set: Option<GlobSet>,
}

impl RulePolicy {
    /// Returns true when the rule applies to `path` (relative, `/`-separated).
    pub fn applies_to(&self, path: &str) -> bool {
        !self.off
            && self
                .include_set
                .as_ref()
                .is_none_or(|set| set.is_match(path))
            && self
                .exclude_set
                .as_ref()
                .is_none_or(|set| !set.is_match(path))
    }
}

/// Command-line settings, merged after every file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--block-at`: every tier blocks at this severity (locks still apply).
    pub block_at: Option<Severity>,
    /// `--ai-paths`: more globs whose lines count as AI-authored.
    pub ai_paths: Vec<String>,
}

/// The resolved policy: every setting decided, every origin remembered.
#[derive(Debug, Clone)]
pub struct Policy {
    gates: BTreeMap<String, Gate>,
    environments: BTreeMap<String, Environment>,
    tiers: [TierPolicy; 3],
    rules: BTreeMap<String, RulePolicy>,
    rule_places: BTreeMap<String, Place>,
    rule_dirs: Vec<PathBuf>,
    ignore: Vec<String>,
    ai_paths: Vec<String>,
    base: Option<String>,
    ai_identities: Vec<(String, String)>,
    require_signoff: bool,
    approvers: Vec<String>,
    triage_approvers: Vec<String>,
    triage_require_approval: Option<Vec<Tier>>,
    unscannable: crate::Unscannable,
    tests: TestsSettings,
    secrets: SecretsSettings,
    deps: DepsSettings,
    notify_on_block: Vec<NotifyTarget>,
    /// The team's compliance pack files, each with the place that names it.
    compliance_packs: Vec<PackFile>,
    /// The configuration files, in load order, each with its SHA-256.
    layers: Vec<agate_model::PolicyLayer>,
    /// SHA-256 over the layers' digests, in load order.
    digest: Option<String>,
    /// Each environment's limits for the gates' load tests, by test name.
    load_limits: BTreeMap<String, BTreeMap<String, crate::functional::Limits>>,
    origins: BTreeMap<String, Origin>,
}

/// Globs of test code when no `tests.paths` is given: test folders and fixtures of the
/// Python, JavaScript/TypeScript and Java conventions, and test files by name.
pub const DEFAULT_TEST_PATHS: &[&str] = &[
    "**/test/**",
    "**/tests/**",
    "**/__tests__/**",
    "**/spec/**",
    "**/fixtures/**",
    "**/testdata/**",
    "**/test_*.py",
    "**/*_test.py",
    "**/conftest.py",
    "**/*.{test,spec}.{js,jsx,mjs,cjs,ts,tsx}",
    "**/*{Test,Tests}.java",
];

/// Test code: which paths hold it, and the highest severity its findings are reported at.
#[derive(Debug, Clone)]
pub struct TestsSettings {
    /// Findings in test code are reported at most at this severity (built in: `low`).
    pub severity: Severity,
    /// Globs of test code, relative to the scan root.
    pub paths: Vec<String>,
    /// `paths`, compiled.
    set: Option<GlobSet>,
}

impl TestsSettings {
    /// Returns true when `path` (relative, `/`-separated) is test code.
    pub fn is_test(&self, path: &str) -> bool {
        self.set.as_ref().is_some_and(|set| set.is_match(path))
    }
}

impl Default for TestsSettings {
    fn default() -> TestsSettings {
        let paths: Vec<String> = DEFAULT_TEST_PATHS
            .iter()
            .map(|&glob| glob.to_owned())
            .collect();
        TestsSettings {
            severity: Severity::Low,
            // The built-in globs are valid: a unit test compiles them.
            set: patterns::glob_set(&Place::file("built-in"), "tests.paths", &paths)
                .ok()
                .flatten(),
            paths,
        }
    }
}

/// The dependency analyzer's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepsSettings {
    /// Whether to ask package registries if declared and imported packages exist.
    pub registry_check: bool,
    /// Files listing packages known to exist (private packages), resolved against the file
    /// that named them.
    pub known_packages: Vec<PathBuf>,
    /// Files listing more popular names for the typosquat check.
    pub popular_packages: Vec<PathBuf>,
}

impl Default for DepsSettings {
    fn default() -> DepsSettings {
        DepsSettings {
            registry_check: true,
            known_packages: Vec::new(),
            popular_packages: Vec::new(),
        }
    }
}

/// The secrets analyzer's settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretsSettings {
    /// A gitleaks configuration to import, resolved against the file that named it.
    pub gitleaks_config: Option<PathBuf>,
    /// Folders of the team's own secret rules.
    pub rule_dirs: Vec<PathBuf>,
    /// Globs of files not scanned for secrets.
    pub allowlist_paths: Vec<String>,
    /// Regexes of secrets not reported.
    pub allowlist_regexes: Vec<String>,
    /// Words that make a secret not reported.
    pub allowlist_stopwords: Vec<String>,
}

impl Policy {
    /// Returns the default base revision for `new` code, if configured.
    pub fn base(&self) -> Option<&str> {
        self.base.as_deref()
    }

    /// Returns the configured AI identities as `(tool, regex)`.
    pub fn ai_identities(&self) -> &[(String, String)] {
        &self.ai_identities
    }

    /// The secrets analyzer's settings (lists accumulate across files).
    pub fn secrets(&self) -> &SecretsSettings {
        &self.secrets
    }

    /// The team's compliance pack files (`compliance.packs`), resolved against the files that
    /// named them, each with the place that names it.
    pub fn compliance_packs(&self) -> &[PackFile] {
        &self.compliance_packs
    }

    /// SHA-256 (hex) over the configuration files the policy was loaded from, in load
    /// order: the SHA-256 of each file's SHA-256 in hex, one per line. `None` for the
    /// built-in policy.
    pub fn digest(&self) -> Option<&str> {
        self.digest.as_deref()
    }

    /// The configuration files the policy was loaded from, in load order, with their
    /// digests.
    pub fn layers(&self) -> &[agate_model::PolicyLayer] {
        &self.layers
    }

    /// Returns who is told when a change is blocked.
    pub fn notify_on_block(&self) -> &[NotifyTarget] {
        &self.notify_on_block
    }

    /// The dependency analyzer's settings (lists accumulate across files).
    pub fn deps(&self) -> &DepsSettings {
        &self.deps
    }

    /// Whether every AI-assisted commit of the change needs a human `Signed-off-by`.
    pub fn require_signoff(&self) -> bool {
        self.require_signoff
    }

    /// Which files are test code, and how severe their findings can be (`tests`).
    pub fn tests(&self) -> &TestsSettings {
        &self.tests
    }

    /// What a file of the change that agate cannot scan does to the gate (`unscannable`).
    pub fn unscannable(&self) -> crate::Unscannable {
        self.unscannable
    }

    /// Globs over the email of whoever may sign off AI-assisted commits; empty: any human.
    pub fn approvers(&self) -> &[String] {
        &self.approvers
    }

    /// Whether a sign-off by `email` counts: any email when no approvers are configured,
    /// else one matching an approver glob (case-insensitive).
    pub fn approves(&self, email: &str) -> bool {
        self.approvers.is_empty() || matches_any(&self.approvers, email)
    }

    /// Globs over the email of whoever may approve triage decisions (`triage.approvers`);
    /// empty: no decision needs approval.
    pub fn triage_approvers(&self) -> &[String] {
        &self.triage_approvers
    }

    /// Whether a triage decision on a finding of `tier` counts only once an approver
    /// committed it: approvers are set and `triage.require_approval` (default `[ai]`)
    /// lists the tier.
    pub fn triage_needs_approval(&self, tier: Tier) -> bool {
        !self.triage_approvers.is_empty()
            && self
                .triage_require_approval
                .as_deref()
                .unwrap_or(&[Tier::Ai])
                .contains(&tier)
    }

    /// Whether a commit by `email` approves triage decisions (an approver glob matches it,
    /// case-insensitive).
    pub fn approves_triage(&self, email: &str) -> bool {
        matches_any(&self.triage_approvers, email)
    }

    /// Returns a tier's settings.
    pub fn tier(&self, tier: Tier) -> &TierPolicy {
        &self.tiers[tier as usize]
    }

    /// Returns an environment; `None` asks for the default (every enabled gate, blocking).
    pub fn environment(&self, name: Option<&str>) -> Option<Environment> {
        match name {
            Some(name) => self.environments.get(name).cloned(),
            None => Some(Environment {
                name: "default".to_owned(),
                gates: GateSelection::All,
                mode: GateMode::Block,
            }),
        }
    }

    /// Returns the names of the configured environments.
    pub fn environment_names(&self) -> impl Iterator<Item = &str> {
        self.environments.keys().map(String::as_str)
    }

    /// The load tests of the gates `environment` runs, with the environment's limits.
    pub fn load_tests(&self, environment: &Environment) -> Vec<LoadSpec> {
        let limits = self.load_limits.get(&environment.name);
        self.gates_of(environment)
            .into_iter()
            .flat_map(|gate| &gate.load)
            .map(
                |spec| match limits.and_then(|limits| limits.get(&spec.name)) {
                    Some(limits) => limits.apply(spec),
                    None => spec.clone(),
                },
            )
            .collect()
    }

    /// Returns the enabled gates an environment runs, in name order.
    pub fn gates_of(&self, environment: &Environment) -> Vec<&Gate> {
        self.gates
            .values()
            .filter(|gate| gate.enabled)
            .filter(|gate| match &environment.gates {
                GateSelection::All => true,
                GateSelection::Named(names) => names.contains(&gate.name),
            })
            .collect()
    }

    /// The analyzers no enabled gate of `environment` judges: their findings have no gate
    /// and never block.
    pub fn ungated(&self, environment: &Environment) -> Vec<Analyzer> {
        let gates = self.gates_of(environment);
        Analyzer::GATED
            .into_iter()
            .filter(|analyzer| !gates.iter().any(|gate| gate.analyzers.contains(analyzer)))
            .collect()
    }

    /// Returns a rule's settings, if the configuration mentions it.
    pub fn rule(&self, id: &str) -> Option<&RulePolicy> {
        self.rules.get(id)
    }

    /// Returns the extra rule folders, resolved against the files that named them.
    pub fn rule_dirs(&self) -> &[PathBuf] {
        &self.rule_dirs
    }

    /// Returns the ignored path globs.
    pub fn ignore(&self) -> &[String] {
        &self.ignore
    }

    /// Returns the globs of files that count as AI-authored.
    pub fn ai_paths(&self) -> &[String] {
        &self.ai_paths
    }

    /// Checks that every configured rule id is one of `known`; the error points at the
    /// first unknown one and suggests the closest known id.
    pub fn check_rule_ids(&self, known: &BTreeSet<String>) -> Result<(), PolicyError> {
        for (id, place) in &self.rule_places {
            if known.contains(id) || self.is_external_rule(id) {
                continue;
            }
            let candidates: Vec<String> = known.iter().cloned().collect();
            let help = crate::error::suggestion(id, &candidates);
            let help = match help.split_once("? expected") {
                Some((first, _)) => format!("{first}? (`agate rules list` shows every rule)"),
                None => "`agate rules list` shows every rule id".to_owned(),
            };
            return Err(PolicyError::Invalid {
                at: place.clone(),
                message: format!("unknown rule `{id}` in `rules`"),
                help,
            });
        }
        Ok(())
    }

    /// Whether `id` names a rule of an external check (`CHECK/RULE`, whose rules are only
    /// known once the tool ran) or of a coverage minimum.
    pub fn is_external_rule(&self, id: &str) -> bool {
        let Some((prefix, rest)) = id.split_once('/') else {
            return false;
        };
        !rest.is_empty()
            && (agate_model::COVERAGE_RULES.contains(&id)
                || self
                    .gates
                    .values()
                    .flat_map(|gate| &gate.external)
                    .any(|check| check.name == prefix))
    }

    /// Lists every resolved setting as `(key, value, origin)`, sorted by key.
    pub fn explain(&self) -> Vec<(String, String, Origin)> {
        let mut rows = Vec::new();
        let origin = |key: &str| self.origins.get(key).cloned().unwrap_or(Origin::BuiltIn);
        for gate in self.gates.values() {
            gate_rows(gate, &origin, &mut rows);
        }
        for environment in self.environments.values() {
            let key = format!("environments.{}.gates", environment.name);
            let gates = match &environment.gates {
                GateSelection::All => "all".to_owned(),
                GateSelection::Named(names) => format!("[{}]", names.join(", ")),
            };
            rows.push((key.clone(), gates, origin(&key)));
            let key = format!("environments.{}.mode", environment.name);
            rows.push((
                key.clone(),
                mode_name(environment.mode).to_owned(),
                origin(&key),
            ));
        }
        for tier in Tier::ALL {
            let settings = self.tier(tier);
            for (field, value) in [
                ("block_at", settings.block_at.to_string()),
                ("baseline", baselining_name(settings.baseline).to_owned()),
                ("suppress", suppressing_name(settings.suppress).to_owned()),
            ] {
                let key = format!("tiers.{tier}.{field}");
                rows.push((key.clone(), value, origin(&key)));
            }
        }
        for (id, rule) in &self.rules {
            let key = format!("rules.{id}");
            let mut parts = Vec::new();
            if rule.off {
                parts.push("off".to_owned());
            }
            if let Some(severity) = rule.severity {
                parts.push(format!("severity {severity}"));
            }
            if !rule.include.is_empty() {
                parts.push(format!("include [{}]", rule.include.join(", ")));
            }
            if !rule.exclude.is_empty() {
                parts.push(format!("exclude [{}]", rule.exclude.join(", ")));
            }
            rows.push((key.clone(), parts.join(", "), origin(&key)));
        }
        for (key, values) in [
            (
                "rule_dirs",
                self.rule_dirs
                    .iter()
                    .map(|dir| dir.display().to_string())
                    .collect::<Vec<_>>(),
            ),
            ("ignore", self.ignore.clone()),
            ("ai_paths", self.ai_paths.clone()),
        ] {
            rows.push((
                key.to_owned(),
                format!("[{}]", values.join(", ")),
                origin(key),
            ));
        }
        rows.push((
            "unscannable".to_owned(),
            self.unscannable.as_str().to_owned(),
            origin("unscannable"),
        ));
        rows.push((
            "tests.severity".to_owned(),
            self.tests.severity.as_str().to_owned(),
            origin("tests.severity"),
        ));
        rows.push((
            "tests.paths".to_owned(),
            format!("[{}]", self.tests.paths.join(", ")),
            origin("tests.paths"),
        ));
        if !self.compliance_packs.is_empty() {
            let packs: Vec<String> = self
                .compliance_packs
                .iter()
                .map(|pack| pack.path.display().to_string())
                .collect();
            rows.push((
                "compliance.packs".to_owned(),
                format!("[{}]", packs.join(", ")),
                origin("compliance.packs"),
            ));
        }
        rows.extend(self.explain_provenance());
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        rows
    }

    /// The `provenance.*` rows of [`Policy::explain`].
    fn explain_provenance(&self) -> Vec<(String, String, Origin)> {
        let mut rows = Vec::new();
        let origin = |key: &str| self.origins.get(key).cloned().unwrap_or(Origin::BuiltIn);
        if let Some(base) = &self.base {
            rows.push((
                "provenance.base".to_owned(),
                base.clone(),
                origin("provenance.base"),
            ));
        }
        rows.push((
            "provenance.require_signoff".to_owned(),
            self.require_signoff.to_string(),
            origin("provenance.require_signoff"),
        ));
        if !self.approvers.is_empty() {
            rows.push((
                "provenance.approvers".to_owned(),
                format!("[{}]", self.approvers.join(", ")),
                origin("provenance.approvers"),
            ));
        }
        if !self.ai_identities.is_empty() {
            let tools: Vec<&str> = self
                .ai_identities
                .iter()
                .map(|(tool, _)| tool.as_str())
                .collect();
            rows.push((
                "provenance.ai_identities".to_owned(),
                format!("[{}]", tools.join(", ")),
                origin("provenance.ai_identities"),
            ));
        }
        if !self.triage_approvers.is_empty() {
            rows.push((
                "triage.approvers".to_owned(),
                format!("[{}]", self.triage_approvers.join(", ")),
                origin("triage.approvers"),
            ));
            let tiers: Vec<&str> = Tier::ALL
                .into_iter()
                .filter(|&tier| self.triage_needs_approval(tier))
                .map(Tier::as_str)
                .collect();
            rows.push((
                "triage.require_approval".to_owned(),
                format!("[{}]", tiers.join(", ")),
                origin("triage.require_approval"),
            ));
        }
        rows
    }
}

fn mode_name(mode: GateMode) -> &'static str {
    match mode {
        GateMode::Block => "block",
        GateMode::Warn => "warn",
    }
}

fn baselining_name(baselining: Baselining) -> &'static str {
    match baselining {
        Baselining::Allowed => "allowed",
        Baselining::Forbidden => "forbidden",
    }
}

fn suppressing_name(suppressing: Suppressing) -> &'static str {
    match suppressing {
        Suppressing::Allowed => "allowed",
        Suppressing::Forbidden => "forbidden",
    }
}

fn built_in() -> Policy {
    let gate = |name: &str, analyzers: &[Analyzer]| {
        (
            name.to_owned(),
            Gate {
                name: name.to_owned(),
                enabled: true,
                analyzers: analyzers.to_vec(),
                policy: None,
                external: Vec::new(),
                coverage: None,
                contracts: None,
                api: None,
                load: Vec::new(),
                llm_review: None,
                compliance: None,
            },
        )
    };
    let environment = |name: &str, mode| {
        (
            name.to_owned(),
            Environment {
                name: name.to_owned(),
                gates: GateSelection::All,
                mode,
            },
        )
    };
    Policy {
        gates: [
            gate("functional", &[Analyzer::TestIntegrity]),
            gate("provenance-lint", &[Analyzer::AiPatterns, Analyzer::Policy]),
            gate(
                "security",
                &[Analyzer::Sast, Analyzer::Secrets, Analyzer::Deps],
            ),
        ]
        .into_iter()
        .collect(),
        environments: [
            environment("dev", GateMode::Warn),
            environment("staging", GateMode::Block),
            environment("production", GateMode::Block),
        ]
        .into_iter()
        .collect(),
        tiers: [
            TierPolicy {
                block_at: Severity::Low,
                baseline: Baselining::Forbidden,
                suppress: Suppressing::Allowed,
            },
            TierPolicy {
                block_at: Severity::Medium,
                baseline: Baselining::Allowed,
                suppress: Suppressing::Allowed,
            },
            TierPolicy {
                block_at: Severity::High,
                baseline: Baselining::Allowed,
                suppress: Suppressing::Allowed,
            },
        ],
        rules: BTreeMap::new(),
        rule_places: BTreeMap::new(),
        rule_dirs: Vec::new(),
        ignore: Vec::new(),
        ai_paths: Vec::new(),
        base: None,
        require_signoff: false,
        approvers: Vec::new(),
        triage_approvers: Vec::new(),
        triage_require_approval: None,
        unscannable: crate::Unscannable::Error,
        tests: TestsSettings::default(),
        secrets: SecretsSettings::default(),
        deps: DepsSettings::default(),
        notify_on_block: Vec::new(),
        compliance_packs: Vec::new(),
        layers: Vec::new(),
        digest: None,
        ai_identities: Vec::new(),
        load_limits: BTreeMap::new(),
        origins: BTreeMap::new(),
    }
}

/// Whether an email glob of `patterns` matches `email` (case-insensitive).
fn matches_any(patterns: &[String], email: &str) -> bool {
    patterns.iter().any(|pattern| {
        globset::GlobBuilder::new(pattern)
            .case_insensitive(true)
            .build()
            .is_ok_and(|glob| glob.compile_matcher().is_match(email))
    })
}

/// A team's compliance pack file (`compliance.packs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackFile {
    /// The file, resolved against the configuration file that names it.
    pub path: PathBuf,
    /// Where it is named, `file:line:column`.
    pub at: String,
    /// The frameworks a gate locked by an earlier file requires, each with that gate and
    /// where it was locked: the pack may not add evidence to them (mapping a quiet rule
    /// would make a locked requirement pass).
    pub locked: Vec<(String, String)>,
}

/// Locks seen so far: key → where it was locked.
struct Locks(BTreeMap<String, Place>);

impl Locks {
    /// Returns where `key` (or a parent of it) was locked.
    fn covering(&self, key: &str) -> Option<&Place> {
        self.0.iter().find_map(|(locked, place)| {
            (key == locked || key.starts_with(&format!("{locked}."))).then_some(place)
        })
    }

    fn check(
        &self,
        key: &str,
        loosens: bool,
        at: &Place,
        what: impl FnOnce() -> String,
    ) -> Result<(), PolicyError> {
        match self.covering(key) {
            Some(locked_at) if loosens && locked_at.file != at.file => Err(PolicyError::Locked {
                at: at.clone(),
                key: key.to_owned(),
                locked_at: Box::new(locked_at.clone()),
                what: what(),
            }),
            _ => Ok(()),
        }
    }
}

/// Merges `layers` (parents first) and then `overrides` over the built-in policy, enforcing
/// every lock, and checks that every gate and analyzer named exists.
pub fn resolve(layers: &[Layer], overrides: &Overrides) -> Result<Policy, PolicyError> {
    let mut policy = built_in();
    let mut locks = Locks(BTreeMap::new());
    for layer in layers {
        merge_layer(&mut policy, &mut locks, layer)?;
    }
    policy.layers = layers
        .iter()
        .map(|layer| agate_model::PolicyLayer {
            source: layer.file.clone(),
            digest: layer.sha256.clone(),
        })
        .collect();
    if !layers.is_empty() {
        let mut digests = String::new();
        for layer in layers {
            digests.push_str(&layer.sha256);
            digests.push('\n');
        }
        policy.digest = Some(agate_model::sha256_hex(digests.as_bytes()));
    }
    let command_line = Place::file("the command line");
    if let Some(block_at) = overrides.block_at {
        for tier in Tier::ALL {
            let key = format!("tiers.{tier}.block_at");
            let current = policy.tiers[tier as usize].block_at;
            locks.check(&key, block_at > current, &command_line, || {
                format!("`--block-at {block_at}` raises `{key}` from `{current}`")
            })?;
            policy.tiers[tier as usize].block_at = block_at;
            policy.origins.insert(key, Origin::CommandLine);
        }
    }
    if !overrides.ai_paths.is_empty() {
        check_globs(&command_line, "--ai-paths", &overrides.ai_paths)?;
        policy.ai_paths.extend(overrides.ai_paths.iter().cloned());
        policy
            .origins
            .insert("ai_paths".to_owned(), Origin::CommandLine);
    }
    for (id, rule) in &mut policy.rules {
        let at = policy
            .rule_places
            .get(id)
            .cloned()
            .unwrap_or_else(|| Place::file("the configuration"));
        rule.include_set = patterns::glob_set(&at, &format!("rules.{id}.include"), &rule.include)?;
        rule.exclude_set = patterns::glob_set(&at, &format!("rules.{id}.exclude"), &rule.exclude)?;
    }
    Ok(policy)
}

/// Whether a new minimum is lower than the old one (none is lowest).
fn lower(new: Option<f64>, old: Option<f64>) -> bool {
    match (new, old) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(new), Some(old)) => new < old,
    }
}

/// Checks a list of globs: its length, each glob's size, and each glob's syntax.
fn check_globs(at: &Place, key: &str, globs: &[String]) -> Result<(), PolicyError> {
    patterns::check_list(at, key, Kind::Glob, globs.iter().map(String::as_str))?;
    for glob in globs {
        check_glob(at, glob)?;
    }
    Ok(())
}

fn check_glob(at: &Place, pattern: &str) -> Result<(), PolicyError> {
    Glob::new(pattern)
        .map(|_| ())
        .map_err(|error| PolicyError::Invalid {
            at: at.clone(),
            message: format!("invalid glob `{pattern}`: {}", error.kind()),
            help: "globs use `*`, `**`, `?` and `[...]`, e.g. `src/**/*.py`".to_owned(),
        })
}

/// Merges one layer's options over `policy`, one top-level key of `agate.yaml` at a time:
/// `gates` before `environments`, which name them, and `locked` last, so a layer's locks
/// bind the layers after it.
fn merge_layer(policy: &mut Policy, locks: &mut Locks, layer: &Layer) -> Result<(), PolicyError> {
    let origin = &Origin::File(layer.file.clone());
    merge_gates(policy, locks, layer, origin)?;
    merge_environments(policy, locks, layer, origin)?;
    merge_tiers(policy, locks, layer, origin)?;
    merge_rules(policy, locks, layer, origin)?;
    merge_rule_dirs(policy, layer, origin);
    merge_ignore(policy, layer, origin)?;
    merge_ai_paths(policy, layer, origin)?;
    merge_secrets(policy, layer, origin)?;
    merge_deps(policy, layer, origin);
    merge_notify(policy, layer, origin)?;
    merge_compliance_packs(policy, locks, layer, origin);
    merge_provenance(policy, locks, layer, origin)?;
    merge_triage(policy, locks, layer, origin)?;
    merge_unscannable(policy, locks, layer, origin)?;
    merge_tests(policy, locks, layer, origin)?;
    merge_locked(locks, layer)
}

/// Merges `gates:`: each gate turned off, or turned on and changed.
fn merge_gates(
    policy: &mut Policy,
    locks: &Locks,
    layer: &Layer,
    origin: &Origin,
) -> Result<(), PolicyError> {
    let file = layer.file.as_str();
    for (name, spanned) in layer.options.gates.iter().flatten() {
        let at = Place::at(file, &spanned.referenced);
        match &spanned.value {
            Switch::Off => turn_gate_off(policy, locks, name, &at, origin)?,
            Switch::On(gate_options) => {
                merge_gate(policy, locks, layer, origin, name, gate_options, &at)?;
            }
        }
    }
    Ok(())
}

/// `gates.NAME: off`.
fn turn_gate_off(
    policy: &mut Policy,
    locks: &Locks,
    name: &str,
    at: &Place,
    origin: &Origin,
) -> Result<(), PolicyError> {
    let was_on = policy.gates.get(name).is_some_and(|gate| gate.enabled);
    locks.check(&format!("gates.{name}"), was_on, at, || {
        format!("`gates.{name}: off` turns the gate off")
    })?;
    let gate = policy.gates.entry(name.to_owned()).or_insert_with(|| Gate {
        name: name.to_owned(),
        enabled: false,
        analyzers: Vec::new(),
        policy: None,
        external: Vec::new(),
        coverage: None,
        contracts: None,
        api: None,
        load: Vec::new(),
        llm_review: None,
        compliance: None,
    });
    gate.enabled = false;
    policy
        .origins
        .insert(format!("gates.{name}.enabled"), origin.clone());
    Ok(())
}

/// `gates.NAME: {…}`: the gate is on, with what the layer changes.
fn merge_gate(
    policy: &mut Policy,
    locks: &Locks,
    layer: &Layer,
    origin: &Origin,
    name: &str,
    gate_options: &crate::options::GateOptions,
    at: &Place,
) -> Result<(), PolicyError> {
    let file = layer.file.as_str();
    let previous = policy.gates.get(name).cloned();
    let analyzers = gate_options
        .analyzers
        .as_deref()
        .map(|names| gate_analyzers(names, name, at))
        .transpose()?;
    if let Some(analyzers) = &analyzers {
        let dropped: Vec<&Analyzer> = previous
            .iter()
            .flat_map(|gate| gate.analyzers.iter())
            .filter(|old| !analyzers.contains(old))
            .collect();
        locks.check(&format!("gates.{name}"), !dropped.is_empty(), at, || {
            format!(
                "it drops analyzer(s) {} from the gate",
                backticked(&dropped)
            )
        })?;
    }
    if let Some(rego) = &gate_options.policy {
        let changes = previous
            .as_ref()
            .and_then(|gate| gate.policy.as_ref())
            .is_some_and(|old| *old != layer.dir.join(rego));
        locks.check(&format!("gates.{name}"), changes, at, || {
            "it replaces the gate's Rego policy".to_owned()
        })?;
    }
    let was_off = previous.as_ref().is_some_and(|gate| !gate.enabled);
    let gate = policy.gates.entry(name.to_owned()).or_insert_with(|| Gate {
        name: name.to_owned(),
        enabled: true,
        analyzers: Vec::new(),
        policy: None,
        external: Vec::new(),
        coverage: None,
        contracts: None,
        api: None,
        load: Vec::new(),
        llm_review: None,
        compliance: None,
    });
    if let Some(rego) = &gate_options.policy {
        gate.policy = Some(layer.dir.join(rego));
        policy
            .origins
            .insert(format!("gates.{name}.policy"), origin.clone());
    }
    if was_off || !gate.enabled {
        gate.enabled = true;
        policy
            .origins
            .insert(format!("gates.{name}.enabled"), origin.clone());
    }
    if let Some(analyzers) = analyzers {
        gate.analyzers = analyzers;
        policy
            .origins
            .insert(format!("gates.{name}.analyzers"), origin.clone());
    }
    for check in gate_options.external.iter().flatten() {
        let at = Place::at(file, &check.referenced);
        let spec = crate::external::check_spec(name, &check.value, &at)?;
        let replaced = gate.external.iter().position(|old| old.name == spec.name);
        locks.check(&format!("gates.{name}"), replaced.is_some(), &at, || {
            format!("it replaces the gate's external check `{}`", spec.name)
        })?;
        match replaced {
            Some(index) => gate.external[index] = spec,
            None => gate.external.push(spec),
        }
        policy
            .origins
            .insert(format!("gates.{name}.external"), origin.clone());
    }
    if let Some(coverage) = &gate_options.coverage {
        let at = Place::at(file, &coverage.referenced);
        let spec = crate::external::coverage_spec(name, &coverage.value, &at)?;
        let loosens = gate.coverage.as_ref().is_some_and(|old| {
            lower(spec.new_lines, old.new_lines) || lower(spec.ai_lines, old.ai_lines)
        });
        locks.check(&format!("gates.{name}"), loosens, &at, || {
            "it lowers or drops a coverage minimum".to_owned()
        })?;
        gate.coverage = Some(spec);
        policy
            .origins
            .insert(format!("gates.{name}.coverage"), origin.clone());
    }
    if let Some(gate) = policy.gates.get_mut(name) {
        merge_functional(
            gate,
            &mut policy.origins,
            locks,
            (file, name, origin, at),
            gate_options,
        )?;
    }
    Ok(())
}

/// Merges a gate's `frameworks:` and `require:`; a locked gate may require more, never less.
fn merge_gate_compliance(
    gate: &mut Gate,
    origins: &mut BTreeMap<String, Origin>,
    locks: &Locks,
    (file, name, origin): (&str, &str, &Origin),
    gate_options: &crate::options::GateOptions,
    at: &Place,
) -> Result<(), PolicyError> {
    if gate_options.frameworks.is_none() && gate_options.require.is_none() {
        return Ok(());
    }
    let placed = |list: &[serde_saphyr::Spanned<String>]| -> Vec<(String, String)> {
        list.iter()
            .map(|item| {
                (
                    item.value.trim().to_owned(),
                    Place::at(file, &item.referenced).to_string(),
                )
            })
            .collect()
    };
    let old = gate.compliance.clone();
    let frameworks = match &gate_options.frameworks {
        Some(list) => placed(list),
        None => old
            .as_ref()
            .map(|old| old.frameworks.clone())
            .unwrap_or_default(),
    };
    if frameworks.is_empty() {
        return Err(PolicyError::Invalid {
            at: at.clone(),
            message: format!("gate `{name}` has `require` but no `frameworks`"),
            help: "name the frameworks whose controls it requires, e.g. `frameworks: [pci-dss-4]` (`agate compliance report --help` lists them)".to_owned(),
        });
    }
    let controls = match &gate_options.require {
        Some(list) => {
            if list.is_empty() {
                return Err(PolicyError::Invalid {
                    at: at.clone(),
                    message: format!("`gates.{name}.require` is empty"),
                    help: "write `require: [all]` or the control ids, e.g. `require: [\"6.2.4\"]`"
                        .to_owned(),
                });
            }
            if list.iter().any(|item| item.value.trim() == "all") {
                None
            } else {
                Some(placed(list))
            }
        }
        None => old.as_ref().and_then(|old| old.controls.clone()),
    };
    let new = ComplianceRequirement {
        frameworks,
        controls,
    };
    let loosens = old.as_ref().is_some_and(|old| new.loosens(old));
    locks.check(&format!("gates.{name}"), loosens, at, || {
        "it drops a framework or a required control from the gate".to_owned()
    })?;
    gate.compliance = Some(new);
    origins.insert(format!("gates.{name}.frameworks"), origin.clone());
    Ok(())
}

/// Merges a gate's `frameworks:`/`require:`, `contracts:`, `api:`, `llm_review:` and
/// `load:`.
fn merge_functional(
    gate: &mut Gate,
    origins: &mut BTreeMap<String, Origin>,
    locks: &Locks,
    (file, name, origin, at): (&str, &str, &Origin, &Place),
    gate_options: &crate::options::GateOptions,
) -> Result<(), PolicyError> {
    merge_gate_compliance(gate, origins, locks, (file, name, origin), gate_options, at)?;
    if let Some(contracts) = &gate_options.contracts {
        let at = Place::at(file, &contracts.referenced);
        let spec = crate::functional::contracts_spec(name, &contracts.value, &at)?;
        // A locked gate's contracts may gain paths, never lose one.
        let drops = gate
            .contracts
            .as_ref()
            .is_some_and(|old| old.paths.iter().any(|path| !spec.paths.contains(path)));
        locks.check(&format!("gates.{name}"), drops, &at, || {
            "it drops contract paths from the gate".to_owned()
        })?;
        gate.contracts = Some(spec);
        origins.insert(format!("gates.{name}.contracts"), origin.clone());
    }
    if let Some(api) = &gate_options.api {
        let at = Place::at(file, &api.referenced);
        let spec = crate::functional::api_spec(name, &api.value, &at)?;
        let replaces = gate.api.as_ref().is_some_and(|old| old.spec != spec.spec);
        locks.check(&format!("gates.{name}"), replaces, &at, || {
            format!(
                "it replaces the gate's API document `{}`",
                spec.spec.display()
            )
        })?;
        gate.api = Some(spec);
        origins.insert(format!("gates.{name}.api"), origin.clone());
    }
    if let Some(review) = &gate_options.llm_review {
        let at = Place::at(file, &review.referenced);
        let spec = crate::functional::llm_review_spec(name, &review.value, &at)?;
        // A locked gate's review may not stop blocking.
        let loosens = gate
            .llm_review
            .as_ref()
            .is_some_and(|old| old.block && !spec.block);
        locks.check(&format!("gates.{name}"), loosens, &at, || {
            "it makes the gate's LLM review advisory".to_owned()
        })?;
        gate.llm_review = Some(spec);
        origins.insert(format!("gates.{name}.llm_review"), origin.clone());
    }
    for test in gate_options.load.iter().flatten() {
        let at = Place::at(file, &test.referenced);
        let line = test.referenced.line();
        let spec = crate::functional::load_spec(name, &test.value, (file, line), &at)?;
        let replaced = gate.load.iter().position(|old| old.name == spec.name);
        locks.check(&format!("gates.{name}"), replaced.is_some(), &at, || {
            format!("it replaces the gate's load test `{}`", spec.name)
        })?;
        match replaced {
            Some(index) => gate.load[index] = spec,
            None => gate.load.push(spec),
        }
        origins.insert(format!("gates.{name}.load"), origin.clone());
    }
    Ok(())
}

/// `config explain`'s rows of one gate.
fn gate_rows(
    gate: &Gate,
    origin: &impl Fn(&str) -> Origin,
    rows: &mut Vec<(String, String, Origin)>,
) {
    let key = format!("gates.{}.enabled", gate.name);
    rows.push((key.clone(), gate.enabled.to_string(), origin(&key)));
    let key = format!("gates.{}.analyzers", gate.name);
    rows.push((
        key.clone(),
        format!("[{}]", Analyzer::names(&gate.analyzers)),
        origin(&key),
    ));
    if let Some(rego) = &gate.policy {
        let key = format!("gates.{}.policy", gate.name);
        rows.push((key.clone(), rego.display().to_string(), origin(&key)));
    }
    if let Some(compliance) = &gate.compliance {
        let key = format!("gates.{}.frameworks", gate.name);
        let ids = |list: &[(String, String)]| {
            list.iter()
                .map(|(id, _)| id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let required = compliance
            .controls
            .as_deref()
            .map_or_else(|| "all".to_owned(), ids);
        let value = format!("[{}], require [{required}]", ids(&compliance.frameworks));
        rows.push((key.clone(), value, origin(&key)));
    }
    if let Some(contracts) = &gate.contracts {
        let key = format!("gates.{}.contracts", gate.name);
        let paths: Vec<String> = contracts
            .paths
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        rows.push((key.clone(), format!("[{}]", paths.join(", ")), origin(&key)));
    }
    if let Some(api) = &gate.api {
        let key = format!("gates.{}.api", gate.name);
        let value = format!("{} at {}", api.spec.display(), api.base_url);
        rows.push((key.clone(), value, origin(&key)));
    }
    if let Some(review) = &gate.llm_review {
        let key = format!("gates.{}.llm_review", gate.name);
        let value = format!(
            "{} at {}, model {}, {}, max {} hunks and {} tokens",
            review.rubric,
            review.base_url,
            review.model,
            if review.block { "blocking" } else { "advisory" },
            review.max_hunks,
            review.max_tokens
        );
        rows.push((key.clone(), value, origin(&key)));
    }
}

/// Merges `environments:`; the gates they name must exist.
fn merge_environments(
    policy: &mut Policy,
    locks: &Locks,
    layer: &Layer,
    origin: &Origin,
) -> Result<(), PolicyError> {
    let file = layer.file.as_str();
    for (name, spanned) in layer.options.environments.iter().flatten() {
        let at = Place::at(file, &spanned.referenced);
        let environment_options = &spanned.value;
        let previous = policy.environments.get(name).cloned();
        if let Some(GateSelection::Named(names)) = &environment_options.gates
            && let Some(unknown) = names.iter().find(|gate| !policy.gates.contains_key(*gate))
        {
            let expected: Vec<String> = policy.gates.keys().cloned().collect();
            return Err(PolicyError::Invalid {
                at,
                message: format!("unknown gate `{unknown}` in `environments.{name}.gates`"),
                help: crate::error::suggestion(unknown, &expected),
            });
        }
        let environment = policy
            .environments
            .entry(name.clone())
            .or_insert_with(|| Environment {
                name: name.clone(),
                gates: GateSelection::All,
                mode: GateMode::Block,
            });
        if let Some(gates) = &environment_options.gates {
            let loosens = match (previous.as_ref().map(|p| &p.gates), gates) {
                (Some(GateSelection::All), GateSelection::Named(_)) => true,
                (Some(GateSelection::Named(old)), GateSelection::Named(new)) => {
                    old.iter().any(|gate| !new.contains(gate))
                }
                _ => false,
            };
            locks.check(&format!("environments.{name}"), loosens, &at, || {
                format!("it removes gates from environment `{name}`")
            })?;
            environment.gates = gates.clone();
            policy
                .origins
                .insert(format!("environments.{name}.gates"), origin.clone());
        }
        if let Some(mode) = environment_options.mode {
            let loosens =
                previous.is_some_and(|p| p.mode == GateMode::Block) && mode == GateMode::Warn;
            locks.check(&format!("environments.{name}"), loosens, &at, || {
                format!("it sets environment `{name}` to `mode: warn`")
            })?;
            environment.mode = mode;
            policy
                .origins
                .insert(format!("environments.{name}.mode"), origin.clone());
        }
        for (test, limits) in environment_options.load.iter().flatten() {
            let at = Place::at(file, &limits.referenced);
            let key = format!("environments.{name}.load.{test}");
            let tests: Vec<String> = policy
                .gates
                .values()
                .flat_map(|gate| gate.load.iter().map(|spec| spec.name.clone()))
                .collect();
            if !tests.contains(test) {
                return Err(PolicyError::Invalid {
                    at,
                    message: format!("unknown load test `{test}` in `environments.{name}.load`"),
                    help: crate::error::suggestion(test, &tests),
                });
            }
            let limits = crate::functional::load_limits(&key, &limits.value, &at)?;
            let known = policy.load_limits.entry(name.clone()).or_default();
            let changes = known.get(test).is_some_and(|old| *old != limits);
            locks.check(&format!("environments.{name}"), changes, &at, || {
                format!("it changes the load limits of `{test}` in environment `{name}`")
            })?;
            known.insert(test.clone(), limits);
            policy.origins.insert(key, origin.clone());
        }
    }

    Ok(())
}

/// Merges `tiers:`: each tier's threshold, baselining and suppressing.
fn merge_tiers(
    policy: &mut Policy,
    locks: &Locks,
    layer: &Layer,
    origin: &Origin,
) -> Result<(), PolicyError> {
    let file = layer.file.as_str();
    let Some(tiers) = &layer.options.tiers else {
        return Ok(());
    };
    for (tier, spanned) in [
        (Tier::Ai, &tiers.ai),
        (Tier::New, &tiers.new),
        (Tier::Legacy, &tiers.legacy),
    ] {
        let Some(spanned) = spanned else { continue };
        let at = Place::at(file, &spanned.referenced);
        let current = policy.tiers[tier as usize];
        let mut next = current;
        if let Some(block_at) = spanned.value.block_at {
            let key = format!("tiers.{tier}.block_at");
            locks.check(&key, block_at > current.block_at, &at, || {
                format!(
                    "`block_at: {block_at}` is laxer than `{}`",
                    current.block_at
                )
            })?;
            next.block_at = block_at;
            policy.origins.insert(key, origin.clone());
        }
        if let Some(baseline) = spanned.value.baseline {
            let key = format!("tiers.{tier}.baseline");
            let loosens =
                current.baseline == Baselining::Forbidden && baseline == Baselining::Allowed;
            locks.check(&key, loosens, &at, || {
                "it allows baselining where it was forbidden".to_owned()
            })?;
            next.baseline = baseline;
            policy.origins.insert(key, origin.clone());
        }
        if let Some(suppress) = spanned.value.suppress {
            let key = format!("tiers.{tier}.suppress");
            let loosens =
                current.suppress == Suppressing::Forbidden && suppress == Suppressing::Allowed;
            locks.check(&key, loosens, &at, || {
                "it allows suppressions where they were forbidden".to_owned()
            })?;
            next.suppress = suppress;
            policy.origins.insert(key, origin.clone());
        }
        policy.tiers[tier as usize] = next;
    }
    Ok(())
}

/// Merges `rules:`: each rule off, or its severity and paths.
fn merge_rules(
    policy: &mut Policy,
    locks: &Locks,
    layer: &Layer,
    origin: &Origin,
) -> Result<(), PolicyError> {
    let file = layer.file.as_str();
    for (id, spanned) in layer.options.rules.iter().flatten() {
        let at = Place::at(file, &spanned.referenced);
        policy
            .rule_places
            .entry(id.clone())
            .or_insert_with(|| at.clone());
        let key = format!("rules.{id}");
        let previous = policy.rules.get(id).cloned().unwrap_or_default();
        let mut next = previous.clone();
        match &spanned.value {
            Switch::Off => {
                locks.check(&key, !previous.off, &at, || {
                    format!("`rules.{id}: off` turns the rule off")
                })?;
                next.off = true;
            }
            Switch::On(rule_options) => {
                next.off = false;
                if let Some(severity) = rule_options.severity {
                    let lowers = previous.severity.is_some_and(|old| severity < old);
                    locks.check(&key, lowers, &at, || {
                        format!(
                            "`severity: {severity}` is lower than `{}`",
                            previous.severity.unwrap_or(severity)
                        )
                    })?;
                    next.severity = Some(severity);
                }
                for (field, patterns, target) in [
                    ("include", &rule_options.include, &mut next.include),
                    ("exclude", &rule_options.exclude, &mut next.exclude),
                ] {
                    if let Some(patterns) = patterns {
                        check_globs(&at, &format!("{key}.{field}"), patterns)?;
                        locks.check(&key, *target != *patterns, &at, || {
                            format!("it changes the `{field}` paths of a locked rule")
                        })?;
                        target.clone_from(patterns);
                    }
                }
            }
        }
        policy.rules.insert(id.clone(), next);
        policy.origins.insert(key, origin.clone());
    }

    Ok(())
}

/// Adds `rule_dirs:`, relative to the layer's folder.
fn merge_rule_dirs(policy: &mut Policy, layer: &Layer, origin: &Origin) {
    let Some(dirs) = &layer.options.rule_dirs else {
        return;
    };
    policy
        .rule_dirs
        .extend(dirs.iter().map(|dir| layer.dir.join(dir)));
    policy
        .origins
        .insert("rule_dirs".to_owned(), origin.clone());
}

/// Adds `compliance.packs:` files, resolved against the layer's folder.
fn merge_compliance_packs(policy: &mut Policy, locks: &Locks, layer: &Layer, origin: &Origin) {
    let Some(packs) = layer
        .options
        .compliance
        .as_ref()
        .and_then(|compliance| compliance.packs.as_ref())
    else {
        return;
    };
    // The locks are those of earlier files: a file's own come into force after it.
    let locked: Vec<(String, String)> = policy
        .gates
        .values()
        .filter_map(|gate| {
            let requirement = gate.compliance.as_ref()?;
            let place = locks.covering(&format!("gates.{}", gate.name))?;
            Some(requirement.frameworks.iter().map(move |(id, _)| {
                (
                    id.clone(),
                    format!("gate `{}` (locked at {place})", gate.name),
                )
            }))
        })
        .flatten()
        .collect();
    for pack in packs {
        let at = Place::at(&layer.file, &pack.referenced).to_string();
        policy.compliance_packs.push(PackFile {
            path: layer.dir.join(&pack.value),
            at,
            locked: locked.clone(),
        });
    }
    policy
        .origins
        .insert("compliance.packs".to_owned(), origin.clone());
}

/// Adds `ignore:` patterns (gitignore syntax), each checked.
fn merge_ignore(policy: &mut Policy, layer: &Layer, origin: &Origin) -> Result<(), PolicyError> {
    let file = layer.file.as_str();
    let Some(ignore) = &layer.options.ignore else {
        return Ok(());
    };
    patterns::check_list(
        &Place::file(file),
        "ignore",
        Kind::Glob,
        ignore.iter().map(String::as_str),
    )?;
    // gitignore syntax: `!` negates, a leading `/` anchors, a trailing `/` means a folder;
    // what remains is a glob the walker compiles, so a broken one is refused here rather
    // than ignored there.
    for pattern in ignore {
        let glob = pattern.strip_prefix('!').unwrap_or(pattern);
        let glob = glob.strip_prefix('/').unwrap_or(glob);
        check_glob(&Place::file(file), glob.strip_suffix('/').unwrap_or(glob))?;
    }
    policy.ignore.extend(ignore.iter().cloned());
    policy.origins.insert("ignore".to_owned(), origin.clone());
    Ok(())
}

/// Adds `ai_paths:` globs, each checked.
fn merge_ai_paths(policy: &mut Policy, layer: &Layer, origin: &Origin) -> Result<(), PolicyError> {
    let file = layer.file.as_str();
    let Some(ai_paths) = &layer.options.ai_paths else {
        return Ok(());
    };
    check_globs(&Place::file(file), "ai_paths", ai_paths)?;
    policy.ai_paths.extend(ai_paths.iter().cloned());
    policy.origins.insert("ai_paths".to_owned(), origin.clone());
    Ok(())
}

/// Merges `secrets:`; allowlist lists accumulate, regexes are checked.
fn merge_secrets(policy: &mut Policy, layer: &Layer, origin: &Origin) -> Result<(), PolicyError> {
    let Some(secrets) = &layer.options.secrets else {
        return Ok(());
    };
    let file = layer.file.as_str();
    if let Some(config) = &secrets.gitleaks_config {
        policy.secrets.gitleaks_config = Some(layer.dir.join(config));
        policy
            .origins
            .insert("secrets.gitleaks_config".to_owned(), origin.clone());
    }
    if let Some(dirs) = &secrets.rule_dirs {
        policy
            .secrets
            .rule_dirs
            .extend(dirs.iter().map(|dir| layer.dir.join(dir)));
        policy
            .origins
            .insert("secrets.rule_dirs".to_owned(), origin.clone());
    }
    let Some(allowlist) = &secrets.allowlist else {
        return Ok(());
    };
    let at = Place::file(file);
    let regexes = allowlist.regexes.as_deref().unwrap_or_default();
    patterns::check_list(
        &at,
        "secrets.allowlist.regexes",
        Kind::Regex,
        regexes.iter().map(|regex| regex.value.as_str()),
    )?;
    for (key, kind, list) in [
        ("secrets.allowlist.paths", Kind::Glob, &allowlist.paths),
        (
            "secrets.allowlist.stopwords",
            Kind::Word,
            &allowlist.stopwords,
        ),
    ] {
        let list = list.as_deref().unwrap_or_default();
        patterns::check_list(&at, key, kind, list.iter().map(String::as_str))?;
    }
    for regex in regexes {
        if let Err(error) = regex::Regex::new(&regex.value) {
            return Err(PolicyError::Invalid {
                at: Place::at(file, &regex.referenced),
                message: format!("invalid allowlist regex: {error}"),
                help: "the regex is matched against each candidate secret (Rust regex syntax)"
                    .to_owned(),
            });
        }
        policy.secrets.allowlist_regexes.push(regex.value.clone());
    }
    policy
        .secrets
        .allowlist_paths
        .extend(allowlist.paths.iter().flatten().cloned());
    policy
        .secrets
        .allowlist_stopwords
        .extend(allowlist.stopwords.iter().flatten().cloned());
    policy
        .origins
        .insert("secrets.allowlist".to_owned(), origin.clone());
    Ok(())
}

/// Merges `deps:`: the registry check and the package lists, relative to the layer's folder.
fn merge_deps(policy: &mut Policy, layer: &Layer, origin: &Origin) {
    let Some(deps) = &layer.options.deps else {
        return;
    };
    if let Some(check) = deps.registry_check {
        policy.deps.registry_check = check;
    }
    for (files, target) in [
        (&deps.known_packages, &mut policy.deps.known_packages),
        (&deps.popular_packages, &mut policy.deps.popular_packages),
    ] {
        target.extend(files.iter().flatten().map(|path| layer.dir.join(path)));
    }
    policy.origins.insert("deps".to_owned(), origin.clone());
}

/// Adds `notify.on_block:` targets, each checked.
fn merge_notify(policy: &mut Policy, layer: &Layer, origin: &Origin) -> Result<(), PolicyError> {
    let file = layer.file.as_str();
    for target in layer
        .options
        .notify
        .iter()
        .flat_map(|notify| notify.on_block.iter().flatten())
    {
        let at = Place::at(file, &target.referenced);
        policy
            .notify_on_block
            .push(crate::notify::notify_target(&target.value, &at)?);
        policy
            .origins
            .insert("notify.on_block".to_owned(), origin.clone());
    }
    Ok(())
}

/// Merges `provenance:`: the base, the sign-off requirement, approvers and AI identities.
fn merge_provenance(
    policy: &mut Policy,
    locks: &Locks,
    layer: &Layer,
    origin: &Origin,
) -> Result<(), PolicyError> {
    let file = layer.file.as_str();
    let Some(provenance) = &layer.options.provenance else {
        return Ok(());
    };
    if let Some(base) = &provenance.base {
        policy.base = Some(base.clone());
        policy
            .origins
            .insert("provenance.base".to_owned(), origin.clone());
    }
    if let Some(required) = &provenance.require_signoff {
        let key = "provenance.require_signoff";
        let at = Place::at(file, &required.referenced);
        locks.check(key, policy.require_signoff && !required.value, &at, || {
            "it stops requiring a human sign-off of AI-assisted commits".to_owned()
        })?;
        policy.require_signoff = required.value;
        policy.origins.insert(key.to_owned(), origin.clone());
    }
    if let Some(approvers) = &provenance.approvers {
        let key = "provenance.approvers";
        let at = Place::at(file, &approvers.referenced);
        check_approvers(&at, key, &approvers.value)?;
        // No approvers means anyone; otherwise each new pattern must be one the old
        // patterns already accept.
        let widens = !policy.approvers.is_empty()
            && (approvers.value.is_empty()
                || approvers
                    .value
                    .iter()
                    .any(|pattern| !policy.approves(pattern)));
        locks.check(key, widens, &at, || {
            "it lets more people sign off AI-assisted commits".to_owned()
        })?;
        policy.approvers.clone_from(&approvers.value);
        policy.origins.insert(key.to_owned(), origin.clone());
    }
    for (index, identity) in provenance.ai_identities.iter().flatten().enumerate() {
        patterns::check_one(
            &Place::at(file, &identity.referenced),
            &format!("provenance.ai_identities[{index}].pattern"),
            Kind::Regex,
            &identity.value.pattern,
        )?;
        if let Err(error) = regex::Regex::new(&identity.value.pattern) {
            return Err(PolicyError::Invalid {
                at: Place::at(file, &identity.referenced),
                message: format!("invalid pattern for `{}`: {error}", identity.value.tool),
                help: "the pattern is a regular expression over `Name <email>`".to_owned(),
            });
        }
        policy
            .ai_identities
            .push((identity.value.tool.clone(), identity.value.pattern.clone()));
        policy
            .origins
            .insert("provenance.ai_identities".to_owned(), origin.clone());
    }
    Ok(())
}

/// Checks a list of approver globs (`provenance.approvers`, `triage.approvers`).
fn check_approvers(at: &Place, key: &str, approvers: &[String]) -> Result<(), PolicyError> {
    patterns::check_list(at, key, Kind::Glob, approvers.iter().map(String::as_str))?;
    for pattern in approvers {
        if let Err(error) = globset::Glob::new(pattern) {
            return Err(PolicyError::Invalid {
                at: at.clone(),
                message: format!("invalid approver pattern `{pattern}`: {error}"),
                help: "an approver is an email or a glob over emails, e.g. `*@bank.example`"
                    .to_owned(),
            });
        }
    }
    Ok(())
}

/// Merges `triage:`: who approves decisions, and for which tiers. A locked key may gain
/// tiers to approve and lose approvers, never the reverse.
fn merge_triage(
    policy: &mut Policy,
    locks: &Locks,
    layer: &Layer,
    origin: &Origin,
) -> Result<(), PolicyError> {
    let file = layer.file.as_str();
    let Some(triage) = &layer.options.triage else {
        return Ok(());
    };
    if let Some(approvers) = &triage.approvers {
        let key = "triage.approvers";
        let at = Place::at(file, &approvers.referenced);
        check_approvers(&at, key, &approvers.value)?;
        let widens = !policy.triage_approvers.is_empty()
            && (approvers.value.is_empty()
                || approvers
                    .value
                    .iter()
                    .any(|pattern| !policy.approves_triage(pattern)));
        locks.check(key, widens, &at, || {
            "it lets more people approve triage decisions, or none".to_owned()
        })?;
        policy.triage_approvers.clone_from(&approvers.value);
        policy.origins.insert(key.to_owned(), origin.clone());
    }
    if let Some(tiers) = &triage.require_approval {
        let key = "triage.require_approval";
        let at = Place::at(file, &tiers.referenced);
        let before = policy
            .triage_require_approval
            .clone()
            .unwrap_or_else(|| vec![Tier::Ai]);
        let drops = before.iter().any(|tier| !tiers.value.contains(tier));
        locks.check(key, drops, &at, || {
            "it stops requiring approval for a tier".to_owned()
        })?;
        policy.triage_require_approval = Some(tiers.value.clone());
        policy.origins.insert(key.to_owned(), origin.clone());
    }
    Ok(())
}

/// Merges `unscannable:`.
fn merge_unscannable(
    policy: &mut Policy,
    locks: &Locks,
    layer: &Layer,
    origin: &Origin,
) -> Result<(), PolicyError> {
    let file = layer.file.as_str();
    let Some(unscannable) = &layer.options.unscannable else {
        return Ok(());
    };
    let at = Place::at(file, &unscannable.referenced);
    let (old, new) = (policy.unscannable, unscannable.value);
    locks.check("unscannable", new < old, &at, || {
        format!(
            "`unscannable: {}` lets a gate pass over files it could not scan",
            new.as_str()
        )
    })?;
    policy.unscannable = new;
    policy
        .origins
        .insert("unscannable".to_owned(), origin.clone());
    Ok(())
}

/// Merges `tests:`. Under a lock a child may raise the severity and drop globs, never lower
/// the severity or add a glob (either would report more findings lower).
fn merge_tests(
    policy: &mut Policy,
    locks: &Locks,
    layer: &Layer,
    origin: &Origin,
) -> Result<(), PolicyError> {
    let file = layer.file.as_str();
    let Some(tests) = &layer.options.tests else {
        return Ok(());
    };
    if let Some(severity) = &tests.severity {
        let at = Place::at(file, &severity.referenced);
        locks.check("tests", severity.value < policy.tests.severity, &at, || {
            format!(
                "`tests.severity: {}` reports findings in test code lower",
                severity.value.as_str()
            )
        })?;
        policy.tests.severity = severity.value;
        policy
            .origins
            .insert("tests.severity".to_owned(), origin.clone());
    }
    if let Some(paths) = &tests.paths {
        let at = Place::at(file, &paths.referenced);
        check_globs(&at, "tests.paths", &paths.value)?;
        let added = paths
            .value
            .iter()
            .find(|glob| !policy.tests.paths.contains(glob));
        locks.check("tests", added.is_some(), &at, || {
            format!(
                "`tests.paths` adds `{}`, whose findings would be reported lower",
                added.map(String::as_str).unwrap_or_default()
            )
        })?;
        policy.tests.set = patterns::glob_set(&at, "tests.paths", &paths.value)?;
        policy.tests.paths.clone_from(&paths.value);
        policy
            .origins
            .insert("tests.paths".to_owned(), origin.clone());
    }
    Ok(())
}

/// Records `locked:` keys; each must name a section or a key that can be locked.
fn merge_locked(locks: &mut Locks, layer: &Layer) -> Result<(), PolicyError> {
    let file = layer.file.as_str();
    for lock in layer.options.locked.iter().flatten() {
        let at = Place::at(file, &lock.referenced);
        let valid = [
            "gates",
            "environments",
            "tiers",
            "rules",
            "provenance",
            "unscannable",
            "tests",
            "triage",
        ]
        .iter()
        .any(|root| lock.value == *root || lock.value.starts_with(&format!("{root}.")));
        if !valid {
            return Err(PolicyError::Invalid {
                at,
                message: format!("cannot lock `{}`", lock.value),
                help: "lock `gates.NAME`, `environments.NAME`, `tiers.ai|new|legacy`, `rules.ID`, `unscannable`, `tests`, `triage.approvers`, or a whole section (`gates`, `tiers`, …)".to_owned(),
            });
        }
        locks.0.entry(lock.value.clone()).or_insert(at);
    }
    Ok(())
}

/// The analyzers a gate lists; a name that is not one a gate can judge is an error.
fn gate_analyzers(names: &[String], gate: &str, at: &Place) -> Result<Vec<Analyzer>, PolicyError> {
    names
        .iter()
        .map(|name| {
            name.parse::<Analyzer>()
                .ok()
                .filter(|analyzer| Analyzer::GATED.contains(analyzer))
                .ok_or_else(|| {
                    let expected: Vec<String> = Analyzer::GATED
                        .iter()
                        .map(|analyzer| analyzer.as_str().to_owned())
                        .collect();
                    PolicyError::Invalid {
                        at: at.clone(),
                        message: format!("unknown analyzer `{name}` in `gates.{gate}.analyzers`"),
                        help: crate::error::suggestion(name, &expected),
                    }
                })
        })
        .collect()
}

fn backticked(names: &[&impl fmt::Display]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::TestsSettings;

    #[test]
    fn issue_9_built_in_test_paths_compile_and_name_test_code_only() {
        let tests = TestsSettings::default();
        for path in [
            "tests/test_api.py",
            "pkg/tests/helpers.py",
            "test/app.js",
            "src/__tests__/view.tsx",
            "spec/models/user_spec.js",
            "src/test/java/org/example/ParserTest.java",
            "src/main/java/org/example/ParserTest.java",
            "lib/fixtures/server.key",
            "internal/testdata/sample.json",
            "test_utils.py",
            "pkg/codec_test.py",
            "conftest.py",
            "web/button.test.js",
            "web/button.spec.ts",
        ] {
            assert!(tests.is_test(path), "{path} is test code");
        }
        for path in [
            "src/app.py",
            "src/testing.py",
            "src/contest.py",
            "lib/attestation/verify.js",
            "src/main/java/org/example/Parser.java",
            "src/main/java/org/example/Testable.java",
            "latest/index.js",
        ] {
            assert!(!tests.is_test(path), "{path} is not test code");
        }
    }
}
