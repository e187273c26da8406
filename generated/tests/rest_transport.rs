//! The REST transport against a scripted loopback HTTP/1.1 server: retries after 429 with
//! `Retry-After`, after 5xx, after a reset connection and after a timeout; a fresh signature
//! per attempt; keep-alive; typed errors when retries run out or must not happen.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use generated::bitmart::{self, query_client_order};
use generated::p99::{self, query_order};
use generated::runtime::error::{ErrorKind, TransportKind, VenueError};
use generated::runtime::signing::{Clock, Credentials};
use generated::runtime::transport::retry::RetryPolicy;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Clone)]
enum Step {
    /// Answer with status, extra headers and body.
    Answer(u16, Vec<(&'static str, String)>, String),
    /// Close the connection without answering.
    Reset,
    /// Wait this long, then answer 200 with the body.
    Slow(Duration, String),
}

/// A request as the server received it.
#[derive(Debug, Clone)]
struct Seen {
    connection: usize,
    head: String,
    body: String,
}

struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// Serves `script` one step per request, then repeats its last step.
async fn serve(script: Vec<Step>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let script = Arc::new(script);
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        let mut connection = 0;
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            connection += 1;
            tokio::spawn(handle(
                sock,
                connection,
                Arc::clone(&script),
                Arc::clone(&log),
            ));
        }
    });
    Server { url, seen }
}

async fn handle(
    mut sock: TcpStream,
    connection: usize,
    script: Arc<Vec<Step>>,
    log: Arc<Mutex<Vec<Seen>>>,
) {
    let mut buf = Vec::new();
    loop {
        // Read one request: head, then Content-Length bytes.
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let len = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        while buf.len() < head_end + len {
            let mut chunk = [0u8; 4096];
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body = String::from_utf8_lossy(&buf[head_end..head_end + len]).into_owned();
        buf.drain(..head_end + len);
        let n = {
            let mut l = log.lock().unwrap();
            l.push(Seen {
                connection,
                head,
                body,
            });
            l.len()
        };
        let step = script[(n - 1).min(script.len() - 1)].clone();
        let (status, headers, body) = match step {
            Step::Reset => return,
            Step::Answer(s, h, b) => (s, h, b),
            Step::Slow(d, b) => {
                tokio::time::sleep(d).await;
                (200, Vec::new(), b)
            }
        };
        let mut out = format!(
            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nContent-Type: application/json\r\n",
            body.len()
        );
        for (k, v) in headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        out.push_str(&body);
        if sock.write_all(out.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// A clock that moves one second per reading, so each signature has its own timestamp.
struct Ticking(AtomicI64);

impl Clock for Ticking {
    fn now_millis(&self) -> i64 {
        self.0.fetch_add(1000, Ordering::Relaxed)
    }
}

fn exact_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(40),
        jitter: false,
        max_retry_after: Duration::from_secs(3),
    }
}

fn bitmart_client(url: &str, retry: RetryPolicy) -> bitmart::Client {
    let creds = Credentials::new(bitmart::CREDENTIALS)
        .with("api_key", "k")
        .unwrap()
        .with("secret", "s")
        .unwrap()
        .with("memo", "m")
        .unwrap();
    bitmart::Client::builder()
        .base_url(url)
        .credentials(creds)
        .clock(Arc::new(Ticking(AtomicI64::new(1_700_000_000_000))))
        .request_timeout(Duration::from_millis(300))
        .retry(retry)
        .build()
        .unwrap()
}

fn bitmart_success() -> String {
    query_client_order::INFO
        .examples
        .iter()
        .find(|x| x.name == "docs_success")
        .unwrap()
        .body
        .to_string()
}

fn bitmart_request() -> query_client_order::Request {
    query_client_order::Request::builder()
        .client_order_id("118100034543076010")
        .build()
        .unwrap()
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[tokio::test]
async fn rate_limited_then_ok_honours_retry_after_and_resigns() {
    let server = serve(vec![
        Step::Answer(
            429,
            vec![("Retry-After", "1".into())],
            r#"{"code":30013,"message":"Request too many requests","data":{}}"#.into(),
        ),
        Step::Answer(
            200,
            vec![("X-BM-RateLimit-Remaining", "7".into())],
            bitmart_success(),
        ),
    ])
    .await;
    let client = bitmart_client(&server.url, exact_retries(3));
    let start = Instant::now();
    let reply = client
        .query_client_order_reply(&bitmart_request())
        .await
        .unwrap();
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was not honoured"
    );
    assert_eq!(reply.attempts, 2);
    assert_eq!(reply.http_status, Some(200));
    assert_eq!(reply.value.order_id, 118100034543076010);
    assert_eq!(
        reply.headers,
        [("X-BM-RateLimit-Remaining".to_string(), "7".to_string())]
    );
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    // Same connection (keep-alive), same body, fresh timestamp and signature.
    assert_eq!(seen[0].connection, seen[1].connection);
    assert_eq!(seen[0].body, r#"{"clientOrderId":"118100034543076010"}"#);
    assert_eq!(seen[0].body, seen[1].body);
    let ts: Vec<_> = seen
        .iter()
        .map(|s| header(&s.head, "X-BM-TIMESTAMP").unwrap())
        .collect();
    assert_ne!(ts[0], ts[1]);
    let sig: Vec<_> = seen
        .iter()
        .map(|s| header(&s.head, "X-BM-SIGN").unwrap())
        .collect();
    assert_ne!(sig[0], sig[1]);
    assert!(
        seen[0]
            .head
            .starts_with("POST /spot/v4/query/client-order HTTP/1.1"),
        "{}",
        seen[0].head
    );
}

#[tokio::test]
async fn server_error_then_ok() {
    let server = serve(vec![
        Step::Answer(500, vec![], "<html>500 Internal Server Error</html>".into()),
        Step::Answer(
            200,
            vec![],
            r#"{"code":30016,"message":"Service maintenance","data":{}}"#.into(),
        ),
        Step::Answer(200, vec![], bitmart_success()),
    ])
    .await;
    let client = bitmart_client(&server.url, exact_retries(3));
    let reply = client
        .query_client_order_reply(&bitmart_request())
        .await
        .unwrap();
    assert_eq!(reply.attempts, 3);
    assert_eq!(server.seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn reset_connection_then_ok() {
    let server = serve(vec![
        Step::Reset,
        Step::Answer(200, vec![], bitmart_success()),
    ])
    .await;
    let client = bitmart_client(&server.url, exact_retries(3));
    let order = client.query_client_order(&bitmart_request()).await.unwrap();
    assert_eq!(order.client_order_id, "118100034543076010");
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_ne!(
        seen[0].connection, seen[1].connection,
        "a new connection after the reset"
    );
}

#[tokio::test]
async fn timeout_then_ok_and_timeout_without_retries() {
    let server = serve(vec![
        Step::Slow(Duration::from_secs(2), bitmart_success()),
        Step::Answer(200, vec![], bitmart_success()),
    ])
    .await;
    let client = bitmart_client(&server.url, exact_retries(3));
    let start = Instant::now();
    let reply = client
        .query_client_order_reply(&bitmart_request())
        .await
        .unwrap();
    assert_eq!(reply.attempts, 2);
    assert!(start.elapsed() < Duration::from_secs(2));

    let server = serve(vec![Step::Slow(Duration::from_secs(2), bitmart_success())]).await;
    let client = bitmart_client(&server.url, RetryPolicy::none());
    let start = Instant::now();
    let err = client
        .query_client_order(&bitmart_request())
        .await
        .unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "bounded by the request timeout"
    );
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    let VenueError::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind, TransportKind::RequestTimeout);
    assert_eq!(t.attempts, 1);
}

#[tokio::test]
async fn retries_run_out_with_the_last_error_and_its_raw_body() {
    let html = "<html><body>502 Bad Gateway</body></html>";
    let server = serve(vec![Step::Answer(502, vec![], html.into())]).await;
    let client = bitmart_client(&server.url, exact_retries(3));
    let err = client
        .query_client_order(&bitmart_request())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert_eq!(err.http_status(), Some(502));
    assert_eq!(err.raw_body(), Some(html));
    assert_eq!(server.seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn venue_errors_are_typed_and_not_retried() {
    let server = serve(vec![Step::Answer(
        400,
        vec![],
        r#"{"code":50005,"message":"Order Id not found","trace":"t","data":{}}"#.into(),
    )])
    .await;
    let client = bitmart_client(&server.url, exact_retries(3));
    let err = client
        .query_client_order(&bitmart_request())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.message(), Some("Order Id not found"));
    assert_eq!(server.seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn p99_empty_401_is_auth_and_a_get_carries_its_signature_in_the_query() {
    let server = serve(vec![Step::Answer(401, vec![], String::new())]).await;
    let creds = Credentials::new(p99::CREDENTIALS)
        .with("api_key", "key")
        .unwrap()
        .with("secret", "secret")
        .unwrap();
    let client = p99::Client::builder()
        .base_url(format!("{}/api/v1", server.url))
        .credentials(creds)
        .retry(exact_retries(3))
        .build()
        .unwrap();
    let req = query_order::Request::builder()
        .id("9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10")
        .build()
        .unwrap();
    let err = client.query_order(&req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    assert_eq!(err.raw_body(), Some(""));
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "an auth failure is not retried");
    assert!(
        seen[0]
            .head
            .starts_with("GET /api/v1/spot/orders/9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10?timestamp="),
        "{}",
        seen[0].head
    );
    assert_eq!(header(&seen[0].head, "X-MBX-APIKEY"), Some("key"));
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    // Bind, learn the port, close: nothing listens there.
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap().port()
    };
    let client = bitmart_client(&format!("http://127.0.0.1:{port}"), exact_retries(2));
    let err = client
        .query_client_order(&bitmart_request())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    let VenueError::Transport(t) = &err else {
        panic!()
    };
    assert_eq!(t.kind, TransportKind::Connect);
    assert_eq!(t.attempts, 2);
}

#[tokio::test]
async fn the_dynamic_entry_point_returns_the_typed_payload_as_json() {
    let server = serve(vec![Step::Answer(200, vec![], bitmart_success())]).await;
    let client = bitmart_client(&server.url, exact_retries(1));
    let reply = client
        .core()
        .call_json(
            "query_client_order",
            &[("clientOrderId", "118100034543076010")],
        )
        .await
        .unwrap();
    assert_eq!(reply.value["orderId"], "118100034543076010");
    assert_eq!(reply.value["price"], "48800.00");
    let err = client
        .core()
        .call_json("query_client_order", &[("recvWindow", "0")])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Request);
    assert_eq!(
        server.seen.lock().unwrap().len(),
        1,
        "a refused request is not sent"
    );
}

#[tokio::test]
async fn an_environment_adds_its_headers_after_signing() {
    // Bitget's demo trading: the production host, and `paptrading: 1` on every request.
    use generated::bitget::{self, get_order_info};
    let body = get_order_info::INFO.examples[0].body.to_string();
    for (env, flag) in [("production", None), ("demo", Some("1"))] {
        let server = serve(vec![Step::Answer(200, vec![], body.clone())]).await;
        let creds = Credentials::new(bitget::CREDENTIALS)
            .with("api_key", "k")
            .unwrap()
            .with("secret", "secret")
            .unwrap()
            .with("passphrase", "p")
            .unwrap();
        let client = bitget::Client::builder()
            .environment(env)
            .base_url(&server.url)
            .credentials(creds)
            .build()
            .unwrap();
        let req = get_order_info::Request::builder()
            .order_id("121211212122")
            .build()
            .unwrap();
        let orders = client.get_order_info(&req).await.unwrap();
        assert_eq!(orders[0].order_id, 121_211_212_122, "{env}");
        let seen = server.seen.lock().unwrap();
        let head = &seen[0].head;
        assert_eq!(header(head, "paptrading"), flag, "{env}: {head}");
        assert_eq!(header(head, "ACCESS-PASSPHRASE"), Some("p"), "{env}");
        assert!(header(head, "ACCESS-SIGN").is_some(), "{env}");
    }
}

#[test]
fn the_call_futures_are_send() {
    fn send<T: Send>(_: &T) {}
    let client = bitmart_client("http://127.0.0.1:9", RetryPolicy::none());
    let req = bitmart_request();
    let fut = client.query_client_order(&req);
    send(&fut);
}
