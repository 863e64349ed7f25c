//! Reads a gitleaks configuration (`.gitleaks.toml`, TOML, gitleaks v8) so teams keep the
//! rules and allowlists they already have.
//!
//! Each `[[rules]]` entry becomes a rule `gitleaks.<id>` (severity high) with its `regex`,
//! `secretGroup`, `entropy`, `keywords` and `path`; its `[rules.allowlist]` and
//! `[[rules.allowlists]]` (regexes with `regexTarget`, stopwords, path regexes) apply to it.
//! The top-level `[allowlist]` and `[[allowlists]]` apply to every rule, agate's included.
//! Rules with only a `path` (a file that must not exist) have nothing to match in a file's
//! text and are listed as skipped; allowlisted `commits` do not apply to file scans.

use agate_model::{Confidence, Severity};
use serde::Deserialize;

use crate::rule::{
    Allowlist, AllowlistFile, Examples, RuleError, RuleFile, SecretRule, Target, check_length,
};

/// What a gitleaks configuration adds.
#[derive(Debug, Default)]
pub struct Imported {
    /// Its rules, ids prefixed `gitleaks.`.
    pub rules: Vec<SecretRule>,
    /// Its global allowlists.
    pub allowlist: Allowlist,
    /// Rules that could not be used, with the reason.
    pub skipped: Vec<String>,
}

#[derive(Deserialize)]
struct Config {
    #[serde(default)]
    rules: Vec<Rule>,
    allowlist: Option<AllowlistToml>,
    #[serde(default)]
    allowlists: Vec<AllowlistToml>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    description: Option<String>,
    regex: Option<String>,
    secret_group: Option<usize>,
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    path: Option<String>,
    allowlist: Option<AllowlistToml>,
    #[serde(default)]
    allowlists: Vec<AllowlistToml>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct AllowlistToml {
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    regex_target: Option<String>,
}

/// Parses a gitleaks TOML configuration; `origin` names the file in errors.
pub fn load(text: &str, origin: &str) -> Result<Imported, RuleError> {
    let invalid = |message: String| RuleError::Invalid {
        path: origin.to_owned(),
        message,
    };
    let config: Config = toml::from_str(text)
        .map_err(|error| invalid(format!("not a gitleaks configuration: {error}")))?;
    let mut imported = Imported {
        allowlist: allowlists(config.allowlist.iter().chain(&config.allowlists), origin)?,
        ..Imported::default()
    };
    for rule in config.rules {
        let Some(regex) = rule.regex else {
            imported.skipped.push(format!(
                "gitleaks rule `{}` has no regex (path-only rules are not supported)",
                rule.id
            ));
            continue;
        };
        let file = RuleFile {
            id: format!("gitleaks.{}", rule.id),
            title: rule.description.unwrap_or_else(|| rule.id.clone()),
            severity: Severity::High,
            confidence: Some(Confidence::Medium),
            keywords: rule
                .keywords
                .iter()
                .map(|keyword| keyword.to_ascii_lowercase())
                .collect(),
            regex,
            secret_group: rule.secret_group.filter(|&group| group > 0),
            entropy: rule.entropy.filter(|&entropy| entropy > 0.0),
            check: crate::Check::None,
            context: Vec::new(),
            allowlist: AllowlistFile::default(),
            generic: false,
            ai_pattern: false,
            cwe: vec!["CWE-798".to_owned()],
            owasp: Vec::new(),
            compliance: Vec::new(),
            note: format!("Imported from the gitleaks configuration `{origin}`."),
            fake: None,
            examples: Examples::default(),
        };
        let mut compiled = SecretRule::compile(file, origin)?;
        compiled.allowlist = allowlists(rule.allowlist.iter().chain(&rule.allowlists), origin)?;
        if let Some(path) = rule.path {
            check_length(
                &path,
                &format!("rule `{}`: the path regex", rule.id),
                "regexes",
            )
            .map_err(invalid)?;
            compiled.only_paths =
                Some(regex::Regex::new(&path).map_err(|error| {
                    invalid(format!("rule `{}`: path regex: {error}", rule.id))
                })?);
        }
        imported.rules.push(compiled);
    }
    Ok(imported)
}

/// Compiles gitleaks allowlists into one.
fn allowlists<'a>(
    lists: impl Iterator<Item = &'a AllowlistToml>,
    origin: &str,
) -> Result<Allowlist, RuleError> {
    let invalid = |message: String| RuleError::Invalid {
        path: origin.to_owned(),
        message,
    };
    let compile = |pattern: &String| {
        check_length(pattern, "an allowlist regex", "regexes").map_err(invalid)?;
        regex::Regex::new(pattern)
            .map_err(|error| invalid(format!("allowlist regex `{pattern}`: {error}")))
    };
    let mut allowlist = Allowlist::default();
    for list in lists {
        let target = match list.regex_target.as_deref() {
            None | Some("secret") => Target::Secret,
            Some("match") => Target::Match,
            Some("line") => Target::Line,
            Some(other) => return Err(invalid(format!("unknown regexTarget `{other}`"))),
        };
        allowlist.extend(Allowlist::compile(
            &AllowlistFile {
                stopwords: list.stopwords.clone(),
                ..AllowlistFile::default()
            },
            origin,
        )?);
        allowlist.add_regexes(
            list.regexes.iter().map(compile).collect::<Result<_, _>>()?,
            target,
        );
        allowlist.add_path_regexes(list.paths.iter().map(compile).collect::<Result<_, _>>()?);
    }
    Ok(allowlist)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SecretScanner;
    use agate_model::MAX_PATTERN_BYTES;

    const CONFIG: &str = r#"
title = "team rules"

[extend]
useDefault = true

[[rules]]
id = "acme-api-key"
description = "Acme API key"
regex = '''acme_(?:live|test)_([0-9a-f]{32})'''
secretGroup = 1
keywords = ["acme_"]
[rules.allowlist]
regexes = ['''^0{32}$''']

[[rules]]
id = "internal-token"
regex = '''itk-[A-Za-z0-9]{24}'''
keywords = ["itk-"]
path = '''\.env$'''

[[rules]]
id = "pem-file"
path = '''\.pem$'''

[allowlist]
paths = ['''fixtures/''']
regexes = ['''example\.com''']
regexTarget = "line"
"#;

    #[test]
    fn rules_allowlists_and_paths_are_imported() {
        let imported = load(CONFIG, ".gitleaks.toml").unwrap();
        assert_eq!(imported.rules.len(), 2);
        assert_eq!(imported.skipped.len(), 1, "{:?}", imported.skipped);
        let scanner = SecretScanner::new(imported.rules, imported.allowlist).unwrap();
        let key = "acme_live_7f3a9c2e4b6d8f0a1c3e5b7d9f2a4c6e";
        let found = scanner.findings("src/app.py", format!("KEY = '{key}'\n").as_bytes());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule_id, "gitleaks.acme-api-key");
        assert!(!found[0].snippet.contains("7f3a9c2e4b6d8f0a"));
        let zero = format!("acme_test_{}", "0".repeat(32));
        assert!(
            scanner.findings("src/app.py", zero.as_bytes()).is_empty(),
            "rule allowlist"
        );
        assert!(
            scanner
                .findings("fixtures/keys.py", key.as_bytes())
                .is_empty(),
            "global path"
        );
        let line = format!("url = 'https://example.com' # {key}");
        assert!(
            scanner.findings("src/app.py", line.as_bytes()).is_empty(),
            "line target"
        );
        let token = "itk-Q2w3E4r5T6y7U8i9O0p1A2s3";
        assert_eq!(scanner.findings("deploy/.env", token.as_bytes()).len(), 1);
        assert!(
            scanner.findings("src/app.py", token.as_bytes()).is_empty(),
            "rule path"
        );
    }

    #[test]
    fn issue_7_patterns_over_4_kib_are_refused_before_compiling() {
        let long = "a".repeat(MAX_PATTERN_BYTES + 1);
        for (config, what) in [
            (
                format!("[[rules]]\nid = 'x'\nregex = '{long}'\n"),
                "rule `gitleaks.x`: the regex is 4097 bytes long",
            ),
            (
                format!("[[rules]]\nid = 'x'\nregex = 'k'\npath = '{long}'\n"),
                "rule `x`: the path regex is 4097 bytes long",
            ),
            (
                format!("[allowlist]\nregexes = ['{long}']\n"),
                "an allowlist regex is 4097 bytes long",
            ),
        ] {
            let error = load(&config, "team.toml").unwrap_err().to_string();
            assert_eq!(
                error,
                format!("team.toml: {what}; regexes are limited to 4096 bytes (4 KiB)")
            );
        }
        let yaml = format!(
            "id: secret.x\ntitle: x\nseverity: high\nregex: 'k'\nallowlist:\n  paths: ['{long}']\n"
        );
        let error = SecretRule::from_yaml(&yaml, "secret.x.yaml")
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "secret.x.yaml: allowlist path 1 is 4097 bytes long; globs are limited to 4096 bytes (4 KiB)"
        );
        let exact = "a".repeat(MAX_PATTERN_BYTES);
        assert!(
            load(
                &format!("[[rules]]\nid = 'x'\nregex = '{exact}'\n"),
                "t.toml"
            )
            .is_ok()
        );
    }

    #[test]
    fn bad_configurations_are_errors_naming_the_file() {
        let error = load("[[rules]]\nid = 'x'\nregex = '('\n", "team.toml").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("team.toml: rule `gitleaks.x`"),
            "{error}"
        );
        assert!(load("not toml =", "team.toml").is_err());
    }
}
