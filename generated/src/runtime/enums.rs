//! Helpers for generated enums.

use std::fmt;

use serde::Deserializer;
use serde::de::{Error, Visitor};

/// Deserialises a JSON string through `from_wire`, without allocating when the input can be
/// borrowed. Non-strings are rejected with a message naming what was found.
pub fn deserialize_with<'de, D, T>(d: D, from_wire: fn(&str) -> T) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct V<T>(fn(&str) -> T);
    impl<T> Visitor<'_> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: Error>(self, s: &str) -> Result<T, E> {
            Ok((self.0)(s))
        }
    }
    d.deserialize_str(V(from_wire))
}
