//! The WebSocket API transport against scripted loopback servers that misbehave: answers for
//! nobody (duplicate, unknown or missing ids), binary frames, a close during the session
//! log-on, a refused log-on, a caller that gives up mid-flight, an oversized frame, `wss://`
//! to a server that does not speak TLS, and a server that stops answering pings. Each test
//! checks what the callers get, that nothing hangs (a generous deadline), and how many
//! connections the client made.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use generated::binance_usdm::{self, order_status};
use generated::runtime::client::ClientBuilder;
use generated::runtime::error::{ErrorKind, TransportKind, VenueError};
use generated::runtime::signing::Credentials;
use generated::runtime::transport::retry::RetryPolicy;
use generated::runtime::transport::ws::WsStats;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

/// Longer than any test needs: only detects a hang.
const HANG: Duration = Duration::from_secs(20);

/// One accepted connection, as the script sees it.
struct Conn {
    /// 1 for the first connection.
    n: usize,
    ws: WebSocketStream<TcpStream>,
    log: Arc<Mutex<Vec<(usize, Value)>>>,
}

impl Conn {
    /// The next request frame (logged); `None` when the client went away.
    async fn next(&mut self) -> Option<Value> {
        while let Some(Ok(msg)) = self.ws.next().await {
            if let Message::Text(t) = msg {
                let v: Value = serde_json::from_str(t.as_str()).unwrap();
                self.log.lock().unwrap().push((self.n, v.clone()));
                return Some(v);
            }
        }
        None
    }

    async fn send(&mut self, v: &Value) {
        let _ = self.ws.send(Message::Text(v.to_string().into())).await;
    }

    async fn send_raw(&mut self, m: Message) {
        let _ = self.ws.send(m).await;
    }

    /// Answers every further request correctly.
    async fn serve_rest(mut self) {
        while let Some(req) = self.next().await {
            let a = answer(&req);
            self.send(&a).await;
        }
    }
}

struct Server {
    url: String,
    accepted: Arc<AtomicUsize>,
    log: Arc<Mutex<Vec<(usize, Value)>>>,
}

impl Server {
    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    fn frames(&self) -> Vec<(usize, String)> {
        let log = self.log.lock().unwrap();
        log.iter()
            .map(|(c, f)| (*c, f["method"].as_str().unwrap_or("").to_string()))
            .collect()
    }
}

/// A WebSocket server on 127.0.0.1 running `script` on every connection.
async fn serve<F, Fut>(script: F) -> Server
where
    F: Fn(Conn) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws-fapi/v1", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let log = Arc::new(Mutex::new(Vec::new()));
    let (count, server_log) = (Arc::clone(&accepted), Arc::clone(&log));
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let n = count.fetch_add(1, Ordering::SeqCst) + 1;
            let log = Arc::clone(&server_log);
            let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else {
                continue;
            };
            tokio::spawn(script(Conn { n, ws, log }));
        }
    });
    Server { url, accepted, log }
}

fn docs_body(endpoint: &generated::runtime::registry::EndpointInfo) -> Value {
    let x = endpoint
        .examples
        .iter()
        .find(|x| x.name == "docs_success")
        .unwrap();
    serde_json::from_str(x.body).unwrap()
}

/// The correct answer to a request frame.
fn answer(req: &Value) -> Value {
    let mut b = match req["method"].as_str() {
        Some("session.logon") => docs_body(&binance_usdm::session_logon::INFO),
        _ => {
            let mut b = docs_body(&order_status::INFO);
            b["result"]["orderId"] = req["params"]["orderId"].clone();
            b
        }
    };
    b["id"] = req["id"].clone();
    b
}

/// A request's id as a number.
fn id_of(req: &Value) -> u64 {
    match &req["id"] {
        Value::String(s) => s.parse().unwrap(),
        v => v.as_u64().unwrap(),
    }
}

fn exact(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        jitter: false,
        max_retry_after: Duration::from_secs(1),
    }
}

/// RFC 8032 test 1 secret key (a 32-byte seed in hex): a client that logs on.
const ED25519_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

/// A client of `url`: no retries, 10 s per request, three connection attempts per round;
/// `logs_on` picks Ed25519 keys (a session log-on on every connection) over HMAC.
fn builder(url: &str, logs_on: bool) -> ClientBuilder<binance_usdm::Client> {
    let creds = Credentials::new(binance_usdm::CREDENTIALS)
        .with("api_key", "key")
        .unwrap();
    let creds = if logs_on {
        creds.with("ed25519_key", ED25519_SEED).unwrap()
    } else {
        creds.with("secret", "secret").unwrap()
    };
    binance_usdm::Client::builder()
        .base_url(url)
        .credentials(creds)
        .request_timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(10))
        .retry(RetryPolicy::none())
        .ws_reconnect(exact(3))
}

fn request(order_id: i64) -> order_status::Request {
    order_status::Request::builder()
        .symbol("BTCUSDT")
        .order_id(order_id)
        .build()
        .unwrap()
}

fn stats(client: &binance_usdm::Client) -> WsStats {
    client.core().ws_stats().unwrap()
}

async fn within<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(HANG, f).await.expect("hung")
}

/// Waits until `cond` holds (or fails the test at the hang deadline).
async fn until(what: &str, cond: impl Fn() -> bool) {
    let start = tokio::time::Instant::now();
    while !cond() {
        assert!(start.elapsed() < HANG, "never: {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn transport_kind(err: &VenueError) -> TransportKind {
    match err {
        VenueError::Transport(t) => t.kind,
        other => panic!("not a transport error: {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_answer_goes_to_the_first_caller_only() {
    let server = serve(|mut c: Conn| async move {
        let (Some(r1), Some(r2)) = (c.next().await, c.next().await) else {
            return;
        };
        c.send(&answer(&r1)).await;
        let mut again = answer(&r1);
        again["result"]["orderId"] = json!(-1);
        c.send(&again).await;
        c.send(&answer(&r2)).await;
        c.serve_rest().await;
    })
    .await;
    let client = builder(&server.url, false).build().unwrap();
    let (r1, r2) = (request(1), request(2));
    let (a, b) =
        within(async { tokio::join!(client.order_status(&r1), client.order_status(&r2)) }).await;
    assert_eq!(a.unwrap().order_id, 1, "the first answer, not the second");
    assert_eq!(b.unwrap().order_id, 2, "the other caller unaffected");
    assert_eq!(
        stats(&client),
        WsStats {
            in_flight: 0,
            unmatched: 1
        }
    );
    // The connection is kept.
    assert_eq!(
        within(client.order_status(&request(3)))
            .await
            .unwrap()
            .order_id,
        3
    );
    assert_eq!(server.accepted(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_for_nobody_are_dropped_and_the_connection_kept() {
    let server = serve(|mut c: Conn| async move {
        let Some(r) = c.next().await else { return };
        let id = id_of(&r);
        let mut unknown = answer(&r);
        unknown["id"] = json!("987654321");
        c.send(&unknown).await;
        // An error envelope for an id nobody waits for yet: the next request's id.
        let error =
            json!({"status": 400, "error": {"code": -2013, "msg": "Order does not exist."}});
        let mut early = error.clone();
        early["id"] = json!((id + 1).to_string());
        c.send(&early).await;
        let mut null_id = error.clone();
        null_id["id"] = Value::Null;
        c.send(&null_id).await;
        c.send(&error).await;
        c.send_raw(Message::Text(
            r#"{"id":"987654322","status":200,"res"#.into(),
        ))
        .await;
        c.send(&answer(&r)).await;
        c.serve_rest().await;
    })
    .await;
    let client = builder(&server.url, false).build().unwrap();
    let order = within(client.order_status(&request(7))).await.unwrap();
    assert_eq!(order.order_id, 7);
    assert_eq!(stats(&client).unmatched, 5);
    // The error sent early for this id was dropped, not kept for it.
    let order = within(client.order_status(&request(8))).await.unwrap();
    assert_eq!(order.order_id, 8);
    assert_eq!(stats(&client).in_flight, 0);
    assert_eq!(server.accepted(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_frames_are_read_as_text_when_utf8_and_dropped_otherwise() {
    let server = serve(|mut c: Conn| async move {
        let Some(r1) = c.next().await else { return };
        c.send_raw(Message::Binary(answer(&r1).to_string().into_bytes().into()))
            .await;
        let Some(r2) = c.next().await else { return };
        c.send_raw(Message::Binary(vec![0xff, 0xfe, b'{', 0x80].into()))
            .await;
        c.send_raw(Message::Binary(b"not json".to_vec().into()))
            .await;
        let mut unknown = answer(&r2);
        unknown["id"] = json!("987654321");
        c.send_raw(Message::Binary(unknown.to_string().into_bytes().into()))
            .await;
        c.send(&answer(&r2)).await;
        c.serve_rest().await;
    })
    .await;
    let client = builder(&server.url, false).build().unwrap();
    let order = within(client.order_status(&request(1))).await.unwrap();
    assert_eq!(order.order_id, 1, "a binary answer is read as text");
    let order = within(client.order_status(&request(2))).await.unwrap();
    assert_eq!(order.order_id, 2);
    assert_eq!(stats(&client).unmatched, 3);
    assert_eq!(server.accepted(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_close_right_after_the_logon_frame_reconnects_at_once() {
    let server = serve(|mut c: Conn| async move {
        if c.n == 1 {
            c.next().await;
            let _ = c.ws.close(None).await;
            return;
        }
        c.serve_rest().await;
    })
    .await;
    // The connect timeout (10 s) is far off: the close must be noticed without it.
    let client = builder(&server.url, true).build().unwrap();
    let start = tokio::time::Instant::now();
    let order = within(client.order_status(&request(1))).await.unwrap();
    assert_eq!(order.order_id, 1);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(
        server.frames(),
        [
            (1, "session.logon".to_string()),
            (2, "session.logon".to_string()),
            (2, "order.status".to_string()),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_close_during_every_logon_fails_the_callers_after_the_reconnect_policy() {
    let server = serve(|mut c: Conn| async move {
        c.next().await;
        let _ = c.ws.close(None).await;
    })
    .await;
    let client = builder(&server.url, true).build().unwrap();
    let (r1, r2) = (request(1), request(2));
    let (a, b) =
        within(async { tokio::join!(client.order_status(&r1), client.order_status(&r2)) }).await;
    for err in [a.unwrap_err(), b.unwrap_err()] {
        assert_eq!(transport_kind(&err), TransportKind::Connect, "{err}");
        assert!(err.to_string().contains("closed while logging on"), "{err}");
        assert_eq!(err.endpoint(), "order_status");
    }
    assert_eq!(server.accepted(), 3, "the three attempts of the policy");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.accepted(), 3, "no attempt after the round gave up");
    // The next request starts a new round.
    let err = within(client.order_status(&request(3))).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportKind::Connect, "{err}");
    assert_eq!(server.accepted(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_logon_fails_every_caller_with_auth_without_retrying() {
    let server = serve(|mut c: Conn| async move {
        while let Some(r) = c.next().await {
            let refusal = json!({"id": r["id"], "status": 401, "error": {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}});
            c.send(&refusal).await;
        }
    })
    .await;
    let client = builder(&server.url, true).retry(exact(3)).build().unwrap();
    let requests: Vec<_> = (0..3).map(request).collect();
    let results = within(futures_util::future::join_all(
        requests.iter().map(|r| client.order_status(r)),
    ))
    .await;
    for r in results {
        let err = r.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
        assert_eq!(err.endpoint(), "session_logon");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.frames(), [(1, "session.logon".to_string())]);
    assert_eq!(server.accepted(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_caller_leaves_nothing_in_flight() {
    let release = Arc::new(tokio::sync::Notify::new());
    let server_release = Arc::clone(&release);
    let server = serve(move |mut c: Conn| {
        let release = Arc::clone(&server_release);
        async move {
            let mut held = Vec::new();
            while held.len() < 3 {
                let Some(r) = c.next().await else { return };
                held.push(r);
            }
            release.notified().await;
            for r in &held {
                c.send(&answer(r)).await;
            }
            c.serve_rest().await;
        }
    })
    .await;
    let client = builder(&server.url, false).build().unwrap();
    let (cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
    let a = {
        let client = client.clone();
        tokio::spawn(async move {
            let r1 = request(1);
            tokio::select! {
                r = client.order_status(&r1) => Some(r),
                _ = cancelled => None,
            }
        })
    };
    let others: Vec<_> = [2, 3]
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.order_status(&request(i)).await })
        })
        .into();
    until("three requests at the server", || {
        server.frames().len() == 3
    })
    .await;
    assert_eq!(stats(&client).in_flight, 3);
    cancel.send(()).unwrap();
    assert!(within(a).await.unwrap().is_none(), "the caller gave up");
    assert_eq!(stats(&client).in_flight, 2, "its entry left with it");
    release.notify_one();
    for (h, want) in others.into_iter().zip([2, 3]) {
        assert_eq!(within(h).await.unwrap().unwrap().order_id, want);
    }
    until("the late answer dropped", || stats(&client).unmatched == 1).await;
    assert_eq!(stats(&client).in_flight, 0);
    assert_eq!(server.accepted(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_frame_fails_the_callers_in_flight_with_the_reason() {
    let server = serve(|mut c: Conn| async move {
        if c.n > 1 {
            return c.serve_rest().await;
        }
        let (Some(r1), Some(_r2)) = (c.next().await, c.next().await) else {
            return;
        };
        // Over tungstenite's default frame limit (16 MiB).
        let padding = "x".repeat(16 << 20);
        let huge = json!({"id": r1["id"], "status": 200, "result": padding});
        c.send(&huge).await;
        while c.next().await.is_some() {}
    })
    .await;
    let client = builder(&server.url, false).build().unwrap();
    let (r1, r2) = (request(1), request(2));
    let (a, b) =
        within(async { tokio::join!(client.order_status(&r1), client.order_status(&r2)) }).await;
    for err in [a.unwrap_err(), b.unwrap_err()] {
        assert_eq!(transport_kind(&err), TransportKind::Closed, "{err}");
        assert!(err.to_string().contains("too long"), "{err}");
    }
    // The client connects again for the next request.
    let order = within(client.order_status(&request(3))).await.unwrap();
    assert_eq!(order.order_id, 3);
    assert_eq!(server.accepted(), 2);
}

/// A TCP server on 127.0.0.1 that counts connections and runs `script` on each.
async fn serve_tcp<F, Fut>(script: F) -> (String, Arc<AtomicUsize>)
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("wss://{}/ws-fapi/v1", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(script(tcp));
        }
    });
    (url, accepted)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wss_to_a_plain_websocket_server_is_a_connect_error_after_bounded_attempts() {
    // The server speaks WebSocket without TLS: the client's TLS hello is not HTTP.
    let (url, accepted) = serve_tcp(|tcp| async move {
        let _ = tokio_tungstenite::accept_async(tcp).await;
    })
    .await;
    let client = builder(&url, false).build().unwrap();
    let err = within(client.order_status(&request(1))).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportKind::Connect, "{err}");
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        3,
        "no attempt after the round"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wss_to_a_server_that_never_answers_the_handshake_times_out_per_attempt() {
    let (url, accepted) = serve_tcp(|tcp| async move {
        tokio::time::sleep(HANG).await;
        drop(tcp);
    })
    .await;
    let client = builder(&url, false)
        .connect_timeout(Duration::from_millis(200))
        .ws_reconnect(exact(2))
        .build()
        .unwrap();
    let start = tokio::time::Instant::now();
    let err = within(client.order_status(&request(1))).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(transport_kind(&err), TransportKind::ConnectTimeout, "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_stops_answering_pings_is_dropped_by_the_keep_alive() {
    let server = serve(|mut c: Conn| async move {
        if c.n > 1 {
            return c.serve_rest().await;
        }
        let Some(r) = c.next().await else { return };
        c.send(&answer(&r)).await;
        // Stop reading: no answers, no pongs.
        tokio::time::sleep(HANG).await;
    })
    .await;
    let client = builder(&server.url, false)
        .ws_ping_interval(Duration::from_millis(100))
        .build()
        .unwrap();
    assert_eq!(
        within(client.order_status(&request(1)))
            .await
            .unwrap()
            .order_id,
        1
    );
    let start = tokio::time::Instant::now();
    let err = within(client.order_status(&request(2))).await.unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(transport_kind(&err), TransportKind::Closed, "{err}");
    assert!(err.to_string().contains("keep-alive"), "{err}");
    assert_eq!(
        within(client.order_status(&request(3)))
            .await
            .unwrap()
            .order_id,
        3
    );
    assert_eq!(server.accepted(), 2);
}

/// Plays the server's side of a TLS handshake with `config` until either side gives up.
async fn tls_handshake(mut tcp: TcpStream, config: Arc<rustls::ServerConfig>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tls = rustls::ServerConnection::new(config).unwrap();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let mut out = Vec::new();
        while tls.wants_write() {
            if tls.write_tls(&mut out).is_err() {
                return;
            }
        }
        if tcp.write_all(&out).await.is_err() {
            return;
        }
        let n = match tcp.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let mut input = &buf[..n];
        while !input.is_empty() {
            if tls.read_tls(&mut input).is_err() {
                return;
            }
        }
        if tls.process_new_packets().is_err() {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wss_to_a_self_signed_server_is_a_certificate_error_after_bounded_attempts() {
    // A certificate for 127.0.0.1 that no root the client trusts has signed.
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
    let config = Arc::new(config);
    let (url, accepted) = serve_tcp(move |tcp| tls_handshake(tcp, Arc::clone(&config))).await;
    let client = builder(&url, false).build().unwrap();
    let err = within(client.order_status(&request(1))).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportKind::Connect, "{err}");
    assert!(err.to_string().contains("certificate"), "{err}");
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        3,
        "no attempt after the round"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_server_times_out_on_every_attempt() {
    let server = serve(|mut c: Conn| async move { while c.next().await.is_some() {} }).await;
    let client = builder(&server.url, false)
        .request_timeout(Duration::from_millis(200))
        .retry(exact(2))
        .build()
        .unwrap();
    let err = within(client.order_status(&request(1))).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportKind::RequestTimeout, "{err}");
    let VenueError::Transport(t) = &err else {
        unreachable!()
    };
    assert_eq!(t.attempts, 2);
    // Each attempt was sent, with its own id, on the one connection.
    let log = server.log.lock().unwrap();
    assert_eq!(log.len(), 2);
    assert_ne!(log[0].1["id"], log[1].1["id"]);
    assert_eq!(server.accepted(), 1);
    assert_eq!(stats(&client).in_flight, 0);
}
