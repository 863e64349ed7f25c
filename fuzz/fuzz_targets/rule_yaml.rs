//! Feeds arbitrary text to the rule loader: a bad rule must be an error, never a panic.
#![no_main]

use agate_rules::RuleSet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(yaml) = std::str::from_utf8(data) {
        let _ = RuleSet::load_str("py.fuzz.yaml", yaml);
    }
});
