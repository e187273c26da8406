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
