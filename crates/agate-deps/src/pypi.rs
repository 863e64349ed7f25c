//! Python: `requirements*.txt` (pip's format: `-r`/`-c` includes, environment markers,
//! extras, `--hash` options, line continuations, direct URLs).

use crate::manifest::{Dependency, ManifestProblem, Parsed};
use crate::version::Ecosystem;

/// Parses a requirements file's `text`; `path` names it in dependencies and problems.
/// Includes (`-r`, `-c`) are returned for the caller to read.
pub fn parse_requirements(path: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut logical = String::new();
    let mut first_line = 0u32;
    for (index, raw) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if logical.is_empty() {
            first_line = number;
        }
        if let Some(continued) = raw.strip_suffix('\\') {
            logical.push_str(continued);
            logical.push(' ');
            continue;
        }
        logical.push_str(raw);
        let line = std::mem::take(&mut logical);
        requirement_line(path, &line, first_line, &mut parsed);
    }
    if !logical.is_empty() {
        requirement_line(path, &logical, first_line, &mut parsed);
    }
    parsed
}

/// One logical line.
fn requirement_line(path: &str, line: &str, number: u32, parsed: &mut Parsed) {
    // A comment starts at `#` at the line start or after whitespace.
    let without_comment = match line.find(" #").or_else(|| line.find("\t#")) {
        Some(at) => &line[..at],
        None if line.trim_start().starts_with('#') => "",
        None => line,
    };
    let line = without_comment.trim();
    if line.is_empty() {
        return;
    }
    if let Some(option) = line.strip_prefix('-') {
        let (flag, value) = option
            .trim_start_matches('-')
            .split_once(['=', ' '])
            .map_or((option.trim_start_matches('-'), ""), |(flag, value)| {
                (flag, value.trim())
            });
        match flag {
            "r" | "requirement" | "c" | "constraint" if !value.is_empty() => {
                parsed.includes.push((value.to_owned(), number));
            }
            // Index options, `-e` editable installs (a path or VCS URL, no name) and the
            // like declare no package of the index.
            _ => {}
        }
        return;
    }
    // `name[extras] (specifier) ; marker --hash=…`
    let requirement = line.split(" --").next().unwrap_or(line);
    let requirement = requirement.split(';').next().unwrap_or(requirement).trim();
    let name_end = requirement
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(requirement.len());
    let name = &requirement[..name_end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        parsed.problems.push(ManifestProblem {
            path: path.to_owned(),
            line: Some(number),
            message: format!("not a requirement: `{line}`"),
        });
        return;
    }
    let mut rest = requirement[name_end..].trim_start();
    if let Some(extras) = rest.strip_prefix('[') {
        rest = extras
            .split_once(']')
            .map_or("", |(_, after)| after)
            .trim_start();
    }
    let specifier = rest.trim();
    let version = specifier
        .strip_prefix("===")
        .or_else(|| specifier.strip_prefix("=="))
        .map(str::trim)
        .filter(|version| !version.contains([',', '*', ' ']))
        .map(str::to_owned);
    parsed.dependencies.push(Dependency {
        ecosystem: Ecosystem::PyPI,
        name: name.to_owned(),
        requirement: (version.is_none() && !specifier.is_empty()).then(|| specifier.to_owned()),
        version,
        direct: true,
        path: path.to_owned(),
        line: number,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_ranges_extras_markers_hashes_and_includes() {
        let text = "\
# production
-r base.txt
--constraint constraints.txt
--index-url https://pypi.example/simple
Django==4.2.7  # LTS
requests[socks,security] >= 2.28, <3 ; python_version >= \"3.8\"
PyYAML==6.0.1 \\
    --hash=sha256:0123456789abcdef
-e git+https://github.com/acme/tool.git#egg=tool
numpy
urllib3 @ https://files.example/urllib3-2.0.0-py3-none-any.whl
!!broken
";
        let parsed = parse_requirements("requirements.txt", text);
        let summary: Vec<(&str, Option<&str>, Option<&str>, u32)> = parsed
            .dependencies
            .iter()
            .map(|d| {
                (
                    d.name.as_str(),
                    d.version.as_deref(),
                    d.requirement.as_deref(),
                    d.line,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("Django", Some("4.2.7"), None, 5),
                ("requests", None, Some(">= 2.28, <3"), 6),
                ("PyYAML", Some("6.0.1"), None, 7),
                ("numpy", None, None, 10),
                (
                    "urllib3",
                    None,
                    Some("@ https://files.example/urllib3-2.0.0-py3-none-any.whl"),
                    11
                ),
            ]
        );
        assert_eq!(
            parsed.includes,
            [
                ("base.txt".to_owned(), 2),
                ("constraints.txt".to_owned(), 3)
            ]
        );
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].line, Some(12));
    }
}
