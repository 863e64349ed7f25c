use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

use crate::Language;

/// Directory names that hold vendored, installed or generated code, skipped by default.
const VENDORED_DIRS: &[&str] = &[
    "node_modules",
    "bower_components",
    "jspm_packages",
    ".venv",
    "venv",
    "virtualenv",
    "site-packages",
    "__pycache__",
    ".tox",
    ".nox",
    "target",
    "dist",
    "build",
    "vendor",
    "third_party",
    ".next",
    ".nuxt",
    "coverage",
];

/// How [`walk`] chooses files.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Honour `.gitignore`, `.ignore`, `.agateignore` and git's exclude files.
    pub respect_ignore_files: bool,
    /// Also descend into vendored and generated trees (`node_modules`, `.venv`, `dist`, …).
    pub include_vendored: bool,
    /// Files larger than this many bytes are not scanned: a notice that they went unchecked
    /// (binary files other than source files, which no analyzer reads, without one).
    pub max_file_size: u64,
    /// Walker threads; 0 picks a number from the available cores.
    pub threads: usize,
    /// Extra globs (gitignore syntax, relative to the scan root) of paths never scanned.
    pub ignore_globs: Vec<String>,
    /// Also list hidden files and folders (`.env`, `.aws/`), except `.git`.
    pub include_hidden: bool,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            respect_ignore_files: true,
            include_vendored: false,
            max_file_size: 2 * 1024 * 1024,
            threads: 0,
            ignore_globs: Vec::new(),
            include_hidden: false,
        }
    }
}

/// A file of a supported language, found by [`walk`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    /// The path to open.
    pub path: PathBuf,
    /// The path reported to the user: relative to the scan root, `/`-separated.
    pub relative: String,
    /// The grammar to parse it with.
    pub language: Language,
}

/// A path the walker could not use, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkError {
    /// The path, relative to the scan root when possible.
    pub path: Option<String>,
    /// What went wrong, lowercase.
    pub message: String,
    /// True when files may have gone unchecked (an unreadable directory, a missing path, a
    /// file over the size limit); false when nothing was missed.
    pub unchecked: bool,
}

/// Any file, found by [`walk_all`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AnyFile {
    /// The path to open.
    pub path: PathBuf,
    /// The path reported to the user: relative to the scan root, `/`-separated.
    pub relative: String,
}

impl From<WalkError> for agate_model::Notice {
    /// An unchecked path is an error (a gate fails closed); a skipped one a warning.
    fn from(error: WalkError) -> agate_model::Notice {
        agate_model::Notice {
            level: if error.unchecked {
                agate_model::NoticeLevel::Error
            } else {
                agate_model::NoticeLevel::Warning
            },
            path: error.path,
            message: error.message,
        }
    }
}

/// The files a walk found, sorted by relative path, and the paths it had to skip.
#[derive(Debug)]
pub struct Walk<F = SourceFile> {
    /// Files to analyze.
    pub files: Vec<F>,
    /// Paths skipped or unreadable.
    pub errors: Vec<WalkError>,
}

impl<F> Default for Walk<F> {
    fn default() -> Self {
        Walk {
            files: Vec::new(),
            errors: Vec::new(),
        }
    }
}

/// Lists every file under `paths` whatever its language (for analyzers that read any text,
/// such as secrets), with the same ignore rules, vendored-tree skipping and size limit as
/// [`walk`].
pub fn walk_all(root: &Path, paths: &[PathBuf], options: &WalkOptions) -> Walk<AnyFile> {
    walk_with(root, paths, options, |path, relative| {
        Some(AnyFile {
            path: path.to_path_buf(),
            relative,
        })
    })
}

/// Lists the source files under `paths`, reporting them relative to `root`.
///
/// Paths named explicitly are always included, even when ignored or vendored, as in
/// ripgrep. Symbolic links are not followed, so a link cannot lead the scan out of the tree.
pub fn walk(root: &Path, paths: &[PathBuf], options: &WalkOptions) -> Walk {
    walk_with(root, paths, options, |path, relative| {
        Some(SourceFile {
            path: path.to_path_buf(),
            relative,
            language: Language::from_path(path)?,
        })
    })
}

/// Walks `paths`; `pick` turns a file (path, relative path) into an entry, or skips it.
fn walk_with<F: Ord + Send>(
    root: &Path,
    paths: &[PathBuf],
    options: &WalkOptions,
    pick: impl Fn(&Path, String) -> Option<F> + Sync,
) -> Walk<F> {
    let mut result = Walk::default();
    // `root/.` would hide every path from the ignore globs, which match below the root.
    let paths: Vec<PathBuf> = paths
        .iter()
        .map(|path| {
            path.components()
                .filter(|part| !matches!(part, std::path::Component::CurDir))
                .collect()
        })
        .collect();
    let Some((first, rest)) = paths.split_first() else {
        return result;
    };
    for path in &paths {
        if !path.exists() {
            result.errors.push(WalkError {
                path: Some(relative_to(root, path)),
                message: "no such file or directory".to_owned(),
                unchecked: true,
            });
        }
    }
    let mut builder = WalkBuilder::new(first);
    for path in rest {
        builder.add(path);
    }
    let include_vendored = options.include_vendored;
    builder
        .standard_filters(options.respect_ignore_files)
        .hidden(!options.include_hidden)
        .require_git(false)
        .follow_links(false)
        .threads(options.threads)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
            let name = entry.file_name().to_str();
            let git = is_dir && name == Some(".git");
            let vendored = is_dir
                && !include_vendored
                && name.is_some_and(|name| VENDORED_DIRS.contains(&name));
            !git && !vendored
        });
    if options.respect_ignore_files {
        builder.add_custom_ignore_filename(".agateignore");
    }
    if !options.ignore_globs.is_empty() {
        let mut overrides = ignore::overrides::OverrideBuilder::new(root);
        for pattern in &options.ignore_globs {
            if let Err(error) = overrides.add(&format!("!{pattern}")) {
                result.errors.push(WalkError {
                    path: None,
                    message: format!("ignored glob `{pattern}` is invalid: {error}"),
                    unchecked: true,
                });
            }
        }
        match overrides.build() {
            Ok(overrides) => {
                builder.overrides(overrides);
            }
            Err(error) => result.errors.push(WalkError {
                path: None,
                message: format!("ignore globs are invalid: {error}"),
                unchecked: true,
            }),
        }
    }

    let found = Mutex::new(Walk::<F>::default());
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            let outcome = match entry {
                Ok(entry) => classify_entry(root, &entry, options.max_file_size, &pick),
                Err(error) => Some(Err(WalkError {
                    path: error_path(&error).map(|path| relative_to(root, path)),
                    message: error.to_string(),
                    unchecked: true,
                })),
            };
            if let Some(outcome) = outcome
                && let Ok(mut found) = found.lock()
            {
                match outcome {
                    Ok(file) => found.files.push(file),
                    Err(error) => found.errors.push(error),
                }
            }
            WalkState::Continue
        })
    });
    let found = found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    result.files = found.files;
    result.errors.extend(found.errors);
    result.files.sort();
    result.files.dedup();
    result.errors.sort();
    result
}

fn classify_entry<F>(
    root: &Path,
    entry: &ignore::DirEntry,
    max_file_size: u64,
    pick: &impl Fn(&Path, String) -> Option<F>,
) -> Option<Result<F, WalkError>> {
    if !entry.file_type().is_some_and(|kind| kind.is_file()) {
        return None;
    }
    let relative = relative_to(root, entry.path());
    let file = pick(entry.path(), relative.clone())?;
    match entry.metadata() {
        // Binary files are not text to scan, whatever their size; an oversized text or
        // source file is a file nobody checked.
        Ok(metadata) if metadata.len() > max_file_size => {
            (Language::from_path(entry.path()).is_some() || !has_binary_head(entry.path())).then(
                || {
                    Err(WalkError {
                        path: Some(relative),
                        message: format!(
                            "not scanned: {} bytes is over the {max_file_size}-byte limit (raise it with --max-file-size)",
                            metadata.len()
                        ),
                        unchecked: true,
                    })
                },
            )
        }
        Ok(_) => Some(Ok(file)),
        Err(error) => Some(Err(WalkError {
            path: Some(relative),
            message: error.to_string(),
            unchecked: true,
        })),
    }
}

/// Whether the file's first 8 KiB look binary (see [`crate::is_binary`]); an unreadable
/// file does not.
fn has_binary_head(path: &Path) -> bool {
    use std::io::Read as _;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(8 * 1024).read_to_end(&mut head))
        .is_ok_and(|_| crate::is_binary(&head))
}

fn error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// Returns `path` relative to `root` with `/` separators, or as given when outside `root`.
fn relative_to(root: &Path, path: &Path) -> String {
    let stripped = path
        .strip_prefix(root)
        .ok()
        .filter(|relative| !relative.as_os_str().is_empty())
        .or_else(|| path.strip_prefix("./").ok())
        .unwrap_or(path);
    let text = stripped.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, content) in files {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, content).unwrap();
        }
        dir
    }

    fn relative_paths(walk: &Walk) -> Vec<&str> {
        walk.files
            .iter()
            .map(|file| file.relative.as_str())
            .collect()
    }

    #[test]
    fn skips_vendored_ignored_and_unsupported_files() {
        let dir = tree(&[
            ("app.py", ""),
            ("web/index.ts", ""),
            ("node_modules/lodash/index.js", ""),
            (".venv/lib/x.py", ""),
            ("generated/out.py", ""),
            ("private/key.py", ""),
            ("README.md", ""),
            (".gitignore", "generated/\n"),
            (".agateignore", "private/\n"),
        ]);
        let walk = walk(
            dir.path(),
            &[dir.path().to_path_buf()],
            &WalkOptions::default(),
        );
        assert_eq!(relative_paths(&walk), ["app.py", "web/index.ts"]);
    }

    #[test]
    fn flags_bring_back_vendored_and_ignored_files() {
        let dir = tree(&[
            ("node_modules/a/index.js", ""),
            ("generated/out.py", ""),
            (".gitignore", "generated/\n"),
        ]);
        let options = WalkOptions {
            respect_ignore_files: false,
            include_vendored: true,
            ..WalkOptions::default()
        };
        let walk = walk(dir.path(), &[dir.path().to_path_buf()], &options);
        assert_eq!(
            relative_paths(&walk),
            ["generated/out.py", "node_modules/a/index.js"]
        );
    }

    #[test]
    fn configured_ignore_globs_skip_paths() {
        let dir = tree(&[
            ("app.py", ""),
            ("generated/api.py", ""),
            ("web/x.min.py", ""),
        ]);
        let options = WalkOptions {
            ignore_globs: vec!["generated/**".to_owned(), "*.min.py".to_owned()],
            ..WalkOptions::default()
        };
        let found = walk(dir.path(), &[dir.path().to_path_buf()], &options);
        assert_eq!(relative_paths(&found), ["app.py"]);
        let dotted = walk(dir.path(), &[dir.path().join(".")], &options);
        assert_eq!(relative_paths(&dotted), ["app.py"], "`root/.` is the root");
    }

    #[test]
    fn oversized_files_are_unchecked_errors_but_large_binaries_are_not_text() {
        let dir = tree(&[
            ("big.py", "x = 1\n"),
            ("small.py", ""),
            ("notes.txt", "a long note\n"),
            ("logo.png", "\0\0\0\0\0\0PNG"),
        ]);
        let options = WalkOptions {
            max_file_size: 3,
            ..WalkOptions::default()
        };
        let walk = walk(dir.path(), &[dir.path().to_path_buf()], &options);
        assert_eq!(relative_paths(&walk), ["small.py"]);
        assert_eq!(walk.errors.len(), 1);
        assert!(walk.errors[0].unchecked);
        assert!(walk.errors[0].message.contains("--max-file-size"));
        let all = walk_all(dir.path(), &[dir.path().to_path_buf()], &options);
        let skipped: Vec<_> = all
            .errors
            .iter()
            .filter_map(|e| e.path.as_deref())
            .collect();
        assert_eq!(skipped, ["big.py", "notes.txt"]);
    }

    #[test]
    fn missing_paths_are_unchecked_errors() {
        let dir = tree(&[]);
        let walk = walk(
            dir.path(),
            &[dir.path().join("nope")],
            &WalkOptions::default(),
        );
        assert!(walk.files.is_empty());
        assert!(
            walk.errors
                .iter()
                .any(|error| error.unchecked && error.path.as_deref() == Some("nope"))
        );
    }
}
