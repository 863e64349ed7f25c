//! ed25519 keys as PEM: PKCS#8 for the private key, SubjectPublicKeyInfo for the public one.

use std::fmt;

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};

use crate::AttestError;

/// A signing key. Its `Debug` shows the key id only; the key leaves only through
/// [`PrivateKey::to_pem`], in a buffer wiped when dropped.
pub struct PrivateKey(SigningKey);

/// A verifying key.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PrivateKey {
    /// A new key from the system's random source.
    pub fn generate() -> Result<PrivateKey, AttestError> {
        let mut seed = zeroize::Zeroizing::new([0_u8; 32]);
        getrandom::fill(seed.as_mut_slice())
            .map_err(|error| AttestError::Random(error.to_string()))?;
        Ok(PrivateKey(SigningKey::from_bytes(&seed)))
    }

    /// Reads a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`).
    pub fn from_pem(text: &str) -> Result<PrivateKey, AttestError> {
        SigningKey::from_pkcs8_pem(text.trim())
            .map(PrivateKey)
            .map_err(|error| AttestError::Key {
                kind: "private",
                reason: error.to_string(),
            })
    }

    /// The key as PKCS#8 PEM, wiped from memory when dropped.
    pub fn to_pem(&self) -> Result<zeroize::Zeroizing<String>, AttestError> {
        self.0
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|error| AttestError::Key {
                kind: "private",
                reason: error.to_string(),
            })
    }

    /// Its public half.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Signs `message` (ed25519, deterministic).
    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({})", self.public().key_id())
    }
}

impl PublicKey {
    /// Reads a SubjectPublicKeyInfo PEM public key (`-----BEGIN PUBLIC KEY-----`).
    pub fn from_pem(text: &str) -> Result<PublicKey, AttestError> {
        VerifyingKey::from_public_key_pem(text.trim())
            .map(PublicKey)
            .map_err(|error| AttestError::Key {
                kind: "public",
                reason: error.to_string(),
            })
    }

    /// The key as SubjectPublicKeyInfo PEM.
    pub fn to_pem(&self) -> Result<String, AttestError> {
        self.0
            .to_public_key_pem(LineEnding::LF)
            .map_err(|error| AttestError::Key {
                kind: "public",
                reason: error.to_string(),
            })
    }

    /// The key's id: `SHA256:` and the hex SHA-256 of its 32 raw bytes. Envelopes name the
    /// key that signed them by it.
    pub fn key_id(&self) -> String {
        format!("SHA256:{}", agate_model::sha256_hex(self.0.as_bytes()))
    }

    /// Whether `signature` is this key's strict ed25519 signature of `message`.
    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(signature) = ed25519_dalek::Signature::from_slice(signature) else {
            return false;
        };
        self.0.verify_strict(message, &signature).is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.key_id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_round_trips_through_pem() {
        let key = PrivateKey::generate().unwrap();
        let pem = key.to_pem().unwrap();
        assert!(
            pem.starts_with("-----BEGIN PRIVATE KEY-----\n"),
            "{}",
            pem.as_str()
        );
        let again = PrivateKey::from_pem(&pem).unwrap();
        assert_eq!(again.public(), key.public());
        let public = key.public().to_pem().unwrap();
        assert!(
            public.starts_with("-----BEGIN PUBLIC KEY-----\n"),
            "{public}"
        );
        assert_eq!(PublicKey::from_pem(&public).unwrap(), key.public());
        assert_ne!(
            PrivateKey::generate().unwrap().public(),
            key.public(),
            "two keys from the random source differ"
        );
    }

    #[test]
    fn debug_never_shows_the_private_key() {
        let key = PrivateKey::generate().unwrap();
        let shown = format!("{key:?}");
        assert!(shown.starts_with("PrivateKey(SHA256:"), "{shown}");
        let pem = key.to_pem().unwrap();
        let body: String = pem.lines().nth(1).unwrap().chars().take(16).collect();
        assert!(!shown.contains(&body));
    }

    #[test]
    fn rfc_8032_test_vector_1_signs_as_published() {
        // RFC 8032, section 7.1, TEST 1: the empty message.
        let secret: [u8; 32] =
            hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        let key = PrivateKey(SigningKey::from_bytes(&secret));
        let signature = key.sign(b"");
        let expected = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
        assert_eq!(to_hex(&signature), expected);
        assert!(key.public().verifies(b"", &signature));
        assert!(!key.public().verifies(b"x", &signature));
    }

    #[test]
    fn keys_in_other_forms_are_refused_with_the_reason() {
        for text in [
            "",
            "not a key",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        ] {
            let error = PrivateKey::from_pem(text).unwrap_err();
            assert!(
                error
                    .to_string()
                    .starts_with("not an ed25519 private key in PEM"),
                "{error}"
            );
        }
        let private = PrivateKey::generate().unwrap().to_pem().unwrap();
        assert!(
            PublicKey::from_pem(&private).is_err(),
            "a private key is not a public key"
        );
    }

    fn hex<const N: usize>(text: &str) -> [u8; N] {
        let mut bytes = [0_u8; N];
        for (index, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[index * 2..index * 2 + 2], 16).unwrap();
        }
        bytes
    }

    fn to_hex(bytes: &[u8]) -> String {
        agate_model::hex(bytes)
    }
}
