//! Key forms against independent truth: RFC 6979's P-256 known answer, one key in its several
//! written forms giving one signature, and refusals that never echo key material.

use super::PreparedKey;
use crate::signing::recipe::{KeyEncoding, SignAlgorithm};
use crate::signing::verify_with_public_key;

/// RFC 6979 A.2.5's P-256 key (x = C9AFA9D8...120F6721) as SEC1 PEM.
const P256_SEC1: &str =
    include_str!("../../../../conformance/fixtures/vectors/keys/rfc6979_a25_p256.pem");
/// The same key as PKCS#8 PEM (`openssl pkcs8 -topk8 -nocrypt` of the SEC1 file).
const P256_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgya+p2EW6dRZrXCFX
Z7HWk05Qw9s26JsSe4piKxIPZyGhRANCAARg/tS6JVqdMclh63TGNW1owEm4kjth
+mzmaWIuYPKftnkD/hAIuLyZpBrp6VYovGTy8bIMLX6fUXejwpTURiKZ
-----END PRIVATE KEY-----
";

fn ec(value: &str) -> PreparedKey {
    PreparedKey::new("k", SignAlgorithm::EcdsaP256Sha256, KeyEncoding::Raw, value).unwrap()
}

fn ed(value: &str) -> Result<PreparedKey, super::KeyError> {
    PreparedKey::new("k", SignAlgorithm::Ed25519, KeyEncoding::Raw, value)
}

#[test]
fn p256_signs_rfc6979_a25_sample_with_sha256() {
    // RFC 6979 A.2.5, "With SHA-256, message = "sample"": r then s.
    let want = "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716\
                F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8";
    let sig = ec(P256_SEC1).sign(b"sample");
    assert_eq!(const_hex::encode_upper(&sig), want);
}

#[test]
fn one_p256_key_in_every_written_form_signs_alike() {
    let want = ec(P256_SEC1).sign(b"sample");
    assert_eq!(ec(P256_PKCS8).sign(b"sample"), want);
    // Line breaks written as the two characters `\n` (key files in JSON, env variables).
    let escaped = P256_SEC1.trim_end().replace('\n', "\\n");
    assert!(!escaped.contains('\n'));
    assert_eq!(ec(&escaped).sign(b"sample"), want);
}

#[test]
fn p256_signatures_verify_and_others_do_not() {
    let key = ec(P256_SEC1);
    let mut sig = key.sign(b"msg");
    assert!(key.verify(b"msg", &sig));
    assert!(!key.verify(b"msh", &sig));
    sig[10] ^= 1;
    assert!(!key.verify(b"msg", &sig));
    assert!(!key.verify(b"msg", &sig[..63]));
}

#[test]
fn p256_keys_of_another_kind_are_refused_without_their_text() {
    let secret_text =
        "-----BEGIN RSA PRIVATE KEY-----\nAAAAsecretmaterial\n-----END RSA PRIVATE KEY-----";
    let err = PreparedKey::new(
        "pk",
        SignAlgorithm::EcdsaP256Sha256,
        KeyEncoding::Raw,
        secret_text,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("credential `pk` is not a usable P-256 PEM key"),
        "{err}"
    );
    assert!(!err.contains("secretmaterial"), "{err}");
    assert_eq!(format!("{:?}", ec(P256_SEC1)), "EcdsaP256([redacted])");
}

/// coinbase/coinbase-advanced-py@54fb8ed3 tests/constants.py: one Ed25519 key as 64 bytes
/// (seed then public key), as its seed, and as PKCS#8 PEM.
const ED_64: &str =
    "k0BUni0p0vZG1BdpVjS6ogBJ7kxm630AJ2dN+tuputDOKsRAwgyrpEQLeBtS1znTmzPX6Xr2eOWpzx6nW8knkA==";
const ED_SEED: &str = "k0BUni0p0vZG1BdpVjS6ogBJ7kxm630AJ2dN+tuputA=";
const ED_PKCS8: &str = "-----BEGIN PRIVATE KEY-----\\nMC4CAQAwBQYDK2VwBCIEIJNAVJ4tKdL2RtQXaVY0uqIASe5MZut9ACdnTfrbqbrQ\\n-----END PRIVATE KEY-----\\n";

#[test]
fn an_ed25519_key_of_64_bytes_is_its_seed() {
    let want = ed(ED_SEED).unwrap().sign(b"m");
    assert_eq!(ed(ED_64).unwrap().sign(b"m"), want);
    assert_eq!(ed(ED_PKCS8).unwrap().sign(b"m"), want);
    // Its public key (the SPKI PEM `openssl pkey -pubout` prints) verifies the signature.
    let public = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAzirEQMIMq6REC3gbUtc505sz1+l69njlqc8ep1vJJ5A=\n-----END PUBLIC KEY-----\n";
    assert_eq!(
        verify_with_public_key(SignAlgorithm::Ed25519, public, b"m", &want),
        Ok(true)
    );
    assert_eq!(
        verify_with_public_key(SignAlgorithm::Ed25519, public, b"n", &want),
        Ok(false)
    );
}

#[test]
fn an_ed25519_key_whose_halves_disagree_is_refused() {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut bytes = b64.decode(ED_64).unwrap();
    bytes[63] ^= 1;
    let err = ed(&b64.encode(&bytes)).unwrap_err().to_string();
    assert!(
        err.contains("last 32 bytes are not the public key"),
        "{err}"
    );
    let err = ed(&b64.encode([1u8; 48])).unwrap_err().to_string();
    assert!(err.contains("48 bytes, expected 32"), "{err}");
}

/// RFC 4231 section 4.3 (test case 2): key "Jefe", HMAC-SHA-384 of
/// "what do ya want for nothing?".
#[test]
fn hmac_sha384_matches_rfc_4231() {
    let key = PreparedKey::new("k", SignAlgorithm::HmacSha384, KeyEncoding::Raw, "Jefe")
        .expect("an HMAC key");
    assert!(matches!(key, PreparedKey::HmacSha384(_)), "{key:?}");
    assert_eq!(
        const_hex::encode(key.sign(b"what do ya want for nothing?")),
        "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e\
         8e2240ca5e69e2c78b3239ecfab21649"
    );
}
