//! Venue data: error codes, statuses and pointers, WebSocket sessions, matches, error
//! templates, timestamp windows and the log-on endpoint.

use super::*;

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
