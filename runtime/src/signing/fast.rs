//! What the generated signing functions write with.
//!
//! For every endpoint and every scheme of its transport that the generator can specialise,
//! the endpoint's `Request::sign` runs a function generated from the scheme's recipe and the
//! endpoint's parameters: names, separators and literals are merged into constant text, the
//! order of the parameters is fixed (sorted at generation time where the recipe sorts), and
//! only the values are written at run time, into one [`Text`] (the signed request) and one
//! sink for the string to sign ([`HmacPayload`], fed to the prepared key as it is written, or
//! [`MessagePayload`] for Ed25519 and RSA). The engine
//! ([`super::Signer::sign_http`], [`super::Signer::sign_ws`]) stays the reference: a property
//! test checks that both write the same bytes for every endpoint and scheme.
//!
//! These items exist for generated code; they check nothing a recipe would need checked.

use std::ops::Range;

use hmac::Mac;
use sha2::{Sha256, Sha384, Sha512};

use super::encode::{Sink, encode_into, put_json_inner};
pub use super::engine::{BaseSlot, BaseUrl, Constant, Digits, Stamp, integer_timestamp};
use super::engine::{SignError, encode_signature};
use super::keys::PreparedKey;
use super::recipe::{Encoding, Output};
use super::signed::{HeaderSpan, HeaderSpans, SignedHttp, SignedWs, Span, check_headers, offset};

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

        /// Appends `true` or `false`.
        #[inline]
        pub fn put_bool(&mut self, v: bool) {
            Sink::put_str(self, if v { "true" } else { "false" });
        }

        /// Appends the timestamp `ts` as it is.
        #[inline]
        pub fn put_timestamp(&mut self, ts: &str) {
            self.note_timestamp(|w| Sink::put_str(w, ts));
        }

        /// Appends the timestamp `ts` percent-encoded as RFC 3986.
        #[inline]
        pub fn put_timestamp_rfc3986(&mut self, ts: &str) {
            self.note_timestamp(|w| encode_into(ts, Encoding::Rfc3986, w));
        }

        /// Appends a timestamp in a numeric format as a JSON value: `text` bare if `bare`,
        /// else as a string (see [`integer_timestamp`]).
        #[inline]
        pub fn put_int_timestamp(&mut self, text: &str, bare: bool) {
            if bare {
                self.note_timestamp(|w| Sink::put_str(w, text));
            } else {
                self.put_json_str(text);
            }
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
    /// Where a timestamp was first written (the request's timestamp points there when it
    /// reads the same, instead of being appended).
    stamp: Option<Range<usize>>,
    /// Bit `i` set: header `i` holds text from the request or the caller, and is checked for
    /// control characters when the request is finished (headers from the 64th on always are).
    unchecked: u64,
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
    /// Appends `{` and a WebSocket frame's constant members (`"name":<JSON text>,`), the
    /// frame's start before `id`, as the engine writes it.
    #[inline]
    pub fn put_frame_head(&mut self, constants: &[(&str, &str)]) {
        super::engine::put_frame_head(constants, &mut self.text);
    }

    /// An empty text with room for `capacity` bytes.
    #[inline]
    pub fn with_capacity(capacity: usize) -> Self {
        Text {
            text: String::with_capacity(capacity),
            headers: HeaderSpans::new(),
            header: (0, 0),
            stamp: None,
            unchecked: 0,
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

    /// Writes a timestamp with `write`, noting where the first one is.
    #[inline]
    fn note_timestamp(&mut self, write: impl FnOnce(&mut Self)) {
        let start = self.text.len();
        write(self);
        if self.stamp.is_none() {
            self.stamp = Some(start..self.text.len());
        }
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

    /// Writes a whole header, `name: value`; `sensitive` when its value carries a secret.
    #[inline]
    pub fn put_header(&mut self, name: &str, value: &str, sensitive: bool) {
        self.check_next_header();
        let start = self.text.len();
        self.text.push_str(name);
        let split = self.text.len();
        self.text.push_str(value);
        self.headers.push(HeaderSpan {
            start: offset(start),
            split: offset(split),
            end: offset(self.text.len()),
            sensitive,
        });
    }

    /// Ends the header begun last; `sensitive` when its value carries a secret. Its text is
    /// checked for control characters when the request is finished.
    #[inline]
    pub fn end_header(&mut self, sensitive: bool) {
        self.check_next_header();
        self.end_clean_header(sensitive);
    }

    /// Notes that the next header is checked for control characters when finished.
    #[inline]
    fn check_next_header(&mut self) {
        self.unchecked |= 1u64.checked_shl(offset(self.headers.len())).unwrap_or(0);
    }

    /// Ends the header begun last, whose name and value hold no control character by
    /// construction: a literal name (checked when the spec was resolved), and a value of the
    /// signer's constants (checked when the signer was made) and signatures (hex or base64).
    #[inline]
    pub fn end_clean_header(&mut self, sensitive: bool) {
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
        check_headers(&self.text, &self.headers, self.unchecked)?;
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

    /// The span of the timestamp `t`: where it was first written if it reads the same
    /// there, else appended.
    ///
    /// The same length is enough: it was written as it is, percent-encoded (which lengthens
    /// it if it escapes anything), or as the integer it reads (which shortens it unless it
    /// is written canonically, see [`integer_timestamp`]).
    fn append(&mut self, t: &str) -> Span {
        if let Some(at) = self.stamp.clone()
            && at.len() == t.len()
        {
            debug_assert_eq!(self.text.get(at.clone()), Some(t));
            return span(at);
        }
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

    /// `raw` written as `output`: on the stack when it fits.
    #[inline]
    fn encode(&mut self, raw: &[u8], output: Output) -> &str {
        let SignatureBuf { stack, heap } = self;
        match encode_signature(raw, output, stack) {
            std::borrow::Cow::Borrowed(s) => s,
            std::borrow::Cow::Owned(s) => {
                *heap = s;
                heap.as_str()
            }
        }
    }
}

impl Default for SignatureBuf {
    fn default() -> Self {
        SignatureBuf::new()
    }
}

/// A signer's prepared HMAC key (the key schedule done): [`HmacKey::payload`] starts the
/// string to sign.
#[derive(Clone, Copy)]
pub struct HmacKey<'k, D: HmacDigest>(pub(crate) &'k hmac::Hmac<D>);

/// The digests HMAC keys use here.
pub trait HmacDigest: hmac::digest::block_api::EagerHash + Clone {}

impl HmacDigest for Sha256 {}
impl HmacDigest for Sha384 {}
impl HmacDigest for Sha512 {}

impl<D: HmacDigest> HmacKey<'_, D>
where
    hmac::Hmac<D>: Clone + Mac,
{
    /// A sink for the string to sign, fed to the key as it is written.
    #[inline(always)]
    pub fn payload(self) -> HmacPayload<D> {
        HmacPayload(self.0.clone())
    }
}

/// The string to sign, fed to a prepared HMAC key as it is written (the MAC's own block
/// buffer collects the pieces: collecting them first measured slower).
pub struct HmacPayload<D: HmacDigest>(hmac::Hmac<D>);

impl<D: HmacDigest> Sink for HmacPayload<D>
where
    hmac::Hmac<D>: Mac,
{
    #[inline]
    fn put_str(&mut self, s: &str) {
        self.0.update(s.as_bytes());
    }

    #[inline]
    fn put_ascii(&mut self, b: u8) {
        self.0.update(&[b]);
    }
}

impl<D: HmacDigest> HmacPayload<D>
where
    hmac::Hmac<D>: Mac,
{
    writes!();

    #[inline]
    fn note_timestamp(&mut self, write: impl FnOnce(&mut Self)) {
        write(self);
    }

    /// Signs what was written and writes the signature as `output` says, into `buf`.
    #[inline(always)]
    pub fn finish(self, output: Output, buf: &mut SignatureBuf) -> &str {
        let raw = self.0.finalize().into_bytes();
        // A MAC of at most 64 bytes always fits in hex: written here without the general
        // path (the room is exactly the text's size, so encoding cannot fail).
        let hex = 2 * raw.len();
        match output {
            Output::Hex | Output::HexUpper if hex <= buf.stack.len() => {
                let room = buf.stack.get_mut(..hex).unwrap_or_default();
                let text = if output == Output::Hex {
                    const_hex::encode_to_str(&raw, room)
                } else {
                    const_hex::encode_to_str_upper(&raw, room)
                };
                text.map(|s| &*s).unwrap_or_default()
            }
            Output::Base64 | Output::Base64Url => {
                use base64::Engine as _;
                use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
                let written = if output == Output::Base64 {
                    STANDARD.encode_slice(raw, &mut buf.stack)
                } else {
                    URL_SAFE_NO_PAD.encode_slice(raw, &mut buf.stack)
                };
                let text = written.ok().and_then(|n| buf.stack.get(..n));
                text.and_then(|t| std::str::from_utf8(t).ok())
                    .unwrap_or_default()
            }
            _ => buf.encode(&raw, output),
        }
    }
}

/// The string to sign, kept whole for a key that signs the whole message (Ed25519, RSA).
pub struct MessagePayload<'k> {
    key: &'k PreparedKey,
    message: Vec<u8>,
}

impl Sink for MessagePayload<'_> {
    #[inline]
    fn put_str(&mut self, s: &str) {
        self.message.extend_from_slice(s.as_bytes());
    }

    #[inline]
    fn put_ascii(&mut self, b: u8) {
        self.message.push(b);
    }
}

impl<'k> MessagePayload<'k> {
    pub(crate) fn new(key: &'k PreparedKey) -> Self {
        MessagePayload {
            key,
            message: Vec::with_capacity(256),
        }
    }

    writes!();

    #[inline]
    fn note_timestamp(&mut self, write: impl FnOnce(&mut Self)) {
        write(self);
    }

    /// Signs what was written and writes the signature as `output` says, into `buf`.
    pub fn finish(self, output: Output, buf: &mut SignatureBuf) -> &str {
        let SignatureBuf { stack, heap } = buf;
        match self
            .key
            .sign_with(&self.message, |raw| encode_signature(raw, output, stack))
        {
            std::borrow::Cow::Borrowed(s) => s,
            std::borrow::Cow::Owned(s) => {
                *heap = s;
                heap.as_str()
            }
        }
    }
}

#[cfg(test)]
mod tests;
