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
