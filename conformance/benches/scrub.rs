//! Speed of the record command's credential scrubber (`conformance::scrub::Scrubber`).
//!
//! - `build/<set>`: building the matcher (every needle form of every credential) for three
//!   HMAC-style credentials (`hmac`) and for those plus a 2048-bit RSA key in PEM (`rsa`).
//! - `find/<set>/<size>`: searching a JSON-like body of `size` bytes that holds no
//!   credential (the common case: every byte goes through every decoding view). Throughput
//!   must stay flat as the body grows: the search is linear in the body's size.
//! - `redact/hmac/<size>`: a body of `size` bytes with a credential echoed every 4 KiB in a
//!   rotating form (exact, upper-cased, percent-encoded, base64), found and redacted.
//!
//! `cargo bench -p conformance --bench scrub -- --warm-up-time 1 --measurement-time 4`

use std::hint::black_box;

use base64::Engine as _;
use conformance::scrub::Scrubber;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const CREDS: [(&str, &str); 3] = [
    ("api_key", "AK9f/X2LmN7pR4sVq8Tz"),
    ("secret", "sEcR3t+Zq/w 8Lm!Np5Rx2Vb"),
    ("memo", "7Qz/w+Kp 3"),
];

fn rsa_pem() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/vectors/keys/ccxt_test_rsa2048.pem"
    );
    std::fs::read_to_string(path).unwrap()
}

/// A JSON-like body of about `size` bytes: order records with ids, prices and escapes.
fn body(size: usize, echo: bool) -> String {
    let mut out = String::from("{\"data\":[");
    let mut i = 0u64;
    while out.len() < size {
        if echo && i.is_multiple_of(32) {
            let c = CREDS[(i / 32) as usize % 3].1;
            let form = match (i / 96) % 4 {
                0 => c.to_owned(),
                1 => c.to_ascii_uppercase(),
                2 => c.replace('/', "%2F").replace(' ', "+"),
                _ => base64::engine::general_purpose::STANDARD.encode(c),
            };
            out.push_str(&format!("{{\"echo\":\"{form}\"}},"));
        }
        out.push_str(&format!(
            "{{\"orderId\":\"{}\",\"price\":\"{}.{:04}\",\"note\":\"caf\\u00e9 \\/ 100%25\",\"ts\":{}}},",
            0x5eed_0000_0000u64 + i * 7919,
            i % 97_000,
            i % 10_000,
            1_796_400_000_000u64 + i
        ));
        i += 1;
    }
    out.push_str("{}]}");
    out
}

fn bench(c: &mut Criterion) {
    let pem = rsa_pem();
    let with_rsa: Vec<(&str, &str)> = CREDS
        .iter()
        .copied()
        .chain([("rsa_key", pem.as_str())])
        .collect();
    let mut group = c.benchmark_group("build");
    group.bench_function("hmac", |b| {
        b.iter(|| Scrubber::from_values(black_box(CREDS)).unwrap())
    });
    group.bench_function("rsa", |b| {
        b.iter(|| Scrubber::from_values(black_box(with_rsa.clone())).unwrap())
    });
    group.finish();

    let sets = [
        ("hmac", Scrubber::from_values(CREDS).unwrap()),
        ("rsa", Scrubber::from_values(with_rsa.clone()).unwrap()),
    ];
    let mut group = c.benchmark_group("find");
    for (name, scrubber) in &sets {
        for size in [16 << 10, 256 << 10, 1 << 20] {
            let text = body(size, false);
            assert!(scrubber.find(&text).is_empty(), "no credential in the body");
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(BenchmarkId::new(*name, size), &text, |b, text| {
                b.iter(|| scrubber.find(black_box(text)))
            });
        }
    }
    group.finish();

    let mut group = c.benchmark_group("redact");
    for size in [16 << 10, 256 << 10, 1 << 20] {
        let text = body(size, true);
        assert!(sets[0].1.contains(&text));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("hmac", size), &text, |b, text| {
            b.iter(|| sets[0].1.redacted(black_box(text)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
