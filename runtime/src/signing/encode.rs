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
/// venues that sign the encoded query require).
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
/// copied in one go instead of going through its per-chunk iterator, which cost a signer of a
/// percent-encoded query a tenth of its time.
pub(crate) fn encode_into(s: &str, encoding: Encoding, out: &mut impl Sink) {
    match encoding {
        Encoding::None => out.put_str(s),
        Encoding::Rfc3986 => {
            // Most names and values need no escape: find the first byte that does.
            let Some(first) = s.bytes().position(|b| !UNRESERVED[usize::from(b)]) else {
                return out.put_str(s);
            };
            let mut start = 0;
            for (i, b) in s.bytes().enumerate().skip(first) {
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

/// Encodes a name or value of a form body (`application/x-www-form-urlencoded`, as Python's
/// `urlencode` writes it): RFC 3986 keeps the unreserved characters, a space is `+`, every
/// other byte `%XX` with upper-case hex.
pub(crate) fn encode_form_into(s: &str, out: &mut impl Sink) {
    for (i, piece) in s.split(' ').enumerate() {
        if i > 0 {
            out.put_str("+");
        }
        encode_into(piece, Encoding::Rfc3986, out);
    }
}

/// What serde_json escapes in a string, by byte: `0` for none, the letter of a short escape
/// (`"`, `\\`, `b`, `f`, `n`, `r`, `t`), or `u` for `\u00XX`.
const JSON_ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Whether a byte of `s` needs a JSON escape (a control character, `"` or `\\`), tested eight
/// bytes at a time: a frame's strings (ids, keys, signatures) are long and rarely escaped.
pub(crate) fn needs_json_escape(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Exact tests of whether any byte of `x` is zero / is below `0x20` (bytes of 0x80 and above
    // are neither).
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH != 0;
    let has_control = |x: u64| x.wrapping_sub(ONES * 0x20) & !x & HIGH != 0;
    let escapes = |at: usize| {
        let word = s.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok());
        let x = u64::from_le_bytes(word.unwrap_or_default());
        has_control(x)
            || has_zero(x ^ (ONES * u64::from(b'"')))
            || has_zero(x ^ (ONES * u64::from(b'\\')))
    };
    let n = s.len();
    if n < 8 {
        return s.iter().any(|&b| JSON_ESCAPE[usize::from(b)] != 0);
    }
    let mut at = 0;
    while at + 8 <= n {
        if escapes(at) {
            return true;
        }
        at += 8;
    }
    // The last eight bytes, overlapping the last word tested: no byte loop for the rest.
    at < n && escapes(n - 8)
}

/// Appends `s` as a JSON string, quotes included, escaped exactly as `serde_json` escapes it
/// (`"`, `\\`, and control characters; `\u00XX` with lower-case hex).
pub(crate) fn put_json_str(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    put_json_inner(s, out);
    out.push('"');
}

/// Appends the inside of `s` as a JSON string (no quotes), escaped as [`put_json_str`]
/// escapes it. Escapes are per byte, so writing a string in pieces writes the same text as
/// writing it whole.
pub(crate) fn put_json_inner(s: &str, out: &mut impl Sink) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // Most strings need no escape: one copy.
    if !needs_json_escape(s.as_bytes()) {
        out.put_str(s);
        return;
    }
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = JSON_ESCAPE[usize::from(b)];
        if escape == 0 {
            continue;
        }
        // Escaped bytes are ASCII: both ends of the run before one are character boundaries.
        if let Some(run) = s.get(start..i) {
            out.put_str(run);
        }
        out.put_ascii(b'\\');
        if escape == b'u' {
            out.put_str("u00");
            out.put_ascii(HEX[usize::from(b >> 4)]);
            out.put_ascii(HEX[usize::from(b & 0x0f)]);
        } else {
            out.put_ascii(escape);
        }
        start = i + 1;
    }
    if let Some(run) = s.get(start..) {
        out.put_str(run);
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

/// Short ASCII text on the stack (a timestamp): written once, read as `&str` many times.
#[derive(Clone, Copy)]
pub(crate) struct StackText {
    buf: [u8; 32],
    len: usize,
}

impl StackText {
    pub(crate) fn new() -> Self {
        StackText {
            buf: [0; 32],
            len: 0,
        }
    }

    /// Sets the text to `ascii` (cut at 32 bytes).
    pub(crate) fn set(&mut self, ascii: &[u8]) {
        let n = ascii.len().min(self.buf.len());
        if let (Some(to), Some(from)) = (self.buf.get_mut(..n), ascii.get(..n)) {
            to.copy_from_slice(from);
        }
        self.len = n;
    }

    pub(crate) fn as_str(&self) -> &str {
        self.buf
            .get(..self.len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default()
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

    /// Every byte that matters, control characters, quotes, non-ASCII and long runs: the same
    /// text as serde_json writes.
    #[test]
    fn json_strings_match_serde_json() {
        let controls: String = (0u8..0x20).map(char::from).collect();
        let cases = [
            "",
            "plain",
            "\"quoted\" \\ back",
            "é😀\u{7f}\u{80}\u{2028}</script>",
            "a\u{0}b\u{1f}c\n\r\t\u{8}\u{c}",
            controls.as_str(),
        ];
        for s in cases {
            let mut out = String::from("x");
            put_json_str(s, &mut out);
            assert_eq!(
                out,
                format!("x{}", serde_json::to_string(s).unwrap()),
                "{s:?}"
            );
        }
    }

    /// The word-at-a-time test agrees with the table on every byte value, at every position
    /// of a word, and on lengths that leave a remainder.
    #[test]
    fn json_escape_test_matches_the_table() {
        for len in [1usize, 7, 8, 9, 16, 23] {
            for at in 0..len {
                for b in 0u8..=255 {
                    let mut s = vec![b'a'; len];
                    s[at] = b;
                    assert_eq!(
                        needs_json_escape(&s),
                        JSON_ESCAPE[usize::from(b)] != 0,
                        "byte {b:#x} at {at} of {len}"
                    );
                    // Next to a byte of 0x80 or more, whose borrow must not leak.
                    if at + 1 < len {
                        s[at + 1] = 0xff;
                        assert_eq!(needs_json_escape(&s), JSON_ESCAPE[usize::from(b)] != 0);
                    }
                }
            }
        }
    }

    #[test]
    fn hex_matches_the_definition() {
        assert_eq!(hex_lower(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(hex_upper(&[0x00, 0x0f, 0xa5, 0xff]), "000FA5FF");
    }

    #[test]
    fn stack_text() {
        let mut t = StackText::new();
        t.set(b"2017-05");
        assert_eq!(t.as_str(), "2017-05");
        t.set(&[b'x'; 40]);
        assert_eq!(t.as_str().len(), 32, "full: the rest is dropped");
    }
}
