use std::path::PathBuf;

use agate_model::{Analyzer, Severity};
use agate_pipeline::Shard;
use clap::{Args, Parser, Subcommand, ValueEnum};

pub(crate) use crate::targets::{ColorArg, FormatArg, Target};

/// What `agate --version` prints after the name: the version, then the commit and the date
/// of the build (crates/agate/build.rs), as `rustc --version` does.
pub(crate) const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("AGATE_BUILD_COMMIT"),
    " ",
    env!("AGATE_BUILD_DATE"),
    ")"
);

/// Validation gates for AI-written code.
#[derive(Debug, Parser)]
#[command(name = "agate", version = VERSION, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the analyzers and report findings; never blocks (exit 0 unless agate fails).
    Scan(ScanArgs),
    /// Run the analyzers and the policy's gates: exit 1 when a gate in block mode fails.
    Gate(GateArgs),
    /// Show the fixes the rules offer as a diff (exit 1 when there are some), or write them
    /// with --apply.
    Fix(FixArgs),
    /// List, show and test rules.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Check functions against the contracts people wrote for them (exit 1 on a violation,
    /// 2 on a bad contract file, 3 when a runtime or module cannot be started), or write a
    /// starting contract.
    Contract {
        #[command(subcommand)]
        command: ContractCommand,
    },
    /// Compliance: the control matrix of a framework (PCI DSS, OWASP, CWE Top 25) with the
    /// run's evidence.
    Compliance {
        #[command(subcommand)]
        command: ComplianceCommand,
    },
    /// Accept today's findings as legacy risk: create, update or prune `.agate/baseline.json`.
    Baseline {
        #[command(subcommand)]
        command: BaselineCommand,
    },
    /// Triage findings: record that one is a false positive, an accepted risk or won't be
    /// fixed, in `.agate/triage.yaml`. Without a subcommand, on a terminal: walk the open
    /// findings and decide each.
    #[command(args_conflicts_with_subcommands = true)]
    Triage {
        #[command(subcommand)]
        command: Option<TriageCommand>,
        #[command(flatten)]
        source: TriageSource,
    },
    /// Inspect the resolved configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Which lines are AI-authored, and why.
    Provenance {
        #[command(subcommand)]
        command: ProvenanceCommand,
    },
    /// The local vulnerability database (OSV advisories).
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Work with a saved JSON report.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Test a running HTTP service against its OpenAPI document.
    Api {
        #[command(subcommand)]
        command: ApiCommand,
    },
    /// Load tests: send HTTP load to a service and check latency, throughput and errors.
    Load {
        #[command(subcommand)]
        command: LoadCommand,
    },
    /// Run agate's central server (results of many teams, a dashboard), or manage its
    /// tokens.
    Server(ServerArgs),
    /// Signed attestations of gate verdicts: make a key pair, sign a gate's report, verify
    /// that a commit passed an environment (and the ones required before it).
    Attest {
        #[command(subcommand)]
        command: AttestCommand,
    },
    /// Send a gate's JSON report to an agate server (token from `AGATE_TOKEN`).
    Upload {
        /// The report (`agate gate --format json --output FILE`).
        report: PathBuf,
        /// The server's URL, e.g. `https://agate.bank.example`.
        #[arg(long, value_name = "URL")]
        server: String,
    },
    /// Write a commented agate.yaml for the languages found here, or with --ci a pipeline
    /// that runs the gates (and agate.yaml when there is none).
    Init {
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
        /// Write a pipeline for this CI system: dev on every push, staging on pull/merge
        /// requests to main, production on release tags.
        #[arg(long, value_enum, value_name = "SYSTEM")]
        ci: Option<CiSystem>,
    },
    /// Print a completion script for a shell, e.g. `agate completions bash >
    /// ~/.local/share/bash-completion/completions/agate` (docs/install.md).
    Completions {
        /// The shell: bash, zsh, fish, powershell or elvish.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print agate's manual page (roff), e.g. `agate man > agate.1 && man -l agate.1`.
    Man,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ApiCommand {
    /// Send every operation of an OpenAPI 3.0/3.1 document valid, malformed and probing
    /// requests, and report each answer that breaks the document: exit 1 on a finding, 2
    /// on a bad document or target, 3 when the service cannot be started or reached.
    Test(Box<ApiTestArgs>),
}

/// `agate api test`.
#[derive(Debug, Args)]
pub(crate) struct ApiTestArgs {
    /// The OpenAPI 3.0 or 3.1 document (YAML or JSON), under the root.
    #[arg(long, value_name = "FILE")]
    pub(crate) spec: PathBuf,
    /// The service's base URL; each operation's path is appended to it.
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: String,
    /// Start the service first: the program and its arguments, no shell. End the command
    /// with `--` when another option follows it.
    #[arg(long, num_args = 1.., allow_hyphen_values = true, value_terminator = "--", value_name = "CMD")]
    pub(crate) start: Option<Vec<String>>,
    /// A variable for the started service (repeatable).
    #[arg(long, value_name = "NAME=VALUE")]
    pub(crate) env: Vec<String>,
    /// The URL that tells the started service is ready: any answer below 500 (default:
    /// the base URL).
    #[arg(long, value_name = "URL")]
    pub(crate) ready: Option<String>,
    /// How long the started service may take to become ready.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = crate::commands::api::parse_duration)]
    pub(crate) ready_timeout: std::time::Duration,
    /// Test a service that is not on a loopback address.
    #[arg(long)]
    pub(crate) allow_remote: bool,
    /// Send POST, PUT, PATCH and DELETE to a service that is not on a loopback address.
    #[arg(long)]
    pub(crate) allow_destructive: bool,
    /// The most requests sent for one operation.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub(crate) max_requests_per_operation: usize,
    /// The most requests sent in the whole run.
    #[arg(long, value_name = "N", default_value_t = 2000)]
    pub(crate) max_requests: usize,
    /// An answer slower than this is an `api.slow-response` finding.
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = crate::commands::api::parse_duration)]
    pub(crate) slow: std::time::Duration,
    /// The seed of the generated values: the same seed sends the same requests.
    #[arg(long, default_value_t = 0)]
    pub(crate) seed: u64,
    /// The folder the document's path is relative to, and the started service's working
    /// directory (default: the current directory).
    #[arg(long)]
    pub(crate) root: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) out: ReportArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum LoadCommand {
    /// Send load to a URL and check thresholds (exit 1 when one fails or p95 regressed,
    /// 2 on bad usage, 3 when nothing answers at the URL).
    Run(Box<LoadRunArgs>),
    /// Check a result k6, JMeter or Locust wrote against the same thresholds and baseline
    /// (exit 1 when one fails, 2 on an unreadable result).
    Check(LoadCheckArgs),
}

#[derive(Debug, Args)]
pub(crate) struct LoadRunArgs {
    /// The URL to load: `http://127.0.0.1:8080/items?q={{counter}}` (templated: `{{counter}}`,
    /// `{{random}}`, `{{random 1 100}}`, `{{uuid}}`).
    #[arg(long)]
    pub(crate) url: String,
    /// Open model: requests due at this rate (`500/s`, `30000/m`), latency measured from
    /// when each was due. Without it, the closed model: every connection as fast as it goes.
    #[arg(long, value_name = "RATE")]
    pub(crate) rate: Option<String>,
    /// Connections (the closed model's virtual users; the open model's pool).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub(crate) connections: usize,
    /// How long to send (`30s`, `2m`); 10s when neither this nor --requests is given.
    #[arg(long, value_name = "DURATION")]
    pub(crate) duration: Option<String>,
    /// How many requests to send in all.
    #[arg(long, value_name = "N")]
    pub(crate) requests: Option<u64>,
    /// Spread the start over this long (connections join one by one, or the rate climbs).
    #[arg(long, value_name = "DURATION")]
    pub(crate) ramp_up: Option<String>,
    /// Leave the first part of the run out of the results.
    #[arg(long, value_name = "DURATION")]
    pub(crate) warm_up: Option<String>,
    /// A request not answered in full within this long is an error of kind `timeout`.
    #[arg(long, default_value = "10s", value_name = "DURATION")]
    pub(crate) timeout: String,
    /// Threads of the load generator (default: one per core).
    #[arg(long, value_name = "N")]
    pub(crate) threads: Option<usize>,
    #[arg(long, default_value = "GET")]
    pub(crate) method: String,
    /// A request header, `Name: value` (repeatable).
    #[arg(long, value_name = "HEADER")]
    pub(crate) header: Vec<String>,
    /// The request body (templated like --url).
    #[arg(long)]
    pub(crate) body: Option<String>,
    /// A status that counts as success (repeatable; default: any 2xx or 3xx).
    #[arg(long, value_name = "STATUS")]
    pub(crate) expect: Vec<u16>,
    #[command(flatten)]
    pub(crate) judge: LoadJudgeArgs,
    /// Allow a target that is not this machine (a load test is a denial of service for
    /// anything not meant for it).
    #[arg(long)]
    pub(crate) allow_remote: bool,
    /// Seed of the templates' random values.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
}

/// What a load result is checked against, and how it is shown.
#[derive(Debug, Args)]
pub(crate) struct LoadJudgeArgs {
    /// A threshold (repeatable): `p95 < 50ms`, `p99 < 0.2s`, `errors < 1%`, `rps > 300`.
    #[arg(long, value_name = "EXPR")]
    pub(crate) threshold: Vec<String>,
    /// Compare with (and with --update-baseline record to) `.agate/perf/NAME.json`.
    #[arg(long, value_name = "NAME")]
    pub(crate) name: Option<String>,
    /// Compare with (and with --update-baseline record to) this result file instead.
    #[arg(long, value_name = "PATH", conflicts_with = "name")]
    pub(crate) baseline: Option<PathBuf>,
    /// Fail when p95 is worse than the baseline's by more than this many percent.
    #[arg(long, default_value_t = 10.0, value_name = "PERCENT")]
    pub(crate) max_regression: f64,
    /// Record this run as the baseline (after comparing with the old one).
    #[arg(long)]
    pub(crate) update_baseline: bool,
    #[arg(long, value_enum, default_value_t = LoadFormat::Terminal)]
    pub(crate) format: LoadFormat,
    /// Write the result here instead of standard output.
    #[arg(long, value_name = "PATH")]
    pub(crate) output: Option<PathBuf>,
}

/// `agate load check`: a result another tool wrote.
#[derive(Debug, Args)]
pub(crate) struct LoadCheckArgs {
    /// The result file.
    pub(crate) result: PathBuf,
    /// Its format: k6's `--summary-export` JSON, a JMeter JTL (CSV), Locust's `*_stats.csv`.
    #[arg(long, value_enum)]
    pub(crate) from: LoadSource,
    #[command(flatten)]
    pub(crate) judge: LoadJudgeArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum LoadSource {
    K6,
    Jmeter,
    Locust,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum LoadFormat {
    Terminal,
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ReportCommand {
    /// Join the JSON reports of every shard (`--shard K/N`) into one report and one
    /// verdict; the repository-wide work (external checks, coverage, the sign-off check,
    /// Rego, notifications) runs here, once.
    Merge(Box<MergeArgs>),
    /// Render a JSON report (`--format json`) in another format.
    Convert {
        /// The JSON report.
        report: PathBuf,
        /// The format to render.
        #[arg(long, value_enum)]
        to: FormatArg,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// The shards' JSON reports, one per shard.
    #[arg(required = true, value_name = "REPORT")]
    pub(crate) reports: Vec<PathBuf>,
    /// The environment whose gates run (its mode decides block or warn).
    #[arg(long)]
    pub(crate) env: Option<String>,
    /// Every tier blocks at this severity (a locked tier cannot be loosened).
    #[arg(long, value_parser = parse_severity)]
    pub(crate) block_at: Option<Severity>,
    #[command(flatten)]
    pub(crate) out: ReportArgs,
    /// As the shards used them.
    #[command(flatten)]
    pub(crate) context: ContextArgs,
}

/// The reports a run writes, shared by `scan`, `gate` and `report merge`.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Output format (repeatable: one report per --format).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) format: Vec<FormatArg>,
    /// Write the report of the --format before it to this file (atomically) instead of
    /// standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Vec<PathBuf>,
    /// Each format with its file, in command-line order (set from `format` and `output`).
    #[arg(skip)]
    pub(crate) targets: Vec<Target>,
    /// When to colour terminal output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub(crate) color: ColorArg,
}

/// What findings are judged against — the root, the policy and its rules, the base, the
/// baseline, what is AI-authored — shared by `scan`, `gate` and `report merge`.
#[derive(Debug, Args)]
pub(crate) struct ContextArgs {
    /// Report paths relative to this folder (default: the current directory).
    #[arg(long)]
    pub(crate) root: Option<PathBuf>,
    /// Add the rules in this folder (repeatable); each `*.yaml` is one rule.
    #[arg(long = "rules", value_name = "DIR")]
    pub(crate) rule_dirs: Vec<PathBuf>,
    /// The configuration file (default: agate.yaml in the root, when present).
    #[arg(long)]
    pub(crate) config: Option<PathBuf>,
    /// Lines changed since the merge base with this git revision are in the `new` tier
    /// (default in CI: the pull or merge request's target branch, `origin/<branch>`).
    #[arg(long, value_name = "REF")]
    pub(crate) base: Option<String>,
    /// Files matching this glob are AI-authored throughout (repeatable).
    #[arg(long = "ai-paths", value_name = "GLOB")]
    pub(crate) ai_paths: Vec<String>,
    /// The baseline file (default: .agate/baseline.json in the root).
    #[arg(long)]
    pub(crate) baseline: Option<PathBuf>,
    /// Never fetch `extends:` URLs; use the copies in .agate/cache.
    #[arg(long)]
    pub(crate) offline: bool,
    /// The whole change is AI-authored (also: AGATE_AI_CHANGE=1, or an `ai-generated` /
    /// `ai-assisted` label on the GitHub pull request or GitLab merge request).
    #[arg(long)]
    pub(crate) ai_change: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DbCommand {
    /// Import OSV records: a JSON file (a record or a list), or a folder of them. The store
    /// is in `$AGATE_CACHE_DIR`, else the user's cache folder (`~/.cache/agate`).
    Import {
        /// The file, zip export or folder.
        path: PathBuf,
    },
    /// Download OSV's exports for PyPI, npm and Maven (`all.zip`, from
    /// `$AGATE_OSV_URL`, default OSV's public bucket) and import them.
    Update,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ProvenanceCommand {
    /// Show each file's line ranges as ai, human or unknown, with the evidence.
    Show {
        /// Files or folders (default: the current directory).
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Terminal)]
        format: ListFormat,
    },
    /// The AI share of lines by directory, author and tool.
    Stats {
        /// Files or folders (default: the current directory).
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Terminal)]
        format: ListFormat,
    },
    /// Record generated lines in .agate/provenance.jsonl (for code generation pipelines).
    Record(RecordArgs),
    /// Check the signatures of `.agate/provenance.jsonl`'s entries with a public key (exit 1
    /// when one does not verify, or, with --require-signed, when one is unsigned).
    Verify {
        /// The public key (PEM) the entries must be signed with.
        #[arg(long, value_name = "PUB")]
        key: PathBuf,
        /// Unsigned entries fail too.
        #[arg(long)]
        require_signed: bool,
    },
}

#[derive(Debug, Args)]
pub(crate) struct RecordArgs {
    /// The generated file.
    pub(crate) path: PathBuf,
    /// The generated lines, `START-END` (1-based, inclusive).
    #[arg(long, value_parser = parse_line_range)]
    pub(crate) lines: (u32, u32),
    /// The generating tool.
    #[arg(long)]
    pub(crate) tool: Option<String>,
    /// The model.
    #[arg(long)]
    pub(crate) model: Option<String>,
    /// The prompt or session id.
    #[arg(long)]
    pub(crate) prompt_id: Option<String>,
    /// When it was generated (default: today).
    #[arg(long)]
    pub(crate) time: Option<String>,
    /// Sign the entry with this private key (PEM), so the claim can be verified; without a
    /// file, the key is read from `AGATE_ATTEST_KEY`.
    #[arg(long, value_name = "KEY", num_args = 0..=1)]
    #[expect(
        clippy::option_option,
        reason = "clap's form of a flag with an optional value"
    )]
    pub(crate) sign: Option<Option<PathBuf>>,
}

fn parse_line_range(value: &str) -> Result<(u32, u32), String> {
    let invalid = || format!("`{value}` is not a line range; write START-END, e.g. 10-24");
    let (start, end) = value.split_once('-').ok_or_else(invalid)?;
    let start: u32 = start.trim().parse().map_err(|_| invalid())?;
    let end: u32 = end.trim().parse().map_err(|_| invalid())?;
    if start == 0 || end < start {
        return Err(invalid());
    }
    Ok((start, end))
}

#[derive(Debug, Subcommand)]
pub(crate) enum ComplianceCommand {
    /// Run the environment's gates and show each control of a framework as pass, fail,
    /// error or not-covered, with its evidence (exit 0 unless --require is given).
    Report(Box<ComplianceReportArgs>),
}

#[derive(Debug, Args)]
pub(crate) struct ComplianceReportArgs {
    /// Files or folders to scan.
    #[arg(default_value = ".")]
    pub(crate) paths: Vec<PathBuf>,
    /// The framework: `pci-dss-4`, `owasp-top10-2021`, `cwe-top25-2024`,
    /// `owasp-llm-top10-2025`, or the id of a pack in `compliance.packs`.
    #[arg(long, value_name = "ID")]
    pub(crate) framework: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ComplianceFormatArg::Summary)]
    pub(crate) format: ComplianceFormatArg,
    /// Write the matrix to this file (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// The environment whose gates run.
    #[arg(long)]
    pub(crate) env: Option<String>,
    /// Every tier blocks at this severity (as `agate gate --block-at`).
    #[arg(long, value_parser = parse_severity)]
    pub(crate) block_at: Option<Severity>,
    /// Build the matrix from a saved `agate gate --format json` report instead of running
    /// the gates (the policy is read again from the root).
    #[arg(long, value_name = "REPORT")]
    pub(crate) report: Option<PathBuf>,
    /// Exit 1 when one of these controls (`all`: any) fails or is not covered, 3 when one
    /// is in error (repeatable or comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "all|ID")]
    pub(crate) require: Vec<String>,
    #[command(flatten)]
    pub(crate) context: ContextArgs,
    /// Run only these analyzers (as `agate gate --only`).
    #[arg(long, value_delimiter = ',', value_name = "ANALYZER", value_parser = parse_analyzer)]
    pub(crate) only: Vec<Analyzer>,
    /// Run only the rules given with --rules, not the bundled ones.
    #[arg(long)]
    pub(crate) no_bundled_rules: bool,
    /// Do not honour .gitignore, .ignore or .agateignore files.
    #[arg(long)]
    pub(crate) no_ignore: bool,
    /// Also scan vendored and generated trees.
    #[arg(long)]
    pub(crate) include_vendored: bool,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = 2 * 1024 * 1024, value_name = "BYTES")]
    pub(crate) max_file_size: u64,
    /// Worker threads (0: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub(crate) threads: usize,
}

/// A format of `agate compliance report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ComplianceFormatArg {
    /// A table for the terminal.
    Summary,
    /// The matrix as JSON.
    Json,
    /// One self-contained HTML page.
    Html,
    /// SARIF 2.1.0 with the framework as taxonomy.
    Sarif,
}

#[derive(Debug, Subcommand)]
pub(crate) enum BaselineCommand {
    /// Write a baseline of every current finding; an existing baseline is replaced only
    /// with --force.
    Create {
        #[command(flatten)]
        args: BaselineArgs,
        /// Replace an existing baseline (its entries, with who accepted them and why, are
        /// lost; `update` keeps them).
        #[arg(long)]
        force: bool,
    },
    /// Add findings not yet in the baseline; existing entries keep who, when and why.
    Update(BaselineArgs),
    /// Drop baseline entries that no longer match a finding.
    Prune(BaselineArgs),
}

#[derive(Debug, Args)]
pub(crate) struct BaselineArgs {
    #[command(flatten)]
    pub(crate) scan: ScanArgs,
    /// Why these findings are accepted (recorded with each new entry).
    #[arg(long, default_value = "accepted legacy risk")]
    pub(crate) reason: String,
    /// Who accepts them (default: $AGATE_USER, $GIT_AUTHOR_NAME or $USER).
    #[arg(long)]
    pub(crate) who: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TriageCommand {
    /// Record a decision about findings, by fingerprint or a unique prefix of one (at
    /// least 6 hex digits); marking a finding again replaces its decision.
    Mark(TriageMarkArgs),
    /// List the open findings (with --all, every finding and its decision), numbered, with
    /// a fingerprint prefix to mark them by.
    List {
        /// Also findings already triaged, baselined or suppressed.
        #[arg(long)]
        all: bool,
        /// Text for people, JSON for scripts.
        #[arg(long, value_enum, default_value_t = TriageFormat::Text)]
        format: TriageFormat,
        #[command(flatten)]
        source: TriageSource,
    },
    /// Noise per rule (or tool, or AI model): findings, decisions, false-positive and
    /// acceptance rates, median age of decisions, and what to do about noisy rules.
    Stats {
        /// Text for people, JSON for scripts.
        #[arg(long, value_enum, default_value_t = TriageFormat::Text)]
        format: TriageFormat,
        /// Group by rule, by the external tool that reported, or by AI tool and model.
        #[arg(long, value_enum, default_value_t = StatsByArg::Rule)]
        by: StatsByArg,
        #[command(flatten)]
        source: TriageSource,
    },
    /// The findings on AI-authored lines with tool, model, excerpt, fix and decision, one
    /// JSON object per line.
    Export {
        /// One JSON object per line (the only format).
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        source: TriageSource,
    },
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("decision").required(true).args(["false_positive", "accepted_risk", "wont_fix"])))]
pub(crate) struct TriageMarkArgs {
    /// Fingerprints, or unique prefixes of at least 6 hex digits.
    #[arg(required = true, value_name = "FINGERPRINT")]
    pub(crate) fingerprints: Vec<String>,
    /// The rule is wrong here.
    #[arg(long)]
    pub(crate) false_positive: bool,
    /// The flaw is real and its risk is accepted (give --until).
    #[arg(long)]
    pub(crate) accepted_risk: bool,
    /// The flaw is real and will not be fixed.
    #[arg(long)]
    pub(crate) wont_fix: bool,
    /// Why (required; stored redacted).
    #[arg(long)]
    pub(crate) reason: String,
    /// The last day the decision holds (YYYY-MM-DD); after it the finding is open again.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub(crate) until: Option<String>,
    /// Who answers for the decision (a team or a person).
    #[arg(long)]
    pub(crate) owner: Option<String>,
    #[command(flatten)]
    pub(crate) source: TriageSource,
}

/// Where triage finds the findings: a saved JSON report, or a gate run like `agate gate`.
#[derive(Debug, Args)]
pub(crate) struct TriageSource {
    /// Read the findings from this JSON report (`agate gate --format json`) instead of
    /// running the gates: faster, and it holds the external checks' findings.
    #[arg(long, value_name = "REPORT.json")]
    pub(crate) report: Option<PathBuf>,
    /// The environment whose gates run (not with --report, whose run is done).
    #[arg(long, conflicts_with = "report")]
    pub(crate) env: Option<String>,
    /// The root (where `.agate/triage.yaml` is), and for a gate run what it judges by;
    /// with --report only --root counts.
    #[command(flatten)]
    pub(crate) context: ContextArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TriageFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum StatsByArg {
    Rule,
    Tool,
    Model,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExportFormat {
    Jsonl,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    /// Print every resolved setting with the file (or default) it came from.
    Explain {
        /// Only keys starting with this, e.g. `tiers.ai`.
        key: Option<String>,
        /// The configuration file (default: ./agate.yaml when present).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Never fetch `extends:` URLs; use the copies in .agate/cache.
        #[arg(long)]
        offline: bool,
    },
}

#[derive(Debug, Args)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "each bool is a command-line flag"
)]
pub(crate) struct ScanArgs {
    /// Files or folders to scan.
    #[arg(default_value = ".")]
    pub(crate) paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) out: ReportArgs,
    #[command(flatten)]
    pub(crate) context: ContextArgs,
    /// Run only the rules given with --rules, not the bundled ones.
    #[arg(long)]
    pub(crate) no_bundled_rules: bool,
    /// Do not honour .gitignore, .ignore or .agateignore files.
    #[arg(long)]
    pub(crate) no_ignore: bool,
    /// Also scan vendored and generated trees (node_modules, .venv, dist, build, …).
    #[arg(long)]
    pub(crate) include_vendored: bool,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = 2 * 1024 * 1024, value_name = "BYTES")]
    pub(crate) max_file_size: u64,
    /// Worker threads (0: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub(crate) threads: usize,
    /// Run only these analyzers: `sast`, `secrets`, `deps`, `ai-patterns`, `external`,
    /// `test-integrity` (repeatable or comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "ANALYZER", value_parser = parse_analyzer)]
    pub(crate) only: Vec<Analyzer>,
    /// Scan only shard K of N (`K/N`, K from 1): a share of the files fixed by each path, for
    /// splitting a repository across CI runners; `agate report merge` joins the shards'
    /// JSON reports into one verdict.
    #[arg(long, value_name = "K/N", value_parser = parse_shard, conflicts_with_all = ["staged", "history"])]
    pub(crate) shard: Option<Shard>,
    /// Scan the staged versions of changed files for secrets, and compare them with `HEAD`
    /// for test integrity (a pre-commit hook); implies `--only secrets,test-integrity`.
    #[arg(long, conflicts_with = "history")]
    pub(crate) staged: bool,
    /// Scan git history for secrets, each file version once, reporting the commit that
    /// introduced it: all of it, `REV`, or `FROM..TO`; implies `--only secrets`.
    #[arg(long, value_name = "RANGE", num_args = 0..=1, default_missing_value = "HEAD")]
    pub(crate) history: Option<String>,
}

#[derive(Debug, Args)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "each bool is a command-line flag"
)]
pub(crate) struct FixArgs {
    /// Files or folders to fix.
    #[arg(default_value = ".")]
    pub(crate) paths: Vec<PathBuf>,
    /// Write the fixes (atomically, file by file) instead of showing the diff.
    #[arg(long)]
    pub(crate) apply: bool,
    /// Apply only this rule's fixes (repeatable): how to settle fixes that overlap.
    #[arg(long, value_name = "ID")]
    pub(crate) rule: Vec<String>,
    /// Report paths relative to this folder (default: the current directory).
    #[arg(long)]
    pub(crate) root: Option<PathBuf>,
    /// Add the rules in this folder (repeatable); each `*.yaml` is one rule.
    #[arg(long = "rules", value_name = "DIR")]
    pub(crate) rule_dirs: Vec<PathBuf>,
    /// The configuration file (default: agate.yaml in the root, when present).
    #[arg(long)]
    pub(crate) config: Option<PathBuf>,
    /// Never fetch `extends:` URLs; use the copies in .agate/cache.
    #[arg(long)]
    pub(crate) offline: bool,
    /// Run only the rules given with --rules, not the bundled ones.
    #[arg(long)]
    pub(crate) no_bundled_rules: bool,
    /// Do not honour .gitignore, .ignore or .agateignore files.
    #[arg(long)]
    pub(crate) no_ignore: bool,
    /// Also fix vendored and generated trees (node_modules, .venv, dist, build, …).
    #[arg(long)]
    pub(crate) include_vendored: bool,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = 2 * 1024 * 1024, value_name = "BYTES")]
    pub(crate) max_file_size: u64,
    /// Worker threads (0: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub(crate) threads: usize,
}

#[derive(Debug, Args)]
pub(crate) struct GateArgs {
    #[command(flatten)]
    pub(crate) scan: ScanArgs,
    /// The environment whose gates run (its mode decides block or warn).
    #[arg(long)]
    pub(crate) env: Option<String>,
    /// Every tier blocks at this severity (a locked tier cannot be loosened).
    #[arg(long, value_parser = parse_severity)]
    pub(crate) block_at: Option<Severity>,
    #[command(flatten)]
    pub(crate) attest: AttestArgs,
    /// Upload the report (and the attestation, with --attest) to this agate server; the
    /// token comes from `AGATE_TOKEN`. A failed upload exits 3.
    #[arg(long, value_name = "URL")]
    pub(crate) upload: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ContractCommand {
    /// Call each contract's function with its examples and with inputs generated from its
    /// input schema; report outputs, errors, timeouts and crashes that break the contract.
    Test(ContractTestArgs),
    /// Write a starting contract for a function from its signature (and, for Python, its
    /// type hints), to standard output or --output.
    Init {
        /// The function: `python:module:function` or `node:./path/to/file.js#export`.
        function: String,
        /// Write the contract to this file (atomically) instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        runtime: ContractRuntimeArgs,
    },
}

#[derive(Debug, Args)]
pub(crate) struct ContractTestArgs {
    /// Contract files, or folders of them (`*.yaml`); default: `contracts/` under the root.
    pub(crate) paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) out: ReportArgs,
    #[command(flatten)]
    pub(crate) runtime: ContractRuntimeArgs,
}

/// Where the functions live and which interpreters run them.
#[derive(Debug, Args)]
pub(crate) struct ContractRuntimeArgs {
    /// The project root: Python modules are imported from it, Node paths are relative to it
    /// (default: the current directory).
    #[arg(long)]
    pub(crate) root: Option<PathBuf>,
    /// The Python interpreter for contracts that name no `runtime:` (default: `python3`).
    #[arg(long, value_name = "PATH")]
    pub(crate) python: Option<PathBuf>,
    /// The Node interpreter for contracts that name no `runtime:` (default: `node`).
    #[arg(long, value_name = "PATH")]
    pub(crate) node: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum RulesCommand {
    /// List rules with severity, CWE and summary.
    List(ListArgs),
    /// Show one rule: metadata, documentation and its ast-grep rule.
    Show {
        /// The rule id, e.g. `py.broad-except`.
        id: String,
    },
    /// Run every rule's fixture: `expect:` lines must match, nothing else may.
    Test {
        /// Rule folders to test (default: the bundled rules).
        dirs: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Only rules for this language.
    #[arg(long)]
    pub(crate) language: Option<String>,
    /// Only rules mapped to this compliance framework (e.g. `pci-dss-4`), with their
    /// controls.
    #[arg(long, value_name = "FRAMEWORK", conflicts_with = "language")]
    pub(crate) compliance: Option<String>,
    /// Also list the rules in this folder.
    #[arg(long = "rules", value_name = "DIR")]
    pub(crate) rule_dirs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Terminal)]
    pub(crate) format: ListFormat,
}

/// A CI system `agate init --ci` writes a pipeline for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CiSystem {
    /// GitHub Actions: .github/workflows/agate.yml (uses agate's action).
    Github,
    /// GitLab CI: .gitlab-ci.yml.
    Gitlab,
    /// Jenkins: Jenkinsfile.
    Jenkins,
    /// Tekton: .tekton/agate.yaml (a Task and a Pipeline).
    Tekton,
    /// Argo Workflows: .argo/agate.yaml (a WorkflowTemplate).
    Argo,
    /// Argo CD: .argocd/agate-presync.yaml (a PreSync hook Job that verifies the synced
    /// revision's attestations, with its ConfigMap and Secret).
    Argocd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListFormat {
    Terminal,
    Json,
}

fn parse_shard(value: &str) -> Result<Shard, String> {
    let invalid = || format!("`{value}` is not a shard; write K/N with 1 <= K <= N, e.g. 2/4");
    let (index, count) = value.split_once('/').ok_or_else(invalid)?;
    let index: u32 = index.trim().parse().map_err(|_| invalid())?;
    let count: u32 = count.trim().parse().map_err(|_| invalid())?;
    let shard = Shard { index, count };
    shard.is_valid().then_some(shard).ok_or_else(invalid)
}

fn parse_analyzer(value: &str) -> Result<Analyzer, String> {
    let name = value.trim();
    let selectable = Analyzer::names(&Analyzer::SELECTABLE);
    match name.parse::<Analyzer>() {
        Ok(analyzer) if Analyzer::SELECTABLE.contains(&analyzer) => Ok(analyzer),
        Ok(_) => Err(format!(
            "`{name}` findings come from the policy, not from an analyzer --only can run; expected one of: {selectable}"
        )),
        Err(_) => Err(format!(
            "unknown analyzer `{name}`; expected one of: {selectable}"
        )),
    }
}

fn parse_severity(value: &str) -> Result<Severity, String> {
    value
        .parse()
        .map_err(|error: agate_model::ParseLevelError| error.to_string())
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct ServerArgs {
    #[command(subcommand)]
    pub(crate) command: Option<ServerCommand>,
    #[command(flatten)]
    pub(crate) serve: ServeArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The database: `sqlite:PATH` (one file, created when missing) or
    /// `postgres://USER@HOST/DB` (several servers may share it).
    #[arg(long, value_name = "URL", default_value = "sqlite:agate-server.db")]
    pub(crate) db: String,
    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8470")]
    pub(crate) listen: String,
    /// The largest report accepted, in bytes (larger: 413).
    #[arg(long, value_name = "BYTES", default_value_t = 32 * 1024 * 1024)]
    pub(crate) max_upload: usize,
    /// Uploads per token per minute, per server instance (more: 429).
    #[arg(long, value_name = "N", default_value_t = 60)]
    pub(crate) uploads_per_minute: u32,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ServerCommand {
    /// Manage the server's tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Manage the organisation's policies, which repositories extend with
    /// `extends: agate+https://SERVER/ORG/NAME@VERSION`.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum PolicyCommand {
    /// Publish an agate.yaml as ORG/NAME@VERSION. A published version never changes;
    /// once one is published, uploads whose policy extends none are flagged.
    Publish {
        /// The database, as for `agate server --db`.
        #[arg(long, value_name = "URL", default_value = "sqlite:agate-server.db")]
        db: String,
        /// `ORG/NAME@VERSION`, e.g. `bank/base@v3`.
        name: String,
        /// The policy file.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Create a token for a team (created when new) and print it: the only time it is
    /// shown, since the server keeps only its hash.
    Create {
        /// The database, as for `agate server --db`.
        #[arg(long, value_name = "URL", default_value = "sqlite:agate-server.db")]
        db: String,
        /// The team the token uploads for and reads.
        #[arg(long)]
        team: String,
        /// An admin token reads every team's runs and assigns repositories.
        #[arg(long)]
        admin: bool,
        /// What the token is for, e.g. `github-actions`.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Revoke the token read from standard input (a leaked one): it no longer
    /// authenticates, and the dashboard sessions it opened end.
    Revoke {
        /// The database, as for `agate server --db`.
        #[arg(long, value_name = "URL", default_value = "sqlite:agate-server.db")]
        db: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum AttestCommand {
    /// Write a new ed25519 key pair: PREFIX.key (PKCS#8 PEM, readable by you only) and
    /// PREFIX.pub (SubjectPublicKeyInfo PEM). Existing files are never replaced.
    Keygen {
        /// Where to write, e.g. `keys/agate` for keys/agate.key and keys/agate.pub.
        #[arg(long, value_name = "PREFIX")]
        out: PathBuf,
    },
    /// Sign a saved gate report (`agate gate --format json`) into an attestation.
    Sign(AttestSignArgs),
    /// Sign any file (e.g. a release's SHA256SUMS): a detached, raw 64-byte ed25519
    /// signature, which `openssl pkeyutl -verify -rawin` checks (docs/install.md).
    SignFile {
        /// The file to sign (at most 16 MiB).
        file: PathBuf,
        /// The private key (PEM); without it, the key is read from `AGATE_ATTEST_KEY`.
        #[arg(long, value_name = "KEY")]
        key: Option<PathBuf>,
        /// Where to write the signature (default: FILE.sig). An existing file is replaced.
        #[arg(long, short, value_name = "SIG")]
        output: Option<PathBuf>,
    },
    /// Check that a commit passed an environment's gates, signed by KEY, and that the
    /// environments it requires passed before it (exit 1 when not).
    Verify(AttestVerifyArgs),
}

#[derive(Debug, Args)]
pub(crate) struct AttestSignArgs {
    /// The gate's JSON report.
    pub(crate) report: PathBuf,
    #[command(flatten)]
    pub(crate) attest: AttestArgs,
}

/// How a gate run is attested; shared by `agate gate` and `agate attest sign`.
#[derive(Debug, Args, Default)]
pub(crate) struct AttestArgs {
    /// Sign the verdict with this private key (PEM); without a file, the key is read from
    /// the `AGATE_ATTEST_KEY` environment variable.
    #[arg(long, value_name = "KEY", num_args = 0..=1)]
    #[expect(
        clippy::option_option,
        reason = "clap's form of a flag with an optional value"
    )]
    pub(crate) attest: Option<Option<PathBuf>>,
    /// An artifact the attestation also names by its SHA-256 (repeatable).
    #[arg(long, value_name = "FILE", requires = "attest")]
    pub(crate) artifact: Vec<PathBuf>,
    /// Where attestations are written (one file per commit and environment).
    #[arg(long, value_name = "DIR", default_value = ".agate/attestations")]
    pub(crate) attest_dir: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct AttestVerifyArgs {
    /// The commit (full hex id).
    #[arg(long)]
    pub(crate) commit: String,
    /// The environment that must have passed.
    #[arg(long)]
    pub(crate) env: String,
    /// The public key attestations must be signed with (PEM).
    #[arg(long, value_name = "PUB")]
    pub(crate) key: PathBuf,
    /// An environment that must have passed, before `--env`, for the same commit
    /// (repeatable).
    #[arg(long, value_name = "ENV")]
    pub(crate) require: Vec<String>,
    /// Where the attestations are.
    #[arg(
        long,
        value_name = "DIR",
        default_value = ".agate/attestations",
        conflicts_with = "server"
    )]
    pub(crate) dir: PathBuf,
    /// Read the attestations from an agate server instead (token from `AGATE_TOKEN`).
    #[arg(long, value_name = "URL")]
    pub(crate) server: Option<String>,
    /// Only attestations of this repository (`owner/name`, as `agate gate` names it) count.
    #[arg(long, value_name = "NAME")]
    pub(crate) repository: Option<String>,
}
