//! The interpreter: runs a [`Scheme`] over a request and produces exactly what goes on the wire.

use std::fmt;

use base64::Engine as _;
use sha2::Digest as _;

use super::clock::Clock;
use super::credentials::{CredentialError, Credentials};
use super::encode::{encode_query_value, hex_lower};
use super::keys::{KeyError, PreparedKey};
use super::recipe::{
    DigestAlgorithm, Encoding, Output, Part, Scheme, SchemeTransport, TimestampFormat,
};
use crate::runtime::request::{Location, WireRequest, WireTransport};

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
}

/// What a request looks like while the scheme runs.
struct Draft<'a> {
    method: &'a str,
    host: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<Header>,
    body: serde_json::Map<String, serde_json::Value>,
    ws: serde_json::Map<String, serde_json::Value>,
    timestamp: Option<String>,
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
        let (origin, host, prefix) = split_base(base_url)?;
        let mut d = Draft {
            method,
            host,
            path: format!("{prefix}{path}"),
            query: Vec::new(),
            headers: Vec::new(),
            body: serde_json::Map::new(),
            ws: serde_json::Map::new(),
            timestamp: None,
        };
        for p in &wire.params {
            match p.location {
                Location::Query => d.query.push((p.name.to_string(), p.value.to_text())),
                Location::Header => d.headers.push(Header {
                    name: p.name.to_string(),
                    value: p.value.to_text(),
                    sensitive: false,
                }),
                Location::Body => {
                    d.body.insert(p.name.to_string(), p.value.to_json());
                }
                Location::Path | Location::WsParams => {}
            }
        }
        let payload = self.run(&mut d, timestamp, clock)?;
        let body = (!d.body.is_empty()).then(|| serde_json::Value::Object(d.body).to_string());
        if body.is_some() {
            d.headers.push(Header {
                name: "Content-Type".into(),
                value: "application/json".into(),
                sensitive: false,
            });
        }
        let mut url = format!("{origin}{}", d.path);
        if !d.query.is_empty() {
            url.push('?');
            url.push_str(&join_pairs(
                d.query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                self.scheme.query_encoding,
            ));
        }
        Ok(SignedHttp {
            method: method.to_string(),
            url,
            headers: d.headers,
            body,
            payload,
            timestamp: d.timestamp,
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
        let mut d = Draft {
            method,
            host: String::new(),
            path: String::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: serde_json::Map::new(),
            ws: wire.json_object(Location::WsParams).unwrap_or_default(),
            timestamp: None,
        };
        let payload = self.run(&mut d, timestamp, clock)?;
        let frame = serde_json::json!({ "id": id, "method": method, "params": d.ws });
        Ok(SignedWs {
            frame,
            payload,
            timestamp: d.timestamp,
        })
    }

    /// Adds the scheme's parameters, builds the payload, signs it and places the signature.
    fn run(
        &self,
        d: &mut Draft<'_>,
        timestamp: &Timestamp,
        clock: &dyn Clock,
    ) -> Result<Vec<u8>, SignError> {
        let s = self.scheme;
        d.timestamp = match (s.timestamp, timestamp) {
            (None, _) => None,
            (Some(_), Timestamp::Raw(t)) => Some(t.clone()),
            (Some(f), Timestamp::AtMillis(ms)) => Some(format_timestamp(f, *ms)?),
            (Some(f), Timestamp::Now) => Some(format_timestamp(f, clock.now_millis())?),
        };
        for add in s.add {
            let mut value = Vec::new();
            self.append_parts(d, add.value, &mut value);
            let value = String::from_utf8_lossy(&value).into_owned();
            insert(d, add.location, add.name, value, add.sensitive);
        }
        let mut payload = Vec::with_capacity(256);
        self.append_parts(d, s.payload, &mut payload);
        if let (Some(sign), Some(key)) = (s.sign, &self.key) {
            let raw = key.sign(&payload);
            let sig = match sign.output {
                Output::Hex => hex_lower(&raw),
                Output::HexUpper => hex_lower(&raw).to_ascii_uppercase(),
                Output::Base64 => base64::engine::general_purpose::STANDARD.encode(&raw),
                Output::Base64Url => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&raw),
            };
            if let Some(place) = s.place {
                insert(d, place.location, place.name, sig, false);
            }
        }
        Ok(payload)
    }

    fn append_parts(&self, d: &Draft<'_>, parts: &[Part], out: &mut Vec<u8>) {
        for part in parts {
            match part {
                Part::Literal(t) => out.extend_from_slice(t.as_bytes()),
                Part::Method => out.extend_from_slice(d.method.as_bytes()),
                Part::Host => out.extend_from_slice(d.host.as_bytes()),
                Part::Path => out.extend_from_slice(d.path.as_bytes()),
                Part::Timestamp => {
                    out.extend_from_slice(d.timestamp.as_deref().unwrap_or_default().as_bytes())
                }
                Part::Credential(name) => {
                    let v = self
                        .credentials
                        .get(name)
                        .map(|v| v.expose())
                        .unwrap_or_default();
                    out.extend_from_slice(v.as_bytes());
                }
                Part::Body => {
                    if !d.body.is_empty() {
                        let text = serde_json::Value::Object(d.body.clone()).to_string();
                        out.extend_from_slice(text.as_bytes());
                    }
                }
                Part::Params {
                    from,
                    sort,
                    encoding,
                } => {
                    let mut pairs: Vec<(String, String)> = match from {
                        Location::Query => d.query.clone(),
                        Location::Header => d
                            .headers
                            .iter()
                            .map(|h| (h.name.clone(), h.value.clone()))
                            .collect(),
                        Location::Body => d
                            .body
                            .iter()
                            .map(|(k, v)| (k.clone(), json_text(v)))
                            .collect(),
                        Location::WsParams => {
                            d.ws.iter()
                                .map(|(k, v)| (k.clone(), json_text(v)))
                                .collect()
                        }
                        Location::Path => Vec::new(),
                    };
                    if *sort {
                        pairs.sort();
                    }
                    let joined = join_pairs(
                        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                        *encoding,
                    );
                    out.extend_from_slice(joined.as_bytes());
                }
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

fn insert(d: &mut Draft<'_>, location: Location, name: &str, value: String, sensitive: bool) {
    match location {
        Location::Query => d.query.push((name.to_string(), value)),
        Location::Header => d.headers.push(Header {
            name: name.to_string(),
            value,
            sensitive,
        }),
        Location::Body => {
            d.body.insert(name.to_string(), value.into());
        }
        Location::WsParams => {
            // Numeric text (timestamps) stays a JSON integer, as the venues require.
            let v = value
                .parse::<i64>()
                .map(serde_json::Value::from)
                .unwrap_or(serde_json::Value::String(value));
            d.ws.insert(name.to_string(), v);
        }
        Location::Path => {}
    }
}

/// The text of a JSON parameter value as it is signed (`"abc"` -> `abc`, `5` -> `5`).
fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn join_pairs<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>, encoding: Encoding) -> String {
    let mut s = String::new();
    for (i, (k, v)) in pairs.enumerate() {
        if i > 0 {
            s.push('&');
        }
        encode_query_value(k, encoding, &mut s);
        s.push('=');
        encode_query_value(v, encoding, &mut s);
    }
    s
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

fn format_timestamp(f: TimestampFormat, ms: i64) -> Result<String, SignError> {
    let dt = || chrono::DateTime::from_timestamp_millis(ms).ok_or(SignError::Timestamp(ms));
    Ok(match f {
        TimestampFormat::Millis => ms.to_string(),
        TimestampFormat::Seconds => ms.div_euclid(1000).to_string(),
        TimestampFormat::IsoSeconds => dt()?.format("%Y-%m-%dT%H:%M:%S").to_string(),
        TimestampFormat::IsoMillis => dt()?.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
    })
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
