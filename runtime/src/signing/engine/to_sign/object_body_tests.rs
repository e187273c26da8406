//! `object_body`: a request without body parameters still sends and signs `{}` where its
//! method carries a body. Vectors: bitfinexcom/bitfinex-api-go@0c5f8ea8 v2/rest/
//! authenticator_test.go (key `abc`, secret `123`, nonce `152145189228798`, params nil
//! marshalled as `{}`; the second test's params `{"limit": 2}`).
use std::borrow::Cow;

use crate::request::{Location, WireParam, WirePath, WireRequest, WireTransport, WireValue};
use crate::signing::recipe::{
    Add, Encoding, KeyEncoding, KeyKind, Output, Part, Place, Scheme, SchemeTransport, Sign,
    SignAlgorithm, TimestampFormat,
};
use crate::signing::{CredentialInfo, Credentials, FixedClock, Signer, Timestamp};

/// `hex(HMAC-SHA384(secret, "/api" + path + nonce + body))` (Bitfinex's API v2 recipe).
static SCHEME: Scheme = Scheme {
    venue: "t",
    name: "hmac",
    transport: SchemeTransport::Rest,
    key: KeyKind::Hmac,
    credentials: &["api_key", "secret"],
    timestamp: Some(TimestampFormat::Micros),
    add: &[
        Add {
            location: Location::Header,
            name: Cow::Borrowed("bfx-nonce"),
            value: Cow::Borrowed(&[Part::Timestamp]),
            sensitive: false,
        },
        Add {
            location: Location::Header,
            name: Cow::Borrowed("bfx-apikey"),
            value: Cow::Borrowed(&[Part::credential("api_key")]),
            sensitive: false,
        },
    ],
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
    object_body: true,
};

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

fn sign(method: &'static str, params: Vec<WireParam<'static>>) -> (String, Option<String>, String) {
    let creds = Credentials::new(CREDENTIALS)
        .with("api_key", "abc")
        .and_then(|c| c.with("secret", "123"))
        .unwrap();
    let signer = Signer::new(&SCHEME, &creds).unwrap();
    let req = WireRequest {
        transport: WireTransport::Rest {
            method,
            path: WirePath::Text(Cow::Borrowed("/v2/auth/r/orders/BTCUSD/hist")),
        },
        params: params.into(),
        body_format: crate::request::BodyFormat::Json,
    };
    let ts = Timestamp::Raw("152145189228798".into());
    let explained = signer
        .explain_http(&req, "https://api.bitfinex.com", &ts, &FixedClock(0))
        .unwrap();
    let signature = explained
        .signed
        .header("bfx-signature")
        .unwrap()
        .to_string();
    let body = explained.signed.body().map(str::to_string);
    (
        String::from_utf8(explained.payload).unwrap(),
        body,
        signature,
    )
}

#[test]
fn a_post_without_body_parameters_sends_and_signs_an_empty_object() {
    let (payload, body, signature) = sign("POST", Vec::new());
    assert_eq!(
        payload,
        "/api/v2/auth/r/orders/BTCUSD/hist152145189228798{}"
    );
    assert_eq!(body.as_deref(), Some("{}"));
    assert_eq!(
        signature,
        "2936ac13384ea81505386777bf3089ca0aa5d3cb41e9bf2ba57077f230daef1b1dc8ce426b3ca4cb792ab58be936ed5d"
    );
}

#[test]
fn body_parameters_fill_the_object_and_a_get_has_no_body() {
    let limit = WireParam {
        name: Cow::Borrowed("limit"),
        location: Location::Body,
        value: WireValue::Int(2),
    };
    let (payload, body, signature) = sign("POST", vec![limit]);
    assert_eq!(
        payload,
        "/api/v2/auth/r/orders/BTCUSD/hist152145189228798{\"limit\":2}"
    );
    assert_eq!(body.as_deref(), Some("{\"limit\":2}"));
    assert_eq!(
        signature,
        "cafd073d91b816269147d46985c2ddfbeb90d79e8418c15243b85938c5bc5e758d82001195024a45ab223787593b3206"
    );
    let (payload, body, _) = sign("GET", Vec::new());
    assert_eq!(payload, "/api/v2/auth/r/orders/BTCUSD/hist152145189228798");
    assert_eq!(body, None);
}

#[test]
fn a_list_parameter_is_a_json_array_in_the_body() {
    let ids = WireParam {
        name: Cow::Borrowed("id"),
        location: Location::Body,
        value: WireValue::List(vec![
            WireValue::UInt(34930659963),
            WireValue::UInt(1185815100),
        ]),
    };
    let (payload, body, _) = sign("POST", vec![ids]);
    assert!(
        payload.ends_with("152145189228798{\"id\":[34930659963,1185815100]}"),
        "{payload}"
    );
    assert_eq!(body.as_deref(), Some("{\"id\":[34930659963,1185815100]}"));
}
