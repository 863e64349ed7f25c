//! Work on threads that never vanishes: a thread that panics is reported, never dropped.

use std::any::Any;

/// Runs every job on its own scoped thread and returns each one's result in order; a job
/// that panicked becomes `Err` with its panic message, so the caller can fail closed.
pub(crate) fn run_all<T: Send>(jobs: Vec<impl FnOnce() -> T + Send>) -> Vec<Result<T, String>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs.into_iter().map(|job| scope.spawn(job)).collect();
        handles
            .into_iter()
            .map(|handle| handle.join().map_err(|panic| panic_message(&*panic)))
            .collect()
    })
}

/// The message a panic carried (`panic!("…")` carries a `&str` or a `String`).
fn panic_message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|message| (*message).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_8_a_panicking_job_is_an_error_not_a_missing_result() {
        let jobs: Vec<Box<dyn FnOnce() -> u32 + Send>> = vec![
            Box::new(|| 1),
            Box::new(|| panic!("worker exploded")),
            Box::new(|| 3),
        ];
        let results = run_all(jobs);
        assert_eq!(results.len(), 3);
        assert_eq!(results[0], Ok(1));
        assert_eq!(results[1], Err("worker exploded".to_owned()));
        assert_eq!(results[2], Ok(3));
    }
}
