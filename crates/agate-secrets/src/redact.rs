//! Redaction: every secret in a text agate shows replaced by its [`Redacted`] form (a short
//! prefix, the length and a hash), so no report, log line or comment carries it in full.
//!
//! Four detectors, applied by what the text is:
//!
//! - **The secret rules** ([`SecretScanner::redact`]) for every text: excerpts of source,
//!   messages, rule descriptions, notices. They are precise (keywords, checksums, entropy),
//!   so the evidence around a secret stays readable.
//! - **Secret-named options and variables** for tools' output and command lines
//!   ([`SecretScanner::redact_tool_output`], [`SecretScanner::redact_command`]): the value
//!   of `--password=…`, `--token …`, `-Dsonar.token=…`, `API_KEY=…` and `?access_token=…`,
//!   whatever it looks like (see [`is_secret_name`] for the names). A value that only names
//!   a variable (`$TOKEN`, `${TOKEN}`) is not a secret and stays.
//! - **Private keys cut off** and **tokens cut short**, in every text: a
//!   `-----BEGIN … PRIVATE KEY-----` whose END is missing (hidden to the end of the text),
//!   base64 lines before an `-----END … PRIVATE KEY-----` whose BEGIN is missing, and a
//!   word with a well-known token prefix ending in `…`. The rules need the whole thing, and
//!   an excerpt or a tail may hold only part of it.
//! - **Passwords and token user names in URLs** (`https://user:PASSWORD@host`,
//!   `https://TOKEN@host`) and **credential headers** (`Authorization: Bearer …`,
//!   `Cookie: …`) in tools' output and command lines.
//! - **A lone AWS secret access key** in tools' output and command lines: a word of exactly
//!   40 characters of `[A-Za-z0-9/+]` with upper case, lower case and a digit, not all hex,
//!   whose entropy is at least 4 bits per character. No bundled rule catches one without a
//!   keyword beside it; the shape leaves commit ids (40 hex digits, one case), SHA-256
//!   digests (64 hex digits) and base64 digests (other lengths, `=` padding) alone, since
//!   they are evidence.
//!
//! [`KnownSecrets`] adds values known to be secret (a tool's secret environment variables),
//! hidden wherever they appear. Redacting twice changes nothing more: a redacted form
//! matches no detector.

use std::borrow::Cow;
use std::ops::Range;

use agate_model::{Redacted, Redactor};

use crate::scanner::SecretScanner;
use agate_model::entropy;

/// Parts of option and variable names whose values are secrets, after lower-casing and
/// dropping `-`, `_` and `.` (so `--aws-secret-access-key`, `AWS_SECRET_ACCESS_KEY` and
/// `-Dsonar.token` all qualify).
const SECRET_NAME_PARTS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "privatekey",
    "credential",
];

/// Last parts of option and variable names whose values are secrets, matched as whole
/// segments (split at `-`, `_` and `.`) at the end of the
/// name: `DB_PW`, `-Dsonar.login`, `--client-key`, `MY_KEY`, `--cookie`; not `keyword`,
/// `monkey` or `--keys-file`. `pwd` counts only after another segment (`DB_PWD`), since
/// `PWD` alone is the working directory.
const SECRET_NAME_ENDS: &[&str] = &["pw", "pwd", "login", "key", "cookie"];

/// HTTP headers whose values are credentials, lower case; their value is hidden in
/// `Name: value` (as in `-H "Authorization: Bearer …"` or `--header=Cookie: …`).
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "x-auth-token",
    "private-token",
    "x-vault-token",
];

/// Authentication schemes shown before a header's hidden credentials.
const AUTH_SCHEMES: &[&str] = &["basic", "bearer", "token", "digest", "bot"];

/// Prefixes of well-known tokens: a word starting with one and cut short by `…` (a text
/// shortened before redaction) is hidden, since the rule that needs the whole token cannot
/// match it.
const TOKEN_PREFIXES: &[&str] = &[
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "gldt-",
    "glrt-",
    "glptt-",
    "xoxa-",
    "xoxb-",
    "xoxp-",
    "xoxr-",
    "xoxs-",
    "xapp-",
    "sk_live_",
    "rk_live_",
    "sk_test_",
    "sk-",
    "AKIA",
    "ASIA",
    "AIza",
    "npm_",
    "pypi-",
    "hf_",
    "dop_v1_",
    "shpat_",
    "SG.",
];

/// The least length of a URL's user name (without a password) that is hidden: a token
/// given as the user (`https://TOKEN@host`); shorter names (`git`, `deploy-bot`) stay.
const URL_TOKEN_USER_LENGTH: usize = 16;

/// How long a lone AWS secret access key is.
const AWS_SECRET_KEY_LENGTH: usize = 40;
/// The least entropy (bits per character) of a lone AWS secret access key; random keys of
/// 40 characters from 64 have about 4.8, and paths or words of that length less.
const AWS_SECRET_KEY_ENTROPY: f64 = 4.0;

impl SecretScanner {
    /// Returns `text` with every secret a rule matches replaced by its redacted form;
    /// borrowed when there is none. Path allowlists and rules limited to some paths do not
    /// apply (the text is not a file); value allowlists do.
    ///
    /// ```
    /// use agate_secrets::{Allowlist, SecretScanner, bundled_rules};
    ///
    /// let scanner = SecretScanner::new(bundled_rules().unwrap(), Allowlist::default()).unwrap();
    /// let shown = scanner.redact("pickle.loads(x)  # key AKIAZ7QXD2M4PLRVN3KQ");
    /// assert!(shown.starts_with("pickle.loads(x)  # key AKIA…(20 chars, sha256:"));
    /// assert_eq!(scanner.redact("no secret here"), "no secret here");
    /// ```
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        replace(text, self.ranges(text, Kind::Text, &[]))
    }

    /// Returns a tool's output (or a message quoting it) redacted: what
    /// [`SecretScanner::redact`] hides, the values of secret-named options and variables,
    /// passwords in URLs and lone AWS secret access keys.
    ///
    /// ```
    /// use agate_secrets::{Allowlist, SecretScanner, bundled_rules};
    ///
    /// let scanner = SecretScanner::new(bundled_rules().unwrap(), Allowlist::default()).unwrap();
    /// let shown = scanner.redact_tool_output("login --password=hunter2hunter2 --user bob");
    /// assert!(!shown.contains("hunter2hunter2"));
    /// assert!(shown.ends_with(" --user bob"));
    /// ```
    pub fn redact_tool_output<'t>(&self, text: &'t str) -> Cow<'t, str> {
        replace(text, self.ranges(text, Kind::ToolOutput, &[]))
    }

    /// Returns a command line (program and arguments) redacted: each argument as tool
    /// output, and the whole argument after a secret-named option without a value of its
    /// own (`--token VALUE`), unless that argument is itself an option.
    pub fn redact_command(&self, argv: &[String]) -> Vec<String> {
        self.command(argv, &[])
    }

    /// The byte ranges of `text` to hide: the secrets the rules find, the `known` values,
    /// and for tool output what [`SecretScanner::redact_tool_output`] adds.
    fn ranges(&self, text: &str, kind: Kind, known: &[String]) -> Vec<Range<usize>> {
        let mut ranges: Vec<Range<usize>> = self
            .find(None, text.as_bytes(), usize::MAX)
            .into_iter()
            .map(|found| found.range)
            .collect();
        ranges.extend(private_key_blocks(text));
        ranges.extend(truncated_tokens(text));
        for value in known {
            ranges.extend(
                text.match_indices(value.as_str())
                    .map(|(at, _)| at..at + value.len()),
            );
        }
        if let Kind::ToolOutput = kind {
            ranges.extend(option_values(text));
            ranges.extend(url_passwords(text));
            ranges.extend(header_values(text));
            ranges.extend(lone_aws_secret_keys(text));
        }
        ranges
    }

    /// [`SecretScanner::redact_command`], also hiding the `known` values.
    fn command(&self, argv: &[String], known: &[String]) -> Vec<String> {
        let mut value_follows = false;
        argv.iter()
            .map(|argument| {
                let is_value = std::mem::replace(&mut value_follows, takes_secret_value(argument))
                    && !looks_like_option(argument);
                if is_value && is_secret_value(argument) {
                    Redacted::new(argument.as_str()).to_string()
                } else {
                    replace(argument, self.ranges(argument, Kind::ToolOutput, known)).into_owned()
                }
            })
            .collect()
    }
}

/// What a text is, which decides the detectors that run on it.
#[derive(Clone, Copy)]
enum Kind {
    /// Any text: the rules.
    Text,
    /// A tool's output or command line: also secret-named options, URL passwords and lone
    /// AWS secret access keys.
    ToolOutput,
}

impl Redactor for SecretScanner {
    fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        SecretScanner::redact(self, text)
    }

    fn redact_tool_output<'t>(&self, text: &'t str) -> Cow<'t, str> {
        SecretScanner::redact_tool_output(self, text)
    }

    fn redact_command(&self, argv: &[String]) -> Vec<String> {
        SecretScanner::redact_command(self, argv)
    }
}

/// A [`Redactor`] that hides what a [`SecretScanner`] finds and, wherever they appear,
/// values known to be secret: those of secret-named environment variables a tool is
/// given, which it may print with no name beside them. Values shorter than
/// [`KnownSecrets::MIN_LENGTH`] characters are not hidden: they would hide ordinary words
/// (`AUTH_ENABLED=true`).
///
/// ```
/// use agate_model::Redactor as _;
/// use agate_secrets::{Allowlist, KnownSecrets, SecretScanner, bundled_rules};
///
/// let scanner = SecretScanner::new(bundled_rules().unwrap(), Allowlist::default()).unwrap();
/// let known = KnownSecrets::new(&scanner, ["s3cr3t-db-pw".to_owned(), "true".to_owned()]);
/// let shown = known.redact_tool_output("connecting with s3cr3t-db-pw (ssl: true)");
/// assert!(shown.starts_with("connecting with s3c…(12 chars, sha256:"));
/// assert!(shown.ends_with(" (ssl: true)"));
/// ```
#[derive(Debug, Clone)]
pub struct KnownSecrets<'s> {
    scanner: &'s SecretScanner,
    values: Vec<String>,
}

impl<'s> KnownSecrets<'s> {
    /// The least length of a known value that is hidden.
    pub const MIN_LENGTH: usize = 8;

    /// Hides `values` as well as what `scanner` finds.
    pub fn new(scanner: &'s SecretScanner, values: impl IntoIterator<Item = String>) -> Self {
        KnownSecrets {
            scanner,
            values: Vec::new(),
        }
        .with(values)
    }

    /// The same, hiding `values` too.
    #[must_use]
    pub fn with(mut self, values: impl IntoIterator<Item = String>) -> Self {
        self.values.extend(
            values
                .into_iter()
                .filter(|value| value.chars().count() >= Self::MIN_LENGTH),
        );
        self.values.sort();
        self.values.dedup();
        self
    }
}

impl KnownSecrets<'_> {
    /// Returns source code redacted as tool output (see
    /// [`SecretScanner::redact_tool_output`]) with its line numbers kept: a secret that
    /// spans lines (a private key) leaves its line breaks after its redacted form. For text
    /// that leaves the machine with its lines numbered (the LLM review).
    ///
    /// ```
    /// use agate_secrets::{Allowlist, KnownSecrets, SecretScanner, bundled_rules};
    ///
    /// let scanner = SecretScanner::new(bundled_rules().unwrap(), Allowlist::default()).unwrap();
    /// let known = KnownSecrets::new(&scanner, []);
    /// let key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n-----END RSA PRIVATE KEY-----";
    /// let source = format!("KEY = '''{key}'''\nprint(KEY)\n");
    /// let shown = known.redact_source(&source);
    /// assert!(!shown.contains("MIIEow"));
    /// assert_eq!(shown.lines().count(), 4);
    /// assert_eq!(shown.lines().nth(3), Some("print(KEY)"));
    /// ```
    pub fn redact_source<'t>(&self, text: &'t str) -> Cow<'t, str> {
        replace_keeping(
            text,
            self.scanner.ranges(text, Kind::ToolOutput, &self.values),
            true,
        )
    }
}

impl Redactor for KnownSecrets<'_> {
    fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        replace(text, self.scanner.ranges(text, Kind::Text, &self.values))
    }

    fn redact_tool_output<'t>(&self, text: &'t str) -> Cow<'t, str> {
        replace(
            text,
            self.scanner.ranges(text, Kind::ToolOutput, &self.values),
        )
    }

    fn redact_command(&self, argv: &[String]) -> Vec<String> {
        self.scanner.command(argv, &self.values)
    }
}

/// Whether an option or variable named `name` holds a secret: its name, lower-cased and
/// without `-`, `_` and `.`, contains `password`, `passwd`, `passphrase`, `secret`, `token`,
/// `apikey`, `accesskey`, `privatekey`, `credential` or `auth` (but not `author`), or ends
/// in `pass` (`-storepass`, `-keypass`); or its last segment (split at `-`, `_` and `.`)
/// is `pw`, `login`, `key` or `cookie`, or `pwd` after another segment
/// (`DB_PW`, `-Dsonar.login`, `--client-key`, `DB_PWD`). `-p` and `PWD` are left out: too
/// generic (a port, the working directory); so are `keyword`, `monkey` and `--keys-file`.
///
/// ```
/// use agate_secrets::is_secret_name;
///
/// assert!(is_secret_name("--aws-secret-access-key"));
/// assert!(is_secret_name("GITHUB_TOKEN"));
/// assert!(is_secret_name("-Dsonar.login.password"));
/// assert!(!is_secret_name("--author"));
/// assert!(!is_secret_name("-p"));
/// assert!(is_secret_name("-Dsonar.login"));
/// assert!(is_secret_name("DB_PW"));
/// assert!(!is_secret_name("--keyword"));
/// ```
pub fn is_secret_name(name: &str) -> bool {
    let original = name;
    let name: String = name
        .chars()
        .filter(|character| !matches!(character, '-' | '_' | '.'))
        .map(|character| character.to_ascii_lowercase())
        .collect();
    // `auth` counts unless it starts `author` (`--author`), though `authorization` does.
    let auth = name.match_indices("auth").any(|(at, _)| {
        let rest = &name[at..];
        !rest.starts_with("author") || rest.starts_with("authori")
    });
    SECRET_NAME_PARTS.iter().any(|part| name.contains(part))
        || auth
        || name.ends_with("pass")
        || secret_name_end(original)
}

/// Whether the last segment of `name` (split at `-`, `_` and `.`; `projectKey` is one
/// segment, so SonarQube's `-Dsonar.projectKey` stays) is one of [`SECRET_NAME_ENDS`], `pwd` only after another segment.
fn secret_name_end(name: &str) -> bool {
    let mut segments = name
        .split(['-', '_', '.'])
        .filter(|segment| !segment.is_empty());
    match segments.next_back() {
        Some(last) if last.eq_ignore_ascii_case("pwd") => segments.next_back().is_some(),
        Some(last) => SECRET_NAME_ENDS
            .iter()
            .any(|end| last.eq_ignore_ascii_case(end)),
        None => false,
    }
}

/// Replaces the `ranges` of `text` (in any order, possibly overlapping) by the redacted
/// form of what they cover; borrowed when there is nothing to replace.
fn replace(text: &str, ranges: Vec<Range<usize>>) -> Cow<'_, str> {
    replace_keeping(text, ranges, false)
}

/// [`replace`], and with `lines` each redacted form is followed by the line breaks of what it
/// hides, so every line after it keeps its number.
fn replace_keeping(text: &str, mut ranges: Vec<Range<usize>>, lines: bool) -> Cow<'_, str> {
    ranges.retain(|range| range.start < range.end);
    if ranges.is_empty() {
        return Cow::Borrowed(text);
    }
    ranges.sort_by_key(|range| range.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut ranges = ranges.into_iter().peekable();
    while let Some(range) = ranges.next() {
        let start = floor_boundary(text, range.start.max(at));
        let mut end = range.end;
        while let Some(next) = ranges.next_if(|next| next.start < end) {
            end = end.max(next.end);
        }
        let end = ceil_boundary(text, end);
        if start >= end {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&Redacted::new(&text[start..end]).to_string());
        if lines {
            out.extend(text[start..end].matches('\n'));
        }
        at = end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// A character of an option or variable name.
fn is_name_char(character: char) -> bool {
    character.is_ascii_alphanumeric() || matches!(character, '-' | '_' | '.')
}

fn is_quote(character: char) -> bool {
    matches!(character, '"' | '\'' | '`')
}

/// The byte ranges of the values of secret-named options and variables in free text:
/// `NAME=VALUE` (with or without leading dashes, also in a URL's query) and
/// `-NAME VALUE` / `--NAME VALUE` on one line.
fn option_values(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        line_values(line, line_start, &mut ranges);
        line_start += line.len();
    }
    ranges
}

/// [`option_values`] of one line starting at byte `offset` of the text.
fn line_values(line: &str, offset: usize, ranges: &mut Vec<Range<usize>>) {
    let words: Vec<Range<usize>> = words(line);
    for (index, word) in words.iter().enumerate() {
        let text = &line[word.clone()];
        // NAME=VALUE, wherever it starts in the word (`"--token=…"`, `url?token=…`).
        for (equals, _) in text.match_indices('=') {
            let name_start = text[..equals]
                .char_indices()
                .rev()
                .take_while(|(_, character)| is_name_char(*character))
                .last()
                .map_or(equals, |(at, _)| at);
            let name = &text[name_start..equals];
            if name.is_empty() || !is_secret_name(name) {
                continue;
            }
            let in_query = text[..name_start].ends_with(['?', '&']);
            let value = value_at(line, word.start + equals + 1, word.end, in_query);
            if is_secret_value(&line[value.clone()]) {
                ranges.push(offset + value.start..offset + value.end);
            }
        }
        // -NAME VALUE, the value being the next word on the line.
        // Also quoted, as in a listed argv: `["tool", "--token", "…"]`.
        let flag = text
            .trim_matches(|character| is_quote(character) || matches!(character, ',' | '[' | ']'));
        if takes_secret_value(flag)
            && let Some(next) = words.get(index + 1)
            && !looks_like_option(&line[next.clone()])
        {
            let value = value_at(line, next.start, next.end, false);
            if is_secret_value(&line[value.clone()]) {
                ranges.push(offset + value.start..offset + value.end);
            }
        }
    }
}

/// The runs of non-whitespace of `line`, as byte ranges.
fn words(line: &str) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    let mut start = None;
    for (at, character) in line.char_indices() {
        match (character.is_whitespace(), start) {
            (true, Some(begun)) => {
                words.push(begun..at);
                start = None;
            }
            (false, None) => start = Some(at),
            _ => {}
        }
    }
    if let Some(begun) = start {
        words.push(begun..line.len());
    }
    words
}

/// The value starting at byte `start` of `line` in a word ending at `end`: a quoted value
/// runs to its closing quote (or the end of the line), without the quotes; a bare one to
/// the end of the word, or in a URL's query to the next `&` or `#`, without a quote left
/// over from an enclosing string.
fn value_at(line: &str, start: usize, end: usize, in_query: bool) -> Range<usize> {
    let rest = &line[start..];
    if let Some(quote) = rest.chars().next().filter(|character| is_quote(*character)) {
        let inner = start + quote.len_utf8();
        // A backslash escapes the next character (`"a\"b"` is one value).
        let mut escaped = false;
        let close = line[inner..]
            .char_indices()
            .find(|&(_, character)| {
                let closes = character == quote && !escaped;
                escaped = character == '\\' && !escaped;
                closes
            })
            .map_or_else(|| line.trim_end().len(), |(at, _)| inner + at);
        return inner..close.max(inner);
    }
    let mut value = &line[start..end];
    if in_query {
        value = value.split(['&', '#']).next().unwrap_or_default();
    }
    if let Some(last) = value
        .chars()
        .last()
        .filter(|character| is_quote(*character))
        && value.matches(last).count() == 1
    {
        value = &value[..value.len() - last.len_utf8()];
    }
    start..start + value.len()
}

/// Whether `word` is an option whose value is the next argument: `-NAME` or `--NAME`
/// with a secret name and no `=`.
fn takes_secret_value(word: &str) -> bool {
    let name = word.trim_start_matches('-');
    word.starts_with('-')
        && !name.is_empty()
        && name.chars().all(is_name_char)
        && is_secret_name(name)
}

/// Whether `word` reads as the next option rather than a value: `-x`, `--name`,
/// `--name=…` in lower case (a secret of that shape is not a secret).
fn looks_like_option(word: &str) -> bool {
    let name = word.split('=').next().unwrap_or_default();
    let bare = name.trim_start_matches('-');
    let dashes = name.len() - bare.len();
    (1..=2).contains(&dashes)
        && bare.starts_with(|character: char| character.is_ascii_lowercase())
        && bare.chars().all(|character| {
            character.is_ascii_lowercase() || character.is_ascii_digit() || character == '-'
        })
}

/// Whether a value is worth hiding: not empty, not a variable's name (`$TOKEN`,
/// `${TOKEN}`), not already redacted.
fn is_secret_value(value: &str) -> bool {
    let reference = value
        .strip_prefix("${")
        .and_then(|name| name.strip_suffix('}'))
        .or_else(|| value.strip_prefix('$'))
        .is_some_and(|name| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|character| character.is_ascii_alphanumeric() || character == '_')
        });
    !value.is_empty() && !reference && !is_redacted(value)
}

/// Whether `value` is a mask (`***`) or starts with a redacted form.
fn is_masked(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|character| character == '*') || is_redacted(value)
}

/// Whether `value` starts with a redacted form: up to four characters, `…(`, a length,
/// ` chars, sha256:` (the rest of the form follows after a space, outside a word).
fn is_redacted(value: &str) -> bool {
    value.split_once("…(").is_some_and(|(prefix, rest)| {
        prefix.chars().count() <= 4
            && rest
                .trim_start_matches(|character: char| character.is_ascii_digit())
                .is_empty()
    }) || value.contains("…(") && value.contains(" chars, sha256:")
}

/// The byte ranges of the passwords in URLs of `text` (`https://user:PASSWORD@host`), and
/// of user names long enough to be tokens (`https://TOKEN@host`).
fn url_passwords(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for (scheme_end, _) in text.match_indices("://") {
        let start = scheme_end + 3;
        let authority_end = text[start..]
            .find(|character: char| {
                character.is_whitespace()
                    || is_quote(character)
                    || matches!(character, '/' | '?' | '#')
            })
            .map_or(text.len(), |at| start + at);
        let authority = &text[start..authority_end];
        if let Some(at) = authority.rfind('@') {
            match authority[..at].find(':') {
                // `***` is a password already masked (agate's own `extends` errors).
                Some(colon) if is_masked(&authority[colon + 1..at]) => {}
                Some(colon) => ranges.push(start + colon + 1..start + at),
                // A token given as the user name (`https://TOKEN@host`).
                None if authority[..at].chars().count() >= URL_TOKEN_USER_LENGTH => {
                    ranges.push(start..start + at);
                }
                None => {}
            }
        }
    }
    ranges
}

/// A `-----BEGIN …-----` or `-----END …-----` marker of a private key (its label holds
/// `PRIVATE KEY`): the byte range of the marker, to its closing dashes or the end of its
/// line when they are cut off.
fn key_markers<'t>(text: &'t str, kind: &'t str) -> impl Iterator<Item = Range<usize>> + 't {
    text.match_indices(kind).filter_map(move |(at, _)| {
        let label_start = at + kind.len();
        let line_end = text[label_start..]
            .find('\n')
            .map_or(text.len(), |newline| label_start + newline);
        let (label, end) = match text[label_start..line_end].find("-----") {
            Some(close) => (
                &text[label_start..label_start + close],
                label_start + close + 5,
            ),
            None => (&text[label_start..line_end], line_end),
        };
        label.contains("PRIVATE KEY").then_some(at..end)
    })
}

/// The byte ranges of private keys in PEM form: from a `-----BEGIN … PRIVATE KEY-----`
/// line to its `-----END …-----` line, or to the end of the text when the end was cut off
/// (an excerpt of a few lines); and the body lines before an `-----END … PRIVATE KEY-----`
/// whose beginning was cut off (the tail of a tool's output), back to the start of the
/// text or the first line that is not base64.
fn private_key_blocks(text: &str) -> Vec<Range<usize>> {
    let begins: Vec<Range<usize>> = key_markers(text, "-----BEGIN ").collect();
    let ends: Vec<Range<usize>> = key_markers(text, "-----END ").collect();
    let mut ranges = Vec::new();
    let mut paired = vec![false; ends.len()];
    let mut covered = 0;
    for begin in &begins {
        if begin.start < covered {
            continue;
        }
        let end = ends
            .iter()
            .enumerate()
            .find(|(_, end)| end.start >= begin.end);
        let stop = match end {
            Some((index, end)) => {
                paired[index] = true;
                end.end
            }
            None => text.len(),
        };
        ranges.push(begin.start..stop);
        covered = stop;
    }
    for (end, _) in ends.iter().zip(&paired).filter(|(_, paired)| !**paired) {
        let line_start = text[..end.start]
            .rfind('\n')
            .map_or(0, |newline| newline + 1);
        let mut start = end.start;
        if text[line_start..end.start]
            .chars()
            .all(|character| character.is_whitespace() || is_quote(character))
        {
            let mut at = line_start;
            while at > 0 {
                let previous_start = text[..at - 1].rfind('\n').map_or(0, |newline| newline + 1);
                if !is_key_body_line(&text[previous_start..at - 1]) {
                    break;
                }
                at = previous_start;
            }
            if at < line_start {
                start = at;
            }
        }
        if start < end.start {
            ranges.push(start..end.end);
        }
    }
    ranges
}

/// Whether `line` is a line of a PEM body: base64, maybe quoted, indented or ending in a
/// `\n` escape, a comma or a `+` (a key in a string literal).
fn is_key_body_line(line: &str) -> bool {
    let mut body = line.trim();
    loop {
        let trimmed = body
            .trim_matches(|character: char| {
                character.is_whitespace() || is_quote(character) || matches!(character, ',' | '+')
            })
            .trim_end_matches("\\n");
        if trimmed.len() == body.len() {
            break;
        }
        body = trimmed;
    }
    !body.is_empty()
        && body
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'='))
}

/// The byte ranges of well-known tokens cut short by `…` (a text shortened before it was
/// redacted): a word from one of [`TOKEN_PREFIXES`], with something after the prefix,
/// through the `…`. A redacted form (`ghp_…(40 chars, …)`) is left as it is.
fn truncated_tokens(text: &str) -> Vec<Range<usize>> {
    let is_token_byte =
        |byte: u8| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.');
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    for (ellipsis, mark) in text.match_indices('…') {
        let after = ellipsis + mark.len();
        if text[after..].starts_with('(') {
            continue;
        }
        let mut start = ellipsis;
        while start > 0 && is_token_byte(bytes[start - 1]) {
            start -= 1;
        }
        let word = &text[start..ellipsis];
        let token = word.char_indices().find(|&(at, _)| {
            (at == 0 || !word.as_bytes()[at - 1].is_ascii_alphanumeric())
                && TOKEN_PREFIXES
                    .iter()
                    .any(|prefix| word[at..].starts_with(prefix) && word.len() - at > prefix.len())
        });
        if let Some((at, _)) = token {
            ranges.push(start + at..after);
        }
    }
    ranges
}

/// The byte ranges of the values of credential headers ([`SECRET_HEADERS`]) in `text`:
/// `Authorization: Bearer VALUE`, `Cookie: VALUE`, in a quoted argument to its closing
/// quote, otherwise to the end of the line. An authentication scheme before the value
/// (`Bearer`, `Basic`) stays.
fn header_values(text: &str) -> Vec<Range<usize>> {
    let lower = text.to_ascii_lowercase();
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    for header in SECRET_HEADERS {
        for (at, _) in lower.match_indices(header) {
            let colon = at + header.len();
            let boundary =
                at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'-');
            if !boundary || bytes.get(colon) != Some(&b':') {
                continue;
            }
            let quote = text[..at]
                .chars()
                .next_back()
                .filter(|character| is_quote(*character));
            let line_end = text[colon..]
                .find('\n')
                .map_or(text.len(), |newline| colon + newline);
            let mut start = colon + 1;
            start += text[start..line_end].len() - text[start..line_end].trim_start().len();
            let end = match quote {
                Some(quote) => {
                    let mut escaped = false;
                    text[start..line_end]
                        .char_indices()
                        .find(|&(_, character)| {
                            let closes = character == quote && !escaped;
                            escaped = character == '\\' && !escaped;
                            closes
                        })
                        .map_or(line_end, |(offset, _)| start + offset)
                }
                None => line_end,
            };
            let end = start + text[start..end].trim_end().len();
            if let Some(space) = text[start..end].find(' ')
                && AUTH_SCHEMES.contains(&lower[start..start + space].as_ref())
            {
                start += space + 1;
                start += text[start..end].len() - text[start..end].trim_start().len();
            }
            if start < end && is_secret_value(&text[start..end]) {
                ranges.push(start..end);
            }
        }
    }
    ranges
}

/// The byte ranges of words of `text` shaped like an AWS secret access key.
fn lone_aws_secret_keys(text: &str) -> Vec<Range<usize>> {
    let is_key_char = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'/' || byte == b'+';
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if !is_key_char(bytes[at]) {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && is_key_char(bytes[at]) {
            at += 1;
        }
        let word = &text[start..at];
        let padded = bytes.get(at) == Some(&b'=');
        if word.len() == AWS_SECRET_KEY_LENGTH && !padded && is_aws_secret_key(word) {
            ranges.push(start..at);
        }
    }
    ranges
}

/// Whether a 40-character word looks like an AWS secret access key rather than a commit
/// id, a digest or a word: upper and lower case and a digit, not all hex, high entropy.
fn is_aws_secret_key(word: &str) -> bool {
    word.bytes().any(|byte| byte.is_ascii_uppercase())
        && word.bytes().any(|byte| byte.is_ascii_lowercase())
        && word.bytes().any(|byte| byte.is_ascii_digit())
        && !word.bytes().all(|byte| byte.is_ascii_hexdigit())
        && entropy(word) >= AWS_SECRET_KEY_ENTROPY
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Allowlist, bundled_rules};

    /// The bundled rules, compiled once for all tests.
    fn scanner() -> &'static SecretScanner {
        static SCANNER: std::sync::LazyLock<SecretScanner> = std::sync::LazyLock::new(|| {
            SecretScanner::new(bundled_rules().unwrap_or_default(), Allowlist::default())
                .unwrap_or_else(|error| panic!("{error}"))
        });
        &SCANNER
    }

    /// A GitHub classic token with a valid checksum.
    fn github_token(body: &str) -> String {
        format!(
            "ghp_{body}{}",
            crate::base62_checksum(crc32fast::hash(body.as_bytes()))
        )
    }

    const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKQ";
    const COMMIT: &str = "9a289b5c0f6e4d1e8b7a3c2d1f0e9d8c7b6a5f4e";
    const DIGEST: &str = "sha256:3f7a1c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5a";

    #[test]
    fn issue_7_another_rules_excerpt_shows_no_secret() {
        let token = github_token("R2aNqLkW8vX5cT1mZp9Yh3Jd7Fs0Gb");
        let scanner = scanner();
        let excerpt = format!("os.system(\"curl -H token {token} \" + x)");
        let shown = scanner.redact(&excerpt);
        assert!(!shown.contains(&token), "{shown}");
        assert!(shown.starts_with("os.system(\"curl -H token ghp_…(40 chars, sha256:"));
        assert!(shown.ends_with(" \" + x)"), "{shown}");
        let aws = scanner.redact("pickle.loads(x)  # key AKIAZ7QXD2M4PLRVN3KQ");
        assert!(!aws.contains("AKIAZ7QXD2M4PLRVN3KQ"), "{aws}");
        assert!(matches!(scanner.redact("print(1)"), Cow::Borrowed(_)));
    }

    #[test]
    fn issue_7_secret_named_options_are_redacted_in_both_forms() {
        let scanner = scanner();
        let argv: Vec<String> = [
            "tool",
            "--password=Xy7pQ2wE",
            "--password",
            "Ab3dEf9h",
            "--aws-secret-access-key",
            "Zq8rT5uV",
            "--token=tok3nV4lue",
            "-p",
            "Pp8port",
            "--password-stdin",
            "--user",
            "bob",
            "--token",
            "$TOKEN",
            "-Dsonar.token=s0narV4l",
        ]
        .map(str::to_owned)
        .to_vec();
        let shown = scanner.redact_command(&argv).join(" ");
        for secret in ["Xy7pQ2wE", "Ab3dEf9h", "Zq8rT5uV", "tok3nV4lue", "s0narV4l"] {
            assert!(!shown.contains(secret), "{secret}: {shown}");
        }
        // `-p` is too generic, an option after `--password-stdin` is no value, and a
        // variable's name is no secret.
        for kept in [
            "-p Pp8port",
            "--password-stdin --user bob",
            "--token $TOKEN",
        ] {
            assert!(shown.contains(kept), "{kept}: {shown}");
        }
        assert!(shown.contains("--password=Xy…(8 chars, sha256:"), "{shown}");
    }

    #[test]
    fn issue_7_options_in_a_shell_script_and_in_tool_output_are_redacted() {
        let scanner = scanner();
        let script = "SONAR_TOKEN=qW3eR5tY7u sonar-scanner --password 'my s3cret pass' -Dx=1; curl 'https://h.test/api?access_token=Zx9Cv8Bn7M&page=2' --token=\"a\\\"b quoted\"";
        let shown = scanner.redact_tool_output(script);
        for secret in [
            "qW3eR5tY7u",
            "my s3cret pass",
            "s3cret",
            "Zx9Cv8Bn7M",
            "quoted",
        ] {
            assert!(!shown.contains(secret), "{secret}: {shown}");
        }
        assert!(shown.contains(" -Dx=1; "), "{shown}");
        assert!(shown.contains("&page=2'"), "{shown}");
        assert!(shown.contains("--password '"), "{shown}");
    }

    #[test]
    fn issue_7_a_lone_aws_secret_key_is_redacted_but_ids_and_digests_stay() {
        let scanner = scanner();
        let output = format!(
            "error: signature mismatch for\n{AWS_SECRET}\nat commit {COMMIT} image {DIGEST}\n"
        );
        let shown = scanner.redact_tool_output(&output);
        assert!(!shown.contains(AWS_SECRET), "{shown}");
        assert!(shown.contains(COMMIT), "{shown}");
        assert!(shown.contains(DIGEST), "{shown}");
        let upper = COMMIT.to_ascii_uppercase();
        let base64_digest = "sha256-n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=";
        let fingerprint = "0f3c9a7e5b1d2c4e6a8b0d1f3e5c7a9b";
        for evidence in [upper.as_str(), base64_digest, fingerprint] {
            assert_eq!(scanner.redact_tool_output(evidence), evidence);
        }
    }

    /// Eight lines of a made-up PEM body, 64 base64 characters each.
    fn key_body() -> Vec<String> {
        (0..8)
            .map(|line| {
                format!(
                    "MIIEpAIBAAKCAQEA{line}x7Qm3Vb9Lk2Wn5Rt8Yp1Zc4Hd6Jf0Gs3Ua7Ie9Ko2Pl5Mq8Nr1Ss4Tt"
                )[..64]
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn issue_7_a_private_key_cut_off_in_an_excerpt_is_hidden() {
        let scanner = scanner();
        let body = key_body();
        // A structural rule's excerpt of six lines: BEGIN and four body lines, no END.
        let excerpt = format!(
            "os.system(\"\"\"cat <<EOF\n-----BEGIN RSA PRIVATE KEY-----\n{}",
            body[..4].join("\n")
        );
        let shown = scanner.redact(&excerpt);
        for line in &body[..4] {
            assert!(!shown.contains(&line[16..]), "{shown}");
        }
        assert!(
            shown.starts_with("os.system(\"\"\"cat <<EOF\n----…("),
            "{shown}"
        );
        // The whole block with its END, and the code after it, stays readable around it.
        let whole = format!(
            "x = \"\"\"-----BEGIN OPENSSH PRIVATE KEY-----\n{}\n-----END OPENSSH PRIVATE KEY-----\"\"\" + y",
            body.join("\n")
        );
        let shown = scanner.redact(&whole);
        assert!(
            !body.iter().any(|line| shown.contains(&line[16..])),
            "{shown}"
        );
        assert!(shown.ends_with("\"\"\" + y"), "{shown}");
        assert_eq!(scanner.redact(&shown), shown);
        // A public key is no secret.
        let public = format!("-----BEGIN PUBLIC KEY-----\n{}", body[0]);
        assert_eq!(scanner.redact(&public), public);
    }

    #[test]
    fn issue_7_a_private_key_body_before_its_end_is_hidden() {
        let scanner = scanner();
        let body = key_body();
        // The tail of a tool's standard error, starting after the BEGIN line.
        let tail = format!(
            "{}\n{}\n-----END RSA PRIVATE KEY-----\nerror: bad key",
            &body[2][20..],
            body[3..].join("\n")
        );
        for shown in [scanner.redact(&tail), scanner.redact_tool_output(&tail)] {
            assert!(
                !body.iter().any(|line| shown.contains(&line[20..])),
                "{shown}"
            );
            assert!(shown.ends_with("\nerror: bad key"), "{shown}");
        }
        // Back only to the first line that is not base64.
        let logged = format!(
            "loading key from ./deploy\n{}\n-----END PRIVATE KEY-----",
            body.join("\n")
        );
        let shown = scanner.redact_tool_output(&logged);
        assert!(
            shown.starts_with("loading key from ./deploy\nMIIE…("),
            "{shown}"
        );
        assert!(!shown.contains(&body[7]), "{shown}");
    }

    #[test]
    fn issue_7_a_token_cut_short_is_hidden() {
        let scanner = scanner();
        for cut in [
            "error: bad credentials ghp_Ab3Cd5Ef7Gh9Ij…",
            "url https://h.test/?t=glpat-Zx9Cv8Bn7M…",
            "xoxb-123456789-Ab…",
            "key AKIAZ7QXD2M4PL…",
        ] {
            let shown = scanner.redact(cut);
            let word = cut.rsplit([' ', '=']).next().unwrap_or_default();
            assert!(!shown.contains(word), "{shown}");
            assert_eq!(scanner.redact(&shown), shown);
        }
        // A word that only starts like a token, or a prefix alone, stays.
        for kept in ["the task-list…", "ghp_… is GitHub's prefix", "nothing cut"] {
            assert_eq!(scanner.redact(kept), kept);
        }
    }

    #[test]
    fn issue_7_credential_headers_sonar_login_and_url_tokens_are_hidden() {
        let scanner = scanner();
        let argv: Vec<String> = [
            "tool",
            "-Dsonar.login=0123456789abcdef0123",
            "-Dsonar.projectKey=acme-web",
            "-H",
            "Authorization: Bearer Zq7Wm3Kp9Tn2",
            "--header=Authorization: Basic YWxhZGRpbjpvcGVu",
            "--header=Cookie: session=Sx8Yz2Ab4Cd6",
            "--key=Kk5Ll7Mm9Nn",
            "--client-key",
            "Ck3Dk5Ek7",
            "https://Tk0123456789abcdefTk@git.example.com/r.git",
            "https://git@git.example.com/r.git",
            "--keyword",
            "monkey",
            "--keys-file",
            "keys.txt",
            "--commit",
            "9a289b5c0f6e4d1e8b7a3c2d1f0e9d8c7b6a5f4e",
        ]
        .map(str::to_owned)
        .to_vec();
        let shown = scanner.redact_command(&argv).join(" ");
        for secret in [
            "0123456789abcdef0123",
            "Zq7Wm3Kp9Tn2",
            "YWxhZGRpbjpvcGVu",
            "Sx8Yz2Ab4Cd6",
            "Kk5Ll7Mm9Nn",
            "Ck3Dk5Ek7",
            "Tk0123456789abcdefTk",
        ] {
            assert!(!shown.contains(secret), "{secret}: {shown}");
        }
        for kept in [
            "-Dsonar.projectKey=acme-web",
            "Authorization: Bearer ",
            "--header=Cookie: ",
            "https://git@git.example.com/r.git",
            "--keyword monkey --keys-file keys.txt",
            "--commit 9a289b5c0f6e4d1e8b7a3c2d1f0e9d8c7b6a5f4e",
        ] {
            assert!(shown.contains(kept), "{kept}: {shown}");
        }
        let script = "curl -H 'Authorization: token Qw8Er6Ty4' -H \"Cookie: sid=Pp1Oo2Ii3\" https://h.test/x";
        let shown = scanner.redact_tool_output(script);
        assert!(
            !shown.contains("Qw8Er6Ty4") && !shown.contains("Pp1Oo2Ii3"),
            "{shown}"
        );
        assert!(shown.ends_with("\" https://h.test/x"), "{shown}");
        assert_eq!(scanner.redact_tool_output(&shown), shown);
        let echoed = "DB_PW=Xx1Yy2Zz3 SONAR_LOGIN=Ab1Cd2Ef3 MY_KEY=Gh4Ij5Kl6 PWD=/src";
        let shown = scanner.redact_tool_output(echoed);
        for secret in ["Xx1Yy2Zz3", "Ab1Cd2Ef3", "Gh4Ij5Kl6"] {
            assert!(!shown.contains(secret), "{secret}: {shown}");
        }
        assert!(shown.ends_with(" PWD=/src"), "{shown}");
    }

    #[test]
    fn secret_names() {
        for name in [
            "--password",
            "passwd",
            "--passphrase",
            "--client-secret",
            "GITHUB_TOKEN",
            "--api-key",
            "apikey",
            "--aws-access-key-id",
            "--private-key",
            "--credentials",
            "--auth",
            "--basic-auth",
            "Authorization",
            "-storepass",
            "-Dsonar.token",
            "-Dsonar.login",
            "SONAR_LOGIN",
            "DB_PW",
            "DB_PWD",
            "MY_KEY",
            "--key",
            "--client-key",
            "--cookie",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "-p",
            "--author",
            "--user",
            "--port",
            "PWD",
            "OLDPWD",
            "--commit",
            "--keyword",
            "monkey",
            "--keys-file",
            "-Dsonar.projectKey",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
        assert!(is_secret_name("--author-token"), "auth in another part");
    }

    proptest::proptest! {
        /// Whatever surrounds it, a secret in an option, a variable or a rule's shape is
        /// never shown, and redacting again changes nothing.
        #[test]
        fn redaction_never_leaks_and_is_stable(
            before in "[ -~]{0,30}",
            after in "[ -~]{0,30}",
            secret in "[A-Za-z0-9]{12,40}",
            form in 0usize..6,
        ) {
            let scanner = scanner();
            let planted = match form {
                0 => format!("--password={secret}"),
                1 => format!("--token {secret}"),
                2 => format!("API_KEY={secret}"),
                3 => format!("[\"tool\", \"--secret\", \"{secret}\"]"),
                4 => format!("https://ci:{secret}@git.test/repo.git"),
                _ => github_token(&secret.repeat(3)[..30]),
            };
            let shown_secret = if form == 5 { planted.clone() } else { secret.clone() };
            let text = format!("{before} {planted} {after}");
            let once = scanner.redact_tool_output(&text).into_owned();
            proptest::prop_assert!(!once.contains(&shown_secret), "{once}");
            let twice = scanner.redact_tool_output(&once).into_owned();
            proptest::prop_assert_eq!(&once, &twice);
        }
    }
}
