//! Signing recipes: credentials, parts, timestamps, key kinds, where the signature goes, what
//! a signed endpoint declares, the param part.

use super::*;

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
