//! Thresholds: one syntax for the command line and agate.yaml.
//!
//! `METRIC[{REQUEST}] OP VALUE[UNIT]`, e.g. `p95 < 50ms`, `p99{checkout} <= 0.2s`,
//! `errors < 1%`, `errors == 0`, `rps > 300`. Metrics: `p50`, `p90`, `p95`, `p99`, `p99.9`
//! (or `p999`), `max`, `mean` (latency: `ms` when no unit is given, or `us`, `s`), `rps`, and
//! `errors` (a share with `%`, else a count). `{REQUEST}` names a request of the scenario;
//! without it the whole run counts.

use std::fmt;

use crate::{LoadReport, LoadStats};

/// A parsed threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    metric: Metric,
    request: Option<String>,
    op: Op,
    /// In the metric's unit: milliseconds, requests per second, percent or a count.
    value: f64,
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Metric {
    Latency(Percentile),
    Rps,
    ErrorRate,
    ErrorCount,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Percentile {
    P50,
    P90,
    P95,
    P99,
    P999,
    Max,
    Mean,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
}

/// A threshold checked against a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub passed: bool,
    /// What the run measured, with its unit (`63.2ms`, `0.4%`, `312.5 rps`).
    pub actual: String,
    /// The request the threshold names, if any.
    pub request: Option<String>,
}

impl Threshold {
    /// Parses `text`; the error says what is wrong and shows the syntax.
    pub fn parse(text: &str) -> Result<Threshold, String> {
        let syntax = "(write `METRIC OP VALUE`, e.g. `p95 < 50ms`, `errors < 1%`, `rps > 300`)";
        let trimmed = text.trim();
        let op_at = trimmed
            .find(['<', '>', '='])
            .ok_or_else(|| format!("`{text}` has no comparison {syntax}"))?;
        let (left, right) = trimmed.split_at(op_at);
        let (op, value) = [
            ("<=", Op::LessOrEqual),
            (">=", Op::GreaterOrEqual),
            ("==", Op::Equal),
            ("<", Op::Less),
            (">", Op::Greater),
        ]
        .into_iter()
        .find_map(|(symbol, op)| right.strip_prefix(symbol).map(|value| (op, value.trim())))
        .ok_or_else(|| format!("`{text}`: unknown comparison {syntax}"))?;
        let left = left.trim();
        let (name, request) = match left.split_once('{') {
            Some((name, rest)) => {
                let request = rest
                    .strip_suffix('}')
                    .ok_or_else(|| format!("`{text}`: `{{` without `}}` {syntax}"))?;
                (name.trim(), Some(request.trim().to_owned()))
            }
            None => (left, None),
        };
        let percentile = match name {
            "p50" | "median" => Some(Percentile::P50),
            "p90" => Some(Percentile::P90),
            "p95" => Some(Percentile::P95),
            "p99" => Some(Percentile::P99),
            "p99.9" | "p999" => Some(Percentile::P999),
            "max" => Some(Percentile::Max),
            "mean" | "avg" => Some(Percentile::Mean),
            _ => None,
        };
        let number = |digits: &str| -> Result<f64, String> {
            digits
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|value| value.is_finite() && *value >= 0.0)
                .ok_or_else(|| format!("`{text}`: `{digits}` is not a number {syntax}"))
        };
        let (metric, value) = match (percentile, name) {
            (Some(percentile), _) => {
                let (digits, scale) = if let Some(digits) = value.strip_suffix("ms") {
                    (digits, 1.0)
                } else if let Some(digits) = value.strip_suffix("us") {
                    (digits, 0.001)
                } else if let Some(digits) = value.strip_suffix('s') {
                    (digits, 1000.0)
                } else {
                    (value, 1.0)
                };
                (Metric::Latency(percentile), number(digits)? * scale)
            }
            (None, "rps") => (Metric::Rps, number(value)?),
            (None, "errors") => match value.strip_suffix('%') {
                Some(digits) => (Metric::ErrorRate, number(digits)?),
                None => (Metric::ErrorCount, number(value)?),
            },
            (None, other) => {
                return Err(format!(
                    "`{text}`: unknown metric `{other}` (use p50, p90, p95, p99, p99.9, max, mean, rps or errors)"
                ));
            }
        };
        Ok(Threshold {
            metric,
            request,
            op,
            value,
            text: trimmed.to_owned(),
        })
    }

    /// Checks the threshold against `report`; an error when it names a request the
    /// scenario does not have.
    pub fn check(&self, report: &LoadReport) -> Result<Checked, String> {
        let stats: &LoadStats = match &self.request {
            None => &report.total,
            Some(name) => report
                .requests
                .iter()
                .find(|request| &request.name == name)
                .map(|request| &request.stats)
                .ok_or_else(|| format!("`{}` names no request of the scenario", self.text))?,
        };
        let (actual, shown) = match self.metric {
            Metric::Latency(percentile) => {
                let latency = &stats.latency_ms;
                let value = match percentile {
                    Percentile::P50 => latency.p50,
                    Percentile::P90 => latency.p90,
                    Percentile::P95 => latency.p95,
                    Percentile::P99 => latency.p99,
                    Percentile::P999 => latency.p999,
                    Percentile::Max => latency.max,
                    Percentile::Mean => latency.mean,
                };
                (value, format!("{value:.1}ms"))
            }
            Metric::Rps => (stats.rps, format!("{:.1} rps", stats.rps)),
            Metric::ErrorRate => {
                let rate = stats.error_rate();
                (rate, format!("{rate:.2}%"))
            }
            Metric::ErrorCount => {
                let count = stats.errors.total() as f64;
                (count, format!("{count} errors"))
            }
        };
        if actual.is_nan() {
            return Err(format!(
                "`{}`: that measurement is not in these results (a k6 summary has only the percentiles its --summary-trend-stats names)",
                self.text
            ));
        }
        let passed = match self.op {
            Op::Less => actual < self.value,
            Op::LessOrEqual => actual <= self.value,
            Op::Greater => actual > self.value,
            Op::GreaterOrEqual => actual >= self.value,
            Op::Equal => (actual - self.value).abs() < f64::EPSILON,
        };
        Ok(Checked {
            passed,
            actual: shown,
            request: self.request.clone(),
        })
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::Threshold;
    use crate::{Latency, LoadErrors, LoadReport, LoadStats, RequestStats};

    fn report() -> LoadReport {
        let stats = |p95: f64, errors: u64| LoadStats {
            requests: 1000,
            rps: 400.0,
            latency_ms: Latency {
                p50: 10.0,
                p90: 30.0,
                p95,
                p99: 90.0,
                p999: 150.0,
                max: 200.0,
                mean: 12.0,
            },
            errors: LoadErrors {
                status_5xx: errors,
                ..LoadErrors::default()
            },
        };
        LoadReport {
            measured_seconds: 2.5,
            total: stats(45.0, 12),
            requests: vec![RequestStats {
                name: "checkout".into(),
                stats: stats(80.0, 12),
            }],
        }
    }

    #[test]
    fn thresholds_parse_and_check() {
        let report = report();
        let check = |text: &str| Threshold::parse(text).unwrap().check(&report).unwrap();
        assert!(check("p95 < 50ms").passed);
        assert!(!check("p95{checkout} < 50ms").passed);
        assert_eq!(check("p95{checkout} < 50ms").actual, "80.0ms");
        assert!(check("p99 <= 0.09s").passed);
        assert!(check("p99.9 < 151").passed);
        assert!(!check("errors < 1%").passed);
        assert_eq!(check("errors < 1%").actual, "1.20%");
        assert!(check("errors <= 12").passed);
        assert!(check("rps > 300").passed);
        assert!(!check("rps >= 500").passed);
        assert!(check("max == 200ms").passed);
    }

    #[test]
    fn mistakes_are_named() {
        let error = |text: &str| Threshold::parse(text).unwrap_err();
        assert!(error("p95 50ms").contains("has no comparison"));
        assert!(error("p97 < 50ms").contains("unknown metric `p97`"));
        assert!(error("p95 < fast").contains("`fast` is not a number"));
        assert!(error("p95{checkout < 5").contains("without"));
        let unknown = Threshold::parse("p95{nope} < 5")
            .unwrap()
            .check(&report())
            .unwrap_err();
        assert!(unknown.contains("names no request"), "{unknown}");
    }
}
