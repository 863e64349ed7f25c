//! Arbitrary result paths in SARIF and Semgrep reports, read against a scan root full of
//! traps: links to a folder and a file outside it, a link loop, a link to `/dev/zero` and a
//! FIFO. Whatever the paths (`..`, absolute, `file:` URIs, `%2e%2e`, `\`, NUL, base ids),
//! no line of a file outside the root may reach a finding, and a finding whose file
//! resolves outside quotes nothing at all.
#![no_main]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use agate_external::{RunOptions, run, source_line};
use agate_model::{CheckSpec, ToolFormat};
use libfuzzer_sys::fuzz_target;

/// On every line of the files outside the root; must never be quoted.
const MARKER: &str = "OUTSIDE-MARKER";

/// What the tool says it saw; allowed only for files that are not outside.
const QUOTED: &str = "the tool quoted this";

struct Trap {
    root: PathBuf,
}

fn trap() -> &'static Trap {
    static TRAP: OnceLock<Trap> = OnceLock::new();
    TRAP.get_or_init(|| {
        let base = std::env::temp_dir().join(format!("agate-fuzz-paths-{}", std::process::id()));
        let (root, outside) = (base.join("root"), base.join("etc"));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(root.join("src/deep")).unwrap();
        std::fs::create_dir_all(root.join("reports")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        let secret: String = (0..20).map(|n| format!("{MARKER} line {n}\n")).collect();
        std::fs::write(outside.join("passwd"), &secret).unwrap();
        std::fs::write(base.join("passwd"), &secret).unwrap();
        std::fs::write(root.join("src/app.py"), "x = 1\ny = 2\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::symlink;
            symlink(&outside, root.join("src/etclink")).unwrap();
            symlink("../../../etc", root.join("src/deep/up")).unwrap();
            symlink(outside.join("passwd"), root.join("link.py")).unwrap();
            symlink("loop", root.join("src/loop")).unwrap();
            symlink("/dev/zero", root.join("src/zero")).unwrap();
            symlink("app.py", root.join("src/inner.py")).unwrap();
            let _ = std::process::Command::new("mkfifo")
                .arg(root.join("src/fifo"))
                .status();
        }
        Trap { root }
    })
}

/// `text` as the inside of a JSON string.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '"' => escaped.push_str("\\\""),
            '\\' => escaped.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(escaped, "\\u{:04x}", u32::from(c));
            }
            c => escaped.push(c),
        }
    }
    escaped
}

/// Paths to try: the fuzzer's lines, each also with a prefix that leads into a trap.
fn paths(text: &str) -> Vec<String> {
    const PREFIXES: [&str; 6] = ["", "src/etclink/", "src/deep/up/", "file://", "../", "src/"];
    text.split('\n')
        .take(8)
        .enumerate()
        .map(|(index, line)| format!("{}{line}", PREFIXES[index % PREFIXES.len()]))
        .collect()
}

fn check(spec: &CheckSpec, root: &Path) {
    let outcome = run(spec, &RunOptions { root, sonar: None });
    for finding in &outcome.findings {
        assert!(!finding.snippet.contains(MARKER), "{finding:?}");
        assert!(!finding.location.path.contains('\0'), "{finding:?}");
        let outside = matches!(
            agate_fs::resolve_under(root, Path::new(finding.location.path.as_str())),
            Err(agate_fs::FsError::OutsideRoot { .. })
        );
        assert!(!(outside && finding.snippet == QUOTED), "{finding:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Trap { root } = trap();
    let text = String::from_utf8_lossy(data);
    let paths = paths(&text);
    let workdir = (data.first().is_some_and(|byte| byte & 1 == 1)).then(|| PathBuf::from("src"));
    for path in &paths {
        if let Some(line) = source_line(root, path, 1) {
            assert!(!line.contains(MARKER), "{path:?}: {line}");
        }
    }
    let results: Vec<String> = paths
        .iter()
        .enumerate()
        .map(|(index, path)| {
            let location = match index % 3 {
                0 => format!(r#""uri":"{}""#, escape(path)),
                1 => format!(r#""uri":"{}","uriBaseId":"BASE""#, escape(path)),
                _ => format!(r#""index":{index}"#),
            };
            format!(
                r#"{{"ruleId":"r","message":{{"text":"m"}},"locations":[{{"physicalLocation":{{"artifactLocation":{{{location}}},"region":{{"startLine":{},"snippet":{{"text":"{QUOTED}"}}}}}}}}]}}"#,
                index % 4 + 1
            )
        })
        .collect();
    let artifacts: Vec<String> = paths
        .iter()
        .map(|path| format!(r#"{{"location":{{"uri":"{}"}}}}"#, escape(path)))
        .collect();
    let base = escape(paths.last().map_or("", String::as_str));
    let sarif = format!(
        r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"fuzz"}}}},"originalUriBaseIds":{{"BASE":{{"uri":"file://{base}"}}}},"artifacts":[{}],"results":[{}]}}]}}"#,
        artifacts.join(","),
        results.join(",")
    );
    let semgrep_results: Vec<String> = paths
        .iter()
        .map(|path| {
            format!(
                r#"{{"check_id":"a","path":"{}","start":{{"line":1,"col":1}},"end":{{"line":2,"col":1}},"extra":{{"message":"m","severity":"ERROR","lines":"{QUOTED}"}}}}"#,
                escape(path)
            )
        })
        .collect();
    let semgrep = format!(
        r#"{{"results":[{}],"errors":[],"paths":{{"scanned":["app.py"]}}}}"#,
        semgrep_results.join(",")
    );
    for (format, report, file) in [
        (ToolFormat::Sarif, sarif, "r.sarif"),
        (ToolFormat::Semgrep, semgrep, "r.json"),
    ] {
        let path = Path::new("reports").join(file);
        std::fs::write(root.join(&path), report).unwrap();
        let spec = CheckSpec {
            name: "fuzz".to_owned(),
            gate: "security".to_owned(),
            command: None,
            format,
            workdir: workdir.clone(),
            env: Vec::new(),
            timeout_secs: 5,
            exit_codes: vec![0, 1],
            report: Some(match &workdir {
                Some(_) => Path::new("..").join(&path),
                None => path,
            }),
            project: None,
            report_task: None,
            max_results: 100,
        };
        check(&spec, root);
    }
});
