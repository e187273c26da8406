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

mod docs_order;
mod documented;
use docs_order::{docs_success, order_params, text};
use tokio_tungstenite::tungstenite::Message;

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

/// A value of the same form that names no seeded order.
fn unknown(value: &str) -> String {
    if uuid::Uuid::parse_str(value).is_ok() {
        "00000000-0000-4000-8000-000000000000".into()
    } else if value.bytes().all(|b| b.is_ascii_digit()) {
        format!("9{value}")
    } else {
        format!("{value}-missing")
    }
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

#[tokio::test]
async fn every_rest_endpoint_answers_as_its_docs() {
    let mock = start().await;
    let http = client();
    let mut seen = 0;
    for v in generated::VENUES {
        for e in v
            .endpoints
            .iter()
            .filter(|e| transport(e) == SchemeTransport::Rest)
        {
            seen += 1;
            let good = credentials(&mock, v, e, false);
            let params = order_params(v, e);

            let ok = send(
                &http,
                &sign_http(&mock, v, e, &params, &good, &Timestamp::Now),
            )
            .await
            .unwrap();
            assert_eq!(ok.status, 200, "{}/{}: {ok:?}", v.id, e.id);
            assert_eq!(ok.json(), docs_success(e), "{}/{}", v.id, e.id);

            let missing = not_found_params(v, e);
            let nf = send(
                &http,
                &sign_http(&mock, v, e, &missing, &good, &Timestamp::Now),
            )
            .await
            .unwrap();
            assert_documented_http(v, e, ErrorKind::NotFound, &nf);

            let wrong = credentials(&mock, v, e, true);
            let auth = send(
                &http,
                &sign_http(&mock, v, e, &params, &wrong, &Timestamp::Now),
            )
            .await
            .unwrap();
            assert_documented_http(v, e, ErrorKind::Auth, &auth);

            let old = send(&http, &sign_http(&mock, v, e, &params, &good, &stale()))
                .await
                .unwrap();
            assert_documented_http(v, e, ErrorKind::TimestampOutsideWindow, &old);
        }
    }
    assert!(
        seen >= 3,
        "bitmart, htx and p99 have a REST endpoint each: {seen}"
    );
}

#[tokio::test]
async fn every_websocket_endpoint_answers_as_its_docs() {
    let mock = start().await;
    let mut seen = 0;
    for v in generated::VENUES {
        for e in v
            .endpoints
            .iter()
            .filter(|e| transport(e) == SchemeTransport::Ws)
        {
            seen += 1;
            let mut ws = connect(&mock, v.id).await;
            let good = Signer::choose(
                v.schemes,
                SchemeTransport::Ws,
                &credentials(&mock, v, e, false),
            )
            .unwrap()
            .with_frame(v.ws_frame);
            let wrong = Signer::choose(
                v.schemes,
                SchemeTransport::Ws,
                &credentials(&mock, v, e, true),
            )
            .unwrap()
            .with_frame(v.ws_frame);
            let params = if e.matches.is_empty() {
                Vec::new()
            } else {
                order_params(v, e)
            };

            let ok = call_ws(
                &mut ws,
                sign_ws_with(&good, e, &params, "ok-1", &Timestamp::Now),
            )
            .await;
            let mut expected = docs_success(e);
            expected["id"] = json!("ok-1");
            assert_eq!(ok, expected, "{}/{}", v.id, e.id);

            if !e.matches.is_empty() {
                let missing = not_found_params(v, e);
                let nf = call_ws(
                    &mut ws,
                    sign_ws_with(&good, e, &missing, "nf-1", &Timestamp::Now),
                )
                .await;
                assert_documented_ws(v, e, ErrorKind::NotFound, "nf-1", &nf);
            }
            let auth = call_ws(
                &mut ws,
                sign_ws_with(&wrong, e, &params, "auth-1", &Timestamp::Now),
            )
            .await;
            assert_documented_ws(v, e, ErrorKind::Auth, "auth-1", &auth);
            let old = call_ws(&mut ws, sign_ws_with(&good, e, &params, "old-1", &stale())).await;
            assert_documented_ws(v, e, ErrorKind::TimestampOutsideWindow, "old-1", &old);
        }
    }
    assert!(seen >= 2, "binance_usdm has two WebSocket methods: {seen}");
}

#[tokio::test]
async fn typed_requests_signed_by_the_generated_signers() {
    let mock = start().await;
    let http = client();

    let creds = mock.signing_credentials("p99").unwrap();
    let signer = generated::p99::query_order::signer(&creds).unwrap();
    let req = generated::p99::query_order::Request::builder()
        .id("9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10")
        .recv_window(10_000)
        .build()
        .unwrap();
    let signed = req
        .sign(
            &signer,
            mock.rest_base("p99").unwrap(),
            &Timestamp::Now,
            &SystemClock,
        )
        .unwrap();
    assert!(
        signed.url().contains("/api/v1/spot/orders/9f2a1c4e"),
        "{}",
        signed.url()
    );
    let got = send(&http, &signed).await.unwrap();
    let order = generated::p99::query_order::parse_response(&got.body).unwrap();
    assert_eq!(order.filled_qty.to_string(), "100");

    let creds = mock.signing_credentials("htx").unwrap();
    let signer = generated::htx::get_client_order::signer(&creds).unwrap();
    let req = generated::htx::get_client_order::Request::builder()
        .client_order_id("23456")
        .build()
        .unwrap();
    let signed = req
        .sign(
            &signer,
            mock.rest_base("htx").unwrap(),
            &Timestamp::Now,
            &SystemClock,
        )
        .unwrap();
    let got = send(&http, &signed).await.unwrap();
    let order = generated::htx::get_client_order::parse_response(&got.body).unwrap();
    assert_eq!(order.data.id, 357_632_718_898_331);

    let creds = mock.signing_credentials("bitmart").unwrap();
    let signer = generated::bitmart::query_client_order::signer(&creds).unwrap();
    let req = generated::bitmart::query_client_order::Request::builder()
        .client_order_id("118100034543076010")
        .query_state(generated::bitmart::query_client_order::QueryState::History)
        .recv_window(5000)
        .build()
        .unwrap();
    let signed = req
        .sign(
            &signer,
            mock.rest_base("bitmart").unwrap(),
            &Timestamp::Now,
            &SystemClock,
        )
        .unwrap();
    let got = send(&http, &signed).await.unwrap();
    let order = generated::bitmart::query_client_order::parse_response(&got.body).unwrap();
    assert_eq!(order.data.order_id, 118_100_034_543_076_010);

    let creds = mock.signing_credentials("binance_usdm").unwrap();
    let signer = generated::binance_usdm::order_status::signer(&creds).unwrap();
    let req = generated::binance_usdm::order_status::Request::builder()
        .symbol("BTCUSDT")
        .orig_client_order_id("abc")
        .build()
        .unwrap();
    let frame = req
        .sign(&signer, "7", &Timestamp::Now, &SystemClock)
        .unwrap();
    let mut ws = connect(&mock, "binance_usdm").await;
    let got = call_ws(&mut ws, frame.frame_text().to_string()).await;
    let parsed =
        generated::binance_usdm::order_status::parse_response(got.to_string().as_bytes()).unwrap();
    assert_eq!(parsed.result.order_id, 1_917_641);
    assert_eq!(got["id"], json!("7"));
}

#[tokio::test]
async fn p99_bearer_tokens() {
    let mock = start().await;
    let http = client();
    let (v, e) = conformance::find("p99", "query_order").unwrap();
    let jwt = v.schemes.iter().find(|s| s.name == "jwt").unwrap();
    let mut creds = mock.signing_credentials("p99").unwrap();
    let params = order_params(v, e);
    let base = mock.rest_base("p99").unwrap();
    let signed = Signer::new(jwt, &creds)
        .unwrap()
        .sign_http(&wire(e, &params), base, &Timestamp::Now, &SystemClock)
        .unwrap();
    let ok = send(&http, &signed).await.unwrap();
    assert_eq!((ok.status, ok.json()), (200, docs_success(e)));
    creds.set("jwt", "another-token").unwrap();
    let signed = Signer::new(jwt, &creds)
        .unwrap()
        .sign_http(&wire(e, &params), base, &Timestamp::Now, &SystemClock)
        .unwrap();
    let denied = send(&http, &signed).await.unwrap();
    assert_documented_http(v, e, ErrorKind::Auth, &denied);
}

#[tokio::test]
async fn the_verifier_refuses_what_the_signer_did_not_sign() {
    let mock = start().await;
    let http = client();
    for v in generated::VENUES {
        for e in v.endpoints.iter().filter(|e| !e.matches.is_empty()) {
            let creds = credentials(&mock, v, e, false);
            let params = order_params(v, e);
            match transport(e) {
                SchemeTransport::Rest => {
                    let signed = sign_http(&mock, v, e, &params, &creds, &Timestamp::Now);
                    let ok = send(&http, &signed).await.unwrap();
                    assert_eq!(ok.status, 200, "{}/{}", v.id, e.id);
                    // One signed byte changes: the timestamp (every scheme signs it) moves by
                    // a second, which keeps it inside the window.
                    let ts = signed.timestamp().unwrap().to_string();
                    let moved = if ts.contains('T') {
                        let (head, sec) = ts.split_at(ts.len() - 1);
                        let d = sec.parse::<u8>().unwrap();
                        format!("{head}{}", (d + 9) % 10)
                    } else {
                        (ts.parse::<i64>().unwrap() - 1000).to_string()
                    };
                    let tamper = |s: &str| {
                        s.replace(&ts, &moved)
                            .replace(&ts.replace(':', "%3A"), &moved.replace(':', "%3A"))
                    };
                    // A token carries the timestamp encoded (a JWT's claims): then one
                    // character of the token's signed part changes instead.
                    let visible = signed.url().contains(&ts)
                        || signed.headers().any(|(_, val, _)| val.contains(&ts));
                    let scheme = Signer::choose(v.schemes, SchemeTransport::Rest, &creds)
                        .unwrap()
                        .scheme();
                    let token = scheme.place.as_ref().filter(|_| !visible);
                    let mut rb = http.request(
                        reqwest::Method::from_bytes(signed.method().as_bytes()).unwrap(),
                        tamper(signed.url()),
                    );
                    for (n, val, _) in signed.headers() {
                        let val = match token {
                            Some(p) if p.name.eq_ignore_ascii_case(n) => {
                                let at = p.prefix.len() + 10;
                                let c = if &val[at..=at] == "A" { "B" } else { "A" };
                                format!("{}{c}{}", &val[..at], &val[at + 1..])
                            }
                            _ => tamper(val),
                        };
                        rb = rb.header(n, val);
                    }
                    if let Some(b) = signed.body() {
                        rb = rb.body(b.to_string());
                    }
                    let r = rb.send().await.unwrap();
                    let got = Http {
                        status: r.status().as_u16(),
                        headers: r.headers().clone(),
                        body: r.bytes().await.unwrap().to_vec(),
                    };
                    assert_documented_http(v, e, ErrorKind::Auth, &got);

                    // The selecting parameter changes after signing. BitMart signs the body and
                    // HTX the query, so that is an auth failure; p99 signs only the query, not
                    // the path, so the other order is simply not found.
                    let m = e.matches.first().unwrap();
                    let value = &params.iter().find(|(n, _)| n == m.param).unwrap().1;
                    let other = unknown(value);
                    let mut rb = http.request(
                        reqwest::Method::from_bytes(signed.method().as_bytes()).unwrap(),
                        signed.url().replace(value.as_str(), &other),
                    );
                    for (n, val, _) in signed.headers() {
                        rb = rb.header(n, val);
                    }
                    if let Some(b) = signed.body() {
                        rb = rb.body(b.replace(value.as_str(), &other));
                    }
                    let r = rb.send().await.unwrap();
                    let got = Http {
                        status: r.status().as_u16(),
                        headers: r.headers().clone(),
                        body: r.bytes().await.unwrap().to_vec(),
                    };
                    let in_path = url::Url::parse(signed.url())
                        .unwrap()
                        .path()
                        .contains(value.as_str());
                    let scheme = Signer::choose(v.schemes, SchemeTransport::Rest, &creds)
                        .unwrap()
                        .scheme();
                    let expected = if in_path && !signs_path(scheme.payload) {
                        ErrorKind::NotFound
                    } else {
                        ErrorKind::Auth
                    };
                    assert_documented_http(v, e, expected, &got);
                }
                SchemeTransport::Ws => {
                    let signer = Signer::choose(v.schemes, SchemeTransport::Ws, &creds).unwrap();
                    let frame = sign_ws_with(&signer, e, &params, "t-1", &Timestamp::Now);
                    let mut value: Value = serde_json::from_str(&frame).unwrap();
                    let m = e.matches.first().unwrap();
                    let p = value["params"][m.param].clone();
                    value["params"][m.param] = match p {
                        Value::Number(n) => json!(n.as_i64().unwrap() + 1),
                        other => json!(format!("{}x", text(&other))),
                    };
                    let mut ws = connect(&mock, v.id).await;
                    let got = call_ws(&mut ws, value.to_string()).await;
                    assert_documented_ws(v, e, ErrorKind::Auth, "t-1", &got);
                }
            }
        }
    }
}

#[tokio::test]
async fn the_mock_clock_decides_the_window() {
    let mock = start().await;
    let http = client();
    let (v, e) = conformance::find("bitmart", "query_client_order").unwrap();
    let creds = credentials(&mock, v, e, false);
    let params = order_params(v, e);
    // Five minutes ahead: a request signed now is 5 minutes old for the mock.
    mock.clock().set_offset_ms(5 * 60 * 1000);
    let old = send(
        &http,
        &sign_http(&mock, v, e, &params, &creds, &Timestamp::Now),
    )
    .await
    .unwrap();
    assert_documented_http(v, e, ErrorKind::TimestampOutsideWindow, &old);
    // Its own recvWindow may widen the window up to the documented 60 s, not more.
    let mut wide = params.clone();
    wide.push(("recvWindow".into(), "60000".into()));
    let old = send(
        &http,
        &sign_http(&mock, v, e, &wide, &creds, &Timestamp::Now),
    )
    .await
    .unwrap();
    assert_documented_http(v, e, ErrorKind::TimestampOutsideWindow, &old);
    mock.clock().set_offset_ms(-30_000);
    // 30 s behind: the request is 30 s ahead, within BitMart's minute.
    let ahead = send(
        &http,
        &sign_http(&mock, v, e, &params, &creds, &Timestamp::Now),
    )
    .await
    .unwrap();
    assert_eq!(ahead.status, 200);
    mock.clock().set_offset_ms(0);
    // 40 s old with recvWindow 60000 is accepted; with the default 5000 it is not.
    let past = Timestamp::AtMillis(chrono::Utc::now().timestamp_millis() - 40_000);
    let ok = send(&http, &sign_http(&mock, v, e, &wide, &creds, &past))
        .await
        .unwrap();
    assert_eq!(ok.status, 200, "{ok:?}");
    let late = send(&http, &sign_http(&mock, v, e, &params, &creds, &past))
        .await
        .unwrap();
    assert_documented_http(v, e, ErrorKind::TimestampOutsideWindow, &late);
}

#[tokio::test]
async fn invalid_requests_get_the_documented_invalid_request_error() {
    let mock = start().await;
    let http = client();
    let (v, e) = conformance::find("p99", "query_order").unwrap();
    let creds = credentials(&mock, v, e, false);
    let params = order_params(v, e);
    let signed = sign_http(&mock, v, e, &params, &creds, &Timestamp::Now);
    // Not a UUID in the path (p99 does not sign the path).
    let url = signed
        .url()
        .replace("9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10", "not-a-uuid");
    let mut rb = http.get(url);
    for (n, val, _) in signed.headers() {
        rb = rb.header(n, val);
    }
    let r = rb.send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(body, json!({ "error": "invalid id" }));
}

#[tokio::test]
async fn logon_then_session_requests_on_one_connection() {
    let mock = start().await;
    let v = venue("binance_usdm");
    let logon = v.endpoint("session_logon").unwrap();
    let status = v.endpoint("order_status").unwrap();
    let creds = mock.signing_credentials("binance_usdm").unwrap();
    let scheme = |name: &str| v.schemes.iter().find(|s| s.name == name).unwrap();
    let ed25519 = Signer::new(scheme("ws_ed25519"), &creds).unwrap();
    let session = Signer::new(scheme("ws_session"), &creds).unwrap();
    let params = order_params(v, status);

    let mut ws = connect(&mock, "binance_usdm").await;
    // Before logon, a request without apiKey and signature is refused.
    let got = call_ws(
        &mut ws,
        sign_ws_with(&session, status, &params, "s-0", &Timestamp::Now),
    )
    .await;
    assert_documented_ws(v, status, ErrorKind::Auth, "s-0", &got);

    let got = call_ws(
        &mut ws,
        sign_ws_with(&ed25519, logon, &[], "logon", &Timestamp::Now),
    )
    .await;
    let mut expected = docs_success(logon);
    expected["id"] = json!("logon");
    assert_eq!(got, expected);

    let got = call_ws(
        &mut ws,
        sign_ws_with(&session, status, &params, "s-1", &Timestamp::Now),
    )
    .await;
    let mut expected = docs_success(status);
    expected["id"] = json!("s-1");
    assert_eq!(got, expected);
    // The timestamp of a session request is still checked.
    let got = call_ws(
        &mut ws,
        sign_ws_with(&session, status, &params, "s-2", &stale()),
    )
    .await;
    assert_documented_ws(v, status, ErrorKind::TimestampOutsideWindow, "s-2", &got);

    // Another connection is not logged in.
    let mut other = connect(&mock, "binance_usdm").await;
    let got = call_ws(
        &mut other,
        sign_ws_with(&session, status, &params, "o-1", &Timestamp::Now),
    )
    .await;
    assert_documented_ws(v, status, ErrorKind::Auth, "o-1", &got);

    // Every scheme is verified by re-running its recipe: an RSA-signed frame is accepted,
    // and one whose signature was changed is refused.
    let rsa = Signer::new(scheme("ws_rsa"), &creds).unwrap();
    let got = call_ws(
        &mut other,
        sign_ws_with(&rsa, status, &params, "r-1", &Timestamp::Now),
    )
    .await;
    let mut expected = docs_success(status);
    expected["id"] = json!("r-1");
    assert_eq!(got, expected);
    let mut frame: Value =
        serde_json::from_str(&sign_ws_with(&rsa, status, &params, "r-2", &Timestamp::Now)).unwrap();
    let sig = frame["params"]["signature"].as_str().unwrap().to_string();
    let flipped = if sig.starts_with('A') { "B" } else { "A" };
    frame["params"]["signature"] = json!(format!("{flipped}{}", &sig[1..]));
    let got = call_ws(&mut other, frame.to_string()).await;
    assert_documented_ws(v, status, ErrorKind::Auth, "r-2", &got);
}

#[tokio::test]
async fn pings_are_answered() {
    let mock = start().await;
    let mut ws = connect(&mock, "binance_usdm").await;
    ws.send(Message::Ping(b"are you there".to_vec().into()))
        .await
        .unwrap();
    match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
        Ok(Some(Ok(Message::Pong(p)))) => assert_eq!(&p[..], b"are you there"),
        other => panic!("expected a pong, got {other:?}"),
    }
}

#[tokio::test]
async fn pipelined_frames_are_answered_in_order() {
    let mock = start().await;
    let v = venue("binance_usdm");
    let e = v.endpoint("order_status").unwrap();
    let creds = mock.signing_credentials("binance_usdm").unwrap();
    let signer = Signer::choose(v.schemes, SchemeTransport::Ws, &creds).unwrap();
    let params = order_params(v, e);
    let missing = not_found_params(v, e);
    let ws = connect(&mock, "binance_usdm").await;
    let (mut tx, mut rx) = ws.split();
    const N: usize = 2000;
    let frames: Vec<String> = (0..N)
        .map(|i| {
            let p = if i % 7 == 0 { &missing } else { &params };
            sign_ws_with(&signer, e, p, &format!("p-{i}"), &Timestamp::Now)
        })
        .collect();
    let writer = tokio::spawn(async move {
        for f in frames {
            tx.feed(Message::Text(f.into())).await.unwrap();
        }
        tx.flush().await.unwrap();
        tx
    });
    for i in 0..N {
        let got = loop {
            match rx.next().await {
                Some(Ok(Message::Text(t))) => {
                    break serde_json::from_str::<Value>(t.as_str()).unwrap();
                }
                Some(Ok(_)) => continue,
                other => panic!("frame {i}: {other:?}"),
            }
        };
        assert_eq!(got["id"], json!(format!("p-{i}")));
        let expected = if i % 7 == 0 { 400 } else { 200 };
        assert_eq!(got["status"], json!(expected), "frame {i}");
    }
    drop(writer.await.unwrap());
}

// ---------------------------------------------------------------------------------------
// Faults

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

/// A venue whose nonce may be used once within a time (`nonce_once_within_ms`): the same
/// signed request sent again is refused as an authentication failure the venue documents, and
/// the request signed again (a fresh nonce) passes. Venues without the rule accept a repeat.
#[tokio::test]
async fn a_reused_nonce_is_refused_where_the_venue_says_so() {
    let mock = start().await;
    let http = client();
    let mut refused = 0;
    for v in generated::VENUES {
        let Some(e) = v
            .endpoints
            .iter()
            .find(|e| e.signed && transport(e) == SchemeTransport::Rest)
        else {
            continue;
        };
        let (req, _) = good_request(&mock, v.id);
        let first = send(&http, &req).await.unwrap();
        assert!(first.status < 300, "{}: {}", v.id, first.status);
        let again = send(&http, &req).await.unwrap();
        if v.timestamp_window
            .is_some_and(|w| w.nonce_once_within_ms.is_some())
        {
            assert_documented_http(v, e, ErrorKind::Auth, &again);
            let (fresh, _) = good_request(&mock, v.id);
            assert!(send(&http, &fresh).await.unwrap().status < 300, "{}", v.id);
            refused += 1;
        } else if v
            .schemes
            .iter()
            .any(|s| s.timestamp == Some(generated::runtime::signing::TimestampFormat::Micros))
        {
            // A microsecond nonce must grow per key: a repeat is a stale timestamp.
            assert_documented_http(v, e, ErrorKind::TimestampOutsideWindow, &again);
        } else {
            assert_eq!(again.status, first.status, "{}", v.id);
        }
    }
    assert!(refused >= 1, "no venue limits its nonces");
}

/// Bitstamp's nonce is "lowercase, 36 char" (a UUID4): a request signed correctly over a
/// nonce of another form (upper case, or not a version-4 UUID) is refused as an authentication
/// failure; the same request with a fresh nonce passes.
#[tokio::test]
async fn a_nonce_that_is_not_a_lower_case_uuid4_is_refused() {
    let mock = start().await;
    let http = client();
    let (v, e) = conformance::find("bitstamp", "order_status").unwrap();
    let creds = mock.signing_credentials("bitstamp").unwrap();
    let sign = |nonce: Option<&str>| {
        let mut signer = generated::bitstamp::order_status::signer(&creds).unwrap();
        if let Some(n) = nonce {
            signer.pin_nonce(n);
        }
        generated::bitstamp::order_status::Request::builder()
            .id(1_429_545_880_227_846)
            .build()
            .unwrap()
            .sign(
                &signer,
                mock.rest_base("bitstamp").unwrap(),
                &Timestamp::Now,
                &SystemClock,
            )
            .unwrap()
    };
    for bad in [
        "F47AC10B-58CC-4372-A567-0E02B2C3D479",
        "f47ac10b-58cc-1372-a567-0e02b2c3d479",
        "f47ac10b58cc4372a5670e02b2c3d479",
    ] {
        let got = send(&http, &sign(Some(bad))).await.unwrap();
        assert_documented_http(v, e, ErrorKind::Auth, &got);
    }
    let got = send(&http, &sign(None)).await.unwrap();
    assert_eq!(got.status, 200, "{}", String::from_utf8_lossy(&got.body));
}

#[tokio::test]
async fn fault_delay() {
    let mock = start().await;
    let http = client();
    mock.faults()
        .arm(FaultRule::new(Fault::Delay(Duration::from_millis(300))).venue("htx"));
    let (req, e) = good_request(&mock, "htx");
    let t = Instant::now();
    let got = send(&http, &req).await.unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );
    assert_eq!((got.status, got.json()), (200, docs_success(e)));
    // Used up: the next one is not delayed.
    let t = Instant::now();
    send(&http, &req).await.unwrap();
    assert!(t.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn fault_rate_limited() {
    let mock = start().await;
    let http = client();
    mock.faults().arm(
        FaultRule::new(Fault::RateLimited { retry_after_s: 7 })
            .venue("bitmart")
            .requests(2),
    );
    let (req, _) = good_request(&mock, "bitmart");
    for _ in 0..2 {
        let got = send(&http, &req).await.unwrap();
        assert_eq!(got.status, 429);
        assert_eq!(got.headers["retry-after"], "7");
        // BitMart 30013 "Request too many requests" (HTTP 429), in its envelope.
        let body = got.json();
        assert_eq!(body["code"], 30013);
        assert_eq!(body["message"], "Request too many requests");
    }
    assert_eq!(send(&http, &req).await.unwrap().status, 200);
    // p99 documents no rate-limit body: the status alone.
    mock.faults()
        .arm(FaultRule::new(Fault::RateLimited { retry_after_s: 1 }).venue("p99"));
    let (req, _) = good_request(&mock, "p99");
    let got = send(&http, &req).await.unwrap();
    assert_eq!((got.status, got.body.len()), (429, 0));
    assert_eq!(got.headers["retry-after"], "1");
}

#[tokio::test]
async fn fault_server_error() {
    let mock = start().await;
    let http = client();
    mock.faults()
        .arm(FaultRule::new(Fault::ServerError).venue("p99"));
    let (req, _) = good_request(&mock, "p99");
    let got = send(&http, &req).await.unwrap();
    // The docs' own example: HTTP 500 {"error": "DB_ERROR"}.
    assert_eq!(
        (got.status, got.json()),
        (500, json!({ "error": "DB_ERROR" }))
    );
    mock.faults()
        .arm(FaultRule::new(Fault::ServerError).venue("bitmart"));
    let (req, _) = good_request(&mock, "bitmart");
    let got = send(&http, &req).await.unwrap();
    // BitMart 30014 "Service unavailable" comes with HTTP 503.
    assert_eq!(got.status, 503);
    assert_eq!(got.json()["code"], 30014);
}

#[tokio::test]
async fn fault_truncated_body() {
    let mock = start().await;
    let http = client();
    mock.faults()
        .arm(FaultRule::new(Fault::TruncatedBody).venue("htx"));
    let (req, e) = good_request(&mock, "htx");
    let got = send(&http, &req).await.unwrap();
    assert_eq!(got.status, 200);
    let full = docs_success(e).to_string();
    assert_eq!(
        String::from_utf8(got.body.clone()).unwrap(),
        full[..full.len() / 2]
    );
    assert!(generated::htx::get_client_order::parse_response(&got.body).is_err());
}

#[tokio::test]
async fn fault_html_error_page() {
    let mock = start().await;
    let http = client();
    mock.faults().arm(FaultRule::new(Fault::HtmlError));
    let (req, _) = good_request(&mock, "p99");
    let got = send(&http, &req).await.unwrap();
    assert_eq!(got.status, 502);
    assert_eq!(got.headers["content-type"], "text/html");
    assert!(String::from_utf8_lossy(&got.body).contains("<html>"));
}

#[tokio::test]
async fn fault_connection_reset() {
    let mock = start().await;
    let http = client();
    let (req, e) = good_request(&mock, "p99");
    // A kept-alive connection is reset mid-request.
    assert_eq!(send(&http, &req).await.unwrap().status, 200);
    mock.faults().arm(
        FaultRule::new(Fault::ConnectionReset)
            .venue("p99")
            .endpoint("query_order"),
    );
    let err = send(&http, &req).await.unwrap_err();
    assert!(
        !err.is_status() && !err.is_decode(),
        "a transport error, not an answer: {err:?}"
    );
    // The mock goes on serving.
    let got = send(&http, &req).await.unwrap();
    assert_eq!((got.status, got.json()), (200, docs_success(e)));
}

#[tokio::test]
async fn faults_per_connection() {
    let mock = start().await;
    let (req, e) = good_request(&mock, "p99");
    mock.faults().arm(
        FaultRule::new(Fault::ServerError)
            .venue("p99")
            .connections(1),
    );
    // Every request on the next connection gets the fault...
    let first = client();
    for _ in 0..3 {
        assert_eq!(send(&first, &req).await.unwrap().status, 500);
    }
    // ...and only on it.
    let second = client();
    let got = send(&second, &req).await.unwrap();
    assert_eq!((got.status, got.json()), (200, docs_success(e)));
    assert_eq!(send(&first, &req).await.unwrap().status, 500);
    assert!(mock.faults().pending().is_empty());
}

#[tokio::test]
async fn faults_only_hit_their_venue_and_endpoint() {
    let mock = start().await;
    let http = client();
    mock.faults()
        .arm(FaultRule::new(Fault::ServerError).venue("htx").requests(5));
    mock.faults().arm(
        FaultRule::new(Fault::ServerError)
            .endpoint("order_status")
            .requests(5),
    );
    for id in ["p99", "bitmart"] {
        let (req, _) = good_request(&mock, id);
        assert_eq!(send(&http, &req).await.unwrap().status, 200, "{id}");
    }
    let (req, _) = good_request(&mock, "htx");
    assert_eq!(send(&http, &req).await.unwrap().status, 500);
    assert_eq!(mock.faults().pending().len(), 2);
}

/// A signed order.status frame for the docs' order.
fn status_frame(mock: &MockHandle, id: &str) -> String {
    let v = venue("binance_usdm");
    let e = v.endpoint("order_status").unwrap();
    let creds = mock.signing_credentials("binance_usdm").unwrap();
    let signer = Signer::choose(v.schemes, SchemeTransport::Ws, &creds).unwrap();
    sign_ws_with(&signer, e, &order_params(v, e), id, &Timestamp::Now)
}

#[tokio::test]
async fn websocket_faults() {
    let mock = start().await;
    let v = venue("binance_usdm");
    let e = v.endpoint("order_status").unwrap();
    let mut ws = connect(&mock, "binance_usdm").await;

    mock.faults()
        .arm(FaultRule::new(Fault::RateLimited { retry_after_s: 2 }).venue("binance_usdm"));
    let got = call_ws(&mut ws, status_frame(&mock, "rl")).await;
    assert_eq!(got["status"], 429);
    assert_eq!(got["error"]["code"], -1003);
    (e.roundtrip)(ExampleKind::Error, ExampleScope::Body, &got.to_string()).unwrap();

    mock.faults()
        .arm(FaultRule::new(Fault::ServerError).endpoint("order_status"));
    let got = call_ws(&mut ws, status_frame(&mock, "se")).await;
    assert_eq!(
        (got["id"].clone(), got["status"].clone()),
        (json!("se"), json!(500))
    );
    assert_eq!(got["error"]["code"], -1001);

    mock.faults()
        .arm(FaultRule::new(Fault::Delay(Duration::from_millis(200))).venue("binance_usdm"));
    let t = Instant::now();
    let got = call_ws(&mut ws, status_frame(&mock, "d")).await;
    assert!(t.elapsed() >= Duration::from_millis(200));
    assert_eq!(got["status"], 200);

    mock.faults()
        .arm(FaultRule::new(Fault::TruncatedBody).venue("binance_usdm"));
    ws.send(Message::Text(status_frame(&mock, "tr").into()))
        .await
        .unwrap();
    match ws.next().await {
        Some(Ok(Message::Text(t))) => {
            assert!(serde_json::from_str::<Value>(t.as_str()).is_err());
            assert!(t.as_str().starts_with(r#"{"id":"tr","status":200"#), "{t}");
        }
        other => panic!("{other:?}"),
    }

    // Closed mid-request: the frame is read, and the socket closed without an answer.
    mock.faults()
        .arm(FaultRule::new(Fault::WsCloseMidRequest).venue("binance_usdm"));
    ws.send(Message::Text(status_frame(&mock, "cl").into()))
        .await
        .unwrap();
    match ws.next().await {
        Some(Ok(Message::Close(_))) | None => {}
        other => panic!("expected a close, got {other:?}"),
    }

    // Reset: the next read fails.
    let mut ws = connect(&mock, "binance_usdm").await;
    mock.faults()
        .arm(FaultRule::new(Fault::ConnectionReset).venue("binance_usdm"));
    ws.send(Message::Text(status_frame(&mock, "rs").into()))
        .await
        .unwrap();
    match ws.next().await {
        Some(Err(_)) | None => {}
        other => panic!("expected a reset, got {other:?}"),
    }

    // A WebSocket-only fault is not used up by HTTP requests.
    mock.faults().arm(FaultRule::new(Fault::WsCloseMidRequest));
    let (req, _) = good_request(&mock, "p99");
    assert_eq!(send(&client(), &req).await.unwrap().status, 200);
    assert_eq!(mock.faults().pending().len(), 1);
}

#[tokio::test]
async fn addresses_follow_the_environments() {
    let mock = start().await;
    let p99 = mock.venue("p99").unwrap();
    assert_eq!(
        p99.rest_base.as_deref(),
        Some(format!("http://{}/api/v1", p99.addr).as_str())
    );
    assert_eq!(p99.ws_url, None);
    let b = mock.venue("binance_usdm").unwrap();
    assert_eq!(
        b.ws_url.as_deref(),
        Some(format!("ws://{}/ws-fapi/v1", b.addr).as_str())
    );
    assert_eq!(b.rest_base, None);
    assert_eq!(mock.venues().len(), generated::VENUES.len());
    // Nothing is served outside the endpoints' paths.
    let r = client()
        .get(format!("http://{}/spot/orders/x", p99.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let addr = p99.addr;
    mock.shutdown().await;
    assert!(
        client()
            .get(format!("http://{addr}/api/v1/spot/orders/x"))
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn only_the_venues_asked_for() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mock = MockVenue::start(MockConfig {
        venues: vec!["htx".into()],
        ..MockConfig::default()
    })
    .await
    .unwrap();
    assert_eq!(mock.venues().len(), 1);
    assert!(mock.rest_base("p99").is_none());
    let err = MockVenue::start(MockConfig {
        venues: vec!["nope".into()],
        ..MockConfig::default()
    })
    .await
    .unwrap_err();
    assert_eq!(err.to_string(), "unknown venue `nope`");
}
