//! Connecting: wss to plain or silent servers, self-signed certificates, keep-alive pings,
//! time-outs per attempt.

use super::*;

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
