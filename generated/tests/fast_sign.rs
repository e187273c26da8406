//! The signing functions generated per endpoint and scheme (`Request::sign_fast`, which
//! `Request::sign` uses) write exactly what the engine (`Signer::sign_http`,
//! `Signer::sign_ws`) writes: the same URL, headers (and which are secret), body, frame and
//! timestamp, byte for byte, or the same error.
//!
//! For every signed endpoint of every venue and every scheme of the venue that signs its
//! transport, requests are generated from the endpoint's own parameter list: each parameter
//! takes, in a random order, arbitrary Unicode text (reserved and non-ASCII characters,
//! controls, quotes), integer-looking text (`007`, `-0`, out-of-range and in-range numbers),
//! UUIDs in several spellings, the endpoint's enum values and booleans, until the request
//! builder accepts one; optional parameters are absent a third of the time. Credentials are
//! arbitrary text (integer-looking API keys too) or keys of the scheme's kind; timestamps
//! are instants (some out of the formats' range), raw texts (`007`, `abc`, huge numbers) or
//! the pinned clock's time; base URLs have ports, upper-case hosts, path prefixes, or do
//! not parse.
//!
//! `FAST_SIGN_CASES=n` sets the number of cases (default 64; each case signs every endpoint
//! with every scheme).

use generated::runtime::registry::{EndpointInfo, TransportInfo, VenueInfo};
use generated::runtime::request::RequestError;
use generated::runtime::signing::paths::Paths;
use generated::runtime::signing::{
    Credentials, FixedClock, KeyEncoding, KeyKind, Part, Scheme, SchemeTransport, SignError,
    Signer, Timestamp,
};
use proptest::prelude::*;

type Pairs<'a> = &'a [(&'a str, &'a str)];

/// Every signed endpoint of every generated venue.
fn signed_endpoints() -> impl Iterator<Item = (&'static VenueInfo, &'static EndpointInfo)> {
    generated::VENUES
        .iter()
        .flat_map(|v| v.endpoints.iter().map(move |e| (v, e)))
        .filter(|(_, e)| e.signed)
}

fn transport(e: &EndpointInfo) -> SchemeTransport {
    match e.transport {
        TransportInfo::Rest { .. } => SchemeTransport::Rest,
        TransportInfo::Ws { .. } => SchemeTransport::Ws,
    }
}

#[test]
fn every_signed_endpoint_signs_the_three_ways_of_its_transport_only() {
    // An empty request is enough to tell: the paths exist (or not) before anything is built.
    let mut seen = 0;
    for (v, e) in signed_endpoints() {
        let scheme = v.schemes.iter().find(|s| s.transport == transport(e));
        let scheme = scheme.unwrap_or_else(|| panic!("{}/{}: no scheme", v.id, e.id));
        let mut creds = Credentials::new(v.credentials);
        for c in scheme.credentials {
            let value = match scheme.key {
                KeyKind::Ed25519 => const_hex::encode([7u8; 32]),
                KeyKind::Rsa => RSA_PEM.to_string(),
                KeyKind::EcP256 => P256_PEM.to_string(),
                _ => "k".to_string(),
            };
            creds.set(c, &value).unwrap();
        }
        let signer = Signer::new(scheme, &creds).unwrap();
        let ts = Timestamp::AtMillis(1_700_000_000_000);
        let clock = FixedClock(0);
        let pairs = minimal_pairs(v, e);
        let http = (e.sign_http_paths)(&pairs, &signer, "https://h.example", &ts, &clock);
        let ws = (e.sign_ws_paths)(&pairs, &signer, "1", &ts, &clock);
        let (http, ws) = (http.unwrap(), ws.unwrap());
        let rest = transport(e) == SchemeTransport::Rest;
        assert_eq!(http.is_some(), rest, "{}/{}", v.id, e.id);
        assert_eq!(ws.is_some(), !rest, "{}/{}", v.id, e.id);
        seen += 1;
    }
    assert!(seen >= 5, "signed endpoints: {seen}");
}

/// The fewest parameters the endpoint's builder accepts, from its docs' success example
/// where it asks for one.
fn minimal_pairs(v: &VenueInfo, e: &EndpointInfo) -> Vec<(&'static str, &'static str)> {
    use generated::runtime::registry::{ExampleKind, ExampleScope};
    let x = e
        .examples
        .iter()
        .find(|x| x.kind == ExampleKind::Success && x.scope == ExampleScope::Body);
    let body: serde_json::Value = x.map_or(serde_json::Value::Null, |x| {
        serde_json::from_str(x.body).unwrap()
    });
    let payload = v.record_in(e, &body).unwrap_or(&body);
    let mut pairs: Vec<(&'static str, &'static str)> = Vec::new();
    for _ in 0..=e.params.len() {
        let param = match (e.build)(&pairs) {
            Err(RequestError::Missing { param }) => param,
            Err(RequestError::ExactlyOneOf { params, given: 0 }) => params[0],
            Err(RequestError::AtLeastOneOf { params }) => params[0],
            _ => break,
        };
        let value = match &payload[param] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => "1".to_string(),
            other => other.to_string(),
        };
        pairs.push((param, Box::leak(value.into_boxed_str())));
    }
    pairs
}

/// The scheme each endpoint signs with when every credential of its venue is given (the
/// venue's default for the endpoint's transport) has a generated function.
#[test]
fn default_schemes_have_a_generated_function() {
    for (v, e) in signed_endpoints() {
        let t = transport(e);
        let default = v
            .schemes
            .iter()
            .find(|s| s.transport == t && !s.credentials.is_empty())
            .unwrap_or_else(|| panic!("{}/{}: no scheme", v.id, e.id));
        // Recipes with a digest, a mac, a nonce, a timestamp offset or a JSON object in the
        // string to sign, a prefixed parameter list, or a composed placed value (a token) are
        // left to the engine (specs/README.md, "Signing"): they sign the same bytes.
        let engine_only = default.payload.iter().any(|p| match p {
            Part::Digest { .. }
            | Part::Mac { .. }
            | Part::RandomHex(_)
            | Part::TimestampPlus(_)
            | Part::Json { .. } => true,
            Part::Params { prefix, .. } => !prefix.is_empty(),
            _ => false,
        }) || default.place.as_ref().is_some_and(|p| p.composed())
            // A `{}` body without parameters is written by the engine as well.
            || default.object_body;
        if engine_only {
            continue;
        }
        assert!(
            e.fast_schemes.contains(&default.name),
            "{}/{}: default scheme `{}` runs the engine (fast: {:?})",
            v.id,
            e.id,
            default.name,
            e.fast_schemes
        );
    }
}

// ---------------------------------------------------------------------------------------
// Generators

/// Characters that stress encodings: URL and query delimiters, quotes, JSON escapes,
/// controls, non-ASCII (2-, 3- and 4-byte UTF-8).
const TRICKY: &[char] = &[
    '&', '=', '+', '/', '?', '#', '%', ' ', '~', '"', '\'', '\\', ';', ':', '@', '[', ']', '{',
    '}', '<', '>', '\n', '\t', '\r', '\0', '\u{1f}', '\u{7f}', 'é', 'ß', '日', '\u{2028}', '😀',
    '-', '.', '_',
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => any::<char>(),
            3 => prop::sample::select(TRICKY),
            2 => prop::char::range('a', 'z'),
            1 => prop::char::range('0', '9'),
        ],
        0..24,
    )
    .prop_map(|c| c.into_iter().collect())
}

/// Text that reads as an integer, or nearly.
fn integer_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (1..=60_000_i64).prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        "0[0-9]{1,5}",
        Just("-0".to_string()),
        Just("+5".to_string()),
        "[0-9]{19,22}",
    ]
}

/// A UUID, hyphenated or not, either case.
fn uuid_text() -> impl Strategy<Value = String> {
    (any::<u128>(), 0..4_u8).prop_map(|(n, style)| {
        let u = uuid::Uuid::from_u128(n);
        match style {
            0 => u.hyphenated().to_string(),
            1 => u.hyphenated().to_string().to_uppercase(),
            2 => u.simple().to_string(),
            _ => u.braced().to_string(),
        }
    })
}

/// A credential: arbitrary Unicode, or an integer-looking key.
fn credential() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(any::<char>(), 0..48).prop_map(|c| c.into_iter().collect()),
        "[!-~]{1,64}",
        "[0-9]{1,18}",
        text(),
    ]
}

#[derive(Debug, Clone)]
enum Ts {
    At(i64),
    Raw(String),
    Now(i64),
}

fn timestamp() -> impl Strategy<Value = Ts> {
    prop_oneof![
        4 => (0..=4_102_444_800_000_i64).prop_map(Ts::At),
        1 => any::<i64>().prop_map(Ts::At),
        1 => (-100_000_i64..100_000).prop_map(Ts::At),
        2 => prop_oneof![
            integer_text(),
            text(),
            Just(String::new()),
            Just("2017-05-11T15:19:30".to_string()),
        ]
        .prop_map(Ts::Raw),
        2 => (0..=4_102_444_800_000_i64).prop_map(Ts::Now),
    ]
}

/// Base URLs besides the venue's own.
const BASES: &[&str] = &[
    "https://API.Example.COM:8443/api/v1/",
    "http://127.0.0.1:8080",
    "https://host.test/a%20b/c",
    "https://host.test/",
    "not a url",
    "https://user:pw@host.test",
    "https://host.test/api?x=1",
];

#[derive(Debug, Clone)]
struct Case {
    /// Values the parameters try, in the order each parameter's `rotation` starts them.
    values: Vec<String>,
    /// Per parameter (by position): where in `values` it starts, and whether an optional
    /// one starts absent.
    params: Vec<(usize, bool)>,
    /// Per credential (by position in the venue's list).
    credentials: Vec<String>,
    /// An HMAC key as bytes (for schemes that read it hex or base64).
    key_bytes: Vec<u8>,
    /// An Ed25519 seed.
    seed: [u8; 32],
    ts: Ts,
    /// `None`: the venue's first environment.
    base: Option<&'static str>,
    id: String,
    /// Whether RSA schemes sign this case too (slow in debug builds: one case in eight).
    rsa: bool,
}

fn case() -> impl Strategy<Value = Case> {
    let values = (
        prop::collection::vec(text(), 3),
        prop::collection::vec(integer_text(), 3),
        prop::collection::vec(uuid_text(), 2),
    )
        .prop_map(|(t, i, u)| [t, i, u, vec!["true".into(), "false".into()]].concat());
    (
        values,
        prop::collection::vec((any::<usize>(), prop::bool::weighted(0.33)), 16),
        prop::collection::vec(credential(), 8),
        prop::collection::vec(any::<u8>(), 0..80),
        any::<[u8; 32]>(),
        timestamp(),
        prop_oneof![3 => Just(None), 2 => prop::sample::select(BASES).prop_map(Some)],
        text(),
        prop::bool::weighted(0.125),
    )
        .prop_map(
            |(values, params, credentials, key_bytes, seed, ts, base, id, rsa)| Case {
                values,
                params,
                credentials,
                key_bytes,
                seed,
                ts,
                base,
                id,
                rsa,
            },
        )
}

// ---------------------------------------------------------------------------------------
// Requests, credentials and signers from a case

/// The RSA key of the conformance vectors.
const RSA_PEM: &str = include_str!("../../conformance/fixtures/vectors/keys/ccxt_test_rsa2048.pem");
const P256_PEM: &str = include_str!("../../conformance/fixtures/vectors/keys/rfc6979_a25_p256.pem");

/// Text pairs the endpoint's builder accepts, found from the case's values: each parameter
/// tries values from its starting point on until the builder stops refusing it; an optional
/// parameter may stay absent. `None` if no combination was found.
fn request_pairs<T>(
    case: &Case,
    e: &EndpointInfo,
    mut build: impl FnMut(Pairs<'_>) -> Result<T, RequestError>,
) -> Option<T> {
    let mut values: Vec<String> = case.values.clone();
    values.extend(
        e.enums
            .iter()
            .flat_map(|en| en.values.iter().map(|v| v.to_string())),
    );
    let n = values.len();
    // Per parameter: how many values it has tried, and whether it is given.
    let mut state: Vec<(usize, bool)> = e
        .params
        .iter()
        .enumerate()
        .map(|(i, _)| (0, !case.params[i % case.params.len()].1))
        .collect();
    let value = |i: usize, tried: usize| {
        let start = case.params[i % case.params.len()].0;
        values[(start + tried) % n].as_str()
    };
    for _ in 0..4 * n * e.params.len().max(1) {
        let pairs: Vec<(&str, &str)> = e
            .params
            .iter()
            .enumerate()
            .filter(|(i, _)| state[*i].1)
            .map(|(i, name)| (*name, value(i, state[i].0)))
            .collect();
        match build(&pairs) {
            Ok(t) => return Some(t),
            Err(err) => adjust(&mut state, e, n, err)?,
        }
    }
    None
}

/// Changes `state` (per parameter: values tried, given) after the builder refused the pairs
/// with `err`; `None` when no change can help.
fn adjust(
    state: &mut [(usize, bool)],
    e: &EndpointInfo,
    n: usize,
    err: RequestError,
) -> Option<()> {
    let index = |param: &str| e.params.iter().position(|p| *p == param);
    match err {
        RequestError::InvalidFormat { param, .. }
        | RequestError::OutOfRange { param, .. }
        | RequestError::TooShort { param, .. }
        | RequestError::TooLong { param, .. } => {
            let i = index(param)?;
            state[i].0 += 1;
            if state[i].0 >= n {
                // No value fits: leave it out (the builder says if it is required).
                state[i] = (0, false);
            }
        }
        RequestError::Missing { param } => {
            let i = index(param)?;
            if state[i].1 {
                return None;
            }
            state[i].1 = true;
        }
        RequestError::AtLeastOneOf { params } => {
            let i = index(params.first()?)?;
            state[i].1 = true;
        }
        RequestError::ExactlyOneOf { params, given } => {
            let mut given_seen = 0;
            for p in params {
                let i = index(p)?;
                if given == 0 && given_seen == 0 {
                    state[i].1 = true;
                    given_seen = 1;
                } else if given > 1 && state[i].1 {
                    given_seen += 1;
                    if given_seen > 1 {
                        state[i].1 = false;
                    }
                }
            }
        }
        // Some of a group that goes together: give all when at least half are given, else
        // none.
        RequestError::AllOrNoneOf { params, given } => {
            let all = 2 * given >= params.len();
            for p in params {
                state[index(p)?].1 = all;
            }
        }
        other => panic!("{}/{}: unexpected refusal: {other}", e.id, e.name),
    }
    Some(())
}

/// The venue's credentials from the case, the scheme's key of the scheme's kind.
fn credentials(case: &Case, venue: &VenueInfo, scheme: &Scheme) -> Credentials {
    let mut creds = Credentials::new(venue.credentials);
    for (i, info) in venue.credentials.iter().enumerate() {
        let mut value = case.credentials[i % case.credentials.len()].clone();
        if let Some(sign) = scheme.sign.as_ref().filter(|s| s.key == info.name) {
            value = match (scheme.key, sign.key_encoding) {
                (KeyKind::Ed25519, _) => const_hex::encode(case.seed),
                (KeyKind::Rsa, _) => RSA_PEM.to_string(),
                (KeyKind::EcP256, _) => P256_PEM.to_string(),
                (_, KeyEncoding::Raw) => value,
                (_, KeyEncoding::Hex) => const_hex::encode(&case.key_bytes),
                (_, KeyEncoding::Base64) => {
                    use base64::Engine as _;
                    base64::engine::general_purpose::STANDARD.encode(&case.key_bytes)
                }
            };
        }
        creds.set(info.name, &value).expect("credential accepted");
    }
    creds
}

/// The signer of `scheme` with the case's credentials; when one that the scheme places in a
/// header holds a control character (refused when the signer is made, see
/// tests/header_injection.rs), the signer of the credentials without them.
fn make_signer(
    case: &Case,
    info: &VenueInfo,
    scheme: &'static Scheme,
) -> Result<Signer, TestCaseError> {
    let creds = credentials(case, info, scheme);
    match Signer::new(scheme, &creds) {
        Ok(signer) => Ok(signer),
        Err(SignError::HeaderControl { .. }) => {
            let mut clean = Credentials::new(info.credentials);
            let mut had = false;
            // The signing key keeps its value (a PEM's line breaks are control characters).
            let key = scheme.sign.as_ref().map(|s| &*s.key);
            for c in info.credentials {
                let value = creds.get(c.name).expect("set").expose();
                let value = if key == Some(c.name) {
                    value.to_string()
                } else {
                    had |= value.chars().any(|ch| ch.is_ascii_control());
                    value.replace(|ch: char| ch.is_ascii_control(), "")
                };
                clean.set(c.name, &value).expect("credential accepted");
            }
            prop_assert!(
                had,
                "{}/{}: refused without a control character",
                info.id,
                scheme.name
            );
            Signer::new(scheme, &clean).map_err(|err| TestCaseError::fail(format!("signer: {err}")))
        }
        Err(err) => Err(TestCaseError::fail(format!("signer: {err}"))),
    }
}

fn timestamp_of(ts: &Ts) -> (Timestamp, FixedClock) {
    match ts {
        Ts::At(ms) => (Timestamp::AtMillis(*ms), FixedClock(0)),
        Ts::Raw(t) => (Timestamp::Raw(t.clone()), FixedClock(0)),
        Ts::Now(ms) => (Timestamp::Now, FixedClock(*ms)),
    }
}

/// Checks that the three ways of signing agree, and that the generated function runs
/// exactly for the schemes the endpoint lists.
fn agree<T: PartialEq + std::fmt::Debug>(
    what: &str,
    paths: Paths<T>,
    fast_expected: bool,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        paths.fast.is_some(),
        fast_expected,
        "{}: generated function run or not as FAST_SCHEMES says",
        what
    );
    if let Some(fast) = paths.fast {
        prop_assert_eq!(&fast, &paths.engine, "{}: generated vs engine", what);
    }
    prop_assert_eq!(
        &paths.public,
        &paths.engine,
        "{}: Request::sign vs engine",
        what
    );
    Ok(())
}

/// Every endpoint, every scheme of its transport: the generated function writes what the
/// engine writes. Returns how many requests were compared.
fn check_case(case: &Case) -> Result<usize, TestCaseError> {
    let mut compared = 0;
    for (info, e) in signed_endpoints() {
        for scheme in info.schemes.iter().filter(|s| s.transport == transport(e)) {
            if scheme.key == KeyKind::Rsa && !case.rsa {
                continue;
            }
            let mut signer = make_signer(case, info, scheme)?;
            // A nonce is drawn per signature: pinned, so that the three ways sign alike.
            signer.pin_nonce(const_hex::encode(case.seed));
            let (ts, clock) = timestamp_of(&case.ts);
            let what = format!("{}/{}/{}", info.id, e.id, scheme.name);
            let fast = e.fast_schemes.contains(&scheme.name);
            let done = match transport(e) {
                SchemeTransport::Rest => {
                    let base = case.base.or(info.environments[0].rest).expect("a REST URL");
                    request_pairs(case, e, |pairs| {
                        (e.sign_http_paths)(pairs, &signer, base, &ts, &clock)
                            .map(|p| p.expect("a signed REST endpoint"))
                    })
                    .map(|paths| agree(&what, paths, fast))
                }
                SchemeTransport::Ws => request_pairs(case, e, |pairs| {
                    (e.sign_ws_paths)(pairs, &signer, &case.id, &ts, &clock)
                        .map(|p| p.expect("a signed WebSocket endpoint"))
                })
                .map(|paths| agree(&what, paths, fast)),
            };
            if let Some(result) = done {
                result?;
                compared += 1;
            }
        }
    }
    Ok(compared)
}

fn config() -> ProptestConfig {
    // `FAST_SIGN_CASES`, then proptest's own `PROPTEST_CASES`, override the count.
    let cases = ["FAST_SIGN_CASES", "PROPTEST_CASES"]
        .iter()
        .find_map(|k| std::env::var(k).ok()?.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_functions_write_what_the_engine_writes(case in case()) {
        let compared = check_case(&case)?;
        // Every endpoint found a request for every scheme but RSA ones (skipped or not).
        let endpoints = signed_endpoints().count();
        prop_assert!(compared >= endpoints, "only {} requests compared", compared);
    }
}

/// The generator above reaches every kind of request: optional parameters present and
/// absent, successes and refusals (so that the property cannot pass by comparing nothing
/// but errors, or only one shape of request).
#[test]
fn cases_reach_every_shape() {
    use proptest::strategy::ValueTree as _;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut ok, mut err, mut absent, mut present) = (0, 0, 0, 0);
    let info = generated::VENUES.iter().find(|v| v.id == "p99").unwrap();
    let e = info.endpoint("query_order").unwrap();
    let scheme = &info.schemes[0];
    for _ in 0..64 {
        let case = case().new_tree(&mut runner).unwrap().current();
        let signer = make_signer(&case, info, scheme).unwrap();
        let (ts, clock) = timestamp_of(&case.ts);
        let base = case.base.or(info.environments[0].rest).unwrap();
        let mut last = Vec::new();
        let both = request_pairs(&case, e, |pairs| {
            last = pairs.iter().map(|(n, _)| n.to_string()).collect();
            (e.sign_http_paths)(pairs, &signer, base, &ts, &clock).map(|p| p.unwrap())
        })
        .expect("a p99 request");
        if last.iter().any(|n| n == "recvWindow") {
            present += 1;
        } else {
            absent += 1;
        }
        match both.fast.expect("p99 hmac has a generated function") {
            Ok(_) => ok += 1,
            Err(_) => err += 1,
        }
    }
    assert!(
        ok > 0 && err > 0 && absent > 0 && present > 0,
        "ok {ok}, refused {err}, recvWindow absent {absent}, present {present}"
    );
}
