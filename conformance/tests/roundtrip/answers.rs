//! Every endpoint through the generated client: the docs' payload and its unified order, and
//! the documented answer to an unknown order, a wrong secret and a stale timestamp.

use super::*;

#[tokio::test]
async fn every_endpoint_returns_the_docs_payload_and_its_unified_order() {
    let mock = start().await;
    let mut orders = 0;
    for (v, e) in endpoints() {
        let d = docs(v, e);
        let got = call(&client(&mock, v), e, &d.params).await;
        assert_docs_payload(v, e, &d, &got, 1);
        let reply = got.unwrap();
        if is_ws(e) {
            assert_eq!(reply.http_status, None);
        } else {
            assert_eq!(reply.http_status, Some(d.status.unwrap_or(200)));
        }
        // The venue's rate-limit usage, where its body reports it (Binance's `rateLimits`).
        let limits = v.rate_limits.pointer.and_then(|p| d.body.pointer(p));
        assert_eq!(reply.rate_limits.as_ref(), limits, "{}/{}", v.id, e.id);
        if let Some(to_order) = e.to_order {
            // The unified order of what the client returned is the docs example's.
            let bytes = serde_json::to_vec(&reply.value).unwrap();
            let got = to_order(ExampleScope::Payload, &bytes).unwrap().unwrap();
            let want = to_order(ExampleScope::Body, d.text.as_bytes())
                .unwrap()
                .unwrap();
            assert_eq!(got, want, "{}/{}", v.id, e.id);
            assert_eq!(got.venue, v.id);
            let m = e.matches.first().unwrap();
            let asked = &d.params.iter().find(|(n, _)| n == m.param).unwrap().1;
            assert!(
                got.order_id == *asked || got.client_order_id.as_ref() == Some(asked),
                "{}/{}: asked for {asked}, got {got:?}",
                v.id,
                e.id
            );
            orders += 1;
        }
    }
    // Every venue whose answers map onto the unified order has one order endpoint (a venue
    // whose order lacks the members `Order` needs maps none).
    let mapped = generated::VENUES
        .iter()
        .filter(|v| v.endpoints.iter().any(|e| e.to_order.is_some()))
        .count();
    assert_eq!(orders, mapped);
}

#[tokio::test]
async fn every_endpoint_reports_an_unknown_order_as_not_found() {
    let mock = start().await;
    let mut seen = 0;
    for (v, e) in endpoints() {
        let Some(m) = e.matches.first() else { continue };
        let mut params = docs(v, e).params;
        let slot = params.iter_mut().find(|(n, _)| n == m.param).unwrap();
        slot.1 = unknown(&slot.1);
        let err = call(&client(&mock, v), e, &params).await.unwrap_err();
        assert_documented(v, e, ErrorKind::NotFound, &err);
        seen += 1;
    }
    assert_eq!(seen, generated::VENUES.len());
}

#[tokio::test]
async fn every_endpoint_reports_a_wrong_secret_as_auth() {
    let mock = start().await;
    let mut seen = 0;
    for (v, e) in endpoints() {
        let d = docs(v, e);
        let mut creds = mock.signing_credentials(v.id).unwrap();
        let transport = if is_ws(e) {
            SchemeTransport::Ws
        } else {
            SchemeTransport::Rest
        };
        // The scheme the client picks, with its signing key replaced by another usable one.
        let scheme = Signer::choose(v.schemes, transport, &creds)
            .unwrap()
            .scheme();
        let key = scheme.sign.as_ref().map(|s| &*s.key).unwrap();
        creds
            .set(key, conformance::mock::wrong_key(scheme.key))
            .unwrap();
        let core = client_with(&mock, v, |b| b.credentials(creds));
        let err = call(&core, e, &d.params).await.unwrap_err();
        assert_documented(v, e, ErrorKind::Auth, &err);
        seen += 1;
    }
    assert_eq!(seen, endpoints().count());
}

#[tokio::test]
async fn every_endpoint_reports_a_stale_timestamp() {
    let mock = start().await;
    let ten_minutes_ago = chrono::Utc::now().timestamp_millis() - 10 * 60 * 1000;
    for (v, e) in endpoints() {
        let d = docs(v, e);
        if v.timestamp_window.is_none() {
            // No window: the timestamp is a nonce that must grow per key. Stale means below
            // one the key already used, so the key signs a request now first.
            let now = client_with(&mock, v, |b| b);
            call(&now, e, &d.params).await.unwrap();
        }
        // Correction off: the venue's own answer, as it is (clock_skew.rs covers the rest).
        let core = client_with(&mock, v, |b| {
            b.clock(Arc::new(FixedClock(ten_minutes_ago)))
                .clock_correction(ClockCorrection::Off)
        });
        let err = call(&core, e, &d.params).await.unwrap_err();
        assert_documented(v, e, documented::stale_kind(v), &err);
    }
}
