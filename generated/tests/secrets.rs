//! Secrets in memory: every credential is a [`Secret`] (wiped on drop, compared in constant
//! time), and nothing that holds one prints it.

use generated::runtime::signing::{
    Credentials, KeyEncoding, KeyKind, PreparedKey, Secret, SignAlgorithm, Signer,
};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

const ED25519_PEM: &str =
    include_str!("../../conformance/fixtures/vectors/keys/rfc8032_test1_ed25519.pem");
const RSA_PEM: &str = include_str!("../../conformance/fixtures/vectors/keys/ccxt_test_rsa2048.pem");
const P256_PEM: &str = include_str!("../../conformance/fixtures/vectors/keys/rfc6979_a25_p256.pem");

/// A distinctive value for credential `name`: the PEM test keys for Ed25519 and RSA keys.
fn value(kind: Option<KeyKind>, name: &str) -> String {
    match kind {
        Some(KeyKind::Ed25519) => ED25519_PEM.to_string(),
        Some(KeyKind::Rsa) => RSA_PEM.to_string(),
        Some(KeyKind::EcP256) => P256_PEM.to_string(),
        _ => format!("S3CR3T-{name}-V4LUE"),
    }
}

/// Pieces of `secret` that must not show: the whole value, and every 12-byte window of a
/// PEM's body (base64 that `Debug` of a key could print in another layout).
fn pieces(secret: &str) -> Vec<String> {
    if !secret.starts_with("-----") {
        // Not a PEM: the value itself (its windows could be a non-secret credential's, as
        // `S3CR3T-clien` of `client_secret` is of `client_id`).
        return vec![secret.to_string()];
    }
    let body: String = secret.lines().filter(|l| !l.starts_with("-----")).collect();
    let mut out = vec![secret.to_string()];
    let bytes = body.as_bytes();
    out.extend(
        bytes
            .windows(12)
            .step_by(6)
            .map(|w| String::from_utf8_lossy(w).into_owned()),
    );
    out
}

/// `Debug` of credentials, of every signer of every venue's schemes, of their prepared keys and
/// of each secret shows no secret credential, nor any piece of a PEM key.
#[test]
fn debug_of_every_credential_type_shows_no_secret() {
    let mut checked = 0;
    for v in generated::VENUES {
        for scheme in v.schemes.iter().filter(|s| !s.credentials.is_empty()) {
            let mut creds = Credentials::new(v.credentials);
            let mut secrets = Vec::new();
            for &name in scheme.credentials {
                let kind = scheme
                    .sign
                    .as_ref()
                    .filter(|s| s.key == name)
                    .map(|_| scheme.key);
                let val = value(kind, name);
                creds.set(name, &val).unwrap();
                if creds.is_secret(name) {
                    secrets.push(val);
                }
            }
            let signer = Signer::new(scheme, &creds).unwrap();
            let mut shown = format!("{creds:?} {creds:#?} {signer:?} {signer:#?}");
            for &name in scheme.credentials {
                let s = creds.get(name).unwrap();
                shown.push_str(&format!("{s:?} {s}"));
            }
            if let Some(sign) = &scheme.sign {
                let key = PreparedKey::new(
                    &sign.key,
                    sign.algorithm,
                    sign.key_encoding,
                    creds.get(&sign.key).unwrap().expose(),
                )
                .unwrap();
                shown.push_str(&format!("{key:?} {key:#?}"));
            }
            assert!(!secrets.is_empty(), "{}/{}", v.id, scheme.name);
            for secret in &secrets {
                for piece in pieces(secret) {
                    assert!(
                        !shown.contains(&piece),
                        "{}/{} shows {piece:?}",
                        v.id,
                        scheme.name
                    );
                }
            }
            assert!(shown.contains("[redacted]"), "{shown}");
            checked += 1;
        }
    }
    assert!(checked >= 6, "{checked} schemes");
}

/// Equality of secrets is `subtle`'s constant-time equality of their bytes; `==` agrees.
#[test]
fn secrets_compare_in_constant_time_by_content() {
    let pairs = [
        ("s3cr3t", "s3cr3t", true),
        ("", "", true),
        ("s3cr3t", "s3cr3u", false),
        ("s3cr3t", "t3cr3t", false),
        ("s3cr3t", "s3cr3", false),
        ("s3cr3t", "s3cr3tt", false),
        ("s3cr3t", "", false),
        ("é", "e\u{301}", false),
    ];
    for (a, b, equal) in pairs {
        let (x, y) = (Secret::new(a), Secret::new(b));
        assert_eq!(bool::from(x.ct_eq(&y)), equal, "{a:?} {b:?}");
        assert_eq!(bool::from(y.ct_eq(&x)), equal, "{a:?} {b:?}");
        assert_eq!(x == y, equal, "{a:?} {b:?}");
        assert!(x.clone() == x);
    }
}

/// A secret's bytes are overwritten in place by `zeroize`, which its `Drop` runs; the key
/// material the signer holds is wiped on drop too (checked by the types: these bounds fail to
/// compile without the crates' `zeroize` features).
#[test]
fn secrets_and_key_state_are_wiped() {
    let mut s = Secret::new(String::from("hunter2-hunter2"));
    let before = s.expose().as_ptr();
    s.zeroize();
    assert_eq!(s.expose().as_ptr(), before, "wiped in place");
    assert_eq!(s.expose().len(), 15);
    assert!(s.expose().bytes().all(|b| b == 0), "{:?}", s.expose());

    fn wiped_on_drop<T: ZeroizeOnDrop>() {}
    wiped_on_drop::<Secret>();
    // `Hmac<D>` is its two digest states and a block buffer: each wipes itself on drop.
    use hmac::digest::block_api::{Buffer, CoreProxy};
    wiped_on_drop::<<sha2::Sha256 as CoreProxy>::Core>();
    wiped_on_drop::<<sha2::Sha512 as CoreProxy>::Core>();
    wiped_on_drop::<Buffer<hmac::block_api::HmacCore<sha2::Sha256>>>();
    wiped_on_drop::<Buffer<hmac::block_api::HmacCore<sha2::Sha512>>>();
    wiped_on_drop::<ed25519_dalek::SigningKey>();
    wiped_on_drop::<zeroize::Zeroizing<Box<str>>>();

    // A key prepared from a secret signs as before the secret's copy in the caller is wiped.
    let mut secret = Secret::new("key");
    let key = PreparedKey::new(
        "s",
        SignAlgorithm::HmacSha256,
        KeyEncoding::Raw,
        secret.expose(),
    )
    .unwrap();
    secret.zeroize();
    assert_eq!(
        const_hex::encode(key.sign(b"The quick brown fox jumps over the lazy dog")),
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    );
}
