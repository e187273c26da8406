//! What the transports cost, end to end on loopback, against minimal in-process servers (the
//! mock venue's benches will measure the same paths against a full venue):
//!
//! - `rest/bitmart_one_at_a_time`: one signed BitMart query after another on a keep-alive
//!   connection (sign, send, classify, decode): the latency of one call, and its inverse is
//!   the one-connection rate (targets: p99 < 1 ms, 10,000 queries/s);
//! - `ws/binance_pipelined_1000`: 1,000 signed `order.status` requests in flight at once on
//!   one WebSocket connection (target: 50,000/s).
//!
//! ```sh
//! cargo bench -p generated --bench transport -- --warm-up-time 1 --measurement-time 3
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures_util::SinkExt;
use futures_util::stream::{FuturesUnordered, StreamExt};
use generated::runtime::signing::Credentials;
use generated::runtime::transport::retry::RetryPolicy;
use generated::{binance_usdm, bitmart};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

fn example(info: &generated::runtime::registry::EndpointInfo) -> &'static str {
    info.examples
        .iter()
        .find(|x| x.name == "docs_success")
        .unwrap()
        .body
}

/// A keep-alive HTTP/1.1 server answering every request with `body`.
async fn http_server(body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let response: Arc<[u8]> = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/json\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
    .into();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let _ = sock.set_nodelay(true);
            let response = Arc::clone(&response);
            tokio::spawn(async move {
                let mut buf = Vec::with_capacity(8192);
                let mut chunk = [0u8; 8192];
                loop {
                    // One request: head, then Content-Length bytes.
                    let (end, len) = loop {
                        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                            let len = head
                                .split("content-length:")
                                .nth(1)
                                .and_then(|r| r.split("\r\n").next())
                                .and_then(|v| v.trim().parse::<usize>().ok())
                                .unwrap_or(0);
                            break (end + 4, len);
                        }
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    while buf.len() < end + len {
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    buf.drain(..end + len);
                    if sock.write_all(&response).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

/// A WebSocket server answering every frame at once with the docs' `order.status` result,
/// its `id` echoed (the client writes `{"id":"<n>",` first).
async fn ws_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws-fapi/v1", listener.local_addr().unwrap());
    let doc: serde_json::Value =
        serde_json::from_str(example(&binance_usdm::order_status::INFO)).unwrap();
    let result = doc["result"].to_string();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let _ = tcp.set_nodelay(true);
            let result = result.clone();
            tokio::spawn(async move {
                let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else {
                    return;
                };
                let (mut tx, mut rx) = ws.split();
                while let Some(Ok(Message::Text(t))) = rx.next().await {
                    let id = t
                        .as_str()
                        .strip_prefix("{\"id\":\"")
                        .and_then(|r| r.split('"').next())
                        .unwrap_or("0");
                    let answer = format!("{{\"id\":\"{id}\",\"status\":200,\"result\":{result}}}");
                    if tx.send(Message::Text(answer.into())).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

/// A BitMart client of an HTTP server on loopback that answers the docs' example.
fn bitmart_client(rt: &tokio::runtime::Runtime) -> bitmart::Client {
    rt.block_on(async {
        let url = http_server(example(&bitmart::query_client_order::INFO)).await;
        let creds = Credentials::new(bitmart::CREDENTIALS)
            .with("api_key", "80618e45710812162b04892c7ee5ead4a3cc3e56")
            .unwrap()
            .with(
                "secret",
                "6c6c98544461bbe71db2bca4c6d7fd0021e0ba9efc215f9c6ad41852df9d9df9",
            )
            .unwrap()
            .with("memo", "test001")
            .unwrap();
        bitmart::Client::builder()
            .base_url(url)
            .credentials(creds)
            .retry(RetryPolicy::none())
            .build()
            .unwrap()
    })
}

/// A Binance USDⓈ-M client of a WebSocket server on loopback that answers every frame.
fn binance_client(rt: &tokio::runtime::Runtime) -> binance_usdm::Client {
    rt.block_on(async {
        let url = ws_server().await;
        let creds = Credentials::new(binance_usdm::CREDENTIALS)
            .with(
                "api_key",
                "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
            )
            .unwrap()
            .with(
                "secret",
                "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
            )
            .unwrap();
        binance_usdm::Client::builder()
            .base_url(url)
            .credentials(creds)
            .request_timeout(Duration::from_secs(30))
            .retry(RetryPolicy::none())
            .build()
            .unwrap()
    })
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    let bitmart_client = bitmart_client(&rt);
    let req = bitmart::query_client_order::Request::builder()
        .client_order_id("118100034543076010")
        .build()
        .unwrap();
    let mut g = c.benchmark_group("rest");
    g.throughput(Throughput::Elements(1));
    g.bench_function("bitmart_one_at_a_time", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    bitmart_client.query_client_order(&req).await.unwrap();
                }
                start.elapsed()
            })
        })
    });
    g.finish();

    let binance_client = binance_client(&rt);
    let req = binance_usdm::order_status::Request::builder()
        .symbol("BTCUSDT")
        .order_id(1917641)
        .build()
        .unwrap();
    const BATCH: u64 = 1000;
    let mut g = c.benchmark_group("ws");
    g.throughput(Throughput::Elements(BATCH));
    g.bench_function("binance_pipelined_1000", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let mut calls: FuturesUnordered<_> = (0..BATCH)
                        .map(|_| binance_client.order_status(&req))
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

criterion_group!(benches, bench);
criterion_main!(benches);
