//! Reads the member at a JSON pointer (RFC 6901) of a body in one pass, skipping everything
//! else without building it: deciding whether a body is a success costs a scan, not a tree.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The value at `pointer` in the JSON text `raw`: `Ok(None)` when there is no such member,
/// `Err` when `raw` is not JSON (malformed, truncated, trailing bytes).
pub fn probe(raw: &[u8], pointer: &str) -> Result<Option<serde_json::Value>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(raw);
    let found = Probe { rest: pointer }.deserialize(&mut de)?;
    de.end()?;
    Ok(found)
}

/// The first reference token of `rest` (which starts with `/`) and what follows it.
fn split(rest: &str) -> (&str, &str) {
    let rest = &rest[1..];
    match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    }
}

/// Whether the key `key` equals the reference token `token` (`~1` is `/`, `~0` is `~`).
fn token_eq(token: &str, key: &str) -> bool {
    if !token.contains('~') {
        return token == key;
    }
    token.replace("~1", "/").replace("~0", "~") == key
}

/// Deserialises the member at `rest` (empty: this value).
struct Probe<'p> {
    rest: &'p str,
}

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = Option<serde_json::Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        if self.rest.is_empty() {
            return serde::Deserialize::deserialize(d).map(Some);
        }
        if !self.rest.starts_with('/') {
            // Not a pointer: skip the value, find nothing.
            <IgnoredAny as serde::Deserialize>::deserialize(d)?;
            return Ok(None);
        }
        d.deserialize_any(Walk { rest: self.rest })
    }
}

/// Walks one level: a map member or an array element named by the first token.
struct Walk<'p> {
    rest: &'p str,
}

/// Compares a map key with a token without allocating it.
struct KeyIs<'p>(&'p str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(token_eq(self.0, key))
    }
}

macro_rules! nothing_here {
    ($($name:ident: $ty:ty),*) => {
        $(fn $name<E: serde::de::Error>(self, _: $ty) -> Result<Self::Value, E> {
            Ok(None)
        })*
    };
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = Option<serde_json::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    nothing_here!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str);

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (token, rest) = split(self.rest);
        let mut found = None;
        while let Some(hit) = map.next_key_seed(KeyIs(token))? {
            if hit && found.is_none() {
                found = map.next_value_seed(Probe { rest })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let (token, rest) = split(self.rest);
        let index: Option<usize> = token.parse().ok();
        let mut found = None;
        let mut i = 0usize;
        loop {
            if Some(i) == index {
                match seq.next_element_seed(Probe { rest })? {
                    Some(v) => found = v,
                    None => break,
                }
            } else if seq.next_element::<IgnoredAny>()?.is_none() {
                break;
            }
            i += 1;
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The probe agrees with `serde_json::Value::pointer` on every pointer of a document.
    #[test]
    fn agrees_with_value_pointer() {
        let doc = json!({
            "code": 1000, "status": "ok", "a/b": 1, "m~n": 2,
            "error": {"code": -2013, "msg": "Order does not exist."},
            "list": [10, {"x": [true, null]}], "data": null
        });
        let raw = serde_json::to_vec(&doc).unwrap();
        for p in [
            "",
            "/code",
            "/status",
            "/a~1b",
            "/m~0n",
            "/error",
            "/error/code",
            "/error/msg",
            "/list",
            "/list/0",
            "/list/1/x/1",
            "/list/1/x/0",
            "/list/2",
            "/missing",
            "/code/x",
            "/data",
            "/data/x",
            "/error/code/deeper",
            "/list/-1",
        ] {
            assert_eq!(
                probe(&raw, p).unwrap(),
                doc.pointer(p).cloned(),
                "pointer {p:?}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_json() {
        for bad in [
            &b"<html>502</html>"[..],
            b"{\"code\":10",
            b"",
            b"{} x",
            b"{\"a\":1,}",
        ] {
            assert!(
                probe(bad, "/code").is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
