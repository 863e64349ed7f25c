//! Running a command to its end: no shell, a deadline, bounded capture of its output, and
//! its whole process group killed when it overruns or leaves children behind.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What an interrupted run must clean up: the process groups of the checks running now and
/// their scratch folders. A check runs in its own process group, so a Ctrl-C at the
/// terminal does not reach it; [`interrupt`] kills it.
pub(crate) struct Running {
    pub(crate) groups: Vec<u32>,
    scratch: Vec<PathBuf>,
    /// Set by [`interrupt`]: no check starts after it.
    pub(crate) stopping: bool,
}

static RUNNING: Mutex<Running> = Mutex::new(Running {
    groups: Vec::new(),
    scratch: Vec::new(),
    stopping: false,
});

pub(crate) fn running() -> MutexGuard<'static, Running> {
    RUNNING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Kills the process group of every check and service still running and removes their scratch
/// folders (where `{out}` reports are written); no check starts afterwards. For a signal
/// handler, just before the process exits (destructors will not run then).
pub fn interrupt() {
    let mut running = running();
    running.stopping = true;
    for group in running.groups.drain(..) {
        kill_group_id(group);
    }
    for folder in running.scratch.drain(..) {
        let _ = std::fs::remove_dir_all(folder);
    }
}

/// A check's temporary folder (`agate-check-*` in the system's temporary folder), removed
/// when dropped or, when the run is interrupted, by [`interrupt`].
pub struct Scratch(tempfile::TempDir);

impl Scratch {
    /// Makes the folder; fails once [`interrupt`] ran (agate is stopping).
    pub fn new() -> std::io::Result<Scratch> {
        let mut running = running();
        if running.stopping {
            return Err(std::io::Error::other("agate is stopping"));
        }
        let folder = tempfile::Builder::new().prefix("agate-check-").tempdir()?;
        running.scratch.push(folder.path().to_path_buf());
        Ok(Scratch(folder))
    }

    /// Where the folder is.
    pub fn path(&self) -> &Path {
        self.0.path()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        running().scratch.retain(|folder| folder != self.0.path());
    }
}

/// How much of each stream is kept for the report.
pub const TAIL_BYTES: usize = 8 * 1024;

/// The most a report read from standard output may hold.
pub const MAX_REPORT_BYTES: usize = 256 * 1024 * 1024;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this code.
    Code(i32),
    /// A signal ended it.
    Signal(i32),
    /// It ran past its deadline and was killed.
    TimedOut,
}

/// What a finished command left behind.
#[derive(Debug)]
pub struct Finished {
    /// How it ended.
    pub exit: Exit,
    /// Its standard output.
    pub stdout: Captured,
    /// Its standard error.
    pub stderr: Captured,
}

/// One output stream: all of it (up to a cap) when it is the report, else its last bytes.
#[derive(Debug, Default)]
pub struct Captured {
    /// The bytes kept.
    pub bytes: Vec<u8>,
    /// True when more was written than kept.
    pub truncated: bool,
}

impl Captured {
    /// The last [`TAIL_BYTES`] as text, starting at a line boundary when one is near.
    pub fn tail(&self) -> String {
        let start = self.bytes.len().saturating_sub(TAIL_BYTES);
        let tail = &self.bytes[start..];
        let tail = match tail.iter().position(|&byte| byte == b'\n') {
            Some(newline) if (start > 0 || self.truncated) && newline < 256 => &tail[newline + 1..],
            _ => tail,
        };
        String::from_utf8_lossy(tail).trim_end().to_owned()
    }
}

/// Runs `argv` in `workdir` with `env` added, until it exits or `timeout` passes.
/// `keep_stdout` keeps all of standard output (up to [`MAX_REPORT_BYTES`]).
pub fn execute(
    argv: &[String],
    workdir: &Path,
    env: &[(String, String)],
    timeout: Duration,
    keep_stdout: bool,
) -> std::io::Result<Finished> {
    let (program, arguments) = argv
        .split_first()
        .ok_or_else(|| std::io::Error::other("the command is empty"))?;
    let mut command = Command::new(program);
    command
        .args(arguments)
        .current_dir(workdir)
        .envs(env.iter().map(|(key, value)| (key, value)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        // Its own process group, so a timeout kills the tool's children too.
        command.process_group(0);
    }
    // Started and registered under the lock, so an interrupt either kills it or comes
    // first and stops it from starting.
    let mut child = {
        let mut running = running();
        if running.stopping {
            return Err(std::io::Error::other("agate is stopping"));
        }
        let child = command.spawn()?;
        running.groups.push(child.id());
        child
    };
    let stdout = child.stdout.take().map(|stream| {
        let limit = if keep_stdout {
            MAX_REPORT_BYTES
        } else {
            TAIL_BYTES
        };
        capture(stream, limit, keep_stdout)
    });
    let stderr = child
        .stderr
        .take()
        .map(|stream| capture(stream, TAIL_BYTES, false));
    let exit = wait(&mut child, timeout);
    // Whatever the tool left running would hold the pipes open; it goes with the tool.
    kill_group(&mut child);
    running().groups.retain(|&group| group != child.id());
    let exit = exit?;
    let join = |reader: Option<JoinHandle<Captured>>| {
        reader
            .and_then(|reader| reader.join().ok())
            .unwrap_or_default()
    };
    Ok(Finished {
        exit,
        stdout: join(stdout),
        stderr: join(stderr),
    })
}

/// Reads a stream to its end on its own thread. With `keep_all`, keeps up to `limit` bytes
/// from the start; otherwise the last `limit` bytes.
fn capture(
    mut stream: impl Read + Send + 'static,
    limit: usize,
    keep_all: bool,
) -> JoinHandle<Captured> {
    std::thread::spawn(move || {
        let mut captured = Captured::default();
        let mut chunk = vec![0_u8; 64 * 1024];
        loop {
            let read = match stream.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(read) => read,
            };
            if keep_all {
                let room = limit.saturating_sub(captured.bytes.len());
                captured.bytes.extend_from_slice(&chunk[..read.min(room)]);
                captured.truncated |= read > room;
            } else {
                captured.bytes.extend_from_slice(&chunk[..read]);
                if captured.bytes.len() > 2 * limit {
                    let excess = captured.bytes.len() - limit;
                    captured.bytes.drain(..excess);
                    captured.truncated = true;
                }
            }
        }
        if !keep_all && captured.bytes.len() > limit {
            let excess = captured.bytes.len() - limit;
            captured.bytes.drain(..excess);
            captured.truncated = true;
        }
        captured
    })
}

/// Waits for the child until the deadline, polling; kills it when the deadline passes.
fn wait(child: &mut Child, timeout: Duration) -> std::io::Result<Exit> {
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(2);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(exit_of(status));
        }
        if Instant::now() >= deadline {
            kill_group(child);
            let _ = child.wait();
            return Ok(Exit::TimedOut);
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

pub(crate) fn exit_of(status: std::process::ExitStatus) -> Exit {
    if let Some(code) = status.code() {
        return Exit::Code(code);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(signal) = status.signal() {
            return Exit::Signal(signal);
        }
    }
    Exit::Code(-1)
}

/// Kills the child's process group (the child itself elsewhere).
fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    kill_group_id(child.id());
    #[cfg(not(unix))]
    {
        let _ = child.kill();
    }
}

/// Kills the process group `group` (a check's: its leader's process id).
pub(crate) fn kill_group_id(group: u32) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{Signal, killpg};
        use nix::unistd::Pid;
        if let Ok(id) = i32::try_from(group) {
            let _ = killpg(Pid::from_raw(id), Signal::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    {
        // Without process groups the child is killed through its handle when its wait ends.
        let _ = group;
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;

    fn sh(script: &str, timeout: Duration, keep: bool) -> Finished {
        let argv = ["sh", "-c", script].map(str::to_owned);
        execute(&argv, Path::new("."), &[], timeout, keep).unwrap()
    }

    #[test]
    fn captures_exit_code_and_output() {
        let done = sh(
            "echo out; echo err >&2; exit 3",
            Duration::from_secs(10),
            true,
        );
        assert_eq!(done.exit, Exit::Code(3));
        assert_eq!(done.stdout.bytes, b"out\n");
        assert_eq!(done.stderr.tail(), "err");
    }

    #[test]
    fn a_command_past_its_deadline_is_killed_with_its_children() {
        let started = Instant::now();
        let done = sh(
            "sleep 30 & sleep 30; echo never",
            Duration::from_millis(300),
            false,
        );
        assert_eq!(done.exit, Exit::TimedOut);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the background sleep kept the pipes open"
        );
        assert!(done.stdout.bytes.is_empty());
    }

    #[test]
    fn only_the_tail_of_a_long_stream_is_kept() {
        let done = sh(
            "i=0; while [ $i -lt 5000 ]; do echo line $i; i=$((i+1)); done >&2",
            Duration::from_secs(20),
            false,
        );
        assert!(done.stderr.truncated);
        assert!(done.stderr.bytes.len() <= TAIL_BYTES);
        assert!(done.stderr.tail().ends_with("line 4999"));
        assert!(
            done.stderr.tail().starts_with("line "),
            "starts at a line boundary"
        );
    }

    #[test]
    fn a_missing_program_is_an_error() {
        let argv = vec!["agate-no-such-tool".to_owned()];
        let error = execute(&argv, Path::new("."), &[], Duration::from_secs(1), false).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
    }
}
