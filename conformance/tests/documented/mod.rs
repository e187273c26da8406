//! What a venue answers for each kind of failure (test support, shared by `mock.rs` and
//! `roundtrip.rs`).
//!
//! For the venues transcribed here, what their docs' error tables say: the HTTP status (a
//! WebSocket frame's `status`) and the code in the body, written from the docs, not read from
//! the specs. Any other venue (a new folder under `specs/`) needs no entry: its answer must be
//! one its own spec documents for that kind ([`assert_in_spec`]), and that rule is held to the
//! transcribed venues too, so it is checked against the docs. A copy made by the feature
//! `venue-copies` (`tests/copies.rs`) answers as the venue it was copied from.

// Each test crate that includes this module uses part of it.
#![allow(dead_code)]

use generated::runtime::error::ErrorKind;
use generated::runtime::registry::{ErrorCodeValue, VenueInfo};
use serde_json::{Value, json};

/// The venues whose docs' answers are transcribed in [`documented`].
const TRANSCRIBED: [&str; 4] = ["bitmart", "htx", "p99", "binance_usdm"];

/// The venue whose docs `id` follows: itself, or for a copy the venue it was copied from.
fn seed(id: &str) -> &str {
    if cfg!(feature = "venue-copies") {
        id.strip_suffix("_copy").unwrap_or(id)
    } else {
        id
    }
}

/// What the docs say `venue` answers for a failure of `kind`: the status and the code in the
/// body (`None`: an empty body). `None` for a venue not transcribed here.
pub fn documented(venue: &str, kind: ErrorKind) -> Option<(u16, Option<Value>)> {
    let venue = seed(venue);
    if !TRANSCRIBED.contains(&venue) {
        return None;
    }
    Some(match (venue, kind) {
        ("bitmart", ErrorKind::NotFound) => (400, Some(json!(50005))),
        ("bitmart", ErrorKind::Auth) => (401, Some(json!(30005))),
        ("bitmart", ErrorKind::TimestampOutsideWindow) => (401, Some(json!(30007))),
        ("bitmart", ErrorKind::RateLimited) => (429, Some(json!(30013))),
        ("bitmart", ErrorKind::Server) => (503, Some(json!(30014))),
        ("htx", ErrorKind::NotFound) => (200, Some(json!("base-record-invalid"))),
        // HTX reports a stale timestamp as a signature error.
        ("htx", ErrorKind::Auth | ErrorKind::TimestampOutsideWindow) => {
            (200, Some(json!("api-signature-not-valid")))
        }
        // HTX documents no status for these: the mock's 429 and 500 come from the fault.
        ("htx", ErrorKind::RateLimited) => (429, Some(json!("510"))),
        ("htx", ErrorKind::Server) => (500, Some(json!("gateway-internal-error"))),
        ("p99", ErrorKind::NotFound) => (404, Some(json!("ORDER_NOT_FOUND"))),
        // p99: "401 has an EMPTY body: missing/invalid JWT, missing/wrong HMAC signature, or
        // timestamp outside" the window.
        ("p99", ErrorKind::Auth | ErrorKind::TimestampOutsideWindow) => (401, None),
        // p99 documents no rate-limit answer: a bare 429.
        ("p99", ErrorKind::RateLimited) => (429, None),
        ("p99", ErrorKind::Server) => (500, Some(json!("DB_ERROR"))),
        ("binance_usdm", ErrorKind::NotFound) => (400, Some(json!(-2013))),
        ("binance_usdm", ErrorKind::Auth) => (401, Some(json!(-2015))),
        ("binance_usdm", ErrorKind::TimestampOutsideWindow) => (400, Some(json!(-1021))),
        ("binance_usdm", ErrorKind::RateLimited) => (429, Some(json!(-1003))),
        ("binance_usdm", ErrorKind::Server) => (500, Some(json!(-1001))),
        other => panic!("no expectation for {other:?}"),
    })
}

/// The kind a venue's answer to a stale timestamp has: its own where it documents one; a venue
/// that answers every authentication failure, a stale timestamp included, alike (p99's empty
/// 401) gets `Auth`, since the client cannot tell them apart.
pub fn stale_kind(v: &VenueInfo) -> ErrorKind {
    let own = v
        .error_codes
        .iter()
        .filter_map(|c| c.kind)
        .chain(v.error_statuses.iter().map(|s| s.kind))
        .any(|k| k == ErrorKind::TimestampOutsideWindow);
    let derived = if own {
        ErrorKind::TimestampOutsideWindow
    } else {
        ErrorKind::Auth
    };
    match seed(v.id) {
        "p99" => assert_eq!(derived, ErrorKind::Auth, "p99 documents no stale answer"),
        "bitmart" | "htx" | "binance_usdm" => {
            assert_eq!(derived, ErrorKind::TimestampOutsideWindow, "{}", v.id)
        }
        _ => {}
    }
    derived
}

fn code_equals(code: &ErrorCodeValue, v: &Value) -> bool {
    match (code, v) {
        (ErrorCodeValue::Int(i), Value::Number(n)) => n.as_i64() == Some(*i),
        (ErrorCodeValue::Str(s), Value::String(t)) => s == t,
        _ => false,
    }
}

/// Checks that an answer without a status (a JSON-RPC error frame) carries a code `v`'s spec
/// lists.
pub fn assert_code_in_spec(v: &VenueInfo, code: &Value, what: &str) {
    assert!(
        v.error_codes.iter().any(|c| code_equals(&c.code, code)),
        "{what}: code {code} is not in the venue's spec"
    );
}

/// The usual HTTP status of a kind, which the mock answers with where the docs give none.
fn usual_status(kind: ErrorKind) -> u16 {
    match kind {
        ErrorKind::NotFound => 404,
        ErrorKind::Auth => 401,
        ErrorKind::TimestampOutsideWindow | ErrorKind::InvalidRequest => 400,
        ErrorKind::RateLimited => 429,
        _ => 500,
    }
}

/// Whether `body` (with a 2xx `status`) is how endpoint `e` says "not found": a success whose
/// list payload holds no record where the endpoint reads one (`response.record`), the answer of
/// a venue that documents no not-found error (an empty list).
pub fn is_empty_list_not_found(
    v: &VenueInfo,
    e: &generated::runtime::registry::EndpointInfo,
    kind: ErrorKind,
    status: u16,
    body: Option<&Value>,
) -> bool {
    let at = format!("{}{}", v.payload_pointer.unwrap_or(""), e.record);
    kind == ErrorKind::NotFound
        && (200..300).contains(&status)
        && !e.record.is_empty()
        && body.is_some_and(|b| b.pointer(&at).is_none())
}

/// Whether `body`'s message is one `v` documents with `kind` (`errors.messages`: an error
/// the venue tells by its message alone, without a code).
fn message_in_spec(v: &VenueInfo, kind: ErrorKind, body: &Value) -> bool {
    let message = match v.error_message_pointer.and_then(|p| body.pointer(p)) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => return false,
    };
    v.error_messages
        .iter()
        .any(|(text, k)| *k == kind && message.contains(text))
}

/// Checks that an answer (its JSON `body`, `None` when empty) to a failure of `kind` is one
/// `v`'s spec documents: a code the venue lists (with the status it lists, if any), a message
/// it lists for `kind` without a code, or an empty body with a status-only error of the venue
/// or the kind's usual status. `what` names the call in failures.
pub fn assert_in_spec(
    v: &VenueInfo,
    kind: ErrorKind,
    status: u16,
    body: Option<&Value>,
    what: &str,
) {
    let code = body.and_then(|b| b.pointer(v.error_code_pointer));
    match code {
        Some(code) => {
            let entry = v
                .error_codes
                .iter()
                .find(|c| code_equals(&c.code, code))
                .unwrap_or_else(|| panic!("{what}: code {code} is not in the venue's spec"));
            if let Some(http) = entry.http {
                assert_eq!(
                    status, http,
                    "{what}: the spec gives code {code} status {http}"
                );
            }
        }
        None if body.is_some_and(|b| message_in_spec(v, kind, b)) => {}
        None => {
            let listed = v.error_statuses.iter().any(|s| s.http == status);
            assert!(
                listed || status == usual_status(kind),
                "{what}: status {status} with an empty body is not in the venue's spec"
            );
        }
    }
}
