//! The dependency analyzer in `scan` and `gate`, and `agate db`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use agate_lang::{AnyFile, FileImports};
use agate_model::{Finding, Notice, NoticeLevel};

use crate::exit::{ExitStatus, Failure};
use crate::output;

/// The advisory store: `$AGATE_CACHE_DIR`, else `$XDG_CACHE_HOME/agate`, else
/// `~/.cache/agate`.
pub(crate) fn store() -> anyhow::Result<agate_deps::Store> {
    let dir = std::env::var_os("AGATE_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|dir| PathBuf::from(dir).join("agate")))
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/agate")))
        .ok_or_else(|| Failure::usage("no cache folder: set AGATE_CACHE_DIR"))?;
    Ok(agate_deps::Store::new(dir))
}

/// `agate db import PATH`.
pub(crate) fn import(path: &Path) -> anyhow::Result<ExitStatus> {
    let imported = store()?
        .import(path)
        .map_err(|error| Failure::usage(error.to_string()))?;
    output::note(&format!(
        "imported {} advisories ({} packages) from {}",
        imported.records,
        imported.packages,
        path.display()
    ));
    Ok(ExitStatus::Pass)
}

/// Where OSV publishes its per-ecosystem exports.
const OSV_EXPORTS: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// The ecosystems `agate db update` downloads.
const EXPORTED: &[&str] = &["PyPI", "npm", "Maven"];

/// The most an export may weigh (npm's is the largest, well under this).
const MAX_EXPORT_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// The largest `known_packages` / `popular_packages` list read: a list of the top hundred
/// thousand names is about 2 MiB; the bound keeps a device or runaway file from exhausting
/// memory.
const MAX_PACKAGE_LIST_BYTES: u64 = 16 * 1024 * 1024;

/// `agate db update`: downloads each ecosystem's `all.zip` next to the store, then imports
/// it; a failed download leaves the store as it was.
pub(crate) fn update() -> anyhow::Result<ExitStatus> {
    let store = store()?;
    let base = std::env::var("AGATE_OSV_URL").unwrap_or_else(|_| OSV_EXPORTS.to_owned());
    let downloads = store.dir().join("downloads");
    fs_err::create_dir_all(&downloads)?;
    let agent = agate_http::agent(
        std::time::Duration::from_secs(600),
        agate_http::Statuses::AsErrors,
    );
    for ecosystem in EXPORTED {
        let url = format!("{}/{ecosystem}/all.zip", base.trim_end_matches('/'));
        output::note(&format!("downloading {url}"));
        let target = downloads.join(format!("{ecosystem}-all.zip"));
        let mut response = agent
            .get(&url)
            .call()
            .map_err(|error| Failure::usage(format!("cannot download {url}: {error}")))?;
        let mut reader = response
            .body_mut()
            .with_config()
            .limit(MAX_EXPORT_BYTES)
            .reader();
        // Atomic: an interrupted download leaves neither half an archive nor a temporary file.
        agate_fs::write_atomic(&target, |file| std::io::copy(&mut reader, file).map(drop))
            .map_err(|error| Failure::usage(format!("cannot download {url}: {error}")))?;
        let imported = store
            .import(&target)
            .map_err(|error| Failure::usage(error.to_string()))?;
        output::note(&format!(
            "imported {} {ecosystem} advisories ({} packages)",
            imported.records, imported.packages
        ));
    }
    Ok(ExitStatus::Pass)
}

/// Reads the manifests under `paths`, reports each dependency version that an advisory in
/// the store affects (when `run.vulnerabilities`), and checks the code's imports against the
/// manifests and the standard libraries; unreadable manifest lines are warnings naming
/// file:line.
pub(crate) fn scan(
    root: &Path,
    walked: &[AnyFile],
    imports: &[FileImports],
    run: &DepsRun<'_>,
) -> anyhow::Result<DepsScan> {
    let files: Vec<(String, PathBuf)> = walked
        .iter()
        .filter(|file| {
            file.path
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(agate_deps::is_manifest)
        })
        .map(|file| (file.relative.clone(), file.path.clone()))
        .collect();
    let bytes = files
        .iter()
        .filter_map(|(_, path)| std::fs::metadata(path).ok())
        .map(|metadata| metadata.len())
        .sum();
    let manifests = files.len() as u64;
    let ecosystems: BTreeSet<agate_deps::Ecosystem> = files
        .iter()
        .filter_map(|(relative, _)| {
            agate_deps::manifest_ecosystem(relative.rsplit('/').next().unwrap_or(relative))
        })
        .collect();
    let parsed = agate_deps::read_manifests(root, &files);
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
    let store = store()?;
    let mut scan = DepsScan {
        findings: Vec::new(),
        notices: Vec::new(),
        manifests,
        bytes,
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
                message: "no vulnerability advisories imported, so dependencies were not checked for known vulnerabilities (`agate db import PATH`)".to_owned(),
            });
        } else {
            scan.findings.extend(
                agate_deps::vulnerabilities(&parsed.dependencies, &store)
                    .map_err(|error| Failure::usage(error.to_string()))?,
            );
        }
    }
    scan.notices = notices;
    Ok(scan)
}

/// How the dependency analyzer runs.
pub(crate) struct DepsRun<'a> {
    /// Match versions against the advisory store (not for `--only ai-patterns`).
    pub(crate) vulnerabilities: bool,
    /// Never ask a registry; cached answers only.
    pub(crate) offline: bool,
    /// `deps:` of agate.yaml.
    pub(crate) settings: &'a agate_policy::DepsSettings,
}

/// Non-existent and typosquatted packages among the project's direct dependencies and its
/// undeclared imports, with problems (unreadable lists, unreachable registries) as notices.
fn suspicious(
    store: &agate_deps::Store,
    dependencies: &[agate_deps::Dependency],
    checked: &agate_deps::ImportCheck,
    run: &DepsRun<'_>,
) -> anyhow::Result<(Vec<Finding>, Vec<Notice>)> {
    let mut notices = Vec::new();
    let mut known = agate_deps::PackageList::default();
    let mut popular = agate_deps::PackageList::default();
    for (files, list) in [
        (&run.settings.known_packages, &mut known),
        (&run.settings.popular_packages, &mut popular),
    ] {
        for file in files {
            let text = agate_fs::read_to_string_bounded(file, MAX_PACKAGE_LIST_BYTES).map_err(
                |error| Failure::usage(format!("deps: {error}; fix the path in agate.yaml")),
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
        let registry = agate_deps::Registry::new(store.dir(), registry_urls(), run.offline);
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

/// Registry base URLs: `AGATE_PYPI_URL`, `AGATE_NPM_URL`, `AGATE_MAVEN_URL` (mirrors),
/// else the public registries.
fn registry_urls() -> agate_deps::RegistryUrls {
    let defaults = agate_deps::RegistryUrls::default();
    let from_env = |name: &str, default: String| std::env::var(name).unwrap_or(default);
    agate_deps::RegistryUrls {
        pypi: from_env("AGATE_PYPI_URL", defaults.pypi),
        npm: from_env("AGATE_NPM_URL", defaults.npm),
        maven: from_env("AGATE_MAVEN_URL", defaults.maven),
    }
}

/// What the dependency analyzer found, and how much it read.
pub(crate) struct DepsScan {
    pub(crate) findings: Vec<Finding>,
    pub(crate) notices: Vec<Notice>,
    /// Manifests and lockfiles read.
    pub(crate) manifests: u64,
    /// Their bytes.
    pub(crate) bytes: u64,
}
