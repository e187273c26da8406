//! Binance USDⓈ-M WebSocket API: HMAC and Ed25519 frames verify, a changed byte, a wrong
//! secret or another key is refused.

use super::*;

#[derive(Debug, Clone)]
pub(crate) struct BinanceCase {
    pub(crate) symbol: String,
    pub(crate) orig_client_order_id: String,
    pub(crate) recv_window: Option<i64>,
    pub(crate) frame_id: String,
    pub(crate) api_key: String,
    pub(crate) secret: String,
    pub(crate) ts: i64,
}

fn binance_case() -> impl Strategy<Value = BinanceCase> {
    (
        id_text(),
        id_text(),
        recv_window(),
        id_text(),
        api_key(),
        credential_text(),
        millis(),
    )
        .prop_map(
            |(symbol, orig_client_order_id, recv_window, frame_id, api_key, secret, ts)| {
                BinanceCase {
                    symbol,
                    orig_client_order_id,
                    recv_window,
                    frame_id,
                    api_key,
                    secret,
                    ts,
                }
            },
        )
}

/// Signs `order.status` with an HMAC secret, or with the RFC 8032 Ed25519 key.
pub(crate) fn sign_binance(c: &BinanceCase, ed25519: bool) -> SignedWs {
    use binance_usdm::order_status::{Request, signer};
    let mut b = Request::builder()
        .symbol(c.symbol.clone())
        .orig_client_order_id(c.orig_client_order_id.clone());
    if let Some(w) = c.recv_window {
        b = b.recv_window(w);
    }
    let req = b.build().expect("valid order.status request");
    let mut creds = Credentials::new(binance_usdm::CREDENTIALS);
    creds.set("api_key", &c.api_key).expect("api_key");
    if ed25519 {
        creds.set("ed25519_key", ED25519_PEM).expect("ed25519_key");
    } else {
        creds.set("secret", &c.secret).expect("secret");
    }
    let signer = signer(&creds).expect("signer");
    assert_eq!(
        signer.scheme().name,
        if ed25519 { "ws_ed25519" } else { "ws_hmac" }
    );
    req.sign(
        &signer,
        &c.frame_id,
        &Timestamp::AtMillis(c.ts),
        &FixedClock(c.ts),
    )
    .expect("signed")
}

pub(crate) fn binance_verified(c: &BinanceCase) -> Verified {
    Verified {
        api_key: c.api_key.clone(),
        timestamp: c.ts.to_string(),
        recv_window_ms: c.recv_window,
    }
}

/// Replaces one byte of the frame's text (as sent) inside its `params` object; returns the
/// mutated text and whether it still means the same JSON value (then it must be accepted).
fn mutate_params(signed: &SignedWs, at: Index, seed: u8) -> (String, bool) {
    let frame = &signed.frame();
    let text = signed.frame_text();
    let params = serde_json::to_string(&frame["params"]).unwrap();
    let start = text
        .find(&params)
        .expect("params serialize the same inside the frame");
    let pos = start + at.index(params.len());
    let (mutated, _, _) = replace_byte(text, pos, seed);
    let same = serde_json::from_str::<Value>(&mutated).is_ok_and(|v| &v == frame);
    (mutated, same)
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn binance_ws_hmac_accepts_signed_frames(c in binance_case()) {
        let signed = sign_binance(&c, false);
        let key = HmacKey { api_key: &c.api_key, secret: &c.secret };
        prop_assert_eq!(verify_binance_ws_hmac(&signed.frame(), &key), Ok(binance_verified(&c)));
        // Through the text a server receives, too.
        let text = signed.frame_text();
        prop_assert_eq!(
            parse_ws_frame(text).and_then(|f| verify_binance_ws_hmac(&f, &key)),
            Ok(binance_verified(&c))
        );
    }

    #[test]
    fn binance_ws_hmac_refuses_any_single_byte_change(
        c in binance_case(), at in any::<Index>(), seed in any::<u8>()
    ) {
        let signed = sign_binance(&c, false);
        let (text, same) = mutate_params(&signed, at, seed);
        let key = HmacKey { api_key: &c.api_key, secret: &c.secret };
        let result = parse_ws_frame(&text).and_then(|f| verify_binance_ws_hmac(&f, &key));
        if same {
            prop_assert!(result.is_ok(), "{text}: {result:?}");
        } else {
            prop_assert!(result.is_err(), "accepted: {text}");
        }
    }

    #[test]
    fn binance_ws_hmac_refuses_the_wrong_secret(c in binance_case(), other in credential_text()) {
        prop_assume!(!same_hmac_key(&other, &c.secret));
        let signed = sign_binance(&c, false);
        let key = HmacKey { api_key: &c.api_key, secret: &other };
        prop_assert_eq!(verify_binance_ws_hmac(&signed.frame(), &key), Err(VerifyError::BadSignature));
    }
}

proptest! {
    // Ed25519 is slower in debug builds: fewer cases.
    #![proptest_config(config(64))]

    #[test]
    fn binance_ws_ed25519_accepts_signed_frames(c in binance_case()) {
        let signed = sign_binance(&c, true);
        let pk = public_key(ED25519_PUBLIC_HEX);
        prop_assert_eq!(
            verify_binance_ws_ed25519(&signed.frame(), &c.api_key, &pk),
            Ok(binance_verified(&c))
        );
    }

    #[test]
    fn binance_ws_ed25519_refuses_any_single_byte_change(
        c in binance_case(), at in any::<Index>(), seed in any::<u8>()
    ) {
        let signed = sign_binance(&c, true);
        let (text, same) = mutate_params(&signed, at, seed);
        let pk = public_key(ED25519_PUBLIC_HEX);
        let result = parse_ws_frame(&text).and_then(|f| verify_binance_ws_ed25519(&f, &c.api_key, &pk));
        if same {
            prop_assert!(result.is_ok(), "{text}: {result:?}");
        } else {
            prop_assert!(result.is_err(), "accepted: {text}");
        }
    }

    #[test]
    fn binance_ws_ed25519_refuses_another_key(c in binance_case()) {
        let signed = sign_binance(&c, true);
        let other = public_key(OTHER_PUBLIC_HEX);
        prop_assert_eq!(
            verify_binance_ws_ed25519(&signed.frame(), &c.api_key, &other),
            Err(VerifyError::BadSignature)
        );
        let right = public_key(ED25519_PUBLIC_HEX);
        prop_assert_eq!(
            verify_binance_ws_ed25519(&signed.frame(), &format!("{}x", c.api_key), &right),
            Err(VerifyError::UnknownApiKey)
        );
    }
}
