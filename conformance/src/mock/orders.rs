//! The orders a mock endpoint knows: seeded from the endpoint's success examples, answered
//! with the example's body as prepared bytes.

use axum::body::Bytes;
use generated::runtime::registry::{EndpointInfo, ExampleKind, ExampleScope, VenueInfo};
use serde_json::Value;

/// Stands for the request's id while a WebSocket answer is prepared.
const ID_MARK: &str = "\u{1}mock-request-id\u{1}";

/// One seeded order: its answer, ready to send.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    /// The example it comes from.
    pub(crate) example: &'static str,
    /// The HTTP status it is answered with.
    pub(crate) status: u16,
    /// The whole body, as the example gives it.
    pub(crate) body: Bytes,
    /// For a body with a top-level `id` (a WebSocket answer): the text before and after the
    /// id, so the request's id goes in between.
    ws_parts: Option<(String, String)>,
    /// For each of the endpoint's `matches`, the text of the order's field, read in the
    /// record `EndpointInfo::record` points at (`None` when it lacks it or it is null).
    keys: Vec<Option<String>>,
}

impl Order {
    /// The answer to a WebSocket request with id `id`.
    pub(crate) fn ws_text(&self, id: &Value) -> String {
        match &self.ws_parts {
            Some((before, after)) => {
                let id = serde_json::to_string(id).unwrap_or_else(|_| "null".into());
                let mut s = String::with_capacity(before.len() + id.len() + after.len());
                s.push_str(before);
                s.push_str(&id);
                s.push_str(after);
                s
            }
            None => String::from_utf8_lossy(&self.body).into_owned(),
        }
    }
}

/// The text a JSON value is compared by: a string as itself, a number or boolean as written,
/// an array of those as their texts joined by `,` (a list parameter's text form).
pub(crate) fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::Array(_) => None,
                other => value_text(other),
            })
            .collect::<Option<Vec<_>>>()
            .map(|t| t.join(",")),
        _ => None,
    }
}

/// An endpoint's orders.
#[derive(Debug, Clone)]
pub(crate) struct OrderBook {
    endpoint: &'static EndpointInfo,
    orders: Vec<Order>,
    /// For an endpoint whose record is an item of a list: the first success example with
    /// the list emptied, the venue's own answer when nothing matches.
    empty: Option<Bytes>,
}

/// What a lookup found.
#[derive(Debug)]
pub(crate) enum Lookup<'a> {
    /// The order.
    Found(&'a Order),
    /// No order matches.
    NotFound,
}

impl OrderBook {
    /// Seeds the orders of `endpoint` from its success examples. A `payload`-scoped example is
    /// wrapped in the envelope of the endpoint's first `body`-scoped success example (at the
    /// venue's payload pointer); without one it is skipped when the venue has an envelope.
    pub(crate) fn seed(venue: &VenueInfo, endpoint: &'static EndpointInfo) -> Self {
        let successes = || {
            endpoint
                .examples
                .iter()
                .filter(|x| x.kind == ExampleKind::Success)
        };
        let frame: Option<Value> = successes()
            .find(|x| x.scope == ExampleScope::Body)
            .and_then(|x| serde_json::from_str(x.body).ok());
        let mut orders = Vec::new();
        for x in successes() {
            let Ok(parsed) = serde_json::from_str::<Value>(x.body) else {
                continue;
            };
            let body = match (x.scope, venue.payload_pointer) {
                (ExampleScope::Body, _) | (ExampleScope::Payload, None) => parsed,
                (ExampleScope::Payload, Some(ptr)) => {
                    let Some(mut framed) = frame.clone() else {
                        continue;
                    };
                    match framed.pointer_mut(ptr) {
                        Some(slot) => *slot = parsed,
                        None => continue,
                    }
                    framed
                }
            };
            let record = venue.record_in(endpoint, &body);
            let keys = endpoint
                .matches
                .iter()
                .map(|m| {
                    record
                        .and_then(|r| r.pointer(m.pointer))
                        .and_then(value_text)
                })
                .collect();
            let text = match x.scope {
                ExampleScope::Body => x.body.to_string(),
                ExampleScope::Payload => body.to_string(),
            };
            let ws_parts = body.get("id").map(|_| {
                let mut marked = body.clone();
                marked["id"] = Value::String(ID_MARK.into());
                let text = marked.to_string();
                let mark = serde_json::to_string(ID_MARK).unwrap_or_default();
                match text.split_once(&mark) {
                    Some((a, b)) => (a.to_string(), b.to_string()),
                    None => (text, String::new()),
                }
            });
            orders.push(Order {
                example: x.name,
                status: x.http_status.unwrap_or(200),
                body: Bytes::from(text),
                ws_parts,
                keys,
            });
        }
        let empty = frame
            .filter(|_| !endpoint.record.is_empty())
            .and_then(|mut body| {
                let at = venue.payload_pointer.unwrap_or("");
                let slot = body.pointer_mut(at)?;
                slot.is_array().then(|| *slot = Value::Array(Vec::new()))?;
                Some(Bytes::from(body.to_string()))
            });
        OrderBook {
            endpoint,
            orders,
            empty,
        }
    }

    /// The answer when no record matches, for an endpoint whose record is an item of a list
    /// payload: a success with the list empty (`[]`, or the envelope with an empty payload).
    pub(crate) fn empty(&self) -> Option<&Bytes> {
        self.empty.as_ref()
    }

    /// The seeded orders.
    #[cfg(test)]
    pub(crate) fn orders(&self) -> &[Order] {
        &self.orders
    }

    /// The seeded orders, described by the parameter values that select them.
    pub(crate) fn describe(&self) -> Vec<super::SeededOrder> {
        self.orders
            .iter()
            .map(|o| super::SeededOrder {
                endpoint: self.endpoint.id,
                example: o.example,
                selectors: self
                    .endpoint
                    .matches
                    .iter()
                    .zip(&o.keys)
                    .filter_map(|(m, k)| Some((m.param, k.clone()?)))
                    .collect(),
            })
            .collect()
    }

    /// The first order whose fields equal every selecting parameter the request gives
    /// (`param` returns a parameter's text by wire name). An endpoint without `matches`
    /// answers its first order.
    pub(crate) fn lookup<'p>(&self, param: impl Fn(&str) -> Option<&'p str>) -> Lookup<'_> {
        let given: Vec<(usize, &str)> = self
            .endpoint
            .matches
            .iter()
            .enumerate()
            .filter_map(|(i, m)| param(m.param).map(|v| (i, v)))
            .collect();
        if given.is_empty() && !self.endpoint.matches.is_empty() {
            return Lookup::NotFound;
        }
        let matches = |i: usize, key: Option<&str>, given: &str| match key {
            // A list parameter names the record when any of its items is the record's value.
            Some(k) if self.endpoint.matches[i].list => given.split(',').any(|g| g == k),
            Some(k) => k == given,
            None => false,
        };
        self.orders
            .iter()
            .find(|o| {
                given
                    .iter()
                    .all(|(i, v)| matches(*i, o.keys[*i].as_deref(), v))
            })
            .map_or(Lookup::NotFound, Lookup::Found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(venue: &str, endpoint: &str) -> OrderBook {
        let (v, e) = crate::find(venue, endpoint).unwrap();
        OrderBook::seed(v, e)
    }

    #[test]
    fn every_success_example_seeds_an_order() {
        for v in generated::VENUES {
            for e in v.endpoints {
                let n = e
                    .examples
                    .iter()
                    .filter(|x| x.kind == ExampleKind::Success)
                    .count();
                assert_eq!(OrderBook::seed(v, e).orders().len(), n, "{}/{}", v.id, e.id);
            }
        }
    }

    #[test]
    fn lookup_by_each_selecting_parameter() {
        let b = book("binance_usdm", "order_status");
        let by =
            |name: &'static str, value: &'static str| move |p: &str| (p == name).then_some(value);
        let Lookup::Found(o) = b.lookup(by("orderId", "1917641")) else {
            panic!()
        };
        assert_eq!(o.example, "docs_success");
        // The Chinese page's payload-only example, wrapped in the English page's envelope.
        let Lookup::Found(o) = b.lookup(by("orderId", "1573346959")) else {
            panic!()
        };
        assert_eq!(o.example, "docs_success_zh_payload");
        let framed: Value = serde_json::from_slice(&o.body).unwrap();
        assert_eq!(framed["status"], 200);
        assert_eq!(framed["result"]["orderId"], 1_573_346_959);
        assert!(matches!(b.lookup(by("orderId", "1")), Lookup::NotFound));
        assert!(matches!(
            b.lookup(by("origClientOrderId", "abc")),
            Lookup::Found(_)
        ));
        assert!(matches!(b.lookup(|_| None), Lookup::NotFound));

        let h = book("htx", "get_client_order");
        assert!(matches!(
            h.lookup(by("clientOrderId", "23456")),
            Lookup::Found(_)
        ));
        assert!(matches!(
            h.lookup(by("clientOrderId", "23457")),
            Lookup::NotFound
        ));
    }

    #[test]
    fn websocket_answers_carry_the_request_id() {
        let b = book("binance_usdm", "order_status");
        let o = &b.orders()[0];
        let text = o.ws_text(&Value::String("req-7".into()));
        let mut expected: Value = serde_json::from_slice(&o.body).unwrap();
        expected["id"] = Value::String("req-7".into());
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), expected);
        assert!(text.starts_with(r#"{"id":"req-7","#), "{text}");
        let text = o.ws_text(&Value::from(42));
        assert!(text.starts_with(r#"{"id":42,"#), "{text}");
        // An endpoint without `matches` answers its example whatever the request.
        let logon = book("binance_usdm", "session_logon");
        assert!(matches!(logon.lookup(|_| None), Lookup::Found(_)));
    }
}
