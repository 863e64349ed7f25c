//! A project's manifests: which files to read, by name, and the files they pull in —
//! `-r` includes of requirements files and parent POMs — kept inside the scan root.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::manifest::{ManifestProblem, Parsed};
use crate::maven_pom::{Pom, parse_gradle_build, parse_gradle_lockfile};
use crate::npm::{parse_package_json, parse_package_lock, parse_pnpm_lock, parse_yarn_lock};
use crate::pypi::{
    parse_pipfile_lock, parse_pyproject, parse_python_lock, parse_requirements, parse_setup_cfg,
};
use crate::version::Ecosystem;

/// The largest manifest or lockfile read: a monorepo's `package-lock.json` runs to tens of
/// megabytes; the bound keeps a device or runaway file from exhausting memory.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;

/// Why a manifest was not read, without its (already shown) path.
fn cannot_read(error: &agate_fs::FsError) -> String {
    match error {
        agate_fs::FsError::NotRegular { kind, .. } => {
            format!("cannot read: it is {kind}, not a regular file")
        }
        agate_fs::FsError::TooLarge { limit, .. } => {
            format!("cannot read: larger than {limit} bytes, the limit for a manifest")
        }
        agate_fs::FsError::NotText { .. } => "cannot read: not UTF-8 text".to_owned(),
        _ => "cannot read it".to_owned(),
    }
}

/// Whether a file name is a manifest or lockfile agate reads.
pub fn is_manifest(name: &str) -> bool {
    matches!(
        name,
        "pyproject.toml"
            | "setup.cfg"
            | "poetry.lock"
            | "uv.lock"
            | "Pipfile.lock"
            | "package.json"
            | "package-lock.json"
            | "npm-shrinkwrap.json"
            | "yarn.lock"
            | "pnpm-lock.yaml"
            | "pom.xml"
            | "build.gradle"
            | "build.gradle.kts"
            | "gradle.lockfile"
    ) || (name.starts_with("requirements")
        && std::path::Path::new(name)
            .extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case("txt")))
}

/// Whether a file, by its path relative to the scan root (`/`-separated), is a manifest or
/// lockfile agate reads: a name [`is_manifest`] accepts, or a `*.txt` file of a
/// `requirements/` folder (pip-tools' layout: `requirements/tests.txt`, `requirements/docs.txt`).
pub fn is_manifest_path(relative: &str) -> bool {
    let mut parts = relative.rsplit('/');
    let name = parts.next().unwrap_or(relative);
    is_manifest(name)
        || (parts.next() == Some("requirements")
            && std::path::Path::new(name)
                .extension()
                .is_some_and(|extension| extension.eq_ignore_ascii_case("txt")))
}

/// The ecosystem a manifest or lockfile declares packages of, by its name alone; `None` for
/// a `setup.cfg`, which most projects keep for tool settings: it declares an ecosystem
/// through the requirements read from it.
pub fn manifest_ecosystem(name: &str) -> Option<Ecosystem> {
    if !is_manifest(name) || name == "setup.cfg" {
        return None;
    }
    Some(match name {
        "package.json"
        | "package-lock.json"
        | "npm-shrinkwrap.json"
        | "yarn.lock"
        | "pnpm-lock.yaml" => Ecosystem::Npm,
        "pom.xml" | "build.gradle" | "build.gradle.kts" | "gradle.lockfile" => Ecosystem::Maven,
        _ => Ecosystem::PyPI,
    })
}

/// Reads the manifests among `files` (`(path relative to root, path to open)`), with
/// their includes and parents.
pub fn read_manifests(root: &Path, files: &[(String, PathBuf)]) -> Parsed {
    let mut all = Parsed::default();
    let mut seen_requirements: BTreeSet<PathBuf> = BTreeSet::new();
    for (relative, path) in files {
        let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        if !is_manifest_path(relative) {
            continue;
        }
        let text = match agate_fs::read_to_string_bounded(path, MAX_MANIFEST_BYTES) {
            Ok(text) => text,
            Err(error) => {
                all.problems.push(ManifestProblem {
                    path: relative.clone(),
                    line: None,
                    message: cannot_read(&error),
                });
                continue;
            }
        };
        let parsed = match name {
            "pyproject.toml" => parse_pyproject(relative, &text),
            "poetry.lock" | "uv.lock" => parse_python_lock(relative, &text),
            "Pipfile.lock" => parse_pipfile_lock(relative, &text),
            "package.json" => parse_package_json(relative, &text),
            "package-lock.json" | "npm-shrinkwrap.json" => parse_package_lock(relative, &text),
            "yarn.lock" => parse_yarn_lock(relative, &text),
            "pnpm-lock.yaml" => parse_pnpm_lock(relative, &text),
            "pom.xml" => pom_dependencies(root, relative, path, &text),
            "build.gradle" | "build.gradle.kts" => parse_gradle_build(relative, &text),
            "gradle.lockfile" => parse_gradle_lockfile(relative, &text),
            _ => {
                let parse = if name == "setup.cfg" {
                    parse_setup_cfg
                } else {
                    parse_requirements
                };
                requirements(
                    root,
                    (relative, path, &text),
                    parse,
                    &mut seen_requirements,
                    &mut all,
                );
                continue;
            }
        };
        merge(&mut all, parsed);
    }
    all
}

fn merge(all: &mut Parsed, parsed: Parsed) {
    all.dependencies.extend(parsed.dependencies);
    all.problems.extend(parsed.problems);
}

/// A requirements file (or another manifest `parse` reads, with includes: `setup.cfg`) and,
/// recursively, the requirements files it includes (each once).
fn requirements(
    root: &Path,
    (relative, path, text): (&str, &Path, &str),
    parse: fn(&str, &str) -> Parsed,
    seen: &mut BTreeSet<PathBuf>,
    all: &mut Parsed,
) {
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if !seen.insert(canonical) {
        return;
    }
    let parsed = parse(relative, text);
    for (include, line) in &parsed.includes {
        let target = path.parent().unwrap_or(root).join(include);
        let inside = std::fs::canonicalize(&target)
            .ok()
            .zip(std::fs::canonicalize(root).ok())
            .is_some_and(|(target, root)| target.starts_with(root));
        let text = inside
            .then(|| agate_fs::read_to_string_bounded(&target, MAX_MANIFEST_BYTES).ok())
            .flatten();
        let Some(text) = text else {
            all.problems.push(ManifestProblem {
                path: relative.to_owned(),
                line: Some(*line),
                message: format!("cannot read the included `{include}` inside the scan root"),
            });
            continue;
        };
        let included = target.strip_prefix(root).map_or_else(
            |_| include.clone(),
            |path| path.to_string_lossy().replace('\\', "/"),
        );
        requirements(
            root,
            (&included, &target, &text),
            parse_requirements,
            seen,
            all,
        );
    }
    merge(
        all,
        Parsed {
            includes: Vec::new(),
            ..parsed
        },
    );
}

/// A POM's dependencies, with the parent POMs found through `relativePath` (default
/// `../pom.xml`) inside the root, up to 8 levels.
fn pom_dependencies(root: &Path, relative: &str, path: &Path, text: &str) -> Parsed {
    let pom = match Pom::parse(relative, text) {
        Ok(pom) => pom,
        Err(problem) => {
            return Parsed {
                problems: vec![problem],
                ..Parsed::default()
            };
        }
    };
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut parents = Vec::new();
    let mut current = (pom.clone(), path.to_path_buf());
    for _ in 0..8 {
        let Some((group, artifact, _, relative_path)) = current.0.parent.clone() else {
            break;
        };
        let candidate = current
            .1
            .parent()
            .unwrap_or(&root)
            .join(relative_path.as_deref().unwrap_or("../pom.xml"));
        let candidate = if candidate.is_dir() {
            candidate.join("pom.xml")
        } else {
            candidate
        };
        let Ok(candidate) = std::fs::canonicalize(&candidate) else {
            break;
        };
        if !candidate.starts_with(&root) {
            break;
        }
        let Ok(text) = agate_fs::read_to_string_bounded(&candidate, MAX_MANIFEST_BYTES) else {
            break;
        };
        let shown = candidate.strip_prefix(&root).map_or_else(
            |_| candidate.display().to_string(),
            |path| path.to_string_lossy().replace('\\', "/"),
        );
        let Ok(parent) = Pom::parse(&shown, &text) else {
            break;
        };
        // Only the parent the POM names: a `../pom.xml` of another project does not count.
        if parent.coordinates.1.as_deref() != Some(artifact.as_str())
            || parent
                .coordinates
                .0
                .as_deref()
                .or(parent.parent.as_ref().map(|p| p.0.as_str()))
                != Some(group.as_str())
        {
            break;
        }
        parents.push(parent.clone());
        current = (parent, candidate);
    }
    pom.dependencies(&parents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_9_requirements_folders_are_manifests() {
        assert!(is_manifest_path("requirements.txt"));
        assert!(is_manifest_path("requirements/tests.txt"));
        assert!(is_manifest_path("pkg/requirements/docs.txt"));
        assert!(is_manifest_path("pkg/pyproject.toml"));
        assert!(!is_manifest_path("requirements/tests.in"));
        assert!(!is_manifest_path("docs/tests.txt"));
        assert!(!is_manifest_path("notes.txt"));

        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("requirements")).unwrap();
        let tests = dir.path().join("requirements/tests.txt");
        std::fs::write(&tests, "pytest==8.2.0\n").unwrap();
        let parsed = read_manifests(dir.path(), &[("requirements/tests.txt".to_owned(), tests)]);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let names: Vec<&str> = parsed
            .dependencies
            .iter()
            .map(|dependency| dependency.name.as_str())
            .collect();
        assert_eq!(names, ["pytest"]);
    }
}
