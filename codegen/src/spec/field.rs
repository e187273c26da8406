//! Response fields: wire types, optionality, enums and errata.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How a value is encoded on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WireType {
    /// A JSON string, kept as `String`.
    String,
    /// A JSON integer that fits `i64`.
    I64,
    /// A JSON integer that fits `u64` (ids that need the full 64 bits).
    U64,
    /// A JSON boolean.
    Bool,
    /// A decimal number carried as a JSON string (`"48800.00"`), kept as `rust_decimal::Decimal`
    /// with its scale. A JSON number in its place is refused (the wire type changed), never
    /// read through a float.
    Decimal,
    /// A decimal number carried as a bare JSON number (`0.201104`, `-0.5`), read exactly from
    /// the number's text (never through a float), kept as `runtime::wire::DecimalNumber`.
    DecimalNumber,
    /// A `decimal_number`, or one of the documented `texts` sent in its place (a price that
    /// is `"market_price"` for an open trigger market order), kept as
    /// `runtime::wire::DecimalNumberOrText`.
    DecimalNumberOrText,
    /// An unsigned integer carried as a JSON string (`"118100034543076010"`), kept as `u64`.
    U64String,
    /// A Unix timestamp in milliseconds, carried as a JSON integer.
    TimestampMs,
    /// Unix milliseconds in a JSON string (`"1695865232127"`).
    TimestampMsString,
    /// A Unix timestamp in seconds, carried as a JSON integer.
    TimestampS,
    /// A Unix timestamp in microseconds, carried as a JSON integer.
    TimestampUs,
    /// An RFC 3339 date-time in a JSON string (`"2021-05-31T09:59:59.000Z"`), kept as sent.
    TimestampRfc3339,
    /// A UUID carried as a JSON string.
    Uuid,
    /// A string from a closed list of `values`; unseen values are kept, not rejected.
    Enum,
    /// A JSON object with the given `fields`.
    Object,
    /// A JSON array of `items`.
    Array,
    /// Any JSON value, kept as `serde_json::Value` (for opaque or polymorphic members).
    Json,
    /// A request id: a JSON string or a JSON integer, kept as `runtime::wire::Id` (which also
    /// keeps any other value verbatim; the strict schema allows only the two).
    Id,
}

impl WireType {
    /// The spelling used in spec files.
    pub fn as_str(self) -> &'static str {
        match self {
            WireType::String => "string",
            WireType::I64 => "i64",
            WireType::U64 => "u64",
            WireType::Bool => "bool",
            WireType::Decimal => "decimal",
            WireType::DecimalNumber => "decimal_number",
            WireType::DecimalNumberOrText => "decimal_number_or_text",
            WireType::U64String => "u64_string",
            WireType::TimestampMs => "timestamp_ms",
            WireType::TimestampMsString => "timestamp_ms_string",
            WireType::TimestampS => "timestamp_s",
            WireType::TimestampUs => "timestamp_us",
            WireType::TimestampRfc3339 => "timestamp_rfc3339",
            WireType::Uuid => "uuid",
            WireType::Enum => "enum",
            WireType::Object => "object",
            WireType::Array => "array",
            WireType::Json => "json",
            WireType::Id => "id",
        }
    }
}

/// One response field (or array item, or envelope member).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The wire type.
    #[serde(rename = "type")]
    pub ty: WireType,
    /// The docs' description; becomes the rustdoc of the generated item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// The wire may omit this field.
    #[serde(default, skip_serializing_if = "is_false")]
    pub optional: bool,
    /// The wire may send `null` for this field.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    /// Rust name of the generated type (enum or object). Defaults to the field name in
    /// PascalCase. Two definitions with one name must be identical.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Rust name of the generated struct field. Defaults to the wire name in snake_case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust: Option<String>,
    /// The values of an `enum`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<EnumValue>>,
    /// The members of an `object`, in wire order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<IndexMap<String, FieldSpec>>,
    /// The element type of an `array`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<FieldSpec>>,
    /// Where the docs contradict their own example: what each claims. The spec follows the wire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erratum: Option<Erratum>,
    /// A `decimal` (or `decimal_number`, `decimal_number_or_text`) the venue never sends negative (prices, sizes, fees,
    /// filled amounts): the strict schema refuses a sign. The client still parses a negative value.
    #[serde(default, skip_serializing_if = "is_false")]
    pub non_negative: bool,
    /// The texts a `decimal_number_or_text` may carry instead of a number, as the docs give
    /// them (strict schema only: the client reads any text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub texts: Vec<String>,
    /// The shortest `string` the docs allow, in characters (strict schema only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
    /// The longest `string` the docs allow, in characters (strict schema only: the client
    /// still parses a longer one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// The value identifies the account (an account or user id): `conformance record`
    /// replaces it with a placeholder of the same wire type before writing a fixture.
    #[serde(default, skip_serializing_if = "is_false")]
    pub scrub: bool,
    /// Only on `object`: the members `fields` does not list, named at run time (a
    /// trade's amounts, one member per currency: `"eth": "0.005"`). They are kept, as
    /// JSON, in a map field of the generated struct; the strict schema checks each is of
    /// `type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional: Option<AdditionalSpec>,
}

/// One value of an enum: either a bare string or a value with its description.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum EnumValue {
    /// `- filled`
    Bare(String),
    /// `- { value: filled, doc: "The order has been completed." }`
    Described(DescribedValue),
}

/// An enum value with its description (and optionally its variant name and erratum).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DescribedValue {
    /// The exact wire string.
    pub value: String,
    /// The docs' description of the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Rust variant name; defaults to the value in PascalCase (`""` becomes `Empty`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Where the docs' list and the wire disagree about this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erratum: Option<Erratum>,
}

// By hand rather than `untagged`, so a mistake inside a described value is reported as itself
// (`unknown field `variatn``) instead of "did not match any variant".
impl<'de> Deserialize<'de> for EnumValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = EnumValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a string, or a map with `value` and optionally `doc`, `variant`, `erratum`",
                )
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<EnumValue, E> {
                Ok(EnumValue::Bare(s.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<EnumValue, E> {
                Err(E::custom(format!(
                    "enum value `{b}` is a YAML boolean; quote it: \"{b}\""
                )))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<EnumValue, E> {
                Err(E::custom(format!(
                    "enum value `{n}` is a YAML number; quote it: \"{n}\""
                )))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<EnumValue, E> {
                Err(E::custom(format!(
                    "enum value `{n}` is a YAML number; quote it: \"{n}\""
                )))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<EnumValue, A::Error> {
                DescribedValue::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(EnumValue::Described)
            }
        }
        d.deserialize_any(V)
    }
}

impl EnumValue {
    /// The exact wire string.
    pub fn value(&self) -> &str {
        match self {
            EnumValue::Bare(v) => v,
            EnumValue::Described(d) => &d.value,
        }
    }

    /// The description, if any.
    pub fn doc(&self) -> Option<&str> {
        match self {
            EnumValue::Bare(_) => None,
            EnumValue::Described(d) => d.doc.as_deref(),
        }
    }

    /// The explicit variant name, if any.
    pub fn variant(&self) -> Option<&str> {
        match self {
            EnumValue::Bare(_) => None,
            EnumValue::Described(d) => d.variant.as_deref(),
        }
    }

    /// The erratum on this value, if any.
    pub fn erratum(&self) -> Option<&Erratum> {
        match self {
            EnumValue::Bare(_) => None,
            EnumValue::Described(d) => d.erratum.as_ref(),
        }
    }
}

/// A place where the docs contradict themselves (usually their table against their example).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Erratum {
    /// What the docs' prose or table claims.
    pub docs: String,
    /// What the wire (the docs' own example, or a capture) shows; the spec follows this.
    pub wire: String,
    /// Where the wire evidence comes from, or any other remark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The members of an object that its `fields` do not list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdditionalSpec {
    /// Rust name of the map field that holds them (`amounts`).
    pub rust: String,
    /// What each is: `decimal` (a decimal in a JSON string), `string`, or `json` (anything).
    #[serde(rename = "type")]
    pub ty: AdditionalType,
    /// With `decimal`: the venue never sends a negative one (strict schema only).
    #[serde(default, skip_serializing_if = "is_false")]
    pub non_negative: bool,
    /// What they are (rustdoc of the map field).
    pub doc: String,
}

/// The wire type of an object's additional members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AdditionalType {
    /// A decimal in a JSON string.
    Decimal,
    /// A JSON string.
    String,
    /// Any JSON value.
    Json,
}
