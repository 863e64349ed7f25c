//! Feeds arbitrary text to the `.agate/triage.yaml` reader: a bad file must be an error that
//! names the file, never a panic; a good one must write back to YAML that reads as the same
//! decisions (the file is rewritten by every `agate triage mark`).
#![no_main]

use agate_policy::Triage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Triage::parse(".agate/triage.yaml", text) {
        Ok(triage) => {
            let written = triage.to_yaml();
            let again = Triage::parse(".agate/triage.yaml", &written)
                .unwrap_or_else(|error| panic!("rewritten file does not read back: {error}\n{written}"));
            assert_eq!(again.to_yaml(), written, "rewriting is stable");
        }
        Err(error) => assert!(error.to_string().contains(".agate/triage.yaml"), "{error}"),
    }
});
