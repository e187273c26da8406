//! Every endpoint answers as its docs say: REST and WebSocket, typed requests signed by the
//! generated signers, bearer tokens.

use super::*;

#[tokio::test]
async fn every_rest_endpoint_answers_as_its_docs() {
    let mock = start().await;
    let http = client();
    let mut seen = 0;
    for v in generated::VENUES {
        for e in v
            .endpoints
            .iter()
            .filter(|e| transport(e) == SchemeTransport::Rest)
        {
            seen += 1;
            let good = credentials(&mock, v, e, false);
            let params = order_params(v, e);

            let ok = send(
                &http,
                &sign_http(&mock, v, e, &params, &good, &Timestamp::Now),
            )
            .await
            .unwrap();
            assert_eq!(ok.status, 200, "{}/{}: {ok:?}", v.id, e.id);
            assert_eq!(ok.json(), docs_success(e), "{}/{}", v.id, e.id);

            let missing = not_found_params(v, e);
            let nf = send(
                &http,
                &sign_http(&mock, v, e, &missing, &good, &Timestamp::Now),
            )
            .await
            .unwrap();
            assert_documented_http(v, e, ErrorKind::NotFound, &nf);

            let wrong = credentials(&mock, v, e, true);
            let auth = send(
                &http,
                &sign_http(&mock, v, e, &params, &wrong, &Timestamp::Now),
            )
            .await
            .unwrap();
            assert_documented_http(v, e, ErrorKind::Auth, &auth);

            let old = send(&http, &sign_http(&mock, v, e, &params, &good, &stale()))
                .await
                .unwrap();
            assert_documented_http(v, e, ErrorKind::TimestampOutsideWindow, &old);
        }
    }
    assert!(
        seen >= 3,
        "bitmart, htx and p99 have a REST endpoint each: {seen}"
    );
}

#[tokio::test]
async fn every_websocket_endpoint_answers_as_its_docs() {
    let mock = start().await;
    let mut seen = 0;
    for v in generated::VENUES {
        for e in v
            .endpoints
            .iter()
            .filter(|e| transport(e) == SchemeTransport::Ws)
        {
            seen += 1;
            let mut ws = connect(&mock, v.id).await;
            let good = Signer::choose(
                v.schemes,
                SchemeTransport::Ws,
                &credentials(&mock, v, e, false),
            )
            .unwrap()
            .with_frame(v.ws_frame);
            let wrong = Signer::choose(
                v.schemes,
                SchemeTransport::Ws,
                &credentials(&mock, v, e, true),
            )
            .unwrap()
            .with_frame(v.ws_frame);
            let params = if e.matches.is_empty() {
                Vec::new()
            } else {
                order_params(v, e)
            };

            let ok = call_ws(
                &mut ws,
                sign_ws_with(&good, e, &params, "ok-1", &Timestamp::Now),
            )
            .await;
            let mut expected = docs_success(e);
            expected["id"] = json!("ok-1");
            assert_eq!(ok, expected, "{}/{}", v.id, e.id);

            if !e.matches.is_empty() {
                let missing = not_found_params(v, e);
                let nf = call_ws(
                    &mut ws,
                    sign_ws_with(&good, e, &missing, "nf-1", &Timestamp::Now),
                )
                .await;
                assert_documented_ws(v, e, ErrorKind::NotFound, "nf-1", &nf);
            }
            let auth = call_ws(
                &mut ws,
                sign_ws_with(&wrong, e, &params, "auth-1", &Timestamp::Now),
            )
            .await;
            assert_documented_ws(v, e, ErrorKind::Auth, "auth-1", &auth);
            let old = call_ws(&mut ws, sign_ws_with(&good, e, &params, "old-1", &stale())).await;
            assert_documented_ws(v, e, ErrorKind::TimestampOutsideWindow, "old-1", &old);
        }
    }
    assert!(seen >= 2, "binance_usdm has two WebSocket methods: {seen}");
}

#[tokio::test]
async fn typed_rest_requests_signed_by_the_generated_signers() {
    let mock = start().await;
    let http = client();

    let creds = mock.signing_credentials("p99").unwrap();
    let signer = generated::p99::query_order::signer(&creds).unwrap();
    let req = generated::p99::query_order::Request::builder()
        .id("9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10")
        .recv_window(10_000)
        .build()
        .unwrap();
    let signed = req
        .sign(
            &signer,
            mock.rest_base("p99").unwrap(),
            &Timestamp::Now,
            &SystemClock,
        )
        .unwrap();
    assert!(
        signed.url().contains("/api/v1/spot/orders/9f2a1c4e"),
        "{}",
        signed.url()
    );
    let got = send(&http, &signed).await.unwrap();
    let order = generated::p99::query_order::parse_response(&got.body).unwrap();
    assert_eq!(order.filled_qty.to_string(), "100");

    let creds = mock.signing_credentials("htx").unwrap();
    let signer = generated::htx::get_client_order::signer(&creds).unwrap();
    let req = generated::htx::get_client_order::Request::builder()
        .client_order_id("23456")
        .build()
        .unwrap();
    let signed = req
        .sign(
            &signer,
            mock.rest_base("htx").unwrap(),
            &Timestamp::Now,
            &SystemClock,
        )
        .unwrap();
    let got = send(&http, &signed).await.unwrap();
    let order = generated::htx::get_client_order::parse_response(&got.body).unwrap();
    assert_eq!(order.data.id, 357_632_718_898_331);

    let creds = mock.signing_credentials("bitmart").unwrap();
    let signer = generated::bitmart::query_client_order::signer(&creds).unwrap();
    let req = generated::bitmart::query_client_order::Request::builder()
        .client_order_id("118100034543076010")
        .query_state(generated::bitmart::query_client_order::QueryState::History)
        .recv_window(5000)
        .build()
        .unwrap();
    let signed = req
        .sign(
            &signer,
            mock.rest_base("bitmart").unwrap(),
            &Timestamp::Now,
            &SystemClock,
        )
        .unwrap();
    let got = send(&http, &signed).await.unwrap();
    let order = generated::bitmart::query_client_order::parse_response(&got.body).unwrap();
    assert_eq!(order.data.order_id, 118_100_034_543_076_010);
}

#[tokio::test]
async fn a_typed_websocket_request_signed_by_its_generated_signer() {
    let mock = start().await;
    let creds = mock.signing_credentials("binance_usdm").unwrap();
    let signer = generated::binance_usdm::order_status::signer(&creds).unwrap();
    let req = generated::binance_usdm::order_status::Request::builder()
        .symbol("BTCUSDT")
        .orig_client_order_id("abc")
        .build()
        .unwrap();
    let frame = req
        .sign(&signer, "7", &Timestamp::Now, &SystemClock)
        .unwrap();
    let mut ws = connect(&mock, "binance_usdm").await;
    let got = call_ws(&mut ws, frame.frame_text().to_string()).await;
    let parsed =
        generated::binance_usdm::order_status::parse_response(got.to_string().as_bytes()).unwrap();
    assert_eq!(parsed.result.order_id, 1_917_641);
    assert_eq!(got["id"], json!("7"));
}

#[tokio::test]
async fn p99_bearer_tokens() {
    let mock = start().await;
    let http = client();
    let (v, e) = conformance::find("p99", "query_order").unwrap();
    let jwt = v.schemes.iter().find(|s| s.name == "jwt").unwrap();
    let mut creds = mock.signing_credentials("p99").unwrap();
    let params = order_params(v, e);
    let base = mock.rest_base("p99").unwrap();
    let signed = Signer::new(jwt, &creds)
        .unwrap()
        .sign_http(&wire(e, &params), base, &Timestamp::Now, &SystemClock)
        .unwrap();
    let ok = send(&http, &signed).await.unwrap();
    assert_eq!((ok.status, ok.json()), (200, docs_success(e)));
    creds.set("jwt", "another-token").unwrap();
    let signed = Signer::new(jwt, &creds)
        .unwrap()
        .sign_http(&wire(e, &params), base, &Timestamp::Now, &SystemClock)
        .unwrap();
    let denied = send(&http, &signed).await.unwrap();
    assert_documented_http(v, e, ErrorKind::Auth, &denied);
}
