//! A parameter's value as a part of the string to sign, with a nonce sent as a parameter: a
//! JSON-RPC log-on signed over `timestamp + "\n" + nonce + "\n" + data` (Deribit's
//! `public/auth`, `grant_type: client_signature`), checked against the docs' vector.
use std::borrow::Cow;

use crate::request::{Location, WireParam, WireRequest, WireTransport, WireValue};
use crate::signing::recipe::{
    Add, Encoding, KeyEncoding, KeyKind, Output, Part, Place, Scheme, SchemeTransport, Sign,
    SignAlgorithm, TimestampFormat,
};
use crate::signing::{CredentialInfo, Credentials, FixedClock, Signer, Timestamp};

/// A parameter the scheme adds among the frame's params.
macro_rules! add {
    ($name:literal, $value:expr) => {
        Add {
            location: Location::WsParams,
            name: Cow::Borrowed($name),
            value: Cow::Borrowed(&[$value]),
            sensitive: false,
        }
    };
}

static LOGON: Scheme = Scheme {
    venue: "t",
    name: "ws_signature",
    transport: SchemeTransport::Ws,
    key: KeyKind::Hmac,
    credentials: &["client_id", "client_secret"],
    timestamp: Some(TimestampFormat::Millis),
    add: &[
        add!(
            "grant_type",
            Part::Literal(Cow::Borrowed("client_signature"))
        ),
        add!("client_id", Part::Credential(Cow::Borrowed("client_id"))),
        add!("timestamp", Part::Timestamp),
        add!("nonce", Part::RandomHex(4)),
    ],
    payload: &[
        Part::Timestamp,
        Part::Literal(Cow::Borrowed("\n")),
        Part::RandomHex(4),
        Part::Literal(Cow::Borrowed("\n")),
        Part::Param {
            from: Location::WsParams,
            name: Cow::Borrowed("data"),
        },
    ],
    sign: Some(Sign::new(
        SignAlgorithm::HmacSha256,
        "client_secret",
        KeyEncoding::Raw,
        Output::Hex,
    )),
    place: Some(Place::new(Location::WsParams, "signature")),
    query_encoding: Encoding::Rfc3986,
    object_body: false,
};

/// The docs' credentials (`AMANDA` / `AMANDASECRECT`) and nonce `1iqt2wls`.
fn signer() -> Signer {
    static CREDENTIALS: &[CredentialInfo] = &[
        CredentialInfo {
            name: "client_id",
            env: "T_CLIENT_ID",
            secret: false,
            doc: "",
        },
        CredentialInfo {
            name: "client_secret",
            env: "T_CLIENT_SECRET",
            secret: true,
            doc: "",
        },
    ];
    let creds = Credentials::new(CREDENTIALS)
        .with("client_id", "AMANDA")
        .and_then(|c| c.with("client_secret", "AMANDASECRECT"))
        .unwrap();
    let mut signer = Signer::new(&LOGON, &creds).unwrap();
    signer.pin_nonce("1iqt2wls");
    signer
}

/// The log-on frame's params and the string signed, with `data` as given (or not sent).
fn logon(data: Option<&'static str>) -> (serde_json::Value, String) {
    let params: Vec<WireParam<'static>> = data
        .map(|d| WireParam {
            name: Cow::Borrowed("data"),
            location: Location::WsParams,
            value: WireValue::Str(Cow::Borrowed(d)),
        })
        .into_iter()
        .collect();
    let wire = WireRequest {
        transport: WireTransport::Ws {
            method: "public/auth",
        },
        params: params.into(),
        body_format: crate::request::BodyFormat::Json,
    };
    let ts = Timestamp::Raw("1576074319000".into());
    let explained = signer()
        .explain_ws(&wire, "9929", &ts, &FixedClock(0))
        .unwrap();
    let payload = String::from_utf8(explained.payload).unwrap();
    (explained.signed.frame()["params"].clone(), payload)
}

/// docs.deribit.com v2.1.1, "Additional authorization method - signature credentials
/// (WebSocket API)": the shell output and the sample request (mirror: rosssaunders/coincise
/// @ fd6e389d826c05c94f7b87791c624de34f2af791, docs/deribit/general.md); the same value is
/// asserted by nautechsystems/nautilus_trader @ 17b9c239c1d86a16ae1ed6d937aacc7f4c4633a8,
/// crates/adapters/deribit/src/common/credential.rs, `test_sign_ws_auth_with_known_values`.
#[test]
fn an_empty_data_param_signs_the_docs_example() {
    let (params, payload) = logon(Some(""));
    assert_eq!(payload, "1576074319000\n1iqt2wls\n");
    assert_eq!(
        params,
        serde_json::json!({
            "data": "",
            "grant_type": "client_signature",
            "client_id": "AMANDA",
            "timestamp": 1576074319000_i64,
            "nonce": "1iqt2wls",
            "signature": "56590594f97921b09b18f166befe0d1319b198bbcdad7ca73382de2f88fe9aa1",
        })
    );
}

/// "If `Data` is omitted, it's treated as an empty string" (same page): a part naming a
/// parameter that is not sent writes nothing, so the signature is the docs' one.
#[test]
fn a_param_not_sent_writes_nothing() {
    let (params, payload) = logon(None);
    assert_eq!(payload, "1576074319000\n1iqt2wls\n");
    assert!(params.get("data").is_none());
    assert_eq!(
        params["signature"],
        "56590594f97921b09b18f166befe0d1319b198bbcdad7ca73382de2f88fe9aa1"
    );
}

/// Derived (research/deribit vectors.md V4: Python `hmac` and `openssl sha256 -hmac` agree):
/// the data's value, and only it, ends the string to sign.
#[test]
fn the_data_value_ends_the_string_to_sign() {
    let (params, payload) = logon(Some("some-user-data"));
    assert_eq!(payload, "1576074319000\n1iqt2wls\nsome-user-data");
    assert_eq!(
        params["signature"],
        "669a73df79c6251e89729718d9204bd6de492eb5fc003dced67a2f0dae49b615"
    );
}
