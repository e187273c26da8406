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

/// `name=value` for the parameter that selects the order (the endpoint's first match), with
/// the value the docs' success example holds.
fn order_params(v: &conformance::VenueInfo, e: &conformance::EndpointInfo) -> Vec<String> {
    use generated::runtime::registry::{ExampleKind, ExampleScope};
    if e.matches.is_empty() {
        return Vec::new();
    }
    let x = e
        .examples
        .iter()
        .find(|x| x.kind == ExampleKind::Success && x.scope == ExampleScope::Body)
        .unwrap_or_else(|| panic!("{}/{}: no whole-body success example", v.id, e.id));
    let body: serde_json::Value = serde_json::from_str(x.body).unwrap();
    let payload = v.record_in(e, &body).unwrap();
    // Every parameter that selects the order, from the documented order (a query may need
    // both an id and the order's symbol): those whose field the order holds, each kept only
    // while the request still builds (one of an exactly-one-of group is enough).
    let mut params: Vec<(String, String)> = Vec::new();
    for m in e.matches {
        let value = match payload
            .pointer(m.pointer)
            .unwrap_or(&serde_json::Value::Null)
        {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        params.push((m.param.to_string(), value));
        let refs: Vec<(&str, &str)> = params
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        if let Err(generated::runtime::request::RequestError::ExactlyOneOf { .. }) =
            (e.build)(&refs)
        {
            params.pop();
        }
    }
    params
        .into_iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect()
}

/// `sign --env` prints the headers the environment adds to every request (not signed), for
/// every environment that has some.
#[test]
fn sign_prints_the_headers_an_environment_adds() {
    use generated::runtime::registry::TransportInfo;
    use generated::runtime::signing::{KeyKind, SchemeTransport};
    let mut seen = 0;
    for v in conformance::VENUES {
        let Some(endpoint) = v
            .endpoints
            .iter()
            .find(|e| matches!(e.transport, TransportInfo::Rest { .. }))
        else {
            continue;
        };
        let Some(scheme) = v
            .schemes
            .iter()
            .find(|s| s.transport == SchemeTransport::Rest && s.key == KeyKind::Hmac)
        else {
            continue;
        };
        for env in v.environments.iter().filter(|e| !e.headers.is_empty()) {
            let mut args: Vec<String> = ["sign", "--no-env", "--venue", v.id, "--endpoint"]
                .map(String::from)
                .to_vec();
            args.extend([endpoint.id.into(), "--env".into(), env.name.into()]);
            args.extend(["--scheme".into(), scheme.name.into()]);
            for p in order_params(v, endpoint) {
                args.extend(["--param".into(), p]);
            }
            for c in scheme.credentials {
                args.extend(["--credential".into(), format!("{c}=plain")]);
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, out, err) = conformance(&args);
            assert_eq!(code, 0, "{} {}: {err}", v.id, env.name);
            for (name, value) in env.headers {
                let line = format!(
                    "# environment `{}` also sends (not signed) {name}: {value}",
                    env.name
                );
                assert!(out.lines().any(|l| l == line), "{}: {out}", v.id);
            }
            seen += 1;
        }
    }
    assert!(seen >= 1, "no environment adds headers");
}

/// `sign` refuses a credential holding CR/LF (or another control character) for each venue
/// whose scheme places one in a header, naming the header and not the value: it used to print
/// the injected line as a header of its own.
#[test]
fn sign_refuses_a_control_character_in_a_header_credential() {
    use generated::runtime::registry::TransportInfo;
    use generated::runtime::request::Location;
    use generated::runtime::signing::{KeyKind, Part, SchemeTransport};
    let mut covered = Vec::new();
    for v in conformance::VENUES {
        let rest = v
            .schemes
            .iter()
            .filter(|s| s.transport == SchemeTransport::Rest);
        for s in rest {
            let in_header = s
                .add
                .iter()
                .filter(|a| a.location == Location::Header)
                .flat_map(|a| a.value.iter().map(move |p| (&*a.name, p)));
            for (header, part) in in_header {
                let Part::Credential(name) = part else {
                    continue;
                };
                // (Binance's REST scheme has no endpoint here: the library test covers it.)
                let Some(endpoint) = v
                    .endpoints
                    .iter()
                    .find(|e| e.signed && matches!(e.transport, TransportInfo::Rest { .. }))
                else {
                    continue;
                };
                let ps = order_params(v, endpoint);
                let mut args: Vec<String> = [
                    "sign",
                    "--no-env",
                    "--venue",
                    v.id,
                    "--endpoint",
                    endpoint.id,
                    "--scheme",
                    s.name,
                    "--timestamp",
                    "1700000000000",
                ]
                .map(String::from)
                .to_vec();
                for p in ps {
                    args.extend(["--param".into(), p]);
                }
                for c in s.credentials {
                    let signs = s.sign.as_ref().is_some_and(|g| g.key == *c);
                    if signs && s.key == KeyKind::Rsa {
                        // An RSA signing key must be a key: the conformance fixtures' test key.
                        let pem = format!(
                            "{}/fixtures/vectors/keys/ccxt_test_rsa2048.pem",
                            env!("CARGO_MANIFEST_DIR")
                        );
                        args.extend(["--credential-file".into(), format!("{c}={pem}")]);
                        continue;
                    }
                    let value = if c == name {
                        "key\r\nX-Evil: 1"
                    } else {
                        "plain"
                    };
                    args.extend(["--credential".into(), format!("{c}={value}")]);
                }
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let (code, out, err) = conformance(&args);
                let what = format!("{} {} {name}:\n{out}\n{err}", v.id, s.name);
                assert_ne!(code, 0, "{what}");
                assert!(!out.contains("X-Evil") && !err.contains("X-Evil"), "{what}");
                assert!(
                    err.contains(&format!("header `{header}`"))
                        && err.contains("control character"),
                    "{what}"
                );
                covered.push(v.id);
            }
        }
    }
    assert!(
        covered.contains(&"bitmart") && covered.contains(&"p99"),
        "{covered:?}"
    );
}

/// Deribit's private methods go on a connection logged on with `public/auth`: `sign` shows the
/// frame as a client sends it (the docs' JS example: only `order_id`), and the log-on frame
/// signed over `timestamp + "\n" + nonce + "\n" + data` with the nonce it sends.
#[test]
fn sign_shows_a_session_request_and_its_logon() {
    let creds = [
        "--credential",
        "client_id=AMANDA",
        "--credential",
        "client_secret=AMANDASECRECT",
    ];
    let mut args = vec!["sign", "--no-env", "--venue", "deribit", "--endpoint"];
    args.extend(["get_order_state", "--param", "order_id=ETH-331562"]);
    args.extend(creds);
    let (code, out, err) = conformance(&args);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("# deribit get_order_state via scheme `ws_session`\n# on a connection logged on first with `public_auth`"), "{out}");
    let frame: serde_json::Value = serde_json::from_str(&out[out.find('{').unwrap()..]).unwrap();
    assert_eq!(frame["jsonrpc"], "2.0");
    assert_eq!(
        frame["params"],
        serde_json::json!({ "order_id": "ETH-331562" })
    );

    let mut args = vec!["sign", "--no-env", "--venue", "deribit", "--endpoint"];
    args.extend(["public_auth", "--timestamp", "1576074319000"]);
    args.extend(creds);
    let (code, out, err) = conformance(&args);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("# deribit public_auth via scheme `ws_signature`\n"),
        "{out}"
    );
    let frame: serde_json::Value = serde_json::from_str(&out[out.find('{').unwrap()..]).unwrap();
    let p = &frame["params"];
    assert_eq!(p["grant_type"], "client_signature");
    assert_eq!(p["client_id"], "AMANDA");
    assert_eq!(p["timestamp"], 1576074319000_i64);
    let nonce = p["nonce"].as_str().unwrap();
    assert!(
        nonce.len() == 8 && nonce.bytes().all(|b| b.is_ascii_hexdigit()),
        "{nonce}"
    );
    let to_sign = format!("# string to sign: \"1576074319000\\n{nonce}\\n\"\n");
    assert!(out.contains(&to_sign), "{out}");
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
