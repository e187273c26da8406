//! The fault switch: delays, rate limits, server errors, truncated and HTML bodies, resets,
//! per-connection faults and their scope, WebSocket faults.

use super::*;

#[tokio::test]
async fn fault_delay() {
    let mock = start().await;
    let http = client();
    mock.faults()
        .arm(FaultRule::new(Fault::Delay(Duration::from_millis(300))).venue("htx"));
    let (req, e) = good_request(&mock, "htx");
    let t = Instant::now();
    let got = send(&http, &req).await.unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );
    assert_eq!((got.status, got.json()), (200, docs_success(e)));
    // Used up: the next one is not delayed.
    let t = Instant::now();
    send(&http, &req).await.unwrap();
    assert!(t.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn fault_rate_limited() {
    let mock = start().await;
    let http = client();
    mock.faults().arm(
        FaultRule::new(Fault::RateLimited { retry_after_s: 7 })
            .venue("bitmart")
            .requests(2),
    );
    let (req, _) = good_request(&mock, "bitmart");
    for _ in 0..2 {
        let got = send(&http, &req).await.unwrap();
        assert_eq!(got.status, 429);
        assert_eq!(got.headers["retry-after"], "7");
        // BitMart 30013 "Request too many requests" (HTTP 429), in its envelope.
        let body = got.json();
        assert_eq!(body["code"], 30013);
        assert_eq!(body["message"], "Request too many requests");
    }
    assert_eq!(send(&http, &req).await.unwrap().status, 200);
    // p99 documents no rate-limit body: the status alone.
    mock.faults()
        .arm(FaultRule::new(Fault::RateLimited { retry_after_s: 1 }).venue("p99"));
    let (req, _) = good_request(&mock, "p99");
    let got = send(&http, &req).await.unwrap();
    assert_eq!((got.status, got.body.len()), (429, 0));
    assert_eq!(got.headers["retry-after"], "1");
}

#[tokio::test]
async fn fault_server_error() {
    let mock = start().await;
    let http = client();
    mock.faults()
        .arm(FaultRule::new(Fault::ServerError).venue("p99"));
    let (req, _) = good_request(&mock, "p99");
    let got = send(&http, &req).await.unwrap();
    // The docs' own example: HTTP 500 {"error": "DB_ERROR"}.
    assert_eq!(
        (got.status, got.json()),
        (500, json!({ "error": "DB_ERROR" }))
    );
    mock.faults()
        .arm(FaultRule::new(Fault::ServerError).venue("bitmart"));
    let (req, _) = good_request(&mock, "bitmart");
    let got = send(&http, &req).await.unwrap();
    // BitMart 30014 "Service unavailable" comes with HTTP 503.
    assert_eq!(got.status, 503);
    assert_eq!(got.json()["code"], 30014);
}

#[tokio::test]
async fn fault_truncated_body() {
    let mock = start().await;
    let http = client();
    mock.faults()
        .arm(FaultRule::new(Fault::TruncatedBody).venue("htx"));
    let (req, e) = good_request(&mock, "htx");
    let got = send(&http, &req).await.unwrap();
    assert_eq!(got.status, 200);
    let full = docs_success(e).to_string();
    assert_eq!(
        String::from_utf8(got.body.clone()).unwrap(),
        full[..full.len() / 2]
    );
    assert!(generated::htx::get_client_order::parse_response(&got.body).is_err());
}

#[tokio::test]
async fn fault_html_error_page() {
    let mock = start().await;
    let http = client();
    mock.faults().arm(FaultRule::new(Fault::HtmlError));
    let (req, _) = good_request(&mock, "p99");
    let got = send(&http, &req).await.unwrap();
    assert_eq!(got.status, 502);
    assert_eq!(got.headers["content-type"], "text/html");
    assert!(String::from_utf8_lossy(&got.body).contains("<html>"));
}

#[tokio::test]
async fn fault_connection_reset() {
    let mock = start().await;
    let http = client();
    let (req, e) = good_request(&mock, "p99");
    // A kept-alive connection is reset mid-request.
    assert_eq!(send(&http, &req).await.unwrap().status, 200);
    mock.faults().arm(
        FaultRule::new(Fault::ConnectionReset)
            .venue("p99")
            .endpoint("query_order"),
    );
    let err = send(&http, &req).await.unwrap_err();
    assert!(
        !err.is_status() && !err.is_decode(),
        "a transport error, not an answer: {err:?}"
    );
    // The mock goes on serving.
    let got = send(&http, &req).await.unwrap();
    assert_eq!((got.status, got.json()), (200, docs_success(e)));
}

#[tokio::test]
async fn faults_per_connection() {
    let mock = start().await;
    let (req, e) = good_request(&mock, "p99");
    mock.faults().arm(
        FaultRule::new(Fault::ServerError)
            .venue("p99")
            .connections(1),
    );
    // Every request on the next connection gets the fault...
    let first = client();
    for _ in 0..3 {
        assert_eq!(send(&first, &req).await.unwrap().status, 500);
    }
    // ...and only on it.
    let second = client();
    let got = send(&second, &req).await.unwrap();
    assert_eq!((got.status, got.json()), (200, docs_success(e)));
    assert_eq!(send(&first, &req).await.unwrap().status, 500);
    assert!(mock.faults().pending().is_empty());
}

#[tokio::test]
async fn faults_only_hit_their_venue_and_endpoint() {
    let mock = start().await;
    let http = client();
    mock.faults()
        .arm(FaultRule::new(Fault::ServerError).venue("htx").requests(5));
    mock.faults().arm(
        FaultRule::new(Fault::ServerError)
            .endpoint("order_status")
            .requests(5),
    );
    for id in ["p99", "bitmart"] {
        let (req, _) = good_request(&mock, id);
        assert_eq!(send(&http, &req).await.unwrap().status, 200, "{id}");
    }
    let (req, _) = good_request(&mock, "htx");
    assert_eq!(send(&http, &req).await.unwrap().status, 500);
    assert_eq!(mock.faults().pending().len(), 2);
}

/// A signed order.status frame for the docs' order.
fn status_frame(mock: &MockHandle, id: &str) -> String {
    let v = venue("binance_usdm");
    let e = v.endpoint("order_status").unwrap();
    let creds = mock.signing_credentials("binance_usdm").unwrap();
    let signer = Signer::choose(v.schemes, SchemeTransport::Ws, &creds).unwrap();
    sign_ws_with(&signer, e, &order_params(v, e), id, &Timestamp::Now)
}

#[tokio::test]
async fn websocket_faults() {
    let mock = start().await;
    let v = venue("binance_usdm");
    let e = v.endpoint("order_status").unwrap();
    let mut ws = connect(&mock, "binance_usdm").await;

    mock.faults()
        .arm(FaultRule::new(Fault::RateLimited { retry_after_s: 2 }).venue("binance_usdm"));
    let got = call_ws(&mut ws, status_frame(&mock, "rl")).await;
    assert_eq!(got["status"], 429);
    assert_eq!(got["error"]["code"], -1003);
    (e.roundtrip)(ExampleKind::Error, ExampleScope::Body, &got.to_string()).unwrap();

    mock.faults()
        .arm(FaultRule::new(Fault::ServerError).endpoint("order_status"));
    let got = call_ws(&mut ws, status_frame(&mock, "se")).await;
    assert_eq!(
        (got["id"].clone(), got["status"].clone()),
        (json!("se"), json!(500))
    );
    assert_eq!(got["error"]["code"], -1001);

    mock.faults()
        .arm(FaultRule::new(Fault::Delay(Duration::from_millis(200))).venue("binance_usdm"));
    let t = Instant::now();
    let got = call_ws(&mut ws, status_frame(&mock, "d")).await;
    assert!(t.elapsed() >= Duration::from_millis(200));
    assert_eq!(got["status"], 200);

    mock.faults()
        .arm(FaultRule::new(Fault::TruncatedBody).venue("binance_usdm"));
    ws.send(Message::Text(status_frame(&mock, "tr").into()))
        .await
        .unwrap();
    match ws.next().await {
        Some(Ok(Message::Text(t))) => {
            assert!(serde_json::from_str::<Value>(t.as_str()).is_err());
            assert!(t.as_str().starts_with(r#"{"id":"tr","status":200"#), "{t}");
        }
        other => panic!("{other:?}"),
    }

    // Closed mid-request: the frame is read, and the socket closed without an answer.
    mock.faults()
        .arm(FaultRule::new(Fault::WsCloseMidRequest).venue("binance_usdm"));
    ws.send(Message::Text(status_frame(&mock, "cl").into()))
        .await
        .unwrap();
    match ws.next().await {
        Some(Ok(Message::Close(_))) | None => {}
        other => panic!("expected a close, got {other:?}"),
    }

    // Reset: the next read fails.
    let mut ws = connect(&mock, "binance_usdm").await;
    mock.faults()
        .arm(FaultRule::new(Fault::ConnectionReset).venue("binance_usdm"));
    ws.send(Message::Text(status_frame(&mock, "rs").into()))
        .await
        .unwrap();
    match ws.next().await {
        Some(Err(_)) | None => {}
        other => panic!("expected a reset, got {other:?}"),
    }

    // A WebSocket-only fault is not used up by HTTP requests.
    mock.faults().arm(FaultRule::new(Fault::WsCloseMidRequest));
    let (req, _) = good_request(&mock, "p99");
    assert_eq!(send(&client(), &req).await.unwrap().status, 200);
    assert_eq!(mock.faults().pending().len(), 1);
}
