//! Which files belong to the change under review.

use std::fmt;
use std::sync::Arc;

/// Which files belong to the change under review: what an analyzer must scan whatever they
/// look like, and whose problems are the change's.
///
/// A file lies outside the change only when the caller has positive evidence that it is
/// settled — typically, its content is exactly what it was at the merge base with the base
/// revision and no `ai_paths` glob names it. Without such evidence (no git repository, no
/// base, an unreadable file) it is part of the change. [`ChangeScope::default`] knows
/// nothing, so every file is part of the change: the safe default.
#[derive(Clone, Default)]
pub struct ChangeScope {
    settled: Option<Arc<Settled>>,
}

/// Answers whether a file (relative to the scan root) is known to lie outside the change.
type Settled = dyn Fn(&str) -> bool + Send + Sync;

impl ChangeScope {
    /// A scope in which the files for which `settled` (given the path relative to the scan
    /// root, `/`-separated) answers true lie outside the change.
    pub fn outside(settled: impl Fn(&str) -> bool + Send + Sync + 'static) -> ChangeScope {
        ChangeScope {
            settled: Some(Arc::new(settled)),
        }
    }

    /// Whether `relative` (relative to the scan root) is part of the change.
    pub fn contains(&self, relative: &str) -> bool {
        self.settled
            .as_ref()
            .is_none_or(|settled| !settled(relative))
    }
}

impl fmt::Debug for ChangeScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.settled.is_none() {
            "ChangeScope(everything)"
        } else {
            "ChangeScope(since the base)"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_evidence_every_file_is_part_of_the_change() {
        assert!(ChangeScope::default().contains("vendor/app.min.js"));
        let scope = ChangeScope::outside(|path| path.starts_with("static/"));
        assert!(!scope.contains("static/app.min.js"));
        assert!(scope.contains("src/app.js"));
    }
}
