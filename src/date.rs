//! Dates as editors write them: `YYYY-MM-DD` or an RFC 3339 date-time.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use serde::Serialize;

/// A parsed date with the forms templates and feeds need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Date {
    /// For `<time datetime>`: `2018-03-30` or the full date-time as written.
    pub iso: String,
    /// For people: `March 30, 2018`.
    pub display: String,
    /// RFC 3339 (midnight UTC for plain dates), for Atom and the sitemap.
    #[serde(skip)]
    pub rfc3339: String,
    /// Seconds since the epoch, for sorting and comparing.
    #[serde(skip)]
    pub timestamp: i64,
}

/// Parses a date as written in front matter.
pub fn parse(s: &str) -> Result<Date, String> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let dt = d.and_time(NaiveTime::MIN).and_utc();
        return Ok(Date {
            iso: d.format("%Y-%m-%d").to_string(),
            display: display(d),
            rfc3339: dt.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            timestamp: dt.timestamp(),
        });
    }
    match DateTime::<FixedOffset>::parse_from_rfc3339(s) {
        Ok(dt) => Ok(Date {
            iso: dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            display: display(dt.date_naive()),
            rfc3339: dt.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            timestamp: dt.timestamp(),
        }),
        Err(_) => Err(format!("{s:?} is not a date")),
    }
}

fn display(d: NaiveDate) -> String {
    d.format("%B %-d, %Y").to_string()
}

/// Today, for `haven new`.
pub fn today() -> String {
    chrono::Local::now().date_naive().format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let d = parse("2018-03-30").unwrap();
        assert_eq!((d.iso.as_str(), d.display.as_str()), ("2018-03-30", "March 30, 2018"));
        assert_eq!(d.rfc3339, "2018-03-30T00:00:00Z");
        let d = parse("2020-07-15T09:30:00-05:00").unwrap();
        assert_eq!(d.display, "July 15, 2020");
        assert_eq!(d.rfc3339, "2020-07-15T09:30:00-05:00");
        for bad in ["2018-02-30", "30/03/2018", "2018", "", "2018-3-30x"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse("2018-01-02").unwrap().timestamp < parse("2018-01-03").unwrap().timestamp);
    }
}
