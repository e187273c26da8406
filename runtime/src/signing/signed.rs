//! What signing produces: a request exactly as it goes on the wire, held in one buffer.
//!
//! A signed HTTP request is one `String` holding the URL, every header name and value, the
//! body and the timestamp, with the ranges of each: signing allocates it once, and copying or
//! dropping the request is one allocation too.

use std::fmt;

use smallvec::SmallVec;

use super::engine::SignError;

/// A range of a signed request's text. Offsets are `u32` (the signer refuses a request of
/// 4 GiB or more) to keep a signed request small: it is returned, and moved, by value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

/// `n` as an offset in a signed request's text (truncated past 4 GiB; the signer then
/// refuses the request).
pub(crate) fn offset(n: usize) -> u32 {
    n as u32
}

impl Span {
    /// The text of `self` in `text` (empty if the span does not fit, which cannot happen for
    /// spans the signer recorded).
    pub(crate) fn of(self, text: &str) -> &str {
        text.get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }

    /// From `start` to the end of `text` so far.
    pub(crate) fn since(start: usize, text: &str) -> Self {
        Span {
            start: offset(start),
            end: offset(text.len()),
        }
    }
}

/// A header: its name at `start..split` and its value at `split..end`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct HeaderSpan {
    pub(crate) start: u32,
    pub(crate) split: u32,
    pub(crate) end: u32,
    /// Whether the value carries a secret (a bearer token): redacted when printed.
    pub(crate) sensitive: bool,
}

/// Headers of a signed request; the venues send at most five, so they stay inline.
pub(crate) type HeaderSpans = SmallVec<[HeaderSpan; 6]>;

/// Whether `text` holds a byte no header may carry: a C0 control (CR, LF, NUL, TAB ...) or
/// DEL. Tested eight bytes at a time (it runs on every header of every signed request).
#[inline]
pub(crate) fn has_control(text: &str) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    let (words, rest) = text.as_bytes().as_chunks::<8>();
    let mut found = 0;
    for w in words {
        let x = u64::from_ne_bytes(*w);
        let del = x ^ (ONES * 0x7f);
        // A byte below 0x20, or a byte equal to 0x7f (exact for "any byte", as in `encode`).
        found |= (x.wrapping_sub(ONES * 0x20) & !x & HIGH) | (del.wrapping_sub(ONES) & !del & HIGH);
    }
    found != 0 || rest.iter().any(|&b| b < 0x20 || b == 0x7f)
}

/// Refuses a request whose header names or values hold a control character (one that would
/// end the header and start another): the one check every signed HTTP request passes, from
/// the engine or a generated signing function, whatever put the value there (a credential,
/// a parameter, a raw timestamp). The error names the header, never the value.
///
/// Only the headers whose bit is set in `unchecked` are scanned (all headers from the 64th
/// on are): the engine passes `u64::MAX`; a generated signing function leaves out the
/// headers whose text cannot hold a control character ([`crate::__private::Text`]).
#[inline]
pub(crate) fn check_headers(
    text: &str,
    headers: &HeaderSpans,
    unchecked: u64,
) -> Result<(), SignError> {
    for (i, h) in headers.iter().enumerate() {
        if u32::try_from(i)
            .ok()
            .and_then(|i| 1u64.checked_shl(i))
            .is_some_and(|bit| unchecked & bit == 0)
        {
            continue;
        }
        let all = Span {
            start: h.start,
            end: h.end,
        };
        if has_control(all.of(text)) {
            let name = Span {
                start: h.start,
                end: h.split,
            };
            return Err(header_control(name.of(text)));
        }
    }
    Ok(())
}

/// The error for a header named `name` holding a control character.
#[cold]
pub(crate) fn header_control(name: &str) -> SignError {
    SignError::HeaderControl {
        header: name.escape_debug().to_string(),
    }
}

/// A signed HTTP request, exactly as it goes on the wire.
///
/// `Debug` and [`SignedHttp::render`] (unless told to reveal) print `[redacted]` for header
/// values that carry a secret.
#[derive(Clone)]
pub struct SignedHttp {
    pub(crate) method: &'static str,
    /// URL, header names and values, body and timestamp, at the spans below.
    pub(crate) text: String,
    pub(crate) url: Span,
    pub(crate) headers: HeaderSpans,
    pub(crate) body: Option<Span>,
    pub(crate) timestamp: Option<Span>,
}

impl SignedHttp {
    /// `GET`, `POST`, ...
    pub fn method(&self) -> &'static str {
        self.method
    }

    /// The full URL, query included.
    pub fn url(&self) -> &str {
        self.url.of(&self.text)
    }

    /// The headers in order (`Content-Type` included when there is a body), as
    /// `(name, value, sensitive)`: `sensitive` when the value carries a secret (a bearer
    /// token).
    pub fn headers(&self) -> impl ExactSizeIterator<Item = (&str, &str, bool)> + '_ {
        self.headers.iter().map(|h| {
            let name = Span {
                start: h.start,
                end: h.split,
            };
            let value = Span {
                start: h.split,
                end: h.end,
            };
            (name.of(&self.text), value.of(&self.text), h.sensitive)
        })
    }

    /// The value of a header (names compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v, _)| v)
    }

    /// The exact body, if any.
    pub fn body(&self) -> Option<&str> {
        self.body.map(|b| b.of(&self.text))
    }

    /// The timestamp as written into the request, if the scheme uses one.
    pub fn timestamp(&self) -> Option<&str> {
        self.timestamp.map(|t| t.of(&self.text))
    }

    /// Renders the request like an HTTP message; secret header values are shown only when
    /// `reveal` is set.
    pub fn render(&self, reveal: bool) -> String {
        let mut s = format!("{} {}\n", self.method, self.url());
        for (name, value, sensitive) in self.headers() {
            let v = if sensitive && !reveal {
                "[redacted]"
            } else {
                value
            };
            s.push_str(name);
            s.push_str(": ");
            s.push_str(v);
            s.push('\n');
        }
        if let Some(b) = self.body() {
            s.push('\n');
            s.push_str(b);
            s.push('\n');
        }
        s
    }
}

/// Two requests are equal when they send the same bytes (and mark the same headers secret).
impl PartialEq for SignedHttp {
    fn eq(&self, other: &Self) -> bool {
        self.method == other.method
            && self.url() == other.url()
            && self.headers().eq(other.headers())
            && self.body() == other.body()
            && self.timestamp() == other.timestamp()
    }
}

impl Eq for SignedHttp {}

impl fmt::Debug for SignedHttp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// The headers, secret values redacted.
        struct Headers<'s>(&'s SignedHttp);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut l = f.debug_list();
                for (name, value, sensitive) in self.0.headers() {
                    let value = if sensitive { "[redacted]" } else { value };
                    l.entry(&(name, value));
                }
                l.finish()
            }
        }
        f.debug_struct("SignedHttp")
            .field("method", &self.method)
            .field("url", &self.url())
            .field("headers", &Headers(self))
            .field("body", &self.body())
            .field("timestamp", &self.timestamp())
            .finish()
    }
}

/// A signed WebSocket API request frame, as the text sent.
#[derive(Clone)]
pub struct SignedWs {
    /// The frame's JSON text, then the timestamp.
    pub(crate) text: String,
    pub(crate) frame: Span,
    pub(crate) timestamp: Option<Span>,
}

impl SignedWs {
    /// The frame exactly as sent: `{"id":...,"method":...,"params":{...}}`, compact JSON,
    /// `params` holding the request's parameters in spec order, then the ones the scheme
    /// added, then the signature.
    pub fn frame_text(&self) -> &str {
        self.frame.of(&self.text)
    }

    /// The frame's text, owned (the buffer cut to the frame, not copied).
    pub fn into_frame_text(self) -> String {
        let mut text = self.text;
        text.truncate(self.frame.end as usize);
        if self.frame.start != 0 {
            text.drain(..self.frame.start as usize);
        }
        text
    }

    /// The frame as a JSON value (parsed from [`SignedWs::frame_text`]; for tests and tools,
    /// not for sending).
    pub fn frame(&self) -> serde_json::Value {
        serde_json::from_str(self.frame_text()).unwrap_or(serde_json::Value::Null)
    }

    /// The timestamp as written into the params, if the scheme uses one.
    pub fn timestamp(&self) -> Option<&str> {
        self.timestamp.map(|t| t.of(&self.text))
    }
}

/// Two frames are equal when they send the same text and report the same timestamp.
impl PartialEq for SignedWs {
    fn eq(&self, other: &Self) -> bool {
        self.frame_text() == other.frame_text() && self.timestamp() == other.timestamp()
    }
}

impl Eq for SignedWs {}

impl fmt::Debug for SignedWs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedWs")
            .field("frame", &self.frame_text())
            .field("timestamp", &self.timestamp())
            .finish()
    }
}

/// A signed request and the string that was signed, for debugging "signature invalid" and
/// for checking published vectors. Made by [`super::Signer::explain_http`] and
/// [`super::Signer::explain_ws`].
///
/// `Debug` shows the request and [`Explained::redacted`] only.
#[derive(Clone)]
pub struct Explained<T> {
    /// The request, exactly as signing alone returns it.
    pub signed: T,
    /// The string that was signed, byte for byte (empty when nothing was). It contains the
    /// secret credentials the scheme signs (a memo or passphrase): do not print it.
    pub payload: Vec<u8>,
    /// The string that was signed with the value of every secret credential replaced by
    /// `[name]` (bytes that are not UTF-8, from a digest, shown as U+FFFD): safe to print.
    pub redacted: String,
}

impl<T: fmt::Debug> fmt::Debug for Explained<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Explained")
            .field("signed", &self.signed)
            .field("redacted", &self.redacted)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::has_control;

    fn naive(s: &str) -> bool {
        s.bytes().any(|b| b < 0x20 || b == 0x7f)
    }

    /// Every byte value at every position of texts of 0 to 17 bytes (word and tail).
    #[test]
    fn has_control_finds_every_control_byte_anywhere() {
        for len in 0..=17 {
            for at in 0..len {
                for b in 0u8..0x80 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    let s = std::str::from_utf8(&bytes).unwrap();
                    assert_eq!(has_control(s), naive(s), "{len} {at} {b:#x}");
                }
            }
        }
    }

    proptest::proptest! {
        /// Agrees with the byte-by-byte definition on any text (non-ASCII included).
        #[test]
        fn has_control_is_the_naive_scan(s in "\\PC{0,40}|[\\x00-\\x7f\\u{80}-\\u{10ffff}]{0,40}") {
            proptest::prop_assert_eq!(has_control(&s), naive(&s));
        }
    }
}
