//! The typed clients of the seed venues against the mock.

use super::*;

#[tokio::test]
async fn bitmart_typed_client() {
    use generated::bitmart::{Client, query_client_order};
    let mock = start().await;
    let v = venue("bitmart");
    let client = at_mock(Client::builder(), &mock, v).build().unwrap();
    let req = query_client_order::Request::builder()
        .client_order_id("118100034543076010")
        .build()
        .unwrap();
    let reply = client.query_client_order_reply(&req).await.unwrap();
    assert_eq!((reply.http_status, reply.attempts), (Some(200), 1));
    let order = reply.value;
    // From the docs' example.
    assert_eq!(order.order_id, 118_100_034_543_076_010);
    assert_eq!(order.price.to_string(), "48800.00");
    let unified = order.to_order();
    assert_eq!(unified.status.as_str(), "filled");
    assert_eq!(unified.filled_quantity.unwrap().to_string(), "0.10000");

    let missing = query_client_order::Request::builder()
        .client_order_id("1")
        .build()
        .unwrap();
    let err = client.query_client_order(&missing).await.unwrap_err();
    assert_documented(v, &query_client_order::INFO, ErrorKind::NotFound, &err);
    assert_eq!(err.message(), Some("Order Id not found"));
}

#[tokio::test]
async fn htx_typed_client() {
    use generated::htx::{Client, get_client_order};
    let mock = start().await;
    let v = venue("htx");
    let client = at_mock(Client::builder(), &mock, v)
        .clock_correction(ClockCorrection::Off)
        .build()
        .unwrap();
    let req = get_client_order::Request::builder()
        .client_order_id("23456")
        .build()
        .unwrap();
    let order = client.get_client_order(&req).await.unwrap();
    assert_eq!(order.id, 357_632_718_898_331);
    let unified = order.to_order();
    assert_eq!(unified.client_order_id.as_deref(), Some("23456"));
    assert_eq!(unified.status.as_str(), "open");

    // HTX answers errors with HTTP 200: the client still reports them as errors.
    mock.clock().set_offset_ms(10 * 60 * 1000);
    let err = client.get_client_order(&req).await.unwrap_err();
    assert_documented(
        v,
        &get_client_order::INFO,
        ErrorKind::TimestampOutsideWindow,
        &err,
    );
    mock.clock().set_offset_ms(0);
    assert!(client.get_client_order(&req).await.is_ok());
}

#[tokio::test]
async fn p99_typed_client_with_either_scheme() {
    use generated::p99::{Client, query_order};
    let mock = start().await;
    let v = venue("p99");
    let req = query_order::Request::builder()
        .id("9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10")
        .build()
        .unwrap();
    for scheme in ["hmac", "jwt"] {
        let client = at_mock(Client::builder(), &mock, v)
            .scheme(scheme)
            .build()
            .unwrap();
        let order = client.query_order(&req).await.unwrap();
        assert_eq!(order.id.to_string(), "9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10");
        assert_eq!(order.to_order().venue, "p99");
    }
    // A wrong token: p99's empty 401.
    let mut creds = mock.signing_credentials("p99").unwrap();
    creds.set("jwt", "not-the-token").unwrap();
    let client = at_mock(Client::builder(), &mock, v)
        .credentials(creds)
        .scheme("jwt")
        .build()
        .unwrap();
    let err = client.query_order(&req).await.unwrap_err();
    assert_documented(v, &query_order::INFO, ErrorKind::Auth, &err);
}

#[tokio::test]
async fn binance_typed_client() {
    use generated::binance_usdm::{Client, order_status};
    let mock = start().await;
    let v = venue("binance_usdm");
    let client = at_mock(Client::builder(), &mock, v).build().unwrap();
    let req = order_status::Request::builder()
        .symbol("BTCUSDT")
        .order_id(1_917_641)
        .build()
        .unwrap();
    let reply = client.order_status_reply(&req).await.unwrap();
    assert_eq!(reply.value.order_id, 1_917_641);
    assert_eq!(reply.value.to_order().order_id, "1917641");
    let missing = order_status::Request::builder()
        .symbol("BTCUSDT")
        .order_id(1)
        .build()
        .unwrap();
    let err = client.order_status(&missing).await.unwrap_err();
    assert_documented(v, &order_status::INFO, ErrorKind::NotFound, &err);
    assert_eq!(err.message(), Some("Order does not exist."));
}
