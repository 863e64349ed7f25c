//! The attestation of one gate run: an in-toto statement about a commit, whose predicate
//! is the verdict, signed in a DSSE envelope; and the check that a commit passed an
//! environment's gates (and the environments required before it).

use agate_model::{GateMode, GateStatus, Report, VerdictStatus};
use serde::{Deserialize, Serialize};

use crate::{AttestError, Envelope, PrivateKey, PublicKey, STATEMENT_TYPE, Statement, Subject};

/// The predicate type of a gate attestation.
pub const GATE_PREDICATE_TYPE: &str = "https://github.com/agate-dev/agate/attestation/gate/v1";

/// DSSE's payload type for in-toto statements.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// What agate decided about a commit in one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatePredicate {
    /// The repository the commit belongs to.
    pub repository: String,
    /// The environment whose gates ran.
    pub environment: String,
    /// Pass, blocked or error.
    pub verdict: VerdictStatus,
    /// Each gate with its mode and outcome.
    pub gates: Vec<AttestedGate>,
    /// The policy's digest (absent for the built-in policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_digest: Option<String>,
    /// The CI run.
    pub run_id: String,
    /// When the run started, RFC 3339 in UTC.
    pub time: String,
    /// agate and the tools its checks ran, with versions where known.
    pub tools: Vec<AttestedTool>,
}

/// One gate of an attested run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttestedGate {
    /// Its name.
    pub name: String,
    /// Block or warn.
    pub mode: GateMode,
    /// Its outcome.
    pub status: GateStatus,
}

/// A program of an attested run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttestedTool {
    /// Its name.
    pub name: String,
    /// Its version, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// Why a report cannot be attested.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unattestable {
    /// `agate scan` decides nothing.
    #[error("the report has no verdict: attest the report of `agate gate`")]
    NoVerdict,
    /// Without a commit there is nothing to name.
    #[error("the run has no commit: attestations name a commit, so run in a git repository")]
    NoCommit,
}

/// The statement attesting `report`'s verdict about its commit, with `artifacts` (name,
/// SHA-256 hex) as further subjects.
pub fn gate_statement(
    report: &Report,
    artifacts: &[(String, String)],
) -> Result<Statement<GatePredicate>, Unattestable> {
    let verdict = report.verdict.as_ref().ok_or(Unattestable::NoVerdict)?;
    let run = report.run.as_ref().ok_or(Unattestable::NoCommit)?;
    let commit = run.commit.as_deref().ok_or(Unattestable::NoCommit)?;
    let mut subject = vec![Subject::commit(&run.repository, commit)];
    subject.extend(
        artifacts
            .iter()
            .map(|(name, digest)| Subject::sha256(name, digest)),
    );
    let mut tools = vec![AttestedTool {
        name: report.tool.name.clone(),
        version: Some(report.tool.version.clone()),
    }];
    for check in &report.checks {
        if !tools.iter().any(|tool| tool.name == check.name) {
            tools.push(AttestedTool {
                name: check.name.clone(),
                version: None,
            });
        }
    }
    Ok(Statement::new(
        subject,
        GATE_PREDICATE_TYPE,
        GatePredicate {
            repository: run.repository.clone(),
            environment: verdict.environment.clone(),
            verdict: verdict.status,
            gates: verdict
                .gates
                .iter()
                .map(|gate| AttestedGate {
                    name: gate.name.clone(),
                    mode: gate.mode,
                    status: gate.status,
                })
                .collect(),
            policy_digest: run.policy_digest.clone(),
            run_id: run.run_id.clone(),
            time: run.started_at.clone(),
            tools,
        },
    ))
}

/// Signs a statement into a DSSE envelope.
pub fn sign(
    statement: &Statement<GatePredicate>,
    key: &PrivateKey,
) -> Result<Envelope, AttestError> {
    let payload =
        serde_json::to_vec(statement).map_err(|error| AttestError::Malformed(error.to_string()))?;
    Ok(Envelope::sign(IN_TOTO_PAYLOAD_TYPE, &payload, key))
}

/// The gate statement an envelope carries, once its signature verifies with `key` and it
/// is a gate attestation.
pub fn open(envelope: &Envelope, key: &PublicKey) -> Result<Statement<GatePredicate>, AttestError> {
    let payload = envelope.verify(key)?;
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Err(AttestError::Malformed(format!(
            "payload type `{}` is not an in-toto statement",
            envelope.payload_type
        )));
    }
    let statement: Statement<GatePredicate> = serde_json::from_slice(&payload)
        .map_err(|error| AttestError::Malformed(format!("not a gate statement: {error}")))?;
    if statement.statement_type != STATEMENT_TYPE || statement.predicate_type != GATE_PREDICATE_TYPE
    {
        return Err(AttestError::Malformed(format!(
            "statement `{}` with predicate `{}` is not an agate gate attestation",
            statement.statement_type, statement.predicate_type
        )));
    }
    Ok(statement)
}

/// The commit a gate statement is about.
pub fn commit_of(statement: &Statement<GatePredicate>) -> Option<&str> {
    statement
        .subject
        .iter()
        .find_map(|subject| subject.digest.get("gitCommit").map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(commit: Option<&str>) -> Report {
        serde_json::from_value(serde_json::json!({
            "schema_version": 2,
            "tool": { "name": "agate", "version": "0.1.0" },
            "run": {
                "repository": "bank/payments", "commit": commit, "run_id": "42",
                "started_at": "2026-12-07T10:00:00Z", "policy_digest": "ab12"
            },
            "findings": [], "rules": [], "notices": [],
            "stats": { "files": 1, "bytes": 1, "rules": 1, "duration_ms": 1 },
            "verdict": { "status": "pass", "environment": "staging", "gates": [
                { "name": "security", "mode": "block", "status": "pass", "counts": {
                    "blocking": 0, "below_threshold": 0, "baselined": 0, "suppressed": 0,
                    "blocking_ai": 0, "blocking_new": 0, "blocking_legacy": 0 } }
            ] }
        }))
        .unwrap()
    }

    #[test]
    fn a_gate_run_is_attested_about_its_commit_and_opens_with_the_key() {
        let key = PrivateKey::generate().unwrap();
        let statement = gate_statement(
            &report(Some("0123abcd")),
            &[("app.tar".to_owned(), "ff00".to_owned())],
        )
        .unwrap();
        let envelope = sign(&statement, &key).unwrap();
        let opened = open(&envelope, &key.public()).unwrap();
        assert_eq!(opened, statement);
        assert_eq!(commit_of(&opened), Some("0123abcd"));
        assert_eq!(opened.subject[1].digest["sha256"], "ff00");
        assert_eq!(opened.predicate.environment, "staging");
        assert_eq!(opened.predicate.verdict, VerdictStatus::Pass);
        assert_eq!(opened.predicate.tools[0].name, "agate");
        let json: serde_json::Value =
            serde_json::from_slice(&envelope.verify(&key.public()).unwrap()).unwrap();
        assert_eq!(json["predicateType"], GATE_PREDICATE_TYPE);
        assert_eq!(json["predicate"]["gates"][0]["status"], "pass");
    }

    #[test]
    fn a_run_without_commit_or_verdict_cannot_be_attested() {
        assert_eq!(
            gate_statement(&report(None), &[]).unwrap_err(),
            Unattestable::NoCommit
        );
        let mut scan = report(Some("0123abcd"));
        scan.verdict = None;
        assert_eq!(
            gate_statement(&scan, &[]).unwrap_err(),
            Unattestable::NoVerdict
        );
    }

    #[test]
    fn a_signed_statement_of_another_kind_is_not_a_gate_attestation() {
        let key = PrivateKey::generate().unwrap();
        let other = Statement::new(
            vec![Subject::commit("x", "0123abcd")],
            "https://slsa.dev/provenance/v1",
            serde_json::json!({}),
        );
        let envelope = Envelope::sign(
            IN_TOTO_PAYLOAD_TYPE,
            &serde_json::to_vec(&other).unwrap(),
            &key,
        );
        assert!(matches!(
            open(&envelope, &key.public()),
            Err(AttestError::Malformed(_))
        ));
    }
}
