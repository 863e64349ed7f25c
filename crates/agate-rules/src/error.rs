use std::path::PathBuf;

/// Why a rule file could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// The file or folder could not be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A rule file or fixture is not a regular file, or too large.
    #[error(transparent)]
    File(#[from] agate_fs::FsError),
    /// The YAML is malformed or does not have the shape of a rule.
    #[error("{path}: {message}\n  help: see docs/rules.md for the rule format")]
    Yaml {
        /// The rule file.
        path: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// The rule parsed but breaks one of agate's requirements.
    #[error("{path}: rule `{id}`: {message}")]
    Invalid {
        /// The rule file.
        path: String,
        /// The rule id.
        id: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// ast-grep could not compile the rule for a language.
    #[error("{path}: rule `{id}` does not compile for {language}: {message}")]
    Compile {
        /// The rule file.
        path: String,
        /// The rule id.
        id: String,
        /// The target language.
        language: String,
        /// ast-grep's explanation.
        message: String,
    },
    /// Two rule files declare the same id.
    #[error(
        "duplicate rule id `{id}` in {first} and {second}\n  help: rule ids must be unique; rename one of them"
    )]
    Duplicate {
        /// The id.
        id: String,
        /// The file loaded first.
        first: String,
        /// The file loaded second.
        second: String,
    },
}
