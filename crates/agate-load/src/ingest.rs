//! Results of load tests agate did not run, read into a [`LoadReport`] so the same
//! thresholds and regression checks apply: k6's `--summary-export` JSON, JMeter's JTL (CSV)
//! and Locust's `--csv` statistics (`*_stats.csv`).
//!
//! What a format does not carry is left out, never made up: k6's summary has the
//! percentiles its `--summary-trend-stats` asked for (`med`, `p(90)`, `p(95)` by default),
//! so a threshold on p99 of a k6 summary without it is an error, not a pass; Locust and k6
//! count failures without saying why (they are errors of kind `other`).

use std::time::Duration;

use serde_json::Value;

use crate::stats::{Outcome, Recorder};
use crate::{Latency, LoadErrors, LoadReport, LoadStats, RequestStats};

/// A k6 threshold and whether it failed, as the summary recorded it.
#[derive(Debug, Clone, PartialEq)]
pub struct K6Threshold {
    /// `http_req_duration: p(95)<500`.
    pub name: String,
    pub failed: bool,
}

/// Reads k6's `--summary-export` JSON: `http_req_duration` (milliseconds), `http_reqs` and
/// `http_req_failed`, with the thresholds k6 evaluated (in that format a threshold's value
/// is whether it failed).
pub fn k6_summary(text: &str) -> Result<(LoadReport, Vec<K6Threshold>), String> {
    let summary: Value =
        serde_json::from_str(text).map_err(|error| format!("not k6 summary JSON: {error}"))?;
    let metrics = summary
        .get("metrics")
        .and_then(Value::as_object)
        .ok_or("no `metrics` object: export the summary with `k6 run --summary-export FILE`")?;
    let duration = metrics
        .get("http_req_duration")
        .ok_or("no `http_req_duration` metric: the test made no HTTP request")?;
    let stat = |key: &str| {
        duration
            .get(key)
            .and_then(Value::as_f64)
            .unwrap_or(f64::NAN)
    };
    let requests = metrics
        .get("http_reqs")
        .and_then(|reqs| reqs.get("count"))
        .and_then(Value::as_f64)
        .ok_or("no `http_reqs` count")?;
    let rps = metrics
        .get("http_reqs")
        .and_then(|reqs| reqs.get("rate"))
        .and_then(Value::as_f64)
        .unwrap_or(f64::NAN);
    // `http_req_failed` is a rate: its `passes` are the requests for which it was true.
    let failed = metrics
        .get("http_req_failed")
        .and_then(|rate| rate.get("passes"))
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    let mut thresholds = Vec::new();
    for (metric, fields) in metrics {
        if let Some(Value::Object(evaluated)) = fields.get("thresholds") {
            for (expression, failed) in evaluated {
                thresholds.push(K6Threshold {
                    name: format!("{metric}: {expression}"),
                    failed: failed.as_bool().unwrap_or(true),
                });
            }
        }
    }
    let stats = LoadStats {
        requests: count(requests),
        rps,
        latency_ms: Latency {
            p50: stat("med"),
            p90: stat("p(90)"),
            p95: stat("p(95)"),
            p99: stat("p(99)"),
            p999: stat("p(99.9)"),
            max: stat("max"),
            mean: stat("avg"),
        },
        errors: LoadErrors {
            other: count(failed),
            ..LoadErrors::default()
        },
    };
    let seconds = if rps > 0.0 { requests / rps } else { 0.0 };
    Ok((
        LoadReport {
            measured_seconds: seconds,
            total: stats,
            requests: Vec::new(),
        },
        thresholds,
    ))
}

/// Reads a JMeter JTL in CSV with its header line (`timeStamp`, `elapsed`, `label`,
/// `responseCode`, `success`, …): every sample's time goes into the histograms, by label.
pub fn jmeter_jtl(text: &str) -> Result<LoadReport, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|error| format!("not a JTL CSV file: {error}"))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|header| header == name)
            .ok_or_else(|| format!("no `{name}` column: save the JTL as CSV with its field names"))
    };
    let (stamp, elapsed, label, code, success) = (
        column("timeStamp")?,
        column("elapsed")?,
        column("label")?,
        column("responseCode")?,
        column("success")?,
    );
    let mut labels: Vec<String> = Vec::new();
    let mut samples: Vec<(usize, Outcome, Duration)> = Vec::new();
    let (mut first, mut last) = (u64::MAX, 0_u64);
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|error| format!("line {}: {error}", line + 2))?;
        let field = |index: usize| record.get(index).unwrap_or("");
        let number = |index: usize| {
            field(index)
                .parse::<u64>()
                .map_err(|_| format!("line {}: `{}` is not a number", line + 2, field(index)))
        };
        let (at, took) = (number(stamp)?, number(elapsed)?);
        first = first.min(at);
        last = last.max(at.saturating_add(took));
        let name = field(label);
        let index = labels
            .iter()
            .position(|known| known == name)
            .unwrap_or_else(|| {
                labels.push(name.to_owned());
                labels.len() - 1
            });
        let outcome = match field(code).parse::<u16>() {
            Ok(status) => Outcome::Answered {
                status,
                expected: field(success) == "true",
            },
            // JMeter writes `Non HTTP response code: java.net.ConnectException` and the like.
            Err(_) if field(code).contains("Connect") => Outcome::Connect,
            Err(_) if field(code).contains("Timeout") => Outcome::Timeout,
            Err(_) => Outcome::Io,
        };
        samples.push((index, outcome, Duration::from_millis(took)));
    }
    if samples.is_empty() {
        return Err("the JTL file holds no sample".to_owned());
    }
    let mut recorder =
        Recorder::new(labels.len()).map_err(|error| format!("latency histogram: {error}"))?;
    for (index, outcome, took) in samples {
        recorder.record(index, outcome, took);
    }
    let measured = Duration::from_millis(last.saturating_sub(first).max(1));
    Ok(recorder.report(&labels, measured))
}

/// Reads Locust's `*_stats.csv`: one row per request name and the `Aggregated` row.
pub fn locust_stats(text: &str) -> Result<LoadReport, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|error| format!("not a Locust stats CSV file: {error}"))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|header| header == name)
            .ok_or_else(|| format!("no `{name}` column: give Locust's `*_stats.csv`"))
    };
    let columns = [
        column("Name")?,
        column("Request Count")?,
        column("Failure Count")?,
        column("50%")?,
        column("90%")?,
        column("95%")?,
        column("99%")?,
        column("99.9%")?,
        column("100%")?,
        column("Average Response Time")?,
        column("Requests/s")?,
    ];
    let mut total = None;
    let mut requests = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|error| format!("line {}: {error}", line + 2))?;
        let number = |index: usize| {
            let text = record.get(columns[index]).unwrap_or("");
            // Locust writes `N/A` where it has no value.
            if text == "N/A" {
                return Ok(f64::NAN);
            }
            text.parse::<f64>()
                .map_err(|_| format!("line {}: `{text}` is not a number", line + 2))
        };
        let stats = LoadStats {
            requests: count(number(1)?),
            rps: number(10)?,
            latency_ms: Latency {
                p50: number(3)?,
                p90: number(4)?,
                p95: number(5)?,
                p99: number(6)?,
                p999: number(7)?,
                max: number(8)?,
                mean: number(9)?,
            },
            errors: LoadErrors {
                other: count(number(2)?),
                ..LoadErrors::default()
            },
        };
        let name = record.get(columns[0]).unwrap_or("").to_owned();
        if name == "Aggregated" {
            total = Some(stats);
        } else {
            requests.push(RequestStats { name, stats });
        }
    }
    let total = total.ok_or("no `Aggregated` row: give Locust's `*_stats.csv`")?;
    let seconds = if total.rps > 0.0 {
        total.requests as f64 / total.rps
    } else {
        0.0
    };
    Ok(LoadReport {
        measured_seconds: seconds,
        total,
        requests,
    })
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn count(value: f64) -> u64 {
    // `as` saturates, and maps NaN and negatives to 0.
    value as u64
}

#[cfg(test)]
mod tests {
    use super::{jmeter_jtl, k6_summary, locust_stats};
    use crate::threshold::Threshold;

    /// Shaped as k6's documentation shows `--summary-export` output.
    const K6: &str = r#"{
      "root_group": { "name": "", "path": "", "id": "d41d8cd98f00b204e9800998ecf8427e", "groups": {}, "checks": {} },
      "metrics": {
        "http_req_duration": { "avg": 144.56, "min": 104.11, "med": 110.47, "max": 1140.2, "p(90)": 203.54, "p(95)": 215.95,
                               "thresholds": { "p(95)<200": true } },
        "http_req_failed": { "passes": 2, "fails": 178, "value": 0.0111, "thresholds": { "rate<0.01": true } },
        "http_reqs": { "count": 180, "rate": 4.36938 },
        "vus": { "value": 1, "min": 1, "max": 19 }
      }
    }"#;

    #[test]
    fn a_k6_summary_reads_with_its_thresholds() {
        let (report, thresholds) = k6_summary(K6).unwrap();
        assert_eq!(report.total.requests, 180);
        assert!((report.total.latency_ms.p95 - 215.95).abs() < 1e-9);
        assert_eq!(report.total.errors.other, 2);
        assert_eq!(thresholds.len(), 2);
        assert!(thresholds.iter().all(|threshold| threshold.failed));
        assert!(
            !Threshold::parse("p95 < 200ms")
                .unwrap()
                .check(&report)
                .unwrap()
                .passed
        );
        // Not in the summary: an error, not a pass.
        let missing = Threshold::parse("p99 < 5s")
            .unwrap()
            .check(&report)
            .unwrap_err();
        assert!(missing.contains("not in"), "{missing}");
        assert!(k6_summary("{}").unwrap_err().contains("--summary-export"));
    }

    #[test]
    fn a_jmeter_jtl_reads_sample_by_sample() {
        use std::fmt::Write;
        let mut jtl = String::from(
            "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n",
        );
        for index in 0..100_u64 {
            let (code, success) = if index % 10 == 0 {
                ("500", "false")
            } else {
                ("200", "true")
            };
            let (stamp, took) = (1_700_000_000_000 + index * 10, 10 + index);
            writeln!(
                jtl,
                "{stamp},{took},GET /items,{code},OK,Users 1-1,text,{success},,120,80,1,1,http://localhost/items,{took},0,1"
            )
            .unwrap();
        }
        jtl.push_str("1700000001000,2001,checkout,\"Non HTTP response code: java.net.ConnectException\",\"Non HTTP response message: Connection refused\",Users 1-1,text,false,,0,0,1,1,http://localhost/checkout,0,0,2001\n");
        let report = jmeter_jtl(&jtl).unwrap();
        assert_eq!(report.total.requests, 101);
        assert_eq!(report.requests[0].name, "GET /items");
        assert_eq!(report.requests[0].stats.errors.status_5xx, 10);
        assert_eq!(report.requests[1].stats.errors.connect, 1);
        assert!(
            (report.requests[0].stats.latency_ms.p50 - 59.0).abs() < 1.0,
            "{report:?}"
        );
        assert!(
            jmeter_jtl("a,b\n1,2\n")
                .unwrap_err()
                .contains("no `timeStamp` column")
        );
    }

    #[test]
    fn locust_stats_read_by_name_and_aggregated() {
        let csv = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n\
GET,/items,1000,3,41,45.2,12,310,120,98.5,0.3,41,47,52,55,63,71,85,99,180,300,310\n\
,Aggregated,1000,3,41,45.2,12,310,120,98.5,0.3,41,47,52,55,63,71,85,99,180,300,310\n";
        let report = locust_stats(csv).unwrap();
        assert_eq!(report.total.requests, 1000);
        assert_eq!(report.requests[0].name, "/items");
        assert!(
            Threshold::parse("p95 < 80ms")
                .unwrap()
                .check(&report)
                .unwrap()
                .passed
        );
        assert!(
            !Threshold::parse("errors < 0.1%")
                .unwrap()
                .check(&report)
                .unwrap()
                .passed
        );
        assert!(locust_stats("Name\nx\n").unwrap_err().contains("column"));
    }
}
