//! The data layer: one SQL dialect-neutral store over SQLite or PostgreSQL (sqlx's `Any`
//! driver), migrated on open. Handlers hold no state of their own, so several servers can
//! share one PostgreSQL database.

use std::str::FromStr as _;
use std::time::{SystemTime, UNIX_EPOCH};

use agate_model::{Finding, Report};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, AssertSqlSafe, Row as _, SqlSafeStr as _};

/// The schema, with `{id}` standing for the dialect's auto-increment key.
const SCHEMA: &str = include_str!("../migrations/0001_init.sql");

/// What can go wrong with the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL is neither `sqlite:` nor `postgres://`.
    #[error("unsupported database `{0}`: use `sqlite:PATH` or `postgres://USER@HOST/DB`")]
    Url(String),
    /// The database refused or failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The system's random source failed.
    #[error("cannot make a token: the system's random source failed: {0}")]
    Random(String),
    /// A published policy version never changes.
    #[error(
        "policy `{name}@{version}` is already published with other content; publish a new version"
    )]
    PolicyExists {
        /// The policy's name.
        name: String,
        /// Its version.
        version: String,
    },
    /// The repository belongs to another team.
    #[error("repository `{repository}` belongs to team `{owner}`")]
    NotYours {
        /// The repository uploaded.
        repository: String,
        /// Its team.
        owner: String,
    },
}

/// What an upload did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uploaded {
    /// The run's id in the store.
    pub id: i64,
    /// False when the same repository, commit, environment and run id was stored before:
    /// an upload is idempotent.
    pub created: bool,
}

/// The parts of a report an upload needs, checked.
#[derive(Debug)]
pub struct Upload<'a> {
    /// The report, as the client sent it (already redacted by the server).
    pub report: &'a Report,
    /// `report.run`.
    pub run: &'a agate_model::RunInfo,
    /// `report.verdict`.
    pub verdict: &'a agate_model::Verdict,
    /// The report's JSON, as stored.
    pub json: &'a str,
    /// Whether the policy extends the organisation's (its digest is among the layers).
    pub org_policy: bool,
}

/// Which database the store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One file, write-ahead log.
    Sqlite,
    /// A PostgreSQL server, shared by several agate servers.
    Postgres,
}

/// Who a request's token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The team's id.
    pub team_id: i64,
    /// The team's name.
    pub team: String,
    /// An admin reads every team's runs and assigns repositories.
    pub admin: bool,
}

/// The runs' database.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Opens (creating a SQLite file when missing) and migrates the database at `url`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Url(url.to_owned()));
        };
        let pool = match backend {
            Backend::Sqlite => {
                let url = if url.contains('?') {
                    url.to_owned()
                } else {
                    format!("{url}?mode=rwc")
                };
                // Every connection waits for the writer instead of failing, checks foreign
                // keys, and syncs each commit: an acknowledged upload survives a crash.
                AnyPoolOptions::new()
                    .max_connections(4)
                    .after_connect(|connection, _| {
                        Box::pin(async move {
                            for pragma in [
                                "PRAGMA busy_timeout = 10000",
                                "PRAGMA foreign_keys = ON",
                                "PRAGMA synchronous = FULL",
                            ] {
                                sqlx::query(pragma).execute(&mut *connection).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect_with(AnyConnectOptions::from_str(&url)?)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .connect(url)
                    .await?
            }
        };
        if backend == Backend::Sqlite {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        let store = Store { pool, backend };
        store.migrate().await?;
        Ok(store)
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let key = match self.backend {
            Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
            Backend::Postgres => "BIGSERIAL PRIMARY KEY",
        };
        let sql = AssertSqlSafe(SCHEMA.replace("{id}", key)).into_sql_str();
        let migrator = Migrator::with_migrations(vec![Migration::new(
            1,
            "teams, tokens, repositories, runs, attestations".into(),
            MigrationType::Simple,
            sql,
            false,
        )]);
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// Creates a token for `team` (created when new) and returns it: the only time it is
    /// seen, since only its SHA-256 is stored.
    pub async fn create_token(
        &self,
        team: &str,
        admin: bool,
        label: &str,
    ) -> Result<String, StoreError> {
        let token = format!("agate_{}", random_hex()?);
        let now = now();
        let mut transaction = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO teams (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(team)
        .bind(now)
        .execute(&mut *transaction)
        .await?;
        sqlx::query(
            "INSERT INTO tokens (team_id, hash, admin, label, created_at) \
             SELECT id, $1, $2, $3, $4 FROM teams WHERE name = $5",
        )
        .bind(token_hash(&token))
        .bind(i64::from(admin))
        .bind(label)
        .bind(now)
        .bind(team)
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(token)
    }

    /// Deletes `token` and the dashboard sessions it opened; returns its team, or `None`
    /// when no such token exists.
    pub async fn revoke_token(&self, token: &str) -> Result<Option<String>, StoreError> {
        let hash = token_hash(token);
        let mut transaction = self.pool.begin().await?;
        let team: Option<String> = sqlx::query(
            "SELECT teams.name FROM tokens JOIN teams ON teams.id = tokens.team_id \
             WHERE tokens.hash = $1",
        )
        .bind(&hash)
        .fetch_optional(&mut *transaction)
        .await?
        .map(|row| row.get(0));
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(&hash)
            .execute(&mut *transaction)
            .await?;
        sqlx::query("DELETE FROM tokens WHERE hash = $1")
            .bind(&hash)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(team)
    }

    /// Opens a dashboard session for a valid `token`: returns the session id (the cookie)
    /// and its CSRF secret, or `None` when the token is unknown. Only the id's hash is
    /// stored.
    pub async fn open_session(
        &self,
        token: &str,
        lifetime_seconds: i64,
    ) -> Result<Option<(String, String)>, StoreError> {
        if self.caller(token).await?.is_none() {
            return Ok(None);
        }
        let id = random_hex()?;
        let csrf = random_hex()?;
        let now = now();
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, token_hash, csrf, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash(&id))
        .bind(token_hash(token))
        .bind(&csrf)
        .bind(now.saturating_add(lifetime_seconds))
        .execute(&self.pool)
        .await?;
        Ok(Some((id, csrf)))
    }

    /// The caller of a live session, with its CSRF secret.
    pub async fn session(&self, id: &str) -> Result<Option<(Caller, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT teams.id, teams.name, tokens.admin, sessions.csrf FROM sessions \
             JOIN tokens ON tokens.hash = sessions.token_hash \
             JOIN teams ON teams.id = tokens.team_id \
             WHERE sessions.id_hash = $1 AND sessions.expires_at >= $2",
        )
        .bind(token_hash(id))
        .bind(now())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| {
            (
                Caller {
                    team_id: row.get(0),
                    team: row.get(1),
                    admin: row.get::<i64, _>(2) != 0,
                },
                row.get(3),
            )
        }))
    }

    /// Ends a session.
    pub async fn close_session(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(token_hash(id))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The caller a token belongs to; `None` for a token the store does not know.
    pub async fn caller(&self, token: &str) -> Result<Option<Caller>, StoreError> {
        let row = sqlx::query(
            "SELECT teams.id, teams.name, tokens.admin FROM tokens \
             JOIN teams ON teams.id = tokens.team_id WHERE tokens.hash = $1",
        )
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| Caller {
            team_id: row.get(0),
            team: row.get(1),
            admin: row.get::<i64, _>(2) != 0,
        }))
    }
}

impl Store {
    /// Stores an uploaded run for `caller`: its repository is created for the caller's
    /// team on first upload, and another team's repository is refused (only an admin may
    /// upload to any). Idempotent per repository, commit, environment and run id.
    pub async fn upload(
        &self,
        caller: &Caller,
        upload: &Upload<'_>,
    ) -> Result<Uploaded, StoreError> {
        let now = now();
        let mut transaction = self.pool.begin().await?;
        let repository_id =
            owned_repository(&mut transaction, caller, &upload.run.repository, now).await?;
        let findings = &upload.report.findings;
        let ai_findings = findings
            .iter()
            .filter(|finding| finding.ai_evidence.is_some())
            .count();
        let lines = upload
            .run
            .lines
            .unwrap_or(agate_model::LineShare { changed: 0, ai: 0 });
        let inserted = sqlx::query(
            "INSERT INTO runs (repository_id, commit_sha, environment, run_key, uploaded_at, \
             verdict, policy_digest, org_policy, lines_total, lines_ai, findings_total, \
             findings_ai, report) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (repository_id, commit_sha, environment, run_key) DO NOTHING",
        )
        .bind(repository_id)
        .bind(upload.run.commit.as_deref().unwrap_or(""))
        .bind(&upload.verdict.environment)
        .bind(&upload.run.run_id)
        .bind(now)
        .bind(json_name(&upload.verdict.status))
        .bind(upload.run.policy_digest.as_deref().unwrap_or(""))
        .bind(i64::from(upload.org_policy))
        .bind(count(lines.changed))
        .bind(count(lines.ai))
        .bind(count(findings.len() as u64))
        .bind(count(ai_findings as u64))
        .bind(upload.json)
        .execute(&mut *transaction)
        .await?
        .rows_affected();
        let id: i64 = sqlx::query(
            "SELECT id FROM runs WHERE repository_id = $1 AND commit_sha = $2 \
             AND environment = $3 AND run_key = $4",
        )
        .bind(repository_id)
        .bind(upload.run.commit.as_deref().unwrap_or(""))
        .bind(&upload.verdict.environment)
        .bind(&upload.run.run_id)
        .fetch_one(&mut *transaction)
        .await?
        .get(0);
        if inserted == 0 {
            transaction.commit().await?;
            return Ok(Uploaded { id, created: false });
        }
        for gate in &upload.verdict.gates {
            sqlx::query(
                "INSERT INTO gate_results (run_id, name, mode, status) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(&gate.name)
            .bind(json_name(&gate.mode))
            .bind(json_name(&gate.status))
            .execute(&mut *transaction)
            .await?;
        }
        for (ordinal, finding) in findings.iter().enumerate() {
            insert_finding(&mut transaction, id, ordinal, finding).await?;
        }
        // The newest upload is the repository's current state in this environment.
        // Two statements, each on an index: one that looks at every run of the repository
        // makes a store of many runs slow to fill.
        sqlx::query(
            "UPDATE runs SET latest = 0 \
             WHERE latest = 1 AND repository_id = $1 AND environment = $2",
        )
        .bind(repository_id)
        .bind(&upload.verdict.environment)
        .execute(&mut *transaction)
        .await?;
        sqlx::query("UPDATE runs SET latest = 1 WHERE id = $1")
            .bind(id)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(Uploaded { id, created: true })
    }
}

/// Which runs a listing shows; empty strings match everything.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunFilter {
    /// Only this repository.
    pub repository: String,
    /// Only this environment.
    pub environment: String,
    /// Only this team (admins; a team sees only its own anyway).
    pub team: String,
    /// At most this many, newest first (default and cap 500).
    pub limit: Option<u32>,
}

impl RunFilter {
    fn scoped<'q>(
        &'q self,
        sql: &str,
        caller: &Caller,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
        scoped(sql, caller, &self.team, &self.repository, &self.environment)
    }
}

/// One stored run, as listings show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RunSummary {
    /// The run's id in the store.
    pub id: i64,
    /// Its repository.
    pub repository: String,
    /// The repository's team.
    pub team: String,
    /// The commit checked.
    pub commit: String,
    /// The environment the gates ran for.
    pub environment: String,
    /// The CI run.
    pub run_id: String,
    /// When it was uploaded, Unix seconds.
    pub uploaded_at: i64,
    /// `pass`, `blocked` or `error`.
    pub verdict: String,
    /// The policy's digest.
    pub policy_digest: String,
    /// Whether the policy extends the organisation's.
    pub org_policy: bool,
    /// Lines of the change, and AI-authored ones.
    pub lines_changed: i64,
    /// AI-authored lines of the change.
    pub lines_ai: i64,
    /// Findings, and findings on AI-authored lines.
    pub findings: i64,
    /// Findings on AI-authored lines.
    pub findings_ai: i64,
}

/// Which findings a listing shows; empty strings match everything.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FindingFilter {
    /// Only this run.
    pub run: Option<i64>,
    /// Only this repository.
    pub repository: String,
    /// Only this rule.
    pub rule: String,
    /// Only this severity.
    pub severity: String,
    /// Only this status (`open`, `baselined`, `suppressed`, `triaged`).
    pub status: String,
    /// Only this tier (`ai`, `new`, `legacy`).
    pub tier: String,
    /// At most this many (default and cap 1000).
    pub limit: Option<u32>,
}

/// One stored finding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredFinding {
    /// The run that reported it.
    pub run: i64,
    /// Its repository.
    pub repository: String,
    /// The rule.
    pub rule_id: String,
    /// Its severity.
    pub severity: String,
    /// Open, baselined, suppressed or triaged.
    pub status: String,
    /// The tier of its line.
    pub tier: String,
    /// The gate it counts for.
    pub gate: String,
    /// The file.
    pub path: String,
    /// The line.
    pub line: i64,
    /// What is wrong (redacted).
    pub message: String,
    /// Its fingerprint.
    pub fingerprint: String,
    /// The AI tool of its line, when known.
    pub ai_tool: String,
    /// The model, when known.
    pub ai_model: String,
}

/// The scope's condition over `repositories`, `teams` and `runs`, binding `$3`..`$5`.
pub(crate) const SCOPED: &str = "($3 = '' OR teams.name = $3) AND ($4 = '' OR repositories.name = $4) \
     AND ($5 = '' OR runs.environment = $5)";

/// A query with the caller's access (`$1`, `$2`) and the scope (`$3` team, `$4`
/// repository, `$5` environment; empty matches all) bound.
pub(crate) fn scoped<'q>(
    sql: &str,
    caller: &Caller,
    team: &'q str,
    repository: &'q str,
    environment: &'q str,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    sqlx::query(AssertSqlSafe(sql.to_owned()))
        .bind(i64::from(caller.admin))
        .bind(caller.team_id)
        .bind(team)
        .bind(repository)
        .bind(environment)
}

/// The access condition every read shares: `$1` is 1 for an admin, `$2` the caller's team.
pub(crate) const VISIBLE: &str = "($1 = 1 OR repositories.team_id = $2)";

impl Store {
    /// The runs `caller` may see that match `filter`, newest first.
    pub async fn runs(
        &self,
        caller: &Caller,
        filter: &RunFilter,
    ) -> Result<Vec<RunSummary>, StoreError> {
        let sql = format!(
            "SELECT runs.id, repositories.name, teams.name, runs.commit_sha, runs.environment, \
             runs.run_key, runs.uploaded_at, runs.verdict, runs.policy_digest, runs.org_policy, \
             runs.lines_total, runs.lines_ai, runs.findings_total, runs.findings_ai \
             FROM runs JOIN repositories ON repositories.id = runs.repository_id \
             JOIN teams ON teams.id = repositories.team_id \
             WHERE {VISIBLE} AND {SCOPED} \
             ORDER BY runs.uploaded_at DESC, runs.id DESC LIMIT $6"
        );
        let rows = filter
            .scoped(&sql, caller)
            .bind(i64::from(filter.limit.unwrap_or(500).min(500)))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|row| RunSummary {
                id: row.get(0),
                repository: row.get(1),
                team: row.get(2),
                commit: row.get(3),
                environment: row.get(4),
                run_id: row.get(5),
                uploaded_at: row.get(6),
                verdict: row.get(7),
                policy_digest: row.get(8),
                org_policy: row.get::<i64, _>(9) != 0,
                lines_changed: row.get(10),
                lines_ai: row.get(11),
                findings: row.get(12),
                findings_ai: row.get(13),
            })
            .collect())
    }

    /// One run's stored report, when `caller` may see it: `Ok(None)` when there is no such
    /// run, `Err(NotYours)` when it is another team's.
    pub async fn report(&self, caller: &Caller, id: i64) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT runs.report, repositories.team_id, teams.name, repositories.name FROM runs \
             JOIN repositories ON repositories.id = runs.repository_id \
             JOIN teams ON teams.id = repositories.team_id WHERE runs.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        if !caller.admin && row.get::<i64, _>(1) != caller.team_id {
            return Err(StoreError::NotYours {
                repository: row.get(3),
                owner: row.get(2),
            });
        }
        Ok(Some(row.get(0)))
    }

    /// The findings `caller` may see that match `filter`, newest run first.
    pub async fn findings(
        &self,
        caller: &Caller,
        filter: &FindingFilter,
    ) -> Result<Vec<StoredFinding>, StoreError> {
        let sql = format!(
            "SELECT findings.run_id, repositories.name, findings.rule_id, findings.severity, \
             findings.status, findings.tier, findings.gate, findings.path, findings.line, \
             findings.message, findings.fingerprint, findings.ai_tool, findings.ai_model \
             FROM findings JOIN runs ON runs.id = findings.run_id \
             JOIN repositories ON repositories.id = runs.repository_id \
             WHERE {VISIBLE} AND ($3 = 0 OR findings.run_id = $3) \
             AND ($4 = '' OR repositories.name = $4) AND ($5 = '' OR findings.rule_id = $5) \
             AND ($6 = '' OR findings.severity = $6) AND ($7 = '' OR findings.status = $7) \
             AND ($8 = '' OR findings.tier = $8) \
             ORDER BY findings.run_id DESC, findings.ordinal LIMIT $9"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(i64::from(caller.admin))
            .bind(caller.team_id)
            .bind(filter.run.unwrap_or(0))
            .bind(&filter.repository)
            .bind(&filter.rule)
            .bind(&filter.severity)
            .bind(&filter.status)
            .bind(&filter.tier)
            .bind(i64::from(filter.limit.unwrap_or(1000).min(1000)))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|row| StoredFinding {
                run: row.get(0),
                repository: row.get(1),
                rule_id: row.get(2),
                severity: row.get(3),
                status: row.get(4),
                tier: row.get(5),
                gate: row.get(6),
                path: row.get(7),
                line: row.get(8),
                message: row.get(9),
                fingerprint: row.get(10),
                ai_tool: row.get(11),
                ai_model: row.get(12),
            })
            .collect())
    }

    /// Assigns `repository` (created when new) to `team`; admins only.
    pub async fn assign(&self, repository: &str, team: &str) -> Result<bool, StoreError> {
        let now = now();
        let mut transaction = self.pool.begin().await?;
        let team_id: Option<i64> = sqlx::query("SELECT id FROM teams WHERE name = $1")
            .bind(team)
            .fetch_optional(&mut *transaction)
            .await?
            .map(|row| row.get(0));
        let Some(team_id) = team_id else {
            return Ok(false);
        };
        sqlx::query(
            "INSERT INTO repositories (name, team_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET team_id = $2",
        )
        .bind(repository)
        .bind(team_id)
        .bind(now)
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(true)
    }
}

/// One gate's outcome in one run, for gates over time.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GateOutcome {
    /// The run.
    pub run: i64,
    /// When it was uploaded, Unix seconds.
    pub uploaded_at: i64,
    /// The repository.
    pub repository: String,
    /// The environment.
    pub environment: String,
    /// The gate.
    pub gate: String,
    /// Pass, warn, fail or error.
    pub status: String,
}

impl Store {
    /// Gate outcomes of the caller's runs, newest first, filtered like runs.
    pub async fn gates(
        &self,
        caller: &Caller,
        filter: &RunFilter,
    ) -> Result<Vec<GateOutcome>, StoreError> {
        let sql = format!(
            "SELECT runs.id, runs.uploaded_at, repositories.name, runs.environment, \
             gate_results.name, gate_results.status FROM gate_results \
             JOIN runs ON runs.id = gate_results.run_id \
             JOIN repositories ON repositories.id = runs.repository_id \
             JOIN teams ON teams.id = repositories.team_id \
             WHERE {VISIBLE} AND {SCOPED} \
             ORDER BY runs.uploaded_at DESC, runs.id DESC, gate_results.name LIMIT $6"
        );
        let rows = filter
            .scoped(&sql, caller)
            .bind(i64::from(filter.limit.unwrap_or(1000).min(1000)))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|row| GateOutcome {
                run: row.get(0),
                uploaded_at: row.get(1),
                repository: row.get(2),
                environment: row.get(3),
                gate: row.get(4),
                status: row.get(5),
            })
            .collect())
    }
}

/// An attestation as stored: who it is about, and the signed envelope (JSON).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredAttestation {
    /// The repository.
    pub repository: String,
    /// The commit attested.
    pub commit: String,
    /// The environment whose gates ran.
    pub environment: String,
    /// The DSSE envelope, as uploaded.
    pub envelope: serde_json::Value,
}

impl Store {
    /// Stores the attestation of `repository`'s `commit` in `environment` (replacing an
    /// earlier one of the same three), for the repository's team or an admin.
    pub async fn put_attestation(
        &self,
        caller: &Caller,
        repository: &str,
        commit: &str,
        environment: &str,
        envelope: &str,
    ) -> Result<(), StoreError> {
        let now = now();
        let mut transaction = self.pool.begin().await?;
        let repository_id = owned_repository(&mut transaction, caller, repository, now).await?;
        sqlx::query(
            "INSERT INTO attestations (repository_id, commit_sha, environment, envelope, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (repository_id, commit_sha, environment) \
             DO UPDATE SET envelope = $4, uploaded_at = $5",
        )
        .bind(repository_id)
        .bind(commit)
        .bind(environment)
        .bind(envelope)
        .bind(now)
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// The attestations of `commit` the caller may see, optionally of one repository and
    /// environment.
    pub async fn attestations(
        &self,
        caller: &Caller,
        commit: &str,
        repository: &str,
        environment: &str,
    ) -> Result<Vec<StoredAttestation>, StoreError> {
        let sql = format!(
            "SELECT repositories.name, attestations.commit_sha, attestations.environment, \
             attestations.envelope FROM attestations \
             JOIN repositories ON repositories.id = attestations.repository_id \
             WHERE {VISIBLE} AND attestations.commit_sha = $3 \
             AND ($4 = '' OR repositories.name = $4) AND ($5 = '' OR attestations.environment = $5) \
             ORDER BY attestations.uploaded_at LIMIT 100"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(i64::from(caller.admin))
            .bind(caller.team_id)
            .bind(commit)
            .bind(repository)
            .bind(environment)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|row| StoredAttestation {
                repository: row.get(0),
                commit: row.get(1),
                environment: row.get(2),
                envelope: serde_json::from_str(&row.get::<String, _>(3)).unwrap_or_default(),
            })
            .collect())
    }
}

impl Store {
    /// Publishes `text` as policy `name` at `version` and returns its SHA-256. Publishing
    /// the same text again is a no-op; other text under a published version is refused.
    pub async fn publish_policy(
        &self,
        name: &str,
        version: &str,
        text: &str,
    ) -> Result<String, StoreError> {
        let digest = agate_model::sha256_hex(text.as_bytes());
        sqlx::query(
            "INSERT INTO policies (name, version, text, digest, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name, version) DO NOTHING",
        )
        .bind(name)
        .bind(version)
        .bind(text)
        .bind(&digest)
        .bind(now())
        .execute(&self.pool)
        .await?;
        match self.policy(name, version).await? {
            Some((_, stored)) if stored == digest => Ok(digest),
            _ => Err(StoreError::PolicyExists {
                name: name.to_owned(),
                version: version.to_owned(),
            }),
        }
    }

    /// A published policy's text and digest.
    pub async fn policy(
        &self,
        name: &str,
        version: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query("SELECT text, digest FROM policies WHERE name = $1 AND version = $2")
            .bind(name)
            .bind(version)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|row| (row.get(0), row.get(1))))
    }

    /// The digests of every published policy version: an upload whose policy layers hold
    /// none of them does not extend the organisation's policy.
    pub async fn policy_digests(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT digest FROM policies")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|row| row.get(0)).collect())
    }
}

/// The id of `repository`, created for the caller's team when new; another team's
/// repository is refused unless the caller is an admin.
async fn owned_repository(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    caller: &Caller,
    repository: &str,
    now: i64,
) -> Result<i64, StoreError> {
    sqlx::query(
        "INSERT INTO repositories (name, team_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(repository)
    .bind(caller.team_id)
    .bind(now)
    .execute(&mut **transaction)
    .await?;
    let row = sqlx::query(
        "SELECT repositories.id, repositories.team_id, teams.name FROM repositories \
         JOIN teams ON teams.id = repositories.team_id WHERE repositories.name = $1",
    )
    .bind(repository)
    .fetch_one(&mut **transaction)
    .await?;
    if row.get::<i64, _>(1) != caller.team_id && !caller.admin {
        return Err(StoreError::NotYours {
            repository: repository.to_owned(),
            owner: row.get(2),
        });
    }
    // A write to the repository's row holds it until the commit: concurrent uploads of one
    // repository (PostgreSQL) take turns, so exactly one run of it is the latest.
    let id: i64 = row.get(0);
    sqlx::query("UPDATE repositories SET team_id = team_id WHERE id = $1")
        .bind(id)
        .execute(&mut **transaction)
        .await?;
    Ok(id)
}

async fn insert_finding(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    run: i64,
    ordinal: usize,
    finding: &Finding,
) -> Result<(), StoreError> {
    let evidence = finding.ai_evidence.as_deref();
    let justification = finding.justification.as_deref();
    sqlx::query(
        "INSERT INTO findings (run_id, ordinal, rule_id, severity, status, decision, \
         decision_until, tier, gate, path, line, message, fingerprint, ai_tool, ai_model) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(run)
    .bind(count(ordinal as u64))
    .bind(finding.rule_id.as_str())
    .bind(finding.severity.as_str())
    .bind(json_name(&finding.status))
    .bind(justification.map_or("", |justification| {
        justification
            .decision
            .map_or(justification.source.as_str(), |decision| decision.as_str())
    }))
    .bind(
        justification
            .and_then(|justification| justification.until.as_deref())
            .unwrap_or(""),
    )
    .bind(finding.tier.map_or("", agate_model::Tier::as_str))
    .bind(finding.gate.as_deref().unwrap_or(""))
    .bind(finding.location.path.as_str())
    .bind(i64::from(finding.location.start.line))
    .bind(finding.message.as_str())
    .bind(finding.fingerprint.as_str())
    .bind(
        evidence
            .and_then(|evidence| evidence.tool.as_deref())
            .unwrap_or(""),
    )
    .bind(
        evidence
            .and_then(|evidence| evidence.model.as_deref())
            .unwrap_or(""),
    )
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// A count as the database's integer.
fn count(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// A unit enum's name as its JSON spells it (`pass`, `block`, `triaged`).
pub(crate) fn json_name(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// The stored form of a token: its SHA-256, hex. Tokens carry 192 random bits, so a fast
/// hash is enough; the database never holds one that works.
fn token_hash(token: &str) -> String {
    agate_model::sha256_hex(token.as_bytes())
}

/// 192 random bits, hex: tokens, session ids, CSRF secrets.
pub(crate) fn random_hex() -> Result<String, StoreError> {
    let mut bytes = [0_u8; 24];
    getrandom::fill(&mut bytes).map_err(|error| StoreError::Random(error.to_string()))?;
    Ok(agate_model::hex(&bytes))
}

/// Now, in Unix seconds.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn tokens_are_stored_as_hashes_and_name_their_team() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("agate.db").display());
        runtime().block_on(async {
            let store = Store::open(&url).await.unwrap();
            let token = store.create_token("payments", false, "ci").await.unwrap();
            assert!(token.starts_with("agate_") && token.len() == 54, "{token}");
            let admin = store.create_token("platform", true, "ops").await.unwrap();
            assert_eq!(
                store.caller(&token).await.unwrap(),
                Some(Caller {
                    team_id: 1,
                    team: "payments".to_owned(),
                    admin: false
                })
            );
            assert!(store.caller(&admin).await.unwrap().unwrap().admin);
            assert_eq!(store.caller("agate_nope").await.unwrap(), None);
            drop(store);
            // Reopened, the schema is not applied twice and the token still works.
            let store = Store::open(&url).await.unwrap();
            assert_eq!(
                store.caller(&token).await.unwrap().unwrap().team,
                "payments"
            );
            // A revoked token, and the sessions it opened, no longer authenticate.
            let (session, _) = store.open_session(&token, 3600).await.unwrap().unwrap();
            assert!(store.session(&session).await.unwrap().is_some());
            assert_eq!(
                store.revoke_token(&token).await.unwrap().as_deref(),
                Some("payments")
            );
            assert_eq!(store.caller(&token).await.unwrap(), None);
            assert!(store.session(&session).await.unwrap().is_none());
            assert_eq!(store.revoke_token(&token).await.unwrap(), None);
            assert!(store.caller(&admin).await.unwrap().is_some());
        });
        for file in ["agate.db", "agate.db-wal"] {
            let bytes = std::fs::read(dir.path().join(file)).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("agate_"),
                "no token is stored in clear in {file}"
            );
        }
    }
}
