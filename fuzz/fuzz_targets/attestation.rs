//! Feeds arbitrary bytes to what `agate attest verify` and the server read: a DSSE envelope
//! and the gate statement in it. Nothing may panic, and nothing but an envelope signed with
//! the key may verify.
#![no_main]

use std::sync::OnceLock;

use agate_attest::{Envelope, PrivateKey, Statement};
use libfuzzer_sys::fuzz_target;

fn key() -> &'static PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| PrivateKey::generate().expect("a key"))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(envelope) = serde_json::from_slice::<Envelope>(data) {
        // The fuzzer cannot sign with a key made at run time.
        assert!(envelope.verify(&key().public()).is_err());
        assert!(agate_attest::open(&envelope, &key().public()).is_err());
    }
    let _ = serde_json::from_slice::<Statement<agate_attest::GatePredicate>>(data);
    // What is signed opens again, whatever the payload.
    let signed = Envelope::sign(agate_attest::IN_TOTO_PAYLOAD_TYPE, data, key());
    assert_eq!(signed.verify(&key().public()).expect("own signature"), data);
});
