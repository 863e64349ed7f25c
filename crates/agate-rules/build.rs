#![expect(
    clippy::disallowed_methods,
    reason = "a build script reads the variables Cargo sets for it"
)]

//! Embeds the bundled rules (`rules/<language>/*`, not `rules/secrets/`) into the library, so the binary carries
//! its rules and their fixtures and works from any directory.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let rules_dir = manifest.join("../../rules");
    println!("cargo:rerun-if-changed={}", rules_dir.display());
    let mut files = Vec::new();
    collect(&rules_dir, &mut files);
    files.sort();
    let mut generated = String::from("pub(crate) static BUNDLED: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let relative = path
            .strip_prefix(&rules_dir)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let absolute = fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        let _ = writeln!(
            generated,
            "    ({relative:?}, include_str!({:?})),",
            absolute.display().to_string()
        );
    }
    generated.push_str("];\n");
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default()).join("bundled.rs");
    if let Err(error) = fs::write(&out, generated) {
        panic!("cannot write {}: {error}", out.display());
    }
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            // Secret rules are agate-secrets' own.
            if path.file_name().is_some_and(|name| name == "secrets") {
                continue;
            }
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else if path
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| !name.starts_with('.'))
        {
            files.push(path);
        }
    }
}
