//! A secret that cannot be printed: `Debug` and `Display` show only a short prefix, the
//! length and a hash, so reports, logs and panics never carry it in full.

use std::fmt;

use sha2::{Digest as _, Sha256};

/// A secret value. Its text is reachable only through [`Redacted::expose`], named so that
/// every use stands out in review.
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted(String);

impl Redacted {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Redacted {
        Redacted(secret.into())
    }

    /// The secret itself, for matching and hashing only — never for output.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The first 8 hex digits of the secret's SHA-256: enough to tell two secrets apart
    /// or to check a known one, not to recover it.
    pub fn hash(&self) -> String {
        use std::fmt::Write as _;
        Sha256::digest(self.0.as_bytes())
            .iter()
            .take(4)
            .fold(String::new(), |mut hex, byte| {
                let _ = write!(hex, "{byte:02x}");
                hex
            })
    }

    /// How many characters of the secret are shown: a quarter, at most 4, none for
    /// secrets shorter than 8 characters.
    fn shown_chars(&self) -> usize {
        let length = self.0.chars().count();
        if length < 8 { 0 } else { (length / 4).min(4) }
    }
}

impl fmt::Display for Redacted {
    /// `AKIA…` `(20 chars, sha256:1a2b3c4d)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix: String = self.0.chars().take(self.shown_chars()).collect();
        write!(
            f,
            "{prefix}…({} chars, sha256:{})",
            self.0.chars().count(),
            self.hash()
        )
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redacted({self})")
    }
}

/// Shannon entropy of `text` in bits per byte: random tokens score high (a 16-character
/// base62 key about 3.5 to 4), words and repeats low. Secret rules and masking judge
/// whether a value looks like a secret by it.
pub fn entropy(text: &str) -> f64 {
    let mut counts = [0u32; 256];
    let bytes = text.as_bytes();
    for &byte in bytes {
        counts[usize::from(byte)] += 1;
    }
    let length = f64::from(u32::try_from(bytes.len()).unwrap_or(u32::MAX));
    counts
        .iter()
        .filter(|&&count| count > 0)
        .map(|&count| {
            let p = f64::from(count) / length;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_a_prefix_the_length_and_a_hash_never_the_secret() {
        let secret = Redacted::new("AKIAZ7QXD2M4PLRVN3KQ");
        let shown = secret.to_string();
        assert!(shown.starts_with("AKIA…(20 chars, sha256:"), "{shown}");
        assert!(!shown.contains("AKIAZ7"));
        assert_eq!(format!("{secret:?}"), format!("Redacted({shown})"));
        assert_eq!(
            Redacted::new("hunter2").to_string().chars().next(),
            Some('…')
        );
    }

    proptest::proptest! {
        /// Whatever the secret, its rendering holds neither it nor its first half.
        #[test]
        fn rendering_never_holds_the_secret(secret in "[A-Za-z0-9+/=_-]{12,80}") {
            let redacted = Redacted::new(secret.clone());
            let shown = format!("{redacted} {redacted:?}");
            proptest::prop_assert!(!shown.contains(&secret));
            proptest::prop_assert!(!shown.contains(&secret[..secret.len() / 2]));
        }
    }
}
