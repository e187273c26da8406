//! `conformance query` against a one-shot server: the typed payload, venue errors with their
//! kind and body, input refused before sending.

use super::*;

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
    assert_eq!(
        printed["response"], docs["data"],
        "the payload, envelope unwrapped"
    );
    assert_eq!(printed["venue"], "bitmart");
    assert_eq!(printed["http_status"], 200);
    // The unified view, from the same payload.
    assert_eq!(printed["order"]["order_id"], "118100034543076010");
    assert_eq!(printed["order"]["status"], "filled");
    assert_eq!(printed["order"]["created_at"], "2023-04-17T03:19:17.927Z");
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
