//! Inline AI-authorship markers: `agate: ai-generated` on a line, and regions between
//! `agate: ai-begin` and `agate: ai-end`.

/// Returns the 1-based inclusive line ranges that `text` marks as AI-authored.
///
/// A region left open runs to the end of the file: a generator that forgot its end marker
/// should not make its code look human.
pub fn ai_lines(text: &str) -> Vec<(u32, u32)> {
    let mut ranges = Vec::new();
    let mut open: Option<u32> = None;
    let mut last = 0;
    for (index, line) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        last = number;
        let Some(at) = line.find("agate:") else {
            continue;
        };
        let marker = line[at + "agate:".len()..].trim_start();
        if marker.starts_with("ai-begin") {
            open.get_or_insert(number);
        } else if marker.starts_with("ai-end") {
            if let Some(start) = open.take() {
                ranges.push((start, number));
            }
        } else if marker.starts_with("ai-generated") {
            ranges.push((number, number));
        }
    }
    if let Some(start) = open {
        ranges.push((start, last.max(start)));
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_lines_and_regions_are_marked() {
        let text = "a\nb  # agate: ai-generated\n# agate: ai-begin\nc\n# agate: ai-end\nd\n";
        assert_eq!(ai_lines(text), [(2, 2), (3, 5)]);
    }

    #[test]
    fn an_open_region_runs_to_the_end() {
        assert_eq!(ai_lines("x\n// agate: ai-begin\ny\nz\n"), [(2, 4)]);
    }
}
