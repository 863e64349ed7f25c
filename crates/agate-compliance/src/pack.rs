//! The pack format: a framework's controls and what is evidence for each.

use agate_model::Analyzer;
use globset::{GlobBuilder, GlobMatcher};
use serde::Deserialize;
use serde_saphyr::Spanned;

/// The bundled packs: file name and text.
const BUNDLED: [(&str, &str); 4] = [
    ("pci-dss-4.yaml", include_str!("../packs/pci-dss-4.yaml")),
    (
        "owasp-top10-2021.yaml",
        include_str!("../packs/owasp-top10-2021.yaml"),
    ),
    (
        "cwe-top25-2024.yaml",
        include_str!("../packs/cwe-top25-2024.yaml"),
    ),
    (
        "owasp-llm-top10-2025.yaml",
        include_str!("../packs/owasp-llm-top10-2025.yaml"),
    ),
];

/// The longest pack file read: the bundled ones are a few kilobytes.
pub const MAX_PACK_BYTES: u64 = 1024 * 1024;

/// Why a pack cannot be used: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}\n  help: {help}")]
pub struct PackError {
    /// The pack's file, as shown.
    pub file: String,
    /// The 1-based line.
    pub line: u64,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// A compliance framework: its controls and the evidence each rests on.
#[derive(Debug, Clone)]
pub struct Pack {
    /// What `--framework` and `gates.NAME.frameworks` name, e.g. `pci-dss-4`.
    pub id: String,
    /// The prefix rules use in their `compliance:` metadata, e.g. `PCI-DSS-4`.
    pub tag: String,
    /// The framework's title, e.g. `PCI DSS v4.0`.
    pub title: String,
    /// Its controls, in the order the pack lists them.
    pub controls: Vec<Control>,
}

/// One control of a framework.
#[derive(Debug, Clone)]
pub struct Control {
    /// The id as the standard numbers it, e.g. `6.2.4`.
    pub id: String,
    /// The standard's wording, shortened.
    pub title: String,
    /// What is evidence for it.
    pub evidence: ControlEvidence,
}

/// What is evidence for a control: rules (by id or glob, CWE, OWASP category), analyzers
/// whose having run is evidence, and gates whose having run and passed is.
#[derive(Debug, Clone, Default)]
pub struct ControlEvidence {
    /// Rule ids or globs (`js.*-injection`).
    pub rules: Vec<String>,
    /// CWE ids: a rule tagged with one is evidence.
    pub cwe: Vec<String>,
    /// OWASP categories: a rule tagged with one is evidence.
    pub owasp: Vec<String>,
    /// Analyzers whose having run is evidence (their findings fail the control).
    pub analyzers: Vec<Analyzer>,
    /// Gates whose having run and passed is evidence.
    pub gates: Vec<String>,
    /// `rules`, compiled.
    matchers: Vec<GlobMatcher>,
}

impl ControlEvidence {
    /// Whether a rule id matches one of `rules`.
    pub fn names_rule(&self, id: &str) -> bool {
        self.matchers.iter().any(|matcher| matcher.is_match(id))
    }

    /// Whether the control lists any evidence at all.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
            && self.cwe.is_empty()
            && self.owasp.is_empty()
            && self.analyzers.is_empty()
            && self.gates.is_empty()
    }
}

/// The packs known to a run: the bundled ones, extended or joined by a team's.
#[derive(Debug, Clone)]
pub struct Packs(Vec<Pack>);

impl Packs {
    /// The bundled packs.
    ///
    /// # Errors
    ///
    /// A bundled pack that does not parse (a unit test keeps them valid).
    pub fn bundled() -> Result<Packs, PackError> {
        BUNDLED
            .iter()
            .map(|(file, text)| Pack::parse(file, text))
            .collect::<Result<Vec<_>, _>>()
            .map(Packs)
    }

    /// Adds a team's pack; a pack whose id is already known extends that framework: its
    /// controls add evidence to the controls of the same id and append the others.
    ///
    /// # Errors
    ///
    /// An extension whose `tag` differs from the framework's (`file` names it).
    pub fn add(&mut self, file: &str, pack: Pack) -> Result<(), PackError> {
        let Some(known) = self.0.iter_mut().find(|known| known.id == pack.id) else {
            self.0.push(pack);
            return Ok(());
        };
        if known.tag != pack.tag {
            return Err(PackError {
                file: file.to_owned(),
                line: 1,
                message: format!(
                    "pack `{}` extends the framework of that id, whose tag is `{}`, not `{}`",
                    pack.id, known.tag, pack.tag
                ),
                help: format!("write `tag: {}`, or give the pack its own `id`", known.tag),
            });
        }
        let mut index: std::collections::HashMap<String, usize> = known
            .controls
            .iter()
            .enumerate()
            .map(|(at, control)| (control.id.clone(), at))
            .collect();
        for control in pack.controls {
            if let Some(old) = index
                .get(&control.id)
                .and_then(|&at| known.controls.get_mut(at))
            {
                old.evidence.extend(control.evidence);
            } else {
                index.insert(control.id.clone(), known.controls.len());
                known.controls.push(control);
            }
        }
        Ok(())
    }

    /// A framework by id.
    pub fn get(&self, id: &str) -> Option<&Pack> {
        self.0.iter().find(|pack| pack.id == id)
    }

    /// Every framework, bundled first.
    pub fn iter(&self) -> impl Iterator<Item = &Pack> {
        self.0.iter()
    }

    /// The ids of every framework, for help messages.
    pub fn ids(&self) -> Vec<&str> {
        self.0.iter().map(|pack| pack.id.as_str()).collect()
    }
}

impl ControlEvidence {
    fn extend(&mut self, more: ControlEvidence) {
        fn join<T: PartialEq>(list: &mut Vec<T>, more: Vec<T>) {
            for item in more {
                if !list.contains(&item) {
                    list.push(item);
                }
            }
        }
        join(&mut self.rules, more.rules);
        join(&mut self.cwe, more.cwe);
        join(&mut self.owasp, more.owasp);
        join(&mut self.analyzers, more.analyzers);
        join(&mut self.gates, more.gates);
        self.matchers.extend(more.matchers);
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    id: Spanned<String>,
    tag: Spanned<String>,
    title: String,
    controls: Vec<ControlFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ControlFile {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    evidence: EvidenceFile,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceFile {
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    cwe: Vec<Spanned<String>>,
    #[serde(default)]
    owasp: Vec<Spanned<String>>,
    #[serde(default)]
    analyzers: Vec<Spanned<String>>,
    #[serde(default)]
    gates: Vec<Spanned<String>>,
}

const FORMAT_HELP: &str = "a pack is `id`, `tag`, `title` and `controls:`, each control `id`, `title` and `evidence:` with `rules`, `cwe`, `owasp`, `analyzers`, `gates` (see docs/compliance.md)";

impl Pack {
    /// Parses a pack; `file` is how errors name it.
    ///
    /// # Errors
    ///
    /// Malformed YAML, an unknown key, an empty or repeated id, a bad glob, an unknown
    /// analyzer, a CWE not written `CWE-N`: each at its line.
    pub fn parse(file: &str, text: &str) -> Result<Pack, PackError> {
        let error = |line: u64, message: String, help: &str| PackError {
            file: file.to_owned(),
            line,
            message,
            help: help.to_owned(),
        };
        let parsed: PackFile = serde_saphyr::from_str(text).map_err(|yaml| {
            let yaml = yaml.without_snippet();
            let line = yaml.location().map_or(1, |location| location.line());
            error(line, yaml_message(yaml), FORMAT_HELP)
        })?;
        for (field, value) in [("id", &parsed.id), ("tag", &parsed.tag)] {
            let text = value.value.trim();
            if text.is_empty() || text.contains(char::is_whitespace) {
                return Err(error(
                    value.referenced.line(),
                    format!(
                        "the pack's `{field}` must be one word, not `{}`",
                        value.value
                    ),
                    "e.g. `id: pci-dss-4` and `tag: PCI-DSS-4`",
                ));
            }
        }
        let mut controls: Vec<Control> = Vec::with_capacity(parsed.controls.len());
        // A set, not a search of the list: a pack of tens of thousands of controls fits in
        // the size limit.
        let mut seen: std::collections::HashSet<String> =
            std::collections::HashSet::with_capacity(parsed.controls.len());
        for control in parsed.controls {
            let id = control.id.value.trim().to_owned();
            if id.is_empty() || id.contains(['\n', '\r']) || id == "all" {
                return Err(error(
                    control.id.referenced.line(),
                    format!("invalid control id `{}`", control.id.value),
                    "write the id as the standard numbers it, e.g. `6.2.4` (`all` is reserved)",
                ));
            }
            if !seen.insert(id.clone()) {
                return Err(error(
                    control.id.referenced.line(),
                    format!("control `{id}` is listed twice"),
                    "list each control once, with all its evidence",
                ));
            }
            let evidence = evidence(control.evidence, &error)?;
            controls.push(Control {
                id,
                title: control.title.trim().to_owned(),
                evidence,
            });
        }
        Ok(Pack {
            id: parsed.id.value.trim().to_owned(),
            tag: parsed.tag.value.trim().to_owned(),
            title: parsed.title.trim().to_owned(),
            controls,
        })
    }

    /// A control by id.
    pub fn control(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|control| control.id == id)
    }

    /// The ids of its controls, for help messages.
    pub fn control_ids(&self) -> Vec<&str> {
        self.controls
            .iter()
            .map(|control| control.id.as_str())
            .collect()
    }

    /// The controls a rule is evidence for: by its id, CWE, OWASP tags, its own
    /// `compliance:` metadata naming `TAG ID`, or its analyzer.
    pub fn controls_of<'p>(&'p self, rule: &crate::CatalogueRule) -> Vec<&'p Control> {
        self.controls
            .iter()
            .filter(|control| {
                crate::evaluate::maps(self, control, rule)
                    || control.evidence.analyzers.contains(&rule.analyzer)
            })
            .collect()
    }
}

fn evidence(
    file: EvidenceFile,
    error: &impl Fn(u64, String, &str) -> PackError,
) -> Result<ControlEvidence, PackError> {
    let mut matchers = Vec::with_capacity(file.rules.len());
    for rule in &file.rules {
        let glob = GlobBuilder::new(rule.value.trim())
            .literal_separator(false)
            .build()
            .map_err(|glob| {
                error(
                    rule.referenced.line(),
                    format!("invalid rule glob `{}`: {}", rule.value, glob.kind()),
                    "rules are ids or globs, e.g. `py.sql-injection` or `js.*-injection`",
                )
            })?;
        matchers.push(glob.compile_matcher());
    }
    for cwe in &file.cwe {
        let valid = cwe
            .value
            .strip_prefix("CWE-")
            .is_some_and(|number| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()));
        if !valid {
            return Err(error(
                cwe.referenced.line(),
                format!("`{}` is not a CWE id", cwe.value),
                "write CWE ids as `CWE-89`",
            ));
        }
    }
    let mut analyzers = Vec::with_capacity(file.analyzers.len());
    for analyzer in &file.analyzers {
        let parsed: Analyzer = analyzer.value.trim().parse().map_err(|_| {
            let names: Vec<&str> = Analyzer::ALL.iter().map(|a| a.as_str()).collect();
            error(
                analyzer.referenced.line(),
                format!("unknown analyzer `{}`", analyzer.value),
                &format!("expected one of: {}", names.join(", ")),
            )
        })?;
        analyzers.push(parsed);
    }
    let text = |list: Vec<Spanned<String>>| -> Vec<String> {
        list.into_iter()
            .map(|item| item.value.trim().to_owned())
            .collect()
    };
    Ok(ControlEvidence {
        rules: text(file.rules),
        cwe: text(file.cwe),
        owasp: text(file.owasp),
        analyzers,
        gates: text(file.gates),
        matchers,
    })
}

/// The message of a YAML error, without its position (the caller gives it).
fn yaml_message(error: &serde_saphyr::Error) -> String {
    match error {
        serde_saphyr::Error::SerdeUnknownField {
            field, expected, ..
        } => format!(
            "unknown key `{field}`; expected one of: {}",
            expected.join(", ")
        ),
        other => {
            let text = other.to_string();
            match text.split_once(": ") {
                Some((head, rest)) if head.contains("line") => rest.to_owned(),
                _ => text,
            }
        }
    }
}
