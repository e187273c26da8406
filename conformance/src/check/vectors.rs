//! The official signing vectors (`fixtures/vectors/`, copies of `../shared/vectors/`), run
//! through the generated signers: the venues' own recipes, and the typed endpoint requests
//! wherever the vector's request is one of the generated endpoints.
//!
//! A vector with a published secret must reproduce its expected signature; one whose secret
//! was never published (`verified: false`) must reproduce its string to sign.

use std::borrow::Cow;

use base64::Engine as _;
use generated::runtime::registry::VenueInfo;
use generated::runtime::request::{Location, WireParam, WireRequest, WireTransport, WireValue};
use generated::runtime::signing::{
    Credentials, Explained, FixedClock, KeyEncoding, PreparedKey, SchemeTransport, SignAlgorithm,
    Signer, Timestamp,
};
use serde_json::Value;

/// The vector files, embedded: `(venue id, file name, text)`.
pub const FILES: &[(&str, &str, &str)] = &[
    (
        "bitmart",
        "bitmart.json",
        include_str!("../../fixtures/vectors/bitmart.json"),
    ),
    (
        "htx",
        "htx.json",
        include_str!("../../fixtures/vectors/htx.json"),
    ),
    (
        "binance_usdm",
        "binance_usdm.json",
        include_str!("../../fixtures/vectors/binance_usdm.json"),
    ),
    (
        "p99",
        "p99.json",
        include_str!("../../fixtures/vectors/p99.json"),
    ),
    (
        "primitives",
        "common_primitives.json",
        include_str!("../../fixtures/vectors/common_primitives.json"),
    ),
];

/// The public test keys the vectors name, embedded: `(file name, PEM)`.
pub const KEYS: &[(&str, &str)] = &[
    (
        "keys/rfc8032_test1_ed25519.pem",
        include_str!("../../fixtures/vectors/keys/rfc8032_test1_ed25519.pem"),
    ),
    (
        "keys/ccxt_test_rsa2048.pem",
        include_str!("../../fixtures/vectors/keys/ccxt_test_rsa2048.pem"),
    ),
];

/// What became of one vector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VectorResult {
    /// `bitmart`, ..., or `primitives`.
    pub venue: &'static str,
    /// The vector's id.
    pub id: String,
    /// What was compared: `signature`, `string to sign`, or both.
    pub checked: &'static str,
    /// `Ok` or what differed.
    pub outcome: Result<(), String>,
}

/// Runs every vector of every file.
pub fn run_all() -> Vec<VectorResult> {
    let mut out = Vec::new();
    for (venue, file, text) in FILES {
        let doc: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                out.push(VectorResult {
                    venue,
                    id: file.to_string(),
                    checked: "file",
                    outcome: Err(e.to_string()),
                });
                continue;
            }
        };
        for v in doc["vectors"].as_array().into_iter().flatten() {
            let id = v["id"].as_str().unwrap_or("?").to_string();
            let (checked, outcome) = match *venue {
                "primitives" => primitive(v),
                venue => match generated::VENUES.iter().find(|x| x.id == venue) {
                    Some(info) => run_venue_vector(info, v),
                    None => ("nothing", Err(format!("no generated venue `{venue}`"))),
                },
            };
            out.push(VectorResult {
                venue,
                id,
                checked,
                outcome,
            });
        }
    }
    out
}

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

fn key_file(name: &str) -> Option<&'static str> {
    KEYS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

fn wire_value(v: &Value) -> WireValue<'static> {
    match v {
        Value::Number(n) if n.is_i64() => WireValue::Int(n.as_i64().unwrap_or_default()),
        Value::Number(n) if n.is_u64() => WireValue::UInt(n.as_u64().unwrap_or_default()),
        Value::Bool(b) => WireValue::Bool(*b),
        Value::String(s) => WireValue::Str(Cow::Owned(s.clone())),
        other => WireValue::Str(Cow::Owned(other.to_string())),
    }
}

fn param(name: &str, location: Location, value: WireValue<'static>) -> WireParam<'static> {
    WireParam {
        name: Cow::Owned(name.to_string()),
        location,
        value,
    }
}

/// `a=1&b=2` into decoded pairs.
fn pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let dec = |x: &str| {
                percent_encoding::percent_decode_str(x)
                    .decode_utf8_lossy()
                    .trim()
                    .to_string()
            };
            (dec(k), dec(v))
        })
        .collect()
}

/// Names the venue's schemes add (they come from the signer, not from the vector's request).
fn added_names(info: &VenueInfo) -> Vec<&'static str> {
    info.schemes
        .iter()
        .flat_map(|s| {
            s.add
                .iter()
                .map(|a| &*a.name)
                .chain(s.place.as_ref().map(|p| &*p.name))
        })
        .collect()
}

/// Builds the request a vector describes, preferring a generated endpoint's typed request.
fn request_for(
    info: &VenueInfo,
    ws_method: Option<&'static str>,
    rest: Option<(&'static str, &str)>,
    caller: &[(String, String, Value)],
    location: Location,
) -> Result<WireRequest<'static>, String> {
    let typed = info.endpoints.iter().find(|e| match e.transport {
        generated::runtime::registry::TransportInfo::Ws { method } => Some(method) == ws_method,
        generated::runtime::registry::TransportInfo::Rest { .. } => false,
    });
    if let Some(e) = typed {
        let text: Vec<(&str, &str)> = caller
            .iter()
            .map(|(k, v, _)| (k.as_str(), v.as_str()))
            .collect();
        return (e.build)(&text).map_err(|e| e.to_string());
    }
    let transport = match (ws_method, rest) {
        (Some(method), _) => WireTransport::Ws { method },
        (None, Some((method, path))) => WireTransport::Rest {
            method,
            path: path.to_string().into(),
        },
        (None, None) => return Err("vector names no request".into()),
    };
    let params = caller
        .iter()
        .map(|(k, _, v)| param(k, location, wire_value(v)))
        .collect();
    Ok(WireRequest { transport, params })
}

fn compare(what: &str, got: &str, want: &str) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, expected {want:?}"))
    }
}

/// A REST request described by a vector.
struct RestCase {
    method: &'static str,
    base: String,
    path: String,
    /// `(name, text, JSON value)` of the caller's parameters.
    caller: Vec<(String, String, Value)>,
    ts: Timestamp,
    location: Location,
}

/// What one vector of a venue file expects.
struct Expect<'a> {
    /// Whether the vector's signature can be reproduced (its secret was published).
    verifiable: bool,
    /// The expected signature.
    signature: &'a str,
    /// The expected string to sign, if the vector gives it.
    payload: Option<&'a str>,
}

impl Expect<'_> {
    /// Compares the string to sign, when the vector gives one.
    fn payload(&self, got: &[u8]) -> Result<(), String> {
        match self.payload {
            Some(p) => compare("string to sign", &String::from_utf8_lossy(got), p),
            None => Ok(()),
        }
    }
}

/// Runs one vector of a venue file.
fn run_venue_vector(info: &'static VenueInfo, v: &Value) -> (&'static str, Result<(), String>) {
    let expect = Expect {
        verifiable: v["verifiable"].as_bool().unwrap_or(false) && v["expected"].is_string(),
        signature: s(v, "expected").unwrap_or_default(),
        payload: s(v, "payload").or(s(v, "string_to_sign")),
    };
    let checked = match (expect.verifiable, expect.payload.is_some()) {
        (true, true) => "signature and string to sign",
        (true, false) => "signature",
        (false, _) => "string to sign",
    };
    let result = vector_credentials(info, v).and_then(|creds| {
        // Where the vector's request comes from: WebSocket params, a string to sign, a body,
        // a request URL, or a REST payload.
        if v["params"].is_object() || v["id"].as_str().is_some_and(|i| i.contains("_ws_")) {
            ws_vector(info, v, &creds, &expect)
        } else {
            rest_vector(info, v, &creds, &expect)
        }
    });
    (checked, result)
}

/// The credentials a vector signs with.
fn vector_credentials(info: &VenueInfo, v: &Value) -> Result<Credentials, String> {
    let mut creds = Credentials::new(info.credentials);
    let set = |c: &mut Credentials, k: &str, val: &str| {
        c.set(k, val).map(|_| ()).map_err(|e| e.to_string())
    };
    let api_key = s(v, "api_key")
        .or(s(v, "access_key"))
        .or(v["params"]["apiKey"].as_str())
        .unwrap_or("test-api-key");
    set(&mut creds, "api_key", api_key)?;
    if let Some(file) = s(v, "private_key_file") {
        let pem = key_file(file).ok_or(format!("unknown key file {file}"))?;
        let name = if pem.contains("RSA") {
            "rsa_key"
        } else {
            "ed25519_key"
        };
        set(&mut creds, name, pem)?;
    } else {
        // A vector whose secret was never published still checks the string to sign.
        set(
            &mut creds,
            "secret",
            s(v, "secret").unwrap_or("unpublished"),
        )?;
    }
    if let Some(memo) = s(v, "memo") {
        set(&mut creds, "memo", memo)?;
    }
    Ok(creds)
}

/// A vector's timestamp: milliseconds when it is a number, the text as written otherwise.
fn timestamp_of(t: &str) -> Timestamp {
    t.parse::<i64>()
        .map(Timestamp::AtMillis)
        .unwrap_or(Timestamp::Raw(t.to_string()))
}

/// A WebSocket API vector: its params (or its string to sign) signed as a frame.
fn ws_vector(
    info: &'static VenueInfo,
    v: &Value,
    creds: &Credentials,
    expect: &Expect<'_>,
) -> Result<(), String> {
    let added = added_names(info);
    let params: Vec<(String, Value)> = match v["params"].as_object() {
        Some(m) => m.iter().map(|(k, x)| (k.clone(), x.clone())).collect(),
        None => pairs(expect.payload.unwrap_or_default())
            .into_iter()
            .map(|(k, x)| {
                let val = x
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or(Value::String(x.clone()));
                (k, val)
            })
            .collect(),
    };
    let ts = params
        .iter()
        .find(|(k, _)| k == "timestamp")
        .map(|(_, x)| x.to_string())
        .ok_or("no timestamp")?;
    let caller: Vec<_> = params
        .into_iter()
        .filter(|(k, _)| !added.contains(&k.as_str()))
        .map(|(k, x)| {
            (
                k,
                x.as_str().map(str::to_string).unwrap_or(x.to_string()),
                x,
            )
        })
        .collect();
    let id = v["id"].as_str().unwrap_or_default();
    let method = if id.contains("session_logon") {
        "session.logon"
    } else if id.contains("order_status") {
        "order.status"
    } else {
        "order.place"
    };
    let wire = request_for(info, Some(method), None, &caller, Location::WsParams)?;
    let signer =
        Signer::choose(info.schemes, SchemeTransport::Ws, creds).map_err(|e| e.to_string())?;
    let explained = signer
        .explain_ws(&wire, "vector", &timestamp_of(&ts), &FixedClock(0))
        .map_err(|e| e.to_string())?;
    expect.payload(&explained.payload)?;
    if expect.verifiable {
        compare(
            "signature",
            explained.signed.frame()["params"]["signature"]
                .as_str()
                .unwrap_or_default(),
            expect.signature,
        )?;
    }
    Ok(())
}

/// A REST vector: its request rebuilt, signed, and its string to sign, URL and signature
/// compared.
fn rest_vector(
    info: &'static VenueInfo,
    v: &Value,
    creds: &Credentials,
    expect: &Expect<'_>,
) -> Result<(), String> {
    let case = rest_case(v, &added_names(info), expect.payload)?;
    let wire = match case.path.strip_prefix("typed:") {
        // A request of a generated endpoint (p99's query_order): built from its typed Request.
        Some(id) => {
            let e = info
                .endpoints
                .iter()
                .find(|e| e.params.contains(&"id"))
                .ok_or("no endpoint with an id")?;
            (e.build)(&[("id", id)]).map_err(|e| e.to_string())?
        }
        None => request_for(
            info,
            None,
            Some((case.method, &case.path)),
            &case.caller,
            case.location,
        )?,
    };
    let signer =
        Signer::choose(info.schemes, SchemeTransport::Rest, creds).map_err(|e| e.to_string())?;
    let Explained {
        signed, payload, ..
    } = signer
        .explain_http(&wire, &case.base, &case.ts, &FixedClock(0))
        .map_err(|e| e.to_string())?;
    expect.payload(&payload)?;
    if let Some(url) = v["request"]["url"].as_str() {
        compare("URL", signed.url(), url)?;
    }
    if expect.verifiable {
        let place = signer
            .scheme()
            .place
            .as_ref()
            .ok_or("scheme places no signature")?;
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
        compare("signature", &got, expect.signature)?;
    }
    Ok(())
}

/// The REST request a vector describes: from its string to sign, its body, its request URL,
/// or its payload.
fn rest_case(v: &Value, added: &[&str], payload: Option<&str>) -> Result<RestCase, String> {
    if let Some(sts) = s(v, "string_to_sign") {
        case_from_string_to_sign(sts, added)
    } else if let Some(body) = s(v, "body") {
        let members: serde_json::Map<String, Value> =
            serde_json::from_str(body).map_err(|e| e.to_string())?;
        let caller = members
            .into_iter()
            .map(|(k, x)| (k, String::new(), x))
            .collect();
        Ok(RestCase {
            method: "POST",
            base: "http://localhost:8080".into(),
            path: "/spot/v1/test-post".into(),
            caller,
            ts: timestamp_of(s(v, "timestamp").unwrap_or_default()),
            location: Location::Body,
        })
    } else if let Some(url) = v["request"]["url"].as_str() {
        case_from_url(url)
    } else {
        let q = pairs(payload.unwrap_or_default());
        let ts = q
            .iter()
            .find(|(k, _)| k == "timestamp")
            .map(|(_, x)| x.clone())
            .ok_or("no timestamp")?;
        let caller = q
            .into_iter()
            .filter(|(k, _)| !added.contains(&k.as_str()))
            .map(|(k, x)| (k, x.clone(), Value::String(x)))
            .collect();
        Ok(RestCase {
            method: "POST",
            base: "https://fapi.binance.com".into(),
            path: "/fapi/v1/order".into(),
            caller,
            ts: timestamp_of(&ts),
            location: Location::Query,
        })
    }
}

/// The REST request of a `METHOD\nhost\npath\nquery` string to sign.
fn case_from_string_to_sign(sts: &str, added: &[&str]) -> Result<RestCase, String> {
    let mut lines = sts.splitn(4, '\n');
    let (m, host, path, q) = (
        lines.next().unwrap_or(""),
        lines.next().unwrap_or(""),
        lines.next().unwrap_or(""),
        lines.next().unwrap_or(""),
    );
    let all = pairs(q);
    let ts = all
        .iter()
        .find(|(k, _)| k == "Timestamp")
        .map(|(_, x)| x.clone())
        .ok_or("no Timestamp")?;
    let caller = all
        .into_iter()
        .filter(|(k, _)| !added.contains(&k.as_str()))
        .map(|(k, x)| (k, x.clone(), Value::String(x)))
        .collect();
    let method = if m == "GET" { "GET" } else { "POST" };
    // The string to sign carries the timestamp exactly as written (SDK tests mock it).
    Ok(RestCase {
        method,
        base: format!("https://{host}"),
        path: path.to_string(),
        caller,
        ts: Timestamp::Raw(ts),
        location: Location::Query,
    })
}

/// The REST request of a vector's request URL: a generated endpoint's, by the id it ends in.
fn case_from_url(url: &str) -> Result<RestCase, String> {
    let u = url::Url::parse(url).map_err(|e| e.to_string())?;
    let q = pairs(u.query().unwrap_or_default());
    let ts = q
        .iter()
        .find(|(k, _)| k == "timestamp")
        .map(|(_, x)| x.clone())
        .ok_or("no timestamp")?;
    let id = u.path().rsplit('/').next().unwrap_or_default().to_string();
    let base = url.split("/spot/").next().unwrap_or_default().to_string();
    Ok(RestCase {
        method: "GET",
        base,
        path: format!("typed:{id}"),
        caller: Vec::new(),
        ts: timestamp_of(&ts),
        location: Location::Query,
    })
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
