//! Feeds arbitrary text to the performance gate's parsers: thresholds, templates, rates and
//! durations, and the k6 summary, JMeter JTL and Locust stats readers (then the thresholds
//! against what they read). A bad input must be an error, never a panic.
#![no_main]

use agate_load::Template;
use agate_load::threshold::Threshold;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let threshold = Threshold::parse(text);
    let _ = Template::parse(text);
    let _ = agate_model::parse_rate(text);
    let _ = agate_model::parse_duration(text);
    let reports = [
        agate_load::ingest::k6_summary(text).map(|(report, _)| report),
        agate_load::ingest::jmeter_jtl(text),
        agate_load::ingest::locust_stats(text),
    ];
    for report in reports.into_iter().flatten() {
        for probe in ["p95 < 50ms", "errors < 1%", "rps > 1", "p99.9{x} <= 2s"] {
            if let Ok(probe) = Threshold::parse(probe) {
                let _ = probe.check(&report);
            }
        }
        if let Ok(threshold) = &threshold {
            let _ = threshold.check(&report);
        }
    }
});
