//! The verifiers against the venues' documented vectors, and their refusals.

use ed25519_dalek::VerifyingKey;

mod independent;

use conformance::verify::{ReceivedHttp, TimestampWindow, VerifyError, check_timestamp_window};
use independent::*;
use serde_json::json;

fn key<'a>(api_key: &'a str, secret: &'a str) -> HmacKey<'a> {
    HmacKey { api_key, secret }
}

// --- BitMart ---------------------------------------------------------------------

const BM_SECRET: &str = "6c6c98544461bbe71db2bca4c6d7fd0021e0ba9efc215f9c6ad41852df9d9df9";
const BM_BODY: &str = r#"{"symbol":"BTC_USDT","price":"8600","count":"100"}"#;
const BM_SIGN: &str = "c31dc326bf87f38bfb49a3f8494961abfa291bd549d0d98d9578e87516cee46d";

fn bitmart_doc_request(sign: &str) -> ReceivedHttp {
    ReceivedHttp::new("POST", "https://api-cloud.bitmart.com/spot/v2/submit_order")
        .with_header("Content-Type", "application/json")
        .with_header("X-BM-KEY", "doc-key")
        .with_header("X-BM-TIMESTAMP", "1589793796145")
        .with_header("X-BM-SIGN", sign)
        .with_body(BM_BODY)
}

#[test]
fn bitmart_doc_vector() {
    let v = verify_bitmart(
        &bitmart_doc_request(BM_SIGN),
        &key("doc-key", BM_SECRET),
        "test001",
    )
    .unwrap();
    assert_eq!(v.timestamp_ms(), Some(1_589_793_796_145));
    assert_eq!(v.api_key, "doc-key");
}

#[test]
fn a_prepared_key_verifies_as_the_key_it_was_made_from() {
    let prepared = PreparedHmacKey::new(&key("doc-key", BM_SECRET)).unwrap();
    let req = bitmart_doc_request(BM_SIGN);
    assert_eq!(
        verify_bitmart(&req, &prepared, "test001"),
        verify_bitmart(&req, &key("doc-key", BM_SECRET), "test001")
    );
    assert!(verify_bitmart(&req, &prepared, "test001").is_ok());
    // Prepared state is not consumed by a check: the same key verifies again.
    assert!(verify_bitmart(&req, &prepared, "test001").is_ok());
    assert_eq!(
        verify_bitmart(&req, &prepared, "test002"),
        Err(VerifyError::BadSignature)
    );
    assert!(!format!("{prepared:?}").contains(BM_SECRET));
}

#[test]
fn bitmart_refusals() {
    let k = key("doc-key", BM_SECRET);
    let e = |r: &ReceivedHttp, memo| verify_bitmart(r, &k, memo).unwrap_err();
    assert_eq!(
        e(&bitmart_doc_request(BM_SIGN), "test002"),
        VerifyError::BadSignature
    );
    assert!(matches!(
        e(
            &bitmart_doc_request(&BM_SIGN.to_ascii_uppercase()),
            "test001"
        ),
        VerifyError::Malformed { .. }
    ));
    let mut r = bitmart_doc_request(BM_SIGN);
    r.body.push(b' ');
    assert_eq!(e(&r, "test001"), VerifyError::BadSignature);
    let r = bitmart_doc_request(BM_SIGN).with_header("x-bm-sign", BM_SIGN);
    assert_eq!(e(&r, "test001"), VerifyError::DuplicateHeader("X-BM-SIGN"));
    let mut r = bitmart_doc_request(BM_SIGN);
    r.headers.retain(|(n, _)| n != "X-BM-TIMESTAMP");
    assert_eq!(
        e(&r, "test001"),
        VerifyError::MissingHeader("X-BM-TIMESTAMP")
    );
    assert_eq!(
        verify_bitmart(
            &bitmart_doc_request(BM_SIGN),
            &key("other", BM_SECRET),
            "test001"
        )
        .unwrap_err(),
        VerifyError::UnknownApiKey
    );
}

// --- HTX -------------------------------------------------------------------------

const HTX_GO_URL: &str = "https://api.huobi.pro/v1/account/history?account-id=123&currency=btc&AccessKeyId=access&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2019-11-21T10%3A00%3A00&Signature=SGZYJ9Ub%2FhFerEBbSWsCxl8Djk%2BLRBgEZOB4fLc4T9Q%3D";

#[test]
fn htx_go_sdk_vector() {
    let req = ReceivedHttp::new("GET", HTX_GO_URL);
    assert_eq!(
        htx_string_to_sign(&req).unwrap(),
        "GET\napi.huobi.pro\n/v1/account/history\nAccessKeyId=access&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2019-11-21T10%3A00%3A00&account-id=123&currency=btc"
    );
    let v = verify_htx(&req, &key("access", "secret")).unwrap();
    assert_eq!(v.timestamp, "2019-11-21T10:00:00");
    assert_eq!(v.timestamp_ms(), None);
    // Upper-case host and lower-case percent-escapes mean the same request.
    let same = HTX_GO_URL
        .replace("api.huobi.pro", "API.Huobi.PRO")
        .replace("%2F", "%2f")
        .replace("%3A", "%3a");
    verify_htx(&ReceivedHttp::new("GET", same), &key("access", "secret")).unwrap();
}

#[test]
fn htx_refusals() {
    let k = key("access", "secret");
    let e = |url: String| verify_htx(&ReceivedHttp::new("GET", url), &k).unwrap_err();
    assert_eq!(
        verify_htx(&ReceivedHttp::new("POST", HTX_GO_URL), &k).unwrap_err(),
        VerifyError::BadSignature
    );
    assert_eq!(
        e(HTX_GO_URL.replace("currency=btc", "currency=eth")),
        VerifyError::BadSignature
    );
    assert_eq!(
        e(HTX_GO_URL.replace("api.huobi.pro", "api.huobi.pro:8443")),
        VerifyError::BadSignature
    );
    assert_eq!(
        e(HTX_GO_URL.replace("SignatureVersion=2", "SignatureVersion=1")),
        VerifyError::UnexpectedValue {
            param: "SignatureVersion",
            expected: "2"
        }
    );
    assert_eq!(
        e(HTX_GO_URL.replace("&AccessKeyId=access", "")),
        VerifyError::MissingParam("AccessKeyId")
    );
    assert_eq!(
        e(format!("{HTX_GO_URL}&Signature=x")),
        VerifyError::DuplicateParam("Signature")
    );
    assert!(matches!(
        e(HTX_GO_URL.replace("%3A00%3A00", "%3A00%3G00")),
        VerifyError::Malformed { .. }
    ));
    assert!(matches!(
        e(format!("{HTX_GO_URL}#frag")),
        VerifyError::Malformed { .. }
    ));
    assert_eq!(
        verify_htx(
            &ReceivedHttp::new("GET", HTX_GO_URL),
            &key("access", "secreT")
        )
        .unwrap_err(),
        VerifyError::BadSignature
    );
}

#[test]
fn htx_python_sdk_vector() {
    // The SDK test mocks the timestamp as `123`, which a server refuses; the string to
    // sign and its HMAC still match the SDK's.
    let req = ReceivedHttp::new(
        "GET",
        "http://host/url?AccessKeyId=123&SignatureVersion=2&SignatureMethod=HmacSHA256&Timestamp=123&Signature=Hhiaq8xYQPiBZOyWV37MdQutLo4f0ZOHiJtG3p%2BnILc%3D",
    );
    let payload = htx_string_to_sign(&req).unwrap();
    assert_eq!(
        payload,
        "GET\nhost\n/url\nAccessKeyId=123&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=123"
    );
    let tag = decode_base64("Signature", "Hhiaq8xYQPiBZOyWV37MdQutLo4f0ZOHiJtG3p+nILc=").unwrap();
    hmac_sha256_check("456", &[payload.as_bytes()], &tag).unwrap();
    assert!(matches!(
        verify_htx(&req, &key("123", "456")).unwrap_err(),
        VerifyError::Malformed {
            what: "Timestamp",
            ..
        }
    ));
}

#[test]
fn htx_doc_string_to_sign() {
    let req = ReceivedHttp::new(
        "GET",
        "https://api.huobi.pro/v1/order/orders?AccessKeyId=e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx&order-id=1234567890&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2017-05-11T15%3A19%3A30&Signature=4F65x5A2bLyMWVQj3Aqp%2BB4w%2BivaA7n5Oi2SuYtCJ9o%3D",
    );
    assert_eq!(
        htx_string_to_sign(&req).unwrap(),
        "GET\napi.huobi.pro\n/v1/order/orders\nAccessKeyId=e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2017-05-11T15%3A19%3A30&order-id=1234567890"
    );
}

#[test]
fn rfc3986_reencoding() {
    // `+` is a literal plus (not a space); `~` stays; `%7e` and `~` are the same byte.
    let req = ReceivedHttp::new("GET", "http://H:80/p?b=a+b%20c~%7e&a=%C3%A9");
    assert_eq!(
        htx_string_to_sign(&req).unwrap(),
        "GET\nh:80\n/p\na=%C3%A9&b=a%2Bb%20c~~"
    );
}

// --- Binance ---------------------------------------------------------------------

const BN_SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const BN_KEY: &str = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";

#[test]
fn binance_ws_hmac_doc_vectors() {
    let frame = json!({
        "id": "4885f793-e5ad-4c3b-8f6c-55d891472b71",
        "method": "order.place",
        "params": {
            "symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT", "timeInForce": "GTC",
            "quantity": "0.01000000", "price": "52000.00", "recvWindow": 100,
            "timestamp": 1645423376532_i64, "apiKey": BN_KEY,
            "signature": "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24"
        }
    });
    let v = verify_binance_ws_hmac(&frame, &key(BN_KEY, BN_SECRET)).unwrap();
    assert_eq!(v.recv_window_ms, Some(100));
    assert_eq!(v.timestamp_ms(), Some(1_645_423_376_532));

    let logon = json!({
        "id": "c174a2b1-3f51-4580-b200-8528bd237cb7",
        "method": "session.logon",
        "params": {
            "apiKey": BN_KEY, "timestamp": 1649729878532_i64,
            "signature": "1cf54395b336b0a9727ef27d5d98987962bc47aca6e13fe978612d0adee066ed"
        }
    });
    verify_binance_ws_hmac(&logon, &key(BN_KEY, BN_SECRET)).unwrap();

    let mut tampered = frame.clone();
    tampered["params"]["price"] = json!("52000.01");
    assert_eq!(
        verify_binance_ws_hmac(&tampered, &key(BN_KEY, BN_SECRET)).unwrap_err(),
        VerifyError::BadSignature
    );
    let mut as_string = logon.clone();
    as_string["params"]["timestamp"] = json!("1649729878532");
    assert!(matches!(
        verify_binance_ws_hmac(&as_string, &key(BN_KEY, BN_SECRET)).unwrap_err(),
        VerifyError::Malformed {
            what: "timestamp",
            ..
        }
    ));
}

#[test]
fn binance_ws_ed25519_rfc8032_key() {
    let pk: [u8; 32] =
        const_hex::decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
            .unwrap()
            .try_into()
            .unwrap();
    let pk = VerifyingKey::from_bytes(&pk).unwrap();
    let api_key = "4yNzx3yWC5bS6YTwEkSRaC0nRmSQIIStAUOh1b6kqaBrTLIhjCpI5lJH8q8R8WNO";
    let frame = json!({
        "id": 1, "method": "session.logon",
        "params": {
            "apiKey": api_key, "timestamp": 1649729878532_i64,
            "signature": "NBJq5sX1RkU7ta3XDctruMgnrhyBcouMvvPIxxQSCUbVWxhp3ai6W7a0Iip/3nOwmJxkVIv6n20cekYCOa5qAg=="
        }
    });
    verify_binance_ws_ed25519(&frame, api_key, &pk).unwrap();
    let mut late = frame.clone();
    late["params"]["timestamp"] = json!(1649729878533_i64);
    assert_eq!(
        verify_binance_ws_ed25519(&late, api_key, &pk).unwrap_err(),
        VerifyError::BadSignature
    );
}

#[test]
fn binance_payload_renders_scalars() {
    let p = json!({"b": true, "a": "x y&z", "c": 5, "signature": "s"});
    assert_eq!(
        binance_ws_payload(p.as_object().unwrap()).unwrap(),
        "a=x y&z&b=true&c=5"
    );
    assert!(binance_ws_payload(json!({"a": null}).as_object().unwrap()).is_err());
}

// --- p99 -------------------------------------------------------------------------

const P99_SECRET: &str = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9";
const P99_URL: &str = "https://api-sepolia.p99.world/api/v1/spot/orders/9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10?timestamp=1778400000000&signature=eff9b3c3e56bbb7d3ed4339b3233f28d6b11de1a2a6958ad6ab6cfe3e234a543";

#[test]
fn p99_derived_vector() {
    let req = ReceivedHttp::new("GET", P99_URL).with_header("X-MBX-APIKEY", "k");
    let v = verify_p99_hmac(&req, &key("k", P99_SECRET)).unwrap();
    assert_eq!(v.timestamp_ms(), Some(1_778_400_000_000));
    assert_eq!(v.recv_window_ms, None);
    let with_body = req.clone().with_body("x");
    assert_eq!(
        verify_p99_hmac(&with_body, &key("k", P99_SECRET)).unwrap_err(),
        VerifyError::BadSignature
    );
    let no_sig = ReceivedHttp::new("GET", P99_URL.split("&signature").next().unwrap())
        .with_header("X-MBX-APIKEY", "k");
    assert_eq!(
        verify_p99_hmac(&no_sig, &key("k", P99_SECRET)).unwrap_err(),
        VerifyError::MissingParam("signature")
    );
}

#[test]
fn p99_bearer() {
    let req = ReceivedHttp::new("GET", "https://x/spot/orders/1")
        .with_header("Authorization", "Bearer eyJ.token.sig");
    verify_p99_bearer(&req, "eyJ.token.sig").unwrap();
    assert_eq!(
        verify_p99_bearer(&req, "eyJ.token.sih").unwrap_err(),
        VerifyError::BadToken
    );
    assert!(!format!("{req:?}").contains("eyJ"));
}

// --- Timestamp window ------------------------------------------------------------

#[test]
fn timestamp_window_bounds() {
    // Binance's rule (also p99's): recvWindow defaults to 5000 ms, at most 60000 ms; a
    // timestamp may be at most 1000 ms ahead of the server.
    let w = TimestampWindow {
        default_recv_window_ms: 5000,
        max_recv_window_ms: 60_000,
        max_ahead_ms: 1000,
    };
    let now = 1_700_000_000_000;
    assert!(check_timestamp_window(now, now - 5000, None, &w).is_ok());
    assert!(matches!(
        check_timestamp_window(now, now - 5001, None, &w),
        Err(VerifyError::TooOld { .. })
    ));
    assert!(check_timestamp_window(now, now + 1000, None, &w).is_ok());
    assert!(matches!(
        check_timestamp_window(now, now + 1001, None, &w),
        Err(VerifyError::TooFarAhead { .. })
    ));
    assert!(check_timestamp_window(now, now - 60_000, Some(60_000), &w).is_ok());
    assert!(check_timestamp_window(now, now - 101, Some(100), &w).is_err());
    assert!(matches!(
        check_timestamp_window(now, now, Some(0), &w),
        Err(VerifyError::RecvWindowOutOfRange { .. })
    ));
    assert!(check_timestamp_window(now, now, Some(60_001), &w).is_err());
    // No overflow at the edges of i64.
    assert!(check_timestamp_window(i64::MIN, i64::MAX, None, &w).is_err());
    assert!(check_timestamp_window(i64::MAX, i64::MIN, None, &w).is_err());
}

#[test]
fn secrets_never_print() {
    let k = key("public", "very-secret-value");
    assert!(!format!("{k:?}").contains("very-secret"));
    let err = verify_bitmart(&bitmart_doc_request(BM_SIGN), &k, "memo-secret").unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("very-secret") && !shown.contains("memo-secret"));
}
