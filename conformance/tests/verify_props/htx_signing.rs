//! HTX: signed requests verify (any base URL the builder accepts), any single-byte change or
//! wrong secret is refused.

use super::*;

/// The production URLs and two a mock server could have (explicit port, upper-case host,
/// path prefix).
fn htx_base() -> impl Strategy<Value = String> {
    let mut bases: Vec<String> = htx::INFO
        .environments
        .iter()
        .filter_map(|e| e.rest.map(str::to_string))
        .collect();
    bases.push("http://127.0.0.1:18080".into());
    bases.push("https://Mock.Example:8443/prefix/".into());
    prop::sample::select(bases)
}

#[derive(Debug, Clone)]
struct HtxCase {
    client_order_id: String,
    api_key: String,
    secret: String,
    ts: i64,
    base: String,
}

fn htx_case() -> impl Strategy<Value = HtxCase> {
    (
        id_text(),
        api_key(),
        credential_text(),
        millis(),
        htx_base(),
    )
        .prop_map(|(client_order_id, api_key, secret, ts, base)| HtxCase {
            client_order_id,
            api_key,
            secret,
            ts,
            base,
        })
}

fn sign_htx(c: &HtxCase) -> SignedHttp {
    use htx::get_client_order::{Request, signer};
    let req = Request::builder()
        .client_order_id(c.client_order_id.clone())
        .build()
        .expect("valid HTX request");
    let creds = Credentials::new(htx::CREDENTIALS)
        .with("api_key", &c.api_key)
        .and_then(|cr| cr.with("secret", &c.secret))
        .expect("credentials");
    let signer = signer(&creds).expect("signer");
    req.sign(
        &signer,
        &c.base,
        &Timestamp::AtMillis(c.ts),
        &FixedClock(c.ts),
    )
    .expect("signed")
}

/// Whether byte `pos` of `query` is a hex digit of a `%XX` escape.
fn in_percent_escape(query: &[u8], pos: usize) -> bool {
    (pos >= 1 && query[pos - 1] == b'%')
        || (pos >= 2 && query[pos - 2] == b'%' && query[pos - 1].is_ascii_hexdigit())
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn htx_accepts_signed_requests(c in htx_case()) {
        let signed = sign_htx(&c);
        let key = HmacKey { api_key: &c.api_key, secret: &c.secret };
        prop_assert_eq!(
            verify_htx(&received(&signed), &key),
            Ok(Verified {
                api_key: c.api_key.clone(),
                timestamp: signed.timestamp().unwrap().to_string(),
                recv_window_ms: None,
            })
        );
    }

    #[test]
    fn htx_refuses_any_single_byte_change(
        c in htx_case(), at in any::<Index>(), seed in any::<u8>()
    ) {
        let original = received(&sign_htx(&c));
        let (scheme, rest) = original.url.split_once("://").unwrap();
        let authority_len = rest.find(['/', '?']).unwrap();
        let query_start = rest.find('?').unwrap() + 1;
        let mut parts = vec![original.method.clone(), rest.to_string()];
        let m = mutate(&mut parts, at, seed);
        let req = ReceivedHttp {
            method: parts[0].clone(),
            url: format!("{scheme}://{}", parts[1]),
            ..original.clone()
        };
        let same_meaning = m.part == 1
            && m.is_case_flip()
            && (m.pos < authority_len
                || (m.pos >= query_start
                    && m.old.is_ascii_hexdigit()
                    && in_percent_escape(&rest.as_bytes()[query_start..], m.pos - query_start)));
        let result = verify_htx(&req, &HmacKey { api_key: &c.api_key, secret: &c.secret });
        if same_meaning {
            prop_assert!(result.is_ok(), "{m:?} {req:?}: {result:?}");
        } else {
            prop_assert!(result.is_err(), "{m:?} accepted: {req:?}");
        }
    }

    #[test]
    fn htx_refuses_the_wrong_secret(c in htx_case(), other in credential_text()) {
        prop_assume!(!same_hmac_key(&other, &c.secret));
        let req = received(&sign_htx(&c));
        let key = HmacKey { api_key: &c.api_key, secret: &other };
        prop_assert_eq!(verify_htx(&req, &key), Err(VerifyError::BadSignature));
    }
}
