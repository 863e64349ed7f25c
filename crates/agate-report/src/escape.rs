//! Text from the repository made safe for a terminal.
//!
//! File names, messages, matched code and tool output are chosen by whoever wrote the
//! change. Printed raw, a newline in a file name fakes a report line (`✔ No findings`), an
//! escape sequence clears the screen or recolours the verdict, and a bidirectional override
//! reorders what the reader sees. Everything the terminal shows from a report passes through
//! one of these functions, as the `github` format escapes its annotations.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` can move the cursor, change the terminal's state or reorder the display:
/// C0 controls, DEL, C1 controls, Unicode line and paragraph separators, and the
/// bidirectional formatting characters (the "Trojan Source" set).
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// Spells out every unsafe character of a one-line value (a path, a rule id, a message):
/// `\n`, `\r`, `\t`, `\x1b`, `\u{202e}`. A path with a newline stays on one line.
pub fn escape_line(text: &str) -> Cow<'_, str> {
    escape(text, |_| false)
}

/// Spells out every unsafe character of multi-line text (an error with `help:` lines),
/// keeping line breaks and tabs.
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    escape(text, |c| matches!(c, '\n' | '\t'))
}

/// Makes a code excerpt safe while keeping its columns: line breaks and tabs stay, and each
/// other unsafe character becomes one visible character — its Unicode control picture
/// (`␛` for ESC, `␍` for CR, `␀` for NUL) or `�` — so a caret under the match still points
/// at it.
pub fn escape_excerpt(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| is_unsafe(c) && !matches!(c, '\n' | '\t'))
    {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\n' | '\t' => c,
                '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
                '\u{7f}' => '\u{2421}',
                c if is_unsafe(c) => '\u{fffd}',
                c => c,
            })
            .collect(),
    )
}

fn escape(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if keep(c) || !is_unsafe(c) => escaped.push(c),
            '\n' => escaped.push_str("\\n"),
            '\r' => escaped.push_str("\\r"),
            '\t' => escaped.push_str("\\t"),
            '\u{0}'..='\u{7f}' => {
                let _ = write!(escaped, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(escaped, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_values_stay_on_one_line_and_never_reach_the_terminal_raw() {
        assert_eq!(
            escape_line("a\n✔ No findings\x1b[2J.py"),
            "a\\n✔ No findings\\x1b[2J.py"
        );
        assert_eq!(
            escape_line("x\r\u{9b}\u{202e}y\u{2028}"),
            "x\\r\\u{9b}\\u{202e}y\\u{2028}"
        );
        assert!(matches!(escape_line("src/app.py"), Cow::Borrowed(_)));
        assert_eq!(
            escape_lines("error\n  help: \x1b]8;;x\x07"),
            "error\n  help: \\x1b]8;;x\\x07"
        );
    }

    #[test]
    fn excerpts_keep_their_columns() {
        let code = "\tprint(\"\x1b[2J\u{202e}\")\r\nnext";
        let safe = escape_excerpt(code);
        assert_eq!(safe, "\tprint(\"␛[2J\u{fffd}\")␍\nnext");
        assert_eq!(safe.chars().count(), code.chars().count());
    }
}
