//! An RFC 3339 date-time carried in a JSON string (`"2021-05-31T09:59:59.000Z"`), kept as
//! sent and read as a UTC instant.

use std::fmt;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What [`TimestampRfc3339`] reads, as a JSON Schema `pattern`: RFC 3339's `date-time` with an
/// upper-case `T` and `Z`, seconds `00` to `59`, at most nine fraction digits, and only the days
/// each month has (29 February in leap years only).
pub static RFC3339_PATTERN: LazyLock<String> = LazyLock::new(|| {
    let long = "(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])";
    let short = "(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)";
    let february = "02-(?:0[1-9]|1[0-9]|2[0-8])";
    let leap_year = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)";
    let date = format!("(?:[0-9]{{4}}-(?:{long}|{short}|{february})|{leap_year}-02-29)");
    let time = "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,9})?";
    let offset = "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])";
    format!("^{date}T{time}{offset}$")
});

/// An RFC 3339 date-time in a JSON string, as some venues send their order times
/// (`"2021-05-31T09:59:59.000Z"`, `"2024-01-02T03:04:05+01:00"`).
///
/// The text is kept as sent (written back unchanged, fraction and offset included);
/// [`Self::instant`] is the moment in UTC. Read: [`RFC3339_PATTERN`], nothing else (a
/// lower-case `t` or `z`, a space for `T`, a leap second `60` or a bare number are refused).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TimestampRfc3339 {
    text: String,
    instant: DateTime<Utc>,
}

impl TimestampRfc3339 {
    /// Reads `text`, or says why it is not an RFC 3339 date-time of the accepted form.
    pub fn parse(text: &str) -> Result<Self, String> {
        let refuse = |why: &str| Err(format!("expected an RFC 3339 date-time, {why}: {text:?}"));
        let b = text.as_bytes();
        // ASCII only: every form accepted is, and the byte slices below then cut at characters.
        if !text.is_ascii() || b.len() < 20 || b[10] != b'T' {
            return refuse("with an upper-case `T` between date and time");
        }
        if &text[17..19] == "60" {
            return refuse("without a leap second");
        }
        let zone = text[19..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
        let fraction = text.len() - 19 - zone.len();
        if fraction == 1 || fraction > 10 || (zone != "Z" && !zone.starts_with(['+', '-'])) {
            return refuse("with 1 to 9 fraction digits and `Z` or an offset");
        }
        match DateTime::parse_from_rfc3339(text) {
            Ok(t) => Ok(TimestampRfc3339 {
                text: text.to_owned(),
                instant: t.with_timezone(&Utc),
            }),
            Err(e) => refuse(&e.to_string()),
        }
    }

    /// The instant, in UTC.
    pub fn instant(&self) -> DateTime<Utc> {
        self.instant
    }

    /// The text as the venue sent it.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl Serialize for TimestampRfc3339 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for TimestampRfc3339 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        TimestampRfc3339::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for TimestampRfc3339 {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("TimestampRfc3339")
    }

    fn inline_schema() -> bool {
        true
    }

    /// What the parser reads; the strict form is the same.
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": *RFC3339_PATTERN,
            "description": "An RFC 3339 date-time.",
        })
    }
}

/// `TimestampRfc3339("2021-05-31T09:59:59.000Z")`: the text as sent.
impl fmt::Debug for TimestampRfc3339 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TimestampRfc3339").field(&self.text).finish()
    }
}

impl fmt::Display for TimestampRfc3339 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<TimestampRfc3339, String> {
        serde_json::from_value(serde_json::Value::from(text)).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_the_instant_and_keeps_the_text() {
        // Coinbase's docs example.
        let t = parse("2021-05-31T09:59:59.000Z").unwrap();
        assert_eq!(t.instant().timestamp_millis(), 1_622_455_199_000);
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#""2021-05-31T09:59:59.000Z""#
        );
        let t = parse("2024-01-02T03:04:05+01:00").unwrap();
        assert_eq!(t.instant().to_rfc3339(), "2024-01-02T02:04:05+00:00");
        assert_eq!(t.as_str(), "2024-01-02T03:04:05+01:00");
        assert!(parse("2024-02-29T00:00:00Z").is_ok());
        assert!(parse("2000-02-29T23:59:59.123456789-23:59").is_ok());
    }

    #[test]
    fn refuses_other_forms() {
        for bad in [
            "2023-02-29T00:00:00Z",
            "2021-04-31T00:00:00Z",
            "2021-05-31t09:59:59Z",
            "2021-05-31 09:59:59Z",
            "2021-05-31T09:59:59z",
            "2021-05-31T09:59:60Z",
            "2021-05-31T09:59:59.Z",
            "2021-05-31T09:59:59.0000000001Z",
            "2021-05-31T09:59:59",
            "1622455199000",
            "",
            // Multi-byte characters where the checks slice: refused, never a panic.
            "2021-05-31T09:5é9Z",
            "2021-05-31T09:59:59é",
            "2021-05-31T09:59:5ééééé",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<TimestampRfc3339>("1622455199000").is_err());
    }
}
