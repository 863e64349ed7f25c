//! in-toto Statements (v1): what was checked, and what was concluded about it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The `_type` of an in-toto v1 Statement.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";

/// An in-toto Statement with predicate `P`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Statement<P> {
    /// Always [`STATEMENT_TYPE`].
    #[serde(rename = "_type")]
    pub statement_type: String,
    /// What the statement is about.
    pub subject: Vec<Subject>,
    /// A URI naming the predicate's schema.
    pub predicate_type: String,
    /// What is claimed about the subjects.
    pub predicate: P,
}

/// One thing a statement is about, identified by its digests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// A name for people, e.g. the repository or the artifact's file name.
    pub name: String,
    /// Digests by algorithm: `gitCommit` for a commit, `sha256` for a file.
    pub digest: BTreeMap<String, String>,
}

impl<P> Statement<P> {
    /// A statement of `predicate_type` about `subject`.
    pub fn new(subject: Vec<Subject>, predicate_type: &str, predicate: P) -> Statement<P> {
        Statement {
            statement_type: STATEMENT_TYPE.to_owned(),
            subject,
            predicate_type: predicate_type.to_owned(),
            predicate,
        }
    }
}

impl Subject {
    /// A git commit, named `name` (e.g. the repository).
    pub fn commit(name: &str, sha: &str) -> Subject {
        Subject {
            name: name.to_owned(),
            digest: BTreeMap::from([("gitCommit".to_owned(), sha.to_owned())]),
        }
    }

    /// A file, by its SHA-256 (hex).
    pub fn sha256(name: &str, hex: &str) -> Subject {
        Subject {
            name: name.to_owned(),
            digest: BTreeMap::from([("sha256".to_owned(), hex.to_owned())]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_serializes_as_in_toto_v1() {
        let statement = Statement::new(
            vec![Subject::commit("payments", "0123abcd")],
            "https://example.test/predicate/v1",
            serde_json::json!({ "verdict": "pass" }),
        );
        let json = serde_json::to_value(&statement).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "_type": "https://in-toto.io/Statement/v1",
                "subject": [{ "name": "payments", "digest": { "gitCommit": "0123abcd" } }],
                "predicateType": "https://example.test/predicate/v1",
                "predicate": { "verdict": "pass" },
            })
        );
        let read: Statement<serde_json::Value> = serde_json::from_value(json).unwrap();
        assert_eq!(read, statement);
    }
}
