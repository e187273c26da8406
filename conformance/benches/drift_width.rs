//! How the drift judge's time grows with a body's width: BitMart's documented order response
//! with 10^3 .. 10^6 members the spec does not know added to its payload (`/data`), each
//! reported as an unknown field. `judge/<n>` is the whole of `Judge::judge` on the raw bytes
//! (JSON decode, the generated client's parse, the fast and strict validators, the findings in
//! body order). Linear growth shows as a flat time per member (criterion's throughput).
//!
//! `cargo bench -p conformance --bench drift_width -- --warm-up-time 1 --measurement-time 3`
//!
//! 2026-12-04, 2 cores, `uptime` load 1.2: 10^3 0.81 ms, 10^4 8.9 ms, 10^5 113 ms, 10^6 2.03 s
//! (0.8 to 2.0 µs a member: the million-member body and its million findings no longer fit the
//! caches). Before the fix, 16,000 members took 7.5 s and 200,000 did not finish.

use std::hint::black_box;
use std::time::Duration;

use conformance::judge::drift::{Judge, Verdict};
use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use serde_json::Value;

fn wide_body(n: usize) -> Vec<u8> {
    let mut body: Value = serde_json::from_str(include_str!(
        "../fixtures/bitmart/query_client_order/docs_success.json"
    ))
    .unwrap();
    let data = body["data"].as_object_mut().unwrap();
    for i in 0..n {
        data.insert(format!("x{i:07}"), Value::from(i as u64));
    }
    serde_json::to_vec(&body).unwrap()
}

fn drift_width(c: &mut Criterion) {
    let (v, e) = conformance::find("bitmart", "query_client_order").unwrap();
    let judge = Judge::new(v, e);
    let mut group = c.benchmark_group("judge");
    // Ten samples of one iteration each at the big sizes: quick to run, and plenty to see growth.
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    for n in [1_000, 10_000, 100_000, 1_000_000] {
        let raw = wide_body(n);
        let j = judge.judge(&raw, None);
        assert_eq!((j.verdict, j.findings.len()), (Verdict::Drift, n));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &raw, |b, raw| {
            b.iter(|| judge.judge(black_box(raw), None))
        });
    }
    group.finish();
}

criterion_group!(benches, drift_width);
criterion_main!(benches);
