//! What the dashboard shows: aggregates over the runs a caller may see.

use serde::Serialize;
use sqlx::Row as _;

use agate_model::Date;

use crate::store::{Caller, SCOPED, Store, StoreError, VISIBLE, now, scoped};

/// Which runs the dashboard aggregates; empty strings match everything.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scope {
    /// Only this team.
    pub team: String,
    /// Only this repository.
    pub repository: String,
    /// Only this environment.
    pub environment: String,
}

/// Runs and passes of one group (a day, or a team/repository/environment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PassRate {
    /// The day (`YYYY-MM-DD`) or the group's name.
    pub key: String,
    /// Runs.
    pub runs: i64,
    /// Runs whose verdict was `pass`.
    pub passed: i64,
}

/// AI-authored lines and the findings on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct AiShare {
    /// Changed lines uploaded.
    pub lines: i64,
    /// Of those, AI-authored.
    pub lines_ai: i64,
    /// Findings.
    pub findings: i64,
    /// Of those, on AI-authored lines.
    pub findings_ai: i64,
}

/// Findings of one AI tool and model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelFindings {
    /// The tool, e.g. `Claude`.
    pub tool: String,
    /// The model, when known.
    pub model: String,
    /// Findings on its lines.
    pub findings: i64,
    /// Of those, still open.
    pub open: i64,
}

/// How noisy a rule is, from triage decisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleNoise {
    /// The rule.
    pub rule_id: String,
    /// Findings (per run).
    pub findings: i64,
    /// Of those, triaged as false positives.
    pub false_positives: i64,
}

/// A risk acceptance that ends soon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expiring {
    /// The repository.
    pub repository: String,
    /// The rule.
    pub rule_id: String,
    /// The file.
    pub path: String,
    /// The last day it holds.
    pub until: String,
    /// The finding's fingerprint.
    pub fingerprint: String,
}

/// The joins every aggregate of runs shares.
const RUNS: &str = "runs JOIN repositories ON repositories.id = runs.repository_id \
     JOIN teams ON teams.id = repositories.team_id";

/// The joins every aggregate of findings shares: the findings of each repository's and
/// environment's latest run, its current state (a repository gated a thousand times
/// counts once).
const FINDINGS: &str = "findings JOIN runs ON runs.id = findings.run_id AND runs.latest = 1 \
     JOIN repositories ON repositories.id = runs.repository_id \
     JOIN teams ON teams.id = repositories.team_id";

impl Store {
    /// Pass rate per day over the last `days` days, oldest first.
    pub async fn pass_rate_by_day(
        &self,
        caller: &Caller,
        scope: &Scope,
        days: i64,
    ) -> Result<Vec<PassRate>, StoreError> {
        let sql = format!(
            "SELECT runs.uploaded_at / 86400, COUNT(*), \
             SUM(CASE WHEN runs.verdict = 'pass' THEN 1 ELSE 0 END) FROM {RUNS} \
             WHERE {VISIBLE} AND {SCOPED} AND runs.uploaded_at >= $6 \
             GROUP BY runs.uploaded_at / 86400 ORDER BY 1"
        );
        let since = now() - days * 86_400;
        let rows = scoped(
            &sql,
            caller,
            &scope.team,
            &scope.repository,
            &scope.environment,
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| PassRate {
                key: Date::from_unix_seconds(row.get::<i64, _>(0) * 86_400).to_string(),
                runs: row.get(1),
                passed: row.get(2),
            })
            .collect())
    }

    /// Pass rate per team, repository and environment over the last `days` days, by most
    /// runs.
    pub async fn pass_rate_by_group(
        &self,
        caller: &Caller,
        scope: &Scope,
        days: i64,
    ) -> Result<Vec<(String, String, String, PassRate)>, StoreError> {
        let sql = format!(
            "SELECT teams.name, repositories.name, runs.environment, COUNT(*), \
             SUM(CASE WHEN runs.verdict = 'pass' THEN 1 ELSE 0 END) FROM {RUNS} \
             WHERE {VISIBLE} AND {SCOPED} AND runs.uploaded_at >= $6 \
             GROUP BY teams.name, repositories.name, runs.environment \
             ORDER BY 4 DESC, 1, 2, 3 LIMIT 200"
        );
        let rows = scoped(
            &sql,
            caller,
            &scope.team,
            &scope.repository,
            &scope.environment,
        )
        .bind(now() - days * 86_400)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| {
                let (team, repository, environment): (String, String, String) =
                    (row.get(0), row.get(1), row.get(2));
                let rate = PassRate {
                    key: format!("{team} / {repository} / {environment}"),
                    runs: row.get(3),
                    passed: row.get(4),
                };
                (team, repository, environment, rate)
            })
            .collect())
    }

    /// AI-authored share of the lines and findings of the changes uploaded over the last
    /// `days` days.
    pub async fn ai_share(
        &self,
        caller: &Caller,
        scope: &Scope,
        days: i64,
    ) -> Result<AiShare, StoreError> {
        let sql = format!(
            "SELECT CAST(COALESCE(SUM(runs.lines_total), 0) AS BIGINT), \
             CAST(COALESCE(SUM(runs.lines_ai), 0) AS BIGINT), \
             CAST(COALESCE(SUM(runs.findings_total), 0) AS BIGINT), \
             CAST(COALESCE(SUM(runs.findings_ai), 0) AS BIGINT) FROM {RUNS} \
             WHERE {VISIBLE} AND {SCOPED} AND runs.uploaded_at >= $6"
        );
        let row = scoped(
            &sql,
            caller,
            &scope.team,
            &scope.repository,
            &scope.environment,
        )
        .bind(now() - days * 86_400)
        .fetch_one(&self.pool)
        .await?;
        Ok(AiShare {
            lines: row.get(0),
            lines_ai: row.get(1),
            findings: row.get(2),
            findings_ai: row.get(3),
        })
    }

    /// Findings per AI tool and model, most first.
    pub async fn findings_by_model(
        &self,
        caller: &Caller,
        scope: &Scope,
    ) -> Result<Vec<ModelFindings>, StoreError> {
        let sql = format!(
            "SELECT findings.ai_tool, findings.ai_model, COUNT(*), \
             SUM(CASE WHEN findings.status = 'open' THEN 1 ELSE 0 END) \
             FROM {FINDINGS} \
             WHERE {VISIBLE} AND {SCOPED} AND findings.ai_tool <> '' \
             GROUP BY findings.ai_tool, findings.ai_model ORDER BY 3 DESC, 1, 2 LIMIT 50"
        );
        let rows = scoped(
            &sql,
            caller,
            &scope.team,
            &scope.repository,
            &scope.environment,
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| ModelFindings {
                tool: row.get(0),
                model: row.get(1),
                findings: row.get(2),
                open: row.get(3),
            })
            .collect())
    }

    /// Rules by the findings triaged as false positives, noisiest first.
    pub async fn noisiest_rules(
        &self,
        caller: &Caller,
        scope: &Scope,
    ) -> Result<Vec<RuleNoise>, StoreError> {
        let sql = format!(
            "SELECT findings.rule_id, COUNT(*), \
             SUM(CASE WHEN findings.decision = 'false-positive' THEN 1 ELSE 0 END) \
             FROM {FINDINGS} \
             WHERE {VISIBLE} AND {SCOPED} GROUP BY findings.rule_id \
             HAVING SUM(CASE WHEN findings.decision = 'false-positive' THEN 1 ELSE 0 END) > 0 \
             ORDER BY 3 DESC, 2 DESC, 1 LIMIT 20"
        );
        let rows = scoped(
            &sql,
            caller,
            &scope.team,
            &scope.repository,
            &scope.environment,
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| RuleNoise {
                rule_id: row.get(0),
                findings: row.get(1),
                false_positives: row.get(2),
            })
            .collect())
    }

    /// Risk acceptances ending within `days` days, soonest first.
    pub async fn expiring(
        &self,
        caller: &Caller,
        scope: &Scope,
        days: i64,
    ) -> Result<Vec<Expiring>, StoreError> {
        let today = Date::from_unix_seconds(now()).to_string();
        let last = Date::from_unix_seconds(now() + days * 86_400).to_string();
        let sql = format!(
            "SELECT DISTINCT repositories.name, findings.rule_id, findings.path, \
             findings.decision_until, findings.fingerprint \
             FROM {FINDINGS} \
             WHERE {VISIBLE} AND {SCOPED} AND findings.decision_until >= $6 \
             AND findings.decision_until <= $7 ORDER BY 4, 1, 2, 3 LIMIT 50"
        );
        let rows = scoped(
            &sql,
            caller,
            &scope.team,
            &scope.repository,
            &scope.environment,
        )
        .bind(today)
        .bind(last)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| Expiring {
                repository: row.get(0),
                rule_id: row.get(1),
                path: row.get(2),
                until: row.get(3),
                fingerprint: row.get(4),
            })
            .collect())
    }
}
