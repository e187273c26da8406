//! WebSocket sessions: log-on then requests on one connection, pings, pipelined frames.

use super::*;

#[tokio::test]
async fn logon_then_session_requests_on_one_connection() {
    let mock = start().await;
    let v = venue("binance_usdm");
    let logon = v.endpoint("session_logon").unwrap();
    let status = v.endpoint("order_status").unwrap();
    let creds = mock.signing_credentials("binance_usdm").unwrap();
    let scheme = |name: &str| v.schemes.iter().find(|s| s.name == name).unwrap();
    let ed25519 = Signer::new(scheme("ws_ed25519"), &creds).unwrap();
    let session = Signer::new(scheme("ws_session"), &creds).unwrap();
    let params = order_params(v, status);

    let mut ws = connect(&mock, "binance_usdm").await;
    // Before logon, a request without apiKey and signature is refused.
    let got = call_ws(
        &mut ws,
        sign_ws_with(&session, status, &params, "s-0", &Timestamp::Now),
    )
    .await;
    assert_documented_ws(v, status, ErrorKind::Auth, "s-0", &got);

    let got = call_ws(
        &mut ws,
        sign_ws_with(&ed25519, logon, &[], "logon", &Timestamp::Now),
    )
    .await;
    let mut expected = docs_success(logon);
    expected["id"] = json!("logon");
    assert_eq!(got, expected);

    let got = call_ws(
        &mut ws,
        sign_ws_with(&session, status, &params, "s-1", &Timestamp::Now),
    )
    .await;
    let mut expected = docs_success(status);
    expected["id"] = json!("s-1");
    assert_eq!(got, expected);
    // The timestamp of a session request is still checked.
    let got = call_ws(
        &mut ws,
        sign_ws_with(&session, status, &params, "s-2", &stale()),
    )
    .await;
    assert_documented_ws(v, status, ErrorKind::TimestampOutsideWindow, "s-2", &got);

    // Another connection is not logged in.
    let mut other = connect(&mock, "binance_usdm").await;
    let got = call_ws(
        &mut other,
        sign_ws_with(&session, status, &params, "o-1", &Timestamp::Now),
    )
    .await;
    assert_documented_ws(v, status, ErrorKind::Auth, "o-1", &got);

    // Every scheme is verified by re-running its recipe: an RSA-signed frame is accepted,
    // and one whose signature was changed is refused.
    let rsa = Signer::new(scheme("ws_rsa"), &creds).unwrap();
    let got = call_ws(
        &mut other,
        sign_ws_with(&rsa, status, &params, "r-1", &Timestamp::Now),
    )
    .await;
    let mut expected = docs_success(status);
    expected["id"] = json!("r-1");
    assert_eq!(got, expected);
    let mut frame: Value =
        serde_json::from_str(&sign_ws_with(&rsa, status, &params, "r-2", &Timestamp::Now)).unwrap();
    let sig = frame["params"]["signature"].as_str().unwrap().to_string();
    let flipped = if sig.starts_with('A') { "B" } else { "A" };
    frame["params"]["signature"] = json!(format!("{flipped}{}", &sig[1..]));
    let got = call_ws(&mut other, frame.to_string()).await;
    assert_documented_ws(v, status, ErrorKind::Auth, "r-2", &got);
}

#[tokio::test]
async fn pings_are_answered() {
    let mock = start().await;
    let mut ws = connect(&mock, "binance_usdm").await;
    ws.send(Message::Ping(b"are you there".to_vec().into()))
        .await
        .unwrap();
    match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
        Ok(Some(Ok(Message::Pong(p)))) => assert_eq!(&p[..], b"are you there"),
        other => panic!("expected a pong, got {other:?}"),
    }
}

#[tokio::test]
async fn pipelined_frames_are_answered_in_order() {
    let mock = start().await;
    let v = venue("binance_usdm");
    let e = v.endpoint("order_status").unwrap();
    let creds = mock.signing_credentials("binance_usdm").unwrap();
    let signer = Signer::choose(v.schemes, SchemeTransport::Ws, &creds).unwrap();
    let params = order_params(v, e);
    let missing = not_found_params(v, e);
    let ws = connect(&mock, "binance_usdm").await;
    let (mut tx, mut rx) = ws.split();
    const N: usize = 2000;
    let frames: Vec<String> = (0..N)
        .map(|i| {
            let p = if i % 7 == 0 { &missing } else { &params };
            sign_ws_with(&signer, e, p, &format!("p-{i}"), &Timestamp::Now)
        })
        .collect();
    let writer = tokio::spawn(async move {
        for f in frames {
            tx.feed(Message::Text(f.into())).await.unwrap();
        }
        tx.flush().await.unwrap();
        tx
    });
    for i in 0..N {
        let got = loop {
            match rx.next().await {
                Some(Ok(Message::Text(t))) => {
                    break serde_json::from_str::<Value>(t.as_str()).unwrap();
                }
                Some(Ok(_)) => continue,
                other => panic!("frame {i}: {other:?}"),
            }
        };
        assert_eq!(got["id"], json!(format!("p-{i}")));
        let expected = if i % 7 == 0 { 400 } else { 200 };
        assert_eq!(got["status"], json!(expected), "frame {i}");
    }
    drop(writer.await.unwrap());
}
