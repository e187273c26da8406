//! Known disagreements and regressions, pinned by example.

use super::*;
use crate::binance_signing::{BinanceCase, binance_verified, sign_binance};

/// The docs type `apiKey` as a STRING: an integer-looking API key stays a JSON string (the
/// signer once wrote `007` as the number `7`).
#[test]
fn integer_looking_binance_api_key_stays_a_string() {
    let c = BinanceCase {
        symbol: "BTCUSDT".into(),
        orig_client_order_id: "abc".into(),
        recv_window: None,
        frame_id: "1".into(),
        api_key: "007".into(),
        secret: "s".into(),
        ts: 1_700_000_000_000,
    };
    let signed = sign_binance(&c, false);
    let key = HmacKey {
        api_key: &c.api_key,
        secret: &c.secret,
    };
    assert_eq!(
        verify_binance_ws_hmac(&signed.frame(), &key),
        Ok(binance_verified(&c)),
        "frame sent: {}",
        signed.frame_text()
    );
}

/// BitMart signs the query string of a GET (the body of a POST): the recipe and the
/// independent verifier agree, and the query is really covered.
#[test]
fn bitmart_get_signs_the_query_string() {
    use generated::runtime::request::{Location, WireParam, WireRequest, WireTransport, WireValue};
    use std::borrow::Cow;
    let creds = Credentials::new(bitmart::CREDENTIALS)
        .with("api_key", "k")
        .and_then(|c| c.with("secret", "s"))
        .and_then(|c| c.with("memo", "m"))
        .unwrap();
    let signer = bitmart::query_client_order::signer(&creds).unwrap();
    let param = |name: &'static str, v: &'static str| WireParam {
        name: Cow::Borrowed(name),
        location: Location::Query,
        value: WireValue::Str(Cow::Borrowed(v)),
    };
    let wire = WireRequest {
        transport: WireTransport::Rest {
            method: "GET",
            path: "/spot/v4/query/order".into(),
        },
        params: [param("symbol", "BTC_USDT"), param("orderId", "12")]
            .into_iter()
            .collect(),
        body_format: generated::runtime::request::BodyFormat::Json,
    };
    let ex = signer
        .explain_http(
            &wire,
            "https://api-cloud.bitmart.com",
            &Timestamp::AtMillis(1),
            &FixedClock(1),
        )
        .unwrap();
    assert_eq!(ex.redacted, "1#[memo]#symbol=BTC_USDT&orderId=12");
    let req = received(&ex.signed);
    let key = HmacKey {
        api_key: "k",
        secret: "s",
    };
    assert!(verify_bitmart(&req, &key, "m").is_ok());
    let mut tampered = req.clone();
    tampered.url = tampered.url.replace("orderId=12", "orderId=13");
    assert!(verify_bitmart(&tampered, &key, "m").is_err());
}
