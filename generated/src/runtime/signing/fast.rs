//! What the generated signing functions write with.
//!
//! For every endpoint and every scheme of its transport that the generator can specialise,
//! the endpoint's `Request::sign` runs a function generated from the scheme's recipe and the
//! endpoint's parameters: names, separators and literals are merged into constant text, the
//! order of the parameters is fixed (sorted at generation time where the recipe sorts), and
//! only the values are written at run time, into one [`Text`] (the signed request) and one
//! [`Payload`] (the string to sign, fed to the prepared key as it is written). The engine
//! ([`super::Signer::sign_http`], [`super::Signer::sign_ws`]) stays the reference: a property
//! test checks that both write the same bytes for every endpoint and scheme.
//!
//! These items exist for generated code; they check nothing a recipe would need checked.

use std::ops::Range;

use hmac::Mac;
use sha2::{Sha256, Sha512};

use super::encode::{Sink, encode_into, put_json_inner};
pub use super::engine::{BaseUrl, Digits, Stamp, integer_timestamp};
use super::engine::{SignError, encode_signature};
use super::keys::PreparedKey;
use super::recipe::{Encoding, Output};
use super::signed::{HeaderSpan, HeaderSpans, SignedHttp, SignedWs, Span, offset};

/// Appends the typed values a request carries, in the forms the wire takes them (as they
/// are, percent-encoded, as JSON), to a [`Sink`].
macro_rules! writes {
    () => {
        /// Appends `s`.
        #[inline]
        pub fn put_str(&mut self, s: &str) {
            Sink::put_str(self, s);
        }

        /// Appends an ASCII byte.
        #[inline]
        pub fn put_byte(&mut self, b: u8) {
            Sink::put_ascii(self, b);
        }

        /// Appends `s` percent-encoded as RFC 3986 (unreserved characters kept, `%XX`
        /// upper-case otherwise).
        #[inline]
        pub fn put_rfc3986(&mut self, s: &str) {
            encode_into(s, Encoding::Rfc3986, self);
        }

        /// Appends the inside of a JSON string holding `s` (no quotes), escaped as
        /// `serde_json` escapes it.
        #[inline]
        pub fn put_json_inner(&mut self, s: &str) {
            put_json_inner(s, self);
        }

        /// Appends `s` as a JSON string, quotes included.
        #[inline]
        pub fn put_json_str(&mut self, s: &str) {
            Sink::put_ascii(self, b'"');
            put_json_inner(s, self);
            Sink::put_ascii(self, b'"');
        }

        /// Appends `v` in decimal.
        #[inline]
        pub fn put_i64(&mut self, v: i64) {
            Sink::put_str(self, itoa::Buffer::new().format(v));
        }

        /// Appends `v` in decimal.
        #[inline]
        pub fn put_u64(&mut self, v: u64) {
            Sink::put_str(self, itoa::Buffer::new().format(v));
        }

        /// Appends `true` or `false`.
        #[inline]
        pub fn put_bool(&mut self, v: bool) {
            Sink::put_str(self, if v { "true" } else { "false" });
        }

        /// Appends `v` hyphenated, lower-case.
        #[inline]
        pub fn put_uuid(&mut self, v: &uuid::Uuid) {
            Sink::put_str(
                self,
                v.hyphenated()
                    .encode_lower(&mut uuid::Uuid::encode_buffer()),
            );
        }
    };
}

/// The text of a signed request being written: URL, header names and values, body (or
/// WebSocket frame) and timestamp, in one buffer, with the spans of the headers.
pub struct Text {
    text: String,
    headers: HeaderSpans,
    /// The start and end of the name of the header being written.
    header: (usize, usize),
}

impl Sink for Text {
    #[inline]
    fn put_str(&mut self, s: &str) {
        self.text.push_str(s);
    }

    #[inline]
    fn put_ascii(&mut self, b: u8) {
        debug_assert!(b.is_ascii(), "{b:#x} is not ASCII");
        self.text.push(char::from(b));
    }
}

impl Text {
    /// An empty text with room for `capacity` bytes.
    #[inline]
    pub fn with_capacity(capacity: usize) -> Self {
        Text {
            text: String::with_capacity(capacity),
            headers: HeaderSpans::new(),
            header: (0, 0),
        }
    }

    writes!();

    /// Bytes written so far.
    #[inline]
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Whether nothing is written yet.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// What was written from `start` on.
    #[inline]
    pub fn since(&self, start: usize) -> Range<usize> {
        start..self.text.len()
    }

    /// The text at `range` (empty if it is not one, which cannot happen for ranges from
    /// [`Text::since`]).
    #[inline]
    pub fn slice(&self, range: Range<usize>) -> &str {
        self.text.get(range).unwrap_or_default()
    }

    /// The query written since `start`, where a `?` is written first unless nothing is:
    /// the text after the `?` (empty when there is no query).
    #[inline]
    pub fn query_since(&self, start: usize) -> Range<usize> {
        (start + 1).min(self.text.len())..self.text.len()
    }

    /// Starts a URL: writes the base URL's root and returns where the path signed starts.
    #[inline]
    pub fn put_root(&mut self, base: &BaseUrl<'_>) -> usize {
        let path = self.text.len() + base.origin_len();
        self.text.push_str(base.root());
        path
    }

    /// Starts a header: writes its name; its value follows, then [`Text::end_header`].
    #[inline]
    pub fn begin_header(&mut self, name: &str) {
        let start = self.text.len();
        self.text.push_str(name);
        self.header = (start, self.text.len());
    }

    /// Ends the header begun last; `sensitive` when its value carries a secret.
    #[inline]
    pub fn end_header(&mut self, sensitive: bool) {
        self.headers.push(HeaderSpan {
            start: offset(self.header.0),
            split: offset(self.header.1),
            end: offset(self.text.len()),
            sensitive,
        });
    }

    /// Appends the timestamp (if any) and returns the signed HTTP request.
    #[inline]
    pub fn finish_http(
        mut self,
        method: &'static str,
        url: Range<usize>,
        body: Option<Range<usize>>,
        timestamp: Option<&str>,
    ) -> Result<SignedHttp, SignError> {
        let timestamp = timestamp.map(|t| self.append(t));
        if u32::try_from(self.text.len()).is_err() {
            return Err(SignError::TooLarge(self.text.len()));
        }
        Ok(SignedHttp {
            method,
            text: self.text,
            url: span(url),
            headers: self.headers,
            body: body.map(span),
            timestamp,
        })
    }

    /// Appends the timestamp (if any) and returns the signed WebSocket frame.
    #[inline]
    pub fn finish_ws(
        mut self,
        frame: Range<usize>,
        timestamp: Option<&str>,
    ) -> Result<SignedWs, SignError> {
        let timestamp = timestamp.map(|t| self.append(t));
        if u32::try_from(self.text.len()).is_err() {
            return Err(SignError::TooLarge(self.text.len()));
        }
        Ok(SignedWs {
            text: self.text,
            frame: span(frame),
            timestamp,
        })
    }

    fn append(&mut self, t: &str) -> Span {
        let start = self.text.len();
        self.text.push_str(t);
        Span::since(start, &self.text)
    }
}

fn span(r: Range<usize>) -> Span {
    Span {
        start: offset(r.start),
        end: offset(r.end),
    }
}

/// The string to sign, fed to a prepared key as it is written: through a buffer on the
/// stack into an HMAC (one `update` per full buffer costs less than one per piece), or kept
/// whole for Ed25519 and RSA, which sign the whole message.
pub struct Payload<'k> {
    buf: [u8; 256],
    len: usize,
    target: Target<'k>,
}

enum Target<'k> {
    Sha256(hmac::Hmac<Sha256>),
    Sha512(hmac::Hmac<Sha512>),
    Message(&'k PreparedKey, Vec<u8>),
    /// No key: nothing is signed.
    Nothing,
}

impl Sink for Payload<'_> {
    #[inline]
    fn put_str(&mut self, s: &str) {
        self.put_bytes(s.as_bytes());
    }

    #[inline]
    fn put_ascii(&mut self, b: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        } else {
            self.flush();
            self.put_bytes(&[b]);
        }
    }
}

/// Room kept for a signature written as text: HMAC and Ed25519 signatures fit on the stack,
/// RSA's go to the heap.
pub struct SignatureBuf {
    stack: [u8; 128],
    heap: String,
}

impl SignatureBuf {
    /// An empty buffer.
    #[inline]
    pub fn new() -> Self {
        SignatureBuf {
            stack: [0; 128],
            heap: String::new(),
        }
    }
}

impl Default for SignatureBuf {
    fn default() -> Self {
        SignatureBuf::new()
    }
}

impl<'k> Payload<'k> {
    pub(crate) fn new(key: Option<&'k PreparedKey>) -> Self {
        let target = match key {
            Some(PreparedKey::HmacSha256(mac)) => Target::Sha256(mac.clone()),
            Some(PreparedKey::HmacSha512(mac)) => Target::Sha512(mac.clone()),
            Some(key) => Target::Message(key, Vec::new()),
            None => Target::Nothing,
        };
        Payload {
            buf: [0; 256],
            len: 0,
            target,
        }
    }

    writes!();

    /// Appends bytes: copied into the buffer, which is fed to the key when it is full.
    #[inline]
    fn put_bytes(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        if let Some(room) = self.buf.get_mut(self.len..end) {
            room.copy_from_slice(bytes);
            self.len = end;
            return;
        }
        self.spill(bytes);
    }

    /// Flushes the buffer and takes `bytes`, which do not fit in what is left of it.
    #[cold]
    fn spill(&mut self, bytes: &[u8]) {
        self.flush();
        match self.buf.get_mut(..bytes.len()) {
            Some(room) => {
                room.copy_from_slice(bytes);
                self.len = bytes.len();
            }
            None => self.feed(bytes),
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        match &mut self.target {
            Target::Sha256(mac) => mac.update(bytes),
            Target::Sha512(mac) => mac.update(bytes),
            Target::Message(_, msg) => msg.extend_from_slice(bytes),
            Target::Nothing => {}
        }
    }

    fn flush(&mut self) {
        let len = std::mem::take(&mut self.len);
        let Payload { buf, target, .. } = self;
        let pending = buf.get(..len).unwrap_or_default();
        match target {
            Target::Sha256(mac) => mac.update(pending),
            Target::Sha512(mac) => mac.update(pending),
            Target::Message(_, msg) => msg.extend_from_slice(pending),
            Target::Nothing => {}
        }
    }

    /// Signs what was written and writes the signature as `output` says, into `buf`; `None`
    /// when the signer has no key.
    #[inline]
    pub fn finish(self, output: Output, buf: &mut SignatureBuf) -> Option<&str> {
        let Payload {
            buf: pending,
            len,
            target,
        } = self;
        let pending = pending.get(..len).unwrap_or_default();
        let SignatureBuf { stack, heap } = buf;
        let text = match target {
            Target::Sha256(mut mac) => {
                mac.update(pending);
                encode_signature(&mac.finalize().into_bytes(), output, stack)
            }
            Target::Sha512(mut mac) => {
                mac.update(pending);
                encode_signature(&mac.finalize().into_bytes(), output, stack)
            }
            Target::Message(key, mut msg) => {
                msg.extend_from_slice(pending);
                key.sign_with(&msg, |raw| encode_signature(raw, output, stack))
            }
            Target::Nothing => return None,
        };
        Some(match text {
            std::borrow::Cow::Borrowed(s) => s,
            std::borrow::Cow::Owned(s) => {
                *heap = s;
                heap.as_str()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::signing::recipe::{KeyEncoding, SignAlgorithm};

    /// The payload fed in pieces of every size, across the buffer's end, signs what the key
    /// signs whole.
    #[test]
    fn payload_pieces_sign_the_whole() {
        let text: String = (0..1500)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        for alg in [SignAlgorithm::HmacSha256, SignAlgorithm::HmacSha512] {
            let key = PreparedKey::new("secret", alg, KeyEncoding::Raw, "key").unwrap();
            for step in [1usize, 7, 63, 64, 65, 255, 256, 300, 1500] {
                let mut p = Payload::new(Some(&key));
                for chunk in text.as_bytes().chunks(step) {
                    p.put_str(std::str::from_utf8(chunk).unwrap());
                }
                p.put_byte(b'!');
                let mut buf = SignatureBuf::new();
                let got = p.finish(Output::Hex, &mut buf).unwrap().to_string();
                let mut whole = text.clone().into_bytes();
                whole.push(b'!');
                assert_eq!(got, const_hex::encode(key.sign(&whole)), "{alg:?} {step}");
            }
        }
        assert!(
            Payload::new(None)
                .finish(Output::Hex, &mut SignatureBuf::new())
                .is_none()
        );
    }

    /// The writes give the engine's text: JSON strings as `serde_json` writes them, RFC 3986
    /// with upper-case hex, integers and UUIDs as their `Display`.
    #[test]
    fn writes_match_the_engine_encodings() {
        let mut t = Text::with_capacity(0);
        t.put_json_str("a\"b\u{1}é");
        t.put_byte(b' ');
        t.put_rfc3986("a b/é");
        t.put_byte(b' ');
        t.put_i64(-7);
        t.put_u64(u64::MAX);
        t.put_bool(true);
        let u = uuid::Uuid::from_u128(0x9f2a1c4e_5b67_4d8a_bf93_2e1f4a6c8d10);
        t.put_uuid(&u);
        assert_eq!(
            t.slice(t.since(0)),
            format!(
                "{} a%20b%2F%C3%A9 -7{}true{u}",
                serde_json::to_string("a\"b\u{1}é").unwrap(),
                u64::MAX
            )
        );
    }
}
