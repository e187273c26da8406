//! Clock sources, promises beyond the type (non-negative, lengths), ids, status rules, docs
//! and WebSocket frame constants.

use super::*;

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
