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

mod redirects_and_limits;
mod resets_tls_dns;

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

const P256_PEM: &str =
    include_str!("../../../conformance/fixtures/vectors/keys/rfc6979_a25_p256.pem");

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
