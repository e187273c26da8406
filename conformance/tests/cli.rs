//! The `conformance` binary as a user runs it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn conformance(args: &[&str]) -> (i32, String, String) {
    conformance_with_stdin(args, None)
}

fn conformance_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        input.write_all(bytes).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
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

fn fixture(venue: &str, endpoint: &str, file: &str) -> String {
    conformance::fixtures::endpoint_dir(&conformance::fixtures::default_dir(), venue, endpoint)
        .join(file)
        .display()
        .to_string()
}

#[test]
fn validate_says_valid_for_a_docs_example() {
    let file = fixture("bitmart", "query_client_order", "docs_success.json");
    let (code, out, err) = conformance(&[
        "validate",
        "--venue",
        "bitmart",
        "--endpoint",
        "query_client_order",
        &file,
    ]);
    assert_eq!(
        (code, out, err),
        (0, format!("{file}: valid (response)\n"), String::new())
    );
}

#[test]
fn validate_exit_codes_follow_the_worst_verdict() {
    let args = ["validate", "--venue", "p99", "--endpoint", "query_order"];
    let valid = fixture("p99", "query_order", "docs_success.json");
    let error = fixture("p99", "query_order", "not_found.json");
    let drift = fixture("p99", "query_order", "drift/new_state.json");
    let invalid = fixture("p99", "query_order", "drift/number_for_string.json");
    let run = |files: &[&str]| {
        let mut a: Vec<&str> = args.to_vec();
        a.extend(files);
        conformance(&a)
    };
    let (code, out, _) = run(&[&valid, &error]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("{error}: valid (error)")), "{out}");
    let (code, out, _) = run(&[&valid, &drift]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "{drift}: drift (response)\n  /status  unknown enum value: \"expired\""
        )),
        "{out}"
    );
    let (code, out, _) = run(&[&drift, &invalid, &valid]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains(&format!("{invalid}: invalid (response)\n  /quantity  wrong type: expected a decimal in a string, got integer 100\n  the client cannot parse it: invalid type: integer `100`")), "{out}");
    // Three reports, in the order given.
    let heads: Vec<&str> = out.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(heads.len(), 3, "{out}");
    assert!(heads[2].starts_with(&valid));
}

#[test]
fn validate_reads_standard_input_and_takes_a_body_part() {
    let body = br#"{"error": "ORDER_NOT_FOUND", "retryAfter": 5}"#;
    let (code, out, _) = conformance_with_stdin(
        &["validate", "--venue", "p99", "--endpoint", "query_order"],
        Some(body),
    );
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out,
        "<stdin>: drift (error)\n  /retryAfter  unknown field: `retryAfter` is not in the spec (value 5)\n"
    );
    // Judged as a response instead, the same body cannot be parsed.
    let (code, out, _) = conformance_with_stdin(
        &[
            "validate",
            "--venue",
            "p99",
            "--endpoint",
            "query_order",
            "--body",
            "response",
            "-",
        ],
        Some(body),
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.starts_with("<stdin>: invalid (response)\n"), "{out}");
    // The docs show Binance's payload alone on one page.
    let payload = std::fs::read(fixture(
        "binance_usdm",
        "order_status",
        "docs_success_zh_payload.json",
    ))
    .unwrap();
    let (code, out, _) = conformance_with_stdin(
        &[
            "validate",
            "--venue",
            "binance_usdm",
            "--endpoint",
            "order_status",
            "--body",
            "payload",
        ],
        Some(&payload),
    );
    assert_eq!((code, out.as_str()), (0, "<stdin>: valid (payload)\n"));
}

#[test]
fn validate_refuses_unknown_endpoints_and_unreadable_files() {
    let (code, _, err) =
        conformance(&["validate", "--venue", "p99", "--endpoint", "nope", "x.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown venue/endpoint `p99/nope`"), "{err}");
    let (code, _, err) = conformance(&[
        "validate",
        "--venue",
        "p99",
        "--endpoint",
        "query_order",
        "/nonexistent.json",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent.json: cannot read"), "{err}");
}

#[test]
fn schema_prints_the_exported_schemas() {
    let dir = conformance::schema::export_dir();
    for (args, file) in [
        (vec![], "bitmart/query_client_order.lenient.schema.json"),
        (
            vec!["--strict"],
            "bitmart/query_client_order.strict.schema.json",
        ),
        (
            vec!["--body", "error", "--strict"],
            "bitmart/venue.error.strict.schema.json",
        ),
    ] {
        let mut a = vec![
            "schema",
            "--venue",
            "bitmart",
            "--endpoint",
            "query_client_order",
        ];
        a.extend(args);
        let (code, out, err) = conformance(&a);
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            out,
            std::fs::read_to_string(dir.join(file)).unwrap(),
            "{file}"
        );
    }
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
