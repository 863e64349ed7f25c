use std::fmt;
use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A finding's identity across runs: 128 bits of SHA-256, as 32 lowercase hex digits.
///
/// It hashes the rule id, the path, the matched code with whitespace normalized, the
/// enclosing function/class chain and the occurrence index among identical matches in the
/// same scope, and never a line number. Inserting or deleting unrelated lines, re-indenting,
/// or moving a function within its file keeps every fingerprint; editing the flagged code or
/// renaming its function yields a new one, which is what a baseline wants.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct Fingerprint(String);

/// Everything a [`Fingerprint`] is derived from.
#[derive(Debug, Clone, Copy)]
pub struct FingerprintInput<'a> {
    /// The rule id.
    pub rule_id: &'a str,
    /// The path relative to the scan root.
    pub path: &'a str,
    /// The matched code; normalized with [`normalize_code`] before hashing.
    pub code: &'a str,
    /// The enclosing scopes, outermost first, e.g. `class Api > def get`.
    pub scope: &'a str,
    /// 0 for the first match of identical code in the same scope, 1 for the next, ….
    pub occurrence: u32,
}

impl Fingerprint {
    /// Computes the fingerprint of a match.
    pub fn compute(input: &FingerprintInput<'_>) -> Self {
        let mut hasher = Sha256::new();
        for part in [
            input.rule_id,
            input.path,
            &normalize_code(input.code),
            input.scope,
        ] {
            hasher.update(part.as_bytes());
            // A separator byte that cannot occur in UTF-8 text keeps `a|bc` and `ab|c` apart.
            hasher.update([0xff]);
        }
        hasher.update(input.occurrence.to_le_bytes());
        let digest = hasher.finalize();
        let mut hex = String::with_capacity(32);
        for byte in &digest[..16] {
            let _ = write!(hex, "{byte:02x}");
        }
        Fingerprint(hex)
    }

    /// Wraps a fingerprint read back from a report or baseline.
    pub fn from_hex(hex: impl Into<String>) -> Self {
        Fingerprint(hex.into())
    }

    /// Returns the hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Collapses every run of whitespace to one space and trims the ends, so re-indenting or
/// re-wrapping code does not change what it hashes to.
pub fn normalize_code(code: &str) -> String {
    code.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn input<'a>(code: &'a str, scope: &'a str) -> FingerprintInput<'a> {
        FingerprintInput {
            rule_id: "py.eval-of-input",
            path: "app.py",
            code,
            scope,
            occurrence: 0,
        }
    }

    #[test]
    fn whitespace_changes_keep_the_fingerprint() {
        assert_eq!(
            Fingerprint::compute(&input("eval( a,\n    b)", "def f")),
            Fingerprint::compute(&input("eval( a, b)", "def f")),
        );
    }

    #[test]
    fn scope_and_occurrence_change_the_fingerprint() {
        let base = Fingerprint::compute(&input("eval(a)", "def f"));
        assert_ne!(base, Fingerprint::compute(&input("eval(a)", "def g")));
        let second = FingerprintInput {
            occurrence: 1,
            ..input("eval(a)", "def f")
        };
        assert_ne!(base, Fingerprint::compute(&second));
    }

    #[test]
    fn field_boundaries_are_unambiguous() {
        let left = FingerprintInput {
            rule_id: "a",
            path: "bc",
            ..input("x", "")
        };
        let right = FingerprintInput {
            rule_id: "ab",
            path: "c",
            ..input("x", "")
        };
        assert_ne!(Fingerprint::compute(&left), Fingerprint::compute(&right));
    }

    proptest! {
        #[test]
        fn fingerprint_is_32_hex_digits(code in ".*", scope in ".*") {
            let fingerprint = Fingerprint::compute(&input(&code, &scope));
            prop_assert_eq!(fingerprint.as_str().len(), 32);
            prop_assert!(fingerprint.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
        }
    }
}
