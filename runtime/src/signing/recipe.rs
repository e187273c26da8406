//! The recipe vocabulary. Generated code builds these as constants from the venue's spec.

use crate::request::Location;

/// One way a venue signs requests (a venue may have several: HMAC and Ed25519 keys, REST and
/// WebSocket, API key and JWT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    /// The venue whose spec declares it (`bitmart`).
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
}

/// The transport a scheme signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeTransport {
    /// HTTP requests.
    Rest,
    /// WebSocket API frames.
    Ws,
}

/// The kind of key a scheme needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A shared secret for HMAC.
    Hmac,
    /// An Ed25519 private key (PKCS#8 PEM, or a 32-byte seed in hex or base64).
    Ed25519,
    /// An RSA private key (PKCS#1 or PKCS#8 PEM).
    Rsa,
    /// A bearer token; nothing is signed.
    Token,
}

/// How a timestamp is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    /// Milliseconds since the Unix epoch.
    Millis,
    /// Seconds since the Unix epoch.
    Seconds,
    /// UTC `YYYY-MM-DDThh:mm:ss`.
    IsoSeconds,
    /// UTC `YYYY-MM-DDThh:mm:ss.sssZ`.
    IsoMillis,
}

/// A parameter the scheme adds to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Add {
    /// Where.
    pub location: Location,
    /// Its name.
    pub name: &'static str,
    /// Its value: the parts' text, concatenated.
    pub value: &'static [Part],
    /// Whether the value contains a secret (it is then redacted when printed).
    pub sensitive: bool,
}

/// A piece of the string to sign (or of an added value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Literal text (`"#"`, `"\n"`).
    Literal(&'static str),
    /// The HTTP method (`GET`).
    Method,
    /// The host actually called, lower-case, with `:port` when the URL names one.
    Host,
    /// The URL path from the root (base URL prefix included).
    Path,
    /// The timestamp, written in the scheme's format.
    Timestamp,
    /// A credential's value (an API key, a memo, a passphrase).
    Credential(&'static str),
    /// The exact body bytes sent (empty when there is no body).
    Body,
    /// Parameters of one location as `k=v` joined by `&`.
    Params {
        /// Which parameters.
        from: Location,
        /// Sorted by name (byte order) rather than in the order sent.
        sort: bool,
        /// How names and values are encoded.
        encoding: Encoding,
    },
    /// A digest of the concatenation of other parts (raw bytes, for HMAC-in-digest schemes).
    Digest {
        /// The digest.
        algorithm: DigestAlgorithm,
        /// What it digests.
        of: &'static [Part],
    },
}

/// Percent-encoding of names and values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// As they are.
    None,
    /// RFC 3986: unreserved characters kept, everything else `%XX` with upper-case hex.
    Rfc3986,
}

/// Digests for nested parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestAlgorithm {
    /// SHA-256.
    Sha256,
    /// SHA-512.
    Sha512,
}

/// How the payload is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sign {
    /// The algorithm.
    pub algorithm: SignAlgorithm,
    /// The credential holding the key.
    pub key: &'static str,
    /// How an HMAC key is given.
    pub key_encoding: KeyEncoding,
    /// How the signature is written.
    pub output: Output,
}

/// Signature algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignAlgorithm {
    /// HMAC with SHA-256.
    HmacSha256,
    /// HMAC with SHA-512.
    HmacSha512,
    /// Ed25519 (RFC 8032).
    Ed25519,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RsaPkcs1Sha256,
}

/// How an HMAC secret is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyEncoding {
    /// The secret's bytes as they are.
    Raw,
    /// The secret is base64; its decoded bytes are the key.
    Base64,
    /// The secret is hex; its decoded bytes are the key.
    Hex,
}

/// How a signature is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Lower-case hex.
    Hex,
    /// Upper-case hex.
    HexUpper,
    /// Standard base64 with padding.
    Base64,
    /// URL-safe base64 without padding.
    Base64Url,
}

/// Where the signature goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Location.
    pub location: Location,
    /// Name of the header, parameter or member.
    pub name: &'static str,
}
