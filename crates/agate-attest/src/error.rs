/// What can go wrong with keys and envelopes.
#[derive(Debug, thiserror::Error)]
pub enum AttestError {
    /// A key's text is not the PEM agate expects.
    #[error("not an ed25519 {kind} key in PEM: {reason}")]
    Key {
        /// `private` or `public`.
        kind: &'static str,
        /// What the decoder said.
        reason: String,
    },
    /// The system's random source failed while generating a key.
    #[error("cannot generate a key: the system's random source failed: {0}")]
    Random(String),
    /// An envelope or statement is not well-formed.
    #[error("malformed attestation: {0}")]
    Malformed(String),
    /// No signature of the envelope verifies with the key.
    #[error("no signature verifies with key `{key_id}`")]
    BadSignature {
        /// The key tried.
        key_id: String,
    },
}
