//! A form body (`BodyFormat::Form`): the members written as `name=value` pairs, form-encoded
//! as Python's `urllib.parse.urlencode` writes them, signed byte for byte as sent, and sent
//! with the form's `Content-Type`. Expected values recomputed independently with Python:
//!
//! ```text
//! python3 -c "from urllib.parse import urlencode; import hmac,hashlib;
//!   b=urlencode({'id':'1458532827766784','client_order_id':'a b&c=d/é~*',
//!                'omit_transactions':'true'}); print(b);
//!   print(hmac.new(b'secret',('POST/api/v2/order_status/'+b).encode(),hashlib.sha256).hexdigest())"
//! ```
use std::borrow::Cow;

use crate::request::{
    BodyFormat, Location, WireParam, WirePath, WireRequest, WireTransport, WireValue,
};
use crate::signing::recipe::{
    KeyEncoding, KeyKind, Output, Part, Place, Scheme, SchemeTransport, Sign, SignAlgorithm,
};
use crate::signing::{CredentialInfo, Credentials, FixedClock, Signer, Timestamp};

/// `hex(HMAC-SHA256(secret, method + path + body))`, placed in a header.
static SCHEME: Scheme = Scheme {
    venue: "t",
    name: "hmac",
    object_body: false,
    transport: SchemeTransport::Rest,
    key: KeyKind::Hmac,
    credentials: &["secret"],
    timestamp: None,
    add: &[],
    payload: &[Part::Method, Part::Path, Part::Body],
    sign: Some(Sign::new(
        SignAlgorithm::HmacSha256,
        "secret",
        KeyEncoding::Raw,
        Output::Hex,
    )),
    place: Some(Place::new(Location::Header, "X-Sig")),
    query_encoding: crate::signing::recipe::Encoding::Rfc3986,
};

const CREDENTIALS: &[CredentialInfo] = &[CredentialInfo {
    name: "secret",
    env: "T_SECRET",
    secret: true,
    doc: "",
}];

fn body(name: &'static str, value: WireValue<'static>) -> WireParam<'static> {
    WireParam {
        name: Cow::Borrowed(name),
        location: Location::Body,
        value,
    }
}

fn request(body_format: BodyFormat) -> WireRequest<'static> {
    WireRequest {
        transport: WireTransport::Rest {
            method: "POST",
            path: WirePath::Text(Cow::Borrowed("/api/v2/order_status/")),
        },
        params: vec![
            body("id", WireValue::UInt(1_458_532_827_766_784)),
            body("client_order_id", WireValue::Str("a b&c=d/é~*".into())),
            body("omit_transactions", WireValue::Bool(true)),
        ]
        .into(),
        body_format,
    }
}

fn signer() -> Signer {
    let creds = Credentials::new(CREDENTIALS)
        .with("secret", "secret")
        .unwrap();
    Signer::new(&SCHEME, &creds).unwrap()
}

const FORM: &str =
    "id=1458532827766784&client_order_id=a+b%26c%3Dd%2F%C3%A9~%2A&omit_transactions=true";

/// The body sent is the form, the bytes signed are the bytes sent, and the `Content-Type`
/// says so.
#[test]
fn a_form_body_is_signed_as_sent() {
    let explained = signer()
        .explain_http(
            &request(BodyFormat::Form),
            "https://www.bitstamp.net",
            &Timestamp::Now,
            &FixedClock(0),
        )
        .unwrap();
    let signed = &explained.signed;
    assert_eq!(signed.body(), Some(FORM));
    assert_eq!(
        String::from_utf8(explained.payload).unwrap(),
        format!("POST/api/v2/order_status/{FORM}")
    );
    assert_eq!(
        signed.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        signed.header("X-Sig"),
        Some("9266bd19433e6257c1e9d46ca89da489fc307c9021d959f5750de235b1851084")
    );
}

/// The same members in the default format are a JSON object sent as `application/json`.
#[test]
fn the_default_body_is_json() {
    let signed = signer()
        .sign_http(
            &request(BodyFormat::Json),
            "https://www.bitstamp.net",
            &Timestamp::Now,
            &FixedClock(0),
        )
        .unwrap();
    assert_eq!(
        signed.body(),
        Some(r#"{"id":1458532827766784,"client_order_id":"a b&c=d/é~*","omit_transactions":true}"#)
    );
    assert_eq!(signed.header("Content-Type"), Some("application/json"));
}
