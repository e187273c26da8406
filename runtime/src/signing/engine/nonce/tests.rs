//! A JWT minted per request by a recipe, checked as the Coinbase Advanced Trade SDK's own
//! signer test checks its tokens (coinbase/coinbase-advanced-py@54fb8ed3
//! tests/test_jwt_generator.py: decode, then `sub`, `iss == "cdp"`, `uri`, header `kid` and
//! `alg`), and further: `exp - nbf == 120`, a fresh 64-hex nonce per request, a signature that
//! verifies with the key, and a pinned nonce that makes the token reproducible.
use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::request::{Location, WirePath, WireRequest, WireTransport};
use crate::signing::recipe::{
    Encoding, JsonMember, KeyEncoding, KeyKind, Output, Part, Place, Scheme, SchemeTransport, Sign,
    SignAlgorithm, TimestampFormat,
};
use crate::signing::{CredentialInfo, Credentials, FixedClock, PreparedKey, Signer, Timestamp};

static JWT: Scheme = Scheme {
    venue: "t",
    name: "es256",
    transport: SchemeTransport::Rest,
    key: KeyKind::EcP256,
    credentials: &["key_name", "private_key"],
    timestamp: Some(TimestampFormat::Seconds),
    add: &[],
    payload: &[
        Part::Json {
            members: Cow::Borrowed(&[
                JsonMember {
                    name: Cow::Borrowed("alg"),
                    value: Cow::Borrowed(&[Part::literal("ES256")]),
                    integer: false,
                },
                JsonMember {
                    name: Cow::Borrowed("kid"),
                    value: Cow::Borrowed(&[Part::credential("key_name")]),
                    integer: false,
                },
                JsonMember {
                    name: Cow::Borrowed("nonce"),
                    value: Cow::Borrowed(&[Part::RandomHex(32)]),
                    integer: false,
                },
                JsonMember {
                    name: Cow::Borrowed("typ"),
                    value: Cow::Borrowed(&[Part::literal("JWT")]),
                    integer: false,
                },
            ]),
            output: Some(Output::Base64Url),
        },
        Part::literal("."),
        Part::Json {
            members: Cow::Borrowed(&[
                JsonMember {
                    name: Cow::Borrowed("sub"),
                    value: Cow::Borrowed(&[Part::credential("key_name")]),
                    integer: false,
                },
                JsonMember {
                    name: Cow::Borrowed("iss"),
                    value: Cow::Borrowed(&[Part::literal("cdp")]),
                    integer: false,
                },
                JsonMember {
                    name: Cow::Borrowed("nbf"),
                    value: Cow::Borrowed(&[Part::Timestamp]),
                    integer: true,
                },
                JsonMember {
                    name: Cow::Borrowed("exp"),
                    value: Cow::Borrowed(&[Part::TimestampPlus(120)]),
                    integer: true,
                },
                JsonMember {
                    name: Cow::Borrowed("uri"),
                    value: Cow::Borrowed(&[
                        Part::Method,
                        Part::literal(" "),
                        Part::Host,
                        Part::Path,
                    ]),
                    integer: false,
                },
            ]),
            output: Some(Output::Base64Url),
        },
    ],
    sign: Some(Sign::new(
        SignAlgorithm::EcdsaP256Sha256,
        "private_key",
        KeyEncoding::Raw,
        Output::Base64Url,
    )),
    place: Some(Place::token(
        Location::Header,
        "Authorization",
        "Bearer ",
        Some("."),
    )),
    query_encoding: Encoding::Rfc3986,
    object_body: false,
};

static CREDENTIALS: &[CredentialInfo] = &[
    CredentialInfo {
        name: "key_name",
        env: "T_KEY_NAME",
        secret: false,
        doc: "",
    },
    CredentialInfo {
        name: "private_key",
        env: "T_PRIVATE_KEY",
        secret: true,
        doc: "",
    },
];

/// The SDK's TEST_API_KEY and TEST_API_SECRET (tests/constants.py).
const KEY_NAME: &str = "organizations/test-organization/apiKeys/test-api-key";
const SECRET: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIKwf3Uox30cRWzRBOPoPOH5p0Gpb0Dt8zUKXUEM5fMkGoAoGCCqGSM49\nAwEHoUQDQgAEbAtpLlSZYVOwYICz+uEyxcS29vRIujiES/gQ1DC7FV4zK4JuYE9v\nqDyGZQYjdXHLM7I6f/QnnOITL+dXYWBHRA==\n-----END EC PRIVATE KEY-----\n";

fn signer() -> Signer {
    let creds = Credentials::new(CREDENTIALS)
        .with("key_name", KEY_NAME)
        .and_then(|c| c.with("private_key", SECRET))
        .unwrap();
    Signer::new(&JWT, &creds).unwrap()
}

/// The token of a signed `GET /api/v3/brokerage/accounts` (the SDK test's request).
fn token(signer: &Signer) -> String {
    let req = WireRequest {
        transport: WireTransport::Rest {
            method: "GET",
            path: WirePath::Text(Cow::Borrowed("/accounts")),
        },
        params: Vec::new().into(),
        body_format: crate::request::BodyFormat::Json,
    };
    let signed = signer
        .sign_http(
            &req,
            "https://api.coinbase.com/api/v3/brokerage",
            &Timestamp::AtMillis(1_700_000_000_123),
            &FixedClock(0),
        )
        .unwrap();
    let header = signed.header("Authorization").unwrap();
    header.strip_prefix("Bearer ").unwrap().to_string()
}

fn decode(segment: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).unwrap()).unwrap()
}

#[test]
fn a_recipe_mints_the_sdk_shaped_jwt() {
    let signer = signer();
    let jwt = token(&signer);
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "{jwt}");
    let (header, claims) = (decode(parts[0]), decode(parts[1]));
    assert_eq!(claims["sub"], KEY_NAME);
    assert_eq!(claims["iss"], "cdp");
    assert_eq!(
        claims["uri"],
        "GET api.coinbase.com/api/v3/brokerage/accounts"
    );
    assert_eq!(header["kid"], KEY_NAME);
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["typ"], "JWT");
    assert_eq!(claims["nbf"], 1_700_000_000);
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["nbf"].as_i64().unwrap(),
        120
    );
    let nonce = header["nonce"].as_str().unwrap();
    assert!(
        nonce.len() == 64 && nonce.bytes().all(|b| b.is_ascii_hexdigit()),
        "{nonce}"
    );
    // The signature is r || s over `header.claims`, under the key's public half.
    let key = PreparedKey::new(
        "k",
        SignAlgorithm::EcdsaP256Sha256,
        KeyEncoding::Raw,
        SECRET,
    )
    .unwrap();
    let sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    assert_eq!(sig.len(), 64);
    let signed = format!("{}.{}", parts[0], parts[1]);
    assert!(key.verify(signed.as_bytes(), &sig));
    assert!(!key.verify(b"other", &sig));
}

#[test]
fn each_request_has_its_own_nonce_unless_pinned() {
    let mut signer = signer();
    let nonce = |jwt: &str| decode(jwt.split('.').next().unwrap())["nonce"].clone();
    let (a, b) = (token(&signer), token(&signer));
    assert_ne!(nonce(&a), nonce(&b));
    signer.pin_nonce("0123");
    let (a, b) = (token(&signer), token(&signer));
    assert_eq!(nonce(&a), "0123");
    // RFC 6979: with the nonce and time fixed, the token repeats byte for byte.
    assert_eq!(a, b);
}
