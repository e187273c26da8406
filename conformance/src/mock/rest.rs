//! HTTP requests: route, inject faults, verify, validate, look the order up, answer.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use generated::runtime::registry::ErrorKind;
use generated::runtime::request::{BodyFormat, Location};
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use super::auth::Denied;
use super::conn::ConnInfo;
use super::faults::Fault;
use super::orders::{Lookup, value_text};
use super::{HTML_ERROR_PAGE, RestEndpoint, VenueServer};
use crate::verify::ReceivedHttp;

/// The largest request body read (1 MiB).
const MAX_BODY: usize = 1 << 20;

/// An answer before it becomes a response (so a fault can still cut its body).
struct Answer {
    status: u16,
    content_type: Option<&'static str>,
    body: Bytes,
}

impl Answer {
    fn into_response(self) -> Response {
        let mut r = Response::new(Body::from(self.body));
        *r.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        if let Some(ct) = self.content_type {
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        r
    }
}

fn empty(status: u16) -> Answer {
    Answer {
        status,
        content_type: None,
        body: Bytes::new(),
    }
}

/// The answer of `kind` for `ep`, with status `status` if given (a fault's), else the
/// documented one.
fn error(v: &VenueServer, ep: &RestEndpoint, kind: ErrorKind, status: Option<u16>) -> Answer {
    let reply = ep.errors.reply(kind);
    let status = status.unwrap_or(reply.status);
    let id = Value::String(v.trace_id());
    match ep.errors.render(reply, status, &id, false) {
        Some(text) => Answer {
            status,
            content_type: Some("application/json"),
            body: Bytes::from(text),
        },
        None => empty(status),
    }
}

/// `answer` with `Retry-After: <seconds>`.
fn wait(answer: Answer, seconds: u64) -> Response {
    let mut r = answer.into_response();
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    r
}

/// Every HTTP request of a venue.
pub(crate) async fn handle(
    State(v): State<Arc<VenueServer>>,
    ConnectInfo(conn): ConnectInfo<ConnInfo>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    if let Some(time) = super::time::rest(&v, &parts.method, parts.uri.path()) {
        return time;
    }
    let Some((ep, path_params)) = v.route_rest(&parts.method, parts.uri.path()) else {
        return empty(404).into_response();
    };
    v.counters.endpoint();
    let fault = conn
        .0
        .fault
        .as_ref()
        .and_then(|f| f.for_request(ep.info.id, false))
        .or_else(|| v.faults.take_for_request(v.venue.id, ep.info.id, false));
    let mut truncate = false;
    match fault {
        Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
        Some(Fault::RateLimited { retry_after_s }) => {
            return wait(
                error(&v, ep, ErrorKind::RateLimited, Some(429)),
                retry_after_s,
            );
        }
        Some(Fault::Banned { retry_after_s }) => {
            // A ban comes with the venue's rate-limit body, under 418.
            return wait(
                error(&v, ep, ErrorKind::RateLimited, Some(418)),
                retry_after_s,
            );
        }
        Some(Fault::ServerError) => {
            let reply = ep.errors.reply(ErrorKind::Server);
            let status = if reply.status >= 500 {
                reply.status
            } else {
                500
            };
            return error(&v, ep, ErrorKind::Server, Some(status)).into_response();
        }
        Some(Fault::HtmlError) => {
            return Answer {
                status: 502,
                content_type: Some("text/html"),
                body: Bytes::from_static(HTML_ERROR_PAGE.as_bytes()),
            }
            .into_response();
        }
        Some(Fault::ConnectionReset) => {
            // The response is never written: the connection fails first.
            conn.0.kill();
            return empty(500).into_response();
        }
        Some(Fault::TruncatedBody) => truncate = true,
        Some(Fault::WsCloseMidRequest) | None => {}
    }
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return error(&v, ep, ErrorKind::InvalidRequest, None).into_response();
    };
    let mut answer = answer(&v, ep, &parts, &path_params, bytes);
    if truncate {
        let half = answer.body.len() / 2;
        answer.body = answer.body.slice(..half);
    }
    answer.into_response()
}

/// The request's parameters by location, decoded.
struct Params<'a> {
    path: &'a [(&'a str, &'a str)],
    query: Vec<(String, String)>,
    body: Option<Map<String, Value>>,
    headers: &'a axum::http::HeaderMap,
}

impl Params<'_> {
    fn has(&self, location: Location, name: &str) -> bool {
        match location {
            Location::Path => self.path.iter().any(|(n, _)| *n == name),
            Location::Query => self.query.iter().any(|(n, _)| n == name),
            Location::Body => self.body.as_ref().is_some_and(|b| b.contains_key(name)),
            Location::Header => self.headers.contains_key(name),
            Location::WsParams => false,
        }
    }
}

fn decode(s: &str) -> String {
    // A `+` in a query is a space only in forms; the venues' signers percent-encode.
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

fn answer(
    v: &VenueServer,
    ep: &RestEndpoint,
    parts: &axum::http::request::Parts,
    path_params: &[(&str, &str)],
    body: Bytes,
) -> Answer {
    let json_body = if body.is_empty() {
        None
    } else {
        match body_members(ep.body, &parts.headers, &body) {
            Some(m) => Some(m),
            None => return error(v, ep, ErrorKind::InvalidRequest, None),
        }
    };
    let params = Params {
        path: path_params,
        query: query_pairs(parts),
        body: json_body,
        headers: &parts.headers,
    };
    let has = |l: Location, n: &str| params.has(l, n);
    match v
        .auth
        .check_http(&received(parts, &body), &has, v.clock.now_ms())
    {
        Ok(()) => {}
        Err(Denied::Auth(_)) => return error(v, ep, ErrorKind::Auth, None),
        Err(Denied::Timestamp(_)) => {
            return error(v, ep, ErrorKind::TimestampOutsideWindow, None);
        }
    }
    let pairs = caller_pairs(v, ep, &params);
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    if (ep.info.build)(&refs).is_err() {
        return error(v, ep, ErrorKind::InvalidRequest, None);
    }
    let found = ep
        .orders
        .lookup(|name| refs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v));
    match found {
        Lookup::Found(order) => Answer {
            status: order.status,
            content_type: Some("application/json"),
            body: order.body.clone(),
        },
        // A venue that documents no not-found error answers a list endpoint with no match
        // by an empty list.
        Lookup::NotFound => match ep.orders.empty() {
            Some(body) if !ep.errors.documents(ErrorKind::NotFound) => Answer {
                status: 200,
                content_type: Some("application/json"),
                body: body.clone(),
            },
            _ => error(v, ep, ErrorKind::NotFound, None),
        },
    }
}

/// The members of a request body in the endpoint's format (a JSON object, or a form's
/// `name=value` pairs as strings), sent with that format's `Content-Type`; `None` when the
/// body is not one.
fn body_members(
    format: BodyFormat,
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> Option<Map<String, Value>> {
    let sent = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = sent.split(';').next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case(format.content_type()) {
        return None;
    }
    match format {
        BodyFormat::Json => match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => Some(m),
            _ => None,
        },
        BodyFormat::Form => {
            let text = std::str::from_utf8(body).ok()?;
            let mut members = Map::new();
            for piece in text.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
                members.insert(form_decode(k)?, Value::String(form_decode(v)?));
            }
            Some(members)
        }
    }
}

/// Decodes a form name or value: `+` is a space, `%XX` a byte; the bytes must be UTF-8.
fn form_decode(s: &str) -> Option<String> {
    let spaced = s.replace('+', " ");
    let bytes = crate::verify::percent_decode_strict(&spaced).ok()?;
    String::from_utf8(bytes).ok()
}

/// The query's `name=value` pairs, decoded.
fn query_pairs(parts: &axum::http::request::Parts) -> Vec<(String, String)> {
    parts
        .uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// The request as the verifier reads it: method, absolute URL (from `Host`), headers, body.
fn received(parts: &axum::http::request::Parts, body: &Bytes) -> ReceivedHttp {
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path(), |pq| pq.as_str());
    ReceivedHttp {
        method: parts.method.as_str().to_string(),
        url: format!("http://{host}{target}"),
        headers: parts
            .headers
            .iter()
            .map(|(n, val)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(val.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    }
}

/// The caller's parameters, as text, checked as the generated builder checks them: path,
/// query, body members and the endpoint's header parameters, without what the signing
/// scheme adds.
fn caller_pairs(v: &VenueServer, ep: &RestEndpoint, params: &Params<'_>) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (n, val) in params.path {
        pairs.push((n.to_string(), decode(val)));
    }
    for (n, val) in &params.query {
        pairs.push((n.clone(), val.clone()));
    }
    if let Some(b) = &params.body {
        for (n, val) in b {
            let text = value_text(val).unwrap_or_else(|| val.to_string());
            pairs.push((n.clone(), text));
        }
    }
    for name in ep.info.params {
        if let Some(h) = params.headers.get(*name).and_then(|h| h.to_str().ok()) {
            pairs.push((name.to_string(), h.to_string()));
        }
    }
    pairs.retain(|(n, _)| !v.is_scheme_param(n));
    pairs
}
