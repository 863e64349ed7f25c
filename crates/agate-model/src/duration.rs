//! Durations and rates as agate.yaml and the command line write them.

use std::time::Duration;

/// Parses `250ms`, `90s`, `10m`, `1h`, or a bare number of seconds (`90`, `1.5`); `None`
/// for anything else (a negative number, an unknown unit).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (digits, scale) = if let Some(digits) = text.strip_suffix("ms") {
        (digits, 0.001)
    } else if let Some(digits) = text.strip_suffix('s') {
        (digits, 1.0)
    } else if let Some(digits) = text.strip_suffix('m') {
        (digits, 60.0)
    } else if let Some(digits) = text.strip_suffix('h') {
        (digits, 3600.0)
    } else {
        (text, 1.0)
    };
    let digits = digits.trim();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let value: f64 = digits.parse().ok()?;
    Duration::try_from_secs_f64(value * scale).ok()
}

/// Parses a rate: `500`, `500/s`, `30000/m`.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let (digits, per) = match text.split_once('/') {
        Some((digits, "s")) => (digits, 1.0),
        Some((digits, "m")) => (digits, 60.0),
        Some(_) => {
            return Err(format!(
                "`{text}`: a rate is per second (`/s`) or per minute (`/m`)"
            ));
        }
        None => (text, 1.0),
    };
    digits
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite() && *value > 0.0)
        .map(|value| value / per)
        .ok_or_else(|| format!("`{text}` is not a rate (write e.g. `500/s`)"))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::parse_duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("90s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("10m"), Some(Duration::from_secs(600)));
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("1.5"), Some(Duration::from_millis(1500)));
        for bad in ["1d", "m", "", "-1s", "soon", "1e3", "inf"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn rates() {
        assert_eq!(super::parse_rate("500/s"), Ok(500.0));
        assert_eq!(super::parse_rate("600/m"), Ok(10.0));
        assert!(super::parse_rate("0").is_err());
        assert!(super::parse_rate("5/h").is_err());
    }
}
