//! Every signing vector passes through the generated signers (see
//! `conformance::check::vectors`), and each venue's `specs/<venue>/vectors.yaml`, as embedded
//! in its `INFO.vectors`, holds exactly the vectors of the shared originals
//! (`../shared/vectors/<venue>.json`): every input, expected value and citation.

use std::path::{Path, PathBuf};

use conformance::check::vectors::{KEYS, PRIMITIVES, run_all};
use generated::runtime::registry::{VectorInfo, VectorKind, VectorTimestamp, VenueInfo};
use serde_json::Value;

#[test]
fn every_vector_passes() {
    let results = run_all();
    let failed: Vec<_> = results.iter().filter(|r| r.outcome.is_err()).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    for venue in ["bitmart", "htx", "binance_usdm", "p99", "primitives"] {
        assert!(
            results
                .iter()
                .any(|r| r.venue == venue && r.checked.contains("signature")),
            "no signature checked for {venue}"
        );
    }
    // Every embedded vector ran, under its venue.
    for info in generated::VENUES {
        let ran = results.iter().filter(|r| r.venue == info.id).count();
        assert_eq!(ran, info.vectors.len(), "{}", info.id);
    }
    // The seeds' 16 (copies built with `venue-copies` add their own).
    let seeds = ["bitmart", "htx", "binance_usdm", "p99", "primitives"];
    let of_seeds = results.iter().filter(|r| seeds.contains(&r.venue)).count();
    assert_eq!(of_seeds, 16, "{results:#?}");
}

/// The shared originals (`shared/vectors/` beside the checkout or one of its parents), when
/// they are there.
fn shared() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = here
        .ancestors()
        .map(|a| a.join("shared/vectors"))
        .find(|d| d.is_dir());
    if found.is_none() {
        eprintln!(
            "no shared/vectors above {}; nothing to compare",
            here.display()
        );
    }
    found
}

fn venue(id: &str) -> &'static VenueInfo {
    generated::VENUES.iter().find(|v| v.id == id).unwrap()
}

fn credential(v: &VectorInfo, name: &str) -> Option<&'static str> {
    v.credentials
        .iter()
        .find(|c| c.name == name)
        .map(|c| c.value)
}

/// The parameters a JSON vector's request carries besides those the scheme adds, as the YAML
/// gives them: `(name, JSON value)`.
fn params(v: &VectorInfo) -> Vec<(String, Value)> {
    v.params
        .iter()
        .map(|p| (p.name.to_string(), serde_json::from_str(p.value).unwrap()))
        .collect()
}

/// One JSON vector against its YAML conversion.
fn same_vector(file: &str, j: &Value, y: &VectorInfo) {
    let id = y.id;
    let kind = match j["origin"].as_str().unwrap() {
        "official_doc" => VectorKind::Official,
        "official_sdk" => VectorKind::Sdk,
        "derived" => VectorKind::Derived,
        other => panic!("{file}/{id}: origin {other}"),
    };
    assert_eq!(y.kind, kind, "{file}/{id}");
    assert_eq!(y.source, j["source"].as_str().unwrap(), "{file}/{id}");
    assert_eq!(y.verified, j["verified"].as_bool().unwrap(), "{file}/{id}");
    assert_eq!(
        y.verified,
        j["verifiable"].as_bool().unwrap(),
        "{file}/{id}"
    );
    assert_eq!(y.expect.signature, j["expected"].as_str(), "{file}/{id}");
    let sts = j["payload"].as_str().or(j["string_to_sign"].as_str());
    assert_eq!(y.expect.string_to_sign, sts, "{file}/{id}");
    assert_eq!(y.expect.body, j["body"].as_str(), "{file}/{id}");
    let url = j["final_url"].as_str().or(j["request"]["url"].as_str());
    assert_eq!(y.expect.url, url, "{file}/{id}");
    // Credentials: published secrets and keys as given; a masked secret is left out.
    let key = j["api_key"].as_str().or(j["access_key"].as_str());
    let key = key.or(j["params"]["apiKey"].as_str());
    let key = key.or(j["request"]["headers"]["X-MBX-APIKEY"].as_str());
    assert_eq!(credential(y, "api_key"), key, "{file}/{id}");
    assert_eq!(credential(y, "secret"), j["secret"].as_str(), "{file}/{id}");
    assert_eq!(credential(y, "memo"), j["memo"].as_str(), "{file}/{id}");
    if let Some(f) = j["private_key_file"].as_str() {
        let c = y.credentials.iter().find(|c| c.file == Some(f)).unwrap();
        let original = std::fs::read_to_string(shared().unwrap().join(f)).unwrap();
        assert_eq!(c.value, original, "{file}/{id}");
    }
    // WebSocket params: the caller's as given, the added ones as timestamp and key.
    if let Some(m) = j["params"].as_object() {
        let caller: Vec<_> = m
            .iter()
            .filter(|(k, _)| *k != "apiKey" && *k != "timestamp")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        assert_eq!(params(y), caller, "{file}/{id}");
        let ts = m["timestamp"].as_i64().unwrap();
        assert_eq!(y.timestamp, VectorTimestamp::Millis(ts), "{file}/{id}");
    }
    if let Some(ts) = j["timestamp"].as_str() {
        assert_eq!(y.timestamp, VectorTimestamp::Millis(ts.parse().unwrap()));
    }
}

#[test]
fn the_venues_vectors_are_the_shared_originals() {
    let Some(dir) = shared() else { return };
    for (file, id) in [
        ("bitmart.json", "bitmart"),
        ("htx.json", "htx"),
        ("binance_usdm.json", "binance_usdm"),
        ("p99.json", "p99"),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        let json = doc["vectors"].as_array().unwrap();
        let info = venue(id);
        let ids: Vec<_> = info.vectors.iter().map(|v| v.id).collect();
        let want: Vec<_> = json.iter().map(|v| v["id"].as_str().unwrap()).collect();
        assert_eq!(ids, want, "{file}");
        for (j, y) in json.iter().zip(info.vectors) {
            same_vector(file, j, y);
        }
    }
}

#[test]
fn embedded_primitives_and_keys_match_the_shared_vectors() {
    let Some(dir) = shared() else { return };
    let (file, text) = PRIMITIVES;
    assert_eq!(std::fs::read_to_string(dir.join(file)).unwrap(), text);
    for (file, text) in KEYS {
        assert_eq!(std::fs::read_to_string(dir.join(file)).unwrap(), *text);
    }
    // The Ed25519 test key the mock and the tests sign with (a venue's vectors embed their own
    // copy from `specs/<venue>/keys/`).
    let ed = "keys/rfc8032_test1_ed25519.pem";
    let fixture = conformance::fixtures::default_dir()
        .join("vectors")
        .join(ed);
    assert_eq!(
        std::fs::read_to_string(fixture).unwrap(),
        std::fs::read_to_string(dir.join(ed)).unwrap()
    );
}
