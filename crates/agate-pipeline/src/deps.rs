//! The dependency analyzer: manifests against the advisory store, imports against the
//! manifests and the standard libraries, packages against the registries.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use agate_lang::{AnyFile, FileImports};
use agate_model::{Finding, Notice, NoticeLevel};

use crate::{DepsSources, PipelineError};

/// The largest `known_packages` / `popular_packages` list read: a list of the top hundred
/// thousand names is about 2 MiB; the bound keeps a device or runaway file from exhausting
/// memory.
const MAX_PACKAGE_LIST_BYTES: u64 = 16 * 1024 * 1024;

/// Reads the manifests under `paths`, reports each dependency version that an advisory in
/// the store affects (when `run.vulnerabilities`), and checks the code's imports against the
/// manifests and the standard libraries; unreadable manifest lines are warnings naming
/// file:line.
pub(crate) fn scan(
    root: &Path,
    walked: &[AnyFile],
    imports: &[FileImports],
    run: &DepsRun<'_>,
) -> Result<DepsScan, PipelineError> {
    let files = manifests(walked);
    let parsed = agate_deps::read_manifests(root, &files);
    // The ecosystems a manifest could have declared an import in; a `setup.cfg` counts only
    // when it declares something (most hold tool settings alone).
    let ecosystems: BTreeSet<agate_deps::Ecosystem> = files
        .iter()
        .filter_map(|(relative, _)| {
            agate_deps::manifest_ecosystem(relative.rsplit('/').next().unwrap_or(relative))
        })
        .chain(
            parsed
                .dependencies
                .iter()
                .map(|dependency| dependency.ecosystem),
        )
        .collect();
    let mut notices: Vec<Notice> = parsed
        .problems
        .iter()
        .map(|problem| Notice {
            level: NoticeLevel::Warning,
            path: Some(problem.path.clone()),
            message: match problem.line {
                Some(line) => format!("line {line}: {}", problem.message),
                None => problem.message.clone(),
            },
        })
        .collect();
    let store = agate_deps::Store::new(run.sources.store.clone().ok_or_else(|| {
        PipelineError::Invalid(
            "no folder for the advisory store (the dependency analyzer needs one): set AGATE_CACHE_DIR"
                .to_owned(),
        )
    })?);
    let mut scan = DepsScan {
        findings: Vec::new(),
        notices: Vec::new(),
    };
    let checked = agate_deps::check_imports(imports, &parsed.dependencies, &ecosystems);
    let (suspicious, problems) = suspicious(&store, &parsed.dependencies, &checked, run)?;
    notices.extend(problems);
    // A package that does not exist says more than "undeclared" on the same line.
    scan.findings
        .extend(checked.findings.into_iter().filter(|finding| {
            !suspicious.iter().any(|other| {
                other.rule_id == agate_deps::NONEXISTENT_RULE
                    && other.location.path == finding.location.path
                    && other.location.start.line == finding.location.start.line
            })
        }));
    scan.findings.extend(suspicious);
    if run.vulnerabilities && !parsed.dependencies.is_empty() {
        if store.is_empty() {
            notices.push(Notice {
                level: NoticeLevel::Warning,
                path: None,
                message: NO_ADVISORIES.to_owned(),
            });
        } else {
            scan.findings.extend(
                agate_deps::vulnerabilities(&parsed.dependencies, &store)
                    .map_err(PipelineError::invalid)?,
            );
        }
    }
    scan.notices = notices;
    Ok(scan)
}

/// The notice of a run that had dependencies to check and no advisories to check them
/// against: `deps.known-vulnerability` did not run, whatever the selection says.
pub(crate) const NO_ADVISORIES: &str = "no vulnerability advisories imported, so dependencies were not checked for known vulnerabilities (`agate db import PATH`)";

/// The manifests and lockfiles among `walked`, as (relative, absolute) paths.
fn manifests(walked: &[AnyFile]) -> Vec<(String, PathBuf)> {
    walked
        .iter()
        .filter(|file| agate_deps::is_manifest_path(&file.relative))
        .map(|file| (file.relative.clone(), file.path.clone()))
        .collect()
}

/// How many manifests `files` are, and their bytes.
fn manifest_stats(files: &[(String, PathBuf)]) -> (u64, u64) {
    let bytes = files
        .iter()
        .filter_map(|(_, path)| std::fs::metadata(path).ok())
        .map(|metadata| metadata.len())
        .sum();
    (files.len() as u64, bytes)
}

/// How many of `walked` are manifests, and their bytes: what the analyzer counts as read
/// (for a shard, its own files: every shard reads every manifest, but each file counts once
/// over the shards).
pub(crate) fn counted(walked: &[AnyFile]) -> (u64, u64) {
    manifest_stats(&manifests(walked))
}

/// How the dependency analyzer runs.
pub(crate) struct DepsRun<'a> {
    /// Match versions against the advisory store (not for `--only ai-patterns`).
    pub(crate) vulnerabilities: bool,
    /// Never ask a registry; cached answers only.
    pub(crate) offline: bool,
    /// `deps:` of agate.yaml.
    pub(crate) settings: &'a agate_policy::DepsSettings,
    /// The advisory store and the registries.
    pub(crate) sources: &'a DepsSources,
}

/// Non-existent and typosquatted packages among the project's direct dependencies and its
/// undeclared imports, with problems (unreadable lists, unreachable registries) as notices.
fn suspicious(
    store: &agate_deps::Store,
    dependencies: &[agate_deps::Dependency],
    checked: &agate_deps::ImportCheck,
    run: &DepsRun<'_>,
) -> Result<(Vec<Finding>, Vec<Notice>), PipelineError> {
    let mut notices = Vec::new();
    let mut known = agate_deps::PackageList::default();
    let mut popular = agate_deps::PackageList::default();
    for (files, list) in [
        (&run.settings.known_packages, &mut known),
        (&run.settings.popular_packages, &mut popular),
    ] {
        for file in files {
            let text = agate_fs::read_to_string_bounded(file, MAX_PACKAGE_LIST_BYTES).map_err(
                |error| {
                    PipelineError::Invalid(format!("deps: {error}; fix the path in agate.yaml"))
                },
            )?;
            notices.extend(list.parse(&text).into_iter().map(|problem| Notice {
                level: NoticeLevel::Warning,
                path: Some(file.display().to_string()),
                message: problem,
            }));
        }
    }
    let mut uses: Vec<agate_deps::PackageUse> = dependencies
        .iter()
        .filter(|dependency| dependency.direct && from_registry(dependency))
        .map(|dependency| agate_deps::PackageUse {
            ecosystem: dependency.ecosystem,
            name: dependency.name.clone(),
            path: dependency.path.clone(),
            line: dependency.line,
            column: 1,
            snippet: format!(
                "{} {}",
                dependency.name,
                dependency
                    .requirement
                    .as_deref()
                    .or(dependency.version.as_deref())
                    .unwrap_or_default()
            )
            .trim_end()
            .to_owned(),
        })
        .collect();
    uses.extend(checked.undeclared.iter().cloned());
    let lookup = run.settings.registry_check.then(|| {
        let registry =
            agate_deps::Registry::new(store.dir(), run.sources.registries.clone(), run.offline);
        let packages: Vec<(agate_deps::Ecosystem, String)> = uses
            .iter()
            .filter(|package| !known.contains(package.ecosystem, &package.name))
            .map(|package| (package.ecosystem, package.name.clone()))
            .collect();
        registry.look_up(&packages)
    });
    if let Some(lookup) = &lookup {
        notices.extend(lookup.problems.iter().map(|problem| Notice {
            level: NoticeLevel::Warning,
            path: None,
            message: problem.clone(),
        }));
    }
    let findings = agate_deps::suspicious_packages(
        &uses,
        lookup.as_ref(),
        &known,
        &agate_deps::Popular::new(&popular),
    );
    Ok((findings, notices))
}

/// Whether a dependency comes from the registry, not a path, URL, Git or workspace.
fn from_registry(dependency: &agate_deps::Dependency) -> bool {
    dependency
        .requirement
        .as_deref()
        .is_none_or(|requirement| !requirement.contains([':', '/']))
}

/// What the dependency analyzer found.
pub(crate) struct DepsScan {
    pub(crate) findings: Vec<Finding>,
    pub(crate) notices: Vec<Notice>,
}
