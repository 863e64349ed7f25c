//! Where a function is defined: its module file under the root and the line of its
//! definition, found by its text (`def name`, `function name`, `export … name`, `name =`).

use std::path::{Path, PathBuf};

use regex::Regex;

use crate::file::Target;

/// The most a module file read for its definition line may hold.
const MAX_MODULE_BYTES: u64 = 16 * 1024 * 1024;

/// The module file of `target`, relative to `root`, when it is a file under the root.
pub(crate) fn module_file(root: &Path, target: &Target) -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = match target {
        Target::Python { module, .. } => {
            let base: PathBuf = module.split('.').collect();
            vec![base.with_extension("py"), base.join("__init__.py")]
        }
        Target::Node { path, .. } => vec![path.clone()],
    };
    candidates.into_iter().find_map(|candidate| {
        let resolved = agate_fs::resolve_under(root, &candidate).ok()?;
        let canonical_root = std::fs::canonicalize(root).ok()?;
        resolved
            .is_file()
            .then(|| {
                resolved
                    .strip_prefix(&canonical_root)
                    .ok()
                    .map(Path::to_path_buf)
            })
            .flatten()
    })
}

/// The 0-based index of the line that defines `name` (0 when none does).
fn definition_index(text: &str, runtime: &str, name: &str) -> usize {
    let name = regex::escape(name);
    let patterns: Vec<String> = if runtime == "python" {
        vec![
            format!(r"^\s*(async\s+)?def\s+{name}\b"),
            format!(r"^{name}\s*(:[^=]*)?="),
        ]
    } else if name == "default" {
        vec![
            r"\bexport\s+default\b".to_owned(),
            r"\bmodule\.exports\s*=".to_owned(),
        ]
    } else {
        vec![
            format!(r"\bfunction\s*\*?\s*{name}\s*\("),
            format!(r"\b(const|let|var)\s+{name}\s*="),
            format!(r"\bexport\s+.*\b{name}\b"),
            format!(r"\b(module\.)?exports\.{name}\s*="),
            format!(r"^\s*{name}\s*[=(:]"),
        ]
    };
    for pattern in patterns {
        let Ok(regex) = Regex::new(&pattern) else {
            continue;
        };
        if let Some(index) = text.lines().position(|line| regex.is_match(line)) {
            return index;
        }
    }
    0
}

/// The definition of `target`'s function: its module file, line and that line's text,
/// when the file is under the root and readable.
pub(crate) fn definition(root: &Path, target: &Target) -> Option<(PathBuf, u64, String)> {
    let file = module_file(root, target)?;
    let text = agate_fs::read_to_string_bounded(&root.join(&file), MAX_MODULE_BYTES).ok()?;
    let index = definition_index(&text, target.runtime(), target.function_name());
    let code = text
        .lines()
        .nth(index)
        .unwrap_or_default()
        .trim_end()
        .to_owned();
    Some((file, u64::try_from(index + 1).unwrap_or(1), code))
}

#[cfg(test)]
mod tests {
    use super::*;

    // 0-based line indexes.

    #[test]
    fn python_definitions() {
        let text = "import math\n\nRATE = 2\n\nasync def apply(x):\n    pass\n";
        assert_eq!(definition_index(text, "python", "apply"), 4);
        assert_eq!(definition_index(text, "python", "RATE"), 2);
        assert_eq!(definition_index(text, "python", "missing"), 0);
    }

    #[test]
    fn javascript_definitions() {
        let text = "'use strict';\nconst helper = 1;\nexport function applyDiscount(a, b) {}\n";
        assert_eq!(definition_index(text, "node", "applyDiscount"), 2);
        let common = "function other() {}\nexports.applyDiscount = (a, b) => a;\n";
        assert_eq!(definition_index(common, "node", "applyDiscount"), 1);
        let arrow = "\n\nconst applyDiscount = (a) => a;\nmodule.exports = { applyDiscount };\n";
        assert_eq!(definition_index(arrow, "node", "applyDiscount"), 2);
        assert_eq!(
            definition_index("x\nexport default function () {}\n", "node", "default"),
            1
        );
    }
}
