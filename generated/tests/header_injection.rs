//! A control character in anything a signer puts in a header (a credential, a raw timestamp)
//! is refused with a typed error that does not echo the value: the header it would end could
//! otherwise be followed by headers of the caller's choosing (`key\r\nX-Evil: 1`).

use generated::runtime::request::Location;
use generated::runtime::signing::{
    Credentials, FixedClock, KeyKind, Part, Scheme, SchemeTransport, SignError, Signer, Timestamp,
};

const INJECTED: &str = "key\r\nX-Evil: 1";
const ED25519_PEM: &str =
    include_str!("../../conformance/fixtures/vectors/keys/rfc8032_test1_ed25519.pem");
const RSA_PEM: &str = include_str!("../../conformance/fixtures/vectors/keys/ccxt_test_rsa2048.pem");
const P256_PEM: &str = include_str!("../../conformance/fixtures/vectors/keys/rfc6979_a25_p256.pem");

/// Every (venue, REST scheme, header name, credential) where the scheme adds a header holding
/// the credential.
fn header_credentials() -> Vec<(&'static str, &'static Scheme, &'static str, &'static str)> {
    let mut found = Vec::new();
    for v in generated::VENUES {
        for s in v
            .schemes
            .iter()
            .filter(|s| s.transport == SchemeTransport::Rest)
        {
            for add in s.add.iter().filter(|a| a.location == Location::Header) {
                for part in add.value.iter() {
                    if let Part::Credential(name) = part {
                        found.push((v.id, s, &*add.name, &**name));
                    }
                }
            }
        }
    }
    found
}

/// Usable values for every credential `scheme` reads, `name` set to `value`.
fn credentials(venue: &'static str, scheme: &Scheme, name: &str, value: &str) -> Credentials {
    let info = generated::VENUES.iter().find(|v| v.id == venue).unwrap();
    let mut c = Credentials::new(info.credentials);
    for &n in scheme.credentials {
        let usable = match (scheme.sign.as_ref().map(|s| &*s.key) == Some(n), scheme.key) {
            (true, KeyKind::Ed25519) => ED25519_PEM,
            (true, KeyKind::Rsa) => RSA_PEM,
            (true, KeyKind::EcP256) => P256_PEM,
            _ => "plain-value",
        };
        c.set(n, usable).unwrap();
    }
    c.set(name, value).unwrap();
    c
}

#[test]
fn a_control_character_in_a_header_credential_is_refused_when_the_signer_is_made() {
    let found = header_credentials();
    let venues: Vec<_> = found.iter().map(|f| f.0).collect();
    // Not vacuous: BitMart's `X-BM-KEY`, p99's `X-MBX-APIKEY` and bearer token.
    assert!(
        venues.contains(&"bitmart") && venues.contains(&"p99"),
        "{venues:?}"
    );
    for (venue, scheme, header, name) in found {
        for bad in [
            INJECTED,
            "key\nX-Evil: 1",
            "key\rX",
            "key\0",
            "key\x1b[2J",
            "key\x7f",
        ] {
            let err = Signer::new(scheme, &credentials(venue, scheme, name, bad)).unwrap_err();
            assert_eq!(
                err,
                SignError::HeaderControl {
                    header: header.to_string()
                },
                "{venue}/{} {name}",
                scheme.name
            );
            // The value never shows; the header's own name may hold `key` (`bfx-apikey`).
            let shown = format!("{err} {err:?}");
            let without_name = shown.replace(header, "");
            assert!(
                !shown.contains("X-Evil") && !without_name.contains("key"),
                "{shown}"
            );
            assert!(shown.contains("control character"), "{shown}");
        }
        // The same credential without the control character signs.
        Signer::new(scheme, &credentials(venue, scheme, name, "key X-Evil: 1")).unwrap();
    }
}

/// A raw timestamp (the form that reproduces published vectors) placed in a header: refused
/// at signing, by the generated signing function and by the engine alike.
#[test]
fn a_control_character_in_a_header_timestamp_is_refused_at_signing() {
    use generated::bitmart::{self, query_client_order};
    let scheme = bitmart::SCHEMES.iter().find(|s| s.name == "hmac").unwrap();
    let signer = Signer::new(scheme, &credentials("bitmart", scheme, "api_key", "k")).unwrap();
    let req = query_client_order::Request::builder()
        .client_order_id("1")
        .build()
        .unwrap();
    let base = "https://api-cloud.bitmart.com";
    let bad = Timestamp::Raw("1700000000000\r\nX-Evil: 1".into());
    let expected = SignError::HeaderControl {
        header: "X-BM-TIMESTAMP".into(),
    };
    assert_eq!(
        req.sign(&signer, base, &bad, &FixedClock(0)).unwrap_err(),
        expected
    );
    assert_eq!(
        req.sign_fast(&signer, base, &bad, &FixedClock(0))
            .expect("a generated function for bitmart's hmac")
            .unwrap_err(),
        expected
    );
    assert_eq!(
        signer
            .sign_http(&req.to_wire(), base, &bad, &FixedClock(0))
            .unwrap_err(),
        expected
    );
    assert_eq!(
        signer
            .explain_http(&req.to_wire(), base, &bad, &FixedClock(0))
            .unwrap_err(),
        expected
    );
    // The same request with a clean timestamp signs, its headers free of control bytes.
    let ok = Timestamp::Raw("1700000000000".into());
    let signed = req.sign(&signer, base, &ok, &FixedClock(0)).unwrap();
    assert_eq!(signed.header("X-BM-TIMESTAMP"), Some("1700000000000"));
    for (name, value, _) in signed.headers() {
        assert!(
            !format!("{name}{value}")
                .bytes()
                .any(|b| b < 0x20 || b == 0x7f),
            "{name}"
        );
    }
}
