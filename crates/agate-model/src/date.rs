use std::fmt;
use std::str::FromStr;

/// A calendar day (proleptic Gregorian), for suppression expiry and baseline records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

impl Date {
    /// Today in UTC, for suppression expiry and baseline records.
    pub fn today() -> Date {
        Date::from_unix_seconds(Date::unix_seconds(std::time::SystemTime::now()))
    }

    /// Seconds since the Unix epoch (0 for times before it).
    pub fn unix_seconds(time: std::time::SystemTime) -> i64 {
        time.duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| {
                i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
            })
    }

    /// Returns the day that contains `seconds` since the Unix epoch (UTC).
    pub fn from_unix_seconds(seconds: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let days = seconds.div_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u32::try_from(month).unwrap_or(1),
            day: u32::try_from(day).unwrap_or(1),
        }
    }
}

impl Date {
    /// Days from the Unix epoch to this day (negative before it).
    fn days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let month = i64::from(self.month);
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let yoe = year - era * 400;
        let mp = (month + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// `YYYY-MM-DDThh:mm:ss`, UTC, for `seconds` since the Unix epoch.
    pub fn timestamp(seconds: i64) -> String {
        let of_day = seconds.rem_euclid(86_400);
        format!(
            "{}T{:02}:{:02}:{:02}",
            Date::from_unix_seconds(seconds),
            of_day / 3_600,
            of_day % 3_600 / 60,
            of_day % 60
        )
    }

    /// RFC 3339 in UTC (`2026-12-07T13:06:28Z`) for `seconds` since the Unix epoch.
    pub fn rfc3339(seconds: i64) -> String {
        format!("{}Z", Date::timestamp(seconds))
    }

    /// Days from `earlier` to this day (negative when `earlier` is later).
    pub fn days_since(self, earlier: Date) -> i64 {
        self.days() - earlier.days()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = String;

    /// Parses `YYYY-MM-DD`, checking the day exists.
    fn from_str(text: &str) -> Result<Date, String> {
        let invalid = || format!("`{text}` is not a date; write YYYY-MM-DD");
        let mut parts = text.split('-');
        let (Some(year), Some(month), Some(day), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return Err(invalid());
        }
        let year: i32 = year.parse().map_err(|_| invalid())?;
        let month: u32 = month.parse().map_err(|_| invalid())?;
        let day: u32 = day.parse().map_err(|_| invalid())?;
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(invalid()),
        };
        if day == 0 || day > days_in_month {
            return Err(invalid());
        }
        Ok(Date { year, month, day })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds_map_to_calendar_days() {
        assert_eq!(Date::from_unix_seconds(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_unix_seconds(951_782_400).to_string(),
            "2000-02-29"
        );
        assert_eq!(
            Date::from_unix_seconds(1_795_651_200).to_string(),
            "2026-11-26"
        );
    }

    #[test]
    fn timestamps_are_utc() {
        assert_eq!(Date::timestamp(1_700_000_000), "2023-11-14T22:13:20");
        assert_eq!(Date::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(Date::rfc3339(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn issue_12_days_between_dates() {
        let day = |text: &str| text.parse::<Date>().unwrap();
        assert_eq!(day("2026-12-07").days_since(day("2026-12-07")), 0);
        assert_eq!(day("2027-03-01").days_since(day("2026-12-07")), 84);
        assert_eq!(day("2024-03-01").days_since(day("2024-02-28")), 2);
        assert_eq!(day("1970-01-01").days(), 0);
        assert_eq!(
            Date::from_unix_seconds(1_795_651_200).days() * 86_400,
            1_795_651_200
        );
    }

    #[test]
    fn dates_parse_strictly_and_order() {
        assert!("2026-02-29".parse::<Date>().is_err());
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert!("2026-1-01".parse::<Date>().is_err());
        let earlier: Date = "2026-01-31".parse().unwrap();
        let later: Date = "2026-02-01".parse().unwrap();
        assert!(earlier < later);
    }
}
