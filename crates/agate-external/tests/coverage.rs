//! Coverage reports as coverage.py (Cobertura XML, LCOV) and JaCoCo write them, their
//! paths made relative to the project, and diff coverage over chosen lines.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::path::Path;

use agate_external::coverage::{
    CoverageFormat, LineKind, detect, diff_coverage, line_ranges, read_coverage,
};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(FIXTURES).join(name)).unwrap()
}

fn project() -> std::path::PathBuf {
    Path::new(FIXTURES).join("project")
}

#[test]
fn coverage_py_cobertura_and_lcov_agree() {
    let cobertura = fixture("coverage-py.xml").replace("/repo", &project().to_string_lossy());
    assert_eq!(detect(&cobertura), Some(CoverageFormat::Cobertura));
    let lcov = fixture("coverage-py.lcov");
    assert_eq!(detect(&lcov), Some(CoverageFormat::Lcov));
    let root = project();
    let from_xml = read_coverage(&cobertura).unwrap().relative_to(&root, &root);
    let from_lcov = read_coverage(&lcov).unwrap().relative_to(&root, &root);
    assert_eq!(from_xml, from_lcov);
    let lines = &from_xml.files["tests/test_calc.py"];
    assert_eq!(lines.len(), 15);
    assert_eq!(lines[&22], 0);
    assert_eq!(lines[&21], 1);
}

#[test]
fn jacoco_package_paths_are_found_under_the_source_folder() {
    let jacoco = fixture("jacoco.xml");
    assert_eq!(detect(&jacoco), Some(CoverageFormat::Jacoco));
    let root = project();
    let coverage = read_coverage(&jacoco).unwrap().relative_to(&root, &root);
    let lines = &coverage.files["src/main/java/com/example/shop/Cart.java"];
    assert_eq!(
        lines
            .iter()
            .map(|(&line, &hits)| (line, hits))
            .collect::<Vec<_>>(),
        [(3, 3), (6, 2), (7, 4), (8, 0)]
    );
}

#[test]
fn diff_coverage_counts_only_new_and_ai_lines() {
    let root = project();
    let coverage = read_coverage(&fixture("coverage-py.lcov"))
        .unwrap()
        .relative_to(&root, &root);
    // Lines 20-27 are new; 25-27 are AI-authored.
    let diff = diff_coverage(&coverage, |_, line| match line {
        25..=27 => LineKind::Ai,
        20..=24 => LineKind::New,
        _ => LineKind::Old,
    });
    assert_eq!((diff.new_lines.covered, diff.new_lines.total), (3, 5));
    assert_eq!((diff.ai_lines.covered, diff.ai_lines.total), (2, 3));
    assert_eq!(diff.uncovered["tests/test_calc.py"], [22, 27]);
    assert_eq!(line_ranges(&[3, 4, 5, 9, 11, 12]), "3-5, 9, 11-12");
}

#[test]
fn not_a_coverage_report() {
    let error = read_coverage("{\"totals\": {}}").unwrap_err();
    assert!(
        error.to_string().contains("neither Cobertura XML"),
        "{error}"
    );
    assert!(
        read_coverage("<coverage><packages><class filename=\"a.py\"><lines><line number=\"1\"")
            .is_err()
    );
}
