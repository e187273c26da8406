//! The recipe verifier over a WebSocket log-on whose nonce travels as a parameter and whose
//! string to sign ends with one parameter's value (Deribit's `public/auth` with
//! `grant_type: client_signature`): frames signed by the engine verify, tampered ones do not.
use std::borrow::Cow;

use generated::runtime::request::{Location, WireParam, WireRequest, WireTransport, WireValue};
use generated::runtime::signing::{
    Add, CredentialInfo, Credentials, Encoding, FixedClock, KeyEncoding, KeyKind, Output, Part,
    Place, Scheme, SchemeTransport, Sign, SignAlgorithm, Signer, Timestamp, TimestampFormat,
};
use serde_json::{Map, Value, json};

use super::{Received, RecipeVerifier};
use crate::verify::VerifyError;

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

fn credential(name: &str) -> Option<&'static str> {
    match name {
        "client_id" => Some("AMANDA"),
        "client_secret" => Some("AMANDASECRECT"),
        _ => None,
    }
}

/// The params of a log-on frame the engine signs with a fresh nonce, `data` as given.
fn signed_params(data: Option<&'static str>) -> Map<String, Value> {
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
    let signer = Signer::new(&LOGON, &creds).unwrap();
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
        body_format: generated::runtime::request::BodyFormat::Json,
    };
    let ts = Timestamp::Raw("1576074319000".into());
    let frame = signer
        .sign_ws(&wire, "1", &ts, &FixedClock(0))
        .unwrap()
        .frame();
    frame["params"].as_object().unwrap().clone()
}

fn verify(params: &Map<String, Value>) -> Result<super::Verified, VerifyError> {
    RecipeVerifier::new(&LOGON, credential)
        .unwrap()
        .verify(Received::Ws(params))
}

/// The docs' sample request (docs.deribit.com v2.1.1, "signature credentials (WebSocket
/// API)"; mirror rosssaunders/coincise @ fd6e389d, docs/deribit/general.md) verifies: the
/// nonce is read from its parameter, the data from its own.
#[test]
fn the_docs_sample_request_verifies() {
    let params = json!({
        "grant_type": "client_signature",
        "client_id": "AMANDA",
        "timestamp": 1576074319000_i64,
        "nonce": "1iqt2wls",
        "data": "",
        "signature": "56590594f97921b09b18f166befe0d1319b198bbcdad7ca73382de2f88fe9aa1"
    });
    let verified = verify(params.as_object().unwrap()).unwrap();
    assert_eq!(verified.timestamp, "1576074319000");
    assert_eq!(verified.api_key, "AMANDA");
}

#[test]
fn engine_signed_frames_verify_and_tampered_ones_do_not() {
    for data in [None, Some(""), Some("some-user-data")] {
        let params = signed_params(data);
        let nonce = params["nonce"].as_str().unwrap();
        assert_eq!(nonce.len(), 8, "{params:?}");
        verify(&params).unwrap();

        let mut other_nonce = params.clone();
        other_nonce.insert("nonce".into(), json!("00000000"));
        assert_eq!(verify(&other_nonce).unwrap_err(), VerifyError::BadSignature);

        let mut other_data = params.clone();
        other_data.insert("data".into(), json!("x"));
        assert_eq!(verify(&other_data).unwrap_err(), VerifyError::BadSignature);
    }
    let mut no_nonce = signed_params(None);
    no_nonce.remove("nonce");
    assert_eq!(
        verify(&no_nonce).unwrap_err(),
        VerifyError::MissingParam("nonce")
    );
}
