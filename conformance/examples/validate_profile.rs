//! A driver for instruction counts of strict validation, steadier than wall-clock time on a
//! busy machine: it validates one endpoint's docs success body `n` times with the judge's fast
//! validator, or with the standard one (`--standard`).
//!
//! ```text
//! cargo build --release -p conformance --example validate_profile
//! valgrind --tool=callgrind target/release/examples/validate_profile bitmart query_client_order 0
//! valgrind --tool=callgrind target/release/examples/validate_profile bitmart query_client_order 10000
//! ```
//!
//! The difference between the two totals, divided by 10,000, is the count per validation.

use conformance::judge::drift::Judge;
use conformance::judge::schema::{BodyPart, Strictness};
use generated::runtime::registry::{ExampleKind, ExampleScope};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let standard = args.iter().any(|a| a == "--standard");
    let args: Vec<&str> = args
        .iter()
        .filter(|a| *a != "--standard")
        .map(String::as_str)
        .collect();
    let [venue, endpoint, n] = args[..] else {
        eprintln!("usage: validate_profile <venue> <endpoint> <n> [--standard]");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("n is a count");
    let (v, e) = conformance::find(venue, endpoint).expect("a generated endpoint");
    let x = e
        .examples
        .iter()
        .find(|x| x.kind == ExampleKind::Success && x.scope == ExampleScope::Body)
        .expect("a docs success body");
    let body: serde_json::Value = serde_json::from_str(x.body).expect("JSON");
    let judge = Judge::new(v, e);
    let fast = judge.fast_validator(BodyPart::Response).expect("compiles");
    let strict = judge
        .validator(BodyPart::Response, Strictness::Strict)
        .expect("compiles");
    let mut valid = 0usize;
    for _ in 0..n {
        let body = std::hint::black_box(&body);
        valid += usize::from(if standard {
            strict.is_valid(body)
        } else {
            fast.is_valid(body)
        });
    }
    assert_eq!(valid, n, "the docs example is valid");
}
