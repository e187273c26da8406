//! Generated request builders refuse what the spec does not allow, and put what it allows on
//! the wire where the docs say.

use generated::runtime::request::{Location, RequestError, WireTransport, WireValue};
use generated::{binance_usdm, bitfinex, bitget, bitmart, htx, p99};

#[test]
fn bitmart_recv_window_range_is_enforced() {
    use bitmart::query_client_order::Request;
    let with = |w: i64| {
        Request::builder()
            .client_order_id("abc")
            .recv_window(w)
            .build()
    };
    for bad in [0, -1, 60_001, i64::MAX, i64::MIN] {
        assert_eq!(
            with(bad),
            Err(RequestError::OutOfRange {
                param: "recvWindow",
                value: bad.into(),
                range: "(0, 60000]"
            })
        );
    }
    for good in [1, 5000, 60_000] {
        assert!(with(good).is_ok(), "{good}");
    }
}

#[test]
fn bitmart_missing_required_parameter() {
    use bitmart::query_client_order::{QueryState, Request};
    let err = Request::builder()
        .query_state(QueryState::History)
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        RequestError::Missing {
            param: "clientOrderId"
        }
    );
    assert_eq!(
        err.to_string(),
        "missing required parameter `clientOrderId`"
    );
}

#[test]
fn bitmart_body_parameters_in_spec_order_with_json_types() {
    use bitmart::query_client_order::{QueryState, Request};
    let req = Request::builder()
        .client_order_id("118100034543076010")
        .query_state(QueryState::Open)
        .recv_window(5000)
        .build()
        .unwrap();
    let wire = req.to_wire();
    assert_eq!(
        wire.transport,
        WireTransport::Rest {
            method: "POST",
            path: "/spot/v4/query/client-order".into()
        }
    );
    let body = serde_json::Value::Object(wire.json_object(Location::Body).unwrap());
    // The docs' curl example body, member for member.
    assert_eq!(
        body.to_string(),
        r#"{"clientOrderId":"118100034543076010","queryState":"open","recvWindow":5000}"#
    );
    assert_eq!(QueryState::VALUES, ["open", "history"]);
    assert_eq!("history".parse::<QueryState>(), Ok(QueryState::History));
    let err = "all".parse::<QueryState>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "`all` is not a QueryState (expected one of `open`, `history`)"
    );
}

#[test]
fn bitget_at_least_one_of_order_id_and_client_oid() {
    // "Either Order ID or clientOid is required": one suffices, both are accepted.
    use bitget::get_order_info::Request;
    let none = Request::builder().receive_window(5000).build().unwrap_err();
    assert_eq!(
        none,
        RequestError::AtLeastOneOf {
            params: &["clientOid", "orderId"]
        }
    );
    assert_eq!(
        none.to_string(),
        "at least one of `clientOid`, `orderId` must be given"
    );
    for r in [
        Request::builder().order_id("1234567890"),
        Request::builder().client_oid("121211212122"),
        Request::builder()
            .order_id("1234567890")
            .client_oid("121211212122"),
    ] {
        assert!(r.build().is_ok());
    }
}

#[test]
fn bitfinex_cid_goes_with_cid_date() {
    // `cid`: "To use this, a cid_date must also be provided"; `cid_date`: "Provide alongside a
    // cid". One without the other is refused before anything is sent.
    use bitfinex::retrieve_orders::Request;
    let want = |given| RequestError::AllOrNoneOf {
        params: &["cid", "cid_date"],
        given,
    };
    let cid_only = Request::builder().cid(1_695_000_000_000).build();
    assert_eq!(cid_only.unwrap_err(), want(1));
    let date_only = Request::builder().cid_date("2023-09-18").build();
    assert_eq!(
        date_only.unwrap_err().to_string(),
        "`cid`, `cid_date` must be given together or not at all, got 1 of 2"
    );
    let both = Request::builder()
        .cid(1_695_000_000_000)
        .cid_date("2023-09-18")
        .build()
        .unwrap();
    let body = serde_json::Value::Object(both.to_wire().json_object(Location::Body).unwrap());
    assert_eq!(
        body,
        serde_json::json!({"cid": 1_695_000_000_000_i64, "cid_date": "2023-09-18"})
    );
    // Neither: all active orders.
    assert!(Request::builder().build().is_ok());
}

#[test]
fn binance_exactly_one_of_order_id_and_orig_client_order_id() {
    use binance_usdm::order_status::Request;
    let none = Request::builder().symbol("BTCUSDT").build().unwrap_err();
    assert_eq!(
        none,
        RequestError::ExactlyOneOf {
            params: &["orderId", "origClientOrderId"],
            given: 0
        }
    );
    let both = Request::builder()
        .symbol("BTCUSDT")
        .order_id(1)
        .orig_client_order_id("x")
        .build()
        .unwrap_err();
    assert_eq!(
        both,
        RequestError::ExactlyOneOf {
            params: &["orderId", "origClientOrderId"],
            given: 2
        }
    );
    let one = Request::builder()
        .symbol("BTCUSDT")
        .order_id(328_999_071)
        .build()
        .unwrap();
    let wire = one.to_wire();
    assert_eq!(
        wire.transport,
        WireTransport::Ws {
            method: "order.status"
        }
    );
    let params = serde_json::Value::Object(wire.json_object(Location::WsParams).unwrap());
    // INT params must be JSON integers (futures WS general info).
    assert_eq!(
        params,
        serde_json::json!({"symbol": "BTCUSDT", "orderId": 328_999_071})
    );
    let names: Vec<_> = binance_usdm::order_status::SUPPLIED_PARAMS
        .iter()
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(names, ["timestamp", "apiKey", "signature"]);
}

#[test]
fn p99_path_id_must_be_a_uuid() {
    use p99::query_order::Request;
    let err = Request::builder().id("not-a-uuid").build().unwrap_err();
    assert_eq!(
        err,
        RequestError::InvalidFormat {
            param: "id",
            expected: "a UUID",
            value: "not-a-uuid".into()
        }
    );
    let ok = Request::builder()
        .id("9F2A1C4E-5B67-4D8A-BF93-2E1F4A6C8D10")
        .build()
        .unwrap();
    let wire = ok.to_wire();
    // Canonical lower-case form in the path, as the docs' examples show it.
    assert!(matches!(
        wire.transport,
        WireTransport::Rest { method: "GET", .. }
    ));
    assert_eq!(
        wire.path().as_deref(),
        Some("/spot/orders/9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10")
    );
    assert_eq!(wire.at(Location::Query).count(), 0);
    let with_window = Request::builder()
        .id("9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10")
        .recv_window(60_001)
        .build();
    assert!(matches!(
        with_window,
        Err(RequestError::OutOfRange {
            param: "recvWindow",
            ..
        })
    ));
}

#[test]
fn htx_query_parameter() {
    use htx::get_client_order::Request;
    let req = Request::builder().client_order_id("a b/ü").build().unwrap();
    let wire = req.to_wire();
    let q: Vec<_> = wire.at(Location::Query).collect();
    assert_eq!(q.len(), 1);
    assert_eq!(
        (q[0].name.as_ref(), &q[0].value),
        ("clientOrderId", &WireValue::Str("a b/ü".into()))
    );
    assert_eq!(
        Request::builder().build().unwrap_err(),
        RequestError::Missing {
            param: "clientOrderId"
        }
    );
}
