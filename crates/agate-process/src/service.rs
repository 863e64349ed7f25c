//! A long-running service under test: started from argv, awaited on a readiness URL, its
//! logs kept bounded, and stopped with its whole process group — TERM, then KILL after a
//! grace — when dropped, whether it became ready or not.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::run::{Exit, exit_of, kill_group_id, running};

/// How many bytes of the service's logs (standard output and error together) are kept:
/// the last ones.
pub const LOG_BYTES: usize = 64 * 1024;

/// How many of the last log lines an error quotes.
const ERROR_LOG_LINES: usize = 20;

/// How to start a service and tell that it is ready.
#[derive(Debug, Clone)]
pub struct ServiceSpec {
    /// The program and its arguments (no shell).
    pub argv: Vec<String>,
    /// Variables added to agate's environment.
    pub env: Vec<(String, String)>,
    /// The working directory.
    pub workdir: PathBuf,
    /// The URL polled until it answers with any status below 500.
    pub ready: String,
    /// How long the service may take to become ready.
    pub ready_timeout: Duration,
    /// How long the service has to exit after TERM before its group is killed.
    pub grace: Duration,
}

/// Why a service could not be started.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The command is empty.
    #[error("the service's command is empty: give the program and its arguments")]
    Empty,
    /// The program does not exist.
    #[error(
        "cannot start the service: command `{program}` not found; install it or give its full path"
    )]
    NotFound {
        /// The program.
        program: String,
    },
    /// The program could not be started for another reason.
    #[error("cannot start the service `{program}`: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// What failed.
        source: std::io::Error,
    },
    /// agate is stopping (interrupted): no service starts.
    #[error("agate is stopping: the service was not started")]
    Stopping,
    /// It exited before it became ready.
    #[error(
        "the service `{program}` exited ({exit}) before `{ready}` answered; its last log lines:\n{logs}"
    )]
    ExitedEarly {
        /// The program.
        program: String,
        /// How it ended.
        exit: String,
        /// The readiness URL.
        ready: String,
        /// Its last log lines.
        logs: String,
    },
    /// It did not answer on the readiness URL in time.
    #[error(
        "the service `{program}` was not ready after {seconds} s: `{ready}` did not answer below 500 (last: {last}); raise the readiness timeout or check the URL; its last log lines:\n{logs}"
    )]
    NotReady {
        /// The program.
        program: String,
        /// The timeout, in seconds.
        seconds: u64,
        /// The readiness URL.
        ready: String,
        /// What the last poll got.
        last: String,
        /// Its last log lines.
        logs: String,
    },
}

/// A running service; dropping it stops its whole process group.
#[derive(Debug)]
pub struct Service {
    child: Child,
    program: String,
    logs: Arc<Mutex<Logs>>,
    readers: Vec<JoinHandle<()>>,
    grace: Duration,
    stopped: bool,
}

/// The last [`LOG_BYTES`] of what the service wrote.
#[derive(Debug, Default)]
struct Logs {
    bytes: Vec<u8>,
    truncated: bool,
}

impl Service {
    /// Starts the service and waits until its readiness URL answers with a status below
    /// 500. On any failure the service is stopped before this returns.
    ///
    /// # Errors
    ///
    /// [`ServiceError`]: the command is empty or not found, cannot start, exits before it is
    /// ready, or is not ready in time.
    pub fn start(spec: &ServiceSpec) -> Result<Service, ServiceError> {
        let mut service = Service::spawn(spec)?;
        service.await_ready(spec)?;
        Ok(service)
    }

    /// Starts the program without waiting for it.
    fn spawn(spec: &ServiceSpec) -> Result<Service, ServiceError> {
        let (program, arguments) = spec.argv.split_first().ok_or(ServiceError::Empty)?;
        let mut command = Command::new(program);
        command
            .args(arguments)
            .current_dir(&spec.workdir)
            .envs(spec.env.iter().map(|(key, value)| (key, value)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt as _;
            command.process_group(0);
        }
        let mut child = {
            let mut running = running();
            if running.stopping {
                return Err(ServiceError::Stopping);
            }
            let child = command.spawn().map_err(|source| {
                if source.kind() == std::io::ErrorKind::NotFound {
                    ServiceError::NotFound {
                        program: program.clone(),
                    }
                } else {
                    ServiceError::Spawn {
                        program: program.clone(),
                        source,
                    }
                }
            })?;
            running.groups.push(child.id());
            child
        };
        let logs = Arc::new(Mutex::new(Logs::default()));
        let mut readers = Vec::new();
        if let Some(stream) = child.stdout.take() {
            readers.push(keep_logs(stream, Arc::clone(&logs)));
        }
        if let Some(stream) = child.stderr.take() {
            readers.push(keep_logs(stream, Arc::clone(&logs)));
        }
        Ok(Service {
            child,
            program: program.clone(),
            logs,
            readers,
            grace: spec.grace,
            stopped: false,
        })
    }

    /// Polls the readiness URL until it answers below 500, the service exits or the
    /// timeout passes.
    fn await_ready(&mut self, spec: &ServiceSpec) -> Result<(), ServiceError> {
        let deadline = Instant::now() + spec.ready_timeout;
        let mut last = "no answer yet".to_owned();
        let mut pause = Duration::from_millis(20);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                let exit = describe(exit_of(status));
                // The pipes close when the group is gone; the logs are then complete.
                self.stop();
                return Err(ServiceError::ExitedEarly {
                    program: self.program.clone(),
                    exit,
                    ready: spec.ready.clone(),
                    logs: self.last_lines(ERROR_LOG_LINES),
                });
            }
            let now = Instant::now();
            if now >= deadline {
                self.stop();
                return Err(ServiceError::NotReady {
                    program: self.program.clone(),
                    seconds: spec.ready_timeout.as_secs(),
                    ready: spec.ready.clone(),
                    last,
                    logs: self.last_lines(ERROR_LOG_LINES),
                });
            }
            let wait = (deadline - now).clamp(Duration::from_millis(100), Duration::from_secs(2));
            match agate_http::agent_without_redirects(wait)
                .get(&spec.ready)
                .call()
            {
                Ok(response) if response.status().as_u16() < 500 => return Ok(()),
                Ok(response) => last = format!("status {}", response.status().as_u16()),
                Err(error) => last = error.to_string(),
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(250));
        }
    }

    /// The program's process id (also its process group's).
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// What the service wrote so far (standard output and error, interleaved as read), at
    /// most the last [`LOG_BYTES`], starting at a line boundary when some were dropped.
    pub fn logs(&self) -> String {
        let logs = self.logs.lock().unwrap_or_else(PoisonError::into_inner);
        let mut bytes = &logs.bytes[..];
        if logs.truncated
            && let Some(newline) = bytes.iter().position(|&byte| byte == b'\n')
        {
            bytes = &bytes[newline + 1..];
        }
        String::from_utf8_lossy(bytes).trim_end().to_owned()
    }

    /// Whether more was written than [`Service::logs`] keeps.
    pub fn logs_truncated(&self) -> bool {
        self.logs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .truncated
    }

    /// The last `count` lines of the logs, for an error message.
    fn last_lines(&self, count: usize) -> String {
        let logs = self.logs();
        if logs.is_empty() {
            return "(it wrote nothing)".to_owned();
        }
        let lines: Vec<&str> = logs.lines().collect();
        lines[lines.len().saturating_sub(count)..].join("\n")
    }

    /// Stops the service and its group and returns its logs.
    pub fn stop_and_collect(mut self) -> String {
        self.stop();
        self.logs()
    }

    /// TERM to the whole group; KILL after the grace to whatever is left of it; the
    /// program reaped and the log readers finished.
    fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let group = self.child.id();
        #[cfg(unix)]
        {
            terminate_group(&mut self.child, group, self.grace);
        }
        kill_group_id(group);
        #[cfg(not(unix))]
        {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        running().groups.retain(|&running| running != group);
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Sends TERM to the group and waits up to `grace` for the program to exit and the group
/// to empty.
#[cfg(unix)]
fn terminate_group(child: &mut Child, group: u32, grace: Duration) {
    use nix::sys::signal::{Signal, killpg};
    use nix::unistd::Pid;
    let Ok(id) = i32::try_from(group) else {
        return;
    };
    let group = Pid::from_raw(id);
    if killpg(group, Signal::SIGTERM).is_err() {
        return;
    }
    let deadline = Instant::now() + grace;
    let mut reaped = false;
    while Instant::now() < deadline {
        reaped = reaped || matches!(child.try_wait(), Ok(Some(_)));
        // Signal 0 only asks whether anyone of the group is left.
        if reaped && killpg(group, None).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How a service ended, for a message.
fn describe(exit: Exit) -> String {
    match exit {
        Exit::Code(code) => format!("exit code {code}"),
        Exit::Signal(signal) => format!("killed by signal {signal}"),
        Exit::TimedOut => "timed out".to_owned(),
    }
}

/// Reads a stream to its end on its own thread into the shared logs, keeping the last
/// [`LOG_BYTES`].
fn keep_logs(mut stream: impl Read + Send + 'static, logs: Arc<Mutex<Logs>>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut chunk = vec![0_u8; 16 * 1024];
        loop {
            let read = match stream.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(read) => read,
            };
            let mut logs = logs.lock().unwrap_or_else(PoisonError::into_inner);
            logs.bytes.extend_from_slice(&chunk[..read]);
            if logs.bytes.len() > LOG_BYTES {
                let excess = logs.bytes.len() - LOG_BYTES;
                logs.bytes.drain(..excess);
                logs.truncated = true;
            }
        }
    })
}

#[cfg(test)]
#[cfg(target_os = "linux")]
mod tests {
    use std::io::{BufRead as _, BufReader, Write as _};
    use std::net::TcpListener;

    use super::*;

    fn spec(script: &str, ready: String, timeout: Duration) -> ServiceSpec {
        ServiceSpec {
            argv: ["sh", "-c", script].map(str::to_owned).to_vec(),
            env: Vec::new(),
            workdir: PathBuf::from("."),
            ready,
            ready_timeout: timeout,
            grace: Duration::from_millis(300),
        }
    }

    /// A URL nothing listens on.
    fn closed_url() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", listener.local_addr().unwrap())
    }

    /// Whether any process of `group` is left running (a zombie no one reaped yet, as an
    /// orphan in a container whose first process does not reap, counts as gone).
    fn group_alive(group: u32) -> bool {
        std::fs::read_dir("/proc").unwrap().flatten().any(|entry| {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                return false;
            };
            let Some((_, fields)) = stat.rsplit_once(") ") else {
                return false;
            };
            let fields: Vec<&str> = fields.split(' ').collect();
            fields[0] != "Z" && fields[2] == group.to_string()
        })
    }

    /// Whether the group is gone, given a moment for the kernel to deliver a KILL.
    fn group_gone(group: u32) -> bool {
        (0..500).any(|_| {
            let gone = !group_alive(group);
            if !gone {
                std::thread::sleep(Duration::from_millis(10));
            }
            gone
        })
    }

    /// Answers one request with 204, once `after` exists when given.
    fn ready_server(after: Option<PathBuf>) -> (String, std::thread::JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/health", listener.local_addr().unwrap());
        let server = std::thread::spawn(move || {
            while after.as_ref().is_some_and(|file| !file.exists()) {
                std::thread::sleep(Duration::from_millis(10));
            }
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap() > 2 {
                line.clear();
            }
            let mut stream = stream;
            write!(
                stream,
                "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n"
            )
            .unwrap();
        });
        (url, server)
    }

    #[test]
    fn a_ready_service_runs_until_dropped_and_its_group_goes_with_it() {
        let (url, server) = ready_server(None);
        let service = Service::start(&spec(
            "echo started; sleep 30 & sleep 30",
            url,
            Duration::from_secs(30),
        ))
        .unwrap();
        server.join().unwrap();
        let group = service.id();
        assert!(group_alive(group));
        let logs = service.stop_and_collect();
        assert_eq!(logs, "started");
        assert!(group_gone(group), "the background sleep survived");
    }

    #[test]
    fn a_child_that_ignores_term_is_killed() {
        let (url, server) = ready_server(None);
        let service = Service::start(&spec(
            "trap '' TERM; echo stubborn; while true; do sleep 1; done",
            url,
            Duration::from_secs(30),
        ))
        .unwrap();
        server.join().unwrap();
        let group = service.id();
        drop(service);
        assert!(group_gone(group));
    }

    #[test]
    fn a_service_that_never_becomes_ready_is_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let mut spec = spec(
            "echo $$ > pid; echo listening nowhere; sleep 30",
            closed_url(),
            Duration::from_millis(400),
        );
        spec.workdir = dir.path().to_path_buf();
        let error = Service::start(&spec).unwrap_err();
        let ServiceError::NotReady { logs, .. } = &error else {
            panic!("{error}");
        };
        assert_eq!(logs, "listening nowhere");
        let message = error.to_string();
        assert!(message.contains("was not ready after 0 s"), "{message}");
        assert!(message.contains("raise the readiness timeout"), "{message}");
        let pid = std::fs::read_to_string(dir.path().join("pid")).unwrap();
        assert!(group_gone(pid.trim().parse().unwrap()));
    }

    #[test]
    fn a_service_that_exits_early_says_so_with_its_last_lines() {
        let error = Service::start(&spec(
            // One stream: two are read by two threads, in no fixed order.
            "exec 1>&2; i=0; while [ $i -lt 50 ]; do echo line $i; i=$((i+1)); done; echo port taken; exit 4",
            closed_url(),
            Duration::from_secs(30),
        ))
        .unwrap_err();
        let message = error.to_string();
        assert!(message.contains("exited (exit code 4)"), "{message}");
        assert!(message.ends_with("line 49\nport taken"), "{message}");
        assert!(
            !message.contains("line 29\n"),
            "only the last lines: {message}"
        );
    }

    #[test]
    fn a_missing_program_says_what_to_install() {
        let mut spec = spec("", closed_url(), Duration::from_secs(1));
        spec.argv = vec!["agate-no-such-server".to_owned()];
        let error = Service::start(&spec).unwrap_err();
        assert!(matches!(error, ServiceError::NotFound { .. }), "{error}");
        assert!(
            error
                .to_string()
                .contains("`agate-no-such-server` not found")
        );
    }

    #[test]
    fn logs_are_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let (url, server) = ready_server(Some(dir.path().join("written")));
        let mut spec = spec(
            "i=0; while [ $i -lt 20000 ]; do echo log line $i; i=$((i+1)); done; touch written; sleep 30",
            url,
            Duration::from_secs(60),
        );
        spec.workdir = dir.path().to_path_buf();
        let service = Service::start(&spec).unwrap();
        server.join().unwrap();
        assert!(service.logs_truncated());
        // Stopping waits for the log readers: the logs are then complete.
        let truncated_logs = service.stop_and_collect();
        assert!(truncated_logs.len() <= LOG_BYTES);
        assert!(truncated_logs.starts_with("log line "), "a line boundary");
        assert!(truncated_logs.ends_with("log line 19999"));
    }
}
