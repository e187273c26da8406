//! How a spec file spells a [`Part`]: a keyword (`- timestamp`) or a map with exactly one of
//! `literal`, `credential`, `params`, `param`, `digest`, `mac`, `random_hex`, `timestamp_plus`,
//! `json`. The derives go through [`PartRepr`], the
//! spelling as a type, so the JSON Schema says exactly what the reader accepts.

use std::borrow::Cow;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{DigestAlgorithm, Encoding, JsonMember, Location, Output, Part, SignAlgorithm};

/// A part as a spec writes it.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "Part")]
enum PartRepr {
    /// `- timestamp`
    Keyword(PartKeyword),
    /// `- { literal: "#" }`
    Literal(LiteralPart),
    /// `- { credential: memo }`
    Credential(CredentialPart),
    /// `- { params: { from: query, sort: true, encoding: rfc3986 } }`
    Params(ParamsPart),
    /// `- { param: { from: ws_params, name: data } }`
    Param(ParamPart),
    /// `- { digest: { algorithm: sha256, of: [...] } }`
    Digest(DigestPart),
    /// `- { mac: { algorithm: hmac_sha256, key: secret, of: [...], output: base64 } }`
    Mac(MacPart),
    /// `- { random_hex: 32 }`
    RandomHex(RandomHexPart),
    /// `- { timestamp_plus: 120 }`
    TimestampPlus(TimestampPlusPart),
    /// `- { json: { members: [...], output: base64url } }`
    Json(JsonPart),
}

/// `{ random_hex: bytes }`
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RandomHexPart {
    /// How many random bytes (1 to 255), written as lower-case hex (twice as many
    /// characters), drawn once per request: every `random_hex` part of a request writes the
    /// same value, so a scheme's `random_hex` parts all give the same size.
    random_hex: u8,
}

/// `{ timestamp_plus: seconds }`
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct TimestampPlusPart {
    /// Seconds added to the timestamp, written in the scheme's format (`ms` or `s`).
    timestamp_plus: i64,
}

/// `{ json: {...} }`
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct JsonPart {
    /// The object.
    json: JsonSpec,
}

/// A JSON object built from members, written compactly (no spaces) in the members' order.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct JsonSpec {
    /// The members: `{ name, value: [parts], integer }`.
    members: Vec<JsonMember>,
    /// How the object's text is written (`base64url` for a JWT); absent for the JSON text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    output: Option<Output>,
}

/// Parts that need no argument.
#[derive(Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum PartKeyword {
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
    /// The request's `Content-Type` when it has a body; nothing when it has none.
    ContentType,
    /// A random UUID v4, lower case with hyphens, drawn once per request: a nonce.
    Uuid4,
}

/// `{ literal: "..." }`
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct LiteralPart {
    /// The text.
    literal: String,
}

/// `{ credential: name }`
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CredentialPart {
    /// A credential declared under `signing.credentials`.
    credential: String,
}

/// `{ params: {...} }`
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ParamsPart {
    /// Which parameters, and how.
    params: ParamsSpec,
}

/// Parameters of one location as `k=v` joined by `&`.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ParamsSpec {
    /// Which location.
    from: Location,
    /// Sort by name (byte order) instead of the order sent. Defaults to false.
    #[serde(default)]
    sort: bool,
    /// Percent-encoding of names and values. Defaults to `none`.
    #[serde(default = "no_encoding")]
    encoding: Encoding,
    /// Written before the parameters only when there is at least one (`"?"`). Defaults to
    /// nothing.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    prefix: String,
}

/// `{ param: {...} }`
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ParamPart {
    /// Which parameter.
    param: ParamSpec,
}

/// The value of one parameter as sent (its text, unencoded); nothing when it is not sent.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ParamSpec {
    /// Where it travels.
    from: Location,
    /// Its name.
    name: String,
}

fn no_encoding() -> Encoding {
    Encoding::None
}

/// `{ digest: {...} }`
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct DigestPart {
    /// The digest and what it covers.
    digest: DigestSpec,
}

/// A digest of other parts: raw bytes, or text when `output` is given.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct DigestSpec {
    /// `sha256` or `sha512`.
    algorithm: DigestAlgorithm,
    /// The parts digested.
    of: Vec<Part>,
    /// How the digest is written into the string to sign (`hex`, `hex_upper`, `base64`,
    /// `base64url`); absent for its raw bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    output: Option<Output>,
}

/// `{ mac: {...} }`
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct MacPart {
    /// The MAC, its key and what it covers.
    mac: MacSpec,
}

/// An HMAC of other parts keyed with a credential, written as text.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct MacSpec {
    /// `hmac_sha256`, `hmac_sha384` or `hmac_sha512`.
    algorithm: SignAlgorithm,
    /// The credential whose bytes are the key.
    key: String,
    /// The parts authenticated.
    of: Vec<Part>,
    /// How the MAC is written (`hex`, `hex_upper`, `base64`, `base64url`).
    output: Output,
}

/// Every key a part map may have; exactly one must be set.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartMap {
    literal: Option<String>,
    credential: Option<String>,
    params: Option<ParamsSpec>,
    param: Option<ParamSpec>,
    digest: Option<DigestSpec>,
    mac: Option<MacSpec>,
    random_hex: Option<u8>,
    timestamp_plus: Option<i64>,
    json: Option<JsonSpec>,
}

impl From<&Part> for PartRepr {
    fn from(p: &Part) -> Self {
        match p {
            Part::Method => PartRepr::Keyword(PartKeyword::Method),
            Part::Host => PartRepr::Keyword(PartKeyword::Host),
            Part::Path => PartRepr::Keyword(PartKeyword::Path),
            Part::Timestamp => PartRepr::Keyword(PartKeyword::Timestamp),
            Part::Body => PartRepr::Keyword(PartKeyword::Body),
            Part::ContentType => PartRepr::Keyword(PartKeyword::ContentType),
            Part::Uuid4 => PartRepr::Keyword(PartKeyword::Uuid4),
            Part::Literal(t) => PartRepr::Literal(LiteralPart {
                literal: t.to_string(),
            }),
            Part::Credential(c) => PartRepr::Credential(CredentialPart {
                credential: c.to_string(),
            }),
            Part::Params {
                from,
                sort,
                encoding,
                prefix,
            } => PartRepr::Params(ParamsPart {
                params: ParamsSpec {
                    from: *from,
                    sort: *sort,
                    encoding: *encoding,
                    prefix: prefix.to_string(),
                },
            }),
            Part::Param { from, name } => PartRepr::Param(ParamPart {
                param: ParamSpec {
                    from: *from,
                    name: name.to_string(),
                },
            }),
            Part::Digest {
                algorithm,
                of,
                output,
            } => PartRepr::Digest(DigestPart {
                digest: DigestSpec {
                    algorithm: *algorithm,
                    of: of.to_vec(),
                    output: *output,
                },
            }),
            Part::Mac {
                algorithm,
                key,
                of,
                output,
            } => PartRepr::Mac(MacPart {
                mac: MacSpec {
                    algorithm: *algorithm,
                    key: key.to_string(),
                    of: of.to_vec(),
                    output: *output,
                },
            }),
            Part::RandomHex(bytes) => PartRepr::RandomHex(RandomHexPart { random_hex: *bytes }),
            Part::TimestampPlus(secs) => PartRepr::TimestampPlus(TimestampPlusPart {
                timestamp_plus: *secs,
            }),
            Part::Json { members, output } => PartRepr::Json(JsonPart {
                json: JsonSpec {
                    members: members.to_vec(),
                    output: *output,
                },
            }),
        }
    }
}

impl From<PartKeyword> for Part {
    fn from(k: PartKeyword) -> Self {
        match k {
            PartKeyword::Method => Part::Method,
            PartKeyword::Host => Part::Host,
            PartKeyword::Path => Part::Path,
            PartKeyword::Timestamp => Part::Timestamp,
            PartKeyword::Body => Part::Body,
            PartKeyword::ContentType => Part::ContentType,
            PartKeyword::Uuid4 => Part::Uuid4,
        }
    }
}

impl TryFrom<PartMap> for Part {
    type Error = &'static str;

    fn try_from(m: PartMap) -> Result<Self, Self::Error> {
        let PartMap {
            literal,
            credential,
            params,
            param,
            digest,
            mac,
            random_hex,
            timestamp_plus,
            json,
        } = m;
        let mut found: Vec<Part> = Vec::with_capacity(1);
        found.extend(literal.map(|l| Part::Literal(Cow::Owned(l))));
        found.extend(credential.map(|c| Part::Credential(Cow::Owned(c))));
        found.extend(params.map(|p| Part::Params {
            from: p.from,
            sort: p.sort,
            encoding: p.encoding,
            prefix: Cow::Owned(p.prefix),
        }));
        found.extend(param.map(|p| Part::Param {
            from: p.from,
            name: Cow::Owned(p.name),
        }));
        found.extend(digest.map(|d| Part::Digest {
            algorithm: d.algorithm,
            of: Cow::Owned(d.of),
            output: d.output,
        }));
        found.extend(mac.map(|m| Part::Mac {
            algorithm: m.algorithm,
            key: Cow::Owned(m.key),
            of: Cow::Owned(m.of),
            output: m.output,
        }));
        found.extend(random_hex.map(Part::RandomHex));
        found.extend(timestamp_plus.map(Part::TimestampPlus));
        found.extend(json.map(|j| Part::Json {
            members: Cow::Owned(j.members),
            output: j.output,
        }));
        match <[Part; 1]>::try_from(found) {
            Ok([part]) => Ok(part),
            Err(_) => Err(
                "a part map needs exactly one of `literal`, `credential`, `params`, `param`, \
                 `digest`, `mac`, `random_hex`, `timestamp_plus`, `json`",
            ),
        }
    }
}

impl Serialize for Part {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        PartRepr::from(self).serialize(s)
    }
}

impl JsonSchema for Part {
    fn schema_name() -> Cow<'static, str> {
        PartRepr::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        PartRepr::json_schema(generator)
    }
}

// By hand, so `- timestamp` and `- { literal: "#" }` both read naturally and a mistake is
// reported as itself rather than as "did not match any variant".
impl<'de> Deserialize<'de> for Part {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Part;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a part: method, host, path, timestamp, body, or a map with one of \
                     literal, credential, params, param, digest, mac, random_hex, timestamp_plus, \
                     json",
                )
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Part, E> {
                PartKeyword::deserialize(serde::de::value::StrDeserializer::<E>::new(s))
                    .map(Part::from)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Part, A::Error> {
                let m = PartMap::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Part::try_from(m).map_err(serde::de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}
