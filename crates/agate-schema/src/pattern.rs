//! Strings that a JSON Schema `pattern` matches, from the regular expression's syntax tree.

use regex_syntax::hir::{Class, Hir, HirKind};

/// How many times an unbounded repetition (`*`, `+`, `{2,}`) repeats at most beyond its
/// minimum.
const EXTRA_REPEATS: u32 = 3;

/// A string the regular expression `pattern` matches, or `None` when it cannot be parsed.
/// Anchors and word boundaries are not enforced: the string holds a match (which is what a
/// JSON Schema `pattern` asks), and the caller checks the result against the schema anyway.
pub(crate) fn sample(pattern: &str, rng: &mut fastrand::Rng) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut out = String::new();
    let mut budget = 4_096;
    write(&hir, rng, &mut out, &mut budget);
    Some(out)
}

fn write(hir: &Hir, rng: &mut fastrand::Rng, out: &mut String, budget: &mut usize) {
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(&String::from_utf8_lossy(&literal.0)),
        HirKind::Class(Class::Unicode(class)) => {
            let ranges = class.ranges();
            // Printable ASCII where the class has it: readable inputs in findings.
            let ascii: Vec<_> = ranges
                .iter()
                .filter(|range| range.start() <= '~' && range.end() >= ' ')
                .collect();
            let pool = if ascii.is_empty() {
                ranges.iter().collect()
            } else {
                ascii
            };
            if let Some(range) = pool.get(rng.usize(..pool.len().max(1))) {
                let (start, end) = if range.start() <= '~' && range.end() >= ' ' {
                    (range.start().max(' '), range.end().min('~'))
                } else {
                    (range.start(), range.end())
                };
                let picked = rng.u32(u32::from(start)..=u32::from(end));
                out.push(char::from_u32(picked).unwrap_or(start));
            }
        }
        HirKind::Class(Class::Bytes(class)) => {
            let ascii: Vec<_> = class
                .ranges()
                .iter()
                .filter(|range| range.start() <= 0x7e)
                .collect();
            if let Some(range) = ascii.get(rng.usize(..ascii.len().max(1))) {
                let byte = rng.u8(range.start()..=range.end().min(0x7e));
                out.push(char::from(byte));
            }
        }
        HirKind::Repetition(repetition) => {
            let max = repetition
                .max
                .unwrap_or(repetition.min.saturating_add(EXTRA_REPEATS))
                .min(repetition.min.saturating_add(EXTRA_REPEATS));
            let times = rng.u32(repetition.min..=max.max(repetition.min));
            for _ in 0..times {
                write(&repetition.sub, rng, out, budget);
            }
        }
        HirKind::Capture(capture) => write(&capture.sub, rng, out, budget),
        HirKind::Concat(parts) => {
            for part in parts {
                write(part, rng, out, budget);
            }
        }
        HirKind::Alternation(branches) => {
            if let Some(branch) = branches.get(rng.usize(..branches.len().max(1))) {
                write(branch, rng, out, budget);
            }
        }
    }
}
