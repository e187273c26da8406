//! The derived JSON Schemas: exported to `conformance/schemas/` (kept current here), snapshotted
//! with insta (a spec change shows up as a reviewed schema diff), valid draft 2020-12, and
//! strict where the docs promise it.
//!
//! After a spec or generator change, rewrite the exported files with
//! `UPDATE_SCHEMAS=1 cargo test -p conformance --test schemas` and the snapshots with
//! `INSTA_UPDATE=always cargo test -p conformance --test schemas`, then review the diff.

use std::collections::BTreeSet;
use std::path::PathBuf;

use conformance::VENUES;
use conformance::judge::schema::{self, BodyPart, Strictness, export_dir, exports, to_strict};
use serde_json::{Value, json};

#[test]
fn exported_schemas_are_current() {
    let dir = export_dir();
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    let files = exports(VENUES);
    let mut stale = Vec::new();
    for (rel, text) in &files {
        let path = dir.join(rel);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_ref() != Some(text) {
            stale.push(path.display().to_string());
        }
    }
    // Nothing else in the folder: a removed endpoint's schemas go too.
    let wanted: BTreeSet<PathBuf> = files.iter().map(|(rel, _)| rel.clone()).collect();
    for venue in std::fs::read_dir(&dir).unwrap() {
        let venue = venue.unwrap().path();
        for f in std::fs::read_dir(&venue).unwrap() {
            let f = f.unwrap().path();
            let rel = f.strip_prefix(&dir).unwrap().to_path_buf();
            if !wanted.contains(&rel) {
                if update {
                    std::fs::remove_file(&f).unwrap();
                } else {
                    stale.push(format!("{} (not derived from any spec)", f.display()));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "out of date: {stale:#?}\nrun `UPDATE_SCHEMAS=1 cargo test -p conformance --test schemas`"
    );
    // Two per endpoint, two per venue.
    let endpoints: usize = VENUES.iter().map(|v| v.endpoints.len()).sum();
    assert_eq!(files.len(), 2 * endpoints + 2 * VENUES.len());
}

#[test]
fn every_schema_is_snapshotted() {
    for (rel, text) in exports(VENUES) {
        let name = rel
            .to_string_lossy()
            .trim_end_matches(".schema.json")
            .replace(['/', '.'], "__");
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn every_schema_is_draft_2020_12_and_compiles() {
    for v in VENUES {
        for e in v.endpoints {
            for part in BodyPart::ALL {
                for s in [Strictness::Lenient, Strictness::Strict] {
                    let schema = schema::schema(e, part, s);
                    assert_eq!(
                        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
                        "{}/{}",
                        v.id, e.id
                    );
                    jsonschema::meta::validate(&schema).unwrap_or_else(|err| {
                        panic!("{}/{} {part} {}: {err}", v.id, e.id, s.as_str())
                    });
                    schema::compile(&schema).unwrap();
                }
            }
        }
    }
}

/// Every object schema under `v` (by structure: properties, $defs, items, prefixItems,
/// anyOf), and every positional record (an array with `prefixItems`).
fn objects<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    let Some(m) = v.as_object() else { return };
    if m.contains_key("properties") || m.contains_key("prefixItems") {
        out.push(v);
    }
    if let Some(elements) = m.get("prefixItems").and_then(Value::as_array) {
        elements.iter().for_each(|c| objects(c, out));
    }
    for key in ["properties", "$defs"] {
        if let Some(children) = m.get(key).and_then(Value::as_object) {
            children.values().for_each(|c| objects(c, out));
        }
    }
    if let Some(items) = m.get("items") {
        objects(items, out);
    }
    if let Some(branches) = m.get("anyOf").and_then(Value::as_array) {
        branches.iter().for_each(|b| objects(b, out));
    }
}

#[test]
fn strict_schemas_close_every_object_and_keep_no_annotation_markers() {
    for v in VENUES {
        for e in v.endpoints {
            for part in BodyPart::ALL {
                let strict = schema::schema(e, part, Strictness::Strict);
                let lenient = schema::schema(e, part, Strictness::Lenient);
                let mut found = Vec::new();
                objects(&strict, &mut found);
                assert!(!found.is_empty());
                // A positional record admits no other element; an object no other member
                // unless the spec types its unlisted members (`additional`).
                let (records, found): (Vec<_>, Vec<_>) = found
                    .into_iter()
                    .partition(|o| o.get("prefixItems").is_some());
                for o in records {
                    assert_eq!(o["items"], false, "{}/{}: {o}", v.id, e.id);
                }
                let mut lenient_objects = Vec::new();
                objects(&lenient, &mut lenient_objects);
                // Objects whose unlisted members the spec types (`additional`) keep them: any
                // value leniently, a value of that type strictly; every other object is
                // closed to its members.
                let typed = lenient_objects
                    .iter()
                    .filter(|o| o.get("x-additional").is_some())
                    .count();
                let open = found
                    .iter()
                    .filter(|o| o["additionalProperties"] != false)
                    .inspect(|o| assert!(o["additionalProperties"].is_object(), "{o}"))
                    .count();
                assert_eq!(open, typed, "{}/{}", v.id, e.id);
                for o in lenient_objects {
                    if o.get("prefixItems").is_some() {
                        assert!(o.get("items").is_none(), "{}/{}", v.id, e.id);
                        continue;
                    }
                    let extra = o.get("additionalProperties");
                    if o.get("x-additional").is_some() {
                        assert_eq!(extra, Some(&Value::Bool(true)), "{}/{}", v.id, e.id);
                    } else {
                        assert!(extra.is_none(), "{}/{}", v.id, e.id);
                    }
                }
                let text = strict.to_string();
                for marker in [
                    "x-enum",
                    "x-strict",
                    "x-required",
                    "x-nullable",
                    "x-additional",
                ] {
                    assert!(!text.contains(marker), "{}/{}: {marker} left", v.id, e.id);
                }
            }
        }
    }
}

#[test]
fn strict_closes_enums_requires_nullable_members_and_forbids_null_on_optional_ones() {
    let (_, p99) = conformance::find("p99", "query_order").unwrap();
    let lenient = schema::schema(p99, BodyPart::Response, Strictness::Lenient);
    let strict = schema::schema(p99, BodyPart::Response, Strictness::Strict);
    // p99 sends the order unwrapped: it is the root.
    let (order, lenient_order) = (&strict, &lenient);
    // `quote_quantity` and `reject_reason` are nullable, always sent: required when strict,
    // not when lenient (the client reads a missing one as None).
    for m in ["quote_quantity", "reject_reason"] {
        let listed = |o: &Value| o["required"].as_array().unwrap().contains(&json!(m));
        assert!(listed(order), "{m}");
        assert!(!listed(lenient_order), "{m}");
    }
    assert_eq!(
        strict["$defs"]["OrderStatus"]["enum"],
        json!(["new", "partially_filled", "filled", "canceled", "rejected"])
    );
    assert!(lenient["$defs"]["OrderStatus"].get("enum").is_none());

    // BitMart `stpMode` is optional, not nullable: lenient allows null (serde reads it as
    // absent), strict does not.
    let (_, bm) = conformance::find("bitmart", "query_client_order").unwrap();
    let lenient = schema::schema(bm, BodyPart::Response, Strictness::Lenient);
    let strict = schema::schema(bm, BodyPart::Response, Strictness::Strict);
    let stp = |s: &Value| s["$defs"]["Order"]["properties"]["stpMode"].clone();
    assert!(
        stp(&lenient)["anyOf"]
            .as_array()
            .unwrap()
            .contains(&json!({"type": "null"}))
    );
    assert_eq!(stp(&strict)["$ref"], "#/$defs/StpMode");
    assert!(stp(&strict).get("anyOf").is_none());
}

#[test]
fn to_strict_reads_only_schema_positions() {
    // A member literally named `x-enum` or `properties` is data, not a keyword.
    let mut s = json!({
        "type": "object",
        "properties": {
            "x-enum": { "type": "string", "x-enum": ["a"] },
            "properties": { "type": "string" }
        },
        "required": ["properties"]
    });
    to_strict(&mut s);
    assert_eq!(
        s,
        json!({
            "type": "object",
            "properties": {
                "x-enum": { "type": "string", "enum": ["a"] },
                "properties": { "type": "string" }
            },
            "required": ["properties"],
            "additionalProperties": false
        })
    );
}

/// Bitstamp's transactions carry one amount per currency, named at run time (`additional`):
/// the parser keeps any such member (a number too), the strict schema wants a decimal string,
/// and the listed members stay typed.
#[test]
fn typed_additional_members_are_kept_and_checked_strictly() {
    let (_, e) = conformance::find("bitstamp", "order_status").unwrap();
    let strict = schema::schema(e, BodyPart::Response, Strictness::Strict);
    let lenient = schema::schema(e, BodyPart::Response, Strictness::Lenient);
    let strict = jsonschema::validator_for(&strict).unwrap();
    let lenient = jsonschema::validator_for(&lenient).unwrap();
    let body = |eth: Value| {
        json!({"status": "Finished", "id": 1, "amount_remaining": "0", "transactions": [
            {"tid": 2, "price": "4451.25", "fee": "0.11", "datetime": "2021-11-25 12:59:59",
             "type": 2, "eth": eth, "usdt": "22.25"}]})
    };
    let good = body(json!("0.005"));
    assert!(strict.is_valid(&good) && lenient.is_valid(&good));
    let number = body(json!(0.005));
    assert!(
        !strict.is_valid(&number),
        "an amount as a JSON number is drift"
    );
    assert!(lenient.is_valid(&number));
    let parsed =
        generated::bitstamp::order_status::parse_response(number.to_string().as_bytes()).unwrap();
    let t = &parsed.transactions[0];
    assert_eq!(t.price.to_string(), "4451.25");
    assert_eq!(t.amounts["eth"], json!(0.005));
    assert_eq!(t.amounts["usdt"], json!("22.25"));
    assert_eq!(t.amounts.len(), 2);
}
