//! DSSE envelopes: a payload, its type, and signatures over both.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use crate::{AttestError, PrivateKey, PublicKey};

/// A signed payload, as DSSE's JSON envelope spells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Envelope {
    /// The payload, base64 (standard alphabet, padded).
    pub payload: String,
    /// What the payload is, e.g. `application/vnd.in-toto+json`.
    pub payload_type: String,
    /// Signatures over the pre-authentication encoding of type and payload.
    pub signatures: Vec<EnvelopeSignature>,
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeSignature {
    /// The signing key's id ([`PublicKey::key_id`]); a hint, never trusted on its own.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub keyid: String,
    /// The signature, base64.
    pub sig: String,
}

/// DSSE's pre-authentication encoding: `DSSEv1 <len> <type> <len> <payload>`, lengths in
/// ASCII decimal bytes. What is signed, so a signature binds the type as well as the payload.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut encoded = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    encoded.extend_from_slice(payload);
    encoded
}

impl Envelope {
    /// Signs `payload` of type `payload_type` with `key`.
    pub fn sign(payload_type: &str, payload: &[u8], key: &PrivateKey) -> Envelope {
        let signature = key.sign(&pae(payload_type, payload));
        Envelope {
            payload: STANDARD.encode(payload),
            payload_type: payload_type.to_owned(),
            signatures: vec![EnvelopeSignature {
                keyid: key.public().key_id(),
                sig: STANDARD.encode(signature),
            }],
        }
    }

    /// The payload, when a signature of the envelope verifies with `key`. Key ids are only
    /// hints: every signature is tried against the key.
    pub fn verify(&self, key: &PublicKey) -> Result<Vec<u8>, AttestError> {
        let payload = STANDARD
            .decode(&self.payload)
            .map_err(|error| AttestError::Malformed(format!("payload is not base64: {error}")))?;
        let signed = pae(&self.payload_type, &payload);
        let verified = self.signatures.iter().any(|signature| {
            STANDARD
                .decode(&signature.sig)
                .is_ok_and(|sig| key.verifies(&signed, &sig))
        });
        if verified {
            Ok(payload)
        } else {
            Err(AttestError::BadSignature {
                key_id: key.key_id(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_specification_example() {
        // The example of DSSE's protocol.md.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ".to_vec());
    }

    #[test]
    fn a_signed_envelope_verifies_and_returns_its_payload() {
        let key = PrivateKey::generate().unwrap();
        let envelope = Envelope::sign("application/vnd.in-toto+json", b"{\"a\":1}", &key);
        assert_eq!(envelope.payload, "eyJhIjoxfQ==");
        assert_eq!(envelope.signatures[0].keyid, key.public().key_id());
        assert_eq!(envelope.verify(&key.public()).unwrap(), b"{\"a\":1}");
        let json = serde_json::to_string(&envelope).unwrap();
        assert!(
            json.contains("\"payloadType\":\"application/vnd.in-toto+json\""),
            "{json}"
        );
        let read: Envelope = serde_json::from_str(&json).unwrap();
        assert_eq!(read, envelope);
    }

    #[test]
    fn tampering_or_another_key_fails_verification() {
        let key = PrivateKey::generate().unwrap();
        let envelope = Envelope::sign(
            "application/vnd.in-toto+json",
            b"{\"verdict\":\"blocked\"}",
            &key,
        );

        let mut payload = envelope.clone();
        payload.payload = STANDARD.encode(b"{\"verdict\":\"pass\"}");
        assert!(matches!(
            payload.verify(&key.public()),
            Err(AttestError::BadSignature { .. })
        ));

        let mut kind = envelope.clone();
        kind.payload_type = "text/plain".to_owned();
        assert!(
            kind.verify(&key.public()).is_err(),
            "the type is signed too"
        );

        let other = PrivateKey::generate().unwrap();
        assert!(envelope.verify(&other.public()).is_err());

        // A claimed key id does not stand in for a signature.
        let mut forged = Envelope::sign("application/vnd.in-toto+json", b"{}", &other);
        forged.signatures[0].keyid = key.public().key_id();
        assert!(forged.verify(&key.public()).is_err());

        let mut garbage = envelope;
        garbage.signatures[0].sig = "%%%".to_owned();
        assert!(garbage.verify(&key.public()).is_err());
    }
}
