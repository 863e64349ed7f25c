//! `agate db`: the local advisory store; and where the dependency analyzer finds it and
//! the package registries.

use std::path::{Path, PathBuf};

use crate::exit::{ExitStatus, Failure};
use crate::output;

/// The advisory store's folder: `$AGATE_CACHE_DIR`, else `$XDG_CACHE_HOME/agate`, else
/// `~/.cache/agate`; `None` without any of them.
pub(crate) fn store_dir() -> Option<PathBuf> {
    std::env::var_os("AGATE_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|dir| PathBuf::from(dir).join("agate")))
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/agate")))
}

/// The advisory store; without a cache folder, a usage error.
fn store() -> anyhow::Result<agate_deps::Store> {
    let dir = store_dir().ok_or_else(|| Failure::usage("no cache folder: set AGATE_CACHE_DIR"))?;
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

/// Registry base URLs: `AGATE_PYPI_URL`, `AGATE_NPM_URL`, `AGATE_MAVEN_URL` (mirrors),
/// else the public registries.
pub(crate) fn registry_urls() -> agate_deps::RegistryUrls {
    let defaults = agate_deps::RegistryUrls::default();
    let from_env = |name: &str, default: String| std::env::var(name).unwrap_or(default);
    agate_deps::RegistryUrls {
        pypi: from_env("AGATE_PYPI_URL", defaults.pypi),
        npm: from_env("AGATE_NPM_URL", defaults.npm),
        maven: from_env("AGATE_MAVEN_URL", defaults.maven),
    }
}
