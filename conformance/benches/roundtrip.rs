//! Round trips through the generated clients against the embedded mock venue on loopback: the
//! client signs, sends, classifies and decodes; the mock verifies the signature with the
//! independent verifier, checks the window, validates and looks the order up.
//!
//! - `rest_one_connection/<venue>`: signed queries one after another on one keep-alive
//!   connection (target: 10,000 queries/s);
//! - `ws_pipelined/binance_usdm_1000`: 1,000 `order.status` requests in flight at once on one
//!   WebSocket connection (target: 50,000/s);
//! - then, for the latency distribution (target: p99 under 1 ms, one request at a time), the
//!   latencies of many sequential calls per venue are recorded and their percentiles printed,
//!   with the load average and the number of connections each client opened.
//!
//! Client and mock run in this process. By default (`ROUNDTRIP_RUNTIME=split`) as two
//! processes would: the mock on its own thread with its own single-threaded tokio runtime,
//! the client on another, so they meet only through the loopback sockets.
//! `ROUNDTRIP_RUNTIME=shared-multi` puts both on one 2-worker multi-threaded runtime (tasks
//! then hop between the workers on every round trip), `shared-current` on one
//! single-threaded runtime; `split-multi` is `split` with the client on a 2-worker
//! multi-threaded runtime (`#[tokio::main]`'s kind).
//!
//! ```sh
//! cargo bench -p conformance --bench roundtrip -- --warm-up-time 1 --measurement-time 3
//! ```

use std::future::Future;
use std::time::{Duration, Instant};

use conformance::mock::{Fault, FaultRule, FaultScope, MockConfig, MockHandle, MockVenue};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures_util::stream::{FuturesUnordered, StreamExt};
use generated::runtime::client::ClientBuilder;
use generated::runtime::transport::retry::RetryPolicy;
use generated::{binance_usdm, bitmart, htx, p99};

/// The requests of each latency sample.
const SAMPLES: usize = 20_000;
/// Requests in flight at once on the WebSocket.
const BATCH: u64 = 1000;
/// The endpoint name the connection counters are armed for (no endpoint has it).
const COUNTS: &str = "(counts connections)";
const COUNTER_START: u32 = 1_000_000;

/// The mock's client for `venue`: its URLs and credentials, no retries.
fn at_mock<C: From<generated::runtime::client::ClientCore>>(
    b: ClientBuilder<C>,
    mock: &MockHandle,
    venue: &str,
) -> C {
    let mut b = b
        .credentials(mock.signing_credentials(venue).unwrap())
        .retry(RetryPolicy::none())
        .request_timeout(Duration::from_secs(30));
    if let Some(url) = mock.rest_base(venue) {
        b = b.rest_url(url);
    }
    if let Some(url) = mock.ws_url(venue) {
        b = b.ws_url(url);
    }
    b.build().unwrap()
}

/// Counts the connections accepted per venue from now on: a connection rule for an endpoint
/// no venue has is used up once per connection and injects nothing.
fn count_connections(mock: &MockHandle) {
    for a in mock.venues() {
        mock.faults().arm(
            FaultRule::new(Fault::Delay(Duration::ZERO))
                .venue(a.venue)
                .endpoint(COUNTS)
                .connections(COUNTER_START),
        );
    }
}

fn connections(mock: &MockHandle, venue: &str) -> u32 {
    let left = mock
        .faults()
        .pending()
        .into_iter()
        .find(|r| r.venue.as_deref() == Some(venue) && r.endpoint.as_deref() == Some(COUNTS))
        .map_or(0, |r| match r.scope {
            FaultScope::Connections(n) | FaultScope::Requests(n) => n,
        });
    COUNTER_START - left
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// Times `n` sequential calls of `call` and prints the percentiles.
async fn latencies<F, Fut>(label: &str, n: usize, mut call: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut lat = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        call().await;
        lat.push(t.elapsed());
    }
    lat.sort_unstable();
    let pct = |p: f64| lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1];
    let total: Duration = lat.iter().sum();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{label:<28} n={n:<6} mean {:>6.1} µs  p50 {:>6.1} µs  p90 {:>6.1} µs  p99 {:>6.1} µs  p99.9 {:>7.1} µs  max {:>8.1} µs  ({:.0}/s)",
        us(total / n as u32),
        us(pct(0.50)),
        us(pct(0.90)),
        us(pct(0.99)),
        us(pct(0.999)),
        us(*lat.last().unwrap()),
        n as f64 / total.as_secs_f64(),
    );
}

/// The runtime the clients (and, for `shared-*`, the mock) run on, as `ROUNDTRIP_RUNTIME`
/// says.
fn runtime(mode: &str) -> tokio::runtime::Runtime {
    match mode {
        "shared-multi" | "split-multi" => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
        "split" | "shared-current" => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
        other => {
            panic!("ROUNDTRIP_RUNTIME={other}: split, split-multi, shared-current or shared-multi")
        }
    }
}

/// The mock's own thread (`split` modes) and the sender that stops it.
type MockThread = (
    std::thread::JoinHandle<()>,
    tokio::sync::oneshot::Sender<()>,
);

/// The mock: on a thread of its own (`split` modes), or on the clients' runtime.
fn start_mock(mode: &str, rt: &tokio::runtime::Runtime) -> (MockHandle, Option<MockThread>) {
    if mode.starts_with("split") {
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let t = std::thread::spawn(move || {
            let mrt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            mrt.block_on(async move {
                tx.send(MockVenue::start(MockConfig::default()).await.unwrap())
                    .unwrap();
                let _ = stop_rx.await;
            });
        });
        (rx.recv().unwrap(), Some((t, stop_tx)))
    } else {
        (
            rt.block_on(async { MockVenue::start(MockConfig::default()).await.unwrap() }),
            None,
        )
    }
}

/// The four seed venues' clients at the mock, and the docs' request of each.
struct Clients {
    bitmart: bitmart::Client,
    htx: htx::Client,
    p99: p99::Client,
    binance: binance_usdm::Client,
    bitmart_req: bitmart::query_client_order::Request,
    htx_req: htx::get_client_order::Request,
    p99_req: p99::query_order::Request,
    binance_req: binance_usdm::order_status::Request,
}

impl Clients {
    fn at(mock: &MockHandle) -> Clients {
        Clients {
            bitmart: at_mock(bitmart::Client::builder(), mock, "bitmart"),
            htx: at_mock(htx::Client::builder(), mock, "htx"),
            p99: at_mock(p99::Client::builder(), mock, "p99"),
            binance: at_mock(binance_usdm::Client::builder(), mock, "binance_usdm"),
            bitmart_req: bitmart::query_client_order::Request::builder()
                .client_order_id("118100034543076010")
                .build()
                .unwrap(),
            htx_req: htx::get_client_order::Request::builder()
                .client_order_id("23456")
                .build()
                .unwrap(),
            p99_req: p99::query_order::Request::builder()
                .id("9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10")
                .build()
                .unwrap(),
            binance_req: binance_usdm::order_status::Request::builder()
                .symbol("BTCUSDT")
                .order_id(1_917_641)
                .build()
                .unwrap(),
        }
    }
}

/// Criterion's groups: each REST venue one request at a time on one connection, and
/// Binance's WebSocket API with 1,000 requests in flight.
fn groups(c: &mut Criterion, rt: &tokio::runtime::Runtime, k: &Clients) {
    let mut g = c.benchmark_group("rest_one_connection");
    g.throughput(Throughput::Elements(1));
    g.bench_function("bitmart", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    k.bitmart.query_client_order(&k.bitmart_req).await.unwrap();
                }
                start.elapsed()
            })
        })
    });
    g.bench_function("htx", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    k.htx.get_client_order(&k.htx_req).await.unwrap();
                }
                start.elapsed()
            })
        })
    });
    g.bench_function("p99", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    k.p99.query_order(&k.p99_req).await.unwrap();
                }
                start.elapsed()
            })
        })
    });
    g.finish();

    let mut g = c.benchmark_group("ws_pipelined");
    g.throughput(Throughput::Elements(BATCH));
    g.bench_function("binance_usdm_1000", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let mut calls: FuturesUnordered<_> = (0..BATCH)
                        .map(|_| k.binance.order_status(&k.binance_req))
                        .collect();
                    while let Some(r) = calls.next().await {
                        r.unwrap();
                    }
                }
                start.elapsed()
            })
        })
    });
    g.finish();
}

/// The latency percentiles of one request at a time, per venue.
fn print_latencies(rt: &tokio::runtime::Runtime, k: &Clients) {
    rt.block_on(async {
        latencies("rest bitmart", SAMPLES, || async {
            k.bitmart.query_client_order(&k.bitmart_req).await.unwrap();
        })
        .await;
        latencies("rest htx", SAMPLES, || async {
            k.htx.get_client_order(&k.htx_req).await.unwrap();
        })
        .await;
        latencies("rest p99", SAMPLES, || async {
            k.p99.query_order(&k.p99_req).await.unwrap();
        })
        .await;
        latencies("ws binance_usdm order.status", SAMPLES, || async {
            k.binance.order_status(&k.binance_req).await.unwrap();
        })
        .await;
    });
}

fn bench(c: &mut Criterion) {
    let mode = std::env::var("ROUNDTRIP_RUNTIME").unwrap_or_else(|_| "split".into());
    let rt = runtime(&mode);
    println!("ROUNDTRIP_RUNTIME={mode}");
    let load_before = load();
    let (mock, mock_thread) = start_mock(&mode, &rt);
    count_connections(&mock);
    let clients = Clients::at(&mock);
    groups(c, &rt, &clients);
    println!(
        "\none request at a time against the mock (load average before: {load_before}, now: {})",
        load()
    );
    print_latencies(&rt, &clients);
    println!(
        "connections opened: bitmart {}, htx {}, p99 {}, binance_usdm {}; load average after: {}",
        connections(&mock, "bitmart"),
        connections(&mock, "htx"),
        connections(&mock, "p99"),
        connections(&mock, "binance_usdm"),
        load()
    );
    drop(clients);
    drop(mock);
    if let Some((thread, stop)) = mock_thread {
        let _ = stop.send(());
        let _ = thread.join();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
