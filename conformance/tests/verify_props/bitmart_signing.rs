//! BitMart: signed requests verify, any single-byte change or wrong secret is refused.

use super::*;

#[derive(Debug, Clone)]
struct BitmartCase {
    client_order_id: String,
    open: Option<bool>,
    recv_window: Option<i64>,
    api_key: String,
    secret: String,
    memo: String,
    ts: i64,
}

fn bitmart_case() -> impl Strategy<Value = BitmartCase> {
    (
        id_text(),
        proptest::option::of(any::<bool>()),
        recv_window(),
        api_key(),
        credential_text(),
        credential_text(),
        millis(),
    )
        .prop_map(
            |(client_order_id, open, recv_window, api_key, secret, memo, ts)| BitmartCase {
                client_order_id,
                open,
                recv_window,
                api_key,
                secret,
                memo,
                ts,
            },
        )
}

fn sign_bitmart(c: &BitmartCase) -> SignedHttp {
    use bitmart::query_client_order::{QueryState, Request, signer};
    let mut b = Request::builder().client_order_id(c.client_order_id.clone());
    if let Some(open) = c.open {
        b = b.query_state(if open {
            QueryState::Open
        } else {
            QueryState::History
        });
    }
    if let Some(w) = c.recv_window {
        b = b.recv_window(w);
    }
    let req = b.build().expect("valid BitMart request");
    let creds = Credentials::new(bitmart::CREDENTIALS)
        .with("api_key", &c.api_key)
        .and_then(|cr| cr.with("secret", &c.secret))
        .and_then(|cr| cr.with("memo", &c.memo))
        .expect("credentials");
    let signer = signer(&creds).expect("signer");
    req.sign(
        &signer,
        rest_url(&bitmart::INFO),
        &Timestamp::AtMillis(c.ts),
        &FixedClock(c.ts),
    )
    .expect("signed")
}

const BITMART_SIGNED_HEADERS: &[&str] = &["X-BM-KEY", "X-BM-TIMESTAMP", "X-BM-SIGN"];

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn bitmart_accepts_signed_requests(c in bitmart_case()) {
        let req = received(&sign_bitmart(&c));
        let key = HmacKey { api_key: &c.api_key, secret: &c.secret };
        prop_assert_eq!(
            verify_bitmart(&req, &key, &c.memo),
            Ok(Verified {
                api_key: c.api_key.clone(),
                timestamp: c.ts.to_string(),
                recv_window_ms: c.recv_window,
            })
        );
    }

    #[test]
    fn bitmart_refuses_any_single_byte_change(
        c in bitmart_case(), at in any::<Index>(), seed in any::<u8>()
    ) {
        let original = received(&sign_bitmart(&c));
        let mut parts = header_parts(&original, BITMART_SIGNED_HEADERS);
        parts.push(String::from_utf8(original.body.clone()).unwrap());
        let m = mutate(&mut parts, at, seed);
        let mut req = original.clone();
        put_header_parts(&mut req, BITMART_SIGNED_HEADERS, &parts[..6]);
        req.body = parts[6].clone().into_bytes();
        let header_name = m.part < 6 && m.part.is_multiple_of(2);
        let result = verify_bitmart(&req, &HmacKey { api_key: &c.api_key, secret: &c.secret }, &c.memo);
        if header_name && m.is_case_flip() {
            prop_assert!(result.is_ok(), "{m:?} {req:?}: {result:?}");
        } else {
            prop_assert!(result.is_err(), "{m:?} accepted: {req:?}");
        }
    }

    #[test]
    fn bitmart_refuses_the_wrong_secret_or_memo(
        c in bitmart_case(), other in credential_text()
    ) {
        let req = received(&sign_bitmart(&c));
        if !same_hmac_key(&other, &c.secret) {
            let key = HmacKey { api_key: &c.api_key, secret: &other };
            prop_assert_eq!(verify_bitmart(&req, &key, &c.memo), Err(VerifyError::BadSignature));
        }
        if other != c.memo {
            let key = HmacKey { api_key: &c.api_key, secret: &c.secret };
            prop_assert_eq!(verify_bitmart(&req, &key, &other), Err(VerifyError::BadSignature));
        }
    }
}
