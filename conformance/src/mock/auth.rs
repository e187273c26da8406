//! Who may call the mock: each request is checked by re-running the signing recipe of the
//! scheme it was signed with over what the mock received ([`RecipeVerifier`]), then against
//! the venue's timestamp window.
//!
//! Which scheme a request uses is read from the spec (the parameter a scheme places its
//! signature in, or, for a token, every parameter it adds). No code here is per venue: any
//! scheme the generator accepts is verified, given the mock's credentials for it.

use generated::runtime::registry::VenueInfo;
use generated::runtime::request::Location;
use generated::runtime::signing::{Part, Scheme, SchemeTransport, TimestampFormat};
use serde_json::{Map, Value};

use super::MockError;
use super::config::MockCredentials;
use crate::verify::{
    Received, ReceivedHttp, RecipeVerifier, TimestampWindow, Verified, VerifyError,
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

/// One venue's credentials, prepared for verification: a verifier for each scheme whose
/// credentials the mock holds.
pub(crate) struct VenueAuth {
    venue: &'static VenueInfo,
    verifiers: Vec<RecipeVerifier>,
    window: Option<TimestampWindow>,
    /// The last microsecond timestamp (a nonce) accepted, by API key.
    last_us: std::sync::Mutex<std::collections::HashMap<String, i64>>,
    /// The nonces accepted within the venue's `nonce_once_within_ms`, with when.
    nonces: std::sync::Mutex<std::collections::HashMap<String, i64>>,
}

impl VenueAuth {
    /// Prepares `creds` for `venue` (reads each scheme's signing key once). A scheme whose
    /// credentials are not all given is left out: requests signed with it are refused.
    pub(crate) fn new(
        venue: &'static VenueInfo,
        creds: MockCredentials,
    ) -> Result<Self, MockError> {
        let mut verifiers = Vec::new();
        for scheme in venue.schemes {
            if scheme.credentials.is_empty()
                || scheme.credentials.iter().any(|n| creds.get(n).is_none())
            {
                continue;
            }
            let verifier = RecipeVerifier::new(scheme, |n| creds.get(n)).map_err(|_| {
                let key = scheme.sign.as_ref().map_or("key", |s| &*s.key);
                MockError::Credential {
                    venue: venue.id.to_string(),
                    name: key.to_string(),
                    reason: "not a key the scheme can sign with",
                }
            })?;
            verifiers.push(verifier);
        }
        let window = venue.timestamp_window.map(|w| TimestampWindow {
            default_recv_window_ms: w.recv_window_default_ms,
            max_recv_window_ms: w.recv_window_max_ms,
            max_ahead_ms: w.max_ahead_ms,
        });
        Ok(VenueAuth {
            venue,
            verifiers,
            window,
            last_us: std::sync::Mutex::default(),
            nonces: std::sync::Mutex::default(),
        })
    }

    fn verifier(&self, scheme: &Scheme) -> Option<&RecipeVerifier> {
        self.verifiers
            .iter()
            .find(|v| v.scheme().name == scheme.name)
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
            let result = match self.verifier(scheme) {
                Some(v) => v.verify_with_nonce(Received::Http(req)),
                None => Err(not_verifiable()),
            };
            match result {
                Ok((verified, nonce)) => {
                    self.check_window(scheme, Some(&verified), now_ms)?;
                    return self.check_nonce(nonce, now_ms);
                }
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
        params: &Map<String, Value>,
        session: Option<&str>,
        now_ms: i64,
    ) -> Result<String, Denied> {
        let has = |l: Location, n: &str| l == Location::WsParams && params.contains_key(n);
        let mut first_error = None;
        let mut any = false;
        for scheme in self.present(SchemeTransport::Ws, &has) {
            any = true;
            let result = match self.verifier(scheme) {
                Some(v) => v.verify_with_nonce(Received::Ws(params)),
                None => Err(not_verifiable()),
            };
            match result {
                Ok((verified, nonce)) => {
                    self.check_window(scheme, Some(&verified), now_ms)?;
                    self.check_nonce(nonce, now_ms)?;
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
        if let (Some(v), Some(TimestampFormat::Micros)) = (verified, scheme.timestamp) {
            self.check_increasing(v)?;
        }
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

impl VenueAuth {
    /// A microsecond timestamp is a nonce that must grow from one request of a key to the
    /// next (`timestamp: us`): one not above the last accepted for the key is refused as a
    /// stale timestamp.
    fn check_increasing(&self, v: &Verified) -> Result<(), Denied> {
        let nonce: i64 = v
            .timestamp
            .parse()
            .map_err(|_| Denied::Timestamp(format!("unreadable nonce {:?}", v.timestamp)))?;
        let mut last = self
            .last_us
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match last.get(&v.api_key) {
            Some(&prev) if nonce <= prev => Err(Denied::Timestamp(format!(
                "nonce {nonce} is not above the last one accepted ({prev})"
            ))),
            _ => {
                last.insert(v.api_key.clone(), nonce);
                Ok(())
            }
        }
    }

    /// Refuses a nonce accepted within the venue's `nonce_once_within_ms` (as an
    /// authentication failure); remembers an accepted one for that long.
    fn check_nonce(&self, nonce: Option<String>, now_ms: i64) -> Result<(), Denied> {
        let once = self
            .venue
            .timestamp_window
            .and_then(|w| w.nonce_once_within_ms);
        let (Some(once), Some(nonce)) = (once, nonce) else {
            return Ok(());
        };
        let mut seen = self
            .nonces
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        seen.retain(|_, at| now_ms.saturating_sub(*at) < once);
        if seen.contains_key(&nonce) {
            return Err(Denied::Auth(format!(
                "nonce {nonce:?} was used within the last {once} ms"
            )));
        }
        seen.insert(nonce, now_ms);
        Ok(())
    }
}

fn not_verifiable() -> VerifyError {
    VerifyError::Malformed {
        what: "request",
        reason: "signed with a scheme the mock holds no credentials for",
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
        TimestampFormat::Micros => text.parse::<i64>().ok().map(|us| us.div_euclid(1000)),
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
            timestamp_ms("1700000000000999", TimestampFormat::Micros),
            Some(1_700_000_000_000)
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
}
