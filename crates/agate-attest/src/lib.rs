//! Signed attestations of agate's verdicts.
//!
//! A verdict is recorded as an [in-toto Statement](https://github.com/in-toto/attestation)
//! (`statement`): the subject is what was checked (a git commit, optionally artifact digests)
//! and the predicate what agate decided about it. The statement is the payload of a
//! [DSSE envelope](https://github.com/secure-systems-lab/dsse) (`dsse`), signed with an
//! ed25519 key (`keys`): the signature covers the payload type and the payload bytes through
//! DSSE's pre-authentication encoding, so neither can be swapped. Keys are PEM files any
//! tool reads (PKCS#8 for the private key, SubjectPublicKeyInfo for the public one).
//!
//! Nothing here reads files or the environment: callers hand in the texts (bounded) and
//! write what comes back.

mod dsse;
mod error;
mod gate;
mod keys;
mod statement;

pub use dsse::{Envelope, EnvelopeSignature, pae};
pub use error::AttestError;
pub use gate::{
    AttestedGate, AttestedTool, GATE_PREDICATE_TYPE, GatePredicate, IN_TOTO_PAYLOAD_TYPE,
    Unattestable, commit_of, gate_statement, open, sign,
};
pub use keys::{PrivateKey, PublicKey};
pub use statement::{STATEMENT_TYPE, Statement, Subject};
