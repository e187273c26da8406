//! Property tests: the independent verifier (`conformance::verify`, written from the venues'
//! docs) and the generated signers agree.
//!
//! For each venue (BitMart, HTX, Binance USDⓈ-M WebSocket API with HMAC and Ed25519 keys,
//! p99 with an API key or a JWT):
//!
//! - **accepts**: a typed request whose ids hold arbitrary Unicode (non-ASCII, controls and
//!   reserved characters `& = + / ? # % ~`, space, quotes, backslash), signed with a random
//!   secret at a random timestamp, is accepted, and the verifier reports the API key,
//!   timestamp and recvWindow that were sent;
//! - **single byte**: replacing any one byte of what the venue's signature covers (signed
//!   header names and values, body, method, URL, query, WebSocket `params`, the signature
//!   itself) is refused. The replacement keeps the input valid UTF-8: an ASCII byte becomes
//!   another printable ASCII byte, a byte of a multi-byte character another non-ASCII byte
//!   that leaves the text well-formed. The only changes that must be *accepted* instead are
//!   the ones that provably keep the request's meaning:
//!   - a case change in a header name (HTTP header names are case-insensitive);
//!   - a case change in HTX's host, or in a hex digit of a `%XX` escape in HTX's query (RFC
//!     3986 §6.2.2.1; HTX re-encodes the decoded query, so both mean the same bytes);
//!   - a change of the WebSocket frame text that parses to the same JSON value (e.g. `\u001f`
//!     vs `\u001F` inside a string);
//!   - a case change in the `Bearer` scheme name (RFC 7235: auth schemes are case-insensitive).
//!
//!   Parts a venue does not sign are not mutated: BitMart's method, URL and `Content-Type`;
//!   the URL scheme for HTX; p99's method and path; the frame's `id` and `method` for Binance.
//! - **wrong key**: another secret (or memo, or Ed25519 public key) is refused. Secrets that
//!   are the same HMAC key (up to 64 bytes, differing only in trailing NULs, which HMAC's
//!   zero padding erases) are not "another secret" and are skipped.
//!
//! Seeds are random; failures are not persisted to files (the shrunk input is printed).
//! `VERIFY_PROPS_CASES=10000 cargo test -p conformance --release --test verify_props` runs
//! deeper.

mod independent;

use conformance::verify::{ReceivedHttp, Verified, VerifyError};
use ed25519_dalek::VerifyingKey;
use generated::runtime::signing::{Credentials, FixedClock, SignedHttp, SignedWs, Timestamp};
use generated::{binance_usdm, bitmart, htx, p99};
use independent::{
    HmacKey, parse_ws_frame, verify_binance_ws_ed25519, verify_binance_ws_hmac, verify_bitmart,
    verify_htx, verify_p99_bearer, verify_p99_hmac,
};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;

/// The RFC 8032 §7.1 TEST 1 key, as PKCS#8 PEM.
const ED25519_PEM: &str = include_str!("../fixtures/vectors/keys/rfc8032_test1_ed25519.pem");
/// Its public key.
const ED25519_PUBLIC_HEX: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
/// RFC 8032 §7.1 TEST 2's public key: a valid key that did not sign.
const OTHER_PUBLIC_HEX: &str = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";

/// `cases` per property; `VERIFY_PROPS_CASES=n`, then `PROPTEST_CASES=n`, override it for a
/// deeper run.
fn config(cases: u32) -> ProptestConfig {
    let cases = ["VERIFY_PROPS_CASES", "PROPTEST_CASES"]
        .iter()
        .find_map(|k| std::env::var(k).ok()?.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn public_key(hex: &str) -> VerifyingKey {
    let bytes: [u8; 32] = const_hex::decode(hex).unwrap().try_into().unwrap();
    VerifyingKey::from_bytes(&bytes).unwrap()
}

// ---------------------------------------------------------------------------------------
// Generators

/// Characters that stress encodings: URL and query delimiters, quotes, JSON escapes,
/// controls, non-ASCII (2-, 3- and 4-byte UTF-8).
const TRICKY: &[char] = &[
    '&', '=', '+', '/', '?', '#', '%', ' ', '~', '"', '\'', '\\', ';', ':', '@', '[', ']', '{',
    '}', '<', '>', '\n', '\t', '\0', '\u{1f}', '\u{7f}', 'é', 'ß', '日', '\u{2028}', '😀',
];

/// An id of 0..24 characters: arbitrary Unicode, tricky characters and plain letters.
fn id_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => any::<char>(),
            3 => prop::sample::select(TRICKY),
            2 => prop::char::range('a', 'z'),
        ],
        0..24,
    )
    .prop_map(|c| c.into_iter().collect())
}

/// A credential value: arbitrary Unicode. `Credentials::set` reads a value starting with `@`
/// from a file, so such values get a leading `x`.
fn credential_text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..48).prop_map(|c| {
        let s: String = c.into_iter().collect();
        if s.starts_with('@') {
            format!("x{s}")
        } else {
            s
        }
    })
}

/// An API key: printable ASCII without spaces (it is sent as a header or parameter), often
/// integer-looking (`007` must stay the string `"007"` in WebSocket params).
fn api_key() -> impl Strategy<Value = String> {
    prop_oneof!["[!-~]{1,64}", "[0-9]{1,18}"]
}

/// A timestamp between 1970 and 2100, in milliseconds.
fn millis() -> impl Strategy<Value = i64> {
    0..=4_102_444_800_000_i64
}

fn recv_window() -> impl Strategy<Value = Option<i64>> {
    proptest::option::of(1..=60_000_i64)
}

/// Whether two secrets are the same HMAC-SHA256 key: HMAC pads a key of at most the block
/// size (64 bytes) with zero bytes, so such secrets differing only in trailing NULs are one
/// key (`""` and `"\0"` sign alike). The wrong-secret properties skip those pairs.
fn same_hmac_key(a: &str, b: &str) -> bool {
    a == b
        || (a.len() <= 64 && b.len() <= 64 && a.trim_end_matches('\0') == b.trim_end_matches('\0'))
}

// ---------------------------------------------------------------------------------------
// Mutations

/// One byte replaced.
#[derive(Debug, Clone, Copy)]
struct Mutation {
    /// Which part.
    part: usize,
    /// Byte offset in the part.
    pos: usize,
    old: u8,
    new: u8,
}

impl Mutation {
    fn is_case_flip(&self) -> bool {
        self.old != self.new && self.old.eq_ignore_ascii_case(&self.new)
    }
}

/// `text` with byte `pos` replaced by another byte such that the result is still UTF-8: an
/// ASCII byte becomes another printable ASCII byte; a byte of a multi-byte character becomes
/// another non-ASCII byte that keeps the character well-formed (one always exists).
fn replace_byte(text: &str, pos: usize, seed: u8) -> (String, u8, u8) {
    let bytes = text.as_bytes();
    let old = bytes[pos];
    let range = if old.is_ascii() {
        0x20..=0x7e_u8
    } else {
        0x80..=0xff_u8
    };
    let candidates: Vec<u8> = range.filter(|&b| b != old).collect();
    let start = usize::from(seed) % candidates.len();
    for k in 0..candidates.len() {
        let new = candidates[(start + k) % candidates.len()];
        let mut b = bytes.to_vec();
        b[pos] = new;
        if let Ok(s) = String::from_utf8(b) {
            return (s, old, new);
        }
    }
    unreachable!("every byte of a UTF-8 character has a well-formed replacement")
}

/// Replaces one byte of `parts`, chosen by `at` over all their bytes.
fn mutate(parts: &mut [String], at: Index, seed: u8) -> Mutation {
    let total: usize = parts.iter().map(String::len).sum();
    let mut pos = at.index(total);
    let mut part = 0;
    while pos >= parts[part].len() {
        pos -= parts[part].len();
        part += 1;
    }
    let (text, old, new) = replace_byte(&parts[part], pos, seed);
    parts[part] = text;
    Mutation {
        part,
        pos,
        old,
        new,
    }
}

// ---------------------------------------------------------------------------------------
// Wire helpers

/// The request as the server receives it.
fn received(s: &SignedHttp) -> ReceivedHttp {
    ReceivedHttp {
        method: s.method().to_string(),
        url: s.url().to_string(),
        headers: s
            .headers()
            .map(|(name, value, _)| (name.to_string(), value.to_string()))
            .collect(),
        body: s.body().unwrap_or_default().as_bytes().to_vec(),
    }
}

/// Index of header `name` in `req` (exact name, as the signer wrote it).
fn header_index(req: &ReceivedHttp, name: &str) -> usize {
    req.headers
        .iter()
        .position(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("signed request has no {name} header: {req:?}"))
}

/// `name, value` of each of `names`, as mutable parts.
fn header_parts(req: &ReceivedHttp, names: &[&str]) -> Vec<String> {
    names
        .iter()
        .flat_map(|n| {
            let (name, value) = &req.headers[header_index(req, n)];
            [name.clone(), value.clone()]
        })
        .collect()
}

/// Writes parts made by [`header_parts`] back.
fn put_header_parts(req: &mut ReceivedHttp, names: &[&str], parts: &[String]) {
    let idx: Vec<usize> = names.iter().map(|n| header_index(req, n)).collect();
    for (i, at) in idx.into_iter().enumerate() {
        req.headers[at] = (parts[2 * i].clone(), parts[2 * i + 1].clone());
    }
}

fn rest_url(info: &generated::runtime::registry::VenueInfo) -> &'static str {
    info.environments[0].rest.expect("venue has a REST URL")
}

// ---------------------------------------------------------------------------------------
// BitMart

#[derive(Debug, Clone)]
struct BitmartCase {
    client_order_id: String,
    open: Option<bool>,
    recv_window: Option<i64>,
    api_key: String,
    secret: String,
    memo: String,
    ts: i64,
}

fn bitmart_case() -> impl Strategy<Value = BitmartCase> {
    (
        id_text(),
        proptest::option::of(any::<bool>()),
        recv_window(),
        api_key(),
        credential_text(),
        credential_text(),
        millis(),
    )
        .prop_map(
            |(client_order_id, open, recv_window, api_key, secret, memo, ts)| BitmartCase {
                client_order_id,
                open,
                recv_window,
                api_key,
                secret,
                memo,
                ts,
            },
        )
}

fn sign_bitmart(c: &BitmartCase) -> SignedHttp {
    use bitmart::query_client_order::{QueryState, Request, signer};
    let mut b = Request::builder().client_order_id(c.client_order_id.clone());
    if let Some(open) = c.open {
        b = b.query_state(if open {
            QueryState::Open
        } else {
            QueryState::History
        });
    }
    if let Some(w) = c.recv_window {
        b = b.recv_window(w);
    }
    let req = b.build().expect("valid BitMart request");
    let creds = Credentials::new(bitmart::CREDENTIALS)
        .with("api_key", &c.api_key)
        .and_then(|cr| cr.with("secret", &c.secret))
        .and_then(|cr| cr.with("memo", &c.memo))
        .expect("credentials");
    let signer = signer(&creds).expect("signer");
    req.sign(
        &signer,
        rest_url(&bitmart::INFO),
        &Timestamp::AtMillis(c.ts),
        &FixedClock(c.ts),
    )
    .expect("signed")
}

const BITMART_SIGNED_HEADERS: &[&str] = &["X-BM-KEY", "X-BM-TIMESTAMP", "X-BM-SIGN"];

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn bitmart_accepts_signed_requests(c in bitmart_case()) {
        let req = received(&sign_bitmart(&c));
        let key = HmacKey { api_key: &c.api_key, secret: &c.secret };
        prop_assert_eq!(
            verify_bitmart(&req, &key, &c.memo),
            Ok(Verified {
                api_key: c.api_key.clone(),
                timestamp: c.ts.to_string(),
                recv_window_ms: c.recv_window,
            })
        );
    }

    #[test]
    fn bitmart_refuses_any_single_byte_change(
        c in bitmart_case(), at in any::<Index>(), seed in any::<u8>()
    ) {
        let original = received(&sign_bitmart(&c));
        let mut parts = header_parts(&original, BITMART_SIGNED_HEADERS);
        parts.push(String::from_utf8(original.body.clone()).unwrap());
        let m = mutate(&mut parts, at, seed);
        let mut req = original.clone();
        put_header_parts(&mut req, BITMART_SIGNED_HEADERS, &parts[..6]);
        req.body = parts[6].clone().into_bytes();
        let header_name = m.part < 6 && m.part.is_multiple_of(2);
        let result = verify_bitmart(&req, &HmacKey { api_key: &c.api_key, secret: &c.secret }, &c.memo);
        if header_name && m.is_case_flip() {
            prop_assert!(result.is_ok(), "{m:?} {req:?}: {result:?}");
        } else {
            prop_assert!(result.is_err(), "{m:?} accepted: {req:?}");
        }
    }

    #[test]
    fn bitmart_refuses_the_wrong_secret_or_memo(
        c in bitmart_case(), other in credential_text()
    ) {
        let req = received(&sign_bitmart(&c));
        if !same_hmac_key(&other, &c.secret) {
            let key = HmacKey { api_key: &c.api_key, secret: &other };
            prop_assert_eq!(verify_bitmart(&req, &key, &c.memo), Err(VerifyError::BadSignature));
        }
        if other != c.memo {
            let key = HmacKey { api_key: &c.api_key, secret: &c.secret };
            prop_assert_eq!(verify_bitmart(&req, &key, &other), Err(VerifyError::BadSignature));
        }
    }
}

// ---------------------------------------------------------------------------------------
// HTX

/// The production URLs and two a mock server could have (explicit port, upper-case host,
/// path prefix).
fn htx_base() -> impl Strategy<Value = String> {
    let mut bases: Vec<String> = htx::INFO
        .environments
        .iter()
        .filter_map(|e| e.rest.map(str::to_string))
        .collect();
    bases.push("http://127.0.0.1:18080".into());
    bases.push("https://Mock.Example:8443/prefix/".into());
    prop::sample::select(bases)
}

#[derive(Debug, Clone)]
struct HtxCase {
    client_order_id: String,
    api_key: String,
    secret: String,
    ts: i64,
    base: String,
}

fn htx_case() -> impl Strategy<Value = HtxCase> {
    (
        id_text(),
        api_key(),
        credential_text(),
        millis(),
        htx_base(),
    )
        .prop_map(|(client_order_id, api_key, secret, ts, base)| HtxCase {
            client_order_id,
            api_key,
            secret,
            ts,
            base,
        })
}

fn sign_htx(c: &HtxCase) -> SignedHttp {
    use htx::get_client_order::{Request, signer};
    let req = Request::builder()
        .client_order_id(c.client_order_id.clone())
        .build()
        .expect("valid HTX request");
    let creds = Credentials::new(htx::CREDENTIALS)
        .with("api_key", &c.api_key)
        .and_then(|cr| cr.with("secret", &c.secret))
        .expect("credentials");
    let signer = signer(&creds).expect("signer");
    req.sign(
        &signer,
        &c.base,
        &Timestamp::AtMillis(c.ts),
        &FixedClock(c.ts),
    )
    .expect("signed")
}

/// Whether byte `pos` of `query` is a hex digit of a `%XX` escape.
fn in_percent_escape(query: &[u8], pos: usize) -> bool {
    (pos >= 1 && query[pos - 1] == b'%')
        || (pos >= 2 && query[pos - 2] == b'%' && query[pos - 1].is_ascii_hexdigit())
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn htx_accepts_signed_requests(c in htx_case()) {
        let signed = sign_htx(&c);
        let key = HmacKey { api_key: &c.api_key, secret: &c.secret };
        prop_assert_eq!(
            verify_htx(&received(&signed), &key),
            Ok(Verified {
                api_key: c.api_key.clone(),
                timestamp: signed.timestamp().unwrap().to_string(),
                recv_window_ms: None,
            })
        );
    }

    #[test]
    fn htx_refuses_any_single_byte_change(
        c in htx_case(), at in any::<Index>(), seed in any::<u8>()
    ) {
        let original = received(&sign_htx(&c));
        let (scheme, rest) = original.url.split_once("://").unwrap();
        let authority_len = rest.find(['/', '?']).unwrap();
        let query_start = rest.find('?').unwrap() + 1;
        let mut parts = vec![original.method.clone(), rest.to_string()];
        let m = mutate(&mut parts, at, seed);
        let req = ReceivedHttp {
            method: parts[0].clone(),
            url: format!("{scheme}://{}", parts[1]),
            ..original.clone()
        };
        let same_meaning = m.part == 1
            && m.is_case_flip()
            && (m.pos < authority_len
                || (m.pos >= query_start
                    && m.old.is_ascii_hexdigit()
                    && in_percent_escape(&rest.as_bytes()[query_start..], m.pos - query_start)));
        let result = verify_htx(&req, &HmacKey { api_key: &c.api_key, secret: &c.secret });
        if same_meaning {
            prop_assert!(result.is_ok(), "{m:?} {req:?}: {result:?}");
        } else {
            prop_assert!(result.is_err(), "{m:?} accepted: {req:?}");
        }
    }

    #[test]
    fn htx_refuses_the_wrong_secret(c in htx_case(), other in credential_text()) {
        prop_assume!(!same_hmac_key(&other, &c.secret));
        let req = received(&sign_htx(&c));
        let key = HmacKey { api_key: &c.api_key, secret: &other };
        prop_assert_eq!(verify_htx(&req, &key), Err(VerifyError::BadSignature));
    }
}

// ---------------------------------------------------------------------------------------
// Binance USDⓈ-M WebSocket API

#[derive(Debug, Clone)]
struct BinanceCase {
    symbol: String,
    orig_client_order_id: String,
    recv_window: Option<i64>,
    frame_id: String,
    api_key: String,
    secret: String,
    ts: i64,
}

fn binance_case() -> impl Strategy<Value = BinanceCase> {
    (
        id_text(),
        id_text(),
        recv_window(),
        id_text(),
        api_key(),
        credential_text(),
        millis(),
    )
        .prop_map(
            |(symbol, orig_client_order_id, recv_window, frame_id, api_key, secret, ts)| {
                BinanceCase {
                    symbol,
                    orig_client_order_id,
                    recv_window,
                    frame_id,
                    api_key,
                    secret,
                    ts,
                }
            },
        )
}

/// Signs `order.status` with an HMAC secret, or with the RFC 8032 Ed25519 key.
fn sign_binance(c: &BinanceCase, ed25519: bool) -> SignedWs {
    use binance_usdm::order_status::{Request, signer};
    let mut b = Request::builder()
        .symbol(c.symbol.clone())
        .orig_client_order_id(c.orig_client_order_id.clone());
    if let Some(w) = c.recv_window {
        b = b.recv_window(w);
    }
    let req = b.build().expect("valid order.status request");
    let mut creds = Credentials::new(binance_usdm::CREDENTIALS);
    creds.set("api_key", &c.api_key).expect("api_key");
    if ed25519 {
        creds.set("ed25519_key", ED25519_PEM).expect("ed25519_key");
    } else {
        creds.set("secret", &c.secret).expect("secret");
    }
    let signer = signer(&creds).expect("signer");
    assert_eq!(
        signer.scheme().name,
        if ed25519 { "ws_ed25519" } else { "ws_hmac" }
    );
    req.sign(
        &signer,
        &c.frame_id,
        &Timestamp::AtMillis(c.ts),
        &FixedClock(c.ts),
    )
    .expect("signed")
}

fn binance_verified(c: &BinanceCase) -> Verified {
    Verified {
        api_key: c.api_key.clone(),
        timestamp: c.ts.to_string(),
        recv_window_ms: c.recv_window,
    }
}

/// Replaces one byte of the frame's text (as sent) inside its `params` object; returns the
/// mutated text and whether it still means the same JSON value (then it must be accepted).
fn mutate_params(signed: &SignedWs, at: Index, seed: u8) -> (String, bool) {
    let frame = &signed.frame();
    let text = signed.frame_text();
    let params = serde_json::to_string(&frame["params"]).unwrap();
    let start = text
        .find(&params)
        .expect("params serialize the same inside the frame");
    let pos = start + at.index(params.len());
    let (mutated, _, _) = replace_byte(text, pos, seed);
    let same = serde_json::from_str::<Value>(&mutated).is_ok_and(|v| &v == frame);
    (mutated, same)
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn binance_ws_hmac_accepts_signed_frames(c in binance_case()) {
        let signed = sign_binance(&c, false);
        let key = HmacKey { api_key: &c.api_key, secret: &c.secret };
        prop_assert_eq!(verify_binance_ws_hmac(&signed.frame(), &key), Ok(binance_verified(&c)));
        // Through the text a server receives, too.
        let text = signed.frame_text();
        prop_assert_eq!(
            parse_ws_frame(text).and_then(|f| verify_binance_ws_hmac(&f, &key)),
            Ok(binance_verified(&c))
        );
    }

    #[test]
    fn binance_ws_hmac_refuses_any_single_byte_change(
        c in binance_case(), at in any::<Index>(), seed in any::<u8>()
    ) {
        let signed = sign_binance(&c, false);
        let (text, same) = mutate_params(&signed, at, seed);
        let key = HmacKey { api_key: &c.api_key, secret: &c.secret };
        let result = parse_ws_frame(&text).and_then(|f| verify_binance_ws_hmac(&f, &key));
        if same {
            prop_assert!(result.is_ok(), "{text}: {result:?}");
        } else {
            prop_assert!(result.is_err(), "accepted: {text}");
        }
    }

    #[test]
    fn binance_ws_hmac_refuses_the_wrong_secret(c in binance_case(), other in credential_text()) {
        prop_assume!(!same_hmac_key(&other, &c.secret));
        let signed = sign_binance(&c, false);
        let key = HmacKey { api_key: &c.api_key, secret: &other };
        prop_assert_eq!(verify_binance_ws_hmac(&signed.frame(), &key), Err(VerifyError::BadSignature));
    }
}

proptest! {
    // Ed25519 is slower in debug builds: fewer cases.
    #![proptest_config(config(64))]

    #[test]
    fn binance_ws_ed25519_accepts_signed_frames(c in binance_case()) {
        let signed = sign_binance(&c, true);
        let pk = public_key(ED25519_PUBLIC_HEX);
        prop_assert_eq!(
            verify_binance_ws_ed25519(&signed.frame(), &c.api_key, &pk),
            Ok(binance_verified(&c))
        );
    }

    #[test]
    fn binance_ws_ed25519_refuses_any_single_byte_change(
        c in binance_case(), at in any::<Index>(), seed in any::<u8>()
    ) {
        let signed = sign_binance(&c, true);
        let (text, same) = mutate_params(&signed, at, seed);
        let pk = public_key(ED25519_PUBLIC_HEX);
        let result = parse_ws_frame(&text).and_then(|f| verify_binance_ws_ed25519(&f, &c.api_key, &pk));
        if same {
            prop_assert!(result.is_ok(), "{text}: {result:?}");
        } else {
            prop_assert!(result.is_err(), "accepted: {text}");
        }
    }

    #[test]
    fn binance_ws_ed25519_refuses_another_key(c in binance_case()) {
        let signed = sign_binance(&c, true);
        let other = public_key(OTHER_PUBLIC_HEX);
        prop_assert_eq!(
            verify_binance_ws_ed25519(&signed.frame(), &c.api_key, &other),
            Err(VerifyError::BadSignature)
        );
        let right = public_key(ED25519_PUBLIC_HEX);
        prop_assert_eq!(
            verify_binance_ws_ed25519(&signed.frame(), &format!("{}x", c.api_key), &right),
            Err(VerifyError::UnknownApiKey)
        );
    }
}

// ---------------------------------------------------------------------------------------
// p99

/// A UUID written any way the builder accepts (hyphenated, simple, braced, URN; any case).
fn uuid_text() -> impl Strategy<Value = String> {
    (any::<u128>(), 0..5_u8, any::<bool>()).prop_map(|(n, form, upper)| {
        let u = uuid::Uuid::from_u128(n);
        let s = match form {
            0 => u.hyphenated().to_string(),
            1 => u.simple().to_string(),
            2 => u.braced().to_string(),
            3 => u.urn().to_string(),
            _ => u.to_string(),
        };
        if upper { s.to_uppercase() } else { s }
    })
}

fn p99_base() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        rest_url(&p99::INFO).to_string(),
        "http://127.0.0.1:18080/api/v1".to_string(),
    ])
}

#[derive(Debug, Clone)]
struct P99Case {
    id: String,
    recv_window: Option<i64>,
    api_key: String,
    secret: String,
    ts: i64,
    base: String,
}

fn p99_case() -> impl Strategy<Value = P99Case> {
    (
        uuid_text(),
        recv_window(),
        api_key(),
        credential_text(),
        millis(),
        p99_base(),
    )
        .prop_map(|(id, recv_window, api_key, secret, ts, base)| P99Case {
            id,
            recv_window,
            api_key,
            secret,
            ts,
            base,
        })
}

fn p99_request(id: &str, recv_window: Option<i64>) -> p99::query_order::Request {
    let mut b = p99::query_order::Request::builder().id(id);
    if let Some(w) = recv_window {
        b = b.recv_window(w);
    }
    b.build().expect("valid p99 request")
}

fn sign_p99(c: &P99Case) -> SignedHttp {
    let creds = Credentials::new(p99::CREDENTIALS)
        .with("api_key", &c.api_key)
        .and_then(|cr| cr.with("secret", &c.secret))
        .expect("credentials");
    let signer = p99::query_order::signer(&creds).expect("signer");
    assert_eq!(signer.scheme().name, "hmac");
    p99_request(&c.id, c.recv_window)
        .sign(
            &signer,
            &c.base,
            &Timestamp::AtMillis(c.ts),
            &FixedClock(c.ts),
        )
        .expect("signed")
}

/// A JWT-shaped token.
fn jwt() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,40}\\.[A-Za-z0-9_-]{1,40}\\.[A-Za-z0-9_-]{0,40}"
}

fn sign_p99_jwt(id: &str, token: &str, base: &str) -> SignedHttp {
    let creds = Credentials::new(p99::CREDENTIALS)
        .with("jwt", token)
        .expect("credentials");
    let signer = p99::query_order::signer(&creds).expect("signer");
    assert_eq!(signer.scheme().name, "jwt");
    p99_request(id, None)
        .sign(&signer, base, &Timestamp::Now, &FixedClock(0))
        .expect("signed")
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn p99_accepts_signed_requests(c in p99_case()) {
        let req = received(&sign_p99(&c));
        let key = HmacKey { api_key: &c.api_key, secret: &c.secret };
        prop_assert_eq!(
            verify_p99_hmac(&req, &key),
            Ok(Verified {
                api_key: c.api_key.clone(),
                timestamp: c.ts.to_string(),
                recv_window_ms: c.recv_window,
            })
        );
    }

    #[test]
    fn p99_refuses_any_single_byte_change(
        c in p99_case(), at in any::<Index>(), seed in any::<u8>()
    ) {
        let original = received(&sign_p99(&c));
        let (before_query, query) = original.url.split_once('?').unwrap();
        let mut parts = header_parts(&original, &["X-MBX-APIKEY"]);
        parts.push(query.to_string());
        let m = mutate(&mut parts, at, seed);
        let mut req = original.clone();
        put_header_parts(&mut req, &["X-MBX-APIKEY"], &parts[..2]);
        req.url = format!("{before_query}?{}", parts[2]);
        let result = verify_p99_hmac(&req, &HmacKey { api_key: &c.api_key, secret: &c.secret });
        if m.part == 0 && m.is_case_flip() {
            prop_assert!(result.is_ok(), "{m:?} {req:?}: {result:?}");
        } else {
            prop_assert!(result.is_err(), "{m:?} accepted: {req:?}");
        }
    }

    #[test]
    fn p99_refuses_the_wrong_secret(c in p99_case(), other in credential_text()) {
        prop_assume!(!same_hmac_key(&other, &c.secret));
        let req = received(&sign_p99(&c));
        let key = HmacKey { api_key: &c.api_key, secret: &other };
        prop_assert_eq!(verify_p99_hmac(&req, &key), Err(VerifyError::BadSignature));
    }

    #[test]
    fn p99_bearer_accepts_the_token_and_refuses_any_change(
        id in uuid_text(), token in jwt(), base in p99_base(),
        other in jwt(), at in any::<Index>(), seed in any::<u8>()
    ) {
        let original = received(&sign_p99_jwt(&id, &token, &base));
        prop_assert_eq!(verify_p99_bearer(&original, &token), Ok(()));
        if other != token {
            prop_assert_eq!(verify_p99_bearer(&original, &other), Err(VerifyError::BadToken));
        }
        let mut parts = header_parts(&original, &["Authorization"]);
        let m = mutate(&mut parts, at, seed);
        let mut req = original.clone();
        put_header_parts(&mut req, &["Authorization"], &parts);
        // Header name, or the `Bearer` scheme name: case-insensitive.
        let same_meaning = m.is_case_flip() && (m.part == 0 || m.pos < "Bearer".len());
        let result = verify_p99_bearer(&req, &token);
        if same_meaning {
            prop_assert!(result.is_ok(), "{m:?}: {result:?}");
        } else {
            prop_assert!(result.is_err(), "{m:?} accepted");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Known disagreement (see the generator `api_key`)

/// The docs type `apiKey` as a STRING: an integer-looking API key stays a JSON string (the
/// signer once wrote `007` as the number `7`).
#[test]
fn integer_looking_binance_api_key_stays_a_string() {
    let c = BinanceCase {
        symbol: "BTCUSDT".into(),
        orig_client_order_id: "abc".into(),
        recv_window: None,
        frame_id: "1".into(),
        api_key: "007".into(),
        secret: "s".into(),
        ts: 1_700_000_000_000,
    };
    let signed = sign_binance(&c, false);
    let key = HmacKey {
        api_key: &c.api_key,
        secret: &c.secret,
    };
    assert_eq!(
        verify_binance_ws_hmac(&signed.frame(), &key),
        Ok(binance_verified(&c)),
        "frame sent: {}",
        signed.frame_text()
    );
}

/// BitMart signs the query string of a GET (the body of a POST): the recipe and the
/// independent verifier agree, and the query is really covered.
#[test]
fn bitmart_get_signs_the_query_string() {
    use generated::runtime::request::{Location, WireParam, WireRequest, WireTransport, WireValue};
    use std::borrow::Cow;
    let creds = Credentials::new(bitmart::CREDENTIALS)
        .with("api_key", "k")
        .and_then(|c| c.with("secret", "s"))
        .and_then(|c| c.with("memo", "m"))
        .unwrap();
    let signer = bitmart::query_client_order::signer(&creds).unwrap();
    let param = |name: &'static str, v: &'static str| WireParam {
        name: Cow::Borrowed(name),
        location: Location::Query,
        value: WireValue::Str(Cow::Borrowed(v)),
    };
    let wire = WireRequest {
        transport: WireTransport::Rest {
            method: "GET",
            path: "/spot/v4/query/order".into(),
        },
        params: [param("symbol", "BTC_USDT"), param("orderId", "12")]
            .into_iter()
            .collect(),
        body_format: generated::runtime::request::BodyFormat::Json,
    };
    let ex = signer
        .explain_http(
            &wire,
            "https://api-cloud.bitmart.com",
            &Timestamp::AtMillis(1),
            &FixedClock(1),
        )
        .unwrap();
    assert_eq!(ex.redacted, "1#[memo]#symbol=BTC_USDT&orderId=12");
    let req = received(&ex.signed);
    let key = HmacKey {
        api_key: "k",
        secret: "s",
    };
    assert!(verify_bitmart(&req, &key, "m").is_ok());
    let mut tampered = req.clone();
    tampered.url = tampered.url.replace("orderId=12", "orderId=13");
    assert!(verify_bitmart(&tampered, &key, "m").is_err());
}
