//! Secrets throughput over a tree: `cargo bench -p agate-secrets -- DIR` (default: the
//! repository). Prints files, bytes, findings and MB/s; bench/secrets.sh compares peers.
#![expect(clippy::print_stdout, reason = "a benchmark reports on stdout")]
#![expect(clippy::unwrap_used, reason = "a benchmark fails loudly")]

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|arg| !arg.starts_with('-'))
        .map_or_else(
            || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")),
            PathBuf::from,
        );
    let scanner = agate_secrets::SecretScanner::new(
        agate_secrets::bundled_rules().unwrap(),
        agate_secrets::Allowlist::default(),
    )
    .unwrap();
    let options = agate_lang::WalkOptions::default();
    let started = Instant::now();
    let scan = scanner.scan(&dir, std::slice::from_ref(&dir), &options);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} files, {:.1} MB, {} findings in {seconds:.3} s ({:.0} MB/s)",
        scan.stats.files,
        scan.stats.bytes as f64 / 1e6,
        scan.findings.len(),
        scan.stats.bytes as f64 / 1e6 / seconds
    );
}
