//! Whether packages exist: PyPI, npm and Maven Central asked over HTTP with a timeout, the
//! answers kept in a persistent cache, and lists of packages known to exist.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::version::Ecosystem;

/// How long a "the package exists" answer is reused.
const EXISTS_FOR: Duration = Duration::from_secs(30 * 24 * 3600);
/// How long a "not found" answer is reused: a name can be registered any day.
const MISSING_FOR: Duration = Duration::from_secs(24 * 3600);
/// Requests in flight at once.
const PARALLEL: usize = 8;
/// The largest registry answer cache read: one short entry per package name asked about; a
/// cache over this (or a device in its place) is ignored and the registry asked again.
const MAX_CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// What a registry says about a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Published.
    Exists,
    /// The registry answered "not found".
    Missing,
    /// Not asked (offline, no cached answer) or no answer.
    Unknown,
}

impl From<Option<bool>> for Presence {
    /// A registry's answer to "does it exist?", when there was one.
    fn from(answer: Option<bool>) -> Presence {
        match answer {
            Some(true) => Presence::Exists,
            Some(false) => Presence::Missing,
            None => Presence::Unknown,
        }
    }
}

/// The registries' base URLs.
#[derive(Debug, Clone)]
pub struct RegistryUrls {
    /// PyPI (JSON API at `/pypi/NAME/json`).
    pub pypi: String,
    /// The npm registry (`/NAME`).
    pub npm: String,
    /// A Maven repository layout (`/GROUP/PATH/ARTIFACT/maven-metadata.xml`).
    pub maven: String,
}

impl Default for RegistryUrls {
    fn default() -> RegistryUrls {
        RegistryUrls {
            pypi: "https://pypi.org".to_owned(),
            npm: "https://registry.npmjs.org".to_owned(),
            maven: "https://repo1.maven.org/maven2".to_owned(),
        }
    }
}

/// Package names per ecosystem, exact or by prefix (`@bank/*`).
#[derive(Debug, Clone, Default)]
pub struct PackageList {
    exact: HashSet<(Ecosystem, String)>,
    prefixes: Vec<(Ecosystem, String)>,
}

impl PackageList {
    /// Reads `<ecosystem> <name>` lines (`#` comments, `*` at the end of a name matches a
    /// prefix); returns the lines it could not read as `line: problem`.
    pub fn parse(&mut self, text: &str) -> Vec<String> {
        let mut problems = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let mut words = line.split_whitespace();
            let (Some(ecosystem), Some(name), None) = (words.next(), words.next(), words.next())
            else {
                problems.push(format!(
                    "line {}: expected `<ecosystem> <name>`, found `{line}`",
                    index + 1
                ));
                continue;
            };
            let Some(ecosystem) = Ecosystem::from_osv(ecosystem) else {
                problems.push(format!(
                    "line {}: unknown ecosystem `{ecosystem}` (PyPI, npm or Maven)",
                    index + 1
                ));
                continue;
            };
            match name.strip_suffix('*') {
                Some(prefix) => self
                    .prefixes
                    .push((ecosystem, ecosystem.normalize_name(prefix))),
                None => {
                    self.exact
                        .insert((ecosystem, ecosystem.normalize_name(name)));
                }
            }
        }
        problems
    }

    /// Adds one name.
    pub fn insert(&mut self, ecosystem: Ecosystem, name: &str) {
        self.exact
            .insert((ecosystem, ecosystem.normalize_name(name)));
    }

    /// Whether the list names the package.
    pub fn contains(&self, ecosystem: Ecosystem, name: &str) -> bool {
        let name = ecosystem.normalize_name(name);
        self.exact.contains(&(ecosystem, name.clone()))
            || self
                .prefixes
                .iter()
                .any(|(listed, prefix)| *listed == ecosystem && name.starts_with(prefix.as_str()))
    }

    /// The exact names of one ecosystem.
    pub fn names(&self, ecosystem: Ecosystem) -> impl Iterator<Item = &str> {
        self.exact
            .iter()
            .filter(move |(listed, _)| *listed == ecosystem)
            .map(|(_, name)| name.as_str())
    }
}

/// A cached answer.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Answer {
    exists: bool,
    /// Seconds since the Unix epoch.
    checked: u64,
}

/// Asks registries whether packages exist, through a cache in `<cache>/registry/`.
#[derive(Debug)]
pub struct Registry {
    cache: PathBuf,
    urls: RegistryUrls,
    offline: bool,
    timeout: Duration,
}

/// The answers of one [`Registry::look_up`].
#[derive(Debug, Default)]
pub struct Lookup {
    answers: BTreeMap<(Ecosystem, String), Presence>,
    /// Registries that could not be reached, with the error (each once).
    pub problems: Vec<String>,
}

impl Lookup {
    /// What is known about a package.
    pub fn presence(&self, ecosystem: Ecosystem, name: &str) -> Presence {
        self.answers
            .get(&(ecosystem, ecosystem.normalize_name(name)))
            .copied()
            .unwrap_or(Presence::Unknown)
    }
}

impl Registry {
    /// A registry client caching under `cache_dir`; `offline` uses only the cache.
    pub fn new(cache_dir: &Path, urls: RegistryUrls, offline: bool) -> Registry {
        Registry {
            cache: cache_dir.join("registry"),
            urls,
            offline,
            timeout: Duration::from_secs(5),
        }
    }

    /// Looks each package up: the cache first, then (online) the registry; the caches that
    /// got new answers are written back atomically. A registry that fails to answer once is
    /// not asked again in this run.
    pub fn look_up(&self, packages: &[(Ecosystem, String)]) -> Lookup {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        let mut lookup = Lookup::default();
        let mut wanted: Vec<(Ecosystem, String)> = packages
            .iter()
            .map(|(ecosystem, name)| (*ecosystem, ecosystem.normalize_name(name)))
            .collect();
        wanted.sort();
        wanted.dedup();
        let mut caches: BTreeMap<Ecosystem, BTreeMap<String, Answer>> = BTreeMap::new();
        let mut ask = Vec::new();
        for (ecosystem, name) in wanted {
            let cache = caches
                .entry(ecosystem)
                .or_insert_with(|| self.read_cache(ecosystem));
            let known = cache.get(&name);
            let fresh = known.filter(|answer| {
                let age = Duration::from_secs(now.saturating_sub(answer.checked));
                age < if answer.exists {
                    EXISTS_FOR
                } else {
                    MISSING_FOR
                }
            });
            // Offline, a stale answer is better than none.
            match if self.offline { known } else { fresh } {
                Some(answer) => {
                    lookup
                        .answers
                        .insert((ecosystem, name), Presence::from(Some(answer.exists)));
                }
                None if self.offline => {
                    lookup.answers.insert((ecosystem, name), Presence::Unknown);
                }
                None => ask.push((ecosystem, name)),
            }
        }
        if ask.is_empty() {
            return lookup;
        }
        let (answers, problems) = self.ask_all(&ask);
        lookup.problems = problems;
        let mut changed = BTreeSet::new();
        for ((ecosystem, name), answer) in ask.into_iter().zip(answers) {
            if let Some(exists) = answer {
                changed.insert(ecosystem);
                caches.entry(ecosystem).or_default().insert(
                    name.clone(),
                    Answer {
                        exists,
                        checked: now,
                    },
                );
            }
            lookup
                .answers
                .insert((ecosystem, name), Presence::from(answer));
        }
        for ecosystem in changed {
            if let Err(error) = self.write_cache(ecosystem, &caches[&ecosystem]) {
                lookup.problems.push(format!(
                    "cannot save the registry cache in {}: {error}",
                    self.cache.display()
                ));
            }
        }
        lookup
    }

    fn cache_file(&self, ecosystem: Ecosystem) -> PathBuf {
        self.cache
            .join(format!("{}.json", ecosystem.as_osv().to_ascii_lowercase()))
    }

    fn read_cache(&self, ecosystem: Ecosystem) -> BTreeMap<String, Answer> {
        // A damaged cache is as good as none: the answers are asked again.
        agate_fs::read_bounded(&self.cache_file(ecosystem), MAX_CACHE_BYTES)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    fn write_cache(
        &self,
        ecosystem: Ecosystem,
        cache: &BTreeMap<String, Answer>,
    ) -> std::io::Result<()> {
        fs_err::create_dir_all(&self.cache)?;
        let target = self.cache_file(ecosystem);
        let mut partial = tempfile::NamedTempFile::new_in(&self.cache)?;
        serde_json::to_writer(&mut partial, cache)?;
        partial.persist(&target).map_err(|error| error.error)?;
        Ok(())
    }

    /// Asks the registries, [`PARALLEL`] requests at a time: one answer per package
    /// (`None` where none came), and a problem per registry that could not be reached.
    fn ask_all(&self, packages: &[(Ecosystem, String)]) -> (Vec<Option<bool>>, Vec<String>) {
        let agent = agate_http::agent(self.timeout, agate_http::Statuses::AsResponses);
        let unreachable: [AtomicBool; 3] = Default::default();
        let next = AtomicUsize::new(0);
        // Each worker takes the next package until none is left, and hands back what it
        // learned: `(index, answer)` pairs and the registries it could not reach.
        let worker = || {
            let mut learned = Vec::new();
            let mut failed = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some((ecosystem, name)) = packages.get(index) else {
                    break;
                };
                let down = &unreachable[ecosystem_index(*ecosystem)];
                if down.load(Ordering::Relaxed) {
                    continue;
                }
                let Some(url) = self.url(*ecosystem, name) else {
                    continue;
                };
                match ask(&agent, &url) {
                    Ok(answer) => learned.push((index, answer)),
                    Err(error) if !down.swap(true, Ordering::Relaxed) => failed.push(format!(
                        "cannot reach the {} registry ({error}); packages were not checked for existence there",
                        ecosystem.as_osv()
                    )),
                    Err(_) => {}
                }
            }
            (learned, failed)
        };
        let mut answers = vec![None; packages.len()];
        let mut problems = Vec::new();
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..PARALLEL.min(packages.len()))
                .map(|_| scope.spawn(worker))
                .collect();
            for handle in workers {
                // A worker that panicked leaves its packages unanswered (`Unknown`).
                let Ok((learned, failed)) = handle.join() else {
                    continue;
                };
                for (index, answer) in learned {
                    answers[index] = answer;
                }
                problems.extend(failed);
            }
        });
        (answers, problems)
    }

    fn url(&self, ecosystem: Ecosystem, name: &str) -> Option<String> {
        let encode = |part: &str| {
            (!part.is_empty()
                && !part.starts_with('.')
                && part
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || b"-._~@".contains(&byte)))
            .then(|| part.to_owned())
        };
        Some(match ecosystem {
            Ecosystem::PyPI => format!(
                "{}/pypi/{}/json",
                self.urls.pypi.trim_end_matches('/'),
                encode(name)?
            ),
            Ecosystem::Npm => {
                let encoded = match name.split_once('/') {
                    Some((scope, package)) => format!("{}%2F{}", encode(scope)?, encode(package)?),
                    None => encode(name)?,
                };
                format!("{}/{encoded}", self.urls.npm.trim_end_matches('/'))
            }
            Ecosystem::Maven => {
                let (group, artifact) = name.split_once(':')?;
                format!(
                    "{}/{}/{}/maven-metadata.xml",
                    self.urls.maven.trim_end_matches('/'),
                    encode(group)?.replace('.', "/"),
                    encode(artifact)?
                )
            }
        })
    }
}

fn ecosystem_index(ecosystem: Ecosystem) -> usize {
    match ecosystem {
        Ecosystem::PyPI => 0,
        Ecosystem::Npm => 1,
        Ecosystem::Maven => 2,
    }
}

/// `Ok(Some(true))` for 2xx, `Ok(Some(false))` for 404/410, `Ok(None)` for other statuses
/// (rate limits, server errors: no conclusion), `Err` when nothing answered.
fn ask(agent: &ureq::Agent, url: &str) -> Result<Option<bool>, ureq::Error> {
    let response = agent.head(url).call()?;
    let status = response.status().as_u16();
    Ok(match status {
        200..=299 => Some(true),
        404 | 410 => Some(false),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_lists_match_exact_names_and_prefixes() {
        let mut list = PackageList::default();
        let problems = list.parse(
            "# private packages\nnpm @bank/*\nPyPI Bank_Utils\nMaven com.bank:core # main\ncargo x\nnpm\n",
        );
        assert_eq!(
            problems,
            [
                "line 5: unknown ecosystem `cargo` (PyPI, npm or Maven)",
                "line 6: expected `<ecosystem> <name>`, found `npm`"
            ]
        );
        assert!(list.contains(Ecosystem::Npm, "@bank/ui"));
        assert!(list.contains(Ecosystem::PyPI, "bank-utils"));
        assert!(list.contains(Ecosystem::Maven, "com.bank:core"));
        assert!(!list.contains(Ecosystem::PyPI, "@bank/ui"));
        assert!(!list.contains(Ecosystem::Maven, "com.bank:other"));
    }

    #[test]
    fn registry_urls_encode_scopes_and_refuse_odd_names() {
        let registry = Registry::new(Path::new("/nonexistent"), RegistryUrls::default(), true);
        assert_eq!(
            registry.url(Ecosystem::Npm, "@types/node").as_deref(),
            Some("https://registry.npmjs.org/@types%2Fnode")
        );
        assert_eq!(
            registry
                .url(Ecosystem::Maven, "org.apache.logging.log4j:log4j-core")
                .as_deref(),
            Some(
                "https://repo1.maven.org/maven2/org/apache/logging/log4j/log4j-core/maven-metadata.xml"
            )
        );
        assert_eq!(
            registry.url(Ecosystem::PyPI, "requests").as_deref(),
            Some("https://pypi.org/pypi/requests/json")
        );
        assert_eq!(registry.url(Ecosystem::PyPI, "../admin"), None);
        assert_eq!(registry.url(Ecosystem::PyPI, "a?b"), None);
        assert_eq!(registry.url(Ecosystem::PyPI, ".."), None);
    }
}
