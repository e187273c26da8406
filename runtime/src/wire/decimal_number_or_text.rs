//! A value that is a decimal carried as a bare JSON number, or one of a few documented texts
//! in its place (an open trigger order's `"market_price"` instead of a price).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use super::DecimalNumber;

/// A decimal as a JSON number ([`DecimalNumber`], read exactly from its text), or a JSON
/// string the venue sends in its place. Any string is read (as an enum keeps an unknown
/// value); the spec's `texts` list the documented ones, which only the strict schema checks.
/// Written back as it was read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DecimalNumberOrText {
    /// The decimal.
    Number(DecimalNumber),
    /// The text sent instead.
    Text(String),
}

impl DecimalNumberOrText {
    /// The decimal, when the value is one.
    pub fn number(&self) -> Option<DecimalNumber> {
        match self {
            DecimalNumberOrText::Number(n) => Some(*n),
            DecimalNumberOrText::Text(_) => None,
        }
    }

    /// The text, when the value is one.
    pub fn text(&self) -> Option<&str> {
        match self {
            DecimalNumberOrText::Number(_) => None,
            DecimalNumberOrText::Text(t) => Some(t),
        }
    }
}

/// A text sent in place of the decimal (`"market_price"`) is no decimal of the unified order.
impl crate::order::OrderDecimal for DecimalNumberOrText {
    fn order_decimal(&self) -> Option<rust_decimal::Decimal> {
        self.number().map(|n| n.0)
    }
}

impl Serialize for DecimalNumberOrText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            DecimalNumberOrText::Number(n) => n.serialize(s),
            DecimalNumberOrText::Text(t) => t.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for DecimalNumberOrText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <Box<RawValue>>::deserialize(d)?;
        let text = raw.get().trim();
        if text.starts_with('"') {
            return serde_json::from_str(text)
                .map(DecimalNumberOrText::Text)
                .map_err(serde::de::Error::custom);
        }
        DecimalNumber::parse(text)
            .map(DecimalNumberOrText::Number)
            .map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for DecimalNumberOrText {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("DecimalNumberOrText")
    }

    fn inline_schema() -> bool {
        true
    }

    /// A number or any string (what parsing accepts); a field's strict schema narrows the
    /// strings to its documented texts.
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": ["number", "string"],
            "description": "A decimal as a JSON number, read exactly from its text, or a documented text in its place.",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<DecimalNumberOrText, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    /// Deribit's order `price`: `118.94` in the get_order_state example, `"market_price"` for
    /// the docs' untriggered stop-market order (docs.deribit.com v2.1.1).
    #[test]
    fn reads_the_number_exactly_or_the_text() {
        let n = read("118.94").unwrap();
        assert_eq!(n.number().unwrap().to_string(), "118.94");
        assert_eq!(n.text(), None);
        assert_eq!(
            read("37.50").unwrap().number().unwrap().to_string(),
            "37.50"
        );
        let t = read(r#""market_price""#).unwrap();
        assert_eq!(t.text(), Some("market_price"));
        assert_eq!(t.number(), None);
        assert_eq!(read(r#""a\"b""#).unwrap().text(), Some("a\"b"));
        assert!(read("true").is_err());
        assert!(read("null").is_err());
        assert!(read("1e400").is_err());
    }

    #[test]
    fn writes_the_same_value_back() {
        for text in ["118.94", "0.50", "-2", r#""market_price""#] {
            let v = read(text).unwrap();
            assert_eq!(serde_json::to_string(&v).unwrap(), text);
        }
    }
}
