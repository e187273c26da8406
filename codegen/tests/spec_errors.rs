//! A malformed spec is an error naming file, line, column and field path, never a panic.
//! Each case starts from a valid endpoint spec, breaks one thing, and asserts the exact report.

use std::fs;

const VENUE: &str = "\
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
  summary: none
";

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

/// Loads a specs folder holding venue `v` with `endpoint` as `e.yaml`; returns the errors.
fn errors_for(venue: &str, endpoint: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("specs/v");
    fs::create_dir_all(&v).unwrap();
    fs::write(v.join("venue.yaml"), venue).unwrap();
    fs::write(v.join("e.yaml"), endpoint).unwrap();
    match codegen::load(&dir.path().join("specs"), dir.path()) {
        Ok(_) => Vec::new(),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

fn endpoint_errors(from: &str, to: &str) -> Vec<String> {
    assert!(ENDPOINT.contains(from), "case does not apply: {from:?}");
    errors_for(VENUE, &ENDPOINT.replacen(from, to, 1))
}

#[test]
fn the_base_case_is_valid() {
    assert_eq!(errors_for(VENUE, ENDPOINT), Vec::<String>::new());
}

#[test]
fn yaml_syntax_error() {
    let errs = endpoint_errors(
        "      values: [open, closed]\n",
        "      values: [open, closed\n",
    );
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:27:10: response.fields.state.values: YAML syntax error: illegal placement of ':' indicator"
        ]
    );
}

#[test]
fn unknown_wire_type() {
    let errs = endpoint_errors("      type: decimal\n", "      type: float\n");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with(
            "specs/v/e.yaml:29:13: response.fields.price.type: unknown variant `float`, expected one of `string`, `i64`"
        ),
        "{errs:?}"
    );
}

#[test]
fn enum_without_values() {
    let errs = endpoint_errors("      values: [open, closed]\n", "      values: []\n");
    assert_eq!(
        errs,
        ["specs/v/e.yaml:26:7: response.fields.state.values: enum has no values"]
    );
    let errs = endpoint_errors("      values: [open, closed]\n", "");
    assert_eq!(
        errs,
        ["specs/v/e.yaml:24:5: response.fields.state: enum has no values"]
    );
}

#[test]
fn duplicate_field() {
    let errs = endpoint_errors("    price:\n", "    state:\n");
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:28:5: response.fields.state: duplicate key `state` (first defined at line 24)"
        ]
    );
}

#[test]
fn missing_required_key() {
    let errs = endpoint_errors("summary: Fetch an order.\n", "");
    assert_eq!(errs, ["specs/v/e.yaml:1:1: missing field `summary`"]);
}

#[test]
fn reference_to_unknown_parameter() {
    let errs = endpoint_errors("    - [a, b]\n", "    - [a, c]\n");
    assert_eq!(
        errs,
        ["specs/v/e.yaml:21:11: request.exactly_one_of[0][1]: unknown parameter `c`"]
    );
}

#[test]
fn at_least_one_of_and_all_or_none_of_groups_follow_the_same_rules() {
    for (list, what) in [
        ("at_least_one_of", "at-least-one-of"),
        ("all_or_none_of", "all-or-none-of"),
    ] {
        let errs = endpoint_errors(
            "  exactly_one_of:\n    - [a, b]\n",
            &format!("  {list}:\n    - [a, c]\n    - [id, b]\n    - [a]\n"),
        );
        assert_eq!(
            errs,
            [
                format!("specs/v/e.yaml:21:11: request.{list}[0][1]: unknown parameter `c`"),
                format!(
                    "specs/v/e.yaml:22:8: request.{list}[1][0]: `id` is required, so it cannot be one of an {what} group"
                ),
                format!(
                    "specs/v/e.yaml:23:7: request.{list}[2]: a group needs at least two parameters"
                ),
            ]
        );
    }
}

#[test]
fn a_list_payload_names_its_record_and_picks_one() {
    let errs = endpoint_errors("response:\n", "response:\n  shape: list\n");
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:23:3: response.shape: a list payload needs `name:`, the Rust name of its record type (the payload is `Response = Vec<name>`)",
            "specs/v/e.yaml:23:3: response.shape: a list payload needs `record:` (which record the unified order and the mock read: `first`)",
        ]
    );
    let errs = endpoint_errors("response:\n", "response:\n  record: first\n");
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:23:3: response.record: `record:` picks from a list payload; this payload is the record (`shape: record`)"
        ]
    );
    let ok = endpoint_errors(
        "response:\n",
        "response:\n  name: Order\n  shape: list\n  record: first\n",
    );
    assert_eq!(ok, Vec::<String>::new());
}

#[test]
fn unknown_key_is_refused() {
    let errs = endpoint_errors(
        "      type: decimal\n",
        "      type: decimal\n      nullabel: true\n",
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with(
            "specs/v/e.yaml:30:7: response.fields.price.nullabel: unknown field `nullabel`"
        ),
        "{errs:?}"
    );
}

#[test]
fn path_placeholder_without_parameter() {
    let errs = endpoint_errors("    path: /orders/{id}\n", "    path: /orders/{order}\n");
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:7:5: transport.rest.path: path placeholder `{order}` has no parameter with `in: path`",
            "specs/v/e.yaml:12:7: request.params.id.in: `id` is `in: path` but the path has no `{id}`",
        ]
    );
}

#[test]
fn malformed_range_and_default_outside_it() {
    let errs = endpoint_errors("      in: query\n", "      in: query\n      range: 0..5\n");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        errs[0],
        "specs/v/e.yaml:17:7: request.params.a.range: range `0..5` is not an interval such as `(0, 60000]` or `[1,)`"
    );
    let broken = ENDPOINT.replacen(
        "    a:\n      type: string\n      in: query\n",
        "    a:\n      type: i64\n      in: query\n      range: \"(0, 10]\"\n      default: 11\n",
        1,
    );
    assert_eq!(
        errors_for(VENUE, &broken),
        [
            "specs/v/e.yaml:18:7: request.params.a.default: default 11 lies outside the range (0, 10]"
        ]
    );
}

#[test]
fn body_parameter_on_a_get() {
    let errs = endpoint_errors("      in: query\n", "      in: body\n");
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:16:7: request.params.a.in: `in: body` is not possible for a rest get endpoint"
        ]
    );
}

#[test]
fn same_type_name_with_different_shapes() {
    let errs = endpoint_errors(
        "    price:\n      type: decimal\n",
        "    price:\n      type: enum\n      name: State\n      values: [a]\n",
    );
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:28:5: response.fields.price: type `State` is defined twice with different shapes; set a different `name:`"
        ]
    );
}

#[test]
fn environment_headers_are_header_names_and_clean_values() {
    let venue = VENUE.replace(
        "    rest: https://example.test\n",
        "    rest: https://example.test\n    headers: { \"bad name\": \"1\", ok: \"a\\nb\", fine: \"1\" }\n",
    );
    let errs = errors_for(&venue, ENDPOINT);
    assert_eq!(
        errs,
        [
            "specs/v/venue.yaml:6:16: environments.production.headers.bad name: `bad name` is not an HTTP header name",
            "specs/v/venue.yaml:6:33: environments.production.headers.ok: a header value cannot hold a control character",
        ]
    );
}

#[test]
fn venue_file_errors_name_the_venue_file() {
    let errs = errors_for(&VENUE.replace("venue: v\n", "venue: w\n"), ENDPOINT);
    assert_eq!(
        errs,
        ["specs/v/venue.yaml:1:1: venue: venue id `w` must equal its folder name `v`"]
    );
    let errs = errors_for(
        &VENUE.replace("  code: /code\n", "  code: /status\n"),
        ENDPOINT,
    );
    assert_eq!(
        errs,
        [
            "specs/v/venue.yaml:9:3: errors.code: JSON pointer `/status` names unknown member `status`"
        ]
    );
}

#[test]
fn every_error_of_every_file_is_reported() {
    let venue = VENUE.replace("  code: /code\n", "  code: code\n");
    let endpoint = ENDPOINT.replacen("    - [a, b]\n", "    - [a, zz]\n", 1);
    let errs = errors_for(&venue, &endpoint);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(
        errs[0].contains("venue.yaml") && errs[1].contains("e.yaml"),
        "{errs:?}"
    );
}

#[test]
fn a_folder_without_venue_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("specs/new_venue")).unwrap();
    let err = codegen::load(&dir.path().join("specs"), dir.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "specs/new_venue: venue folder has no venue.yaml"
    );
}

#[test]
fn ids_must_be_module_names() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("specs/my-venue");
    fs::create_dir_all(&v).unwrap();
    fs::write(
        v.join("venue.yaml"),
        VENUE.replace("venue: v\n", "venue: my-venue\n"),
    )
    .unwrap();
    let err = codegen::load(&dir.path().join("specs"), dir.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "specs/my-venue/venue.yaml:1:1: venue: venue id `my-venue` must be lower snake_case (it names a Rust module)"
    );
    let errs = errors_for(
        VENUE,
        &ENDPOINT.replace("endpoint: e\n", "endpoint: type\n"),
    );
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:1:1: endpoint: endpoint id `type` must be lower snake_case (it names a Rust module)"
        ]
    );
}

#[test]
fn yml_files_are_not_silently_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("specs/v");
    fs::create_dir_all(&v).unwrap();
    fs::write(v.join("venue.yaml"), VENUE).unwrap();
    fs::write(v.join("e.yml"), ENDPOINT).unwrap();
    let err = codegen::load(&dir.path().join("specs"), dir.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "specs/v/e.yml: spec files end in `.yaml`; rename it"
    );
}

#[test]
fn described_enum_values_refuse_unknown_keys() {
    let errs = endpoint_errors(
        "      values: [open, closed]\n",
        "      values:\n        - { value: open, variatn: Opened }\n",
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("specs/v/e.yaml:27:26: response.fields.state.values[0].variatn: unknown field `variatn`, expected one of `value`"),
        "{errs:?}"
    );
    // A bare `yes` or `1` would be a YAML boolean or number, not the string the venue sends.
    let errs = endpoint_errors(
        "      values: [open, closed]\n",
        "      values: [open, 1]\n",
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].contains("enum value `1` is a YAML number; quote it"),
        "{errs:?}"
    );
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

#[test]
fn the_signed_base_case_is_valid() {
    assert_eq!(
        errors_for(SIGNED_VENUE, &signed_endpoint()),
        Vec::<String>::new()
    );
}

#[test]
fn recipe_refers_to_an_unknown_credential() {
    let errs = signing_errors("key: secret,", "key: secrte,");
    assert_eq!(
        errs,
        [
            "specs/v/venue.yaml:23:39: signing.schemes.hmac.sign.key: unknown credential `secrte` (declared: api_key, secret)"
        ]
    );
}

#[test]
fn recipe_unknown_part_keyword() {
    let errs = signing_errors("payload: [timestamp, body]", "payload: [timestamp, bdoy]");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with(
            "specs/v/venue.yaml:22:28: signing.schemes.hmac.payload[1]: unknown variant `bdoy`"
        ),
        "{errs:?}"
    );
}

#[test]
fn recipe_uses_a_timestamp_it_does_not_define() {
    let errs = signing_errors("      timestamp: ms\n", "");
    assert_eq!(
        errs,
        [
            "specs/v/venue.yaml:21:17: signing.schemes.hmac.payload[0]: `timestamp` is used but the scheme has no `timestamp` format"
        ]
    );
}

#[test]
fn recipe_signs_with_the_wrong_key_kind() {
    let errs = signing_errors("algorithm: hmac_sha256", "algorithm: ed25519");
    assert_eq!(
        errs,
        [
            "specs/v/venue.yaml:23:15: signing.schemes.hmac.sign.algorithm: ed25519 does not sign with a hmac key"
        ]
    );
}

#[test]
fn recipe_places_the_signature_in_the_body_it_signs() {
    let errs = signing_errors(
        "place: { in: header, name: X-SIGN }",
        "place: { in: body, name: X-SIGN }",
    );
    assert_eq!(
        errs,
        [
            "specs/v/venue.yaml:24:7: signing.schemes.hmac.place: the signature cannot go into the body it signs"
        ]
    );
}

#[test]
fn a_part_map_needs_exactly_one_key() {
    let errs = signing_errors(
        "value: [{ credential: api_key }]",
        "value: [{ credential: api_key, literal: x }]",
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].contains(
            "a part map needs exactly one of `literal`, `credential`, `params`, `param`, `digest`"
        ),
        "{errs:?}"
    );
}

#[test]
fn signed_endpoint_must_declare_what_the_scheme_adds() {
    let endpoint = signed_endpoint().replacen(
        "    X-SIGN: { type: string, in: header, supplied_by: signer }\n",
        "",
        1,
    );
    let errs = errors_for(SIGNED_VENUE, &endpoint);
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:10:3: request.params: scheme `hmac` adds `X-SIGN`: declare it here with `supplied_by: signer`"
        ]
    );
}

#[test]
fn a_secret_is_only_added_in_a_header() {
    let errs = signing_errors(
        "- { in: header, name: X-KEY, value: [{ credential: api_key }] }",
        "- { in: query, name: X-KEY, value: [{ credential: secret }] }",
    );
    assert_eq!(
        errs,
        [
            "specs/v/venue.yaml:21:13: signing.schemes.hmac.add[0].in: secret credential `secret` can only be added in a header (it would be printed)"
        ]
    );
}

#[test]
fn a_signing_key_must_be_secret() {
    let errs = signing_errors("    secret: { secret: true }\n", "    secret: {}\n");
    assert_eq!(
        errs,
        [
            "specs/v/venue.yaml:23:39: signing.schemes.hmac.sign.key: signing key `secret` must be declared `secret: true`"
        ]
    );
}

#[test]
fn a_body_the_scheme_does_not_sign_is_refused() {
    let venue = SIGNED_VENUE.replacen("payload: [timestamp, body]", "payload: [timestamp]", 1);
    let endpoint = signed_endpoint()
        .replacen("    method: GET\n", "    method: POST\n", 1)
        .replacen(
            "      type: string\n      in: query\n",
            "      type: string\n      in: body\n",
            1,
        );
    assert_eq!(
        errors_for(&venue, &endpoint),
        [
            "specs/v/e.yaml:4:1: signed: scheme `hmac` does not sign the body, but this endpoint sends one (it would go unsigned)"
        ]
    );
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

#[test]
fn an_order_mapping_is_valid() {
    assert_eq!(order_errors(ORDER_OK), Vec::<String>::new());
}

#[test]
fn order_state_left_unmapped() {
    let errs = order_errors(&ORDER_OK.replace("closed: filled ", ""));
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:46:27: order.status.map: documented value `closed` of `state` is not mapped"
        ]
    );
}

#[test]
fn order_maps_an_undocumented_value() {
    let errs = order_errors(&ORDER_OK.replace("closed: filled", "closed: filled, gone: canceled"));
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:46:62: order.status.map.gone: `gone` is not a documented value of `state` (values: open, closed)"
        ]
    );
}

#[test]
fn order_value_without_a_common_term_maps_to_unknown() {
    // Documented, deliberately without a common term: the order keeps it as `Unknown(raw)`.
    let errs = order_errors(&ORDER_OK.replace("closed: filled", "closed: unknown"));
    assert_eq!(errs, Vec::<String>::new());
}

#[test]
fn order_unknown_unified_value() {
    let errs = order_errors(&ORDER_OK.replace("closed: filled", "closed: done"));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("specs/v/e.yaml:46:54: ")
            && errs[0].contains("order.status.map.closed")
            && errs[0].contains("unknown variant `done`"),
        "{errs:?}"
    );
}

#[test]
fn order_field_missing_or_of_the_wrong_type() {
    let errs = order_errors(&ORDER_OK.replace("price: price", "price: state"));
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:47:3: order.price: `state` is `State`; this member needs a decimal or integer field"
        ]
    );
    let errs = order_errors(&ORDER_OK.replace("order_id: id", "order_id: orderId"));
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:43:3: order.order_id: the payload has no field `orderId` (fields: state, price, id, sym, symbol, side)"
        ]
    );
    let errs = order_errors(&ORDER_OK.replace("symbol: symbol", "symbol: sym"));
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:44:3: order.symbol: `sym` is nullable, but this member needs a field that is always sent"
        ]
    );
}

/// Error-classification data: status-only errors, message-specific codes, pointers.
fn error_data_errors(errors_tail: &str) -> Vec<String> {
    let venue = VENUE.replacen(
        "  code: /code\n",
        &format!("  code: /code\n{errors_tail}"),
        1,
    );
    errors_for(&venue, ENDPOINT)
}

#[test]
fn error_data_base_case_is_valid() {
    let errs = error_data_errors(
        "  http_status: /code\n  codes:\n    - { code: 1, kind: auth }\n    - { code: 1, message_contains: time, kind: timestamp_outside_window }\n  statuses:\n    - { http: 401, kind: auth }\n    - { http: 401, kind: auth, body: any }\n",
    );
    assert_eq!(errs, Vec::<String>::new());
}

#[test]
fn status_only_errors_need_a_real_status_once() {
    let errs = error_data_errors(
        "  statuses:\n    - { http: 4010, kind: auth }\n    - { http: 401, kind: auth }\n    - { http: 401, kind: server, body: empty }\n",
    );
    assert_eq!(
        errs,
        [
            "specs/v/venue.yaml:11:9: errors.statuses[0].http: 4010 is not an HTTP status (100 to 599)",
            "specs/v/venue.yaml:13:9: errors.statuses[2].http: HTTP 401 is already listed for empty bodies",
        ]
    );
}

#[test]
fn message_specific_codes_are_unique_and_not_empty() {
    let errs = error_data_errors(
        "  codes:\n    - { code: 1, message_contains: time }\n    - { code: 1, message_contains: time }\n    - { code: 2, message_contains: \"\" }\n",
    );
    assert_eq!(
        errs,
        [
            "specs/v/venue.yaml:12:9: errors.codes[1].code: duplicate error code",
            "specs/v/venue.yaml:13:18: errors.codes[2].message_contains: `message_contains` must not be empty",
        ]
    );
}

#[test]
fn status_and_rate_limit_pointers_name_members() {
    let errs = error_data_errors("  http_status: /status\n");
    assert_eq!(
        errs,
        [
            "specs/v/venue.yaml:10:3: errors.http_status: JSON pointer `/status` names unknown member `status`"
        ]
    );
    let venue = format!("{VENUE}rate_limits:\n  pointer: /rateLimits\n");
    assert_eq!(
        errors_for(&venue, ENDPOINT),
        [
            "specs/v/venue.yaml:13:3: rate_limits.pointer: JSON pointer `/rateLimits` names unknown member `rateLimits`"
        ]
    );
}

#[test]
fn ws_session_names_a_ws_endpoint_and_scheme() {
    let venue =
        format!("{SIGNED_VENUE}ws:\n  session: {{ logon: e, scheme: hmac, when_key: ed25519 }}\n");
    assert_eq!(
        errors_for(&venue, &signed_endpoint()),
        [
            "specs/v/venue.yaml:26:14: ws.session.logon: `e` is not a WebSocket endpoint of this venue",
            "specs/v/venue.yaml:26:24: ws.session.scheme: `hmac` is not a WebSocket scheme of this venue",
        ]
    );
}

#[test]
fn error_kind_only_on_error_examples() {
    let endpoint = format!(
        "{ENDPOINT}examples:\n  - {{ name: ok, kind: success, source: docs, error_kind: auth, body: {{}} }}\n  - {{ name: bad, kind: error, source: docs, error_kind: not_found, body: {{}} }}\n"
    );
    assert_eq!(
        errors_for(VENUE, &endpoint),
        [
            "specs/v/e.yaml:32:46: examples[0].error_kind: `error_kind` is only for `kind: error` examples"
        ]
    );
}

#[test]
fn matches_names_a_response_field() {
    let errs = endpoint_errors(
        "      in: path\n      required: true\n",
        "      in: path\n      required: true\n      matches: order_id\n",
    );
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:14:7: request.params.id.matches: `order_id` is not a response field (fields: state, price)"
        ]
    );
    assert_eq!(
        endpoint_errors(
            "      in: path\n      required: true\n",
            "      in: path\n      required: true\n      matches: price\n",
        ),
        Vec::<String>::new()
    );
    let errs = errors_for(
        SIGNED_VENUE,
        &signed_endpoint().replacen(
            "X-KEY: { type: string, in: header, supplied_by: signer }",
            "X-KEY: { type: string, in: header, supplied_by: signer, matches: price }",
            1,
        ),
    );
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:21:61: request.params.X-KEY.matches: a parameter the signer or transport supplies cannot select records"
        ]
    );
}

#[test]
fn error_template_members_and_placeholders() {
    let with_template = |t: &str| {
        errors_for(
            &VENUE.replace(
                "  code: /code\n",
                &format!("  code: /code\n  template: {t}\n"),
            ),
            ENDPOINT,
        )
    };
    assert_eq!(
        with_template(r#"{ "code": "{code}" }"#),
        Vec::<String>::new()
    );
    assert_eq!(
        with_template(r#"{ "code": "{cdoe}" }"#),
        [
            "specs/v/venue.yaml:10:15: errors.template.code: unknown placeholder `{cdoe}` (known: {code}, {message}, {http}, {id})"
        ]
    );
    assert_eq!(
        with_template(r#"{ "code": "{code}", "msg": "{message}" }"#),
        [
            "specs/v/venue.yaml:10:33: errors.template.msg: `msg` is not a member of the error body (members: code)"
        ]
    );
    assert_eq!(
        with_template(r#"[ "{code}" ]"#),
        [
            "specs/v/venue.yaml:10:3: errors.template: the error template must be a JSON object (an error body)"
        ]
    );
}

#[test]
fn error_status_must_be_an_http_status() {
    let venue = VENUE.replace(
        "  code: /code\n",
        "  code: /code\n  statuses:\n    - { http: 4010, kind: auth, body: empty, doc: 401 with no body }\n",
    );
    assert_eq!(
        errors_for(&venue, ENDPOINT),
        [
            "specs/v/venue.yaml:11:9: errors.statuses[0].http: 4010 is not an HTTP status (100 to 599)"
        ]
    );
    let venue = VENUE.replace(
        "  code: /code\n",
        "  code: /code\n  statuses:\n    - { http: 401, kind: auth, body: nothing, doc: 401 with no body }\n",
    );
    let errs = errors_for(&venue, ENDPOINT);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("specs/v/venue.yaml:11:38: errors.statuses[0].body: unknown variant `nothing`, expected `empty` or `any`"),
        "{errs:?}"
    );
}

#[test]
fn timestamp_window_default_within_its_maximum() {
    let window = "  window:\n    recv_window_default_ms: 5000\n    recv_window_max_ms: 1000\n    max_ahead_ms: 1000\n    doc: general info\n";
    let venue = format!("{SIGNED_VENUE}{window}");
    assert_eq!(
        errors_for(&venue, &signed_endpoint()),
        [
            "specs/v/venue.yaml:26:5: signing.window.recv_window_default_ms: the default recvWindow 5000 must lie in (0, recv_window_max_ms = 1000]"
        ]
    );
    let ok = window.replace("recv_window_max_ms: 1000", "recv_window_max_ms: 60000");
    assert_eq!(
        errors_for(&format!("{SIGNED_VENUE}{ok}"), &signed_endpoint()),
        Vec::<String>::new()
    );
    // Docs that bound only the past leave the future bound out; a negative one is refused.
    let past_only = ok.replace("    max_ahead_ms: 1000\n", "");
    assert_eq!(
        errors_for(&format!("{SIGNED_VENUE}{past_only}"), &signed_endpoint()),
        Vec::<String>::new()
    );
    let negative = ok.replace("max_ahead_ms: 1000", "max_ahead_ms: -1");
    assert_eq!(
        errors_for(&format!("{SIGNED_VENUE}{negative}"), &signed_endpoint()),
        ["specs/v/venue.yaml:28:5: signing.window.max_ahead_ms: max_ahead_ms cannot be negative"]
    );
}

#[test]
fn the_logon_endpoint_must_be_signed() {
    let venue = format!(
        "{}ws:\n  session: {{ logon: e, scheme: none, when_key: ed25519 }}\n",
        VENUE.replace(
            "    rest: https://example.test\n",
            "    rest: https://example.test\n    ws: wss://example.test/ws\n",
        )
    );
    let endpoint = ENDPOINT
        .replacen(
            "  rest:\n    method: GET\n    path: /orders/{id}\n",
            "  ws:\n    method: session.logon\n",
            1,
        )
        .replace("in: path", "in: ws_params")
        .replace("in: query", "in: ws_params");
    assert_eq!(
        errors_for(&venue, &endpoint),
        [
            "specs/v/venue.yaml:14:24: ws.session.scheme: `none` is not a WebSocket scheme of this venue",
            "specs/v/e.yaml:1:9: signed: the venue's `ws.session.logon` names this endpoint, so it must be `signed: true`",
        ]
    );
}

fn clock_errors(clock: &str) -> Vec<String> {
    errors_for(&format!("{VENUE}clock:\n{clock}"), ENDPOINT)
}

#[test]
fn clock_sources_that_are_valid() {
    for clock in [
        "  source: http_date\n  doc: the Date header\n",
        "  source: endpoint\n  rest: { method: GET, path: /time }\n  pointer: /data/t\n  unit: ms\n",
    ] {
        assert_eq!(clock_errors(clock), Vec::<String>::new(), "{clock}");
    }
}

#[test]
fn clock_http_date_takes_no_endpoint_keys() {
    assert_eq!(
        clock_errors("  source: http_date\n  pointer: /t\n  unit: s\n"),
        [
            "specs/v/venue.yaml:14:3: clock.pointer: `pointer` only applies to `source: endpoint`",
            "specs/v/venue.yaml:15:3: clock.unit: `unit` only applies to `source: endpoint`",
        ]
    );
}

#[test]
fn clock_endpoint_needs_one_reachable_get_with_a_pointer() {
    assert_eq!(
        clock_errors(
            "  source: endpoint\n  rest:\n    method: POST\n    path: time/{id}\n  pointer: data\n  unit: ms\n"
        ),
        [
            "specs/v/venue.yaml:17:3: clock.pointer: `data` is not a JSON pointer (it must start with `/`)",
            "specs/v/venue.yaml:15:5: clock.rest.method: a time endpoint is read with `GET`, not `POST`",
            "specs/v/venue.yaml:16:5: clock.rest.path: `time/{id}` must start with `/` and have no placeholders",
        ]
    );
    assert_eq!(
        clock_errors("  source: endpoint\n  ws: { method: time }\n  pointer: /t\n  unit: ms\n"),
        [
            "specs/v/venue.yaml:14:3: clock.ws: a WebSocket time method needs a `ws` URL in an environment"
        ]
    );
    assert_eq!(
        clock_errors("  source: endpoint\n  pointer: /t\n  unit: ms\n"),
        ["specs/v/venue.yaml:12:1: clock: a time endpoint needs exactly one of `rest` or `ws`"]
    );
    assert_eq!(
        clock_errors("  source: endpoint\n  rest: { method: GET, path: /t }\n  unit: ms\n"),
        [
            "specs/v/venue.yaml:12:1: clock: a time endpoint needs `pointer`, the JSON pointer to the time"
        ]
    );
}

#[test]
fn clock_unknown_units_and_sources_are_refused() {
    let errs = clock_errors("  source: ntp\n");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("specs/v/venue.yaml:13:11: ")
            && errs[0].contains("unknown variant `ntp`"),
        "{errs:?}"
    );
    let errs = clock_errors(
        "  source: endpoint\n  rest: { method: GET, path: /t }\n  pointer: /t\n  unit: minutes\n",
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("specs/v/venue.yaml:16:9: ")
            && errs[0].contains("unknown variant `minutes`"),
        "{errs:?}"
    );
}

#[test]
fn non_negative_only_on_decimals() {
    let errs = endpoint_errors(
        "      values: [open, closed]\n",
        "      values: [open, closed]\n      non_negative: true\n",
    );
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:27:7: response.fields.state.non_negative: `non_negative` is only for `type: decimal`, `decimal_number` or `decimal_number_or_text`"
        ]
    );
    // On a decimal it is fine.
    let errs = endpoint_errors(
        "      type: decimal\n",
        "      type: decimal\n      non_negative: true\n",
    );
    assert_eq!(errs, Vec::<String>::new());
}

#[test]
fn string_lengths_only_on_strings_and_in_order() {
    let errs = endpoint_errors(
        "      type: decimal\n",
        "      type: decimal\n      max_length: 36\n",
    );
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:30:7: response.fields.price.max_length: `max_length` is only for `type: string`"
        ]
    );
    let errs = endpoint_errors(
        "      type: decimal\n",
        "      type: string\n      min_length: 8\n      max_length: 4\n",
    );
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:30:7: response.fields.price.min_length: `min_length` 8 is above `max_length` 4"
        ]
    );
    let errs = endpoint_errors(
        "      type: decimal\n",
        "      type: string\n      max_length: 0\n",
    );
    assert_eq!(
        errs,
        ["specs/v/e.yaml:30:7: response.fields.price.max_length: `max_length` must be at least 1"]
    );
    let errs = endpoint_errors(
        "      type: decimal\n",
        "      type: string\n      max_length: -1\n",
    );
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:30:19: response.fields.price.max_length: invalid type: integer `-1`, expected usize"
        ]
    );
}

#[test]
fn bounds_are_refused_on_array_items() {
    let errs = endpoint_errors(
        "      type: decimal\n",
        "      type: array\n      items:\n        type: decimal\n        non_negative: true\n",
    );
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:32:9: response.fields.price.items.non_negative: `non_negative` is not supported on array items; set it on an object field"
        ]
    );
}

#[test]
fn an_id_field_is_a_wire_type() {
    let errs = endpoint_errors(
        "      type: decimal\n",
        "      type: id\n      nullable: true\n",
    );
    assert_eq!(errs, Vec::<String>::new());
    let errs = endpoint_errors(
        "      type: decimal\n",
        "      type: id\n      max_length: 4\n",
    );
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:30:7: response.fields.price.max_length: `max_length` is only for `type: string`"
        ]
    );
}

/// `order_errors` with two boolean fields, `live` and `gone`, in the payload.
fn rule_errors(status: &str) -> Vec<String> {
    let order = ORDER_OK.replace(
        "  status: { field: state, map: { open: open, closed: filled } }\n",
        status,
    );
    order_errors(&order).into_iter().collect::<Vec<_>>()
}

const BOOLS: &str = "    live:\n      type: bool\n    gone:\n      type: bool\n";

#[test]
fn status_rules_over_boolean_fields_are_valid() {
    let endpoint = ENDPOINT.replace(
        "    price:\n      type: decimal\n",
        &format!("    price:\n      type: decimal\n{BOOLS}"),
    );
    let order = ORDER_OK.replace(
        "  status: { field: state, map: { open: open, closed: filled } }\n",
        "  status: { rules: [{ when: { live: true }, is: open }, { when: { gone: true }, is: canceled }, { is: filled }] }\n",
    );
    let endpoint = endpoint.replace(
        "    price:\n      type: decimal\n",
        "    price:\n      type: decimal\n    id:\n      type: u64\n    symbol:\n      type: string\n    side:\n      type: enum\n      values: [buy, sell]\n      doc: The side.\n",
    );
    assert_eq!(
        errors_for(VENUE, &format!("{endpoint}{order}")),
        Vec::<String>::new()
    );
}

#[test]
fn status_rules_need_a_last_rule_without_when_and_bool_fields() {
    let errs = rule_errors("  status: { rules: [{ when: { state: true }, is: open }] }\n");
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:46:13: order.status.rules: the last rule has no `when`: it gives the status otherwise",
            "specs/v/e.yaml:46:31: order.status.rules[0].when.state: `state` is `State`; a rule reads bool fields",
        ]
    );
    let errs = rule_errors(
        "  status: { field: state, map: { open: open, closed: filled }, rules: [{ is: filled }] }\n",
    );
    assert_eq!(
        errs,
        ["specs/v/e.yaml:46:3: order.status: give either `field` and `map`, or `rules`"]
    );
}

#[test]
fn a_type_without_doc_is_a_spec_error() {
    // Every public item of a generated client is documented: the spec must say what a type is,
    // or the build would fail later at a line of generated code instead of the spec's.
    let errs = endpoint_errors("      doc: The order's state.\n", "");
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:24:5: response.fields.state: `doc` is missing: it becomes the rustdoc of the generated enum `State`"
        ]
    );
    let errs = endpoint_errors("  doc: The order.\n", "  doc: \"  \"\n");
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:22:1: response: `doc` is missing: it becomes the rustdoc of the generated struct `Response`"
        ]
    );
}

#[test]
fn ws_frame_constants_are_scalars_other_than_the_frames_own_members() {
    let venue =
        format!("{VENUE}ws:\n  frame:\n    constants: {{ jsonrpc: \"2.0\", id: x, v: [1] }}\n");
    let errors = errors_for(&venue, ENDPOINT);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors[0].ends_with(
            "ws.frame.constants.id: `id` is written by every frame already; a constant cannot be it"
        ),
        "{errors:#?}"
    );
    assert!(
        errors[1]
            .ends_with("ws.frame.constants.v: a frame constant is a string, number or boolean"),
        "{errors:#?}"
    );
    let fine = format!("{VENUE}ws:\n  frame:\n    constants: {{ jsonrpc: \"2.0\" }}\n");
    assert_eq!(errors_for(&fine, ENDPOINT), Vec::<String>::new());
}

#[test]
fn a_param_part_reads_a_parameter_of_the_schemes_requests() {
    let ok = signing_errors(
        "payload: [timestamp, body]",
        "payload: [timestamp, body, { param: { from: query, name: data } }]",
    );
    assert_eq!(ok, Vec::<String>::new());
    let errs = signing_errors(
        "payload: [timestamp, body]",
        "payload: [timestamp, body, { param: { from: ws_params, name: data } }, { param: { from: header, name: X-SIGN } }, { param: { from: query, name: \"\" } }]",
    );
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert!(
        errs[0].ends_with(
            "signing.schemes.hmac.payload[2]: this parameter does not exist in this scheme's requests"
        ),
        "{errs:?}"
    );
    assert!(
        errs[1].ends_with(
            "signing.schemes.hmac.payload[3]: `param` names where the signature is placed: it does not exist before signing"
        ),
        "{errs:?}"
    );
    assert!(
        errs[2].ends_with("signing.schemes.hmac.payload[4]: `param` needs a parameter's name"),
        "{errs:?}"
    );
}

/// The spec errors of a venue file and endpoint files by name.
fn errors_of(venue: &str, endpoints: &[(&str, &str)]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("specs/v");
    fs::create_dir_all(&v).unwrap();
    fs::write(v.join("venue.yaml"), venue).unwrap();
    for (name, text) in endpoints {
        fs::write(v.join(format!("{name}.yaml")), text).unwrap();
    }
    match codegen::load(&dir.path().join("specs"), dir.path()) {
        Ok(_) => Vec::new(),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

const SESSION_VENUE: &str = "\
venue: v
name: V
environments:
  production:
    ws: wss://example.test/ws
errors:
  body:
    code: { type: i64 }
  code: /code
ws:
  session: { logon: login, scheme: ws_session, when_key: hmac }
signing:
  summary: A signed log-on, then nothing.
  credentials:
    client_id: {}
    secret: { secret: true }
  schemes:
    ws_signature:
      transport: ws
      key: hmac
      timestamp: ms
      add:
        - { in: ws_params, name: client_id, value: [{ credential: client_id }] }
        - { in: ws_params, name: timestamp, value: [timestamp] }
      payload: [timestamp]
      sign: { algorithm: hmac_sha256, key: secret, output: hex }
      place: { in: ws_params, name: signature }
    ws_session:
      transport: ws
      key: token
";

fn session_endpoint(id: &str, method: &str, declares: bool) -> String {
    let added = "    client_id: { type: string, in: ws_params, supplied_by: signer }
    timestamp: { type: i64, in: ws_params, supplied_by: signer }
    signature: { type: string, in: ws_params, supplied_by: signer }
";
    format!(
        "endpoint: {id}\nname: N\nsummary: S.\nsigned: true\ntransport:\n  ws:\n    method: {method}\n\
         request:\n  params:\n    order_id: {{ type: string, in: ws_params }}\n{}\
         response:\n  doc: D.\n  fields:\n    state: {{ type: string }}\n",
        if declares { added } else { "" }
    )
}

/// On a venue with a WebSocket session, the scheme whose key logs on signs only the log-on:
/// the other endpoints (signed with the session's scheme) need not declare what it adds.
#[test]
fn only_the_logon_declares_what_the_logon_scheme_adds() {
    let login = session_endpoint("login", "public/auth", true);
    let get = session_endpoint("get", "private/get", false);
    assert_eq!(
        errors_of(SESSION_VENUE, &[("login", &login), ("get", &get)]),
        Vec::<String>::new()
    );
    let bare_login = session_endpoint("login", "public/auth", false);
    let errs = errors_of(SESSION_VENUE, &[("login", &bare_login), ("get", &get)]);
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert!(
        errs[0].ends_with(
            "request.params: scheme `ws_signature` adds `client_id`: declare it here with `supplied_by: signer`"
        ),
        "{errs:?}"
    );
    // Where the key does not log on, the scheme signs every request: each declares.
    let ed25519 = SESSION_VENUE.replace("when_key: hmac", "when_key: ed25519");
    let errs = errors_of(&ed25519, &[("login", &login), ("get", &get)]);
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert!(
        errs.iter().all(|e| e.starts_with("specs/v/get.yaml")),
        "{errs:?}"
    );
}

/// `texts` belong to `decimal_number_or_text`, which needs at least one, each once.
#[test]
fn texts_only_on_a_number_or_text_and_needed_there() {
    let number_or_text = "      type: decimal_number_or_text\n      texts: [market_price]\n";
    let errs = endpoint_errors("      type: decimal\n", number_or_text);
    assert_eq!(errs, Vec::<String>::new());
    let errs = endpoint_errors(
        "      type: decimal\n",
        "      type: decimal\n      texts: [market_price]\n",
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].ends_with(".texts: `texts` is only for `type: decimal_number_or_text`"),
        "{errs:?}"
    );
    let errs = endpoint_errors(
        "      type: decimal\n",
        "      type: decimal_number_or_text\n",
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].contains("a decimal_number_or_text needs `texts`"),
        "{errs:?}"
    );
    let errs = endpoint_errors(
        "      type: decimal\n",
        "      type: decimal_number_or_text\n      texts: [a, \"\", a]\n",
    );
    assert_eq!(errs.len(), 2, "{errs:?}");
}
