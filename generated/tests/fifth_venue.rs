//! A fifth venue whose signature layout none of the four venues uses (OKX v5: timestamp +
//! method + path + body, base64 HMAC-SHA256, ISO timestamps with milliseconds, a passphrase
//! header), written in YAML only and expanded by the same macro as `specs/`. The signature is
//! checked against HMAC computed here by hand from the docs' description.

// Generated code must not make its users' builds warn.
#![deny(warnings)]

use base64::Engine as _;
use hmac::{KeyInit, Mac};

use generated::runtime::signing::{Credentials, FixedClock, Timestamp};

codegen_macro::generate_venues!("tests/fifth_venue_specs");

#[test]
fn okx_style_recipe_from_yaml_only() {
    let creds = Credentials::new(okx::CREDENTIALS)
        .with("api_key", "key-1")
        .and_then(|c| c.with("secret", "okx-secret"))
        .and_then(|c| c.with("passphrase", "pass phrase"))
        .unwrap();
    let signer = okx::cancel_order::signer(&creds).unwrap();
    let req = okx::cancel_order::Request::builder()
        .inst_id("BTC-USDT")
        .ord_id("590908157585625111")
        .build()
        .unwrap();
    let ms = 1_607_418_537_715;
    let signed = req
        .sign(
            &signer,
            "https://www.okx.com",
            &Timestamp::AtMillis(ms),
            &FixedClock(ms),
        )
        .unwrap();
    let explained = signer
        .explain_http(
            &req.to_wire(),
            "https://www.okx.com",
            &Timestamp::AtMillis(ms),
            &FixedClock(ms),
        )
        .unwrap();
    assert_eq!(explained.signed, signed);

    let body = r#"{"instId":"BTC-USDT","ordId":"590908157585625111"}"#;
    let prehash = format!("2020-12-08T09:08:57.715ZPOST/api/v5/trade/cancel-order{body}");
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"okx-secret").unwrap();
    mac.update(prehash.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());

    assert_eq!(
        String::from_utf8(explained.payload.clone()).unwrap(),
        prehash
    );
    // Nothing secret is signed: the redacted string is the string.
    assert_eq!(explained.redacted, prehash);
    assert_eq!(signed.header("OK-ACCESS-SIGN"), Some(expected.as_str()));
    assert_eq!(
        signed.header("OK-ACCESS-TIMESTAMP"),
        Some("2020-12-08T09:08:57.715Z")
    );
    assert_eq!(signed.header("OK-ACCESS-KEY"), Some("key-1"));
    assert_eq!(signed.body(), Some(body));
    assert_eq!(
        signed.url(),
        "https://www.okx.com/api/v5/trade/cancel-order"
    );
    // The passphrase header is a secret: redacted when printed.
    let shown = format!("{signed:?}\n{}\n{explained:?}", signed.render(false));
    assert!(!shown.contains("pass phrase"), "{shown}");
    assert!(
        signed
            .render(true)
            .contains("OK-ACCESS-PASSPHRASE: pass phrase")
    );
}

#[test]
fn the_fifth_venue_is_registered_like_the_others() {
    assert_eq!(VENUES.len(), 1);
    assert_eq!(VENUES[0].id, "okx");
    assert_eq!(VENUES[0].schemes[0].name, "hmac");
    // An endpoint with no parameters of its own refuses every name.
    let time = VENUES[0].endpoint("get_server_time").unwrap();
    assert!((time.build)(&[]).is_ok());
    assert_eq!(
        (time.build)(&[("instId", "x")]).unwrap_err().to_string(),
        "unknown parameter `instId` (this endpoint takes no parameters)"
    );
    let e = VENUES[0].endpoint("cancel_order").unwrap();
    let err = (e.build)(&[("instId", "BTC-USDT")]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "exactly one of `ordId`, `clOrdId` must be given, got 0"
    );
}

/// The fifth venue's endpoint gets a generated signing function too (the spec is all it
/// takes), and it writes what the engine writes: ISO timestamps with milliseconds (years
/// past 9999 included), method, path and body, base64 HMAC, a secret header.
#[test]
fn the_fifth_venue_signs_through_its_generated_function() {
    let creds = Credentials::new(okx::CREDENTIALS)
        .with("api_key", "key-1")
        .and_then(|c| c.with("secret", "okx-secret"))
        .and_then(|c| c.with("passphrase", "pass \"phrase\""))
        .unwrap();
    let signer = okx::cancel_order::signer(&creds).unwrap();
    assert_eq!(okx::cancel_order::FAST_SCHEMES, ["hmac"]);
    let requests = [
        okx::cancel_order::Request::builder()
            .inst_id("BTC-USDT")
            .ord_id("590908157585625111")
            .build()
            .unwrap(),
        okx::cancel_order::Request::builder()
            .inst_id("é \"x\"\\/\n")
            .cl_ord_id("007")
            .build()
            .unwrap(),
    ];
    let stamps = [
        Timestamp::AtMillis(1_607_418_537_715),
        Timestamp::AtMillis(253_402_300_800_000),
        Timestamp::AtMillis(i64::MAX),
        Timestamp::Raw("2020-12-08T09:08:57.715Z".into()),
    ];
    for req in &requests {
        for ts in &stamps {
            for base in ["https://www.okx.com", "http://LOCALHOST:8080/prefix/"] {
                let clock = FixedClock(0);
                let fast = req.sign_fast(&signer, base, ts, &clock).unwrap();
                let engine = signer.sign_http(&req.to_wire(), base, ts, &clock);
                assert_eq!(fast, engine, "{ts:?} {base}");
            }
        }
    }
}
