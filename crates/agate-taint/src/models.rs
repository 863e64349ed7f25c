//! Framework models: the sources of untrusted data each framework and runtime has, bundled
//! with agate so that rules name them (`model: flask`) instead of repeating them.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use agate_lang::Language;

use serde::Deserialize;

use crate::spec::Entry;

/// One model: its entries, and words every file it can match in contains (its prefilter).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Model {
    /// ASCII case-insensitive words; empty: no prefilter.
    pub(crate) keywords: Vec<String>,
    pub(crate) entries: Vec<Entry>,
}

type Models = BTreeMap<String, Model>;

const PYTHON: &str = include_str!("../models/python.yaml");
const JAVASCRIPT: &str = include_str!("../models/javascript.yaml");
const JAVA: &str = include_str!("../models/java.yaml");

/// Model `name` for `language`.
pub(crate) fn model(language: Language, name: &str) -> Result<&'static Model, String> {
    let models = models(language)?;
    models.get(name).ok_or_else(|| {
        let known: Vec<&str> = models.keys().map(String::as_str).collect();
        format!(
            "no model `{name}` for {}; the models are: {}",
            language.name(),
            known.join(", ")
        )
    })
}

fn models(language: Language) -> Result<&'static Models, String> {
    static PARSED: [OnceLock<Result<Models, String>>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let (slot, text) = match language {
        Language::Python => (&PARSED[0], PYTHON),
        Language::JavaScript | Language::TypeScript | Language::Tsx => (&PARSED[1], JAVASCRIPT),
        Language::Java => (&PARSED[2], JAVA),
    };
    slot.get_or_init(|| {
        ast_grep_config::from_str::<Models>(text).map_err(|error| {
            format!(
                "the bundled models for {} do not load: {error}",
                language.name()
            )
        })
    })
    .as_ref()
    .map_err(Clone::clone)
}
