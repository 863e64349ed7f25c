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
                line: finder.line(&format!("\"{name}\": {{")),
            });
        }
        if let Some(nested) = entry.get("dependencies").and_then(Value::as_object) {
            collect_v1(path, nested, finder, direct, depth + 1, parsed);
        }
    }
}

/// Finds the line of a key in the lockfile text (the first occurrence).
struct KeyFinder<'a> {
    text: &'a str,
}

impl<'a> KeyFinder<'a> {
    fn new(text: &'a str) -> KeyFinder<'a> {
        KeyFinder { text }
    }

    fn line(&self, key: &str) -> u32 {
        self.text
            .find(key)
            .map_or(1, |offset| line_of(self.text, offset))
    }
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
}
