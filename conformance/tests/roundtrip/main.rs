//! The generated clients, as a user calls them, against the embedded mock venue over real
//! loopback sockets: every endpoint (through `ClientCore::call_json`, the client any tool
//! reaches by name) and each venue's typed `Client`, for success, every error kind the
//! mock can produce, and every fault it can inject.
//!
//! The expected answers are written here from the docs (the specs' examples and the code
//! tables transcribed from them), not taken from the mock or the client. Every URL is the
//! mock's, on `127.0.0.1`: no test reaches outside loopback.
//!
//! Retries use small exact waits (no jitter) so the file runs in seconds.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use conformance::mock::{Fault, FaultRule, MockConfig, MockHandle, MockVenue};
use futures_util::future::join_all;
use futures_util::{SinkExt as _, StreamExt as _};
use generated::runtime::client::{ClientBuilder, ClientCore, ClockCorrection, Reply};
use generated::runtime::error::{ErrorKind, TransportKind, VenueError};
use generated::runtime::registry::{
    EndpointInfo, ExampleKind, ExampleScope, TransportInfo, VenueInfo,
};
use generated::runtime::request::{Location, WireRequest, WireValue};
use generated::runtime::signing::{Credentials, FixedClock, SchemeTransport, Signer};
use generated::runtime::transport::retry::RetryPolicy;
use serde_json::{Value, json};

#[path = "../docs_order/mod.rs"]
mod docs_order;
#[path = "../documented/mod.rs"]
mod documented;
use docs_order::{order_params, text, unknown};

mod answers;
mod faults;
mod typed;
mod websocket;

async fn start() -> MockHandle {
    MockVenue::start(MockConfig::default()).await.unwrap()
}

/// Every signed endpoint of every generated venue.
fn endpoints() -> impl Iterator<Item = (&'static VenueInfo, &'static EndpointInfo)> {
    generated::VENUES
        .iter()
        .flat_map(|v| v.endpoints.iter().map(move |e| (v, e)))
        .filter(|(_, e)| e.signed)
}

fn venue(id: &str) -> &'static VenueInfo {
    generated::VENUES.iter().find(|v| v.id == id).unwrap()
}

fn is_ws(e: &EndpointInfo) -> bool {
    matches!(e.transport, TransportInfo::Ws { .. })
}

/// `max_attempts` attempts, 5 ms doubling up to 20 ms, no jitter; `Retry-After` up to 5 s.
fn retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        jitter: false,
        max_retry_after: Duration::from_secs(5),
    }
}

/// A builder pointed at the mock's URLs for `v` (only loopback), with the mock's
/// credentials, three quick attempts, short timeouts and quick reconnections.
fn at_mock<C: From<ClientCore>>(
    b: ClientBuilder<C>,
    mock: &MockHandle,
    v: &VenueInfo,
) -> ClientBuilder<C> {
    let mut b = b
        .credentials(mock.signing_credentials(v.id).unwrap())
        .retry(retry(3))
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Duration::from_secs(2))
        .ws_reconnect(RetryPolicy {
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(50),
            ..retry(1)
        });
    if let Some(url) = mock.rest_base(v.id) {
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        b = b.rest_url(url);
    }
    if let Some(url) = mock.ws_url(v.id) {
        assert!(url.starts_with("ws://127.0.0.1:"), "{url}");
        b = b.ws_url(url);
    }
    b
}

/// Whether a fault armed for `e` lands on the connection's own log-on first: `e` is the log-on
/// of a venue whose client (with the mock's credentials) logs its connection on.
fn hits_the_logon(mock: &MockHandle, v: &VenueInfo, e: &EndpointInfo) -> bool {
    let Some(session) = v.ws_session.filter(|s| s.logon == e.id) else {
        return false;
    };
    let creds = mock.signing_credentials(v.id).unwrap();
    Signer::choose(v.schemes, SchemeTransport::Ws, &creds)
        .is_ok_and(|s| s.scheme().key == session.when_key)
}

/// The venue-independent client for `v`, at the mock, changed by `f`.
fn client_with(
    mock: &MockHandle,
    v: &'static VenueInfo,
    f: impl FnOnce(ClientBuilder<ClientCore>) -> ClientBuilder<ClientCore>,
) -> ClientCore {
    f(at_mock(ClientBuilder::new(v), mock, v)).build().unwrap()
}

fn client(mock: &MockHandle, v: &'static VenueInfo) -> ClientCore {
    client_with(mock, v, |b| b)
}

fn no_retry(b: ClientBuilder<ClientCore>) -> ClientBuilder<ClientCore> {
    b.retry(retry(1))
}

/// An endpoint's first whole-body success example, and the request that names its order.
struct Docs {
    /// The example's text, as the docs give it.
    text: &'static str,
    /// Its HTTP status.
    status: Option<u16>,
    body: Value,
    /// The payload (the envelope unwrapped).
    payload: Value,
    /// Parameters naming the order: the first selecting parameter (`matches`) and every other
    /// required parameter, from the payload member of the same name.
    params: Vec<(String, String)>,
}

fn refs(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect()
}

fn docs(v: &VenueInfo, e: &EndpointInfo) -> Docs {
    let x = e
        .examples
        .iter()
        .find(|x| x.kind == ExampleKind::Success && x.scope == ExampleScope::Body)
        .unwrap_or_else(|| panic!("{}/{}: no whole-body success example", v.id, e.id));
    let body: Value = serde_json::from_str(x.body).unwrap();
    let payload = v.payload_of(&body).unwrap().clone();
    let params = order_params(v, e);
    Docs {
        text: x.body,
        status: x.http_status,
        body,
        payload,
        params,
    }
}

/// Checks a venue error against the docs: kind, HTTP status, code, and the raw body kept
/// (parsing as the venue's error body).
fn assert_documented(v: &VenueInfo, e: &EndpointInfo, kind: ErrorKind, err: &VenueError) {
    let what = format!("{}/{} {kind:?}: {err}", v.id, e.id);
    assert_eq!(err.kind(), kind, "{what}");
    assert!(matches!(err, VenueError::Api(_)), "{what}");
    assert_eq!(err.venue(), v.id, "{what}");
    // A refused log-on (the connection's, before the call) names the log-on endpoint.
    let logon = v.ws_session.map(|s| s.logon).filter(|_| is_ws(e));
    assert!(
        err.endpoint() == e.id || Some(err.endpoint()) == logon,
        "{what}"
    );
    let raw = err.raw_body().unwrap();
    let body: Option<Value> = (!raw.is_empty()).then(|| serde_json::from_str(raw).unwrap());
    let sent = body.as_ref().and_then(|b| b.pointer(v.error_code_pointer));
    // A JSON-RPC error frame has no HTTP(-like) status: only its code, the spec's.
    let Some(status) = err.http_status() else {
        assert!(
            is_ws(e) && v.error_status_pointer.is_none(),
            "{what}: no status"
        );
        documented::assert_code_in_spec(v, sent.expect("an error code"), &what);
        return;
    };
    if documented::is_empty_list_not_found(v, e, kind, status, body.as_ref()) {
        return;
    }
    documented::assert_in_spec(v, kind, status, body.as_ref(), &what);
    if let Some((want_status, code)) = documented::documented(v.id, kind) {
        assert_eq!(status, want_status, "{what}");
        assert_eq!(sent, code.as_ref(), "{what}");
        assert_eq!(
            err.code().map(|c| c.to_string()),
            code.as_ref().map(text),
            "{what}"
        );
    }
    if !raw.is_empty() {
        (e.roundtrip)(ExampleKind::Error, ExampleScope::Body, raw)
            .unwrap_or_else(|err| panic!("{what}: not the venue's error body: {err}"));
    }
}

async fn call(
    core: &ClientCore,
    e: &EndpointInfo,
    params: &[(String, String)],
) -> Result<Reply<Value>, VenueError> {
    core.call_json(e.id, &refs(params)).await
}

/// Checks a successful reply: the docs' payload, after `attempts` attempts.
fn assert_docs_payload(
    v: &VenueInfo,
    e: &EndpointInfo,
    d: &Docs,
    got: &Result<Reply<Value>, VenueError>,
    attempts: u32,
) {
    let what = format!("{}/{}", v.id, e.id);
    let reply = match got {
        Ok(r) => r,
        Err(err) => panic!("{what}: {err} (raw: {:?})", err.raw_body()),
    };
    assert_eq!(reply.value, d.payload, "{what}");
    assert_eq!(reply.attempts, attempts, "{what}");
}
