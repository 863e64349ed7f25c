//! `agate provenance show`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use agate_lang::{WalkOptions, walk};
use agate_provenance::{Attribution, EvidenceSource, History, Manifest, ManifestEntry, Origin};
use serde_json::{Value, json};

use crate::args::{ListFormat, RecordArgs};
use crate::exit::ExitStatus;
use crate::output;

/// One file's ranges, ready to print.
struct FileAttribution {
    path: String,
    ranges: Vec<Attribution>,
    /// The file has an `@generated` header.
    generated: bool,
}

/// Attributes every line of the files under `paths` (relative to the current directory).
fn collect(paths: &[PathBuf]) -> anyhow::Result<Vec<FileAttribution>> {
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
    let policy = crate::commands::config::policy_of(&root)?;
    let mut history = History::open(&root, agate_pipeline::classifier(&policy)?)
        .map(|history| history.with_cache(root.join(agate_pipeline::BLAME_CACHE)))
        .ok();
    if let Some(history) = &history {
        files.extend(tracked_text_files(history, &root, &absolute)?);
    }
    files.sort();
    files.dedup_by(|a, b| a.0 == b.0);
    let manifest = Manifest::load(&root.join(agate_provenance::MANIFEST_PATH))
        .map_err(|error| crate::exit::Failure::usage(error.to_string()))?;
    let mut attributed = Vec::new();
    for (relative, path) in files {
        let Ok(bytes) = agate_fs::read_bounded(&path, agate_provenance::MAX_SOURCE_BYTES) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let line_count = u32::try_from(text.lines().count()).unwrap_or(u32::MAX);
        if line_count == 0 {
            continue;
        }
        let generated = agate_policy::is_generated(&text);
        let mut ranges = match history.as_mut() {
            // A code generator's output is nobody's line by line.
            Some(history) if !generated => history.attribute(&path)?,
            _ => vec![Attribution {
                start: 1,
                end: line_count,
                origin: Origin::Unknown,
                commit: None,
                evidence: Vec::new(),
                author: None,
            }],
        };
        let mut marked = agate_policy::ai_lines(&text);
        marked.extend(
            manifest
                .ai_ranges(&relative, &text)
                .into_iter()
                .map(|(start, end, _)| (start, end)),
        );
        if !generated {
            overlay_markers(&mut ranges, &marked);
        }
        attributed.push(FileAttribution {
            path: relative,
            ranges,
            generated,
        });
    }
    Ok(attributed)
}

/// The text files `HEAD` tracks under `wanted` (every path when empty) that are in the
/// working tree, as `(path relative to root, absolute path)`.
fn tracked_text_files(
    history: &History,
    root: &std::path::Path,
    wanted: &[PathBuf],
) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let root = fs_err::canonicalize(root)?;
    let wanted: Vec<PathBuf> = wanted
        .iter()
        .map(|path| std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()))
        .collect();
    let mut files = Vec::new();
    for tracked in history.tracked_files()? {
        let path = history.workdir().join(&tracked);
        let Ok(relative) = path.strip_prefix(&root) else {
            continue;
        };
        if !wanted.is_empty() && !wanted.iter().any(|wanted| path.starts_with(wanted)) {
            continue;
        }
        let Ok(bytes) = agate_fs::read_bounded(&path, agate_provenance::MAX_SOURCE_BYTES) else {
            continue;
        };
        if bytes.iter().take(8192).any(|&byte| byte == 0) {
            continue;
        }
        files.push((relative.to_string_lossy().replace('\\', "/"), path));
    }
    Ok(files)
}

pub(crate) fn show(paths: &[PathBuf], format: ListFormat) -> anyhow::Result<ExitStatus> {
    let attributed = collect(paths)?;
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
                        if file.generated {
                            "generated code (@generated header)".to_owned()
                        } else {
                            describe(range)
                        }
                    )?;
                }
            }
            Ok(())
        }
    })?;
    Ok(ExitStatus::Pass)
}

/// `agate provenance stats`: the AI share of lines by directory, tool and author.
pub(crate) fn stats(paths: &[PathBuf], format: ListFormat) -> anyhow::Result<ExitStatus> {
    use std::collections::BTreeMap;
    let attributed = collect(paths)?;
    let mut directories: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut authors: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut tools: BTreeMap<String, u64> = BTreeMap::new();
    let (mut total, mut ai) = (0u64, 0u64);
    for file in &attributed {
        let directory = file
            .path
            .split_once('/')
            .map_or(".", |(first, _)| first)
            .to_owned();
        for range in &file.ranges {
            let lines = u64::from(range.end - range.start + 1);
            let ai_lines = if range.origin == Origin::Ai { lines } else { 0 };
            total += lines;
            ai += ai_lines;
            let entry = directories.entry(directory.clone()).or_default();
            entry.0 += ai_lines;
            entry.1 += lines;
            if let Some(author) = &range.author {
                let entry = authors.entry(author.clone()).or_default();
                entry.0 += ai_lines;
                entry.1 += lines;
            }
            if ai_lines > 0 {
                let tool = range
                    .evidence
                    .first()
                    .map_or("marker or manifest", |evidence| evidence.tool.as_str());
                *tools.entry(tool.to_owned()).or_default() += ai_lines;
            }
        }
    }
    let share = |ai: u64, total: u64| {
        if total == 0 {
            0.0
        } else {
            ai as f64 * 100.0 / total as f64
        }
    };
    output::emit(None, |out| match format {
        ListFormat::Json => {
            let rows = |map: &BTreeMap<String, (u64, u64)>, key: &str| -> Vec<Value> {
                map.iter()
                    .map(|(name, (ai, total))| json!({key: name, "ai_lines": ai, "lines": total}))
                    .collect()
            };
            let value = json!({
                "lines": total,
                "ai_lines": ai,
                "by_directory": rows(&directories, "directory"),
                "by_author": rows(&authors, "author"),
                "by_tool": tools.iter().map(|(tool, lines)| json!({"tool": tool, "ai_lines": lines})).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut *out, &value)?;
            writeln!(out)
        }
        ListFormat::Terminal => {
            writeln!(
                out,
                "AI-authored: {ai} of {total} lines ({:.1}%)\n",
                share(ai, total)
            )?;
            for (title, map) in [("directory", &directories), ("author", &authors)] {
                writeln!(
                    out,
                    "{title:<32} {:>9} {:>9} {:>7}",
                    "ai lines", "lines", "share"
                )?;
                for (name, (ai, total)) in map {
                    writeln!(
                        out,
                        "{name:<32} {ai:>9} {total:>9} {:>6.1}%",
                        share(*ai, *total)
                    )?;
                }
                writeln!(out)?;
            }
            writeln!(out, "{:<32} {:>9}", "tool", "ai lines")?;
            for (tool, lines) in &tools {
                writeln!(out, "{tool:<32} {lines:>9}")?;
            }
            Ok(())
        }
    })?;
    Ok(ExitStatus::Pass)
}

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
                .unwrap_or_else(|| agate_policy::Date::today().to_string()),
        ),
        signature: None,
    };
    let key = match &args.sign {
        Some(path) => Some(crate::commands::attest::private_key(path.as_deref())?),
        None => None,
    };
    let sign = |bytes: &[u8]| {
        let key = key.as_ref()?;
        let envelope =
            agate_attest::Envelope::sign(agate_provenance::PROVENANCE_PAYLOAD_TYPE, bytes, key);
        let signature = envelope.signatures.into_iter().next()?;
        Some(agate_provenance::EntrySignature {
            keyid: signature.keyid,
            sig: signature.sig,
        })
    };
    let entry = agate_provenance::record(
        &root.join(agate_provenance::MANIFEST_PATH),
        &file,
        entry,
        sign,
    )
    .map_err(|error| crate::exit::Failure::usage(error.to_string()))?;
    output::note(&format!(
        "recorded {}:{}-{} ({}) in {}",
        entry.path,
        entry.start_line,
        entry.end_line,
        &entry.content_sha256[..12],
        agate_provenance::MANIFEST_PATH
    ));
    Ok(ExitStatus::Pass)
}

/// `agate provenance verify --key PUB`: each signed entry's signature, with the key.
pub(crate) fn verify(key: &Path, require_signed: bool) -> anyhow::Result<ExitStatus> {
    use base64::Engine as _;
    let root = std::env::current_dir()?;
    let public = crate::commands::attest::public_key(key)?;
    let manifest = agate_provenance::Manifest::load(&root.join(agate_provenance::MANIFEST_PATH))
        .map_err(|error| crate::exit::Failure::usage(error.to_string()))?;
    let mut out = std::io::stdout().lock();
    let (mut good, mut failed) = (0, 0);
    for (index, entry) in manifest.entries.iter().enumerate() {
        let place = format!(
            "{}:{} {}:{}-{}",
            agate_provenance::MANIFEST_PATH,
            index + 1,
            entry.path,
            entry.start_line,
            entry.end_line
        );
        let verdict = match &entry.signature {
            None if require_signed => Some("unsigned"),
            None => None,
            Some(signature) => {
                let envelope = agate_attest::Envelope {
                    payload: base64::engine::general_purpose::STANDARD.encode(entry.signed_bytes()),
                    payload_type: agate_provenance::PROVENANCE_PAYLOAD_TYPE.to_owned(),
                    signatures: vec![agate_attest::EnvelopeSignature {
                        keyid: signature.keyid.clone(),
                        sig: signature.sig.clone(),
                    }],
                };
                if envelope.verify(&public).is_ok() {
                    good += 1;
                    None
                } else {
                    Some(
                        "signature does not verify with the key (edited, or signed with another key)",
                    )
                }
            }
        };
        if let Some(problem) = verdict {
            failed += 1;
            writeln!(out, "FAIL  {place}: {}", output::redact(problem))?;
        }
    }
    writeln!(
        out,
        "{good} signed entr{} verified, {failed} failed, {} in all",
        if good == 1 { "y" } else { "ies" },
        manifest.entries.len()
    )?;
    Ok(if failed > 0 {
        ExitStatus::Blocked
    } else {
        ExitStatus::Pass
    })
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
            let (origin, evidence, commit, author) = if is_marked(line) {
                (Origin::Ai, Vec::new(), None, None)
            } else {
                (
                    range.origin,
                    range.evidence.clone(),
                    range.commit.clone(),
                    range.author.clone(),
                )
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
                    author,
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
                evidence.source,
                &commit[..commit.len().min(10)]
            )
        }
        (_, _, Some(commit)) => format!("commit {}", &commit[..commit.len().min(10)]),
        _ => "not committed, or no history".to_owned(),
    }
}

fn json_rows(file: &FileAttribution) -> Vec<Value> {
    file.ranges
        .iter()
        .map(|range| {
            let evidence: Vec<Value> = if file.generated {
                vec![json!({"kind": "generated", "source": "@generated header"})]
            } else if range.origin == Origin::Ai && range.evidence.is_empty() {
                vec![json!({"kind": "marker-or-manifest"})]
            } else {
                range
                    .evidence
                    .iter()
                    .map(|evidence| {
                        let kind = match evidence.source {
                            EvidenceSource::GitAiNote { .. } => "git-ai-note",
                            EvidenceSource::AgentTrace { .. } => "agent-trace",
                            _ => "commit",
                        };
                        json!({
                            "kind": kind,
                            "commit": range.commit,
                            "tool": evidence.tool,
                            "model": evidence.model,
                            "source": evidence.source.to_string(),
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
