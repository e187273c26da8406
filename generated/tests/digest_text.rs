//! A `digest` part written as text (`output: hex`) inside an HMAC: Gate's APIv4 recipe,
//! `hex(HMAC-SHA512(secret, METHOD\npath\nquery\nhex(SHA512(body))\ntimestamp))`, against the
//! two worked examples of Gate's docs ("API Signature string generation": key `key`, secret
//! `secret`, timestamp 1541993715; https://www.gate.io/docs/developers/apiv4/en/, mirrored in
//! rosssaunders/coincise @ a00ae58b65f831bd2617d0bb8a4f84886c7281d1,
//! docs/gateio/authentication.md lines 117-172), and one request of the generated endpoint.

use std::borrow::Cow;

use generated::gate::{self, get_order};
use generated::runtime::request::{
    Location, WireParam, WirePath, WireRequest, WireTransport, WireValue,
};
use generated::runtime::signing::{Credentials, FixedClock, Signer, Timestamp};

const BASE: &str = "https://api.gateio.ws/api/v4";
/// The docs' timestamp, in seconds as the scheme writes it.
fn ts() -> Timestamp {
    Timestamp::Raw("1541993715".into())
}

fn signer() -> Signer {
    let creds = Credentials::new(gate::CREDENTIALS)
        .with("api_key", "key")
        .and_then(|c| c.with("secret", "secret"))
        .unwrap();
    let scheme = gate::SCHEMES.iter().find(|s| s.name == "hmac").unwrap();
    Signer::new(scheme, &creds).unwrap()
}

fn wire<'a>(
    method: &'static str,
    path: &'static str,
    params: Vec<WireParam<'a>>,
) -> WireRequest<'a> {
    WireRequest {
        transport: WireTransport::Rest {
            method,
            path: WirePath::Text(Cow::Borrowed(path)),
        },
        params: params.into(),
    }
}

fn param(name: &'static str, location: Location, value: WireValue<'static>) -> WireParam<'static> {
    WireParam {
        name: Cow::Borrowed(name),
        location,
        value,
    }
}

fn text(s: &'static str) -> WireValue<'static> {
    WireValue::Str(Cow::Borrowed(s))
}

/// Official example 1: a GET with a query and no body (the body's digest is SHA-512 of "").
#[test]
fn docs_example_get_with_query() {
    let req = wire(
        "GET",
        "/futures/orders",
        vec![
            param("contract", Location::Query, text("BTC_USD")),
            param("status", Location::Query, text("finished")),
            param("limit", Location::Query, WireValue::Int(50)),
        ],
    );
    let explained = signer()
        .explain_http(&req, BASE, &ts(), &FixedClock(0))
        .unwrap();
    assert_eq!(
        String::from_utf8(explained.payload).unwrap(),
        "GET\n/api/v4/futures/orders\ncontract=BTC_USD&status=finished&limit=50\n\
         cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e\n\
         1541993715"
    );
    assert_eq!(
        explained.signed.header("SIGN"),
        Some(
            "55f84ea195d6fe57ce62464daaa7c3c02fa9d1dde954e4c898289c9a2407a3d6fb3faf24deff16790d726b66ac9f74526668b13bd01029199cc4fcc522418b8a"
        )
    );
    assert_eq!(explained.signed.header("KEY"), Some("key"));
    assert_eq!(explained.signed.header("Timestamp"), Some("1541993715"));
}

/// Official example 2: a POST with a JSON body and no query (an empty query line).
#[test]
fn docs_example_post_with_body() {
    let req = wire(
        "POST",
        "/futures/orders",
        vec![
            param("contract", Location::Body, text("BTC_USD")),
            param("type", Location::Body, text("limit")),
            param("size", Location::Body, WireValue::Int(100)),
            param("price", Location::Body, WireValue::Int(6800)),
            param("time_in_force", Location::Body, text("gtc")),
        ],
    );
    let signed = signer()
        .sign_http(&req, BASE, &ts(), &FixedClock(0))
        .unwrap();
    assert_eq!(
        signed.body(),
        Some(
            r#"{"contract":"BTC_USD","type":"limit","size":100,"price":6800,"time_in_force":"gtc"}"#
        )
    );
    assert_eq!(
        signed.header("SIGN"),
        Some(
            "eae42da914a590ddf727473aff25fc87d50b64783941061f47a3fdb92742541fc4c2c14017581b4199a1418d54471c269c03a38d788d802e2c306c37636389f0"
        )
    );
}

/// The generated endpoint signs as the engine does. Derived vector (recomputed with Python's
/// `hmac`/`hashlib` and `openssl dgst -sha512 -hmac`): the docs' own sample for this endpoint,
/// `/spot/orders/12345?currency_pair=BTC_USDT`.
#[test]
fn generated_endpoint_derived_vector() {
    let req = get_order::Request::builder()
        .order_id("12345")
        .currency_pair("BTC_USDT")
        .build()
        .unwrap();
    let signed = req.sign(&signer(), BASE, &ts(), &FixedClock(0)).unwrap();
    assert_eq!(
        signed.url(),
        "https://api.gateio.ws/api/v4/spot/orders/12345?currency_pair=BTC_USDT"
    );
    assert_eq!(
        signed.header("SIGN"),
        Some(
            "db733d3148d2b69acf534c9977b9e181e867e36c95032659c27d687a78888d09aaedfa39b4836ae09d7ec0d8cc372ba147212320311ca9090e6fde7559de5aee"
        )
    );
}
