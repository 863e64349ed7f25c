//! Agent Trace records (agent-trace.dev, v0.1): JSON lines in `.agent-trace/traces.jsonl`
//! that coding agents append when they edit files.
//!
//! A record names a git revision and, per file, line ranges with a contributor (`ai`,
//! `mixed`, `human`, `unknown`) and model. Line numbers refer to the file as the agent left
//! it: the record's revision is `HEAD` while the agent works, so the lines belong to the
//! commit that follows it (or to the revision itself, when the record was written after the
//! commit). agate reads `ai` and `mixed` ranges; records without a git revision cannot be
//! placed in history and are skipped.

use std::collections::HashMap;
use std::path::Path;

use gix::ObjectId;
use serde::Deserialize;

use crate::{Evidence, EvidenceSource};

/// Where the reference implementation stores records, relative to the repository root.
pub const TRACE_FILE: &str = ".agent-trace/traces.jsonl";

/// The largest trace file read: a record is a few hundred bytes, so this holds hundreds of
/// thousands; a device or runaway file cannot exhaust memory.
const MAX_TRACE_BYTES: u64 = 64 * 1024 * 1024;

/// The records of a repository, indexed by revision and path.
#[derive(Debug, Default)]
pub(crate) struct Traces {
    /// (revision, path) → AI ranges (1-based, inclusive) with their evidence.
    ranges: HashMap<(ObjectId, String), crate::EvidenceRanges>,
}

#[derive(Deserialize)]
struct Record {
    id: Option<String>,
    vcs: Option<Vcs>,
    tool: Option<Tool>,
    #[serde(default)]
    files: Vec<File>,
}

#[derive(Deserialize)]
struct Vcs {
    #[serde(rename = "type")]
    kind: String,
    revision: String,
}

#[derive(Deserialize)]
struct Tool {
    name: Option<String>,
}

#[derive(Deserialize)]
struct File {
    path: String,
    #[serde(default)]
    conversations: Vec<Conversation>,
}

#[derive(Deserialize)]
struct Conversation {
    url: Option<String>,
    contributor: Option<Contributor>,
    #[serde(default)]
    ranges: Vec<Range>,
}

#[derive(Deserialize, Clone)]
struct Contributor {
    #[serde(rename = "type")]
    kind: String,
    model_id: Option<String>,
}

#[derive(Deserialize)]
struct Range {
    start_line: u32,
    end_line: u32,
    contributor: Option<Contributor>,
}

impl Traces {
    /// Reads the records under `root`; a missing file means none, and lines that are not
    /// valid records are skipped (the count is returned so callers can say so), as is why a
    /// file that exists could not be read (not a regular file, too large).
    pub(crate) fn load(root: &Path) -> (Traces, usize, Option<String>) {
        let mut traces = Traces::default();
        let text = match agate_fs::read_to_string_bounded(&root.join(TRACE_FILE), MAX_TRACE_BYTES) {
            Ok(text) => text,
            Err(error) if error.is_not_found() => return (traces, 0, None),
            // Unreadable, not a regular file, too large: no record in it counts, and the
            // caller says why.
            Err(error) => return (traces, 0, Some(error.to_string())),
        };
        let mut skipped = 0;
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            match serde_json::from_str::<Record>(line) {
                Ok(record) => traces.add(record),
                Err(_) => skipped += 1,
            }
        }
        (traces, skipped, None)
    }

    fn add(&mut self, record: Record) {
        let Some(revision) = record
            .vcs
            .filter(|vcs| vcs.kind == "git")
            .and_then(|vcs| ObjectId::from_hex(vcs.revision.trim().as_bytes()).ok())
        else {
            return;
        };
        let tool = record
            .tool
            .and_then(|tool| tool.name)
            .unwrap_or_else(|| "Agent Trace".to_owned());
        for file in record.files {
            for conversation in file.conversations {
                for range in conversation.ranges {
                    let Some(contributor) = range
                        .contributor
                        .as_ref()
                        .or(conversation.contributor.as_ref())
                    else {
                        continue;
                    };
                    if !matches!(contributor.kind.as_str(), "ai" | "mixed")
                        || range.start_line == 0
                        || range.start_line > range.end_line
                    {
                        continue;
                    }
                    let evidence = Evidence {
                        tool: tool.clone(),
                        model: contributor.model_id.clone(),
                        source: EvidenceSource::AgentTrace {
                            record: record.id.clone().unwrap_or_default(),
                            conversation: conversation.url.clone(),
                        },
                    };
                    self.ranges
                        .entry((revision, file.path.clone()))
                        .or_default()
                        .push((range.start_line, range.end_line, evidence));
                }
            }
        }
    }

    /// Whether no record was read.
    pub(crate) fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The evidence that line `line` of `path` as recorded at `revision` is AI's.
    pub(crate) fn evidence(&self, revision: ObjectId, path: &str, line: u32) -> Option<&Evidence> {
        self.ranges
            .get(&(revision, path.to_owned()))?
            .iter()
            .find_map(|(start, end, evidence)| (*start <= line && line <= *end).then_some(evidence))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REVISION: &str = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0";

    fn load(lines: &[String]) -> (Traces, usize) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".agent-trace")).unwrap();
        std::fs::write(dir.path().join(TRACE_FILE), lines.join("\n")).unwrap();
        let (traces, skipped, unreadable) = Traces::load(dir.path());
        assert_eq!(unreadable, None);
        (traces, skipped)
    }

    #[test]
    fn ai_and_mixed_ranges_are_indexed_by_revision_and_path() {
        let record = format!(
            r#"{{"version":"0.1.0","id":"550e8400","timestamp":"2026-01-23T14:30:00Z","vcs":{{"type":"git","revision":"{REVISION}"}},"tool":{{"name":"cursor"}},"files":[{{"path":"src/a.ts","conversations":[{{"url":"https://example.com/c/1","contributor":{{"type":"ai","model_id":"anthropic/claude-opus-4-5"}},"ranges":[{{"start_line":3,"end_line":5}},{{"start_line":9,"end_line":9,"contributor":{{"type":"human"}}}}]}},{{"contributor":{{"type":"mixed"}},"ranges":[{{"start_line":12,"end_line":12}}]}}]}}]}}"#
        );
        let (traces, skipped) = load(&[record, "not json".to_owned()]);
        assert_eq!(skipped, 1);
        let revision = ObjectId::from_hex(REVISION.as_bytes()).unwrap();
        let evidence = traces.evidence(revision, "src/a.ts", 4).unwrap();
        assert_eq!(evidence.tool, "cursor");
        assert_eq!(evidence.model.as_deref(), Some("anthropic/claude-opus-4-5"));
        assert!(
            traces.evidence(revision, "src/a.ts", 9).is_none(),
            "human override"
        );
        assert!(traces.evidence(revision, "src/a.ts", 12).is_some(), "mixed");
        assert!(traces.evidence(revision, "src/a.ts", 6).is_none());
        assert!(traces.evidence(revision, "src/b.ts", 4).is_none());
    }

    #[test]
    fn records_without_a_git_revision_are_skipped() {
        let record = r#"{"version":"0.1.0","id":"x","timestamp":"t","files":[{"path":"a.py","conversations":[{"contributor":{"type":"ai"},"ranges":[{"start_line":1,"end_line":50}]}]}]}"#;
        let (traces, skipped) = load(&[record.to_owned()]);
        assert_eq!(skipped, 0);
        assert!(traces.is_empty());
    }
}
