/// Why the pipeline could not produce a report.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The request, the configuration or a file it names is wrong; the message says what
    /// and how to fix it (the CLI exits 2).
    #[error("{0}")]
    Invalid(String),
    /// agate itself could not do its job (the CLI exits 3).
    #[error("{0}")]
    Failed(String),
}

impl PipelineError {
    /// An error of the request or configuration, from anything that describes itself.
    pub(crate) fn invalid(error: impl std::fmt::Display) -> PipelineError {
        PipelineError::Invalid(error.to_string())
    }
}

/// The pipeline's results.
pub type Result<T, E = PipelineError> = std::result::Result<T, E>;
