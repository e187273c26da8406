//! Spec errors of positional records, array parameters and the order map's `before`,
//! `sign_of`, `abs` and `abs_difference`: each case breaks one thing of a valid spec and
//! asserts the report (file, line, field path, message), never a panic.

mod support;

const VENUE: &str = "\
venue: v
name: V
environments:
  production:
    rest: https://example.test
errors:
  positional: true
  body:
    E: { type: string, rust: e }
    CODE: { type: i64, rust: code }
    MSG: { type: string, rust: msg }
  discriminator: { pointer: /0, equals: error }
  code: /1
  message: /2
  template: [\"error\", \"{code}\", \"{message}\"]
signing:
  summary: none
";

/// A valid endpoint with a positional list payload; every case edits one line of it.
const ENDPOINT: &str = "\
endpoint: e
name: E
summary: Fetch orders.
transport:
  rest:
    method: POST
    path: /orders
request:
  params:
    id:
      type: array
      items: u64
      in: body
      matches: ID
response:
  name: Order
  shape: list
  record: first
  positional: true
  doc: An order.
  fields:
    ID: { type: u64, rust: id }
    AMOUNT: { type: decimal_number, rust: amount }
    AMOUNT_ORIG: { type: decimal_number, rust: amount_orig }
    STATUS: { type: string, rust: status }
    _PH: { type: json, rust: ph, nullable: true }
order:
  order_id: ID
  symbol: STATUS
  side: { sign_of: AMOUNT_ORIG }
  status: { field: STATUS, before: [\" @\"], map: { ACTIVE: open } }
  quantity: { abs: AMOUNT_ORIG }
  filled_quantity: { abs_difference: [AMOUNT_ORIG, AMOUNT] }
";

fn endpoint_errors(from: &str, to: &str) -> Vec<String> {
    assert!(ENDPOINT.contains(from), "case does not apply: {from:?}");
    support::load_errors(VENUE, &ENDPOINT.replacen(from, to, 1))
}

fn venue_errors(from: &str, to: &str) -> Vec<String> {
    assert!(VENUE.contains(from), "case does not apply: {from:?}");
    support::load_errors(&VENUE.replacen(from, to, 1), ENDPOINT)
}

#[test]
fn the_base_case_is_valid() {
    assert_eq!(support::load_errors(VENUE, ENDPOINT), Vec::<String>::new());
}

#[test]
fn a_positional_element_is_never_optional_nor_a_u64_string() {
    let errs = endpoint_errors(
        "    _PH: { type: json, rust: ph, nullable: true }",
        "    _PH: { type: json, rust: ph, optional: true }",
    );
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:26:34: response.fields._PH.optional: a positional record's element is always sent (use `nullable` for `null`)"
        ]
    );
    let errs = endpoint_errors(
        "    ID: { type: u64, rust: id }",
        "    ID: { type: u64_string, rust: id }",
    );
    assert!(
        errs.iter().any(|e| e.ends_with(
            "response.fields.ID.type: u64_string is not supported in a positional record"
        )),
        "{errs:?}"
    );
}

#[test]
fn positional_error_pointers_name_an_index_and_the_template_is_an_array() {
    let errs = venue_errors("  code: /1\n", "  code: /CODE\n");
    assert_eq!(
        errs,
        [
            "specs/v/venue.yaml:13:3: errors.code: JSON pointer `/CODE` must start with an element index below 3"
        ]
    );
    let errs = venue_errors("pointer: /0,", "pointer: /3,");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].contains("errors.discriminator.pointer: JSON pointer `/3`"),
        "{errs:?}"
    );
    let errs = venue_errors(
        "  template: [\"error\", \"{code}\", \"{message}\"]",
        "  template: { \"code\": \"{code}\" }",
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].ends_with("errors.template: the error template of a positional body must be a JSON array of its 3 elements"),
        "{errs:?}"
    );
}

#[test]
fn an_array_parameter_needs_scalar_items_and_items_need_an_array() {
    let errs = endpoint_errors("      items: u64\n", "      items: bool\n");
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:12:7: request.params.id.items: an array parameter needs `items`: i64, u64 or string"
        ]
    );
    let errs = endpoint_errors("      type: array\n", "      type: u64\n");
    assert!(
        errs.iter()
            .any(|e| e.ends_with("request.params.id.items: `items` is only for array parameters")),
        "{errs:?}"
    );
}

#[test]
fn order_sources_read_decimals_and_before_cuts_only_strings() {
    let errs = endpoint_errors(
        "side: { sign_of: AMOUNT_ORIG }",
        "side: { sign_of: STATUS }",
    );
    assert!(
        errs.iter()
            .any(|e| e.contains("order.side.sign_of: `STATUS` is string")),
        "{errs:?}"
    );
    let errs = endpoint_errors("quantity: { abs: AMOUNT_ORIG }", "quantity: { abs: _PH }");
    assert!(
        errs.iter()
            .any(|e| e.contains("order.quantity.abs: `_PH` is json")),
        "{errs:?}"
    );
    let errs = endpoint_errors(
        "filled_quantity: { abs_difference: [AMOUNT_ORIG, AMOUNT] }",
        "filled_quantity: { abs_difference: [AMOUNT_ORIG, NOPE] }",
    );
    assert!(
        errs.iter()
            .any(|e| e.contains("the payload has no field `NOPE`")),
        "{errs:?}"
    );
    let errs = endpoint_errors("before: [\" @\"]", "before: [\"\"]");
    assert!(
        errs.iter()
            .any(|e| e.ends_with("order.status.before: a separator is empty")),
        "{errs:?}"
    );
}
