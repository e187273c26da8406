//! A malformed spec is an error naming file, line, column and field path, never a panic.
//! Each case starts from a valid endpoint spec, breaks one thing, and asserts the exact report.

#[path = "../support/mod.rs"]
mod support;

use std::fs;

use support::VENUE;

mod clock_and_fields;
mod endpoint;
mod order;
mod sessions;
mod signing;
mod venue_data;

/// A valid endpoint; every case below edits one line of it.
const ENDPOINT: &str = "\
endpoint: e
name: E
summary: Fetch an order.
transport:
  rest:
    method: GET
    path: /orders/{id}
request:
  params:
    id:
      type: uuid
      in: path
      required: true
    a:
      type: string
      in: query
    b:
      type: string
      in: query
  exactly_one_of:
    - [a, b]
response:
  fields:
    state:
      type: enum
      values: [open, closed]
      doc: The order's state.
    price:
      type: decimal
  doc: The order.
";

/// The errors of a specs folder holding venue `v` with `endpoint` as `e.yaml`.
fn errors_for(venue: &str, endpoint: &str) -> Vec<String> {
    support::load_errors(venue, endpoint)
}

fn endpoint_errors(from: &str, to: &str) -> Vec<String> {
    assert!(ENDPOINT.contains(from), "case does not apply: {from:?}");
    errors_for(VENUE, &ENDPOINT.replacen(from, to, 1))
}

/// The base venue with a signing scheme; cases edit one line of it.
const SIGNED_VENUE: &str = "\
venue: v
name: V
environments:
  production:
    rest: https://example.test
errors:
  body:
    code: { type: i64 }
  code: /code
signing:
  summary: HMAC over timestamp and body.
  credentials:
    api_key: {}
    secret: { secret: true }
  schemes:
    hmac:
      transport: rest
      key: hmac
      timestamp: ms
      add:
        - { in: header, name: X-KEY, value: [{ credential: api_key }] }
      payload: [timestamp, body]
      sign: { algorithm: hmac_sha256, key: secret, output: hex }
      place: { in: header, name: X-SIGN }
";

/// The base endpoint, signed, declaring what the scheme adds.
fn signed_endpoint() -> String {
    ENDPOINT.replacen("summary: Fetch an order.\n", "summary: Fetch an order.\nsigned: true\n", 1).replacen(
        "  exactly_one_of:\n",
        "    X-KEY: { type: string, in: header, supplied_by: signer }\n    X-SIGN: { type: string, in: header, supplied_by: signer }\n  exactly_one_of:\n",
        1,
    )
}

fn signing_errors(from: &str, to: &str) -> Vec<String> {
    assert!(SIGNED_VENUE.contains(from), "case does not apply: {from:?}");
    errors_for(&SIGNED_VENUE.replacen(from, to, 1), &signed_endpoint())
}

/// The base endpoint with an `order:` mapping appended (the payload gains id/symbol/side).
fn order_errors(order: &str) -> Vec<String> {
    let endpoint = ENDPOINT.replace(
        "    price:\n      type: decimal\n",
        "    price:\n      type: decimal\n    id:\n      type: u64\n    sym:\n      type: string\n      \
         nullable: true\n    symbol:\n      type: string\n    side:\n      type: enum\n      values: [buy, sell]\n      doc: The side.\n",
    );
    errors_for(VENUE, &format!("{endpoint}{order}"))
}

const ORDER_OK: &str = "\
order:
  order_id: id
  symbol: symbol
  side: { field: side, map: { buy: buy, sell: sell } }
  status: { field: state, map: { open: open, closed: filled } }
  price: price
";
