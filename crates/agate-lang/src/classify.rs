use crate::Language;

/// What a file's bytes turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// Source code worth parsing.
    Text,
    /// Binary data (a NUL byte near the start).
    Binary,
    /// Minified or bundled JavaScript: one enormous line, nobody's source.
    Minified,
}

/// How many leading bytes are inspected; enough to see a few normal lines.
const SNIFF_LEN: usize = 64 * 1024;

/// Decides whether a file should be parsed, from its name and leading bytes.
///
/// Binary: a NUL byte in the first 64 KiB (git's own heuristic). Minified: a `.min.js`-style
/// name, or a JavaScript-family file whose first 64 KiB has lines averaging over 300 bytes
/// with one over 2,000. Long lines in Python or Java are left alone: they are rare and real.
pub fn classify_source(name: &str, language: Language, bytes: &[u8]) -> SourceKind {
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    if head.contains(&0) {
        return SourceKind::Binary;
    }
    let is_javascript = matches!(
        language,
        Language::JavaScript | Language::TypeScript | Language::Tsx
    );
    if !is_javascript {
        return SourceKind::Text;
    }
    if name.contains(".min.") || name.contains("-min.") || name.ends_with(".bundle.js") {
        return SourceKind::Minified;
    }
    let lines = head.split(|&byte| byte == b'\n');
    let (mut count, mut longest) = (0usize, 0usize);
    for line in lines {
        count += 1;
        longest = longest.max(line.len());
    }
    if longest > 2_000 && head.len() / count.max(1) > 300 {
        SourceKind::Minified
    } else {
        SourceKind::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_bytes_mean_binary() {
        assert_eq!(
            classify_source("a.py", Language::Python, b"x = 1\0\0"),
            SourceKind::Binary
        );
    }

    #[test]
    fn bundles_are_minified_but_long_python_lines_are_not() {
        let bundle = format!("!function(){{{}}}();\n", "var a=1;".repeat(500));
        assert_eq!(
            classify_source("app.js", Language::JavaScript, bundle.as_bytes()),
            SourceKind::Minified
        );
        assert_eq!(
            classify_source("data.py", Language::Python, bundle.as_bytes()),
            SourceKind::Text
        );
        assert_eq!(
            classify_source("jquery.min.js", Language::JavaScript, b"var a = 1;\n"),
            SourceKind::Minified
        );
        assert_eq!(
            classify_source("app.js", Language::JavaScript, b"const a = 1;\nf(a);\n"),
            SourceKind::Text
        );
    }
}
