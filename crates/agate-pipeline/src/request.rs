//! What a caller asks the pipeline for: plain data, filled by the CLI from its flags and the
//! CI's variables, or by any other caller (a server, a test).

use std::path::PathBuf;

use agate_model::{Analyzer, CheckRun, Severity, Shard};

/// One run of the pipeline.
#[derive(Debug, Clone)]
pub struct Request {
    /// The scan root: findings' paths are relative to it, and `agate.yaml`, the baseline
    /// and the caches are found under it.
    pub root: PathBuf,
    /// Files or folders to scan, relative to the root.
    pub paths: Vec<PathBuf>,
    /// What is read: the working tree, the staged files or git history.
    pub source: Source,
    /// The analyzers to run; empty runs them all.
    pub only: Vec<Analyzer>,
    /// Findings only, or a verdict for an environment.
    pub purpose: Purpose,
    /// The configuration file; `None`: `agate.yaml` in the root when present, else the
    /// built-in policy.
    pub config: Option<PathBuf>,
    /// Never fetch `extends:` URLs or ask package registries; cached copies only.
    pub offline: bool,
    /// Every tier blocks at this severity (a locked tier cannot be loosened).
    pub block_at: Option<Severity>,
    /// Files matching these globs are AI-authored throughout.
    pub ai_paths: Vec<String>,
    /// The base revision asked for (`--base`); without it the CI's target branch, then
    /// `provenance.base`, then the remote's default branch.
    pub base: Option<String>,
    /// The whole change is AI-authored.
    pub ai_change: bool,
    /// The baseline file; `None`: `.agate/baseline.json` in the root.
    pub baseline: Option<PathBuf>,
    /// Extra structural rule folders, and whether the bundled rules run.
    pub rules: RuleSources,
    /// How the file walk treats ignore files, vendored trees and large files.
    pub walk: WalkLimits,
    /// Which share of the files this run scans, when a repository is split across runners:
    /// only the per-file work runs (analyzers, line provenance, the policy's per-finding
    /// decisions); the repository-wide work (external checks, coverage, Rego, the sign-off
    /// check) runs when the shards' reports are merged ([`crate::merge`]).
    pub shard: Option<Shard>,
    /// What the CI system says about the run.
    pub ci: CiFacts,
    /// Where the dependency analyzer finds advisories and registries.
    pub deps: DepsSources,
    /// Compliance frameworks (pack ids) whose control matrix a gating run's report carries
    /// beyond those its gates require (`agate compliance report --framework`).
    pub frameworks: Vec<String>,
    /// The agate server token (`AGATE_TOKEN`) and its server, sent with the fetches of
    /// that server's `agate+https://` policy parents and nowhere else.
    pub server_token: Option<agate_policy::ServerToken>,
}

impl Request {
    /// A scan of the whole root with every analyzer, the policy found there, and nothing
    /// known of a CI system.
    pub fn new(root: impl Into<PathBuf>) -> Request {
        Request {
            root: root.into(),
            paths: vec![PathBuf::from(".")],
            source: Source::WorkingTree,
            only: Vec::new(),
            purpose: Purpose::Scan,
            config: None,
            offline: false,
            block_at: None,
            ai_paths: Vec::new(),
            base: None,
            ai_change: false,
            baseline: None,
            rules: RuleSources::default(),
            walk: WalkLimits::default(),
            shard: None,
            ci: CiFacts::default(),
            deps: DepsSources::default(),
            frameworks: Vec::new(),
            server_token: None,
        }
    }
}

/// What a run reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The files on disk.
    WorkingTree,
    /// The staged versions of changed files (a pre-commit hook); secrets only.
    Staged,
    /// Git history, each file version once: `REV` or `FROM..TO`; secrets only.
    History(String),
}

/// What the run is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Findings only, no verdict (`agate scan`, `agate baseline`).
    Scan,
    /// The gates of an environment (`None`: the policy's default) decide a verdict.
    Gate(Option<String>),
}

impl Purpose {
    /// The environment whose gates run (`None`: the default one, or not gating).
    pub fn environment(&self) -> Option<&str> {
        match self {
            Purpose::Scan => None,
            Purpose::Gate(environment) => environment.as_deref(),
        }
    }

    /// Whether the run decides a verdict.
    pub fn gating(&self) -> bool {
        matches!(self, Purpose::Gate(_))
    }
}

/// Structural rules beyond the bundled ones.
#[derive(Debug, Clone)]
pub struct RuleSources {
    /// Rule folders (each `*.yaml` is one rule), added to the policy's `rules.dirs`.
    pub dirs: Vec<PathBuf>,
    /// Whether the bundled rules run.
    pub bundled: bool,
}

impl Default for RuleSources {
    fn default() -> RuleSources {
        RuleSources {
            dirs: Vec::new(),
            bundled: true,
        }
    }
}

/// How files are found.
#[derive(Debug, Clone)]
pub struct WalkLimits {
    /// Honour `.gitignore`, `.ignore` and `.agateignore`.
    pub respect_ignore_files: bool,
    /// Also scan vendored and generated trees (`node_modules`, `.venv`, `dist`, …).
    pub include_vendored: bool,
    /// Files larger than this are not scanned (a notice says so).
    pub max_file_size: u64,
    /// Worker threads (0: one per core).
    pub threads: usize,
}

impl Default for WalkLimits {
    fn default() -> WalkLimits {
        WalkLimits {
            respect_ignore_files: true,
            include_vendored: false,
            max_file_size: 2 * 1024 * 1024,
            threads: 0,
        }
    }
}

/// What the CI system (or whoever runs agate) says about the run; the pipeline reads no
/// environment variables itself.
#[derive(Debug, Clone, Default)]
pub struct CiFacts {
    /// The repository as the CI names it (`owner/name`); else the root folder's name.
    pub repository: Option<String>,
    /// The CI's run (and attempt); else an id made from the start time.
    pub run_id: Option<String>,
    /// The base revision the CI implies (the pull or merge request's target branch, as
    /// `origin/<branch>`), with the variable that said so.
    pub target: Option<CiTarget>,
    /// Secret values of the environment (tokens, passwords) that external checks inherit:
    /// hidden wherever they appear in the report.
    pub secret_values: Vec<String>,
    /// The SonarQube server the `sonarqube` checks ask, when one is configured.
    pub sonar: Option<agate_external::SonarServer>,
    /// The variables the interpreters of function contracts get (`PATH`, `HOME`, the
    /// locale): nothing else of the caller's environment reaches the code under test.
    pub runtime_env: Vec<(std::ffi::OsString, std::ffi::OsString)>,
    /// Reads the variables the policy names for secrets (an LLM review's `api_key_env`);
    /// by default none can be read.
    pub variables: Variables,
}

/// Reads a variable of the caller's environment by name, for the secrets the policy names:
/// the pipeline reads no environment itself, and asks only for the names it needs.
#[derive(Clone, Default)]
pub struct Variables(Option<std::sync::Arc<ReadVariable>>);

/// How [`Variables`] reads one.
type ReadVariable = dyn Fn(&str) -> Option<String> + Send + Sync;

impl Variables {
    /// Variables read by `read` (the CLI passes `std::env::var`).
    pub fn new(read: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Variables {
        Variables(Some(std::sync::Arc::new(read)))
    }

    /// The value of `name`, when it is set and may be read.
    pub fn get(&self, name: &str) -> Option<String> {
        self.0.as_ref().and_then(|read| read(name))
    }
}

impl std::fmt::Debug for Variables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the values.
        f.write_str(if self.0.is_some() {
            "Variables(readable)"
        } else {
            "Variables(none)"
        })
    }
}

/// The base revision a CI variable implies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiTarget {
    /// The revision, e.g. `origin/main`.
    pub revision: String,
    /// The variable it came from, e.g. `GITHUB_BASE_REF`, for messages.
    pub variable: String,
}

/// Where the dependency analyzer looks things up.
#[derive(Debug, Clone, Default)]
pub struct DepsSources {
    /// The advisory store folder (`agate db`); `None` when the caller has no cache folder,
    /// which is an error only when the dependency analyzer runs.
    pub store: Option<PathBuf>,
    /// The package registries asked whether a package exists.
    pub registries: agate_deps::RegistryUrls,
}

/// What the pipeline reports while it runs, for a progress display.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// External checks are starting, all at once; their names.
    ChecksStarted(&'a [&'a str]),
    /// One external check ended (its command and output already redacted).
    CheckFinished(&'a CheckRun),
    /// A load test is starting (they run one after another).
    LoadStarted(&'a agate_model::LoadSpec),
    /// A load test ended, with what it measured.
    LoadFinished(&'a agate_model::LoadRun),
    /// A gate's LLM review is starting.
    ReviewStarted {
        /// The gate.
        gate: &'a str,
        /// The hunks it covers.
        hunks: usize,
    },
    /// A gate's LLM review ended: what it asked and what it cost.
    ReviewFinished(&'a agate_model::LlmReview),
}
