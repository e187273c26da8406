//! Transport faults end to end: a ban (HTTP 418 with `Retry-After`, or a WebSocket error
//! frame with status 418) from the embedded mock, for every signed endpoint of every venue,
//! and the CLI's bounded echo of a large error body. Every URL is on 127.0.0.1.

mod docs_order;

use docs_order::order_params;
use std::time::{Duration, Instant};

use conformance::mock::{Fault, FaultRule, FaultScope, MockConfig, MockHandle, MockVenue};
use generated::runtime::client::{ClientBuilder, ClientCore};
use generated::runtime::error::{ErrorKind, VenueError};
use generated::runtime::registry::{EndpointInfo, TransportInfo, VenueInfo};
use generated::runtime::transport::retry::RetryPolicy;
use serde_json::Value;

/// Counts the requests to one endpoint from now on: a delay of zero, armed after any other
/// rule for it, is used up once per request that reaches the mock and injects nothing.
struct RequestCounter {
    venue: &'static str,
    endpoint: &'static str,
}

const COUNTER_START: u32 = 1_000_000;

impl RequestCounter {
    fn arm(mock: &MockHandle, venue: &'static str, endpoint: &'static str) -> Self {
        mock.faults().arm(
            FaultRule::new(Fault::Delay(Duration::ZERO))
                .venue(venue)
                .endpoint(endpoint)
                .requests(COUNTER_START),
        );
        RequestCounter { venue, endpoint }
    }

    fn count(&self, mock: &MockHandle) -> u32 {
        let left = mock
            .faults()
            .pending()
            .into_iter()
            .find(|r| {
                r.fault == Fault::Delay(Duration::ZERO)
                    && r.venue.as_deref() == Some(self.venue)
                    && r.endpoint.as_deref() == Some(self.endpoint)
            })
            .map_or(0, |r| match r.scope {
                FaultScope::Requests(n) | FaultScope::Connections(n) => n,
            });
        COUNTER_START - left
    }
}

/// A client of `v` at the mock, with three quick attempts and a ban back-off of `backoff`.
fn client(mock: &MockHandle, v: &'static VenueInfo, backoff: Duration) -> ClientCore {
    let mut b = ClientBuilder::<ClientCore>::new(v)
        .credentials(mock.signing_credentials(v.id).unwrap())
        .retry(RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            jitter: false,
            max_retry_after: Duration::from_secs(5),
        })
        .ban_backoff(backoff)
        .request_timeout(Duration::from_secs(3));
    if let Some(url) = mock.rest_base(v.id) {
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        b = b.rest_url(url);
    }
    if let Some(url) = mock.ws_url(v.id) {
        assert!(url.starts_with("ws://127.0.0.1:"), "{url}");
        b = b.ws_url(url);
    }
    b.build().unwrap()
}

async fn call(
    core: &ClientCore,
    e: &EndpointInfo,
    p: &[(String, String)],
) -> Result<Value, VenueError> {
    let refs: Vec<_> = p.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    core.call_json(e.id, &refs).await.map(|r| r.value)
}

#[tokio::test]
async fn a_ban_is_not_retried_and_nothing_is_sent_until_it_ends() {
    let mock = MockVenue::start(MockConfig::default()).await.unwrap();
    let ban = Duration::from_secs(1);
    let endpoints = generated::VENUES
        .iter()
        .flat_map(|v| v.endpoints.iter().map(move |e| (v, e)))
        .filter(|(_, e)| e.signed)
        // A ban is a 418: a WebSocket frame can say so only where it carries a status
        // (Binance's `status`); a JSON-RPC error frame has a code alone, and Deribit
        // documents no ban.
        .filter(|(v, e)| {
            !matches!(e.transport, TransportInfo::Ws { .. }) || v.error_status_pointer.is_some()
        });
    let mut rest = 0;
    for (v, e) in endpoints {
        let ws = matches!(e.transport, TransportInfo::Ws { .. });
        rest += usize::from(!ws);
        let ctx = format!("{}/{}", v.id, e.id);
        let p = order_params(v, e);
        // Over HTTP the ban says how long (Retry-After: 1); a WebSocket frame does not, and the
        // client's back-off (also 1 s here) applies.
        let core = client(&mock, v, ban);
        mock.faults().arm(
            FaultRule::new(Fault::Banned { retry_after_s: 1 })
                .venue(v.id)
                .endpoint(e.id),
        );
        let counter = RequestCounter::arm(&mock, v.id, e.id);
        let banned_at = Instant::now();
        let err = call(&core, e, &p).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Banned, "{ctx}: {err}");
        assert_eq!(err.http_status(), Some(418), "{ctx}: {err}");
        if !ws {
            assert_eq!(err.retry_after(), Some(ban), "{ctx}: {err}");
        }
        assert_eq!(counter.count(&mock), 0, "{ctx}: one attempt, not retried");
        assert!(
            !mock
                .faults()
                .pending()
                .iter()
                .any(|r| r.fault != Fault::Delay(Duration::ZERO)),
            "{ctx}: the ban was served"
        );

        // Inside the window: refused without sending, with the same kind and the time left.
        let err = call(&core, e, &p).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Banned, "{ctx}: {err}");
        assert_eq!(err.http_status(), None, "{ctx}: refused locally");
        let left = err.retry_after().unwrap();
        assert!(left > Duration::ZERO && left <= ban, "{ctx}: {left:?}");
        assert_eq!(counter.count(&mock), 0, "{ctx}: nothing reached the mock");
        // A clone shares the ban.
        let err = call(&core.clone(), e, &p).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Banned, "{ctx}: {err}");
        assert_eq!(counter.count(&mock), 0, "{ctx}");

        // After it: sent again, and answered.
        tokio::time::sleep_until((banned_at + ban + Duration::from_millis(50)).into()).await;
        call(&core, e, &p)
            .await
            .unwrap_or_else(|e| panic!("{ctx}: {e}"));
        assert_eq!(
            counter.count(&mock),
            1,
            "{ctx}: the next call reached the mock"
        );
        mock.faults().clear();
    }
    assert!(rest > 0, "no REST endpoint was tried");
}

/// Answers every request (GET, no body) with a 502 and an HTML page of `len` bytes.
fn big_error_server(len: usize) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let page = format!("<html>{}</html>", "e".repeat(len - 13));
    let answer = format!(
        "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{page}",
        page.len()
    );
    std::thread::spawn(move || {
        for sock in listener.incoming() {
            let Ok(mut sock) = sock else { return };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            loop {
                if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    buf.drain(..end + 4);
                    if sock.write_all(answer.as_bytes()).is_err() {
                        break;
                    }
                    continue;
                }
                match sock.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
        }
    });
    url
}

#[test]
fn query_echoes_a_bounded_prefix_of_a_large_error_body() {
    let len = 2 << 20;
    let url = big_error_server(len);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_conformance"))
        .args([
            "query",
            "--venue",
            "p99",
            "--endpoint",
            "query_order",
            "--param",
            "id=9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10",
            "--base-url",
            &url,
            "--no-env",
            "--credential",
            "api_key=k",
            "--credential",
            "secret=s",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err:.2000}");
    assert!(err.len() < 8192, "{} bytes on stderr", err.len());
    assert!(err.contains("body: <html>eeee"), "{err:.2000}");
    assert!(
        err.contains(&format!("({len} bytes in all)")),
        "{err:.2000}"
    );
}

#[tokio::test]
async fn a_websocket_message_over_the_limit_is_not_taken() {
    let mock = MockVenue::start(MockConfig::default()).await.unwrap();
    let (v, e) = generated::VENUES
        .iter()
        .flat_map(|v| v.endpoints.iter().map(move |e| (v, e)))
        .find(|(_, e)| e.signed && matches!(e.transport, TransportInfo::Ws { .. }))
        .unwrap();
    let p = order_params(v, e);
    // The docs' answer fits in the default limit...
    call(&client(&mock, v, Duration::from_secs(1)), e, &p)
        .await
        .unwrap();
    // ...and not in 64 bytes: the connection is dropped rather than the message read.
    let small = {
        let mut b = ClientBuilder::<ClientCore>::new(v)
            .credentials(mock.signing_credentials(v.id).unwrap())
            .retry(RetryPolicy::none())
            .max_response_bytes(64)
            .connect_timeout(Duration::from_secs(2))
            .request_timeout(Duration::from_secs(2));
        if let Some(url) = mock.ws_url(v.id) {
            b = b.ws_url(url);
        }
        b.build().unwrap()
    };
    let err = call(&small, e, &p).await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Transport | ErrorKind::Timeout),
        "{err}"
    );
}
