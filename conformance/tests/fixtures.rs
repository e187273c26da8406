//! The fixtures under `conformance/fixtures/<venue>/<endpoint>/`: the docs' examples are
//! written out from the specs and kept identical to them; every fixture is valid under the
//! strict and the lenient schema (compiled by the jsonschema crate) and parses with the
//! generated client; the parsed value is snapshotted; and on every fixture, drifted copies
//! included, the lenient schema and the parser agree.
//!
//! After changing a spec's examples, rewrite the files with
//! `UPDATE_FIXTURES=1 cargo test -p conformance --test fixtures` and review the diff.

use conformance::VENUES;
use conformance::fixtures::{self, default_dir};
use conformance::judge::drift::{Judge, Verdict};
use conformance::judge::schema::BodyPart;
use generated::runtime::registry::ExampleScope;

#[test]
fn docs_examples_are_written_out_as_fixtures() {
    let root = default_dir();
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let mut stale = Vec::new();
    let mut count = 0;
    for v in VENUES {
        for e in v.endpoints {
            if update {
                fixtures::write_docs_examples(&root, v.id, e).unwrap();
            }
            count += e.examples.len();
            for problem in fixtures::stale_docs_examples(&root, v.id, e) {
                stale.push(format!("{}/{}: {problem}", v.id, e.id));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "{stale:#?}\nrun `UPDATE_FIXTURES=1 cargo test -p conformance --test fixtures`"
    );
    assert!(count >= 14, "only {count} examples");
}

#[test]
fn the_docs_example_fixtures_equal_the_spec_examples_as_json() {
    // Independent of the rendering: the file parses to the very value the spec holds.
    for v in VENUES {
        for e in v.endpoints {
            for x in e.examples {
                let path = fixtures::endpoint_dir(&default_dir(), v.id, e.id)
                    .join(format!("{}.json", x.name));
                let file: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
                let spec: serde_json::Value = serde_json::from_str(x.body).unwrap();
                assert_eq!(file, spec, "{}", path.display());
            }
        }
    }
}

#[test]
fn every_fixture_is_valid_strict_and_lenient_and_parses() {
    let root = default_dir();
    let mut seen = 0;
    let mut orders = 0;
    for v in VENUES {
        for e in v.endpoints {
            let judge = Judge::new(v, e);
            let files = fixtures::list(&root, v.id, e).unwrap();
            assert!(
                files.len() >= e.examples.len(),
                "{}/{}: {files:?}",
                v.id,
                e.id
            );
            for c in fixtures::check(&judge, files).unwrap() {
                seen += 1;
                assert!(c.problems().is_empty(), "{:#?}", c.problems());
                let j = &c.judgement;
                assert_eq!(j.verdict, Verdict::Valid);
                assert!(j.strict && j.lenient);
                let parsed = j.parsed.as_ref().unwrap();
                insta::assert_snapshot!(
                    format!("parsed__{}__{}__{}", v.id, e.id, c.fixture.name),
                    format!("{parsed:#?}")
                );
                // A success of an order endpoint: its unified Order too.
                let scope = match j.part {
                    BodyPart::Response => Some(ExampleScope::Body),
                    BodyPart::Payload => Some(ExampleScope::Payload),
                    BodyPart::Error => None,
                };
                if let (Some(to_order), Some(scope)) = (e.to_order, scope) {
                    let raw = std::fs::read(&c.fixture.path).unwrap();
                    let order = to_order(scope, &raw).unwrap().unwrap();
                    orders += 1;
                    insta::assert_snapshot!(
                        format!("order__{}__{}__{}", v.id, e.id, c.fixture.name),
                        serde_json::to_string_pretty(&order).unwrap()
                    );
                }
            }
        }
    }
    assert!(seen >= 14, "{seen}");
    assert!(orders >= 5, "success fixtures of order endpoints: {orders}");
}

#[test]
fn the_lenient_schema_and_the_parser_agree_on_every_fixture() {
    let root = default_dir();
    let mut seen = 0;
    for v in VENUES {
        for e in v.endpoints {
            let judge = Judge::new(v, e);
            let mut files = fixtures::list(&root, v.id, e).unwrap();
            files.extend(fixtures::list_drift(&root, v.id, e).unwrap());
            for c in fixtures::check(&judge, files).unwrap() {
                seen += 1;
                assert!(
                    c.agrees(),
                    "{}: lenient {} but parse {:?}",
                    c.fixture.path.display(),
                    c.judgement.lenient,
                    c.judgement.parsed.as_ref().err()
                );
            }
        }
    }
    assert!(seen >= 20, "{seen}");
}
