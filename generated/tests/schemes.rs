//! Scheme choice: the first scheme whose credentials are all given; a credential-less scheme
//! (Binance's post-`session.logon` requests) only when named.

use generated::binance_usdm::{self, order_status};
use generated::runtime::signing::{Credentials, FixedClock, SignError, Signer, Timestamp};

#[test]
fn after_logon_requests_carry_no_key_or_signature() {
    let scheme = binance_usdm::SCHEMES
        .iter()
        .find(|s| s.name == "ws_session")
        .unwrap();
    let signer = Signer::new(scheme, &Credentials::new(binance_usdm::CREDENTIALS)).unwrap();
    let req = order_status::Request::builder()
        .symbol("BTCUSDT")
        .order_id(328_999_071)
        .build()
        .unwrap();
    let signed = req
        .sign(
            &signer,
            "7",
            &Timestamp::AtMillis(1_703_441_060_152),
            &FixedClock(0),
        )
        .unwrap();
    assert_eq!(
        signed.frame(),
        serde_json::json!({"id": "7", "method": "order.status",
            "params": {"symbol": "BTCUSDT", "orderId": 328_999_071, "timestamp": 1_703_441_060_152_i64}})
    );
}

#[test]
fn a_credential_less_scheme_is_never_chosen_automatically() {
    let none = Credentials::new(binance_usdm::CREDENTIALS);
    let err = order_status::signer(&none).unwrap_err();
    assert!(matches!(err, SignError::NoScheme { .. }), "{err}");
    assert!(!err.to_string().contains("ws_session"), "{err}");
}

#[test]
fn the_first_scheme_whose_credentials_are_given_wins() {
    let pem = include_str!("../../conformance/fixtures/vectors/keys/rfc8032_test1_ed25519.pem");
    let ed = Credentials::new(binance_usdm::CREDENTIALS)
        .with("api_key", "k")
        .unwrap()
        .with("ed25519_key", pem)
        .unwrap();
    assert_eq!(
        order_status::signer(&ed).unwrap().scheme().name,
        "ws_ed25519"
    );
    let both = ed.with("secret", "s").unwrap();
    assert_eq!(
        order_status::signer(&both).unwrap().scheme().name,
        "ws_hmac"
    );
}

#[test]
fn a_signer_of_another_venue_is_refused() {
    let creds = Credentials::new(generated::htx::CREDENTIALS)
        .with("api_key", "k")
        .unwrap()
        .with("secret", "s")
        .unwrap();
    let htx_signer = generated::htx::get_client_order::signer(&creds).unwrap();
    let req = generated::bitmart::query_client_order::Request::builder()
        .client_order_id("1")
        .build()
        .unwrap();
    let err = req
        .sign(
            &htx_signer,
            "https://api-cloud.bitmart.com",
            &Timestamp::AtMillis(1),
            &FixedClock(1),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a htx signer cannot sign a bitmart request"
    );
}
