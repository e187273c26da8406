//! `validate`'s verdicts and pointers on the docs' examples and on hand-made drifted copies
//! (`conformance/fixtures/<venue>/<endpoint>/drift/*.json`): a renamed field, a new field, a
//! number where a string was, a new state, and a few more. The expectations below were written
//! by hand from the edit each file makes to a docs example.

use std::collections::BTreeSet;

use conformance::fixtures::{self, default_dir};
use conformance::judge::drift::{FindingKind, Judge, Verdict};
use conformance::judge::schema::BodyPart;
use conformance::{VENUES, find};

use FindingKind::*;

struct Expect {
    venue: &'static str,
    endpoint: &'static str,
    file: &'static str,
    verdict: Verdict,
    part: BodyPart,
    /// The drift findings, in body order.
    findings: &'static [(FindingKind, &'static str)],
}

const fn expect(
    venue: &'static str,
    endpoint: &'static str,
    file: &'static str,
    verdict: Verdict,
    part: BodyPart,
    findings: &'static [(FindingKind, &'static str)],
) -> Expect {
    Expect {
        venue,
        endpoint,
        file,
        verdict,
        part,
        findings,
    }
}

const BM: (&str, &str) = ("bitmart", "query_client_order");
const HTX: (&str, &str) = ("htx", "get_client_order");
const BN: (&str, &str) = ("binance_usdm", "order_status");
const LOGON: (&str, &str) = ("binance_usdm", "session_logon");
const P99: (&str, &str) = ("p99", "query_order");

use BodyPart::{Error as Err, Response as Resp};
use Verdict::{Drift, Invalid};

#[rustfmt::skip]
const EXPECTED: &[Expect] = &[
    // BitMart
    expect(BM.0, BM.1, "renamed_field", Invalid, Resp, &[
        (UnknownField, "/data/filled_size"),
        (MissingField, "/data/filledSize"),
    ]),
    expect(BM.0, BM.1, "new_field", Drift, Resp, &[(UnknownField, "/data/triggerPrice")]),
    expect(BM.0, BM.1, "number_for_string", Invalid, Resp, &[(WrongType, "/data/price")]),
    expect(BM.0, BM.1, "new_state", Drift, Resp, &[(UnknownEnumValue, "/data/state")]),
    // `cancelSource` is optional, not nullable: the client reads null as absent, the docs
    // never send it.
    expect(BM.0, BM.1, "null_for_optional", Drift, Resp, &[(WrongType, "/data/cancelSource")]),
    // The error body's `data` is any JSON but optional, not nullable: the client reads null
    // as absent (and would write it back absent).
    expect(BM.0, BM.1, "error_null_data", Drift, Err, &[(WrongType, "/data")]),
    // The spec's promises beyond the type: prices are never negative (`non_negative`), and a
    // client order id has at most 32 characters (`max_length`). The client parses both.
    expect(BM.0, BM.1, "negative_price", Drift, Resp, &[(Violation, "/data/price")]),
    expect(BM.0, BM.1, "overlong_client_order_id", Drift, Resp, &[
        (Violation, "/data/clientOrderId"),
    ]),
    // HTX
    expect(HTX.0, HTX.1, "renamed_field", Invalid, Resp, &[
        (UnknownField, "/data/filled-amount"),
        (MissingField, "/data/field-amount"),
    ]),
    expect(HTX.0, HTX.1, "new_field", Drift, Resp, &[(UnknownField, "/data/market-amount")]),
    expect(HTX.0, HTX.1, "number_for_string", Invalid, Resp, &[(WrongType, "/data/amount")]),
    expect(HTX.0, HTX.1, "new_state", Drift, Resp, &[(UnknownEnumValue, "/data/state")]),
    // `status: error` makes it an error body; `ts` is a timestamp, sent as a string here.
    expect(HTX.0, HTX.1, "error_string_timestamp", Invalid, Err, &[(WrongType, "/ts")]),
    expect(HTX.0, HTX.1, "negative_filled_amount", Drift, Resp, &[
        (Violation, "/data/field-amount"),
    ]),
    // 65 characters; HTX allows 64.
    expect(HTX.0, HTX.1, "overlong_client_order_id", Drift, Resp, &[
        (Violation, "/data/client-order-id"),
    ]),
    // Binance order.status
    expect(BN.0, BN.1, "renamed_field", Invalid, Resp, &[
        (UnknownField, "/result/cumQuoteQty"),
        (MissingField, "/result/cumQuote"),
    ]),
    expect(BN.0, BN.1, "new_field", Drift, Resp, &[(UnknownField, "/result/expireReason")]),
    expect(BN.0, BN.1, "number_for_string", Invalid, Resp, &[(WrongType, "/result/origQty")]),
    expect(BN.0, BN.1, "new_state", Drift, Resp, &[(UnknownEnumValue, "/result/status")]),
    expect(BN.0, BN.1, "negative_executed_qty", Drift, Resp, &[
        (Violation, "/result/executedQty"),
    ]),
    // The request id is a string, an integer or null: the client keeps any other value
    // (`Id::Other`), the strict schema refuses it.
    expect(BN.0, BN.1, "float_id", Drift, Resp, &[(WrongType, "/id")]),
    expect(BN.0, BN.1, "bool_id", Drift, Resp, &[(WrongType, "/id")]),
    expect(BN.0, BN.1, "object_id", Drift, Resp, &[(WrongType, "/id")]),
    // Binance session.logon: `authorizedSince` is nullable but always sent.
    expect(LOGON.0, LOGON.1, "missing_nullable", Drift, Resp, &[
        (MissingField, "/result/authorizedSince"),
    ]),
    expect(LOGON.0, LOGON.1, "string_for_number", Invalid, Resp, &[
        (WrongType, "/result/connectedSince"),
    ]),
    // p99 (no envelope, no success rule: the schemas tell a response from an error)
    expect(P99.0, P99.1, "renamed_field", Invalid, Resp, &[
        (UnknownField, "/filledQty"),
        (MissingField, "/filled_qty"),
    ]),
    expect(P99.0, P99.1, "new_field", Drift, Resp, &[(UnknownField, "/client_order_id")]),
    expect(P99.0, P99.1, "number_for_string", Invalid, Resp, &[(WrongType, "/quantity")]),
    expect(P99.0, P99.1, "new_state", Drift, Resp, &[(UnknownEnumValue, "/status")]),
    expect(P99.0, P99.1, "missing_nullable", Drift, Resp, &[(MissingField, "/reject_reason")]),
    expect(P99.0, P99.1, "negative_quantity", Drift, Resp, &[(Violation, "/quantity")]),
    // The client reads any UUID form; the docs show lower-case hyphenated ones.
    expect(P99.0, P99.1, "upper_case_uuid", Drift, Resp, &[(WrongType, "/id")]),
    expect(P99.0, P99.1, "error_new_field", Drift, Err, &[(UnknownField, "/code")]),
];

#[test]
fn every_drifted_copy_gets_its_verdict_and_pointers() {
    let root = default_dir();
    for x in EXPECTED {
        let (v, e) = find(x.venue, x.endpoint).unwrap();
        let path = fixtures::drift_dir(&root, x.venue, x.endpoint).join(format!("{}.json", x.file));
        let raw = std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let j = Judge::new(v, e).judge(&raw, None);
        let got: Vec<(FindingKind, &str)> =
            j.drift().map(|f| (f.kind, f.pointer.as_str())).collect();
        assert_eq!(
            (j.verdict, j.part, got.as_slice()),
            (x.verdict, x.part, x.findings),
            "{}",
            path.display()
        );
        // The verdict follows from the two checks: the client's parse and the strict schema.
        assert_eq!(
            j.parsed.is_err(),
            x.verdict == Invalid,
            "{}",
            path.display()
        );
        assert!(!j.strict, "{}", path.display());
    }
}

#[test]
fn every_drift_file_has_an_expectation() {
    let root = default_dir();
    let expected: BTreeSet<(&str, &str, &str)> = EXPECTED
        .iter()
        .map(|x| (x.venue, x.endpoint, x.file))
        .collect();
    let mut on_disk = BTreeSet::new();
    for v in VENUES {
        for e in v.endpoints {
            for f in fixtures::list_drift(&root, v.id, e).unwrap() {
                on_disk.insert((v.id, e.id, f.name));
            }
        }
    }
    let on_disk: BTreeSet<(&str, &str, &str)> = on_disk
        .iter()
        .map(|(v, e, n)| (*v, *e, n.as_str()))
        .collect();
    assert_eq!(on_disk, expected);
}

#[test]
fn the_docs_examples_are_valid_and_htx_shows_its_documented_errata() {
    for v in VENUES {
        for e in v.endpoints {
            let judge = Judge::new(v, e);
            for x in e.examples {
                let part = BodyPart::of_example(x.kind, x.scope);
                let j = judge.judge(x.body.as_bytes(), Some(part));
                assert_eq!(
                    j.verdict,
                    Verdict::Valid,
                    "{}/{} {}: {j:#?}",
                    v.id,
                    e.id,
                    x.name
                );
                if x.scope == generated::runtime::registry::ExampleScope::Body {
                    // Without a hint, the success rule (or the schemas) find the same part.
                    assert_eq!(
                        judge.judge(x.body.as_bytes(), None).part,
                        part,
                        "{}",
                        x.name
                    );
                }
            }
        }
    }
    // HTX's spec records four errata its docs example shows: two field types, two enum values.
    let (v, e) = find("htx", "get_client_order").unwrap();
    let x = e
        .examples
        .iter()
        .find(|x| x.name == "docs_success")
        .unwrap();
    let j = Judge::new(v, e).judge(x.body.as_bytes(), None);
    let notes: Vec<(FindingKind, &str)> = j
        .findings
        .iter()
        .map(|f| (f.kind, f.pointer.as_str()))
        .collect();
    assert_eq!(
        notes,
        [
            (ErratumObserved, "/data/symbol"),
            (ErratumObserved, "/data/created-at"),
            (ErratumObserved, "/data/type"),
            (ErratumObserved, "/data/source"),
        ]
    );
    assert!(
        j.findings[2].detail.contains("buy-limit-maker"),
        "{}",
        j.findings[2].detail
    );
}

#[test]
fn an_erratum_value_not_sent_is_not_reported() {
    // `sell-market` has no erratum; `symbol` and `created-at` still do.
    let (v, e) = find("htx", "get_client_order").unwrap();
    let x = e
        .examples
        .iter()
        .find(|x| x.name == "docs_success")
        .unwrap();
    let mut body: serde_json::Value = serde_json::from_str(x.body).unwrap();
    body["data"]["type"] = "sell-market".into();
    body["data"]["source"] = "api".into();
    let j = Judge::new(v, e).judge(body.to_string().as_bytes(), None);
    let pointers: Vec<&str> = j.findings.iter().map(|f| f.pointer.as_str()).collect();
    assert_eq!(pointers, ["/data/symbol", "/data/created-at"]);
    assert_eq!(j.verdict, Verdict::Valid);
}

#[test]
fn a_body_that_is_not_json_is_invalid() {
    let (v, e) = find("bitmart", "query_client_order").unwrap();
    let j = Judge::new(v, e).judge(b"<html>502 Bad Gateway</html>", None);
    assert_eq!(j.verdict, Verdict::Invalid);
    assert!(j.parsed.unwrap_err().starts_with("not JSON"));
}

#[test]
fn the_rendered_report_names_each_finding_at_its_pointer() {
    let root = default_dir();
    let (v, e) = find("bitmart", "query_client_order").unwrap();
    let raw = std::fs::read(fixtures::drift_dir(&root, v.id, e.id).join("new_state.json")).unwrap();
    let j = Judge::new(v, e).judge(&raw, None);
    assert_eq!(
        conformance::judge::drift::render("new_state.json", &j),
        "new_state.json: drift (response)\n  /data/state  unknown enum value: \"expired\" is not one \
         of \"new\", \"partially_filled\", \"filled\", \"canceled\", \"partially_canceled\"\n"
    );
}

#[test]
fn a_ten_megabyte_client_order_id_is_drift_with_a_short_report() {
    let (v, e) = find("bitmart", "query_client_order").unwrap();
    let x = e
        .examples
        .iter()
        .find(|x| x.name == "docs_success")
        .unwrap();
    let mut body: serde_json::Value = serde_json::from_str(x.body).unwrap();
    body["data"]["clientOrderId"] = "7".repeat(10 << 20).into();
    let j = Judge::new(v, e).judge(body.to_string().as_bytes(), None);
    assert_eq!(j.verdict, Verdict::Drift);
    let [f] = j.findings.as_slice() else {
        panic!("{:?}", j.findings)
    };
    assert_eq!(
        (f.kind, f.pointer.as_str()),
        (Violation, "/data/clientOrderId")
    );
    assert!(
        f.detail
            .starts_with("expected at most 32 characters, got 10485760: \"777"),
        "{}",
        f.detail
    );
    assert!(f.detail.len() < 120, "{}", f.detail);
}

#[test]
fn a_negative_decimal_is_named_as_such() {
    let root = default_dir();
    let (v, e) = find("p99", "query_order").unwrap();
    let raw = std::fs::read(fixtures::drift_dir(&root, v.id, e.id).join("negative_quantity.json"))
        .unwrap();
    let j = Judge::new(v, e).judge(&raw, None);
    let details: Vec<&str> = j.drift().map(|f| f.detail.as_str()).collect();
    assert_eq!(details, ["expected a non-negative decimal, got \"-100\""]);
    // The client reads it: lenient is what production parses.
    assert!(j.lenient && j.parsed.is_ok());
}
