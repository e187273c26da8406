//! The signing vectors: each venue's own (`specs/<venue>/vectors.yaml`, embedded in its
//! `INFO.vectors`), run through the venue's generated signer, and the primitives' RFC vectors
//! (`fixtures/vectors/common_primitives.json`, a copy of `../shared/vectors/`), run through
//! the prepared keys the signers use.
//!
//! A venue vector whose request is a generated endpoint's is built by that endpoint's typed
//! builder. A vector with a published secret must reproduce its expected signature (and URL
//! and headers, when it gives them); one whose secret was never published (`verified: false`)
//! must reproduce its string to sign.

use std::borrow::Cow;

use base64::Engine as _;
use generated::runtime::registry::{VectorInfo, VectorRequest, VectorTimestamp, VenueInfo};
use generated::runtime::request::{Location, WireParam, WireRequest, WireTransport, WireValue};
use generated::runtime::signing::{
    Credentials, FixedClock, KeyEncoding, Output, PreparedKey, Scheme, SignAlgorithm, Signer,
    Timestamp, verify_with_public_key,
};
use serde_json::Value;

/// The primitives' vector file, embedded: `(file name, text)`.
pub const PRIMITIVES: (&str, &str) = (
    "common_primitives.json",
    include_str!("../../fixtures/vectors/common_primitives.json"),
);

/// The public test keys the primitives' vectors name, embedded: `(file name, PEM)`.
pub const KEYS: &[(&str, &str)] = &[(
    "keys/ccxt_test_rsa2048.pem",
    include_str!("../../fixtures/vectors/keys/ccxt_test_rsa2048.pem"),
)];

/// The name the primitives' vectors are reported under.
pub const PRIMITIVES_ROW: &str = "primitives";

/// What became of one vector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VectorResult {
    /// The venue's id, or `primitives`.
    pub venue: &'static str,
    /// The vector's id.
    pub id: String,
    /// What was compared: `signature`, `string to sign`, or both.
    pub checked: &'static str,
    /// `Ok` or what differed.
    pub outcome: Result<(), String>,
}

/// Runs every vector of every generated venue, then the primitives' vectors.
pub fn run_all() -> Vec<VectorResult> {
    let mut out = Vec::new();
    for info in generated::VENUES {
        for v in info.vectors {
            out.push(VectorResult {
                venue: info.id,
                id: v.id.to_string(),
                checked: checked(v),
                outcome: run_vector(info, v),
            });
        }
    }
    let (file, text) = PRIMITIVES;
    match serde_json::from_str::<Value>(text) {
        Ok(doc) => {
            for v in doc["vectors"].as_array().into_iter().flatten() {
                let (checked, outcome) = primitive(v);
                out.push(VectorResult {
                    venue: PRIMITIVES_ROW,
                    id: v["id"].as_str().unwrap_or("?").to_string(),
                    checked,
                    outcome,
                });
            }
        }
        Err(e) => out.push(VectorResult {
            venue: PRIMITIVES_ROW,
            id: file.to_string(),
            checked: "file",
            outcome: Err(e.to_string()),
        }),
    }
    out
}

/// What a venue vector compares.
fn checked(v: &VectorInfo) -> &'static str {
    let sig = v.verified && v.expect.signature.is_some();
    match (sig, v.expect.string_to_sign.is_some()) {
        (true, true) => "signature and string to sign",
        (true, false) => "signature",
        (false, _) => "string to sign",
    }
}

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

fn key_file(name: &str) -> Option<&'static str> {
    KEYS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

fn compare(what: &str, got: &str, want: &str) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, expected {want:?}"))
    }
}

/// Compares `got` when the vector expects something.
fn compare_opt(what: &str, got: &str, want: Option<&str>) -> Result<(), String> {
    want.map_or(Ok(()), |w| compare(what, got, w))
}

/// Signs one venue vector's request with its scheme and compares what it expects.
fn run_vector(info: &'static VenueInfo, v: &VectorInfo) -> Result<(), String> {
    let scheme = info
        .schemes
        .iter()
        .find(|s| s.name == v.scheme)
        .ok_or(format!("no scheme `{}`", v.scheme))?;
    let mut signer = Signer::new(scheme, &credentials(info, scheme, v)?)
        .map_err(|e| e.to_string())?
        .with_frame(info.ws_frame);
    if let Some(nonce) = v.nonce {
        signer.pin_nonce(nonce);
    }
    let wire = request(info, v)?;
    let ts = match v.timestamp {
        VectorTimestamp::Millis(ms) => Timestamp::AtMillis(ms),
        VectorTimestamp::Text(t) => Timestamp::Raw(t.to_string()),
    };
    let e = &v.expect;
    if let WireTransport::Ws { .. } = wire.transport {
        let explained = signer
            .explain_ws(&wire, "vector", &ts, &FixedClock(0))
            .map_err(|e| e.to_string())?;
        compare_opt(
            "string to sign",
            &String::from_utf8_lossy(&explained.payload),
            e.string_to_sign,
        )?;
        if v.verified {
            let frame = explained.signed.frame();
            let place = scheme.place.as_ref().ok_or("scheme places no signature")?;
            let got = frame["params"][&*place.name].as_str().unwrap_or_default();
            compare_opt("signature", got, e.signature)?;
        }
        return Ok(());
    }
    let base = base_url(v)?;
    let explained = signer
        .explain_http(&wire, base, &ts, &FixedClock(0))
        .map_err(|e| e.to_string())?;
    let signed = &explained.signed;
    compare_opt(
        "string to sign",
        &String::from_utf8_lossy(&explained.payload),
        e.string_to_sign,
    )?;
    compare_opt("body", signed.body().unwrap_or_default(), e.body)?;
    if v.verified {
        compare_opt("URL", signed.url(), e.url)?;
        for (name, want) in e.headers {
            compare(
                &format!("header {name}"),
                signed.header(name).unwrap_or_default(),
                want,
            )?;
        }
        let place = scheme.place.as_ref().ok_or("scheme places no signature")?;
        let got = match place.location {
            Location::Header => signed.header(&place.name).unwrap_or_default().to_string(),
            _ => {
                let u = url::Url::parse(signed.url()).map_err(|e| e.to_string())?;
                u.query_pairs()
                    .find(|(k, _)| *k == place.name)
                    .map(|(_, x)| x.into_owned())
                    .unwrap_or_default()
            }
        };
        compare_opt("signature", &got, e.signature)?;
        if let Some(pem) = e.verify_key {
            verify_placed(scheme, &got, &explained.payload, pem)?;
        }
    }
    Ok(())
}

/// Verifies the signature inside `placed` (the value where the scheme places it: after the
/// place's prefix, and after the string to sign when it is placed with it) over `payload`
/// with the public key `pem`.
fn verify_placed(scheme: &Scheme, placed: &str, payload: &[u8], pem: &str) -> Result<(), String> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    let (place, sign) = (scheme.place.as_ref(), scheme.sign.as_ref());
    let (Some(place), Some(sign)) = (place, sign) else {
        return Err("scheme places no signature".into());
    };
    let text = placed.strip_prefix(&*place.prefix).unwrap_or(placed);
    let text = match &place.with_payload {
        Some(sep) => text.rsplit_once(&**sep).map_or(text, |(_, sig)| sig),
        None => text,
    };
    let raw = match sign.output {
        Output::Hex | Output::HexUpper => const_hex::decode(text).map_err(|e| e.to_string()),
        Output::Base64 => STANDARD.decode(text).map_err(|e| e.to_string()),
        Output::Base64Url => URL_SAFE_NO_PAD.decode(text).map_err(|e| e.to_string()),
    }?;
    match verify_with_public_key(sign.algorithm, pem, payload, &raw) {
        Ok(true) => Ok(()),
        Ok(false) => Err("signature does not verify under the vector's public key".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// The credentials a vector signs with; a vector whose secret was never published
/// (`verified: false`) signs with placeholder text for what it does not give, to check its
/// string to sign.
fn credentials(info: &VenueInfo, scheme: &Scheme, v: &VectorInfo) -> Result<Credentials, String> {
    let mut creds = Credentials::new(info.credentials);
    for c in v.credentials {
        creds.set(c.name, c.value).map_err(|e| e.to_string())?;
    }
    if !v.verified {
        for name in scheme.credentials {
            if !v.credentials.iter().any(|c| c.name == *name) {
                creds.set(name, "unpublished").map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(creds)
}

/// A vector's parameter value: its JSON text as the wire value it stands for (an array: a
/// list parameter's items).
fn wire_value(json: &str) -> WireValue<'static> {
    match serde_json::from_str::<Value>(json) {
        Ok(Value::Array(items)) => {
            WireValue::List(items.iter().map(|i| wire_value(&i.to_string())).collect())
        }
        Ok(Value::Number(n)) if n.is_i64() => WireValue::Int(n.as_i64().unwrap_or_default()),
        Ok(Value::Number(n)) if n.is_u64() => WireValue::UInt(n.as_u64().unwrap_or_default()),
        Ok(Value::Bool(b)) => WireValue::Bool(b),
        Ok(Value::String(s)) => WireValue::Str(Cow::Owned(s)),
        _ => WireValue::Str(Cow::Owned(json.to_string())),
    }
}

/// The request a vector describes: an endpoint's typed request, or built from its params.
fn request(info: &VenueInfo, v: &VectorInfo) -> Result<WireRequest<'static>, String> {
    let body_format = match v.request {
        VectorRequest::Http { body, .. } => body,
        _ => generated::runtime::request::BodyFormat::Json,
    };
    let transport = match v.request {
        VectorRequest::Endpoint { id, .. } => {
            let e = info.endpoint(id).ok_or(format!("no endpoint `{id}`"))?;
            let text: Vec<(&str, String)> = v
                .params
                .iter()
                .map(|p| (p.name, wire_value(p.value).to_text()))
                .collect();
            let pairs: Vec<(&str, &str)> = text.iter().map(|(k, x)| (*k, x.as_str())).collect();
            return (e.build)(&pairs).map_err(|e| e.to_string());
        }
        VectorRequest::Http { method, path, .. } => WireTransport::Rest {
            method,
            path: path.to_string().into(),
        },
        VectorRequest::Ws { method } => WireTransport::Ws { method },
    };
    let params = v
        .params
        .iter()
        .map(|p| WireParam {
            name: Cow::Borrowed(p.name),
            location: p.location,
            value: wire_value(p.value),
        })
        .collect();
    Ok(WireRequest {
        transport,
        params,
        body_format,
    })
}

/// The base URL of an HTTP vector.
fn base_url(v: &VectorInfo) -> Result<&'static str, String> {
    match v.request {
        VectorRequest::Http { base_url, .. } => Ok(base_url),
        VectorRequest::Endpoint {
            base_url: Some(b), ..
        } => Ok(b),
        _ => Err("an HTTP vector without a base URL".into()),
    }
}

/// RFC 4231, RFC 8032 and RSA vectors through the prepared keys the signers use.
fn primitive(v: &Value) -> (&'static str, Result<(), String>) {
    let result = (|| -> Result<(), String> {
        let expected = s(v, "expected").ok_or("no expected value")?;
        let alg = s(v, "algorithm").unwrap_or_default();
        let message = match (s(v, "message"), s(v, "message_hex")) {
            (Some(m), _) => m.as_bytes().to_vec(),
            (None, Some(h)) => const_hex::decode(h).map_err(|e| e.to_string())?,
            (None, None) => Vec::new(),
        };
        let (key, encode_b64) = if alg.starts_with("HMAC-SHA256") {
            (
                PreparedKey::new(
                    "key",
                    SignAlgorithm::HmacSha256,
                    KeyEncoding::Hex,
                    s(v, "key_hex").unwrap_or_default(),
                ),
                false,
            )
        } else if alg.starts_with("Ed25519") {
            (
                PreparedKey::new(
                    "key",
                    SignAlgorithm::Ed25519,
                    KeyEncoding::Raw,
                    s(v, "secret_seed_hex").unwrap_or_default(),
                ),
                false,
            )
        } else if alg.starts_with("RSASSA-PKCS1-v1_5") {
            let pem =
                key_file(s(v, "private_key_file").unwrap_or_default()).ok_or("unknown key file")?;
            (
                PreparedKey::new("key", SignAlgorithm::RsaPkcs1Sha256, KeyEncoding::Raw, pem),
                true,
            )
        } else {
            return Err(format!("unknown algorithm {alg}"));
        };
        let sig = key.map_err(|e| e.to_string())?.sign(&message);
        let got = if encode_b64 {
            base64::engine::general_purpose::STANDARD.encode(sig)
        } else {
            const_hex::encode(sig)
        };
        compare("signature", &got, expected)
    })();
    ("signature", result)
}
