//! `conformance check` against the embedded mock venue: for every endpoint, requests signed by
//! the generated signers go over loopback sockets (reqwest, tokio-tungstenite) to the mock,
//! and each answer must be what the docs say.
//!
//! | Scenario | Request | Answer |
//! |---|---|---|
//! | docs order | the order of the docs' success example | that example's body (a WebSocket answer with the request's `id`) |
//! | unknown order | another value of the selecting parameter (`matches`) | an error documented with kind `not_found` |
//! | wrong secret | signed with another secret | an error documented with kind `auth` |
//! | stale timestamp | signed 10 minutes ago | an error documented with kind `timestamp_outside_window` (or `auth` where the venue documents nothing of its own) |
//!
//! An error is "documented with kind K" when its body's code is in the venue's codes table with
//! kind K (and its documented HTTP status, if any, is the status) and the body parses as the
//! venue's error body; or, for an empty body, when the venue lists a status-only error of kind
//! K with that status.

use std::fmt::Write as _;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use generated::runtime::registry::{
    EndpointInfo, ErrorKind, ExampleKind, ExampleScope, TransportInfo, VenueInfo,
};
use generated::runtime::request::{RequestError, WireRequest};
use generated::runtime::signing::{
    Credentials, SchemeTransport, SignedHttp, Signer, SystemClock, Timestamp,
};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

use crate::mock::MockHandle;

/// The scenarios, in column order.
pub const SCENARIOS: [&str; 4] = [
    "docs order",
    "unknown order",
    "wrong secret",
    "stale timestamp",
];

/// The outcome of one endpoint against the mock.
#[derive(Debug, Clone)]
pub struct MockRow {
    /// Venue id.
    pub venue: &'static str,
    /// Endpoint id.
    pub endpoint: &'static str,
    /// One outcome per scenario of [`SCENARIOS`]; `None` when it does not apply (an endpoint
    /// without a selecting parameter has no unknown order).
    pub outcomes: Vec<Option<Result<(), String>>>,
}

impl MockRow {
    /// Whether every scenario that applies passed.
    pub fn passed(&self) -> bool {
        self.outcomes.iter().flatten().all(Result::is_ok)
    }
}

/// An answer: HTTP status (a WebSocket frame's `status`) and body text.
struct Answer {
    status: u16,
    body: String,
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn docs_success(e: &EndpointInfo) -> Option<Value> {
    let x = e
        .examples
        .iter()
        .find(|x| x.kind == ExampleKind::Success && x.scope == ExampleScope::Body)?;
    serde_json::from_str(x.body).ok()
}

/// Parameters naming the docs' order: the first selecting parameter, and every other required
/// parameter from the payload member of the same name.
fn order_params(
    v: &VenueInfo,
    e: &EndpointInfo,
    body: &Value,
) -> Result<Vec<(String, String)>, String> {
    let payload = match v.payload_pointer {
        Some(p) => body.pointer(p).cloned().unwrap_or(Value::Null),
        None => body.clone(),
    };
    let mut pairs: Vec<(String, String)> = e
        .matches
        .first()
        .map(|m| (m.param.to_string(), text(&payload[m.field])))
        .into_iter()
        .collect();
    for _ in 0..=e.params.len() {
        let refs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        match (e.build)(&refs) {
            Ok(_) => return Ok(pairs),
            Err(RequestError::Missing { param }) if payload.get(param).is_some() => {
                pairs.push((param.into(), text(&payload[param])));
            }
            Err(other) => return Err(format!("cannot build the docs' order request: {other}")),
        }
    }
    Err("cannot build the docs' order request".into())
}

/// A value of the same form that names no seeded order.
fn unknown(value: &str) -> String {
    if uuid::Uuid::parse_str(value).is_ok() {
        "00000000-0000-4000-8000-000000000000".into()
    } else if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        format!("9{value}")
    } else {
        format!("{value}-missing")
    }
}

fn wire(e: &EndpointInfo, pairs: &[(String, String)]) -> Result<WireRequest<'static>, String> {
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    (e.build)(&refs).map_err(|err| err.to_string())
}

async fn send_http(client: &reqwest::Client, s: &SignedHttp) -> Result<Answer, String> {
    let method = reqwest::Method::from_bytes(s.method().as_bytes()).map_err(|e| e.to_string())?;
    let mut rb = client.request(method, s.url());
    for (name, value, _) in s.headers() {
        rb = rb.header(name, value);
    }
    if let Some(b) = s.body() {
        rb = rb.body(b.to_string());
    }
    let r = rb.send().await.map_err(|e| format!("transport: {e}"))?;
    let status = r.status().as_u16();
    let body = r.text().await.map_err(|e| format!("transport: {e}"))?;
    Ok(Answer { status, body })
}

async fn send_ws(url: &str, frame: String) -> Result<Answer, String> {
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .map_err(|e| format!("transport: {e}"))?;
    ws.send(Message::Text(frame.into()))
        .await
        .map_err(|e| format!("transport: {e}"))?;
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                let body = t.as_str().to_string();
                let v: Value = serde_json::from_str(&body).map_err(|e| format!("not JSON: {e}"))?;
                let status = v["status"]
                    .as_u64()
                    .and_then(|s| u16::try_from(s).ok())
                    .unwrap_or(0);
                let _ = ws.close(None).await;
                return Ok(Answer { status, body });
            }
            Ok(Some(Ok(_))) => continue,
            other => return Err(format!("no answer: {other:?}")),
        }
    }
}

/// Checks that `a` is an error documented with `kind` (or `fallback`).
fn documented(
    v: &VenueInfo,
    e: &EndpointInfo,
    kind: ErrorKind,
    fallback: Option<ErrorKind>,
    a: &Answer,
) -> Result<(), String> {
    let kinds: Vec<ErrorKind> = std::iter::once(kind).chain(fallback).collect();
    if a.body.is_empty() {
        return if v
            .error_statuses
            .iter()
            .any(|s| s.http == a.status && kinds.contains(&s.kind))
        {
            Ok(())
        } else {
            Err(format!(
                "HTTP {} with no body, not a documented {kind:?} status",
                a.status
            ))
        };
    }
    let body: Value = serde_json::from_str(&a.body)
        .map_err(|_| format!("HTTP {}: body is not JSON: {:.80}", a.status, a.body))?;
    let code = body
        .pointer(v.error_code_pointer)
        .ok_or_else(|| format!("HTTP {}: no error code in {:.80}", a.status, a.body))?;
    let info = v
        .error_codes
        .iter()
        .find(|c| match c.code {
            generated::runtime::registry::ErrorCodeValue::Int(i) => code.as_i64() == Some(i),
            generated::runtime::registry::ErrorCodeValue::Str(s) => code.as_str() == Some(s),
        })
        .ok_or_else(|| format!("code {code} is not documented"))?;
    // The kind is what the generated client makes of the answer (message-specific entries
    // included), not just the code's first table entry.
    let http = match e.transport {
        generated::runtime::registry::TransportInfo::Ws { .. } => None,
        generated::runtime::registry::TransportInfo::Rest { .. } => Some(a.status),
    };
    let got =
        generated::runtime::error::classify::error(v, e.id, http, a.body.as_bytes(), None).kind();
    if !kinds.contains(&got) {
        return Err(format!(
            "code {code} is classified as {got:?}, not {kind:?}"
        ));
    }
    if let Some(http) = info.http
        && http != a.status
    {
        return Err(format!(
            "code {code} comes with HTTP {http}, got {}",
            a.status
        ));
    }
    (e.roundtrip)(ExampleKind::Error, ExampleScope::Body, &a.body)
        .map(|_| ())
        .map_err(|err| format!("not the venue's error body: {err}"))
}

/// Whether the venue documents anything of kind `timestamp_outside_window` (otherwise a stale
/// timestamp is an auth failure).
fn has_own_timestamp_error(v: &VenueInfo) -> bool {
    v.error_codes
        .iter()
        .any(|c| c.kind == Some(ErrorKind::TimestampOutsideWindow))
        || v.error_statuses
            .iter()
            .any(|s| s.kind == ErrorKind::TimestampOutsideWindow)
}

/// What one signed request needs.
struct Case<'a> {
    mock: &'a MockHandle,
    client: &'a reqwest::Client,
    venue: &'static VenueInfo,
    endpoint: &'static EndpointInfo,
}

impl Case<'_> {
    async fn call(
        &self,
        pairs: &[(String, String)],
        creds: &Credentials,
        ts: &Timestamp,
        id: &str,
    ) -> Result<Answer, String> {
        let (v, e) = (self.venue, self.endpoint);
        let wire = wire(e, pairs)?;
        match e.transport {
            TransportInfo::Rest { .. } => {
                let signer = Signer::choose(v.schemes, SchemeTransport::Rest, creds)
                    .map_err(|err| err.to_string())?;
                let base = self.mock.rest_base(v.id).ok_or("no REST base URL")?;
                let signed = signer
                    .sign_http(&wire, base, ts, &SystemClock)
                    .map_err(|err| err.to_string())?;
                send_http(self.client, &signed).await
            }
            TransportInfo::Ws { .. } => {
                let signer = Signer::choose(v.schemes, SchemeTransport::Ws, creds)
                    .map_err(|err| err.to_string())?;
                let url = self.mock.ws_url(v.id).ok_or("no WebSocket URL")?;
                let signed = signer
                    .sign_ws(&wire, id, ts, &SystemClock)
                    .map_err(|err| err.to_string())?;
                send_ws(url, signed.frame_text().to_string()).await
            }
        }
    }

    async fn run(&self) -> Vec<Option<Result<(), String>>> {
        let (v, e) = (self.venue, self.endpoint);
        let ws = matches!(e.transport, TransportInfo::Ws { .. });
        let Some(docs) = docs_success(e) else {
            let none = Err("no whole-body success example".to_string());
            return vec![Some(none.clone()), None, Some(none.clone()), Some(none)];
        };
        let pairs = match order_params(v, e, &docs) {
            Ok(p) => p,
            Err(err) => {
                return vec![
                    Some(Err(err.clone())),
                    None,
                    Some(Err(err.clone())),
                    Some(Err(err)),
                ];
            }
        };
        let good = match self.mock.signing_credentials(v.id) {
            Ok(c) => c,
            Err(err) => return vec![Some(Err(err.to_string())); 4],
        };

        let ok = self
            .call(&pairs, &good, &Timestamp::Now, "docs-order")
            .await
            .and_then(|a| {
                let mut expected = docs.clone();
                if ws && expected.get("id").is_some() {
                    expected["id"] = Value::from("docs-order");
                }
                let got: Value = serde_json::from_str(&a.body)
                    .map_err(|_| format!("HTTP {}: not JSON: {:.80}", a.status, a.body))?;
                if got == expected {
                    Ok(())
                } else {
                    Err(format!(
                        "HTTP {}: not the docs' example: {:.120}",
                        a.status, a.body
                    ))
                }
            });

        let unknown_order = match e.matches.first() {
            None => None,
            Some(m) => {
                let mut missing = pairs.clone();
                if let Some(slot) = missing.iter_mut().find(|(n, _)| n == m.param) {
                    slot.1 = unknown(&slot.1);
                }
                Some(
                    self.call(&missing, &good, &Timestamp::Now, "unknown-order")
                        .await
                        .and_then(|a| documented(v, e, ErrorKind::NotFound, None, &a)),
                )
            }
        };

        let wrong_secret = async {
            let transport = if ws {
                SchemeTransport::Ws
            } else {
                SchemeTransport::Rest
            };
            let key = Signer::choose(v.schemes, transport, &good)
                .map_err(|err| err.to_string())?
                .scheme()
                .sign
                .map(|s| s.key);
            let mut wrong = good.clone();
            match key {
                Some(k) => wrong
                    .set(k, "not-the-secret")
                    .map_err(|err| err.to_string())?,
                None => return Err("the chosen scheme signs nothing".to_string()),
            };
            let a = self
                .call(&pairs, &wrong, &Timestamp::Now, "wrong-secret")
                .await?;
            documented(v, e, ErrorKind::Auth, None, &a)
        }
        .await;

        let stale = Timestamp::AtMillis(chrono::Utc::now().timestamp_millis() - 10 * 60 * 1000);
        let fallback = (!has_own_timestamp_error(v)).then_some(ErrorKind::Auth);
        let stale = self
            .call(&pairs, &good, &stale, "stale-timestamp")
            .await
            .and_then(|a| documented(v, e, ErrorKind::TimestampOutsideWindow, fallback, &a));

        vec![Some(ok), unknown_order, Some(wrong_secret), Some(stale)]
    }
}

/// Runs every scenario for every signed endpoint of `venues` against `mock`.
pub async fn run(mock: &MockHandle, venues: &[&'static VenueInfo]) -> Vec<MockRow> {
    let client = match reqwest::Client::builder().no_proxy().build() {
        Ok(c) => c,
        Err(err) => {
            return venues
                .iter()
                .flat_map(|v| v.endpoints.iter().map(move |e| (v, e)))
                .map(|(v, e)| MockRow {
                    venue: v.id,
                    endpoint: e.id,
                    outcomes: vec![Some(Err(format!("no HTTP client: {err}"))); 4],
                })
                .collect();
        }
    };
    let mut rows = Vec::new();
    for v in venues {
        for e in v.endpoints.iter().filter(|e| e.signed) {
            let case = Case {
                mock,
                client: &client,
                venue: v,
                endpoint: e,
            };
            rows.push(MockRow {
                venue: v.id,
                endpoint: e.id,
                outcomes: case.run().await,
            });
        }
    }
    rows
}

/// Renders the rows as a table, then one line per failure.
pub fn render(rows: &[MockRow]) -> String {
    let mut out = String::from("\nmock venue (embedded, loopback)\n");
    let _ = write!(out, "  {:<14}{:<22}", "venue", "endpoint");
    for s in SCENARIOS {
        let _ = write!(out, "{s:<17}");
    }
    out.push_str("result\n");
    for r in rows {
        let _ = write!(out, "  {:<14}{:<22}", r.venue, r.endpoint);
        for o in &r.outcomes {
            let cell = match o {
                None => "-",
                Some(Ok(())) => "ok",
                Some(Err(_)) => "FAILED",
            };
            let _ = write!(out, "{cell:<17}");
        }
        out.push_str(if r.passed() { "ok\n" } else { "FAILED\n" });
    }
    for r in rows {
        for (s, o) in SCENARIOS.iter().zip(&r.outcomes) {
            if let Some(Err(e)) = o {
                let _ = writeln!(out, "  {}/{} {s}: {e}", r.venue, r.endpoint);
            }
        }
    }
    let passed = rows.iter().filter(|r| r.passed()).count();
    let _ = writeln!(
        out,
        "mock: {passed}/{} endpoints answered as documented",
        rows.len()
    );
    out
}
