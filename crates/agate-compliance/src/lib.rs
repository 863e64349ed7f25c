//! Compliance packs as data, and the control matrix of a run.
//!
//! A pack (`packs/*.yaml`, embedded; a team adds its own through `compliance.packs`) lists
//! a framework's controls as the standard numbers them, and for each what is evidence: rule
//! ids or globs, CWE ids, OWASP categories, analyzers whose having run is evidence, gates
//! whose having run and passed is. A rule whose own `compliance:` metadata names `TAG ID`
//! maps to that control too. [`evaluate`] judges each control against what one run did —
//! the rules active in it, the analyzers that ran, the gates' results and the decided
//! findings — and never calls a control `pass` without evidence.
//!
//! The crate does no I/O: the caller reads a team's pack (bounded, under the root) and hands
//! its text to [`Pack::parse`].
//!
//! ```
//! use agate_compliance::Packs;
//!
//! let packs = Packs::bundled()?;
//! let pci = packs.get("pci-dss-4").expect("bundled");
//! assert!(pci.control("6.2.4").is_some());
//! # Ok::<(), agate_compliance::PackError>(())
//! ```
#![warn(missing_docs)]

mod evaluate;
mod pack;

use agate_model::{ComplianceMatrix, ControlStatus};

pub use evaluate::{CatalogueRule, MAX_LISTED_FINDINGS, Run, evaluate};
pub use pack::{Control, ControlEvidence, MAX_PACK_BYTES, Pack, PackError, Packs};

/// The controls a requirement is not met by: those that fail or are not covered, and those
/// in error, each as a line for a gate's reasons.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unmet {
    /// Required controls that fail or are not covered.
    pub failing: Vec<String>,
    /// Required controls in error.
    pub erroring: Vec<String>,
}

/// Which of the `required` controls of `matrix` (every control when `None`) are not met.
pub fn unmet(matrix: &ComplianceMatrix, required: Option<&[String]>) -> Unmet {
    let mut unmet = Unmet::default();
    for control in &matrix.controls {
        if required.is_some_and(|ids| !ids.contains(&control.id)) {
            continue;
        }
        let name = format!("control `{}` of `{}`", control.id, matrix.framework);
        match control.status {
            ControlStatus::Pass => {}
            ControlStatus::Fail => {
                let open = control
                    .evidence
                    .iter()
                    .filter(|evidence| {
                        matches!(evidence, agate_model::Evidence::Finding(finding) if finding.status.is_open())
                    })
                    .count();
                unmet.failing.push(if open == 0 {
                    format!("{name} fails: a gate it names failed")
                } else {
                    format!(
                        "{name} fails: {open} open finding{}",
                        if open == 1 { "" } else { "s" }
                    )
                });
            }
            ControlStatus::NotCovered => unmet.failing.push(format!(
                "{name} is not covered: no rule, analyzer or gate of this run is evidence for it"
            )),
            ControlStatus::Error => {
                let why = control
                    .evidence
                    .iter()
                    .find_map(|evidence| match evidence {
                        agate_model::Evidence::Missing { reason } => {
                            Some(reason.lines().next().unwrap_or_default().to_owned())
                        }
                        _ => None,
                    })
                    .unwrap_or_default();
                unmet.erroring.push(format!("{name} is in error: {why}"));
            }
        }
    }
    unmet
}

#[cfg(test)]
mod tests;
