//! The interpreter: runs a [`Scheme`] over a request and produces exactly what goes on the wire.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt;
use std::sync::OnceLock;

use base64::Engine as _;
use sha2::Digest as _;

use super::clock::Clock;
use super::credentials::{CredentialError, Credentials};
use super::encode::{Decimal, Sink, encode_into, hex_lower, hex_upper};
use super::keys::{KeyError, PreparedKey};
use super::recipe::{
    DigestAlgorithm, Encoding, Output, Part, Scheme, SchemeTransport, TimestampFormat,
};
use crate::runtime::request::{Location, WireRequest, WireTransport, WireValue};

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// Credentials missing or unreadable.
    #[error(transparent)]
    Credential(#[from] CredentialError),
    /// A key that cannot be used.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// No scheme of the venue fits the transport and the credentials given.
    #[error(
        "no signing scheme for this {transport} request fits the credentials given (schemes: {schemes})"
    )]
    NoScheme {
        /// `REST` or `WebSocket`.
        transport: &'static str,
        /// The venue's schemes and what each needs.
        schemes: String,
    },
    /// The scheme is for the other transport.
    #[error("scheme `{scheme}` signs {expected} requests")]
    WrongTransport {
        /// The scheme.
        scheme: &'static str,
        /// What it signs.
        expected: &'static str,
    },
    /// The base URL is not a URL.
    #[error("invalid base URL `{url}`: {reason}")]
    BaseUrl {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// A timestamp that cannot be written in the scheme's format.
    #[error("timestamp {0} ms is out of range")]
    Timestamp(i64),
}

/// Which timestamp to sign with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Timestamp {
    /// The clock's current time.
    Now,
    /// This instant, in milliseconds since the Unix epoch (written in the scheme's format).
    AtMillis(i64),
    /// This exact text (to reproduce published vectors whose timestamp is not a real time).
    Raw(String),
}

/// A header of a signed request.
#[derive(Clone, PartialEq, Eq)]
pub struct Header {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
    /// Whether the value carries a secret (a bearer token); redacted when printed.
    pub sensitive: bool,
}

impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v: &dyn fmt::Debug = if self.sensitive {
            &"[redacted]"
        } else {
            &self.value
        };
        f.debug_struct("Header")
            .field("name", &self.name)
            .field("value", v)
            .finish()
    }
}

/// A signed HTTP request, exactly as it goes on the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHttp {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The full URL, query included.
    pub url: String,
    /// Headers, in order (`Content-Type` included when there is a body).
    pub headers: Vec<Header>,
    /// The exact body bytes, if any.
    pub body: Option<String>,
    /// The string that was signed (for debugging "signature invalid").
    pub payload: Vec<u8>,
    /// The timestamp as written into the request.
    pub timestamp: Option<String>,
}

impl SignedHttp {
    /// The value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// Renders the request like an HTTP message; secret header values are shown only when
    /// `reveal` is set.
    pub fn render(&self, reveal: bool) -> String {
        let mut s = format!("{} {}\n", self.method, self.url);
        for h in &self.headers {
            let v = if h.sensitive && !reveal {
                "[redacted]"
            } else {
                &h.value
            };
            s.push_str(&format!("{}: {v}\n", h.name));
        }
        if let Some(b) = &self.body {
            s.push('\n');
            s.push_str(b);
            s.push('\n');
        }
        s
    }
}

impl fmt::Debug for SignedHttp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedHttp")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .field("payload", &String::from_utf8_lossy(&self.payload))
            .finish()
    }
}

/// A signed WebSocket API request frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedWs {
    /// `{"id": ..., "method": ..., "params": {...}}`
    pub frame: serde_json::Value,
    /// The string that was signed (empty when nothing was).
    pub payload: Vec<u8>,
    /// The timestamp as written into the params.
    pub timestamp: Option<String>,
}

/// A scheme bound to credentials, with its key prepared once.
#[derive(Debug, Clone)]
pub struct Signer {
    scheme: &'static Scheme,
    credentials: Credentials,
    key: Option<PreparedKey>,
    /// The first base URL that parsed, kept: a client calls one environment, and parsing its
    /// URL was a tenth of a signature's time. Any other URL is parsed on each call.
    base: OnceLock<Base>,
}

/// What signing needs from a base URL.
#[derive(Debug, Clone)]
struct Base {
    /// The URL as given.
    url: String,
    /// `https://host[:port]`.
    origin: String,
    /// `host[:port]`, lower-case, as signed.
    host: String,
    /// The path prefix (`/api/v1`, no trailing slash).
    prefix: String,
}

impl Base {
    fn parse(url: &str) -> Result<Self, SignError> {
        let (origin, host, prefix) = split_base(url)?;
        Ok(Base {
            url: url.to_string(),
            origin,
            host,
            prefix,
        })
    }
}

/// A parameter's value while the scheme runs. It borrows from the request, the credentials or
/// the scheme wherever it can, so that most parameters are never copied before they are
/// written into the string to sign, the URL or the body.
enum Val<'a> {
    /// A value of the request.
    Wire(&'a WireValue),
    /// Text the scheme added (a key, a timestamp, a literal, a signature).
    Text(Cow<'a, str>),
    /// A timestamp the scheme added in a numeric format: a JSON integer in bodies and
    /// WebSocket params, as the venues require.
    Int(i64),
}

impl Val<'_> {
    /// The text signed and sent: a string as it is, a number in decimal, `true`/`false`.
    fn text(&self) -> Text<'_> {
        match self {
            Val::Wire(WireValue::Str(s)) => Text::Str(s),
            Val::Wire(WireValue::Int(i)) | Val::Int(i) => Text::Num(Decimal::signed(*i)),
            Val::Wire(WireValue::UInt(u)) => Text::Num(Decimal::unsigned(*u)),
            Val::Wire(WireValue::Bool(b)) => Text::Str(if *b { "true" } else { "false" }),
            Val::Text(s) => Text::Str(s),
        }
    }

    /// At least the length of [`Val::text`] for most values, without writing numbers.
    fn len_hint(&self) -> usize {
        match self {
            Val::Wire(WireValue::Str(s)) => s.len(),
            Val::Text(s) => s.len(),
            Val::Wire(WireValue::Bool(_)) => 5,
            Val::Wire(WireValue::Int(_) | WireValue::UInt(_)) | Val::Int(_) => 20,
        }
    }

    /// The value in a JSON object.
    fn into_json(self) -> serde_json::Value {
        match self {
            Val::Wire(w) => w.to_json(),
            Val::Text(s) => serde_json::Value::String(s.into_owned()),
            Val::Int(i) => i.into(),
        }
    }
}

impl serde::Serialize for Val<'_> {
    /// As [`Val::into_json`] would serialise, without building the `serde_json::Value`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Val::Wire(WireValue::Str(v)) => s.serialize_str(v),
            Val::Wire(WireValue::Int(v)) | Val::Int(v) => s.serialize_i64(*v),
            Val::Wire(WireValue::UInt(v)) => s.serialize_u64(*v),
            Val::Wire(WireValue::Bool(v)) => s.serialize_bool(*v),
            Val::Text(v) => s.serialize_str(v),
        }
    }
}

/// The text of a [`Val`], numbers written on the stack.
enum Text<'a> {
    Str(&'a str),
    Num(Decimal),
}

impl Text<'_> {
    fn as_bytes(&self) -> &[u8] {
        match self {
            Text::Str(s) => s.as_bytes(),
            Text::Num(n) => n.as_bytes(),
        }
    }

    /// Appends the text, encoded.
    fn put(&self, encoding: Encoding, out: &mut impl Sink) {
        match self {
            Text::Str(s) => encode_into(s, encoding, out),
            // Digits and `-` read the same in every encoding.
            Text::Num(n) => n.put(out),
        }
    }
}

/// A named parameter whose text can be signed: a query, body or WebSocket parameter, or a
/// header.
trait Param {
    fn name(&self) -> &str;
    fn text(&self) -> Text<'_>;
}

impl Param for (&str, Val<'_>) {
    fn name(&self) -> &str {
        self.0
    }

    fn text(&self) -> Text<'_> {
        self.1.text()
    }
}

impl Param for Header {
    fn name(&self) -> &str {
        &self.name
    }

    fn text(&self) -> Text<'_> {
        Text::Str(&self.value)
    }
}

/// Appends `params` as `name=value` joined by `&`, names and values encoded, in the order given
/// or sorted by name, then value (byte-wise).
///
/// Sorting orders indices, on the stack for up to 32 parameters, and writes a value's text
/// only when two names are equal: no parameter is copied.
fn put_params(params: &[impl Param], sort: bool, encoding: Encoding, out: &mut Vec<u8>) {
    let mut on_stack = [0usize; 32];
    let mut on_heap = Vec::new();
    let order: &mut [usize] = match on_stack.get_mut(..params.len()) {
        Some(order) => order,
        None => {
            on_heap.resize(params.len(), 0);
            &mut on_heap
        }
    };
    for (i, o) in order.iter_mut().enumerate() {
        *o = i;
    }
    if sort {
        // Unstable is fine: parameters that compare equal have the same text.
        order.sort_unstable_by(|&a, &b| {
            let (a, b) = (&params[a], &params[b]);
            a.name()
                .cmp(b.name())
                .then_with(|| a.text().as_bytes().cmp(b.text().as_bytes()))
        });
    }
    for (n, &i) in order.iter().enumerate() {
        if n > 0 {
            out.push(b'&');
        }
        encode_into(params[i].name(), encoding, out);
        out.push(b'=');
        params[i].text().put(encoding, out);
    }
}

/// Named values in order; a name given twice keeps its first place and its last value, as a
/// JSON object (`serde_json::Map` with `preserve_order`) keeps them.
type Object<'a> = Vec<(&'a str, Val<'a>)>;

/// Sets `name` in `object`.
fn upsert<'a>(object: &mut Object<'a>, name: &'a str, value: Val<'a>) {
    match object.iter_mut().find(|(n, _)| *n == name) {
        Some(slot) => slot.1 = value,
        None => object.push((name, value)),
    }
}

/// `object` as compact JSON, exactly as `serde_json` writes the same members in a `Map`.
fn json_object_text(object: &Object<'_>) -> String {
    struct Members<'s, 'a>(&'s Object<'a>);
    impl serde::Serialize for Members<'_, '_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap as _;
            let mut map = s.serialize_map(Some(self.0.len()))?;
            for (name, value) in self.0 {
                map.serialize_entry(name, value)?;
            }
            map.end()
        }
    }
    serde_json::to_string(&Members(object)).expect("strings and integers always serialise")
}

/// What a request looks like while the scheme runs.
struct Draft<'a> {
    method: &'a str,
    /// `host[:port]` as signed.
    host: &'a str,
    /// The base URL's path prefix; the path signed and sent is `prefix` + `path`.
    prefix: &'a str,
    path: &'a str,
    timestamp: Option<&'a str>,
    /// In the order sent; a name may repeat.
    query: Vec<(&'a str, Val<'a>)>,
    headers: Vec<Header>,
    body: Object<'a>,
    /// The body's JSON text once written (the string to sign and the request share it);
    /// emptied whenever the body changes.
    body_json: OnceCell<String>,
    ws: Object<'a>,
}

impl<'a> Draft<'a> {
    /// A draft with room for the parameters `wire` and `scheme` put in each location.
    fn new(
        method: &'a str,
        timestamp: Option<&'a str>,
        wire: &WireRequest,
        scheme: &Scheme,
    ) -> Self {
        let room = |location: Location| {
            wire.params
                .iter()
                .filter(|p| p.location == location)
                .count()
                + scheme.add.iter().filter(|a| a.location == location).count()
                + usize::from(scheme.place.is_some_and(|p| p.location == location))
        };
        Draft {
            method,
            host: "",
            prefix: "",
            path: "",
            timestamp,
            query: Vec::with_capacity(room(Location::Query)),
            // One more for `Content-Type` when there may be a body.
            headers: Vec::with_capacity(
                room(Location::Header) + usize::from(room(Location::Body) > 0),
            ),
            body: Vec::with_capacity(room(Location::Body)),
            body_json: OnceCell::new(),
            ws: Vec::with_capacity(room(Location::WsParams)),
        }
    }

    /// Adds a parameter the scheme computed; an `integer` goes into JSON (body, WebSocket
    /// params) as a number.
    fn insert(
        &mut self,
        location: Location,
        name: &'a str,
        value: Cow<'a, str>,
        sensitive: bool,
        integer: bool,
    ) {
        let json = |value: Cow<'a, str>| match integer.then(|| value.parse::<i64>()) {
            Some(Ok(n)) => Val::Int(n),
            _ => Val::Text(value),
        };
        match location {
            Location::Query => self.query.push((name, Val::Text(value))),
            Location::Header => self.headers.push(Header {
                name: name.to_string(),
                value: value.into_owned(),
                sensitive,
            }),
            Location::Body => {
                upsert(&mut self.body, name, json(value));
                self.body_json = OnceCell::new();
            }
            Location::WsParams => upsert(&mut self.ws, name, json(value)),
            Location::Path => {}
        }
    }

    /// The body's JSON text, written once.
    fn body_json(&self) -> &str {
        self.body_json.get_or_init(|| json_object_text(&self.body))
    }
}

impl Signer {
    /// Binds `scheme` to `credentials`: checks that every credential it reads is set and
    /// prepares the signing key.
    pub fn new(scheme: &'static Scheme, credentials: &Credentials) -> Result<Self, SignError> {
        credentials.require(scheme.credentials)?;
        let key = match scheme.sign {
            Some(s) => {
                let value = credentials
                    .get(s.key)
                    .map(|v| v.expose())
                    .unwrap_or_default();
                Some(PreparedKey::new(s.key, s.algorithm, s.key_encoding, value)?)
            }
            None => None,
        };
        Ok(Signer {
            scheme,
            credentials: credentials.clone(),
            key,
            base: OnceLock::new(),
        })
    }

    /// The first of `schemes` for `transport` whose credentials are all set.
    pub fn choose(
        schemes: &'static [Scheme],
        transport: SchemeTransport,
        credentials: &Credentials,
    ) -> Result<Self, SignError> {
        let fits = schemes
            .iter()
            .find(|s| s.transport == transport && credentials.has_all(s.credentials));
        match fits {
            Some(s) => Signer::new(s, credentials),
            None => Err(SignError::NoScheme {
                transport: if transport == SchemeTransport::Rest {
                    "REST"
                } else {
                    "WebSocket"
                },
                schemes: schemes
                    .iter()
                    .filter(|s| s.transport == transport)
                    .map(|s| format!("{} needs {}", s.name, s.credentials.join(" + ")))
                    .collect::<Vec<_>>()
                    .join("; "),
            }),
        }
    }

    /// The scheme in use.
    pub fn scheme(&self) -> &'static Scheme {
        self.scheme
    }

    /// Signs an HTTP request to `base_url`.
    pub fn sign_http(
        &self,
        wire: &WireRequest,
        base_url: &str,
        timestamp: &Timestamp,
        clock: &dyn Clock,
    ) -> Result<SignedHttp, SignError> {
        let WireTransport::Rest { method, path } = &wire.transport else {
            return Err(SignError::WrongTransport {
                scheme: self.scheme.name,
                expected: "WebSocket",
            });
        };
        if self.scheme.transport != SchemeTransport::Rest {
            return Err(SignError::WrongTransport {
                scheme: self.scheme.name,
                expected: "WebSocket",
            });
        }
        let base = self.base(base_url)?;
        let ts = self.timestamp(timestamp, clock)?;
        let mut d = Draft::new(method, ts.as_deref(), wire, self.scheme);
        d.host = &base.host;
        d.prefix = &base.prefix;
        d.path = path;
        for p in &wire.params {
            match p.location {
                Location::Query => d.query.push((&p.name, Val::Wire(&p.value))),
                Location::Header => d.headers.push(Header {
                    name: p.name.to_string(),
                    value: p.value.to_text(),
                    sensitive: false,
                }),
                Location::Body => upsert(&mut d.body, &p.name, Val::Wire(&p.value)),
                Location::Path | Location::WsParams => {}
            }
        }
        let payload = self.run(&mut d);
        let body = (!d.body.is_empty()).then(|| {
            d.body_json
                .take()
                .unwrap_or_else(|| json_object_text(&d.body))
        });
        if body.is_some() {
            d.headers.push(Header {
                name: "Content-Type".into(),
                value: "application/json".into(),
                sensitive: false,
            });
        }
        let encoding = self.scheme.query_encoding;
        // Room for the query with some escapes (`%3A` in a timestamp, `%2B` in base64).
        let query_len: usize = d
            .query
            .iter()
            .map(|(k, v)| (k.len() + v.len_hint()) * 5 / 4 + 2)
            .sum();
        let mut url =
            String::with_capacity(base.origin.len() + d.prefix.len() + d.path.len() + query_len);
        url.push_str(&base.origin);
        url.push_str(d.prefix);
        url.push_str(d.path);
        for (i, (k, v)) in d.query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            encode_into(k, encoding, &mut url);
            url.push('=');
            v.text().put(encoding, &mut url);
        }
        Ok(SignedHttp {
            method: method.to_string(),
            url,
            headers: d.headers,
            body,
            payload,
            timestamp: ts,
        })
    }

    /// Signs a WebSocket API request with frame id `id`.
    pub fn sign_ws(
        &self,
        wire: &WireRequest,
        id: &str,
        timestamp: &Timestamp,
        clock: &dyn Clock,
    ) -> Result<SignedWs, SignError> {
        let WireTransport::Ws { method } = &wire.transport else {
            return Err(SignError::WrongTransport {
                scheme: self.scheme.name,
                expected: "REST",
            });
        };
        if self.scheme.transport != SchemeTransport::Ws {
            return Err(SignError::WrongTransport {
                scheme: self.scheme.name,
                expected: "REST",
            });
        }
        let ts = self.timestamp(timestamp, clock)?;
        let mut d = Draft::new(method, ts.as_deref(), wire, self.scheme);
        for p in wire.at(Location::WsParams) {
            upsert(&mut d.ws, &p.name, Val::Wire(&p.value));
        }
        let payload = self.run(&mut d);
        let mut params = serde_json::Map::with_capacity(d.ws.len());
        for (name, value) in d.ws {
            params.insert(name.to_string(), value.into_json());
        }
        let mut frame = serde_json::Map::with_capacity(3);
        frame.insert("id".into(), id.into());
        frame.insert("method".into(), (*method).into());
        frame.insert("params".into(), params.into());
        Ok(SignedWs {
            frame: frame.into(),
            payload,
            timestamp: ts,
        })
    }

    /// The parsed `url`: the kept one when it is the same URL, else parsed now (and kept if it
    /// is the first that parsed).
    fn base(&self, url: &str) -> Result<Cow<'_, Base>, SignError> {
        if let Some(kept) = self.base.get().filter(|b| b.url == url) {
            return Ok(Cow::Borrowed(kept));
        }
        let base = Base::parse(url)?;
        if self.base.get().is_none() {
            // Another thread may have kept another URL meanwhile: either is fine.
            let _ = self.base.set(base.clone());
        }
        Ok(Cow::Owned(base))
    }

    /// The timestamp as the scheme writes it, if it uses one.
    fn timestamp(
        &self,
        timestamp: &Timestamp,
        clock: &dyn Clock,
    ) -> Result<Option<String>, SignError> {
        Ok(match (self.scheme.timestamp, timestamp) {
            (None, _) => None,
            (Some(_), Timestamp::Raw(t)) => Some(t.clone()),
            (Some(f), Timestamp::AtMillis(ms)) => Some(format_timestamp(f, *ms)?),
            (Some(f), Timestamp::Now) => Some(format_timestamp(f, clock.now_millis())?),
        })
    }

    /// Adds the scheme's parameters, builds the payload, signs it and places the signature.
    fn run<'a>(&'a self, d: &mut Draft<'a>) -> Vec<u8> {
        let s = self.scheme;
        // A value that is only a timestamp in a numeric format is an integer (JSON bodies and
        // WebSocket params carry it as a number); every other added value is text, even when
        // it looks numeric (an API key such as `007`).
        let numeric_timestamp = matches!(
            s.timestamp,
            Some(TimestampFormat::Millis | TimestampFormat::Seconds)
        );
        for add in s.add {
            let value = self.text_of(d, add.value);
            let integer = numeric_timestamp && add.value == [Part::Timestamp];
            d.insert(add.location, add.name, value, add.sensitive, integer);
        }
        let mut payload = Vec::with_capacity(256);
        self.append_parts(d, s.payload, &mut payload);
        if let (Some(sign), Some(key)) = (s.sign, &self.key) {
            let sig = key.sign_with(&payload, |raw| match sign.output {
                Output::Hex => hex_lower(raw),
                Output::HexUpper => hex_upper(raw),
                Output::Base64 => base64::engine::general_purpose::STANDARD.encode(raw),
                Output::Base64Url => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw),
            });
            if let Some(place) = s.place {
                d.insert(place.location, place.name, Cow::Owned(sig), false, false);
            }
        }
        payload
    }

    /// The value of a credential (empty when not set).
    fn credential(&self, name: &str) -> &str {
        self.credentials
            .get(name)
            .map(|v| v.expose())
            .unwrap_or_default()
    }

    /// The text of `parts` concatenated (bytes that are not UTF-8, from a digest, replaced
    /// by U+FFFD). A single piece of text is borrowed, not copied.
    fn text_of<'a>(&'a self, d: &Draft<'a>, parts: &[Part]) -> Cow<'a, str> {
        let single = match parts {
            [Part::Literal(t)] => Some(*t),
            [Part::Method] => Some(d.method),
            [Part::Host] => Some(d.host),
            [Part::Timestamp] => Some(d.timestamp.unwrap_or_default()),
            [Part::Credential(name)] => Some(self.credential(name)),
            _ => None,
        };
        if let Some(t) = single {
            return Cow::Borrowed(t);
        }
        let mut bytes = Vec::new();
        self.append_parts(d, parts, &mut bytes);
        match String::from_utf8(bytes) {
            Ok(s) => Cow::Owned(s),
            Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        }
    }

    fn append_parts(&self, d: &Draft<'_>, parts: &[Part], out: &mut Vec<u8>) {
        for part in parts {
            match part {
                Part::Literal(t) => out.extend_from_slice(t.as_bytes()),
                Part::Method => out.extend_from_slice(d.method.as_bytes()),
                Part::Host => out.extend_from_slice(d.host.as_bytes()),
                Part::Path => {
                    out.extend_from_slice(d.prefix.as_bytes());
                    out.extend_from_slice(d.path.as_bytes());
                }
                Part::Timestamp => {
                    out.extend_from_slice(d.timestamp.unwrap_or_default().as_bytes())
                }
                Part::Credential(name) => out.extend_from_slice(self.credential(name).as_bytes()),
                Part::Body => {
                    if !d.body.is_empty() {
                        out.extend_from_slice(d.body_json().as_bytes());
                    }
                }
                Part::Params {
                    from,
                    sort,
                    encoding,
                } => match from {
                    Location::Query => put_params(&d.query, *sort, *encoding, out),
                    Location::Header => put_params(&d.headers, *sort, *encoding, out),
                    Location::Body => put_params(&d.body, *sort, *encoding, out),
                    Location::WsParams => put_params(&d.ws, *sort, *encoding, out),
                    Location::Path => {}
                },
                Part::Digest { algorithm, of } => {
                    let mut inner = Vec::new();
                    self.append_parts(d, of, &mut inner);
                    match algorithm {
                        DigestAlgorithm::Sha256 => {
                            out.extend_from_slice(&sha2::Sha256::digest(&inner))
                        }
                        DigestAlgorithm::Sha512 => {
                            out.extend_from_slice(&sha2::Sha512::digest(&inner))
                        }
                    }
                }
            }
        }
    }
}

/// Splits a base URL into origin (`https://host[:port]`), host as signed (`host[:port]`,
/// lower-case) and path prefix (`/api/v1`, no trailing slash).
fn split_base(base: &str) -> Result<(String, String, String), SignError> {
    let bad = |reason: &str| SignError::BaseUrl {
        url: base.to_string(),
        reason: reason.to_string(),
    };
    let url = url::Url::parse(base).map_err(|e| bad(&e.to_string()))?;
    let host = url
        .host_str()
        .ok_or_else(|| bad("no host"))?
        .to_ascii_lowercase();
    let host = match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    };
    let origin = format!("{}://{host}", url.scheme());
    let prefix = url.path().trim_end_matches('/').to_string();
    Ok((origin, host, prefix))
}

/// `ms` written in format `f`.
///
/// Integers and the ISO forms of years 0 to 9999 are written by hand: chrono's `format`
/// interprets its pattern on every call, which was a tenth of HTX's signing time. Other years
/// (which chrono writes with a sign) still go through chrono.
fn format_timestamp(f: TimestampFormat, ms: i64) -> Result<String, SignError> {
    use chrono::{Datelike as _, Timelike as _};
    let iso = |millis: bool| -> Result<String, SignError> {
        let dt = chrono::DateTime::from_timestamp_millis(ms).ok_or(SignError::Timestamp(ms))?;
        // Fields read off the UTC date-time directly (`DateTime`'s own accessors add the zero
        // offset again on each call).
        let utc = dt.naive_utc();
        let year = match u32::try_from(utc.year()) {
            Ok(year) if year <= 9999 => year,
            _ => return Ok(chrono_iso(dt, millis)),
        };
        let mut s = String::with_capacity(24);
        let mut put = |v: u32, digits: u32, then: Option<char>| {
            for k in (0..digits).rev() {
                s.push(char::from(b'0' + (v / 10u32.pow(k) % 10) as u8));
            }
            if let Some(c) = then {
                s.push(c);
            }
        };
        put(year, 4, Some('-'));
        put(utc.month(), 2, Some('-'));
        put(utc.day(), 2, Some('T'));
        put(utc.hour(), 2, Some(':'));
        put(utc.minute(), 2, Some(':'));
        if millis {
            put(utc.second(), 2, Some('.'));
            put(utc.nanosecond() / 1_000_000, 3, Some('Z'));
        } else {
            put(utc.second(), 2, None);
        }
        Ok(s)
    };
    Ok(match f {
        TimestampFormat::Millis => Decimal::signed(ms).to_text(),
        TimestampFormat::Seconds => Decimal::signed(ms.div_euclid(1000)).to_text(),
        TimestampFormat::IsoSeconds => iso(false)?,
        TimestampFormat::IsoMillis => iso(true)?,
    })
}

/// The ISO forms as chrono writes them (any year).
fn chrono_iso(dt: chrono::DateTime<chrono::Utc>, millis: bool) -> String {
    if millis {
        dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    } else {
        dt.format("%Y-%m-%dT%H:%M:%S").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(
            format_timestamp(TimestampFormat::IsoSeconds, 1_494_515_970_000).unwrap(),
            "2017-05-11T15:19:30"
        );
        assert_eq!(
            format_timestamp(TimestampFormat::IsoMillis, 1_607_418_537_715).unwrap(),
            "2020-12-08T09:08:57.715Z"
        );
        assert_eq!(
            format_timestamp(TimestampFormat::Seconds, 1_778_400_000_999).unwrap(),
            "1778400000"
        );
    }

    #[test]
    fn base_urls() {
        let (o, h, p) = split_base("https://API-sepolia.p99.world/api/v1/").unwrap();
        assert_eq!(
            (o.as_str(), h.as_str(), p.as_str()),
            (
                "https://api-sepolia.p99.world",
                "api-sepolia.p99.world",
                "/api/v1"
            )
        );
        let (o, h, p) = split_base("http://127.0.0.1:8080").unwrap();
        assert_eq!(
            (o.as_str(), h.as_str(), p.as_str()),
            ("http://127.0.0.1:8080", "127.0.0.1:8080", "")
        );
        assert!(split_base("not a url").is_err());
    }
}
