//! agate's secrets analyzer.
//!
//! Rules are YAML files (`rules/secrets/<id>.yaml`): a regex whose capture group is the
//! secret, keywords for an Aho-Corasick prefilter, an entropy threshold, a check (a token
//! checksum, Luhn for card numbers, placeholder filtering) and allowlists. Teams can bring
//! their gitleaks TOML configuration ([`gitleaks::load`]). A secret is held in
//! [`agate_model::Redacted`] from the moment it is matched, so findings carry only its
//! redacted form: a short prefix, the length and a hash. The same engine redacts any text
//! agate shows ([`SecretScanner::redact`]), and tools' output and command lines, where
//! secrets also hide behind option names ([`SecretScanner::redact_tool_output`]).
//!
//! ```
//! use agate_secrets::{Allowlist, SecretScanner, bundled_rules};
//!
//! let scanner = SecretScanner::new(bundled_rules().unwrap(), Allowlist::default()).unwrap();
//! let text = b"aws_access_key_id = \"AKIAZ7QXD2M4PLRVN3KQ\"\n";
//! let findings = scanner.findings("config.py", text);
//! assert_eq!(findings[0].rule_id, "secret.aws-access-key-id");
//! assert!(!findings[0].snippet.contains("AKIAZ7QXD2M4PLRVN3KQ"));
//! ```
#![warn(missing_docs)]

mod checks;
pub mod gitleaks;
mod redact;
mod rule;
mod scanner;

pub use checks::{Check, base62_checksum, is_placeholder, luhn};
pub use redact::{KnownSecrets, is_secret_name};
pub use rule::{Allowlist, AllowlistFile, Examples, RuleError, RuleFile, SecretRule};
pub use scanner::{SecretMatch, SecretScanner, SecretsScan};

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// The bundled rules, compiled.
pub fn bundled_rules() -> Result<Vec<SecretRule>, RuleError> {
    bundled::BUNDLED
        .iter()
        .map(|(name, text)| SecretRule::from_yaml(text, &format!("rules/secrets/{name}")))
        .collect()
}

/// The ids of the bundled rules, without parsing them (an id is its file's stem).
pub fn bundled_rule_ids() -> Vec<String> {
    bundled::BUNDLED
        .iter()
        .filter_map(|(name, _)| name.strip_suffix(".yaml"))
        .map(str::to_owned)
        .collect()
}

/// The ids of the rules in `dir` (an id is its file's stem), without reading them.
pub fn rule_ids_in(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
                .filter_map(|path| Some(path.file_stem()?.to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The largest secret rule file read: a rule is a regex and a few samples, a few kilobytes;
/// the bound keeps a device or runaway file from exhausting memory.
const MAX_RULE_FILE_BYTES: u64 = 1024 * 1024;

/// Loads every `*.yaml` secret rule in `dir`, sorted by file name.
pub fn load_dir(dir: &std::path::Path) -> Result<Vec<SecretRule>, RuleError> {
    let mut paths: Vec<_> = fs_err::read_dir(dir)?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text = agate_fs::read_to_string_bounded(path, MAX_RULE_FILE_BYTES)?;
            SecretRule::from_yaml(&text, &path.display().to_string())
        })
        .collect()
}
