//! The interpreter: runs a [`Scheme`] over a request and produces exactly what goes on the wire.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use base64::Engine as _;
use hmac::Mac;
use sha2::Digest as _;
use smallvec::SmallVec;

use super::clock::Clock;
use super::credentials::{CredentialError, Credentials, Secret};
use super::encode::{Sink, StackText, encode_into, hex_lower, hex_upper, put_json_str};
use super::keys::{KeyError, PreparedKey};
use super::recipe::{
    DigestAlgorithm, Encoding, Output, Part, Scheme, SchemeTransport, TimestampFormat,
};
use super::signed::{Explained, HeaderSpan, HeaderSpans, SignedHttp, SignedWs, Span, offset};
use crate::runtime::request::{
    Location, WireParam, WirePath, WireRequest, WireTransport, WireValue, put_template,
};

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
    /// A signed request of 4 GiB or more.
    #[error("the signed request would take {0} bytes (the limit is 4 GiB)")]
    TooLarge(usize),
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

/// A scheme bound to credentials, with its key prepared once.
#[derive(Debug, Clone)]
pub struct Signer {
    scheme: &'static Scheme,
    credentials: Credentials,
    key: Option<PreparedKey>,
    /// The first base URL that parsed, kept: a client calls one environment, and parsing its
    /// URL was a tenth of a signature's time. Any other URL is parsed on each call.
    base: OnceLock<Base>,
    /// Whether the URL's query is written sorted, as the string to sign has it, so that it is
    /// encoded once and signed as written: only when every part of the scheme that reads the
    /// query sorts it, in the URL's encoding (the venue then reads the query in any order).
    url_sorted: bool,
    /// The credentials the scheme reads, looked up once.
    resolved: Vec<Resolved>,
    /// The scheme compiled for these credentials.
    plan: Plan,
}

/// A scheme compiled for one signer: credentials and literals resolved, and merged where they
/// follow each other, so that signing a request writes only what changes from one request to
/// the next.
#[derive(Clone)]
struct Plan {
    adds: Vec<AddPlan>,
    payload: Vec<Step>,
}

/// Never prints a value (they hold credentials).
impl fmt::Debug for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plan")
            .field("adds", &self.adds.len())
            .field("payload", &self.payload.len())
            .finish()
    }
}

/// A parameter the scheme adds.
#[derive(Clone)]
struct AddPlan {
    location: Location,
    name: Forms,
    source: Source,
    sensitive: bool,
    /// Only a timestamp in a numeric format, going into JSON: written as an integer.
    integer: bool,
}

/// Where an added value comes from.
#[derive(Clone)]
enum Source {
    /// Only literals and credentials: the value, and (when it holds a secret credential) the
    /// value with each secret shown as `[name]`.
    Text(Forms, Option<Box<str>>),
    Timestamp,
    Method,
    Host,
    /// Anything else, assembled for each request.
    Parts(&'static [Part]),
}

/// A step of the string to sign.
#[derive(Clone)]
enum Step {
    /// Literals and credentials that follow each other, merged (with the shown form when they
    /// hold a secret credential).
    Text(Box<str>, Option<Box<str>>),
    Timestamp,
    Method,
    Host,
    Path,
    Body,
    Params {
        from: Location,
        sort: bool,
        encoding: Encoding,
    },
    Digest(&'static Part),
}

/// A credential the scheme reads.
#[derive(Debug, Clone)]
struct Resolved {
    name: &'static str,
    value: Secret,
    /// Declared secret: shown as `[name]` when explaining.
    secret: bool,
}

/// What signing needs from a base URL.
#[derive(Debug, Clone)]
struct Base {
    /// The URL as given.
    url: String,
    /// `https://host[:port]` + the prefix: what every URL starts with.
    root: String,
    /// The length of `https://host[:port]` in `root`.
    origin_len: usize,
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
            root: format!("{origin}{prefix}"),
            origin_len: origin.len(),
            host,
            prefix,
        })
    }
}

/// A name or value the scheme adds that is the same for every request, written out once in
/// the forms requests carry it in.
#[derive(Clone)]
struct Forms {
    raw: Box<str>,
    /// Percent-encoded as the scheme encodes its query.
    query: Box<str>,
    encoding: Encoding,
    /// As a JSON string, quotes included.
    json: Box<str>,
}

impl Forms {
    fn new(raw: &str, encoding: Encoding) -> Self {
        let mut query = String::new();
        encode_into(raw, encoding, &mut query);
        let mut json = String::new();
        put_json_str(raw, &mut json);
        Forms {
            raw: raw.into(),
            query: query.into(),
            encoding,
            json: json.into(),
        }
    }
}

/// Whether `t` is an integer exactly as it is written in decimal (no sign but `-`, no leading
/// zero, not `-0`), so that it can be sent as the number it reads.
fn canonical_integer(t: &str) -> bool {
    let digits = t.strip_prefix('-').unwrap_or(t);
    let canonical = match digits.as_bytes() {
        [] => false,
        [b'0'] => digits.len() == t.len(),
        [first, ..] => *first != b'0' && digits.bytes().all(|b| b.is_ascii_digit()),
    };
    canonical && t.parse::<i64>().is_ok()
}

/// A parameter's value while the scheme runs. Text borrows from the request, the credentials,
/// the scheme or the signer's stack wherever it can: most parameters are never copied before
/// they are written into the string to sign and the request.
enum Val<'a> {
    /// A value the scheme adds, the same for every request, in all its forms.
    Const(&'a Forms),
    /// An integer written as this text (a timestamp in a numeric format): bare in JSON.
    Num(&'a str),
    /// Text: a request's string, or what the scheme added (a key, a timestamp, a literal, a
    /// signature). Only values the scheme assembles from several parts are owned.
    Str(Cow<'a, str>),
    /// An integer of the request, or a timestamp the scheme added in a numeric format (a JSON
    /// integer in bodies and WebSocket params, as the venues require).
    Int(i64),
    /// An unsigned integer of the request.
    UInt(u64),
    /// A boolean of the request.
    Bool(bool),
    /// A UUID of the request.
    Uuid(uuid::Uuid),
}

impl<'a> Val<'a> {
    fn wire(value: &'a WireValue<'_>) -> Self {
        match value {
            WireValue::Str(s) => Val::Str(Cow::Borrowed(s)),
            WireValue::Int(i) => Val::Int(*i),
            WireValue::UInt(u) => Val::UInt(*u),
            WireValue::Bool(b) => Val::Bool(*b),
            WireValue::Uuid(u) => Val::Uuid(*u),
        }
    }

    /// The text signed and sent: a string as it is, a number in decimal, `true`/`false`.
    fn text(&self) -> Text<'_> {
        match self {
            Val::Str(s) => Text::Str(s),
            Val::Num(s) => Text::Str(s),
            Val::Const(f) => Text::Const(f),
            Val::Int(i) => Text::Int(*i),
            Val::UInt(u) => Text::UInt(*u),
            Val::Bool(b) => Text::Str(if *b { "true" } else { "false" }),
            Val::Uuid(u) => Text::Uuid(*u),
        }
    }

    /// At least the length of [`Val::text`] for most values, without writing numbers.
    fn len_hint(&self) -> usize {
        match self {
            Val::Str(s) => s.len(),
            Val::Num(s) => s.len(),
            Val::Const(f) => f.query.len().max(f.json.len()),
            Val::Bool(_) => 5,
            Val::Uuid(_) => 36,
            Val::Int(_) | Val::UInt(_) => 20,
        }
    }

    /// Appends the value as JSON, as `serde_json` writes it: strings escaped, numbers and
    /// booleans bare.
    fn put_json(&self, out: &mut String) {
        match self {
            Val::Str(s) => put_json_str(s, out),
            Val::Const(f) => out.push_str(&f.json),
            Val::Num(s) => out.push_str(s),
            Val::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
            Val::UInt(u) => out.push_str(itoa::Buffer::new().format(*u)),
            Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Val::Uuid(u) => put_json_str(
                u.hyphenated()
                    .encode_lower(&mut uuid::Uuid::encode_buffer()),
                out,
            ),
        }
    }
}

/// The text of a [`Val`]: numbers are written (on the stack) where they are used.
enum Text<'a> {
    Str(&'a str),
    Const(&'a Forms),
    Int(i64),
    UInt(u64),
    Uuid(uuid::Uuid),
}

impl Text<'_> {
    /// Calls `f` with the text's bytes.
    fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            Text::Str(s) => f(s.as_bytes()),
            Text::Const(c) => f(c.raw.as_bytes()),
            Text::Int(i) => f(itoa::Buffer::new().format(*i).as_bytes()),
            Text::UInt(u) => f(itoa::Buffer::new().format(*u).as_bytes()),
            Text::Uuid(u) => f(u
                .hyphenated()
                .encode_lower(&mut uuid::Uuid::encode_buffer())
                .as_bytes()),
        }
    }

    /// Appends the text, encoded.
    fn put(&self, encoding: Encoding, out: &mut impl Sink) {
        match self {
            Text::Str(s) => encode_into(s, encoding, out),
            Text::Const(c) if c.encoding == encoding => out.put_str(&c.query),
            Text::Const(c) => encode_into(&c.raw, encoding, out),
            // Digits and `-` read the same in every encoding.
            Text::Int(i) => out.put_str(itoa::Buffer::new().format(*i)),
            Text::UInt(u) => out.put_str(itoa::Buffer::new().format(*u)),
            // Hex digits and `-`, like digits, read the same in every encoding.
            Text::Uuid(u) => out.put_str(
                u.hyphenated()
                    .encode_lower(&mut uuid::Uuid::encode_buffer()),
            ),
        }
    }
}

/// A parameter of the request being signed.
struct Entry<'a> {
    location: Location,
    name: &'a str,
    /// The name's forms, for names the scheme adds.
    forms: Option<&'a Forms>,
    value: Val<'a>,
    /// A header value that carries a secret (redacted when printed).
    sensitive: bool,
}

/// What a request looks like while the scheme runs: its parameters in every location, in
/// one list on the stack (eight fit; more spill to the heap).
///
/// Query parameters and headers keep every occurrence in order; a body or WebSocket member
/// given twice keeps its first place and its last value, as a JSON object
/// (`serde_json::Map` with `preserve_order`) keeps them.
struct Draft<'a> {
    method: &'a str,
    /// `host[:port]` as signed.
    host: &'a str,
    /// The base URL's path prefix; the path signed and sent is `prefix` + the request's path.
    prefix: &'a str,
    /// The request's path template and parameters, or its path (`None` for a WebSocket
    /// request).
    path: Option<(&'a WirePath<'a>, &'a [WireParam<'a>])>,
    timestamp: Option<&'a str>,
    entries: SmallVec<[Entry<'a>; 8]>,
    /// When explaining: for entries (by index) whose value holds a secret credential, the
    /// value with each such credential shown as `[name]`. Always empty when signing.
    shown: Vec<(usize, String)>,
}

/// Whether two names are equal, comparing lengths and first bytes before calling `memcmp`
/// (names of one object mostly differ there).
#[inline]
fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// Indices of a location's entries with the entries, in the order to write them.
type Order<'d, 'a> = SmallVec<[(usize, &'d Entry<'a>); 16]>;

impl Entry<'_> {
    /// Appends the name, encoded.
    fn put_name(&self, encoding: Encoding, out: &mut impl Sink) {
        match self.forms {
            Some(f) if f.encoding == encoding => out.put_str(&f.query),
            _ => encode_into(self.name, encoding, out),
        }
    }

    /// Appends the name as a JSON string.
    fn put_json_name(&self, out: &mut String) {
        match self.forms {
            Some(f) => out.push_str(&f.json),
            None => put_json_str(self.name, out),
        }
    }
}

impl<'a> Draft<'a> {
    #[inline]
    fn new(method: &'a str, timestamp: Option<&'a str>) -> Self {
        Draft {
            method,
            host: "",
            prefix: "",
            path: None,
            timestamp,
            entries: SmallVec::new(),
            shown: Vec::new(),
        }
    }

    /// Adds a query parameter or header (every occurrence is kept); returns its index.
    #[inline]
    fn push(
        &mut self,
        location: Location,
        name: &'a str,
        forms: Option<&'a Forms>,
        value: Val<'a>,
        sensitive: bool,
    ) -> usize {
        self.entries.push(Entry {
            location,
            name,
            forms,
            value,
            sensitive,
        });
        self.entries.len() - 1
    }

    /// Sets body or WebSocket member `name`: in its first place if it is there, else last;
    /// returns its index.
    fn upsert(
        &mut self,
        location: Location,
        name: &'a str,
        forms: Option<&'a Forms>,
        value: Val<'a>,
        sensitive: bool,
    ) -> usize {
        let found = self
            .entries
            .iter_mut()
            .enumerate()
            .find(|(_, e)| e.location == location && same_name(e.name, name));
        match found {
            Some((i, e)) => {
                e.value = value;
                e.sensitive = sensitive;
                e.forms = e.forms.or(forms);
                self.shown.retain(|(j, _)| *j != i);
                i
            }
            None => self.push(location, name, forms, value, sensitive),
        }
    }

    /// Appends the request's path (without the prefix).
    fn put_path(&self, out: &mut impl Sink) {
        match self.path {
            Some((WirePath::Template(template), params)) => put_template(template, params, out),
            Some((WirePath::Text(text), _)) => out.put_str(text),
            None => {}
        }
    }

    /// Whether any parameter goes to `location`.
    fn any(&self, location: Location) -> bool {
        self.entries.iter().any(|e| e.location == location)
    }

    /// The shown text of entry `i`, when explaining and it differs from its value.
    fn shown(&self, i: usize) -> Option<&str> {
        self.shown
            .iter()
            .find(|(j, _)| *j == i)
            .map(|(_, s)| s.as_str())
    }

    /// Calls `f` with the index and entry of each parameter of `location`, in the order
    /// sent, or sorted by name, then value (byte-wise).
    ///
    /// Sorting orders references on the stack and writes a value's text only when two names
    /// are equal: no parameter is copied. Unstable is fine: entries that compare equal have
    /// the same text.
    #[inline]
    fn each<'d>(&'d self, location: Location, sort: bool, mut f: impl FnMut(usize, &'d Entry<'a>)) {
        let at = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.location == location);
        if !sort {
            at.for_each(|(i, e)| f(i, e));
            return;
        }
        let mut order: Order<'d, 'a> = at.collect();
        order.sort_unstable_by(|(_, a), (_, b)| {
            // First bytes first: names mostly differ there, and `memcmp` is a call.
            let first = |s: &str| s.as_bytes().first().copied();
            first(a.name)
                .cmp(&first(b.name))
                .then_with(|| a.name.cmp(b.name))
                .then_with(|| {
                    let (a, b) = (a.value.text(), b.value.text());
                    a.with_bytes(|a| b.with_bytes(|b| a.cmp(b)))
                })
        });
        order.into_iter().for_each(|(i, e)| f(i, e));
    }
}

/// Appends the members of `location` as a compact JSON object, exactly as `serde_json`
/// writes the same members in a `Map`; `shown` writes the shown text of entries that have
/// one.
fn put_json_object(d: &Draft<'_>, location: Location, shown: bool, out: &mut String) {
    out.push('{');
    let mut first = true;
    for (i, e) in d.entries.iter().enumerate() {
        if e.location != location {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        e.put_json_name(out);
        out.push(':');
        match d.shown(i).filter(|_| shown) {
            Some(s) => put_json_str(s, out),
            None => e.value.put_json(out),
        }
    }
    out.push('}');
}

/// Where the string to sign (or an added value) is written: a MAC fed as it goes, a buffer
/// (for Ed25519 and RSA, digests and assembled values), or both the string and its redacted
/// form (when explaining).
trait Payload: Sink + Sized {
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
struct MacSink<'m, M> {
    mac: &'m mut M,
    buf: [u8; 256],
    len: usize,
}

impl<'m, M: Mac> MacSink<'m, M> {
    fn new(mac: &'m mut M) -> Self {
        MacSink {
            mac,
            buf: [0; 256],
            len: 0,
        }
    }

    /// Feeds what is buffered to the MAC (call once everything is written).
    fn flush(&mut self) {
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
struct Tee {
    real: Vec<u8>,
    shown: Vec<u8>,
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
fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// What of the request is already written when the string to sign is built, so that it is
/// signed as written instead of written again.
struct Written<'w> {
    text: &'w str,
    /// The path (base URL prefix included).
    path: Span,
    /// The URL's query (after `?`, possibly empty), whether it is sorted, and its encoding.
    query: (Span, bool, Encoding),
    /// The body, if there is one.
    body: Option<Span>,
}

impl Written<'_> {
    /// The written text of `Params { from, sort, encoding }`, if it is the URL's query.
    fn params(&self, from: Location, sort: bool, encoding: Encoding) -> Option<&str> {
        let (span, sorted, written) = self.query;
        (from == Location::Query && sort == sorted && encoding == written)
            .then(|| span.of(self.text))
    }
}

/// The string to sign and its redacted form, when explaining.
#[derive(Default)]
struct Explanation {
    payload: Vec<u8>,
    redacted: String,
}

/// Where the timestamp's text is written, on the stack (chrono writes years past 9999).
struct StampBuf {
    digits: itoa::Buffer,
    iso: StackText,
    other: String,
}

impl StampBuf {
    fn new() -> Self {
        StampBuf {
            digits: itoa::Buffer::new(),
            iso: StackText::new(),
            other: String::new(),
        }
    }
}

/// A signature written as the scheme writes it: into `stack` when it fits (MACs and Ed25519),
/// else on the heap (RSA).
fn encode_signature<'s>(raw: &[u8], output: Output, stack: &'s mut [u8; 128]) -> Cow<'s, str> {
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

/// Calls `f` with `(sort, encoding)` of every part of `parts` that reads the query.
fn query_parts(parts: &[Part], f: &mut impl FnMut(bool, Encoding)) {
    for part in parts {
        match part {
            Part::Params {
                from: Location::Query,
                sort,
                encoding,
            } => f(*sort, *encoding),
            Part::Digest { of, .. } => query_parts(of, f),
            _ => {}
        }
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
        let (mut reads_query, mut all_sorted) = (false, true);
        for parts in std::iter::once(scheme.payload).chain(scheme.add.iter().map(|a| a.value)) {
            query_parts(parts, &mut |sort, encoding| {
                reads_query = true;
                all_sorted &= sort && encoding == scheme.query_encoding;
            });
        }
        let resolved = scheme
            .credentials
            .iter()
            .map(|&name| Resolved {
                name,
                value: credentials
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| Secret::new("")),
                secret: credentials.is_secret(name),
            })
            .collect();
        let mut signer = Signer {
            scheme,
            credentials: credentials.clone(),
            key,
            base: OnceLock::new(),
            url_sorted: reads_query && all_sorted,
            resolved,
            plan: Plan {
                adds: Vec::new(),
                payload: Vec::new(),
            },
        };
        signer.plan = signer.compile();
        Ok(signer)
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

    /// Compiles the scheme for these credentials.
    fn compile(&self) -> Plan {
        let s = self.scheme;
        let numeric_timestamp = matches!(
            s.timestamp,
            Some(TimestampFormat::Millis | TimestampFormat::Seconds)
        );
        let adds = s
            .add
            .iter()
            .map(|add| {
                let source = match add.value {
                    [Part::Timestamp] => Source::Timestamp,
                    [Part::Method] => Source::Method,
                    [Part::Host] => Source::Host,
                    parts => match self.constant(parts) {
                        Some((text, shown)) => {
                            Source::Text(Forms::new(&text, s.query_encoding), shown)
                        }
                        None => Source::Parts(parts),
                    },
                };
                AddPlan {
                    location: add.location,
                    name: Forms::new(add.name, s.query_encoding),
                    // A value that is only a timestamp in a numeric format is an integer (JSON
                    // bodies and WebSocket params carry it as a number); every other added
                    // value is text, even when it looks numeric (an API key such as `007`).
                    integer: numeric_timestamp
                        && matches!(add.location, Location::Body | Location::WsParams)
                        && matches!(source, Source::Timestamp),
                    source,
                    sensitive: add.sensitive,
                }
            })
            .collect();
        let mut payload = Vec::new();
        let mut run: Vec<Part> = Vec::new();
        let flush = |run: &mut Vec<Part>, payload: &mut Vec<Step>| {
            if let Some((text, shown)) = self.constant(run) {
                payload.push(Step::Text(text, shown));
            }
            run.clear();
        };
        for part in s.payload {
            let step = match part {
                Part::Literal(_) | Part::Credential(_) => {
                    run.push(*part);
                    continue;
                }
                Part::Timestamp => Step::Timestamp,
                Part::Method => Step::Method,
                Part::Host => Step::Host,
                Part::Path => Step::Path,
                Part::Body => Step::Body,
                Part::Params {
                    from,
                    sort,
                    encoding,
                } => Step::Params {
                    from: *from,
                    sort: *sort,
                    encoding: *encoding,
                },
                Part::Digest { .. } => Step::Digest(part),
            };
            flush(&mut run, &mut payload);
            payload.push(step);
        }
        flush(&mut run, &mut payload);
        Plan { adds, payload }
    }

    /// The text of `parts` if they are only literals and credentials (and not none), with
    /// the shown form when a secret credential is among them.
    fn constant(&self, parts: &[Part]) -> Option<(Box<str>, Option<Box<str>>)> {
        if parts.is_empty() {
            return None;
        }
        let (mut text, mut shown, mut secret) = (String::new(), String::new(), false);
        for part in parts {
            match part {
                Part::Literal(t) => {
                    text.push_str(t);
                    shown.push_str(t);
                }
                Part::Credential(name) => {
                    let (value, is_secret) = self.credential(name);
                    text.push_str(value);
                    if is_secret {
                        secret = true;
                        shown.push('[');
                        shown.push_str(name);
                        shown.push(']');
                    } else {
                        shown.push_str(value);
                    }
                }
                _ => return None,
            }
        }
        Some((text.into(), secret.then(|| shown.into())))
    }

    /// Signs an HTTP request to `base_url`.
    ///
    /// The query is written in the order the parameters were given (the request's, then the
    /// scheme's, then the signature), except for schemes that sign it sorted (HTX): their
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

    /// Signs a WebSocket API request with frame id `id`.
    pub fn sign_ws(
        &self,
        wire: &WireRequest<'_>,
        id: &str,
        timestamp: &Timestamp,
        clock: &dyn Clock,
    ) -> Result<SignedWs, SignError> {
        self.ws(wire, id, timestamp, clock, None)
    }

    /// Signs a WebSocket API request as [`Signer::sign_ws`] does, and returns the string that
    /// was signed with it, in full and with secret credentials redacted.
    pub fn explain_ws(
        &self,
        wire: &WireRequest<'_>,
        id: &str,
        timestamp: &Timestamp,
        clock: &dyn Clock,
    ) -> Result<Explained<SignedWs>, SignError> {
        let mut ex = Explanation::default();
        let signed = self.ws(wire, id, timestamp, clock, Some(&mut ex))?;
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
        let s = self.scheme;
        let WireTransport::Rest { method, path } = &wire.transport else {
            return Err(SignError::WrongTransport {
                scheme: s.name,
                expected: "WebSocket",
            });
        };
        if s.transport != SchemeTransport::Rest {
            return Err(SignError::WrongTransport {
                scheme: s.name,
                expected: "WebSocket",
            });
        }
        let base = self.base(base_url)?;
        let mut stamp = StampBuf::new();
        let ts = self.timestamp(timestamp, clock, &mut stamp)?;
        // The signature: written here when it fits, borrowed by the draft once placed (so
        // declared before it, to outlive it).
        let mut stack = [0u8; 128];
        #[allow(clippy::needless_late_init)]
        let sig;
        let mut d = Draft::new(method, ts);
        d.host = &base.host;
        d.prefix = &base.prefix;
        d.path = Some((path, &wire.params));
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
        let encoding = s.query_encoding;
        let room = base.root.len()
                        + d.prefix.len()
            + 64
            + d.entries
                .iter()
                .map(|e| (e.name.len() + e.value.len_hint()) * 5 / 4 + 4)
                .sum::<usize>()
            // Signature, `Content-Type`, timestamp.
            + 192;
        let mut text = String::with_capacity(room);
        let mut headers = HeaderSpans::new();
        for e in d.entries.iter().filter(|e| e.location == Location::Header) {
            push_header(
                &mut text,
                &mut headers,
                e.name,
                &e.value.text(),
                e.sensitive,
            );
        }
        let place = s.place.filter(|_| s.sign.is_some() && self.key.is_some());
        let mut body = None;
        if place.is_none_or(|p| p.location != Location::Body) && d.any(Location::Body) {
            let start = text.len();
            put_json_object(&d, Location::Body, false, &mut text);
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
        let mut url = Span::since(url_start, &text);
        let written = Written {
            text: &text,
            path,
            query: (query, self.url_sorted, encoding),
            body,
        };
        sig = self.sign_payload(&d, Some(&written), explain, &mut stack);

        if let (Some(sig), Some(place)) = (&sig, place) {
            match place.location {
                Location::Query => {
                    text.push(if has_query { '&' } else { '?' });
                    encode_into(place.name, encoding, &mut text);
                    text.push('=');
                    // Hex and URL-safe base64 need no escape; standard base64 may (`+/=`).
                    match s.sign.map(|sign| sign.output) {
                        Some(Output::Hex | Output::HexUpper | Output::Base64Url) => {
                            text.push_str(sig)
                        }
                        _ => encode_into(sig, encoding, &mut text),
                    }
                    // Nothing was written since the URL.
                    url = Span::since(url_start, &text);
                }
                Location::Header => {
                    push_header(&mut text, &mut headers, place.name, &Text::Str(sig), false);
                }
                Location::Body => {
                    d.upsert(
                        Location::Body,
                        place.name,
                        None,
                        Val::Str(Cow::Borrowed(sig)),
                        false,
                    );
                }
                Location::Path | Location::WsParams => {}
            }
        }
        if body.is_none() && d.any(Location::Body) {
            let start = text.len();
            put_json_object(&d, Location::Body, false, &mut text);
            body = Some(Span::since(start, &text));
        }
        if body.is_some() {
            let json = Text::Str("application/json");
            push_header(&mut text, &mut headers, "Content-Type", &json, false);
        }
        let timestamp = d.timestamp.map(|t| {
            let start = text.len();
            text.push_str(t);
            Span::since(start, &text)
        });
        if u32::try_from(text.len()).is_err() {
            return Err(SignError::TooLarge(text.len()));
        }
        Ok(SignedHttp {
            method,
            text,
            url,
            headers,
            body,
            timestamp,
        })
    }

    fn ws(
        &self,
        wire: &WireRequest<'_>,
        id: &str,
        timestamp: &Timestamp,
        clock: &dyn Clock,
        explain: Option<&mut Explanation>,
    ) -> Result<SignedWs, SignError> {
        let s = self.scheme;
        let WireTransport::Ws { method } = &wire.transport else {
            return Err(SignError::WrongTransport {
                scheme: s.name,
                expected: "REST",
            });
        };
        if s.transport != SchemeTransport::Ws {
            return Err(SignError::WrongTransport {
                scheme: s.name,
                expected: "REST",
            });
        }
        let mut stamp = StampBuf::new();
        let ts = self.timestamp(timestamp, clock, &mut stamp)?;
        // As for HTTP: declared before the draft, which borrows the signature.
        let mut stack = [0u8; 128];
        #[allow(clippy::needless_late_init)]
        let sig;
        let mut d = Draft::new(method, ts);
        for p in wire.at(Location::WsParams) {
            d.upsert(
                Location::WsParams,
                &p.name,
                None,
                Val::wire(&p.value),
                false,
            );
        }
        self.add(&mut d, explain.is_some());
        sig = self.sign_payload(&d, None, explain, &mut stack);
        if let (Some(sig), Some(place)) = (&sig, s.place)
            && place.location == Location::WsParams
        {
            d.upsert(
                place.location,
                place.name,
                None,
                Val::Str(Cow::Borrowed(sig)),
                false,
            );
        }
        let room = 48
            + id.len()
            + method.len()
            + d.entries
                .iter()
                .map(|e| (e.name.len() + e.value.len_hint()) * 5 / 4 + 6)
                .sum::<usize>()
            + 32;
        let mut text = String::with_capacity(room);
        text.push_str("{\"id\":");
        put_json_str(id, &mut text);
        text.push_str(",\"method\":");
        put_json_str(method, &mut text);
        text.push_str(",\"params\":");
        put_json_object(&d, Location::WsParams, false, &mut text);
        text.push('}');
        let frame = Span::since(0, &text);
        let timestamp = d.timestamp.map(|t| {
            let start = text.len();
            text.push_str(t);
            Span::since(start, &text)
        });
        if u32::try_from(text.len()).is_err() {
            return Err(SignError::TooLarge(text.len()));
        }
        Ok(SignedWs {
            text,
            frame,
            timestamp,
        })
    }

    /// Adds the scheme's parameters, in order: each sees the ones added before it.
    fn add<'a>(&'a self, d: &mut Draft<'a>, explain: bool) {
        for add in &self.plan.adds {
            let mut shown = None;
            let value = match &add.source {
                Source::Text(forms, secret) => {
                    if explain {
                        shown = secret.as_deref().map(str::to_string);
                    }
                    Val::Const(forms)
                }
                Source::Timestamp => {
                    let t = d.timestamp.unwrap_or_default();
                    // Sent as the number it reads: as it is when it is written as that number
                    // is, else as the number (`007` is sent as `7`).
                    match add.integer.then(|| t.parse::<i64>()) {
                        Some(Ok(_)) if canonical_integer(t) => Val::Num(t),
                        Some(Ok(n)) => Val::Int(n),
                        _ => Val::Str(Cow::Borrowed(t)),
                    }
                }
                Source::Method => Val::Str(Cow::Borrowed(d.method)),
                Source::Host => Val::Str(Cow::Borrowed(d.host)),
                Source::Parts(parts) => {
                    let (text, secret) = self.value_of(d, parts, explain);
                    shown = secret;
                    Val::Str(text)
                }
            };
            let i = match add.location {
                Location::Query | Location::Header => d.push(
                    add.location,
                    &add.name.raw,
                    Some(&add.name),
                    value,
                    add.sensitive,
                ),
                Location::Body | Location::WsParams => d.upsert(
                    add.location,
                    &add.name.raw,
                    Some(&add.name),
                    value,
                    add.sensitive,
                ),
                Location::Path => continue,
            };
            if let Some(shown) = shown {
                d.shown.push((i, shown));
            }
        }
    }

    /// The text of `parts` concatenated (bytes that are not UTF-8, from a digest, replaced
    /// by U+FFFD), and when explaining, its redacted form if it differs. A single piece of
    /// text is borrowed, not copied.
    fn value_of<'a>(
        &'a self,
        d: &Draft<'a>,
        parts: &[Part],
        explain: bool,
    ) -> (Cow<'a, str>, Option<String>) {
        let single = match parts {
            [Part::Literal(t)] => Some(*t),
            [Part::Method] => Some(d.method),
            [Part::Host] => Some(d.host),
            [Part::Timestamp] => Some(d.timestamp.unwrap_or_default()),
            [Part::Credential(name)] => {
                let (value, secret) = self.credential(name);
                let shown = (explain && secret).then(|| format!("[{name}]"));
                return (Cow::Borrowed(value), shown);
            }
            _ => None,
        };
        if let Some(t) = single {
            return (Cow::Borrowed(t), None);
        }
        if explain {
            let mut tee = Tee::default();
            self.put_parts(d, parts, None, &mut tee);
            let (real, shown) = (lossy(tee.real), lossy(tee.shown));
            let shown = (shown != real).then_some(shown);
            (Cow::Owned(real), shown)
        } else {
            let mut bytes = Vec::new();
            self.put_parts(d, parts, None, &mut bytes);
            (Cow::Owned(lossy(bytes)), None)
        }
    }

    /// Builds the string to sign, signs it and writes the signature as the scheme writes it
    /// (into `stack` when it fits). `None` when the scheme signs nothing.
    fn sign_payload<'s>(
        &self,
        d: &Draft<'_>,
        written: Option<&Written<'_>>,
        explain: Option<&mut Explanation>,
        stack: &'s mut [u8; 128],
    ) -> Option<Cow<'s, str>> {
        let s = self.scheme;
        let output = s.sign.map(|sign| sign.output);
        if let Some(ex) = explain {
            let mut tee = Tee::default();
            self.put_steps(d, written, &mut tee);
            let sig = match (&self.key, output) {
                (Some(key), Some(output)) => {
                    Some(key.sign_with(&tee.real, move |raw| encode_signature(raw, output, stack)))
                }
                _ => None,
            };
            ex.payload = tee.real;
            ex.redacted = lossy(tee.shown);
            return sig;
        }
        let (Some(key), Some(output)) = (&self.key, output) else {
            return None;
        };
        Some(match key {
            // The key schedule was done once; the string to sign goes straight into the MAC.
            PreparedKey::HmacSha256(key) => {
                let mut mac = key.clone();
                let mut sink = MacSink::new(&mut mac);
                self.put_steps(d, written, &mut sink);
                sink.flush();
                encode_signature(&mac.finalize().into_bytes(), output, stack)
            }
            PreparedKey::HmacSha512(key) => {
                let mut mac = key.clone();
                let mut sink = MacSink::new(&mut mac);
                self.put_steps(d, written, &mut sink);
                sink.flush();
                encode_signature(&mac.finalize().into_bytes(), output, stack)
            }
            // Ed25519 and RSA sign the whole message.
            key => {
                let mut msg = Vec::with_capacity(256);
                self.put_steps(d, written, &mut msg);
                key.sign_with(&msg, move |raw| encode_signature(raw, output, stack))
            }
        })
    }

    /// The value of a credential (empty when not set), and whether it is secret.
    fn credential(&self, name: &str) -> (&str, bool) {
        match self.resolved.iter().find(|r| r.name == name) {
            Some(r) => (r.value.expose(), r.secret),
            // A part naming a credential the scheme does not list (schemes built by hand).
            None => (
                self.credentials
                    .get(name)
                    .map(|v| v.expose())
                    .unwrap_or_default(),
                self.credentials.is_secret(name),
            ),
        }
    }

    /// Appends the text of `parts`, taking what `written` already holds as written.
    fn put_parts<P: Payload>(
        &self,
        d: &Draft<'_>,
        parts: &[Part],
        written: Option<&Written<'_>>,
        out: &mut P,
    ) {
        for part in parts {
            match part {
                Part::Literal(t) => out.put_str(t),
                Part::Method => out.put_str(d.method),
                Part::Host => out.put_str(d.host),
                // The path holds no secret: it is taken as written even when explaining.
                Part::Path => match written {
                    Some(w) => out.put_str(w.path.of(w.text)),
                    None => {
                        out.put_str(d.prefix);
                        d.put_path(out);
                    }
                },
                Part::Timestamp => out.put_str(d.timestamp.unwrap_or_default()),
                Part::Credential(name) => {
                    let (value, secret) = self.credential(name);
                    out.put_credential(name, value, secret);
                }
                Part::Body => put_body(d, written, out),
                Part::Params {
                    from,
                    sort,
                    encoding,
                } => {
                    let as_written = written
                        .filter(|_| !P::EXPLAIN)
                        .and_then(|w| w.params(*from, *sort, *encoding));
                    match as_written {
                        Some(text) => out.put_str(text),
                        None => put_params(d, *from, *sort, *encoding, out),
                    }
                }
                Part::Digest { algorithm, of } => {
                    let mut inner = Vec::new();
                    self.put_parts(d, of, written, &mut inner);
                    match algorithm {
                        DigestAlgorithm::Sha256 => out.put_bytes(&sha2::Sha256::digest(&inner)),
                        DigestAlgorithm::Sha512 => out.put_bytes(&sha2::Sha512::digest(&inner)),
                    }
                }
            }
        }
    }

    /// Appends the string to sign, taking what `written` already holds as written.
    fn put_steps<P: Payload>(&self, d: &Draft<'_>, written: Option<&Written<'_>>, out: &mut P) {
        for step in &self.plan.payload {
            match step {
                Step::Text(text, shown) => match shown {
                    Some(shown) if P::EXPLAIN => {
                        out.put_alt(&Text::Str(text), shown, Encoding::None)
                    }
                    _ => out.put_str(text),
                },
                Step::Timestamp => out.put_str(d.timestamp.unwrap_or_default()),
                Step::Method => out.put_str(d.method),
                Step::Host => out.put_str(d.host),
                Step::Path => self.put_parts(d, &[Part::Path], written, out),
                Step::Body => put_body(d, written, out),
                Step::Params {
                    from,
                    sort,
                    encoding,
                } => {
                    let as_written = written
                        .filter(|_| !P::EXPLAIN)
                        .and_then(|w| w.params(*from, *sort, *encoding));
                    match as_written {
                        Some(text) => out.put_str(text),
                        None => put_params(d, *from, *sort, *encoding, out),
                    }
                }
                Step::Digest(part) => self.put_parts(d, std::slice::from_ref(*part), written, out),
            }
        }
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
    fn timestamp<'t>(
        &self,
        timestamp: &'t Timestamp,
        clock: &dyn Clock,
        buf: &'t mut StampBuf,
    ) -> Result<Option<&'t str>, SignError> {
        Ok(match (self.scheme.timestamp, timestamp) {
            (None, _) => None,
            (Some(_), Timestamp::Raw(t)) => Some(t),
            (Some(f), Timestamp::AtMillis(ms)) => Some(format_timestamp(f, *ms, buf)?),
            (Some(f), Timestamp::Now) => Some(format_timestamp(f, clock.now_millis(), buf)?),
        })
    }
}

/// Appends the body's JSON text (nothing when there is no body): as written in the request
/// when it is, else written now.
fn put_body<P: Payload>(d: &Draft<'_>, written: Option<&Written<'_>>, out: &mut P) {
    if !d.any(Location::Body) {
        return;
    }
    if let Some(w) = written.filter(|_| !P::EXPLAIN)
        && let Some(body) = w.body
    {
        out.put_str(body.of(w.text));
        return;
    }
    let mut real = String::new();
    put_json_object(d, Location::Body, false, &mut real);
    if P::EXPLAIN {
        let mut shown = String::new();
        put_json_object(d, Location::Body, true, &mut shown);
        out.put_alt(&Text::Str(&real), &shown, Encoding::None);
    } else {
        out.put_str(&real);
    }
}

/// Appends the parameters of `from` as `name=value` joined by `&`, names and values encoded,
/// in the order sent or sorted (see [`Draft::order`]).
fn put_params<P: Payload>(
    d: &Draft<'_>,
    from: Location,
    sort: bool,
    encoding: Encoding,
    out: &mut P,
) {
    let mut first = true;
    d.each(from, sort, |i, e| {
        if !first {
            out.put_ascii(b'&');
        }
        first = false;
        e.put_name(encoding, out);
        out.put_ascii(b'=');
        let text = e.value.text();
        match d.shown(i).filter(|_| P::EXPLAIN) {
            Some(shown) => out.put_alt(&text, shown, encoding),
            None => text.put(encoding, out),
        }
    });
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
fn format_timestamp(f: TimestampFormat, ms: i64, buf: &mut StampBuf) -> Result<&str, SignError> {
    use chrono::{Datelike as _, Timelike as _};
    let iso = |millis: bool, buf: &mut StampBuf| -> Result<(), SignError> {
        let dt = chrono::DateTime::from_timestamp_millis(ms).ok_or(SignError::Timestamp(ms))?;
        // Fields read off the UTC date-time directly (`DateTime`'s own accessors add the zero
        // offset again on each call).
        let utc = dt.naive_utc();
        let year = match u32::try_from(utc.year()) {
            Ok(year) if year <= 9999 => year,
            _ => {
                buf.other = chrono_iso(dt, millis);
                return Ok(());
            }
        };
        let s = &mut buf.iso;
        let mut put = |v: u32, digits: u32, then: Option<u8>| {
            s.put_digits(v, digits);
            if let Some(c) = then {
                s.push(c);
            }
        };
        put(year, 4, Some(b'-'));
        put(utc.month(), 2, Some(b'-'));
        put(utc.day(), 2, Some(b'T'));
        put(utc.hour(), 2, Some(b':'));
        put(utc.minute(), 2, Some(b':'));
        if millis {
            put(utc.second(), 2, Some(b'.'));
            put(utc.nanosecond() / 1_000_000, 3, Some(b'Z'));
        } else {
            put(utc.second(), 2, None);
        }
        Ok(())
    };
    Ok(match f {
        TimestampFormat::Millis => buf.digits.format(ms),
        TimestampFormat::Seconds => buf.digits.format(ms.div_euclid(1000)),
        TimestampFormat::IsoSeconds | TimestampFormat::IsoMillis => {
            iso(f == TimestampFormat::IsoMillis, buf)?;
            if buf.other.is_empty() {
                buf.iso.as_str()
            } else {
                &buf.other
            }
        }
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
        let text = |f, ms| {
            format_timestamp(f, ms, &mut StampBuf::new())
                .unwrap()
                .to_string()
        };
        assert_eq!(
            text(TimestampFormat::IsoSeconds, 1_494_515_970_000),
            "2017-05-11T15:19:30"
        );
        assert_eq!(
            text(TimestampFormat::IsoMillis, 1_607_418_537_715),
            "2020-12-08T09:08:57.715Z"
        );
        assert_eq!(
            text(TimestampFormat::Seconds, 1_778_400_000_999),
            "1778400000"
        );
        assert_eq!(text(TimestampFormat::Millis, -5), "-5");
        assert_eq!(
            text(TimestampFormat::IsoMillis, 253_402_300_800_000),
            "+10000-01-01T00:00:00.000Z"
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
