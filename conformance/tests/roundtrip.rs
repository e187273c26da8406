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
use generated::runtime::request::{Location, RequestError, WireRequest, WireValue};
use generated::runtime::signing::{Credentials, FixedClock, SchemeTransport, Signer};
use generated::runtime::transport::retry::RetryPolicy;
use serde_json::{Value, json};

mod documented;

// ---------------------------------------------------------------------------------------------
// Set-up
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// The docs
// ---------------------------------------------------------------------------------------------

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

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
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
    let record = e.record_of(&payload).unwrap();
    let mut params: Vec<(String, String)> = e
        .matches
        .first()
        .map(|m| {
            (
                m.param.to_string(),
                text(
                    record
                        .pointer(m.pointer)
                        .unwrap_or(&serde_json::Value::Null),
                ),
            )
        })
        .into_iter()
        .collect();
    loop {
        match (e.build)(&refs(&params)) {
            Ok(_) => break,
            Err(RequestError::Missing { param }) => {
                params.push((param.into(), text(&record[param])))
            }
            Err(other) => panic!("{}/{}: {other}", v.id, e.id),
        }
    }
    Docs {
        text: x.body,
        status: x.http_status,
        body,
        payload,
        params,
    }
}

/// A value of the same form that names no order.
fn unknown(value: &str) -> String {
    if uuid::Uuid::parse_str(value).is_ok() {
        "00000000-0000-4000-8000-000000000000".into()
    } else if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        format!("9{value}")
    } else {
        format!("{value}-missing")
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

// ---------------------------------------------------------------------------------------------
// Every endpoint, through `call_json`
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn every_endpoint_returns_the_docs_payload_and_its_unified_order() {
    let mock = start().await;
    let mut orders = 0;
    for (v, e) in endpoints() {
        let d = docs(v, e);
        let got = call(&client(&mock, v), e, &d.params).await;
        assert_docs_payload(v, e, &d, &got, 1);
        let reply = got.unwrap();
        if is_ws(e) {
            assert_eq!(reply.http_status, None);
        } else {
            assert_eq!(reply.http_status, Some(d.status.unwrap_or(200)));
        }
        // The venue's rate-limit usage, where its body reports it (Binance's `rateLimits`).
        let limits = v.rate_limits.pointer.and_then(|p| d.body.pointer(p));
        assert_eq!(reply.rate_limits.as_ref(), limits, "{}/{}", v.id, e.id);
        if let Some(to_order) = e.to_order {
            // The unified order of what the client returned is the docs example's.
            let bytes = serde_json::to_vec(&reply.value).unwrap();
            let got = to_order(ExampleScope::Payload, &bytes).unwrap().unwrap();
            let want = to_order(ExampleScope::Body, d.text.as_bytes())
                .unwrap()
                .unwrap();
            assert_eq!(got, want, "{}/{}", v.id, e.id);
            assert_eq!(got.venue, v.id);
            let m = e.matches.first().unwrap();
            let asked = &d.params.iter().find(|(n, _)| n == m.param).unwrap().1;
            assert!(
                got.order_id == *asked || got.client_order_id.as_ref() == Some(asked),
                "{}/{}: asked for {asked}, got {got:?}",
                v.id,
                e.id
            );
            orders += 1;
        }
    }
    // Every venue whose answers map onto the unified order has one order endpoint (a venue
    // whose order lacks the members `Order` needs maps none).
    let mapped = generated::VENUES
        .iter()
        .filter(|v| v.endpoints.iter().any(|e| e.to_order.is_some()))
        .count();
    assert_eq!(orders, mapped);
}

#[tokio::test]
async fn every_endpoint_reports_an_unknown_order_as_not_found() {
    let mock = start().await;
    let mut seen = 0;
    for (v, e) in endpoints() {
        let Some(m) = e.matches.first() else { continue };
        let mut params = docs(v, e).params;
        let slot = params.iter_mut().find(|(n, _)| n == m.param).unwrap();
        slot.1 = unknown(&slot.1);
        let err = call(&client(&mock, v), e, &params).await.unwrap_err();
        assert_documented(v, e, ErrorKind::NotFound, &err);
        seen += 1;
    }
    assert_eq!(seen, generated::VENUES.len());
}

#[tokio::test]
async fn every_endpoint_reports_a_wrong_secret_as_auth() {
    let mock = start().await;
    let mut seen = 0;
    for (v, e) in endpoints() {
        let d = docs(v, e);
        let mut creds = mock.signing_credentials(v.id).unwrap();
        let transport = if is_ws(e) {
            SchemeTransport::Ws
        } else {
            SchemeTransport::Rest
        };
        // The scheme the client picks, with its signing key replaced by another usable one.
        let scheme = Signer::choose(v.schemes, transport, &creds)
            .unwrap()
            .scheme();
        let key = scheme.sign.as_ref().map(|s| &*s.key).unwrap();
        creds
            .set(key, conformance::mock::wrong_key(scheme.key))
            .unwrap();
        let core = client_with(&mock, v, |b| b.credentials(creds));
        let err = call(&core, e, &d.params).await.unwrap_err();
        assert_documented(v, e, ErrorKind::Auth, &err);
        seen += 1;
    }
    assert_eq!(seen, endpoints().count());
}

#[tokio::test]
async fn every_endpoint_reports_a_stale_timestamp() {
    let mock = start().await;
    let ten_minutes_ago = chrono::Utc::now().timestamp_millis() - 10 * 60 * 1000;
    for (v, e) in endpoints() {
        let d = docs(v, e);
        if v.timestamp_window.is_none() {
            // No window: the timestamp is a nonce that must grow per key. Stale means below
            // one the key already used, so the key signs a request now first.
            let now = client_with(&mock, v, |b| b);
            call(&now, e, &d.params).await.unwrap();
        }
        // Correction off: the venue's own answer, as it is (clock_skew.rs covers the rest).
        let core = client_with(&mock, v, |b| {
            b.clock(Arc::new(FixedClock(ten_minutes_ago)))
                .clock_correction(ClockCorrection::Off)
        });
        let err = call(&core, e, &d.params).await.unwrap_err();
        assert_documented(v, e, documented::stale_kind(v), &err);
    }
}

#[tokio::test]
async fn every_endpoint_retries_after_a_rate_limit_and_honours_retry_after() {
    let mock = start().await;
    for (v, e) in endpoints() {
        let d = docs(v, e);
        let rule = || {
            FaultRule::new(Fault::RateLimited { retry_after_s: 1 })
                .venue(v.id)
                .endpoint(e.id)
        };
        mock.faults().arm(rule());
        let t = Instant::now();
        let got = call(&client(&mock, v), e, &d.params).await;
        let took = t.elapsed();
        assert_docs_payload(v, e, &d, &got, 2);
        if !is_ws(e) {
            // The backoff is 5 ms: only `Retry-After: 1` makes the client wait a second.
            assert!(
                took >= Duration::from_secs(1),
                "{}/{}: {took:?}",
                v.id,
                e.id
            );
        }

        // Without retries the caller gets the rate limit, with the wait the venue asked for.
        mock.faults().arm(rule());
        let err = call(&client_with(&mock, v, no_retry), e, &d.params)
            .await
            .unwrap_err();
        assert_documented(v, e, ErrorKind::RateLimited, &err);
        if is_ws(e) {
            // A WebSocket error frame has no `Retry-After`.
            assert_eq!(err.retry_after(), None);
        } else {
            assert_eq!(err.retry_after(), Some(Duration::from_secs(1)), "{err}");
        }
        assert!(mock.faults().pending().is_empty());
    }
}

#[tokio::test]
async fn every_endpoint_retries_after_a_server_error() {
    let mock = start().await;
    for (v, e) in endpoints() {
        let d = docs(v, e);
        let rule = || {
            FaultRule::new(Fault::ServerError)
                .venue(v.id)
                .endpoint(e.id)
        };
        mock.faults().arm(rule());
        let got = call(&client(&mock, v), e, &d.params).await;
        assert_docs_payload(v, e, &d, &got, 2);

        mock.faults().arm(rule());
        let err = call(&client_with(&mock, v, no_retry), e, &d.params)
            .await
            .unwrap_err();
        assert_documented(v, e, ErrorKind::Server, &err);

        // Server errors on every attempt: the last one is returned.
        mock.faults().arm(rule().requests(3));
        let err = call(&client(&mock, v), e, &d.params).await.unwrap_err();
        assert_documented(v, e, ErrorKind::Server, &err);
        assert!(mock.faults().pending().is_empty());
    }
}

/// The whole answer a request for the docs' order gets: the example's text, or on a
/// WebSocket the example with the request's `id` (read off the truncated frame).
fn full_answer(d: &Docs, ws: bool, truncated: &str) -> String {
    if !ws {
        return d.text.to_string();
    }
    // The id member, wherever it leads the frame (after `"jsonrpc":"2.0"` on JSON-RPC).
    let rest = &truncated[truncated.find(r#""id":"#).unwrap() + 5..];
    let id_json = &rest[..rest.find(',').unwrap()];
    let mut body = d.body.clone();
    body["id"] = serde_json::from_str(id_json).unwrap();
    body.to_string()
}

#[tokio::test]
async fn every_endpoint_reports_a_truncated_body_as_decode_with_the_raw_body() {
    let mock = start().await;
    for (v, e) in endpoints() {
        let d = docs(v, e);
        mock.faults().arm(
            FaultRule::new(Fault::TruncatedBody)
                .venue(v.id)
                .endpoint(e.id),
        );
        // Retries allowed: a 200 that cannot be decoded is not retried.
        let err = call(&client(&mock, v), e, &d.params).await.unwrap_err();
        let what = format!("{}/{}: {err}", v.id, e.id);
        assert_eq!(err.kind(), ErrorKind::Decode, "{what}");
        let raw = err.raw_body().unwrap();
        let full = full_answer(&d, is_ws(e), raw);
        let mut half = full.len() / 2;
        while !full.is_char_boundary(half) {
            half -= 1;
        }
        assert_eq!(raw, &full[..half], "{what}");
        assert!(serde_json::from_str::<Value>(raw).is_err(), "{what}");
        let status = if is_ws(e) {
            None
        } else {
            Some(d.status.unwrap_or(200))
        };
        assert_eq!(err.http_status(), status, "{what}");
        assert!(mock.faults().pending().is_empty());
    }
}

#[tokio::test]
async fn every_endpoint_reports_an_html_page_as_decode_with_the_raw_body() {
    let mock = start().await;
    let mut rest = 0;
    for (v, e) in endpoints() {
        let d = docs(v, e);
        let rule = || FaultRule::new(Fault::HtmlError).venue(v.id).endpoint(e.id);
        mock.faults().arm(rule());
        let quick = |b: ClientBuilder<ClientCore>| b.request_timeout(Duration::from_millis(300));
        let err = call(&client_with(&mock, v, |b| no_retry(quick(b))), e, &d.params)
            .await
            .unwrap_err();
        let what = format!("{}/{}: {err}", v.id, e.id);
        if is_ws(e) {
            // An HTML frame carries no `id`: it cannot be matched to a request, so no caller
            // can be given it. The request waits out its timeout and fails with a timeout.
            assert_eq!(err.kind(), ErrorKind::Timeout, "{what}");
            if hits_the_logon(&mock, v, e) {
                // The page answered the connection's log-on, which waits out the connect
                // timeout: no quick retry recovers it (the other endpoints cover the call).
                continue;
            }
        } else {
            assert_eq!(err.kind(), ErrorKind::Decode, "{what}");
            assert_eq!(err.http_status(), Some(502), "{what}");
            let raw = err.raw_body().unwrap();
            assert!(
                raw.starts_with("<html>") && raw.contains("502 Bad Gateway"),
                "{what}"
            );
            rest += 1;
        }

        // With retries, the next attempt gets the order (a 502 or a timeout is retried).
        mock.faults().arm(rule());
        let got = call(&client_with(&mock, v, quick), e, &d.params).await;
        assert_docs_payload(v, e, &d, &got, 2);
        assert!(mock.faults().pending().is_empty());
    }
    assert!(rest >= 3);
}

#[tokio::test]
async fn every_endpoint_retries_after_a_connection_reset() {
    let mock = start().await;
    for (v, e) in endpoints() {
        let d = docs(v, e);
        let rule = || {
            FaultRule::new(Fault::ConnectionReset)
                .venue(v.id)
                .endpoint(e.id)
        };
        mock.faults().arm(rule());
        let got = call(&client(&mock, v), e, &d.params).await;
        assert_docs_payload(v, e, &d, &got, 2);

        mock.faults().arm(rule());
        let err = call(&client_with(&mock, v, no_retry), e, &d.params)
            .await
            .unwrap_err();
        let what = format!("{}/{}: {err}", v.id, e.id);
        assert_eq!(err.kind(), ErrorKind::Transport, "{what}");
        let VenueError::Transport(t) = &err else {
            panic!("{what}")
        };
        // Reset during the connection's log-on, nothing of the caller's was sent: a connect
        // failure; otherwise the connection closed under the request.
        let kind = if hits_the_logon(&mock, v, e) {
            TransportKind::Connect
        } else {
            TransportKind::Closed
        };
        assert_eq!(t.kind, kind, "{what}");
        assert_eq!(t.attempts, 1, "{what}");
        assert_eq!(err.raw_body(), None);
        assert!(mock.faults().pending().is_empty());
    }
}

/// The request for the docs' order with one parameter the venue refuses: a typed value
/// (number, UUID) replaced by text, else a query, body or WebSocket parameter left out (a
/// path parameter left out would change the route). The spec itself must refuse the result
/// (the generated builder would not build it); the client sends it anyway because it is given
/// in wire form.
fn refused_request(e: &EndpointInfo, d: &Docs) -> Option<WireRequest<'static>> {
    let wire = (e.build)(&refs(&d.params)).unwrap();
    let retyped = (0..wire.params.len()).filter_map(|i| {
        let text = match wire.params[i].value {
            WireValue::Int(_) | WireValue::UInt(_) => "not-a-number",
            WireValue::Uuid(_) => "not-a-uuid",
            _ => return None,
        };
        let mut w = wire.clone();
        w.params[i].value = WireValue::Str(text.into());
        Some(w)
    });
    let dropped = (0..wire.params.len())
        .filter(|&i| wire.params[i].location != Location::Path)
        .map(|i| {
            let mut w = wire.clone();
            w.params = wire
                .params
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, p)| p.clone())
                .collect();
            w
        });
    let spec_refuses = |w: &WireRequest<'_>| {
        let pairs: Vec<(String, String)> = w
            .params
            .iter()
            .map(|p| (p.name.to_string(), p.value.to_text()))
            .collect();
        (e.build)(&refs(&pairs)).is_err()
    };
    retyped.chain(dropped).find(|w| spec_refuses(w))
}

#[tokio::test]
async fn every_endpoint_reports_a_refused_parameter_as_invalid_request() {
    let mock = start().await;
    let mut seen = Vec::new();
    for (v, e) in endpoints() {
        let d = docs(v, e);
        let Some(wire) = refused_request(e, &d) else {
            continue;
        };
        let core = client(&mock, v);
        let err = core.call(e, &wire, e.payload_json).await.unwrap_err();
        let what = format!("{}/{}: {err}", v.id, e.id);
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{what}");
        // A code the venue documents as an invalid request, in the venue's error body.
        let raw = err.raw_body().unwrap();
        let body: Value = serde_json::from_str(raw).unwrap();
        let code = body.pointer(v.error_code_pointer).unwrap();
        assert_eq!(
            err.code().map(|c| c.to_string()),
            Some(text(code)),
            "{what}"
        );
        assert!(
            v.error_codes.iter().any(|c| {
                c.kind == Some(ErrorKind::InvalidRequest)
                    && match c.code {
                        generated::runtime::registry::ErrorCodeValue::Int(i) => {
                            code.as_i64() == Some(i)
                        }
                        generated::runtime::registry::ErrorCodeValue::Str(s) => {
                            code.as_str() == Some(s)
                        }
                    }
            }),
            "{what}"
        );
        (e.roundtrip)(ExampleKind::Error, ExampleScope::Body, raw).unwrap();
        seen.push(v.id);
    }
    seen.dedup();
    // Every venue with a parameter its spec can refuse (a type, a range, a required one that
    // can be left out) is covered; a venue whose only parameter is a required path segment
    // (KuCoin's clientOid) has none to refuse.
    assert!(seen.len() >= 4, "{seen:?}");
}

// ---------------------------------------------------------------------------------------------
// The typed clients
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn bitmart_typed_client() {
    use generated::bitmart::{Client, query_client_order};
    let mock = start().await;
    let v = venue("bitmart");
    let client = at_mock(Client::builder(), &mock, v).build().unwrap();
    let req = query_client_order::Request::builder()
        .client_order_id("118100034543076010")
        .build()
        .unwrap();
    let reply = client.query_client_order_reply(&req).await.unwrap();
    assert_eq!((reply.http_status, reply.attempts), (Some(200), 1));
    let order = reply.value;
    // From the docs' example.
    assert_eq!(order.order_id, 118_100_034_543_076_010);
    assert_eq!(order.price.to_string(), "48800.00");
    let unified = order.to_order();
    assert_eq!(unified.status.as_str(), "filled");
    assert_eq!(unified.filled_quantity.unwrap().to_string(), "0.10000");

    let missing = query_client_order::Request::builder()
        .client_order_id("1")
        .build()
        .unwrap();
    let err = client.query_client_order(&missing).await.unwrap_err();
    assert_documented(v, &query_client_order::INFO, ErrorKind::NotFound, &err);
    assert_eq!(err.message(), Some("Order Id not found"));
}

#[tokio::test]
async fn htx_typed_client() {
    use generated::htx::{Client, get_client_order};
    let mock = start().await;
    let v = venue("htx");
    let client = at_mock(Client::builder(), &mock, v)
        .clock_correction(ClockCorrection::Off)
        .build()
        .unwrap();
    let req = get_client_order::Request::builder()
        .client_order_id("23456")
        .build()
        .unwrap();
    let order = client.get_client_order(&req).await.unwrap();
    assert_eq!(order.id, 357_632_718_898_331);
    let unified = order.to_order();
    assert_eq!(unified.client_order_id.as_deref(), Some("23456"));
    assert_eq!(unified.status.as_str(), "open");

    // HTX answers errors with HTTP 200: the client still reports them as errors.
    mock.clock().set_offset_ms(10 * 60 * 1000);
    let err = client.get_client_order(&req).await.unwrap_err();
    assert_documented(
        v,
        &get_client_order::INFO,
        ErrorKind::TimestampOutsideWindow,
        &err,
    );
    mock.clock().set_offset_ms(0);
    assert!(client.get_client_order(&req).await.is_ok());
}

#[tokio::test]
async fn p99_typed_client_with_either_scheme() {
    use generated::p99::{Client, query_order};
    let mock = start().await;
    let v = venue("p99");
    let req = query_order::Request::builder()
        .id("9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10")
        .build()
        .unwrap();
    for scheme in ["hmac", "jwt"] {
        let client = at_mock(Client::builder(), &mock, v)
            .scheme(scheme)
            .build()
            .unwrap();
        let order = client.query_order(&req).await.unwrap();
        assert_eq!(order.id.to_string(), "9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10");
        assert_eq!(order.to_order().venue, "p99");
    }
    // A wrong token: p99's empty 401.
    let mut creds = mock.signing_credentials("p99").unwrap();
    creds.set("jwt", "not-the-token").unwrap();
    let client = at_mock(Client::builder(), &mock, v)
        .credentials(creds)
        .scheme("jwt")
        .build()
        .unwrap();
    let err = client.query_order(&req).await.unwrap_err();
    assert_documented(v, &query_order::INFO, ErrorKind::Auth, &err);
}

#[tokio::test]
async fn binance_typed_client() {
    use generated::binance_usdm::{Client, order_status};
    let mock = start().await;
    let v = venue("binance_usdm");
    let client = at_mock(Client::builder(), &mock, v).build().unwrap();
    let req = order_status::Request::builder()
        .symbol("BTCUSDT")
        .order_id(1_917_641)
        .build()
        .unwrap();
    let reply = client.order_status_reply(&req).await.unwrap();
    assert_eq!(reply.value.order_id, 1_917_641);
    assert_eq!(reply.value.to_order().order_id, "1917641");
    let missing = order_status::Request::builder()
        .symbol("BTCUSDT")
        .order_id(1)
        .build()
        .unwrap();
    let err = client.order_status(&missing).await.unwrap_err();
    assert_documented(v, &order_status::INFO, ErrorKind::NotFound, &err);
    assert_eq!(err.message(), Some("Order does not exist."));
}

// ---------------------------------------------------------------------------------------------
// The WebSocket API
// ---------------------------------------------------------------------------------------------

/// Counts the connections opened to `venue` from now on: a connection rule for an endpoint
/// that does not exist is used up once per accepted connection and never injects anything.
struct ConnectionCounter {
    venue: &'static str,
}

const COUNTER_START: u32 = 1_000_000;

impl ConnectionCounter {
    fn arm(mock: &MockHandle, venue: &'static str) -> Self {
        mock.faults().arm(
            FaultRule::new(Fault::Delay(Duration::ZERO))
                .venue(venue)
                .endpoint("(counts connections)")
                .connections(COUNTER_START),
        );
        ConnectionCounter { venue }
    }

    fn count(&self, mock: &MockHandle) -> u32 {
        let left = mock
            .faults()
            .pending()
            .into_iter()
            .find(|r| {
                r.venue.as_deref() == Some(self.venue)
                    && r.endpoint.as_deref() == Some("(counts connections)")
            })
            .map_or(0, |r| match r.scope {
                conformance::mock::FaultScope::Connections(n) => n,
                conformance::mock::FaultScope::Requests(n) => n,
            });
        COUNTER_START - left
    }
}

/// What a caller of the concurrent test asks for, and what it must get.
enum Ask {
    /// An order of the docs: its `orderId` and `clientOrderId`.
    Order(i64, String),
    /// An order that does not exist (each caller its own id).
    Missing(i64),
}

#[tokio::test]
async fn hundred_concurrent_order_status_requests_on_one_connection() {
    use generated::binance_usdm::{Client, order_status};
    let mock = start().await;
    let v = venue("binance_usdm");
    // The docs' orders (from the specs' success examples, not from the mock).
    let e = v.endpoint("order_status").unwrap();
    let known: Vec<(i64, String)> = e
        .examples
        .iter()
        .filter(|x| x.kind == ExampleKind::Success)
        .map(|x| {
            let body: Value = serde_json::from_str(x.body).unwrap();
            let p = match x.scope {
                ExampleScope::Body => body["result"].clone(),
                ExampleScope::Payload => body,
            };
            (
                p["orderId"].as_i64().unwrap(),
                p["clientOrderId"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        known.len() >= 2,
        "two distinct orders to tell answers apart"
    );
    assert_ne!(known[0].0, known[1].0);
    let counter = ConnectionCounter::arm(&mock, "binance_usdm");
    let client = at_mock(Client::builder(), &mock, v).build().unwrap();

    // Neighbours ask different things, so a misrouted answer shows.
    let asks: Vec<Ask> = (0..100i64)
        .map(|i| match i % 3 {
            0 => Ask::Order(known[0].0, known[0].1.clone()),
            1 => Ask::Order(known[1].0, known[1].1.clone()),
            _ => Ask::Missing(900_000 + i),
        })
        .collect();
    let calls = asks.iter().map(|ask| {
        let client = client.clone();
        async move {
            let id = match ask {
                Ask::Order(id, _) | Ask::Missing(id) => *id,
            };
            let req = order_status::Request::builder()
                .symbol("BTCUSDT")
                .order_id(id)
                .build()
                .unwrap();
            client.order_status(&req).await
        }
    });
    let results = tokio::time::timeout(Duration::from_secs(10), join_all(calls))
        .await
        .expect("every caller answered");
    for (i, (ask, got)) in asks.iter().zip(&results).enumerate() {
        match (ask, got) {
            (Ask::Order(id, cid), Ok(order)) => {
                assert_eq!(
                    (order.order_id, &order.client_order_id),
                    (*id, cid),
                    "caller {i}"
                );
            }
            (Ask::Missing(_), Err(err)) => {
                assert_documented(v, e, ErrorKind::NotFound, err);
            }
            (_, other) => panic!("caller {i}: {other:?}"),
        }
    }
    assert_eq!(counter.count(&mock), 1, "one connection for all");
}

fn status_request(order_id: i64) -> generated::binance_usdm::order_status::Request {
    generated::binance_usdm::order_status::Request::builder()
        .symbol("BTCUSDT")
        .order_id(order_id)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_close_mid_request_reconnects_and_answers_every_caller() {
    use generated::binance_usdm::Client;
    let mock = start().await;
    let v = venue("binance_usdm");
    let counter = ConnectionCounter::arm(&mock, "binance_usdm");
    let client = at_mock(Client::builder(), &mock, v).build().unwrap();
    // Connected, then the next request frame closes the connection unanswered.
    client
        .order_status(&status_request(1_917_641))
        .await
        .unwrap();
    mock.faults().arm(
        FaultRule::new(Fault::WsCloseMidRequest)
            .venue("binance_usdm")
            .endpoint("order_status"),
    );
    let calls = (0..20).map(|_| {
        let client = client.clone();
        async move { client.order_status_reply(&status_request(1_917_641)).await }
    });
    let results = tokio::time::timeout(Duration::from_secs(10), join_all(calls))
        .await
        .expect("no caller hangs");
    // Queries are re-sent on the new connection: everyone gets the order.
    for r in &results {
        assert_eq!(r.as_ref().unwrap().value.order_id, 1_917_641);
    }
    assert!(results.iter().any(|r| r.as_ref().unwrap().attempts == 2));
    assert_eq!(counter.count(&mock), 2, "reconnected once");

    // Without retries, every caller whose frame was in flight gets an explicit error.
    let client = at_mock(Client::builder(), &mock, v)
        .retry(retry(1))
        .build()
        .unwrap();
    client
        .order_status(&status_request(1_917_641))
        .await
        .unwrap();
    mock.faults().arm(
        FaultRule::new(Fault::WsCloseMidRequest)
            .venue("binance_usdm")
            .endpoint("order_status"),
    );
    let calls = (0..20).map(|_| {
        let client = client.clone();
        async move { client.order_status(&status_request(1_917_641)).await }
    });
    let results = tokio::time::timeout(Duration::from_secs(10), join_all(calls))
        .await
        .expect("no caller hangs");
    let mut failed = 0;
    for r in &results {
        match r {
            Ok(order) => assert_eq!(order.order_id, 1_917_641),
            Err(VenueError::Transport(t)) => {
                assert_eq!(t.kind, TransportKind::Closed, "{t:?}");
                failed += 1;
            }
            Err(other) => panic!("{other}"),
        }
    }
    assert!(failed >= 1, "the faulted request itself fails");
    // And the client reconnects for the next request.
    client
        .order_status(&status_request(1_917_641))
        .await
        .unwrap();
    assert_eq!(counter.count(&mock), 4);
}

/// A WebSocket proxy on loopback: forwards every frame both ways and records the text frames
/// the client sent.
async fn recording_proxy(upstream: String) -> (String, Arc<Mutex<Vec<Value>>>) {
    use tokio_tungstenite::tungstenite::Message;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws-fapi/v1", listener.local_addr().unwrap());
    let sent = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&sent);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (upstream, log) = (upstream.clone(), Arc::clone(&log));
            tokio::spawn(async move {
                let client = tokio_tungstenite::accept_async(tcp).await.unwrap();
                let (server, _) = tokio_tungstenite::connect_async(upstream).await.unwrap();
                let (mut to_client, mut from_client) = client.split();
                let (mut to_server, mut from_server) = server.split();
                let up = async {
                    while let Some(Ok(m)) = from_client.next().await {
                        if let Message::Text(t) = &m {
                            log.lock()
                                .unwrap()
                                .push(serde_json::from_str(t.as_str()).unwrap());
                        }
                        if to_server.send(m).await.is_err() {
                            break;
                        }
                    }
                };
                let down = async {
                    while let Some(Ok(m)) = from_server.next().await {
                        if to_client.send(m).await.is_err() {
                            break;
                        }
                    }
                };
                tokio::select! { _ = up => {}, _ = down => {} }
            });
        }
    });
    (url, sent)
}

#[tokio::test]
async fn ed25519_logs_the_session_on_and_then_signs_nothing() {
    use generated::binance_usdm::Client;
    let mock = start().await;
    let v = venue("binance_usdm");
    let (url, sent) = recording_proxy(mock.ws_url("binance_usdm").unwrap().to_string()).await;
    // The RFC 8032 test key from the signing vectors, and the mock's API key.
    let pem = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/vectors/keys/rfc8032_test1_ed25519.pem"
    ))
    .unwrap();
    let api_key = mock
        .credentials("binance_usdm")
        .unwrap()
        .get("api_key")
        .unwrap()
        .to_string();
    let creds = Credentials::new(v.credentials)
        .with("api_key", &api_key)
        .unwrap()
        .with("ed25519_key", &pem)
        .unwrap();
    let client = Client::builder()
        .ws_url(url)
        .credentials(creds)
        .retry(retry(1))
        .build()
        .unwrap();
    let calls = [1_917_641, 1_573_346_959, 1_917_641].map(|id| {
        let client = client.clone();
        async move { client.order_status(&status_request(id)).await }
    });
    for (r, id) in join_all(calls)
        .await
        .into_iter()
        .zip([1_917_641, 1_573_346_959, 1_917_641])
    {
        assert_eq!(r.unwrap().order_id, id);
    }
    let frames = sent.lock().unwrap().clone();
    assert_eq!(frames.len(), 4, "{frames:?}");
    assert_eq!(frames[0]["method"], "session.logon");
    assert_eq!(frames[0]["params"]["apiKey"], json!(api_key));
    assert!(
        frames[0]["params"]["signature"].is_string(),
        "{}",
        frames[0]
    );
    for f in &frames[1..] {
        assert_eq!(f["method"], "order.status");
        let params = f["params"].as_object().unwrap();
        assert!(
            !params.contains_key("signature") && !params.contains_key("apiKey"),
            "{f}"
        );
        assert!(params["timestamp"].is_i64(), "{f}");
    }
}
