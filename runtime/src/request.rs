//! Request validation errors and the wire form of a request.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use arrayvec::ArrayVec;

use super::signing::Encoding;
use super::signing::encode::{Sink, encode_into};

/// Why a request was refused before it was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// A required parameter was not given.
    #[error("missing required parameter `{param}`")]
    Missing {
        /// Wire name.
        param: &'static str,
    },
    /// An integer outside its documented interval.
    #[error("parameter `{param}` = {value} is outside {range}")]
    OutOfRange {
        /// Wire name.
        param: &'static str,
        /// The value given.
        value: i128,
        /// The interval, in the docs' notation.
        range: &'static str,
    },
    /// A string shorter than allowed.
    #[error("parameter `{param}` must have at least {min} characters")]
    TooShort {
        /// Wire name.
        param: &'static str,
        /// Minimum length.
        min: usize,
    },
    /// A string longer than allowed.
    #[error("parameter `{param}` must have at most {max} characters")]
    TooLong {
        /// Wire name.
        param: &'static str,
        /// Maximum length.
        max: usize,
    },
    /// A value of the wrong format (a UUID that is not one).
    #[error("parameter `{param}` must be {expected}, got {value:?}")]
    InvalidFormat {
        /// Wire name.
        param: &'static str,
        /// What was expected.
        expected: &'static str,
        /// The value given.
        value: String,
    },
    /// A parameter name the endpoint does not have.
    #[error("unknown parameter `{param}` ({})", known_params(known))]
    UnknownParam {
        /// The name given.
        param: String,
        /// The endpoint's parameters.
        known: &'static [&'static str],
    },
    /// A parameter the signer or transport fills in was given by the caller.
    #[error("parameter `{param}` is added when the request is signed or sent; do not give it")]
    Supplied {
        /// The name given.
        param: String,
    },
    /// Not exactly one parameter of a group was given.
    #[error("exactly one of {} must be given, got {given}", list(params))]
    ExactlyOneOf {
        /// Wire names of the group.
        params: &'static [&'static str],
        /// How many were given.
        given: usize,
    },
    /// No parameter of a group of which at least one is needed was given.
    #[error("at least one of {} must be given", list(params))]
    AtLeastOneOf {
        /// Wire names of the group.
        params: &'static [&'static str],
    },
    /// Some, not all, parameters of a group given together or not at all were given.
    #[error("{} must be given together or not at all, got {given} of {}", list(params), params.len())]
    AllOrNoneOf {
        /// Wire names of the group.
        params: &'static [&'static str],
        /// How many were given.
        given: usize,
    },
}

fn known_params(known: &[&str]) -> String {
    if known.is_empty() {
        "this endpoint takes no parameters".into()
    } else {
        format!("this endpoint has: {}", list(known))
    }
}

fn list(params: &[&str]) -> String {
    params
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A string that is not one of an enum's documented values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a {type_name} (expected one of {})", list(expected))]
pub struct UnknownValue {
    /// The enum.
    pub type_name: &'static str,
    /// What was given.
    pub value: String,
    /// The documented values.
    pub expected: &'static [&'static str],
}

pub use runtime_vocab::{BodyFormat, Location};

/// A parameter value as it is encoded. Text borrows from the typed request it came from
/// ([`WireValue::into_owned`] detaches it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireValue<'a> {
    /// Sent as a JSON string / query text.
    Str(Cow<'a, str>),
    /// Sent as a JSON integer / decimal text.
    Int(i64),
    /// Sent as a JSON integer / decimal text.
    UInt(u64),
    /// Sent as a JSON boolean / `true` or `false`.
    Bool(bool),
    /// Sent as its hyphenated lower-case text (a JSON string), written where it is used.
    Uuid(uuid::Uuid),
    /// Sent as a JSON array of the items (bodies, WebSocket params); as text (a query, a
    /// path), the items' texts joined by `,`.
    List(Vec<WireValue<'a>>),
}

impl WireValue<'_> {
    /// The text form (query strings, signing payloads).
    pub fn to_text(&self) -> String {
        match self {
            WireValue::Str(s) => s.to_string(),
            WireValue::Int(i) => i.to_string(),
            WireValue::UInt(u) => u.to_string(),
            WireValue::Bool(b) => b.to_string(),
            WireValue::Uuid(u) => u.to_string(),
            WireValue::List(items) => items
                .iter()
                .map(WireValue::to_text)
                .collect::<Vec<_>>()
                .join(","),
        }
    }

    /// The JSON form (bodies, WebSocket params): integers stay integers.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            WireValue::Str(s) => serde_json::Value::String(s.to_string()),
            WireValue::Int(i) => (*i).into(),
            WireValue::UInt(u) => (*u).into(),
            WireValue::Bool(b) => (*b).into(),
            WireValue::Uuid(u) => serde_json::Value::String(u.to_string()),
            WireValue::List(items) => items.iter().map(WireValue::to_json).collect(),
        }
    }

    /// Appends the text as one percent-encoded path segment.
    fn put_segment(&self, out: &mut impl Sink) {
        match self {
            WireValue::Str(s) => encode_into(s, Encoding::Rfc3986, out),
            WireValue::Int(i) => out.put_str(itoa::Buffer::new().format(*i)),
            WireValue::UInt(u) => out.put_str(itoa::Buffer::new().format(*u)),
            WireValue::Bool(b) => out.put_str(if *b { "true" } else { "false" }),
            // Hex digits and `-`: nothing to encode.
            WireValue::Uuid(u) => out.put_str(
                u.hyphenated()
                    .encode_lower(&mut uuid::Uuid::encode_buffer()),
            ),
            WireValue::List(_) => encode_into(&self.to_text(), Encoding::Rfc3986, out),
        }
    }

    /// The same value, owning its text.
    pub fn into_owned(self) -> WireValue<'static> {
        match self {
            WireValue::Str(s) => WireValue::Str(Cow::Owned(s.into_owned())),
            WireValue::Int(i) => WireValue::Int(i),
            WireValue::UInt(u) => WireValue::UInt(u),
            WireValue::Bool(b) => WireValue::Bool(b),
            WireValue::Uuid(u) => WireValue::Uuid(u),
            WireValue::List(items) => {
                WireValue::List(items.into_iter().map(WireValue::into_owned).collect())
            }
        }
    }
}

/// One parameter on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireParam<'a> {
    /// Wire name (borrowed for generated requests, owned for requests built at run time).
    pub name: Cow<'static, str>,
    /// Where it goes.
    pub location: Location,
    /// Its value.
    pub value: WireValue<'a>,
}

impl WireParam<'_> {
    /// The same parameter, owning its text.
    pub fn into_owned(self) -> WireParam<'static> {
        WireParam {
            name: self.name,
            location: self.location,
            value: self.value.into_owned(),
        }
    }
}

/// The path of an HTTP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WirePath<'a> {
    /// The path as sent: path parameters filled in, percent-encoded.
    Text(Cow<'a, str>),
    /// An endpoint's template, split where its placeholders are: literal text and the names
    /// of path parameters, alternating, starting with text (`/spot/orders/{id}` is
    /// `["/spot/orders/", "id", ""]`). Each name stands for the text of the request's path
    /// parameter of that name, percent-encoded as one segment (nothing when it is not given).
    /// It is filled in where the path is written, without building it first.
    Template(&'static [&'static str]),
}

impl<'a> From<&'a str> for WirePath<'a> {
    fn from(path: &'a str) -> Self {
        WirePath::Text(Cow::Borrowed(path))
    }
}

impl From<String> for WirePath<'_> {
    fn from(path: String) -> Self {
        WirePath::Text(Cow::Owned(path))
    }
}

/// How the request travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireTransport<'a> {
    /// HTTP.
    Rest {
        /// `GET`, `POST`, ...
        method: &'static str,
        /// The path ([`WireRequest::path`] writes it out).
        path: WirePath<'a>,
    },
    /// WebSocket API.
    Ws {
        /// The frame's `method`.
        method: &'static str,
    },
}

impl WireTransport<'_> {
    /// The same transport, owning its path.
    pub fn into_owned(self) -> WireTransport<'static> {
        match self {
            WireTransport::Rest { method, path } => WireTransport::Rest {
                method,
                path: match path {
                    WirePath::Text(text) => WirePath::Text(Cow::Owned(text.into_owned())),
                    WirePath::Template(template) => WirePath::Template(template),
                },
            },
            WireTransport::Ws { method } => WireTransport::Ws { method },
        }
    }
}

/// A request's parameters, in order: up to six are held inline, so that a typed request's
/// wire form allocates nothing. Derefs to a slice; built with [`WireParams::push`] or
/// `collect()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireParams<'a>(Params<'a>);

/// Inline, then on the heap once full (an `ArrayVec`, unlike a `SmallVec`, keeps the type
/// covariant in `'a`). The inline variant is large on purpose: it is what saves the
/// allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
enum Params<'a> {
    Inline(ArrayVec<WireParam<'a>, 6>),
    Heap(Vec<WireParam<'a>>),
}

impl<'a> WireParams<'a> {
    /// No parameters.
    #[inline]
    pub fn new() -> Self {
        WireParams(Params::Inline(ArrayVec::new()))
    }

    /// Appends a parameter.
    #[inline]
    pub fn push(&mut self, param: WireParam<'a>) {
        match &mut self.0 {
            Params::Inline(inline) => {
                if let Err(full) = inline.try_push(param) {
                    self.spill(full.element());
                }
            }
            Params::Heap(heap) => heap.push(param),
        }
    }

    /// Moves the parameters to the heap, then appends `param`.
    #[cold]
    fn spill(&mut self, param: WireParam<'a>) {
        if let Params::Inline(inline) = &mut self.0 {
            let mut heap = Vec::with_capacity(2 * inline.len() + 1);
            heap.extend(inline.drain(..));
            heap.push(param);
            self.0 = Params::Heap(heap);
        }
    }
}

impl Default for WireParams<'_> {
    fn default() -> Self {
        WireParams::new()
    }
}

impl<'a> std::ops::Deref for WireParams<'a> {
    type Target = [WireParam<'a>];

    #[inline]
    fn deref(&self) -> &Self::Target {
        match &self.0 {
            Params::Inline(inline) => inline,
            Params::Heap(heap) => heap,
        }
    }
}

impl std::ops::DerefMut for WireParams<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match &mut self.0 {
            Params::Inline(inline) => inline,
            Params::Heap(heap) => heap,
        }
    }
}

impl<'a> FromIterator<WireParam<'a>> for WireParams<'a> {
    fn from_iter<I: IntoIterator<Item = WireParam<'a>>>(iter: I) -> Self {
        let mut params = WireParams::new();
        for p in iter {
            params.push(p);
        }
        params
    }
}

impl<'a> IntoIterator for WireParams<'a> {
    type Item = WireParam<'a>;
    type IntoIter = std::vec::IntoIter<WireParam<'a>>;

    fn into_iter(self) -> Self::IntoIter {
        match self.0 {
            Params::Inline(inline) => Vec::from_iter(inline).into_iter(),
            Params::Heap(heap) => heap.into_iter(),
        }
    }
}

impl<'p, 'a> IntoIterator for &'p WireParams<'a> {
    type Item = &'p WireParam<'a>;
    type IntoIter = std::slice::Iter<'p, WireParam<'a>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> From<Vec<WireParam<'a>>> for WireParams<'a> {
    fn from(params: Vec<WireParam<'a>>) -> Self {
        WireParams(Params::Heap(params))
    }
}

/// A validated request in wire form, before signing. Generated requests' `to_wire` borrows
/// every text from the request and allocates nothing: text is copied only when it is written
/// on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireRequest<'a> {
    /// How it travels.
    pub transport: WireTransport<'a>,
    /// The caller's parameters, in spec order (path parameters included: the path's template
    /// reads them).
    pub params: WireParams<'a>,
    /// How the body members are written (REST only).
    pub body_format: BodyFormat,
}

impl<'a> WireRequest<'a> {
    /// The parameters in one location, in spec order.
    pub fn at(&self, location: Location) -> impl Iterator<Item = &WireParam<'a>> {
        self.params.iter().filter(move |p| p.location == location)
    }

    /// The JSON object of the body (or of the WebSocket `params`), members in spec order;
    /// `None` when no parameter goes there.
    pub fn json_object(
        &self,
        location: Location,
    ) -> Option<serde_json::Map<String, serde_json::Value>> {
        let mut map = serde_json::Map::new();
        for p in self.at(location) {
            map.insert(p.name.to_string(), p.value.to_json());
        }
        (!map.is_empty()).then_some(map)
    }

    /// The path as sent (path parameters filled in, percent-encoded); `None` for a WebSocket
    /// request.
    pub fn path(&self) -> Option<Cow<'_, str>> {
        match &self.transport {
            WireTransport::Rest {
                path: WirePath::Text(text),
                ..
            } => Some(Cow::Borrowed(text)),
            WireTransport::Rest { .. } => {
                let mut path = String::new();
                self.put_path(&mut path);
                Some(Cow::Owned(path))
            }
            WireTransport::Ws { .. } => None,
        }
    }

    /// Appends the path as sent (nothing for a WebSocket request).
    pub(crate) fn put_path(&self, out: &mut impl Sink) {
        match &self.transport {
            WireTransport::Rest {
                path: WirePath::Template(template),
                ..
            } => put_template(template, &self.params, out),
            WireTransport::Rest {
                path: WirePath::Text(text),
                ..
            } => out.put_str(text),
            WireTransport::Ws { .. } => {}
        }
    }

    /// The same request, owning all its text (to keep it beyond the typed request).
    pub fn into_owned(self) -> WireRequest<'static> {
        WireRequest {
            transport: self.transport.into_owned(),
            params: self.params.into_iter().map(WireParam::into_owned).collect(),
            body_format: self.body_format,
        }
    }
}

/// Appends a template's pieces (see [`WirePath::Template`]), each name replaced by the text of
/// that path parameter of `params`, percent-encoded as one segment (nothing when there is
/// none).
pub(crate) fn put_template(pieces: &[&str], params: &[WireParam<'_>], out: &mut impl Sink) {
    for (i, piece) in pieces.iter().enumerate() {
        if i % 2 == 0 {
            out.put_str(piece);
        } else if let Some(p) = params
            .iter()
            .find(|p| p.location == Location::Path && p.name == *piece)
        {
            p.value.put_segment(out);
        }
    }
}

/// RFC 3986 unreserved characters stay; everything else is percent-encoded (upper-case hex).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment.
pub fn encode_path_segment(s: &str) -> String {
    utf8_percent_encode(s, PATH_SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(encode_path_segment("9f2a1c4e-5b67"), "9f2a1c4e-5b67");
        assert_eq!(encode_path_segment("a/b c?é"), "a%2Fb%20c%3F%C3%A9");
    }

    /// A template is filled in from its pieces: each name by its parameter's text, encoded
    /// as a segment; a missing parameter by nothing.
    #[test]
    fn path_templates_are_filled_in() {
        let param = |name: &'static str, value| WireParam {
            name: Cow::Borrowed(name),
            location: Location::Path,
            value,
        };
        let request = |pieces| WireRequest {
            transport: WireTransport::Rest {
                method: "GET",
                path: WirePath::Template(pieces),
            },
            params: [
                param("id", WireValue::Str("a/b é".into())),
                param("n", WireValue::Int(-7)),
                WireParam {
                    name: Cow::Borrowed("q"),
                    location: Location::Query,
                    value: WireValue::Str("query".into()),
                },
                param(
                    "u",
                    WireValue::Uuid(uuid::Uuid::from_u128(
                        0x9f2a1c4e_5b67_4d8a_bf93_2e1f4a6c8d10,
                    )),
                ),
                param("t", WireValue::Bool(true)),
            ]
            .into_iter()
            .collect(),
            body_format: BodyFormat::Json,
        };
        let path = |pieces| request(pieces).path().unwrap().into_owned();
        assert_eq!(
            path(&["/x/", "id", "/", "n", "/", "u", "/", "t", ""]),
            "/x/a%2Fb%20%C3%A9/-7/9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10/true"
        );
        assert_eq!(path(&["/", "missing", "/", "q", "/end"]), "///end");
        assert_eq!(path(&["", "id", ""]), "a%2Fb%20%C3%A9");
        assert_eq!(path(&["/open{id/x"]), "/open{id/x");
    }

    #[test]
    fn errors_read_well() {
        let e = RequestError::ExactlyOneOf {
            params: &["orderId", "origClientOrderId"],
            given: 2,
        };
        assert_eq!(
            e.to_string(),
            "exactly one of `orderId`, `origClientOrderId` must be given, got 2"
        );
        let e = RequestError::AtLeastOneOf {
            params: &["orderId", "clientOid"],
        };
        assert_eq!(
            e.to_string(),
            "at least one of `orderId`, `clientOid` must be given"
        );
        let e = RequestError::AllOrNoneOf {
            params: &["cid", "cid_date"],
            given: 1,
        };
        assert_eq!(
            e.to_string(),
            "`cid`, `cid_date` must be given together or not at all, got 1 of 2"
        );
    }
}
