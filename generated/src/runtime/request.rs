//! Request validation errors and the wire form of a request.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

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
    #[error("unknown parameter `{param}` (this endpoint has: {})", list(known))]
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

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Location {
    /// In the path (already substituted into [`WireTransport::Rest::path`]).
    Path,
    /// In the query string.
    Query,
    /// A member of the JSON body.
    Body,
    /// A member of the WebSocket request's `params`.
    WsParams,
    /// An HTTP header.
    Header,
}

/// A parameter value as it is encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireValue {
    /// Sent as a JSON string / query text.
    Str(String),
    /// Sent as a JSON integer / decimal text.
    Int(i64),
    /// Sent as a JSON integer / decimal text.
    UInt(u64),
    /// Sent as a JSON boolean / `true` or `false`.
    Bool(bool),
}

impl WireValue {
    /// The text form (query strings, signing payloads).
    pub fn to_text(&self) -> String {
        match self {
            WireValue::Str(s) => s.clone(),
            WireValue::Int(i) => i.to_string(),
            WireValue::UInt(u) => u.to_string(),
            WireValue::Bool(b) => b.to_string(),
        }
    }

    /// The JSON form (bodies, WebSocket params): integers stay integers.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            WireValue::Str(s) => serde_json::Value::String(s.clone()),
            WireValue::Int(i) => (*i).into(),
            WireValue::UInt(u) => (*u).into(),
            WireValue::Bool(b) => (*b).into(),
        }
    }
}

/// One parameter on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireParam {
    /// Wire name (borrowed for generated requests, owned for requests built at run time).
    pub name: std::borrow::Cow<'static, str>,
    /// Where it goes.
    pub location: Location,
    /// Its value.
    pub value: WireValue,
}

/// How the request travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireTransport {
    /// HTTP.
    Rest {
        /// `GET`, `POST`, ...
        method: &'static str,
        /// The path with path parameters filled in and percent-encoded.
        path: String,
    },
    /// WebSocket API.
    Ws {
        /// The frame's `method`.
        method: &'static str,
    },
}

/// A validated request in wire form, before signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireRequest {
    /// How it travels.
    pub transport: WireTransport,
    /// The caller's parameters, in spec order (path parameters included, for reference).
    pub params: Vec<WireParam>,
}

impl WireRequest {
    /// The parameters in one location, in spec order.
    pub fn at(&self, location: Location) -> impl Iterator<Item = &WireParam> {
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
    }
}
