//! Timestamps. Stored and sent as fixed-width RFC 3339 UTC text with microseconds
//! (`2026-01-31T08:00:00.000000Z`), so that text order is time order on both engines.

use std::fmt;
use time::{Duration, OffsetDateTime, format_description::FormatItem, macros::format_description};

const FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    pub fn now() -> Self {
        Self(OffsetDateTime::now_utc())
    }

    pub fn minus(self, duration: Duration) -> Self {
        Self(self.0 - duration)
    }

    pub fn plus(self, duration: Duration) -> Self {
        Self(self.0 + duration)
    }

    /// Midnight UTC at the end of `date` (`YYYY-MM-DD`): a date picked as "until this day".
    pub fn end_of_date(date: &str) -> Option<Self> {
        let format = format_description!("[year]-[month]-[day]");
        let day = time::Date::parse(date.trim(), format).ok()?;
        Some(Self(day.next_day()?.midnight().assume_utc()))
    }

    pub fn seconds_since(self, earlier: Timestamp) -> i64 {
        (self.0 - earlier.0).whole_seconds()
    }

    /// Midnight UTC at the start of this day.
    pub fn start_of_day(self) -> Self {
        Self(self.0.date().midnight().assume_utc())
    }

    /// The minute this falls in (`2026-01-31T08:00`), for counting per minute.
    pub fn minute(self) -> String {
        self.to_rfc3339()[..16].to_owned()
    }

    pub fn to_rfc3339(self) -> String {
        // Formatting a UTC date with this fixed description cannot fail.
        self.0.format(FORMAT).unwrap_or_default()
    }

    /// Any RFC 3339 date and time (`2026-12-01T10:00:00+01:00`), in UTC.
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
            .ok()
            .map(|t| Self(t.to_offset(time::UtcOffset::UTC)))
    }

    pub fn parse(text: &str) -> Option<Self> {
        time::PrimitiveDateTime::parse(text, FORMAT).ok().map(|t| Self(t.assume_utc()))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text_and_sorts_as_text() {
        let earlier = Timestamp::now();
        let later = Timestamp(earlier.0 + Duration::milliseconds(1500));
        let text = earlier.to_rfc3339();
        assert_eq!(text.len(), "2026-01-31T08:00:00.000000Z".len());
        assert!(text.ends_with('Z'));
        assert_eq!(Timestamp::parse(&text), Some(earlier.truncated()));
        assert!(earlier.to_rfc3339() < later.to_rfc3339());
        assert_eq!(later.seconds_since(earlier), 1);
    }

    impl Timestamp {
        fn truncated(self) -> Self {
            let micros = self.0.microsecond();
            Self(self.0.replace_nanosecond(micros * 1000).unwrap_or(self.0))
        }
    }
}
