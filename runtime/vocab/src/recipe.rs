//! The signing recipe's steps: what a scheme adds, the parts of the string it signs, how it
//! signs and where the signature goes.
//!
//! Text and lists are [`Cow`]s: generated constants borrow `'static` data, the spec reader owns
//! what it parsed. The `const fn` constructors shorten what generated code writes.

use std::borrow::Cow;

use crate::Location;

/// The transport a scheme signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "spec",
    derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema),
    serde(rename_all = "snake_case")
)]
pub enum SchemeTransport {
    /// HTTP requests.
    Rest,
    /// WebSocket API frames.
    Ws,
}

/// The kind of key a scheme needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "spec",
    derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema),
    serde(rename_all = "snake_case")
)]
pub enum KeyKind {
    /// A shared secret for HMAC.
    Hmac,
    /// An Ed25519 private key (PKCS#8 PEM, or a 32-byte seed in hex or base64).
    Ed25519,
    /// An RSA private key (PKCS#1 or PKCS#8 PEM).
    Rsa,
    /// An ECDSA P-256 private key (SEC1 `EC PRIVATE KEY` or PKCS#8 PEM, its line breaks
    /// given as they are or as the two characters `\n`).
    EcP256,
    /// A bearer token; nothing is signed.
    Token,
}

/// How a timestamp is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "spec",
    derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema),
    serde(rename_all = "snake_case")
)]
pub enum TimestampFormat {
    /// Milliseconds since the Unix epoch (`ms` in a spec).
    #[cfg_attr(feature = "spec", serde(rename = "ms"))]
    Millis,
    /// Seconds since the Unix epoch (`s` in a spec).
    #[cfg_attr(feature = "spec", serde(rename = "s"))]
    Seconds,
    /// Microseconds since the Unix epoch (`us` in a spec), strictly increasing from one
    /// request to the next of a signer (a nonce the venue requires to grow per key).
    #[cfg_attr(feature = "spec", serde(rename = "us"))]
    Micros,
    /// UTC `YYYY-MM-DDThh:mm:ss`.
    IsoSeconds,
    /// UTC `YYYY-MM-DDThh:mm:ss.sssZ`.
    IsoMillis,
}

/// A parameter the scheme adds to the request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "spec",
    derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema),
    serde(deny_unknown_fields)
)]
pub struct Add {
    /// Where.
    #[cfg_attr(feature = "spec", serde(rename = "in"))]
    pub location: Location,
    /// Its name.
    pub name: Cow<'static, str>,
    /// Its value: the parts' text, concatenated.
    pub value: Cow<'static, [Part]>,
    /// Whether the value contains a secret (it is then redacted when printed). Not written in
    /// a spec: the generator derives it from the credentials the value reads.
    #[cfg_attr(feature = "spec", serde(skip))]
    pub sensitive: bool,
}

/// A piece of the string to sign (or of an added value).
///
/// In a spec: a keyword (`method`, `host`, `path`, `timestamp`, `body`) or a map with exactly
/// one of `literal`, `credential`, `params`, `param`, `digest`, `mac`, `random_hex`,
/// `timestamp_plus`, `json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Literal text (`"#"`, `"\n"`).
    Literal(Cow<'static, str>),
    /// The HTTP method (`GET`).
    Method,
    /// The host actually called, lower-case, with `:port` when the URL names one.
    Host,
    /// The URL path from the root (base URL prefix included).
    Path,
    /// The timestamp, written in the scheme's format.
    Timestamp,
    /// A credential's value (an API key, a memo, a passphrase).
    Credential(Cow<'static, str>),
    /// The exact body bytes sent (empty when there is no body).
    Body,
    /// The request's `Content-Type` when it has a body (`application/json`, or
    /// `application/x-www-form-urlencoded` for a form body); nothing when it has none.
    ContentType,
    /// A random UUID (version 4) written in lower case with hyphens (36 characters), drawn
    /// once per request as `random_hex` is: the request's nonce.
    Uuid4,
    /// Parameters of one location as `k=v` joined by `&`.
    Params {
        /// Which parameters.
        from: Location,
        /// Sorted by name (byte order) rather than in the order sent.
        sort: bool,
        /// How names and values are encoded.
        encoding: Encoding,
        /// Written before the parameters when there is at least one (`?` for a request
        /// target: the path, then `?` and the query only when there is a query); empty for
        /// none.
        prefix: Cow<'static, str>,
    },
    /// The value of one parameter as sent (its text, unencoded, as `Params` writes a value):
    /// a venue that signs one member of the request (a log-on's user `data`). Nothing when the
    /// parameter is not sent.
    Param {
        /// Where the parameter travels.
        from: Location,
        /// Its name.
        name: Cow<'static, str>,
    },
    /// A digest of the concatenation of other parts: its raw bytes (HMAC-in-digest schemes),
    /// or written as text (`output`: hex or base64) where the venue signs the digest's text.
    Digest {
        /// The digest.
        algorithm: DigestAlgorithm,
        /// What it digests.
        of: Cow<'static, [Part]>,
        /// How the digest is written; `None` for its raw bytes.
        output: Option<Output>,
    },
    /// An HMAC of other parts keyed with a credential, written as text: a value derived from
    /// credentials (a passphrase sent signed with the secret), or a MAC inside a MAC.
    Mac {
        /// The HMAC (`hmac_sha256`, `hmac_sha384`, `hmac_sha512`).
        algorithm: SignAlgorithm,
        /// The credential holding the key (its bytes as they are).
        key: Cow<'static, str>,
        /// What it authenticates.
        of: Cow<'static, [Part]>,
        /// How the MAC is written.
        output: Output,
    },
    /// This many random bytes written as lower-case hex, drawn once per request (every
    /// `random_hex` part of one request writes the same value): a nonce.
    RandomHex(u8),
    /// The timestamp plus this many seconds, in the scheme's format (`ms` or `s`): an expiry.
    TimestampPlus(i64),
    /// A JSON object built from members whose values are parts, written compactly in the
    /// members' order, as it is or encoded as text (`output`): a JWT's header or claims.
    Json {
        /// The members, in order.
        members: Cow<'static, [JsonMember]>,
        /// How the object's text is written (`base64url` for a JWT); `None` for the JSON
        /// text itself.
        output: Option<Output>,
    },
}

/// A member of a [`Part::Json`] object.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "spec",
    derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema),
    serde(deny_unknown_fields)
)]
pub struct JsonMember {
    /// The member's name.
    pub name: Cow<'static, str>,
    /// Its value: the parts' text, concatenated, written as a JSON string.
    pub value: Cow<'static, [Part]>,
    /// Written as a JSON integer instead (the text must be one: a timestamp in `s` or `ms`).
    #[cfg_attr(
        feature = "spec",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub integer: bool,
}

impl Part {
    /// Literal text.
    pub const fn literal(text: &'static str) -> Self {
        Part::Literal(Cow::Borrowed(text))
    }

    /// A credential's value.
    pub const fn credential(name: &'static str) -> Self {
        Part::Credential(Cow::Borrowed(name))
    }
}

/// Percent-encoding of names and values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "spec",
    derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema),
    serde(rename_all = "snake_case")
)]
pub enum Encoding {
    /// As they are.
    None,
    /// RFC 3986: unreserved characters kept, everything else `%XX` with upper-case hex.
    Rfc3986,
}

/// Digests for nested parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "spec",
    derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema),
    serde(rename_all = "snake_case")
)]
pub enum DigestAlgorithm {
    /// SHA-256.
    Sha256,
    /// SHA-512.
    Sha512,
}

/// How the payload is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "spec",
    derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema),
    serde(deny_unknown_fields)
)]
pub struct Sign {
    /// The algorithm.
    pub algorithm: SignAlgorithm,
    /// The credential holding the key.
    pub key: Cow<'static, str>,
    /// How an HMAC key is given. Defaults to `raw`.
    #[cfg_attr(feature = "spec", serde(default = "KeyEncoding::raw"))]
    pub key_encoding: KeyEncoding,
    /// How the signature is written.
    pub output: Output,
}

impl Sign {
    /// Signs with `algorithm` and the credential `key`.
    pub const fn new(
        algorithm: SignAlgorithm,
        key: &'static str,
        key_encoding: KeyEncoding,
        output: Output,
    ) -> Self {
        Sign {
            algorithm,
            key: Cow::Borrowed(key),
            key_encoding,
            output,
        }
    }
}

/// Signature algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "spec",
    derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema),
    serde(rename_all = "snake_case")
)]
pub enum SignAlgorithm {
    /// HMAC with SHA-256.
    HmacSha256,
    /// HMAC with SHA-384.
    HmacSha384,
    /// HMAC with SHA-512.
    HmacSha512,
    /// Ed25519 (RFC 8032).
    Ed25519,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RsaPkcs1Sha256,
    /// ECDSA over P-256 with SHA-256 (JWS `ES256`): the signature is `r || s`, 32 bytes each;
    /// the nonce `k` is derived as RFC 6979 says, so a key signs a message the same way twice.
    EcdsaP256Sha256,
}

/// How an HMAC secret is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "spec",
    derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema),
    serde(rename_all = "snake_case")
)]
pub enum KeyEncoding {
    /// The secret's bytes as they are.
    Raw,
    /// The secret is base64; its decoded bytes are the key.
    Base64,
    /// The secret is hex; its decoded bytes are the key.
    Hex,
}

impl KeyEncoding {
    /// `Raw`, the spec's default.
    pub const fn raw() -> Self {
        KeyEncoding::Raw
    }
}

/// How a signature is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "spec",
    derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema),
    serde(rename_all = "snake_case")
)]
pub enum Output {
    /// Lower-case hex.
    Hex,
    /// Upper-case hex.
    HexUpper,
    /// Standard base64 with padding.
    Base64,
    /// URL-safe base64 without padding (`base64url` in a spec).
    #[cfg_attr(feature = "spec", serde(rename = "base64url"))]
    Base64Url,
}

/// Where the signature goes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "spec",
    derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema),
    serde(deny_unknown_fields)
)]
pub struct Place {
    /// Location.
    #[cfg_attr(feature = "spec", serde(rename = "in"))]
    pub location: Location,
    /// Name of the header, parameter or member.
    pub name: Cow<'static, str>,
    /// Text written before the placed value (`"Bearer "`); only in a header.
    #[cfg_attr(
        feature = "spec",
        serde(default, skip_serializing_if = "str::is_empty")
    )]
    pub prefix: Cow<'static, str>,
    /// When set, the placed value is the string to sign, this text, then the signature
    /// (`"."`: a JWS compact token, `header.claims.signature`); only in a header.
    #[cfg_attr(
        feature = "spec",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub with_payload: Option<Cow<'static, str>>,
}

impl Place {
    /// The signature goes into `name` at `location`.
    pub const fn new(location: Location, name: &'static str) -> Self {
        Place {
            location,
            name: Cow::Borrowed(name),
            prefix: Cow::Borrowed(""),
            with_payload: None,
        }
    }

    /// The value placed after `prefix`, and (with `with_payload`) the string to sign and
    /// that text before the signature.
    pub const fn token(
        location: Location,
        name: &'static str,
        prefix: &'static str,
        with_payload: Option<&'static str>,
    ) -> Self {
        Place {
            location,
            name: Cow::Borrowed(name),
            prefix: Cow::Borrowed(prefix),
            with_payload: match with_payload {
                Some(t) => Some(Cow::Borrowed(t)),
                None => None,
            },
        }
    }

    /// Whether the placed value is more than the signature (a prefix, or the payload too).
    pub fn composed(&self) -> bool {
        !self.prefix.is_empty() || self.with_payload.is_some()
    }
}
