//! A signature verifier, written from the venues' docs and independent of the project's
//! signer (`generated::runtime::signing` is not used here).
//!
//! It checks what a venue's server receives: an HTTP request ([`ReceivedHttp`]: method, URL,
//! headers, body bytes) or a WebSocket API frame (a JSON value), so a mock venue can use it to
//! accept or refuse requests exactly as the venue would.
//!
//! | Venue | Function | What is signed |
//! |---|---|---|
//! | BitMart | [`verify_bitmart`] | `X-BM-TIMESTAMP + "#" + memo + "#" + body`, lower-case hex HMAC-SHA256 in `X-BM-SIGN` |
//! | HTX | [`verify_htx`] | `METHOD\nhost\npath\ncanonical query`, base64 HMAC-SHA256 in the `Signature` parameter |
//! | Binance USDⓈ-M WebSocket API | [`verify_binance_ws_hmac`], [`verify_binance_ws_ed25519`] | the sorted `params` (except `signature`) as `k=v&...` |
//! | p99 | [`verify_p99_hmac`], [`verify_p99_bearer`] | the query string before `&signature=`, then the body |
//!
//! Signatures and tokens are compared in constant time. Hex signatures must be lower-case, as
//! the docs write them (stricter than Binance's servers, which also take upper-case hex).
//! Errors ([`VerifyError`]) say what is wrong and never contain a secret.
//!
//! [`check_timestamp_window`] checks a request's timestamp against the server's clock.
//!
//! The HMAC verifiers take an [`HmacKey`] (borrowed key and secret) or a [`PreparedHmacKey`],
//! whose HMAC key state is computed once, for a server checking many requests (the mock).

use std::fmt;

use base64::Engine as _;
use ed25519_dalek::{Signature, VerifyingKey};
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, percent_encode};
use serde_json::{Map, Value};
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

/// RFC 3986 unreserved characters (`A-Za-z0-9-._~`) stay; every other byte becomes `%XX`
/// with upper-case hex (which is what `percent_encode` writes).
const UNRESERVED_KEPT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Length in bytes of an HMAC-SHA256 tag.
const HMAC_SHA256_LEN: usize = 32;

/// Why a request is refused. Never contains a secret (a secret, memo or token).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// A header the scheme needs is not sent.
    #[error("missing header `{0}`")]
    MissingHeader(&'static str),
    /// A header the scheme reads is sent more than once.
    #[error("header `{0}` is sent more than once")]
    DuplicateHeader(&'static str),
    /// A parameter the scheme needs is not sent.
    #[error("missing parameter `{0}`")]
    MissingParam(&'static str),
    /// A parameter the scheme reads is sent more than once.
    #[error("parameter `{0}` is sent more than once")]
    DuplicateParam(&'static str),
    /// A parameter whose value the scheme fixes has another value.
    #[error("parameter `{param}` must be `{expected}`")]
    UnexpectedValue {
        /// The parameter.
        param: &'static str,
        /// The only value accepted.
        expected: &'static str,
    },
    /// Something that cannot be read as the scheme describes it.
    #[error("malformed {what}: {reason}")]
    Malformed {
        /// What (`URL`, `X-BM-SIGN`, `WebSocket frame`).
        what: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// The request names an API key other than the one it is checked against.
    #[error("unknown API key")]
    UnknownApiKey,
    /// The signature is well-formed but does not match the request.
    #[error("signature does not match the request")]
    BadSignature,
    /// The bearer token is not the expected one.
    #[error("bearer token does not match")]
    BadToken,
    /// The timestamp is older than the receive window allows.
    #[error(
        "timestamp {timestamp_ms} is more than recvWindow {recv_window_ms} ms behind server time {now_ms}"
    )]
    TooOld {
        /// The request's timestamp (ms).
        timestamp_ms: i64,
        /// The server's time (ms).
        now_ms: i64,
        /// The receive window applied (ms).
        recv_window_ms: i64,
    },
    /// The timestamp is further ahead of the server's clock than allowed.
    #[error(
        "timestamp {timestamp_ms} is more than {max_ahead_ms} ms ahead of server time {now_ms}"
    )]
    TooFarAhead {
        /// The request's timestamp (ms).
        timestamp_ms: i64,
        /// The server's time (ms).
        now_ms: i64,
        /// How far ahead is allowed (ms).
        max_ahead_ms: i64,
    },
    /// The request's recvWindow is outside what the venue accepts.
    #[error("recvWindow {recv_window_ms} is outside (0, {max_ms}]")]
    RecvWindowOutOfRange {
        /// The recvWindow sent (ms).
        recv_window_ms: i64,
        /// The largest accepted (ms).
        max_ms: i64,
    },
}

fn malformed(what: &'static str, reason: &'static str) -> VerifyError {
    VerifyError::Malformed { what, reason }
}

/// An HTTP request as the venue's server receives it.
///
/// `url` is absolute (`https://host[:port]/path?query`): its authority stands for the `Host`
/// header, its path and query for the request target, both exactly as sent (no normalisation).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct ReceivedHttp {
    /// The method, as sent (`GET`); methods are case-sensitive.
    pub method: String,
    /// The absolute URL, query included, as sent.
    pub url: String,
    /// The headers, in order, names as sent (looked up case-insensitively).
    pub headers: Vec<(String, String)>,
    /// The exact body bytes; empty when there is no body.
    pub body: Vec<u8>,
}

impl ReceivedHttp {
    /// A request with no header and no body.
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Self {
        ReceivedHttp {
            method: method.into(),
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body bytes.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The value of header `name` (case-insensitive), which must be sent exactly once.
    pub fn single_header(&self, name: &'static str) -> Result<&str, VerifyError> {
        let mut found = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name));
        let (_, value) = found.next().ok_or(VerifyError::MissingHeader(name))?;
        if found.next().is_some() {
            return Err(VerifyError::DuplicateHeader(name));
        }
        Ok(value)
    }
}

impl fmt::Debug for ReceivedHttp {
    /// Prints the request with `Authorization` values redacted (they carry bearer tokens).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                let v = if n.eq_ignore_ascii_case("authorization") {
                    "[redacted]"
                } else {
                    v.as_str()
                };
                (n.as_str(), v)
            })
            .collect();
        f.debug_struct("ReceivedHttp")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// An API key as the venue knows it: the public key id and its HMAC secret.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct HmacKey<'a> {
    /// The API key sent with the request (`X-BM-KEY`, `AccessKeyId`, `apiKey`, `X-MBX-APIKEY`).
    pub api_key: &'a str,
    /// The secret; its UTF-8 bytes are the HMAC key, as all four venues use it.
    pub secret: &'a str,
}

impl fmt::Debug for HmacKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacKey")
            .field("api_key", &self.api_key)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// An API key and the HMAC-SHA256 key state of its secret, prepared once (the secret's key
/// schedule is not redone per request). Accepted wherever an [`HmacKey`] is.
#[derive(Clone)]
pub struct PreparedHmacKey {
    api_key: String,
    mac: Hmac<Sha256>,
}

impl PreparedHmacKey {
    /// Prepares `key` (HMAC takes keys of any length, so this fails only in theory).
    pub fn new(key: &HmacKey<'_>) -> Result<Self, VerifyError> {
        Ok(PreparedHmacKey {
            api_key: key.api_key.to_string(),
            mac: <Hmac<Sha256> as KeyInit>::new_from_slice(key.secret.as_bytes())
                .map_err(|_| malformed("HMAC key", "unusable length"))?,
        })
    }
}

impl fmt::Debug for PreparedHmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedHmacKey")
            .field("api_key", &self.api_key)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// An API key with its HMAC-SHA256 secret: [`HmacKey`] or [`PreparedHmacKey`].
pub trait HmacSecret {
    /// The API key sent with the request.
    fn api_key(&self) -> &str;
    /// Checks `tag` against HMAC-SHA256 of the concatenation of `parts`, in constant time.
    fn check(&self, parts: &[&[u8]], tag: &[u8]) -> Result<(), VerifyError>;
}

impl HmacSecret for HmacKey<'_> {
    fn api_key(&self) -> &str {
        self.api_key
    }

    fn check(&self, parts: &[&[u8]], tag: &[u8]) -> Result<(), VerifyError> {
        hmac_sha256_check(self.secret, parts, tag)
    }
}

impl HmacSecret for PreparedHmacKey {
    fn api_key(&self) -> &str {
        &self.api_key
    }

    fn check(&self, parts: &[&[u8]], tag: &[u8]) -> Result<(), VerifyError> {
        let mut mac = self.mac.clone();
        for p in parts {
            mac.update(p);
        }
        mac.verify_slice(tag).map_err(|_| VerifyError::BadSignature)
    }
}

/// What a verified request claimed, for the checks that follow (key permissions, timestamp
/// window).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The API key the request was signed for.
    pub api_key: String,
    /// The timestamp as sent: milliseconds for BitMart, Binance and p99; UTC
    /// `YYYY-MM-DDThh:mm:ss` for HTX.
    pub timestamp: String,
    /// The `recvWindow` sent (Binance, p99; BitMart's JSON body), if any.
    pub recv_window_ms: Option<i64>,
}

impl Verified {
    /// The timestamp in milliseconds, when it is written in milliseconds (not for HTX).
    pub fn timestamp_ms(&self) -> Option<i64> {
        parse_millis(&self.timestamp)
    }
}

// ---------------------------------------------------------------------------------------
// Shared pieces

/// Checks `tag` against HMAC-SHA256(`secret`, concatenation of `parts`), in constant time.
fn hmac_sha256_check(secret: &str, parts: &[&[u8]], tag: &[u8]) -> Result<(), VerifyError> {
    // HMAC takes keys of any length, so this cannot fail; map the error rather than panic.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .map_err(|_| malformed("HMAC key", "unusable length"))?;
    for p in parts {
        mac.update(p);
    }
    mac.verify_slice(tag).map_err(|_| VerifyError::BadSignature)
}

/// Decodes a lower-case hex HMAC-SHA256 tag (exactly 64 characters `0-9a-f`).
fn decode_hmac_hex(what: &'static str, text: &str) -> Result<Vec<u8>, VerifyError> {
    if text.len() != 2 * HMAC_SHA256_LEN {
        return Err(malformed(what, "not 64 hex digits"));
    }
    if !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(malformed(what, "not lower-case hex"));
    }
    const_hex::decode(text).map_err(|_| malformed(what, "not lower-case hex"))
}

/// Decodes standard padded base64, refusing non-canonical encodings.
fn decode_base64(what: &'static str, text: &str) -> Result<Vec<u8>, VerifyError> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| malformed(what, "not canonical padded base64"))
}

/// A non-negative integer written as ASCII digits (what the venues send as milliseconds).
fn parse_millis(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Percent-decodes `text`, refusing a `%` not followed by two hex digits.
fn percent_decode_strict(text: &str) -> Result<Vec<u8>, VerifyError> {
    let b = text.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'%' {
            let ok = b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                return Err(malformed("query", "`%` not followed by two hex digits"));
            }
        }
    }
    Ok(percent_decode_str(text).collect())
}

/// The pieces of an absolute `http(s)` URL, exactly as written.
struct UrlParts<'a> {
    /// `host[:port]` as written.
    authority: &'a str,
    /// The path (`/` when the URL has none).
    path: &'a str,
    /// What follows `?`, if there is a `?`.
    query: Option<&'a str>,
}

/// Splits an absolute URL without normalising anything. A fragment or user info is refused:
/// neither reaches a server.
fn split_url(url: &str) -> Result<UrlParts<'_>, VerifyError> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| malformed("URL", "not absolute"))?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(malformed("URL", "scheme is not http or https"));
    }
    if rest.contains('#') {
        return Err(malformed("URL", "has a fragment"));
    }
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, target) = rest.split_at(end);
    if authority.is_empty() {
        return Err(malformed("URL", "no host"));
    }
    if authority.contains('@') {
        return Err(malformed("URL", "has user info"));
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    Ok(UrlParts {
        authority,
        path: if path.is_empty() { "/" } else { path },
        query,
    })
}

/// A query parameter, percent-decoded.
struct QueryParam {
    name: Vec<u8>,
    value: Vec<u8>,
}

/// Splits a query into decoded `name=value` pairs (empty pieces between `&` are ignored; a
/// piece without `=` has an empty value).
fn parse_query(query: &str) -> Result<Vec<QueryParam>, VerifyError> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|piece| {
            let (n, v) = piece.split_once('=').unwrap_or((piece, ""));
            Ok(QueryParam {
                name: percent_decode_strict(n)?,
                value: percent_decode_strict(v)?,
            })
        })
        .collect()
}

/// The value of the parameter `name`, which must be sent at most once.
fn optional_param<'q>(
    params: &'q [QueryParam],
    name: &'static str,
) -> Result<Option<&'q str>, VerifyError> {
    let mut found = params.iter().filter(|p| p.name == name.as_bytes());
    let Some(first) = found.next() else {
        return Ok(None);
    };
    if found.next().is_some() {
        return Err(VerifyError::DuplicateParam(name));
    }
    std::str::from_utf8(&first.value)
        .map(Some)
        .map_err(|_| malformed(name, "not UTF-8"))
}

/// The value of the parameter `name`, which must be sent exactly once.
fn required_param<'q>(
    params: &'q [QueryParam],
    name: &'static str,
) -> Result<&'q str, VerifyError> {
    optional_param(params, name)?.ok_or(VerifyError::MissingParam(name))
}

/// The recvWindow parameter, if sent, as milliseconds.
fn recv_window_param(params: &[QueryParam]) -> Result<Option<i64>, VerifyError> {
    optional_param(params, "recvWindow")?
        .map(|v| parse_millis(v).ok_or_else(|| malformed("recvWindow", "not an integer")))
        .transpose()
}

/// Compares in constant time (a key id is not secret, but costs nothing to guard).
fn check_api_key(sent: &str, expected: &str) -> Result<(), VerifyError> {
    if bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(VerifyError::UnknownApiKey)
    }
}

// ---------------------------------------------------------------------------------------
// BitMart

/// Verifies a BitMart REST request signed for `key` and `memo`.
///
/// Reads headers `X-BM-KEY` (must be `key.api_key`), `X-BM-TIMESTAMP` (milliseconds) and
/// `X-BM-SIGN`, which must be the lower-case hex of
/// `HMAC-SHA256(secret, X-BM-TIMESTAMP + "#" + memo + "#" + body)` over the exact body bytes
/// (empty when there is no body). Method, URL and query are not signed by BitMart.
pub fn verify_bitmart(
    req: &ReceivedHttp,
    key: &impl HmacSecret,
    memo: &str,
) -> Result<Verified, VerifyError> {
    let api_key = req.single_header("X-BM-KEY")?;
    let timestamp = req.single_header("X-BM-TIMESTAMP")?;
    let sign = req.single_header("X-BM-SIGN")?;
    if parse_millis(timestamp).is_none() {
        return Err(malformed("X-BM-TIMESTAMP", "not milliseconds"));
    }
    let tag = decode_hmac_hex("X-BM-SIGN", sign)?;
    check_api_key(api_key, key.api_key())?;
    // BitMart signs the body of a POST and the query string (as sent) of a GET or DELETE.
    let query = req.url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    key.check(
        &[
            timestamp.as_bytes(),
            b"#",
            memo.as_bytes(),
            b"#",
            &req.body,
            query.as_bytes(),
        ],
        &tag,
    )?;
    Ok(Verified {
        api_key: api_key.to_string(),
        timestamp: timestamp.to_string(),
        recv_window_ms: body_recv_window(&req.body),
    })
}

/// `recvWindow` of a JSON object body, when it is an integer.
fn body_recv_window(body: &[u8]) -> Option<i64> {
    let v: Value = serde_json::from_slice(body).ok()?;
    v.get("recvWindow")?.as_i64()
}

// ---------------------------------------------------------------------------------------
// HTX

/// The string HTX signs for `req` (signature version 2):
/// `METHOD + "\n" + host + "\n" + path + "\n" + canonical query`.
///
/// The host is the URL's authority in lower case (`:port` included when written); the path is
/// as sent; the canonical query is every parameter except `Signature`, name and value
/// percent-decoded and re-encoded per RFC 3986 (unreserved `A-Za-z0-9-._~` kept, everything
/// else `%XX` upper-case), sorted by encoded name in byte order (stable for repeated names),
/// joined as `k=v` with `&`.
pub fn htx_string_to_sign(req: &ReceivedHttp) -> Result<String, VerifyError> {
    let url = split_url(&req.url)?;
    let params = parse_query(url.query.unwrap_or(""))?;
    Ok(htx_payload(req, &url, &params))
}

fn htx_payload(req: &ReceivedHttp, url: &UrlParts<'_>, params: &[QueryParam]) -> String {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .filter(|p| p.name != b"Signature")
        .map(|p| {
            (
                percent_encode(&p.name, UNRESERVED_KEPT).to_string(),
                percent_encode(&p.value, UNRESERVED_KEPT).to_string(),
            )
        })
        .collect();
    pairs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let canonical = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    format!(
        "{}\n{}\n{}\n{}",
        req.method,
        url.authority.to_ascii_lowercase(),
        url.path,
        canonical
    )
}

/// Whether `t` is a UTC timestamp written `YYYY-MM-DDThh:mm:ss`.
fn is_htx_timestamp(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

/// Verifies an HTX REST request (signature version 2) signed for `key`.
///
/// The query must hold `AccessKeyId` (= `key.api_key`), `SignatureMethod=HmacSHA256`,
/// `SignatureVersion=2`, `Timestamp` (UTC `YYYY-MM-DDThh:mm:ss`) and `Signature`, the base64 of
/// `HMAC-SHA256(secret, htx_string_to_sign(req))` (see [`htx_string_to_sign`]).
pub fn verify_htx(req: &ReceivedHttp, key: &impl HmacSecret) -> Result<Verified, VerifyError> {
    let url = split_url(&req.url)?;
    let params = parse_query(url.query.unwrap_or(""))?;
    let signature = required_param(&params, "Signature")?;
    let access_key = required_param(&params, "AccessKeyId")?;
    if required_param(&params, "SignatureMethod")? != "HmacSHA256" {
        return Err(VerifyError::UnexpectedValue {
            param: "SignatureMethod",
            expected: "HmacSHA256",
        });
    }
    if required_param(&params, "SignatureVersion")? != "2" {
        return Err(VerifyError::UnexpectedValue {
            param: "SignatureVersion",
            expected: "2",
        });
    }
    let timestamp = required_param(&params, "Timestamp")?;
    if !is_htx_timestamp(timestamp) {
        return Err(malformed("Timestamp", "not YYYY-MM-DDThh:mm:ss"));
    }
    let tag = decode_base64("Signature", signature)?;
    check_api_key(access_key, key.api_key())?;
    let payload = htx_payload(req, &url, &params);
    key.check(&[payload.as_bytes()], &tag)?;
    Ok(Verified {
        api_key: access_key.to_string(),
        timestamp: timestamp.to_string(),
        recv_window_ms: None,
    })
}

// ---------------------------------------------------------------------------------------
// Binance USDⓈ-M WebSocket API

/// Parses a WebSocket text frame as JSON (a frame that is not JSON is refused).
pub fn parse_ws_frame(text: &str) -> Result<Value, VerifyError> {
    serde_json::from_str(text).map_err(|_| malformed("WebSocket frame", "not JSON"))
}

/// The `params` of a `{"id", "method", "params"}` request frame.
fn ws_params(frame: &Value) -> Result<&Map<String, Value>, VerifyError> {
    let obj = frame
        .as_object()
        .ok_or_else(|| malformed("WebSocket frame", "not a JSON object"))?;
    match obj.get("id") {
        Some(Value::String(_) | Value::Number(_) | Value::Null) => {}
        Some(_) => {
            return Err(malformed(
                "WebSocket frame",
                "`id` is not a string or number",
            ));
        }
        None => return Err(VerifyError::MissingParam("id")),
    }
    match obj.get("method") {
        Some(Value::String(_)) => {}
        Some(_) => return Err(malformed("WebSocket frame", "`method` is not a string")),
        None => return Err(VerifyError::MissingParam("method")),
    }
    match obj.get("params") {
        Some(Value::Object(p)) => Ok(p),
        Some(_) => Err(malformed("WebSocket frame", "`params` is not an object")),
        None => Err(VerifyError::MissingParam("params")),
    }
}

/// A parameter's text as Binance signs it: strings as their text, numbers as written,
/// booleans as `true`/`false`.
fn binance_param_text(value: &Value) -> Result<String, VerifyError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => Err(malformed(
            "WebSocket params",
            "a value is not a string, number or boolean",
        )),
    }
}

/// The Binance WebSocket API payload of `params`: every parameter except `signature`, sorted
/// by name (byte order), joined as `k=v` with `&`, without percent-encoding.
pub fn binance_ws_payload(params: &Map<String, Value>) -> Result<String, VerifyError> {
    let mut pairs: Vec<(&str, String)> = params
        .iter()
        .filter(|(k, _)| k.as_str() != "signature")
        .map(|(k, v)| Ok((k.as_str(), binance_param_text(v)?)))
        .collect::<Result<_, VerifyError>>()?;
    pairs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    Ok(pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&"))
}

/// What every signed Binance frame carries: `apiKey` (a string), `timestamp` (an integer),
/// `signature` (a string) and optionally `recvWindow` (an integer).
struct BinanceSigned<'a> {
    api_key: &'a str,
    timestamp: String,
    recv_window_ms: Option<i64>,
    signature: &'a str,
    payload: String,
}

fn binance_signed(frame: &Value) -> Result<BinanceSigned<'_>, VerifyError> {
    let params = ws_params(frame)?;
    let api_key = match params.get("apiKey") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(malformed("apiKey", "not a JSON string")),
        None => return Err(VerifyError::MissingParam("apiKey")),
    };
    let timestamp = match params.get("timestamp") {
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => n.to_string(),
        Some(_) => return Err(malformed("timestamp", "not a JSON integer")),
        None => return Err(VerifyError::MissingParam("timestamp")),
    };
    let recv_window_ms = match params.get("recvWindow") {
        Some(Value::Number(n)) => Some(
            n.as_i64()
                .ok_or_else(|| malformed("recvWindow", "not a JSON integer"))?,
        ),
        Some(_) => return Err(malformed("recvWindow", "not a JSON integer")),
        None => None,
    };
    let signature = match params.get("signature") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(malformed("signature", "not a JSON string")),
        None => return Err(VerifyError::MissingParam("signature")),
    };
    Ok(BinanceSigned {
        api_key,
        timestamp,
        recv_window_ms,
        signature,
        payload: binance_ws_payload(params)?,
    })
}

impl BinanceSigned<'_> {
    fn verified(&self) -> Verified {
        Verified {
            api_key: self.api_key.to_string(),
            timestamp: self.timestamp.clone(),
            recv_window_ms: self.recv_window_ms,
        }
    }
}

/// Verifies a Binance USDⓈ-M WebSocket API request frame signed with an HMAC key: `params`
/// must hold `apiKey` (= `key.api_key`), `timestamp` and `signature`, the lower-case hex of
/// `HMAC-SHA256(secret, binance_ws_payload(params))` (see [`binance_ws_payload`]).
pub fn verify_binance_ws_hmac(
    frame: &Value,
    key: &impl HmacSecret,
) -> Result<Verified, VerifyError> {
    let s = binance_signed(frame)?;
    let tag = decode_hmac_hex("signature", s.signature)?;
    check_api_key(s.api_key, key.api_key())?;
    key.check(&[s.payload.as_bytes()], &tag)?;
    Ok(s.verified())
}

/// Verifies a Binance USDⓈ-M WebSocket API request frame signed with an Ed25519 key: `params`
/// must hold `apiKey` (= `api_key`), `timestamp` and `signature`, the base64 of the Ed25519
/// signature of [`binance_ws_payload`], checked with `public_key` (strict RFC 8032
/// verification).
pub fn verify_binance_ws_ed25519(
    frame: &Value,
    api_key: &str,
    public_key: &VerifyingKey,
) -> Result<Verified, VerifyError> {
    let s = binance_signed(frame)?;
    let raw = decode_base64("signature", s.signature)?;
    let bytes: [u8; 64] = raw
        .try_into()
        .map_err(|_| malformed("signature", "not 64 bytes"))?;
    check_api_key(s.api_key, api_key)?;
    public_key
        .verify_strict(s.payload.as_bytes(), &Signature::from_bytes(&bytes))
        .map_err(|_| VerifyError::BadSignature)?;
    Ok(s.verified())
}

// ---------------------------------------------------------------------------------------
// p99

/// Verifies a p99 REST request signed with an API key: header `X-MBX-APIKEY`
/// (= `key.api_key`); the query must end with `&signature=<hex>`, the lower-case hex of
/// `HMAC-SHA256(secret, query before "&signature=" + body)` over the query exactly as sent and
/// the exact body bytes (empty for GET). The signed part must hold `timestamp` (milliseconds)
/// and may hold `recvWindow`. The path is not signed by p99.
pub fn verify_p99_hmac(req: &ReceivedHttp, key: &impl HmacSecret) -> Result<Verified, VerifyError> {
    let api_key = req.single_header("X-MBX-APIKEY")?;
    let url = split_url(&req.url)?;
    let query = url.query.ok_or(VerifyError::MissingParam("signature"))?;
    let (signed, signature) = query
        .rsplit_once("&signature=")
        .ok_or(VerifyError::MissingParam("signature"))?;
    let params = parse_query(signed)?;
    if optional_param(&params, "signature")?.is_some() {
        return Err(VerifyError::DuplicateParam("signature"));
    }
    let timestamp = required_param(&params, "timestamp")?;
    if parse_millis(timestamp).is_none() {
        return Err(malformed("timestamp", "not milliseconds"));
    }
    let recv_window_ms = recv_window_param(&params)?;
    let tag = decode_hmac_hex("signature", signature)?;
    check_api_key(api_key, key.api_key())?;
    key.check(&[signed.as_bytes(), &req.body], &tag)?;
    Ok(Verified {
        api_key: api_key.to_string(),
        timestamp: timestamp.to_string(),
        recv_window_ms,
    })
}

/// Verifies a p99 REST request authenticated with a JWT: header
/// `Authorization: Bearer <token>` (scheme name case-insensitive) whose token equals
/// `expected_token`, compared in constant time. Nothing is signed, so nothing else is checked.
pub fn verify_p99_bearer(req: &ReceivedHttp, expected_token: &str) -> Result<(), VerifyError> {
    let auth = req.single_header("Authorization")?;
    let (scheme, token) = auth
        .split_once(' ')
        .ok_or_else(|| malformed("Authorization", "not `Bearer <token>`"))?;
    if !scheme.eq_ignore_ascii_case("Bearer") {
        return Err(malformed("Authorization", "not `Bearer <token>`"));
    }
    if bool::from(token.as_bytes().ct_eq(expected_token.as_bytes())) {
        Ok(())
    } else {
        Err(VerifyError::BadToken)
    }
}

// ---------------------------------------------------------------------------------------
// Timestamp window

/// How far a request's timestamp may be from the server's clock.
///
/// A request is accepted iff `now - recvWindow <= timestamp <= now + max_ahead_ms`, where
/// `recvWindow` is the request's own (which must lie in `(0, max_recv_window_ms]`) or
/// `default_recv_window_ms` when it sends none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampWindow {
    /// The recvWindow applied when the request sends none (ms).
    pub default_recv_window_ms: i64,
    /// The largest recvWindow a request may send (ms).
    pub max_recv_window_ms: i64,
    /// How far ahead of the server's clock a timestamp may be (ms).
    pub max_ahead_ms: i64,
}

impl TimestampWindow {
    /// Binance's rule (also p99's): recvWindow defaults to 5000 ms, at most 60000 ms; a
    /// timestamp may be at most 1000 ms ahead of the server.
    pub const BINANCE: TimestampWindow = TimestampWindow {
        default_recv_window_ms: 5000,
        max_recv_window_ms: 60_000,
        max_ahead_ms: 1000,
    };
}

/// Checks a request's timestamp against the server's clock.
///
/// - `now_ms`: the server's time, ms since the Unix epoch;
/// - `timestamp_ms`: the request's timestamp, same unit;
/// - `recv_window_ms`: the request's recvWindow, `None` when it sends none;
/// - `window`: the venue's rule ([`TimestampWindow::BINANCE`]).
///
/// Accepts iff `now_ms - recvWindow <= timestamp_ms <= now_ms + window.max_ahead_ms` (both
/// bounds inclusive, computed without overflow).
pub fn check_timestamp_window(
    now_ms: i64,
    timestamp_ms: i64,
    recv_window_ms: Option<i64>,
    window: &TimestampWindow,
) -> Result<(), VerifyError> {
    let recv_window = recv_window_ms.unwrap_or(window.default_recv_window_ms);
    if recv_window <= 0 || recv_window > window.max_recv_window_ms {
        return Err(VerifyError::RecvWindowOutOfRange {
            recv_window_ms: recv_window,
            max_ms: window.max_recv_window_ms,
        });
    }
    let (now, ts) = (i128::from(now_ms), i128::from(timestamp_ms));
    if ts < now - i128::from(recv_window) {
        return Err(VerifyError::TooOld {
            timestamp_ms,
            now_ms,
            recv_window_ms: recv_window,
        });
    }
    if ts > now + i128::from(window.max_ahead_ms) {
        return Err(VerifyError::TooFarAhead {
            timestamp_ms,
            now_ms,
            max_ahead_ms: window.max_ahead_ms,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key<'a>(api_key: &'a str, secret: &'a str) -> HmacKey<'a> {
        HmacKey { api_key, secret }
    }

    // --- BitMart ---------------------------------------------------------------------

    const BM_SECRET: &str = "6c6c98544461bbe71db2bca4c6d7fd0021e0ba9efc215f9c6ad41852df9d9df9";
    const BM_BODY: &str = r#"{"symbol":"BTC_USDT","price":"8600","count":"100"}"#;
    const BM_SIGN: &str = "c31dc326bf87f38bfb49a3f8494961abfa291bd549d0d98d9578e87516cee46d";

    fn bitmart_doc_request(sign: &str) -> ReceivedHttp {
        ReceivedHttp::new("POST", "https://api-cloud.bitmart.com/spot/v2/submit_order")
            .with_header("Content-Type", "application/json")
            .with_header("X-BM-KEY", "doc-key")
            .with_header("X-BM-TIMESTAMP", "1589793796145")
            .with_header("X-BM-SIGN", sign)
            .with_body(BM_BODY)
    }

    #[test]
    fn bitmart_doc_vector() {
        let v = verify_bitmart(
            &bitmart_doc_request(BM_SIGN),
            &key("doc-key", BM_SECRET),
            "test001",
        )
        .unwrap();
        assert_eq!(v.timestamp_ms(), Some(1_589_793_796_145));
        assert_eq!(v.api_key, "doc-key");
    }

    #[test]
    fn a_prepared_key_verifies_as_the_key_it_was_made_from() {
        let prepared = PreparedHmacKey::new(&key("doc-key", BM_SECRET)).unwrap();
        let req = bitmart_doc_request(BM_SIGN);
        assert_eq!(
            verify_bitmart(&req, &prepared, "test001"),
            verify_bitmart(&req, &key("doc-key", BM_SECRET), "test001")
        );
        assert!(verify_bitmart(&req, &prepared, "test001").is_ok());
        // Prepared state is not consumed by a check: the same key verifies again.
        assert!(verify_bitmart(&req, &prepared, "test001").is_ok());
        assert_eq!(
            verify_bitmart(&req, &prepared, "test002"),
            Err(VerifyError::BadSignature)
        );
        assert!(!format!("{prepared:?}").contains(BM_SECRET));
    }

    #[test]
    fn bitmart_refusals() {
        let k = key("doc-key", BM_SECRET);
        let e = |r: &ReceivedHttp, memo| verify_bitmart(r, &k, memo).unwrap_err();
        assert_eq!(
            e(&bitmart_doc_request(BM_SIGN), "test002"),
            VerifyError::BadSignature
        );
        assert!(matches!(
            e(
                &bitmart_doc_request(&BM_SIGN.to_ascii_uppercase()),
                "test001"
            ),
            VerifyError::Malformed { .. }
        ));
        let mut r = bitmart_doc_request(BM_SIGN);
        r.body.push(b' ');
        assert_eq!(e(&r, "test001"), VerifyError::BadSignature);
        let r = bitmart_doc_request(BM_SIGN).with_header("x-bm-sign", BM_SIGN);
        assert_eq!(e(&r, "test001"), VerifyError::DuplicateHeader("X-BM-SIGN"));
        let mut r = bitmart_doc_request(BM_SIGN);
        r.headers.retain(|(n, _)| n != "X-BM-TIMESTAMP");
        assert_eq!(
            e(&r, "test001"),
            VerifyError::MissingHeader("X-BM-TIMESTAMP")
        );
        assert_eq!(
            verify_bitmart(
                &bitmart_doc_request(BM_SIGN),
                &key("other", BM_SECRET),
                "test001"
            )
            .unwrap_err(),
            VerifyError::UnknownApiKey
        );
    }

    // --- HTX -------------------------------------------------------------------------

    const HTX_GO_URL: &str = "https://api.huobi.pro/v1/account/history?account-id=123&currency=btc&AccessKeyId=access&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2019-11-21T10%3A00%3A00&Signature=SGZYJ9Ub%2FhFerEBbSWsCxl8Djk%2BLRBgEZOB4fLc4T9Q%3D";

    #[test]
    fn htx_go_sdk_vector() {
        let req = ReceivedHttp::new("GET", HTX_GO_URL);
        assert_eq!(
            htx_string_to_sign(&req).unwrap(),
            "GET\napi.huobi.pro\n/v1/account/history\nAccessKeyId=access&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2019-11-21T10%3A00%3A00&account-id=123&currency=btc"
        );
        let v = verify_htx(&req, &key("access", "secret")).unwrap();
        assert_eq!(v.timestamp, "2019-11-21T10:00:00");
        assert_eq!(v.timestamp_ms(), None);
        // Upper-case host and lower-case percent-escapes mean the same request.
        let same = HTX_GO_URL
            .replace("api.huobi.pro", "API.Huobi.PRO")
            .replace("%2F", "%2f")
            .replace("%3A", "%3a");
        verify_htx(&ReceivedHttp::new("GET", same), &key("access", "secret")).unwrap();
    }

    #[test]
    fn htx_refusals() {
        let k = key("access", "secret");
        let e = |url: String| verify_htx(&ReceivedHttp::new("GET", url), &k).unwrap_err();
        assert_eq!(
            verify_htx(&ReceivedHttp::new("POST", HTX_GO_URL), &k).unwrap_err(),
            VerifyError::BadSignature
        );
        assert_eq!(
            e(HTX_GO_URL.replace("currency=btc", "currency=eth")),
            VerifyError::BadSignature
        );
        assert_eq!(
            e(HTX_GO_URL.replace("api.huobi.pro", "api.huobi.pro:8443")),
            VerifyError::BadSignature
        );
        assert_eq!(
            e(HTX_GO_URL.replace("SignatureVersion=2", "SignatureVersion=1")),
            VerifyError::UnexpectedValue {
                param: "SignatureVersion",
                expected: "2"
            }
        );
        assert_eq!(
            e(HTX_GO_URL.replace("&AccessKeyId=access", "")),
            VerifyError::MissingParam("AccessKeyId")
        );
        assert_eq!(
            e(format!("{HTX_GO_URL}&Signature=x")),
            VerifyError::DuplicateParam("Signature")
        );
        assert!(matches!(
            e(HTX_GO_URL.replace("%3A00%3A00", "%3A00%3G00")),
            VerifyError::Malformed { .. }
        ));
        assert!(matches!(
            e(format!("{HTX_GO_URL}#frag")),
            VerifyError::Malformed { .. }
        ));
        assert_eq!(
            verify_htx(
                &ReceivedHttp::new("GET", HTX_GO_URL),
                &key("access", "secreT")
            )
            .unwrap_err(),
            VerifyError::BadSignature
        );
    }

    #[test]
    fn htx_python_sdk_vector() {
        // The SDK test mocks the timestamp as `123`, which a server refuses; the string to
        // sign and its HMAC still match the SDK's.
        let req = ReceivedHttp::new(
            "GET",
            "http://host/url?AccessKeyId=123&SignatureVersion=2&SignatureMethod=HmacSHA256&Timestamp=123&Signature=Hhiaq8xYQPiBZOyWV37MdQutLo4f0ZOHiJtG3p%2BnILc%3D",
        );
        let payload = htx_string_to_sign(&req).unwrap();
        assert_eq!(
            payload,
            "GET\nhost\n/url\nAccessKeyId=123&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=123"
        );
        let tag =
            decode_base64("Signature", "Hhiaq8xYQPiBZOyWV37MdQutLo4f0ZOHiJtG3p+nILc=").unwrap();
        hmac_sha256_check("456", &[payload.as_bytes()], &tag).unwrap();
        assert!(matches!(
            verify_htx(&req, &key("123", "456")).unwrap_err(),
            VerifyError::Malformed {
                what: "Timestamp",
                ..
            }
        ));
    }

    #[test]
    fn htx_doc_string_to_sign() {
        let req = ReceivedHttp::new(
            "GET",
            "https://api.huobi.pro/v1/order/orders?AccessKeyId=e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx&order-id=1234567890&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2017-05-11T15%3A19%3A30&Signature=4F65x5A2bLyMWVQj3Aqp%2BB4w%2BivaA7n5Oi2SuYtCJ9o%3D",
        );
        assert_eq!(
            htx_string_to_sign(&req).unwrap(),
            "GET\napi.huobi.pro\n/v1/order/orders\nAccessKeyId=e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2017-05-11T15%3A19%3A30&order-id=1234567890"
        );
    }

    #[test]
    fn rfc3986_reencoding() {
        // `+` is a literal plus (not a space); `~` stays; `%7e` and `~` are the same byte.
        let req = ReceivedHttp::new("GET", "http://H:80/p?b=a+b%20c~%7e&a=%C3%A9");
        assert_eq!(
            htx_string_to_sign(&req).unwrap(),
            "GET\nh:80\n/p\na=%C3%A9&b=a%2Bb%20c~~"
        );
    }

    // --- Binance ---------------------------------------------------------------------

    const BN_SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
    const BN_KEY: &str = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";

    #[test]
    fn binance_ws_hmac_doc_vectors() {
        let frame = json!({
            "id": "4885f793-e5ad-4c3b-8f6c-55d891472b71",
            "method": "order.place",
            "params": {
                "symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT", "timeInForce": "GTC",
                "quantity": "0.01000000", "price": "52000.00", "recvWindow": 100,
                "timestamp": 1645423376532_i64, "apiKey": BN_KEY,
                "signature": "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24"
            }
        });
        let v = verify_binance_ws_hmac(&frame, &key(BN_KEY, BN_SECRET)).unwrap();
        assert_eq!(v.recv_window_ms, Some(100));
        assert_eq!(v.timestamp_ms(), Some(1_645_423_376_532));

        let logon = json!({
            "id": "c174a2b1-3f51-4580-b200-8528bd237cb7",
            "method": "session.logon",
            "params": {
                "apiKey": BN_KEY, "timestamp": 1649729878532_i64,
                "signature": "1cf54395b336b0a9727ef27d5d98987962bc47aca6e13fe978612d0adee066ed"
            }
        });
        verify_binance_ws_hmac(&logon, &key(BN_KEY, BN_SECRET)).unwrap();

        let mut tampered = frame.clone();
        tampered["params"]["price"] = json!("52000.01");
        assert_eq!(
            verify_binance_ws_hmac(&tampered, &key(BN_KEY, BN_SECRET)).unwrap_err(),
            VerifyError::BadSignature
        );
        let mut as_string = logon.clone();
        as_string["params"]["timestamp"] = json!("1649729878532");
        assert!(matches!(
            verify_binance_ws_hmac(&as_string, &key(BN_KEY, BN_SECRET)).unwrap_err(),
            VerifyError::Malformed {
                what: "timestamp",
                ..
            }
        ));
    }

    #[test]
    fn binance_ws_ed25519_rfc8032_key() {
        let pk: [u8; 32] =
            const_hex::decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
                .unwrap()
                .try_into()
                .unwrap();
        let pk = VerifyingKey::from_bytes(&pk).unwrap();
        let api_key = "4yNzx3yWC5bS6YTwEkSRaC0nRmSQIIStAUOh1b6kqaBrTLIhjCpI5lJH8q8R8WNO";
        let frame = json!({
            "id": 1, "method": "session.logon",
            "params": {
                "apiKey": api_key, "timestamp": 1649729878532_i64,
                "signature": "NBJq5sX1RkU7ta3XDctruMgnrhyBcouMvvPIxxQSCUbVWxhp3ai6W7a0Iip/3nOwmJxkVIv6n20cekYCOa5qAg=="
            }
        });
        verify_binance_ws_ed25519(&frame, api_key, &pk).unwrap();
        let mut late = frame.clone();
        late["params"]["timestamp"] = json!(1649729878533_i64);
        assert_eq!(
            verify_binance_ws_ed25519(&late, api_key, &pk).unwrap_err(),
            VerifyError::BadSignature
        );
    }

    #[test]
    fn binance_payload_renders_scalars() {
        let p = json!({"b": true, "a": "x y&z", "c": 5, "signature": "s"});
        assert_eq!(
            binance_ws_payload(p.as_object().unwrap()).unwrap(),
            "a=x y&z&b=true&c=5"
        );
        assert!(binance_ws_payload(json!({"a": null}).as_object().unwrap()).is_err());
    }

    // --- p99 -------------------------------------------------------------------------

    const P99_SECRET: &str = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9";
    const P99_URL: &str = "https://api-sepolia.p99.world/api/v1/spot/orders/9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10?timestamp=1778400000000&signature=eff9b3c3e56bbb7d3ed4339b3233f28d6b11de1a2a6958ad6ab6cfe3e234a543";

    #[test]
    fn p99_derived_vector() {
        let req = ReceivedHttp::new("GET", P99_URL).with_header("X-MBX-APIKEY", "k");
        let v = verify_p99_hmac(&req, &key("k", P99_SECRET)).unwrap();
        assert_eq!(v.timestamp_ms(), Some(1_778_400_000_000));
        assert_eq!(v.recv_window_ms, None);
        let with_body = req.clone().with_body("x");
        assert_eq!(
            verify_p99_hmac(&with_body, &key("k", P99_SECRET)).unwrap_err(),
            VerifyError::BadSignature
        );
        let no_sig = ReceivedHttp::new("GET", P99_URL.split("&signature").next().unwrap())
            .with_header("X-MBX-APIKEY", "k");
        assert_eq!(
            verify_p99_hmac(&no_sig, &key("k", P99_SECRET)).unwrap_err(),
            VerifyError::MissingParam("signature")
        );
    }

    #[test]
    fn p99_bearer() {
        let req = ReceivedHttp::new("GET", "https://x/spot/orders/1")
            .with_header("Authorization", "Bearer eyJ.token.sig");
        verify_p99_bearer(&req, "eyJ.token.sig").unwrap();
        assert_eq!(
            verify_p99_bearer(&req, "eyJ.token.sih").unwrap_err(),
            VerifyError::BadToken
        );
        assert!(!format!("{req:?}").contains("eyJ"));
    }

    // --- Timestamp window ------------------------------------------------------------

    #[test]
    fn timestamp_window_bounds() {
        let w = TimestampWindow::BINANCE;
        let now = 1_700_000_000_000;
        assert!(check_timestamp_window(now, now - 5000, None, &w).is_ok());
        assert!(matches!(
            check_timestamp_window(now, now - 5001, None, &w),
            Err(VerifyError::TooOld { .. })
        ));
        assert!(check_timestamp_window(now, now + 1000, None, &w).is_ok());
        assert!(matches!(
            check_timestamp_window(now, now + 1001, None, &w),
            Err(VerifyError::TooFarAhead { .. })
        ));
        assert!(check_timestamp_window(now, now - 60_000, Some(60_000), &w).is_ok());
        assert!(check_timestamp_window(now, now - 101, Some(100), &w).is_err());
        assert!(matches!(
            check_timestamp_window(now, now, Some(0), &w),
            Err(VerifyError::RecvWindowOutOfRange { .. })
        ));
        assert!(check_timestamp_window(now, now, Some(60_001), &w).is_err());
        // No overflow at the edges of i64.
        assert!(check_timestamp_window(i64::MIN, i64::MAX, None, &w).is_err());
        assert!(check_timestamp_window(i64::MAX, i64::MIN, None, &w).is_err());
    }

    #[test]
    fn secrets_never_print() {
        let k = key("public", "very-secret-value");
        assert!(!format!("{k:?}").contains("very-secret"));
        let err = verify_bitmart(&bitmart_doc_request(BM_SIGN), &k, "memo-secret").unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("very-secret") && !shown.contains("memo-secret"));
    }
}
