//! The docs' examples, parsed into the generated types, hold exactly the values the docs show:
//! decimals with their scale, ids at full width, timestamps with their unit, null vs absent.

use std::str::FromStr;

use rust_decimal::Decimal;

use generated::{binance_usdm, bitmart, htx, p99};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn example(venue: &str, endpoint: &str, name: &str) -> &'static str {
    let v = generated::VENUES.iter().find(|v| v.id == venue).unwrap();
    let e = v.endpoint(endpoint).unwrap();
    e.examples.iter().find(|x| x.name == name).unwrap().body
}

#[test]
fn bitmart_docs_example() {
    use bitmart::query_client_order::{CancelSource, OrderState, OrderType, Side, StpMode};
    let raw = example("bitmart", "query_client_order", "docs_success");
    let body = bitmart::query_client_order::parse_response(raw.as_bytes()).unwrap();
    assert_eq!((body.code, body.message.as_str()), (1000, "success"));
    let o = body.data;
    assert_eq!(o.order_id, 118_100_034_543_076_010_u64);
    assert_eq!(o.client_order_id, "118100034543076010");
    assert_eq!(
        (o.side, o.order_type, o.state),
        (Side::Buy, OrderType::Limit, OrderState::Filled)
    );
    assert_eq!(o.cancel_source, Some(CancelSource::NotCanceled));
    assert_eq!(o.stp_mode, Some(StpMode::CancelMaker));
    assert_eq!(o.price, dec("48800.00"));
    assert_eq!(o.price.to_string(), "48800.00", "the wire's scale is kept");
    assert_eq!(o.filled_notional.to_string(), "3999.90000");
    assert_eq!(o.create_time.get(), 1_681_701_557_927);
    assert!(o.update_time > o.create_time);
}

#[test]
fn bitmart_older_capture_without_newer_fields() {
    // cancelSource and stpMode are newer fields: a body without them still parses.
    let raw = example("bitmart", "query_client_order", "docs_success");
    let mut v: serde_json::Value = serde_json::from_str(raw).unwrap();
    let data = v["data"].as_object_mut().unwrap();
    data.remove("cancelSource");
    data.remove("stpMode");
    let body = bitmart::query_client_order::parse_response(v.to_string().as_bytes()).unwrap();
    assert_eq!((body.data.cancel_source, body.data.stp_mode), (None, None));
}

#[test]
fn htx_docs_example_follows_the_wire_not_the_table() {
    use htx::get_client_order::{OrderSource, OrderState, OrderType};
    let raw = example("htx", "get_client_order", "docs_success");
    let body = htx::get_client_order::parse_response(raw.as_bytes()).unwrap();
    assert_eq!(body.status, "ok");
    let o = body.data;
    assert_eq!(o.id, 357_632_718_898_331);
    assert_eq!(
        o.symbol, "adausdt",
        "the table says long; the wire sends a string"
    );
    assert_eq!(
        o.created_at.get(),
        1_630_649_406_687,
        "the table says string; the wire sends a number"
    );
    assert!(o.finished_at.is_zero() && o.canceled_at.is_zero());
    assert_eq!(o.order_type, OrderType::BuyLimitMaker);
    assert_eq!(o.source, OrderSource::SpotApi);
    assert_eq!(o.state, OrderState::Submitted);
    assert_eq!(o.amount.to_string(), "5.000000000000000000");
    assert_eq!(o.field_amount, Decimal::ZERO);
    assert_eq!(
        (o.canceled_source, o.stop_price, o.operator),
        (None, None, None)
    );
}

#[test]
fn htx_error_body() {
    let raw = example("htx", "get_client_order", "not_found");
    let e = htx::get_client_order::parse_error(raw.as_bytes()).unwrap();
    assert_eq!(
        (e.err_code.as_str(), e.err_msg.as_str()),
        ("base-record-invalid", "record invalid")
    );
    assert_eq!(e.data, Some(None), "data is present and null");
}

#[test]
fn binance_docs_example() {
    use binance_usdm::order_status::{OrderStatus, OrderType, PositionSide, Side};
    let raw = example("binance_usdm", "order_status", "docs_success");
    let body = binance_usdm::order_status::parse_response(raw.as_bytes()).unwrap();
    assert_eq!(
        body.id,
        Some(generated::runtime::wire::Id::String(
            "605a6d20-6588-4cb9-afa0-b0ab087507ba".into()
        ))
    );
    assert_eq!(body.status, 200);
    assert_eq!(body.rate_limits, None);
    let o = body.result;
    assert_eq!(o.order_id, 1_917_641);
    assert_eq!((o.side, o.position_side), (Side::Buy, PositionSide::Short));
    assert_eq!(
        (o.status, o.order_type),
        (OrderStatus::New, OrderType::TrailingStopMarket)
    );
    assert_eq!(o.orig_qty.to_string(), "0.40");
    assert_eq!(o.activate_price, Some(dec("9020")));
    assert_eq!(o.price_rate, Some(dec("0.3")));
    assert_eq!((o.price_match, o.good_till_date), (None, None));
}

#[test]
fn binance_error_with_rate_limits() {
    use binance_usdm::{RateLimitInterval, RateLimitType};
    let raw = example("binance_usdm", "order_status", "mandatory_param_1102");
    let e = binance_usdm::order_status::parse_error(raw.as_bytes()).unwrap();
    assert_eq!((e.status, e.error.code), (400, -1102));
    let limits = e.rate_limits.unwrap();
    assert_eq!(limits.len(), 3);
    assert_eq!(limits[0].rate_limit_type, RateLimitType::RequestWeight);
    assert_eq!(
        (&limits[1].interval, limits[1].interval_num, limits[1].limit),
        (&RateLimitInterval::Second, 10, 300)
    );
    let revoked = binance_usdm::order_status::parse_error(
        example("binance_usdm", "order_status", "key_revoked_2015").as_bytes(),
    )
    .unwrap();
    assert_eq!(revoked.id, None, "null id");
}

#[test]
fn p99_docs_example_nulls_and_seconds() {
    use p99::query_order::{OrderStatus, Side, TimeInForce};
    let raw = example("p99", "query_order", "docs_success");
    let o = p99::query_order::parse_response(raw.as_bytes()).unwrap();
    assert_eq!(
        o.id,
        uuid::Uuid::parse_str("9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10").unwrap()
    );
    assert_eq!(
        (o.side, o.time_in_force, o.status),
        (Side::Buy, TimeInForce::Gtc, OrderStatus::Filled)
    );
    assert_eq!((o.quote_quantity, o.reject_reason.as_deref()), (None, None));
    assert_eq!(o.avg_fill_price.to_string(), "0.4990");
    assert_eq!(
        o.updated_at.get() - o.created_at.get(),
        90,
        "seconds, not milliseconds"
    );
    let secs = o
        .created_at
        .to_system_time()
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    assert_eq!(secs.as_secs(), 1_778_400_000);
}

#[test]
fn a_new_enum_value_is_kept_not_rejected() {
    use bitmart::query_client_order::OrderState;
    let raw = example("bitmart", "query_client_order", "docs_success")
        .replace("\"filled\"", "\"pending_review\"");
    let body = bitmart::query_client_order::parse_response(raw.as_bytes()).unwrap();
    assert_eq!(
        body.data.state,
        OrderState::Unknown("pending_review".into())
    );
    assert!(body.data.state.is_unknown());
    let back = serde_json::to_value(&body).unwrap();
    assert_eq!(
        back["data"]["state"], "pending_review",
        "and serialised back verbatim"
    );
}

#[test]
fn a_new_field_does_not_break_parsing() {
    let raw = example("p99", "query_order", "docs_success").replacen(
        '{',
        "{\"fills\": [], \"venue_extra\": 1,",
        1,
    );
    assert!(p99::query_order::parse_response(raw.as_bytes()).is_ok());
}

#[test]
fn bad_bodies_are_typed_errors_with_the_raw_body() {
    let html = b"<html><body><h1>502 Bad Gateway</h1></body></html>";
    let e = htx::get_client_order::parse_response(html).unwrap_err();
    assert_eq!(e.raw.as_bytes(), html);
    let full = example("bitmart", "query_client_order", "docs_success");
    let truncated = &full[..full.len() / 2];
    let e = bitmart::query_client_order::parse_response(truncated.as_bytes()).unwrap_err();
    assert_eq!(e.raw, truncated);
    assert!(e.message.contains("EOF"), "{}", e.message);
    // A number where the wire has a string id is refused, not misread.
    let wrong = full.replacen("\"118100034543076010\"", "118100034543076010", 1);
    let e = bitmart::query_client_order::parse_response(wrong.as_bytes()).unwrap_err();
    assert!(
        e.message.contains("orderId") || e.message.contains("string"),
        "{}",
        e.message
    );
    // Not UTF-8 at all.
    let e = p99::query_order::parse_response(&[0xff, 0xfe, 0x00]).unwrap_err();
    assert_eq!(e.raw, "\u{fffd}\u{fffd}\u{0}");
}
