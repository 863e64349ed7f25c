//! Stamps the binary with the commit it was built from and the build date, for
//! `agate --version` (`agate 0.1.0 (3f2a9c1b7d4e 2026-12-07)`, as `rustc --version` reads).
//!
//! The commit comes from, in order: `AGATE_BUILD_COMMIT` (a container or packaging build
//! that has no `.git`), `git rev-parse HEAD` (a checkout), `.cargo_vcs_info.json` (a crate
//! packaged by `cargo package`), else `unknown`. The date is `SOURCE_DATE_EPOCH`'s when it is
//! set (reproducible builds: the same source gives the same binary), else today's (UTC).
//! git runs with an argument list, never through a shell, and a missing git or a folder that
//! is not a checkout only means `unknown`.

use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    println!("cargo:rerun-if-env-changed=AGATE_BUILD_COMMIT");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    println!("cargo:rerun-if-changed=build.rs");
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".to_owned());
    let manifest_dir = Path::new(&manifest_dir);

    let commit = std::env::var("AGATE_BUILD_COMMIT")
        .ok()
        .filter(|commit| is_commit(commit))
        .or_else(|| git_commit(manifest_dir))
        .or_else(|| packaged_commit(manifest_dir))
        .map_or_else(|| "unknown".to_owned(), |commit| commit[..12].to_owned());
    println!("cargo:rustc-env=AGATE_BUILD_COMMIT={commit}");

    // An empty value is unset (a container build's `ARG SOURCE_DATE_EPOCH=""`).
    let seconds = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) if !value.trim().is_empty() => value.trim().parse::<u64>().unwrap_or_else(|_| {
            println!(
                "cargo:warning=SOURCE_DATE_EPOCH `{value}` is not a number of seconds; using today"
            );
            now()
        }),
        _ => now(),
    };
    println!("cargo:rustc-env=AGATE_BUILD_DATE={}", civil_date(seconds));
}

/// At least 12 hexadecimal digits: what `--version` shows.
fn is_commit(text: &str) -> bool {
    text.len() >= 12 && text.bytes().all(|byte| byte.is_ascii_hexdigit())
}

/// The checkout's `HEAD`, and the files whose change means another commit.
fn git_commit(dir: &Path) -> Option<String> {
    let commit = git(dir, &["rev-parse", "HEAD"]).filter(|commit| is_commit(commit))?;
    // HEAD itself (a checkout of another branch), the branch it points to (a new commit)
    // and packed-refs (a branch packed by gc). Worktrees keep HEAD apart from the refs.
    let mut watched = vec![git(dir, &["rev-parse", "--git-path", "HEAD"])];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watched.push(git(dir, &["rev-parse", "--git-path", &branch]));
    }
    watched.push(git(dir, &["rev-parse", "--git-path", "packed-refs"]));
    for path in watched.into_iter().flatten() {
        let path = dir.join(path);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    Some(commit)
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    Some(text.trim().to_owned()).filter(|text| !text.is_empty())
}

/// `cargo package` writes the commit into `.cargo_vcs_info.json` (`"sha1": "<hex>"`).
fn packaged_commit(dir: &Path) -> Option<String> {
    let path = dir.join(".cargo_vcs_info.json");
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path).ok()?;
    let start = text.find("\"sha1\"")? + "\"sha1\"".len();
    let value = text[start..].trim_start().strip_prefix(':')?.trim_start();
    let value = value.strip_prefix('"')?;
    let commit = &value[..value.find('"')?];
    is_commit(commit).then(|| commit.to_owned())
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// `YYYY-MM-DD` (UTC) of a Unix time: the proleptic Gregorian calendar, by Howard Hinnant's
/// `civil_from_days`.
fn civil_date(seconds: u64) -> String {
    let days = seconds / 86_400 + 719_468;
    let era = days / 146_097;
    let day_of_era = days % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
