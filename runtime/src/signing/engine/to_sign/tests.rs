//! Recipe parts against venues' documented and derived vectors, with schemes built by hand.
use std::borrow::Cow;

use crate::request::{Location, WireParam, WirePath, WireRequest, WireTransport, WireValue};
use crate::signing::recipe::{
    Add, DigestAlgorithm, Encoding, KeyEncoding, KeyKind, Output, Part, Place, Scheme,
    SchemeTransport, Sign, SignAlgorithm, TimestampFormat,
};
use crate::signing::{CredentialInfo, Credentials, FixedClock, Signer, Timestamp};

/// `hex(HMAC-SHA512(secret, METHOD\npath\nquery\nhex(SHA512(body))\ntimestamp))`: a digest
/// written as hex text inside the string to sign (Gate's APIv4 recipe).
static SCHEME: Scheme = Scheme {
    venue: "t",
    name: "hmac",
    transport: SchemeTransport::Rest,
    key: KeyKind::Hmac,
    credentials: &["api_key", "secret"],
    timestamp: Some(TimestampFormat::Seconds),
    add: &[
        Add {
            location: Location::Header,
            name: Cow::Borrowed("KEY"),
            value: Cow::Borrowed(&[Part::credential("api_key")]),
            sensitive: false,
        },
        Add {
            location: Location::Header,
            name: Cow::Borrowed("Timestamp"),
            value: Cow::Borrowed(&[Part::Timestamp]),
            sensitive: false,
        },
    ],
    payload: &[
        Part::Method,
        Part::literal("\n"),
        Part::Path,
        Part::literal("\n"),
        Part::Params {
            from: Location::Query,
            sort: false,
            encoding: Encoding::None,
            prefix: Cow::Borrowed(""),
        },
        Part::literal("\n"),
        Part::Digest {
            algorithm: DigestAlgorithm::Sha512,
            of: Cow::Borrowed(&[Part::Body]),
            output: Some(Output::Hex),
        },
        Part::literal("\n"),
        Part::Timestamp,
    ],
    sign: Some(Sign::new(
        SignAlgorithm::HmacSha512,
        "secret",
        KeyEncoding::Raw,
        Output::Hex,
    )),
    place: Some(Place::new(Location::Header, "SIGN")),
    query_encoding: Encoding::Rfc3986,
    object_body: false,
};

/// Gate's docs, "API Signature string generation", example 1 (key `key`, secret `secret`):
/// https://www.gate.io/docs/developers/apiv4/en/, mirrored in rosssaunders/coincise @
/// a00ae58b65f831bd2617d0bb8a4f84886c7281d1, docs/gateio/authentication.md lines 117-145.
/// No body: the digest is SHA-512 of the empty string, in hex.
#[test]
fn a_hex_digest_of_the_body_signs_the_docs_example() {
    static CREDENTIALS: &[CredentialInfo] = &[
        CredentialInfo {
            name: "api_key",
            env: "T_API_KEY",
            secret: false,
            doc: "",
        },
        CredentialInfo {
            name: "secret",
            env: "T_SECRET",
            secret: true,
            doc: "",
        },
    ];
    let creds = Credentials::new(CREDENTIALS)
        .with("api_key", "key")
        .and_then(|c| c.with("secret", "secret"))
        .unwrap();
    let signer = Signer::new(&SCHEME, &creds).unwrap();
    let param = |name: &'static str, value: WireValue<'static>| WireParam {
        name: Cow::Borrowed(name),
        location: Location::Query,
        value,
    };
    let req = WireRequest {
        transport: WireTransport::Rest {
            method: "GET",
            path: WirePath::Text(Cow::Borrowed("/futures/orders")),
        },
        params: vec![
            param("contract", WireValue::Str(Cow::Borrowed("BTC_USD"))),
            param("status", WireValue::Str(Cow::Borrowed("finished"))),
            param("limit", WireValue::Int(50)),
        ]
        .into(),
        body_format: crate::request::BodyFormat::Json,
    };
    let ts = Timestamp::Raw("1541993715".into());
    let explained = signer
        .explain_http(&req, "https://api.gateio.ws/api/v4", &ts, &FixedClock(0))
        .unwrap();
    assert_eq!(
        String::from_utf8(explained.payload).unwrap(),
        "GET\n/api/v4/futures/orders\ncontract=BTC_USD&status=finished&limit=50\n\
         cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e\n\
         1541993715"
    );
    assert_eq!(
        explained.signed.header("SIGN"),
        Some(
            "55f84ea195d6fe57ce62464daaa7c3c02fa9d1dde954e4c898289c9a2407a3d6fb3faf24deff16790d726b66ac9f74526668b13bd01029199cc4fcc522418b8a"
        )
    );
}

/// `base64(HMAC-SHA256(secret, timestamp + METHOD + path [+ "?" + query] + body))`: the
/// query joins the string to sign after a `?` only when there is one (KuCoin's recipe).
static TARGET: Scheme = Scheme {
    venue: "t",
    name: "hmac",
    transport: SchemeTransport::Rest,
    key: KeyKind::Hmac,
    credentials: &["api_key", "secret"],
    timestamp: Some(TimestampFormat::Millis),
    add: &[],
    payload: &[
        Part::Timestamp,
        Part::Method,
        Part::Path,
        Part::Params {
            from: Location::Query,
            sort: false,
            encoding: Encoding::None,
            prefix: Cow::Borrowed("?"),
        },
        Part::Body,
    ],
    sign: Some(Sign::new(
        SignAlgorithm::HmacSha256,
        "secret",
        KeyEncoding::Raw,
        Output::Base64,
    )),
    place: Some(Place::new(Location::Header, "KC-API-SIGN")),
    query_encoding: Encoding::Rfc3986,
    object_body: false,
};

fn target_signer() -> Signer {
    static CREDENTIALS: &[CredentialInfo] = &[
        CredentialInfo {
            name: "api_key",
            env: "T_API_KEY",
            secret: false,
            doc: "",
        },
        CredentialInfo {
            name: "secret",
            env: "T_SECRET",
            secret: true,
            doc: "",
        },
    ];
    let creds = Credentials::new(CREDENTIALS)
        .with("api_key", "k")
        .and_then(|c| c.with("secret", "f03a5284-5c39-4aaa-9b20-dea10bdcf8e3"))
        .unwrap();
    Signer::new(&TARGET, &creds).unwrap()
}

fn target(
    method: &'static str,
    path: &'static str,
    params: Vec<WireParam<'static>>,
) -> (String, String) {
    let req = WireRequest {
        transport: WireTransport::Rest {
            method,
            path: WirePath::Text(Cow::Borrowed(path)),
        },
        params: params.into(),
        body_format: crate::request::BodyFormat::Json,
    };
    let ts = Timestamp::Raw("1547015186532".into());
    let explained = target_signer()
        .explain_http(&req, "https://api.kucoin.com", &ts, &FixedClock(0))
        .unwrap();
    let sig = explained.signed.header("KC-API-SIGN").unwrap().to_string();
    (String::from_utf8(explained.payload).unwrap(), sig)
}

fn text(location: Location, name: &'static str, value: &'static str) -> WireParam<'static> {
    WireParam {
        name: Cow::Borrowed(name),
        location,
        value: WireValue::Str(Cow::Borrowed(value)),
    }
}

/// KuCoin's documented example (official: Kucoin/kucoin-api-docs @
/// 7f01bbefeebb034ba9acc44c115d737816664c48, source/localizable/index.html.md lines
/// 625-640): a POST without a query writes no `?`.
#[test]
fn no_query_writes_no_prefix() {
    let (payload, sig) = target(
        "POST",
        "/api/v1/deposit-addresses",
        vec![text(Location::Body, "currency", "BTC")],
    );
    assert_eq!(
        payload,
        r#"1547015186532POST/api/v1/deposit-addresses{"currency":"BTC"}"#
    );
    assert_eq!(sig, "7QP/oM0ykidMdrfNEUmng8eZjg/ZvPafjIqmxiVfYu4=");
}

/// Derived vectors (the same secret and timestamp; recomputed with Python's `hmac` and
/// `openssl dgst -sha256 -hmac`): a query follows its `?`, signed unencoded while the URL
/// carries it percent-encoded (the rule of KuCoin's authentication page).
#[test]
fn a_query_follows_its_prefix_unencoded() {
    let (payload, sig) = target(
        "GET",
        "/api/v1/hf/orders/client-order/6d539dc614db312",
        vec![text(Location::Query, "symbol", "BTC-USDT")],
    );
    assert_eq!(
        payload,
        "1547015186532GET/api/v1/hf/orders/client-order/6d539dc614db312?symbol=BTC-USDT"
    );
    assert_eq!(sig, "K2qKHUQDzlAqzqkiAusXaN5QzvX4iSGqohn7NMXs2z4=");
    let (payload, sig) = target(
        "GET",
        "/api/v1/sub/api-key",
        vec![
            text(Location::Query, "apiKey", "67*b3"),
            text(Location::Query, "subName", "test"),
            text(Location::Query, "passphrase", "abc!@#11"),
        ],
    );
    assert_eq!(
        payload,
        "1547015186532GET/api/v1/sub/api-key?apiKey=67*b3&subName=test&passphrase=abc!@#11"
    );
    assert_eq!(sig, "c72aSYo8u5pkxFPk6VkjHpG/12DnWN8Yp+Mx+tCX5G0=");
}

/// A value derived from credentials: KuCoin's key-version-2 passphrase header,
/// `base64(HMAC-SHA256(secret, passphrase))`. Derived vector with the credentials of the
/// universal SDK's signer test (Kucoin/kucoin-universal-sdk @
/// 78c90c77d749e4e57d61e99b7c04f090150e08d2, test_default_signer.py), recomputed with
/// `openssl dgst -sha256 -hmac test_api_secret -binary | openssl base64`.
#[test]
fn a_mac_of_a_credential_is_added_once_and_redacted() {
    static MAC: Scheme = Scheme {
        venue: "t",
        name: "hmac",
        transport: SchemeTransport::Rest,
        key: KeyKind::Hmac,
        credentials: &["secret", "passphrase"],
        timestamp: Some(TimestampFormat::Millis),
        add: &[Add {
            location: Location::Header,
            name: Cow::Borrowed("KC-API-PASSPHRASE"),
            value: Cow::Borrowed(&[Part::Mac {
                algorithm: SignAlgorithm::HmacSha256,
                key: Cow::Borrowed("secret"),
                of: Cow::Borrowed(&[Part::credential("passphrase")]),
                output: Output::Base64,
            }]),
            sensitive: true,
        }],
        payload: &[Part::Timestamp, Part::Method, Part::Path],
        sign: Some(Sign::new(
            SignAlgorithm::HmacSha256,
            "secret",
            KeyEncoding::Raw,
            Output::Base64,
        )),
        place: Some(Place::new(Location::Header, "KC-API-SIGN")),
        query_encoding: Encoding::Rfc3986,
        object_body: false,
    };
    static CREDENTIALS: &[CredentialInfo] = &[
        CredentialInfo {
            name: "secret",
            env: "T_SECRET",
            secret: true,
            doc: "",
        },
        CredentialInfo {
            name: "passphrase",
            env: "T_PASSPHRASE",
            secret: true,
            doc: "",
        },
    ];
    let creds = Credentials::new(CREDENTIALS)
        .with("secret", "test_api_secret")
        .and_then(|c| c.with("passphrase", "test_passphrase"))
        .unwrap();
    let signer = Signer::new(&MAC, &creds).unwrap();
    let req = WireRequest {
        transport: WireTransport::Rest {
            method: "GET",
            path: WirePath::Text(Cow::Borrowed("/api/v1/orders")),
        },
        params: Vec::new().into(),
        body_format: crate::request::BodyFormat::Json,
    };
    let signed = signer
        .sign_http(
            &req,
            "https://api.kucoin.com",
            &Timestamp::AtMillis(1),
            &FixedClock(0),
        )
        .unwrap();
    assert_eq!(
        signed.header("KC-API-PASSPHRASE"),
        Some("Ikr9KjwgA4urCb5Az1TNKgQELW10z84iOq+wsZsRRz0=")
    );
    let shown = format!("{signed:?}");
    assert!(!shown.contains("Ikr9Kj"), "{shown}");
}

/// `hex(HMAC-SHA384(secret, "/api" + path + nonce + body))` with a microsecond nonce
/// (Bitfinex's v2 recipe, https://docs.bitfinex.com/docs/rest-auth).
static NONCE: Scheme = Scheme {
    venue: "t",
    name: "hmac",
    transport: SchemeTransport::Rest,
    key: KeyKind::Hmac,
    credentials: &["secret"],
    timestamp: Some(TimestampFormat::Micros),
    add: &[Add {
        location: Location::Header,
        name: Cow::Borrowed("bfx-nonce"),
        value: Cow::Borrowed(&[Part::Timestamp]),
        sensitive: false,
    }],
    payload: &[
        Part::literal("/api"),
        Part::Path,
        Part::Timestamp,
        Part::Body,
    ],
    sign: Some(Sign::new(
        SignAlgorithm::HmacSha384,
        "secret",
        KeyEncoding::Raw,
        Output::Hex,
    )),
    place: Some(Place::new(Location::Header, "bfx-signature")),
    query_encoding: Encoding::Rfc3986,
    object_body: false,
};

/// A microsecond nonce read from a stopped clock still grows by one per request, and a clone
/// of the signer continues the sequence. The signatures are derived (no official vector
/// exists): the research secret `bfx-test-secret-0123456789abcdef`, computed with Python's
/// `hmac.new(secret, msg, hashlib.sha384).hexdigest()` and `openssl dgst -sha384 -hmac`, which
/// agree.
#[test]
fn a_microsecond_nonce_grows_and_signs_with_hmac_sha384() {
    static CREDENTIALS: &[CredentialInfo] = &[CredentialInfo {
        name: "secret",
        env: "T_SECRET",
        secret: true,
        doc: "",
    }];
    let creds = Credentials::new(CREDENTIALS)
        .with("secret", "bfx-test-secret-0123456789abcdef")
        .unwrap();
    let signer = Signer::new(&NONCE, &creds).unwrap();
    let req = WireRequest {
        transport: WireTransport::Rest {
            method: "POST",
            path: WirePath::Text(Cow::Borrowed("/auth/r/orders")),
        },
        params: Vec::new().into(),
        body_format: crate::request::BodyFormat::Json,
    };
    let clock = FixedClock(1_700_000_000_000);
    let sign = |s: &Signer| {
        s.sign_http(&req, "https://api.bitfinex.com/v2", &Timestamp::Now, &clock)
            .unwrap()
    };
    let first = sign(&signer);
    assert_eq!(first.header("bfx-nonce"), Some("1700000000000000"));
    assert_eq!(
        first.header("bfx-signature"),
        Some(
            "0fb14c35439d381e701b62e1d0a45d0f11dcf4cbeca3f900480b0336ac1bf101538b678ac18d94e8c2de3872554adbc0"
        )
    );
    let second = sign(&signer.clone());
    assert_eq!(second.header("bfx-nonce"), Some("1700000000000001"));
    assert_eq!(
        second.header("bfx-signature"),
        Some(
            "ea93fe27ce469493ec1869744f25167aaf0a38d5d3fdfe37e6e99cf00ea6ecc682bf6295122b19467a231a369b8393e9"
        )
    );
    assert_eq!(sign(&signer).header("bfx-nonce"), Some("1700000000000002"));
}
