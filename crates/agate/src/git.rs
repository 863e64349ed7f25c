//! The lines changed since a base revision, from `git diff`.
//!
//! A stopgap until the provenance engine (issue [3]) reads history with gix: git is run
//! directly with an argument list (never through a shell), in the scan root.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};

/// The base the CI system implies: the target branch of a GitHub pull request
/// (`GITHUB_BASE_REF`) or a GitLab merge request (`CI_MERGE_REQUEST_TARGET_BRANCH_NAME`), as
/// `origin/<branch>`.
pub(crate) fn ci_base() -> Option<String> {
    ["GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok())
        .map(|branch| branch.trim().to_owned())
        .filter(|branch| !branch.is_empty() && !branch.starts_with('-'))
        .map(|branch| format!("origin/{branch}"))
}

/// Returns, for each file (relative to `root`), the 1-based line ranges added or changed
/// since the merge base of `base` and `HEAD`, including uncommitted changes.
pub(crate) fn changed_lines(
    root: &Path,
    base: &str,
) -> anyhow::Result<HashMap<String, Vec<(u32, u32)>>> {
    if base.starts_with('-') {
        bail!("`--base {base}` is not a revision");
    }
    let merge_base = match git(root, &["merge-base", base, "HEAD"]) {
        Ok(merge_base) => merge_base,
        Err(error) => {
            let shallow = git(root, &["rev-parse", "--is-shallow-repository"])
                .is_ok_and(|answer| answer.trim() == "true");
            let hint = if shallow {
                format!(
                    "this is a shallow clone, so the history back to `{base}` is missing: fetch it \
                     (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout, \
                     `GIT_DEPTH: 0` in GitLab CI)"
                )
            } else {
                format!("is `{base}` fetched? (`git fetch origin` first)")
            };
            return Err(error.context(format!(
                "cannot find the merge base of `{base}` and HEAD: {hint}"
            )));
        }
    };
    let diff = git(
        root,
        &[
            "diff",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--relative",
            merge_base.trim(),
            "--",
        ],
    )?;
    Ok(parse_diff(&diff))
}

fn git(root: &Path, args: &[&str]) -> anyhow::Result<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .context("cannot run git (is it installed?)")?;
    if !output.status.success() {
        bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Parses `git diff --unified=0` output into added line ranges per new path.
fn parse_diff(diff: &str) -> HashMap<String, Vec<(u32, u32)>> {
    let mut changed: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
    let mut current: Option<String> = None;
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("+++ ") {
            current = path.strip_prefix("b/").map(str::to_owned);
        } else if let Some(hunk) = line.strip_prefix("@@ ")
            && let Some(path) = &current
        {
            // @@ -a,b +c,d @@: d lines starting at c (d defaults to 1; 0 means a deletion).
            let Some(added) = hunk.split_whitespace().find(|part| part.starts_with('+')) else {
                continue;
            };
            let mut numbers = added[1..].split(',');
            let start: u32 = numbers.next().and_then(|n| n.parse().ok()).unwrap_or(0);
            let count: u32 = numbers.next().and_then(|n| n.parse().ok()).unwrap_or(1);
            if count > 0 {
                changed
                    .entry(path.clone())
                    .or_default()
                    .push((start, start + count - 1));
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_become_added_line_ranges() {
        let diff = "diff --git a/app.py b/app.py\n--- a/app.py\n+++ b/app.py\n@@ -3,0 +4,2 @@\n+x\n+y\n@@ -10 +12 @@\n-a\n+b\n@@ -20,3 +21,0 @@\n--- a/old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n";
        let changed = parse_diff(diff);
        assert_eq!(changed["app.py"], [(4, 5), (12, 12)]);
        assert!(!changed.contains_key("old.py"));
    }
}
