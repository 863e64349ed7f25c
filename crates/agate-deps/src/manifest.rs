//! What manifests and lockfiles declare, and where.

use crate::version::Ecosystem;

/// A declared dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// Its ecosystem.
    pub ecosystem: Ecosystem,
    /// The package name as written.
    pub name: String,
    /// The exact version, when the file pins or locks one.
    pub version: Option<String>,
    /// The requirement as written (`>=2,<3`, `^4.17.0`), when not an exact pin.
    pub requirement: Option<String>,
    /// Declared by the project itself, not pulled in by another package.
    pub direct: bool,
    /// The file (relative to the scan root) and 1-based line where it is declared.
    pub path: String,
    /// The line.
    pub line: u32,
}

/// A line of a manifest that could not be read, with what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestProblem {
    /// The file.
    pub path: String,
    /// The 1-based line, when known.
    pub line: Option<u32>,
    /// What is wrong, lowercase.
    pub message: String,
}

/// What one file declares, and what in it could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The dependencies, in file order.
    pub dependencies: Vec<Dependency>,
    /// Other files it includes (`-r other.txt`), as written, with their line.
    pub includes: Vec<(String, u32)>,
    /// Lines that are not understood; the rest of the file still counts.
    pub problems: Vec<ManifestProblem>,
}

/// 1-based line number of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> u32 {
    let newlines = text.as_bytes()[..offset.min(text.len())]
        .split(|&byte| byte == b'\n')
        .count()
        - 1;
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}
