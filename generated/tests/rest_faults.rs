//! The REST transport against hostile loopback servers: redirects (to another origin and to
//! the same one), bodies over the size limit (announced, and streamed without a length), a
//! body trickled a byte at a time, a reset under a request that is not idempotent, a TLS
//! client talking to something that is not TLS, and a name that does not resolve (through an
//! injected resolver: no real look-up is made). Every server listens on 127.0.0.1.
//!
//! The non-idempotent request is the fifth venue's `cancel_order` (a POST, in
//! `tests/fifth_venue_specs`, expanded here by the same macro as `specs/`).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use generated::runtime::client::{ClientBuilder, ClientCore};
use generated::runtime::error::{ErrorKind, TransportKind, VenueError};
use generated::runtime::registry::VenueInfo;
use generated::runtime::registry::{EndpointInfo, ExampleKind, ExampleScope, TransportInfo};
use generated::runtime::request::RequestError;
use generated::runtime::signing::{Credentials, KeyKind};
use generated::runtime::transport::http::{Addrs, Name, Resolve, Resolving};
use generated::runtime::transport::retry::RetryPolicy;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

codegen_macro::generate_venues!("tests/fifth_venue_specs");

// ---------------------------------------------------------------------------------------------
// Loopback servers
// ---------------------------------------------------------------------------------------------

/// What a server saw.
#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    /// Each request's head and body.
    requests: Mutex<Vec<(String, String)>>,
    /// Body bytes the server wrote.
    written: AtomicUsize,
}

impl Seen {
    fn requests(&self) -> Vec<(String, String)> {
        self.requests.lock().unwrap().clone()
    }
}

struct Server {
    url: String,
    addr: SocketAddr,
    seen: Arc<Seen>,
}

/// Serves each connection with `behave` on 127.0.0.1.
async fn serve<F, Fut>(behave: F) -> Server
where
    F: Fn(TcpStream, Arc<Seen>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Seen::default());
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            log.connections.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(behave(sock, Arc::clone(&log)));
        }
    });
    Server {
        url: format!("http://{addr}"),
        addr,
        seen,
    }
}

/// Reads one request (head, then `Content-Length` bytes) and logs it; `None` at the end.
async fn read_request(sock: &mut TcpStream, seen: &Seen) -> Option<String> {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let mut chunk = [0u8; 4096];
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
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
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let body = String::from_utf8_lossy(&buf[head_end..head_end + len]).into_owned();
    seen.requests.lock().unwrap().push((head.clone(), body));
    Some(head)
}

/// The request target (`/path?query`) of a request head.
fn target(head: &str) -> &str {
    head.split(' ').nth(1).unwrap_or("/")
}

/// Answers every request with `status` and a `Location` of `to` (empty: same origin) plus
/// the request's own target, as a moved venue would.
async fn redirecting(status: u16, to: String) -> Server {
    serve(move |mut sock, seen| {
        let to = to.clone();
        async move {
            while let Some(head) = read_request(&mut sock, &seen).await {
                let out = format!(
                    "HTTP/1.1 {status} Moved\r\nLocation: {to}{}\r\nContent-Length: 0\r\n\r\n",
                    target(&head)
                );
                if sock.write_all(out.as_bytes()).await.is_err() {
                    return;
                }
            }
        }
    })
    .await
}

/// Answers every request with 200, a head of its own, then `body`.
async fn answering(head: String, body: Vec<u8>) -> Server {
    serve(move |mut sock, seen| {
        let (head, body) = (head.clone(), body.clone());
        async move {
            while read_request(&mut sock, &seen).await.is_some() {
                let out = format!("HTTP/1.1 200 OK\r\n{head}\r\n");
                if sock.write_all(out.as_bytes()).await.is_err()
                    || sock.write_all(&body).await.is_err()
                {
                    return;
                }
                seen.written.fetch_add(body.len(), Ordering::SeqCst);
            }
        }
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Clients
// ---------------------------------------------------------------------------------------------

/// Every REST endpoint of every generated venue.
fn rest_endpoints() -> impl Iterator<Item = (&'static VenueInfo, &'static EndpointInfo)> {
    generated::VENUES
        .iter()
        .flat_map(|v| v.endpoints.iter().map(move |e| (v, e)))
        .filter(|(_, e)| matches!(e.transport, TransportInfo::Rest { .. }))
}

/// Every credential of `v`, set to a made-up value (a key that a scheme signs with as a
/// private key: the P-256 test key, the only kind whose venues have no text-keyed scheme).
fn credentials(v: &VenueInfo) -> Credentials {
    let mut c = Credentials::new(v.credentials);
    for info in v.credentials {
        let ec = v.schemes.iter().any(|s| {
            s.key == KeyKind::EcP256 && s.sign.as_ref().is_some_and(|g| g.key == info.name)
        });
        let value = if ec {
            P256_PEM.to_string()
        } else {
            format!("test-{}", info.name)
        };
        let _ = c.set(info.name, &value);
    }
    c
}

const P256_PEM: &str = include_str!("../../conformance/fixtures/vectors/keys/rfc6979_a25_p256.pem");

/// Parameters that build a request of `e`: the values of its docs' success example.
fn params(v: &VenueInfo, e: &EndpointInfo) -> Vec<(String, String)> {
    let text = |x: &Value| match x {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let body: Value = e
        .examples
        .iter()
        .find(|x| x.kind == ExampleKind::Success && x.scope == ExampleScope::Body)
        .map(|x| serde_json::from_str(x.body).unwrap())
        .unwrap_or(Value::Null);
    let payload = v
        .payload_pointer
        .and_then(|p| body.pointer(p))
        .cloned()
        .unwrap_or(body);
    let payload = payload
        .as_array()
        .and_then(|a| a.first())
        .unwrap_or(&payload);
    let mut params: Vec<(String, String)> = Vec::new();
    loop {
        let refs: Vec<_> = params
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        match (e.build)(&refs) {
            Ok(_) => return params,
            Err(RequestError::Missing { param }) => {
                params.push((param.to_string(), text(&payload[param])))
            }
            // A group's member the order holds (the first, when it holds none).
            Err(
                RequestError::AtLeastOneOf { params: group }
                | RequestError::ExactlyOneOf {
                    params: group,
                    given: 0,
                },
            ) => {
                let p = group
                    .iter()
                    .find(|p| !payload[**p].is_null())
                    .unwrap_or(&group[0]);
                params.push((p.to_string(), text(&payload[*p])))
            }
            Err(other) => panic!("{}/{}: {other}", v.id, e.id),
        }
    }
}

fn retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        jitter: false,
        max_retry_after: Duration::from_secs(1),
    }
}

/// A client of `v` at `url`, with made-up credentials and three quick attempts.
fn client(v: &'static VenueInfo, url: &str) -> ClientBuilder<ClientCore> {
    ClientBuilder::<ClientCore>::new(v)
        .rest_url(url)
        .credentials(credentials(v))
        .retry(retries(3))
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Duration::from_secs(2))
}

async fn call(core: &ClientCore, v: &VenueInfo, e: &EndpointInfo) -> Result<Value, VenueError> {
    let p = params(v, e);
    let refs: Vec<_> = p.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    core.call_json(e.id, &refs).await.map(|r| r.value)
}

fn transport(err: &VenueError) -> &generated::runtime::error::TransportError {
    match err {
        VenueError::Transport(t) => t,
        other => panic!("not a transport error: {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Redirects
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn no_redirect_is_followed_for_any_rest_endpoint() {
    // B is another origin (another port); it must never see a connection.
    let b = serve(|_, _| async {}).await;
    let mut checked = 0;
    for (v, e) in rest_endpoints() {
        for status in [301, 302, 303, 307, 308] {
            for (what, to) in [
                ("another origin", b.url.clone()),
                ("same origin", String::new()),
            ] {
                let a = redirecting(status, to).await;
                let core = client(v, &a.url).build().unwrap();
                let err = call(&core, v, e).await.unwrap_err();
                let ctx = format!("{}/{} {status} to {what}: {err}", v.id, e.id);
                let t = transport(&err);
                assert_eq!(t.kind, TransportKind::Redirect, "{ctx}");
                assert_eq!(t.attempts, 1, "{ctx}");
                assert_eq!(err.kind(), ErrorKind::Transport, "{ctx}");
                let seen = a.seen.requests();
                assert_eq!(seen.len(), 1, "sent once, never again: {ctx}");
                // Where it pointed is named, but not the (signed) query it carried.
                let location = target(&seen[0].0);
                let (path, query) = location.split_once('?').unwrap_or((location, ""));
                assert!(err.to_string().contains(path), "{ctx}");
                assert!(err.to_string().contains(&format!("HTTP {status}")), "{ctx}");
                if !query.is_empty() {
                    assert!(!err.to_string().contains(query), "{ctx}");
                }
                if e.signed {
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 0, "no signed REST endpoint was tried");
    assert_eq!(
        b.seen.connections.load(Ordering::SeqCst),
        0,
        "a redirect was followed to another origin"
    );
}

// ---------------------------------------------------------------------------------------------
// Size limit
// ---------------------------------------------------------------------------------------------

/// The first REST endpoint of the generated venues, and its docs' success body.
fn any_rest() -> (&'static VenueInfo, &'static EndpointInfo, &'static str) {
    rest_endpoints()
        .find_map(|(v, e)| {
            let x = e
                .examples
                .iter()
                .find(|x| x.kind == ExampleKind::Success && x.scope == ExampleScope::Body)?;
            Some((v, e, x.body))
        })
        .unwrap()
}

#[tokio::test]
async fn an_announced_body_over_the_default_limit_is_not_read() {
    let (v, e, _) = any_rest();
    // 300 MB announced; 64 KiB of it sent, then the server waits.
    let start = "<html>".to_string() + &"x".repeat(64 << 10);
    let a = serve(move |mut sock, seen| {
        let start = start.clone();
        async move {
            if read_request(&mut sock, &seen).await.is_some() {
                let head = "HTTP/1.1 503 X\r\nContent-Length: 300000000\r\n\r\n";
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(start.as_bytes()).await;
                tokio::time::sleep(Duration::from_secs(30)).await;
            }
        }
    })
    .await;
    let core = client(v, &a.url).build().unwrap();
    let t = Instant::now();
    let err = call(&core, v, e).await.unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    assert_eq!(err.http_status(), Some(503));
    let VenueError::Decode(d) = &err else {
        panic!("{err:?}")
    };
    let too_large = d.too_large.unwrap();
    assert_eq!(too_large.limit, 16 << 20);
    assert_eq!(too_large.announced, Some(300_000_000));
    // A bounded prefix is kept, and printed shorter still.
    let raw = err.raw_body().unwrap();
    assert!(raw.starts_with("<html>xxx"), "{raw:.40}");
    assert!(raw.len() <= 4096, "{}", raw.len());
    assert!(err.to_string().len() < 600, "{err}");
    assert_eq!(a.seen.requests().len(), 1, "not retried");
}

#[tokio::test]
async fn a_streamed_body_stops_at_the_limit_and_the_limit_is_exact() {
    let (v, e, success) = any_rest();
    // Chunked, no length, endless: 64 KiB chunks until the client goes away.
    let a = serve(|mut sock, seen| async move {
        if read_request(&mut sock, &seen).await.is_some() {
            let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
            if sock.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = format!("10000\r\n{}\r\n", "y".repeat(0x10000));
            while sock.write_all(chunk.as_bytes()).await.is_ok() {
                seen.written.fetch_add(0x10000, Ordering::SeqCst);
                if seen.written.load(Ordering::SeqCst) > 256 << 20 {
                    return;
                }
            }
        }
    })
    .await;
    let core = client(v, &a.url)
        .max_response_bytes(1 << 20)
        .build()
        .unwrap();
    let err = call(&core, v, e).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    let VenueError::Decode(d) = &err else {
        panic!("{err:?}")
    };
    let too_large = d.too_large.unwrap();
    assert_eq!((too_large.limit, too_large.announced), (1 << 20, None));
    assert!(
        too_large.received > 1 << 20 && too_large.received <= (1 << 20) + 0x10000,
        "{too_large:?}"
    );
    assert!(err.raw_body().unwrap().starts_with("yyyy"));
    assert!(err.raw_body().unwrap().len() <= 4096);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let written = a.seen.written.load(Ordering::SeqCst);
    assert!(
        written < 64 << 20,
        "the client kept reading: {written} bytes"
    );

    // A body of exactly the limit is read; one byte less is too large.
    let ok = answering(
        format!("Content-Length: {}\r\n", success.len()),
        success.as_bytes().to_vec(),
    )
    .await;
    let exact = client(v, &ok.url).max_response_bytes(success.len());
    call(&exact.build().unwrap(), v, e).await.unwrap();
    let short = client(v, &ok.url).max_response_bytes(success.len() - 1);
    let err = call(&short.build().unwrap(), v, e).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
}

#[tokio::test]
async fn error_messages_print_a_bounded_body() {
    let (v, e, _) = any_rest();
    // A 1 MiB HTML page under the limit: the error keeps it, its Display does not print it.
    let page = format!("<html>{}</html>", "z".repeat(1 << 20));
    let a = answering(
        format!("Content-Length: {}\r\n", page.len()),
        page.clone().into_bytes(),
    )
    .await;
    let core = client(v, &a.url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = call(&core, v, e).await.unwrap_err();
    assert_eq!(err.raw_body(), Some(page.as_str()));
    let shown = err.to_string();
    assert!(shown.len() < 600, "{} bytes", shown.len());
    assert!(
        shown.contains(&format!("({} bytes in all)", page.len())),
        "{shown}"
    );
}

// ---------------------------------------------------------------------------------------------
// A body trickled a byte at a time
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_trickled_body_times_out_within_the_request_timeout() {
    let (v, e, _) = any_rest();
    let a = serve(|mut sock, seen| async move {
        while read_request(&mut sock, &seen).await.is_some() {
            let head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
            if sock.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            for _ in 0..1000 {
                tokio::time::sleep(Duration::from_millis(200)).await;
                if sock.write_all(b" ").await.is_err() {
                    return;
                }
            }
        }
    })
    .await;
    let timeout = Duration::from_millis(800);
    for attempts in [1, 2] {
        let core = client(v, &a.url)
            .request_timeout(timeout)
            .retry(retries(attempts))
            .build()
            .unwrap();
        let t = Instant::now();
        let err = tokio::time::timeout(Duration::from_secs(20), call(&core, v, e))
            .await
            .expect("the call hung")
            .unwrap_err();
        let took = t.elapsed();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
        let tr = transport(&err);
        assert_eq!(tr.kind, TransportKind::RequestTimeout);
        assert_eq!(tr.attempts, attempts);
        // Each attempt ends at its timeout (with slack for a loaded machine).
        assert!(took >= timeout * attempts, "{took:?}");
        assert!(
            took < timeout * attempts + Duration::from_secs(3),
            "{took:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// A reset under a request that is not idempotent
// ---------------------------------------------------------------------------------------------

fn okx_client(url: &str, retry: RetryPolicy) -> okx::Client {
    let creds = Credentials::new(okx::CREDENTIALS)
        .with("api_key", "k")
        .and_then(|c| c.with("secret", "s"))
        .and_then(|c| c.with("passphrase", "p"))
        .unwrap();
    okx::Client::builder()
        .base_url(url)
        .credentials(creds)
        .retry(retry)
        .request_timeout(Duration::from_secs(2))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_reset_after_a_non_idempotent_request_is_outcome_unknown_and_not_resent() {
    // The fixture must be a request that is not idempotent (a POST without `idempotent`).
    let info: &generated::runtime::registry::EndpointInfo = &okx::cancel_order::INFO;
    assert!(!std::hint::black_box(info).idempotent);
    // Reads the whole request, then closes without answering.
    let a = serve(|mut sock, seen| async move {
        let _ = read_request(&mut sock, &seen).await;
    })
    .await;
    let client = okx_client(&a.url, retries(5));
    let req = okx::cancel_order::Request::builder()
        .inst_id("BTC-USDT")
        .ord_id("590908157585625111")
        .build()
        .unwrap();
    let err = client.cancel_order(&req).await.unwrap_err();
    let t = transport(&err);
    assert_eq!(t.kind, TransportKind::ClosedInFlight, "{err}");
    assert_eq!(t.attempts, 1);
    assert_eq!(err.kind(), ErrorKind::Transport);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let seen = a.seen.requests();
    assert_eq!(seen.len(), 1, "never re-sent");
    assert!(
        seen[0].0.starts_with("POST /api/v5/trade/cancel-order"),
        "{}",
        seen[0].0
    );

    // The same reset under a query (idempotent) is retried.
    let client = okx_client(&a.url, retries(3));
    let time = okx::get_server_time::Request::builder().build().unwrap();
    let err = client.get_server_time(&time).await.unwrap_err();
    let t = transport(&err);
    assert_eq!((t.kind, t.attempts), (TransportKind::Closed, 3), "{err}");
    assert_eq!(a.seen.requests().len(), 4);
}

// ---------------------------------------------------------------------------------------------
// TLS and DNS
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_tls_handshake_with_a_plain_http_server_is_a_tls_error() {
    let (v, e, _) = any_rest();
    // Answers the ClientHello with plain HTTP.
    let a = serve(|mut sock, _| async move {
        let mut buf = [0u8; 1024];
        let _ = sock.read(&mut buf).await;
        let _ = sock
            .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            .await;
    })
    .await;
    let url = format!("https://{}", a.addr);
    let core = client(v, &url).retry(retries(2)).build().unwrap();
    let err = call(&core, v, e).await.unwrap_err();
    let t = transport(&err);
    assert_eq!(t.kind, TransportKind::Tls, "{err}");
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(t.attempts, 2, "nothing was sent: retried");
    assert_eq!(a.seen.connections.load(Ordering::SeqCst), 2);
    assert!(a.seen.requests().is_empty());
}

/// Resolves `venue.test` to one loopback address; fails for any other name.
struct TestResolver(SocketAddr);

impl Resolve for TestResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let addr = self.0;
        let known = name.as_str() == "venue.test";
        Box::pin(async move {
            if known {
                Ok(Box::new(std::iter::once(addr)) as Addrs)
            } else {
                Err(format!("no such host: {}", name.as_str()).into())
            }
        })
    }
}

#[tokio::test]
async fn names_go_through_the_injected_resolver_and_its_failure_is_a_dns_error() {
    let (v, e, success) = any_rest();
    let a = answering(
        format!("Content-Length: {}\r\n", success.len()),
        success.as_bytes().to_vec(),
    )
    .await;
    let resolver = Arc::new(TestResolver(a.addr));
    let at = |host: &str| {
        client(v, &format!("http://{host}:{}", a.addr.port()))
            .retry(retries(2))
            .dns_resolver(resolver.clone())
            .build()
            .unwrap()
    };
    // A name it knows reaches the loopback server.
    call(&at("venue.test"), v, e).await.unwrap();
    assert_eq!(a.seen.requests().len(), 1);

    // A name it does not know fails as DNS, and nothing is sent.
    let err = call(&at("unknown.test"), v, e).await.unwrap_err();
    let t = transport(&err);
    assert_eq!(t.kind, TransportKind::Dns, "{err}");
    assert_eq!(t.attempts, 2);
    assert!(
        err.to_string().contains("no such host: unknown.test"),
        "{err}"
    );
    assert_eq!(a.seen.requests().len(), 1);
}
