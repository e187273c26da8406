//! A UUID v4 nonce (`uuid4`) sent in a header and signed, and the request's `Content-Type`
//! (`content_type`) signed only when there is a body: Bitstamp's v2 recipe, built by hand.
//! The pinned-nonce signature is recomputed independently with Python:
//!
//! ```text
//! python3 -c "import hmac,hashlib; m='BITSTAMP key'+'POST'+'www.bitstamp.net'
//!   +'/api/v2/order_status/'+'application/x-www-form-urlencoded'
//!   +'f47ac10b-58cc-4372-a567-0e02b2c3d479'+'1700000000000'+'v2'+'id=42';
//!   print(hmac.new(b'secret',m.encode(),hashlib.sha256).hexdigest())"
//! ```
use std::borrow::Cow;

use crate::request::{
    BodyFormat, Location, WireParam, WirePath, WireRequest, WireTransport, WireValue,
};
use crate::signing::recipe::{
    Add, Encoding, KeyEncoding, KeyKind, Output, Part, Place, Scheme, SchemeTransport, Sign,
    SignAlgorithm, TimestampFormat,
};
use crate::signing::{CredentialInfo, Credentials, FixedClock, Signer, Timestamp};

macro_rules! header {
    ($name:literal, $($part:expr),+) => {
        Add {
            location: Location::Header,
            name: Cow::Borrowed($name),
            value: Cow::Borrowed(&[$($part),+]),
            sensitive: false,
        }
    };
}

static V2: Scheme = Scheme {
    venue: "t",
    name: "hmac",
    object_body: false,
    transport: SchemeTransport::Rest,
    key: KeyKind::Hmac,
    credentials: &["api_key", "secret"],
    timestamp: Some(TimestampFormat::Millis),
    add: &[
        header!(
            "X-Auth",
            Part::literal("BITSTAMP "),
            Part::credential("api_key")
        ),
        header!("X-Auth-Nonce", Part::Uuid4),
        header!("X-Auth-Timestamp", Part::Timestamp),
        header!("X-Auth-Version", Part::literal("v2")),
    ],
    payload: &[
        Part::literal("BITSTAMP "),
        Part::credential("api_key"),
        Part::Method,
        Part::Host,
        Part::Path,
        Part::Params {
            from: Location::Query,
            sort: false,
            encoding: Encoding::Rfc3986,
            prefix: Cow::Borrowed("?"),
        },
        Part::ContentType,
        Part::Uuid4,
        Part::Timestamp,
        Part::literal("v2"),
        Part::Body,
    ],
    sign: Some(Sign::new(
        SignAlgorithm::HmacSha256,
        "secret",
        KeyEncoding::Raw,
        Output::Hex,
    )),
    place: Some(Place::new(Location::Header, "X-Auth-Signature")),
    query_encoding: Encoding::Rfc3986,
};

const CREDENTIALS: &[CredentialInfo] = &[
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

fn signer() -> Signer {
    let creds = Credentials::new(CREDENTIALS)
        .with("api_key", "key")
        .and_then(|c| c.with("secret", "secret"))
        .unwrap();
    Signer::new(&V2, &creds).unwrap()
}

fn request(with_body: bool) -> WireRequest<'static> {
    let params = if with_body {
        vec![WireParam {
            name: Cow::Borrowed("id"),
            location: Location::Body,
            value: WireValue::UInt(42),
        }]
    } else {
        Vec::new()
    };
    WireRequest {
        transport: WireTransport::Rest {
            method: "POST",
            path: WirePath::Text(Cow::Borrowed("/api/v2/order_status/")),
        },
        params: params.into(),
        body_format: BodyFormat::Form,
    }
}

/// Signs at 1 700 000 000 000 ms; returns the string signed and the signed request.
fn sign(s: &Signer, with_body: bool) -> (String, crate::signing::SignedHttp) {
    let explained = s
        .explain_http(
            &request(with_body),
            "https://www.bitstamp.net",
            &Timestamp::Now,
            &FixedClock(1_700_000_000_000),
        )
        .unwrap();
    (
        String::from_utf8(explained.payload).unwrap(),
        explained.signed,
    )
}

/// Whether `s` is a UUID v4 as written in lower case with hyphens.
fn is_lower_uuid4(s: &str) -> bool {
    let hyphens = [8, 13, 18, 23];
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if hyphens.contains(&i) {
                c == '-'
            } else {
                c.is_ascii_digit() || ('a'..='f').contains(&c)
            }
        })
        && &s[14..15] == "4"
        && matches!(&s[19..20], "8" | "9" | "a" | "b")
}

/// Each request draws a fresh UUID v4, sent in its header and signed in its place.
#[test]
fn a_uuid4_nonce_is_fresh_sent_and_signed() {
    let s = signer();
    let (payload, signed) = sign(&s, true);
    let nonce = signed.header("X-Auth-Nonce").unwrap().to_string();
    assert!(is_lower_uuid4(&nonce), "{nonce}");
    assert_eq!(
        payload,
        format!(
            "BITSTAMP keyPOSTwww.bitstamp.net/api/v2/order_status/\
             application/x-www-form-urlencoded{nonce}1700000000000v2id=42"
        )
    );
    let (_, again) = sign(&s, true);
    let other = again.header("X-Auth-Nonce").unwrap();
    assert!(is_lower_uuid4(other));
    assert_ne!(other, nonce, "a nonce is drawn per request");
}

/// Without a body the request has no `Content-Type`, and `content_type` signs nothing.
#[test]
fn no_body_no_content_type() {
    let (payload, signed) = sign(&signer(), false);
    assert_eq!(signed.header("Content-Type"), None);
    assert_eq!(signed.body(), None);
    let nonce = signed.header("X-Auth-Nonce").unwrap();
    assert_eq!(
        payload,
        format!("BITSTAMP keyPOSTwww.bitstamp.net/api/v2/order_status/{nonce}1700000000000v2")
    );
}

/// A pinned nonce makes the signature reproducible: the Python recomputation above.
#[test]
fn a_pinned_uuid_reproduces_the_signature() {
    let mut s = signer();
    s.pin_nonce("f47ac10b-58cc-4372-a567-0e02b2c3d479");
    let signed = s
        .sign_http(
            &request(true),
            "https://www.bitstamp.net",
            &Timestamp::Now,
            &FixedClock(1_700_000_000_000),
        )
        .unwrap();
    assert_eq!(
        signed.header("X-Auth-Nonce"),
        Some("f47ac10b-58cc-4372-a567-0e02b2c3d479")
    );
    assert_eq!(
        signed.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(signed.body(), Some("id=42"));
    assert_eq!(
        signed.header("X-Auth-Signature"),
        Some("b960cee940fe486a311a97458593effaf1d809ee005a2fb06d956187a97c9f5a")
    );
}
