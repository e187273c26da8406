//! A malformed `vectors.yaml` is an error naming file, line, column and field, like every
//! spec error. Each case starts from a valid vectors file, breaks one thing, and asserts the
//! exact report.

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
        - { in: query, name: timestamp, value: [timestamp] }
      payload: [{ params: { from: query, encoding: rfc3986 } }]
      sign: { algorithm: hmac_sha256, key: secret, output: hex }
      place: { in: query, name: signature }
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
    id:
      type: string
      in: path
      required: true
    X-KEY: { type: string, in: header, supplied_by: signer }
    timestamp: { type: i64, in: query, supplied_by: signer }
    signature: { type: string, in: query, supplied_by: signer }
response:
  doc: The order.
  fields:
    state:
      type: string
";

/// A valid vectors file; every case below edits one line of it.
const VECTORS: &str = "\
vectors:
  - id: one
    kind: official
    source: https://example.test/docs#signing
    algorithm: HMAC-SHA256
    scheme: hmac
    credentials:
      api_key: key
      secret: s3cret
    request:
      endpoint: e
      http: { base_url: https://example.test }
      params:
        - { in: path, name: id, value: \"42\" }
    timestamp: 1700000000000
    expect:
      string_to_sign: timestamp=1700000000000
      signature: 00ff
    verified: true
";

/// Loads venue `v` with endpoint `e` and `vectors`; returns the errors.
fn errors_for(vectors: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("specs/v");
    fs::create_dir_all(&v).unwrap();
    fs::write(v.join("venue.yaml"), VENUE).unwrap();
    fs::write(v.join("e.yaml"), ENDPOINT).unwrap();
    fs::write(v.join("vectors.yaml"), vectors).unwrap();
    match codegen::load(&dir.path().join("specs"), dir.path()) {
        Ok(_) => Vec::new(),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

fn vector_errors(from: &str, to: &str) -> Vec<String> {
    assert!(VECTORS.contains(from), "case does not apply: {from:?}");
    errors_for(&VECTORS.replacen(from, to, 1))
}

#[test]
fn the_base_case_is_valid_and_is_embedded() {
    assert_eq!(errors_for(VECTORS), Vec::<String>::new());
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("specs/v");
    fs::create_dir_all(&v).unwrap();
    fs::write(v.join("venue.yaml"), VENUE).unwrap();
    fs::write(v.join("e.yaml"), ENDPOINT).unwrap();
    fs::write(v.join("vectors.yaml"), VECTORS).unwrap();
    let venues = codegen::load(&dir.path().join("specs"), dir.path()).unwrap();
    assert_eq!(venues[0].vectors.len(), 1);
    assert_eq!(venues[0].vectors[0].params[0].json, "\"42\"");
    // Not an endpoint file: the venue still has its one endpoint.
    assert_eq!(venues[0].endpoints.len(), 1);
}

#[test]
fn unknown_scheme() {
    assert_eq!(
        vector_errors("    scheme: hmac\n", "    scheme: rsa\n"),
        ["specs/v/vectors.yaml:6:5: vectors[0].scheme: no scheme `rsa` in signing.schemes (hmac)"]
    );
}

#[test]
fn unknown_credential() {
    assert_eq!(
        vector_errors(
            "      secret: s3cret\n",
            "      secret: s3cret\n      memo: m\n"
        ),
        [
            "specs/v/vectors.yaml:10:7: vectors[0].credentials.memo: `memo` is not a credential of the venue (api_key, secret)"
        ]
    );
}

#[test]
fn a_verified_vector_gives_every_credential() {
    assert_eq!(
        vector_errors("      secret: s3cret\n", ""),
        [
            "specs/v/vectors.yaml:7:5: vectors[0].credentials: a verified vector gives every credential its scheme `hmac` reads; `secret` is missing"
        ]
    );
}

#[test]
fn an_unverified_vector_needs_a_string_to_sign() {
    let broken = VECTORS
        .replace("      string_to_sign: timestamp=1700000000000\n", "")
        .replace("    verified: true\n", "    verified: false\n");
    assert_eq!(
        errors_for(&broken),
        [
            "specs/v/vectors.yaml:16:5: vectors[0].expect: a vector that is not `verified` is checked by its `string_to_sign`; give it"
        ]
    );
}

#[test]
fn unknown_endpoint() {
    assert_eq!(
        vector_errors("      endpoint: e\n", "      endpoint: f\n"),
        ["specs/v/vectors.yaml:11:7: vectors[0].request.endpoint: no endpoint `f` in this venue"]
    );
}

#[test]
fn a_param_the_scheme_adds() {
    assert_eq!(
        vector_errors(
            "        - { in: path, name: id, value: \"42\" }\n",
            "        - { in: path, name: id, value: \"42\" }\n        - { in: query, name: timestamp, value: 1 }\n"
        ),
        [
            "specs/v/vectors.yaml:15:11: vectors[0].request.params[1]: `timestamp` is added by scheme `hmac`: give it as the vector's `timestamp` or `credentials`"
        ]
    );
}

#[test]
fn a_param_where_the_endpoint_does_not_send_it() {
    assert_eq!(
        vector_errors("{ in: path, name: id", "{ in: query, name: id"),
        [
            "specs/v/vectors.yaml:14:11: vectors[0].request.params[0]: endpoint `e` sends `id` `in: path`"
        ]
    );
}

#[test]
fn a_key_file_that_is_missing() {
    assert_eq!(
        vector_errors(
            "      secret: s3cret\n",
            "      secret: { file: keys/none.pem }\n"
        ),
        [
            "specs/v/vectors.yaml:9:17: vectors[0].credentials.secret.file: cannot read `keys/none.pem`: No such file or directory (os error 2)"
        ]
    );
}

#[test]
fn a_key_file_outside_the_keys_folder() {
    assert_eq!(
        vector_errors(
            "      secret: s3cret\n",
            "      secret: { file: ../venue.yaml }\n"
        ),
        [
            "specs/v/vectors.yaml:9:17: vectors[0].credentials.secret.file: `../venue.yaml` must name a file of the venue's `keys/` folder"
        ]
    );
}

#[test]
fn unknown_field() {
    let errs = vector_errors(
        "    verified: true\n",
        "    verified: true\n    verfied: true\n",
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0]
            .starts_with("specs/v/vectors.yaml:20:5: vectors[0].verfied: unknown field `verfied`"),
        "{errs:?}"
    );
}

#[test]
fn an_http_endpoint_needs_a_base_url() {
    assert_eq!(
        vector_errors("      http: { base_url: https://example.test }\n", ""),
        [
            "specs/v/vectors.yaml:10:5: vectors[0].request.http: endpoint `e` is an HTTP one: give `http.base_url`"
        ]
    );
}
