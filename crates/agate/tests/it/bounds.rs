//! Issue [7]'s resource bounds, end to end: hostile nesting, huge patterns.

use crate::{agate, tree};

#[test]
fn issue_7_a_glob_over_4_kib_is_a_config_error_naming_the_key_and_the_limit() {
    let glob = "a*".repeat(26_000);
    let dir = tree(&[
        (
            "agate.yaml",
            &format!("version: 1\nignore:\n  - build/**\n  - \"{glob}\"\n"),
        ),
        ("app.py", "x = 1\n"),
    ]);
    let output = agate(dir.path()).arg("scan").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("agate.yaml: `ignore[1]` is 52,000 bytes long; globs are limited to 4 KiB"),
        "{stderr}"
    );
    assert!(stderr.len() < 1_000, "the pattern is not echoed: {stderr}");

    let plain = tree(&[("app.py", "x = 1\n")]);
    let output = agate(plain.path())
        .args(["scan", "--ai-paths", &glob])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`--ai-paths[0]` is 52,000 bytes long; globs are limited to 4 KiB"),
        "{stderr}"
    );
}

#[test]
fn issue_7_deep_nesting_is_scanned_to_a_bound_with_a_notice_and_imports_in_full() {
    // 20,000 links and 20,000 nested calls: quadratic before (18 s and 36 s in a release
    // build), now one walk each; the rules stop 1,000 levels down and say so.
    let chain = format!("import os\nz = os.{}b\n", "a.".repeat(20_000));
    let calls = format!(
        "z = {}os.system(x){}\n",
        "f(".repeat(20_000),
        ")".repeat(20_000)
    );
    let dir = tree(&[("chain.py", &chain), ("calls.py", &calls)]);
    let output = agate(dir.path())
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let notices = report["notices"].as_array().unwrap();
    let deep: Vec<&str> = notices
        .iter()
        .filter(|notice| {
            notice["message"]
                .as_str()
                .unwrap()
                .starts_with("nesting deeper than 1000 syntax levels at line ")
        })
        .map(|notice| notice["path"].as_str().unwrap())
        .collect();
    assert_eq!(deep, ["calls.py", "chain.py"], "{notices:?}");
    assert!(
        notices.iter().all(|notice| notice["level"] == "warning"
            || !deep.contains(&notice["path"].as_str().unwrap())),
        "{notices:?}"
    );
}
