//! What signing costs on top of the cryptography it cannot avoid.
//!
//! Requirement: signing a query costs at most 1.5x the bare primitive on the same bytes, for
//! each venue. For every venue there is one group with these functions over the same bytes:
//!
//! - `primitive`: the keyed MAC prepared once (the key schedule is not measured), then
//!   clone + update(payload) + finalize + encode (hex or base64, as the venue writes it), where
//!   the payload is the exact pre-hash string the signer produces for that request (taken
//!   from `Signer::explain_http` / `explain_ws`, which sign the same request and also return
//!   the string they signed);
//! - `sign`: the path the `Client` takes for each attempt, `Outgoing::sign_http` /
//!   `sign_ws` through `&dyn Outgoing` on a request and a [`Signer`] both built once, outside
//!   the loop, at the time read from the client's clock (an `OffsetClock`). It runs the
//!   signing function generated for the endpoint and the signer's scheme (what `Request::sign`
//!   and `Request::sign_fast` run; the bench checks that it does, and that it returns what the
//!   engine returns);
//! - `engine`: the recipe interpreter on the same request (`Signer::sign_http` /
//!   `sign_ws` of `req.to_wire()`), which `sign` used before the generated functions and
//!   still uses for recipes the generator leaves to it;
//! - `build_and_sign`, for information (not part of the requirement): building the request
//!   too.
//!
//! Ed25519 and RSA WebSocket signing are measured the same way, and `encode_32_bytes` shows
//! what writing a 32-byte MAC costs (`const_hex` as the signers use, the `hex` crate, base64).
//!
//! ```sh
//! cargo bench -p generated --bench signing -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! After criterion's own output, a table gives `sign / primitive` (and `engine / primitive`)
//! for each group measured in this run (read from criterion's `estimates.json`, the same
//! estimate it prints as `time`). A second table, for information, gives the HMAC groups'
//! `sign / primitive` from the two timed in alternating batches, fastest batch of each: on a
//! shared machine it moves less with load than two estimates taken seconds apart.

use std::cell::Cell;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use base64::Engine as _;
use criterion::{Criterion, criterion_group, criterion_main};
use generated::runtime::client::{OffsetClock, Outgoing};
use generated::runtime::request::WireRequest;
use generated::runtime::signing::{
    Credentials, FixedClock, SchemeTransport, SignedHttp, SignedWs, Signer, Timestamp,
};
use generated::{binance_usdm, bitmart, htx, p99};
use hmac::{KeyInit, Mac};
use sha2::Sha256;

mod report;
mod rest_groups;
mod ws_groups;

/// The instant every request is signed at (`Timestamp::AtMillis`, with a clock stopped there).
const MS: i64 = 1_700_000_000_123;
const CLOCK: FixedClock = FixedClock(MS);
/// Secrets and keys of realistic lengths (the venues issue 32 to 64 characters).
const API_KEY: &str = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const MEMO: &str = "my-memo-2024";

/// The id of every WebSocket frame signed here.
const WS_ID: &str = "e9d6b4da-0d49-4d23-8d1f-3b5a1a3e6c77";

/// The clock a `Client` reads: the caller's clock behind the measured offset.
fn client_clock() -> &'static OffsetClock {
    static CLIENT_CLOCK: OnceLock<OffsetClock> = OnceLock::new();
    CLIENT_CLOCK.get_or_init(|| OffsetClock::new(Arc::new(CLOCK)))
}

/// Signs `req` as the `Client` does for each attempt: through [`Outgoing`] (the endpoint's
/// generated function, what `Request::sign` runs), at the client clock's now.
#[inline(never)]
fn client_http(req: &dyn Outgoing, signer: &Signer, base: &str) -> SignedHttp {
    req.sign_http(signer, base, client_clock()).unwrap()
}

/// As [`client_http`], for a WebSocket frame.
#[inline(never)]
fn client_ws(req: &dyn Outgoing, signer: &Signer) -> SignedWs {
    req.sign_ws(signer, WS_ID, client_clock()).unwrap()
}

/// Which of the venue's outputs the primitive must reproduce.
#[derive(Clone, Copy)]
enum Enc {
    Hex,
    Base64,
}

/// The HMAC-SHA256 key schedule, done once per credential as the engine does it.
fn hmac_key() -> hmac::Hmac<Sha256> {
    hmac::Hmac::new_from_slice(SECRET.as_bytes()).expect("HMAC takes any key length")
}

/// The bare primitive: HMAC-SHA256 of `payload` with a prepared key, encoded as the venue
/// writes it.
fn hmac_encode(mac: &hmac::Hmac<Sha256>, payload: &[u8], enc: Enc) -> String {
    let mut m = mac.clone();
    m.update(payload);
    let raw = m.finalize().into_bytes();
    match enc {
        Enc::Hex => const_hex::encode(raw),
        Enc::Base64 => base64::engine::general_purpose::STANDARD.encode(raw),
    }
}

fn query_value(signed: &SignedHttp, name: &str) -> String {
    url::Url::parse(signed.url())
        .expect("signed URL parses")
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no `{name}` in {}", signed.url()))
}

/// Checks that `req.sign` runs the generated function (`fast` is what `sign_fast` gave) and
/// that it returns what the engine returns.
fn check_fast<T: PartialEq + std::fmt::Debug>(
    fast: Option<Result<T, generated::runtime::signing::SignError>>,
    engine: &T,
    public: &T,
) {
    let fast = fast
        .expect("the endpoint has a generated function for the scheme")
        .unwrap();
    assert_eq!(&fast, engine, "generated function vs engine");
    assert_eq!(public, engine, "Request::sign vs engine");
}

/// Paired minima: `(group, primitive ns, sign ns)` for each HMAC group measured.
static PAIRED: Mutex<Vec<(&'static str, f64, f64)>> = Mutex::new(Vec::new());

/// For information, next to criterion's estimates: `primitive` and `sign` timed in
/// alternating batches, keeping each one's fastest batch. On a shared machine, load that
/// comes and goes between criterion's measurement of one and of the other moves its ratio;
/// alternating batches see the same load, and the minimum is the least disturbed. Runs only
/// when the group's `sign` was measured (criterion's filter).
fn paired<P, S>(
    group: &'static str,
    ran: bool,
    mut primitive: impl FnMut() -> P,
    mut sign: impl FnMut() -> S,
) {
    const BATCH: u32 = 200;
    const ROUNDS: u32 = 2000;
    if !ran {
        return;
    }
    let per_call = |start: std::time::Instant| start.elapsed().as_nanos() as f64 / f64::from(BATCH);
    let (mut p, mut s) = (f64::MAX, f64::MAX);
    for _ in 0..ROUNDS {
        let start = std::time::Instant::now();
        for _ in 0..BATCH {
            black_box(primitive());
        }
        p = p.min(per_call(start));
        let start = std::time::Instant::now();
        for _ in 0..BATCH {
            black_box(sign());
        }
        s = s.min(per_call(start));
    }
    PAIRED.lock().unwrap().push((group, p, s));
}

/// The string `signed` was signed over (signing it again, explained): what the primitive is
/// given.
fn http_payload(
    signer: &Signer,
    wire: &WireRequest<'_>,
    base: &str,
    signed: &SignedHttp,
) -> Vec<u8> {
    let explained = signer
        .explain_http(wire, base, &Timestamp::AtMillis(MS), &CLOCK)
        .unwrap();
    assert_eq!(
        &explained.signed, signed,
        "explaining signs the same request"
    );
    explained.payload
}

/// As [`http_payload`], for a WebSocket frame.
fn ws_payload(signer: &Signer, wire: &WireRequest<'_>, signed: &SignedWs) -> Vec<u8> {
    let explained = signer
        .explain_ws(wire, WS_ID, &Timestamp::AtMillis(MS), &CLOCK)
        .unwrap();
    assert_eq!(&explained.signed, signed, "explaining signs the same frame");
    explained.payload
}

criterion_group!(
    benches,
    rest_groups::bitmart,
    rest_groups::htx,
    ws_groups::binance_usdm_hmac,
    rest_groups::p99,
    ws_groups::binance_usdm_ed25519,
    ws_groups::binance_usdm_rsa,
    report::encoding,
    report::ratios
);
criterion_main!(benches);
