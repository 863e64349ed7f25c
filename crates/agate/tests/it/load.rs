//! `agate load run` against real services: an Express app and a Python one, each started by
//! the test on a free port.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::agate;

/// A service the test started; stopped when dropped.
struct Service {
    child: Child,
    port: u16,
}

impl Service {
    fn start(mut command: Command) -> Service {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = command
            .env("PORT", port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the service did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Service { child, port }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn express(dir: &Path) -> Service {
    let modules = std::env::var("AGATE_TEST_NODE_MODULES").unwrap_or_else(|_| {
        panic!("AGATE_TEST_NODE_MODULES is not set: run `scripts/test`, which installs Express")
    });
    std::fs::write(
        dir.join("server.js"),
        "const express = require(\"express\");\n\
         const app = express();\n\
         app.get(\"/items/:id\", (req, res) => res.json({ id: Number(req.params.id), name: \"item\" }));\n\
         // The AI version of the search endpoint: 40 ms per call.\n\
         app.get(\"/search\", (req, res) => setTimeout(() => res.json({ hits: [] }), 40));\n\
         app.listen(Number(process.env.PORT), \"127.0.0.1\");\n",
    )
    .unwrap();
    let mut command = Command::new("node");
    command.arg(dir.join("server.js")).env("NODE_PATH", modules);
    Service::start(command)
}

/// Writes the Python service: `/broken…` answers 500, anything else 200.
fn write_python(dir: &Path) {
    std::fs::write(
        dir.join("server.py"),
        "import os\n\
         from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer\n\
         class Handler(BaseHTTPRequestHandler):\n\
         \x20   protocol_version = \"HTTP/1.1\"\n\
         \x20   def do_GET(self):\n\
         \x20       status = 500 if self.path.startswith(\"/broken\") else 200\n\
         \x20       body = b'{\"ok\": true}'\n\
         \x20       self.send_response(status)\n\
         \x20       self.send_header(\"content-type\", \"application/json\")\n\
         \x20       self.send_header(\"content-length\", str(len(body)))\n\
         \x20       self.end_headers()\n\
         \x20       self.wfile.write(body)\n\
         \x20   def log_message(self, *args):\n\
         \x20       pass\n\
         ThreadingHTTPServer((\"127.0.0.1\", int(os.environ[\"PORT\"])), Handler).serve_forever()\n",
    )
    .unwrap();
}

fn python(dir: &Path) -> Service {
    write_python(dir);
    let mut command = Command::new("python3");
    command.arg(dir.join("server.py"));
    Service::start(command)
}

fn load(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let output = agate(dir)
        .args(["load", "run", "--format", "json", "--threads", "2"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let json = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (output.status.code(), json, stderr)
}

#[test]
#[ignore = "needs Node.js with Express: scripts/test installs it and runs this"]
fn issue_11_express_passes_its_thresholds_then_blocks_on_a_regression() {
    let dir = tempfile::tempdir().unwrap();
    let service = express(dir.path());
    let fast = service.url("/items/{{counter}}");
    let (code, report, stderr) = load(
        dir.path(),
        &[
            "--url",
            &fast,
            "--requests",
            "400",
            "--connections",
            "4",
            "--threshold",
            "p95 < 5s",
            "--threshold",
            "errors < 1%",
            "--threshold",
            "rps > 10",
            "--name",
            "api",
            "--update-baseline",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(report["passed"], true);
    assert_eq!(report["total"]["requests"], 400);
    for key in ["p50", "p90", "p95", "p99", "p999", "max"] {
        assert!(
            report["total"]["latency_ms"][key].as_f64().unwrap() > 0.0,
            "{key}"
        );
    }
    assert!(dir.path().join(".agate/perf/api.json").is_file());
    // The slow endpoint against the fast one's baseline: p95 is far worse.
    let slow = service.url("/search?q={{random 1 100}}");
    let (code, report, stderr) = load(
        dir.path(),
        &[
            "--url",
            &slow,
            "--requests",
            "80",
            "--connections",
            "4",
            "--name",
            "api",
        ],
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(report["regressions"][0]["regressed"], true, "{report}");
    assert!(report["regressions"][0]["p95_ms"].as_f64().unwrap() >= 40.0);
    // And a latency threshold it cannot meet.
    let (code, report, _) = load(
        dir.path(),
        &[
            "--url",
            &slow,
            "--rate",
            "50/s",
            "--requests",
            "40",
            "--threshold",
            "p50 < 10ms",
        ],
    );
    assert_eq!(code, Some(1));
    assert_eq!(report["model"], "open");
    assert_eq!(report["thresholds"][0]["passed"], false);
}

#[test]
fn issue_11_python_service_blocks_on_errors_and_passes_without() {
    let dir = tempfile::tempdir().unwrap();
    let service = python(dir.path());
    let (code, report, stderr) = load(
        dir.path(),
        &[
            "--url",
            &service.url("/health"),
            "--requests",
            "200",
            "--threshold",
            "errors == 0",
            "--threshold",
            "p99 < 10s",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(report["total"]["errors"]["status_5xx"], 0);
    let (code, report, _) = load(
        dir.path(),
        &[
            "--url",
            &service.url("/broken"),
            "--requests",
            "50",
            "--threshold",
            "errors < 1%",
        ],
    );
    assert_eq!(code, Some(1));
    assert_eq!(report["total"]["errors"]["status_5xx"], 50);
    assert_eq!(report["thresholds"][0]["actual"], "100.00%");
}

#[test]
fn issue_11_mistakes_and_unsafe_targets_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let unused = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{unused}/");
    let (code, _, stderr) = load(dir.path(), &["--url", &url, "--requests", "5"]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("could not connect"), "{stderr}");
    let (code, _, stderr) = load(
        dir.path(),
        &["--url", "http://192.0.2.1/", "--requests", "5"],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("loopback"), "{stderr}");
    let (code, _, stderr) = load(dir.path(), &["--url", &url, "--threshold", "p97 < 5ms"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("unknown metric `p97`"), "{stderr}");
    let (code, _, stderr) = load(dir.path(), &["--url", "https://127.0.0.1/"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("http://"), "{stderr}");
    let (code, _, stderr) = load(dir.path(), &["--url", &url, "--name", "../escape"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("cannot name a result file"), "{stderr}");
}

#[test]
fn issue_11_results_of_k6_jmeter_and_locust_meet_the_same_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    // Shaped as k6's documentation shows `--summary-export` output.
    std::fs::write(
        dir.path().join("k6.json"),
        r#"{"metrics": {
            "http_req_duration": {"avg": 144.5, "min": 104.1, "med": 110.4, "max": 1140.2, "p(90)": 203.5, "p(95)": 215.9,
                                  "thresholds": {"p(95)<500": false}},
            "http_req_failed": {"passes": 0, "fails": 180, "value": 0},
            "http_reqs": {"count": 180, "rate": 4.36}}}"#,
    )
    .unwrap();
    let check = |file: &str, from: &str, threshold: &str| {
        let output = agate(dir.path())
            .args([
                "load",
                "check",
                file,
                "--from",
                from,
                "--format",
                "json",
                "--threshold",
                threshold,
            ])
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
        (
            output.status.code(),
            json,
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, report, stderr) = check("k6.json", "k6", "p95 < 300ms");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        report["thresholds"][0]["threshold"],
        "k6 http_req_duration: p(95)<500"
    );
    assert_eq!(report["thresholds"][1]["passed"], true);
    let (code, _, _) = check("k6.json", "k6", "p95 < 200ms");
    assert_eq!(code, Some(1));
    let (code, _, stderr) = check("k6.json", "k6", "p99 < 1s");
    assert_eq!(code, Some(2));
    assert!(stderr.contains("not in these results"), "{stderr}");
    std::fs::write(
        dir.path().join("results.jtl"),
        "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n\
         1700000000000,12,GET /items,200,OK,t 1-1,text,true,,10,10,1,1,http://localhost/items,12,0,1\n\
         1700000000100,900,GET /items,503,Unavailable,t 1-1,text,false,,10,10,1,1,http://localhost/items,900,0,1\n",
    )
    .unwrap();
    let (code, report, stderr) = check("results.jtl", "jmeter", "errors < 1%");
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(report["total"]["errors"]["status_5xx"], 1);
    std::fs::write(
        dir.path().join("run_stats.csv"),
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n\
         GET,/items,500,0,20,22,5,90,100,50.0,0.0,20,22,24,25,30,35,50,60,80,90,90\n\
         ,Aggregated,500,0,20,22,5,90,100,50.0,0.0,20,22,24,25,30,35,50,60,80,90,90\n",
    )
    .unwrap();
    let (code, report, stderr) = check("run_stats.csv", "locust", "p99{/items} < 100ms");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(report["model"], "locust");
    let (code, _, stderr) = check("run_stats.csv", "k6", "p95 < 1s");
    assert_eq!(code, Some(2));
    assert!(stderr.contains("run_stats.csv"), "{stderr}");
}

/// Writes the Python service of [`python`] into `dir` and an agate.yaml whose gate
/// `performance` starts it on a free port and loads `/health`, with `extra` appended.
fn gate_project(dir: &Path, thresholds: &str, extra: &str) -> u16 {
    write_python(dir);
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        dir.join("agate.yaml"),
        format!(
            "gates:\n  performance:\n    load:\n      - name: health\n        url: http://127.0.0.1:{port}/health\n        requests: 200\n        connections: 4\n        thresholds: [{thresholds}]\n        regression: 50\n        start:\n          run: [python3, server.py]\n          ready: http://127.0.0.1:{port}/health\n          env: {{ PORT: \"{port}\" }}\n{extra}"
        ),
    )
    .unwrap();
    port
}

fn gate(dir: &Path, env: Option<&str>) -> (i32, serde_json::Value, String) {
    let mut command = agate(dir);
    command.args(["gate", "--format", "json"]);
    if let Some(env) = env {
        command.args(["--env", env]);
    }
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let json = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (output.status.code().unwrap(), json, stderr)
}

fn performance(report: &serde_json::Value) -> &serde_json::Value {
    report["verdict"]["gates"]
        .as_array()
        .and_then(|gates| gates.iter().find(|gate| gate["name"] == "performance"))
        .unwrap_or_else(|| panic!("no performance gate: {report:#}"))
}

#[test]
fn issue_11_a_gate_runs_its_load_test_with_the_environments_limits() {
    let dir = tempfile::tempdir().unwrap();
    gate_project(
        dir.path(),
        "\"errors < 1%\", \"p95 < 10s\"",
        "environments:\n  dev:\n    gates: [performance]\n  staging:\n    gates: [performance]\n    load:\n      health: { thresholds: [\"p95 < 0.001ms\"] }\n",
    );
    let (code, report, stderr) = gate(dir.path(), Some("dev"));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(performance(&report)["status"], "pass");
    let run = &report["load"][0];
    assert_eq!(run["name"], "health");
    assert_eq!(run["result"]["total"]["requests"], 200);
    assert!(
        run["result"]["total"]["latency_ms"]["p95"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    assert_eq!(run["thresholds"][0]["passed"], true);
    // Staging's own limit: breached, a finding at the test's line in agate.yaml.
    let (code, report, stderr) = gate(dir.path(), Some("staging"));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(performance(&report)["status"], "fail");
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["rule_id"] == "load.threshold")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(finding["gate"], "performance");
    assert_eq!(finding["location"]["path"], "agate.yaml");
    assert_eq!(finding["location"]["start"]["line"], 4);
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("`p95 < 0.001ms` failed")
    );
}

#[test]
fn issue_11_a_gate_blocks_on_a_regression_and_fails_closed_when_it_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    gate_project(dir.path(), "\"errors < 1%\"", "");
    // A baseline far faster than anything real: this run's p95 regressed.
    let baseline = r#"{"measured_seconds": 1.0, "total": {"requests": 100, "rps": 100.0, "latency_ms": {"p50": 0.001, "p90": 0.001, "p95": 0.001, "p99": 0.001, "p999": 0.001, "max": 0.001, "mean": 0.001}, "errors": {"connect": 0, "timeout": 0, "io": 0, "status_4xx": 0, "status_5xx": 0, "unexpected_status": 0}}, "requests": []}"#;
    std::fs::create_dir_all(dir.path().join(".agate/perf")).unwrap();
    std::fs::write(dir.path().join(".agate/perf/health.json"), baseline).unwrap();
    let (code, report, stderr) = gate(dir.path(), None);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|finding| finding["rule_id"] == "load.regression"),
        "{report:#}"
    );
    assert_eq!(report["load"][0]["regressions"][0]["regressed"], true);
    // A threshold that does not parse: the gate is in error, never passed.
    gate_project(dir.path(), "\"p97 < 5ms\"", "");
    let (code, report, _) = gate(dir.path(), None);
    assert_eq!(code, 3);
    let gate = performance(&report);
    assert_eq!(gate["status"], "error");
    let reason = gate["reasons"][0].as_str().unwrap();
    assert!(
        reason.contains("unknown metric `p97`") && reason.contains("agate.yaml:4"),
        "{reason}"
    );
}

#[test]
fn issue_11_load_settings_are_checked_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    for (yaml, expected) in [
        (
            "gates:\n  p:\n    load:\n      - { name: a, url: 'https://x/' }\n",
            "is not an http:// URL",
        ),
        (
            "gates:\n  p:\n    load:\n      - { name: ../a, url: 'http://127.0.0.1/' }\n",
            "the name may hold only",
        ),
        (
            "gates:\n  p:\n    load:\n      - { name: a, url: 'http://127.0.0.1/', rate: fast }\n",
            "is not a rate",
        ),
        (
            "gates:\n  p:\n    load:\n      - { name: a, url: 'http://127.0.0.1/', baseline: ../x.json }\n",
            "leaves the scan root",
        ),
        (
            "gates:\n  p:\n    load:\n      - { name: a }\n",
            "give either `url`",
        ),
        (
            "gates:\n  p:\n    load:\n      - { name: a, result: { from: gatling, path: r.json } }\n",
            "not a known format",
        ),
        (
            "gates:\n  p:\n    load:\n      - { name: a, url: 'http://127.0.0.1/' }\nenvironments:\n  s:\n    load:\n      b: { rate: 5/s }\n",
            "unknown load test `b`",
        ),
    ] {
        std::fs::write(dir.path().join("agate.yaml"), yaml).unwrap();
        let output = agate(dir.path()).args(["gate"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{yaml}: {stderr}");
        assert!(
            stderr.contains(expected) && stderr.contains("agate.yaml:"),
            "{yaml}: {stderr}"
        );
    }
}

#[test]
fn issue_11_a_gates_scenario_and_a_k6_result_are_judged_alike() {
    let dir = tempfile::tempdir().unwrap();
    write_python(dir.path());
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        dir.path().join("agate.yaml"),
        format!(
            "gates:\n  performance:\n    load:\n      - name: mixed\n        url: http://127.0.0.1:{port}\n        requests: 200\n        scenario:\n          - {{ name: ok, path: /health, weight: 3 }}\n          - {{ name: broken, path: /broken, weight: 1 }}\n        thresholds: [\"errors{{ok}} == 0\", \"errors < 1%\"]\n        start:\n          run: [python3, server.py]\n          ready: http://127.0.0.1:{port}/health\n          env: {{ PORT: \"{port}\" }}\n      - name: nightly\n        result: {{ from: k6, path: k6.json }}\n        thresholds: [\"p95 < 1s\"]\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("k6.json"),
        r#"{"metrics": {"http_req_duration": {"avg": 144.5, "min": 104.1, "med": 110.4, "max": 1140.2, "p(90)": 203.5, "p(95)": 215.9, "thresholds": {"p(95)<200": true}}, "http_reqs": {"count": 180, "rate": 4.36}}}"#,
    )
    .unwrap();
    let (code, report, stderr) = gate(dir.path(), None);
    assert_eq!(code, 1, "{stderr}");
    let runs = report["load"].as_array().unwrap();
    let mixed = &runs[0];
    let names: Vec<&str> = mixed["result"]["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|request| request["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ok", "broken"]);
    assert_eq!(mixed["thresholds"][0]["passed"], true, "{mixed:#}");
    assert_eq!(mixed["thresholds"][1]["passed"], false);
    let nightly = &runs[1];
    assert_eq!(nightly["model"], "k6");
    assert_eq!(
        nightly["thresholds"][0]["threshold"],
        "k6 http_req_duration: p(95)<200"
    );
    assert_eq!(nightly["thresholds"][0]["passed"], false);
    assert_eq!(nightly["thresholds"][1]["passed"], true);
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["rule_id"] == "load.threshold")
        .map(|finding| finding["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|message| message.contains("`errors < 1%` failed")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|message| message.contains("k6's threshold")),
        "{messages:?}"
    );
    // A threshold on one request of the scenario points at that request's line.
    std::fs::write(
        dir.path().join("agate.yaml"),
        std::fs::read_to_string(dir.path().join("agate.yaml"))
            .unwrap()
            .replace(
                "\"errors{ok} == 0\", \"errors < 1%\"",
                "\"errors{broken} == 0\"",
            ),
    )
    .unwrap();
    let (code, report, stderr) = gate(dir.path(), None);
    assert_eq!(code, 1, "{stderr}");
    let on_broken = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| {
            finding["message"]
                .as_str()
                .unwrap()
                .contains("`errors{broken} == 0` failed")
        })
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(on_broken["location"]["start"]["line"], 9);
}
