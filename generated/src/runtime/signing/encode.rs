//! Encodings used while signing: percent-encoding, fast hex, decimal integers.
//!
//! Everything here appends to a buffer the caller owns, so signing a request writes each piece
//! of text once and allocates nothing for it.

use super::recipe::Encoding;

/// A buffer text is appended to: the URL being written (`String`) or the string to sign
/// (`Vec<u8>`, which may also hold raw digest bytes).
pub(crate) trait Sink {
    /// Appends `s`.
    fn put_str(&mut self, s: &str);
    /// Appends one ASCII byte.
    fn put_ascii(&mut self, b: u8);
}

impl Sink for String {
    fn put_str(&mut self, s: &str) {
        self.push_str(s);
    }

    fn put_ascii(&mut self, b: u8) {
        debug_assert!(b.is_ascii(), "{b:#x} is not ASCII");
        self.push(char::from(b));
    }
}

impl Sink for Vec<u8> {
    fn put_str(&mut self, s: &str) {
        self.extend_from_slice(s.as_bytes());
    }

    fn put_ascii(&mut self, b: u8) {
        self.push(b);
    }
}

/// Which bytes RFC 3986 keeps as they are: the unreserved characters `A-Z a-z 0-9 - . _ ~`.
/// A table, because the test runs on every byte of every name and value, twice (string to
/// sign and URL).
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    table
};

/// `%00%01...%FF`: the escape of byte `b` is `PERCENT[3 * b..3 * b + 3]` (upper-case hex, as
/// HTX requires).
const PERCENT: &str = {
    const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
    const BYTES: [u8; 768] = {
        let mut out = [0u8; 768];
        let mut b = 0;
        while b < 256 {
            out[3 * b] = b'%';
            out[3 * b + 1] = HEX_UPPER[b >> 4];
            out[3 * b + 2] = HEX_UPPER[b & 0x0f];
            b += 1;
        }
        out
    };
    match std::str::from_utf8(&BYTES) {
        Ok(s) => s,
        Err(_) => panic!("the escapes are ASCII"),
    }
};

/// Encodes a query name or value, appending to `out`.
pub fn encode_query_value(s: &str, encoding: Encoding, out: &mut String) {
    encode_into(s, encoding, out);
}

/// [`encode_query_value`] into any [`Sink`].
///
/// RFC 3986 keeps the unreserved characters and writes every other byte (each UTF-8 byte of a
/// non-ASCII character included) as `%XX` with upper-case hex: the same output as
/// `percent_encoding::utf8_percent_encode` with that set, but runs of unreserved characters are
/// copied in one go instead of going through its per-chunk iterator, which cost HTX's signer
/// a tenth of its time.
pub(crate) fn encode_into(s: &str, encoding: Encoding, out: &mut impl Sink) {
    match encoding {
        Encoding::None => out.put_str(s),
        Encoding::Rfc3986 => {
            let mut start = 0;
            for (i, b) in s.bytes().enumerate() {
                if UNRESERVED[usize::from(b)] {
                    continue;
                }
                // Bytes `start..i` are ASCII, so when the run is not empty both of its ends
                // are character boundaries.
                if start < i {
                    out.put_str(&s[start..i]);
                }
                let b = usize::from(b);
                out.put_str(&PERCENT[3 * b..3 * b + 3]);
                start = i + 1;
            }
            // Empty, or a run of ASCII up to the end.
            out.put_str(&s[start..]);
        }
    }
}

/// Lower-case hex of `bytes` (SIMD where available).
pub fn hex_lower(bytes: &[u8]) -> String {
    const_hex::encode(bytes)
}

/// Upper-case hex of `bytes` (SIMD where available).
pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    const_hex::encode_upper(bytes)
}

/// An integer written in decimal, as `Display` writes it, in a buffer on the stack: signing
/// writes integer parameters and timestamps several times (string to sign, URL, sorting) and
/// none of those needs its own `String`.
#[derive(Clone, Copy)]
pub(crate) struct Decimal {
    /// Digits right-aligned; `i64::MIN` (`-9223372036854775808`) and `u64::MAX` take 20 bytes.
    buf: [u8; 20],
    /// Where the text starts in `buf`.
    start: usize,
}

impl Decimal {
    /// `v` in decimal, with `-` when negative.
    pub(crate) fn signed(v: i64) -> Self {
        Self::write(v.unsigned_abs(), v < 0)
    }

    /// `v` in decimal.
    pub(crate) fn unsigned(v: u64) -> Self {
        Self::write(v, false)
    }

    fn write(mut v: u64, negative: bool) -> Self {
        let mut buf = [0u8; 20];
        let mut start = buf.len();
        loop {
            start -= 1;
            // `v % 10` is a single digit.
            buf[start] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        if negative {
            start -= 1;
            buf[start] = b'-';
        }
        Decimal { buf, start }
    }

    /// The text's bytes (ASCII: digits and `-`).
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Appends the text to `out`. Digits and `-` are unreserved, so this is also their
    /// percent-encoded form.
    pub(crate) fn put(&self, out: &mut impl Sink) {
        for &b in self.as_bytes() {
            out.put_ascii(b);
        }
    }

    /// The text as a `String`.
    pub(crate) fn to_text(self) -> String {
        let mut s = String::with_capacity(self.as_bytes().len());
        self.put(&mut s);
        s
    }
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

    /// The same output as `percent_encoding` with the RFC 3986 unreserved set, for every
    /// ASCII character, multi-byte characters anywhere in a run, and into both sinks.
    #[test]
    fn rfc3986_matches_percent_encoding() {
        use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
        const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'.')
            .remove(b'_')
            .remove(b'~');
        let ascii: String = (0u8..128).map(char::from).collect();
        let cases = [
            "",
            "abc",
            "é",
            "éa",
            "aé",
            "a é😀 b",
            "ü€😀",
            "%41",
            "\u{7f}\u{80}\u{ff}",
            ascii.as_str(),
        ];
        for s in cases {
            let expected = utf8_percent_encode(s, RFC3986).to_string();
            let mut text = String::from("prefix:");
            encode_query_value(s, Encoding::Rfc3986, &mut text);
            assert_eq!(text, format!("prefix:{expected}"), "{s:?}");
            let mut bytes = Vec::new();
            encode_into(s, Encoding::Rfc3986, &mut bytes);
            assert_eq!(bytes, expected.as_bytes(), "{s:?}");
            let mut none = Vec::new();
            encode_into(s, Encoding::None, &mut none);
            assert_eq!(none, s.as_bytes());
        }
    }

    #[test]
    fn hex_matches_the_definition() {
        assert_eq!(hex_lower(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(hex_upper(&[0x00, 0x0f, 0xa5, 0xff]), "000FA5FF");
    }

    #[test]
    fn decimal_matches_display() {
        for v in [0, 1, -1, 9, 10, -10, 1_700_000_000_123, i64::MAX, i64::MIN] {
            assert_eq!(Decimal::signed(v).to_text(), v.to_string());
            let mut bytes = b"x".to_vec();
            Decimal::signed(v).put(&mut bytes);
            assert_eq!(bytes, format!("x{v}").as_bytes());
        }
        for v in [0, 7, 10, 1 << 63, u64::MAX] {
            assert_eq!(Decimal::unsigned(v).to_text(), v.to_string());
        }
    }
}
