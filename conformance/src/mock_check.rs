//! `conformance check` against the embedded mock venue: for every signed endpoint, requests go
//! through the generated client (`ClientCore::call_json`, as `conformance query` sends them:
//! signed, over loopback sockets, classified and decoded) to the mock, and each outcome must be
//! what the docs say.
//!
//! | Scenario | Request | Outcome |
//! |---|---|---|
//! | docs order | the order of the docs' success example | the payload of that example |
//! | unknown order | another value of the selecting parameter (`matches`) | a `NotFound` error the venue documents |
//! | wrong secret | signed with another secret | an `Auth` error the venue documents |
//! | stale timestamp | the client's clock 10 minutes behind | a `TimestampOutsideWindow` error the venue documents (or `Auth` where the venue documents nothing of its own) |
//!
//! An error is "documented with kind K" when the client classifies it as K, its body's code is
//! in the venue's codes table (with that HTTP status, if the table gives one) and the body
//! parses as the venue's error body; or, for an empty body, when the venue lists a
//! status-only error of kind K with that status.
//!
//! Then the round trips, each with a fault injected by the mock into one request:
//!
//! | Round trip | Fault | Outcome |
//! |---|---|---|
//! | 429 -> ok | 429 with `Retry-After: 1` | the docs' payload after 2 attempts, not before the second (REST) |
//! | 500 -> ok | the venue's documented server error | the docs' payload after 2 attempts |
//! | reset -> ok | the TCP connection reset | the docs' payload after 2 attempts |
//! | truncated | the answer cut in half | a `Decode` error keeping the cut body |
//! | html | a proxy's HTML 502 page (HTTP only) | a `Decode` error keeping the page |

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use generated::runtime::client::{ClientBuilder, ClientCore, ClockCorrection, Reply};
use generated::runtime::error::VenueError;
use generated::runtime::registry::{
    EndpointInfo, ErrorCodeValue, ErrorKind, ExampleKind, ExampleScope, TransportInfo, VenueInfo,
};
use generated::runtime::request::RequestError;
use generated::runtime::signing::{Credentials, FixedClock, SchemeTransport, Signer};
use generated::runtime::transport::retry::RetryPolicy;
use serde_json::Value;

use crate::mock::{Fault, FaultRule, MockHandle};

/// The scenarios of the first table, in column order.
pub const SCENARIOS: [&str; 4] = [
    "docs order",
    "unknown order",
    "wrong secret",
    "stale timestamp",
];

/// The round trips of the second table, in column order.
pub const ROUND_TRIPS: [&str; 5] = ["429 -> ok", "500 -> ok", "reset -> ok", "truncated", "html"];

/// What the `Retry-After` of the injected 429 asks for (seconds).
const RETRY_AFTER_S: u64 = 1;

/// The outcome of one scenario and how long it took (all attempts included).
#[derive(Debug, Clone)]
pub struct Cell {
    /// `Err` says what was wrong.
    pub outcome: Result<(), String>,
    /// From the call to its result.
    pub took: Duration,
}

/// The outcome of one endpoint against the mock.
#[derive(Debug, Clone)]
pub struct MockRow {
    /// Venue id.
    pub venue: &'static str,
    /// Endpoint id.
    pub endpoint: &'static str,
    /// One cell per scenario of [`SCENARIOS`]; `None` when it does not apply (an endpoint
    /// without a selecting parameter has no unknown order).
    pub outcomes: Vec<Option<Cell>>,
    /// One cell per round trip of [`ROUND_TRIPS`]; `None` when it does not apply (an HTML
    /// page over a WebSocket).
    pub round_trips: Vec<Option<Cell>>,
}

impl MockRow {
    /// Whether every scenario that applies passed.
    pub fn passed(&self) -> bool {
        self.scenarios_passed() && self.round_trips_passed()
    }

    /// Whether every scenario of the first table that applies passed.
    pub fn scenarios_passed(&self) -> bool {
        self.outcomes.iter().flatten().all(|c| c.outcome.is_ok())
    }

    /// Whether every round trip that applies passed.
    pub fn round_trips_passed(&self) -> bool {
        self.round_trips.iter().flatten().all(|c| c.outcome.is_ok())
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn refs(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect()
}

/// The docs' first whole-body success example and its payload.
fn docs_success(v: &VenueInfo, e: &EndpointInfo) -> Option<(Value, Value)> {
    let x = e
        .examples
        .iter()
        .find(|x| x.kind == ExampleKind::Success && x.scope == ExampleScope::Body)?;
    let body: Value = serde_json::from_str(x.body).ok()?;
    let payload = match v.payload_pointer {
        Some(p) => body.pointer(p)?.clone(),
        None => body.clone(),
    };
    Some((body, payload))
}

/// Parameters naming the docs' order: the first selecting parameter, and every other required
/// parameter from the payload member of the same name.
fn order_params(e: &EndpointInfo, payload: &Value) -> Result<Vec<(String, String)>, String> {
    let mut pairs: Vec<(String, String)> = e
        .matches
        .first()
        .map(|m| (m.param.to_string(), text(&payload[m.field])))
        .into_iter()
        .collect();
    for _ in 0..=e.params.len() {
        match (e.build)(&refs(&pairs)) {
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

fn code_equals(code: ErrorCodeValue, v: &Value) -> bool {
    match code {
        ErrorCodeValue::Int(i) => v.as_i64() == Some(i),
        ErrorCodeValue::Str(s) => v.as_str() == Some(s),
    }
}

/// Checks that the client's error is one documented with `kind` (or `fallback`).
fn documented(
    v: &VenueInfo,
    e: &EndpointInfo,
    kind: ErrorKind,
    fallback: Option<ErrorKind>,
    err: &VenueError,
) -> Result<(), String> {
    let kinds: Vec<ErrorKind> = std::iter::once(kind).chain(fallback).collect();
    if !kinds.contains(&err.kind()) {
        return Err(format!("expected {kind:?}, got {:?}: {err}", err.kind()));
    }
    let status = err.http_status();
    let raw = err
        .raw_body()
        .ok_or_else(|| format!("no answer from the venue: {err}"))?;
    if raw.is_empty() {
        return if v
            .error_statuses
            .iter()
            .any(|s| Some(s.http) == status && kinds.contains(&s.kind))
        {
            Ok(())
        } else {
            Err(format!(
                "HTTP {status:?} with no body, not a documented {kind:?} status"
            ))
        };
    }
    let body: Value = serde_json::from_str(raw)
        .map_err(|_| format!("HTTP {status:?}: body is not JSON: {raw:.80}"))?;
    let code = body
        .pointer(v.error_code_pointer)
        .ok_or_else(|| format!("HTTP {status:?}: no error code in {raw:.80}"))?;
    let info = v
        .error_codes
        .iter()
        .find(|c| code_equals(c.code, code))
        .ok_or_else(|| format!("code {code} is not documented"))?;
    if let Some(http) = info.http
        && Some(http) != status
    {
        return Err(format!(
            "code {code} comes with HTTP {http}, got {status:?}"
        ));
    }
    (e.roundtrip)(ExampleKind::Error, ExampleScope::Body, raw)
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

/// Three attempts, 10 ms doubling, no jitter; `Retry-After` up to 5 s.
fn retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
        jitter: false,
        max_retry_after: Duration::from_secs(5),
    }
}

/// What one endpoint's scenarios need.
struct Case<'a> {
    mock: &'a MockHandle,
    venue: &'static VenueInfo,
    endpoint: &'static EndpointInfo,
    params: Vec<(String, String)>,
    payload: Value,
}

impl Case<'_> {
    fn ws(&self) -> bool {
        matches!(self.endpoint.transport, TransportInfo::Ws { .. })
    }

    /// A client of the venue at the mock's URLs (a venue's own URL is never used), with
    /// `creds`, changed by `f`.
    fn client(
        &self,
        creds: Credentials,
        f: impl FnOnce(ClientBuilder<ClientCore>) -> ClientBuilder<ClientCore>,
    ) -> Result<ClientCore, String> {
        let v = self.venue;
        let b = ClientBuilder::<ClientCore>::new(v)
            .credentials(creds)
            .rest_url(self.mock.rest_base(v.id).unwrap_or("http://127.0.0.1:9"))
            .ws_url(self.mock.ws_url(v.id).unwrap_or("ws://127.0.0.1:9"))
            .retry(retry(3))
            .connect_timeout(Duration::from_secs(5))
            .request_timeout(Duration::from_secs(5))
            .ws_reconnect(RetryPolicy {
                base_delay: Duration::from_millis(10),
                max_delay: Duration::from_millis(100),
                ..retry(1)
            });
        f(b).build().map_err(|e| e.to_string())
    }

    fn credentials(&self) -> Result<Credentials, String> {
        self.mock
            .signing_credentials(self.venue.id)
            .map_err(|e| e.to_string())
    }

    /// Sends the request with `params` through `client`, timed.
    async fn call(
        &self,
        client: &ClientCore,
        params: &[(String, String)],
    ) -> (Result<Reply<Value>, VenueError>, Duration) {
        let t = Instant::now();
        let r = client.call_json(self.endpoint.id, &refs(params)).await;
        (r, t.elapsed())
    }

    /// Checks a reply: the docs' payload, after `attempts` attempts.
    fn docs_payload(
        &self,
        got: Result<Reply<Value>, VenueError>,
        attempts: u32,
    ) -> Result<(), String> {
        let reply = got.map_err(|e| match e.raw_body() {
            Some(raw) if !raw.is_empty() => format!("{e} (body: {raw:.120})"),
            _ => e.to_string(),
        })?;
        if reply.value != self.payload {
            return Err(format!(
                "not the docs' payload: {:.120}",
                reply.value.to_string()
            ));
        }
        if reply.attempts != attempts {
            return Err(format!(
                "{} attempt(s), expected {attempts}",
                reply.attempts
            ));
        }
        Ok(())
    }

    /// A scenario: `run` gives the outcome; its time is measured around it.
    async fn cell<F>(&self, run: F) -> Cell
    where
        F: Future<Output = Result<Duration, String>>,
    {
        let t = Instant::now();
        let result = run.await;
        // A failed scenario may leave its fault armed: it must not reach the next one.
        self.mock.faults().clear();
        match result {
            Ok(took) => Cell {
                outcome: Ok(()),
                took,
            },
            Err(e) => Cell {
                outcome: Err(e),
                took: t.elapsed(),
            },
        }
    }

    async fn docs_order(&self) -> Result<Duration, String> {
        let client = self.client(self.credentials()?, |b| b)?;
        let (got, took) = self.call(&client, &self.params).await;
        self.docs_payload(got, 1).map(|()| took)
    }

    async fn unknown_order(&self, param: &str) -> Result<Duration, String> {
        let mut missing = self.params.clone();
        if let Some(slot) = missing.iter_mut().find(|(n, _)| n == param) {
            slot.1 = unknown(&slot.1);
        }
        let client = self.client(self.credentials()?, |b| b)?;
        let (got, took) = self.call(&client, &missing).await;
        match got {
            Ok(_) => Err("an unknown order was found".into()),
            Err(e) => documented(self.venue, self.endpoint, ErrorKind::NotFound, None, &e),
        }
        .map(|()| took)
    }

    async fn wrong_secret(&self) -> Result<Duration, String> {
        let (v, e) = (self.venue, self.endpoint);
        let mut wrong = self.credentials()?;
        let transport = if self.ws() {
            SchemeTransport::Ws
        } else {
            SchemeTransport::Rest
        };
        let key = Signer::choose(v.schemes, transport, &wrong)
            .map_err(|err| err.to_string())?
            .scheme()
            .sign
            .map(|s| s.key)
            .ok_or("the chosen scheme signs nothing")?;
        wrong
            .set(key, "not-the-secret")
            .map_err(|err| err.to_string())?;
        let client = self.client(wrong, |b| b)?;
        let (got, took) = self.call(&client, &self.params).await;
        match got {
            Ok(_) => Err("accepted with a wrong secret".into()),
            Err(err) => documented(v, e, ErrorKind::Auth, None, &err),
        }
        .map(|()| took)
    }

    async fn stale_timestamp(&self) -> Result<Duration, String> {
        let (v, e) = (self.venue, self.endpoint);
        let past = chrono::Utc::now().timestamp_millis() - 10 * 60 * 1000;
        // Correction off: the row shows the venue's own answer to a stale timestamp.
        let client = self.client(self.credentials()?, |b| {
            b.clock(Arc::new(FixedClock(past)))
                .clock_correction(ClockCorrection::Off)
        })?;
        let (got, took) = self.call(&client, &self.params).await;
        let fallback = (!has_own_timestamp_error(v)).then_some(ErrorKind::Auth);
        match got {
            Ok(_) => Err("accepted a 10-minute-old timestamp".into()),
            Err(err) => documented(v, e, ErrorKind::TimestampOutsideWindow, fallback, &err),
        }
        .map(|()| took)
    }

    fn arm(&self, fault: Fault) {
        self.mock.faults().arm(
            FaultRule::new(fault)
                .venue(self.venue.id)
                .endpoint(self.endpoint.id),
        );
    }

    /// The fault on one request, then the docs' payload on the retry.
    async fn recovers(&self, fault: Fault) -> Result<Duration, String> {
        let client = self.client(self.credentials()?, |b| b)?;
        // Connected first, so that the fault hits the request, not a log-on.
        let (warm, _) = self.call(&client, &self.params).await;
        self.docs_payload(warm, 1)?;
        let waits = matches!(fault, Fault::RateLimited { .. }) && !self.ws();
        self.arm(fault);
        let (got, took) = self.call(&client, &self.params).await;
        self.docs_payload(got, 2)?;
        // Only a REST answer carries `Retry-After`; the backoff alone is 10 ms.
        if waits && took < Duration::from_secs(RETRY_AFTER_S) {
            return Err(format!(
                "retried after {took:?}, before `Retry-After: {RETRY_AFTER_S}`"
            ));
        }
        Ok(took)
    }

    /// The fault on one request, and a `Decode` error keeping the raw body (`expect` says
    /// what it must look like).
    async fn decode_error(
        &self,
        fault: Fault,
        expect: fn(&str) -> Result<(), String>,
    ) -> Result<Duration, String> {
        let client = self.client(self.credentials()?, |b| b.retry(retry(1)))?;
        self.arm(fault);
        let (got, took) = self.call(&client, &self.params).await;
        let err = match got {
            Ok(_) => return Err("decoded".into()),
            Err(err) => err,
        };
        if err.kind() != ErrorKind::Decode {
            return Err(format!("expected Decode, got {:?}: {err}", err.kind()));
        }
        let raw = err.raw_body().unwrap_or_default();
        expect(raw).map(|()| took)
    }

    async fn run(&self) -> (Vec<Option<Cell>>, Vec<Option<Cell>>) {
        let scenarios = vec![
            Some(self.cell(self.docs_order()).await),
            match self.endpoint.matches.first() {
                Some(m) => Some(self.cell(self.unknown_order(m.param)).await),
                None => None,
            },
            Some(self.cell(self.wrong_secret()).await),
            Some(self.cell(self.stale_timestamp()).await),
        ];
        let truncated = |raw: &str| {
            if raw.is_empty() {
                Err("the raw body was not kept".to_string())
            } else if serde_json::from_str::<Value>(raw).is_ok() {
                Err(format!("the body is whole: {raw:.80}"))
            } else {
                Ok(())
            }
        };
        let html = |raw: &str| {
            if raw.trim_start().starts_with("<html") {
                Ok(())
            } else {
                Err(format!("the raw body is not the page: {raw:.80}"))
            }
        };
        let round_trips = vec![
            Some(
                self.cell(self.recovers(Fault::RateLimited {
                    retry_after_s: RETRY_AFTER_S,
                }))
                .await,
            ),
            Some(self.cell(self.recovers(Fault::ServerError)).await),
            Some(self.cell(self.recovers(Fault::ConnectionReset)).await),
            Some(
                self.cell(self.decode_error(Fault::TruncatedBody, truncated))
                    .await,
            ),
            // An HTML page comes from an HTTP proxy; a WebSocket frame without an `id` cannot
            // be matched to a request at all.
            if self.ws() {
                None
            } else {
                Some(self.cell(self.decode_error(Fault::HtmlError, html)).await)
            },
        ];
        (scenarios, round_trips)
    }
}

/// Runs every scenario and round trip for every signed endpoint of `venues` against `mock`,
/// one at a time (the faults are the mock's, shared).
pub async fn run(mock: &MockHandle, venues: &[&'static VenueInfo]) -> Vec<MockRow> {
    let mut rows = Vec::new();
    for v in venues {
        for e in v.endpoints.iter().filter(|e| e.signed) {
            let failed = |why: String| MockRow {
                venue: v.id,
                endpoint: e.id,
                outcomes: vec![
                    Some(Cell {
                        outcome: Err(why),
                        took: Duration::ZERO,
                    });
                    SCENARIOS.len()
                ],
                round_trips: vec![None; ROUND_TRIPS.len()],
            };
            let Some((_, payload)) = docs_success(v, e) else {
                rows.push(failed("no whole-body success example".into()));
                continue;
            };
            let params = match order_params(e, &payload) {
                Ok(p) => p,
                Err(why) => {
                    rows.push(failed(why));
                    continue;
                }
            };
            let case = Case {
                mock,
                venue: v,
                endpoint: e,
                params,
                payload,
            };
            let (outcomes, round_trips) = case.run().await;
            rows.push(MockRow {
                venue: v.id,
                endpoint: e.id,
                outcomes,
                round_trips,
            });
        }
    }
    rows
}

/// `1.2ms`, `15ms`, `1.01s`.
fn duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1}ms")
    } else if ms < 1000.0 {
        format!("{ms:.0}ms")
    } else {
        format!("{:.2}s", ms / 1000.0)
    }
}

fn table(
    out: &mut String,
    rows: &[MockRow],
    names: &[&str],
    cells: fn(&MockRow) -> &[Option<Cell>],
) {
    let _ = write!(out, "  {:<14}{:<22}", "venue", "endpoint");
    for s in names {
        let _ = write!(out, "{s:<17}");
    }
    out.push_str("result\n");
    for r in rows {
        let _ = write!(out, "  {:<14}{:<22}", r.venue, r.endpoint);
        let row = cells(r);
        for c in row {
            let cell = match c {
                None => "-".to_string(),
                Some(Cell {
                    outcome: Ok(()),
                    took,
                }) => format!("ok {}", duration(*took)),
                Some(Cell {
                    outcome: Err(_), ..
                }) => "FAILED".to_string(),
            };
            let _ = write!(out, "{cell:<17}");
        }
        let passed = row.iter().flatten().all(|c| c.outcome.is_ok());
        out.push_str(if passed { "ok\n" } else { "FAILED\n" });
    }
    for r in rows {
        for (s, c) in names.iter().zip(cells(r)) {
            if let Some(Cell {
                outcome: Err(e), ..
            }) = c
            {
                let _ = writeln!(out, "  {}/{} {s}: {e}", r.venue, r.endpoint);
            }
        }
    }
}

/// Renders the rows as two tables (scenarios, then round trips), each followed by one line
/// per failure and a summary line.
pub fn render(rows: &[MockRow]) -> String {
    let mut out = String::from("\nmock venue (embedded, loopback, through the generated client)\n");
    table(&mut out, rows, &SCENARIOS, |r| &r.outcomes);
    let passed = rows.iter().filter(|r| r.scenarios_passed()).count();
    let _ = writeln!(
        out,
        "mock: {passed}/{} endpoints answered as documented",
        rows.len()
    );
    let _ = writeln!(
        out,
        "\nmock round trips (one fault injected; retries: 3 attempts, 10 ms backoff; times of the faulted call)"
    );
    table(&mut out, rows, &ROUND_TRIPS, |r| &r.round_trips);
    let passed = rows.iter().filter(|r| r.round_trips_passed()).count();
    let _ = writeln!(
        out,
        "round trips: {passed}/{} endpoints recovered or failed as documented",
        rows.len()
    );
    out
}
