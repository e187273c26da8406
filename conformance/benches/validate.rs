//! Speed of judging a response.
//!
//! - `strict/<venue>/<endpoint>`: strict validation of the docs' success body (already parsed
//!   into a `serde_json::Value`) with the compiled validator the judge uses
//!   (`conformance::judge::compiled_validator`: the strict schema with its wire-form patterns and closed-object
//!   `required` checked by hand-written keywords, accepting exactly the same bodies). Target: at
//!   most 1 µs for one order response.
//! - `strict_standard/<venue>/<endpoint>`: the same, with jsonschema's own keywords on the
//!   exported strict schema (`regex` for `pattern`), for comparison.
//! - `decode/typed` against `decode/plain*`: the generated `parse_response` of BitMart's order
//!   against a plain serde_json decode (`#[derive(Deserialize)]`) into a hand-written struct
//!   with the same fields: `plain_same_types` with the same field types (the generated open
//!   enums), `plain` with closed derived enums (one byte each, no `Unknown(String)` to keep
//!   unseen values), both read with `serde_json::from_slice`; the `_text` variants read the
//!   way `parse_response` does (the body checked as UTF-8 once, then `serde_json::from_str`).
//!   Target: typed at most 1.2x plain.
//!
//! `cargo bench -p conformance --bench validate -- --warm-up-time 2 --measurement-time 6`

use std::hint::black_box;

use conformance::judge::drift::Judge;
use conformance::judge::schema::{BodyPart, Strictness};
use criterion::{Criterion, criterion_group, criterion_main};
use generated::runtime::registry::{ExampleKind, ExampleScope};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};

/// Each endpoint's judge and docs success body.
fn success_bodies() -> Vec<(String, Judge, serde_json::Value)> {
    let mut out = Vec::new();
    for v in conformance::VENUES {
        for e in v.endpoints {
            let Some(x) = e
                .examples
                .iter()
                .find(|x| x.kind == ExampleKind::Success && x.scope == ExampleScope::Body)
            else {
                continue;
            };
            let body: serde_json::Value = serde_json::from_str(x.body).unwrap();
            out.push((format!("{}/{}", v.id, e.id), Judge::new(v, e), body));
        }
    }
    out
}

fn strict_validation(c: &mut Criterion) {
    let bodies = success_bodies();
    let mut group = c.benchmark_group("strict");
    for (name, judge, body) in &bodies {
        let validator = judge
            .fast_validator(BodyPart::Response)
            .expect("the strict schema compiles");
        assert!(validator.is_valid(body), "{name} docs example");
        group.bench_function(name.as_str(), |b| {
            b.iter(|| validator.is_valid(black_box(body)))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("strict_standard");
    for (name, judge, body) in &bodies {
        let validator = judge
            .validator(BodyPart::Response, Strictness::Strict)
            .expect("the strict schema compiles");
        assert!(validator.is_valid(body), "{name} docs example");
        group.bench_function(name.as_str(), |b| {
            b.iter(|| validator.is_valid(black_box(body)))
        });
    }
    group.finish();
}

fn u64_in_string<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
    s.parse().map_err(serde::de::Error::custom)
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct PlainEnvelope {
    code: i64,
    message: String,
    data: PlainOrder,
    trace: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Side {
    Buy,
    Sell,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum OrderMode {
    Spot,
    IsoMargin,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum OrderType {
    Limit,
    Market,
    LimitMaker,
    Ioc,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum OrderState {
    New,
    PartiallyFilled,
    Filled,
    Canceled,
    PartiallyCanceled,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum CancelSource {
    #[serde(rename = "")]
    NotCanceled,
    User,
    System,
    Stp,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StpMode {
    None,
    CancelMaker,
    CancelTaker,
    CancelBoth,
}

/// The generated enums, for a plain struct with the same field types.
mod open {
    pub use generated::bitmart::query_client_order::{
        CancelSource, OrderMode, OrderState, OrderType, Side, StpMode,
    };
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct SameTypesEnvelope {
    code: i64,
    message: String,
    data: SameTypesOrder,
    trace: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct SameTypesOrder {
    #[serde(deserialize_with = "u64_in_string")]
    order_id: u64,
    client_order_id: String,
    symbol: String,
    side: open::Side,
    order_mode: open::OrderMode,
    #[serde(rename = "type")]
    order_type: open::OrderType,
    state: open::OrderState,
    #[serde(default)]
    cancel_source: Option<open::CancelSource>,
    #[serde(default)]
    stp_mode: Option<open::StpMode>,
    price: Decimal,
    price_avg: Decimal,
    size: Decimal,
    filled_size: Decimal,
    notional: Decimal,
    filled_notional: Decimal,
    create_time: i64,
    update_time: i64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct PlainOrder {
    #[serde(deserialize_with = "u64_in_string")]
    order_id: u64,
    client_order_id: String,
    symbol: String,
    side: Side,
    order_mode: OrderMode,
    #[serde(rename = "type")]
    order_type: OrderType,
    state: OrderState,
    #[serde(default)]
    cancel_source: Option<CancelSource>,
    #[serde(default)]
    stp_mode: Option<StpMode>,
    price: Decimal,
    price_avg: Decimal,
    size: Decimal,
    filled_size: Decimal,
    notional: Decimal,
    filled_notional: Decimal,
    create_time: i64,
    update_time: i64,
}

fn decode(c: &mut Criterion) {
    let (_, e) = conformance::find("bitmart", "query_client_order").unwrap();
    let body = e
        .examples
        .iter()
        .find(|x| x.name == "docs_success")
        .unwrap()
        .body
        .as_bytes();
    // Both decode the same body, and to the same values.
    let typed = generated::bitmart::query_client_order::parse_response(body).unwrap();
    let plain: PlainEnvelope = serde_json::from_slice(body).unwrap();
    let same: SameTypesEnvelope = serde_json::from_slice(body).unwrap();
    assert_eq!(typed.data.state, same.data.state);
    assert_eq!(typed.data.order_id, plain.data.order_id);
    assert_eq!(typed.data.price, plain.data.price);
    assert_eq!(typed.data.update_time.get(), plain.data.update_time);

    let mut group = c.benchmark_group("decode");
    group.bench_function("typed", |b| {
        b.iter(|| generated::bitmart::query_client_order::parse_response(black_box(body)))
    });
    group.bench_function("plain_same_types", |b| {
        b.iter(|| serde_json::from_slice::<SameTypesEnvelope>(black_box(body)))
    });
    group.bench_function("plain", |b| {
        b.iter(|| serde_json::from_slice::<PlainEnvelope>(black_box(body)))
    });
    group.bench_function("plain_same_types_text", |b| {
        b.iter(|| {
            let text = std::str::from_utf8(black_box(body)).unwrap();
            serde_json::from_str::<SameTypesEnvelope>(text)
        })
    });
    group.bench_function("plain_text", |b| {
        b.iter(|| {
            let text = std::str::from_utf8(black_box(body)).unwrap();
            serde_json::from_str::<PlainEnvelope>(text)
        })
    });
    group.finish();
}

criterion_group!(benches, strict_validation, decode);
criterion_main!(benches);
