//! The error answers of a mock endpoint, chosen from the spec for each kind of failure.
//!
//! For a kind (not found, auth, ...), in this order:
//!
//! 1. an error example whose code is documented with that kind, or that has no code and
//!    whose `error_kind` is that kind (the endpoint's own first, then the venue's other
//!    endpoints'): the docs' own body, verbatim, with its HTTP status;
//! 2. the first documented code of that kind, written with the venue's `errors.template`,
//!    with the code's HTTP status (or the status of a docs example carrying that code);
//! 3. the first status-only error of that kind (`errors.statuses`, e.g. a bodiless 401).
//!
//! A timestamp outside the window falls back to the auth answer when the venue documents
//! nothing of its own for it (no code of kind `timestamp`, nor a message of a signature
//! error documented for it).
//! Where the docs give no status, a kind's usual one is used: 404 not found, 401 auth, 400
//! timestamp and invalid request, 429 rate limited, 500 server; and where they give no body at
//! all, the body is empty.

use generated::runtime::registry::{
    EndpointInfo, ErrorCodeInfo, ErrorCodeValue, ErrorKind, ExampleKind, VenueInfo,
};
use serde_json::Value;

/// The kinds the mock answers.
pub(crate) const KINDS: [ErrorKind; 6] = [
    ErrorKind::NotFound,
    ErrorKind::Auth,
    ErrorKind::TimestampOutsideWindow,
    ErrorKind::RateLimited,
    ErrorKind::InvalidRequest,
    ErrorKind::Server,
];

/// A kind's usual HTTP status, used when the docs give none.
pub(crate) fn default_status(kind: ErrorKind) -> u16 {
    match kind {
        ErrorKind::NotFound => 404,
        ErrorKind::Auth => 401,
        ErrorKind::TimestampOutsideWindow | ErrorKind::InvalidRequest => 400,
        ErrorKind::RateLimited => 429,
        // Server, and the client-side kinds (decode, transport, ...) the mock never answers.
        _ => 500,
    }
}

/// What an error answer's body is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ReplyBody {
    /// A docs example, verbatim (its top-level `id` replaced on a WebSocket).
    Example(Value),
    /// A documented code, written with the venue's template.
    Code {
        code: ErrorCodeValue,
        message: &'static str,
    },
    /// No body.
    Empty,
}

/// An error answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reply {
    /// The HTTP status (on a WebSocket: the frame's `{http}`).
    pub(crate) status: u16,
    /// The body.
    pub(crate) body: ReplyBody,
}

/// The error answers of one endpoint, by kind.
#[derive(Debug, Clone)]
pub(crate) struct ErrorReplies {
    template: Option<Value>,
    replies: Vec<(ErrorKind, Reply)>,
    /// The kinds the spec documents an answer for (an example, a code or a status).
    documented: Vec<ErrorKind>,
}

fn code_equals(code: &ErrorCodeValue, v: &Value) -> bool {
    match (code, v) {
        (ErrorCodeValue::Int(i), Value::Number(n)) => n.as_i64() == Some(*i),
        (ErrorCodeValue::Str(s), Value::String(t)) => s == t,
        _ => false,
    }
}

fn code_value(code: &ErrorCodeValue) -> Value {
    match code {
        ErrorCodeValue::Int(i) => Value::from(*i),
        ErrorCodeValue::Str(s) => Value::from(*s),
    }
}

impl ErrorReplies {
    /// Chooses the answers of `endpoint` for every kind.
    pub(crate) fn new(venue: &'static VenueInfo, endpoint: &'static EndpointInfo) -> Self {
        let template = venue
            .error_template
            .and_then(|t| serde_json::from_str(t).ok());
        let chooser = Chooser {
            venue,
            endpoint,
            has_template: template.is_some(),
        };
        let documented = KINDS
            .iter()
            .copied()
            .filter(|&k| chooser.choose(k).is_some())
            .collect();
        let replies = KINDS
            .iter()
            .map(|&kind| {
                let reply = chooser
                    .choose(kind)
                    .or_else(|| {
                        (kind == ErrorKind::TimestampOutsideWindow)
                            .then(|| chooser.choose(ErrorKind::Auth))
                            .flatten()
                    })
                    .unwrap_or(Reply {
                        status: default_status(kind),
                        body: ReplyBody::Empty,
                    });
                (kind, reply)
            })
            .collect();
        ErrorReplies {
            template,
            replies,
            documented,
        }
    }

    /// Whether the spec documents an answer of `kind` (otherwise the mock makes one up from
    /// the kind's usual status).
    pub(crate) fn documents(&self, kind: ErrorKind) -> bool {
        self.documented.contains(&kind)
    }

    /// The answer for `kind`.
    pub(crate) fn reply(&self, kind: ErrorKind) -> &Reply {
        // Every kind is in the list (built from KINDS).
        self.replies
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, r)| r)
            .unwrap_or(&self.replies[0].1)
    }

    /// The body text of `reply` with status `status`; `id` is the request's id (a WebSocket
    /// frame's, or a trace id the mock makes up for HTTP). `None`: no body.
    pub(crate) fn render(
        &self,
        reply: &Reply,
        status: u16,
        id: &Value,
        ws: bool,
    ) -> Option<String> {
        match &reply.body {
            ReplyBody::Empty => None,
            ReplyBody::Example(v) => {
                let mut v = v.clone();
                // A WebSocket answer names its request, even where the example (an HTTP
                // capture) has no `id`.
                if ws && let Some(m) = v.as_object_mut() {
                    m.insert("id".into(), id.clone());
                }
                Some(v.to_string())
            }
            ReplyBody::Code { code, message } => {
                let mut v = self.template.clone()?;
                fill(&mut v, &|placeholder| match placeholder {
                    "{code}" => Some(code_value(code)),
                    "{message}" => Some(Value::from(*message)),
                    "{http}" => Some(Value::from(status)),
                    "{id}" => Some(id.clone()),
                    _ => None,
                });
                Some(v.to_string())
            }
        }
    }
}

/// Replaces every string that is a placeholder `fill` knows.
fn fill(v: &mut Value, with: &dyn Fn(&str) -> Option<Value>) {
    match v {
        Value::String(s) => {
            if let Some(new) = with(s) {
                *v = new;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| fill(i, with)),
        Value::Object(m) => m.values_mut().for_each(|i| fill(i, with)),
        _ => {}
    }
}

struct Chooser {
    venue: &'static VenueInfo,
    endpoint: &'static EndpointInfo,
    has_template: bool,
}

impl Chooser {
    fn documented(&self, v: &Value) -> Option<&'static ErrorCodeInfo> {
        self.venue
            .error_codes
            .iter()
            .find(|c| code_equals(&c.code, v))
    }

    fn choose(&self, kind: ErrorKind) -> Option<Reply> {
        self.example(kind)
            .or_else(|| self.code(kind))
            .or_else(|| self.status(kind))
    }

    /// An error example whose code has `kind`: the endpoint's own first, then the venue's
    /// other endpoints' (most error examples show errors of the whole API).
    fn example(&self, kind: ErrorKind) -> Option<Reply> {
        let others = self
            .venue
            .endpoints
            .iter()
            .filter(|e| e.id != self.endpoint.id);
        self.endpoint
            .examples
            .iter()
            .chain(others.flat_map(|e| e.examples))
            .filter(|x| x.kind == ExampleKind::Error)
            .find_map(|x| {
                let body: Value = serde_json::from_str(x.body).ok()?;
                // A documented code, or no code at all (an error the venue tells by its
                // message) when the spec states the example's kind.
                let code = match body.pointer(self.venue.error_code_pointer) {
                    Some(c) => Some(self.documented(c)?),
                    None => {
                        x.error_kind?;
                        None
                    }
                };
                // The example's own kind when the spec states it (one code can mean two
                // kinds, told apart by the message), else its code's.
                let example_kind = x.error_kind.or(code.and_then(|c| c.kind));
                (example_kind == Some(kind)).then(|| Reply {
                    status: x
                        .http_status
                        .or(code.and_then(|c| c.http))
                        .unwrap_or(default_status(kind)),
                    body: ReplyBody::Example(body),
                })
            })
    }

    /// The first documented code of `kind`, written with the template.
    fn code(&self, kind: ErrorKind) -> Option<Reply> {
        let code = self
            .venue
            .error_codes
            .iter()
            .find(|c| c.kind == Some(kind))?;
        let status = code
            .http
            .or_else(|| self.example_status(&code.code))
            .unwrap_or(default_status(kind));
        let body = if self.has_template {
            ReplyBody::Code {
                code: code.code,
                message: code.messages.first().copied().unwrap_or_default(),
            }
        } else {
            ReplyBody::Empty
        };
        Some(Reply { status, body })
    }

    /// The HTTP status of a docs example (any endpoint of the venue) carrying `code`.
    fn example_status(&self, code: &ErrorCodeValue) -> Option<u16> {
        self.venue
            .endpoints
            .iter()
            .flat_map(|e| e.examples)
            .filter(|x| x.kind == ExampleKind::Error)
            .find_map(|x| {
                let body: Value = serde_json::from_str(x.body).ok()?;
                let c = body.pointer(self.venue.error_code_pointer)?;
                if code_equals(code, c) {
                    x.http_status
                } else {
                    None
                }
            })
    }

    /// The first status-only error of `kind`.
    fn status(&self, kind: ErrorKind) -> Option<Reply> {
        self.venue
            .error_statuses
            .iter()
            .find(|s| s.kind == kind)
            .map(|s| Reply {
                status: s.http,
                body: ReplyBody::Empty,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replies(venue: &str, endpoint: &str) -> ErrorReplies {
        let (v, e) = crate::find(venue, endpoint).unwrap();
        ErrorReplies::new(v, e)
    }

    fn body(r: &ErrorReplies, kind: ErrorKind, id: Value, ws: bool) -> (u16, Option<Value>) {
        let reply = r.reply(kind);
        let text = r.render(reply, reply.status, &id, ws);
        (
            reply.status,
            text.map(|t| serde_json::from_str(&t).unwrap()),
        )
    }

    #[test]
    fn docs_examples_come_first() {
        let r = replies("bitmart", "query_client_order");
        let (status, b) = body(&r, ErrorKind::NotFound, Value::Null, false);
        assert_eq!(status, 400);
        assert_eq!(b.unwrap()["code"], 50005);
        let r = replies("htx", "get_client_order");
        let (status, b) = body(&r, ErrorKind::NotFound, Value::Null, false);
        assert_eq!(status, 200);
        assert_eq!(b.unwrap()["err-code"], "base-record-invalid");
    }

    #[test]
    fn codes_are_written_with_the_template() {
        let r = replies("bitmart", "query_client_order");
        let (status, b) = body(
            &r,
            ErrorKind::TimestampOutsideWindow,
            Value::from("t-1"),
            false,
        );
        assert_eq!(status, 401);
        assert_eq!(
            b.unwrap(),
            serde_json::json!({
                "code": 30007,
                "message": "Header X-BM-TIMESTAMP range. Within a minute",
                "trace": "t-1",
                "data": {}
            })
        );
        let r = replies("binance_usdm", "order_status");
        let (status, b) = body(&r, ErrorKind::NotFound, Value::from("req-1"), true);
        assert_eq!(status, 400);
        assert_eq!(
            b.unwrap(),
            serde_json::json!({
                "id": "req-1",
                "status": 400,
                "error": { "code": -2013, "msg": "Order does not exist." }
            })
        );
    }

    #[test]
    fn every_documented_code_written_with_the_template_is_an_error_body() {
        for v in generated::VENUES {
            for e in v.endpoints {
                let r = ErrorReplies::new(v, e);
                assert!(r.template.is_some(), "{} has no errors.template", v.id);
                for c in v.error_codes {
                    let reply = Reply {
                        status: c.http.unwrap_or(400),
                        body: ReplyBody::Code {
                            code: c.code,
                            message: c.messages.first().copied().unwrap_or_default(),
                        },
                    };
                    let text = r
                        .render(&reply, reply.status, &Value::from("id-1"), true)
                        .unwrap();
                    let back = (e.roundtrip)(
                        ExampleKind::Error,
                        generated::runtime::registry::ExampleScope::Body,
                        &text,
                    )
                    .unwrap_or_else(|err| panic!("{}/{} {:?}: {err}", v.id, e.id, c.code));
                    let body: Value = serde_json::from_str(&text).unwrap();
                    assert_eq!(back, body, "{}: {text}", v.id);
                    assert!(code_equals(
                        &c.code,
                        body.pointer(v.error_code_pointer).unwrap()
                    ));
                }
            }
        }
    }

    /// Deribit's authentication failure is a captured HTTP answer without `id`; on a
    /// WebSocket the mock's answer carries the request's id, or no caller could receive it.
    #[test]
    fn a_websocket_answer_from_an_example_without_id_names_its_request() {
        let r = replies("deribit", "public_auth");
        let (_, b) = body(&r, ErrorKind::Auth, Value::from("7"), true);
        let b = b.unwrap();
        assert_eq!(b["id"], "7");
        assert_eq!(b["error"]["code"], 13009);
        let (_, http) = body(&r, ErrorKind::Auth, Value::from("7"), false);
        assert!(http.unwrap().get("id").is_none());
    }

    #[test]
    fn status_only_errors_and_the_timestamp_fallback() {
        let r = replies("p99", "query_order");
        assert_eq!(body(&r, ErrorKind::Auth, Value::Null, false), (401, None));
        assert_eq!(
            body(&r, ErrorKind::TimestampOutsideWindow, Value::Null, false),
            (401, None)
        );
        let r = replies("htx", "get_client_order");
        let (status, b) = body(&r, ErrorKind::TimestampOutsideWindow, Value::Null, false);
        assert_eq!(status, 200);
        assert_eq!(b.unwrap()["err-code"], "api-signature-not-valid");
    }
}
