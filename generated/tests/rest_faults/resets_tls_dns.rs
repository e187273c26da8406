//! A reset under a request that is not idempotent is an unknown outcome, not resent; TLS and
//! DNS failures are typed.

use super::*;

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
