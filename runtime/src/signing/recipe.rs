//! A venue's signing scheme. Generated code builds these as constants from the venue's spec;
//! the steps they are made of are the shared vocabulary (`runtime-vocab`), re-exported here.

pub use runtime_vocab::{
    Add, DigestAlgorithm, Encoding, JsonMember, KeyEncoding, KeyKind, Output, Part, Place,
    SchemeTransport, Sign, SignAlgorithm, TimestampFormat,
};

/// One way a venue signs requests (a venue may have several: HMAC and Ed25519 keys, REST and
/// WebSocket, API key and JWT).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    /// The venue whose spec declares it (`acme`).
    pub venue: &'static str,
    /// The scheme's name in the spec (`hmac`, `ed25519`, `jwt`).
    pub name: &'static str,
    /// Which transport it signs.
    pub transport: SchemeTransport,
    /// The kind of key it needs.
    pub key: KeyKind,
    /// The credentials it reads (all must be given to use it).
    pub credentials: &'static [&'static str],
    /// How the timestamp is written, if the scheme uses one.
    pub timestamp: Option<TimestampFormat>,
    /// Parameters added before signing, in order.
    pub add: &'static [Add],
    /// The string to sign, as the concatenation of these parts.
    pub payload: &'static [Part],
    /// How the payload is signed; `None` for bearer-token schemes that only add headers.
    pub sign: Option<Sign>,
    /// Where the signature goes.
    pub place: Option<Place>,
    /// How query values are percent-encoded when the URL is written.
    pub query_encoding: Encoding,
    /// A request whose method carries a body (`POST`, `PUT`, `PATCH`) always has a JSON
    /// object body, `{}` when no parameter goes there (signed as sent).
    pub object_body: bool,
}
