//! `conformance check` and `conformance mock`: tables per venue, one venue, usage errors, fixture
//! counts, and the mock serving until stopped.

use super::*;

#[test]
fn check_passes_and_prints_a_table_per_venue() {
    let (code, out, err) = conformance(&["check"]);
    assert_eq!(code, 0, "{out}\n{err}");
    for venue in conformance::VENUES.iter().map(|v| v.id) {
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
    let vectors = conformance::check::vectors::run_all().len();
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
    let known: Vec<&str> = conformance::VENUES.iter().map(|v| v.id).collect();
    assert!(known.len() >= 4 && !known.contains(&"kraken"), "{known:?}");
    assert!(
        err.contains(&format!(
            "unknown venue `kraken` (known: {})",
            known.join(", ")
        )),
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

/// A copy of the fixtures folder to break.
fn copy_fixtures(name: &str) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy(&path, &target);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    let to = std::env::temp_dir().join(format!("conformance-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&to);
    copy(&conformance::fixtures::default_dir(), &to);
    to
}

#[test]
fn check_counts_fixtures_and_fails_on_a_drifted_or_missing_one() {
    let (_, out, _) = conformance(&["check", "--venue", "p99"]);
    let row = out
        .lines()
        .find(|l| l.trim_start().starts_with("query_order"))
        .unwrap();
    assert!(row.contains("4/4      4/4") && row.ends_with("ok"), "{row}");

    let dir = copy_fixtures("check");
    let endpoint = dir.join("p99/query_order");
    std::fs::copy(
        endpoint.join("drift/new_state.json"),
        endpoint.join("captured.json"),
    )
    .unwrap();
    std::fs::remove_file(endpoint.join("db_error.json")).unwrap();
    let (code, out, _) = conformance(&[
        "check",
        "--venue",
        "p99",
        "--fixtures",
        dir.to_str().unwrap(),
    ]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(code, 1, "{out}");
    let row = out
        .lines()
        .find(|l| l.trim_start().starts_with("query_order"))
        .unwrap();
    assert!(
        row.contains("3/4      4/4") && row.ends_with("FAIL"),
        "{row}"
    );
    assert!(
        out.contains("p99/query_order: fixture db_error.json is missing"),
        "{out}"
    );
    assert!(
        out.contains(
            "p99/query_order: fixture captured (response): strict: unknown enum value at /status"
        ),
        "{out}"
    );
}
