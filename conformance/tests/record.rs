//! `conformance record` against the embedded mock venue: the answer is written as a fixture,
//! account identifiers the spec marks `scrub` are replaced, and no credential reaches the file.

use std::collections::BTreeMap;

use conformance::cmd::query::QueryArgs;
use conformance::cmd::record::{RecordError, RecordTarget, record};
use conformance::mock::{MockConfig, MockCredentials, MockHandle, MockVenue};
use serde_json::Value;

fn venue(id: &str) -> &'static conformance::VenueInfo {
    conformance::VENUES.iter().find(|v| v.id == id).unwrap()
}

/// `name=value` credential arguments for every credential the mock accepts for `venue`.
fn credential_args(creds: &MockCredentials) -> Vec<String> {
    creds
        .iter()
        .filter(|(_, c)| c.file.is_none())
        .map(|(n, c)| format!("{n}={}", c.value.expose()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_scrubbed_fixtures_with_no_credential_in_them() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let htx = venue("htx");
    let htx_creds = MockCredentials::defaults(htx);
    let mock = MockVenue::start(MockConfig {
        venues: vec!["htx".into(), "p99".into()],
        credentials: BTreeMap::from([("htx".to_string(), htx_creds.clone())]),
        ..Default::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    records_htx(&mock, &htx_creds, dir.path()).await;
    records_p99_errors(&mock, dir.path()).await;
    mock.shutdown().await;
}

/// Where `record` writes the fixture `name` under `dir`.
fn record_target(dir: &std::path::Path, name: &str) -> RecordTarget {
    RecordTarget {
        root: dir.to_owned(),
        name: name.to_owned(),
    }
}

/// HTX: a key too short to scrub is refused before sending; a success is written with its
/// account id scrubbed and no credential in it.
async fn records_htx(mock: &MockHandle, htx_creds: &MockCredentials, dir: &std::path::Path) {
    let htx = venue("htx");
    let target = |name: &str| record_target(dir, name);
    // An API key too short for the scrubber to find reliably (the docs' client order id,
    // which the answer contains) is refused by name before anything is sent.
    let mut short = htx_creds.clone();
    short.set("api_key", "23456", false);
    let args = QueryArgs {
        params: vec![("clientOrderId".into(), "23456".into())],
        credentials: credential_args(&short),
        base_url: mock.rest_base("htx").map(str::to_owned),
        ..Default::default()
    };
    let e = htx.endpoint("get_client_order").unwrap();
    let err = record(htx, e, &args, &target("short")).await.unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, RecordError::Usage(_)), "{msg}");
    assert!(msg.contains("`api_key`") && !msg.contains("23456"), "{msg}");
    assert_eq!(err.exit_code(), 2);
    assert!(!dir.join("htx").exists(), "nothing written");

    // HTX: a success; account-id is scrubbed, nothing else touched.
    let args = QueryArgs {
        credentials: credential_args(htx_creds),
        ..args
    };
    let rec = record(htx, e, &args, &target("ok")).await.unwrap();
    assert_eq!(rec.http_status, Some(200));
    assert_eq!(rec.scrub.scrubbed, ["/data/account-id"]);
    assert_eq!(rec.scrub.redacted, 0, "no credential in the answer");
    let text = std::fs::read_to_string(&rec.path).unwrap();
    assert_eq!(rec.path, dir.join("htx/get_client_order/ok.json"));
    for (_, c) in htx_creds.iter() {
        assert!(
            !text.contains(c.value.expose()),
            "a credential reached the fixture:\n{text}"
        );
    }
    let body: Value = serde_json::from_str(&text).unwrap();
    let docs: Value = serde_json::from_str(e.examples[0].body).unwrap();
    assert_eq!(body["data"]["account-id"], 1);
    assert_eq!(body["data"]["client-order-id"], "23456");
    assert_eq!(
        body["data"]["price"], docs["data"]["price"],
        "the rest is as sent"
    );
    assert_eq!(
        rec.judgement.verdict,
        conformance::judge::drift::Verdict::Valid
    );
}

/// p99: an error answer is recorded with its status; an answer without a body is not.
async fn records_p99_errors(mock: &MockHandle, dir: &std::path::Path) {
    let target = |name: &str| record_target(dir, name);
    // p99: an error answer is recorded too, with its status.
    let p99 = venue("p99");
    let p99_creds = mock.credentials("p99").unwrap().clone();
    let args = QueryArgs {
        params: vec![("id".into(), "00000000-0000-0000-0000-000000000001".into())],
        credentials: credential_args(&p99_creds),
        base_url: mock.rest_base("p99").map(str::to_owned),
        ..Default::default()
    };
    let e = p99.endpoint("query_order").unwrap();
    let rec = record(p99, e, &args, &target("not_found")).await.unwrap();
    assert_eq!(rec.http_status, Some(404));
    assert!(
        rec.error.as_deref().unwrap().contains("not found"),
        "{:?}",
        rec.error
    );
    let body: Value = serde_json::from_str(&std::fs::read_to_string(&rec.path).unwrap()).unwrap();
    assert_eq!(body, serde_json::json!({ "error": "ORDER_NOT_FOUND" }));

    // An answer with no body (p99's 401 for a wrong secret) cannot be a fixture: a typed
    // error, nothing written.
    let mut args = args;
    args.credentials = vec![
        "api_key=mock-p99-api-key".into(),
        "secret=wrong-secret".into(),
    ];
    args.attempts = Some(1);
    let err = record(p99, e, &args, &target("auth")).await.unwrap_err();
    match &err {
        RecordError::Venue { kind, message } => {
            assert_eq!(
                *kind,
                generated::runtime::error::ErrorKind::Auth,
                "{message}"
            );
        }
        other => panic!("expected the venue's auth error, got {other}"),
    }
    assert_eq!(err.exit_code(), 1);
    assert!(!dir.join("p99/query_order/auth.json").exists());
}
