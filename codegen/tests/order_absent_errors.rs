//! Spec errors of the order map's `may_be_absent` (a symbol, side or type read from a field
//! the venue's answer may leave out): each case breaks one thing of a valid spec and asserts
//! the report (file, line, field path, message), never a panic.

mod support;

use support::VENUE;

/// A valid endpoint whose market and side may be absent; every case edits one line of it.
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
      type: u64
      in: path
      required: true
response:
  doc: The order.
  fields:
    id:
      type: u64
    market:
      type: string
      optional: true
    side:
      type: enum
      optional: true
      nullable: true
      values: [buy, sell]
      doc: The side.
    state:
      type: enum
      values: [open, closed]
      doc: The order's state.
    price:
      type: decimal
order:
  order_id: id
  symbol: { field: market, may_be_absent: true }
  side: { field: side, may_be_absent: true, map: { buy: buy, sell: sell } }
  type: { field: side, may_be_absent: true, map: { buy: limit, sell: market } }
  status: { field: state, map: { open: open, closed: filled } }
";

fn errors(endpoint: &str) -> Vec<String> {
    support::load_errors(VENUE, endpoint)
}

#[test]
fn members_that_may_be_absent_are_valid() {
    assert_eq!(errors(ENDPOINT), Vec::<String>::new());
}

#[test]
fn an_absent_field_without_may_be_absent_is_refused() {
    let e = ENDPOINT.replace("{ field: market, may_be_absent: true }", "market");
    assert_eq!(
        errors(&e),
        [
            "specs/v/e.yaml:36:3: order.symbol: `market` is optional, but this member needs a field that is always sent"
        ]
    );
    let e = ENDPOINT.replace(
        "{ field: side, may_be_absent: true, map: { buy: buy",
        "{ field: side, map: { buy: buy",
    );
    assert_eq!(
        errors(&e),
        [
            "specs/v/e.yaml:37:11: order.side.field: `side` is optional, but this member needs a field that is always sent"
        ]
    );
}

#[test]
fn may_be_absent_on_a_field_always_sent_is_refused() {
    let e = ENDPOINT.replace("field: market, may_be_absent", "field: id, may_be_absent");
    assert_eq!(
        errors(&e),
        [
            "specs/v/e.yaml:36:24: order.symbol.may_be_absent: `id` is always sent: leave out `may_be_absent`"
        ]
    );
}

#[test]
fn may_be_absent_false_is_refused() {
    let e = ENDPOINT.replace(
        "market, may_be_absent: true",
        "market, may_be_absent: false",
    );
    assert_eq!(
        errors(&e),
        ["specs/v/e.yaml:36:28: order.symbol.may_be_absent: `may_be_absent` is `true` or left out"]
    );
}

#[test]
fn the_order_id_and_optional_members_take_no_may_be_absent() {
    let e = ENDPOINT.replace(
        "order_id: id",
        "order_id: { field: market, may_be_absent: true }",
    );
    assert_eq!(
        errors(&e),
        ["specs/v/e.yaml:35:3: order.order_id: the order id is always sent: name one field"]
    );
    let e = format!("{ENDPOINT}  price: {{ field: price, may_be_absent: true }}\n");
    assert_eq!(
        errors(&e),
        [
            "specs/v/e.yaml:40:3: order.price: `may_be_absent` serves the symbol, side and type: this member already reads a field that may be absent; name the field"
        ]
    );
}
