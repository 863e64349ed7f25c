-- `{id}` is each dialect's auto-increment key: `INTEGER PRIMARY KEY AUTOINCREMENT` in SQLite,
-- `BIGSERIAL PRIMARY KEY` in PostgreSQL.
-- Teams, their tokens (hashes only) and repositories; uploaded runs with their gates and
-- findings; signed attestations. Times are Unix seconds.
CREATE TABLE teams (
    id {id},
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE TABLE tokens (
    id {id},
    team_id BIGINT NOT NULL REFERENCES teams (id),
    hash TEXT NOT NULL UNIQUE,
    admin BIGINT NOT NULL,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE repositories (
    id {id},
    name TEXT NOT NULL UNIQUE,
    team_id BIGINT NOT NULL REFERENCES teams (id),
    created_at BIGINT NOT NULL
);
CREATE TABLE runs (
    id {id},
    repository_id BIGINT NOT NULL REFERENCES repositories (id),
    commit_sha TEXT NOT NULL,
    environment TEXT NOT NULL,
    run_key TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL,
    verdict TEXT NOT NULL,
    policy_digest TEXT NOT NULL,
    org_policy BIGINT NOT NULL,
    lines_total BIGINT NOT NULL,
    lines_ai BIGINT NOT NULL,
    findings_total BIGINT NOT NULL,
    findings_ai BIGINT NOT NULL,
    latest BIGINT NOT NULL DEFAULT 0,
    report TEXT NOT NULL,
    UNIQUE (repository_id, commit_sha, environment, run_key)
);
CREATE INDEX runs_by_time ON runs (uploaded_at);
-- The newest run of each repository and environment: what the dashboard's findings reflect.
CREATE INDEX runs_latest ON runs (latest, repository_id);
CREATE TABLE gate_results (
    run_id BIGINT NOT NULL REFERENCES runs (id),
    name TEXT NOT NULL,
    mode TEXT NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (run_id, name)
);
CREATE TABLE findings (
    run_id BIGINT NOT NULL REFERENCES runs (id),
    ordinal BIGINT NOT NULL,
    rule_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    status TEXT NOT NULL,
    decision TEXT NOT NULL,
    decision_until TEXT NOT NULL,
    tier TEXT NOT NULL,
    gate TEXT NOT NULL,
    path TEXT NOT NULL,
    line BIGINT NOT NULL,
    message TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    ai_tool TEXT NOT NULL,
    ai_model TEXT NOT NULL,
    PRIMARY KEY (run_id, ordinal)
);
CREATE INDEX findings_by_rule ON findings (rule_id);
CREATE TABLE attestations (
    id {id},
    repository_id BIGINT NOT NULL REFERENCES repositories (id),
    commit_sha TEXT NOT NULL,
    environment TEXT NOT NULL,
    envelope TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL,
    UNIQUE (repository_id, commit_sha, environment)
);
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL REFERENCES tokens (hash),
    csrf TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE TABLE policies (
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    text TEXT NOT NULL,
    digest TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (name, version)
);
