//! The signing recipe: credentials and one or more schemes built from a small vocabulary.
//!
//! The steps of a scheme (parts, added parameters, algorithms, encodings) are the runtime's
//! own types (`runtime-vocab`), read here in the spec's spelling: one definition for the spec,
//! the generator and the engine.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use runtime_vocab::{Add, Encoding, KeyKind, Part, Place, SchemeTransport, Sign, TimestampFormat};

/// How the venue signs requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SigningSpec {
    /// The scheme in one paragraph, as the docs describe it (becomes rustdoc).
    pub summary: String,
    /// The credentials the schemes read, by name (`api_key`, `secret`, `memo`).
    #[serde(default)]
    pub credentials: IndexMap<String, CredentialSpec>,
    /// The ways to sign, by name, in preference order: the first whose credentials are all
    /// given is used.
    #[serde(default)]
    pub schemes: IndexMap<String, SchemeSpec>,
    /// How far a signed request's timestamp may be from the venue's clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowSpec>,
}

/// The timestamp window: a request is accepted when
/// `now - recvWindow <= timestamp <= now + max_ahead_ms`, `recvWindow` being the request's own
/// (at most `recv_window_max_ms`) or `recv_window_default_ms` when it sends none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowSpec {
    /// The window behind the venue's clock when the request sends no `recvWindow` (ms).
    pub recv_window_default_ms: i64,
    /// The largest `recvWindow` a request may send (ms).
    pub recv_window_max_ms: i64,
    /// How far ahead of the venue's clock a timestamp may be (ms). Absent where the docs
    /// bound only the past ("valid for 60 seconds since generation"): no bound is invented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ahead_ms: Option<i64>,
    /// A nonce (`random_hex`, `uuid4`) may be used only once within this many ms ("each nonce
    /// can be used only once within a timeframe of 150 seconds"): the mock venue refuses a
    /// request whose nonce it has accepted within that time. Absent: reuse is not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce_once_within_ms: Option<i64>,
    /// Where the docs say so.
    pub doc: String,
}

/// A credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CredentialSpec {
    /// What it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Whether it is secret (never printed). Defaults to false.
    #[serde(default)]
    pub secret: bool,
    /// The environment variable it is read from; defaults to `<VENUE>_<NAME>` upper-case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
}

/// One way to sign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemeSpec {
    /// What the scheme is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// The transport it signs.
    pub transport: SchemeTransport,
    /// The key it needs.
    pub key: KeyKind,
    /// How the timestamp is written, if the scheme uses one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<TimestampFormat>,
    /// Parameters added before signing, in order.
    #[serde(default)]
    pub add: Vec<Add>,
    /// The string to sign: these parts concatenated.
    #[serde(default)]
    pub payload: Vec<Part>,
    /// How the payload is signed (absent for bearer tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign: Option<Sign>,
    /// Where the signature goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Place>,
    /// How query names and values are percent-encoded in the URL. Defaults to `rfc3986`.
    #[serde(default = "rfc3986")]
    pub query_encoding: Encoding,
    /// Every request whose method carries a body (`POST`, `PUT`, `PATCH`) sends a JSON
    /// object body, `{}` when no parameter goes there, and signs it as sent.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub object_body: bool,
}

fn rfc3986() -> Encoding {
    Encoding::Rfc3986
}
