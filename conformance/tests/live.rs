//! `conformance check --live` against the embedded mock venue (CI has no network): real
//! requests through the generated client, credentials from the environment, each answer
//! judged; a request that cannot be sent fails the check.

use std::process::Command;

use conformance::mock::{MockConfig, MockVenue};

#[test]
fn live_check_judges_real_answers_and_fails_on_a_dead_venue() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mock = rt
        .block_on(MockVenue::start(MockConfig {
            venues: vec!["htx".into(), "p99".into()],
            ..Default::default()
        }))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let params = dir.path().join("live.json");
    std::fs::write(
        &params,
        r#"{"htx/get_client_order": {"clientOrderId": "23456"},
            "p99/query_order": {"id": "00000000-0000-0000-0000-000000000001"}}"#,
    )
    .unwrap();
    // The credentials the mock accepts, as the environment variables a user would set.
    let mut env = Vec::new();
    for venue in ["htx", "p99"] {
        let info = conformance::VENUES.iter().find(|v| v.id == venue).unwrap();
        let creds = mock.credentials(venue).unwrap();
        for c in info.credentials {
            if let Some(v) = creds.get(c.name) {
                env.push((c.env.to_string(), v.to_string()));
            }
        }
    }
    let run = |htx_url: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_conformance"))
            .args([
                "check",
                "--venue",
                "htx",
                "--venue",
                "p99",
                "--live",
                "--live-params",
            ])
            .arg(&params)
            .arg("--base-url")
            .arg(format!("htx={htx_url}"))
            .arg("--base-url")
            .arg(format!("p99={}", mock.rest_base("p99").unwrap()))
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };

    let (code, out) = run(mock.rest_base("htx").unwrap());
    assert_eq!(code, 0, "{out}");
    assert!(line(&out, "get_client_order").contains("HTTP 200"), "{out}");
    assert!(line(&out, "get_client_order").ends_with("valid"), "{out}");
    // An unknown order: the venue's documented error body, judged valid as an error body.
    assert!(line(&out, "query_order").contains("HTTP 404"), "{out}");
    assert!(out.contains("live: 2/2 answers valid"), "{out}");
    assert!(
        !out.contains("mock venue (embedded"),
        "live replaces the mock round trips"
    );

    // Nothing listens there: the row fails and so does the check.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let (code, out) = run(&dead_url);
    assert_eq!(code, 1, "{out}");
    assert!(line(&out, "get_client_order").contains("FAILED"), "{out}");
    assert!(out.contains("live: 1/2 answers valid"), "{out}");
    rt.block_on(mock.shutdown());
}

/// The live table's row of `endpoint`.
fn line(out: &str, endpoint: &str) -> String {
    out.lines()
        .find(|l| l.contains(endpoint) && (l.contains("HTTP") || l.contains("FAILED")))
        .unwrap_or_else(|| panic!("no live row for {endpoint}:\n{out}"))
        .to_string()
}
