//! Feeds arbitrary text to every external report reader (SARIF, Bandit, Semgrep, Trivy,
//! Checkov, Snyk, ZAP, gitleaks, SonarQube, JUnit) and to the coverage readers.
#![no_main]

use agate_external::coverage::{LineKind, diff_coverage, read_coverage};
use agate_model::ToolFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for format in ToolFormat::ALL {
        let _ = agate_external::read(format, &text, 100);
    }
    if let Ok(coverage) = read_coverage(&text) {
        let diff = diff_coverage(&coverage, |_, line| {
            if line % 2 == 0 { LineKind::New } else { LineKind::Ai }
        });
        assert!(diff.new_lines.covered <= diff.new_lines.total);
        assert!(diff.ai_lines.total <= diff.new_lines.total);
    }
});
