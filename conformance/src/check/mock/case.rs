//! One endpoint's scenarios and round trips against the mock, and what the docs say each
//! outcome must be.

use std::sync::Arc;
use std::time::{Duration, Instant};

use generated::runtime::client::{ClientBuilder, ClientCore, ClockCorrection, Reply};
use generated::runtime::error::VenueError;
use generated::runtime::registry::{
    EndpointInfo, ErrorCodeValue, ErrorKind, ExampleKind, ExampleScope, TransportInfo, VenueInfo,
};
use generated::runtime::request::RequestError;
use generated::runtime::signing::{Credentials, FixedClock, SchemeTransport, Signer};

use crate::mock::wrong_key;
use generated::runtime::transport::retry::RetryPolicy;
use serde_json::Value;

use crate::mock::{Fault, FaultRule, MockHandle};

use super::{Cell, RETRY_AFTER_S};

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
pub(super) fn docs_success(v: &VenueInfo, e: &EndpointInfo) -> Option<(Value, Value)> {
    let x = e
        .examples
        .iter()
        .find(|x| x.kind == ExampleKind::Success && x.scope == ExampleScope::Body)?;
    let body: Value = serde_json::from_str(x.body).ok()?;
    let payload = v.payload_of(&body)?.clone();
    Some((body, payload))
}

/// Parameters naming the docs' order: the first selecting parameter, and every other required
/// parameter from the member of the same name of the payload's record (`EndpointInfo::record`).
pub(super) fn order_params(
    e: &EndpointInfo,
    payload: &Value,
) -> Result<Vec<(String, String)>, String> {
    let payload = e.record_of(payload).unwrap_or(&Value::Null);
    let mut pairs: Vec<(String, String)> = e
        .matches
        .first()
        .map(|m| {
            (
                m.param.to_string(),
                text(payload.pointer(m.pointer).unwrap_or(&Value::Null)),
            )
        })
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
    // A success whose list payload holds no record (`[]`) is how such an endpoint says
    // "not found" (`response.record`).
    let record_at = format!("{}{}", v.payload_pointer.unwrap_or(""), e.record);
    if kind == ErrorKind::NotFound
        && !e.record.is_empty()
        && status.is_none_or(|s| (200..300).contains(&s))
        && body.pointer(&record_at).is_none()
    {
        return Ok(());
    }
    let Some(code) = body.pointer(v.error_code_pointer) else {
        // An error the venue tells by its message alone (`errors.messages`).
        if !documented_message(v, &body, &kinds) {
            return Err(format!("HTTP {status:?}: no error code in {raw:.80}"));
        }
        return (e.roundtrip)(ExampleKind::Error, ExampleScope::Body, raw)
            .map(|_| ())
            .map_err(|err| format!("not the venue's error body: {err}"));
    };
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

/// Whether the body's message is one the venue documents (`errors.messages`) with one of
/// `kinds`.
fn documented_message(v: &VenueInfo, body: &Value, kinds: &[ErrorKind]) -> bool {
    let message = match v.error_message_pointer.and_then(|p| body.pointer(p)) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => return false,
    };
    v.error_messages
        .iter()
        .any(|(text, kind)| message.contains(text) && kinds.contains(kind))
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
pub(super) struct Case<'a> {
    pub(super) mock: &'a MockHandle,
    pub(super) venue: &'static VenueInfo,
    pub(super) endpoint: &'static EndpointInfo,
    pub(super) params: Vec<(String, String)>,
    pub(super) payload: Value,
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
        let scheme = Signer::choose(v.schemes, transport, &wrong)
            .map_err(|err| err.to_string())?
            .scheme();
        let key = (scheme.sign.as_ref())
            .map(|s| &*s.key)
            .ok_or("the chosen scheme signs nothing")?;
        wrong
            .set(key, wrong_key(scheme.key))
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

    pub(super) async fn run(&self) -> (Vec<Option<Cell>>, Vec<Option<Cell>>) {
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
