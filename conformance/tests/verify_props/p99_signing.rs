//! p99: HMAC and bearer-token requests verify, changes are refused.

use super::*;

/// A UUID written any way the builder accepts (hyphenated, simple, braced, URN; any case).
fn uuid_text() -> impl Strategy<Value = String> {
    (any::<u128>(), 0..5_u8, any::<bool>()).prop_map(|(n, form, upper)| {
        let u = uuid::Uuid::from_u128(n);
        let s = match form {
            0 => u.hyphenated().to_string(),
            1 => u.simple().to_string(),
            2 => u.braced().to_string(),
            3 => u.urn().to_string(),
            _ => u.to_string(),
        };
        if upper { s.to_uppercase() } else { s }
    })
}

fn p99_base() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        rest_url(&p99::INFO).to_string(),
        "http://127.0.0.1:18080/api/v1".to_string(),
    ])
}

#[derive(Debug, Clone)]
struct P99Case {
    id: String,
    recv_window: Option<i64>,
    api_key: String,
    secret: String,
    ts: i64,
    base: String,
}

fn p99_case() -> impl Strategy<Value = P99Case> {
    (
        uuid_text(),
        recv_window(),
        api_key(),
        credential_text(),
        millis(),
        p99_base(),
    )
        .prop_map(|(id, recv_window, api_key, secret, ts, base)| P99Case {
            id,
            recv_window,
            api_key,
            secret,
            ts,
            base,
        })
}

fn p99_request(id: &str, recv_window: Option<i64>) -> p99::query_order::Request {
    let mut b = p99::query_order::Request::builder().id(id);
    if let Some(w) = recv_window {
        b = b.recv_window(w);
    }
    b.build().expect("valid p99 request")
}

fn sign_p99(c: &P99Case) -> SignedHttp {
    let creds = Credentials::new(p99::CREDENTIALS)
        .with("api_key", &c.api_key)
        .and_then(|cr| cr.with("secret", &c.secret))
        .expect("credentials");
    let signer = p99::query_order::signer(&creds).expect("signer");
    assert_eq!(signer.scheme().name, "hmac");
    p99_request(&c.id, c.recv_window)
        .sign(
            &signer,
            &c.base,
            &Timestamp::AtMillis(c.ts),
            &FixedClock(c.ts),
        )
        .expect("signed")
}

/// A JWT-shaped token.
fn jwt() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,40}\\.[A-Za-z0-9_-]{1,40}\\.[A-Za-z0-9_-]{0,40}"
}

fn sign_p99_jwt(id: &str, token: &str, base: &str) -> SignedHttp {
    let creds = Credentials::new(p99::CREDENTIALS)
        .with("jwt", token)
        .expect("credentials");
    let signer = p99::query_order::signer(&creds).expect("signer");
    assert_eq!(signer.scheme().name, "jwt");
    p99_request(id, None)
        .sign(&signer, base, &Timestamp::Now, &FixedClock(0))
        .expect("signed")
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn p99_accepts_signed_requests(c in p99_case()) {
        let req = received(&sign_p99(&c));
        let key = HmacKey { api_key: &c.api_key, secret: &c.secret };
        prop_assert_eq!(
            verify_p99_hmac(&req, &key),
            Ok(Verified {
                api_key: c.api_key.clone(),
                timestamp: c.ts.to_string(),
                recv_window_ms: c.recv_window,
            })
        );
    }

    #[test]
    fn p99_refuses_any_single_byte_change(
        c in p99_case(), at in any::<Index>(), seed in any::<u8>()
    ) {
        let original = received(&sign_p99(&c));
        let (before_query, query) = original.url.split_once('?').unwrap();
        let mut parts = header_parts(&original, &["X-MBX-APIKEY"]);
        parts.push(query.to_string());
        let m = mutate(&mut parts, at, seed);
        let mut req = original.clone();
        put_header_parts(&mut req, &["X-MBX-APIKEY"], &parts[..2]);
        req.url = format!("{before_query}?{}", parts[2]);
        let result = verify_p99_hmac(&req, &HmacKey { api_key: &c.api_key, secret: &c.secret });
        if m.part == 0 && m.is_case_flip() {
            prop_assert!(result.is_ok(), "{m:?} {req:?}: {result:?}");
        } else {
            prop_assert!(result.is_err(), "{m:?} accepted: {req:?}");
        }
    }

    #[test]
    fn p99_refuses_the_wrong_secret(c in p99_case(), other in credential_text()) {
        prop_assume!(!same_hmac_key(&other, &c.secret));
        let req = received(&sign_p99(&c));
        let key = HmacKey { api_key: &c.api_key, secret: &other };
        prop_assert_eq!(verify_p99_hmac(&req, &key), Err(VerifyError::BadSignature));
    }

    #[test]
    fn p99_bearer_accepts_the_token_and_refuses_any_change(
        id in uuid_text(), token in jwt(), base in p99_base(),
        other in jwt(), at in any::<Index>(), seed in any::<u8>()
    ) {
        let original = received(&sign_p99_jwt(&id, &token, &base));
        prop_assert_eq!(verify_p99_bearer(&original, &token), Ok(()));
        if other != token {
            prop_assert_eq!(verify_p99_bearer(&original, &other), Err(VerifyError::BadToken));
        }
        let mut parts = header_parts(&original, &["Authorization"]);
        let m = mutate(&mut parts, at, seed);
        let mut req = original.clone();
        put_header_parts(&mut req, &["Authorization"], &parts);
        // Header name, or the `Bearer` scheme name: case-insensitive.
        let same_meaning = m.is_case_flip() && (m.part == 0 || m.pos < "Bearer".len());
        let result = verify_p99_bearer(&req, &token);
        if same_meaning {
            prop_assert!(result.is_ok(), "{m:?}: {result:?}");
        } else {
            prop_assert!(result.is_err(), "{m:?} accepted");
        }
    }
}
