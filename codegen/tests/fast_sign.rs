//! Which schemes get a signing function generated per endpoint: those whose request the
//! generator can fix from the spec. The others (digests, values assembled from the request)
//! are left to the engine, and the endpoint's `FAST_SCHEMES` says so. (A parameter given both
//! by the caller and by the scheme, which the generator would also leave to the engine, is
//! refused by the spec checks.)

use std::fs;

/// A venue with one scheme per case; `{schemes}` is replaced by the schemes' YAML.
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
";

/// An endpoint with a body, a query, a path parameter and an optional parameter.
const ENDPOINT: &str = "\
endpoint: e
name: E
summary: Place an order.
signed: true
transport:
  rest:
    method: POST
    path: /orders/{id}
request:
  params:
    id: { type: uuid, in: path, required: true }
    symbol: { type: string, in: body, required: true }
    qty: { type: i64, in: body }
    tag: { type: string, in: query }
    X-KEY: { type: string, in: header, supplied_by: signer }
    X-SIGN: { type: string, in: header, supplied_by: signer }
response:
  doc: The answer.
  fields:
    ok: { type: bool }
";

/// A scheme signing `payload`, adding `add`, placing the signature at `place`.
fn scheme(name: &str, add: &str, payload: &str, place: &str) -> String {
    format!(
        "    {name}:
      transport: rest
      key: hmac
      timestamp: ms
      add: {add}
      payload: {payload}
      sign: {{ algorithm: hmac_sha256, key: secret, output: hex }}
      place: {place}
"
    )
}

/// The `FAST_SCHEMES` line generated for the endpoint, with every scheme of `schemes`.
fn fast_schemes(schemes: &[String]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("specs/v");
    fs::create_dir_all(&v).unwrap();
    fs::write(v.join("venue.yaml"), format!("{VENUE}{}", schemes.concat())).unwrap();
    fs::write(v.join("e.yaml"), ENDPOINT).unwrap();
    let venues = codegen::load(&dir.path().join("specs"), dir.path())
        .unwrap_or_else(|e| panic!("specs do not load:\n{e}"));
    let code = codegen::pretty(codegen::generate::venue(&venues[0])).unwrap();
    code.lines()
        .find(|l| l.contains("pub const FAST_SCHEMES"))
        .unwrap_or_else(|| panic!("no FAST_SCHEMES in:\n{code}"))
        .trim()
        .to_string()
}

const KEY_HEADER: &str = "[{ in: header, name: X-KEY, value: [{ credential: api_key }] }]";
const SIGN_HEADER: &str = "{ in: header, name: X-SIGN }";

#[test]
fn a_plain_recipe_gets_a_function() {
    let schemes = [scheme(
        "plain",
        KEY_HEADER,
        "[timestamp, method, path, body, { params: { from: query, sort: true } }]",
        SIGN_HEADER,
    )];
    assert_eq!(
        fast_schemes(&schemes),
        r#"pub const FAST_SCHEMES: &[&str] = &["plain"];"#
    );
}

#[test]
fn recipes_the_spec_does_not_fix_are_left_to_the_engine() {
    let schemes = [
        scheme("plain", KEY_HEADER, "[timestamp, body]", SIGN_HEADER),
        // A digest of other parts.
        scheme(
            "digest",
            KEY_HEADER,
            "[{ digest: { algorithm: sha256, of: [body] } }]",
            SIGN_HEADER,
        ),
        // An added value assembled from the request.
        scheme(
            "assembled",
            "[{ in: header, name: X-KEY, value: [{ credential: api_key }, body] }]",
            "[body]",
            SIGN_HEADER,
        ),
    ];
    assert_eq!(
        fast_schemes(&schemes),
        r#"pub const FAST_SCHEMES: &[&str] = &["plain"];"#
    );
}
