//! The WebSocket API: many requests on one connection, a close mid-request, a session logged
//! on with Ed25519.

use super::*;

/// Counts the connections opened to `venue` from now on: a connection rule for an endpoint
/// that does not exist is used up once per accepted connection and never injects anything.
struct ConnectionCounter {
    venue: &'static str,
}

const COUNTER_START: u32 = 1_000_000;

impl ConnectionCounter {
    fn arm(mock: &MockHandle, venue: &'static str) -> Self {
        mock.faults().arm(
            FaultRule::new(Fault::Delay(Duration::ZERO))
                .venue(venue)
                .endpoint("(counts connections)")
                .connections(COUNTER_START),
        );
        ConnectionCounter { venue }
    }

    fn count(&self, mock: &MockHandle) -> u32 {
        let left = mock
            .faults()
            .pending()
            .into_iter()
            .find(|r| {
                r.venue.as_deref() == Some(self.venue)
                    && r.endpoint.as_deref() == Some("(counts connections)")
            })
            .map_or(0, |r| match r.scope {
                conformance::mock::FaultScope::Connections(n) => n,
                conformance::mock::FaultScope::Requests(n) => n,
            });
        COUNTER_START - left
    }
}

/// What a caller of the concurrent test asks for, and what it must get.
enum Ask {
    /// An order of the docs: its `orderId` and `clientOrderId`.
    Order(i64, String),
    /// An order that does not exist (each caller its own id).
    Missing(i64),
}

#[tokio::test]
async fn hundred_concurrent_order_status_requests_on_one_connection() {
    use generated::binance_usdm::{Client, order_status};
    let mock = start().await;
    let v = venue("binance_usdm");
    // The docs' orders (from the specs' success examples, not from the mock).
    let e = v.endpoint("order_status").unwrap();
    let known: Vec<(i64, String)> = e
        .examples
        .iter()
        .filter(|x| x.kind == ExampleKind::Success)
        .map(|x| {
            let body: Value = serde_json::from_str(x.body).unwrap();
            let p = match x.scope {
                ExampleScope::Body => body["result"].clone(),
                ExampleScope::Payload => body,
            };
            (
                p["orderId"].as_i64().unwrap(),
                p["clientOrderId"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        known.len() >= 2,
        "two distinct orders to tell answers apart"
    );
    assert_ne!(known[0].0, known[1].0);
    let counter = ConnectionCounter::arm(&mock, "binance_usdm");
    let client = at_mock(Client::builder(), &mock, v).build().unwrap();

    // Neighbours ask different things, so a misrouted answer shows.
    let asks: Vec<Ask> = (0..100i64)
        .map(|i| match i % 3 {
            0 => Ask::Order(known[0].0, known[0].1.clone()),
            1 => Ask::Order(known[1].0, known[1].1.clone()),
            _ => Ask::Missing(900_000 + i),
        })
        .collect();
    let calls = asks.iter().map(|ask| {
        let client = client.clone();
        async move {
            let id = match ask {
                Ask::Order(id, _) | Ask::Missing(id) => *id,
            };
            let req = order_status::Request::builder()
                .symbol("BTCUSDT")
                .order_id(id)
                .build()
                .unwrap();
            client.order_status(&req).await
        }
    });
    let results = tokio::time::timeout(Duration::from_secs(10), join_all(calls))
        .await
        .expect("every caller answered");
    for (i, (ask, got)) in asks.iter().zip(&results).enumerate() {
        match (ask, got) {
            (Ask::Order(id, cid), Ok(order)) => {
                assert_eq!(
                    (order.order_id, &order.client_order_id),
                    (*id, cid),
                    "caller {i}"
                );
            }
            (Ask::Missing(_), Err(err)) => {
                assert_documented(v, e, ErrorKind::NotFound, err);
            }
            (_, other) => panic!("caller {i}: {other:?}"),
        }
    }
    assert_eq!(counter.count(&mock), 1, "one connection for all");
}

fn status_request(order_id: i64) -> generated::binance_usdm::order_status::Request {
    generated::binance_usdm::order_status::Request::builder()
        .symbol("BTCUSDT")
        .order_id(order_id)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_close_mid_request_reconnects_and_answers_every_caller() {
    use generated::binance_usdm::Client;
    let mock = start().await;
    let v = venue("binance_usdm");
    let counter = ConnectionCounter::arm(&mock, "binance_usdm");
    let client = at_mock(Client::builder(), &mock, v).build().unwrap();
    // Connected, then the next request frame closes the connection unanswered.
    client
        .order_status(&status_request(1_917_641))
        .await
        .unwrap();
    mock.faults().arm(
        FaultRule::new(Fault::WsCloseMidRequest)
            .venue("binance_usdm")
            .endpoint("order_status"),
    );
    let calls = (0..20).map(|_| {
        let client = client.clone();
        async move { client.order_status_reply(&status_request(1_917_641)).await }
    });
    let results = tokio::time::timeout(Duration::from_secs(10), join_all(calls))
        .await
        .expect("no caller hangs");
    // Queries are re-sent on the new connection: everyone gets the order.
    for r in &results {
        assert_eq!(r.as_ref().unwrap().value.order_id, 1_917_641);
    }
    assert!(results.iter().any(|r| r.as_ref().unwrap().attempts == 2));
    assert_eq!(counter.count(&mock), 2, "reconnected once");

    // Without retries, every caller whose frame was in flight gets an explicit error.
    let client = at_mock(Client::builder(), &mock, v)
        .retry(retry(1))
        .build()
        .unwrap();
    client
        .order_status(&status_request(1_917_641))
        .await
        .unwrap();
    mock.faults().arm(
        FaultRule::new(Fault::WsCloseMidRequest)
            .venue("binance_usdm")
            .endpoint("order_status"),
    );
    let calls = (0..20).map(|_| {
        let client = client.clone();
        async move { client.order_status(&status_request(1_917_641)).await }
    });
    let results = tokio::time::timeout(Duration::from_secs(10), join_all(calls))
        .await
        .expect("no caller hangs");
    let mut failed = 0;
    for r in &results {
        match r {
            Ok(order) => assert_eq!(order.order_id, 1_917_641),
            Err(VenueError::Transport(t)) => {
                assert_eq!(t.kind, TransportKind::Closed, "{t:?}");
                failed += 1;
            }
            Err(other) => panic!("{other}"),
        }
    }
    assert!(failed >= 1, "the faulted request itself fails");
    // And the client reconnects for the next request.
    client
        .order_status(&status_request(1_917_641))
        .await
        .unwrap();
    assert_eq!(counter.count(&mock), 4);
}

/// A WebSocket proxy on loopback: forwards every frame both ways and records the text frames
/// the client sent.
async fn recording_proxy(upstream: String) -> (String, Arc<Mutex<Vec<Value>>>) {
    use tokio_tungstenite::tungstenite::Message;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws-fapi/v1", listener.local_addr().unwrap());
    let sent = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&sent);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (upstream, log) = (upstream.clone(), Arc::clone(&log));
            tokio::spawn(async move {
                let client = tokio_tungstenite::accept_async(tcp).await.unwrap();
                let (server, _) = tokio_tungstenite::connect_async(upstream).await.unwrap();
                let (mut to_client, mut from_client) = client.split();
                let (mut to_server, mut from_server) = server.split();
                let up = async {
                    while let Some(Ok(m)) = from_client.next().await {
                        if let Message::Text(t) = &m {
                            log.lock()
                                .unwrap()
                                .push(serde_json::from_str(t.as_str()).unwrap());
                        }
                        if to_server.send(m).await.is_err() {
                            break;
                        }
                    }
                };
                let down = async {
                    while let Some(Ok(m)) = from_server.next().await {
                        if to_client.send(m).await.is_err() {
                            break;
                        }
                    }
                };
                tokio::select! { _ = up => {}, _ = down => {} }
            });
        }
    });
    (url, sent)
}

#[tokio::test]
async fn ed25519_logs_the_session_on_and_then_signs_nothing() {
    use generated::binance_usdm::Client;
    let mock = start().await;
    let v = venue("binance_usdm");
    let (url, sent) = recording_proxy(mock.ws_url("binance_usdm").unwrap().to_string()).await;
    // The RFC 8032 test key from the signing vectors, and the mock's API key.
    let pem = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/vectors/keys/rfc8032_test1_ed25519.pem"
    ))
    .unwrap();
    let api_key = mock
        .credentials("binance_usdm")
        .unwrap()
        .get("api_key")
        .unwrap()
        .to_string();
    let creds = Credentials::new(v.credentials)
        .with("api_key", &api_key)
        .unwrap()
        .with("ed25519_key", &pem)
        .unwrap();
    let client = Client::builder()
        .ws_url(url)
        .credentials(creds)
        .retry(retry(1))
        .build()
        .unwrap();
    let calls = [1_917_641, 1_573_346_959, 1_917_641].map(|id| {
        let client = client.clone();
        async move { client.order_status(&status_request(id)).await }
    });
    for (r, id) in join_all(calls)
        .await
        .into_iter()
        .zip([1_917_641, 1_573_346_959, 1_917_641])
    {
        assert_eq!(r.unwrap().order_id, id);
    }
    let frames = sent.lock().unwrap().clone();
    assert_eq!(frames.len(), 4, "{frames:?}");
    assert_eq!(frames[0]["method"], "session.logon");
    assert_eq!(frames[0]["params"]["apiKey"], json!(api_key));
    assert!(
        frames[0]["params"]["signature"].is_string(),
        "{}",
        frames[0]
    );
    for f in &frames[1..] {
        assert_eq!(f["method"], "order.status");
        let params = f["params"].as_object().unwrap();
        assert!(
            !params.contains_key("signature") && !params.contains_key("apiKey"),
            "{f}"
        );
        assert!(params["timestamp"].is_i64(), "{f}");
    }
}
