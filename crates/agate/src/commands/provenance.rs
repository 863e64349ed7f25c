//! `agate provenance show`.

use std::path::PathBuf;

use agate_lang::{WalkOptions, walk};
use agate_provenance::{
    Attribution, Classifier, EvidenceSource, History, Manifest, ManifestEntry, Origin,
};
use serde_json::{Value, json};

use crate::args::{ListFormat, RecordArgs};
use crate::exit::ExitStatus;
use crate::output;

/// One file's ranges, ready to print.
struct FileAttribution {
    path: String,
    ranges: Vec<Attribution>,
}

pub(crate) fn show(paths: &[PathBuf], format: ListFormat) -> anyhow::Result<ExitStatus> {
    let root = std::env::current_dir()?;
    let absolute: Vec<PathBuf> = paths.iter().map(|path| root.join(path)).collect();
    let walked = walk(&root, &absolute, &WalkOptions::default());
    let mut files: Vec<(String, PathBuf)> = walked
        .files
        .into_iter()
        .map(|file| (file.relative, file.path))
        .collect();
    // Files named explicitly count even when agate does not analyze their language.
    for (path, given) in absolute.iter().zip(paths) {
        if path.is_file() && !files.iter().any(|(_, known)| known == path) {
            files.push((given.to_string_lossy().replace('\\', "/"), path.clone()));
        }
    }
    files.sort();
    let mut history = History::open(&root, Classifier::builtin()).ok();
    let manifest = Manifest::load(&root.join(MANIFEST))
        .map_err(|error| crate::exit::Failure::usage(error.to_string()))?;
    let mut attributed = Vec::new();
    for (relative, path) in files {
        let Ok(bytes) = fs_err::read(&path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let line_count = u32::try_from(text.lines().count()).unwrap_or(u32::MAX);
        if line_count == 0 {
            continue;
        }
        let mut ranges = match history.as_mut() {
            Some(history) => history.attribute(&path, line_count)?,
            None => vec![Attribution {
                start: 1,
                end: line_count,
                origin: Origin::Unknown,
                commit: None,
                evidence: Vec::new(),
            }],
        };
        let mut marked = agate_policy::ai_lines(&text);
        marked.extend(
            manifest
                .ai_ranges(&relative, &text)
                .into_iter()
                .map(|(start, end, _)| (start, end)),
        );
        overlay_markers(&mut ranges, &marked);
        attributed.push(FileAttribution {
            path: relative,
            ranges,
        });
    }
    output::emit(None, |out| match format {
        ListFormat::Json => {
            let rows: Vec<Value> = attributed.iter().flat_map(json_rows).collect();
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)
        }
        ListFormat::Terminal => {
            for file in &attributed {
                for range in &file.ranges {
                    writeln!(
                        out,
                        "{}:{}-{}  {:<7}  {}",
                        file.path,
                        range.start,
                        range.end,
                        range.origin.as_str(),
                        describe(range)
                    )?;
                }
            }
            Ok(())
        }
    })?;
    Ok(ExitStatus::Pass)
}

/// Where generation pipelines record generated blocks, relative to the root.
pub(crate) const MANIFEST: &str = ".agate/provenance.jsonl";

/// `agate provenance record`: appends one entry for lines of a file.
pub(crate) fn record(args: &RecordArgs) -> anyhow::Result<ExitStatus> {
    let root = std::env::current_dir()?;
    let file = root.join(&args.path);
    let relative = file
        .strip_prefix(&root)
        .unwrap_or(&args.path)
        .to_string_lossy()
        .replace('\\', "/");
    let entry = ManifestEntry {
        path: relative,
        start_line: args.lines.0,
        end_line: args.lines.1,
        content_sha256: String::new(),
        tool: args.tool.clone(),
        model: args.model.clone(),
        prompt_id: args.prompt_id.clone(),
        time: Some(
            args.time
                .clone()
                .unwrap_or_else(|| crate::commands::scan::today().to_string()),
        ),
    };
    let entry = agate_provenance::record(&root.join(MANIFEST), &file, entry)
        .map_err(|error| crate::exit::Failure::usage(error.to_string()))?;
    output::note(&format!(
        "recorded {}:{}-{} ({}) in {MANIFEST}",
        entry.path,
        entry.start_line,
        entry.end_line,
        &entry.content_sha256[..12]
    ));
    Ok(ExitStatus::Pass)
}

/// Marks inline-marked lines `ai`, splitting the ranges they fall in.
fn overlay_markers(ranges: &mut Vec<Attribution>, marked: &[(u32, u32)]) {
    if marked.is_empty() {
        return;
    }
    let is_marked = |line: u32| {
        marked
            .iter()
            .any(|&(start, end)| start <= line && line <= end)
    };
    let mut result: Vec<Attribution> = Vec::new();
    for range in ranges.drain(..) {
        for line in range.start..=range.end {
            let (origin, evidence, commit) = if is_marked(line) {
                (Origin::Ai, Vec::new(), None)
            } else {
                (range.origin, range.evidence.clone(), range.commit.clone())
            };
            match result.last_mut() {
                Some(last)
                    if last.end + 1 == line && last.origin == origin && last.commit == commit =>
                {
                    last.end = line;
                }
                _ => result.push(Attribution {
                    start: line,
                    end: line,
                    origin,
                    commit,
                    evidence,
                }),
            }
        }
    }
    *ranges = result;
}

fn describe(range: &Attribution) -> String {
    match (range.origin, range.evidence.first(), &range.commit) {
        (Origin::Ai, None, _) => "inline marker or provenance manifest".to_owned(),
        (_, Some(evidence), Some(commit)) => {
            let model = evidence
                .model
                .as_deref()
                .map(|model| format!(" ({model})"))
                .unwrap_or_default();
            format!(
                "{}{model} via {} in {}",
                evidence.tool,
                source(&evidence.source),
                &commit[..commit.len().min(10)]
            )
        }
        (_, _, Some(commit)) => format!("commit {}", &commit[..commit.len().min(10)]),
        _ => "not committed, or no history".to_owned(),
    }
}

fn source(source: &EvidenceSource) -> String {
    match source {
        EvidenceSource::Trailer { token, value } => format!("`{token}: {value}`"),
        EvidenceSource::Author(identity) => format!("author `{identity}`"),
        EvidenceSource::Committer(identity) => format!("committer `{identity}`"),
    }
}

fn json_rows(file: &FileAttribution) -> Vec<Value> {
    file.ranges
        .iter()
        .map(|range| {
            let evidence: Vec<Value> = if range.origin == Origin::Ai && range.evidence.is_empty() {
                vec![json!({"kind": "marker-or-manifest"})]
            } else {
                range
                    .evidence
                    .iter()
                    .map(|evidence| {
                        json!({
                            "kind": "commit",
                            "commit": range.commit,
                            "tool": evidence.tool,
                            "model": evidence.model,
                            "source": source(&evidence.source),
                        })
                    })
                    .collect()
            };
            json!({
                "path": file.path,
                "start_line": range.start,
                "end_line": range.end,
                "origin": range.origin.as_str(),
                "evidence": evidence,
            })
        })
        .collect()
}
