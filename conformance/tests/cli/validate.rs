//! `conformance validate` and `conformance schema`: verdicts, exit codes, standard input, the
//! exported schemas.

use super::*;

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
    assert!(out.contains(&format!("{invalid}: invalid (response)\n  /quantity  wrong type: expected a non-negative decimal in a string, got integer 100\n  the client cannot parse it: invalid type: integer `100`")), "{out}");
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
    let dir = conformance::judge::schema::export_dir();
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

/// Deribit's `price` is a number or `"market_price"` (docs.deribit.com v2.1.1): the docs'
/// untriggered stop-market order is valid, and another text in its place is drift.
#[test]
fn validate_flags_a_price_text_the_docs_do_not_list() {
    let body = std::fs::read_to_string(fixture(
        "deribit",
        "get_order_state",
        "docs_untriggered_stop_market_payload.json",
    ))
    .unwrap();
    let args = [
        "validate",
        "--venue",
        "deribit",
        "--endpoint",
        "get_order_state",
        "--body",
        "payload",
        "-",
    ];
    let (code, out, _) = conformance_with_stdin(&args, Some(body.as_bytes()));
    assert_eq!(code, 0, "{out}");
    let other = body.replace("\"market_price\"", "\"mark_price\"");
    assert_ne!(other, body);
    let (code, out, _) = conformance_with_stdin(&args, Some(other.as_bytes()));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("/price") && out.contains("unknown enum value"),
        "{out}"
    );
}
