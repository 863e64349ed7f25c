//! Scan throughput of the bundled rules over a real tree, in-process (no CLI, no rendering).
//!
//! `cargo bench -p agate-rules --bench scan -- DIR [ITERATIONS]` scans DIR ITERATIONS times
//! (default 5) with every bundled rule and prints the best and median wall time, files/s,
//! MB/s and the peak resident memory. `bench/run.sh` compares the CLI with ast-grep and
//! Semgrep on the same trees.
#![expect(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use agate_rules::{RuleSet, ScanOptions, Scanner};

fn main() {
    // `cargo bench` passes `--bench`; everything else is ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| arg != "--bench")
        .collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        println!("usage: cargo bench -p agate-rules --bench scan -- DIR [ITERATIONS]");
        return;
    };
    // cargo runs benchmarks from the crate's folder; give an absolute path.
    let dir = match dir.canonicalize() {
        Ok(dir) => dir,
        Err(error) => {
            println!(
                "cannot open {}: {error} (give an absolute path)",
                dir.display()
            );
            return;
        }
    };
    let iterations: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(5).max(1);
    let rules = match RuleSet::bundled() {
        Ok(rules) => rules,
        Err(error) => {
            println!("cannot load the bundled rules: {error}");
            return;
        }
    };
    let rule_count = rules.len();
    let scanner = Scanner::new(rules, ScanOptions::default());
    let mut times: Vec<Duration> = Vec::with_capacity(iterations);
    let mut last = None;
    for _ in 0..iterations {
        let started = Instant::now();
        let output = scanner.scan(&dir, std::slice::from_ref(&dir));
        times.push(started.elapsed());
        last = Some(output);
    }
    times.sort();
    let Some(output) = last else { return };
    let best = times[0].as_secs_f64();
    let median = times[times.len() / 2].as_secs_f64();
    let files = output.stats.files as f64;
    let megabytes = output.stats.bytes as f64 / 1e6;
    println!(
        "{} ({rule_count} rules, {iterations} iterations)",
        dir.display()
    );
    println!(
        "  files     {:>10}   {:.1} MB",
        output.stats.files, megabytes
    );
    println!("  findings  {:>10}", output.findings.len());
    println!(
        "  best      {best:>10.3} s   {:.0} files/s   {:.1} MB/s",
        files / best,
        megabytes / best
    );
    println!(
        "  median    {median:>10.3} s   {:.0} files/s   {:.1} MB/s",
        files / median,
        megabytes / median
    );
    if let Some(peak) = peak_rss_mb() {
        println!("  peak RSS  {peak:>10.0} MB");
    }
}

/// Reads the peak resident set size from `/proc/self/status` (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kilobytes: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes / 1024.0)
}
