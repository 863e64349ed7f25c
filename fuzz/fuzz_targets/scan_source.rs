//! Feeds arbitrary bytes to the scanner as a source file of each language.
#![no_main]

use std::sync::LazyLock;

use agate_rules::{RuleSet, ScanOptions, Scanner};
use libfuzzer_sys::fuzz_target;

static SCANNER: LazyLock<Scanner> = LazyLock::new(|| {
    Scanner::new(RuleSet::bundled().expect("bundled rules"), ScanOptions::default())
});

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let name = ["a.py", "a.js", "a.ts", "a.tsx", "A.java"][usize::from(selector) % 5];
    let text = String::from_utf8_lossy(rest);
    let _ = SCANNER.scan_source(name, &text);
});
