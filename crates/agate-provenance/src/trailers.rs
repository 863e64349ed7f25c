//! Git trailers: `Token: value` lines in a commit message's last paragraph.

/// One trailer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trailer {
    /// The token as written, e.g. `Co-authored-by`.
    pub token: String,
    /// The value, continuation lines joined with a space.
    pub value: String,
}

/// Returns the trailers of `message`: the lines of its last paragraph, when every line of
/// that paragraph is a `Token: value` trailer or a continuation (indented) line, as git
/// reads them. A message of one paragraph has no trailers (that is the subject).
pub fn trailers(message: &str) -> Vec<Trailer> {
    let message = message.trim_end();
    let mut paragraphs: Vec<&str> = message.split("\n\n").collect();
    if paragraphs.len() < 2 {
        return Vec::new();
    }
    let Some(last) = paragraphs.pop() else {
        return Vec::new();
    };
    let mut found: Vec<Trailer> = Vec::new();
    for line in last.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            match found.last_mut() {
                Some(previous) => {
                    previous.value.push(' ');
                    previous.value.push_str(line.trim());
                    continue;
                }
                None => return Vec::new(),
            }
        }
        let Some((token, value)) = line.split_once(':') else {
            return Vec::new();
        };
        let valid_token = !token.is_empty()
            && token
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-');
        if !valid_token {
            return Vec::new();
        }
        found.push(Trailer {
            token: token.to_owned(),
            value: value.trim().to_owned(),
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_last_paragraph_only_when_it_is_all_trailers() {
        let message = "Fix: handle empty input\n\nBody text: not a trailer.\n\nSigned-off-by: Ana <ana@example.com>\nCo-authored-by: Copilot\n  <175728472+Copilot@users.noreply.github.com>\n";
        let found = trailers(message);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].token, "Signed-off-by");
        assert_eq!(
            found[1].value,
            "Copilot <175728472+Copilot@users.noreply.github.com>"
        );
        assert!(trailers("Subject: with a colon").is_empty());
        assert!(trailers("Subject\n\nA sentence, then\nKey: value\n").is_empty());
    }
}
