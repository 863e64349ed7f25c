//! The dependency analyzer end to end: a project with a requirements file, an npm lockfile
//! and a POM whose log4j version comes from a property, OSV records imported with
//! `agate db import`, and the findings in SARIF.

use std::path::Path;

use crate::{agate, tree};

const ADVISORIES: &[(&str, &str)] = &[
    (
        "osv/jinja2.json",
        r#"{"id": "GHSA-h5c8-rqwp-cp95", "modified": "2026-01-01T00:00:00Z", "aliases": ["CVE-2024-22195"],
            "summary": "Jinja vulnerable to HTML attribute injection",
            "database_specific": {"severity": "MODERATE", "cwe_ids": ["CWE-79"]},
            "affected": [{"package": {"ecosystem": "PyPI", "name": "jinja2"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.1.3"}]}]}]}"#,
    ),
    (
        "osv/more/lodash-and-log4j.json",
        r#"[{"id": "GHSA-35jh-r3h4-6jhm", "modified": "2026-01-01T00:00:00Z", "aliases": ["CVE-2021-23337"],
             "summary": "Command injection in lodash", "database_specific": {"severity": "HIGH"},
             "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
               "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]}]},
            {"id": "GHSA-jfh8-c2jp-5v3q", "modified": "2026-01-01T00:00:00Z", "aliases": ["CVE-2021-44228"],
             "summary": "Remote code injection in Log4j", "database_specific": {"severity": "CRITICAL"},
             "affected": [{"package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core"},
               "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.13.0"}, {"fixed": "2.15.0"}]}]}]}]"#,
    ),
];

fn project() -> tempfile::TempDir {
    tree(&[
        ("requirements.txt", "flask==3.0.0\njinja2==3.1.2\n"),
        (
            "web/package-lock.json",
            "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": { \"dependencies\": { \"lodash\": \"^4.17.0\" } },\n    \"node_modules/lodash\": { \"version\": \"4.17.20\" }\n  }\n}\n",
        ),
        (
            "service/pom.xml",
            "<project>\n  <artifactId>service</artifactId>\n  <properties>\n    <log4j.version>2.14.1</log4j.version>\n  </properties>\n  <dependencies>\n    <dependency>\n      <groupId>org.apache.logging.log4j</groupId>\n      <artifactId>log4j-core</artifactId>\n      <version>${log4j.version}</version>\n    </dependency>\n  </dependencies>\n</project>\n",
        ),
    ])
}

fn import(cache: &Path) -> tempfile::TempDir {
    let advisories = tree(ADVISORIES);
    let output = agate(advisories.path())
        .args(["db", "import", "osv"])
        .env("AGATE_CACHE_DIR", cache)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("imported 3 advisories"));
    advisories
}

#[test]
fn vulnerable_dependencies_are_flagged_where_they_are_declared() {
    let cache = tempfile::tempdir().unwrap();
    let dir = project();

    let unchecked = agate(dir.path())
        .args(["scan", "--only", "deps", "--format", "json"])
        .env("AGATE_CACHE_DIR", cache.path())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&unchecked.stdout).unwrap();
    assert!(
        report["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|notice| notice["message"]
                .as_str()
                .unwrap()
                .contains("agate db import")),
        "{}",
        report["notices"]
    );

    let _advisories = import(cache.path());
    let output = agate(dir.path())
        .args(["scan", "--only", "deps", "--offline", "--format", "sarif"])
        .env("AGATE_CACHE_DIR", cache.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let schema: serde_json::Value = serde_json::from_str(include_str!(
        "../../../agate-report/tests/sarif-schema-2.1.0.json"
    ))
    .unwrap();
    assert!(jsonschema::validator_for(&schema).unwrap().is_valid(&sarif));
    let mut results: Vec<(String, u64, String)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| {
            let location = &result["locations"][0]["physicalLocation"];
            (
                location["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                location["region"]["startLine"].as_u64().unwrap(),
                result["message"]["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    results.sort();
    assert_eq!(results.len(), 3, "{results:?}");
    assert_eq!(
        (results[0].0.as_str(), results[0].1),
        ("requirements.txt", 2)
    );
    assert!(
        results[0]
            .2
            .contains("GHSA-h5c8-rqwp-cp95 (CVE-2024-22195)")
            && results[0].2.contains("upgrade to 3.1.3")
    );
    assert_eq!(
        (results[1].0.as_str(), results[1].1),
        ("service/pom.xml", 7)
    );
    assert!(results[1].2.contains("log4j-core 2.14.1") && results[1].2.contains("CVE-2021-44228"));
    assert_eq!(
        (results[2].0.as_str(), results[2].1),
        ("web/package-lock.json", 5)
    );
    assert!(results[2].2.contains("upgrade to 4.17.21"));

    // The gate blocks on the critical Log4Shell finding.
    let gate = agate(dir.path())
        .args(["gate", "--only", "deps"])
        .env("AGATE_CACHE_DIR", cache.path())
        .output()
        .unwrap();
    assert_eq!(gate.status.code(), Some(1));
}

#[test]
fn a_broken_manifest_is_a_notice_and_the_rest_is_checked() {
    let cache = tempfile::tempdir().unwrap();
    let _advisories = import(cache.path());
    let dir = project();
    std::fs::write(
        dir.path().join("package.json"),
        "{ \"dependencies\": {\n  oops\n",
    )
    .unwrap();
    let output = agate(dir.path())
        .args(["scan", "--only", "deps", "--format", "json"])
        .env("AGATE_CACHE_DIR", cache.path())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 3);
    let notice = &report["notices"][0];
    assert_eq!(notice["path"], "package.json");
    assert!(
        notice["message"]
            .as_str()
            .unwrap()
            .starts_with("line 2: not valid JSON"),
        "{notice}"
    );
    let bad = agate(dir.path())
        .args(["db", "import", "nowhere"])
        .env("AGATE_CACHE_DIR", cache.path())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

/// An OSV export zip holding `records` as `<id>.json` entries.
fn export(records: &[&str]) -> Vec<u8> {
    use std::io::Write as _;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (index, record) in records.iter().enumerate() {
        zip.start_file(
            format!("record-{index}.json"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(record.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Serves `GET /<ecosystem>/all.zip` from `exports` (one request each), recording paths.
fn serve_exports(
    exports: Vec<(&'static str, Vec<u8>)>,
) -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (sender, receiver) = std::sync::mpsc::channel();
    let count = exports.len();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let mut stream = stream.unwrap();
            let mut buffer = [0u8; 4096];
            let read = stream.read(&mut buffer).unwrap_or(0);
            let request = String::from_utf8_lossy(&buffer[..read]).into_owned();
            let path = request
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            let body = exports
                .iter()
                .find(|(ecosystem, _)| path == format!("/{ecosystem}/all.zip"))
                .map(|(_, body)| body.clone())
                .unwrap_or_default();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
            let _ = sender.send(path);
        }
    });
    (url, receiver)
}

#[test]
fn db_update_downloads_and_imports_each_export() {
    let cache = tempfile::tempdir().unwrap();
    let (url, requests) = serve_exports(vec![
        ("PyPI", export(&[ADVISORIES[0].1])),
        ("npm", export(&[])),
        ("Maven", export(&[])),
    ]);
    let dir = project();
    let output = agate(dir.path())
        .args(["db", "update"])
        .env("AGATE_CACHE_DIR", cache.path())
        .env("AGATE_OSV_URL", &url)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let asked: Vec<String> = requests.try_iter().collect();
    assert_eq!(asked, ["/PyPI/all.zip", "/npm/all.zip", "/Maven/all.zip"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("imported 1 PyPI advisories"));
    let scan = agate(dir.path())
        .args(["scan", "--only", "deps", "--format", "json"])
        .env("AGATE_CACHE_DIR", cache.path())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "only the jinja2 advisory was exported");
    assert_eq!(findings[0]["location"]["path"], "requirements.txt");
    // A server that is gone: the update fails and says which URL.
    let failed = agate(dir.path())
        .args(["db", "update"])
        .env("AGATE_CACHE_DIR", cache.path())
        .env("AGATE_OSV_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert_eq!(failed.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&failed.stderr)
            .contains("cannot download http://127.0.0.1:9/PyPI/all.zip")
    );
}

/// A service in three languages whose code imports packages: declared, undeclared,
/// standard, local, and a standard-library member that does not exist.
fn service_with_imports() -> tempfile::TempDir {
    tree(&[
        (
            "requirements.txt",
            "requests==2.32.3\nPyYAML==6.0.1\nscikit-learn==1.5.0\n",
        ),
        (
            "app/main.py",
            "import os\nimport json\nimport yaml\nimport sklearn.linear_model\nimport requests\nimport toml\nfrom app import helpers\nfrom . import views\ntry:\n    import ujson\nexcept ImportError:\n    ujson = None\n\n\ndef load(path):\n    os.path.join(path, 'x')\n    return json.parse(open(path).read())\n",
        ),
        (
            "app/helpers.py",
            "import os.path\nos.path.joinpath('a', 'b')\n",
        ),
        (
            "web/package.json",
            "{\n  \"name\": \"web\",\n  \"dependencies\": {\n    \"express\": \"^4.19.0\",\n    \"lodash\": \"^4.17.21\",\n    \"@aws-sdk/client-s3\": \"^3.600.0\"\n  }\n}\n",
        ),
        (
            "web/server.js",
            "const express = require('express');\nconst fs = require('node:fs');\nconst path = require('path');\nconst merge = require('lodash/merge');\nconst { S3Client } = require('@aws-sdk/client-s3');\nconst axios = require('axios');\nconst util = require('./util');\n\nfs.readFileAsync('config.json');\npath.join('a', 'b');\n",
        ),
        (
            "service/pom.xml",
            "<project>\n  <artifactId>service</artifactId>\n  <dependencies>\n    <dependency>\n      <groupId>org.apache.logging.log4j</groupId>\n      <artifactId>log4j-core</artifactId>\n      <version>2.17.1</version>\n    </dependency>\n  </dependencies>\n</project>\n",
        ),
        (
            "service/src/main/java/com/bank/service/App.java",
            "package com.bank.service;\n\nimport java.util.List;\nimport org.apache.logging.log4j.LogManager;\nimport com.bank.service.model.Account;\nimport com.fasterxml.jackson.databind.ObjectMapper;\n\nclass App {}\n",
        ),
    ])
}

/// The SARIF report of `agate scan . --offline --only deps` in `dir`.
fn deps_sarif(dir: &Path) -> serde_json::Value {
    let output = agate(dir)
        .args([
            "scan",
            ".",
            "--offline",
            "--only",
            "deps",
            "--format",
            "sarif",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// `(rule, path, line)` of each SARIF result.
fn sarif_results(sarif: &serde_json::Value) -> Vec<(String, String, u64)> {
    let mut results: Vec<(String, String, u64)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| {
            let location = &result["locations"][0]["physicalLocation"];
            (
                result["ruleId"].as_str().unwrap().to_owned(),
                location["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                location["region"]["startLine"].as_u64().unwrap(),
            )
        })
        .collect();
    results.sort();
    results
}

#[test]
fn imports_are_checked_against_manifests_and_standard_libraries() {
    let dir = service_with_imports();
    let sarif = deps_sarif(dir.path());
    let rule = |id: &str, path: &str, line: u64| (id.to_owned(), path.to_owned(), line);
    assert_eq!(
        sarif_results(&sarif),
        [
            rule("deps.undeclared-import", "app/main.py", 6),
            rule(
                "deps.undeclared-import",
                "service/src/main/java/com/bank/service/App.java",
                6
            ),
            rule("deps.undeclared-import", "web/server.js", 6),
            rule("deps.unknown-stdlib-api", "app/helpers.py", 2),
            rule("deps.unknown-stdlib-api", "app/main.py", 17),
            rule("deps.unknown-stdlib-api", "web/server.js", 9),
        ]
    );
    let messages: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| result["message"]["text"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`os.path.joinpath` does not exist")
                && m.contains("did you mean `os.path.join`")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`json.parse` does not exist")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`fs.readFileAsync` does not exist")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("`toml` is imported")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("groupId starts with `com.fasterxml`")),
        "{messages:?}"
    );
    let rules: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["deps.undeclared-import", "deps.unknown-stdlib-api"]);

    // The gate judges them in provenance-lint, as AI anti-patterns, and does not block on
    // medium findings of new code by default.
    let gate = agate(dir.path())
        .args(["gate", "--offline", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&gate.stdout).unwrap();
    let gates: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["rule_id"].as_str().unwrap().starts_with("deps."))
        .map(|finding| finding["gate"].as_str().unwrap())
        .collect();
    assert_eq!(gates, ["provenance-lint"; 6]);
}

/// A package registry on a local port: `exists` answer 200, anything else 404; each
/// request's path is sent on the channel.
fn serve_registry(exists: &'static [&'static str]) -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 4096];
            let read = stream.read(&mut buffer).unwrap_or(0);
            let request = String::from_utf8_lossy(&buffer[..read]).into_owned();
            let path = request
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            let known = exists
                .iter()
                .any(|name| path == format!("/{name}") || path == format!("/pypi/{name}/json"));
            let status = if known { "200 OK" } else { "404 Not Found" };
            let _ = stream.write_all(
                format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
            let _ = sender.send(path);
        }
    });
    (url, receiver)
}

#[test]
fn packages_the_registry_does_not_know_are_flagged_and_cached() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tree(&[
        (
            "requirements.txt",
            "requests==2.32.3\nflask-jwt-simple-auth==0.3.1\nreqeusts==2.0\nbank-internal-utils==1.0\n",
        ),
        ("private.txt", "# ours\nPyPI bank-internal-*\n"),
        ("agate.yaml", "deps:\n  known_packages: [private.txt]\n"),
        (
            "package.json",
            "{\n  \"dependencies\": {\n    \"express\": \"^4.19.0\",\n    \"expresss-validator-pro\": \"^1.0.0\",\n    \"local-lib\": \"file:../local-lib\"\n  }\n}\n",
        ),
        ("index.js", "const leftpad = require('left-padder-js');\n"),
        (
            "pom.xml",
            "<project>\n  <dependencies>\n    <dependency>\n      <groupId>org.slf4j</groupId>\n      <artifactId>slf4j-api</artifactId>\n      <version>2.0.13</version>\n    </dependency>\n    <dependency>\n      <groupId>com.fasterxml.jackson</groupId>\n      <artifactId>jackson-databind-extras</artifactId>\n      <version>2.17.0</version>\n    </dependency>\n  </dependencies>\n</project>\n",
        ),
    ]);
    let (url, requests) = serve_registry(&[
        "requests",
        "reqeusts",
        "express",
        "org/slf4j/slf4j-api/maven-metadata.xml",
    ]);
    let scan = |offline: bool, url: &str| {
        let mut command = agate(dir.path());
        command
            .args(["scan", "--only", "deps", "--format", "sarif"])
            .env("AGATE_CACHE_DIR", cache.path())
            .env("AGATE_PYPI_URL", url)
            .env("AGATE_NPM_URL", url)
            .env("AGATE_MAVEN_URL", url);
        if offline {
            command.arg("--offline");
        }
        let output = command.output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        sarif_results(&sarif)
    };
    let rule = |id: &str, path: &str, line: u64| (id.to_owned(), path.to_owned(), line);
    let expected = [
        rule("deps.nonexistent-package", "index.js", 1),
        rule("deps.nonexistent-package", "package.json", 4),
        rule("deps.nonexistent-package", "pom.xml", 8),
        rule("deps.nonexistent-package", "requirements.txt", 2),
        rule("deps.typosquat-suspect", "requirements.txt", 3),
    ];
    assert_eq!(scan(false, &url), expected);
    let mut asked: Vec<String> = requests.try_iter().collect();
    asked.sort();
    // The private package, the file: dependency and anything twice are never asked.
    assert_eq!(
        asked,
        [
            "/com/fasterxml/jackson/jackson-databind-extras/maven-metadata.xml",
            "/express",
            "/expresss-validator-pro",
            "/left-padder-js",
            "/org/slf4j/slf4j-api/maven-metadata.xml",
            "/pypi/flask-jwt-simple-auth/json",
            "/pypi/reqeusts/json",
            "/pypi/requests/json",
        ]
    );

    // Offline, with the registry gone, the cached answers give the same findings.
    assert_eq!(scan(true, NO_REGISTRY_HERE), expected);
    // Online again, fresh cached answers are not asked twice.
    assert_eq!(scan(false, &url), expected);
    assert_eq!(requests.try_iter().count(), 0);
}

/// A port nothing listens on.
const NO_REGISTRY_HERE: &str = "http://127.0.0.1:9";

#[test]
fn an_unreachable_registry_is_a_warning_not_a_verdict() {
    let dir = tree(&[("requirements.txt", "made-up-package-xyz==1.0\n")]);
    let output = agate(dir.path())
        .args(["scan", "--only", "deps", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    assert!(
        report["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|notice| notice["message"]
                .as_str()
                .unwrap()
                .contains("cannot reach the PyPI registry")),
        "{}",
        report["notices"]
    );
}

#[test]
fn issue_9_python_packaging_layouts_of_real_projects_are_not_noise() {
    // What requests and flask look like: requirements in setup.cfg, a pyproject.toml with
    // tool settings only, setup.py importing setuptools, typing-only and optional imports,
    // PyPy's sys members. Only the one import nothing declares is reported.
    let dir = tree(&[
        ("pyproject.toml", "[tool.black]\nline-length = 100\n"),
        (
            "setup.cfg",
            "[metadata]\nname = demo\n\n[options]\ninstall_requires =\n    certifi>=2017.4.17\n    urllib3>=1.21.1,<3\n\n[flake8]\nignore = E203\n",
        ),
        ("setup.py", "from setuptools import setup\n\nsetup()\n"),
        (
            "src/demo/__init__.py",
            "import sys\nimport typing\n\nimport certifi\nimport urllib3\nimport toml\n\nif typing.TYPE_CHECKING:\n    from _typeshed import SupportsRead\n\ntry:\n    import simplejson as json\n    has_simplejson = True\nexcept ImportError:\n    import json\n    has_simplejson = False\n\nif has_simplejson:\n    from simplejson import JSONDecodeError\n\nis_pypy = hasattr(sys, \"pypy_version_info\") and sys.pypy_version_info >= (7, 3)\n",
        ),
    ]);
    assert_eq!(
        sarif_results(&deps_sarif(dir.path())),
        [(
            "deps.undeclared-import".to_owned(),
            "src/demo/__init__.py".to_owned(),
            6
        )]
    );

    // A setup.cfg with tool settings alone declares no ecosystem: a lone script beside it
    // is not judged.
    let settings_only = tree(&[
        ("setup.cfg", "[flake8]\nignore = E203\n"),
        ("tool.py", "import toml\n"),
    ]);
    assert_eq!(sarif_results(&deps_sarif(settings_only.path())), []);
}
