//! Feeds arbitrary text to the gitleaks configuration import, then scans it with the result.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(imported) = agate_secrets::gitleaks::load(&text, "fuzz.toml")
        && let Ok(scanner) = agate_secrets::SecretScanner::new(imported.rules, imported.allowlist)
    {
        let _ = scanner.findings("fuzz.txt", data);
    }
});
