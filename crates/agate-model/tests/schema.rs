//! The report's JSON Schema is published in `docs/report.schema.json`; this test keeps the
//! file equal to what the types generate. Regenerate with `AGATE_UPDATE_DOCS=1 cargo test`.

use std::path::Path;

#[test]
fn published_report_schema_matches_the_types() {
    let schema = schemars::schema_for!(agate_model::Report);
    let generated = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/report.schema.json");
    #[expect(
        clippy::disallowed_methods,
        reason = "the test's own switch, not agate's"
    )]
    let update = std::env::var_os("AGATE_UPDATE_DOCS").is_some();
    if update {
        std::fs::write(&path, &generated).unwrap();
    }
    let published = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        published == generated,
        "docs/report.schema.json is stale; run `AGATE_UPDATE_DOCS=1 cargo test -p agate-model`"
    );
}
