//! Feeds arbitrary bytes to the secrets scanner with every bundled rule.
#![no_main]

use std::sync::LazyLock;

use agate_secrets::{Allowlist, SecretScanner, bundled_rules};
use libfuzzer_sys::fuzz_target;

static SCANNER: LazyLock<SecretScanner> = LazyLock::new(|| {
    SecretScanner::new(bundled_rules().expect("bundled rules"), Allowlist::default())
        .expect("scanner")
});

fuzz_target!(|data: &[u8]| {
    let _ = SCANNER.findings("fuzz.txt", data);
});
