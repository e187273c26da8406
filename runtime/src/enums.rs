//! Helpers for generated enums.

use std::fmt;

use serde::Deserializer;
use serde::de::{Error, Visitor};

/// Deserialises a JSON string through `from_wire`, without allocating when the input can be
/// borrowed. Non-strings are rejected with a message naming what was found.
///
/// Generic over the function (not a `fn` pointer), so each enum's `from_wire` is inlined
/// into its visitor.
pub fn deserialize_with<'de, D, T, F>(d: D, from_wire: F) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(&str) -> T,
{
    struct V<F>(F);
    impl<T, F: FnOnce(&str) -> T> Visitor<'_> for V<F> {
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
