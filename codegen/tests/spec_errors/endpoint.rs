//! Endpoint files: YAML syntax, wire types, enums, keys, parameters, paths, ranges, names and
//! folders.

use super::*;

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
