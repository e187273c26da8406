//! `conformance record` against a loopback venue that echoes the request's credentials back
//! in every form a real venue might (exact, re-cased, percent- and JSON-escaped, hex, base64
//! at every offset, split, inside a longer token, in headers): no form of any credential
//! reaches the fixture, stdout or stderr.

mod docs_order;
mod forms;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;

use docs_order::order_params;
use generated::runtime::registry::TransportInfo;

/// Credentials by name, long enough for the scrubber (the memo only just: its halves are
/// five bytes), with characters that percent- and JSON-encoding change.
fn credential_value(name: &str) -> String {
    match name {
        "api_key" => "AK9f/X2LmN7pR4sVq8Tz".into(),
        "secret" => "sEcR3t+Zq/w 8Lm!Np5Rx2Vb".into(),
        "memo" => "7Qz/w+Kp 3".into(),
        other => format!("Cr3d/{other}+Zq9 Lm7Kw"),
    }
}

/// What the echo venue answers.
#[derive(Clone, Copy)]
enum Answer {
    /// A JSON body (status 200) holding every form, and the request head.
    Json,
    /// An HTML error page (status 502) holding every form.
    Html,
    /// Nothing: the connection is closed once the request is read.
    Drop,
}

/// The JSON body: one member per form and credential, a member named after each credential,
/// and the request head as received.
fn json_body(creds: &[String], head: &str) -> String {
    let mut members = vec![
        "\"code\":1000".to_owned(),
        format!("\"request\":{}", serde_json::to_string(head).unwrap()),
    ];
    for (i, c) in creds.iter().enumerate() {
        members.push(format!("{}:1", serde_json::to_string(c).unwrap()));
        for (j, form) in forms::all().into_iter().enumerate() {
            for (p, value) in forms::json_values(c, form).into_iter().enumerate() {
                members.push(format!("\"c{i}_f{j}_{p}\":{value}"));
            }
        }
    }
    format!("{{{}}}", members.join(","))
}

fn html_body(creds: &[String], head: &str) -> String {
    let mut out = String::from("<html><body><h1>502 Bad Gateway</h1><pre>");
    out.push_str(head);
    for c in creds {
        for form in forms::all() {
            out.push_str(&format!("<p>{}</p>", forms::text(c, form).join(" | ")));
        }
    }
    out.push_str("</pre></body></html>");
    out
}

/// Reads one request (head and body); `None` when the connection ends first.
fn read_request(sock: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let len = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = sock.read(&mut chunk).ok().filter(|&n| n > 0)?;
                buf.extend_from_slice(&chunk[..n]);
            }
            return Some(String::from_utf8_lossy(&buf[..end + 4 + len]).into_owned());
        }
        let n = sock.read(&mut chunk).ok().filter(|&n| n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// A loopback venue answering every request with `answer`; serves until the test ends.
fn echo_venue(creds: Vec<String>, answer: Answer) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for sock in listener.incoming() {
            let Ok(mut sock) = sock else { return };
            sock.set_read_timeout(Some(std::time::Duration::from_secs(10)))
                .unwrap();
            while let Some(request) = read_request(&mut sock) {
                let (status, kind, body) = match answer {
                    Answer::Json => (200, "application/json", json_body(&creds, &request)),
                    Answer::Html => (502, "text/html", html_body(&creds, &request)),
                    Answer::Drop => break,
                };
                let mut headers = String::new();
                for (i, c) in creds.iter().enumerate() {
                    for form in [forms::Form::Upper, forms::Form::HexLower] {
                        headers.push_str(&format!("X-Echo-{i}: {}\r\n", forms::text(c, form)[0]));
                    }
                }
                let out = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n{headers}\r\n{body}",
                    body.len()
                );
                if sock.write_all(out.as_bytes()).is_err() {
                    break;
                }
            }
        }
    });
    url
}

/// Every file under `dir`, with its contents.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
    out
}

/// Runs `conformance record` for `venue` against an echo venue answering `answer`; returns
/// the exit code, stdout, stderr and the files written, having checked that no form of any
/// credential is in any of them.
fn record(
    venue: &generated::runtime::registry::VenueInfo,
    answer: Answer,
) -> (i32, String, String, Vec<(String, String)>) {
    let endpoint = venue
        .endpoints
        .iter()
        .find(|e| e.signed && matches!(e.transport, TransportInfo::Rest { .. }))
        .unwrap();
    let keys = conformance::mock::MockCredentials::defaults(venue);
    let creds: Vec<(&str, String)> = venue
        .credentials
        .iter()
        .filter(|c| keys.iter().any(|(n, k)| n == c.name && k.file.is_none()))
        .map(|c| (c.name, credential_value(c.name)))
        .collect();
    let values: Vec<String> = creds.iter().map(|(_, v)| v.clone()).collect();
    let url = echo_venue(values.clone(), answer);
    let dir = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = ["record", "--venue", venue.id, "--endpoint", endpoint.id]
        .map(String::from)
        .to_vec();
    for (name, value) in order_params(venue, endpoint) {
        args.push("--param".into());
        args.push(format!("{name}={value}"));
    }
    for (name, value) in &creds {
        args.push("--credential".into());
        args.push(format!("{name}={value}"));
    }
    // Keys are the mock's test key files (a venue whose every scheme signs with one).
    for (name, k) in keys.iter() {
        if let Some(file) = &k.file {
            args.push("--credential-file".into());
            args.push(format!("{name}={}", file.display()));
        }
    }
    let out = dir.path().display().to_string();
    args.extend(
        [
            "--base-url",
            &url,
            "--no-env",
            "--attempts",
            "1",
            "--out",
            &out,
            "--name",
            "echo",
        ]
        .map(String::from),
    );
    let run = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .args(&args)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&run.stdout).into_owned(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    );
    let written = files(dir.path());
    for c in &values {
        let forbidden = forms::forbidden(c);
        let outputs = [("stdout", &stdout), ("stderr", &stderr)]
            .into_iter()
            .map(|(n, t)| (n.to_owned(), t.clone()))
            .chain(written.iter().cloned());
        for (name, text) in outputs {
            if let Some(leak) = forms::leak(&text, &forbidden) {
                panic!(
                    "{}: `{leak}` (from {c:?}) reached {name}:\n{text}",
                    venue.id
                );
            }
        }
    }
    (run.status.code().unwrap_or(-1), stdout, stderr, written)
}

fn rest_venues() -> impl Iterator<Item = &'static generated::runtime::registry::VenueInfo> {
    generated::VENUES.iter().filter(|v| {
        v.endpoints
            .iter()
            .any(|e| e.signed && matches!(e.transport, TransportInfo::Rest { .. }))
    })
}

#[test]
fn echoed_credentials_in_every_form_never_reach_the_fixture_or_the_terminal() {
    let mut venues = 0;
    for venue in rest_venues() {
        venues += 1;
        let (code, out, err, written) = record(venue, Answer::Json);
        assert_eq!(code, 0, "{}: {out}\n{err}", venue.id);
        assert_eq!(written.len(), 1, "{}: one fixture: {written:?}", venue.id);
        let fixture: serde_json::Value = serde_json::from_str(&written[0].1).unwrap();
        assert!(fixture.to_string().contains("[redacted]"), "{fixture}");
        let redacted = out
            .lines()
            .find_map(|l| l.trim().strip_prefix("credentials redacted: "))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or_else(|| panic!("{}: no count in {out}", venue.id));
        assert!(redacted > forms::all().len(), "{}: {redacted}", venue.id);
    }
    assert!(venues >= 3, "bitmart, htx and p99 are REST venues");
}

#[test]
fn an_echoing_error_page_is_refused_with_its_body_redacted() {
    for venue in rest_venues() {
        let (code, out, err, written) = record(venue, Answer::Html);
        assert_eq!(code, 1, "{}: {out}\n{err}", venue.id);
        assert!(written.is_empty(), "{}: {written:?}", venue.id);
        assert!(
            err.contains("not JSON") && err.contains("502 Bad Gateway"),
            "{err}"
        );
        assert!(err.contains("[redacted]"), "{err}");
    }
}

#[test]
fn a_transport_failure_prints_no_credential() {
    for venue in rest_venues() {
        let (code, out, err, written) = record(venue, Answer::Drop);
        assert_ne!(code, 0, "{}: {out}\n{err}", venue.id);
        assert!(written.is_empty(), "{}: {written:?}", venue.id);
        assert!(!err.is_empty(), "{}: the failure is reported", venue.id);
    }
}
