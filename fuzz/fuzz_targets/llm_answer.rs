//! Feeds arbitrary text to what the LLM review reads: a model's answer must be accepted only
//! with every line inside the hunk sent and every confidence in 0..1, never panic; and any
//! source text must outline (imports, scopes, calls) and cut into a hunk with context without
//! panicking, whatever lines are asked for.
#![no_main]

use std::collections::BTreeMap;

use agate_lang::Language;
use agate_llm::{ChangedFile, Outline, parse_answer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let sent = 3..=9;
    if let Ok(answer) = parse_answer(text, &sent) {
        for finding in &answer.findings {
            assert!(sent.contains(&finding.line), "line {} accepted", finding.line);
            assert!((0.0..=1.0).contains(&finding.confidence));
        }
    }
    let first = u32::from(data.first().copied().unwrap_or(1)).max(1);
    let last = first + u32::from(data.get(1).copied().unwrap_or(0) % 16);
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for language in [Language::Python, Language::JavaScript, Language::Java] {
        let outline = Outline::parse(language, text);
        let file = ChangedFile {
            path: "fuzz",
            lines: &lines,
            outline: &outline,
        };
        let hunk = file.hunk(first, last, &BTreeMap::new());
        assert!(hunk.lines.len() <= (last - first + 1) as usize);
    }
});
