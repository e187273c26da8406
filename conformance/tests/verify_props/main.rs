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

#[path = "../independent/mod.rs"]
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

mod binance_signing;
mod bitmart_signing;
mod htx_signing;
mod p99_signing;
mod regressions;

/// The RFC 8032 §7.1 TEST 1 key, as PKCS#8 PEM.
const ED25519_PEM: &str = include_str!("../../fixtures/vectors/keys/rfc8032_test1_ed25519.pem");
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
