//! Faults the client recovers from or reports: rate limits, server errors, truncated bodies,
//! HTML pages, connection resets, and a parameter the venue refuses.

use super::*;

#[tokio::test]
async fn every_endpoint_retries_after_a_rate_limit_and_honours_retry_after() {
    let mock = start().await;
    for (v, e) in endpoints() {
        let d = docs(v, e);
        let rule = || {
            FaultRule::new(Fault::RateLimited { retry_after_s: 1 })
                .venue(v.id)
                .endpoint(e.id)
        };
        mock.faults().arm(rule());
        let t = Instant::now();
        let got = call(&client(&mock, v), e, &d.params).await;
        let took = t.elapsed();
        assert_docs_payload(v, e, &d, &got, 2);
        if !is_ws(e) {
            // The backoff is 5 ms: only `Retry-After: 1` makes the client wait a second.
            assert!(
                took >= Duration::from_secs(1),
                "{}/{}: {took:?}",
                v.id,
                e.id
            );
        }

        // Without retries the caller gets the rate limit, with the wait the venue asked for.
        mock.faults().arm(rule());
        let err = call(&client_with(&mock, v, no_retry), e, &d.params)
            .await
            .unwrap_err();
        assert_documented(v, e, ErrorKind::RateLimited, &err);
        if is_ws(e) {
            // A WebSocket error frame has no `Retry-After`.
            assert_eq!(err.retry_after(), None);
        } else {
            assert_eq!(err.retry_after(), Some(Duration::from_secs(1)), "{err}");
        }
        assert!(mock.faults().pending().is_empty());
    }
}

#[tokio::test]
async fn every_endpoint_retries_after_a_server_error() {
    let mock = start().await;
    for (v, e) in endpoints() {
        let d = docs(v, e);
        let rule = || {
            FaultRule::new(Fault::ServerError)
                .venue(v.id)
                .endpoint(e.id)
        };
        mock.faults().arm(rule());
        let got = call(&client(&mock, v), e, &d.params).await;
        assert_docs_payload(v, e, &d, &got, 2);

        mock.faults().arm(rule());
        let err = call(&client_with(&mock, v, no_retry), e, &d.params)
            .await
            .unwrap_err();
        assert_documented(v, e, ErrorKind::Server, &err);

        // Server errors on every attempt: the last one is returned.
        mock.faults().arm(rule().requests(3));
        let err = call(&client(&mock, v), e, &d.params).await.unwrap_err();
        assert_documented(v, e, ErrorKind::Server, &err);
        assert!(mock.faults().pending().is_empty());
    }
}

/// The whole answer a request for the docs' order gets: the example's text, or on a
/// WebSocket the example with the request's `id` (read off the truncated frame).
fn full_answer(d: &Docs, ws: bool, truncated: &str) -> String {
    if !ws {
        return d.text.to_string();
    }
    // The id member, wherever it leads the frame (after `"jsonrpc":"2.0"` on JSON-RPC).
    let rest = &truncated[truncated.find(r#""id":"#).unwrap() + 5..];
    let id_json = &rest[..rest.find(',').unwrap()];
    let mut body = d.body.clone();
    body["id"] = serde_json::from_str(id_json).unwrap();
    body.to_string()
}

#[tokio::test]
async fn every_endpoint_reports_a_truncated_body_as_decode_with_the_raw_body() {
    let mock = start().await;
    for (v, e) in endpoints() {
        let d = docs(v, e);
        mock.faults().arm(
            FaultRule::new(Fault::TruncatedBody)
                .venue(v.id)
                .endpoint(e.id),
        );
        // Retries allowed: a 200 that cannot be decoded is not retried.
        let err = call(&client(&mock, v), e, &d.params).await.unwrap_err();
        let what = format!("{}/{}: {err}", v.id, e.id);
        assert_eq!(err.kind(), ErrorKind::Decode, "{what}");
        let raw = err.raw_body().unwrap();
        let full = full_answer(&d, is_ws(e), raw);
        let mut half = full.len() / 2;
        while !full.is_char_boundary(half) {
            half -= 1;
        }
        assert_eq!(raw, &full[..half], "{what}");
        assert!(serde_json::from_str::<Value>(raw).is_err(), "{what}");
        let status = if is_ws(e) {
            None
        } else {
            Some(d.status.unwrap_or(200))
        };
        assert_eq!(err.http_status(), status, "{what}");
        assert!(mock.faults().pending().is_empty());
    }
}

#[tokio::test]
async fn every_endpoint_reports_an_html_page_as_decode_with_the_raw_body() {
    let mock = start().await;
    let mut rest = 0;
    for (v, e) in endpoints() {
        let d = docs(v, e);
        let rule = || FaultRule::new(Fault::HtmlError).venue(v.id).endpoint(e.id);
        mock.faults().arm(rule());
        let quick = |b: ClientBuilder<ClientCore>| b.request_timeout(Duration::from_millis(300));
        let err = call(&client_with(&mock, v, |b| no_retry(quick(b))), e, &d.params)
            .await
            .unwrap_err();
        let what = format!("{}/{}: {err}", v.id, e.id);
        if is_ws(e) {
            // An HTML frame carries no `id`: it cannot be matched to a request, so no caller
            // can be given it. The request waits out its timeout and fails with a timeout.
            assert_eq!(err.kind(), ErrorKind::Timeout, "{what}");
            if hits_the_logon(&mock, v, e) {
                // The page answered the connection's log-on, which waits out the connect
                // timeout: no quick retry recovers it (the other endpoints cover the call).
                continue;
            }
        } else {
            assert_eq!(err.kind(), ErrorKind::Decode, "{what}");
            assert_eq!(err.http_status(), Some(502), "{what}");
            let raw = err.raw_body().unwrap();
            assert!(
                raw.starts_with("<html>") && raw.contains("502 Bad Gateway"),
                "{what}"
            );
            rest += 1;
        }

        // With retries, the next attempt gets the order (a 502 or a timeout is retried).
        mock.faults().arm(rule());
        let got = call(&client_with(&mock, v, quick), e, &d.params).await;
        assert_docs_payload(v, e, &d, &got, 2);
        assert!(mock.faults().pending().is_empty());
    }
    assert!(rest >= 3);
}

#[tokio::test]
async fn every_endpoint_retries_after_a_connection_reset() {
    let mock = start().await;
    for (v, e) in endpoints() {
        let d = docs(v, e);
        let rule = || {
            FaultRule::new(Fault::ConnectionReset)
                .venue(v.id)
                .endpoint(e.id)
        };
        mock.faults().arm(rule());
        let got = call(&client(&mock, v), e, &d.params).await;
        assert_docs_payload(v, e, &d, &got, 2);

        mock.faults().arm(rule());
        let err = call(&client_with(&mock, v, no_retry), e, &d.params)
            .await
            .unwrap_err();
        let what = format!("{}/{}: {err}", v.id, e.id);
        assert_eq!(err.kind(), ErrorKind::Transport, "{what}");
        let VenueError::Transport(t) = &err else {
            panic!("{what}")
        };
        // Reset during the connection's log-on, nothing of the caller's was sent: a connect
        // failure; otherwise the connection closed under the request.
        let kind = if hits_the_logon(&mock, v, e) {
            TransportKind::Connect
        } else {
            TransportKind::Closed
        };
        assert_eq!(t.kind, kind, "{what}");
        assert_eq!(t.attempts, 1, "{what}");
        assert_eq!(err.raw_body(), None);
        assert!(mock.faults().pending().is_empty());
    }
}

/// The request for the docs' order with one parameter the venue refuses: a typed value
/// (number, UUID) replaced by text, else a query, body or WebSocket parameter left out (a
/// path parameter left out would change the route). The spec itself must refuse the result
/// (the generated builder would not build it); the client sends it anyway because it is given
/// in wire form.
fn refused_request(e: &EndpointInfo, d: &Docs) -> Option<WireRequest<'static>> {
    let wire = (e.build)(&refs(&d.params)).unwrap();
    let retyped = (0..wire.params.len()).filter_map(|i| {
        let text = match wire.params[i].value {
            WireValue::Int(_) | WireValue::UInt(_) => "not-a-number",
            WireValue::Uuid(_) => "not-a-uuid",
            _ => return None,
        };
        let mut w = wire.clone();
        w.params[i].value = WireValue::Str(text.into());
        Some(w)
    });
    let dropped = (0..wire.params.len())
        .filter(|&i| wire.params[i].location != Location::Path)
        .map(|i| {
            let mut w = wire.clone();
            w.params = wire
                .params
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, p)| p.clone())
                .collect();
            w
        });
    let spec_refuses = |w: &WireRequest<'_>| {
        let pairs: Vec<(String, String)> = w
            .params
            .iter()
            .map(|p| (p.name.to_string(), p.value.to_text()))
            .collect();
        (e.build)(&refs(&pairs)).is_err()
    };
    retyped.chain(dropped).find(|w| spec_refuses(w))
}

#[tokio::test]
async fn every_endpoint_reports_a_refused_parameter_as_invalid_request() {
    let mock = start().await;
    let mut seen = Vec::new();
    for (v, e) in endpoints() {
        let d = docs(v, e);
        let Some(wire) = refused_request(e, &d) else {
            continue;
        };
        let core = client(&mock, v);
        let err = core.call(e, &wire, e.payload_json).await.unwrap_err();
        let what = format!("{}/{}: {err}", v.id, e.id);
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{what}");
        // A code the venue documents as an invalid request, in the venue's error body.
        let raw = err.raw_body().unwrap();
        let body: Value = serde_json::from_str(raw).unwrap();
        let code = body.pointer(v.error_code_pointer).unwrap();
        assert_eq!(
            err.code().map(|c| c.to_string()),
            Some(text(code)),
            "{what}"
        );
        assert!(
            v.error_codes.iter().any(|c| {
                c.kind == Some(ErrorKind::InvalidRequest)
                    && match c.code {
                        generated::runtime::registry::ErrorCodeValue::Int(i) => {
                            code.as_i64() == Some(i)
                        }
                        generated::runtime::registry::ErrorCodeValue::Str(s) => {
                            code.as_str() == Some(s)
                        }
                    }
            }),
            "{what}"
        );
        (e.roundtrip)(ExampleKind::Error, ExampleScope::Body, raw).unwrap();
        seen.push(v.id);
    }
    seen.dedup();
    // Every venue with a parameter its spec can refuse (a type, a range, a required one that
    // can be left out) is covered; a venue whose only parameter is a required path segment
    // (KuCoin's clientOid) has none to refuse.
    assert!(seen.len() >= 4, "{seen:?}");
}
