//! WebSocket sessions over several endpoint files: what the log-on declares, documented texts.

use super::*;

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
