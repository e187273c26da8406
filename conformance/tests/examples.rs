//! Every docs example of every endpoint parses into its typed response and serialises back to
//! JSON equal to the original; every documented enum value maps to its own variant and an
//! unseen value to the fallback. And the checks do fail when they should.

use conformance::check::enums;
use conformance::check::examples::{Outcome, check};
use conformance::{VENUES, find};
use generated::runtime::registry::{EnumInfo, EnumProbe, ExampleInfo, ExampleKind, ExampleScope};

/// `(venue, endpoints)` as the folders under `specs/` hold them: a folder with a `venue.yaml`
/// per venue (named by its id), a `.yaml` file with a top-level `endpoint:` beside it per
/// endpoint (named by its id).
fn spec_folders() -> Vec<(String, Vec<String>)> {
    let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let names = |dir: &std::path::Path| {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        names
    };
    names(&specs)
        .into_iter()
        .filter(|dir| dir.join("venue.yaml").is_file())
        .map(|dir| {
            let endpoints = names(&dir)
                .into_iter()
                .filter(|f| f.extension().is_some_and(|x| x == "yaml"))
                .filter(|f| {
                    let text = std::fs::read_to_string(f).unwrap();
                    text.lines().any(|l| l.starts_with("endpoint:"))
                })
                .map(|f| f.file_stem().unwrap().to_string_lossy().into_owned())
                .collect();
            (
                dir.file_name().unwrap().to_string_lossy().into_owned(),
                endpoints,
            )
        })
        .collect()
}

#[test]
fn every_venue_folder_and_endpoint_file_is_generated() {
    let ids: Vec<(String, Vec<String>)> = VENUES
        .iter()
        .map(|v| {
            let endpoints = v.endpoints.iter().map(|e| e.id.to_string()).collect();
            (v.id.to_string(), endpoints)
        })
        .collect();
    let mut want = spec_folders();
    if cfg!(feature = "venue-copies") {
        // And each again under `<id>_copy` (see tests/copies.rs).
        let copies: Vec<_> = want
            .iter()
            .map(|(id, e)| (format!("{id}_copy"), e.clone()))
            .collect();
        want.extend(copies);
        want.sort();
    }
    assert!(want.len() >= 4, "{want:?}");
    assert_eq!(ids, want);
}

#[test]
fn every_docs_example_round_trips() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for v in VENUES {
        for e in v.endpoints {
            assert!(
                e.examples.iter().any(|x| x.kind == ExampleKind::Success),
                "{}/{} has no success example",
                v.id,
                e.id
            );
            for x in e.examples {
                checked += 1;
                let outcome = check(e, x);
                if !outcome.passed() {
                    failures.push(format!("{}/{} `{}`: {outcome}", v.id, e.id, x.name));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(checked >= 13, "only {checked} examples");
}

#[test]
fn every_documented_enum_value_has_its_own_variant() {
    let mut probes = 0;
    for v in VENUES {
        let infos = v
            .enums
            .iter()
            .chain(v.endpoints.iter().flat_map(|e| e.enums));
        for info in infos {
            let (passed, problems) = enums::check(info);
            assert!(problems.is_empty(), "{}: {problems:#?}", v.id);
            assert_eq!(passed, info.values.len() + 1);
            probes += passed;
        }
    }
    assert!(probes > 100, "{probes}");
}

/// A copy of a docs example with a hand-made change.
fn drifted(
    venue: &str,
    endpoint: &str,
    name: &str,
    edit: impl FnOnce(&mut serde_json::Value),
) -> Outcome {
    let (_, e) = find(venue, endpoint).unwrap();
    let x = e.examples.iter().find(|x| x.name == name).unwrap();
    let mut body: serde_json::Value = serde_json::from_str(x.body).unwrap();
    edit(&mut body);
    let text: &'static str = Box::leak(body.to_string().into_boxed_str());
    check(e, &ExampleInfo { body: text, ..*x })
}

#[test]
fn an_added_field_is_reported_at_its_pointer() {
    let out = drifted("bitmart", "query_client_order", "docs_success", |b| {
        b["data"]["triggerPrice"] = "1.0".into();
    });
    assert_eq!(
        out,
        Outcome::Changed {
            pointer: "/data/triggerPrice".into(),
            detail: "missing after round trip (was \"1.0\")".into()
        }
    );
}

#[test]
fn a_number_where_the_wire_has_a_decimal_string_is_refused() {
    // `decimal` is a JSON string on the wire; a number means the wire type changed. It is
    // refused (never read through f64), with the offending value in the message.
    for (number, shown) in [
        (serde_json::json!(2), "integer `2`"),
        (serde_json::json!(1.5), "floating point `1.5`"),
    ] {
        let out = drifted("htx", "get_client_order", "docs_success", |b| {
            b["data"]["price"] = number
        });
        match out {
            Outcome::DoesNotParse(msg) => assert!(msg.contains(shown), "{msg}"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn an_integer_id_sent_as_a_string_is_reported() {
    // HTX `id` is a JSON integer; a string there is drift the client refuses.
    let out = drifted("htx", "get_client_order", "docs_success", |b| {
        b["data"]["id"] = "357632718898331".into()
    });
    assert!(
        matches!(out, Outcome::DoesNotParse(ref m) if m.contains("invalid type: string")),
        "{out:?}"
    );
}

#[test]
fn a_renamed_required_field_does_not_parse() {
    let out = drifted("p99", "query_order", "docs_success", |b| {
        let m = b.as_object_mut().unwrap();
        let v = m.remove("filled_qty").unwrap();
        m.insert("filledQty".into(), v);
    });
    match out {
        Outcome::DoesNotParse(msg) => assert!(msg.contains("missing field `filled_qty`"), "{msg}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_payload_example_checked_as_a_body_fails() {
    let (_, e) = find("binance_usdm", "order_status").unwrap();
    let x = e
        .examples
        .iter()
        .find(|x| x.scope == ExampleScope::Payload)
        .unwrap();
    assert!(check(e, x).passed());
    assert!(
        !check(
            e,
            &ExampleInfo {
                scope: ExampleScope::Body,
                ..*x
            }
        )
        .passed()
    );
}

fn broken_probe(wire: &str) -> Option<EnumProbe> {
    // Maps everything to one variant, and loses unseen values.
    Some(EnumProbe {
        variant: "Same",
        wire: if wire == enums::UNSEEN {
            "x".into()
        } else {
            wire.into()
        },
    })
}

#[test]
fn the_enum_check_catches_shared_variants_and_lost_values() {
    let info = EnumInfo {
        name: "Broken",
        values: &["a", "b"],
        open: true,
        probe: broken_probe,
    };
    let (passed, problems) = enums::check(&info);
    assert_eq!(passed, 1);
    let what: Vec<_> = problems
        .iter()
        .map(|p| (p.value.as_str(), p.problem.as_str()))
        .collect();
    assert_eq!(what[0], ("b", "shares variant Same with \"a\""));
    assert_eq!(what[1].0, enums::UNSEEN);
}
