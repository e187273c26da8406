//! The WebSocket API transport against a scripted loopback server: many requests in flight
//! on one connection answered out of order, a connection closed mid-request (re-sent when
//! idempotent, an explicit error otherwise, never a hang), the session log-on on every
//! connection, pings answered, timeouts.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use generated::binance_usdm::{self, order_status};
use generated::runtime::error::{ErrorKind, TransportKind, VenueError};
use generated::runtime::signing::Credentials;
use generated::runtime::transport::retry::RetryPolicy;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

/// How the server behaves.
#[derive(Clone, Default)]
struct Script {
    /// Hold answers until this many requests arrived, then answer them in reverse order
    /// (0 or 1: answer at once).
    reverse_batch: usize,
    /// On the first connection: close after receiving this many frames, answering none.
    close_first_after: Option<usize>,
    /// On the first connection: close right after answering this many frames.
    close_first_after_answers: Option<usize>,
    /// Never answer.
    silent: bool,
    /// Send a ping on connecting.
    ping: bool,
    /// Answer `session.logon` with this error frame body instead of success.
    logon_error: Option<Value>,
}

#[derive(Default)]
struct Log {
    /// (connection, frame) in arrival order.
    frames: Vec<(usize, Value)>,
    connections: usize,
    pongs: Vec<Vec<u8>>,
    /// Connections that ended.
    closed: usize,
}

struct Server {
    url: String,
    log: Arc<Mutex<Log>>,
}

fn docs_body(endpoint: &generated::runtime::registry::EndpointInfo) -> Value {
    let x = endpoint
        .examples
        .iter()
        .find(|x| x.name == "docs_success")
        .unwrap();
    serde_json::from_str(x.body).unwrap()
}

/// The answer to one request frame.
fn answer(req: &Value, script: &Script) -> Value {
    let id = req["id"].clone();
    match req["method"].as_str() {
        Some("session.logon") => match &script.logon_error {
            Some(e) => {
                let mut e = e.clone();
                e["id"] = id;
                e
            }
            None => {
                let mut b = docs_body(&binance_usdm::session_logon::INFO);
                b["id"] = id;
                b
            }
        },
        _ => {
            let mut b = docs_body(&order_status::INFO);
            b["id"] = id;
            b["result"]["orderId"] = req["params"]["orderId"].clone();
            b["rateLimits"] = json!([{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":2400,"count":3}]);
            b
        }
    }
}

/// Counts a connection as ended when its task ends.
struct Ended(Arc<Mutex<Log>>);

impl Drop for Ended {
    fn drop(&mut self) {
        self.0.lock().unwrap().closed += 1;
    }
}

async fn serve(script: Script) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws-fapi/v1", listener.local_addr().unwrap());
    let log = Arc::new(Mutex::new(Log::default()));
    let server_log = Arc::clone(&log);
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let connection = {
                let mut l = server_log.lock().unwrap();
                l.connections += 1;
                l.connections
            };
            let (script, log) = (script.clone(), Arc::clone(&server_log));
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else {
                    return;
                };
                let _ended = Ended(Arc::clone(&log));
                if script.ping {
                    let _ = ws
                        .send(Message::Ping(b"are you there".to_vec().into()))
                        .await;
                }
                let first = connection == 1;
                let (mut received, mut answered) = (0usize, 0usize);
                let mut held: Vec<Value> = Vec::new();
                while let Some(Ok(msg)) = ws.next().await {
                    let req: Value = match msg {
                        Message::Text(t) => serde_json::from_str(t.as_str()).unwrap(),
                        Message::Pong(p) => {
                            log.lock().unwrap().pongs.push(p.to_vec());
                            continue;
                        }
                        _ => continue,
                    };
                    log.lock().unwrap().frames.push((connection, req.clone()));
                    received += 1;
                    if first && script.close_first_after == Some(received) {
                        let _ = ws.close(None).await;
                        return;
                    }
                    if script.silent || (first && script.close_first_after.is_some()) {
                        continue;
                    }
                    held.push(answer(&req, &script));
                    if held.len() < script.reverse_batch.max(1) {
                        continue;
                    }
                    while let Some(a) = held.pop() {
                        let _ = ws.send(Message::Text(a.to_string().into())).await;
                        answered += 1;
                        if first && script.close_first_after_answers == Some(answered) {
                            let _ = ws.close(None).await;
                            return;
                        }
                    }
                }
            });
        }
    });
    Server { url, log }
}

fn exact_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        jitter: false,
        max_retry_after: Duration::from_secs(1),
    }
}

fn hmac_client(url: &str, retry: RetryPolicy, timeout: Duration) -> binance_usdm::Client {
    let creds = Credentials::new(binance_usdm::CREDENTIALS)
        .with("api_key", "key")
        .unwrap()
        .with("secret", "secret")
        .unwrap();
    binance_usdm::Client::builder()
        .base_url(url)
        .credentials(creds)
        .request_timeout(timeout)
        .connect_timeout(Duration::from_secs(2))
        .retry(retry)
        .ws_reconnect(exact_retries(1))
        .build()
        .unwrap()
}

fn request(order_id: i64) -> order_status::Request {
    order_status::Request::builder()
        .symbol("BTCUSDT")
        .order_id(order_id)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_requests_in_flight_on_one_connection_answered_in_reverse() {
    let server = serve(Script {
        reverse_batch: 100,
        ..Script::default()
    })
    .await;
    let client = hmac_client(&server.url, exact_retries(1), Duration::from_secs(5));
    let calls = (0..100).map(|i| {
        let client = client.clone();
        tokio::spawn(async move { client.order_status(&request(1000 + i)).await })
    });
    let results = futures_util::future::join_all(calls).await;
    for (i, r) in results.into_iter().enumerate() {
        let order = r.unwrap().unwrap();
        assert_eq!(
            order.order_id,
            1000 + i as i64,
            "answer routed to its caller"
        );
    }
    let log = server.log.lock().unwrap();
    assert_eq!(log.connections, 1);
    assert_eq!(log.frames.len(), 100);
    // Ids are unique, and every frame is signed.
    let mut ids: Vec<_> = log
        .frames
        .iter()
        .map(|(_, f)| f["id"].to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 100);
    for (_, f) in &log.frames {
        assert_eq!(f["method"], "order.status");
        assert_eq!(f["params"]["apiKey"], "key");
        assert!(
            f["params"]["signature"]
                .as_str()
                .is_some_and(|s| s.len() == 64)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reply_carries_the_rate_limits() {
    let server = serve(Script::default()).await;
    let client = hmac_client(&server.url, exact_retries(1), Duration::from_secs(5));
    let reply = client.order_status_reply(&request(7)).await.unwrap();
    assert_eq!(reply.value.order_id, 7);
    assert_eq!(reply.http_status, None);
    assert_eq!(reply.rate_limits.unwrap()[0]["count"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_close_mid_request_is_resent_on_a_new_connection() {
    let server = serve(Script {
        close_first_after: Some(50),
        ..Script::default()
    })
    .await;
    let client = hmac_client(&server.url, exact_retries(3), Duration::from_secs(5));
    let calls = (0..100).map(|i| {
        let client = client.clone();
        tokio::spawn(async move { client.order_status(&request(i)).await })
    });
    let start = Instant::now();
    for (i, r) in futures_util::future::join_all(calls)
        .await
        .into_iter()
        .enumerate()
    {
        assert_eq!(r.unwrap().unwrap().order_id, i as i64);
    }
    assert!(start.elapsed() < Duration::from_secs(4));
    let log = server.log.lock().unwrap();
    assert_eq!(log.connections, 2, "one reconnection");
    let second = log.frames.iter().filter(|(c, _)| *c == 2).count();
    assert_eq!(second, 100, "every request answered on the new connection");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_retries_every_caller_gets_an_explicit_error_then_reconnects() {
    let server = serve(Script {
        close_first_after: Some(20),
        ..Script::default()
    })
    .await;
    let client = hmac_client(&server.url, RetryPolicy::none(), Duration::from_secs(5));
    let calls = (0..20).map(|i| {
        let client = client.clone();
        tokio::spawn(async move { client.order_status(&request(i)).await })
    });
    let start = Instant::now();
    for r in futures_util::future::join_all(calls).await {
        let err = r.unwrap().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
        let VenueError::Transport(t) = &err else {
            panic!()
        };
        assert_eq!(t.kind, TransportKind::Closed);
    }
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "no caller waited for its timeout"
    );
    // The client reconnects for the next request.
    let order = client.order_status(&request(42)).await.unwrap();
    assert_eq!(order.order_id, 42);
    assert_eq!(server.log.lock().unwrap().connections, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_server_times_out() {
    let server = serve(Script {
        silent: true,
        ..Script::default()
    })
    .await;
    let client = hmac_client(&server.url, RetryPolicy::none(), Duration::from_millis(200));
    let start = Instant::now();
    let err = client.order_status(&request(1)).await.unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(1));
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pings_are_answered() {
    let server = serve(Script {
        ping: true,
        ..Script::default()
    })
    .await;
    let client = hmac_client(&server.url, exact_retries(1), Duration::from_secs(5));
    client.order_status(&request(1)).await.unwrap();
    for _ in 0..50 {
        if !server.log.lock().unwrap().pongs.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        server.log.lock().unwrap().pongs,
        [b"are you there".to_vec()]
    );
}

/// RFC 8032 test 1 secret key (a 32-byte seed in hex).
const ED25519_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

fn ed25519_client(url: &str) -> binance_usdm::Client {
    let creds = Credentials::new(binance_usdm::CREDENTIALS)
        .with("api_key", "ed-key")
        .unwrap()
        .with("ed25519_key", ED25519_SEED)
        .unwrap();
    binance_usdm::Client::builder()
        .base_url(url)
        .credentials(creds)
        .request_timeout(Duration::from_secs(5))
        .retry(exact_retries(3))
        .ws_reconnect(exact_retries(1))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ed25519_client_logs_on_first_on_every_connection() {
    let server = serve(Script {
        close_first_after_answers: Some(2),
        ..Script::default()
    })
    .await;
    let client = ed25519_client(&server.url);
    assert_eq!(client.order_status(&request(1)).await.unwrap().order_id, 1);
    // The server closed after answering the log-on and that request: the next one
    // reconnects, and logs on again.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(client.order_status(&request(2)).await.unwrap().order_id, 2);
    let log = server.log.lock().unwrap();
    assert_eq!(log.connections, 2);
    let methods: Vec<_> = log
        .frames
        .iter()
        .map(|(c, f)| (*c, f["method"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        methods,
        [
            (1, "session.logon".to_string()),
            (1, "order.status".to_string()),
            (2, "session.logon".to_string()),
            (2, "order.status".to_string()),
        ]
    );
    for (_, f) in &log.frames {
        let p = &f["params"];
        assert!(p["timestamp"].is_i64(), "{f}");
        if f["method"] == "session.logon" {
            assert_eq!(p["apiKey"], "ed-key");
            assert!(
                p["signature"].as_str().is_some_and(|s| s.len() == 88),
                "{f}"
            );
        } else {
            assert!(
                p.get("apiKey").is_none() && p.get("signature").is_none(),
                "{f}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_logon_is_a_typed_error() {
    let server = serve(Script {
        logon_error: Some(json!({"status": 401, "error": {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}})),
        ..Script::default()
    })
    .await;
    let creds = Credentials::new(binance_usdm::CREDENTIALS)
        .with("api_key", "ed-key")
        .unwrap()
        .with("ed25519_key", ED25519_SEED)
        .unwrap();
    let client = binance_usdm::Client::builder()
        .base_url(&server.url)
        .credentials(creds)
        .request_timeout(Duration::from_secs(2))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.order_status(&request(1)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    assert_eq!(err.endpoint(), "session_logon");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_client_closes_its_connection() {
    let server = serve(Script::default()).await;
    let client = hmac_client(&server.url, exact_retries(1), Duration::from_secs(5));
    client.order_status(&request(1)).await.unwrap();
    assert_eq!(server.log.lock().unwrap().closed, 0);
    drop(client);
    for _ in 0..100 {
        if server.log.lock().unwrap().closed == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the connection outlived its client");
}
