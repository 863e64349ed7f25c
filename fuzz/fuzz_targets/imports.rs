//! Feeds arbitrary bytes to import extraction and the import checks, as each language.
#![no_main]

use std::collections::BTreeSet;

use agate_deps::Ecosystem;
use agate_lang::{FileImports, Language, imports};
use ast_grep_core::tree_sitter::LanguageExt;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (path, language) = [
        ("a.py", Language::Python),
        ("a.js", Language::JavaScript),
        ("a.ts", Language::TypeScript),
        ("a.tsx", Language::Tsx),
        ("A.java", Language::Java),
    ][usize::from(selector) % 5];
    let text = String::from_utf8_lossy(rest);
    let root = language.ast_grep(text.as_ref());
    let found = imports(language, &root.root());
    let files = [FileImports {
        path: path.to_owned(),
        language,
        imports: found,
    }];
    let manifests: BTreeSet<Ecosystem> = [Ecosystem::PyPI, Ecosystem::Npm, Ecosystem::Maven].into();
    let _ = agate_deps::check_imports(&files, &[], &manifests);
});
