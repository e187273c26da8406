//! JSON Schemas of the wire forms the generated types read, for `#[derive(JsonSchema)]` on
//! generated responses.
//!
//! Each generated response type derives [`schemars::JsonSchema`]. The schema it gives is the
//! *lenient* one: what the generated parser accepts (unknown members and unseen enum values
//! allowed). It also carries, as `x-` annotations, what the spec promises beyond that, so the
//! *strict* schema (closed objects, closed enums, canonical wire forms) is derived from the
//! same types without anything per venue:
//!
//! | annotation | on | strict meaning |
//! |---|---|---|
//! | [`X_ENUM`] | an open enum (`type: string`) | `enum`: only the documented values |
//! | [`X_STRICT`] | a string with a `pattern`, a bounded string, an `id` | its keywords (the docs' canonical `pattern`, `maxLength`/`minLength`, the `id` types) replace the lenient ones |
//! | [`X_REQUIRED`] | a nullable, non-optional member | the member must be present (as `null` or a value) |
//! | [`X_NULLABLE`] (`false`) | an optional, non-nullable member | `null` is not allowed (the parser reads it as absent) |
//! | [`X_ERRATUM`] | a member with an erratum | none (documentation; reported when observed) |
//! | [`X_ERRATA`] | an open enum with errata on values | none (documentation; reported when observed) |

use std::borrow::Cow;
use std::sync::LazyLock;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value};

/// Documented values of an open enum (the lenient schema accepts any string).
pub const X_ENUM: &str = "x-enum";
/// Keywords that replace the lenient ones in the strict schema: the canonical `pattern` the
/// docs show (the lenient `pattern` is what the parser reads), and any bound such as
/// `maxLength`.
pub const X_STRICT: &str = "x-strict";
/// On a member's schema: the spec requires the member even though the parser does not.
pub const X_REQUIRED: &str = "x-required";
/// On a member's schema, `false`: the spec does not allow `null` even though the parser reads
/// it (as an absent member).
pub const X_NULLABLE: &str = "x-nullable";
/// On a member's schema: the erratum recorded in the spec (`{docs, wire, note}`).
pub const X_ERRATUM: &str = "x-erratum";
/// On an open enum: errata of individual values (`{value: {docs, wire, note}}`).
pub const X_ERRATA: &str = "x-errata";

/// A decimal in a JSON string, as the parser reads it: an optional sign, 1 to 28 integer digits
/// (so it always fits `rust_decimal`), and an optional fraction. `rust_decimal` also reads a few
/// rarer forms (exponents, `_` separators, `.5`) that this pattern leaves out, so everything it
/// accepts parses.
pub const DECIMAL_PATTERN: &str = r"^[+-]?[0-9]{1,28}(\.[0-9]*)?$";
/// A decimal in a JSON string as the docs show it: `-?digits(.digits)?` without leading zeros
/// or a negative zero. With [`DECIMAL_STRICT_MAX_LENGTH`] it holds at most 28 digits, which
/// `rust_decimal` keeps exactly (scale included), so it serialises back unchanged.
pub const DECIMAL_STRICT_PATTERN: &str =
    r"^(?:-?[1-9][0-9]*(?:\.[0-9]+)?|-?0\.[0-9]*[1-9][0-9]*|0(?:\.[0-9]+)?)$";
/// A non-negative decimal in a JSON string as the docs show it: [`DECIMAL_STRICT_PATTERN`]
/// without the sign (the strict form of a `decimal` field with `non_negative: true`).
pub const DECIMAL_NON_NEGATIVE_STRICT_PATTERN: &str =
    r"^(?:[1-9][0-9]*(?:\.[0-9]+)?|0\.[0-9]*[1-9][0-9]*|0(?:\.[0-9]+)?)$";
/// The longest strict decimal, in characters: 28 digits, or fewer with a sign or a point.
pub const DECIMAL_STRICT_MAX_LENGTH: u64 = 28;
/// A UUID as the parser reads it: hyphenated, simple (32 hex digits), braced (`{...}`) or as a
/// URN (`urn:uuid:...`), in either case.
pub const UUID_PATTERN: &str = "^(?:[0-9a-fA-F]{32}|\\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\}|(?:[uU][rR][nN]:[uU][uU][iI][dD]:)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$";
/// A UUID as the docs show it: hyphenated, lower-case hex.
pub const UUID_STRICT_PATTERN: &str =
    "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

/// An unsigned integer carried in a JSON string, as the parser reads it: an optional `+`, any
/// leading zeros, and a value of at most `u64::MAX` (exactly the strings `u64::from_str`
/// accepts).
pub static U64_STRING_PATTERN: LazyLock<String> =
    LazyLock::new(|| format!(r"^\+?0*(?:0|{})$", at_most(&u64::MAX.to_string())));
/// An unsigned integer carried in a JSON string as the docs show it: decimal digits without a
/// sign or leading zeros, at most `u64::MAX`.
pub static U64_STRING_STRICT_PATTERN: LazyLock<String> =
    LazyLock::new(|| format!("^(?:0|{})$", at_most(&u64::MAX.to_string())));

/// A regular expression (without anchors) for the decimal integers from 1 to `max` written
/// without leading zeros; `max` is a string of ASCII digits without a leading zero.
fn at_most(max: &str) -> String {
    let digits: Vec<u8> = max.bytes().map(|b| b - b'0').collect();
    let n = digits.len();
    let mut alternatives = Vec::new();
    // Fewer digits than `max`: any such number fits.
    match n {
        0 | 1 => {}
        2 => alternatives.push("[1-9]".to_string()),
        _ => alternatives.push(format!("[1-9][0-9]{{0,{}}}", n - 2)),
    }
    // As many digits as `max`: equal to it on a prefix, smaller at the next digit, then anything.
    for i in 0..n {
        let lowest = if i == 0 { 1 } else { 0 };
        if digits[i] > lowest {
            let prefix: String = digits[..i].iter().map(|d| char::from(b'0' + d)).collect();
            let class = if digits[i] - 1 == lowest {
                lowest.to_string()
            } else {
                format!("[{lowest}-{}]", digits[i] - 1)
            };
            let rest = n - i - 1;
            let tail = match rest {
                0 => String::new(),
                1 => "[0-9]".to_string(),
                r => format!("[0-9]{{{r}}}"),
            };
            alternatives.push(format!("{prefix}{class}{tail}"));
        }
    }
    alternatives.push(max.to_string());
    alternatives.join("|")
}

/// The generator every generated schema is made with: JSON Schema draft 2020-12, for what
/// deserialisation accepts.
pub fn generator() -> SchemaGenerator {
    schemars::generate::SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator()
}

macro_rules! marker {
    ($(#[$doc:meta])* $name:ident, $schema:expr) => {
        $(#[$doc])*
        ///
        /// Only a type to name in `#[schemars(with = ...)]`: it has no values.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {}

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }

            fn inline_schema() -> bool {
                true
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                $schema
            }
        }
    };
}

/// A string member with the pattern the parser reads, and the strict keywords (the pattern the
/// docs promise, and any bound).
fn string_with_patterns(lenient: &str, strict: Value) -> Schema {
    let mut s = json_schema!({ "type": "string", "pattern": lenient });
    s.insert(X_STRICT.into(), strict);
    s
}

marker!(
    /// The schema of a `decimal` member: a decimal in a JSON string (`"48800.00"`).
    DecimalString,
    string_with_patterns(
        DECIMAL_PATTERN,
        serde_json::json!({
            "pattern": DECIMAL_STRICT_PATTERN,
            "maxLength": DECIMAL_STRICT_MAX_LENGTH,
        })
    )
);

marker!(
    /// The schema of a `decimal` member with `non_negative: true`: what the parser reads is the
    /// same as [`DecimalString`] (a negative value still parses), the strict pattern has no
    /// sign.
    NonNegativeDecimalString,
    string_with_patterns(
        DECIMAL_PATTERN,
        serde_json::json!({
            "pattern": DECIMAL_NON_NEGATIVE_STRICT_PATTERN,
            "maxLength": DECIMAL_STRICT_MAX_LENGTH,
        })
    )
);

marker!(
    /// The schema of a `u64_string` member: an unsigned integer in a JSON string
    /// (`"118100034543076010"`).
    U64String,
    string_with_patterns(
        &U64_STRING_PATTERN,
        serde_json::json!({ "pattern": *U64_STRING_STRICT_PATTERN })
    )
);

marker!(
    /// The schema of a `uuid` member: a UUID in a JSON string.
    UuidString,
    string_with_patterns(
        UUID_PATTERN,
        serde_json::json!({ "pattern": UUID_STRICT_PATTERN })
    )
);

/// An erratum as the `x-erratum` annotation: `{docs, wire, note}`.
pub fn erratum_value(docs: &str, wire: &str, note: Option<&str>) -> Value {
    let mut m = Map::new();
    m.insert("docs".into(), docs.into());
    m.insert("wire".into(), wire.into());
    if let Some(n) = note {
        m.insert("note".into(), n.into());
    }
    Value::Object(m)
}

/// The schema of an open (response) enum: any string is read, the documented `values` are
/// listed in [`X_ENUM`], and `errata` (`(value, docs, wire, note)`) in [`X_ERRATA`].
pub fn open_enum(
    description: Option<&str>,
    values: &[&str],
    errata: &[(&str, &str, &str, Option<&str>)],
) -> Schema {
    let mut s = json_schema!({ "type": "string" });
    if let Some(d) = description {
        s.insert("description".into(), d.into());
    }
    s.insert(X_ENUM.into(), values.to_vec().into());
    if !errata.is_empty() {
        let map: Map<String, Value> = errata
            .iter()
            .map(|(v, d, w, n)| ((*v).to_string(), erratum_value(d, w, *n)))
            .collect();
        s.insert(X_ERRATA.into(), Value::Object(map));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_small_bounds() {
        assert_eq!(at_most("7"), "[1-6]|7");
        assert_eq!(at_most("20"), "[1-9]|1[0-9]|20");
        assert_eq!(at_most("105"), "[1-9][0-9]{0,1}|10[0-4]|105");
    }

    #[test]
    fn open_enum_lists_values_and_errata() {
        let s = open_enum(Some("Side."), &["buy", "sell"], &[("sell", "d", "w", None)]);
        assert_eq!(
            s.as_value(),
            &serde_json::json!({
                "type": "string",
                "description": "Side.",
                "x-enum": ["buy", "sell"],
                "x-errata": { "sell": { "docs": "d", "wire": "w" } }
            })
        );
    }
}
