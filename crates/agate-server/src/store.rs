//! The data layer: one SQL dialect-neutral store over SQLite or PostgreSQL (sqlx's `Any`
//! driver), migrated on open. Handlers hold no state of their own, so several servers can
//! share one PostgreSQL database.

use std::str::FromStr as _;
use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest as _, Sha256};
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
    pool: AnyPool,
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
        let mut bytes = [0_u8; 24];
        getrandom::fill(&mut bytes).map_err(|error| StoreError::Random(error.to_string()))?;
        let token = format!("agate_{}", hex(&bytes));
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

/// The stored form of a token: its SHA-256, hex. Tokens carry 192 random bits, so a fast
/// hash is enough; the database never holds one that works.
fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 15)]));
    }
    text
}

/// Now, in Unix seconds.
fn now() -> i64 {
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
