//! `errors.detect` and `errors.messages`: each mistake is reported at its file, line and path.

mod support;

const VENUE: &str = "\
venue: v
name: V
environments:
  production:
    rest: https://example.test
errors:
  body:
    status: { type: string }
    reason: { type: json }
    code: { type: string, optional: true }
  code: /code
  message: /reason
signing:
  summary: none
";

const ENDPOINT: &str = "\
endpoint: e
name: E
summary: Fetch an order.
transport:
  rest:
    method: POST
    path: /orders/
    body: form
request:
  params:
    id:
      type: u64
      in: body
response:
  fields:
    id:
      type: u64
  doc: The order.
";

/// The errors of venue `v` with `tail` appended to its `errors` section.
fn errors_with(tail: &str) -> Vec<String> {
    let venue = VENUE.replacen(
        "  message: /reason\n",
        &format!("  message: /reason\n{tail}"),
        1,
    );
    support::load_errors(&venue, ENDPOINT)
}

#[test]
fn a_rule_and_messages_into_the_body_are_valid() {
    let errs = errors_with(
        "  detect: { pointer: /status, equals: error }\n  messages:\n    - { contains: not found, kind: not_found }\n",
    );
    assert_eq!(errs, Vec::<String>::new());
}

#[test]
fn the_rule_points_into_the_body() {
    assert_eq!(
        errors_with("  detect: { pointer: /state, equals: error }\n"),
        [
            "specs/v/venue.yaml:13:13: errors.detect.pointer: JSON pointer `/state` names unknown member `state`"
        ]
    );
}

#[test]
fn message_texts_are_given_once_and_not_empty() {
    let errs = errors_with(
        "  messages:\n    - { contains: gone, kind: not_found }\n    - { contains: gone, kind: server }\n    - { contains: \"\", kind: auth }\n",
    );
    assert_eq!(
        errs,
        [
            "specs/v/venue.yaml:15:9: errors.messages[1].contains: `gone` is listed twice",
            "specs/v/venue.yaml:16:9: errors.messages[2].contains: `contains` must not be empty",
        ]
    );
}

#[test]
fn an_unknown_kind_is_refused() {
    let errs = errors_with("  messages:\n    - { contains: gone, kind: missing }\n");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("unknown variant `missing`"), "{errs:?}");
}
