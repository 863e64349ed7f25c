//! What identifies a gate run to the people and servers its report reaches: the
//! repository, the commit, the CI run, when it started, the policy's layers, and how much of
//! the change is AI-authored.

use std::time::SystemTime;

use agate_model::{LineShare, RunInfo};
use agate_policy::{Date, Policy, TierMap};

use crate::Request;

/// The run's identity; `started` is when the pipeline began.
pub(crate) fn info(
    request: &Request,
    policy: &Policy,
    commit: Option<String>,
    tiers: &TierMap,
    started: SystemTime,
) -> RunInfo {
    let seconds = Date::unix_seconds(started);
    let repository = request.ci.repository.clone().unwrap_or_else(|| {
        request
            .root
            .canonicalize()
            .ok()
            .and_then(|root| {
                root.file_name()
                    .map(|name| name.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| "unnamed".to_owned())
    });
    // Outside CI, each run is its own: the start time to the nanosecond names it.
    let run_id = request.ci.run_id.clone().unwrap_or_else(|| {
        let nanos = started
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos());
        format!("local-{seconds}.{nanos:09}")
    });
    RunInfo {
        repository,
        commit,
        run_id,
        started_at: Date::rfc3339(seconds),
        policy_digest: policy.digest().map(str::to_owned),
        policy_layers: policy.layers().to_vec(),
        lines: tiers
            .change_size()
            .map(|(changed, ai)| LineShare { changed, ai }),
    }
}
