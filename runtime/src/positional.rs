//! Positional records: a JSON array whose elements are a record's fields by index
//! (`[ID, GID, CID, SYMBOL, ...]`), as some venues send their records instead of objects.
//!
//! Generated code declares the record as a plain struct (its fields in wire order) and gives
//! the field list to [`record!`](crate::positional::record), which writes `Serialize` (an array
//! of the fields, in order) and `Deserialize` (from an array: every listed element must be
//! present, `null` where the field is nullable; elements beyond the last listed one are
//! ignored, since such venues append new fields at the end of their arrays without a new
//! version). A record with too few elements is refused with the index of the first one
//! missing, never a panic.
//!
//! Its JSON Schema is derived from the object schema of the same fields
//! ([`schema`]): `prefixItems` in field order, `minItems` the number of fields, and in the
//! strict schema no element beyond them (`x-strict: {items: false}`).

use schemars::Schema;
use serde_json::{Map, Value};

#[doc(hidden)]
pub use schemars as __schemars;
#[doc(hidden)]
pub use serde as __serde;

/// `Serialize` and `Deserialize` of a positional record: the struct's name, then each field
/// with its full Rust type (`Option<T>` for a nullable field), in wire order.
///
/// ```
/// #[derive(Debug, PartialEq)]
/// pub struct Fill {
///     pub id: u64,
///     pub note: Option<String>,
/// }
/// generated::runtime::positional::record!(Fill { id: u64, note: Option<String> });
///
/// let f: Fill = serde_json::from_str(r#"[7, null, "appended later"]"#).unwrap();
/// assert_eq!(f, Fill { id: 7, note: None });
/// assert_eq!(serde_json::to_string(&f).unwrap(), "[7,null]");
/// assert!(serde_json::from_str::<Fill>("[7]").is_err());
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __positional_record {
    ($name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        impl $crate::positional::__serde::Serialize for $name {
            fn serialize<S: $crate::positional::__serde::Serializer>(
                &self,
                s: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                use $crate::positional::__serde::ser::SerializeSeq as _;
                let fields: &[&str] = &[$(::std::stringify!($field)),*];
                let mut seq = s.serialize_seq(::std::option::Option::Some(fields.len()))?;
                $(seq.serialize_element(&self.$field)?;)*
                seq.end()
            }
        }

        impl<'de> $crate::positional::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::positional::__serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                struct Seq;
                impl<'de> $crate::positional::__serde::de::Visitor<'de> for Seq {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        let fields: &[&str] = &[$(::std::stringify!($field)),*];
                        ::std::write!(
                            f,
                            "a JSON array of at least {} elements ({})",
                            fields.len(),
                            ::std::stringify!($name)
                        )
                    }

                    fn visit_seq<A: $crate::positional::__serde::de::SeqAccess<'de>>(
                        self,
                        mut seq: A,
                    ) -> ::std::result::Result<$name, A::Error> {
                        let mut index = 0usize;
                        $(
                            let $field = match seq.next_element::<$ty>()? {
                                ::std::option::Option::Some(v) => v,
                                ::std::option::Option::None => {
                                    return ::std::result::Result::Err(
                                        $crate::positional::__serde::de::Error::invalid_length(
                                            index, &self,
                                        ),
                                    );
                                }
                            };
                            index += 1;
                        )*
                        let _ = index;
                        // Elements the spec does not list: appended by a newer venue version.
                        while seq
                            .next_element::<$crate::positional::__serde::de::IgnoredAny>()?
                            .is_some()
                        {}
                        ::std::result::Result::Ok($name { $($field),* })
                    }
                }
                d.deserialize_seq(Seq)
            }
        }
    };
}

pub use crate::__positional_record as record;

/// The lenient JSON Schema of a positional record, from the object schema of the same fields
/// (a struct deriving `JsonSchema` with the record's members and attributes): the members'
/// schemas become `prefixItems`, in member order, with their `x-` annotations except
/// `x-required` (every element is required by `minItems`); `description` is kept, the
/// object's `title` (the helper's name) is not. The strict
/// schema closes the array (`x-strict: {items: false}`): an element beyond the listed fields is
/// drift.
pub fn schema(object: Schema) -> Schema {
    let mut m = match object.to_value() {
        Value::Object(m) => m,
        other => return Schema::try_from(other).unwrap_or_default(),
    };
    let props = match m.remove("properties") {
        Some(Value::Object(props)) => props,
        _ => Map::new(),
    };
    let items: Vec<Value> = props
        .into_iter()
        .map(|(_, mut p)| {
            if let Value::Object(o) = &mut p {
                o.remove(crate::schema::X_REQUIRED);
            }
            p
        })
        .collect();
    let mut out = Map::new();
    if let Some(d) = m.remove("description") {
        out.insert("description".into(), d);
    }
    out.insert("type".into(), "array".into());
    out.insert("minItems".into(), items.len().into());
    out.insert("prefixItems".into(), Value::Array(items));
    out.insert(
        crate::schema::X_STRICT.into(),
        serde_json::json!({ "items": false }),
    );
    Schema::try_from(Value::Object(out)).unwrap_or_else(|_| Schema::default())
}

#[cfg(test)]
mod tests {
    use crate::wire::DecimalNumber;

    #[derive(Debug, PartialEq)]
    struct Rec {
        id: u64,
        amount: DecimalNumber,
        note: Option<String>,
    }
    crate::positional::record!(Rec { id: u64, amount: DecimalNumber, note: Option<String> });

    #[test]
    fn reads_by_index_keeps_decimal_text_and_ignores_appended_elements() {
        let r: Rec = serde_json::from_str(r#"[18446744073709551615, -0.50, null, 1, {}]"#).unwrap();
        assert_eq!(r.id, u64::MAX);
        assert_eq!(r.amount.to_string(), "-0.50");
        assert_eq!(r.note, None);
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            "[18446744073709551615,-0.50,null]"
        );
    }

    #[test]
    fn a_missing_element_or_an_object_is_an_error_not_a_panic() {
        let short = serde_json::from_str::<Rec>("[1, 2]")
            .unwrap_err()
            .to_string();
        assert!(short.contains("invalid length 2"), "{short}");
        assert!(serde_json::from_str::<Rec>(r#"{"id": 1}"#).is_err());
        assert!(serde_json::from_str::<Rec>(r#"["1", 2, null]"#).is_err());
    }
}
