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

mod connect;
mod dispatch;

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
