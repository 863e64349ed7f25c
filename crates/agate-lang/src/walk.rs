use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::{WalkBuilder, WalkState};

use agate_model::Shard;

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

/// agate's cache folder under the scan root, never walked.
const AGATE_CACHE: &str = ".agate/cache";

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
    /// The files of the change under review (relative to the scan root, `/`-separated),
    /// when known. They are never skipped silently: the walker lists each one under the
    /// paths it walks even in a hidden or vendored folder or when `.gitignore` names it;
    /// one excluded on purpose (`ignore_globs`, `.agateignore`) is a warning naming the
    /// file and the exclusion. `None` (no change known): only the usual rules apply.
    pub change_files: Option<Arc<BTreeSet<String>>>,
    /// Only the files of this shard (a repository split across CI runners); `None`: all.
    pub shard: Option<Shard>,
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
            change_files: None,
            shard: None,
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
    /// Its size when walked: analyzers take the largest files first.
    pub bytes: u64,
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
    /// Its size when walked: analyzers take the largest files first.
    pub bytes: u64,
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

/// `work` done on each of `files` in parallel, one task per file and the largest (by
/// `bytes`) handed out first, so no core is left finishing a large file alone; the results
/// in the order of `files`. Runs on the current rayon pool.
pub fn map_largest_first<F: Sync, T: Send>(
    files: &[F],
    bytes: impl Fn(&F) -> u64,
    work: impl Fn(&F) -> T + Sync + Send,
) -> Vec<T> {
    use rayon::prelude::*;
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&index| std::cmp::Reverse(bytes(&files[index])));
    let mut results: Vec<(usize, T)> = order
        .par_iter()
        .with_max_len(1)
        .map(|&index| (index, work(&files[index])))
        .collect();
    results.sort_unstable_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Lists every file under `paths` whatever its language (for analyzers that read any text,
/// such as secrets), with the same ignore rules, vendored-tree skipping and size limit as
/// [`walk`].
pub fn walk_all(root: &Path, paths: &[PathBuf], options: &WalkOptions) -> Walk<AnyFile> {
    walk_with(root, paths, options, |path, relative, _, bytes| {
        Some(AnyFile {
            path: path.to_path_buf(),
            relative,
            bytes,
        })
    })
}

/// Lists the source files under `paths`, reporting them relative to `root`.
///
/// Paths named explicitly are always included, even when ignored or vendored, as in
/// ripgrep. Symbolic links are not followed, so a link cannot lead the scan out of the tree.
/// A file of the change without a known extension is read for a `#!` line naming its
/// language.
pub fn walk(root: &Path, paths: &[PathBuf], options: &WalkOptions) -> Walk {
    walk_with(root, paths, options, |path, relative, in_change, bytes| {
        let language = Language::from_path(path).or_else(|| {
            (in_change && path.extension().is_none())
                .then(|| shebang_language(path))
                .flatten()
        })?;
        Some(SourceFile {
            path: path.to_path_buf(),
            relative,
            language,
            bytes,
        })
    })
}

/// The language the `#!` line of `path` names, if any (read from its first 256 bytes).
fn shebang_language(path: &Path) -> Option<Language> {
    use std::io::Read as _;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(256).read_to_end(&mut head))
        .ok()?;
    let text = String::from_utf8_lossy(&head);
    Language::from_shebang(text.lines().next()?)
}

/// Walks `paths`; `pick` turns a file (path, relative path, whether it is a file of the
/// change the walk did not list by itself, size) into an entry, or skips it.
fn walk_with<F: Ord + Send + HasRelative>(
    root: &Path,
    paths: &[PathBuf],
    options: &WalkOptions,
    pick: impl Fn(&Path, String, bool, u64) -> Option<F> + Sync,
) -> Walk<F> {
    // Another shard's files are another runner's: not listed, not read.
    let pick = |path: &Path, relative: String, in_change: bool, bytes: u64| {
        if options.shard.is_some_and(|shard| !shard.owns(&relative)) {
            return None;
        }
        pick(path, relative, in_change, bytes)
    };
    let mut result = Walk::default();
    // `root/.` would hide every path from the ignore globs, which match below the root.
    let paths: Vec<PathBuf> = paths.iter().map(|path| without_dots(path)).collect();
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
        .filter_entry(move |entry| descends(entry, include_vendored));
    if options.respect_ignore_files {
        builder.add_custom_ignore_filename(".agateignore");
    }
    let configured = configured_ignores(root, &options.ignore_globs, &mut result.errors);
    if let Some(configured) = &configured {
        builder.overrides(configured.clone());
    }

    let found = Mutex::new(Walk::<F>::default());
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            let outcome = match entry {
                Ok(entry) => {
                    if !entry.file_type().is_some_and(|kind| kind.is_file()) {
                        return WalkState::Continue;
                    }
                    classify_file(
                        root,
                        entry.path(),
                        entry.metadata().map_err(|error| error.to_string()),
                        options.max_file_size,
                        |path, relative, bytes| pick(path, relative, false, bytes),
                    )
                }
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
    let mut found = found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(change) = &options.change_files {
        // Normalized as the walked paths are, so one can be compared with the other.
        let walked = ChangeWalk {
            root: &without_dots(root),
            paths: &paths,
            options,
            configured: configured.as_ref(),
        };
        walked.add_missing(change, &mut found, |path, relative, bytes| {
            pick(path, relative, true, bytes)
        });
    }
    result.files = found.files;
    result.errors.extend(found.errors);
    result.files.sort();
    result.files.dedup();
    result.errors.sort();
    result
}

/// Whether the walk enters `entry`: never `.git` or agate's cache, and vendored trees only
/// when asked.
fn descends(entry: &ignore::DirEntry, include_vendored: bool) -> bool {
    let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
    if !is_dir {
        return true;
    }
    let name = entry.file_name().to_str();
    let git = name == Some(".git");
    // agate's own caches (blame results, fetched policies) are its output, not the
    // repository's: scanning them would count files that differ run to run.
    let cache = entry.path().ends_with(AGATE_CACHE);
    let vendored = !include_vendored && name.is_some_and(|name| VENDORED_DIRS.contains(&name));
    !git && !cache && !vendored
}

/// `path` without its `.` components.
fn without_dots(path: &Path) -> PathBuf {
    path.components()
        .filter(|part| !matches!(part, std::path::Component::CurDir))
        .collect()
}

/// The matcher of the configured `ignore` globs (none without globs); invalid globs are
/// unchecked errors.
fn configured_ignores(
    root: &Path,
    globs: &[String],
    errors: &mut Vec<WalkError>,
) -> Option<ignore::overrides::Override> {
    if globs.is_empty() {
        return None;
    }
    let mut overrides = ignore::overrides::OverrideBuilder::new(root);
    for pattern in globs {
        if let Err(error) = overrides.add(&format!("!{pattern}")) {
            errors.push(WalkError {
                path: None,
                message: format!("ignored glob `{pattern}` is invalid: {error}"),
                unchecked: true,
            });
        }
    }
    match overrides.build() {
        Ok(overrides) => Some(overrides),
        Err(error) => {
            errors.push(WalkError {
                path: None,
                message: format!("ignore globs are invalid: {error}"),
                unchecked: true,
            });
            None
        }
    }
}

/// The files of the change a walk did not list by itself (in a hidden or vendored folder,
/// named by `.gitignore`, or of a language found by its `#!` line): each under the walked
/// paths is listed, or — when the team excluded it on purpose — reported as a warning.
struct ChangeWalk<'a> {
    root: &'a Path,
    paths: &'a [PathBuf],
    options: &'a WalkOptions,
    configured: Option<&'a ignore::overrides::Override>,
}

impl ChangeWalk<'_> {
    fn add_missing<F>(
        &self,
        change: &BTreeSet<String>,
        found: &mut Walk<F>,
        pick: impl Fn(&Path, String, u64) -> Option<F>,
    ) where
        F: HasRelative,
    {
        let listed: BTreeSet<String> = found
            .files
            .iter()
            .map(|file| file.relative().to_owned())
            .chain(found.errors.iter().filter_map(|error| error.path.clone()))
            .collect();
        for relative in change {
            if listed.contains(relative) {
                continue;
            }
            let path = without_dots(&self.root.join(relative));
            if !self.paths.iter().any(|walked| path.starts_with(walked)) {
                continue;
            }
            // Deleted since or not a file: nothing to read.
            let Ok(metadata) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if metadata.file_type().is_symlink() {
                // Links are never followed (one could lead outside the root); the change
                // hears that this one was not read through.
                if pick(&path, relative.clone(), metadata.len()).is_some() {
                    found.errors.push(WalkError {
                        path: Some(relative.clone()),
                        message: "not scanned: part of the change but a symbolic link, which agate does not follow (its target is scanned where it lies under the scan root)".to_owned(),
                        unchecked: false,
                    });
                }
                continue;
            }
            if !metadata.is_file() {
                continue;
            }
            if let Some(source) = self.excluded_by(&path) {
                // Only a file some analyzer would read is worth telling about.
                if pick(&path, relative.clone(), metadata.len()).is_some() {
                    found.errors.push(WalkError {
                        path: Some(relative.clone()),
                        message: format!(
                            "not scanned: part of the change but excluded by {source} (remove the entry to scan it)"
                        ),
                        unchecked: false,
                    });
                }
                continue;
            }
            match classify_file(
                self.root,
                &path,
                Ok(metadata),
                self.options.max_file_size,
                &pick,
            ) {
                Some(Ok(file)) => found.files.push(file),
                Some(Err(error)) => found.errors.push(error),
                None => {}
            }
        }
    }

    /// What excludes `path` on purpose, if anything: `ignore` in agate.yaml or an
    /// `.agateignore` file (of its folder or one above, up to the root).
    fn excluded_by(&self, path: &Path) -> Option<String> {
        let ancestors = || {
            path.ancestors()
                .skip(1)
                .take_while(|dir| dir.starts_with(self.root))
        };
        if let Some(configured) = self.configured {
            let file = configured.matched(path, false).is_ignore();
            if file
                || ancestors()
                    .any(|dir| dir != self.root && configured.matched(dir, true).is_ignore())
            {
                return Some("`ignore` in agate.yaml".to_owned());
            }
        }
        if !self.options.respect_ignore_files {
            return None;
        }
        // The nearest `.agateignore` that has a say decides, as in the walk.
        for dir in ancestors() {
            let file = dir.join(".agateignore");
            if !file.is_file() {
                continue;
            }
            let mut builder = ignore::gitignore::GitignoreBuilder::new(dir);
            if builder.add(&file).is_some() {
                continue;
            }
            let Ok(matcher) = builder.build() else {
                continue;
            };
            let Ok(inside) = path.strip_prefix(dir) else {
                continue;
            };
            let decision = matcher.matched_path_or_any_parents(inside, false);
            if decision.is_ignore() {
                return Some(format!("`{}`", relative_to(self.root, &file)));
            }
            if decision.is_whitelist() {
                return None;
            }
        }
        None
    }
}

/// An entry of a walk, known by its path relative to the root.
trait HasRelative {
    fn relative(&self) -> &str;
}

impl HasRelative for SourceFile {
    fn relative(&self) -> &str {
        &self.relative
    }
}

impl HasRelative for AnyFile {
    fn relative(&self) -> &str {
        &self.relative
    }
}

fn classify_file<F>(
    root: &Path,
    path: &Path,
    metadata: Result<std::fs::Metadata, String>,
    max_file_size: u64,
    pick: impl Fn(&Path, String, u64) -> Option<F>,
) -> Option<Result<F, WalkError>> {
    let relative = relative_to(root, path);
    let bytes = metadata.as_ref().map_or(0, std::fs::Metadata::len);
    let file = pick(path, relative.clone(), bytes)?;
    match metadata {
        // Binary files are not text to scan, whatever their size; an oversized text or
        // source file is a file nobody checked.
        Ok(metadata) if metadata.len() > max_file_size => {
            (Language::from_path(path).is_some() || !has_binary_head(path)).then(
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
            message: error,
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
    fn issue_7_files_of_the_change_are_never_skipped_silently() {
        let dir = tree(&[
            ("app.py", ""),
            ("node_modules/pkg/index.js", ""),
            (".hidden/h.py", ""),
            ("generated/g.py", ""),
            ("private/p.py", ""),
            ("made/m.py", ""),
            ("bin/tool", "#!/usr/bin/env python3\nimport os\n"),
            ("bin/notes", "plain words\n"),
            ("node_modules/other/index.js", ""),
            (".gitignore", "generated/\n"),
            (".agateignore", "private/\n"),
        ]);
        #[cfg(unix)]
        {
            std::fs::create_dir(dir.path().join("src")).unwrap();
            std::os::unix::fs::symlink("../app.py", dir.path().join("src/link.py")).unwrap();
        }
        let change: BTreeSet<String> = [
            "node_modules/pkg/index.js",
            ".hidden/h.py",
            "generated/g.py",
            "private/p.py",
            "made/m.py",
            "bin/tool",
            "bin/notes",
            "gone.py",
            "src/link.py",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        let options = WalkOptions {
            change_files: Some(Arc::new(change)),
            ignore_globs: vec!["made/**".to_owned()],
            ..WalkOptions::default()
        };
        let found = walk(dir.path(), &[dir.path().to_path_buf()], &options);
        assert_eq!(
            relative_paths(&found),
            [
                ".hidden/h.py",
                "app.py",
                "bin/tool",
                "generated/g.py",
                "node_modules/pkg/index.js"
            ]
        );
        assert_eq!(found.files[2].language, Language::Python);
        let warned: Vec<_> = found
            .errors
            .iter()
            .map(|error| {
                (
                    error.path.as_deref(),
                    error.unchecked,
                    error.message.as_str(),
                )
            })
            .collect();
        assert_eq!(warned.len(), if cfg!(unix) { 3 } else { 2 }, "{warned:?}");
        assert_eq!(warned[0].0, Some("made/m.py"));
        assert!(warned[0].2.contains("`ignore` in agate.yaml"), "{warned:?}");
        assert_eq!(warned[1].0, Some("private/p.py"));
        assert!(warned[1].2.contains("`.agateignore`"), "{warned:?}");
        #[cfg(unix)]
        {
            assert_eq!(warned[2].0, Some("src/link.py"));
            assert!(warned[2].2.contains("a symbolic link"), "{warned:?}");
        }
        assert!(warned.iter().all(|(_, unchecked, _)| !unchecked));
        // Every text file of the change, for the secrets analyzer.
        let all = walk_all(dir.path(), &[dir.path().join("bin")], &options);
        let listed: Vec<_> = all
            .files
            .iter()
            .map(|file| file.relative.as_str())
            .collect();
        assert_eq!(listed, ["bin/notes", "bin/tool"]);
        // Without change information the usual skips hold.
        let plain = walk(
            dir.path(),
            &[dir.path().to_path_buf()],
            &WalkOptions::default(),
        );
        assert_eq!(relative_paths(&plain), ["app.py", "made/m.py"]);
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
