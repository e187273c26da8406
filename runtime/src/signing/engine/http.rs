//! Signing HTTP requests: the request's text (headers, body, URL) written once, the string
//! to sign taken from it, the signature placed as the scheme says.

use super::transport_name;
use std::borrow::Cow;

use super::draft::{Draft, Text, Val, put_body_text};
use super::payload::{Explanation, Written};
use super::plan::Base;
use super::timestamp::StampBuf;
use super::{SignError, Signer, Timestamp};
use crate::request::{Location, WirePath, WireRequest, WireTransport};
use crate::signing::clock::Clock;
use crate::signing::encode::encode_into;
use crate::signing::recipe::{Encoding, Output, Place, SchemeTransport};
use crate::signing::signed::{
    Explained, HeaderSpan, HeaderSpans, SignedHttp, Span, check_headers, offset,
};

impl Signer {
    /// Signs an HTTP request to `base_url`.
    ///
    /// The query is written in the order the parameters were given (the request's, then the
    /// scheme's, then the signature), except for schemes that sign it sorted (a `params` part with `sort: true`): their
    /// URL carries it sorted, as signed, with the signature last.
    pub fn sign_http(
        &self,
        wire: &WireRequest<'_>,
        base_url: &str,
        timestamp: &Timestamp,
        clock: &dyn Clock,
    ) -> Result<SignedHttp, SignError> {
        self.http(wire, base_url, timestamp, clock, None)
    }

    /// Signs an HTTP request as [`Signer::sign_http`] does, and returns the string that was
    /// signed with it, in full and with secret credentials redacted.
    pub fn explain_http(
        &self,
        wire: &WireRequest<'_>,
        base_url: &str,
        timestamp: &Timestamp,
        clock: &dyn Clock,
    ) -> Result<Explained<SignedHttp>, SignError> {
        let mut ex = Explanation::default();
        let signed = self.http(wire, base_url, timestamp, clock, Some(&mut ex))?;
        Ok(Explained {
            signed,
            payload: ex.payload,
            redacted: ex.redacted,
        })
    }

    fn http(
        &self,
        wire: &WireRequest<'_>,
        base_url: &str,
        timestamp: &Timestamp,
        clock: &dyn Clock,
        explain: Option<&mut Explanation>,
    ) -> Result<SignedHttp, SignError> {
        let (method, path) = self.rest_parts(wire)?;
        let base = self.base(base_url)?;
        let mut stamp = StampBuf::new();
        let ts = self.timestamp(timestamp, clock, &mut stamp)?;
        // The signature: written here when it fits, borrowed by the draft once placed (so
        // declared before it, to outlive it).
        let mut stack = [0u8; 128];
        #[allow(clippy::needless_late_init)]
        let sig;
        let nonce = self.nonce();
        let mut d = Draft::new(method, ts);
        d.nonce = nonce.as_deref();
        d.body_format = wire.body_format;
        d.host = &base.host;
        d.prefix = &base.prefix;
        d.path = Some((path, &wire.params));
        d.object_body = self.scheme.object_body && matches!(method, "POST" | "PUT" | "PATCH");
        for p in &wire.params {
            match p.location {
                Location::Query | Location::Header => {
                    d.push(p.location, &p.name, None, Val::wire(&p.value), false);
                }
                Location::Body => {
                    d.upsert(Location::Body, &p.name, None, Val::wire(&p.value), false);
                }
                Location::Path | Location::WsParams => {}
            }
        }
        self.add(&mut d, explain.is_some());

        // Everything but the signature is known: write headers, body and URL into one buffer
        // (the URL last, so that a signature in the query is appended to it), then sign.
        let s = self.scheme;
        let place = (s.place.as_ref()).filter(|_| s.sign.is_some() && self.key.is_some());
        let body_signed = place.is_none_or(|p| p.location != Location::Body);
        let mut out = self.write_unsigned(&d, &base, body_signed);
        let written = Written {
            text: &out.text,
            path: out.path,
            query: (out.query, self.url_sorted, s.query_encoding),
            body: out.body,
        };
        sig = match place.filter(|p| p.composed()) {
            Some(place) => self
                .sign_token(&d, Some(&written), explain, place)
                .map(Cow::Owned),
            None => self.sign_payload(&d, Some(&written), explain, &mut stack),
        };
        if let (Some(sig), Some(place)) = (&sig, place) {
            self.place_signature(&mut out, &mut d, sig, place);
        }
        out.finish(&d, method)
    }

    /// The method and path of a REST request, refused when it is not one or this signer
    /// signs another transport, or its path is not a path.
    fn rest_parts<'w>(
        &self,
        wire: &'w WireRequest<'_>,
    ) -> Result<(&'static str, &'w WirePath<'w>), SignError> {
        let s = self.scheme;
        let wrong = || SignError::WrongTransport {
            scheme: s.name,
            expected: transport_name(s.transport),
        };
        let WireTransport::Rest { method, path } = &wire.transport else {
            return Err(wrong());
        };
        if s.transport != SchemeTransport::Rest {
            return Err(wrong());
        }
        if let WirePath::Text(text) = path
            && (!text.starts_with('/') || text.contains(['?', '#']))
        {
            return Err(SignError::Path(text.to_string()));
        }
        Ok((method, path))
    }

    /// Writes the headers, the body (when it is signed as it is, `body_signed`) and the URL.
    fn write_unsigned(&self, d: &Draft<'_>, base: &Base, body_signed: bool) -> HttpText {
        let encoding = self.scheme.query_encoding;
        let room = base.root.len()
            + d.prefix.len()
            + 64
            + (d.entries.iter())
                .map(|e| (e.name.len() + e.value.len_hint()) * 5 / 4 + 4)
                .sum::<usize>()
            // Signature, `Content-Type`, timestamp.
            + 192;
        let mut text = String::with_capacity(room);
        let mut headers = HeaderSpans::new();
        for e in d.entries.iter().filter(|e| e.location == Location::Header) {
            let value = e.value.text();
            push_header(&mut text, &mut headers, e.name, &value, e.sensitive);
        }
        let mut body = None;
        if body_signed && d.has_body() {
            let start = text.len();
            put_body_text(d, false, &mut text);
            body = Some(Span::since(start, &text));
        }
        let url_start = text.len();
        text.push_str(&base.root);
        let path_start = url_start + base.origin_len;
        d.put_path(&mut text);
        let path = Span::since(path_start, &text);
        let query_start = text.len() + 1;
        let mut has_query = false;
        d.each(Location::Query, self.url_sorted, |_, e| {
            text.push(if has_query { '&' } else { '?' });
            has_query = true;
            e.put_name(encoding, &mut text);
            text.push('=');
            e.value.text().put(encoding, &mut text);
        });
        let query = Span::since(query_start.min(text.len()), &text);
        let url = Span::since(url_start, &text);
        HttpText {
            text,
            headers,
            body,
            path,
            query,
            url_start,
            url,
            has_query,
        }
    }

    /// Puts the signature where the scheme says: appended to the query, as a header, or as a
    /// body member (the body is then written by [`HttpText::finish`]).
    fn place_signature<'a>(
        &self,
        out: &mut HttpText,
        d: &mut Draft<'a>,
        sig: &'a str,
        place: &'a Place,
    ) {
        let encoding = self.scheme.query_encoding;
        match place.location {
            Location::Query => {
                let text = &mut out.text;
                text.push(if out.has_query { '&' } else { '?' });
                encode_into(&place.name, encoding, text);
                text.push('=');
                // Hex and URL-safe base64 need no escape; standard base64 may (`+/=`).
                match self.scheme.sign.as_ref().map(|sign| sign.output) {
                    Some(Output::Hex | Output::HexUpper | Output::Base64Url) => text.push_str(sig),
                    _ => encode_into(sig, encoding, text),
                }
                // Nothing was written since the URL.
                out.url = Span::since(out.url_start, text);
            }
            Location::Header => {
                // A composed value (a bearer token) is a credential in itself.
                let value = Text::Str(sig);
                let sensitive = place.composed();
                push_header(
                    &mut out.text,
                    &mut out.headers,
                    &place.name,
                    &value,
                    sensitive,
                );
            }
            Location::Body => {
                let value = Val::Str(Cow::Borrowed(sig));
                d.upsert(Location::Body, &place.name, None, value, false);
            }
            Location::Path | Location::WsParams => {}
        }
    }
}

/// An HTTP request's text as it is written: headers, body, URL, and where each lies.
struct HttpText {
    text: String,
    headers: HeaderSpans,
    body: Option<Span>,
    /// The path (base URL prefix included) and the query, as signed.
    path: Span,
    query: Span,
    /// Where the URL starts, and the URL so far.
    url_start: usize,
    url: Span,
    /// Whether the URL has a query yet.
    has_query: bool,
}

impl HttpText {
    /// Writes the body if it is still to be written (it holds the signature), its
    /// `Content-Type` and the timestamp, and returns the signed request.
    fn finish(mut self, d: &Draft<'_>, method: &'static str) -> Result<SignedHttp, SignError> {
        let text = &mut self.text;
        if self.body.is_none() && d.has_body() {
            let start = text.len();
            put_body_text(d, false, text);
            self.body = Some(Span::since(start, text));
        }
        if self.body.is_some() {
            let content_type = Text::Str(d.body_format.content_type());
            push_header(
                text,
                &mut self.headers,
                "Content-Type",
                &content_type,
                false,
            );
        }
        let timestamp = d.timestamp.map(|t| {
            let start = text.len();
            text.push_str(t);
            Span::since(start, text)
        });
        if u32::try_from(text.len()).is_err() {
            return Err(SignError::TooLarge(text.len()));
        }
        check_headers(&self.text, &self.headers, u64::MAX)?;
        Ok(SignedHttp {
            method,
            text: self.text,
            url: self.url,
            headers: self.headers,
            body: self.body,
            timestamp,
        })
    }
}

/// Appends a header to the request's text.
fn push_header(
    text: &mut String,
    headers: &mut HeaderSpans,
    name: &str,
    value: &Text<'_>,
    sensitive: bool,
) {
    let start = text.len();
    text.push_str(name);
    let split = text.len();
    value.put(Encoding::None, text);
    headers.push(HeaderSpan {
        start: offset(start),
        split: offset(split),
        end: offset(text.len()),
        sensitive,
    });
}
