//! agate's child processes, run the one way agate runs anything: argv only (never a
//! shell), each in its own process group, so the group (the command and whatever it
//! started) is what a deadline, a failure, a drop or an interrupt kills.
//!
//! Two shapes:
//! - [`execute`]: a command run to its end under a deadline, its output captured bounded
//!   (an external check, a test runner);
//! - [`Service`]: a long-running server started, awaited on a readiness URL, its logs kept
//!   bounded, and stopped with its whole group (TERM, then KILL after a grace) when dropped
//!   — API contract testing and the performance gate use it.
//!
//! [`interrupt`] kills every group still running, for a signal handler.
#![warn(missing_docs)]

mod run;
mod service;

pub use run::{
    Captured, Exit, Finished, MAX_REPORT_BYTES, Scratch, TAIL_BYTES, execute, interrupt,
};
pub use service::{LOG_BYTES, Service, ServiceError, ServiceSpec};
