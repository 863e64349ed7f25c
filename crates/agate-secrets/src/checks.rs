//! What a regex cannot say about a candidate secret: its entropy, a format's checksum
//! (GitHub and npm tokens, card numbers), and whether it is a placeholder an assistant left.

use serde::Deserialize;

/// A check a rule runs on each candidate secret after its regex matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// No check.
    #[default]
    None,
    /// GitHub's and npm's token checksum: the last 6 base62 characters are the CRC32 of
    /// the 30 before them. A token that fails it is still reported, with low confidence.
    Crc32Base62,
    /// A payment card number: passes the Luhn check; a well-known test card is reported at
    /// low severity.
    Luhn,
    /// A JSON Web Token: the header decodes to JSON with an `alg`.
    Jwt,
    /// The value is not a placeholder (`changeme`, `<TOKEN>`, `${VAR}`, `xxxx`, …).
    NotPlaceholder,
    /// The value is a placeholder (the opposite of `not-placeholder`).
    Placeholder,
}

/// What a check says about a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Report it.
    Secret,
    /// Report it, but with low confidence (a checksum did not match).
    Doubtful,
    /// Report it at low severity: a documented test value.
    TestValue,
    /// Not a secret.
    Reject,
}

impl Check {
    pub(crate) fn run(self, secret: &str) -> Verdict {
        match self {
            Check::None => Verdict::Secret,
            Check::Crc32Base62 => {
                if crc32_base62_matches(secret) {
                    Verdict::Secret
                } else {
                    Verdict::Doubtful
                }
            }
            Check::Luhn => {
                let digits: String = secret.chars().filter(char::is_ascii_digit).collect();
                if !luhn(&digits) || !card_network_prefix(&digits) {
                    Verdict::Reject
                } else if TEST_CARDS.contains(&digits.as_str()) {
                    Verdict::TestValue
                } else if looks_synthetic(&digits) {
                    Verdict::Reject
                } else {
                    Verdict::Secret
                }
            }
            Check::Jwt => {
                if jwt_header_has_alg(secret) {
                    Verdict::Secret
                } else {
                    Verdict::Reject
                }
            }
            Check::NotPlaceholder => {
                if is_placeholder(secret) || is_plain_word(secret) {
                    Verdict::Reject
                } else {
                    Verdict::Secret
                }
            }
            Check::Placeholder => {
                if is_placeholder(secret) {
                    Verdict::Secret
                } else {
                    Verdict::Reject
                }
            }
        }
    }
}

/// The base62 alphabet of GitHub's and npm's token checksums.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Encodes `value` in 6 base62 digits, zero-padded.
pub fn base62_checksum(value: u32) -> String {
    let mut digits = [b'0'; 6];
    let mut rest = value;
    for digit in digits.iter_mut().rev() {
        *digit = BASE62[(rest % 62) as usize];
        rest /= 62;
    }
    String::from_utf8_lossy(&digits).into_owned()
}

/// Whether the token after its `prefix_` ends with the base62 CRC32 of the 30 characters
/// before the checksum.
fn crc32_base62_matches(token: &str) -> bool {
    let body = token.rsplit_once('_').map_or(token, |(_, body)| body);
    if body.len() != 36 || !body.is_ascii() {
        return false;
    }
    let (random, checksum) = body.split_at(30);
    base62_checksum(crc32fast::hash(random.as_bytes())) == checksum
}

/// The Luhn check over a string of digits (13 to 19 of them).
pub fn luhn(digits: &str) -> bool {
    if !(13..=19).contains(&digits.len()) || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(index, byte)| {
            let digit = u32::from(byte - b'0');
            if index % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Whether the number's prefix and length belong to a card network: Visa, Mastercard,
/// American Express, Discover, JCB, Diners Club or UnionPay.
fn card_network_prefix(digits: &str) -> bool {
    let prefix = |length: usize| digits.get(..length).and_then(|p| p.parse::<u32>().ok());
    let length = digits.len();
    let (Some(one), Some(two), Some(three), Some(four)) =
        (prefix(1), prefix(2), prefix(3), prefix(4))
    else {
        return false;
    };
    (one == 4 && matches!(length, 13 | 16 | 19))
        || (((51..=55).contains(&two) || (2221..=2720).contains(&four)) && length == 16)
        || (matches!(two, 34 | 37) && length == 15)
        || ((four == 6011 || two == 65 || (644..=649).contains(&three))
            && (16..=19).contains(&length))
        || ((3528..=3589).contains(&four) && (16..=19).contains(&length))
        || (((300..=305).contains(&three) || matches!(two, 36 | 38 | 39))
            && (14..=19).contains(&length))
        || (two == 62 && (16..=19).contains(&length))
}

/// Whether a digit string looks made up rather than issued: a digit repeated five times
/// in a row (`4000000004000000`) or a run of six ascending or descending digits
/// (`6543210123456789`) — test data of number libraries, not cards.
fn looks_synthetic(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    let repeated = bytes
        .windows(5)
        .any(|window| window.iter().all(|&b| b == window[0]));
    let run = |step: i16| {
        bytes.windows(6).any(|window| {
            window
                .windows(2)
                .all(|pair| i16::from(pair[1]) - i16::from(pair[0]) == step)
        })
    };
    repeated || run(1) || run(-1)
}

/// Card numbers the card networks and payment providers publish for testing.
const TEST_CARDS: &[&str] = &[
    "4111111111111111",
    "4242424242424242",
    "4012888888881881",
    "4000056655665556",
    "4222222222222",
    "5555555555554444",
    "5105105105105100",
    "5200828282828210",
    "2223003122003222",
    "378282246310005",
    "371449635398431",
    "378734493671000",
    "6011111111111117",
    "6011000990139424",
    "3056930009020004",
    "30569309025904",
    "38520000023237",
    "3566002020360505",
    "3530111333300000",
    "6200000000000005",
];

/// Whether the first part of a JWT decodes (base64url) to a JSON object with `alg`.
fn jwt_header_has_alg(token: &str) -> bool {
    let Some(header) = token.split('.').next() else {
        return false;
    };
    base64url_decode(header).is_some_and(|decoded| {
        let text = String::from_utf8_lossy(&decoded);
        text.trim_start().starts_with('{') && text.contains("\"alg\"")
    })
}

/// Decodes unpadded base64url; `None` on any other character.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let value = |byte: u8| -> Option<u32> {
        Some(u32::from(match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        }))
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in text.trim_end_matches('=').bytes() {
        buffer = (buffer << 6) | value(byte)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

/// Words that mark a value as a stand-in, not a credential.
const PLACEHOLDER_WORDS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "replaceme",
    "replace_me",
    "replace-me",
    "your-",
    "your_",
    "yourpassword",
    "yourtoken",
    "yourkey",
    "yoursecret",
    "placeholder",
    "example",
    "dummy",
    "sample",
    "redacted",
    "insert",
    "todo",
    "fixme",
    "xxxx",
    "****",
    "....",
    "<",
    "${",
    "{{",
    "%(",
    "$(",
    "here",
    "secret123",
    "password123",
    "notasecret",
    "not-a-secret",
    "fake",
];

/// Whether `value` is lowercase letters joined by `-`, `_` or `.` (`same-origin`,
/// `password-input`), a dotted name, or an HTTP header's name (`Proxy-Authorization`): a
/// word or an identifier, not a credential.
fn is_plain_word(value: &str) -> bool {
    let word = value
        .bytes()
        .all(|byte| byte.is_ascii_lowercase() || matches!(byte, b'-' | b'_' | b'.'));
    // `token.ERRORTOKEN`, `settings.SECRET_KEY`: a reference to a name, not a value.
    let dotted_name = value.contains('.')
        && value.split('.').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|byte| byte.is_ascii_alphabetic() || byte == b'_')
        });
    // `Access-Control-Allow-Credentials`, `Proxy-Authorization`: an HTTP header's name.
    let header_name = value.contains('-')
        && value.split('-').all(|part| {
            let mut bytes = part.bytes();
            bytes.next().is_some_and(|first| first.is_ascii_uppercase())
                && bytes.all(|byte| byte.is_ascii_lowercase())
        });
    word || dotted_name || header_name
}

/// Values that are defaults or words, not credentials, when they are the whole value.
const PLACEHOLDER_VALUES: &[&str] = &[
    "password", "passwd", "pass", "secret", "token", "apikey", "api_key", "admin", "root", "test",
    "testing", "postgres", "mysql", "user", "guest", "default", "none", "null", "changeit",
    "letmein", "s3cr3t", "qwerty", "123456", "12345678",
];

/// Whether `value` looks like a placeholder rather than a credential: template syntax, a
/// "change me" word, a default such as `password`, or one character repeated.
pub fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let first = lower.chars().next();
    PLACEHOLDER_VALUES.contains(&lower.as_str())
        || PLACEHOLDER_WORDS.iter().any(|word| lower.contains(word))
        || lower.starts_with('$')
        || first.is_some_and(|first| lower.chars().all(|c| c == first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_separates_random_from_repetitive() {
        assert!(agate_model::entropy("aaaaaaaa") < 0.01);
        assert!(agate_model::entropy("q8Zr2LmXv7Tn4KpW") > 3.5);
    }

    #[test]
    fn luhn_accepts_valid_numbers_and_knows_test_cards() {
        assert!(luhn("4111111111111111"));
        assert!(!luhn("4111111111111112"));
        assert!(!luhn("411111111111"), "too short");
        assert_eq!(Check::Luhn.run("4111 1111 1111 1111"), Verdict::TestValue);
        assert_eq!(Check::Luhn.run("4111-1111-1111-1112"), Verdict::Reject);
        assert_eq!(
            Check::Luhn.run("6543210123456789"),
            Verdict::Reject,
            "a run"
        );
        assert_eq!(
            Check::Luhn.run("4000000004000000"),
            Verdict::Reject,
            "zeros"
        );
    }

    #[test]
    fn crc32_base62_checksum_is_verified() {
        let random = "Zq3Lm8Rt2Vx7Np4Kc9Wd1Hf6Jb5Gs0T";
        let random = &random[..30];
        let token = format!(
            "ghp_{random}{}",
            base62_checksum(crc32fast::hash(random.as_bytes()))
        );
        assert_eq!(Check::Crc32Base62.run(&token), Verdict::Secret);
        let broken = format!("{}A", &token[..token.len() - 1]);
        let broken = if broken == token {
            format!("{}B", &token[..token.len() - 1])
        } else {
            broken
        };
        assert_eq!(Check::Crc32Base62.run(&broken), Verdict::Doubtful);
    }

    #[test]
    fn jwt_headers_must_name_an_algorithm() {
        // {"alg":"HS256","typ":"JWT"}
        assert_eq!(
            Check::Jwt.run("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.sig"),
            Verdict::Secret
        );
        assert_eq!(Check::Jwt.run("eyJmb28iOjF9.e30.sig"), Verdict::Reject);
    }

    #[test]
    fn issue_9_header_names_are_words_not_credentials() {
        for name in [
            "Access-Control-Allow-Credentials",
            "Proxy-Authorization",
            "X-Api-Key",
        ] {
            assert!(is_plain_word(name), "{name}");
            assert_eq!(Check::NotPlaceholder.run(name), Verdict::Reject, "{name}");
        }
        for value in ["Xk9-Pq2-Lm7", "Blue-horse-Battery", "Tr0ub4dor-Horse"] {
            assert!(
                !is_plain_word(value),
                "{value}: only capitalised words of letters are header names"
            );
        }
    }

    #[test]
    fn placeholders_are_recognised() {
        for value in [
            "changeme",
            "your-api-key-here",
            "xxxxxxxx",
            "<TOKEN>",
            "${API_KEY}",
            "{{ token }}",
        ] {
            assert!(is_placeholder(value), "{value}");
        }
        for value in ["q8Zr2LmXv7Tn4KpW", "s3cr3t-Pa55w0rd!"] {
            assert!(!is_placeholder(value), "{value}");
        }
    }
}
