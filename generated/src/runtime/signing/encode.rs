//! Encodings used while signing: percent-encoding and fast hex.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::recipe::Encoding;

/// RFC 3986 unreserved characters stay; all else is `%XX` (upper-case hex, as HTX requires).
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes a query name or value, appending to `out`.
pub fn encode_query_value(s: &str, encoding: Encoding, out: &mut String) {
    match encoding {
        Encoding::None => out.push_str(s),
        Encoding::Rfc3986 => out.extend(utf8_percent_encode(s, RFC3986)),
    }
}

/// Lower-case hex of `bytes` (SIMD where available).
pub fn hex_lower(bytes: &[u8]) -> String {
    const_hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3986_upper_case() {
        let mut s = String::new();
        encode_query_value("2017-05-11T15:19:30", Encoding::Rfc3986, &mut s);
        assert_eq!(s, "2017-05-11T15%3A19%3A30");
        s.clear();
        encode_query_value("a+b/c=d é~", Encoding::Rfc3986, &mut s);
        assert_eq!(s, "a%2Bb%2Fc%3Dd%20%C3%A9~");
    }

    #[test]
    fn hex_matches_the_definition() {
        assert_eq!(hex_lower(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }
}
