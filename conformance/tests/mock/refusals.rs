//! What the mock refuses: what the signer did not sign, a timestamp outside the mock clock's
//! window, invalid requests, reused or malformed nonces.

use super::*;

#[tokio::test]
async fn the_verifier_refuses_what_the_signer_did_not_sign() {
    let mock = start().await;
    let http = client();
    for v in generated::VENUES {
        for e in v.endpoints.iter().filter(|e| !e.matches.is_empty()) {
            let creds = credentials(&mock, v, e, false);
            let params = order_params(v, e);
            match transport(e) {
                SchemeTransport::Rest => {
                    let signed = sign_http(&mock, v, e, &params, &creds, &Timestamp::Now);
                    let ok = send(&http, &signed).await.unwrap();
                    assert_eq!(ok.status, 200, "{}/{}", v.id, e.id);
                    let got = send_with_a_moved_timestamp(&http, v, &creds, &signed).await;
                    assert_documented_http(v, e, ErrorKind::Auth, &got);
                    selector_changed_after_signing(&http, v, e, &creds, &params, &signed).await;
                }
                SchemeTransport::Ws => {
                    let signer = Signer::choose(v.schemes, SchemeTransport::Ws, &creds).unwrap();
                    let frame = sign_ws_with(&signer, e, &params, "t-1", &Timestamp::Now);
                    let mut value: Value = serde_json::from_str(&frame).unwrap();
                    let m = e.matches.first().unwrap();
                    let p = value["params"][m.param].clone();
                    value["params"][m.param] = match p {
                        Value::Number(n) => json!(n.as_i64().unwrap() + 1),
                        other => json!(format!("{}x", text(&other))),
                    };
                    let mut ws = connect(&mock, v.id).await;
                    let got = call_ws(&mut ws, value.to_string()).await;
                    assert_documented_ws(v, e, ErrorKind::Auth, "t-1", &got);
                }
            }
        }
    }
}

/// The answer to `rb`, read whole.
async fn answer(rb: reqwest::RequestBuilder) -> Http {
    let r = rb.send().await.unwrap();
    Http {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        body: r.bytes().await.unwrap().to_vec(),
    }
}

/// `signed` sent with one signed byte changed: the timestamp (every scheme signs it) moves by
/// a second, which keeps it inside the window. A token that carries the timestamp encoded (a
/// JWT's claims) has one character of its signed part changed instead.
async fn send_with_a_moved_timestamp(
    http: &reqwest::Client,
    v: &VenueInfo,
    creds: &Credentials,
    signed: &SignedHttp,
) -> Http {
    let ts = signed.timestamp().unwrap().to_string();
    let moved = if ts.contains('T') {
        let (head, sec) = ts.split_at(ts.len() - 1);
        let d = sec.parse::<u8>().unwrap();
        format!("{head}{}", (d + 9) % 10)
    } else {
        (ts.parse::<i64>().unwrap() - 1000).to_string()
    };
    let tamper = |s: &str| {
        s.replace(&ts, &moved)
            .replace(&ts.replace(':', "%3A"), &moved.replace(':', "%3A"))
    };
    let visible =
        signed.url().contains(&ts) || signed.headers().any(|(_, val, _)| val.contains(&ts));
    let scheme = Signer::choose(v.schemes, SchemeTransport::Rest, creds)
        .unwrap()
        .scheme();
    let token = scheme.place.as_ref().filter(|_| !visible);
    let mut rb = http.request(
        reqwest::Method::from_bytes(signed.method().as_bytes()).unwrap(),
        tamper(signed.url()),
    );
    for (n, val, _) in signed.headers() {
        let val = match token {
            Some(p) if p.name.eq_ignore_ascii_case(n) => {
                let at = p.prefix.len() + 10;
                let c = if &val[at..=at] == "A" { "B" } else { "A" };
                format!("{}{c}{}", &val[..at], &val[at + 1..])
            }
            _ => tamper(val),
        };
        rb = rb.header(n, val);
    }
    if let Some(b) = signed.body() {
        rb = rb.body(b.to_string());
    }
    answer(rb).await
}

/// The selecting parameter changes after signing. A venue that signs where it is sent (the
/// body, the query) answers an auth failure; one that does not sign the path it is in
/// answers that the other order is not found.
async fn selector_changed_after_signing(
    http: &reqwest::Client,
    v: &VenueInfo,
    e: &EndpointInfo,
    creds: &Credentials,
    params: &[(String, String)],
    signed: &SignedHttp,
) {
    let m = e.matches.first().unwrap();
    let value = &params.iter().find(|(n, _)| n == m.param).unwrap().1;
    let other = unknown(value);
    let mut rb = http.request(
        reqwest::Method::from_bytes(signed.method().as_bytes()).unwrap(),
        signed.url().replace(value.as_str(), &other),
    );
    for (n, val, _) in signed.headers() {
        rb = rb.header(n, val);
    }
    if let Some(b) = signed.body() {
        rb = rb.body(b.replace(value.as_str(), &other));
    }
    let got = answer(rb).await;
    let in_path = url::Url::parse(signed.url())
        .unwrap()
        .path()
        .contains(value.as_str());
    let scheme = Signer::choose(v.schemes, SchemeTransport::Rest, creds)
        .unwrap()
        .scheme();
    let expected = if in_path && !signs_path(scheme.payload) {
        ErrorKind::NotFound
    } else {
        ErrorKind::Auth
    };
    assert_documented_http(v, e, expected, &got);
}

#[tokio::test]
async fn the_mock_clock_decides_the_window() {
    let mock = start().await;
    let http = client();
    let (v, e) = conformance::find("bitmart", "query_client_order").unwrap();
    let creds = credentials(&mock, v, e, false);
    let params = order_params(v, e);
    // Five minutes ahead: a request signed now is 5 minutes old for the mock.
    mock.clock().set_offset_ms(5 * 60 * 1000);
    let old = send(
        &http,
        &sign_http(&mock, v, e, &params, &creds, &Timestamp::Now),
    )
    .await
    .unwrap();
    assert_documented_http(v, e, ErrorKind::TimestampOutsideWindow, &old);
    // Its own recvWindow may widen the window up to the documented 60 s, not more.
    let mut wide = params.clone();
    wide.push(("recvWindow".into(), "60000".into()));
    let old = send(
        &http,
        &sign_http(&mock, v, e, &wide, &creds, &Timestamp::Now),
    )
    .await
    .unwrap();
    assert_documented_http(v, e, ErrorKind::TimestampOutsideWindow, &old);
    mock.clock().set_offset_ms(-30_000);
    // 30 s behind: the request is 30 s ahead, within BitMart's minute.
    let ahead = send(
        &http,
        &sign_http(&mock, v, e, &params, &creds, &Timestamp::Now),
    )
    .await
    .unwrap();
    assert_eq!(ahead.status, 200);
    mock.clock().set_offset_ms(0);
    // 40 s old with recvWindow 60000 is accepted; with the default 5000 it is not.
    let past = Timestamp::AtMillis(chrono::Utc::now().timestamp_millis() - 40_000);
    let ok = send(&http, &sign_http(&mock, v, e, &wide, &creds, &past))
        .await
        .unwrap();
    assert_eq!(ok.status, 200, "{ok:?}");
    let late = send(&http, &sign_http(&mock, v, e, &params, &creds, &past))
        .await
        .unwrap();
    assert_documented_http(v, e, ErrorKind::TimestampOutsideWindow, &late);
}

#[tokio::test]
async fn invalid_requests_get_the_documented_invalid_request_error() {
    let mock = start().await;
    let http = client();
    let (v, e) = conformance::find("p99", "query_order").unwrap();
    let creds = credentials(&mock, v, e, false);
    let params = order_params(v, e);
    let signed = sign_http(&mock, v, e, &params, &creds, &Timestamp::Now);
    // Not a UUID in the path (p99 does not sign the path).
    let url = signed
        .url()
        .replace("9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10", "not-a-uuid");
    let mut rb = http.get(url);
    for (n, val, _) in signed.headers() {
        rb = rb.header(n, val);
    }
    let r = rb.send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(body, json!({ "error": "invalid id" }));
}

/// A venue whose nonce may be used once within a time (`nonce_once_within_ms`): the same
/// signed request sent again is refused as an authentication failure the venue documents, and
/// the request signed again (a fresh nonce) passes. Venues without the rule accept a repeat.
#[tokio::test]
async fn a_reused_nonce_is_refused_where_the_venue_says_so() {
    let mock = start().await;
    let http = client();
    let mut refused = 0;
    for v in generated::VENUES {
        let Some(e) = v
            .endpoints
            .iter()
            .find(|e| e.signed && transport(e) == SchemeTransport::Rest)
        else {
            continue;
        };
        let (req, _) = good_request(&mock, v.id);
        let first = send(&http, &req).await.unwrap();
        assert!(first.status < 300, "{}: {}", v.id, first.status);
        let again = send(&http, &req).await.unwrap();
        if v.timestamp_window
            .is_some_and(|w| w.nonce_once_within_ms.is_some())
        {
            assert_documented_http(v, e, ErrorKind::Auth, &again);
            let (fresh, _) = good_request(&mock, v.id);
            assert!(send(&http, &fresh).await.unwrap().status < 300, "{}", v.id);
            refused += 1;
        } else if v
            .schemes
            .iter()
            .any(|s| s.timestamp == Some(generated::runtime::signing::TimestampFormat::Micros))
        {
            // A microsecond nonce must grow per key: a repeat is a stale timestamp.
            assert_documented_http(v, e, ErrorKind::TimestampOutsideWindow, &again);
        } else {
            assert_eq!(again.status, first.status, "{}", v.id);
        }
    }
    assert!(refused >= 1, "no venue limits its nonces");
}

/// Bitstamp's nonce is "lowercase, 36 char" (a UUID4): a request signed correctly over a
/// nonce of another form (upper case, or not a version-4 UUID) is refused as an authentication
/// failure; the same request with a fresh nonce passes.
#[tokio::test]
async fn a_nonce_that_is_not_a_lower_case_uuid4_is_refused() {
    let mock = start().await;
    let http = client();
    let (v, e) = conformance::find("bitstamp", "order_status").unwrap();
    let creds = mock.signing_credentials("bitstamp").unwrap();
    let sign = |nonce: Option<&str>| {
        let mut signer = generated::bitstamp::order_status::signer(&creds).unwrap();
        if let Some(n) = nonce {
            signer.pin_nonce(n);
        }
        generated::bitstamp::order_status::Request::builder()
            .id(1_429_545_880_227_846)
            .build()
            .unwrap()
            .sign(
                &signer,
                mock.rest_base("bitstamp").unwrap(),
                &Timestamp::Now,
                &SystemClock,
            )
            .unwrap()
    };
    for bad in [
        "F47AC10B-58CC-4372-A567-0E02B2C3D479",
        "f47ac10b-58cc-1372-a567-0e02b2c3d479",
        "f47ac10b58cc4372a5670e02b2c3d479",
    ] {
        let got = send(&http, &sign(Some(bad))).await.unwrap();
        assert_documented_http(v, e, ErrorKind::Auth, &got);
    }
    let got = send(&http, &sign(None)).await.unwrap();
    assert_eq!(got.status, 200, "{}", String::from_utf8_lossy(&got.body));
}
