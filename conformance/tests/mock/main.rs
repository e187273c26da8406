//! The embedded mock venue, over real loopback sockets: requests signed by the generated
//! signers, sent with reqwest and tokio-tungstenite, answered as the venues' docs say.
//!
//! The expected answers are written here from the docs (the example bodies in the specs, and
//! the error codes table), not taken from the mock's own choice.

use std::time::{Duration, Instant};

use conformance::mock::{Fault, FaultRule, MockConfig, MockHandle, MockVenue};
use futures_util::{SinkExt as _, StreamExt as _};
use generated::runtime::registry::{
    EndpointInfo, ErrorKind, ExampleKind, ExampleScope, TransportInfo, VenueInfo,
};
use generated::runtime::signing::{
    Credentials, Part, SchemeTransport, SignedHttp, Signer, SystemClock, Timestamp,
};
use serde_json::{Value, json};

#[path = "../docs_order/mod.rs"]
mod docs_order;
#[path = "../documented/mod.rs"]
mod documented;
use docs_order::{docs_success, order_params, text, unknown};
use tokio_tungstenite::tungstenite::Message;

mod addresses;
mod answers;
mod faults;
mod refusals;
mod sessions;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn start() -> MockHandle {
    let _ = rustls::crypto::ring::default_provider().install_default();
    MockVenue::start(MockConfig::default()).await.unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

fn venue(id: &str) -> &'static VenueInfo {
    generated::VENUES.iter().find(|v| v.id == id).unwrap()
}

/// An HTTP answer.
#[derive(Debug)]
struct Http {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Http {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

async fn send(client: &reqwest::Client, s: &SignedHttp) -> Result<Http, reqwest::Error> {
    let method = reqwest::Method::from_bytes(s.method().as_bytes()).unwrap();
    let mut rb = client.request(method, s.url());
    for (name, value, _) in s.headers() {
        rb = rb.header(name, value);
    }
    if let Some(b) = s.body() {
        rb = rb.body(b.to_string());
    }
    let r = rb.send().await?;
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.bytes().await?.to_vec();
    Ok(Http {
        status,
        headers,
        body,
    })
}

fn not_found_params(v: &VenueInfo, e: &EndpointInfo) -> Vec<(String, String)> {
    let mut pairs = order_params(v, e);
    let m = e.matches.first().unwrap();
    let slot = pairs.iter_mut().find(|(n, _)| n == m.param).unwrap();
    slot.1 = unknown(&slot.1);
    pairs
}

fn transport(e: &EndpointInfo) -> SchemeTransport {
    match e.transport {
        TransportInfo::Rest { .. } => SchemeTransport::Rest,
        TransportInfo::Ws { .. } => SchemeTransport::Ws,
    }
}

/// The mock's credentials for `v`, with the secret of the chosen scheme replaced if `wrong`.
fn credentials(mock: &MockHandle, v: &VenueInfo, e: &EndpointInfo, wrong: bool) -> Credentials {
    let mut creds = mock.signing_credentials(v.id).unwrap();
    if wrong {
        let scheme = Signer::choose(v.schemes, transport(e), &creds).unwrap();
        let key = &*scheme.scheme().sign.as_ref().unwrap().key;
        creds
            .set(key, conformance::mock::wrong_key(scheme.scheme().key))
            .unwrap();
    }
    creds
}

fn wire(
    e: &EndpointInfo,
    pairs: &[(String, String)],
) -> generated::runtime::request::WireRequest<'static> {
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    (e.build)(&refs).unwrap()
}

fn sign_http(
    mock: &MockHandle,
    v: &VenueInfo,
    e: &EndpointInfo,
    pairs: &[(String, String)],
    creds: &Credentials,
    ts: &Timestamp,
) -> SignedHttp {
    let signer = Signer::choose(v.schemes, SchemeTransport::Rest, creds).unwrap();
    signer
        .sign_http(
            &wire(e, pairs),
            mock.rest_base(v.id).unwrap(),
            ts,
            &SystemClock,
        )
        .unwrap()
}

/// Whether a payload signs the URL path (directly or inside a digest).
fn signs_path(payload: &[Part]) -> bool {
    payload.iter().any(|p| match p {
        Part::Path => true,
        Part::Digest { of, .. } => signs_path(of),
        Part::Json { members, .. } => members.iter().any(|m| signs_path(&m.value)),
        _ => false,
    })
}

fn sign_ws_with(
    signer: &Signer,
    e: &EndpointInfo,
    pairs: &[(String, String)],
    id: &str,
    ts: &Timestamp,
) -> String {
    signer
        .sign_ws(&wire(e, pairs), id, ts, &SystemClock)
        .unwrap()
        .frame_text()
        .to_string()
}

async fn connect(mock: &MockHandle, venue: &str) -> Ws {
    let (ws, _) = tokio_tungstenite::connect_async(mock.ws_url(venue).unwrap())
        .await
        .unwrap();
    ws
}

/// The next text frame, as JSON.
async fn recv(ws: &mut Ws) -> Value {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => return serde_json::from_str(t.as_str()).unwrap(),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            other => panic!("expected a text frame, got {other:?}"),
        }
    }
}

async fn call_ws(ws: &mut Ws, frame: String) -> Value {
    ws.send(Message::Text(frame.into())).await.unwrap();
    recv(ws).await
}

/// Checks an HTTP error answer against the docs, and that it parses as the venue's error
/// body.
fn assert_documented_http(v: &VenueInfo, e: &EndpointInfo, kind: ErrorKind, got: &Http) {
    let what = format!("{}/{} {kind:?}", v.id, e.id);
    let body = (!got.body.is_empty()).then(|| got.json());
    if documented::is_empty_list_not_found(v, e, kind, got.status, body.as_ref()) {
        let raw = String::from_utf8(got.body.clone()).unwrap();
        (e.roundtrip)(ExampleKind::Success, ExampleScope::Body, &raw)
            .unwrap_or_else(|err| panic!("{what}: not a success body: {err}"));
        return;
    }
    let sent = body.as_ref().and_then(|b| b.pointer(v.error_code_pointer));
    documented::assert_in_spec(v, kind, got.status, body.as_ref(), &what);
    if let Some((status, code)) = documented::documented(v.id, kind) {
        assert_eq!(got.status, status, "{what}: {got:?}");
        assert_eq!(sent, code.as_ref(), "{what}: {got:?}");
    }
    if body.is_some() {
        let raw = String::from_utf8(got.body.clone()).unwrap();
        (e.roundtrip)(ExampleKind::Error, ExampleScope::Body, &raw)
            .unwrap_or_else(|err| panic!("{what}: not an error body: {err}"));
    }
}

fn assert_documented_ws(v: &VenueInfo, e: &EndpointInfo, kind: ErrorKind, id: &str, got: &Value) {
    let what = format!("{}/{} {kind:?}", v.id, e.id);
    assert_eq!(got["id"], json!(id), "{what}: {got}");
    let sent = got.pointer(v.error_code_pointer);
    // An HTTP-like status where the venue's frames carry one (Binance's `status`); a JSON-RPC
    // error frame has only its code, which must be the spec's.
    let Some(pointer) = v.error_status_pointer else {
        let sent = sent.unwrap_or_else(|| panic!("{what}: no error code: {got}"));
        documented::assert_code_in_spec(v, sent, &what);
        (e.roundtrip)(ExampleKind::Error, ExampleScope::Body, &got.to_string())
            .unwrap_or_else(|err| panic!("{what}: not an error body: {err}"));
        return;
    };
    let status = got.pointer(pointer).and_then(Value::as_u64);
    let status = status.and_then(|s| u16::try_from(s).ok());
    let status = status.unwrap_or_else(|| panic!("{what}: no status: {got}"));
    documented::assert_in_spec(v, kind, status, Some(got), &what);
    if let Some((want_status, code)) = documented::documented(v.id, kind) {
        assert_eq!(status, want_status, "{what}: {got}");
        assert_eq!(sent, code.as_ref(), "{what}: {got}");
    }
    (e.roundtrip)(ExampleKind::Error, ExampleScope::Body, &got.to_string())
        .unwrap_or_else(|err| panic!("{what}: not an error body: {err}"));
}

const TEN_MINUTES_MS: i64 = 10 * 60 * 1000;

fn stale() -> Timestamp {
    Timestamp::AtMillis(chrono::Utc::now().timestamp_millis() - TEN_MINUTES_MS)
}

/// A signed request for the docs' order of `venue`'s REST endpoint.
fn good_request(mock: &MockHandle, venue_id: &str) -> (SignedHttp, &'static EndpointInfo) {
    let v = venue(venue_id);
    let e = v
        .endpoints
        .iter()
        .find(|e| transport(e) == SchemeTransport::Rest)
        .unwrap();
    let creds = credentials(mock, v, e, false);
    (
        sign_http(mock, v, e, &order_params(v, e), &creds, &Timestamp::Now),
        e,
    )
}
