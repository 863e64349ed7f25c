//! Line coverage from Cobertura XML (coverage.py, Istanbul, Gradle/Maven plugins), LCOV
//! (Istanbul/nyc, Jest, c8, coverage.py) and JaCoCo XML, and the coverage of the lines a
//! change added or an AI wrote (diff coverage).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::ReadError;
use crate::xml::attribute;

/// Hits per line, per file as the report names it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// File → line → times executed.
    pub files: BTreeMap<String, BTreeMap<u32, u64>>,
    /// Folders Cobertura says the paths are relative to.
    pub sources: Vec<String>,
}

/// The coverage report formats agate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverageFormat {
    /// Cobertura XML.
    Cobertura,
    /// LCOV tracefile.
    Lcov,
    /// JaCoCo XML.
    Jacoco,
}

/// Which format `text` is in, from its first element or record.
pub fn detect(text: &str) -> Option<CoverageFormat> {
    let start = text.trim_start();
    if start.starts_with("TN:") || start.starts_with("SF:") {
        return Some(CoverageFormat::Lcov);
    }
    if !start.starts_with('<') {
        return None;
    }
    let mut reader = Reader::from_str(text);
    loop {
        match reader.read_event().ok()? {
            Event::Start(element) | Event::Empty(element) => {
                return match element.local_name().as_ref() {
                    "coverage" => Some(CoverageFormat::Cobertura),
                    "report" => Some(CoverageFormat::Jacoco),
                    _ => None,
                };
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// Reads a coverage report of any of the three formats.
pub fn read_coverage(text: &str) -> Result<Coverage, ReadError> {
    match detect(text) {
        Some(CoverageFormat::Lcov) => Ok(lcov(text)),
        Some(CoverageFormat::Cobertura) => cobertura(text),
        Some(CoverageFormat::Jacoco) => jacoco(text),
        None => Err(ReadError::shape(
            "coverage",
            "neither Cobertura XML (<coverage>), JaCoCo XML (<report>) nor LCOV (SF: records)",
        )),
    }
}

fn lcov(text: &str) -> Coverage {
    let mut coverage = Coverage::default();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(file) = line.strip_prefix("SF:") {
            current = Some(file.to_owned());
            coverage.files.entry(file.to_owned()).or_default();
        } else if let (Some(data), Some(file)) = (line.strip_prefix("DA:"), &current) {
            let mut fields = data.split(',');
            let number = fields.next().and_then(|n| n.trim().parse::<u32>().ok());
            let hits = fields.next().and_then(|h| h.trim().parse::<u64>().ok());
            if let (Some(number), Some(hits)) = (number, hits) {
                let lines = coverage.files.entry(file.clone()).or_default();
                *lines.entry(number).or_default() += hits;
            }
        } else if line == "end_of_record" {
            current = None;
        }
    }
    coverage
}

fn xml_error(reader: &Reader<&[u8]>, error: &quick_xml::Error, format: &'static str) -> ReadError {
    ReadError::shape(
        format,
        &format!("invalid XML at byte {}: {error}", reader.error_position()),
    )
}

fn cobertura(text: &str) -> Result<Coverage, ReadError> {
    let mut reader = Reader::from_str(text);
    let mut coverage = Coverage::default();
    let mut current: Option<String> = None;
    let mut in_source = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|error| xml_error(&reader, &error, "Cobertura XML"))?;
        match event {
            Event::Start(element) | Event::Empty(element) => match element.local_name().as_ref() {
                "class" => {
                    current = attribute(&element, "filename");
                    if let Some(file) = &current {
                        coverage.files.entry(file.clone()).or_default();
                    }
                }
                "line" => {
                    // Method-level <line>s repeat the class's; the class's are enough.
                    if let Some(file) = &current {
                        let number = attribute(&element, "number").and_then(|n| n.parse().ok());
                        let hits = attribute(&element, "hits").and_then(|h| h.parse().ok());
                        if let (Some(number), Some(hits)) = (number, hits) {
                            let lines = coverage.files.entry(file.clone()).or_default();
                            let entry: &mut u64 = lines.entry(number).or_default();
                            *entry = (*entry).max(hits);
                        }
                    }
                }
                "source" => in_source = true,
                _ => {}
            },
            Event::Text(text) if in_source => {
                let source = text.xml10_content().trim().to_owned();
                if !source.is_empty() {
                    coverage.sources.push(source);
                }
            }
            Event::End(element) => match element.local_name().as_ref() {
                "class" => current = None,
                "source" => in_source = false,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(coverage)
}

fn jacoco(text: &str) -> Result<Coverage, ReadError> {
    let mut reader = Reader::from_str(text);
    let mut coverage = Coverage::default();
    let mut package = String::new();
    let mut current: Option<String> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|error| xml_error(&reader, &error, "JaCoCo XML"))?;
        match event {
            Event::Start(element) | Event::Empty(element) => match element.local_name().as_ref() {
                "package" => package = attribute(&element, "name").unwrap_or_default(),
                "sourcefile" => {
                    let name = attribute(&element, "name").unwrap_or_default();
                    let file = if package.is_empty() {
                        name
                    } else {
                        format!("{package}/{name}")
                    };
                    coverage.files.entry(file.clone()).or_default();
                    current = Some(file);
                }
                "line" => {
                    if let Some(file) = &current {
                        let number = attribute(&element, "nr").and_then(|n| n.parse().ok());
                        let covered: Option<u64> =
                            attribute(&element, "ci").and_then(|c| c.parse().ok());
                        if let (Some(number), Some(covered)) = (number, covered) {
                            coverage
                                .files
                                .entry(file.clone())
                                .or_default()
                                .insert(number, covered);
                        }
                    }
                }
                _ => {}
            },
            Event::End(element) => match element.local_name().as_ref() {
                "sourcefile" => current = None,
                "package" => package.clear(),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(coverage)
}

impl Coverage {
    /// The same coverage with every path relative to `root` where the file can be found:
    /// absolute paths under the root, paths relative to a Cobertura source folder, to
    /// `base` (where the report is) or to the root, and JaCoCo's package paths under the
    /// usual source folders. Paths not found stay as they were.
    #[must_use]
    pub fn relative_to(&self, root: &Path, base: &Path) -> Coverage {
        // The root and the folders to try are the same for every file of the report.
        let root = fs_err::canonicalize(root).ok();
        let mut bases: Vec<PathBuf> = Vec::new();
        if let Some(root) = &root {
            bases.extend(self.sources.iter().map(|source| root.join(source)));
            bases.push(base.to_path_buf());
            bases.push(root.clone());
            bases.extend(SOURCE_FOLDERS.iter().map(|folder| root.join(folder)));
        }
        let mut files: BTreeMap<String, BTreeMap<u32, u64>> = BTreeMap::new();
        for (path, lines) in &self.files {
            let resolved = root
                .as_deref()
                .and_then(|root| resolve(path, root, &bases))
                .unwrap_or_else(|| path.clone());
            let merged = files.entry(resolved).or_default();
            for (&line, &hits) in lines {
                let entry = merged.entry(line).or_default();
                *entry = (*entry).max(hits);
            }
        }
        Coverage {
            files,
            sources: Vec::new(),
        }
    }
}

/// Folders under the root where report paths (JaCoCo's package paths above all) may be.
const SOURCE_FOLDERS: [&str; 6] = [
    "src/main/java",
    "src/main/kotlin",
    "src/test/java",
    "src",
    "lib",
    "app",
];

/// `path` relative to the canonical `root`: as is when absolute, else under the first of
/// `bases` where it is a file inside the root.
fn resolve(path: &str, root: &Path, bases: &[PathBuf]) -> Option<String> {
    let relative = |candidate: &Path| {
        let candidate = fs_err::canonicalize(candidate).ok()?;
        let inside = candidate.strip_prefix(root).ok()?;
        candidate
            .is_file()
            .then(|| inside.to_string_lossy().replace('\\', "/"))
    };
    let path = Path::new(path);
    if path.is_absolute() {
        return relative(path);
    }
    bases.iter().find_map(|folder| relative(&folder.join(path)))
}

/// Covered and instrumented lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ratio {
    /// Lines executed at least once.
    pub covered: u64,
    /// Lines the tool instrumented.
    pub total: u64,
}

impl Ratio {
    /// The percentage covered; `None` when no line counts.
    pub fn percent(self) -> Option<f64> {
        (self.total > 0).then(|| self.covered as f64 * 100.0 / self.total as f64)
    }
}

/// Which lines count: those a change added, and those an AI wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Not new: not counted.
    Old,
    /// Added or changed by the change.
    New,
    /// AI-authored (and so also counted as new).
    Ai,
}

/// The diff coverage of a change: new lines (AI ones included) and AI lines, with the
/// uncovered ones by file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffCoverage {
    /// New lines covered.
    pub new_lines: Ratio,
    /// AI-authored lines covered.
    pub ai_lines: Ratio,
    /// Uncovered new lines, by file.
    pub uncovered: BTreeMap<String, Vec<u32>>,
}

/// Counts the instrumented lines `kind_of` calls new or AI, and which of them ran.
pub fn diff_coverage(coverage: &Coverage, kind_of: impl Fn(&str, u32) -> LineKind) -> DiffCoverage {
    let mut diff = DiffCoverage::default();
    for (path, lines) in &coverage.files {
        for (&line, &hits) in lines {
            let kind = kind_of(path, line);
            if kind == LineKind::Old {
                continue;
            }
            let covered = u64::from(hits > 0);
            diff.new_lines.total += 1;
            diff.new_lines.covered += covered;
            if kind == LineKind::Ai {
                diff.ai_lines.total += 1;
                diff.ai_lines.covered += covered;
            }
            if hits == 0 {
                diff.uncovered.entry(path.clone()).or_default().push(line);
            }
        }
    }
    diff
}

/// `12-15, 20` for sorted line numbers.
pub fn line_ranges(lines: &[u32]) -> String {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for &line in lines {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == line => *end = line,
            _ => ranges.push((line, line)),
        }
    }
    ranges
        .iter()
        .map(|&(start, end)| {
            if start == end {
                start.to_string()
            } else {
                format!("{start}-{end}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
