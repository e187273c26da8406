//! Success or error, and which error: decided from the venue's spec data alone.
//!
//! A body is a success when the HTTP status (if any) is 2xx and the venue's success rule
//! holds (the member at `success.pointer` equals `success.equals`, such as `code`
//! 1000, even under HTTP 200). A venue without a rule succeeds on any 2xx body over HTTP, and on a
//! WebSocket frame without an error code, unless its error rule (`errors.detect`: `status`
//! equals `error`) marks the body as an error; such a body is an error of kind
//! [`ErrorKind::Unknown`] when nothing else classifies it.
//!
//! An error is read with the spec's pointers: the code (`errors.code`), the message
//! (`errors.message`), an HTTP-like status in the body (`errors.http_status`) and the
//! rate-limit usage (`rate_limits.pointer`). Its kind is the code's kind from the code table
//! (an entry with `message_contains` wins when the message contains its text); else the kind
//! of the first `errors.messages` entry whose text the message contains; else the
//! kind of a status-only error (`errors.statuses`); else the kind of the HTTP status
//! ([`kind_for_status`]); else [`ErrorKind::Unknown`]. A body that is not JSON, or JSON of
//! neither shape, is a [`ErrorKind::Decode`] error with the raw body, unless a status-only
//! error covers it.
//!
//! A success whose payload holds no record where the endpoint reads one (`response.record`:
//! an empty list where the first item is the order asked for) is a [`ErrorKind::NotFound`]
//! error with the raw body.
//!
//! A body the venue's discriminator marks (`errors.discriminator`: the member at a pointer
//! equals a value, such as element 0 being `"error"`) is an error whatever its status.
//!
//! A status of 418 (over HTTP, or in the body) is always [`ErrorKind::Banned`], whatever the
//! body or the code table says: the venue has banned the client, and it must stop sending.

use std::time::Duration;

use super::pointer::probe;
use super::{ApiError, ErrorKind, VenueError, WireCode};
use crate::decode::DecodeError;
use crate::registry::{ErrorCodeInfo, ErrorCodeValue, StatusBody, VenueInfo};

/// The kind an HTTP status means by itself: 404 not found, 401/403 auth, 429 rate limited,
/// 418 banned, 5xx server, any other 4xx invalid request. `None` for 1xx to 3xx.
pub fn kind_for_status(status: u16) -> Option<ErrorKind> {
    Some(match status {
        404 => ErrorKind::NotFound,
        401 | 403 => ErrorKind::Auth,
        429 => ErrorKind::RateLimited,
        418 => ErrorKind::Banned,
        500..=599 => ErrorKind::Server,
        400..=499 => ErrorKind::InvalidRequest,
        _ => return None,
    })
}

/// The status of a ban.
const BANNED: u16 = 418;

fn is_blank(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

/// `Ok` when `body` (with `http_status`, `None` for a WebSocket frame) is a success of
/// `venue`; otherwise the error it is. The body is scanned, not decoded: decoding the typed
/// response is the caller's next step.
pub fn check(
    venue: &VenueInfo,
    endpoint: &'static str,
    http_status: Option<u16>,
    body: &[u8],
    retry_after: Option<Duration>,
) -> Result<(), VenueError> {
    let fail = || error(venue, endpoint, http_status, body, retry_after);
    if http_status.is_some_and(|s| !(200..300).contains(&s)) || is_error_body(venue, body) {
        return Err(fail());
    }
    let success = match venue.success_rule {
        Some((pointer, equals)) => match probe(body, pointer) {
            Ok(Some(v)) => json_equals(&v, equals),
            Ok(None) => false,
            Err(_) => false,
        },
        None if http_status.is_some() => !is_blank(body) && !flagged(venue, body),
        None => matches!(probe(body, venue.error_code_pointer), Ok(None)) && !flagged(venue, body),
    };
    if !success {
        return Err(fail());
    }
    if holds_no_record(venue, endpoint, body) {
        let c = Classifier {
            venue,
            endpoint,
            http_status,
            retry_after,
            raw: String::from_utf8_lossy(body).into_owned(),
        };
        return Err(c.api(ErrorKind::NotFound, http_status, Parts::default()));
    }
    Ok(())
}

/// Whether the venue's discriminator (`errors.discriminator`) marks `body` as an error body,
/// whatever its status (an error answered with a 2xx).
fn is_error_body(venue: &VenueInfo, body: &[u8]) -> bool {
    venue.error_discriminator.is_some_and(
        |(pointer, equals)| matches!(probe(body, pointer), Ok(Some(v)) if json_equals(&v, equals)),
    )
}

/// Whether a success body of an endpoint whose payload holds its record at a pointer (the
/// first item of a list) holds none there: the record asked for was not found.
fn holds_no_record(venue: &VenueInfo, endpoint: &str, body: &[u8]) -> bool {
    let Some(e) = venue.endpoint(endpoint).filter(|e| !e.record.is_empty()) else {
        return false;
    };
    let pointer = format!("{}{}", venue.payload_pointer.unwrap_or(""), e.record);
    matches!(probe(body, &pointer), Ok(None))
}

/// Whether the venue's error rule (`errors.detect`) marks `body` as an error.
fn flagged(venue: &VenueInfo, body: &[u8]) -> bool {
    venue.error_rule.is_some_and(
        |(pointer, equals)| matches!(probe(body, pointer), Ok(Some(v)) if json_equals(&v, equals)),
    )
}

/// The kind the venue's `errors.messages` gives `message`: the first entry it contains.
fn message_kind(venue: &VenueInfo, message: Option<&str>) -> Option<ErrorKind> {
    let message = message?;
    venue
        .error_messages
        .iter()
        .find(|(text, _)| message.contains(text))
        .map(|(_, kind)| *kind)
}

/// Whether `v` equals the JSON text `equals`.
fn json_equals(v: &serde_json::Value, equals: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(equals).is_ok_and(|e| &e == v)
}

/// The error `body` is (it is known not to be a success).
pub fn error(
    venue: &VenueInfo,
    endpoint: &'static str,
    http_status: Option<u16>,
    body: &[u8],
    retry_after: Option<Duration>,
) -> VenueError {
    let c = Classifier {
        venue,
        endpoint,
        http_status,
        retry_after,
        raw: String::from_utf8_lossy(body).into_owned(),
    };
    if is_blank(body) {
        return match c
            .status_rule(true)
            .or_else(|| http_status.and_then(kind_for_status))
        {
            Some(kind) => c.api(kind, http_status, Parts::default()),
            None => c.decode("empty body".into()),
        };
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => c.json_error(&value),
        Err(e) => match c.status_rule(false) {
            Some(kind) => c.api(kind, http_status, Parts::default()),
            None => c.decode(e.to_string()),
        },
    }
}

/// What one error body is classified with.
struct Classifier<'v> {
    venue: &'v VenueInfo,
    endpoint: &'static str,
    http_status: Option<u16>,
    retry_after: Option<Duration>,
    raw: String,
}

/// What an error body says besides its kind and status.
#[derive(Default)]
struct Parts {
    code: Option<WireCode>,
    code_name: Option<&'static str>,
    message: Option<String>,
    rate_limits: Option<serde_json::Value>,
}

impl Classifier<'_> {
    /// An error body in JSON: classified by its code, else by its status.
    fn json_error(self, value: &serde_json::Value) -> VenueError {
        let venue = self.venue;
        let code = value
            .pointer(venue.error_code_pointer)
            .filter(|c| !c.is_null());
        let message = venue
            .error_message_pointer
            .and_then(|p| value.pointer(p))
            .filter(|m| !m.is_null())
            .map(|m| match m {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        let body_status = venue
            .error_status_pointer
            .and_then(|p| value.pointer(p))
            .and_then(serde_json::Value::as_u64)
            .and_then(|s| u16::try_from(s).ok());
        let status = self.http_status.or(body_status);
        let rate_limits = venue
            .rate_limits
            .pointer
            .and_then(|p| value.pointer(p))
            .cloned();
        let by_status = || {
            self.status_rule(false).or_else(|| {
                status
                    .filter(|s| !(200..300).contains(s))
                    .and_then(kind_for_status)
            })
        };
        let by_message = message_kind(venue, message.as_deref());
        let Some(code) = code else {
            // A body the error rule marks is an error even when nothing classifies it.
            let marked = venue.error_rule.is_some_and(|(pointer, equals)| {
                value
                    .pointer(pointer)
                    .is_some_and(|v| json_equals(v, equals))
            });
            let parts = Parts {
                message,
                rate_limits,
                ..Parts::default()
            };
            return match by_message
                .or_else(by_status)
                .or(marked.then_some(ErrorKind::Unknown))
            {
                Some(kind) => self.api(kind, status, parts),
                None => self
                    .decode("the body is neither a success nor an error body of this venue".into()),
            };
        };
        let entry = lookup(venue.error_codes, code, message.as_deref());
        let kind = entry
            .and_then(|e| e.kind)
            .or(by_message)
            .or_else(by_status)
            .unwrap_or(ErrorKind::Unknown);
        let parts = Parts {
            code: Some(wire_code(code)),
            code_name: entry.and_then(|e| e.name),
            message,
            rate_limits,
        };
        self.api(kind, status, parts)
    }

    /// The kind the venue's `errors.statuses` gives the HTTP status (`blank`: the body is empty).
    fn status_rule(&self, blank: bool) -> Option<ErrorKind> {
        let http = self.http_status?;
        self.venue
            .error_statuses
            .iter()
            .find(|s| {
                s.http == http
                    && match s.body {
                        StatusBody::Empty => blank,
                        StatusBody::Any => true,
                    }
            })
            .map(|s| s.kind)
    }

    /// A venue error of `kind` (a 418 is a ban whatever the body says).
    fn api(self, kind: ErrorKind, status: Option<u16>, parts: Parts) -> VenueError {
        let kind = if status == Some(BANNED) {
            ErrorKind::Banned
        } else {
            kind
        };
        VenueError::Api(Box::new(ApiError {
            venue: self.venue.id,
            endpoint: self.endpoint,
            kind,
            code: parts.code,
            code_name: parts.code_name,
            message: parts.message,
            http_status: status,
            raw: self.raw,
            retry_after: self.retry_after,
            rate_limits: parts.rate_limits,
        }))
    }

    /// A body that cannot be read as this venue's error (a 418 is still a ban).
    fn decode(self, message: String) -> VenueError {
        if self.http_status == Some(BANNED) {
            let status = self.http_status;
            return self.api(ErrorKind::Banned, status, Parts::default());
        }
        let (venue, endpoint, status) = (self.venue.id, self.endpoint, self.http_status);
        VenueError::decode(venue, endpoint, status, DecodeError::new(message, self.raw))
    }
}

/// The code table's entry for `code`: the first whose `message_contains` is in `message`,
/// else the first without `message_contains`.
pub fn lookup<'t>(
    table: &'t [ErrorCodeInfo],
    code: &serde_json::Value,
    message: Option<&str>,
) -> Option<&'t ErrorCodeInfo> {
    let mut plain = None;
    for e in table.iter().filter(|e| code_matches(e.code, code)) {
        match e.message_contains {
            Some(text) if message.is_some_and(|m| m.contains(text)) => return Some(e),
            Some(_) => {}
            None => {
                if plain.is_none() {
                    plain = Some(e);
                }
            }
        }
    }
    plain
}

/// Whether a table code equals a wire code; a number and a string match by their text
/// (`"510"` and `510`).
fn code_matches(table: ErrorCodeValue, wire: &serde_json::Value) -> bool {
    match (table, wire) {
        (ErrorCodeValue::Int(i), serde_json::Value::Number(n)) => n.as_i64() == Some(i),
        (ErrorCodeValue::Int(i), serde_json::Value::String(s)) => s.parse::<i64>() == Ok(i),
        (ErrorCodeValue::Str(t), serde_json::Value::String(s)) => t == s,
        (ErrorCodeValue::Str(t), serde_json::Value::Number(n)) => n.to_string() == t,
        _ => false,
    }
}

fn wire_code(v: &serde_json::Value) -> WireCode {
    match v {
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => WireCode::Int(i),
            None => WireCode::Str(n.to_string()),
        },
        serde_json::Value::String(s) => WireCode::Str(s.clone()),
        other => WireCode::Str(other.to_string()),
    }
}
