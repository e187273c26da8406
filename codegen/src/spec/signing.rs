//! The signing recipe: credentials and one or more schemes built from a small vocabulary.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::endpoint::ParamLocation;

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
    /// How far ahead of the venue's clock a timestamp may be (ms).
    pub max_ahead_ms: i64,
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
    pub transport: SchemeTransportSpec,
    /// The key it needs.
    pub key: KeyKindSpec,
    /// How the timestamp is written, if the scheme uses one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<TimestampFormatSpec>,
    /// Parameters added before signing, in order.
    #[serde(default)]
    pub add: Vec<AddSpec>,
    /// The string to sign: these parts concatenated.
    #[serde(default)]
    pub payload: Vec<PartSpec>,
    /// How the payload is signed (absent for bearer tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign: Option<SignSpec>,
    /// Where the signature goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<PlaceSpec>,
    /// How query names and values are percent-encoded in the URL. Defaults to `rfc3986`.
    #[serde(default = "rfc3986")]
    pub query_encoding: EncodingSpec,
}

fn rfc3986() -> EncodingSpec {
    EncodingSpec::Rfc3986
}

/// `rest` or `ws`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SchemeTransportSpec {
    /// HTTP requests.
    Rest,
    /// WebSocket API frames.
    Ws,
}

/// The key a scheme needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeyKindSpec {
    /// A shared HMAC secret.
    Hmac,
    /// An Ed25519 private key (PKCS#8 PEM, or a 32-byte seed in hex or base64).
    Ed25519,
    /// An RSA private key (PKCS#1 or PKCS#8 PEM).
    Rsa,
    /// A bearer token: nothing is signed.
    Token,
}

/// How a timestamp is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimestampFormatSpec {
    /// Milliseconds since the Unix epoch.
    Ms,
    /// Seconds since the Unix epoch.
    S,
    /// UTC `YYYY-MM-DDThh:mm:ss`.
    IsoSeconds,
    /// UTC `YYYY-MM-DDThh:mm:ss.sssZ`.
    IsoMillis,
}

/// A parameter the scheme adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddSpec {
    /// Where it goes.
    #[serde(rename = "in")]
    pub location: ParamLocation,
    /// Its name.
    pub name: String,
    /// Its value: parts concatenated.
    pub value: Vec<PartSpec>,
}

/// A piece of text or bytes: a keyword (`method`, `host`, `path`, `timestamp`, `body`) or a
/// map with exactly one of `literal`, `credential`, `params`, `digest`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum PartSpec {
    /// `- timestamp`
    Keyword(PartKeyword),
    /// `- { literal: "#" }`
    Literal(LiteralPart),
    /// `- { credential: memo }`
    Credential(CredentialPart),
    /// `- { params: { from: query, sort: true, encoding: rfc3986 } }`
    Params(ParamsPart),
    /// `- { digest: { algorithm: sha256, of: [...] } }`
    Digest(DigestPart),
}

/// Parts that need no argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartKeyword {
    /// The HTTP method.
    Method,
    /// The host called, lower-case (with `:port` when the URL names one).
    Host,
    /// The URL path from the root.
    Path,
    /// The timestamp in the scheme's format.
    Timestamp,
    /// The exact body bytes sent.
    Body,
}

/// `{ literal: "..." }`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LiteralPart {
    /// The text.
    pub literal: String,
}

/// `{ credential: name }`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CredentialPart {
    /// A credential declared under `signing.credentials`.
    pub credential: String,
}

/// `{ params: {...} }`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamsPart {
    /// Which parameters, and how.
    pub params: ParamsSpec,
}

/// Parameters of one location as `k=v` joined by `&`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamsSpec {
    /// Which location.
    pub from: ParamLocation,
    /// Sort by name (byte order) instead of the order sent. Defaults to false.
    #[serde(default)]
    pub sort: bool,
    /// Percent-encoding of names and values. Defaults to `none`.
    #[serde(default = "no_encoding")]
    pub encoding: EncodingSpec,
}

fn no_encoding() -> EncodingSpec {
    EncodingSpec::None
}

/// `{ digest: {...} }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DigestPart {
    /// The digest and what it covers.
    pub digest: DigestSpec,
}

/// A digest of other parts, as raw bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DigestSpec {
    /// `sha256` or `sha512`.
    pub algorithm: DigestAlgorithmSpec,
    /// The parts digested.
    pub of: Vec<PartSpec>,
}

/// Digest algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DigestAlgorithmSpec {
    /// SHA-256.
    Sha256,
    /// SHA-512.
    Sha512,
}

/// Percent-encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EncodingSpec {
    /// As is.
    None,
    /// RFC 3986, upper-case hex.
    Rfc3986,
}

/// How the payload is signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignSpec {
    /// The algorithm.
    pub algorithm: SignAlgorithmSpec,
    /// The credential holding the key.
    pub key: String,
    /// How an HMAC secret is given. Defaults to `raw`.
    #[serde(default = "raw")]
    pub key_encoding: KeyEncodingSpec,
    /// How the signature is written.
    pub output: OutputSpec,
}

fn raw() -> KeyEncodingSpec {
    KeyEncodingSpec::Raw
}

/// Signature algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignAlgorithmSpec {
    /// HMAC-SHA256.
    HmacSha256,
    /// HMAC-SHA512.
    HmacSha512,
    /// Ed25519.
    Ed25519,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RsaPkcs1Sha256,
}

/// How an HMAC secret is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeyEncodingSpec {
    /// Its bytes as they are.
    Raw,
    /// Base64, decoded to the key.
    Base64,
    /// Hex, decoded to the key.
    Hex,
}

/// Signature encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutputSpec {
    /// Lower-case hex.
    Hex,
    /// Upper-case hex.
    HexUpper,
    /// Standard base64.
    Base64,
    /// URL-safe base64 without padding.
    Base64url,
}

/// Where the signature goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceSpec {
    /// Location.
    #[serde(rename = "in")]
    pub location: ParamLocation,
    /// Name.
    pub name: String,
}

/// Every key a part map may have; exactly one must be set.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartMap {
    literal: Option<String>,
    credential: Option<String>,
    params: Option<ParamsSpec>,
    digest: Option<DigestSpec>,
}

// By hand, so `- timestamp` and `- { literal: "#" }` both read naturally and a mistake is
// reported as itself rather than as "did not match any variant".
impl<'de> Deserialize<'de> for PartSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = PartSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a part: method, host, path, timestamp, body, or a map with one of \
                     literal, credential, params, digest",
                )
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<PartSpec, E> {
                PartKeyword::deserialize(serde::de::value::StrDeserializer::<E>::new(s))
                    .map(PartSpec::Keyword)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<PartSpec, A::Error> {
                let m = PartMap::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                match (m.literal, m.credential, m.params, m.digest) {
                    (Some(literal), None, None, None) => {
                        Ok(PartSpec::Literal(LiteralPart { literal }))
                    }
                    (None, Some(credential), None, None) => {
                        Ok(PartSpec::Credential(CredentialPart { credential }))
                    }
                    (None, None, Some(params), None) => Ok(PartSpec::Params(ParamsPart { params })),
                    (None, None, None, Some(digest)) => Ok(PartSpec::Digest(DigestPart { digest })),
                    _ => Err(serde::de::Error::custom(
                        "a part map needs exactly one of `literal`, `credential`, `params`, `digest`",
                    )),
                }
            }
        }
        d.deserialize_any(V)
    }
}
