//! What a run measured: latency histograms, errors by kind, throughput.

use std::time::Duration;

use agate_model::{Latency, LoadErrors, LoadReport, LoadStats, RequestStats};
use hdrhistogram::Histogram;

/// Latencies are recorded in microseconds, from 1 µs to an hour, to 3 significant digits.
const HIGHEST_MICROS: u64 = 3_600_000_000;

/// How one request ended.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Outcome {
    Answered { status: u16, expected: bool },
    Connect,
    Timeout,
    Io,
}

/// One connection's (or the whole run's) measurements, per request of the scenario.
pub(crate) struct Recorder {
    histograms: Vec<Histogram<u64>>,
    errors: Vec<LoadErrors>,
}

impl Recorder {
    pub(crate) fn new(requests: usize) -> Result<Recorder, hdrhistogram::CreationError> {
        Ok(Recorder {
            histograms: (0..requests)
                .map(|_| Histogram::new_with_bounds(1, HIGHEST_MICROS, 3))
                .collect::<Result<_, _>>()?,
            errors: vec![LoadErrors::default(); requests],
        })
    }

    pub(crate) fn record(&mut self, request: usize, outcome: Outcome, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        let errors = &mut self.errors[request];
        match outcome {
            Outcome::Answered { status, expected } => {
                // Every answer's time counts, an error status's too: it is what users wait.
                self.histograms[request].saturating_record(micros.clamp(1, HIGHEST_MICROS));
                if !expected {
                    match status {
                        400..=499 => errors.status_4xx += 1,
                        500..=599 => errors.status_5xx += 1,
                        _ => errors.unexpected_status += 1,
                    }
                }
            }
            Outcome::Connect => errors.connect += 1,
            Outcome::Timeout => errors.timeout += 1,
            Outcome::Io => errors.io += 1,
        }
    }

    pub(crate) fn merge(&mut self, other: &Recorder) {
        for (mine, theirs) in self.histograms.iter_mut().zip(&other.histograms) {
            // Same bounds on both sides: adding cannot fail; if it did, the counts stay.
            let _ = mine.add(theirs);
        }
        for (mine, theirs) in self.errors.iter_mut().zip(&other.errors) {
            mine.add(theirs);
        }
    }

    /// The report, naming the requests `names`, over `measured` of run time.
    pub(crate) fn report(&self, names: &[String], measured: Duration) -> LoadReport {
        let seconds = measured.as_secs_f64().max(f64::EPSILON);
        let mut total_histogram = self.histograms.first().cloned();
        let mut total_errors = LoadErrors::default();
        let mut requests = Vec::new();
        for (index, name) in names.iter().enumerate() {
            let histogram = &self.histograms[index];
            let errors = self.errors[index];
            if index > 0
                && let Some(total) = total_histogram.as_mut()
            {
                let _ = total.add(histogram);
            }
            total_errors.add(&errors);
            requests.push(RequestStats {
                name: name.clone(),
                stats: stats(histogram, errors, seconds),
            });
        }
        let total = total_histogram.map_or_else(
            || LoadStats {
                requests: 0,
                rps: 0.0,
                latency_ms: Latency::default(),
                errors: LoadErrors::default(),
            },
            |histogram| stats(&histogram, total_errors, seconds),
        );
        LoadReport {
            measured_seconds: measured.as_secs_f64(),
            total,
            requests,
        }
    }
}

fn stats(histogram: &Histogram<u64>, errors: LoadErrors, seconds: f64) -> LoadStats {
    let answered = histogram.len();
    // LoadErrors without an answer have no latency but count as requests.
    let unanswered = errors.connect + errors.timeout + errors.io;
    let requests = answered + unanswered;
    let millis = |micros: u64| micros as f64 / 1000.0;
    let latency_ms = if answered == 0 {
        Latency::default()
    } else {
        Latency {
            p50: millis(histogram.value_at_quantile(0.50)),
            p90: millis(histogram.value_at_quantile(0.90)),
            p95: millis(histogram.value_at_quantile(0.95)),
            p99: millis(histogram.value_at_quantile(0.99)),
            p999: millis(histogram.value_at_quantile(0.999)),
            max: millis(histogram.max()),
            mean: histogram.mean() / 1000.0,
        }
    };
    LoadStats {
        requests,
        rps: requests as f64 / seconds,
        latency_ms,
        errors,
    }
}
