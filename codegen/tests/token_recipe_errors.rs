//! The recipe steps of a token minted per request (a JWT): JSON objects of parts, a nonce, a
//! timestamp offset, a placed value composed of a prefix, the payload and the signature, and
//! the ECDSA P-256 key kind. A valid recipe loads; each broken rule is reported at its place.

use std::fs;

/// A venue whose one scheme mints an ES256 JWT, as Coinbase's docs describe it.
const VENUE: &str = "\
venue: v
name: V
environments:
  production:
    rest: https://example.test/api
errors:
  body:
    code: { type: i64 }
  code: /code
signing:
  summary: A JWT per request.
  credentials:
    key_name: {}
    private_key: { secret: true }
  schemes:
    es256:
      transport: rest
      key: ec_p256
      timestamp: s
      payload:
        - json:
            output: base64url
            members:
              - { name: alg, value: [{ literal: ES256 }] }
              - { name: kid, value: [{ credential: key_name }] }
              - { name: nonce, value: [{ random_hex: 32 }] }
        - { literal: . }
        - json:
            output: base64url
            members:
              - { name: nbf, value: [timestamp], integer: true }
              - { name: exp, value: [{ timestamp_plus: 120 }], integer: true }
              - { name: uri, value: [method, { literal: ' ' }, host, path] }
      sign: { algorithm: ecdsa_p256_sha256, key: private_key, output: base64url }
      place: { in: header, name: Authorization, prefix: 'Bearer ', with_payload: . }
";

const ENDPOINT: &str = "\
endpoint: e
name: E
summary: Fetch an order.
signed: true
transport:
  rest:
    method: GET
    path: /orders/{id}
request:
  params:
    id: { type: string, in: path, required: true }
    Authorization: { type: string, in: header, supplied_by: signer }
response:
  doc: The order.
  fields:
    id: { type: string }
";

/// The errors of the venue with `from` replaced by `to`.
fn errors(from: &str, to: &str) -> Vec<String> {
    assert!(VENUE.contains(from), "case does not apply: {from:?}");
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("specs/v");
    fs::create_dir_all(&v).unwrap();
    fs::write(v.join("venue.yaml"), VENUE.replacen(from, to, 1)).unwrap();
    fs::write(v.join("e.yaml"), ENDPOINT).unwrap();
    match codegen::load(&dir.path().join("specs"), dir.path()) {
        Ok(_) => Vec::new(),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

/// Exactly one error, at `at` (file:line:col: path), saying `says`.
fn one_error(errs: &[String], at: &str, says: &str) {
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with(at) && errs[0].contains(says),
        "{errs:?}"
    );
}

#[test]
fn a_jwt_recipe_is_valid() {
    assert_eq!(errors("", ""), Vec::<String>::new());
}

#[test]
fn an_integer_member_is_a_numeric_timestamp() {
    let errs = errors(
        "{ name: nbf, value: [timestamp], integer: true }",
        "{ name: nbf, value: [{ literal: x }], integer: true }",
    );
    one_error(
        &errs,
        "specs/v/venue.yaml:31:17: signing.schemes.es256.payload[2].json.members[0]:",
        "an `integer` member is one `timestamp` or `timestamp_plus` part",
    );
}

#[test]
fn a_timestamp_offset_needs_a_numeric_format() {
    let errs = errors("      timestamp: s\n", "      timestamp: iso_seconds\n");
    // The offset itself, and the integer members that now hold ISO text.
    assert!(
        errs.iter().any(|e| e.contains(
            "payload[2].json.members[1].value[0]: `timestamp_plus` needs the scheme's timestamp in `ms` or `s`"
        )),
        "{errs:?}"
    );
}

#[test]
fn a_composed_value_is_placed_in_a_header() {
    let errs = errors(
        "place: { in: header, name: Authorization,",
        "place: { in: query, name: Authorization,",
    );
    assert!(
        errs.iter().any(|e| e.contains(
            "signing.schemes.es256.place.in: `prefix` and `with_payload` place a token: only in a header"
        )),
        "{errs:?}"
    );
}

#[test]
fn ecdsa_needs_an_ec_key() {
    let errs = errors("      key: ec_p256\n", "      key: ed25519\n");
    one_error(
        &errs,
        "specs/v/venue.yaml:34:15: signing.schemes.es256.sign.algorithm:",
        "ecdsap256sha256 does not sign with a ed25519 key",
    );
}

#[test]
fn one_request_has_one_nonce_size() {
    let errs = errors(
        "{ name: uri, value: [method,",
        "{ name: n2, value: [{ random_hex: 16 }] }\n              - { name: uri, value: [method,",
    );
    one_error(
        &errs,
        "specs/v/venue.yaml:33:37: signing.schemes.es256.payload[2].json.members[2].value[0]:",
        "give them one size",
    );
}

#[test]
fn json_member_names_are_unique() {
    let errs = errors("{ name: kid,", "{ name: alg,");
    one_error(
        &errs,
        "specs/v/venue.yaml:25:17: signing.schemes.es256.payload[0].json.members[1]:",
        "member `alg` is given twice",
    );
}

#[test]
fn a_part_map_names_its_new_keys_when_refused() {
    let errs = errors("[{ random_hex: 32 }]", "[{ random_hex: 32, literal: x }]");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].contains("`random_hex`, `timestamp_plus`, `json`"),
        "{errs:?}"
    );
}
