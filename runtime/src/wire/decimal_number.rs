//! A decimal the venue sends as a bare JSON number (`0.201104`, `-0.5`, `120`), read exactly
//! from the number's text: never through a float.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// A decimal carried as a JSON number, kept exactly as written (scale included: `0.50` stays
/// `0.50`). The text of the number is read, so no digit is lost to a float; it is written back
/// as the same number. A JSON string in its place is refused (that is the `decimal` wire type),
/// and so is a number outside what [`Decimal`] holds (28 significant digits).
///
/// Parsing needs the body's text: it works when the body is read with `serde_json` from text or
/// bytes (as every generated `parse_response` does), not from a `serde_json::Value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DecimalNumber(pub Decimal);

impl DecimalNumber {
    /// The decimal.
    pub fn get(self) -> Decimal {
        self.0
    }

    /// Reads the text of a JSON number: `-?digits(.digits)?`, with an optional exponent.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        if t.starts_with('"') {
            return Err(format!("expected a JSON number, got the string {t}"));
        }
        let looks_numeric = t
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
        if t.is_empty() || !looks_numeric {
            return Err(format!("expected a JSON number, got {t}"));
        }
        let parsed = if t.contains(['e', 'E']) {
            Decimal::from_scientific(t)
        } else {
            Decimal::from_str(t)
        };
        parsed
            .map(DecimalNumber)
            .map_err(|e| format!("the number {t} does not fit a decimal: {e}"))
    }
}

impl From<Decimal> for DecimalNumber {
    fn from(d: Decimal) -> Self {
        DecimalNumber(d)
    }
}

impl From<DecimalNumber> for Decimal {
    fn from(d: DecimalNumber) -> Self {
        d.0
    }
}

impl std::ops::Deref for DecimalNumber {
    type Target = Decimal;

    fn deref(&self) -> &Decimal {
        &self.0
    }
}

impl fmt::Display for DecimalNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for DecimalNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // The decimal's own text, written as a JSON number (a raw value keeps every digit).
        let raw = RawValue::from_string(self.0.to_string()).map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for DecimalNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <Box<RawValue>>::deserialize(d)?;
        DecimalNumber::parse(raw.get()).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for DecimalNumber {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("DecimalNumber")
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "number",
            "description": "A decimal as a JSON number, read exactly from its text.",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<DecimalNumber, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    /// Bitfinex's docs example amounts (https://docs.bitfinex.com/reference/ws-auth-orders):
    /// `0.201104` and `120`; the SDK fixture's `-0.5`. Digits a float would lose stay.
    #[test]
    fn reads_the_numbers_text_exactly() {
        assert_eq!(read("0.201104").unwrap().to_string(), "0.201104");
        assert_eq!(read("-0.5").unwrap().to_string(), "-0.5");
        assert_eq!(read("120").unwrap().to_string(), "120");
        assert_eq!(read("0.50").unwrap().to_string(), "0.50");
        assert_eq!(
            read("12345678901234567.123456789").unwrap().to_string(),
            "12345678901234567.123456789"
        );
        assert_eq!(read("1e-8").unwrap().0, Decimal::new(1, 8));
        let err = read("\"0.5\"").unwrap_err();
        assert!(err.contains("expected a JSON number"), "{err}");
        assert!(read("true").is_err());
        assert!(read("1e400").is_err());
    }

    #[test]
    fn writes_the_same_number_back() {
        for text in [
            "0.201104",
            "-0.5",
            "120",
            "0.50",
            "12345678901234567.123456789",
        ] {
            let v = read(text).unwrap();
            assert_eq!(serde_json::to_string(&v).unwrap(), text);
        }
        let list: Vec<DecimalNumber> = serde_json::from_str("[1.10, -2]").unwrap();
        assert_eq!(serde_json::to_string(&list).unwrap(), "[1.10,-2]");
    }
}
