//! JavaScript: `package-lock.json` in all three formats — v1 (`dependencies`, nested),
//! v2 (both) and v3 (`packages`, keyed by install path).

use serde_json::Value;

use crate::manifest::{Dependency, ManifestProblem, Parsed, line_of};
use crate::version::Ecosystem;

/// Parses a `package-lock.json`; `path` names it. Every installed package is listed, with
/// `direct` set for the project's own dependencies.
pub fn parse_package_lock(path: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let lock: Value = match serde_json::from_str(text) {
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
    let finder = KeyFinder::new(text);
    if let Some(packages) = lock.get("packages").and_then(Value::as_object) {
        let root = packages.get("");
        let declared = |name: &str| {
            [
                "dependencies",
                "devDependencies",
                "optionalDependencies",
                "peerDependencies",
            ]
            .iter()
            .any(|section| root.and_then(|root| root.get(section)?.get(name)).is_some())
        };
        for (install_path, entry) in packages {
            let Some(name) = package_name(install_path, entry) else {
                continue;
            };
            let Some(version) = entry.get("version").and_then(Value::as_str) else {
                continue;
            };
            let top_level = install_path == &format!("node_modules/{name}");
            parsed.dependencies.push(Dependency {
                ecosystem: Ecosystem::Npm,
                name: name.to_owned(),
                version: Some(version.to_owned()),
                requirement: None,
                direct: top_level && declared(name),
                path: path.to_owned(),
                line: finder.line(&format!("\"{install_path}\"")),
            });
        }
    } else if let Some(dependencies) = lock.get("dependencies").and_then(Value::as_object) {
        let direct: Vec<String> = dependencies.keys().cloned().collect();
        collect_v1(path, dependencies, &finder, &direct, 0, &mut parsed);
    }
    // serde_json orders keys; the file's order is the reader's.
    parsed
        .dependencies
        .sort_by_key(|dependency| dependency.line);
    parsed
}

/// The package name of a v2/v3 `packages` entry: its `name`, else the part after the last
/// `node_modules/` (scoped names keep their scope). The root and links are skipped.
fn package_name<'a>(install_path: &'a str, entry: &'a Value) -> Option<&'a str> {
    if install_path.is_empty() || entry.get("link").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    entry.get("name").and_then(Value::as_str).or_else(|| {
        install_path
            .rsplit_once("node_modules/")
            .map(|(_, name)| name)
    })
}

/// v1: `dependencies` nest the packages installed below each one.
fn collect_v1(
    path: &str,
    dependencies: &serde_json::Map<String, Value>,
    finder: &KeyFinder<'_>,
    direct: &[String],
    depth: usize,
    parsed: &mut Parsed,
) {
    // Lockfiles are trees of bounded depth; a hostile one gets no deeper than this.
    if depth > 64 {
        return;
    }
    for (name, entry) in dependencies {
        if let Some(version) = entry.get("version").and_then(Value::as_str) {
            parsed.dependencies.push(Dependency {
                ecosystem: Ecosystem::Npm,
                name: name.clone(),
                version: Some(version.to_owned()),
                requirement: None,
                direct: depth == 0 && direct.contains(name),
                path: path.to_owned(),
                line: finder.line(&format!("\"{name}\"")),
            });
        }
        if let Some(nested) = entry.get("dependencies").and_then(Value::as_object) {
            collect_v1(path, nested, finder, direct, depth + 1, parsed);
        }
    }
}

/// The line of each object entry in the lockfile text (its first occurrence), indexed in
/// one pass: a lockfile of thousands of packages is looked up thousands of times.
struct KeyFinder<'a> {
    lines: std::collections::HashMap<&'a str, u32>,
}

impl<'a> KeyFinder<'a> {
    fn new(text: &'a str) -> KeyFinder<'a> {
        let mut lines = std::collections::HashMap::new();
        for (index, line) in text.lines().enumerate() {
            let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
            let trimmed = line.trim_start();
            // `"key": {` — an entry, with its quotes, as callers ask for it (not the
            // `"name": "range"` lines of `requires` and `dependencies` maps).
            if let Some(rest) = trimmed.strip_prefix('"')
                && let Some(end) = rest.find("\":")
                && rest[end + 2..].trim_start().starts_with('{')
            {
                lines.entry(&trimmed[..end + 2]).or_insert(number);
            }
        }
        KeyFinder { lines }
    }

    /// The line of the entry `"key"` (quotes included); 1 when there is none.
    fn line(&self, key: &str) -> u32 {
        self.lines.get(key).copied().unwrap_or(1)
    }
}

/// Parses `package.json`: the ranges of `dependencies`, `devDependencies`,
/// `optionalDependencies` and `peerDependencies`, each with its line.
pub fn parse_package_json(path: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let manifest: Value = match serde_json::from_str(text) {
        Ok(manifest) => manifest,
        Err(error) => {
            parsed.problems.push(ManifestProblem {
                path: path.to_owned(),
                line: u32::try_from(error.line()).ok(),
                message: format!("not valid JSON: {error}"),
            });
            return parsed;
        }
    };
    for section in [
        "dependencies",
        "devDependencies",
        "optionalDependencies",
        "peerDependencies",
    ] {
        let Some(entries) = manifest.get(section).and_then(Value::as_object) else {
            continue;
        };
        let section_start = text.find(&format!("\"{section}\"")).unwrap_or(0);
        for (name, range) in entries {
            let range = range.as_str().unwrap_or_default();
            let key = format!("\"{name}\"");
            let line = text[section_start..]
                .find(&key)
                .map_or(1, |at| line_of(text, section_start + at));
            let exact = semver::Version::parse(range.trim_start_matches('=')).is_ok();
            parsed.dependencies.push(Dependency {
                ecosystem: Ecosystem::Npm,
                name: name.clone(),
                version: exact.then(|| range.trim_start_matches('=').to_owned()),
                requirement: (!exact).then(|| range.to_owned()),
                direct: true,
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

/// Parses `yarn.lock`, classic (v1) and berry: each entry's header names one or more
/// `name@range` descriptors and its `version` line the resolved version.
pub fn parse_yarn_lock(path: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut current: Option<(String, u32)> = None;
    for (index, line) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') {
            // `"@babel/core@^7.0.0", "@babel/core@^7.1.0":` or `lodash@^4.17.21:`
            let first = line
                .trim_end_matches(':')
                .split(", ")
                .next()
                .unwrap_or_default()
                .trim_matches('"');
            current = descriptor_name(first).map(|name| (name.to_owned(), number));
            if current.is_none() && first != "__metadata" {
                parsed.problems.push(ManifestProblem {
                    path: path.to_owned(),
                    line: Some(number),
                    message: format!("not a yarn.lock entry: `{line}`"),
                });
            }
            continue;
        }
        let trimmed = line.trim_start();
        let version = trimmed
            .strip_prefix("version ")
            .or_else(|| trimmed.strip_prefix("version: "));
        if let (Some(version), Some((name, header))) = (version, &current) {
            parsed.dependencies.push(Dependency {
                ecosystem: Ecosystem::Npm,
                name: name.clone(),
                version: Some(version.trim().trim_matches('"').to_owned()),
                requirement: None,
                direct: false,
                path: path.to_owned(),
                line: *header,
            });
            current = None;
        }
    }
    parsed
}

/// The package name of a `name@range` descriptor (scoped names keep their `@scope/`);
/// berry's `name@npm:range` included.
fn descriptor_name(descriptor: &str) -> Option<&str> {
    let at = descriptor
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c == '@')
        .map(|(at, _)| at)?;
    let name = &descriptor[..at];
    (!name.is_empty()).then_some(name)
}

/// Parses `pnpm-lock.yaml` (v6 to v9): the keys of `packages` are `/name@version`
/// (v6) or `name@version` (v9), possibly with a `(peer)` suffix.
pub fn parse_pnpm_lock(path: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut in_packages = false;
    for (index, line) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if !line.starts_with(' ') && !line.is_empty() {
            in_packages = line.trim_end() == "packages:";
            continue;
        }
        if !in_packages {
            continue;
        }
        // Package keys are indented by exactly two spaces.
        let Some(key) = line
            .strip_prefix("  ")
            .filter(|rest| !rest.starts_with(' '))
        else {
            continue;
        };
        let key = key
            .trim_end()
            .trim_end_matches(':')
            .trim_matches(['\'', '"']);
        let key = key.strip_prefix('/').unwrap_or(key);
        let key = key.split('(').next().unwrap_or(key);
        let Some(at) = key
            .char_indices()
            .skip(1)
            .find(|&(_, c)| c == '@')
            .map(|(at, _)| at)
        else {
            continue;
        };
        parsed.dependencies.push(Dependency {
            ecosystem: Ecosystem::Npm,
            name: key[..at].to_owned(),
            version: Some(key[at + 1..].to_owned()),
            requirement: None,
            direct: false,
            path: path.to_owned(),
            line: number,
        });
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    const V3: &str = r#"{
  "name": "shop",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "shop",
      "dependencies": { "express": "^4.18.0", "@acme/ui": "^2.0.0" },
      "devDependencies": { "jest": "^29.0.0" }
    },
    "node_modules/express": { "version": "4.18.2" },
    "node_modules/@acme/ui": { "version": "2.1.0" },
    "node_modules/jest": { "version": "29.7.0", "dev": true },
    "node_modules/express/node_modules/qs": { "version": "6.11.0" },
    "node_modules/local-lib": { "resolved": "packages/local-lib", "link": true }
  }
}"#;

    #[test]
    fn v3_packages_with_scopes_nesting_and_links() {
        let parsed = parse_package_lock("package-lock.json", V3);
        let summary: Vec<(&str, &str, bool, u32)> = parsed
            .dependencies
            .iter()
            .map(|d| {
                (
                    d.name.as_str(),
                    d.version.as_deref().unwrap(),
                    d.direct,
                    d.line,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("express", "4.18.2", true, 12),
                ("@acme/ui", "2.1.0", true, 13),
                ("jest", "29.7.0", true, 14),
                ("qs", "6.11.0", false, 15),
            ]
        );
    }

    #[test]
    fn v1_nested_dependencies() {
        let text = r#"{
  "name": "old",
  "lockfileVersion": 1,
  "dependencies": {
    "lodash": { "version": "4.17.20" },
    "request": {
      "version": "2.88.2",
      "dependencies": {
        "qs": { "version": "6.5.3" }
      }
    }
  }
}"#;
        let parsed = parse_package_lock("package-lock.json", text);
        let summary: Vec<(&str, bool, u32)> = parsed
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.direct, d.line))
            .collect();
        assert_eq!(
            summary,
            [("lodash", true, 5), ("request", true, 6), ("qs", false, 9)]
        );
    }

    #[test]
    fn broken_json_is_a_problem_with_its_line() {
        let parsed = parse_package_lock("package-lock.json", "{\n  \"packages\": {\n    oops\n");
        assert!(parsed.dependencies.is_empty());
        assert_eq!(parsed.problems[0].line, Some(3));
    }

    #[test]
    fn package_json_sections_with_lines() {
        let text = "{\n  \"name\": \"shop\",\n  \"dependencies\": {\n    \"express\": \"^4.18.2\",\n    \"left-pad\": \"1.3.0\"\n  },\n  \"devDependencies\": {\n    \"@types/node\": \"~20.0.0\"\n  }\n}\n";
        let parsed = parse_package_json("package.json", text);
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
                ("express", None, Some("^4.18.2"), 4),
                ("left-pad", Some("1.3.0"), None, 5),
                ("@types/node", None, Some("~20.0.0"), 8),
            ]
        );
    }

    #[test]
    fn yarn_classic_and_berry_locks() {
        let classic = "# yarn lockfile v1\n\n\"@babel/core@^7.0.0\", \"@babel/core@^7.1.0\":\n  version \"7.24.0\"\n  resolved \"https://registry.yarnpkg.com/@babel/core/-/core-7.24.0.tgz\"\n\nlodash@^4.17.20:\n  version \"4.17.21\"\n";
        let parsed = parse_yarn_lock("yarn.lock", classic);
        let summary: Vec<(&str, &str, u32)> = parsed
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref().unwrap(), d.line))
            .collect();
        assert_eq!(
            summary,
            [("@babel/core", "7.24.0", 3), ("lodash", "4.17.21", 7)]
        );
        let berry = "__metadata:\n  version: 8\n\n\"lodash@npm:^4.17.20\":\n  version: 4.17.21\n  resolution: \"lodash@npm:4.17.21\"\n";
        let parsed = parse_yarn_lock("yarn.lock", berry);
        assert_eq!(parsed.dependencies[0].name, "lodash");
        assert_eq!(parsed.dependencies[0].version.as_deref(), Some("4.17.21"));
        assert!(parsed.problems.is_empty());
    }

    #[test]
    fn pnpm_v6_and_v9_package_keys() {
        let v6 = "lockfileVersion: '6.0'\n\npackages:\n\n  /express@4.18.2:\n    resolution: {integrity: sha512-x}\n\n  /@types/node@20.11.0:\n    dev: true\n";
        let v9 = "lockfileVersion: '9.0'\n\npackages:\n\n  'react-dom@18.2.0(react@18.2.0)':\n    resolution: {integrity: sha512-y}\n";
        let names = |text: &str| -> Vec<(String, String, u32)> {
            parse_pnpm_lock("pnpm-lock.yaml", text)
                .dependencies
                .into_iter()
                .map(|d| (d.name, d.version.unwrap(), d.line))
                .collect()
        };
        assert_eq!(
            names(v6),
            [
                ("express".to_owned(), "4.18.2".to_owned(), 5),
                ("@types/node".to_owned(), "20.11.0".to_owned(), 8)
            ]
        );
        assert_eq!(
            names(v9),
            [("react-dom".to_owned(), "18.2.0".to_owned(), 5)]
        );
    }
}
