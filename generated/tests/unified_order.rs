//! The unified `Order` of every order endpoint, from the docs' success examples. The expected
//! values are read off the docs' examples by hand (times converted with `date -u`), not
//! produced by the code under test.

use generated::VENUES;
use generated::runtime::order::{Order, OrderSide};
use generated::runtime::registry::{ExampleKind, ExampleScope};
use serde_json::{Value, json};

/// The unified order of the named success example.
fn order_of(venue: &str, endpoint: &str, example: &str) -> Order {
    let v = VENUES.iter().find(|v| v.id == venue).expect("venue");
    let e = v.endpoint(endpoint).expect("endpoint");
    let x = e
        .examples
        .iter()
        .find(|x| x.name == example && x.kind == ExampleKind::Success)
        .expect("example");
    let to_order = e.to_order.expect("endpoint maps onto Order");
    to_order(x.scope, x.body.as_bytes())
        .expect("example parses")
        .expect("the payload holds its record")
}

fn json_of(order: &Order) -> Value {
    serde_json::to_value(order).expect("serialises")
}

#[test]
fn bitmart_filled_limit_order() {
    let got = json_of(&order_of("bitmart", "query_client_order", "docs_success"));
    let want = json!({
        "venue": "bitmart",
        "order_id": "118100034543076010",
        "client_order_id": "118100034543076010",
        "symbol": "BTC_USDT",
        "side": "buy",
        "order_type": "limit",
        "status": "filled",
        "price": "48800.00",
        "average_price": "39999.00",
        "quantity": "0.10000",
        "filled_quantity": "0.10000",
        "filled_quote": "3999.90000",
        "created_at": "2023-04-17T03:19:17.927Z",
        "updated_at": "2023-04-17T03:19:19.408Z",
    });
    assert_eq!(got, want);
}

#[test]
fn bitget_first_item_of_the_list_with_times_in_strings() {
    let got = json_of(&order_of("bitget", "get_order_info", "docs_success"));
    let want = json!({
        "venue": "bitget",
        "order_id": "121211212122",
        "client_order_id": "121211212122",
        "symbol": "BTCUSDT",
        "side": "buy",
        "order_type": "market",
        "status": "filled",
        // "0" for a market order.
        "price": "0",
        "average_price": "13000.0000000000000000",
        // A market buy's size is in quote coins (the docs' table).
        "quantity": "10.0000000000000000",
        "filled_quantity": "0.0007000000000000",
        "filled_quote": "9.1000000000000000",
        // cTime "1695865232127" and uTime "1695865233051", milliseconds in strings.
        "created_at": "2023-09-28T01:40:32.127Z",
        "updated_at": "2023-09-28T01:40:33.051Z",
    });
    assert_eq!(got, want);
}

#[test]
fn htx_side_from_the_type_and_no_average_before_a_fill() {
    let got = json_of(&order_of("htx", "get_client_order", "docs_success"));
    let want = json!({
        "venue": "htx",
        "order_id": "357632718898331",
        "client_order_id": "23456",
        "symbol": "adausdt",
        "side": "buy",
        "order_type": "limit_maker",
        "status": "open",
        "price": "1.000000000000000000",
        // field-cash-amount / field-amount = 0.0 / 0.0: no average.
        "average_price": null,
        "quantity": "5.000000000000000000",
        "filled_quantity": "0.0",
        "filled_quote": "0.0",
        "created_at": "2021-09-03T06:10:06.687Z",
        // finished-at and canceled-at are 0 (unset): the creation time.
        "updated_at": "2021-09-03T06:10:06.687Z",
    });
    assert_eq!(got, want);
}

#[test]
fn htx_average_is_the_exact_quotient_once_filled() {
    let v = VENUES.iter().find(|v| v.id == "htx").unwrap();
    let e = v.endpoint("get_client_order").unwrap();
    let body = e.examples[0]
        .body
        .replace(r#""field-amount":"0.0""#, r#""field-amount":"3""#)
        .replace(
            r#""field-cash-amount":"0.0""#,
            r#""field-cash-amount":"2.9997""#,
        )
        .replace(r#""state":"submitted""#, r#""state":"partial-canceled""#)
        .replace(r#""canceled-at":0"#, r#""canceled-at":1630649500000"#);
    assert!(body.contains("2.9997"), "{body}");
    let order = (e.to_order.unwrap())(ExampleScope::Body, body.as_bytes())
        .unwrap()
        .unwrap();
    assert_eq!(order.average_price.unwrap().to_string(), "0.9999");
    assert_eq!(order.status.as_str(), "partially_canceled");
    assert_eq!(
        order.updated_at.unwrap().to_rfc3339(),
        "2021-09-03T06:11:40+00:00"
    );
}

#[test]
fn binance_trailing_stop_and_payload_only_example() {
    let got = json_of(&order_of("binance_usdm", "order_status", "docs_success"));
    let want = json!({
        "venue": "binance_usdm",
        "order_id": "1917641",
        "client_order_id": "abc",
        "symbol": "BTCUSDT",
        "side": "buy",
        "order_type": "trailing_stop_market",
        "status": "open",
        "price": "0",
        "average_price": "0.00000",
        "quantity": "0.40",
        "filled_quantity": "0",
        "filled_quote": "0",
        "created_at": "2020-01-17T15:59:16.075Z",
        "updated_at": "2020-01-17T15:59:16.075Z",
    });
    assert_eq!(got, want);
    let zh = order_of("binance_usdm", "order_status", "docs_success_zh_payload");
    assert_eq!(zh.order_id, "1573346959");
}

#[test]
fn p99_uuid_id_and_seconds() {
    let got = json_of(&order_of("p99", "query_order", "docs_success"));
    let want = json!({
        "venue": "p99",
        "order_id": "9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10",
        "client_order_id": null,
        "symbol": "DFUSDT",
        "side": "buy",
        "order_type": "limit",
        "status": "filled",
        "price": "0.5000",
        "average_price": "0.4990",
        "quantity": "100",
        "filled_quantity": "100",
        "filled_quote": null,
        "created_at": "2026-05-10T08:00:00Z",
        "updated_at": "2026-05-10T08:01:30Z",
    });
    assert_eq!(got, want);
}

#[test]
fn an_unmapped_state_is_kept_raw() {
    let v = VENUES.iter().find(|v| v.id == "p99").unwrap();
    let e = v.endpoint("query_order").unwrap();
    let body = e.examples[0]
        .body
        .replace(r#""status":"filled""#, r#""status":"expired_by_risk""#);
    let order = (e.to_order.unwrap())(ExampleScope::Body, body.as_bytes())
        .unwrap()
        .unwrap();
    assert_eq!(order.status.as_str(), "expired_by_risk");
    assert!(order.status.is_unknown());
}

#[test]
fn bitstamp_answer_without_market_or_type_says_so() {
    // ccxt's capture of 2021 (before the docs added `market` and `type`): id 1429545880227846,
    // status "Finished", no `market`, no `type`, no `client_order_id`.
    let got = json_of(&order_of(
        "bitstamp",
        "order_status",
        "ccxt_finished_with_transaction",
    ));
    let want = json!({
        "venue": "bitstamp",
        "order_id": "1429545880227846",
        "client_order_id": null,
        "symbol": "",
        // `Unknown("")`: the answer does not say.
        "side": "unknown()",
        "order_type": null,
        "status": "filled",
        "price": null,
        "average_price": null,
        "quantity": null,
        "filled_quantity": null,
        "filled_quote": null,
        "created_at": null,
        "updated_at": null,
    });
    assert_eq!(got, want);
    let v = VENUES.iter().find(|v| v.id == "bitstamp").unwrap();
    let e = v.endpoint("order_status").unwrap();
    assert_eq!(e.order_may_lack, ["symbol", "side"]);
}

#[test]
fn bitstamp_market_and_type_of_the_current_schema() {
    // The docs' schema since 2023-08-31: `market` "BTC/USD"-style, `type` "0" buy / "1" sell.
    // XChange's capture of a canceled order, with the two members the schema now lists.
    let v = VENUES.iter().find(|v| v.id == "bitstamp").unwrap();
    let e = v.endpoint("order_status").unwrap();
    let x = e
        .examples
        .iter()
        .find(|x| x.name == "xchange_canceled_without_fills")
        .unwrap();
    let body = x
        .body
        .replacen('{', r#"{"market": "ETH/USD", "type": "1", "#, 1);
    let order = (e.to_order.unwrap())(x.scope, body.as_bytes())
        .unwrap()
        .unwrap();
    assert_eq!(order.symbol, "ETH/USD");
    assert_eq!(order.side, OrderSide::Sell);
    assert_eq!(order.status.as_str(), "canceled");
    assert_eq!(order.order_id, "1372542846992384");
    let odd = x.body.replacen('{', r#"{"type": "2", "#, 1);
    let order = (e.to_order.unwrap())(x.scope, odd.as_bytes())
        .unwrap()
        .unwrap();
    assert_eq!(order.side, OrderSide::Unknown("2".into()));
}

#[test]
fn every_order_endpoint_maps_its_success_examples() {
    let mut mapped = 0;
    for v in VENUES {
        for e in v.endpoints {
            let Some(to_order) = e.to_order else { continue };
            for x in e.examples.iter().filter(|x| x.kind == ExampleKind::Success) {
                let o = to_order(x.scope, x.body.as_bytes())
                    .unwrap_or_else(|err| panic!("{}/{}/{}: {err}", v.id, e.id, x.name))
                    .unwrap_or_else(|| panic!("{}/{}/{}: no record", v.id, e.id, x.name));
                assert_eq!(o.venue, v.id);
                assert!(!o.order_id.is_empty() && !o.status.is_unknown());
                // A member is missing only where the spec says the answer may lack it, and
                // then it says so (empty, `Unknown("")`) rather than holding a made-up value.
                let may_lack = |member| e.order_may_lack.contains(&member);
                let where_ = format!("{}/{}/{}", v.id, e.id, x.name);
                assert!(
                    !o.symbol.is_empty() || may_lack("symbol"),
                    "{where_}: symbol"
                );
                if let OrderSide::Unknown(raw) = &o.side {
                    assert!(raw.is_empty() && may_lack("side"), "{where_}: side {raw:?}");
                }
                mapped += 1;
            }
        }
    }
    assert!(mapped >= 5, "success examples of order endpoints: {mapped}");
}

/// Gate's `open` covers a partly filled order (its docs' states are open, closed, cancelled):
/// the docs' example with half its amount filled and the order still open is
/// `partially_filled`; with nothing filled it stays `open`.
#[test]
fn gate_open_after_a_fill_is_partially_filled() {
    let v = VENUES.iter().find(|v| v.id == "gate").unwrap();
    let e = v.endpoint("get_order").unwrap();
    let open = e.examples[0]
        .body
        .replace(r#""status":"closed""#, r#""status":"open""#)
        .replace(r#""left":"0""#, r#""left":"0.0005""#)
        .replace(r#""filled_amount":"0.001""#, r#""filled_amount":"0.0005""#);
    assert!(open.contains(r#""left":"0.0005""#), "{open}");
    let order = |body: &str| {
        (e.to_order.unwrap())(ExampleScope::Body, body.as_bytes())
            .unwrap()
            .unwrap()
    };
    assert_eq!(order(&open).status.as_str(), "partially_filled");
    let untouched = open.replace(r#""filled_amount":"0.0005""#, r#""filled_amount":"0""#);
    assert_eq!(order(&untouched).status.as_str(), "open");
}

/// Deribit's docs example (`private/get_order_state`, "real example"): numbers are bare JSON
/// numbers (`37`, `118.94`) and the empty `label` is no client order id. The same order still
/// open with 10 of 37 filled is `partially_filled` (Deribit has no such state); an open stop
/// market order whose price is `"market_price"` has no unified price.
#[test]
fn deribit_json_numbers_empty_label_and_open_with_fills() {
    let got = json_of(&order_of("deribit", "get_order_state", "docs_success"));
    let want = json!({
        "venue": "deribit",
        "order_id": "ETH-331562",
        "client_order_id": null,
        "symbol": "ETH-PERPETUAL",
        "side": "sell",
        "order_type": "limit",
        "status": "filled",
        "price": "118.94",
        "average_price": "118.94",
        "quantity": "37",
        "filled_quantity": "37",
        "filled_quote": null,
        "created_at": "2019-02-15T08:35:49.176Z",
        "updated_at": "2019-02-15T08:36:50.944Z",
    });
    assert_eq!(got, want);

    let v = VENUES.iter().find(|v| v.id == "deribit").unwrap();
    let e = v.endpoint("get_order_state").unwrap();
    let open = e.examples[0]
        .body
        .replace(r#""order_state":"filled""#, r#""order_state":"open""#)
        .replace(r#""filled_amount":37"#, r#""filled_amount":10"#);
    assert!(open.contains(r#""filled_amount":10"#), "{open}");
    let order = |body: &str| {
        (e.to_order.unwrap())(ExampleScope::Body, body.as_bytes())
            .unwrap()
            .unwrap()
    };
    assert_eq!(order(&open).status.as_str(), "partially_filled");
    let untouched = open.replace(r#""filled_amount":10"#, r#""filled_amount":0"#);
    assert_eq!(order(&untouched).status.as_str(), "open");

    let stop = order_of(
        "deribit",
        "get_order_state",
        "docs_untriggered_stop_market_payload",
    );
    assert_eq!((stop.price, stop.status.as_str()), (None, "open"));
    assert_eq!(stop.quantity.map(|q| q.to_string()).as_deref(), Some("100"));
}

#[test]
fn bitfinex_positional_order_side_by_sign_and_status_sentences() {
    let got = json_of(&order_of(
        "bitfinex",
        "retrieve_orders",
        "docs_active_order",
    ));
    // The docs' order array: ID 34930659963, CID 1574955083558, AMOUNT = AMOUNT_ORIG =
    // 0.201104 (positive: a buy, nothing filled), EXCHANGE LIMIT, ACTIVE, PRICE 120,
    // MTS_CREATE 1574955083558 / MTS_UPDATE 1574955083573 (`date -u -d @1574955083.558`).
    let want = json!({
        "venue": "bitfinex",
        "order_id": "34930659963",
        "client_order_id": "1574955083558",
        "symbol": "tETHUSD",
        "side": "buy",
        "order_type": "limit",
        "status": "open",
        "price": "120",
        "average_price": "0",
        "quantity": "0.201104",
        "filled_quantity": "0.000000",
        "filled_quote": null,
        "created_at": "2019-11-28T15:31:23.558Z",
        "updated_at": "2019-11-28T15:31:23.573Z",
    });
    assert_eq!(got, want);

    // The same array as a sell of 0.3 with 0.1 left, under the status sentences the docs
    // list ("EXECUTED @ 107.6(-0.2)" is the docs' own example).
    let v = VENUES.iter().find(|v| v.id == "bitfinex").unwrap();
    let e = v.endpoint("retrieve_orders").unwrap();
    let docs = e.examples[0].body;
    let sell = docs.replace("0.201104,0.201104", "-0.1,-0.3");
    assert_ne!(sell, docs);
    let order = |status: &str| {
        let body = sell.replace(r#""ACTIVE""#, &format!("{status:?}"));
        (e.to_order.unwrap())(ExampleScope::Body, body.as_bytes())
            .unwrap()
            .unwrap()
    };
    let o = order("EXECUTED @ 107.6(-0.2): was PARTIALLY FILLED @ 107.6(-0.1)");
    assert_eq!(o.side.as_str(), "sell");
    assert_eq!(o.status.as_str(), "filled");
    assert_eq!(o.quantity.map(|q| q.to_string()).as_deref(), Some("0.3"));
    assert_eq!(
        o.filled_quantity.map(|q| q.to_string()).as_deref(),
        Some("0.2")
    );
    let partial = order("PARTIALLY FILLED @ 107.6(-0.2)");
    assert_eq!(partial.status.as_str(), "partially_filled");
    let canceled = order("CANCELED was: PARTIALLY FILLED @ 107.6(-0.2)");
    assert_eq!(canceled.status.as_str(), "partially_canceled");
    let margin = order("INSUFFICIENT MARGIN was: PARTIALLY FILLED @ 107.6(-0.2)");
    assert_eq!(margin.status.as_str(), "partially_canceled");
    let balance = order("INSUFFICIENT BALANCE (U1)");
    assert_eq!(balance.status.as_str(), "partially_canceled");
    // A state the spec does not list keeps its word.
    assert_eq!(order("NEW STATE @ 1(1)").status.as_str(), "NEW STATE");
}

#[test]
fn coinbase_creation_time_from_its_rfc3339_text() {
    let got = json_of(&order_of(
        "coinbase",
        "get_order",
        "docs_example_one_configuration",
    ));
    let want = json!({
        "venue": "coinbase",
        "order_id": "0000-000000-000000",
        "client_order_id": "11111-000000-000000",
        "symbol": "BTC-USD",
        "side": "buy",
        // No type: order_type is UNKNOWN_ORDER_TYPE and the spec maps none.
        "order_type": null,
        // PENDING with a filled size of 0.001: partly filled.
        "status": "partially_filled",
        "price": null,
        "average_price": "50",
        "quantity": null,
        "filled_quantity": "0.001",
        "filled_quote": "10000",
        // created_time "2021-05-31T09:59:59.000Z".
        "created_at": "2021-05-31T09:59:59Z",
        // Neither last_update_time nor last_fill_time is in the example.
        "updated_at": null,
    });
    assert_eq!(got, want);
}
