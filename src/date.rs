//! Calendar dates without a time zone: the check date (`--as-of`) and catalog dates.
//!
//! Only what ecslint needs: parse `YYYY-MM-DD`, print it, count days between two dates,
//! and find today's date in UTC. Day numbers use the proleptic Gregorian calendar.

use std::fmt;

/// A calendar date, stored as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i64);

impl Date {
    /// Parses `YYYY-MM-DD` exactly: ten characters, digits and two hyphens, nothing
    /// around them (no spaces, no sign), and no impossible date such as `2026-02-30`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        let digits = |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        if !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
            return None;
        }
        let year: i64 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        let day: u32 = d.parse().ok()?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self(days_from_civil(year, month, day)))
    }

    /// A date the build has checked (the built-in catalog's, written by `build.rs`); an
    /// impossible one stops the build, as the assertion runs at compile time.
    pub const fn from_ymd(year: i64, month: u32, day: u32) -> Self {
        assert!(1 <= month && month <= 12 && day >= 1 && day <= days_in_month(year, month), "not a date");
        Self(days_from_civil(year, month, day))
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Self {
        let secs =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Self(i64::try_from(secs / 86_400).unwrap_or(0))
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub const fn days_until(self, later: Self) -> i64 {
        later.0 - self.0
    }

    pub fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.0)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

const fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

const fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days algorithms.
const fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_counts_days() {
        let a = Date::parse("2024-02-29").unwrap();
        assert_eq!(a.to_string(), "2024-02-29");
        let b = Date::parse("2024-03-01").unwrap();
        assert_eq!(a.days_until(b), 1);
        assert_eq!(Date::parse("1970-01-01").unwrap(), Date(0));
        assert_eq!(Date::from_ymd(2024, 2, 29), a);
        assert_eq!(Date::parse("2026-11-22").unwrap().days_until(Date::parse("2027-11-22").unwrap()), 365);
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-1-01",
            "tomorrow",
            "2026-04-31",
            "",
            " 2026-01-01",
            "2026-01-01 ",
            "2026-01-01\n",
            "+202-01-01",
            "2026-+1-01",
            "2026-01-+1",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
    }
}
