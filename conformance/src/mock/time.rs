//! The venue's time source (the spec's `clock`), answered from the mock's clock, the `Date`
//! header of every HTTP answer, and the request counters tests read.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use generated::runtime::registry::{ClockSourceInfo, TimeUnit};
use serde_json::{Map, Value};

use super::VenueServer;

/// How many requests a venue of the mock has received.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestCounts {
    /// Requests routed to an endpoint (REST requests and WebSocket frames).
    pub endpoint: u64,
    /// Requests of the venue's time source (its time endpoint or method).
    pub time: u64,
}

/// The live counters of one venue.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    endpoint: AtomicU64,
    time: AtomicU64,
}

impl Counters {
    /// Counts a request routed to an endpoint.
    pub(crate) fn endpoint(&self) {
        self.endpoint.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts so far.
    pub(crate) fn get(&self) -> RequestCounts {
        RequestCounts {
            endpoint: self.endpoint.load(Ordering::Relaxed),
            time: self.time.load(Ordering::Relaxed),
        }
    }
}

/// `Date` from the mock's clock on every HTTP answer (hyper's own date is the system's).
pub(crate) async fn date_header(State(v): State<Arc<VenueServer>>, mut r: Response) -> Response {
    if let Some(date) = http_date(v.clock.now_ms())
        && let Ok(value) = HeaderValue::from_str(&date)
    {
        r.headers_mut().insert(header::DATE, value);
    }
    r
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn http_date(ms: i64) -> Option<String> {
    let t = chrono::DateTime::from_timestamp_millis(ms)?;
    Some(t.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
}

/// The answer to the venue's REST time endpoint, when `method` and `path` name it.
pub(crate) fn rest(v: &VenueServer, method: &Method, path: &str) -> Option<Response> {
    let Some(ClockSourceInfo::Rest {
        method: m,
        path: p,
        pointer,
        unit,
    }) = v.venue.clock
    else {
        return None;
    };
    let full = format!("{}{p}", v.rest_prefix);
    if method.as_str() != m || path.trim_end_matches('/') != full.trim_end_matches('/') {
        return None;
    }
    v.counters.time.fetch_add(1, Ordering::Relaxed);
    let body = time_body(v, Map::new(), pointer, unit);
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = StatusCode::OK;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Some(r)
}

/// The answer frame to the venue's WebSocket time method, when `frame` calls it.
pub(crate) fn ws(v: &VenueServer, frame: &Value, id: &Value) -> Option<String> {
    let Some(ClockSourceInfo::Ws {
        method,
        pointer,
        unit,
    }) = v.venue.clock
    else {
        return None;
    };
    if frame.get("method").and_then(Value::as_str) != Some(method) {
        return None;
    }
    v.counters.time.fetch_add(1, Ordering::Relaxed);
    let mut head = Map::new();
    head.insert("id".into(), id.clone());
    Some(time_body(v, head, pointer, unit).to_string())
}

/// `head`, the envelope's success member (when the venue has a rule), and the mock's time
/// at `pointer` in `unit`.
fn time_body(v: &VenueServer, head: Map<String, Value>, pointer: &str, unit: TimeUnit) -> Value {
    let mut body = Value::Object(head);
    if let Some((p, equals)) = v.venue.success_rule
        && let Ok(value) = serde_json::from_str(equals)
    {
        set(&mut body, p, value);
    }
    set(
        &mut body,
        pointer,
        Value::from(unit.from_millis(v.clock.now_ms())),
    );
    body
}

/// Writes `value` at `pointer`, making objects on the way.
fn set(root: &mut Value, pointer: &str, value: Value) {
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some((last, path)) = tokens.split_last() else {
        *root = value;
        return;
    };
    let mut cur = root;
    for t in path {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let Value::Object(obj) = cur else { return };
        cur = obj
            .entry(t.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if !cur.is_object() {
        *cur = Value::Object(Map::new());
    }
    if let Value::Object(obj) = cur {
        obj.insert(last.clone(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_land_at_their_pointer() {
        let mut v = serde_json::json!({ "id": "7" });
        set(&mut v, "/status", Value::from(200));
        set(&mut v, "/result/serverTime", Value::from(5));
        set(&mut v, "/a~1b", Value::from(1));
        assert_eq!(
            v,
            serde_json::json!({ "id": "7", "status": 200, "result": { "serverTime": 5 }, "a/b": 1 })
        );
    }

    #[test]
    fn dates_are_imf_fixdates() {
        assert_eq!(
            http_date(784_111_777_999).as_deref(),
            Some("Sun, 06 Nov 1994 08:49:37 GMT")
        );
    }
}
