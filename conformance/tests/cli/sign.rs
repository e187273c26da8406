//! `conformance sign`: environment headers, refused credentials, session requests and their
//! log-on.

use super::*;

/// `name=value` for the parameter that selects the order (the endpoint's first match), with
/// the value the docs' success example holds.
fn order_params(v: &conformance::VenueInfo, e: &conformance::EndpointInfo) -> Vec<String> {
    use generated::runtime::registry::{ExampleKind, ExampleScope};
    if e.matches.is_empty() {
        return Vec::new();
    }
    let x = e
        .examples
        .iter()
        .find(|x| x.kind == ExampleKind::Success && x.scope == ExampleScope::Body)
        .unwrap_or_else(|| panic!("{}/{}: no whole-body success example", v.id, e.id));
    let body: serde_json::Value = serde_json::from_str(x.body).unwrap();
    let payload = v.record_in(e, &body).unwrap();
    // Every parameter that selects the order, from the documented order (a query may need
    // both an id and the order's symbol): those whose field the order holds, each kept only
    // while the request still builds (one of an exactly-one-of group is enough).
    let mut params: Vec<(String, String)> = Vec::new();
    for m in e.matches {
        let value = match payload
            .pointer(m.pointer)
            .unwrap_or(&serde_json::Value::Null)
        {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        params.push((m.param.to_string(), value));
        let refs: Vec<(&str, &str)> = params
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        if let Err(generated::runtime::request::RequestError::ExactlyOneOf { .. }) =
            (e.build)(&refs)
        {
            params.pop();
        }
    }
    params
        .into_iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect()
}

/// `sign --env` prints the headers the environment adds to every request (not signed), for
/// every environment that has some.
#[test]
fn sign_prints_the_headers_an_environment_adds() {
    use generated::runtime::registry::TransportInfo;
    use generated::runtime::signing::{KeyKind, SchemeTransport};
    let mut seen = 0;
    for v in conformance::VENUES {
        let Some(endpoint) = v
            .endpoints
            .iter()
            .find(|e| matches!(e.transport, TransportInfo::Rest { .. }))
        else {
            continue;
        };
        let Some(scheme) = v
            .schemes
            .iter()
            .find(|s| s.transport == SchemeTransport::Rest && s.key == KeyKind::Hmac)
        else {
            continue;
        };
        for env in v.environments.iter().filter(|e| !e.headers.is_empty()) {
            let mut args: Vec<String> = ["sign", "--no-env", "--venue", v.id, "--endpoint"]
                .map(String::from)
                .to_vec();
            args.extend([endpoint.id.into(), "--env".into(), env.name.into()]);
            args.extend(["--scheme".into(), scheme.name.into()]);
            for p in order_params(v, endpoint) {
                args.extend(["--param".into(), p]);
            }
            for c in scheme.credentials {
                args.extend(["--credential".into(), format!("{c}=plain")]);
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, out, err) = conformance(&args);
            assert_eq!(code, 0, "{} {}: {err}", v.id, env.name);
            for (name, value) in env.headers {
                let line = format!(
                    "# environment `{}` also sends (not signed) {name}: {value}",
                    env.name
                );
                assert!(out.lines().any(|l| l == line), "{}: {out}", v.id);
            }
            seen += 1;
        }
    }
    assert!(seen >= 1, "no environment adds headers");
}

/// `sign` refuses a credential holding CR/LF (or another control character) for each venue
/// whose scheme places one in a header, naming the header and not the value: it used to print
/// the injected line as a header of its own.
#[test]
fn sign_refuses_a_control_character_in_a_header_credential() {
    use generated::runtime::registry::TransportInfo;
    use generated::runtime::request::Location;
    use generated::runtime::signing::{Part, SchemeTransport};
    let mut covered = Vec::new();
    for v in conformance::VENUES {
        let rest = v
            .schemes
            .iter()
            .filter(|s| s.transport == SchemeTransport::Rest);
        for s in rest {
            let in_header = s
                .add
                .iter()
                .filter(|a| a.location == Location::Header)
                .flat_map(|a| a.value.iter().map(move |p| (&*a.name, p)));
            for (header, part) in in_header {
                let Part::Credential(name) = part else {
                    continue;
                };
                // (Binance's REST scheme has no endpoint here: the library test covers it.)
                let Some(endpoint) = v
                    .endpoints
                    .iter()
                    .find(|e| e.signed && matches!(e.transport, TransportInfo::Rest { .. }))
                else {
                    continue;
                };
                let args = sign_args_with_crlf(v, endpoint, s, name);
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let (code, out, err) = conformance(&args);
                let what = format!("{} {} {name}:\n{out}\n{err}", v.id, s.name);
                assert_ne!(code, 0, "{what}");
                assert!(!out.contains("X-Evil") && !err.contains("X-Evil"), "{what}");
                assert!(
                    err.contains(&format!("header `{header}`"))
                        && err.contains("control character"),
                    "{what}"
                );
                covered.push(v.id);
            }
        }
    }
    assert!(
        covered.contains(&"bitmart") && covered.contains(&"p99"),
        "{covered:?}"
    );
}

/// `sign` arguments for the docs' order of `endpoint` with scheme `s`, the credential `name`
/// holding CR/LF and an injected header, the others plain (an RSA signing key: the fixtures'
/// test key).
fn sign_args_with_crlf(
    v: &conformance::VenueInfo,
    endpoint: &conformance::EndpointInfo,
    s: &generated::runtime::signing::Scheme,
    name: &str,
) -> Vec<String> {
    use generated::runtime::signing::KeyKind;
    let mut args: Vec<String> = [
        "sign",
        "--no-env",
        "--venue",
        v.id,
        "--endpoint",
        endpoint.id,
        "--scheme",
        s.name,
        "--timestamp",
        "1700000000000",
    ]
    .map(String::from)
    .to_vec();
    for p in order_params(v, endpoint) {
        args.extend(["--param".into(), p]);
    }
    for c in s.credentials {
        let signs = s.sign.as_ref().is_some_and(|g| g.key == *c);
        if signs && s.key == KeyKind::Rsa {
            let pem = format!(
                "{}/fixtures/vectors/keys/ccxt_test_rsa2048.pem",
                env!("CARGO_MANIFEST_DIR")
            );
            args.extend(["--credential-file".into(), format!("{c}={pem}")]);
            continue;
        }
        let value = if *c == name {
            "key\r\nX-Evil: 1"
        } else {
            "plain"
        };
        args.extend(["--credential".into(), format!("{c}={value}")]);
    }
    args
}

/// Deribit's private methods go on a connection logged on with `public/auth`: `sign` shows the
/// frame as a client sends it (the docs' JS example: only `order_id`), and the log-on frame
/// signed over `timestamp + "\n" + nonce + "\n" + data` with the nonce it sends.
#[test]
fn sign_shows_a_session_request_and_its_logon() {
    let creds = [
        "--credential",
        "client_id=AMANDA",
        "--credential",
        "client_secret=AMANDASECRECT",
    ];
    let mut args = vec!["sign", "--no-env", "--venue", "deribit", "--endpoint"];
    args.extend(["get_order_state", "--param", "order_id=ETH-331562"]);
    args.extend(creds);
    let (code, out, err) = conformance(&args);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("# deribit get_order_state via scheme `ws_session`\n# on a connection logged on first with `public_auth`"), "{out}");
    let frame: serde_json::Value = serde_json::from_str(&out[out.find('{').unwrap()..]).unwrap();
    assert_eq!(frame["jsonrpc"], "2.0");
    assert_eq!(
        frame["params"],
        serde_json::json!({ "order_id": "ETH-331562" })
    );

    let mut args = vec!["sign", "--no-env", "--venue", "deribit", "--endpoint"];
    args.extend(["public_auth", "--timestamp", "1576074319000"]);
    args.extend(creds);
    let (code, out, err) = conformance(&args);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("# deribit public_auth via scheme `ws_signature`\n"),
        "{out}"
    );
    let frame: serde_json::Value = serde_json::from_str(&out[out.find('{').unwrap()..]).unwrap();
    let p = &frame["params"];
    assert_eq!(p["grant_type"], "client_signature");
    assert_eq!(p["client_id"], "AMANDA");
    assert_eq!(p["timestamp"], 1576074319000_i64);
    let nonce = p["nonce"].as_str().unwrap();
    assert!(
        nonce.len() == 8 && nonce.bytes().all(|b| b.is_ascii_hexdigit()),
        "{nonce}"
    );
    let to_sign = format!("# string to sign: \"1576074319000\\n{nonce}\\n\"\n");
    assert!(out.contains(&to_sign), "{out}");
}
