//! External reports that try to leak or flood (issue [7]): a path through a link to a
//! folder outside the root, more results than a check keeps, a log that ran nothing.

use std::path::Path;

use super::agate;

/// A project whose gate reads `tool/result.sarif` (no command) as check `acme`, keeping at
/// most `max_results` results.
fn project(sarif: &str, max_results: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), "print('hi')\n").unwrap();
    std::fs::create_dir_all(dir.path().join("tool")).unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("tool/result.sarif"), sarif).unwrap();
    std::fs::write(
        dir.path().join("agate.yaml"),
        format!(
            "version: 1\ngates:\n  security:\n    external:\n      - name: acme\n        report: tool/result.sarif\n        format: sarif\n        max_results: {max_results}\n"
        ),
    )
    .unwrap();
    dir
}

/// A SARIF log with one result per path, each quoting `quoted` as the tool saw it.
fn sarif(paths: &[&str], quoted: &str) -> String {
    let results: Vec<String> = paths
        .iter()
        .map(|path| {
            format!(
                r#"{{"ruleId":"acme.leak","level":"error","message":{{"text":"found it"}},"locations":[{{"physicalLocation":{{"artifactLocation":{{"uri":"{path}"}},"region":{{"startLine":1,"endLine":3,"snippet":{{"text":"{quoted}"}}}}}}}}]}}"#
            )
        })
        .collect();
    format!(
        r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"acme"}}}},"results":[{}]}}]}}"#,
        results.join(",")
    )
}

fn json_report(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let output = agate(dir).args(args).output().unwrap();
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code(), report)
}

fn security(report: &serde_json::Value) -> &serde_json::Value {
    report["verdict"]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|gate| gate["name"] == "security")
        .unwrap()
}

#[cfg(unix)]
#[test]
fn issue_7_a_link_to_a_folder_outside_never_brings_its_lines_into_any_output() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("passwd"),
        "root:x:0:0:OUTSIDE-1\ndaemon:x:1:1:OUTSIDE-2\nbin:x:2:2:OUTSIDE-3\n",
    )
    .unwrap();
    let dir = project(
        &sarif(&["src/etclink/passwd"], "root:x:0:0:OUTSIDE-1"),
        10_000,
    );
    std::os::unix::fs::symlink(outside.path(), dir.path().join("src/etclink")).unwrap();
    let output = agate(dir.path())
        .args([
            "gate", "--format", "terminal", "--format", "json", "-o", "r.json", "--format",
            "sarif", "-o", "r.sarif", "--format", "junit", "-o", "r.xml", "--format", "html", "-o",
            "r.html", "--format", "summary", "-o", "r.md", "--format", "gitlab", "-o", "g.json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "the finding is kept and blocks: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut everything = String::from_utf8_lossy(&output.stdout).into_owned();
    everything.push_str(&String::from_utf8_lossy(&output.stderr));
    for file in ["r.json", "r.sarif", "r.xml", "r.html", "r.md", "g.json"] {
        everything.push_str(&std::fs::read_to_string(dir.path().join(file)).unwrap());
    }
    assert!(!everything.contains("OUTSIDE"), "{everything}");
    assert!(
        everything.contains("src/etclink/passwd"),
        "the path is kept"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let notices = report["notices"].as_array().unwrap();
    assert!(
        notices.iter().any(|notice| notice["message"]
            == "acme: 1 result names a file outside the scan root or in `.git` (the first: `src/etclink/passwd`); kept without any of its lines"),
        "{notices:?}"
    );
}

#[test]
fn issue_7_a_report_over_max_results_fails_the_gate_closed_and_counts_the_rest() {
    let paths: Vec<String> = (0..8).map(|index| format!("app{index}.py")).collect();
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    // Results below the blocking threshold: only the cap can fail the gate.
    let dir = project(
        &sarif(&paths, "x").replace(r#""level":"error""#, r#""level":"none""#),
        5,
    );
    let (code, report) = json_report(dir.path(), &["gate", "--format", "json"]);
    assert_eq!(code, Some(3), "{report}");
    let check = &report["checks"][0];
    assert_eq!(check["findings"], 5);
    assert_eq!(check["truncated"], 3);
    assert_eq!(report["findings"].as_array().unwrap().len(), 5);
    assert_eq!(security(&report)["status"], "error");
    assert_eq!(
        security(&report)["reasons"][0],
        "check `acme` failed: the tool reported 8 results, more than `max_results: 5`; 3 were not judged, so the check cannot pass: narrow what the tool scans or raise `max_results`"
    );
    assert!(
        report["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|notice| notice["message"]
                == "acme: 3 of its 8 results are over `max_results: 5`: counted, not kept"),
        "{report}"
    );
}

#[test]
fn issue_7_a_sarif_log_with_no_runs_fails_the_gate_closed() {
    let dir = project(r#"{"version":"2.1.0","runs":[]}"#, 10_000);
    let (code, report) = json_report(dir.path(), &["gate", "--format", "json"]);
    assert_eq!(code, Some(3), "{report}");
    assert_eq!(security(&report)["status"], "error");
    let reason = security(&report)["reasons"][0].as_str().unwrap();
    assert!(
        reason.starts_with("check `acme` failed: the tool scanned nothing"),
        "{reason}"
    );
}
