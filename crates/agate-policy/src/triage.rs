//! Triage: what people decided about single findings, keyed by fingerprint.
//!
//! Stored as `.agate/triage.yaml`, one block per decision sorted by path, rule and
//! fingerprint, so a pull request that adds a decision shows one small block. The file is
//! written by [`Triage::to_yaml`] (every free-text value double-quoted, so no reason can be
//! read back as something else) and atomically, like the baseline. Decisions follow the
//! finding's fingerprint, which survives line moves; one whose `until` has passed no longer
//! holds, and one on a finding of a tier listed in `triage.require_approval` holds only
//! when every line of its entry was committed by an approver (`triage.approvers`) and one
//! of those commits has the entry as it is (a line deleted since leaves no trace in a
//! blame): the caller blames the file and hands each line's author and commit, and the
//! file as each approver's commit has it, to [`Triage::set_line_authors`].

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use agate_model::{Finding, Notice, NoticeLevel, Tier, TriageDecision};
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::error::{Place, PolicyError, from_yaml};
use crate::{Date, Policy};

/// Where the decisions live, relative to the scan root.
pub const TRIAGE_FILE: &str = ".agate/triage.yaml";

/// The triage file's format version.
const TRIAGE_VERSION: u32 = 1;

/// The largest triage file read: an entry is about 400 bytes, so 8 MiB holds twenty
/// thousand decisions, far more than any team makes, while a device or a runaway file
/// cannot exhaust memory.
pub const MAX_TRIAGE_BYTES: u64 = 8 * 1024 * 1024;

/// The longest fingerprint accepted: agate's are 32 hex digits; 64 leaves room for a
/// longer hash without letting a line of noise in.
const MAX_FINGERPRINT_CHARS: usize = 64;

/// The first line of every file written, saying where it comes from.
const HEADER: &str =
    "# agate triage decisions — written by `agate triage mark`; review changes in pull requests.\n";

/// Every decision recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Triage {
    /// Always 1.
    pub version: u32,
    /// Decisions, sorted by path, rule and fingerprint; one per fingerprint.
    pub decisions: Vec<Decision>,
    /// The commit that introduced each line of the file (index 0 is line 1; `None`: not
    /// committed), when the caller blamed it.
    line_authors: Option<Vec<Option<LineCommit>>>,
    /// `(commit, fingerprint)` of each decision an approver's commit has exactly as the
    /// file has it now.
    committed: BTreeSet<(String, String)>,
}

/// The commit that introduced a line of the triage file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineCommit {
    /// Its author's email.
    pub email: String,
    /// The commit's id.
    pub commit: String,
}

/// One decision about one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The finding's fingerprint, as in the JSON report.
    pub fingerprint: String,
    /// The finding's rule (for people; matching uses the fingerprint, and a decision
    /// counts only for a finding of this rule).
    pub rule: String,
    /// The finding's path (for people; a decision counts only for a finding in it).
    pub path: String,
    /// What was decided.
    pub decision: TriageDecision,
    /// Why.
    pub reason: String,
    /// Who marked it, `Name <email>`.
    pub by: String,
    /// When.
    pub on: Date,
    /// The last day it holds, if it expires.
    pub until: Option<Date>,
    /// Who answers for it (a team or a person).
    pub owner: Option<String>,
    /// The finding's tier when it was marked (for review).
    pub tier: Option<Tier>,
    /// The external tool that reported the finding.
    pub tool: Option<String>,
    /// The lines of the file the entry was read from (first, last); `None` for a decision
    /// made in memory.
    pub lines: Option<(u32, u32)>,
}

impl Decision {
    /// Whether the entry names the finding of `rule` at `path`, as `agate triage mark`
    /// writes it. A fingerprint hashes both, so an entry naming another rule or file is
    /// one edited to show reviewers something other than what it silences. A rule or path
    /// that held a secret is written redacted: what is shown of it must match.
    pub fn describes(&self, rule: &str, path: &str) -> bool {
        shows(&self.rule, rule) && shows(&self.path, path)
    }

    /// Whether `other` decides the same, wherever in its file it is.
    fn same_as(&self, other: &Decision) -> bool {
        Decision {
            lines: None,
            ..self.clone()
        } == Decision {
            lines: None,
            ..other.clone()
        }
    }
}

/// Whether a decision holds for a finding in this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// It holds: the finding is triaged.
    Holds,
    /// Its `until` day has passed.
    Expired(Date),
    /// Its tier needs an approver's commit and the entry has none; the value says what
    /// was found instead (`not committed`, `committed by …`).
    AwaitingApproval(String),
}

/// The file as written; every field checked again after reading.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TriageOptions {
    version: Spanned<u32>,
    #[serde(default)]
    decisions: Option<Vec<Spanned<DecisionOptions>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionOptions {
    fingerprint: Spanned<String>,
    rule: String,
    path: String,
    decision: TriageDecision,
    reason: Spanned<String>,
    by: String,
    on: Spanned<String>,
    until: Option<Spanned<String>>,
    owner: Option<String>,
    tier: Option<Tier>,
    tool: Option<String>,
}

/// Whether `text` is a fingerprint as agate writes them: 1 to 64 lowercase hex digits.
pub fn is_fingerprint(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_FINGERPRINT_CHARS
        && text
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
}

impl Triage {
    /// Reads the decisions; a missing file holds none, a bad one is an error naming
    /// `file:line`.
    pub fn load(path: &Path) -> Result<Triage, PolicyError> {
        let text = match agate_fs::read_to_string_bounded(path, MAX_TRIAGE_BYTES) {
            Ok(text) => text,
            Err(error) if error.is_not_found() => return Ok(Triage::empty()),
            Err(error) => return Err(error.into()),
        };
        Triage::parse(&path.display().to_string(), &text)
    }

    /// Reads the decisions of the scan root `root` (its [`TRIAGE_FILE`]); a file, or a
    /// folder on the way, that is a link resolving outside the root is an error, like a
    /// compliance pack: the decisions are the repository's own.
    pub fn load_in(root: &Path) -> Result<Triage, PolicyError> {
        match agate_fs::resolve_under(root, Path::new(TRIAGE_FILE)) {
            Ok(_) => Triage::load(&root.join(TRIAGE_FILE)),
            // No file yet: the folder it would be written to must be the root's too.
            Err(error) if error.is_not_found() => {
                let folder = Path::new(TRIAGE_FILE).parent().unwrap_or(Path::new(""));
                match agate_fs::resolve_under(root, folder) {
                    Ok(_) => Ok(Triage::empty()),
                    Err(error) if error.is_not_found() => Ok(Triage::empty()),
                    Err(error) => Err(error.into()),
                }
            }
            Err(error) => Err(error.into()),
        }
    }

    /// No decisions.
    pub fn empty() -> Triage {
        Triage {
            version: TRIAGE_VERSION,
            ..Triage::default()
        }
    }

    /// Parses the text of a triage file shown as `file` in messages.
    pub fn parse(file: &str, text: &str) -> Result<Triage, PolicyError> {
        if text.trim().is_empty() {
            return Ok(Triage::empty());
        }
        let options: TriageOptions =
            serde_saphyr::from_str(text).map_err(|error| from_yaml(file, text, &error))?;
        let invalid =
            |location: &serde_saphyr::Location, message: String, help: &str| PolicyError::Invalid {
                at: Place::at(file, location),
                message,
                help: help.to_owned(),
            };
        if options.version.value != TRIAGE_VERSION {
            return Err(invalid(
                &options.version.referenced,
                format!("unsupported `version: {}`", options.version.value),
                "this agate reads `version: 1`",
            ));
        }
        let entries = options.decisions.unwrap_or_default();
        let starts: Vec<u32> = entries
            .iter()
            .map(|entry| line_of(&entry.referenced))
            .collect();
        // Split once: an entry's last line is looked up in it for every entry.
        let lines: Vec<&str> = text.lines().collect();
        let mut seen = BTreeSet::new();
        let mut decisions = Vec::with_capacity(entries.len());
        for (index, entry) in entries.into_iter().enumerate() {
            let value = entry.value;
            let fingerprint = value.fingerprint.value;
            if !is_fingerprint(&fingerprint) {
                return Err(invalid(
                    &value.fingerprint.referenced,
                    format!(
                        "`{}` is not a fingerprint",
                        fingerprint.chars().take(80).collect::<String>()
                    ),
                    "a fingerprint is the finding's `fingerprint` in the JSON report: up to 64 lowercase hex digits",
                ));
            }
            if !seen.insert(fingerprint.clone()) {
                return Err(invalid(
                    &value.fingerprint.referenced,
                    format!("a second decision for `{fingerprint}`"),
                    "a finding has one decision: delete one of the two entries",
                ));
            }
            if value.reason.value.trim().is_empty() {
                return Err(invalid(
                    &value.reason.referenced,
                    "the reason is empty".to_owned(),
                    "say why the finding needs no fix, e.g. `reason: \"input is a fixed allowlist\"`",
                ));
            }
            let date = |spanned: &Spanned<String>| {
                spanned.value.parse::<Date>().map_err(|message| {
                    invalid(&spanned.referenced, message, "dates are written YYYY-MM-DD")
                })
            };
            let on = date(&value.on)?;
            let until = value.until.as_ref().map(date).transpose()?;
            let first = starts[index];
            let last = match starts.get(index + 1) {
                Some(next) => next.saturating_sub(1),
                None => u32::try_from(lines.len()).unwrap_or(u32::MAX),
            };
            decisions.push(Decision {
                fingerprint,
                rule: value.rule,
                path: value.path,
                decision: value.decision,
                reason: value.reason.value,
                by: value.by,
                on,
                until,
                owner: value.owner,
                tier: value.tier,
                tool: value.tool,
                lines: Some((first, last_content_line(&lines, first, last))),
            });
        }
        Ok(Triage {
            version: TRIAGE_VERSION,
            decisions,
            line_authors: None,
            committed: BTreeSet::new(),
        })
    }

    /// Returns an index of the decisions by fingerprint.
    pub fn by_fingerprint(&self) -> HashMap<&str, &Decision> {
        self.decisions
            .iter()
            .map(|decision| (decision.fingerprint.as_str(), decision))
            .collect()
    }

    /// Records `decision`, replacing an earlier one for the same fingerprint, which is
    /// returned.
    pub fn mark(&mut self, decision: Decision) -> Option<Decision> {
        self.version = TRIAGE_VERSION;
        let earlier = self
            .decisions
            .iter()
            .position(|known| known.fingerprint == decision.fingerprint)
            .map(|index| self.decisions.remove(index));
        self.decisions.push(decision);
        self.decisions.sort_by(|a, b| {
            (&a.path, &a.rule, &a.fingerprint).cmp(&(&b.path, &b.rule, &b.fingerprint))
        });
        earlier
    }

    /// Records which commit introduced each line of the file (index 0 is line 1; `None`:
    /// the line is not committed), and the file as approvers' commits have it (`committed`:
    /// commit id and that version, read one at a time; only which decisions each has as
    /// they are now is kept), for approvals.
    pub fn set_line_authors(
        &mut self,
        authors: Vec<Option<LineCommit>>,
        committed: impl IntoIterator<Item = (String, Triage)>,
    ) {
        let current = self.by_fingerprint();
        let mut unchanged = BTreeSet::new();
        for (commit, version) in committed {
            for old in version.decisions {
                if current
                    .get(old.fingerprint.as_str())
                    .is_some_and(|now| old.same_as(now))
                {
                    unchanged.insert((commit.clone(), old.fingerprint));
                }
            }
        }
        self.line_authors = Some(authors);
        self.committed = unchanged;
    }

    /// Whether a decision holds for a finding of `tier` under `policy` on `today`.
    pub fn standing(
        &self,
        policy: &Policy,
        decision: &Decision,
        tier: Option<Tier>,
        today: Date,
    ) -> Standing {
        if let Some(until) = decision.until
            && until < today
        {
            return Standing::Expired(until);
        }
        if !tier.is_some_and(|tier| policy.triage_needs_approval(tier)) {
            return Standing::Holds;
        }
        let Some((first, last)) = decision.lines else {
            return Standing::AwaitingApproval("not committed".to_owned());
        };
        let authors = self.line_authors.as_deref().unwrap_or_default();
        let mut others = BTreeSet::new();
        let mut commits = BTreeSet::new();
        for line in first..=last {
            let index = usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX);
            match authors.get(index) {
                Some(Some(author)) if policy.approves_triage(&author.email) => {
                    commits.insert(author.commit.as_str());
                }
                Some(Some(author)) => {
                    others.insert(author.email.clone());
                }
                _ => return Standing::AwaitingApproval("not committed".to_owned()),
            }
        }
        if others.is_empty() {
            // Blame shows who wrote each line left, not which lines were deleted: an
            // approver's commit must have the entry exactly as it is.
            let as_committed = commits.iter().any(|commit| {
                self.committed
                    .contains(&((*commit).to_owned(), decision.fingerprint.clone()))
            });
            if as_committed {
                Standing::Holds
            } else {
                Standing::AwaitingApproval(
                    "changed since an approver committed it: no approver's commit has the entry as it is; a line was removed".to_owned(),
                )
            }
        } else {
            Standing::AwaitingApproval(format!(
                "committed by {}",
                others
                    .iter()
                    .map(|email| format!("`{email}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    }

    /// A warning for each finding whose decision does not hold: naming another rule or
    /// file than the finding's, expired, or awaiting an approver's commit. The findings
    /// are those [`crate::apply`] decided.
    pub fn notices(&self, policy: &Policy, findings: &[Finding], today: Date) -> Vec<Notice> {
        let decisions = self.by_fingerprint();
        let mut notices = Vec::new();
        let mut seen = BTreeSet::new();
        for finding in findings {
            let Some(decision) = decisions.get(finding.fingerprint.as_str()) else {
                continue;
            };
            if !seen.insert(finding.fingerprint.as_str()) {
                continue;
            }
            let what = format!(
                "the triage decision for `{}` (`{}`, `{}`)",
                decision.fingerprint, finding.rule_id, finding.location.path
            );
            if !decision.describes(&finding.rule_id, &finding.location.path) {
                notices.push(Notice {
                    level: NoticeLevel::Warning,
                    path: None,
                    message: format!(
                        "the triage decision for `{}` names `{}` in `{}`, but the finding of that fingerprint is `{}` in `{}`: it does not count; mark the finding again with `agate triage mark`",
                        decision.fingerprint,
                        decision.rule,
                        decision.path,
                        finding.rule_id,
                        finding.location.path
                    ),
                });
                continue;
            }
            let message = match self.standing(policy, decision, finding.tier, today) {
                Standing::Holds => continue,
                Standing::Expired(until) => format!(
                    "{what} expired on {until}: the finding is open again; fix it, or renew the decision with `agate triage mark`"
                ),
                Standing::AwaitingApproval(found) => format!(
                    "{what} awaits approval ({found}): a decision on a finding of the `{}` tier counts once an approver ({}) commits its lines of `{TRIAGE_FILE}`",
                    finding.tier.map_or("?", Tier::as_str),
                    policy
                        .triage_approvers()
                        .iter()
                        .map(|pattern| format!("`{pattern}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            notices.push(Notice {
                level: NoticeLevel::Warning,
                path: None,
                message,
            });
        }
        notices
    }

    /// The file's text: a comment saying what it is, `version: 1`, and one block per
    /// decision in a fixed key order, free text double-quoted.
    pub fn to_yaml(&self) -> String {
        let mut out = String::from(HEADER);
        out.push_str("version: 1\n");
        if self.decisions.is_empty() {
            out.push_str("decisions: []\n");
            return out;
        }
        out.push_str("decisions:\n");
        for decision in &self.decisions {
            let _ = writeln!(out, "  - fingerprint: {}", quote(&decision.fingerprint));
            let _ = writeln!(out, "    rule: {}", quote(&decision.rule));
            let _ = writeln!(out, "    path: {}", quote(&decision.path));
            let _ = writeln!(out, "    decision: {}", decision.decision);
            let _ = writeln!(out, "    reason: {}", quote(&decision.reason));
            let _ = writeln!(out, "    by: {}", quote(&decision.by));
            let _ = writeln!(out, "    on: {}", decision.on);
            if let Some(until) = decision.until {
                let _ = writeln!(out, "    until: {until}");
            }
            if let Some(owner) = &decision.owner {
                let _ = writeln!(out, "    owner: {}", quote(owner));
            }
            if let Some(tier) = decision.tier {
                let _ = writeln!(out, "    tier: {tier}");
            }
            if let Some(tool) = &decision.tool {
                let _ = writeln!(out, "    tool: {}", quote(tool));
            }
        }
        out
    }

    /// Writes the file atomically (see [`agate_fs::write_atomic`]): readers see the old
    /// file or the new one, never half.
    pub fn save(&self, path: &Path) -> Result<(), PolicyError> {
        if let Some(folder) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            fs_err::create_dir_all(folder).map_err(|source| PolicyError::Write {
                path: path.to_path_buf(),
                source,
            })?;
        }
        let text = self.to_yaml();
        agate_fs::write_atomic(path, |out| out.write_all(text.as_bytes()))?;
        Ok(())
    }
}

/// Whether `written` is `text`, or `text` with secrets redacted
/// (`ghp_…(40 chars, sha256:8d48c901)`): the same before the first redaction and after
/// the last.
fn shows(written: &str, text: &str) -> bool {
    if written == text {
        return true;
    }
    let (Some((head, _)), Some((_, tail))) = (written.split_once('…'), written.rsplit_once(')'))
    else {
        return false;
    };
    written.contains(" chars, sha256:")
        && text.len() > head.len() + tail.len()
        && text.starts_with(head)
        && text.ends_with(tail)
}

/// The 1-based line of a YAML location.
fn line_of(location: &serde_saphyr::Location) -> u32 {
    u32::try_from(location.line()).unwrap_or(u32::MAX)
}

/// The last line from `first` to `last` that is neither blank nor only a comment: an
/// entry's lines, without the blank lines and comments that separate it from the next.
fn last_content_line(lines: &[&str], first: u32, last: u32) -> u32 {
    (first..=last)
        .rev()
        .find(|&line| {
            let index = usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX);
            lines.get(index).is_some_and(|text| {
                let text = text.trim();
                !text.is_empty() && !text.starts_with('#')
            })
        })
        .unwrap_or(first)
}

/// `text` as a YAML double-quoted scalar: `"` and `\` escaped, and every character YAML
/// does not print as itself (controls, line and paragraph separators, surrogates, the
/// byte-order mark) written as an escape, so the value reads back exactly.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            ' '..='~' | '\u{a0}'..='\u{2027}' | '\u{202a}'..='\u{d7ff}' => out.push(character),
            '\u{e000}'..='\u{fefe}' | '\u{ff00}'..='\u{fffd}' | '\u{10000}'.. => {
                out.push(character);
            }
            other => {
                let code = u32::from(other);
                if code <= 0xffff {
                    let _ = write!(out, "\\u{code:04x}");
                } else {
                    let _ = write!(out, "\\U{code:08x}");
                }
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::{Layer, Overrides, resolve};

    fn decision(path: &str, rule: &str, fingerprint: &str) -> Decision {
        Decision {
            fingerprint: fingerprint.to_owned(),
            rule: rule.to_owned(),
            path: path.to_owned(),
            decision: TriageDecision::FalsePositive,
            reason: "fixed allowlist".to_owned(),
            by: "Ana <ana@bank.example>".to_owned(),
            on: "2026-12-07".parse().unwrap(),
            until: None,
            owner: None,
            tier: Some(Tier::New),
            tool: None,
            lines: None,
        }
    }

    fn policy(yaml: &str) -> Policy {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agate.yaml");
        std::fs::write(&path, yaml).unwrap();
        let layers: Vec<Layer> = crate::load(&path).unwrap();
        resolve(&layers, &Overrides::default()).unwrap()
    }

    fn error(text: &str) -> String {
        Triage::parse(".agate/triage.yaml", text)
            .unwrap_err()
            .to_string()
    }

    const ENTRY: &str = "version: 1\ndecisions:\n  - fingerprint: \"0a1b2c\"\n    rule: py.sql-injection\n    path: app/db.py\n    decision: false-positive\n    reason: \"table name comes from a fixed allowlist\"\n    by: \"Alice <alice@bank.example>\"\n    on: 2026-12-07\n";

    #[test]
    fn issue_12_the_documented_format_reads_with_bare_values() {
        let text = format!(
            "# a comment\n{ENTRY}    until: 2027-03-01\n    owner: payments-team\n    tier: ai\n    tool: semgrep\n"
        );
        let triage = Triage::parse("t.yaml", &text).unwrap();
        let read = &triage.decisions[0];
        assert_eq!(read.rule, "py.sql-injection");
        assert_eq!(read.decision, TriageDecision::FalsePositive);
        assert_eq!(read.until.unwrap().to_string(), "2027-03-01");
        assert_eq!(read.owner.as_deref(), Some("payments-team"));
        assert_eq!(read.tier, Some(Tier::Ai));
        assert_eq!(read.lines, Some((4, 14)));
    }

    #[test]
    fn issue_12_bad_files_are_refused_with_their_line() {
        let unknown = error(&format!("{ENTRY}    colour: red\n"));
        assert!(
            unknown.starts_with(".agate/triage.yaml:10:") && unknown.contains("`colour`"),
            "{unknown}"
        );
        let kind = error(&ENTRY.replace("false-positive", "looks-fine"));
        assert!(
            kind.starts_with(".agate/triage.yaml:6:") && kind.contains("`looks-fine`"),
            "{kind}"
        );
        assert!(kind.contains("false-positive"), "lists the kinds: {kind}");
        let date = error(&ENTRY.replace("2026-12-07", "2026-13-01"));
        assert!(
            date.starts_with(".agate/triage.yaml:9:") && date.contains("YYYY-MM-DD"),
            "{date}"
        );
        let fingerprint = error(&ENTRY.replace("0a1b2c", "../../etc"));
        assert!(
            fingerprint.starts_with(".agate/triage.yaml:3:")
                && fingerprint.contains("not a fingerprint"),
            "{fingerprint}"
        );
        let twice = format!(
            "{ENTRY}{}",
            ENTRY.trim_start_matches("version: 1\ndecisions:\n")
        );
        let twice = error(&twice);
        assert!(
            twice.starts_with(".agate/triage.yaml:10:") && twice.contains("second decision"),
            "{twice}"
        );
        let syntax = error("version: 1\ndecisions:\n  - fingerprint: \"ab\n");
        assert!(syntax.starts_with(".agate/triage.yaml:"), "{syntax}");
        let version = error("version: 2\n");
        assert!(version.starts_with(".agate/triage.yaml:1:"), "{version}");
        let empty = error(&ENTRY.replace("\"table name comes from a fixed allowlist\"", "\"\""));
        assert!(empty.contains("the reason is empty"), "{empty}");
    }

    #[test]
    fn issue_12_a_yaml_bomb_is_refused() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..12 {
            let previous = level - 1;
            let _ = writeln!(
                bomb,
                "a{level}: &a{level} [*a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}]"
            );
        }
        bomb.push_str("version: 1\n");
        let refused = error(&bomb);
        assert!(refused.starts_with(".agate/triage.yaml"), "{refused}");
    }

    #[test]
    fn issue_12_a_file_of_many_entries_is_read_in_one_pass() {
        // Each entry's lines were found by splitting the whole file again: sixteen
        // thousand entries took minutes.
        let mut text = String::from("version: 1\ndecisions:\n");
        for index in 0..16_000_u32 {
            let _ = write!(
                text,
                "  - fingerprint: \"{index:06x}\"\n    rule: r\n    path: p\n    decision: wont-fix\n    reason: x\n    by: b\n    on: 2026-12-07\n\n"
            );
        }
        let triage = Triage::parse("t.yaml", &text).unwrap();
        assert_eq!(triage.decisions.len(), 16_000);
        assert_eq!(triage.decisions[0].lines, Some((3, 9)));
        assert_eq!(
            triage.decisions[15_999].lines,
            Some((3 + 15_999 * 8, 9 + 15_999 * 8))
        );
    }

    #[test]
    fn issue_12_saved_in_order_one_entry_per_fingerprint_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".agate/triage.yaml");
        let mut triage = Triage::empty();
        assert!(triage.mark(decision("b.py", "py.x", "02")).is_none());
        assert!(triage.mark(decision("a.py", "py.y", "03")).is_none());
        assert!(triage.mark(decision("a.py", "py.x", "04")).is_none());
        let mut again = decision("b.py", "py.x", "02");
        again.decision = TriageDecision::WontFix;
        again.until = Some("2027-01-31".parse().unwrap());
        again.owner = Some("payments \"core\"\n\u{2028}team\u{1}".to_owned());
        again.tool = Some("semgrep".to_owned());
        assert!(triage.mark(again).is_some(), "marking again replaces");
        let order: Vec<&str> = triage
            .decisions
            .iter()
            .map(|decision| decision.fingerprint.as_str())
            .collect();
        assert_eq!(order, ["04", "03", "02"]);
        triage.save(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# agate triage decisions"), "{text}");
        assert!(
            text.contains("    owner: \"payments \\\"core\\\"\\n\\u2028team\\u0001\"\n"),
            "{text}"
        );
        let mut loaded = Triage::load(&path).unwrap();
        for decision in &mut loaded.decisions {
            assert!(decision.lines.is_some());
            decision.lines = None;
        }
        assert_eq!(loaded, triage);
        assert_eq!(loaded.to_yaml(), text, "writing is stable");
        assert_eq!(
            Triage::load(&dir.path().join("none.yaml")).unwrap(),
            Triage::empty()
        );
    }

    #[cfg(unix)]
    #[test]
    fn issue_12_a_triage_file_linked_out_of_the_root_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("triage.yaml"), ENTRY).unwrap();
        let root = tempfile::tempdir().unwrap();
        assert_eq!(Triage::load_in(root.path()).unwrap(), Triage::empty());
        std::fs::create_dir(root.path().join(".agate")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("triage.yaml"),
            root.path().join(TRIAGE_FILE),
        )
        .unwrap();
        let error = Triage::load_in(root.path()).unwrap_err().to_string();
        assert!(error.contains("outside the scan root"), "{error}");
        std::fs::remove_file(root.path().join(TRIAGE_FILE)).unwrap();
        std::fs::write(root.path().join(TRIAGE_FILE), ENTRY).unwrap();
        assert_eq!(Triage::load_in(root.path()).unwrap().decisions.len(), 1);
        // No file, but `.agate/` links out: `mark` would write outside the root.
        let linked = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), linked.path().join(".agate")).unwrap();
        std::fs::remove_file(outside.path().join("triage.yaml")).unwrap();
        let error = Triage::load_in(linked.path()).unwrap_err().to_string();
        assert!(error.contains("outside the scan root"), "{error}");
    }

    #[test]
    fn issue_12_an_expired_decision_does_not_hold() {
        let policy = policy("version: 1\n");
        let mut expiring = decision("a.py", "py.x", "01");
        expiring.until = Some("2026-12-06".parse().unwrap());
        let triage = Triage::empty();
        let today: Date = "2026-12-07".parse().unwrap();
        assert_eq!(
            triage.standing(&policy, &expiring, Some(Tier::New), today),
            Standing::Expired("2026-12-06".parse().unwrap())
        );
        expiring.until = Some(today);
        assert_eq!(
            triage.standing(&policy, &expiring, Some(Tier::New), today),
            Standing::Holds,
            "`until` is the last day it holds"
        );
    }

    #[test]
    fn issue_12_an_ai_decision_holds_once_an_approver_committed_every_line() {
        let policy = policy("triage:\n  approvers: ['*@sec.bank.example']\n");
        let today: Date = "2026-12-07".parse().unwrap();
        let mut triage = Triage::parse("t.yaml", ENTRY).unwrap();
        let read = triage.decisions[0].clone();
        assert_eq!(read.lines, Some((3, 9)));
        assert_eq!(
            triage.standing(&policy, &read, Some(Tier::New), today),
            Standing::Holds,
            "only `ai` needs approval by default"
        );
        assert_eq!(
            triage.standing(&policy, &read, Some(Tier::Ai), today),
            Standing::AwaitingApproval("not committed".to_owned())
        );
        let by = |email: &str, commit: &str| {
            Some(LineCommit {
                email: email.to_owned(),
                commit: commit.to_owned(),
            })
        };
        let as_committed =
            || BTreeMap::from([("c1".to_owned(), Triage::parse("t.yaml", ENTRY).unwrap())]);
        let mut authors = vec![None, None];
        authors.extend(std::iter::repeat_n(by("Bo@SEC.bank.example", "c1"), 7));
        triage.set_line_authors(authors.clone(), as_committed());
        assert_eq!(
            triage.standing(&policy, &read, Some(Tier::Ai), today),
            Standing::Holds
        );
        authors[6] = by("mallory@bank.example", "c2");
        triage.set_line_authors(authors.clone(), as_committed());
        assert_eq!(
            triage.standing(&policy, &read, Some(Tier::Ai), today),
            Standing::AwaitingApproval("committed by `mallory@bank.example`".to_owned())
        );
        authors[6] = None;
        triage.set_line_authors(authors, as_committed());
        assert_eq!(
            triage.standing(&policy, &read, Some(Tier::Ai), today),
            Standing::AwaitingApproval("not committed".to_owned())
        );
        let everyone = policy_with_tiers();
        assert!(everyone.triage_needs_approval(Tier::Legacy));
        assert!(!everyone.triage_needs_approval(Tier::Ai));
    }

    #[test]
    fn issue_12_an_approved_entry_with_a_line_removed_since_awaits_approval_again() {
        // An approver committed the decision with a last day; someone else deleted the
        // `until` line. Blame shows only the approver's lines: the commit's version says
        // what was approved.
        let policy = policy("triage:\n  approvers: ['*@sec.bank.example']\n");
        let today: Date = "2026-12-07".parse().unwrap();
        let with_until =
            Triage::parse("t.yaml", &format!("{ENTRY}    until: 2026-12-10\n")).unwrap();
        let mut triage = Triage::parse("t.yaml", ENTRY).unwrap();
        let read = triage.decisions[0].clone();
        let approver = Some(LineCommit {
            email: "sam@sec.bank.example".to_owned(),
            commit: "c1".to_owned(),
        });
        let mut authors = vec![None, None];
        authors.extend(std::iter::repeat_n(approver, 7));
        triage.set_line_authors(
            authors.clone(),
            BTreeMap::from([("c1".to_owned(), with_until)]),
        );
        assert!(
            matches!(
                triage.standing(&policy, &read, Some(Tier::Ai), today),
                Standing::AwaitingApproval(found) if found.contains("a line was removed")
            ),
            "the entry differs from the approver's"
        );
        triage.set_line_authors(authors.clone(), BTreeMap::new());
        assert!(
            matches!(
                triage.standing(&policy, &read, Some(Tier::Ai), today),
                Standing::AwaitingApproval(_)
            ),
            "no approver's version: not approved"
        );
        let moved = Triage::parse("t.yaml", &format!("# moved down\n\n{ENTRY}")).unwrap();
        triage.set_line_authors(authors, BTreeMap::from([("c1".to_owned(), moved)]));
        assert_eq!(
            triage.standing(&policy, &read, Some(Tier::Ai), today),
            Standing::Holds,
            "the same entry elsewhere in the approver's file"
        );
    }

    #[test]
    fn issue_12_a_decision_describes_only_the_rule_and_file_it_names() {
        let marked = decision("app/db.py", "py.sql-injection", "0a");
        assert!(marked.describes("py.sql-injection", "app/db.py"));
        assert!(!marked.describes("py.sql-injection", "app/other.py"));
        assert!(!marked.describes("py.unused-import", "app/db.py"));
        let redacted = decision(
            "keys/ghp_…(40 chars, sha256:8d48c901).py",
            "acme/weak-ghp_…(40 chars, sha256:8d48c901)",
            "0b",
        );
        assert!(redacted.describes("acme/weak-ghp_raw", "keys/ghp_raw.py"));
        assert!(!redacted.describes("acme/other-ghp_raw", "keys/ghp_raw.py"));
        assert!(!redacted.describes("acme/weak-ghp_raw", "app/ghp_raw.py"));
        assert!(!redacted.describes("acme/weak-ghp_raw", "keys/ghp_raw.js"));
    }

    fn policy_with_tiers() -> Policy {
        policy("triage:\n  approvers: [a@b.example]\n  require_approval: [new, legacy]\n")
    }

    #[test]
    fn issue_12_approvers_are_checked_like_provenance_approvers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agate.yaml");
        std::fs::write(&path, "triage:\n  approvers: ['[']\n").unwrap();
        let error = crate::load(&path)
            .and_then(|layers| resolve(&layers, &Overrides::default()))
            .unwrap_err()
            .to_string();
        assert!(error.contains("invalid approver pattern"), "{error}");
        assert!(!policy("version: 1\n").triage_needs_approval(Tier::Ai));
    }

    #[test]
    fn issue_12_a_locked_triage_section_may_only_tighten() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("org.yaml"),
            "locked: [triage]\ntriage:\n  approvers: ['*@sec.bank.example']\n",
        )
        .unwrap();
        let path = dir.path().join("agate.yaml");
        let resolved = |child: &str| {
            std::fs::write(&path, format!("extends: [org.yaml]\ntriage:\n{child}")).unwrap();
            crate::load(&path).and_then(|layers| resolve(&layers, &Overrides::default()))
        };
        let tighter =
            resolved("  approvers: [sam@sec.bank.example]\n  require_approval: [ai, new]\n")
                .unwrap();
        assert!(tighter.approves_triage("sam@sec.bank.example"));
        assert!(!tighter.approves_triage("bo@sec.bank.example"));
        assert!(tighter.triage_needs_approval(Tier::New));
        for looser in [
            "  approvers: ['*@bank.example']\n",
            "  approvers: []\n",
            "  require_approval: [new]\n",
        ] {
            let error = resolved(looser).unwrap_err().to_string();
            assert!(error.contains("is locked by"), "{looser}: {error}");
        }
    }
}
