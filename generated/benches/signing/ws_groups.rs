//! Binance USDⓈ-M WebSocket API: HMAC, Ed25519 and RSA frames.

use super::*;
use crate::report::started;

fn binance_request() -> binance_usdm::order_status::Request {
    binance_usdm::order_status::Request::builder()
        .symbol("BTCUSDT")
        .order_id(328_999_071)
        .recv_window(5000)
        .build()
        .unwrap()
}

pub(crate) fn binance_usdm_hmac(c: &mut Criterion) {
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

pub(crate) fn binance_usdm_ed25519(c: &mut Criterion) {
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

pub(crate) fn binance_usdm_rsa(c: &mut Criterion) {
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
