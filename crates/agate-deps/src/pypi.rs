//! Python: `requirements*.txt` and `requirements/*.txt` (pip's format: `-r`/`-c` includes, environment markers,
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

/// Parses `setup.cfg`: setuptools' `[options]` `install_requires` (also `setup_requires`,
/// `tests_require`), every key of `[options.extras_require]`, and `[metadata]`
/// `requires-dist` (as sdists carry it). A list is the value on the key's line and the
/// indented lines after it, one requirement each; `file:` names requirements files.
pub fn parse_setup_cfg(path: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut section = String::new();
    let mut in_list = false;
    for (index, raw) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = raw.trim();
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if raw.starts_with([' ', '\t']) && in_list {
            requirement_line(path, line, number, &mut parsed);
            continue;
        }
        in_list = false;
        if let Some(name) = line
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            section = name.trim().to_ascii_lowercase();
            continue;
        }
        let Some((key, value)) = line.split_once(['=', ':']) else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase().replace('-', "_");
        in_list = match section.as_str() {
            "options" => matches!(
                key.as_str(),
                "install_requires" | "setup_requires" | "tests_require"
            ),
            "options.extras_require" => true,
            "metadata" => key == "requires_dist",
            _ => false,
        };
        let value = value.trim();
        if !in_list || value.is_empty() {
            continue;
        }
        match value.strip_prefix("file:") {
            Some(files) => {
                for file in files
                    .split(',')
                    .map(str::trim)
                    .filter(|file| !file.is_empty())
                {
                    parsed.includes.push((file.to_owned(), number));
                }
            }
            None => requirement_line(path, value, number, &mut parsed),
        }
    }
    parsed
}

/// Parses `pyproject.toml`: PEP 621 `[project] dependencies` and
/// `[project.optional-dependencies]`, and Poetry's `[tool.poetry.dependencies]` (and
/// groups). Lines come from the text, so they point at each declaration.
pub fn parse_pyproject(path: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let document: toml::Table = match toml::from_str(text) {
        Ok(document) => document,
        Err(error) => {
            parsed.problems.push(ManifestProblem {
                path: path.to_owned(),
                line: error
                    .span()
                    .map(|span| crate::manifest::line_of(text, span.start)),
                message: format!("not valid TOML: {}", error.message()),
            });
            return parsed;
        }
    };
    let project = document.get("project");
    let mut requirements: Vec<&str> = project
        .and_then(|project| project.get("dependencies")?.as_array())
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
        .collect();
    if let Some(optional) =
        project.and_then(|project| project.get("optional-dependencies")?.as_table())
    {
        requirements.extend(
            optional
                .values()
                .filter_map(toml::Value::as_array)
                .flatten()
                .filter_map(toml::Value::as_str),
        );
    }
    for requirement in requirements {
        let line = text
            .find(&format!("\"{requirement}\""))
            .or_else(|| text.find(&format!("'{requirement}'")))
            .map_or(1, |offset| crate::manifest::line_of(text, offset));
        requirement_line(path, requirement, line, &mut parsed);
    }
    let poetry = document
        .get("tool")
        .and_then(|tool| tool.get("poetry"))
        .and_then(toml::Value::as_table);
    if let Some(poetry) = poetry {
        let mut tables: Vec<&toml::Table> = poetry
            .get("dependencies")
            .and_then(toml::Value::as_table)
            .into_iter()
            .collect();
        if let Some(groups) = poetry.get("group").and_then(toml::Value::as_table) {
            tables.extend(
                groups
                    .values()
                    .filter_map(|group| group.get("dependencies")?.as_table()),
            );
        }
        for table in tables {
            for (name, value) in table {
                if name == "python" {
                    continue;
                }
                let specifier = match value {
                    toml::Value::String(version) => Some(version.clone()),
                    toml::Value::Table(details) => details
                        .get("version")
                        .and_then(toml::Value::as_str)
                        .map(str::to_owned),
                    _ => None,
                };
                let line = line_of_key(text, name);
                let pinned = specifier
                    .as_deref()
                    .filter(|spec| {
                        spec.trim_start_matches("==")
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '.')
                    })
                    .map(|spec| spec.trim_start_matches("==").to_owned());
                parsed.dependencies.push(Dependency {
                    ecosystem: Ecosystem::PyPI,
                    name: name.clone(),
                    requirement: if pinned.is_some() { None } else { specifier },
                    version: pinned,
                    direct: true,
                    path: path.to_owned(),
                    line,
                });
            }
        }
    }
    parsed
        .dependencies
        .sort_by_key(|dependency| dependency.line);
    parsed
}

/// Parses the locked packages of `poetry.lock` and `uv.lock` (`[[package]]` tables with
/// `name` and `version`); whether one is direct is the manifest's to say.
pub fn parse_python_lock(path: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let document: toml::Table = match toml::from_str(text) {
        Ok(document) => document,
        Err(error) => {
            parsed.problems.push(ManifestProblem {
                path: path.to_owned(),
                line: error
                    .span()
                    .map(|span| crate::manifest::line_of(text, span.start)),
                message: format!("not valid TOML: {}", error.message()),
            });
            return parsed;
        }
    };
    let mut search_from = 0;
    for package in document
        .get("package")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(name), Some(version)) = (
            package.get("name").and_then(toml::Value::as_str),
            package.get("version").and_then(toml::Value::as_str),
        ) else {
            continue;
        };
        // `[[package]]` entries appear in order: find each one's `name = "…"` after the last.
        let needle = format!("name = \"{name}\"");
        let offset = text[search_from..].find(&needle).map(|at| search_from + at);
        if let Some(offset) = offset {
            search_from = offset + needle.len();
        }
        parsed.dependencies.push(Dependency {
            ecosystem: Ecosystem::PyPI,
            name: name.to_owned(),
            version: Some(version.to_owned()),
            requirement: None,
            direct: false,
            path: path.to_owned(),
            line: offset.map_or(1, |offset| crate::manifest::line_of(text, offset)),
        });
    }
    parsed
}

/// Parses `Pipfile.lock` (JSON): the `default` and `develop` packages and their `==`
/// versions.
pub fn parse_pipfile_lock(path: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let lock: serde_json::Value = match serde_json::from_str(text) {
        Ok(lock) => lock,
        Err(error) => {
            parsed.problems.push(ManifestProblem {
                path: path.to_owned(),
                line: u32::try_from(error.line()).ok(),
                message: format!("not valid JSON: {error}"),
            });
            return parsed;
        }
    };
    for section in ["default", "develop"] {
        let Some(packages) = lock.get(section).and_then(serde_json::Value::as_object) else {
            continue;
        };
        let section_start = text.find(&format!("\"{section}\"")).unwrap_or(0);
        for (name, entry) in packages {
            let version = entry
                .get("version")
                .and_then(serde_json::Value::as_str)
                .map(|version| version.trim_start_matches("==").to_owned());
            let line = text[section_start..]
                .find(&format!("\"{name}\""))
                .map_or(1, |at| crate::manifest::line_of(text, section_start + at));
            parsed.dependencies.push(Dependency {
                ecosystem: Ecosystem::PyPI,
                name: name.clone(),
                version,
                requirement: None,
                direct: false,
                path: path.to_owned(),
                line,
            });
        }
    }
    parsed
        .dependencies
        .sort_by_key(|dependency| dependency.line);
    parsed
}

/// The line of a TOML key `name = …` at the start of a line (first occurrence).
fn line_of_key(text: &str, name: &str) -> u32 {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let key = trimmed
            .strip_prefix(name)
            .or_else(|| trimmed.strip_prefix(&format!("\"{name}\"")));
        if key.is_some_and(|rest| rest.trim_start().starts_with('=')) {
            return crate::manifest::line_of(text, offset);
        }
        offset += line.len();
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_9_setup_cfg_declares_install_requires_extras_and_requires_dist() {
        let text = "\
[metadata]
name = demo
requires-dist =
\tcertifi>=2017.4.17
\turllib3>=1.21.1,<3

[options]
packages = find:
install_requires =
    idna>=2.5
    # a comment
    charset_normalizer>=2,<4; python_version >= \"3.8\"
tests_require = pytest

[options.extras_require]
socks = PySocks>=1.5.6
dev = file: requirements-dev.txt

[flake8]
ignore = E203
";
        let parsed = parse_setup_cfg("setup.cfg", text);
        let names: Vec<(&str, u32)> = parsed
            .dependencies
            .iter()
            .map(|dependency| (dependency.name.as_str(), dependency.line))
            .collect();
        assert_eq!(
            names,
            [
                ("certifi", 4),
                ("urllib3", 5),
                ("idna", 10),
                ("charset_normalizer", 12),
                ("pytest", 13),
                ("PySocks", 16)
            ]
        );
        assert_eq!(parsed.includes, [("requirements-dev.txt".to_owned(), 17)]);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    }

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

    #[test]
    fn pep621_optional_and_poetry_dependencies_with_lines() {
        let text = r#"[project]
name = "shop"
dependencies = [
    "fastapi>=0.110",
    "jinja2==3.1.2",
]

[project.optional-dependencies]
dev = ["pytest"]

[tool.poetry.dependencies]
python = "^3.11"
httpx = "0.27.0"
pydantic = { version = "^2.6", extras = ["email"] }

[tool.poetry.group.test.dependencies]
hypothesis = "*"
"#;
        let parsed = parse_pyproject("pyproject.toml", text);
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
                ("fastapi", None, Some(">=0.110"), 4),
                ("jinja2", Some("3.1.2"), None, 5),
                ("pytest", None, None, 9),
                ("httpx", Some("0.27.0"), None, 13),
                ("pydantic", None, Some("^2.6"), 14),
                ("hypothesis", None, Some("*"), 17),
            ]
        );
        let broken = parse_pyproject("pyproject.toml", "[project\nname = 1\n");
        assert_eq!(broken.problems[0].line, Some(1));
    }

    #[test]
    fn pipfile_lock_sections() {
        let text = "{\n  \"_meta\": {},\n  \"default\": {\n    \"django\": {\"version\": \"==4.2.7\"}\n  },\n  \"develop\": {\n    \"pytest\": {\"version\": \"==8.0.0\"}\n  }\n}\n";
        let parsed = parse_pipfile_lock("Pipfile.lock", text);
        let summary: Vec<(&str, &str, u32)> = parsed
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref().unwrap(), d.line))
            .collect();
        assert_eq!(summary, [("django", "4.2.7", 4), ("pytest", "8.0.0", 7)]);
    }

    #[test]
    fn poetry_and_uv_locks_list_every_package() {
        let text = "version = 1\n\n[[package]]\nname = \"certifi\"\nversion = \"2024.2.2\"\n\n[[package]]\nname = \"requests\"\nversion = \"2.31.0\"\ndependencies = [{ name = \"certifi\" }]\n";
        let parsed = parse_python_lock("uv.lock", text);
        let summary: Vec<(&str, &str, u32)> = parsed
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref().unwrap(), d.line))
            .collect();
        assert_eq!(
            summary,
            [("certifi", "2024.2.2", 4), ("requests", "2.31.0", 8)]
        );
    }
}
