//! Who may call the mock: each request is checked with the independent verifier
//! ([`crate::verify`]) for the scheme it was signed with, then against the venue's timestamp
//! window.
//!
//! Which scheme a request uses is read from the spec (the parameter a scheme places its
//! signature in, or the header a token scheme adds); which verifier checks it is the one
//! table below, keyed by venue and scheme name: the only per-venue code of the mock. A scheme
//! without a verifier (Binance's `ws_rsa`: the verifier has no RSA) is refused.

use base64::Engine as _;
use ed25519_dalek::VerifyingKey;
use ed25519_dalek::pkcs8::DecodePrivateKey as _;
use generated::runtime::registry::VenueInfo;
use generated::runtime::request::Location;
use generated::runtime::signing::{KeyKind, Part, Scheme, SchemeTransport, TimestampFormat};
use serde_json::{Map, Value};

use super::MockError;
use super::config::MockCredentials;
use crate::verify::{
    self, HmacKey, PreparedHmacKey, ReceivedHttp, TimestampWindow, Verified, VerifyError,
    check_timestamp_window,
};

/// Why a request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Denied {
    /// Bad or missing key, signature or token.
    Auth(String),
    /// The timestamp is outside the venue's window.
    Timestamp(String),
}

/// The keys a verifier reads.
pub(crate) struct Keys<'a> {
    creds: &'a MockCredentials,
    hmac: Option<&'a PreparedHmacKey>,
    ed25519: Option<&'a VerifyingKey>,
}

impl Keys<'_> {
    fn get(&self, name: &'static str) -> Result<&str, VerifyError> {
        self.creds.get(name).ok_or(VerifyError::MissingParam(name))
    }

    /// `api_key` and `secret`, with the secret's HMAC key state prepared once.
    fn hmac(&self) -> Result<&PreparedHmacKey, VerifyError> {
        self.hmac.ok_or(VerifyError::MissingParam("secret"))
    }
}

type HttpVerifier = fn(&ReceivedHttp, &Keys<'_>) -> Result<Option<Verified>, VerifyError>;
type WsVerifier = fn(&Value, &Keys<'_>) -> Result<Verified, VerifyError>;

/// A verifier for one venue's scheme.
#[derive(Clone, Copy)]
enum Verifier {
    Http(HttpVerifier),
    Ws(WsVerifier),
}

fn bitmart_hmac(r: &ReceivedHttp, k: &Keys<'_>) -> Result<Option<Verified>, VerifyError> {
    verify::verify_bitmart(r, k.hmac()?, k.get("memo")?).map(Some)
}

fn htx_hmac(r: &ReceivedHttp, k: &Keys<'_>) -> Result<Option<Verified>, VerifyError> {
    verify::verify_htx(r, k.hmac()?).map(Some)
}

fn p99_hmac(r: &ReceivedHttp, k: &Keys<'_>) -> Result<Option<Verified>, VerifyError> {
    verify::verify_p99_hmac(r, k.hmac()?).map(Some)
}

fn p99_jwt(r: &ReceivedHttp, k: &Keys<'_>) -> Result<Option<Verified>, VerifyError> {
    verify::verify_p99_bearer(r, k.get("jwt")?).map(|()| None)
}

fn binance_ws_hmac(f: &Value, k: &Keys<'_>) -> Result<Verified, VerifyError> {
    verify::verify_binance_ws_hmac(f, k.hmac()?)
}

fn binance_ws_ed25519(f: &Value, k: &Keys<'_>) -> Result<Verified, VerifyError> {
    let public = k.ed25519.ok_or(VerifyError::MissingParam("ed25519_key"))?;
    verify::verify_binance_ws_ed25519(f, k.get("api_key")?, public)
}

/// The verifier of each (venue, scheme).
const VERIFIERS: &[(&str, &str, Verifier)] = &[
    ("bitmart", "hmac", Verifier::Http(bitmart_hmac)),
    ("htx", "hmac", Verifier::Http(htx_hmac)),
    ("p99", "hmac", Verifier::Http(p99_hmac)),
    ("p99", "jwt", Verifier::Http(p99_jwt)),
    ("binance_usdm", "ws_hmac", Verifier::Ws(binance_ws_hmac)),
    (
        "binance_usdm",
        "ws_ed25519",
        Verifier::Ws(binance_ws_ed25519),
    ),
];

fn verifier(venue: &str, scheme: &str) -> Option<Verifier> {
    VERIFIERS
        .iter()
        .find(|(v, s, _)| *v == venue && *s == scheme)
        .map(|(_, _, f)| *f)
}

/// The schemes (venue, scheme) the mock can verify, for `conformance mock` to print.
pub fn verifiable_schemes() -> impl Iterator<Item = (&'static str, &'static str)> {
    VERIFIERS.iter().map(|(v, s, _)| (*v, *s))
}

/// One venue's credentials, prepared for verification.
pub(crate) struct VenueAuth {
    venue: &'static VenueInfo,
    creds: MockCredentials,
    hmac: Option<PreparedHmacKey>,
    ed25519: Option<VerifyingKey>,
    window: Option<TimestampWindow>,
}

impl VenueAuth {
    /// Prepares `creds` for `venue` (derives the Ed25519 public key once).
    pub(crate) fn new(
        venue: &'static VenueInfo,
        creds: MockCredentials,
    ) -> Result<Self, MockError> {
        let ed25519_name = venue
            .schemes
            .iter()
            .find(|s| s.key == KeyKind::Ed25519)
            .and_then(|s| s.sign.as_ref().map(|sign| &*sign.key));
        let ed25519 = match ed25519_name.and_then(|n| creds.get(n).map(|v| (n, v))) {
            Some((name, value)) => Some(ed25519_public(value).ok_or_else(|| MockError::Credential {
                venue: venue.id.to_string(),
                name: name.to_string(),
                reason: "not an Ed25519 private key (PKCS#8 PEM, or a 32-byte seed in hex or base64)",
            })?),
            None => None,
        };
        let window = venue.timestamp_window.map(|w| TimestampWindow {
            default_recv_window_ms: w.recv_window_default_ms,
            max_recv_window_ms: w.recv_window_max_ms,
            max_ahead_ms: w.max_ahead_ms,
        });
        let hmac = match (creds.get("api_key"), creds.get("secret")) {
            (Some(api_key), Some(secret)) => {
                PreparedHmacKey::new(&HmacKey { api_key, secret }).ok()
            }
            _ => None,
        };
        Ok(VenueAuth {
            venue,
            creds,
            hmac,
            ed25519,
            window,
        })
    }

    fn keys(&self) -> Keys<'_> {
        Keys {
            creds: &self.creds,
            hmac: self.hmac.as_ref(),
            ed25519: self.ed25519.as_ref(),
        }
    }

    /// The schemes of `transport` a request carries, by the parameter each places its
    /// signature in (or, for a token, every parameter it adds); `has` says whether the request
    /// has a parameter at a location.
    fn present(
        &self,
        transport: SchemeTransport,
        has: &dyn Fn(Location, &str) -> bool,
    ) -> impl Iterator<Item = &'static Scheme> {
        self.venue.schemes.iter().filter(move |s| {
            s.transport == transport
                && !s.credentials.is_empty()
                && match &s.place {
                    Some(p) => has(p.location, &p.name),
                    None => !s.add.is_empty() && s.add.iter().all(|a| has(a.location, &a.name)),
                }
        })
    }

    /// Checks an HTTP request: a scheme it carries must verify, and its timestamp must lie in
    /// the venue's window at `now_ms`.
    pub(crate) fn check_http(
        &self,
        req: &ReceivedHttp,
        has: &dyn Fn(Location, &str) -> bool,
        now_ms: i64,
    ) -> Result<(), Denied> {
        let mut first_error = None;
        for scheme in self.present(SchemeTransport::Rest, has) {
            let result = match verifier(self.venue.id, scheme.name) {
                Some(Verifier::Http(f)) => f(req, &self.keys()),
                _ => Err(VerifyError::Malformed {
                    what: "request",
                    reason: "signed with a scheme the mock cannot verify",
                }),
            };
            match result {
                Ok(verified) => return self.check_window(scheme, verified.as_ref(), now_ms),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(Denied::Auth(match first_error {
            Some(e) => e.to_string(),
            None => "no signature or token".into(),
        }))
    }

    /// Checks a WebSocket request frame. A frame with no signature is accepted on a connection
    /// logged in as `session` (with the venue's scheme that reads no credential), its
    /// timestamp still checked. Returns the API key the frame is authenticated as.
    pub(crate) fn check_ws(
        &self,
        frame: &Value,
        params: &Map<String, Value>,
        session: Option<&str>,
        now_ms: i64,
    ) -> Result<String, Denied> {
        let has = |l: Location, n: &str| l == Location::WsParams && params.contains_key(n);
        let mut first_error = None;
        let mut any = false;
        for scheme in self.present(SchemeTransport::Ws, &has) {
            any = true;
            let result = match verifier(self.venue.id, scheme.name) {
                Some(Verifier::Ws(f)) => f(frame, &self.keys()),
                _ => Err(VerifyError::Malformed {
                    what: "request",
                    reason: "signed with a scheme the mock cannot verify",
                }),
            };
            match result {
                Ok(verified) => {
                    self.check_window(scheme, Some(&verified), now_ms)?;
                    return Ok(verified.api_key);
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if !any && let Some(api_key) = session {
            let scheme = self.venue.schemes.iter().find(|s| {
                s.transport == SchemeTransport::Ws && s.credentials.is_empty() && s.sign.is_none()
            });
            if let Some(scheme) = scheme {
                let verified = session_verified(scheme, params, api_key)
                    .map_err(|e| Denied::Auth(e.to_string()))?;
                self.check_window(scheme, Some(&verified), now_ms)?;
                return Ok(api_key.to_string());
            }
        }
        Err(Denied::Auth(match first_error {
            Some(e) => e.to_string(),
            None => "no signature, and the connection is not logged in".into(),
        }))
    }

    fn check_window(
        &self,
        scheme: &Scheme,
        verified: Option<&Verified>,
        now_ms: i64,
    ) -> Result<(), Denied> {
        let (Some(window), Some(v), Some(format)) = (&self.window, verified, scheme.timestamp)
        else {
            return Ok(());
        };
        let ts = timestamp_ms(&v.timestamp, format)
            .ok_or_else(|| Denied::Timestamp(format!("unreadable timestamp {:?}", v.timestamp)))?;
        check_timestamp_window(now_ms, ts, v.recv_window_ms, window)
            .map_err(|e| Denied::Timestamp(e.to_string()))
    }
}

/// What a frame on a logged-in connection claims: every parameter the session scheme adds must
/// be there; the one holding the timestamp gives it.
fn session_verified(
    scheme: &Scheme,
    params: &Map<String, Value>,
    api_key: &str,
) -> Result<Verified, VerifyError> {
    let mut timestamp = None;
    for add in scheme.add {
        let value = params
            .get(&*add.name)
            .ok_or(VerifyError::MissingParam(&add.name))?;
        if *add.value == [Part::Timestamp] {
            timestamp = Some(match value {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.clone(),
                _ => {
                    return Err(VerifyError::Malformed {
                        what: "timestamp",
                        reason: "not a number or string",
                    });
                }
            });
        }
    }
    let recv_window_ms = match params.get("recvWindow") {
        Some(v) => Some(v.as_i64().ok_or(VerifyError::Malformed {
            what: "recvWindow",
            reason: "not a JSON integer",
        })?),
        None => None,
    };
    Ok(Verified {
        api_key: api_key.to_string(),
        timestamp: timestamp.unwrap_or_default(),
        recv_window_ms,
    })
}

/// A timestamp written in `format`, in ms since the Unix epoch.
pub(crate) fn timestamp_ms(text: &str, format: TimestampFormat) -> Option<i64> {
    match format {
        TimestampFormat::Millis => text.parse().ok(),
        TimestampFormat::Seconds => text.parse::<i64>().ok()?.checked_mul(1000),
        TimestampFormat::IsoSeconds => {
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
                .ok()
                .map(|t| t.and_utc().timestamp_millis())
        }
        TimestampFormat::IsoMillis => {
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.3fZ")
                .ok()
                .map(|t| t.and_utc().timestamp_millis())
        }
    }
}

/// The public key of an Ed25519 private key given as PKCS#8 PEM, or a 32-byte seed in hex or
/// base64.
fn ed25519_public(value: &str) -> Option<VerifyingKey> {
    let value = value.trim();
    if value.starts_with("-----BEGIN") {
        return ed25519_dalek::SigningKey::from_pkcs8_pem(value)
            .ok()
            .map(|k| k.verifying_key());
    }
    let seed = const_hex::decode(value)
        .ok()
        .or_else(|| base64::engine::general_purpose::STANDARD.decode(value).ok())?;
    let seed: [u8; 32] = seed.try_into().ok()?;
    Some(ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_every_format() {
        assert_eq!(
            timestamp_ms("1589793796145", TimestampFormat::Millis),
            Some(1_589_793_796_145)
        );
        assert_eq!(
            timestamp_ms("1589793796", TimestampFormat::Seconds),
            Some(1_589_793_796_000)
        );
        assert_eq!(
            timestamp_ms("2019-11-21T10:00:00", TimestampFormat::IsoSeconds),
            Some(1_574_330_400_000)
        );
        assert_eq!(
            timestamp_ms("2019-11-21T10:00:00.250Z", TimestampFormat::IsoMillis),
            Some(1_574_330_400_250)
        );
        assert_eq!(
            timestamp_ms("2019-11-21 10:00:00", TimestampFormat::IsoSeconds),
            None
        );
    }

    #[test]
    fn every_verifier_names_a_scheme_of_its_venue() {
        for (venue, scheme) in verifiable_schemes() {
            let v = generated::VENUES.iter().find(|v| v.id == venue).unwrap();
            assert!(
                v.schemes.iter().any(|s| s.name == scheme),
                "{venue}/{scheme}"
            );
        }
    }

    #[test]
    fn ed25519_public_key_from_pem_and_seed() {
        // RFC 8032 test 1: seed 9d61..., public key d75a....
        let pem = include_str!("../../fixtures/vectors/keys/rfc8032_test1_ed25519.pem");
        let public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
        assert_eq!(
            const_hex::encode(ed25519_public(pem).unwrap().as_bytes()),
            public
        );
        let seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
        assert_eq!(
            const_hex::encode(ed25519_public(seed).unwrap().as_bytes()),
            public
        );
        assert!(ed25519_public("not a key").is_none());
    }
}
