//! Wire encodings that serde does not provide out of the box: timestamps typed with their unit,
//! integers carried as strings, request ids that are strings or integers, and fields that may be
//! both absent and null.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod decimal_number;
mod decimal_number_or_text;
mod timestamp_rfc3339;

pub use decimal_number::DecimalNumber;
pub use decimal_number_or_text::DecimalNumberOrText;
pub use timestamp_rfc3339::{RFC3339_PATTERN, TimestampRfc3339};

macro_rules! timestamp {
    ($name:ident, $unit:literal, $to_duration:expr) => {
        #[doc = concat!("A Unix timestamp in ", $unit, ", as the venue sends it (a JSON integer).")]
        ///
        /// Venues use `0` for "not yet" (a `canceled-at` of an open order); [`Self::is_zero`] tells.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            #[doc = concat!("The raw count of ", $unit, " since the Unix epoch.")]
            pub fn get(self) -> i64 {
                self.0
            }

            /// Whether the venue sent `0` (its "unset" marker).
            pub fn is_zero(self) -> bool {
                self.0 == 0
            }

            /// The instant, or `None` for negative values.
            pub fn to_system_time(self) -> Option<SystemTime> {
                let d: fn(u64) -> Duration = $to_duration;
                u64::try_from(self.0).ok().map(|v| UNIX_EPOCH + d(v))
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }

            fn inline_schema() -> bool {
                true
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "integer",
                    "format": "int64",
                    "description": concat!("Unix time in ", $unit, "."),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

timestamp!(TimestampMs, "milliseconds", Duration::from_millis);
timestamp!(TimestampS, "seconds", Duration::from_secs);
timestamp!(TimestampUs, "microseconds", Duration::from_micros);

/// A Unix timestamp in milliseconds carried in a JSON string (`"1695865232127"`), as some
/// venues send their order times.
///
/// Read as the `u64_string` wire type reads (an unsigned integer in a string; a bare JSON
/// number is refused), written back as a string. Venues use `"0"` for "not yet";
/// [`Self::is_zero`] tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimestampMsString(pub u64);

impl TimestampMsString {
    /// The raw count of milliseconds since the Unix epoch.
    pub fn get(self) -> u64 {
        self.0
    }

    /// Whether the venue sent `"0"` (its "unset" marker).
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// The instant.
    pub fn to_system_time(self) -> Option<SystemTime> {
        UNIX_EPOCH.checked_add(Duration::from_millis(self.0))
    }
}

impl Serialize for TimestampMsString {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        u64_string::serialize(&self.0, s)
    }
}

impl<'de> Deserialize<'de> for TimestampMsString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        u64_string::deserialize(d).map(TimestampMsString)
    }
}

impl schemars::JsonSchema for TimestampMsString {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("TimestampMsString")
    }

    fn inline_schema() -> bool {
        true
    }

    /// What `u64_string` reads, and the strict form the docs show (digits, no leading zero).
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut s = <crate::schema::U64String as schemars::JsonSchema>::json_schema(g);
        s.insert(
            "description".into(),
            "Unix time in milliseconds, in a string.".into(),
        );
        s
    }
}

impl fmt::Display for TimestampMsString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// `u64` carried as a JSON string (`"118100034543076010"`): full width, no float detour.
pub mod u64_string {
    use super::*;

    /// Writes the number as a string.
    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    /// Reads a string holding an unsigned integer.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(|_| {
            serde::de::Error::custom(format!("expected an integer in a string, got {s:?}"))
        })
    }
}

/// `Option<u64>` carried as a JSON string (or null / absent).
pub mod u64_string_opt {
    use super::*;

    /// Writes `Some` as a string and `None` as null.
    pub fn serialize<S: Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    /// Reads null or a string holding an unsigned integer.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        let s = <Option<std::borrow::Cow<'de, str>>>::deserialize(d)?;
        s.map(|s| {
            s.parse().map_err(|_| {
                serde::de::Error::custom(format!("expected an integer in a string, got {s:?}"))
            })
        })
        .transpose()
    }
}

/// A field that may be absent (outer `None`) or null (`Some(None)`).
///
/// Use with `#[serde(default, skip_serializing_if = "Option::is_none", with = "...")]`.
pub mod double_option {
    use super::*;

    /// Writes `Some(None)` as null and `Some(Some(v))` as `v`; `None` is skipped by the caller.
    pub fn serialize<T: Serialize, S: Serializer>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    /// Called only when the field is present: null becomes `Some(None)`.
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

/// A request id as a venue echoes it (the `id` wire type): a JSON string or a JSON integer.
///
/// Lenient like every response type: any other JSON value (a float, a boolean, an array, an
/// object, or an integer beyond `i64`) is kept verbatim in [`Id::Other`], so parsing never
/// breaks on it and serialising writes it back unchanged. The strict schema allows only a
/// string or an integer, so `conformance validate` reports the others as drift.
#[derive(Debug, Clone, PartialEq)]
pub enum Id {
    /// A string id (`"605a6d20-6588-4cb9-afa0-b0ab087507ba"`).
    String(String),
    /// An integer id (`42`).
    Integer(i64),
    /// Any other JSON value: not what the docs allow.
    Other(serde_json::Value),
}

impl Id {
    /// The id as a string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Id::String(s) => Some(s),
            _ => None,
        }
    }

    /// The id as an integer, if it is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Id::Integer(n) => Some(*n),
            _ => None,
        }
    }
}

impl From<serde_json::Value> for Id {
    fn from(v: serde_json::Value) -> Id {
        match v {
            serde_json::Value::String(s) => Id::String(s),
            serde_json::Value::Number(n) if n.as_i64().is_some() => {
                Id::Integer(n.as_i64().unwrap_or_default())
            }
            other => Id::Other(other),
        }
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Id::String(v) => s.serialize_str(v),
            Id::Integer(n) => s.serialize_i64(*n),
            Id::Other(v) => v.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        serde_json::Value::deserialize(d).map(Id::from)
    }
}

impl schemars::JsonSchema for Id {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Id")
    }

    fn inline_schema() -> bool {
        true
    }

    /// Any value (what parsing accepts); the strict schema allows a string or an integer.
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A request id: a string or an integer.",
            (crate::schema::X_STRICT): { "type": ["string", "integer"] },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct S {
        #[serde(with = "u64_string")]
        id: u64,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "double_option"
        )]
        maybe: Option<Option<i64>>,
        at: TimestampMs,
    }

    #[test]
    fn u64_string_keeps_full_width() {
        let s: S = serde_json::from_str(r#"{"id":"18446744073709551615","at":1}"#).unwrap();
        assert_eq!(s.id, u64::MAX);
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"id":"18446744073709551615","at":1}"#
        );
        assert!(serde_json::from_str::<S>(r#"{"id":"12a","at":1}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"id":12,"at":1}"#).is_err());
    }

    #[test]
    fn double_option_tells_absent_from_null() {
        let absent: S = serde_json::from_str(r#"{"id":"1","at":1}"#).unwrap();
        let null: S = serde_json::from_str(r#"{"id":"1","maybe":null,"at":1}"#).unwrap();
        let set: S = serde_json::from_str(r#"{"id":"1","maybe":5,"at":1}"#).unwrap();
        assert_eq!(
            (absent.maybe, null.maybe, set.maybe),
            (None, Some(None), Some(Some(5)))
        );
        assert_eq!(
            serde_json::to_string(&null).unwrap(),
            r#"{"id":"1","maybe":null,"at":1}"#
        );
        assert_eq!(
            serde_json::to_string(&absent).unwrap(),
            r#"{"id":"1","at":1}"#
        );
    }

    #[test]
    fn ids_round_trip_whatever_the_venue_sends() {
        for (text, want) in [
            (r#""abc""#, Id::String("abc".into())),
            ("42", Id::Integer(42)),
            ("-7", Id::Integer(-7)),
            ("1.5", Id::Other(serde_json::json!(1.5))),
            ("true", Id::Other(serde_json::json!(true))),
            (r#"{"a":[1]}"#, Id::Other(serde_json::json!({"a": [1]}))),
            (
                "18446744073709551615",
                Id::Other(serde_json::json!(u64::MAX)),
            ),
        ] {
            let id: Id = serde_json::from_str(text).unwrap();
            assert_eq!(id, want, "{text}");
            assert_eq!(serde_json::to_string(&id).unwrap(), text);
        }
        assert_eq!(Id::Integer(3).as_i64(), Some(3));
        assert_eq!(Id::String("x".into()).as_str(), Some("x"));
    }

    #[test]
    fn timestamps_know_their_unit() {
        let ms = TimestampMs(1_681_701_557_927);
        let s = TimestampS(1_681_701_557);
        let a = ms
            .to_system_time()
            .unwrap()
            .duration_since(UNIX_EPOCH)
            .unwrap();
        let b = s
            .to_system_time()
            .unwrap()
            .duration_since(UNIX_EPOCH)
            .unwrap();
        assert_eq!(a.as_secs(), b.as_secs());
        assert!(TimestampMs(0).is_zero());
    }

    /// Deribit's error example (docs.deribit.com v2.1.1, "Response messages"): `usIn`
    /// 1535037392434763 and `usOut` 1535037392448119 are microseconds, 13356 apart (its `usDiff`).
    #[test]
    fn microseconds_keep_every_digit() {
        let us_in: TimestampUs = serde_json::from_str("1535037392434763").unwrap();
        let us_out = TimestampUs(1_535_037_392_448_119);
        let t = us_in
            .to_system_time()
            .unwrap()
            .duration_since(UNIX_EPOCH)
            .unwrap();
        assert_eq!((t.as_secs(), t.subsec_micros()), (1_535_037_392, 434_763));
        assert_eq!(us_out.get() - us_in.get(), 13_356);
        assert_eq!(serde_json::to_string(&us_in).unwrap(), "1535037392434763");
    }

    #[test]
    fn millisecond_strings_read_and_write_as_strings() {
        // An order time as a venue's docs show it: `"cTime": "1695865232127"`.
        let t: TimestampMsString = serde_json::from_str(r#""1695865232127""#).unwrap();
        assert_eq!(t.get(), 1_695_865_232_127);
        assert_eq!(serde_json::to_string(&t).unwrap(), r#""1695865232127""#);
        let at = t
            .to_system_time()
            .unwrap()
            .duration_since(UNIX_EPOCH)
            .unwrap();
        assert_eq!(at.as_millis(), 1_695_865_232_127);
        assert!(serde_json::from_str::<TimestampMsString>("1695865232127").is_err());
        assert!(serde_json::from_str::<TimestampMsString>(r#""-1""#).is_err());
        assert!(
            serde_json::from_str::<TimestampMsString>(r#""0""#)
                .unwrap()
                .is_zero()
        );
    }
}
