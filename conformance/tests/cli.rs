//! The `conformance` binary as a user runs it.

use std::process::Command;

fn conformance(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_passes_and_prints_a_table_per_venue() {
    let (code, out, err) = conformance(&["check"]);
    assert_eq!(code, 0, "{out}\n{err}");
    for venue in ["bitmart", "htx", "binance_usdm", "p99"] {
        assert!(
            out.lines().any(|l| l == venue),
            "no table for {venue}:\n{out}"
        );
    }
    assert!(
        out.contains("query_client_order") && out.contains("order_status"),
        "{out}"
    );
    let examples: usize = conformance::VENUES
        .iter()
        .flat_map(|v| v.endpoints)
        .map(|e| e.examples.len())
        .sum();
    let endpoints: usize = conformance::VENUES.iter().map(|v| v.endpoints.len()).sum();
    assert_eq!(out.lines().last(), Some("all checks passed"), "{out}");
    let vectors = conformance::vectors::run_all().len();
    assert!(
        out.contains(&format!("signing: {vectors}/{vectors} vectors passed")),
        "{out}"
    );
    let signed = conformance::VENUES
        .iter()
        .flat_map(|v| v.endpoints)
        .filter(|e| e.signed)
        .count();
    assert!(
        out.contains(&format!(
            "mock: {signed}/{signed} endpoints answered as documented"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "round trips: {signed}/{signed} endpoints recovered or failed as documented"
        )),
        "{out}"
    );
    // The round-trip table: one row per signed endpoint, a time in every cell that applies.
    let table: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("mock round trips"))
        .skip(2)
        .take(signed)
        .collect();
    assert_eq!(table.len(), signed, "{out}");
    for row in table {
        let cells: Vec<&str> = row.split_whitespace().skip(2).collect();
        assert_eq!(cells.last(), Some(&"ok"), "{row}");
        // 429 -> ok, 500 -> ok, reset -> ok, truncated: "ok <time>"; html: "-" on a WebSocket.
        assert!(cells.starts_with(&["ok"]) && cells.len() >= 9, "{row}");
    }
    let summary = out.lines().find(|l| l.contains(" rows: ")).unwrap();
    assert!(summary.contains(" 0 failed"), "{summary}");
    assert!(
        summary.contains(&format!("examples {examples}/{examples}")),
        "{summary}"
    );
    assert!(
        err.contains(&format!("[{endpoints}/{endpoints}]")),
        "progress goes to stderr: {err}"
    );
}

#[test]
fn check_one_venue() {
    let (code, out, _) = conformance(&["check", "--venue", "p99"]);
    assert_eq!(code, 0);
    let endpoints = conformance::VENUES
        .iter()
        .find(|v| v.id == "p99")
        .unwrap()
        .endpoints
        .len();
    assert!(
        out.contains(&format!("1 venues, {endpoints} endpoints")) && !out.contains("bitmart"),
        "{out}"
    );
}

#[test]
fn unknown_venue_is_a_usage_error() {
    let (code, _, err) = conformance(&["check", "--venue", "kraken"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown venue `kraken` (known: binance_usdm, bitmart, htx, p99)"),
        "{err}"
    );
}

#[test]
fn mock_serves_until_stopped_and_prints_how_to_reach_it() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .args(["mock", "--venue", "p99"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut out = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("serving");
        out.push(line);
        if done {
            break;
        }
    }
    let text = out.join("\n");
    let base = out
        .iter()
        .find_map(|l| l.trim().strip_prefix("rest: "))
        .unwrap_or_else(|| panic!("no REST URL:\n{text}"))
        .to_string();
    assert!(
        base.starts_with("http://127.0.0.1:") && base.ends_with("/api/v1"),
        "{text}"
    );
    for expected in [
        "P99_API_KEY=",
        "P99_SECRET=",
        "P99_JWT=",
        "id=9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    assert!(!text.contains("bitmart"), "{text}");
    // An unsigned request: p99's authentication failure, an empty 401.
    let url = base.trim_start_matches("http://");
    let (host, path) = url.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    use std::io::{Read, Write};
    write!(
        s,
        "GET /{path}/spot/orders/9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10 HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains("content-length: 0"), "{answer}");
    child.kill().unwrap();
    child.wait().unwrap();
}

/// A one-shot loopback HTTP server: answers every request on one connection with `status`
/// and `body`, and returns the request heads it saw when the connection ends.
fn one_shot_server(
    status: u16,
    body: &'static str,
) -> (String, std::thread::JoinHandle<Vec<String>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut sock, _) = listener.accept().unwrap();
        sock.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        let mut heads = Vec::new();
        let mut buf = Vec::new();
        loop {
            let mut chunk = [0u8; 4096];
            let n = match sock.read(&mut chunk) {
                Ok(0) | Err(_) => return heads,
                Ok(n) => n,
            };
            buf.extend_from_slice(&chunk[..n]);
            let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                continue;
            };
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let len = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = sock.read(&mut chunk).unwrap_or(0);
                if n == 0 {
                    return heads;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            buf.drain(..end + 4 + len);
            heads.push(head);
            let out = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nContent-Type: application/json\r\n\r\n{body}",
                body.len()
            );
            sock.write_all(out.as_bytes()).unwrap();
        }
    });
    (url, handle)
}

fn bitmart_example(name: &str) -> &'static str {
    let (_, e) = conformance::find("bitmart", "query_client_order").unwrap();
    e.examples.iter().find(|x| x.name == name).unwrap().body
}

const BITMART_CREDS: [&str; 6] = [
    "--credential",
    "api_key=k",
    "--credential",
    "secret=s",
    "--credential",
    "memo=m",
];

#[test]
fn query_prints_the_typed_payload() {
    let (url, server) = one_shot_server(200, bitmart_example("docs_success"));
    let mut args = vec![
        "query",
        "--venue",
        "bitmart",
        "--endpoint",
        "query_client_order",
        "--param",
        "clientOrderId=118100034543076010",
        "--base-url",
        &url,
        "--no-env",
        "--json",
    ];
    args.extend(BITMART_CREDS);
    let (code, out, err) = conformance(&args);
    assert_eq!(code, 0, "{out}\n{err}");
    let printed: serde_json::Value = serde_json::from_str(&out).unwrap();
    let docs: serde_json::Value = serde_json::from_str(bitmart_example("docs_success")).unwrap();
    assert_eq!(printed, docs["data"], "the payload, envelope unwrapped");
    let heads = server.join().unwrap();
    assert_eq!(heads.len(), 1);
    assert!(
        heads[0].starts_with("POST /spot/v4/query/client-order"),
        "{}",
        heads[0]
    );
    assert!(
        heads[0].to_ascii_lowercase().contains("x-bm-sign:"),
        "{}",
        heads[0]
    );
}

#[test]
fn query_reports_a_venue_error_with_its_kind_and_body() {
    let body = bitmart_example("order_not_found_50005");
    let (url, _server) = one_shot_server(400, body);
    let mut args = vec![
        "query",
        "--venue",
        "bitmart",
        "--endpoint",
        "query_client_order",
        "--param",
        "clientOrderId=x",
        "--base-url",
        &url,
        "--no-env",
    ];
    args.extend(BITMART_CREDS);
    let (code, out, err) = conformance(&args);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains(
            "bitmart query_client_order: not found: code 50005: Order Id not found [HTTP 400]"
        ),
        "{err}"
    );
    assert!(err.contains(&format!("body: {body}")), "{err}");
}

#[test]
fn query_refuses_bad_input_before_sending() {
    let (code, _, err) = conformance(&[
        "query",
        "--venue",
        "bitmart",
        "--endpoint",
        "query_client_order",
        "--param",
        "recvWindow=0",
        "--param",
        "clientOrderId=x",
        "--no-env",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("recvWindow"), "{err}");
    let (code, _, err) = conformance(&["query", "--venue", "nope", "--endpoint", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown venue/endpoint"), "{err}");
}

#[test]
fn query_refuses_a_base_url_of_the_other_transport() {
    let (code, _, err) = conformance(&[
        "query",
        "--venue",
        "binance_usdm",
        "--endpoint",
        "order_status",
        "--param",
        "symbol=BTCUSDT",
        "--param",
        "orderId=1",
        "--base-url",
        "http://127.0.0.1:9",
        "--no-env",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "`order_status` is a WebSocket endpoint: --base-url must be a ws:// or wss:// URL"
        ),
        "{err}"
    );
}
