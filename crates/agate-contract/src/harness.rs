//! The harness process: one long-lived interpreter per contract, spoken to in JSON lines,
//! each call under a deadline, killed with its process group on a timeout and started
//! again for the next call.

use std::ffi::OsString;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{Value, json};

use crate::ContractError;

/// The Python harness, written to each run's temporary folder.
const PYTHON_HARNESS: &str = include_str!("harness/harness.py");
/// The Node harness (an ES module: it imports CommonJS and ES modules alike).
const NODE_HARNESS: &str = include_str!("harness/harness.mjs");

/// The longest line the harness may answer with.
const MAX_LINE_BYTES: u64 = 16 * 1024 * 1024;
/// How much of the harness's standard error is kept (the function's prints, tracebacks).
const STDERR_TAIL_BYTES: usize = 4 * 1024;

/// The process groups of the harnesses running now, for [`interrupt`].
struct Running {
    groups: Vec<u32>,
    stopping: bool,
}

static RUNNING: Mutex<Running> = Mutex::new(Running {
    groups: Vec::new(),
    stopping: false,
});

fn running() -> MutexGuard<'static, Running> {
    RUNNING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Kills every harness still running; none starts afterwards. For a signal handler, just
/// before the process exits.
pub fn interrupt() {
    let mut running = running();
    running.stopping = true;
    for group in running.groups.drain(..) {
        kill_group(group);
    }
}

fn kill_group(group: u32) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{Signal, killpg};
        use nix::unistd::Pid;
        if let Ok(id) = i32::try_from(group) {
            let _ = killpg(Pid::from_raw(id), Signal::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = group;
}

/// How to start a harness.
pub(crate) struct Launch {
    /// The interpreter, then its arguments.
    pub(crate) program: PathBuf,
    pub(crate) arguments: Vec<OsString>,
    /// The variables the interpreter gets (nothing else of agate's environment).
    pub(crate) env: Vec<(OsString, OsString)>,
    /// How long starting (importing the module) may take.
    pub(crate) start_timeout: Duration,
}

impl Launch {
    /// The launch of `runtime` (`python` or `node`) through `interpreter`, with the harness
    /// written into `folder`; `tail` follows the harness script (mode, module, function).
    pub(crate) fn new(
        runtime: &str,
        interpreter: PathBuf,
        folder: &Path,
        memory_bytes: u64,
        tail: Vec<OsString>,
    ) -> Result<Launch, ContractError> {
        let (name, text) = match runtime {
            "python" => ("harness.py", PYTHON_HARNESS),
            _ => ("harness.mjs", NODE_HARNESS),
        };
        let script = folder.join(name);
        std::fs::write(&script, text).map_err(|error| ContractError::Start {
            contract: String::new(),
            message: format!("cannot write the harness into a temporary folder: {error}"),
        })?;
        let mut arguments: Vec<OsString> = Vec::new();
        if runtime == "python" {
            // No `.pyc` files written into the project.
            arguments.push("-B".into());
            arguments.push(script.into_os_string());
            arguments.extend(tail);
            arguments.push(memory_bytes.to_string().into());
        } else {
            let megabytes = (memory_bytes / (1024 * 1024)).max(16);
            arguments.push(format!("--max-old-space-size={megabytes}").into());
            arguments.push(script.into_os_string());
            arguments.extend(tail);
        }
        Ok(Launch {
            program: interpreter,
            arguments,
            env: Vec::new(),
            start_timeout: Duration::from_secs(30),
        })
    }
}

/// What one call gave.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reply {
    /// It returned this value.
    Returned(Value),
    /// It raised (threw) an error of this name.
    Raised { name: String, message: String },
    /// It returned a value JSON cannot hold.
    Unserialisable { kind: String, message: String },
    /// It ran past the timeout; the process was killed.
    TimedOut,
    /// The process ended or answered nonsense; what it said last on standard error.
    Crashed { reason: String, stderr: String },
}

/// A live harness process.
struct Process {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<Result<Vec<u8>, String>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    readers: Vec<JoinHandle<()>>,
}

impl Drop for Process {
    fn drop(&mut self) {
        kill_group(self.child.id());
        let _ = self.child.kill();
        let _ = self.child.wait();
        running().groups.retain(|&group| group != self.child.id());
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }
}

/// The harness of one contract: started on first use, and again after a timeout or crash.
pub(crate) struct Harness {
    launch: Launch,
    workdir: PathBuf,
    process: Option<Process>,
    next_id: u64,
    /// How many times it was started.
    pub(crate) starts: usize,
}

impl Harness {
    pub(crate) fn new(launch: Launch, workdir: PathBuf) -> Harness {
        Harness {
            launch,
            workdir,
            process: None,
            next_id: 0,
            starts: 0,
        }
    }

    /// Starts the process and reads its first line: `{"ready": true}`, or the description
    /// an `inspect` run prints; a `{"fatal": …}` line or an early exit is an error.
    pub(crate) fn start(&mut self) -> Result<Value, ContractError> {
        self.process = None;
        let mut command = Command::new(&self.launch.program);
        command
            .args(&self.launch.arguments)
            .current_dir(&self.workdir)
            .env_clear()
            .envs(self.launch.env.iter().map(|(key, value)| (key, value)))
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("PYTHONHASHSEED", "0")
            .env("PYTHONIOENCODING", "utf-8")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt as _;
            command.process_group(0);
        }
        let start_error = |message: String| ContractError::Start {
            contract: String::new(),
            message,
        };
        let mut child = {
            let mut running = running();
            if running.stopping {
                return Err(start_error("agate is stopping".to_owned()));
            }
            let child = command.spawn().map_err(|error| {
                start_error(format!(
                    "cannot start `{}`: {error}; install it or name the interpreter with `runtime:`",
                    self.launch.program.display()
                ))
            })?;
            running.groups.push(child.id());
            child
        };
        self.starts += 1;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            kill_group(child.id());
            let _ = child.wait();
            return Err(start_error("the harness has no pipes".to_owned()));
        };
        let (lines, out_reader) = read_lines(stdout);
        let (tail, err_reader) = keep_tail(stderr);
        let mut process = Process {
            child,
            stdin,
            lines,
            stderr: tail,
            readers: vec![out_reader, err_reader],
        };
        let first = match process.lines.recv_timeout(self.launch.start_timeout) {
            Ok(Ok(line)) => serde_json::from_slice::<Value>(&line).map_err(|error| {
                start_error(format!(
                    "the harness answered with something else than JSON: {error}"
                ))
            })?,
            Ok(Err(message)) => return Err(start_error(message)),
            Err(RecvTimeoutError::Timeout) => {
                return Err(start_error(format!(
                    "the module did not load within {} s",
                    self.launch.start_timeout.as_secs()
                )));
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = process.child.wait().ok();
                drop(process.readers.pop().map(JoinHandle::join));
                let stderr = stderr_tail(&process.stderr);
                return Err(start_error(format!(
                    "the interpreter ended before the harness started ({}){}",
                    status.map_or_else(|| "unknown status".to_owned(), |s| s.to_string()),
                    if stderr.is_empty() {
                        String::new()
                    } else {
                        format!(": {stderr}")
                    }
                )));
            }
        };
        if let Some(fatal) = first.get("fatal").and_then(Value::as_str) {
            let message = first.get("message").and_then(Value::as_str).unwrap_or("");
            return Err(start_error(format!(
                "the function cannot be loaded: {fatal}: {message}"
            )));
        }
        self.process = Some(process);
        Ok(first)
    }

    /// Calls the function with `args`; a timeout or crash ends the process, and the next
    /// call starts a new one. The error is a failure to start again.
    pub(crate) fn call(&mut self, args: &Value, timeout: Duration) -> Result<Reply, ContractError> {
        if self.process.is_none() {
            self.start()?;
        }
        let Some(process) = self.process.as_mut() else {
            return Err(ContractError::Start {
                contract: String::new(),
                message: "the harness is not running".to_owned(),
            });
        };
        self.next_id += 1;
        let id = self.next_id;
        let mut request = json!({ "id": id, "args": args }).to_string();
        request.push('\n');
        if process
            .stdin
            .write_all(request.as_bytes())
            .and_then(|()| process.stdin.flush())
            .is_err()
        {
            return Ok(self.crashed("the harness stopped reading its input".to_owned()));
        }
        let reply = match process.lines.recv_timeout(timeout) {
            Ok(Ok(line)) => line,
            Ok(Err(message)) => return Ok(self.crashed(message)),
            Err(RecvTimeoutError::Timeout) => {
                self.process = None;
                return Ok(Reply::TimedOut);
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Ok(self.crashed("the process ended".to_owned()));
            }
        };
        let Ok(reply) = serde_json::from_slice::<Value>(&reply) else {
            return Ok(
                self.crashed("the harness answered with something else than JSON".to_owned())
            );
        };
        if reply.get("id").and_then(Value::as_u64) != Some(id) {
            return Ok(self.crashed("the harness answered another call".to_owned()));
        }
        let text = |key: &str| {
            reply
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        Ok(if let Some(value) = reply.get("ok") {
            Reply::Returned(value.clone())
        } else if reply.get("raised").is_some() {
            Reply::Raised {
                name: text("raised"),
                message: text("message"),
            }
        } else if reply.get("unserialisable").is_some() {
            Reply::Unserialisable {
                kind: text("unserialisable"),
                message: text("message"),
            }
        } else {
            self.crashed("the harness answered without an outcome".to_owned())
        })
    }

    /// Ends the process after a crash; the reply tells how it ended.
    fn crashed(&mut self, reason: String) -> Reply {
        let Some(mut process) = self.process.take() else {
            return Reply::Crashed {
                reason,
                stderr: String::new(),
            };
        };
        // The process is gone or broken: its exit status says how it ended.
        let status = if let Ok(Some(status)) = process.child.try_wait() {
            Some(status)
        } else {
            std::thread::sleep(Duration::from_millis(50));
            process.child.try_wait().ok().flatten()
        };
        kill_group(process.child.id());
        let _ = process.child.wait();
        for reader in process.readers.drain(..) {
            let _ = reader.join();
        }
        let reason = match status {
            Some(status) => format!("{reason} ({status})"),
            None => reason,
        };
        Reply::Crashed {
            reason,
            stderr: stderr_tail(&process.stderr),
        }
    }
}

/// Reads the harness's answers, one line each (at most [`MAX_LINE_BYTES`]), on a thread.
fn read_lines(
    stdout: std::process::ChildStdout,
) -> (Receiver<Result<Vec<u8>, String>>, JoinHandle<()>) {
    let (sender, lines) = channel();
    let reader = std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut line = Vec::new();
            match (&mut reader)
                .take(MAX_LINE_BYTES)
                .read_until(b'\n', &mut line)
            {
                Ok(0) => break,
                Ok(_) if line.last() != Some(&b'\n') => {
                    let _ = sender.send(Err(format!(
                        "the harness wrote a line longer than {MAX_LINE_BYTES} bytes"
                    )));
                    break;
                }
                Ok(_) => {
                    if sender.send(Ok(line)).is_err() {
                        break;
                    }
                }
                Err(error) => {
                    let _ = sender.send(Err(format!("cannot read the harness: {error}")));
                    break;
                }
            }
        }
    });
    (lines, reader)
}

/// Keeps the last [`STDERR_TAIL_BYTES`] of the harness's standard error, on a thread.
fn keep_tail(stderr: std::process::ChildStderr) -> (Arc<Mutex<Vec<u8>>>, JoinHandle<()>) {
    let tail = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&tail);
    let reader = std::thread::spawn(move || {
        let mut stderr = stderr;
        let mut chunk = [0_u8; 8192];
        while let Ok(read) = stderr.read(&mut chunk) {
            if read == 0 {
                break;
            }
            let mut kept = kept.lock().unwrap_or_else(PoisonError::into_inner);
            kept.extend_from_slice(&chunk[..read]);
            if kept.len() > 2 * STDERR_TAIL_BYTES {
                let excess = kept.len() - STDERR_TAIL_BYTES;
                kept.drain(..excess);
            }
        }
    });
    (tail, reader)
}

/// The last lines of standard error, on one line each joined by ` | `.
fn stderr_tail(tail: &Arc<Mutex<Vec<u8>>>) -> String {
    let tail = tail.lock().unwrap_or_else(PoisonError::into_inner);
    let start = tail.len().saturating_sub(STDERR_TAIL_BYTES);
    let text = String::from_utf8_lossy(&tail[start..]);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim_end)
        .filter(|line| !line.is_empty())
        .collect();
    lines[lines.len().saturating_sub(5)..].join(" | ")
}
