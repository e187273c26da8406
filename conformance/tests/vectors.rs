//! Every official signing vector passes through the generated signers (see
//! `conformance::check::vectors`), and the embedded copies match `../shared/vectors`.

use conformance::check::vectors::{FILES, KEYS, run_all};

#[test]
fn every_vector_passes() {
    let results = run_all();
    let failed: Vec<_> = results.iter().filter(|r| r.outcome.is_err()).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    // Every file contributed, and every venue has at least one vector checked by signature.
    for (venue, _, _) in FILES {
        assert!(
            results.iter().any(|r| r.venue == *venue),
            "no vector ran for {venue}"
        );
    }
    for venue in ["bitmart", "htx", "binance_usdm", "p99", "primitives"] {
        assert!(
            results
                .iter()
                .any(|r| r.venue == venue && r.checked.contains("signature")),
            "no signature checked for {venue}"
        );
    }
    assert_eq!(results.len(), 16, "{results:#?}");
}

#[test]
fn embedded_copies_match_the_shared_vectors() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors");
    if !shared.is_dir() {
        eprintln!("{} not found; nothing to compare", shared.display());
        return;
    }
    for (_, file, text) in FILES {
        let on_disk = std::fs::read_to_string(shared.join(file)).unwrap();
        assert!(
            on_disk == *text,
            "conformance/fixtures/vectors/{file} differs from {}",
            shared.join(file).display()
        );
    }
    for (file, text) in KEYS {
        let on_disk = std::fs::read_to_string(shared.join(file)).unwrap();
        assert!(
            on_disk == *text,
            "conformance/fixtures/vectors/{file} differs"
        );
    }
}
