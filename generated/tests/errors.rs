//! Error classification, driven by each venue's spec data: every docs example lands where the
//! spec says it must, success rules hold under HTTP 200, and bodies that are not JSON keep
//! their raw text.

use generated::VENUES;
use generated::runtime::error::classify::{check, error, kind_for_status};
use generated::runtime::error::{ErrorKind, VenueError, WireCode};
use generated::runtime::registry::{ExampleKind, ExampleScope, TransportInfo, VenueInfo};

fn venue(id: &str) -> &'static VenueInfo {
    VENUES.iter().find(|v| v.id == id).expect("venue")
}

/// Whether the venue's endpoints are reached over WebSocket (no HTTP status).
fn is_ws(v: &VenueInfo) -> bool {
    v.endpoints
        .iter()
        .all(|e| matches!(e.transport, TransportInfo::Ws { .. }))
}

fn status_for(v: &VenueInfo, http: Option<u16>) -> Option<u16> {
    if is_ws(v) {
        None
    } else {
        Some(http.unwrap_or(200))
    }
}

#[test]
fn every_docs_error_example_classifies_as_its_spec_says() {
    let mut seen = 0;
    for v in VENUES {
        for e in v.endpoints {
            for x in e.examples.iter().filter(|x| x.kind == ExampleKind::Error) {
                let want = x.error_kind.unwrap_or_else(|| {
                    panic!(
                        "{} {} {}: error example without error_kind",
                        v.id, e.id, x.name
                    )
                });
                let status = status_for(v, x.http_status);
                let got = check(v, e.id, status, x.body.as_bytes(), None)
                    .expect_err("an error example is not a success");
                assert_eq!(got.kind(), want, "{} {} {}: {got}", v.id, e.id, x.name);
                assert_eq!(got.raw_body(), Some(x.body), "{}", x.name);
                // The code is read; an error the venue tells by its message alone (no code
                // in the body, `errors.messages`) has its message read instead.
                let body: serde_json::Value = serde_json::from_str(x.body).unwrap();
                if body.pointer(v.error_code_pointer).is_some() {
                    assert!(
                        got.code().is_some(),
                        "{} {}: the code is read",
                        v.id,
                        x.name
                    );
                } else {
                    assert!(
                        got.message().is_some(),
                        "{} {}: the message is read",
                        v.id,
                        x.name
                    );
                }
                seen += 1;
            }
        }
    }
    assert!(seen >= 9, "only {seen} error examples");
}

/// A success whose payload holds no record where the endpoint reads one (`response.record`:
/// the first item of a list) is not found: the docs' success body with its list emptied.
#[test]
fn a_success_without_its_record_is_not_found() {
    let mut seen = 0;
    for v in VENUES {
        for e in v.endpoints.iter().filter(|e| !e.record.is_empty()) {
            let bodies = e
                .examples
                .iter()
                .filter(|x| x.kind == ExampleKind::Success && x.scope == ExampleScope::Body);
            for x in bodies {
                let status = status_for(v, x.http_status);
                assert!(check(v, e.id, status, x.body.as_bytes(), None).is_ok());
                let mut body: serde_json::Value = serde_json::from_str(x.body).unwrap();
                let payload = match v.payload_pointer {
                    Some(p) => body.pointer_mut(p).unwrap(),
                    None => &mut body,
                };
                assert!(payload.is_array(), "{} {}: a list payload", v.id, e.id);
                *payload = serde_json::Value::Array(Vec::new());
                let raw = body.to_string();
                let got = check(v, e.id, status, raw.as_bytes(), None)
                    .expect_err("no record is not a success");
                assert_eq!(got.kind(), ErrorKind::NotFound, "{} {}: {got}", v.id, e.id);
                assert_eq!(got.raw_body(), Some(raw.as_str()));
                if let Some(to_order) = e.to_order {
                    let order = to_order(ExampleScope::Body, raw.as_bytes()).unwrap();
                    assert_eq!(order, None, "{} {}", v.id, e.id);
                }
                seen += 1;
            }
        }
    }
    assert!(seen >= 1, "no endpoint reads its record from a list");
}

#[test]
fn every_docs_success_body_is_a_success() {
    for v in VENUES {
        for e in v.endpoints {
            for x in e
                .examples
                .iter()
                .filter(|x| x.kind == ExampleKind::Success && x.scope == ExampleScope::Body)
            {
                let status = status_for(v, x.http_status);
                if let Err(err) = check(v, e.id, status, x.body.as_bytes(), None) {
                    panic!("{} {} {}: {err}", v.id, e.id, x.name);
                }
                // And the typed payload decodes.
                (e.payload_json)(x.body.as_bytes()).expect("payload decodes");
            }
        }
    }
}

/// Whether the venue documents no timestamp code of its own and an `Auth` error, so that a
/// stale timestamp reaches the client as that: p99's bodiless 401 (a status-only error), or
/// Deribit's log-on, refused with an authentication code ("any request with an old timestamp
/// will be rejected", no code named).
fn merges_stale_into_auth(v: &VenueInfo) -> bool {
    (v.error_statuses.iter().any(|s| s.kind == ErrorKind::Auth)
        || v.error_codes
            .iter()
            .any(|c| c.kind == Some(ErrorKind::Auth)))
        && !v
            .error_codes
            .iter()
            .any(|c| c.kind == Some(ErrorKind::TimestampOutsideWindow))
}

/// Every common kind the issue lists can come out of each venue's spec data: from its code
/// table, or from an HTTP(-like) status the venue sends.
#[test]
fn every_venue_kind_is_reachable_from_spec_data() {
    use ErrorKind::*;
    for v in VENUES {
        for kind in [
            NotFound,
            Auth,
            TimestampOutsideWindow,
            RateLimited,
            InvalidRequest,
            Server,
        ] {
            let by_code = v.error_codes.iter().any(|c| c.kind == Some(kind))
                || v.error_statuses.iter().any(|s| s.kind == kind);
            let by_status = (!is_ws(v) || v.error_status_pointer.is_some())
                && [400, 401, 404, 429, 500]
                    .into_iter()
                    .any(|s| kind_for_status(s) == Some(kind));
            // A venue that answers a stale timestamp with its authentication error (p99's
            // empty 401, as its spec says; Deribit, which names no code) reports it as Auth.
            let documented_merge = kind == TimestampOutsideWindow && merges_stale_into_auth(v);
            assert!(
                by_code || by_status || documented_merge,
                "{}: nothing in the spec yields {kind:?}",
                v.id
            );
        }
        // The venue-specific kinds that need the code table, not a status.
        if v.id == "p99" {
            assert!(
                merges_stale_into_auth(v),
                "p99's docs: a stale timestamp is a bare 401"
            );
        } else if !merges_stale_into_auth(v) {
            assert!(
                v.error_codes
                    .iter()
                    .any(|c| c.kind == Some(TimestampOutsideWindow)),
                "{}: no timestamp code",
                v.id
            );
        }
    }
}

fn kind(v: &str, status: Option<u16>, body: &str) -> (ErrorKind, VenueError) {
    let err = check(venue(v), "e", status, body.as_bytes(), None).unwrap_err();
    (err.kind(), err)
}

#[test]
fn bitmart_errors_under_http_200_are_errors() {
    let (k, e) = kind(
        "bitmart",
        Some(200),
        r#"{"code":30016,"message":"Service maintenance, the function is temporarily unavailable","trace":"t","data":{}}"#,
    );
    assert_eq!(k, ErrorKind::Server);
    assert_eq!(e.code(), Some(&WireCode::Int(30016)));
    assert_eq!(e.http_status(), Some(200));
    let (k, _) = kind(
        "bitmart",
        Some(200),
        r#"{"code":30019,"message":"You do not have the permissions","data":{}}"#,
    );
    assert_eq!(k, ErrorKind::Auth);
    // The same envelope with code 1000 is a success.
    assert!(
        check(
            venue("bitmart"),
            "e",
            Some(200),
            br#"{"code":1000,"message":"OK","data":{}}"#,
            None
        )
        .is_ok()
    );
}

/// Bitstamp marks errors with `"status": "error"` (`errors.detect`), under HTTP 200 too: a
/// codeless error is classified by its message (`errors.messages`, the order status page's
/// "Possible errors"), an unclassified one is `Unknown` with its raw body (not a decode
/// error), an authentication code by the docs' code table, and an order whose `status` is
/// one of its own values is a success.
#[test]
fn bitstamp_error_bodies_are_told_by_status_then_message_or_code() {
    let (k, e) = kind(
        "bitstamp",
        Some(200),
        r#"{"status": "error", "reason": "Invalid order id"}"#,
    );
    assert_eq!(k, ErrorKind::InvalidRequest);
    assert_eq!(e.message(), Some("Invalid order id"));
    assert_eq!(e.code(), None);
    let odd = r#"{"status": "error", "reason": {"__all__": ["Something new."]}}"#;
    let (k, e) = kind("bitstamp", Some(200), odd);
    assert_eq!(k, ErrorKind::Unknown);
    assert_eq!(e.raw_body(), Some(odd));
    let (k, e) = kind(
        "bitstamp",
        Some(403),
        r#"{"status": "error", "reason": "X-Auth-Timestamp header is out of boundaries", "code": "API0017"}"#,
    );
    assert_eq!(k, ErrorKind::TimestampOutsideWindow);
    assert_eq!(e.code(), Some(&WireCode::Str("API0017".into())));
    for status in ["Open", "Finished", "Expired", "Canceled", "Cancel pending"] {
        let body = format!(
            r#"{{"status": "{status}", "id": 1, "amount_remaining": "0", "transactions": []}}"#
        );
        assert!(
            check(venue("bitstamp"), "e", Some(200), body.as_bytes(), None).is_ok(),
            "{status}"
        );
    }
}

#[test]
fn htx_one_code_two_kinds_by_message() {
    let body = |msg: &str| {
        format!(
            r#"{{"status":"error","err-code":"api-signature-not-valid","err-msg":"{msg}","data":null}}"#
        )
    };
    let (k, _) = kind(
        "htx",
        Some(200),
        &body("Signature not valid: Verification failure [校验失败]"),
    );
    assert_eq!(k, ErrorKind::Auth);
    let (k, e) = kind(
        "htx",
        Some(200),
        &body("Signature not valid: Invalid submission time or incorrect time format"),
    );
    assert_eq!(k, ErrorKind::TimestampOutsideWindow);
    assert_eq!(
        e.code(),
        Some(&WireCode::Str("api-signature-not-valid".into()))
    );
    // A string code given as a number still matches (`510`).
    let (k, _) = kind(
        "htx",
        Some(200),
        r#"{"status":"error","err-code":510,"err-msg":"too often"}"#,
    );
    assert_eq!(k, ErrorKind::RateLimited);
}

#[test]
fn binance_ws_frames_use_the_status_inside_the_frame() {
    // A code not in the table: the frame's status decides.
    let (k, e) = kind(
        "binance_usdm",
        None,
        r#"{"id":"7","status":429,"error":{"code":-1099,"msg":"new"},"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":2400,"count":2401}]}"#,
    );
    assert_eq!(k, ErrorKind::RateLimited);
    assert_eq!(e.http_status(), Some(429));
    let VenueError::Api(api) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(api.rate_limits.as_ref().unwrap()[0]["count"], 2401);
    let (k, _) = kind(
        "binance_usdm",
        None,
        r#"{"id":"1","status":400,"error":{"code":-2013,"msg":"Order does not exist."}}"#,
    );
    assert_eq!(k, ErrorKind::NotFound);
    let (k, _) = kind(
        "binance_usdm",
        None,
        r#"{"id":"1","status":400,"error":{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}}"#,
    );
    assert_eq!(k, ErrorKind::TimestampOutsideWindow);
    let (k, _) = kind(
        "binance_usdm",
        None,
        r#"{"id":"1","status":503,"error":{"code":-1099,"msg":"?"}}"#,
    );
    assert_eq!(k, ErrorKind::Server);
}

#[test]
fn p99_status_only_errors() {
    for body in ["", "  \n"] {
        let (k, e) = kind("p99", Some(401), body);
        assert_eq!(k, ErrorKind::Auth);
        assert_eq!(e.raw_body(), Some(body));
        assert_eq!(e.code(), None);
    }
    // An undocumented code falls back to the HTTP status.
    let (k, e) = kind("p99", Some(404), r#"{"error":"SOMETHING_NEW"}"#);
    assert_eq!(k, ErrorKind::NotFound);
    assert_eq!(e.code(), Some(&WireCode::Str("SOMETHING_NEW".into())));
    let (k, _) = kind("p99", Some(429), "");
    assert_eq!(k, ErrorKind::RateLimited);
    // 418 is a ban, whatever the body says: BitMart's code table calls its 418 code
    // `rate_limited`, and Binance puts the 418 inside a WebSocket frame.
    let (k, _) = kind("p99", Some(418), r#"{"error":"banned"}"#);
    assert_eq!(k, ErrorKind::Banned);
    let (k, _) = kind("p99", Some(418), "<html>I'm a teapot</html>");
    assert_eq!(k, ErrorKind::Banned);
    let (k, e) = kind(
        "bitmart",
        Some(418),
        r#"{"code":30017,"message":"Your account request is temporarily rejected","data":{}}"#,
    );
    assert_eq!(
        (k, e.code()),
        (ErrorKind::Banned, Some(&WireCode::Int(30017)))
    );
    let (k, _) = kind(
        "binance_usdm",
        None,
        r#"{"id":"1","status":418,"error":{"code":-1003,"msg":"Way too many requests; IP banned until 1."}}"#,
    );
    assert_eq!(k, ErrorKind::Banned);
    let (k, _) = kind("p99", Some(403), r#"{"error":"x"}"#);
    assert_eq!(k, ErrorKind::Auth);
}

#[test]
fn bodies_that_are_not_json_are_decode_errors_with_the_raw_body() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    for (v, status, body) in [
        ("bitmart", Some(200), html),
        ("bitmart", Some(502), html),
        ("htx", Some(200), r#"{"status":"ok","data":{"id":1"#),
        ("p99", Some(200), ""),
        ("p99", Some(500), "<html>oops</html>"),
        ("binance_usdm", None, r#"{"id":"1","status":200,"result":"#),
    ] {
        let (k, e) = kind(v, status, body);
        assert_eq!(k, ErrorKind::Decode, "{v} {status:?} {body:?}: {e}");
        assert_eq!(e.raw_body(), Some(body));
        assert_eq!(e.http_status(), status);
    }
}

#[test]
fn json_of_neither_shape() {
    // 200 with a body that is neither an envelope success nor an error: decode error.
    let (k, _) = kind("htx", Some(200), r#"{"hello":"world"}"#);
    assert_eq!(k, ErrorKind::Decode);
    // Under an error status, the status decides.
    let (k, _) = kind("htx", Some(503), r#"{"hello":"world"}"#);
    assert_eq!(k, ErrorKind::Server);
    // An unknown code under 200 is a venue error of unknown kind.
    let (k, e) = kind(
        "bitmart",
        Some(200),
        r#"{"code":99999,"message":"new","data":{}}"#,
    );
    assert_eq!(k, ErrorKind::Unknown);
    assert_eq!(e.message(), Some("new"));
}

#[test]
fn error_display_names_venue_endpoint_kind_code_and_message() {
    let e = error(
        venue("bitmart"),
        "query_client_order",
        Some(400),
        br#"{"code":50005,"message":"Order Id not found","trace":"x","data":{}}"#,
        None,
    );
    assert_eq!(
        e.to_string(),
        "bitmart query_client_order: not found: code 50005: Order Id not found [HTTP 400]"
    );
}

/// Bitfinex's error arrays (`errors.positional`, `errors.discriminator`): the code at index 1
/// and the message at index 2, under HTTP 500 as captured, and an error array under a 2xx
/// is still an error; `[]` (no active order matches) is not found. Bodies: the wire captures
/// cited in specs/bitfinex (`["error", 10020, "limit: invalid"]`, github
/// arthurk/bitfinex-ohlc-import NOTES; `["error", 20060, "maintenance"]`, the same notes).
#[test]
fn bitfinex_error_arrays_classify_by_their_code_at_any_status() {
    let v = venue("bitfinex");
    let e = "retrieve_orders";
    let params = br#"["error",10020,"limit: invalid"]"#;
    for status in [500, 200] {
        let err = check(v, e, Some(status), params, None).expect_err("an error array");
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{status}: {err}");
        assert_eq!(err.code(), Some(&WireCode::Int(10020)), "{status}");
        let VenueError::Api(api) = &err else {
            panic!("{status}: {err}")
        };
        assert_eq!(api.code_name, Some("ERR_PARAMS"), "{status}");
        assert_eq!(err.message(), Some("limit: invalid"), "{status}");
    }
    let maintenance = br#"["error",20060,"maintenance"]"#;
    let err = check(v, e, Some(500), maintenance, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    let err = check(v, e, Some(200), b"[]", None).unwrap_err();
    assert_eq!(
        (err.kind(), err.raw_body()),
        (ErrorKind::NotFound, Some("[]"))
    );
    // An order array is a success: its element 0 is an id, not the text `error`.
    let docs = v.endpoint(e).unwrap().examples[0].body;
    assert!(check(v, e, Some(200), docs.as_bytes(), None).is_ok());
}

/// A rate-limited IP gets an object that fits no error shape of Bitfinex's: HTTP 429
/// `{ "error": "ERR_RATE_LIMIT"}` (the wire capture in github BitBotFactory/MikaLendingBot
/// issue #551, 2017-10-01). The status decides: rate limited, the raw body kept.
#[test]
fn bitfinex_rate_limit_object_is_told_by_its_status() {
    let v = venue("bitfinex");
    let body = r#"{ "error": "ERR_RATE_LIMIT"}"#;
    let err = check(v, "retrieve_orders", Some(429), body.as_bytes(), None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited, "{err}");
    assert_eq!(err.raw_body(), Some(body));
}
