//! Feeds arbitrary text to the compliance pack reader, as a framework of its own and as an
//! extension of a bundled one, then judges every control against an empty run: a bad pack
//! must be an error naming a line of the file, never a panic, and no control may pass
//! without evidence.
#![no_main]

use agate_compliance::{Pack, Packs, Run, evaluate};
use agate_model::ControlStatus;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(yaml) = std::str::from_utf8(data) else {
        return;
    };
    let pack = match Pack::parse("fuzz.yaml", yaml) {
        Ok(pack) => pack,
        Err(error) => {
            assert!(error.line >= 1, "{error}");
            return;
        }
    };
    let run = Run {
        environment: "fuzz",
        rules: &[],
        analyzers: &[],
        gates: &[],
        findings: &[],
        files: 0,
    };
    for control in evaluate(&pack, &run) {
        assert_ne!(control.status, ControlStatus::Pass, "{}", control.id);
    }
    if let Ok(mut packs) = Packs::bundled() {
        let _ = packs.add("fuzz.yaml", pack);
    }
});
