//! OSV range semantics per ecosystem, on records written from the OSV schema (and
//! validated against it).
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use agate_deps::{Advisory, Ecosystem};

fn record(json: &str) -> Advisory {
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    let schema: serde_json::Value = serde_json::from_str(include_str!("osv-schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "not a valid OSV record: {errors:?}");
    serde_json::from_value(value).unwrap()
}

#[test]
fn pypi_ranges_with_fixed_and_last_affected() {
    let advisory = record(
        r#"{"schema_version": "1.6.0", "id": "PYSEC-2026-1", "modified": "2026-03-01T00:00:00Z",
            "aliases": ["CVE-2026-0001"],
            "affected": [{"package": {"ecosystem": "PyPI", "name": "Requests"},
              "ranges": [
                {"type": "ECOSYSTEM", "events": [{"introduced": "2.0.0"}, {"fixed": "2.31.0"}]},
                {"type": "ECOSYSTEM", "events": [{"introduced": "3.0.0a1"}, {"last_affected": "3.0.2"}]}
              ]}]}"#,
    );
    let affects = |version: &str| advisory.affects(Ecosystem::PyPI, "requests", version);
    assert!(!affects("1.9.9"));
    assert!(affects("2.0.0"));
    assert!(affects("2.30.99"));
    assert!(
        affects("2.31.0rc1"),
        "a pre-release of the fix is before it"
    );
    assert!(!affects("2.31.0"));
    assert!(affects("3.0.0b2"));
    assert!(affects("3.0.2"), "last_affected is inclusive");
    assert!(!affects("3.0.3"));
    assert_eq!(
        advisory.fixed_versions(Ecosystem::PyPI, "REQUESTS"),
        ["2.31.0"]
    );
}

#[test]
fn npm_semver_ranges_and_listed_versions() {
    let advisory = record(
        r#"{"id": "GHSA-aaaa-bbbb-cccc", "modified": "2026-03-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
              "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}],
              "versions": ["5.0.0-beta.1"]}]}"#,
    );
    let affects = |version: &str| advisory.affects(Ecosystem::Npm, "lodash", version);
    assert!(affects("4.17.20"));
    assert!(affects("0.1.0"));
    assert!(!affects("4.17.21"));
    assert!(affects("5.0.0-beta.1"), "listed explicitly");
    assert!(!affects("5.0.0"));
    assert!(
        !advisory.affects(Ecosystem::Npm, "lodash-es", "4.17.20"),
        "another package"
    );
    assert!(
        !advisory.affects(Ecosystem::PyPI, "lodash", "4.17.20"),
        "another ecosystem"
    );
}

#[test]
fn maven_ranges_follow_maven_order() {
    let advisory = record(
        r#"{"id": "GHSA-jfh8-c2jp-5v3q", "modified": "2026-03-01T00:00:00Z",
            "aliases": ["CVE-2021-44228"],
            "affected": [{"package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core"},
              "ranges": [{"type": "ECOSYSTEM", "events": [
                {"introduced": "2.0-beta9"}, {"fixed": "2.3.1"},
                {"introduced": "2.4"}, {"fixed": "2.12.2"},
                {"introduced": "2.13.0"}, {"fixed": "2.15.0"}]}]}]}"#,
    );
    let affects = |version: &str| {
        advisory.affects(
            Ecosystem::Maven,
            "org.apache.logging.log4j:log4j-core",
            version,
        )
    };
    assert!(!affects("2.0-beta8"));
    assert!(affects("2.0-beta9"));
    assert!(affects("2.0"));
    assert!(!affects("2.3.1"));
    assert!(affects("2.11.1"));
    assert!(!affects("2.12.2"));
    assert!(affects("2.14.1"));
    assert!(!affects("2.15.0"));
    assert_eq!(
        advisory.fixed_versions(Ecosystem::Maven, "org.apache.logging.log4j:log4j-core"),
        ["2.3.1", "2.12.2", "2.15.0"]
    );
}

#[test]
fn withdrawn_records_git_ranges_and_bad_versions_affect_nothing() {
    let withdrawn = record(
        r#"{"id": "GHSA-wwww", "modified": "2026-03-01T00:00:00Z", "withdrawn": "2026-03-02T00:00:00Z",
            "affected": [{"package": {"ecosystem": "npm", "name": "x"},
              "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}"#,
    );
    assert!(!withdrawn.affects(Ecosystem::Npm, "x", "1.0.0"));
    let git = record(
        r#"{"id": "OSV-1", "modified": "2026-03-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "npm", "name": "x"},
              "ranges": [{"type": "GIT", "repo": "https://example.invalid/x.git",
                          "events": [{"introduced": "0"}]}]}]}"#,
    );
    assert!(!git.affects(Ecosystem::Npm, "x", "1.0.0"));
    let open = record(
        r#"{"id": "OSV-2", "modified": "2026-03-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "npm", "name": "x"},
              "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}]}]}]}"#,
    );
    assert!(open.affects(Ecosystem::Npm, "x", "9.9.9"), "no fix yet");
    assert!(!open.affects(Ecosystem::Npm, "x", "not-a-version"));
}

proptest::proptest! {
    /// A single introduced/fixed range is exactly the half-open interval, for any versions.
    #[test]
    fn a_range_is_a_half_open_interval(
        a in (0u64..20, 0u64..20, 0u64..20),
        b in (0u64..20, 0u64..20, 0u64..20),
        v in (0u64..20, 0u64..20, 0u64..20),
    ) {
        let text = |(x, y, z): (u64, u64, u64)| format!("{x}.{y}.{z}");
        let (low, high) = if a <= b { (a, b) } else { (b, a) };
        let json = format!(
            r#"{{"id": "P", "modified": "2026-01-01T00:00:00Z", "affected": [{{"package": {{"ecosystem": "npm", "name": "p"}},
               "ranges": [{{"type": "SEMVER", "events": [{{"introduced": "{}"}}, {{"fixed": "{}"}}]}}]}}]}}"#,
            text(low), text(high)
        );
        let advisory: Advisory = serde_json::from_str(&json).unwrap();
        proptest::prop_assert_eq!(advisory.affects(Ecosystem::Npm, "p", &text(v)), low <= v && v < high);
    }
}
