//! Coverage thresholds in configuration files, and suppression comments anywhere.

use std::sync::LazyLock;

use regex::Regex;

/// A coverage threshold a configuration sets.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Threshold {
    /// The setting, e.g. `fail_under`, `coverageThreshold.lines`, `<minimum>`.
    pub(crate) setting: String,
    /// Its value (percent or ratio, as written); `check-coverage: false` is 0.
    pub(crate) value: f64,
    /// The 1-based line.
    pub(crate) line: u32,
}

/// What the file's name says about the thresholds it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// coverage.py settings: `.coveragerc`, `setup.cfg`, `tox.ini`, `pyproject.toml`.
    CoveragePy,
    /// Jest, nyc or c8 settings: `package.json`, `jest.config.*`, `.nycrc*`, `.c8rc*`.
    Node,
    /// Maven or Gradle builds (JaCoCo's rules).
    Jvm,
    /// Anything else: only `--cov-fail-under` and `--check-coverage` flags count.
    Other,
}

fn kind(path: &str) -> Kind {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name {
        ".coveragerc" | "setup.cfg" | "tox.ini" | "pyproject.toml" | "pytest.ini" => {
            Kind::CoveragePy
        }
        "package.json" | ".nycrc" | ".nycrc.json" | ".nycrc.yml" | ".nycrc.yaml" | ".c8rc"
        | ".c8rc.json" | "nyc.config.js" | "nyc.config.cjs" => Kind::Node,
        "pom.xml" | "build.gradle" | "build.gradle.kts" => Kind::Jvm,
        _ if name.starts_with("jest.config.") || name.starts_with("vitest.config.") => Kind::Node,
        _ => Kind::Other,
    }
}

fn regex(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

static COV_FAIL_UNDER: LazyLock<Option<Regex>> =
    LazyLock::new(|| regex(r"--cov-fail-under[=\s]+([0-9]+(?:\.[0-9]+)?)"));
static FAIL_UNDER: LazyLock<Option<Regex>> =
    LazyLock::new(|| regex(r#"^\s*["']?fail_under["']?\s*[=:]\s*["']?([0-9]+(?:\.[0-9]+)?)"#));
static NODE_KEY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    regex(r#"["']?\b(branches|functions|lines|statements)["']?\s*[:=]\s*(-?[0-9]+(?:\.[0-9]+)?)"#)
});
static NODE_FLAG: LazyLock<Option<Regex>> =
    LazyLock::new(|| regex(r"--(branches|functions|lines|statements)[=\s]+([0-9]+(?:\.[0-9]+)?)"));
static CHECK_COVERAGE: LazyLock<Option<Regex>> =
    LazyLock::new(|| regex(r#"["']?check-coverage["']?\s*[:=]\s*(true|false)"#));
static CHECK_COVERAGE_FLAG: LazyLock<Option<Regex>> =
    LazyLock::new(|| regex(r"--check-coverage\b"));
static JACOCO_MINIMUM: LazyLock<Option<Regex>> =
    LazyLock::new(|| regex(r"<minimum>\s*([0-9]+(?:\.[0-9]+)?)\s*</minimum>"));
static GRADLE_MINIMUM: LazyLock<Option<Regex>> =
    LazyLock::new(|| regex(r"\bminimum\s*=\s*(?:BigDecimal\(|)?['\x22]?([0-9]+(?:\.[0-9]+)?)"));

/// The coverage thresholds `text` (the file at `path`) sets, in order.
pub(crate) fn thresholds(path: &str, text: &str) -> Vec<Threshold> {
    let kind = kind(path);
    let mut found = Vec::new();
    let mut push = |setting: &str, value: &str, line: usize| {
        if let Ok(value) = value.parse::<f64>() {
            found.push(Threshold {
                setting: setting.to_owned(),
                value,
                line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            });
        }
    };
    // The nearest `coverageThreshold` or nyc/c8 context decides whether `lines: 80` counts.
    let node_file = kind == Kind::Node;
    for (index, line) in text.lines().enumerate() {
        for captures in COV_FAIL_UNDER.iter().flat_map(|re| re.captures_iter(line)) {
            push("--cov-fail-under", &captures[1], index);
        }
        if kind == Kind::CoveragePy {
            for captures in FAIL_UNDER.iter().flat_map(|re| re.captures_iter(line)) {
                push("fail_under", &captures[1], index);
            }
        }
        if node_file {
            for captures in NODE_KEY.iter().flat_map(|re| re.captures_iter(line)) {
                push(&format!("coverage {}", &captures[1]), &captures[2], index);
            }
            for captures in CHECK_COVERAGE.iter().flat_map(|re| re.captures_iter(line)) {
                let on = if &captures[1] == "true" { "1" } else { "0" };
                push("check-coverage", on, index);
            }
        }
        if node_file || kind == Kind::Other {
            for captures in NODE_FLAG.iter().flat_map(|re| re.captures_iter(line)) {
                push(&format!("--{}", &captures[1]), &captures[2], index);
            }
        }
        if CHECK_COVERAGE_FLAG
            .as_ref()
            .is_some_and(|re| re.is_match(line))
        {
            push("--check-coverage", "1", index);
        }
        if kind == Kind::Jvm {
            for captures in JACOCO_MINIMUM.iter().flat_map(|re| re.captures_iter(line)) {
                push("<minimum>", &captures[1], index);
            }
            for captures in GRADLE_MINIMUM.iter().flat_map(|re| re.captures_iter(line)) {
                push("minimum", &captures[1], index);
            }
        }
    }
    found
}

/// Comments (and annotations) that silence a checker, by the text that marks them.
pub(crate) const SUPPRESSIONS: &[&str] = &[
    "# noqa",
    "# type: ignore",
    "# nosec",
    "# pragma: no cover",
    "pylint: disable",
    "eslint-disable",
    "@SuppressWarnings",
    "@ts-ignore",
    "@ts-expect-error",
    "@ts-nocheck",
    "NOSONAR",
    "istanbul ignore",
    "c8 ignore",
    "agate: ignore[",
];

/// The suppression markers on `line`.
pub(crate) fn suppressions(line: &str) -> impl Iterator<Item = &'static str> + '_ {
    SUPPRESSIONS
        .iter()
        .copied()
        .filter(move |marker| line.contains(marker))
}
