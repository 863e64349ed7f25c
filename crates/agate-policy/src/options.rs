//! The contents of one `agate.yaml`, exactly as written (every field optional).

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use agate_model::{GateMode, Severity};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;

/// One configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PolicyOptions {
    /// The format version; only `1` exists.
    pub(crate) version: Option<Spanned<u32>>,
    /// Parent files, org first; paths are relative to this file.
    pub(crate) extends: Option<Vec<Spanned<String>>>,
    /// Gates by name: `off`, or which analyzers feed them.
    pub(crate) gates: Option<BTreeMap<String, Spanned<Switch<GateOptions>>>>,
    /// Environments by name: which gates run, and whether they block.
    pub(crate) environments: Option<BTreeMap<String, Spanned<EnvironmentOptions>>>,
    /// How strict each tier is.
    pub(crate) tiers: Option<TiersOptions>,
    /// Per-rule settings: `off`, or severity and paths.
    pub(crate) rules: Option<BTreeMap<String, Spanned<Switch<RuleOptions>>>>,
    /// Extra rule folders, relative to this file.
    pub(crate) rule_dirs: Option<Vec<String>>,
    /// Paths never scanned (globs, relative to the scan root).
    pub(crate) ignore: Option<Vec<String>>,
    /// Files whose every line counts as AI-authored (globs).
    pub(crate) ai_paths: Option<Vec<String>>,
    /// What a file of the change that agate cannot scan does to the gate.
    pub(crate) unscannable: Option<Spanned<Unscannable>>,
    /// Which files are test code, and the highest severity their findings are reported at.
    pub(crate) tests: Option<TestsOptions>,
    /// Keys a child file may tighten but never loosen: `gates.security`, `tiers.ai`, `rules.ID`.
    pub(crate) locked: Option<Vec<Spanned<String>>>,
    /// Where AI authorship and new code come from.
    pub(crate) provenance: Option<ProvenanceOptions>,
    /// The secrets analyzer: allowlists and a gitleaks configuration.
    pub(crate) secrets: Option<SecretsOptions>,
    /// The dependency analyzer: registry checks, known and popular package lists.
    pub(crate) deps: Option<DepsOptions>,
    /// Who hears about a blocked change.
    pub(crate) notify: Option<NotifyOptions>,
    /// The team's own compliance packs.
    pub(crate) compliance: Option<ComplianceOptions>,
    /// Who approves triage decisions, and for which tiers.
    pub(crate) triage: Option<TriageOptions>,
}

/// `compliance:` settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ComplianceOptions {
    /// Pack files (YAML), relative to this file; they must be under the scan root.
    pub(crate) packs: Option<Vec<Spanned<String>>>,
}

/// Triage settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TriageOptions {
    /// Whose commits approve a decision: globs over the git author's email.
    pub(crate) approvers: Option<Spanned<Vec<String>>>,
    /// The tiers whose decisions need an approver (default `[ai]` once approvers are set).
    pub(crate) require_approval: Option<Spanned<Vec<agate_model::Tier>>>,
}

/// Notification settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NotifyOptions {
    /// Announced when the verdict is blocked (or error).
    pub(crate) on_block: Option<Vec<Spanned<NotifyTargetOptions>>>,
}

/// One notification.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NotifyTargetOptions {
    /// `webhook`, `slack`, `github` or `gitlab`.
    #[serde(rename = "type")]
    pub(crate) channel: agate_model::Channel,
    pub(crate) url: Option<String>,
    pub(crate) url_env: Option<String>,
    pub(crate) secret_env: Option<String>,
    pub(crate) token_env: Option<String>,
    pub(crate) issue: Option<bool>,
}

/// Test code: which paths hold it and how severe its findings can be.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TestsOptions {
    /// Findings in test code are reported at most at this severity.
    pub(crate) severity: Option<Spanned<Severity>>,
    /// Globs of test code, relative to the scan root; they replace the built-in list.
    pub(crate) paths: Option<Spanned<Vec<String>>>,
}

/// Dependency analyzer settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DepsOptions {
    /// Ask the package registries whether declared and imported packages exist.
    pub(crate) registry_check: Option<bool>,
    /// Files of packages known to exist (private ones), relative to this file.
    pub(crate) known_packages: Option<Vec<String>>,
    /// Files of popular package names that typosquats imitate, relative to this file.
    pub(crate) popular_packages: Option<Vec<String>>,
}

/// Secrets settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SecretsOptions {
    /// A gitleaks TOML configuration whose rules and allowlists are added, relative to this
    /// file (default: `.gitleaks.toml` in the scan root, when present).
    pub(crate) gitleaks_config: Option<String>,
    /// Folders of secret rules (`*.yaml`, agate's secret-rule format), relative to this file.
    pub(crate) rule_dirs: Option<Vec<String>>,
    /// Candidates never reported.
    pub(crate) allowlist: Option<SecretsAllowlistOptions>,
}

/// A global secrets allowlist.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SecretsAllowlistOptions {
    /// Globs of files not scanned for secrets.
    pub(crate) paths: Option<Vec<String>>,
    /// Regexes: a secret matching one is not reported.
    pub(crate) regexes: Option<Vec<Spanned<String>>>,
    /// Words: a secret containing one (case-insensitive) is not reported.
    pub(crate) stopwords: Option<Vec<String>>,
}

/// Provenance settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProvenanceOptions {
    /// The default `--base` revision.
    pub(crate) base: Option<String>,
    /// More identities that mark a commit as AI-assisted, beyond the built-in ones.
    pub(crate) ai_identities: Option<Vec<Spanned<IdentityOptions>>>,
    /// Every AI-assisted commit of the change needs a human `Signed-off-by`.
    pub(crate) require_signoff: Option<Spanned<bool>>,
    /// Whose sign-off counts: globs over the signer's email (any human when empty).
    pub(crate) approvers: Option<Spanned<Vec<String>>>,
}

/// An AI identity: a tool name and a regex over `Name <email>` of a co-author or author.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityOptions {
    /// The tool's name, shown as evidence.
    pub tool: String,
    /// A regular expression over `Name <email>`.
    pub pattern: String,
}

/// A gate's settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GateOptions {
    /// Analyzers whose findings this gate judges: `sast`, `ai-patterns`, `policy`.
    pub(crate) analyzers: Option<Vec<String>>,
    /// A Rego file whose `deny` messages fail the gate; relative to this file.
    pub(crate) policy: Option<String>,
    /// Tools whose reports this gate judges: what to run and how to read it.
    pub(crate) external: Option<Vec<Spanned<ExternalOptions>>>,
    /// Minimum test coverage of new and AI-authored lines.
    pub(crate) coverage: Option<Spanned<CoverageOptions>>,
    /// Function contracts to run: paths, or the paths with the interpreters.
    pub(crate) contracts: Option<Spanned<ContractsValue>>,
    /// An HTTP API contract test.
    pub(crate) api: Option<Spanned<ApiOptions>>,
    /// Load tests.
    pub(crate) load: Option<Vec<Spanned<LoadOptions>>>,
    /// An LLM review of the change's AI-authored and new hunks.
    pub(crate) llm_review: Option<Spanned<LlmReviewOptions>>,
    /// Compliance frameworks whose controls this gate requires, by pack id.
    pub(crate) frameworks: Option<Vec<Spanned<String>>>,
    /// The controls required: `all`, or control ids (default `all`).
    pub(crate) require: Option<Vec<Spanned<String>>>,
}

/// A load test of a gate.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LoadOptions {
    /// Unique in its gate; the baseline is `.agate/perf/NAME.json`.
    pub(crate) name: String,
    /// `http://host:port/path`, templated; with `scenario`, the base URL.
    pub(crate) url: Option<String>,
    /// Several weighted requests instead of one.
    pub(crate) scenario: Option<Vec<Spanned<ScenarioOptions>>>,
    /// Judge a result another tool wrote instead of generating load.
    pub(crate) result: Option<ResultOptions>,
    pub(crate) method: Option<String>,
    pub(crate) headers: Option<BTreeMap<String, String>>,
    pub(crate) body: Option<String>,
    pub(crate) expect: Option<Vec<u16>>,
    pub(crate) ramp_up: Option<String>,
    pub(crate) warm_up: Option<String>,
    pub(crate) timeout: Option<String>,
    /// The service to start first.
    pub(crate) start: Option<ServiceOptions>,
    /// Requests per second due (`500/s`): the open model.
    pub(crate) rate: Option<String>,
    pub(crate) connections: Option<usize>,
    pub(crate) duration: Option<String>,
    pub(crate) requests: Option<u64>,
    /// `p95 < 50ms`, `errors < 1%`, `rps > 300`.
    pub(crate) thresholds: Option<Vec<String>>,
    /// Percent p95 may worsen against the baseline.
    pub(crate) regression: Option<f64>,
    /// The baseline file, relative to the scan root (default `.agate/perf/NAME.json`).
    pub(crate) baseline: Option<String>,
}

/// One request of a load test's scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScenarioOptions {
    pub(crate) name: Option<String>,
    pub(crate) method: Option<String>,
    /// Appended to the test's URL, templated.
    pub(crate) path: String,
    pub(crate) headers: Option<BTreeMap<String, String>>,
    pub(crate) body: Option<String>,
    pub(crate) weight: Option<u32>,
    pub(crate) expect: Option<Vec<u16>>,
}

/// A load test result another tool wrote.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResultOptions {
    /// `k6`, `jmeter` or `locust`.
    pub(crate) from: String,
    /// The file, relative to the scan root.
    pub(crate) path: String,
}

/// What an environment may change of a gate's load test (`environments.NAME.load.TEST`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LoadLimits {
    pub(crate) rate: Option<String>,
    pub(crate) connections: Option<usize>,
    pub(crate) duration: Option<String>,
    pub(crate) requests: Option<u64>,
    pub(crate) thresholds: Option<Vec<String>>,
    pub(crate) regression: Option<f64>,
}

/// `llm_review:`: an OpenAI-compatible endpoint, a rubric and limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LlmReviewOptions {
    /// The API root; requests go to `{base_url}/chat/completions`.
    pub(crate) base_url: String,
    pub(crate) model: String,
    /// The environment variable holding the API key.
    pub(crate) api_key_env: Option<String>,
    /// `hallucination`, `business-rules` or `security`.
    pub(crate) rubric: String,
    /// For `business-rules`: the rules file, relative to the scan root.
    pub(crate) rules: Option<String>,
    pub(crate) max_hunks: Option<usize>,
    pub(crate) max_tokens: Option<u64>,
    /// `60s`, `2m`.
    pub(crate) timeout: Option<String>,
    pub(crate) concurrency: Option<usize>,
    /// `llm.*` findings block (default: advisory).
    pub(crate) block: Option<bool>,
    /// Dollars (or any currency) per million tokens.
    pub(crate) price: Option<PriceOptions>,
}

/// Prices per million tokens.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PriceOptions {
    pub(crate) prompt: f64,
    pub(crate) completion: f64,
}

/// `contracts:` as a list of paths or as settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum ContractsValue {
    Paths(Vec<String>),
    Settings(ContractsOptions),
}

/// `contracts:` with settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContractsOptions {
    /// Contract files or folders, relative to the scan root (default `contracts/`).
    pub(crate) paths: Option<Vec<String>>,
    /// The Python interpreter, e.g. `.venv/bin/python`.
    pub(crate) python: Option<String>,
    /// The Node interpreter.
    pub(crate) node: Option<String>,
}

/// `api:`: an OpenAPI document and the service it describes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApiOptions {
    /// The OpenAPI 3.0 or 3.1 document, relative to the scan root.
    pub(crate) spec: String,
    /// The service's base URL.
    pub(crate) base_url: String,
    /// The service to start first.
    pub(crate) start: Option<ServiceOptions>,
    pub(crate) allow_remote: Option<bool>,
    pub(crate) allow_destructive: Option<bool>,
    pub(crate) max_requests_per_operation: Option<usize>,
    /// An answer slower than this is a finding: `2s`, `500ms`.
    pub(crate) slow_response: Option<String>,
    pub(crate) seed: Option<u64>,
}

/// A service to start: like an external check's `run`, with a readiness URL.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServiceOptions {
    /// The program and its arguments (no shell).
    pub(crate) run: Vec<String>,
    /// The URL polled until it answers.
    pub(crate) ready: String,
    /// Seconds, or `30s`, `2m`.
    pub(crate) timeout: Option<TimeoutValue>,
    pub(crate) env: Option<BTreeMap<String, String>>,
    /// The working directory, relative to the scan root.
    pub(crate) workdir: Option<String>,
}

/// A gate's coverage thresholds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CoverageOptions {
    /// Coverage reports (Cobertura XML, LCOV, JaCoCo XML), relative to the scan root.
    pub(crate) reports: Vec<String>,
    /// Percent of new lines the tests must run.
    pub(crate) new_lines: Option<f64>,
    /// Percent of AI-authored lines the tests must run.
    pub(crate) ai_lines: Option<f64>,
}

/// An external check: a tool (or test runner) and how to read its report.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExternalOptions {
    /// Unique in its gate; rule ids of its findings start with `NAME/`.
    pub(crate) name: String,
    /// An argv list, or one command line with `shell: true`; `{out}` is the report path.
    pub(crate) run: Option<CommandValue>,
    /// Run `run` (a string) with `sh -c`.
    pub(crate) shell: Option<bool>,
    /// How to read the report: `sarif`, `bandit`, `semgrep`, ….
    pub(crate) format: String,
    /// The working directory, relative to the scan root.
    pub(crate) workdir: Option<String>,
    /// Environment variables for the command.
    pub(crate) env: Option<BTreeMap<String, String>>,
    /// Seconds, or `90s`, `10m`, `1h`.
    pub(crate) timeout: Option<TimeoutValue>,
    /// Exit codes that mean the tool ran.
    pub(crate) exit_codes: Option<Vec<i32>>,
    /// A report file the tool writes, relative to the working directory.
    pub(crate) report: Option<String>,
    /// The SonarQube project key.
    pub(crate) project: Option<String>,
    /// The SonarQube scanner's `report-task.txt`, relative to the working directory.
    pub(crate) report_task: Option<String>,
    /// The most results of the tool kept; more make the check an error.
    pub(crate) max_results: Option<u64>,
}

/// `run:` as a list of arguments or one command line.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum CommandValue {
    Argv(Vec<String>),
    Line(String),
}

/// `timeout:` as seconds or a duration with a unit.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum TimeoutValue {
    Seconds(u64),
    Text(String),
}

/// An environment's settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnvironmentOptions {
    /// `all`, or a list of gate names.
    pub(crate) gates: Option<GateSelection>,
    /// `block` (default) or `warn`.
    pub(crate) mode: Option<GateMode>,
    /// The environment's own limits for the gates' load tests, by test name.
    pub(crate) load: Option<BTreeMap<String, Spanned<LoadLimits>>>,
}

/// The three tiers.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TiersOptions {
    pub(crate) ai: Option<Spanned<TierOptions>>,
    pub(crate) new: Option<Spanned<TierOptions>>,
    pub(crate) legacy: Option<Spanned<TierOptions>>,
}

/// A tier's settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TierOptions {
    /// Open findings at or above this severity block.
    pub(crate) block_at: Option<Severity>,
    /// Whether the baseline may excuse findings of this tier.
    pub(crate) baseline: Option<Baselining>,
    /// Whether inline suppressions apply to findings of this tier.
    pub(crate) suppress: Option<Suppressing>,
}

/// A rule's settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleOptions {
    /// Replaces the rule's severity.
    pub(crate) severity: Option<Severity>,
    /// Only report the rule in these paths (globs).
    pub(crate) include: Option<Vec<String>>,
    /// Never report the rule in these paths (globs).
    pub(crate) exclude: Option<Vec<String>>,
}

/// What a file of the change under review that agate cannot scan (binary content in a
/// source file, over the size limit, unreadable, a parser failure) does to the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unscannable {
    /// The file is a warning; the gate judges what was scanned.
    Warn,
    /// The gate fails closed (`error`, exit 3): a change cannot hide code in a file agate
    /// skips.
    #[default]
    Error,
}

impl Unscannable {
    /// The name written in `agate.yaml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Unscannable::Warn => "warn",
            Unscannable::Error => "error",
        }
    }
}

/// Whether the baseline may excuse a tier's findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Baselining {
    /// Baselined findings do not block.
    Allowed,
    /// The baseline is ignored for this tier.
    Forbidden,
}

/// Whether inline suppressions apply to a tier's findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Suppressing {
    /// Suppressions with a reason (and an unexpired `until`) apply.
    Allowed,
    /// Suppressions are ignored for this tier.
    Forbidden,
}

/// Which gates an environment runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GateSelection {
    /// Every enabled gate.
    All,
    /// These gates, by name.
    Named(Vec<String>),
}

impl<'de> Deserialize<'de> for GateSelection {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SelectionVisitor;
        impl<'de> Visitor<'de> for SelectionVisitor {
            type Value = GateSelection;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`all` or a list of gate names")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<GateSelection, E> {
                if value == "all" {
                    Ok(GateSelection::All)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(value), &self))
                }
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<GateSelection, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    names.push(name);
                }
                Ok(GateSelection::Named(names))
            }
        }
        deserializer.deserialize_any(SelectionVisitor)
    }
}

/// `off`, or a mapping of settings: `gates.security: off`, `rules.py.x: { severity: high }`.
#[derive(Debug, Clone)]
pub(crate) enum Switch<T> {
    Off,
    On(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Switch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SwitchVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for SwitchVisitor<T> {
            type Value = Switch<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`off` or a mapping of settings")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Switch<T>, E> {
                if value == "off" {
                    Ok(Switch::Off)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(value), &self))
                }
            }
            /// YAML 1.1 reads a bare `off` as `false`; both mean off.
            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Switch<T>, E> {
                if value {
                    Err(E::invalid_value(de::Unexpected::Bool(true), &self))
                } else {
                    Ok(Switch::Off)
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Switch<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Switch::On)
            }
        }
        deserializer.deserialize_any(SwitchVisitor(PhantomData))
    }
}
