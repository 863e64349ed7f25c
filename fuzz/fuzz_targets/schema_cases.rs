//! Feeds arbitrary JSON as a JSON Schema: compiling it, generating cases and shrinking them
//! must end with values or an error, never a panic or a hang, and every case must sit on
//! the side of the schema it says it is on.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(schema) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let Ok(schema) = agate_schema::Schema::new(&schema) else {
        return;
    };
    for case in schema.cases(7, 16) {
        assert_eq!(schema.is_valid(&case.value), case.inside);
        for smaller in schema.shrink(&case.value).into_iter().take(8) {
            assert_eq!(schema.is_valid(&smaller), case.inside);
        }
    }
});
