use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use agate_lang::Language;
use rayon::prelude::*;

use crate::rule::Compile;
use crate::{Rule, RuleError};

/// The largest rule file or fixture read: a rule is a few kilobytes of YAML, a fixture a
/// page of code; the bound keeps a device or runaway file from exhausting memory.
const MAX_RULE_FILE_BYTES: u64 = 1024 * 1024;

/// A set of loaded rules with unique ids, ordered by id.
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

impl RuleSet {
    /// Loads the rules bundled into agate.
    pub fn bundled() -> Result<RuleSet, RuleError> {
        let files = crate::bundled::BUNDLED
            .iter()
            .map(|(path, text)| (format!("bundled:{path}"), (*text).to_owned()));
        RuleSet::from_files(files.collect(), Compile::Later)
    }

    /// The ids of the bundled rules, without parsing them (an id is its file's stem).
    pub fn bundled_ids() -> Vec<String> {
        crate::bundled::BUNDLED
            .iter()
            .filter(|(path, _)| has_extension(Path::new(path), &["yaml", "yml"]))
            .map(|(path, _)| id_of(path))
            .collect()
    }

    /// The ids of the rules under `dir`, without parsing them.
    pub fn ids_in(dir: &Path) -> Result<Vec<String>, RuleError> {
        let mut paths = Vec::new();
        collect_files(dir, &mut paths)?;
        Ok(paths
            .iter()
            .filter(|path| has_extension(path, &["yaml", "yml"]))
            .map(|path| id_of(&path.to_string_lossy()))
            .collect())
    }

    /// Loads every `*.yaml`/`*.yml` rule under `dir` (recursively), with the fixtures beside them.
    pub fn load_dir(dir: &Path) -> Result<RuleSet, RuleError> {
        let mut paths = Vec::new();
        collect_files(dir, &mut paths)?;
        let mut files = Vec::with_capacity(paths.len());
        for path in paths {
            let is_rule = has_extension(&path, &["yaml", "yml"]);
            if !is_rule && Language::from_path(&path).is_none() {
                continue;
            }
            let text = agate_fs::read_to_string_bounded(&path, MAX_RULE_FILE_BYTES)?;
            files.push((path.to_string_lossy().into_owned(), text));
        }
        RuleSet::from_files(files, Compile::Now)
    }

    /// Parses one rule from YAML text; `path` names it in errors and its stem must be the id.
    pub fn load_str(path: &str, yaml: &str) -> Result<RuleSet, RuleError> {
        RuleSet::from_files(vec![(path.to_owned(), yaml.to_owned())], Compile::Now)
    }

    /// Builds a set from `(path, text)` pairs: rule YAML files and the fixtures beside them.
    pub(crate) fn from_files(
        files: Vec<(String, String)>,
        compile: Compile,
    ) -> Result<RuleSet, RuleError> {
        let (yamls, others): (Vec<_>, Vec<_>) = files
            .into_iter()
            .partition(|(path, _)| has_extension(Path::new(path), &["yaml", "yml"]));
        // Fixtures are keyed by their path without the extension: `dir/py.x.py` → `dir/py.x`.
        let mut fixtures: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (path, text) in others {
            let key = strip_extension(&path).to_owned();
            fixtures.entry(key).or_default().push((path, text));
        }
        let sources: Vec<_> = yamls
            .into_iter()
            .map(|(path, yaml)| {
                let stem = strip_extension(&path);
                let mut own = fixtures.remove(stem).unwrap_or_default();
                // `py.x.fixed.py`: the fixture with the rule's fixes applied.
                own.extend(
                    fixtures
                        .remove(&format!("{stem}{}", crate::fix::FIXED_SUFFIX))
                        .unwrap_or_default(),
                );
                (path, yaml, own)
            })
            .collect();
        // Compiling a rule (its patterns, once per target language) is most of a scan's
        // start-up: done in parallel, then added in order, so the first error is the same.
        let parsed: Vec<Result<Rule, RuleError>> = sources
            .into_par_iter()
            .map(|(path, yaml, own)| Rule::parse(&path, &yaml, own, compile))
            .collect();
        let mut set = RuleSet::default();
        for rule in parsed {
            set.insert(rule?)?;
        }
        Ok(set)
    }

    /// Adds the rules of `other`; an id present in both is an error.
    pub fn extend(&mut self, other: RuleSet) -> Result<(), RuleError> {
        for rule in other.rules {
            self.insert(rule)?;
        }
        Ok(())
    }

    pub(crate) fn insert(&mut self, rule: Rule) -> Result<(), RuleError> {
        match self
            .rules
            .binary_search_by(|probe| probe.id().cmp(rule.id()))
        {
            Ok(index) => Err(RuleError::Duplicate {
                id: rule.id().to_owned(),
                first: self.rules[index].source().to_owned(),
                second: rule.source().to_owned(),
            }),
            Err(index) => {
                let family = |language: Language| language.rule_targets();
                let taint_rules = self
                    .rules
                    .iter()
                    .filter(|known| {
                        known.is_taint() && family(known.language()) == family(rule.language())
                    })
                    .count();
                if rule.is_taint() && taint_rules >= agate_taint::MAX_RULES {
                    return Err(RuleError::Invalid {
                        path: rule.source().to_owned(),
                        id: rule.id().to_owned(),
                        message: format!(
                            "one scan runs at most {} taint rules per language; merge rules that share sources, or disable some",
                            agate_taint::MAX_RULES
                        ),
                    });
                }
                self.rules.insert(index, rule);
                Ok(())
            }
        }
    }

    /// Keeps only the rules for which `keep` returns true.
    pub fn retain(&mut self, keep: impl FnMut(&Rule) -> bool) {
        self.rules.retain(keep);
    }

    /// Returns the rule with this id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules
            .binary_search_by(|probe| probe.id().cmp(id))
            .ok()
            .map(|index| &self.rules[index])
    }

    /// Returns the rules, ordered by id.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Rule> {
        self.rules.iter()
    }

    /// Returns the number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Returns true when the set has no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| extensions.contains(&extension))
}

/// A rule's id: its file name without the `.yaml`/`.yml` extension.
fn id_of(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    strip_extension(name).to_owned()
}

fn strip_extension(path: &str) -> &str {
    let name_start = path.rfind(['/', '\\']).map_or(0, |index| index + 1);
    match path[name_start..].rfind('.') {
        Some(dot) if dot > 0 => &path[..name_start + dot],
        _ => path,
    }
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), RuleError> {
    let read_error = |source| RuleError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries = fs_err::read_dir(dir)
        .map_err(read_error)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(read_error)?;
    entries.sort_by_key(fs_err::DirEntry::path);
    for entry in entries {
        let path = entry.path();
        let kind = entry.file_type().map_err(read_error)?;
        if kind.is_dir() {
            collect_files(&path, files)?;
        } else if kind.is_file() {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_rules_load_and_cover_every_language() {
        let set = RuleSet::bundled().unwrap();
        let count = |language: Language| {
            set.iter()
                .filter(|rule| rule.language() == language)
                .count()
        };
        assert!(
            count(Language::Python) >= 30,
            "python: {}",
            count(Language::Python)
        );
        assert!(
            count(Language::JavaScript) >= 25,
            "javascript: {}",
            count(Language::JavaScript)
        );
        assert!(
            count(Language::Java) >= 20,
            "java: {}",
            count(Language::Java)
        );
    }

    #[test]
    fn bundled_rules_compiled_later_compile_as_when_loaded_now() {
        // The bundled rules are compiled when a scan first needs them, where a failure
        // would only skip the rule: each must compile (as a team's rules are at load).
        for (path, text) in crate::bundled::BUNDLED {
            if !has_extension(Path::new(path), &["yaml", "yml"]) {
                continue;
            }
            let rule = Rule::parse(path, text, Vec::new(), Compile::Now)
                .unwrap_or_else(|error| panic!("{path}: {error}"));
            assert!(
                rule.runs_on(rule.language()),
                "{path} does not run on its own language"
            );
        }
        let later = RuleSet::bundled().unwrap();
        assert!(later.iter().all(|rule| rule.runs_on(rule.language())));
    }

    #[test]
    fn duplicate_ids_name_both_files() {
        let yaml = "id: py.x\nlanguage: python\nmessage: m\nrule: { pattern: eval($A) }\nmetadata: { severity: low, confidence: low, cwe: [CWE-95] }\n";
        let files = vec![
            ("a/py.x.yaml".to_owned(), yaml.to_owned()),
            ("b/py.x.yaml".to_owned(), yaml.to_owned()),
        ];
        let error = RuleSet::from_files(files, Compile::Now).unwrap_err();
        assert!(
            error.to_string().contains("a/py.x.yaml and b/py.x.yaml"),
            "{error}"
        );
    }

    #[test]
    fn fixtures_are_matched_to_rules_by_stem() {
        assert_eq!(strip_extension("dir/py.x.py"), "dir/py.x");
        assert_eq!(strip_extension("dir/py.x.yaml"), "dir/py.x");
        assert_eq!(strip_extension("dir.d/noext"), "dir.d/noext");
    }
}
