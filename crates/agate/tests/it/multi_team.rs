//! Scenario 2 end to end: the steps of examples/multi-team/README.md, read from the README
//! and run in a copy of the example — an org policy published on `agate server`, three
//! team repositories (Flask, Maven with JUnit 5, TypeScript) extending it, the ledger's AI
//! change blocked by the org's tier, the team's rule and its Rego gate, the web team's
//! loosening of a locked key refused with the README's error, and the dashboard in a
//! headless Chromium showing all three teams' runs.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::readme::Session;
use super::scenario::blocks;
use super::tools::tools_path;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/multi-team");

/// A Maven home whose settings keep Maven offline, on the repository `scripts/test` filled
/// (`AGATE_TEST_MAVEN_REPO`), so the test fetches nothing.
fn offline_maven(home: &Path) -> String {
    let repository = std::env::var("AGATE_TEST_MAVEN_REPO").unwrap_or_else(|_| {
        panic!("AGATE_TEST_MAVEN_REPO is not set: run `scripts/test`, which fetches the ledger's Maven dependencies")
    });
    std::fs::create_dir_all(home.join(".m2")).unwrap();
    std::fs::write(
        home.join(".m2/settings.xml"),
        format!(
            "<settings>\n  <localRepository>{repository}</localRepository>\n  <offline>true</offline>\n</settings>\n"
        ),
    )
    .unwrap();
    format!("-Duser.home={}", home.display())
}

/// The overview of the dashboard as the admin sees it, read in Chromium by `multi_team.mjs`.
fn overview(base: &str, token: &str) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/multi_team.mjs");
    let modules = std::env::var_os("AGATE_TEST_NODE_MODULES").unwrap_or_else(|| {
        panic!("AGATE_TEST_NODE_MODULES holds playwright-core (scripts/test installs it)")
    });
    let chromium =
        std::env::var_os("AGATE_TEST_CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into());
    let output = Command::new("node")
        .arg(&script)
        .args([base, token])
        .env("NODE_PATH", modules)
        .env("AGATE_TEST_CHROMIUM", chromium)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
#[ignore = "needs Flask, pytest, Maven's dependencies, TypeScript, Chromium and playwright-core: scripts/test provides them"]
fn issue_21_three_teams_extend_the_published_org_policy_and_the_dashboard_shows_them() {
    let readme = std::fs::read_to_string(Path::new(EXAMPLE).join("README.md")).unwrap();
    let steps = &blocks(&readme, "sh")[1];
    let texts = blocks(&readme, "text");
    let (blocked, refused) = (&texts[0], &texts[1]);
    let maven_home = tempfile::tempdir().unwrap();
    let modules = std::env::var("AGATE_TEST_NODE_MODULES")
        .expect("AGATE_TEST_NODE_MODULES holds TypeScript (scripts/test installs it)");
    let path = format!("{modules}/.bin:{}", tools_path());
    let mut session = Session::new(
        Path::new(EXAMPLE),
        &[
            ("PATH", path),
            ("MAVEN_OPTS", offline_maven(maven_home.path())),
        ],
    );
    let mut gates = 0;
    for step in steps {
        let Some(outcome) = session.step(step) else {
            continue;
        };
        let (stdout, stderr) = (outcome.stdout(), outcome.stderr());
        if !outcome.command.starts_with("agate gate") {
            continue;
        }
        gates += 1;
        match outcome.expected {
            0 => {
                assert!(stdout.contains("environment `staging`: passed"), "{stdout}");
                assert!(stderr.contains("uploaded: run "), "{stderr}");
            }
            1 => {
                // Every finding the README shows (up to its `…`), the gates and the verdict.
                for line in blocked.iter().filter(|line| {
                    line.contains("]: ")
                        || line.starts_with("environment")
                        || line.starts_with("review ")
                        || line.starts_with("security ")
                }) {
                    let prefix = line.split('…').next().unwrap();
                    assert!(
                        stdout.contains(prefix),
                        "README shows `{prefix}`; agate said:\n{stdout}"
                    );
                }
                assert!(stderr.contains("uploaded: run "), "{stderr}");
            }
            _ => {
                let error = session.localize(refused[0]);
                assert!(
                    stderr.contains(&error),
                    "README shows `{error}`; agate said:\n{stderr}"
                );
            }
        }
    }
    assert_eq!(gates, 4, "the README runs agate gate four times");

    check_dashboard(&session);
    assert!(session.root().join("agate.db").is_file());
}

/// The admin's overview shows each team's repository and its run, with its verdict, as
/// extending the org policy.
fn check_dashboard(session: &Session) {
    let base = session.server_url().unwrap();
    let view = overview(base, session.var("ADMIN_TOKEN").unwrap());
    let mut runs: Vec<(String, String, String, String)> = view["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|run| {
            let field = |key: &str| run[key].as_str().unwrap().to_owned();
            (
                field("repository"),
                field("environment"),
                field("verdict"),
                field("policy"),
            )
        })
        .collect();
    runs.sort();
    let expected: Vec<(String, String, String, String)> =
        [("ledger", "blocked"), ("orders", "pass"), ("web", "pass")]
            .into_iter()
            .map(|(repository, verdict)| {
                (
                    repository.to_owned(),
                    "staging".to_owned(),
                    verdict.to_owned(),
                    "org".to_owned(),
                )
            })
            .collect();
    assert_eq!(runs, expected, "{view}");
    let mut teams: Vec<(String, String)> = view["pass_rate"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["team"].as_str().unwrap().to_owned(),
                row["repository"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    teams.sort();
    assert_eq!(
        teams,
        [("ledger", "ledger"), ("orders", "orders"), ("web", "web")]
            .map(|(team, repository)| (team.to_owned(), repository.to_owned())),
        "{view}"
    );
}
