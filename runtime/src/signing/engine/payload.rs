//! Where the string to sign is written (a MAC, a buffer, or the string and its redacted form
//! when explaining), what of the request is already written, and how a signature is encoded.

use std::borrow::Cow;

use base64::Engine as _;
use hmac::Mac;

use super::draft::Text;
use crate::request::Location;
use crate::signing::encode::{Sink, encode_into, hex_lower, hex_upper};
use crate::signing::recipe::{Encoding, Output};
use crate::signing::signed::Span;

/// Where the string to sign (or an added value) is written: a MAC fed as it goes, a buffer
/// (for Ed25519 and RSA, digests and assembled values), or both the string and its redacted
/// form (when explaining).
pub(super) trait Payload: Sink + Sized {
    /// Whether the redacted form is kept too: then nothing is copied from the request
    /// already written (whose text holds secrets in the clear), everything is written from
    /// its parts.
    const EXPLAIN: bool;

    /// Appends bytes (a digest's are not UTF-8).
    fn put_bytes(&mut self, bytes: &[u8]);

    /// Appends a credential's value, shown as `[name]` in the redacted form if `secret`.
    fn put_credential(&mut self, _name: &str, value: &str, _secret: bool) {
        self.put_str(value);
    }

    /// Appends `real`, encoded; the redacted form gets `shown`, encoded.
    fn put_alt(&mut self, real: &Text<'_>, _shown: &str, encoding: Encoding) {
        real.put(encoding, self);
    }
}

impl Payload for Vec<u8> {
    const EXPLAIN: bool = false;

    fn put_bytes(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// A MAC fed through a buffer on the stack: the string to sign arrives in many small pieces
/// (`k`, `=`, `v`, `&`, ...), and one `update` per full buffer costs less than one per piece.
pub(super) struct MacSink<'m, M> {
    mac: &'m mut M,
    buf: [u8; 256],
    len: usize,
}

impl<'m, M: Mac> MacSink<'m, M> {
    pub(super) fn new(mac: &'m mut M) -> Self {
        MacSink {
            mac,
            buf: [0; 256],
            len: 0,
        }
    }

    /// Feeds what is buffered to the MAC (call once everything is written).
    pub(super) fn flush(&mut self) {
        if let Some(pending) = self.buf.get(..self.len) {
            self.mac.update(pending);
        }
        self.len = 0;
    }
}

impl<M: Mac> Sink for MacSink<'_, M> {
    fn put_str(&mut self, s: &str) {
        self.put_bytes(s.as_bytes());
    }

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

impl<M: Mac> Payload for MacSink<'_, M> {
    const EXPLAIN: bool = false;

    fn put_bytes(&mut self, bytes: &[u8]) {
        // A large piece (a query or body as written) with nothing before it goes straight in;
        // otherwise it is copied, so that the string to sign is fed in one `update` (each
        // costs more than copying a hundred bytes).
        if bytes.len() >= 64 && self.len == 0 {
            self.mac.update(bytes);
            return;
        }
        let end = self.len + bytes.len();
        if let Some(room) = self.buf.get_mut(self.len..end) {
            room.copy_from_slice(bytes);
            self.len = end;
            return;
        }
        self.flush();
        match self.buf.get_mut(..bytes.len()) {
            Some(room) => {
                room.copy_from_slice(bytes);
                self.len = bytes.len();
            }
            None => self.mac.update(bytes),
        }
    }
}

/// The string to sign and, alongside, its redacted form.
#[derive(Default)]
pub(super) struct Tee {
    pub(super) real: Vec<u8>,
    pub(super) shown: Vec<u8>,
}

impl Sink for Tee {
    fn put_str(&mut self, s: &str) {
        self.put_bytes(s.as_bytes());
    }

    fn put_ascii(&mut self, b: u8) {
        self.real.push(b);
        self.shown.push(b);
    }
}

impl Payload for Tee {
    const EXPLAIN: bool = true;

    fn put_bytes(&mut self, bytes: &[u8]) {
        self.real.extend_from_slice(bytes);
        self.shown.extend_from_slice(bytes);
    }

    fn put_credential(&mut self, name: &str, value: &str, secret: bool) {
        self.real.extend_from_slice(value.as_bytes());
        if secret {
            self.shown.push(b'[');
            self.shown.extend_from_slice(name.as_bytes());
            self.shown.push(b']');
        } else {
            self.shown.extend_from_slice(value.as_bytes());
        }
    }

    fn put_alt(&mut self, real: &Text<'_>, shown: &str, encoding: Encoding) {
        real.put(encoding, &mut self.real);
        encode_into(shown, encoding, &mut self.shown);
    }
}

/// `bytes` as text, bytes that are not UTF-8 (from a digest) replaced by U+FFFD.
pub(super) fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// What of the request is already written when the string to sign is built, so that it is
/// signed as written instead of written again.
pub(super) struct Written<'w> {
    pub(super) text: &'w str,
    /// The path (base URL prefix included).
    pub(super) path: Span,
    /// The URL's query (after `?`, possibly empty), whether it is sorted, and its encoding.
    pub(super) query: (Span, bool, Encoding),
    /// The body, if there is one.
    pub(super) body: Option<Span>,
}

impl Written<'_> {
    /// The written text of `Params { from, sort, encoding }`, if it is the URL's query.
    pub(super) fn params(&self, from: Location, sort: bool, encoding: Encoding) -> Option<&str> {
        let (span, sorted, written) = self.query;
        (from == Location::Query && sort == sorted && encoding == written)
            .then(|| span.of(self.text))
    }
}

/// The string to sign and its redacted form, when explaining.
#[derive(Default)]
pub(super) struct Explanation {
    pub(super) payload: Vec<u8>,
    pub(super) redacted: String,
}

/// A signature written as the scheme writes it: into `stack` when it fits (MACs and Ed25519),
/// else on the heap (RSA).
#[inline]
pub(in crate::signing) fn encode_signature<'s>(
    raw: &[u8],
    output: Output,
    stack: &'s mut [u8; 128],
) -> Cow<'s, str> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    let len = match output {
        Output::Hex | Output::HexUpper => Some(raw.len() * 2),
        Output::Base64 => base64::encoded_len(raw.len(), true),
        Output::Base64Url => base64::encoded_len(raw.len(), false),
    };
    let room = len.and_then(|len| stack.get_mut(..len));
    let text: Option<&str> = room.and_then(|room| match output {
        // Hex is written as text: no check needed.
        Output::Hex => const_hex::encode_to_str(raw, room).ok().map(|s| &*s),
        Output::HexUpper => const_hex::encode_to_str_upper(raw, room).ok().map(|s| &*s),
        Output::Base64 => match STANDARD.encode_slice(raw, room) {
            Ok(n) => room.get(..n).and_then(|b| std::str::from_utf8(b).ok()),
            Err(_) => None,
        },
        Output::Base64Url => match URL_SAFE_NO_PAD.encode_slice(raw, room) {
            Ok(n) => room.get(..n).and_then(|b| std::str::from_utf8(b).ok()),
            Err(_) => None,
        },
    });
    match text {
        Some(text) => Cow::Borrowed(text),
        None => Cow::Owned(match output {
            Output::Hex => hex_lower(raw),
            Output::HexUpper => hex_upper(raw),
            Output::Base64 => STANDARD.encode(raw),
            Output::Base64Url => URL_SAFE_NO_PAD.encode(raw),
        }),
    }
}
