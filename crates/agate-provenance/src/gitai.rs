//! git-ai authorship logs: the notes git-ai attaches to commits under `refs/notes/ai`.
//!
//! A note lists, per file, which lines of the file *as of that commit* each prompt (an AI
//! session) or known human wrote, then a JSON block naming the agents:
//!
//! ```text
//! src/app.py
//!   9c1f0e2a41b3d5c7 1-5,10
//!   h_4e1d2c3b4a5f60 6-9
//! ---
//! {"schema_version":"authorship/3.0.0","prompts":{"9c1f0e2a41b3d5c7":{"agent_id":{"tool":"claude","model":"claude-opus-4-7"}}},"humans":{"h_4e1d2c3b4a5f60":{"author":"Ana"}}}
//! ```
//!
//! Ids starting `h_` (or listed under `humans`) are people; every other id is an AI session,
//! named by its `prompts` or `sessions` entry when there is one.

use std::collections::HashMap;

use serde_json::Value;

use crate::{Evidence, EvidenceSource};

/// The notes reference git-ai writes.
pub(crate) const NOTES_REF: &str = "refs/notes/ai";

/// One commit's authorship log: AI line ranges per path.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct AuthorshipLog {
    /// Path → (first line, last line, evidence), 1-based, inclusive, lines of the file at
    /// the annotated commit.
    files: HashMap<String, crate::EvidenceRanges>,
}

impl AuthorshipLog {
    /// Parses a note; `None` when it is not a git-ai authorship log.
    pub(crate) fn parse(note: &str) -> Option<AuthorshipLog> {
        let (attestations, metadata) = split_note(note)?;
        let metadata: Value = serde_json::from_str(metadata.trim()).ok()?;
        let schema = metadata.get("schema_version")?.as_str()?;
        if !schema.starts_with("authorship/") {
            return None;
        }
        let mut files: HashMap<String, crate::EvidenceRanges> = HashMap::new();
        let mut current: Option<String> = None;
        for line in attestations.lines() {
            if line.trim().is_empty() {
                continue;
            }
            if !line.starts_with([' ', '\t']) {
                current = Some(unquote(line.trim_end()));
                continue;
            }
            let Some(path) = &current else { continue };
            let Some((id, ranges)) = line.trim().rsplit_once(' ') else {
                continue;
            };
            let Some(evidence) = evidence_for(id, &metadata) else {
                continue;
            };
            let entry = files.entry(path.clone()).or_default();
            for (start, end) in parse_ranges(ranges) {
                entry.push((start, end, evidence.clone()));
            }
        }
        Some(AuthorshipLog { files })
    }

    /// The first AI attestation in the log, if any.
    pub(crate) fn first(&self) -> Option<&Evidence> {
        self.files
            .values()
            .flat_map(|ranges| ranges.iter().map(|(_, _, evidence)| evidence))
            .next()
    }

    /// The evidence that line `line` (1-based) of `path` at the annotated commit is AI's.
    pub(crate) fn evidence(&self, path: &str, line: u32) -> Option<&Evidence> {
        self.files
            .get(path)?
            .iter()
            .find_map(|(start, end, evidence)| (*start <= line && line <= *end).then_some(evidence))
    }
}

/// Splits a note at its `---` line into attestations and metadata.
fn split_note(note: &str) -> Option<(&str, &str)> {
    if let Some(rest) = note.strip_prefix("---\n") {
        return Some(("", rest));
    }
    let at = note.find("\n---\n")?;
    Some((&note[..at], &note[at + 5..]))
}

/// `"a b.py"` → `a b.py`; other paths as written.
fn unquote(path: &str) -> String {
    path.strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .map_or_else(|| path.to_owned(), |inner| inner.replace("\\\"", "\""))
}

/// `1-5,10` → `[(1, 5), (10, 10)]`; malformed parts and line 0 are skipped.
fn parse_ranges(text: &str) -> Vec<(u32, u32)> {
    text.split(',')
        .filter_map(|part| {
            let (start, end) = if let Some((start, end)) = part.split_once('-') {
                (start.trim().parse().ok()?, end.trim().parse().ok()?)
            } else {
                let line = part.trim().parse().ok()?;
                (line, line)
            };
            (start >= 1 && start <= end).then_some((start, end))
        })
        .collect()
}

/// The evidence an attestation id stands for; `None` for a human.
fn evidence_for(id: &str, metadata: &Value) -> Option<Evidence> {
    if id.starts_with("h_") || metadata.pointer(&format!("/humans/{id}")).is_some() {
        return None;
    }
    let session = id.split("::").next().unwrap_or(id);
    let agent = ["prompts", "sessions"].iter().find_map(|section| {
        let entries = metadata.get(section)?;
        entries
            .get(id)
            .or_else(|| entries.get(session))?
            .get("agent_id")
    });
    let text = |key: &str| {
        agent
            .and_then(|agent| agent.get(key))
            .and_then(Value::as_str)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    };
    Some(Evidence {
        tool: text("tool").unwrap_or_else(|| "git-ai".to_owned()),
        model: text("model"),
        source: EvidenceSource::GitAiNote {
            prompt: id.to_owned(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTE: &str = "src/app.py\n  9c1f0e2a41b3d5c7 1-3,7\n  h_4e1d2c3b4a5f60 4-6\n\"docs/a b.md\"\n  s_a7::t_a3 2\n---\n{\"schema_version\":\"authorship/3.0.0\",\"base_commit_sha\":\"x\",\"prompts\":{\"9c1f0e2a41b3d5c7\":{\"agent_id\":{\"tool\":\"claude\",\"model\":\"claude-opus-4-7\"}}},\"humans\":{\"h_4e1d2c3b4a5f60\":{\"author\":\"Ana\"}}}\n";

    #[test]
    fn ai_ranges_carry_the_agent_and_humans_are_left_out() {
        let log = AuthorshipLog::parse(NOTE).unwrap();
        let claude = log.evidence("src/app.py", 2).unwrap();
        assert_eq!(claude.tool, "claude");
        assert_eq!(claude.model.as_deref(), Some("claude-opus-4-7"));
        assert!(log.evidence("src/app.py", 7).is_some());
        assert!(log.evidence("src/app.py", 5).is_none(), "human range");
        assert!(log.evidence("src/app.py", 8).is_none());
        let session = log.evidence("docs/a b.md", 2).unwrap();
        assert_eq!(session.tool, "git-ai");
    }

    proptest::proptest! {
        /// Hostile notes never panic, and every range found is one the note wrote.
        #[test]
        fn any_note_parses_without_panicking(
            path in "[a-z/. \"]{0,12}",
            id in "[a-z_0-9:]{0,10}",
            ranges in "[0-9,\\-]{0,24}",
            tail in "\\PC{0,40}",
        ) {
            let note = format!("{path}\n  {id} {ranges}\n---\n{{\"schema_version\":\"authorship/3.0.0\"}}{tail}");
            let _ = AuthorshipLog::parse(&note);
            if let Some(log) = AuthorshipLog::parse(&format!("a.py\n  x {ranges}\n---\n{{\"schema_version\":\"authorship/3.0.0\"}}")) {
                for line in 0..64 {
                    let written = parse_ranges(&ranges).iter().any(|&(start, end)| start <= line && line <= end);
                    proptest::prop_assert_eq!(log.evidence("a.py", line).is_some(), written);
                }
            }
        }
    }

    #[test]
    fn other_notes_and_garbage_are_not_logs() {
        assert!(AuthorshipLog::parse("reviewed by Bob").is_none());
        assert!(AuthorshipLog::parse("a\n---\n{\"schema_version\":\"other/1\"}").is_none());
        assert!(AuthorshipLog::parse("a\n---\nnot json").is_none());
        let log = AuthorshipLog::parse(
            "a.py\n  x 0,5-2,zz,3\n---\n{\"schema_version\":\"authorship/3.0.0\"}",
        )
        .unwrap();
        assert!(log.evidence("a.py", 3).is_some());
        assert!(log.evidence("a.py", 5).is_none());
    }
}
