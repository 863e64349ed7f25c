//! Autofix: the edits rules' `fix:` templates make, and applying them safely.
//!
//! A rule's `fix:` is ast-grep's (a template with the match's metavariables, or a fix
//! object with `template`, `expandStart`, `expandEnd`); ast-grep's own [`Fixer`] turns a
//! match into an edit while the scan has the tree, and the edit travels on the finding
//! ([`agate_model::Fix`]), with the digest of the text it was made for.
//!
//! Applying is in steps, each refusing before anything is written: [`plan`] groups the
//! findings' edits by file and refuses the whole run when two of them overlap (which one
//! wins is a choice for a person, not for agate); [`FilePlan::prepare`] reads a file again
//! (bounded, under the root, never through a symbolic link), refuses it when it changed since
//! the scan, applies the edits and parses the result, refusing a fix that would leave a
//! syntax error the file did not have; [`FixedFile::write`] checks once more that the file is
//! what was read and writes it atomically, keeping its permissions.
//!
//! [`Fixer`]: ast_grep_config::Fixer

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use agate_lang::Language;
use agate_model::{Finding, Fix, Position};
use ast_grep_config::RuleConfig;
use ast_grep_core::tree_sitter::StrDoc;
use ast_grep_core::{AstGrep, NodeMatch};

use crate::RuleMetadata;

/// What a fixture's stem ends with when it holds the fixture with every fix applied:
/// `py.yaml-unsafe-load.fixed.py` beside `py.yaml-unsafe-load.py`.
pub(crate) const FIXED_SUFFIX: &str = ".fixed";

/// Whether `path` is such a file.
pub(crate) fn is_fixed_fixture(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(stem, _)| stem.ends_with(FIXED_SUFFIX))
}

/// The byte-order mark the scanner drops before it parses a file.
const BOM: &str = "\u{feff}";

/// Why fixes were not applied.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FixError {
    /// Two fixes change the same text: nothing is written.
    #[error(
        "{path}:{line}: the fixes of `{first}` and `{second}` (line {other_line}) change the same code; nothing was written\n  help: apply one rule's fixes first (`agate fix --apply --rule {first}`), then run `agate fix` again"
    )]
    Overlap {
        /// The file.
        path: String,
        /// The line of the first fix.
        line: u32,
        /// The rule of the first fix.
        first: String,
        /// The rule of the second fix.
        second: String,
        /// The line of the second fix.
        other_line: u32,
    },
    /// The file is not the one the fixes were made for.
    #[error(
        "`{path}` changed since it was scanned; not written\n  help: run `agate fix` again on the file as it is now"
    )]
    Changed {
        /// The file.
        path: String,
    },
    /// Applying the fixes would break the file's syntax.
    #[error(
        "fixing `{path}` would leave a syntax error near line {line} that the file did not have; not written\n  help: fix it by hand, and report the rule's `fix:` (rules: {rules})"
    )]
    Syntax {
        /// The file.
        path: String,
        /// The first line of the error, in the fixed text.
        line: usize,
        /// The rules whose fixes were applied.
        rules: String,
    },
    /// The file is reached through a symbolic link, which agate never writes through.
    #[error(
        "`{path}` is reached through a symbolic link; not written\n  help: fix the file the link points to where it lives"
    )]
    Link {
        /// The file.
        path: String,
    },
    /// The file is not UTF-8, so its edits' offsets do not apply to its bytes.
    #[error("`{path}` is not valid UTF-8; not written\n  help: fix it by hand")]
    NotUtf8 {
        /// The file.
        path: String,
    },
    /// Reading, resolving or writing the file failed.
    #[error(transparent)]
    File(#[from] agate_fs::FsError),
}

/// Checks what a rule's `fix:` may be: one fix (a list of alternatives needs a person to
/// choose), and none on a rule that masks what it matched (its edit would carry the secret).
pub(crate) fn check_rule_fix(
    fix: Option<&serde_json::Value>,
    metadata: &RuleMetadata,
) -> Result<(), String> {
    match fix {
        None | Some(serde_json::Value::Null) => Ok(()),
        Some(serde_json::Value::Array(_)) => Err(
            "`fix:` is one template or one fix object; a list of alternatives is not applied automatically"
                .to_owned(),
        ),
        Some(_) if metadata.sensitive => Err(
            "a `sensitive` rule cannot have `fix:`: its edit would carry the value it masks"
                .to_owned(),
        ),
        Some(_) => Ok(()),
    }
}

impl crate::Rule {
    /// Whether the rule has a `fix:` (in its own language).
    pub fn has_fix(&self) -> bool {
        has_fix(self, self.language())
    }
}

/// Whether `rule` has a fix for files of `language`.
pub(crate) fn has_fix(rule: &crate::Rule, language: Language) -> bool {
    rule.matcher(language)
        .is_some_and(|config| !config.fixer.is_empty())
}

/// Makes the edits of one file's matches: shares the file's digest and line index among
/// them, both computed only when a match has a fix.
pub(crate) struct FileFixes<'t> {
    text: &'t str,
    digest: OnceCell<String>,
    line_starts: OnceCell<Vec<usize>>,
}

impl<'t> FileFixes<'t> {
    /// For `text`, the file's text as scanned (without a byte-order mark).
    pub(crate) fn new(text: &'t str) -> FileFixes<'t> {
        FileFixes {
            text,
            digest: OnceCell::new(),
            line_starts: OnceCell::new(),
        }
    }

    /// The edit `config`'s fix makes of `node_match`; `None` when the rule has no fix, or
    /// the fix changes nothing here.
    pub(crate) fn edit(
        &self,
        config: &RuleConfig<Language>,
        node_match: &NodeMatch<'_, StrDoc<Language>>,
    ) -> Option<Box<Fix>> {
        let fixer = config.fixer.first()?;
        let edit = node_match.make_edit(&config.matcher, fixer);
        let bytes = edit.position..edit.position.checked_add(edit.deleted_length)?;
        let replacement = String::from_utf8(edit.inserted_text).ok()?;
        if self.text.get(bytes.clone())? == replacement {
            return None;
        }
        Some(Box::new(Fix {
            start: self.position(bytes.start),
            end: self.position(bytes.end),
            replacement,
            bytes,
            digest: self
                .digest
                .get_or_init(|| Fix::digest_of(self.text))
                .clone(),
        }))
    }

    /// The 1-based line and character column of a byte offset.
    fn position(&self, offset: usize) -> Position {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(index, _)| index + 1))
                .collect()
        });
        let line = starts.partition_point(|&start| start <= offset).max(1);
        let line_start = starts[line - 1];
        let column = self
            .text
            .get(line_start..offset)
            .map_or(0, |before| before.chars().count());
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }
}

/// One edit to apply, with the rule that made it.
#[derive(Debug, Clone)]
struct Edit {
    rule_id: String,
    fix: Fix,
}

/// The fixes to one file, ordered by position and checked not to overlap.
#[derive(Debug, Clone)]
pub struct FilePlan {
    path: String,
    edits: Vec<Edit>,
}

/// Groups the fixes of `findings` by file, ordered by path, and refuses them all when two
/// fixes in one file change the same code (overlap, or both insert at one place).
pub fn plan<'f>(
    findings: impl IntoIterator<Item = &'f Finding>,
) -> Result<Vec<FilePlan>, FixError> {
    let mut by_path: BTreeMap<&str, Vec<Edit>> = BTreeMap::new();
    for finding in findings {
        if let Some(fix) = &finding.fix {
            by_path
                .entry(&finding.location.path)
                .or_default()
                .push(Edit {
                    rule_id: finding.rule_id.as_str().to_owned(),
                    fix: (**fix).clone(),
                });
        }
    }
    by_path
        .into_iter()
        .map(|(path, mut edits)| {
            edits.sort_by_key(|edit| (edit.fix.bytes.start, edit.fix.bytes.end));
            for pair in edits.windows(2) {
                let (first, second) = (&pair[0].fix, &pair[1].fix);
                if second.bytes.start < first.bytes.end || second.bytes.start == first.bytes.start {
                    return Err(FixError::Overlap {
                        path: path.to_owned(),
                        line: first.start.line,
                        first: pair[0].rule_id.clone(),
                        second: pair[1].rule_id.clone(),
                        other_line: second.start.line,
                    });
                }
            }
            Ok(FilePlan {
                path: path.to_owned(),
                edits,
            })
        })
        .collect()
}

impl FilePlan {
    /// How many fixes it gets.
    pub fn len(&self) -> usize {
        self.edits.len()
    }

    /// Its fixes, in order.
    pub(crate) fn fixes(&self) -> impl Iterator<Item = &Fix> {
        self.edits.iter().map(|edit| &edit.fix)
    }

    /// Whether it gets none (never, for a plan [`plan`] made).
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// Reads the file under `root` (at most `limit` bytes), checks it is the text the fixes
    /// were made for, applies them and parses the result.
    pub fn prepare(&self, root: &Path, limit: u64) -> Result<FixedFile, FixError> {
        let absolute = resolve_own(root, &self.path)?;
        let bytes = agate_fs::read_bounded(&absolute, limit)?;
        let text = String::from_utf8(bytes).map_err(|_| FixError::NotUtf8 {
            path: self.path.clone(),
        })?;
        let (bom, body) = match text.strip_prefix(BOM) {
            Some(body) => (BOM, body),
            None => ("", text.as_str()),
        };
        let made_for = self.edits.iter().map(|edit| edit.fix.digest.as_str());
        let digest = Fix::digest_of(body);
        if made_for.clone().any(|made_for| made_for != digest) {
            return Err(FixError::Changed {
                path: self.path.clone(),
            });
        }
        let fixed = apply_edits(body, self.fixes()).ok_or_else(|| FixError::Changed {
            path: self.path.clone(),
        })?;
        if let Some(language) = Language::from_path(&self.path)
            && let Some(line) = new_syntax_error(language, body, &fixed)
        {
            let mut rules: Vec<&str> = self
                .edits
                .iter()
                .map(|edit| edit.rule_id.as_str())
                .collect();
            rules.sort_unstable();
            rules.dedup();
            return Err(FixError::Syntax {
                path: self.path.clone(),
                line,
                rules: rules.join(", "),
            });
        }
        Ok(FixedFile {
            path: self.path.clone(),
            absolute,
            before: text.clone(),
            after: format!("{bom}{fixed}"),
            limit,
        })
    }
}

/// A file with its fixes applied, not yet written.
#[derive(Debug, Clone)]
pub struct FixedFile {
    path: String,
    absolute: PathBuf,
    before: String,
    after: String,
    limit: u64,
}

impl FixedFile {
    /// The file, relative to the root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Its text with the fixes applied.
    pub fn after(&self) -> &str {
        &self.after
    }

    /// A unified diff of the change, with `a/` and `b/` paths and three lines of context.
    pub fn diff(&self) -> String {
        unified_diff(&self.path, &self.before, &self.after)
    }

    /// Writes the fixed text atomically (a temporary file renamed into place, permissions
    /// kept), after reading the file once more: a file changed since
    /// [`FilePlan::prepare`] read it, or replaced by a link, is not written.
    pub fn write(&self) -> Result<(), FixError> {
        if std::fs::symlink_metadata(&self.absolute)
            .is_ok_and(|metadata| metadata.file_type().is_symlink())
        {
            return Err(FixError::Link {
                path: self.path.clone(),
            });
        }
        let now = agate_fs::read_bounded(&self.absolute, self.limit)?;
        if now != self.before.as_bytes() {
            return Err(FixError::Changed {
                path: self.path.clone(),
            });
        }
        agate_fs::write_atomic(&self.absolute, |out| out.write_all(self.after.as_bytes()))?;
        Ok(())
    }
}

/// `relative` under `root`, refused when it leaves the root or any part of it is a link.
fn resolve_own(root: &Path, relative: &str) -> Result<PathBuf, FixError> {
    let joined = root.join(relative);
    let link = || FixError::Link {
        path: relative.to_owned(),
    };
    if std::fs::symlink_metadata(&joined).is_ok_and(|metadata| metadata.file_type().is_symlink()) {
        return Err(link());
    }
    let resolved = agate_fs::resolve_under(root, Path::new(relative))?;
    let canonical_root = agate_fs::resolve_under(root, Path::new(""))?;
    // A folder on the way that is a link leads elsewhere than the path says.
    if resolved != canonical_root.join(relative) {
        return Err(link());
    }
    Ok(resolved)
}

/// `text` with `fixes` (ordered, not overlapping) applied; `None` when one does not fit it.
pub(crate) fn apply_edits<'f>(text: &str, fixes: impl Iterator<Item = &'f Fix>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for fix in fixes {
        let Range { start, end } = fix.bytes;
        out.push_str(text.get(copied..start)?);
        text.get(start..end)?;
        out.push_str(&fix.replacement);
        copied = end;
    }
    out.push_str(text.get(copied..)?);
    Some(out)
}

/// The first line (1-based) of a syntax error in `after` when `before` parses cleanly.
pub(crate) fn new_syntax_error(language: Language, before: &str, after: &str) -> Option<usize> {
    let error_line = |text: &str| -> Option<usize> {
        let root = AstGrep::doc(StrDoc::try_new(text, language).ok()?);
        let node = root.root();
        if !node.get_inner_node().has_error() {
            return None;
        }
        let first = node
            .dfs()
            .find(|node| node.is_error() || node.is_missing())
            .map_or(1, |node| node.start_pos().line() + 1);
        Some(first)
    };
    if error_line(before).is_some() {
        return None;
    }
    error_line(after)
}

/// A unified diff of `before` → `after` for `path`: `--- a/path`, `+++ b/path`, hunks
/// with three lines of context; empty when they are equal.
pub(crate) fn unified_diff(path: &str, before: &str, after: &str) -> String {
    diff_between(
        (&format!("a/{path}"), before),
        (&format!("b/{path}"), after),
    )
}

/// A unified diff between two named texts; empty when they are equal.
pub(crate) fn diff_between((old_name, old): (&str, &str), (new_name, new): (&str, &str)) -> String {
    if old == new {
        return String::new();
    }
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = String::new();
    let _ = write!(
        out,
        "{}",
        diff.unified_diff()
            .context_radius(3)
            .header(old_name, new_name)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{RuleSet, ScanOptions, Scanner};

    fn rule(id: &str, fix: &str) -> String {
        format!(
            "id: {id}\nlanguage: python\nmessage: eval of `$X`\nrule: {{ pattern: eval($X) }}\nfix: {fix}\nmetadata: {{ severity: high, confidence: high, cwe: [CWE-95] }}\n"
        )
    }

    fn scanner(rules: &[(&str, &str)]) -> Scanner {
        let mut set = RuleSet::default();
        for (id, fix) in rules {
            set.extend(RuleSet::load_str(&format!("{id}.yaml"), &rule(id, fix)).unwrap())
                .unwrap();
        }
        Scanner::new(set, ScanOptions::default())
    }

    /// A folder holding `app.py` with `text`, and the fixes the scanner's findings plan.
    fn planned(
        scanner: &Scanner,
        text: &str,
    ) -> (tempfile::TempDir, Result<Vec<FilePlan>, FixError>) {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join("app.py"), text).unwrap();
        let output = scanner.scan(folder.path(), &[folder.path().to_path_buf()]);
        (folder, plan(&output.findings))
    }

    #[test]
    fn issue_9_fixes_apply_in_order_and_keep_the_rest_of_the_file() {
        let scanner = scanner(&[("py.demo-eval", "ast.literal_eval($X)")]);
        let text = "\u{feff}import ast\nx = eval(a)  # é\ny = eval(b); z = eval(c)\n";
        let (folder, plans) = planned(&scanner, text);
        let plans = plans.unwrap();
        assert_eq!(plans.len(), 1);
        assert_eq!(plans[0].len(), 3);
        let fixed = plans[0].prepare(folder.path(), 1 << 20).unwrap();
        assert_eq!(
            fixed.after(),
            "\u{feff}import ast\nx = ast.literal_eval(a)  # é\ny = ast.literal_eval(b); z = ast.literal_eval(c)\n"
        );
        assert!(fixed.diff().contains("+x = ast.literal_eval(a)  # é\n"));
        fixed.write().unwrap();
        let written = std::fs::read_to_string(folder.path().join("app.py")).unwrap();
        assert_eq!(written, fixed.after());
        // Fixed code has nothing left to fix.
        let (_, again) = planned(&scanner, &written);
        assert!(again.unwrap().is_empty());
    }

    #[test]
    fn issue_9_fix_positions_are_those_of_the_replaced_text() {
        let scanner = scanner(&[("py.demo-eval", "ast.literal_eval($X)")]);
        let findings = scanner.scan_source("a.py", "# é\nx = [eval(a)]\n");
        let fix = findings[0].fix.as_ref().unwrap();
        assert_eq!(fix.start, Position { line: 2, column: 6 });
        assert_eq!(
            fix.end,
            Position {
                line: 2,
                column: 13
            }
        );
        assert_eq!(fix.replacement, "ast.literal_eval(a)");
    }

    #[test]
    fn issue_9_a_fix_that_changes_nothing_is_no_fix() {
        let scanner = scanner(&[("py.demo-eval", "eval($X)")]);
        let findings = scanner.scan_source("a.py", "eval(a)\n");
        assert_eq!(findings.len(), 1);
        assert!(findings[0].fix.is_none());
    }

    #[test]
    fn issue_9_overlapping_fixes_refuse_the_whole_run() {
        let scanner = scanner(&[("py.demo-one", "one($X)"), ("py.demo-two", "two($X)")]);
        let (_folder, plans) = planned(&scanner, "x = 1\ny = eval(a)\n");
        let error = plans.unwrap_err().to_string();
        assert!(
            error.starts_with("app.py:2: the fixes of `py.demo-one` and `py.demo-two`"),
            "{error}"
        );
        assert!(error.contains("nothing was written"), "{error}");
        assert!(
            error.contains("agate fix --apply --rule py.demo-one"),
            "{error}"
        );
    }

    #[test]
    fn issue_9_a_file_changed_since_the_scan_is_not_written() {
        let scanner = scanner(&[("py.demo-eval", "ast.literal_eval($X)")]);
        let (folder, plans) = planned(&scanner, "x = eval(a)\n");
        let plans = plans.unwrap();
        let path = folder.path().join("app.py");
        // Changed between the scan and the fix.
        std::fs::write(&path, "x = eval(a)\ny = 2\n").unwrap();
        let error = plans[0].prepare(folder.path(), 1 << 20).unwrap_err();
        assert!(matches!(error, FixError::Changed { .. }), "{error}");
        // Changed between reading it for the fix and writing it.
        std::fs::write(&path, "x = eval(a)\n").unwrap();
        let fixed = plans[0].prepare(folder.path(), 1 << 20).unwrap();
        std::fs::write(&path, "x = eval(a)  # edited\n").unwrap();
        let error = fixed.write().unwrap_err();
        assert!(
            error.to_string().contains("changed since it was scanned"),
            "{error}"
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "x = eval(a)  # edited\n"
        );
    }

    #[test]
    fn issue_9_a_fix_that_breaks_the_syntax_is_not_written() {
        let scanner = scanner(&[("py.demo-eval", "'eval(($X)'")]);
        let (folder, plans) = planned(&scanner, "x = eval(a)\n");
        let error = plans.unwrap()[0]
            .prepare(folder.path(), 1 << 20)
            .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("fixing `app.py` would leave a syntax error near line 1"),
            "{error}"
        );
        assert!(error.to_string().contains("py.demo-eval"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn issue_9_a_link_is_never_written_through() {
        let scanner = scanner(&[("py.demo-eval", "ast.literal_eval($X)")]);
        let (folder, plans) = planned(&scanner, "x = eval(a)\n");
        let plans = plans.unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("real.py");
        std::fs::write(&target, "x = eval(a)\n").unwrap();
        let path = folder.path().join("app.py");
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let error = plans[0].prepare(folder.path(), 1 << 20).unwrap_err();
        assert!(matches!(error, FixError::Link { .. }), "{error}");
        // A link swapped in after the file was read for the fix.
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, "x = eval(a)\n").unwrap();
        let fixed = plans[0].prepare(folder.path(), 1 << 20).unwrap();
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&target, &path).unwrap();
        assert!(matches!(fixed.write(), Err(FixError::Link { .. })));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "x = eval(a)\n");
    }

    #[test]
    fn issue_9_sensitive_rules_and_lists_of_fixes_are_refused_at_load() {
        let sensitive =
            rule("py.demo-eval", "x").replace("cwe: [CWE-95]", "cwe: [CWE-95], sensitive: true");
        let error = RuleSet::load_str("py.demo-eval.yaml", &sensitive).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("a `sensitive` rule cannot have `fix:`"),
            "{error}"
        );
        let list = rule(
            "py.demo-eval",
            "[{ template: a, title: A }, { template: b, title: B }]",
        );
        let error = RuleSet::load_str("py.demo-eval.yaml", &list).unwrap_err();
        assert!(
            error.to_string().contains("a list of alternatives"),
            "{error}"
        );
    }

    #[test]
    fn fixed_fixtures_are_named_after_the_fixture() {
        assert!(is_fixed_fixture("rules/python/py.x.fixed.py"));
        assert!(!is_fixed_fixture("rules/python/py.x.py"));
        assert!(!is_fixed_fixture("rules/fixed.d/py.x.py"));
    }
}
