//! Answers and log-ons on a live connection: duplicate and orphan answers, binary frames,
//! closes around the log-on, refused log-ons, cancelled callers, oversized frames.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_answer_goes_to_the_first_caller_only() {
    let server = serve(|mut c: Conn| async move {
        let (Some(r1), Some(r2)) = (c.next().await, c.next().await) else {
            return;
        };
        c.send(&answer(&r1)).await;
        let mut again = answer(&r1);
        again["result"]["orderId"] = json!(-1);
        c.send(&again).await;
        c.send(&answer(&r2)).await;
        c.serve_rest().await;
    })
    .await;
    let client = builder(&server.url, false).build().unwrap();
    let (r1, r2) = (request(1), request(2));
    let (a, b) =
        within(async { tokio::join!(client.order_status(&r1), client.order_status(&r2)) }).await;
    assert_eq!(a.unwrap().order_id, 1, "the first answer, not the second");
    assert_eq!(b.unwrap().order_id, 2, "the other caller unaffected");
    assert_eq!(
        stats(&client),
        WsStats {
            in_flight: 0,
            unmatched: 1
        }
    );
    // The connection is kept.
    assert_eq!(
        within(client.order_status(&request(3)))
            .await
            .unwrap()
            .order_id,
        3
    );
    assert_eq!(server.accepted(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_for_nobody_are_dropped_and_the_connection_kept() {
    let server = serve(|mut c: Conn| async move {
        let Some(r) = c.next().await else { return };
        let id = id_of(&r);
        let mut unknown = answer(&r);
        unknown["id"] = json!("987654321");
        c.send(&unknown).await;
        // An error envelope for an id nobody waits for yet: the next request's id.
        let error =
            json!({"status": 400, "error": {"code": -2013, "msg": "Order does not exist."}});
        let mut early = error.clone();
        early["id"] = json!((id + 1).to_string());
        c.send(&early).await;
        let mut null_id = error.clone();
        null_id["id"] = Value::Null;
        c.send(&null_id).await;
        c.send(&error).await;
        c.send_raw(Message::Text(
            r#"{"id":"987654322","status":200,"res"#.into(),
        ))
        .await;
        c.send(&answer(&r)).await;
        c.serve_rest().await;
    })
    .await;
    let client = builder(&server.url, false).build().unwrap();
    let order = within(client.order_status(&request(7))).await.unwrap();
    assert_eq!(order.order_id, 7);
    assert_eq!(stats(&client).unmatched, 5);
    // The error sent early for this id was dropped, not kept for it.
    let order = within(client.order_status(&request(8))).await.unwrap();
    assert_eq!(order.order_id, 8);
    assert_eq!(stats(&client).in_flight, 0);
    assert_eq!(server.accepted(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_frames_are_read_as_text_when_utf8_and_dropped_otherwise() {
    let server = serve(|mut c: Conn| async move {
        let Some(r1) = c.next().await else { return };
        c.send_raw(Message::Binary(answer(&r1).to_string().into_bytes().into()))
            .await;
        let Some(r2) = c.next().await else { return };
        c.send_raw(Message::Binary(vec![0xff, 0xfe, b'{', 0x80].into()))
            .await;
        c.send_raw(Message::Binary(b"not json".to_vec().into()))
            .await;
        let mut unknown = answer(&r2);
        unknown["id"] = json!("987654321");
        c.send_raw(Message::Binary(unknown.to_string().into_bytes().into()))
            .await;
        c.send(&answer(&r2)).await;
        c.serve_rest().await;
    })
    .await;
    let client = builder(&server.url, false).build().unwrap();
    let order = within(client.order_status(&request(1))).await.unwrap();
    assert_eq!(order.order_id, 1, "a binary answer is read as text");
    let order = within(client.order_status(&request(2))).await.unwrap();
    assert_eq!(order.order_id, 2);
    assert_eq!(stats(&client).unmatched, 3);
    assert_eq!(server.accepted(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_close_right_after_the_logon_frame_reconnects_at_once() {
    let server = serve(|mut c: Conn| async move {
        if c.n == 1 {
            c.next().await;
            let _ = c.ws.close(None).await;
            return;
        }
        c.serve_rest().await;
    })
    .await;
    // The connect timeout (10 s) is far off: the close must be noticed without it.
    let client = builder(&server.url, true).build().unwrap();
    let start = tokio::time::Instant::now();
    let order = within(client.order_status(&request(1))).await.unwrap();
    assert_eq!(order.order_id, 1);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(
        server.frames(),
        [
            (1, "session.logon".to_string()),
            (2, "session.logon".to_string()),
            (2, "order.status".to_string()),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_close_during_every_logon_fails_the_callers_after_the_reconnect_policy() {
    let server = serve(|mut c: Conn| async move {
        c.next().await;
        let _ = c.ws.close(None).await;
    })
    .await;
    let client = builder(&server.url, true).build().unwrap();
    let (r1, r2) = (request(1), request(2));
    let (a, b) =
        within(async { tokio::join!(client.order_status(&r1), client.order_status(&r2)) }).await;
    for err in [a.unwrap_err(), b.unwrap_err()] {
        assert_eq!(transport_kind(&err), TransportKind::Connect, "{err}");
        assert!(err.to_string().contains("closed while logging on"), "{err}");
        assert_eq!(err.endpoint(), "order_status");
    }
    assert_eq!(server.accepted(), 3, "the three attempts of the policy");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.accepted(), 3, "no attempt after the round gave up");
    // The next request starts a new round.
    let err = within(client.order_status(&request(3))).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportKind::Connect, "{err}");
    assert_eq!(server.accepted(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_logon_fails_every_caller_with_auth_without_retrying() {
    let server = serve(|mut c: Conn| async move {
        while let Some(r) = c.next().await {
            let refusal = json!({"id": r["id"], "status": 401, "error": {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}});
            c.send(&refusal).await;
        }
    })
    .await;
    let client = builder(&server.url, true).retry(exact(3)).build().unwrap();
    let requests: Vec<_> = (0..3).map(request).collect();
    let results = within(futures_util::future::join_all(
        requests.iter().map(|r| client.order_status(r)),
    ))
    .await;
    for r in results {
        let err = r.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
        assert_eq!(err.endpoint(), "session_logon");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.frames(), [(1, "session.logon".to_string())]);
    assert_eq!(server.accepted(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_caller_leaves_nothing_in_flight() {
    let release = Arc::new(tokio::sync::Notify::new());
    let server_release = Arc::clone(&release);
    let server = serve(move |mut c: Conn| {
        let release = Arc::clone(&server_release);
        async move {
            let mut held = Vec::new();
            while held.len() < 3 {
                let Some(r) = c.next().await else { return };
                held.push(r);
            }
            release.notified().await;
            for r in &held {
                c.send(&answer(r)).await;
            }
            c.serve_rest().await;
        }
    })
    .await;
    let client = builder(&server.url, false).build().unwrap();
    let (cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
    let a = {
        let client = client.clone();
        tokio::spawn(async move {
            let r1 = request(1);
            tokio::select! {
                r = client.order_status(&r1) => Some(r),
                _ = cancelled => None,
            }
        })
    };
    let others: Vec<_> = [2, 3]
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.order_status(&request(i)).await })
        })
        .into();
    until("three requests at the server", || {
        server.frames().len() == 3
    })
    .await;
    assert_eq!(stats(&client).in_flight, 3);
    cancel.send(()).unwrap();
    assert!(within(a).await.unwrap().is_none(), "the caller gave up");
    assert_eq!(stats(&client).in_flight, 2, "its entry left with it");
    release.notify_one();
    for (h, want) in others.into_iter().zip([2, 3]) {
        assert_eq!(within(h).await.unwrap().unwrap().order_id, want);
    }
    until("the late answer dropped", || stats(&client).unmatched == 1).await;
    assert_eq!(stats(&client).in_flight, 0);
    assert_eq!(server.accepted(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_frame_fails_the_callers_in_flight_with_the_reason() {
    let server = serve(|mut c: Conn| async move {
        if c.n > 1 {
            return c.serve_rest().await;
        }
        let (Some(r1), Some(_r2)) = (c.next().await, c.next().await) else {
            return;
        };
        // Over tungstenite's default frame limit (16 MiB).
        let padding = "x".repeat(16 << 20);
        let huge = json!({"id": r1["id"], "status": 200, "result": padding});
        c.send(&huge).await;
        while c.next().await.is_some() {}
    })
    .await;
    let client = builder(&server.url, false).build().unwrap();
    let (r1, r2) = (request(1), request(2));
    let (a, b) =
        within(async { tokio::join!(client.order_status(&r1), client.order_status(&r2)) }).await;
    for err in [a.unwrap_err(), b.unwrap_err()] {
        assert_eq!(transport_kind(&err), TransportKind::Closed, "{err}");
        assert!(err.to_string().contains("too long"), "{err}");
    }
    // The client connects again for the next request.
    let order = within(client.order_status(&request(3))).await.unwrap();
    assert_eq!(order.order_id, 3);
    assert_eq!(server.accepted(), 2);
}
