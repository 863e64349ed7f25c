//! AI-assisted commits, from the conventions tools actually use.
//!
//! Built in (each checked against the tool's documented or observed output):
//! - `Co-authored-by` trailers naming an assistant: GitHub Copilot
//!   (`…+Copilot@users.noreply.github.com`), Claude / Claude Code (`noreply@anthropic.com`,
//!   the model in the name: `Claude Opus 4.7 (1M context)`), Cursor, OpenAI Codex, Gemini,
//!   Amazon Q, Devin, Jules, Windsurf, aider (`noreply@aider.chat`), opencode;
//! - `Assisted-by: AGENT:MODEL` (Linux kernel, Fedora, OpenInfra), `Generated-by:` (ASF,
//!   OpenInfra) and `Co-authored-by-AI:`, whatever their value;
//! - authors and committers that are agents: the Copilot coding agent's
//!   `Copilot <…+Copilot@users.noreply.github.com>` and `copilot-swe-agent[bot]`, Devin's,
//!   Jules's, Gemini's and Amazon Q's bots, and aider's ` (aider)` name suffix.

use regex::Regex;

use crate::trailers::trailers;

/// The identity of a commit, as git prints it (`Name <email>`).
#[derive(Debug, Clone, Copy)]
pub struct Commit<'a> {
    /// The full message.
    pub message: &'a str,
    /// `Name <email>` of the author.
    pub author: &'a str,
    /// `Name <email>` of the committer.
    pub committer: &'a str,
}

/// Why a commit counts as AI-assisted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The tool, e.g. `Claude`, `GitHub Copilot`, `aider`.
    pub tool: String,
    /// The model, when the evidence names one.
    pub model: Option<String>,
    /// Where it was found.
    pub source: EvidenceSource,
}

/// Where evidence was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvidenceSource {
    /// A trailer: token and value as written.
    Trailer {
        /// The token, e.g. `Co-authored-by`.
        token: String,
        /// The value.
        value: String,
    },
    /// The author identity.
    Author(String),
    /// The committer identity.
    Committer(String),
    /// A git-ai authorship note (`refs/notes/ai`) on the commit: the prompt or session id.
    GitAiNote {
        /// The attestation id in the note.
        prompt: String,
    },
    /// An Agent Trace record (`.agent-trace/traces.jsonl`).
    AgentTrace {
        /// The record's id.
        record: String,
        /// The conversation's URL, when recorded.
        conversation: Option<String>,
    },
}

/// Where evidence was found, as a reader would say it.
impl std::fmt::Display for EvidenceSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvidenceSource::Trailer { token, value } => write!(f, "`{token}: {value}`"),
            EvidenceSource::Author(identity) => write!(f, "author `{identity}`"),
            EvidenceSource::Committer(identity) => write!(f, "committer `{identity}`"),
            EvidenceSource::GitAiNote { prompt } => write!(f, "git-ai note (prompt {prompt})"),
            EvidenceSource::AgentTrace {
                record,
                conversation: Some(url),
            } => write!(f, "Agent Trace record {record} ({url})"),
            EvidenceSource::AgentTrace {
                record,
                conversation: None,
            } => write!(f, "Agent Trace record {record}"),
        }
    }
}

/// One rule: an identity pattern and the tool it means.
#[derive(Debug, Clone)]
struct IdentityPattern {
    tool: String,
    pattern: Regex,
    /// A capture group holding the model, if the identity carries one.
    model_group: Option<usize>,
}

/// Classifies commits; [`Classifier::builtin`] knows the common tools, and teams add their
/// own identities with [`Classifier::with_identity`].
#[derive(Debug, Clone)]
pub struct Classifier {
    /// Identities that mean "an assistant co-authored this" in `Co-authored-by`.
    co_authors: Vec<IdentityPattern>,
    /// Identities that mean "an agent made this commit" as author or committer.
    agents: Vec<IdentityPattern>,
    /// Trailer tokens whose presence alone marks AI assistance (lowercase).
    ai_tokens: Vec<String>,
}

/// Built-in `Co-authored-by` identities: (tool, pattern, model group).
const CO_AUTHORS: &[(&str, &str, Option<usize>)] = &[
    (
        "GitHub Copilot",
        r"(?i)^copilot\b|\+copilot@users\.noreply\.github\.com|copilot-swe-agent",
        None,
    ),
    (
        "Claude",
        r"(?i)^claude\b(?:\s+([^<(]*[^<(\s]))?|noreply@anthropic\.com",
        Some(1),
    ),
    ("Cursor", r"(?i)^cursor\b|@cursor\.(?:com|sh)\b", None),
    (
        "OpenAI Codex",
        r"(?i)^(?:openai\s+)?codex\b|chatgpt-codex-connector|codex@openai\.com",
        None,
    ),
    ("Gemini", r"(?i)^gemini\b|gemini-code-assist", None),
    ("Amazon Q", r"(?i)^amazon\s*q\b|amazon-q-developer", None),
    ("Devin", r"(?i)^devin\b|devin-ai-integration", None),
    ("Jules", r"(?i)^jules\b|google-labs-jules", None),
    (
        "Windsurf",
        r"(?i)^windsurf\b|@(?:windsurf|codeium)\.com",
        None,
    ),
    (
        "aider",
        r"(?i)^aider\b(?:\s*\(([^)]+)\))?|noreply@aider\.chat",
        Some(1),
    ),
    ("opencode", r"(?i)^opencode\b|noreply@opencode\.ai", None),
];

/// Built-in agent identities as author or committer.
const AGENTS: &[(&str, &str, Option<usize>)] = &[
    (
        "GitHub Copilot",
        r"(?i)^copilot\s*<\d+\+copilot@users\.noreply\.github\.com>|copilot-swe-agent\[bot\]",
        None,
    ),
    ("Devin", r"(?i)devin-ai-integration\[bot\]", None),
    ("Jules", r"(?i)google-labs-jules\[bot\]", None),
    ("Gemini", r"(?i)gemini-code-assist\[bot\]", None),
    ("Amazon Q", r"(?i)amazon-q-developer\[bot\]", None),
    (
        "Cursor",
        r"(?i)^cursor agent\s*<|cursoragent@cursor\.com",
        None,
    ),
    ("aider", r"(?i)\s\(aider\)\s*<", None),
];

impl Classifier {
    /// Returns a classifier with the built-in conventions.
    pub fn builtin() -> Classifier {
        let compile = |list: &[(&str, &str, Option<usize>)]| {
            list.iter()
                .filter_map(|(tool, pattern, model_group)| {
                    Regex::new(pattern).ok().map(|pattern| IdentityPattern {
                        tool: (*tool).to_owned(),
                        pattern,
                        model_group: *model_group,
                    })
                })
                .collect()
        };
        Classifier {
            co_authors: compile(CO_AUTHORS),
            agents: compile(AGENTS),
            ai_tokens: ["assisted-by", "generated-by", "co-authored-by-ai"]
                .iter()
                .map(|&token| token.to_owned())
                .collect(),
        }
    }

    /// Adds an identity (a regex over `Name <email>`) that marks `tool` as co-author or
    /// agent; the error is the regex's.
    pub fn with_identity(mut self, tool: &str, pattern: &str) -> Result<Classifier, regex::Error> {
        let identity = IdentityPattern {
            tool: tool.to_owned(),
            pattern: Regex::new(pattern)?,
            model_group: None,
        };
        self.co_authors.push(identity.clone());
        self.agents.push(identity);
        Ok(self)
    }

    /// Whether `identity` (`Name <email>`) is a known assistant or agent rather than a person.
    pub fn is_ai_identity(&self, identity: &str) -> bool {
        matching(&self.co_authors, identity).is_some() || matching(&self.agents, identity).is_some()
    }

    /// Returns every piece of evidence that `commit` is AI-assisted; empty means none.
    pub fn classify(&self, commit: &Commit<'_>) -> Vec<Evidence> {
        let mut evidence = Vec::new();
        for trailer in trailers(commit.message) {
            let token = trailer.token.to_ascii_lowercase();
            let source = || EvidenceSource::Trailer {
                token: trailer.token.clone(),
                value: trailer.value.clone(),
            };
            if token == "co-authored-by" {
                if let Some((tool, model)) = matching(&self.co_authors, &trailer.value) {
                    evidence.push(Evidence {
                        tool,
                        model,
                        source: source(),
                    });
                }
            } else if self.ai_tokens.contains(&token) {
                let (tool, model) = tool_and_model(&trailer.value);
                evidence.push(Evidence {
                    tool,
                    model,
                    source: source(),
                });
            }
        }
        if let Some((tool, model)) = matching(&self.agents, commit.author) {
            evidence.push(Evidence {
                tool,
                model,
                source: EvidenceSource::Author(commit.author.to_owned()),
            });
        }
        if commit.committer != commit.author
            && let Some((tool, model)) = matching(&self.agents, commit.committer)
        {
            evidence.push(Evidence {
                tool,
                model,
                source: EvidenceSource::Committer(commit.committer.to_owned()),
            });
        }
        evidence
    }
}

fn matching(patterns: &[IdentityPattern], identity: &str) -> Option<(String, Option<String>)> {
    let identity = identity.trim();
    patterns.iter().find_map(|candidate| {
        let captures = candidate.pattern.captures(identity)?;
        let model = candidate
            .model_group
            .and_then(|group| captures.get(group))
            .map(|model| model.as_str().trim().to_owned())
            .filter(|model| !model.is_empty());
        Some((candidate.tool.clone(), model))
    })
}

/// Splits `AGENT:MODEL` (the kernel's `Assisted-by` form) or `Name <email>` into tool and
/// model.
fn tool_and_model(value: &str) -> (String, Option<String>) {
    let name = value.split('<').next().unwrap_or(value).trim();
    match name.split_once(':') {
        Some((tool, model)) if !model.trim().is_empty() => {
            (tool.trim().to_owned(), Some(model.trim().to_owned()))
        }
        _ => (name.to_owned(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(message: &str, author: &str) -> Vec<Evidence> {
        Classifier::builtin().classify(&Commit {
            message,
            author,
            committer: author,
        })
    }

    const HUMAN: &str = "Ana Dev <ana@example.com>";

    #[test]
    fn co_author_trailers_of_known_tools() {
        let cases = [
            (
                "Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
                "GitHub Copilot",
                None,
            ),
            (
                "Co-Authored-By: Claude <noreply@anthropic.com>",
                "Claude",
                None,
            ),
            (
                "Co-Authored-By: Claude Opus 4.7 (1M context) <noreply@anthropic.com>",
                "Claude",
                Some("Opus 4.7"),
            ),
            (
                "Co-authored-by: Cursor Agent <cursoragent@cursor.com>",
                "Cursor",
                None,
            ),
            (
                "Co-authored-by: aider (openai/gpt-5) <noreply@aider.chat>",
                "aider",
                Some("openai/gpt-5"),
            ),
            (
                "Co-authored-by: gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>",
                "Gemini",
                None,
            ),
            (
                "Co-authored-by: devin-ai-integration[bot] <158243242+devin-ai-integration[bot]@users.noreply.github.com>",
                "Devin",
                None,
            ),
            (
                "Co-authored-by: opencode <noreply@opencode.ai>",
                "opencode",
                None,
            ),
        ];
        for (trailer, tool, model) in cases {
            let found = classify(&format!("Change\n\n{trailer}\n"), HUMAN);
            assert_eq!(found.len(), 1, "{trailer}");
            assert_eq!(found[0].tool, tool, "{trailer}");
            assert_eq!(found[0].model.as_deref(), model, "{trailer}");
        }
    }

    #[test]
    fn assisted_and_generated_by_trailers_name_tool_and_model() {
        let found = classify(
            "Fix race\n\nAssisted-by: claude-code:claude-opus-4\nSigned-off-by: Ana <ana@example.com>\n",
            HUMAN,
        );
        assert_eq!(found[0].tool, "claude-code");
        assert_eq!(found[0].model.as_deref(), Some("claude-opus-4"));
        assert_eq!(
            classify("x\n\nGenerated-by: ChatGPT\n", HUMAN)[0].tool,
            "ChatGPT"
        );
    }

    #[test]
    fn agent_authors_and_aider_suffix() {
        let copilot = classify(
            "Implement issue 12",
            "Copilot <198982749+Copilot@users.noreply.github.com>",
        );
        assert_eq!(copilot[0].tool, "GitHub Copilot");
        assert!(matches!(copilot[0].source, EvidenceSource::Author(_)));
        assert_eq!(
            classify("Refactor", "Ana Dev (aider) <ana@example.com>")[0].tool,
            "aider"
        );
    }

    #[test]
    fn human_commits_and_human_co_authors_are_not_ai() {
        assert!(
            classify(
                "Fix\n\nCo-authored-by: Bo Smith <bo@example.com>\nSigned-off-by: Ana\n",
                HUMAN
            )
            .is_empty()
        );
        assert!(
            classify(
                "Mention Claude in the docs\n\nthe body talks about Copilot too",
                HUMAN
            )
            .is_empty()
        );
        assert!(classify("Subject only", "Claudette Martin <claudette@example.com>").is_empty());
        assert!(
            classify(
                "Pair\n\nCo-authored-by: Claudette Martin <c@example.com>\n",
                HUMAN
            )
            .is_empty()
        );
    }

    #[test]
    fn teams_add_their_own_identities() {
        let classifier = Classifier::builtin()
            .with_identity("internal-bot", r"(?i)^codegen-bot\b")
            .unwrap();
        let commit = Commit {
            message: "Generated client",
            author: "codegen-bot <bot@corp.example>",
            committer: HUMAN,
        };
        assert_eq!(classifier.classify(&commit)[0].tool, "internal-bot");
    }
}
