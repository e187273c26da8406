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

/// The instant every request is signed at (`Timestamp::AtMillis`, with a clock stopped there).
const MS: i64 = 1_700_000_000_123;
const CLOCK: FixedClock = FixedClock(MS);
/// Secrets and keys of realistic lengths (the venues issue 32 to 64 characters).
const API_KEY: &str = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const MEMO: &str = "my-memo-2024";

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

fn bitmart(c: &mut Criterion) {
    use bitmart::query_client_order::{QueryState, Request, signer};
    started();
    const BASE: &str = "https://api-cloud.bitmart.com";
    let creds = Credentials::new(bitmart::CREDENTIALS)
        .with("api_key", API_KEY)
        .and_then(|c| c.with("secret", SECRET))
        .and_then(|c| c.with("memo", MEMO))
        .unwrap();
    let build = || {
        Request::builder()
            .client_order_id("118100034543076010")
            .query_state(QueryState::Open)
            .recv_window(5000)
            .build()
            .unwrap()
    };
    let signer = signer(&creds).unwrap();
    let req = build();
    let ts = Timestamp::AtMillis(MS);
    let signed = req.sign(&signer, BASE, &ts, &CLOCK).unwrap();
    let engine = |req: &Request| signer.sign_http(&req.to_wire(), BASE, &ts, &CLOCK).unwrap();
    check_fast(
        req.sign_fast(&signer, BASE, &ts, &CLOCK),
        &engine(&req),
        &signed,
    );
    assert_eq!(
        client_http(&req, &signer, BASE),
        signed,
        "Client path vs sign"
    );
    let payload = http_payload(&signer, &req.to_wire(), BASE, &signed);

    let mac = hmac_key();
    let sig = hmac_encode(&mac, &payload, Enc::Hex);
    assert_eq!(signed.header("X-BM-SIGN"), Some(sig.as_str()));

    let mut g = c.benchmark_group("bitmart");
    g.bench_function("primitive", |b| {
        b.iter(|| hmac_encode(black_box(&mac), black_box(&payload), Enc::Hex))
    });
    let ran = Cell::new(false);
    g.bench_function("sign", |b| {
        ran.set(true);
        b.iter(|| client_http(black_box(&req), &signer, BASE))
    });
    g.bench_function("build_and_sign", |b| {
        b.iter(|| client_http(&build(), &signer, BASE))
    });
    g.bench_function("engine", |b| b.iter(|| engine(black_box(&req))));
    g.finish();
    paired(
        "bitmart",
        ran.get(),
        || hmac_encode(black_box(&mac), black_box(&payload), Enc::Hex),
        || client_http(black_box(&req), &signer, BASE),
    );
}

fn htx(c: &mut Criterion) {
    use htx::get_client_order::{Request, signer};
    started();
    const BASE: &str = "https://api.huobi.pro";
    let creds = Credentials::new(htx::CREDENTIALS)
        .with("api_key", API_KEY)
        .and_then(|c| c.with("secret", SECRET))
        .unwrap();
    let build = || {
        Request::builder()
            .client_order_id("a0001-20240101")
            .build()
            .unwrap()
    };
    let signer = signer(&creds).unwrap();
    let req = build();
    let ts = Timestamp::AtMillis(MS);
    let signed = req.sign(&signer, BASE, &ts, &CLOCK).unwrap();
    let engine = |req: &Request| signer.sign_http(&req.to_wire(), BASE, &ts, &CLOCK).unwrap();
    check_fast(
        req.sign_fast(&signer, BASE, &ts, &CLOCK),
        &engine(&req),
        &signed,
    );
    assert_eq!(
        client_http(&req, &signer, BASE),
        signed,
        "Client path vs sign"
    );
    let payload = http_payload(&signer, &req.to_wire(), BASE, &signed);

    let mac = hmac_key();
    let sig = hmac_encode(&mac, &payload, Enc::Base64);
    assert_eq!(query_value(&signed, "Signature"), sig);

    let mut g = c.benchmark_group("htx");
    g.bench_function("primitive", |b| {
        b.iter(|| hmac_encode(black_box(&mac), black_box(&payload), Enc::Base64))
    });
    let ran = Cell::new(false);
    g.bench_function("sign", |b| {
        ran.set(true);
        b.iter(|| client_http(black_box(&req), &signer, BASE))
    });
    g.bench_function("build_and_sign", |b| {
        b.iter(|| client_http(&build(), &signer, BASE))
    });
    g.bench_function("engine", |b| b.iter(|| engine(black_box(&req))));
    g.finish();
    paired(
        "htx",
        ran.get(),
        || hmac_encode(black_box(&mac), black_box(&payload), Enc::Base64),
        || client_http(black_box(&req), &signer, BASE),
    );
}

fn p99(c: &mut Criterion) {
    use p99::query_order::{Request, signer};
    started();
    const BASE: &str = "https://api-sepolia.p99.world/api/v1";
    let creds = Credentials::new(p99::CREDENTIALS)
        .with("api_key", API_KEY)
        .and_then(|c| c.with("secret", SECRET))
        .unwrap();
    let build = || {
        Request::builder()
            .id("9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10")
            .recv_window(5000)
            .build()
            .unwrap()
    };
    let signer = signer(&creds).unwrap();
    assert_eq!(signer.scheme().name, "hmac");
    let req = build();
    let ts = Timestamp::AtMillis(MS);
    let signed = req.sign(&signer, BASE, &ts, &CLOCK).unwrap();
    let engine = |req: &Request| signer.sign_http(&req.to_wire(), BASE, &ts, &CLOCK).unwrap();
    check_fast(
        req.sign_fast(&signer, BASE, &ts, &CLOCK),
        &engine(&req),
        &signed,
    );
    assert_eq!(
        client_http(&req, &signer, BASE),
        signed,
        "Client path vs sign"
    );
    let payload = http_payload(&signer, &req.to_wire(), BASE, &signed);

    let mac = hmac_key();
    let sig = hmac_encode(&mac, &payload, Enc::Hex);
    assert_eq!(query_value(&signed, "signature"), sig);

    let mut g = c.benchmark_group("p99");
    g.bench_function("primitive", |b| {
        b.iter(|| hmac_encode(black_box(&mac), black_box(&payload), Enc::Hex))
    });
    let ran = Cell::new(false);
    g.bench_function("sign", |b| {
        ran.set(true);
        b.iter(|| client_http(black_box(&req), &signer, BASE))
    });
    g.bench_function("build_and_sign", |b| {
        b.iter(|| client_http(&build(), &signer, BASE))
    });
    g.bench_function("engine", |b| b.iter(|| engine(black_box(&req))));
    g.finish();
    paired(
        "p99",
        ran.get(),
        || hmac_encode(black_box(&mac), black_box(&payload), Enc::Hex),
        || client_http(black_box(&req), &signer, BASE),
    );
}

fn binance_request() -> binance_usdm::order_status::Request {
    binance_usdm::order_status::Request::builder()
        .symbol("BTCUSDT")
        .order_id(328_999_071)
        .recv_window(5000)
        .build()
        .unwrap()
}

const WS_ID: &str = "e9d6b4da-0d49-4d23-8d1f-3b5a1a3e6c77";

fn binance_usdm_hmac(c: &mut Criterion) {
    started();
    let creds = Credentials::new(binance_usdm::CREDENTIALS)
        .with("api_key", API_KEY)
        .and_then(|c| c.with("secret", SECRET))
        .unwrap();
    let signer = binance_usdm::order_status::signer(&creds).unwrap();
    assert_eq!(signer.scheme().name, "ws_hmac");
    let req = binance_request();
    let ts = Timestamp::AtMillis(MS);
    let signed = req.sign(&signer, WS_ID, &ts, &CLOCK).unwrap();
    let engine = |req: &binance_usdm::order_status::Request| {
        signer.sign_ws(&req.to_wire(), WS_ID, &ts, &CLOCK).unwrap()
    };
    check_fast(
        req.sign_fast(&signer, WS_ID, &ts, &CLOCK),
        &engine(&req),
        &signed,
    );
    assert_eq!(client_ws(&req, &signer), signed, "Client path vs sign");
    let payload = ws_payload(&signer, &req.to_wire(), &signed);

    let mac = hmac_key();
    let sig = hmac_encode(&mac, &payload, Enc::Hex);
    assert_eq!(signed.frame()["params"]["signature"], sig.as_str());

    let mut g = c.benchmark_group("binance_usdm");
    g.bench_function("primitive", |b| {
        b.iter(|| hmac_encode(black_box(&mac), black_box(&payload), Enc::Hex))
    });
    let ran = Cell::new(false);
    g.bench_function("sign", |b| {
        ran.set(true);
        b.iter(|| client_ws(black_box(&req), &signer))
    });
    g.bench_function("build_and_sign", |b| {
        b.iter(|| client_ws(&binance_request(), &signer))
    });
    g.bench_function("engine", |b| b.iter(|| engine(black_box(&req))));
    g.finish();
    paired(
        "binance_usdm",
        ran.get(),
        || hmac_encode(black_box(&mac), black_box(&payload), Enc::Hex),
        || client_ws(black_box(&req), &signer),
    );
}

/// The key PEMs of the conformance vectors.
fn key_pem(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../conformance/fixtures/vectors/keys")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A WebSocket signer for the Binance scheme that reads credential `key_name`.
fn binance_ws_signer(key_name: &str, pem: &str) -> Signer {
    let creds = Credentials::new(binance_usdm::CREDENTIALS)
        .with("api_key", API_KEY)
        .and_then(|c| c.with(key_name, pem))
        .unwrap();
    Signer::choose(binance_usdm::SCHEMES, SchemeTransport::Ws, &creds).unwrap()
}

fn binance_usdm_ed25519(c: &mut Criterion) {
    use ed25519_dalek::Signer as _;
    use ed25519_dalek::pkcs8::DecodePrivateKey as _;
    started();
    let pem = key_pem("rfc8032_test1_ed25519.pem");
    let signer = binance_ws_signer("ed25519_key", &pem);
    assert_eq!(signer.scheme().name, "ws_ed25519");
    let req = binance_request();
    let ts = Timestamp::AtMillis(MS);
    let signed = req.sign(&signer, WS_ID, &ts, &CLOCK).unwrap();
    let engine = |req: &binance_usdm::order_status::Request| {
        signer.sign_ws(&req.to_wire(), WS_ID, &ts, &CLOCK).unwrap()
    };
    check_fast(
        req.sign_fast(&signer, WS_ID, &ts, &CLOCK),
        &engine(&req),
        &signed,
    );
    assert_eq!(client_ws(&req, &signer), signed, "Client path vs sign");
    let payload = ws_payload(&signer, &req.to_wire(), &signed);

    let key = ed25519_dalek::SigningKey::from_pkcs8_pem(&pem).unwrap();
    let run = |payload: &[u8]| {
        base64::engine::general_purpose::STANDARD.encode(key.sign(payload).to_bytes())
    };
    assert_eq!(signed.frame()["params"]["signature"], run(&payload));

    let mut g = c.benchmark_group("binance_usdm_ed25519");
    g.bench_function("primitive", |b| b.iter(|| run(black_box(&payload))));
    g.bench_function("sign", |b| b.iter(|| client_ws(black_box(&req), &signer)));
    g.bench_function("engine", |b| b.iter(|| engine(black_box(&req))));
}

fn binance_usdm_rsa(c: &mut Criterion) {
    started();
    let pem = key_pem("ccxt_test_rsa2048.pem");
    let signer = binance_ws_signer("rsa_key", &pem);
    assert_eq!(signer.scheme().name, "ws_rsa");
    let req = binance_request();
    let ts = Timestamp::AtMillis(MS);
    let signed = req.sign(&signer, WS_ID, &ts, &CLOCK).unwrap();
    let engine = |req: &binance_usdm::order_status::Request| {
        signer.sign_ws(&req.to_wire(), WS_ID, &ts, &CLOCK).unwrap()
    };
    check_fast(
        req.sign_fast(&signer, WS_ID, &ts, &CLOCK),
        &engine(&req),
        &signed,
    );
    assert_eq!(client_ws(&req, &signer), signed, "Client path vs sign");
    let payload = ws_payload(&signer, &req.to_wire(), &signed);

    let (_, der) = pem_rfc7468::decode_vec(pem.trim().as_bytes()).unwrap();
    let key = ring::signature::RsaKeyPair::from_der(&der).unwrap();
    let rng = ring::rand::SystemRandom::new();
    let run = |payload: &[u8]| {
        let mut sig = vec![0u8; key.public().modulus_len()];
        key.sign(&ring::signature::RSA_PKCS1_SHA256, &rng, payload, &mut sig)
            .unwrap();
        base64::engine::general_purpose::STANDARD.encode(sig)
    };
    assert_eq!(signed.frame()["params"]["signature"], run(&payload));

    let mut g = c.benchmark_group("binance_usdm_rsa");
    // A 2048-bit signature takes about a millisecond: fewer samples keep the run short.
    g.sample_size(20);
    g.bench_function("primitive", |b| b.iter(|| run(black_box(&payload))));
    g.bench_function("sign", |b| b.iter(|| client_ws(black_box(&req), &signer)));
    g.bench_function("engine", |b| b.iter(|| engine(black_box(&req))));
}

/// What writing a 32-byte MAC costs, next to the MAC itself (DEVELOPERS: "hex::encode is a
/// third of an HMAC signature's cost: measure before you accept it").
fn encoding(c: &mut Criterion) {
    let mac = hmac::Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    let payload = b"1700000000123#my-memo-2024#{\"clientOrderId\":\"118100034543076010\",\"queryState\":\"open\",\"recvWindow\":5000}";
    let digest: [u8; 32] = {
        let mut m = mac.clone();
        m.update(payload);
        m.finalize().into_bytes().into()
    };
    assert_eq!(const_hex::encode(digest), hex::encode(digest));

    let mut g = c.benchmark_group("encode_32_bytes");
    g.bench_function("hmac_sha256_only", |b| {
        b.iter(|| {
            let mut m = black_box(&mac).clone();
            m.update(black_box(payload));
            m.finalize().into_bytes()
        })
    });
    g.bench_function("const_hex", |b| {
        b.iter(|| const_hex::encode(black_box(&digest)))
    });
    g.bench_function("hex_crate", |b| b.iter(|| hex::encode(black_box(&digest))));
    g.bench_function("base64", |b| {
        b.iter(|| base64::engine::general_purpose::STANDARD.encode(black_box(&digest)))
    });
}

/// Where criterion writes its results, found as criterion finds it: `$CRITERION_HOME`, else
/// `criterion` in the cargo target directory (`$CARGO_TARGET_DIR`, else `cargo metadata`).
fn output_directory() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            let cargo = std::env::var_os("CARGO")?;
            let out = std::process::Command::new(cargo)
                .args(["metadata", "--format-version", "1", "--no-deps"])
                .output()
                .ok()?;
            let meta: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
            meta["target_directory"].as_str().map(PathBuf::from)
        })
        .unwrap_or_else(|| "target".into());
    target.join("criterion")
}

/// Criterion's typical estimate (slope, else mean) in nanoseconds, if measured since `since`.
fn estimate_ns(dir: &Path, group: &str, function: &str, since: SystemTime) -> Option<f64> {
    let file = dir.join(group).join(function).join("new/estimates.json");
    let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok()?;
    if modified < since {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).ok()?).ok()?;
    let typical = if v["slope"].is_object() {
        &v["slope"]
    } else {
        &v["mean"]
    };
    typical["point_estimate"].as_f64()
}

fn format_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.3} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

/// Prints `sign / primitive` (and `engine / primitive`) for every group measured in this
/// run, from criterion's estimates.
fn report(dir: &Path, since: SystemTime) {
    const GROUPS: &[&str] = &[
        "bitmart",
        "htx",
        "binance_usdm",
        "p99",
        "binance_usdm_ed25519",
        "binance_usdm_rsa",
    ];
    let mut lines = Vec::new();
    for group in GROUPS {
        let ns = |function| estimate_ns(dir, group, function, since);
        let (Some(p), Some(s)) = (ns("primitive"), ns("sign")) else {
            continue;
        };
        let ratio = s / p;
        let (engine, engine_ratio) = match ns("engine") {
            Some(e) => (format_ns(e), format!("{:.2}x", e / p)),
            None => ("-".into(), "-".into()),
        };
        lines.push(format!(
            "{group:<22} {:>12} {:>12} {engine:>12} {ratio:>7.2}x {engine_ratio:>8}  {}",
            format_ns(p),
            format_ns(s),
            if ratio <= 1.5 { "ok" } else { "OVER 1.5x" }
        ));
    }
    if lines.is_empty() {
        return;
    }
    println!("\nsign / primitive (limit 1.5x); engine / primitive for comparison");
    println!(
        "{:<22} {:>12} {:>12} {:>12} {:>8} {:>8}",
        "group", "primitive", "sign", "engine", "ratio", "engine"
    );
    for l in lines {
        println!("{l}");
    }
}

/// Prints the paired minima measured in this run.
fn report_paired() {
    let paired = PAIRED.lock().map(|p| p.clone()).unwrap_or_default();
    if paired.is_empty() {
        return;
    }
    println!("\npaired minima: primitive and sign in alternating batches, fastest batch of each");
    println!(
        "{:<22} {:>12} {:>12} {:>8}",
        "group", "primitive", "sign", "ratio"
    );
    for (group, p, s) in paired {
        println!(
            "{group:<22} {:>12} {:>12} {:>7.2}x  {}",
            format_ns(p),
            format_ns(s),
            s / p,
            if s / p <= 1.5 { "ok" } else { "OVER 1.5x" }
        );
    }
}

/// When this run started: estimates older than that are from an earlier run.
fn started() -> SystemTime {
    static STARTED: OnceLock<SystemTime> = OnceLock::new();
    *STARTED.get_or_init(SystemTime::now)
}

/// Not a benchmark: prints the table once the groups above have run.
fn ratios(_: &mut Criterion) {
    report(&output_directory(), started());
    report_paired();
}

criterion_group!(
    benches,
    bitmart,
    htx,
    binance_usdm_hmac,
    p99,
    binance_usdm_ed25519,
    binance_usdm_rsa,
    encoding,
    ratios
);
criterion_main!(benches);
