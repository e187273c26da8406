//! The REST venues' groups: BitMart, HTX and p99 (HMAC and bearer token).

use super::*;
use crate::report::started;

pub(crate) fn bitmart(c: &mut Criterion) {
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

pub(crate) fn htx(c: &mut Criterion) {
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

pub(crate) fn p99(c: &mut Criterion) {
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
