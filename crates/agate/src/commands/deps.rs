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

/// `agate db update`: downloads each ecosystem's `all.zip` next to the store, then imports
/// it; a failed download leaves the store as it was.
pub(crate) fn update() -> anyhow::Result<ExitStatus> {
    let store = store()?;
    let base = std::env::var("AGATE_OSV_URL").unwrap_or_else(|_| OSV_EXPORTS.to_owned());
    let downloads = store.dir().join("downloads");
    fs_err::create_dir_all(&downloads)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(600)))
        .build()
        .into();
    for ecosystem in EXPORTED {
        let url = format!("{}/{ecosystem}/all.zip", base.trim_end_matches('/'));
        output::note(&format!("downloading {url}"));
        let target = downloads.join(format!("{ecosystem}-all.zip"));
        let partial = target.with_extension("zip.part");
        let mut response = agent
            .get(&url)
            .call()
            .map_err(|error| Failure::usage(format!("cannot download {url}: {error}")))?;
        let mut reader = response
            .body_mut()
            .with_config()
            .limit(MAX_EXPORT_BYTES)
            .reader();
        let mut file = fs_err::File::create(&partial)?;
        std::io::copy(&mut reader, &mut file)
            .map_err(|error| Failure::usage(format!("cannot download {url}: {error}")))?;
        drop(file);
        fs_err::rename(&partial, &target)?;
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
/// the store affects (when `vulnerabilities`), and checks the code's imports against the
/// manifests and the standard libraries; unreadable manifest lines are warnings naming
/// file:line.
pub(crate) fn scan(
    root: &Path,
    walked: &[AnyFile],
    imports: &[FileImports],
    vulnerabilities: bool,
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
    scan.findings.extend(checked.findings);
    if !vulnerabilities {
        // Only the import checks were asked for.
    } else if !parsed.dependencies.is_empty() && store.is_empty() {
        notices.push(Notice {
            level: NoticeLevel::Warning,
            path: None,
            message: "no vulnerability advisories imported, so dependencies were not checked for known vulnerabilities (`agate db import PATH`)".to_owned(),
        });
    } else if !parsed.dependencies.is_empty() {
        scan.findings.extend(
            agate_deps::vulnerabilities(&parsed.dependencies, &store)
                .map_err(|error| Failure::usage(error.to_string()))?,
        );
    }
    scan.notices = notices;
    Ok(scan)
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
