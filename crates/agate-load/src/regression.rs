//! Regressions: a run against an earlier one (`.agate/perf/NAME.json`).

use crate::LoadReport;

/// How a run's p95 compares with a baseline's.
#[derive(Debug, Clone, PartialEq)]
pub struct Regression {
    /// The request, or `None` for the whole run.
    pub request: Option<String>,
    pub baseline_p95_ms: f64,
    pub p95_ms: f64,
    /// How much worse, in percent (negative: better).
    pub worse_by_percent: f64,
    /// Worse by more than the allowed percentage.
    pub regressed: bool,
}

/// Compares the p95 of the whole run and of each request the baseline also has; a request
/// or a run without answers in either is not compared.
pub fn compare(
    current: &LoadReport,
    baseline: &LoadReport,
    max_worse_percent: f64,
) -> Vec<Regression> {
    let mut out = Vec::new();
    let mut one = |request: Option<String>, now: f64, before: f64| {
        if now <= 0.0 || before <= 0.0 {
            return;
        }
        let worse_by_percent = (now - before) * 100.0 / before;
        out.push(Regression {
            request,
            baseline_p95_ms: before,
            p95_ms: now,
            worse_by_percent,
            regressed: worse_by_percent > max_worse_percent,
        });
    };
    one(
        None,
        current.total.latency_ms.p95,
        baseline.total.latency_ms.p95,
    );
    for request in &current.requests {
        if let Some(before) = baseline
            .requests
            .iter()
            .find(|known| known.name == request.name)
        {
            one(
                Some(request.name.clone()),
                request.stats.latency_ms.p95,
                before.stats.latency_ms.p95,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::compare;
    use crate::{Latency, LoadErrors, LoadReport, LoadStats, RequestStats};

    fn run(p95: f64) -> LoadReport {
        let stats = LoadStats {
            requests: 10,
            rps: 5.0,
            latency_ms: Latency {
                p95,
                ..Latency::default()
            },
            errors: LoadErrors::default(),
        };
        LoadReport {
            measured_seconds: 2.0,
            total: stats.clone(),
            requests: vec![RequestStats {
                name: "get".into(),
                stats,
            }],
        }
    }

    #[test]
    fn p95_worse_by_more_than_allowed_regresses() {
        let found = compare(&run(12.0), &run(10.0), 10.0);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|regression| regression.regressed));
        assert!((found[0].worse_by_percent - 20.0).abs() < 1e-9);
        assert!(
            compare(&run(10.5), &run(10.0), 10.0)
                .iter()
                .all(|found| !found.regressed)
        );
        assert!(compare(&run(0.0), &run(10.0), 10.0).is_empty());
    }
}
