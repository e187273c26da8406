//! WebSocket API requests: frames `{id, method, params}` answered in order on one connection,
//! through one writer that flushes only when no further frame is waiting (so pipelined
//! requests are answered in batches).

use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use futures_util::{FutureExt as _, SinkExt as _, StreamExt as _};
use generated::runtime::registry::ErrorKind;
use serde_json::{Map, Value};

use super::auth::Denied;
use super::conn::{ConnInfo, ConnState};
use super::errors::ErrorReplies;
use super::faults::Fault;
use super::orders::{Lookup, value_text};
use super::{HTML_ERROR_PAGE, VenueServer};

/// The upgrade to a WebSocket session.
pub(crate) async fn upgrade(
    State(v): State<Arc<VenueServer>>,
    ConnectInfo(conn): ConnectInfo<ConnInfo>,
    ws: WebSocketUpgrade,
) -> Response {
    ws.on_upgrade(move |socket| session(v, conn.0, socket))
}

/// What to do after a frame.
enum Action {
    /// Send this text frame.
    Reply(String),
    /// Close the WebSocket without answering.
    Close,
    /// Reset the TCP connection without answering.
    Reset,
}

/// One connection: frames are handled in order; answers are written as they come and flushed
/// when no further frame is already waiting.
async fn session(v: Arc<VenueServer>, conn: Arc<ConnState>, socket: WebSocket) {
    let (mut tx, mut rx) = socket.split();
    // The API key the connection is logged in as (after a logon method).
    let mut session: Option<String> = None;
    let mut next: Option<Message> = None;
    loop {
        let msg = match next.take() {
            Some(m) => m,
            None => {
                if tx.flush().await.is_err() {
                    return;
                }
                match rx.next().await {
                    Some(Ok(m)) => m,
                    _ => return,
                }
            }
        };
        match msg {
            Message::Text(text) => match frame(&v, &conn, &mut session, text.as_str()).await {
                Action::Reply(s) => {
                    if tx.feed(Message::Text(s.into())).await.is_err() {
                        return;
                    }
                }
                Action::Close => {
                    let _ = tx.send(Message::Close(None)).await;
                    return;
                }
                Action::Reset => {
                    conn.kill();
                    return;
                }
            },
            Message::Close(_) => {
                let _ = tx.flush().await;
                return;
            }
            // Pings are answered by the WebSocket layer; pongs and binary frames are ignored.
            _ => {}
        }
        match rx.next().now_or_never() {
            Some(Some(Ok(m))) => next = Some(m),
            Some(_) => {
                let _ = tx.flush().await;
                return;
            }
            None => {}
        }
    }
}

fn error(errors: &ErrorReplies, kind: ErrorKind, status: Option<u16>, id: &Value) -> Action {
    let reply = errors.reply(kind);
    let status = status.unwrap_or(reply.status);
    // A WebSocket has no empty answer: without a documented body, the frame is `{id, status}`.
    Action::Reply(
        errors
            .render(reply, status, id, true)
            .unwrap_or_else(|| serde_json::json!({ "id": id, "status": status }).to_string()),
    )
}

async fn frame(
    v: &VenueServer,
    conn: &ConnState,
    session: &mut Option<String>,
    text: &str,
) -> Action {
    let Some(fallback) = v.ws.first() else {
        return Action::Close;
    };
    let parsed: Value = match serde_json::from_str(text) {
        Ok(p) => p,
        Err(_) => {
            return error(
                &fallback.errors,
                ErrorKind::InvalidRequest,
                None,
                &Value::Null,
            );
        }
    };
    let id = parsed.get("id").cloned().unwrap_or(Value::Null);
    if !has_frame_constants(v.venue.ws_frame, &parsed) {
        return error(&fallback.errors, ErrorKind::InvalidRequest, None, &id);
    }
    if let Some(time) = super::time::ws(v, &parsed, &id) {
        return Action::Reply(time);
    }
    let Some(ep) = parsed
        .get("method")
        .and_then(Value::as_str)
        .and_then(|m| v.ws_endpoint(m))
    else {
        return error(&fallback.errors, ErrorKind::InvalidRequest, None, &id);
    };
    v.counters.endpoint();
    let fault = conn
        .fault
        .as_ref()
        .and_then(|f| f.for_request(ep.info.id, true))
        .or_else(|| v.faults.take_for_request(v.venue.id, ep.info.id, true));
    let mut truncate = false;
    match fault {
        Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
        Some(Fault::RateLimited { .. }) => {
            return error(&ep.errors, ErrorKind::RateLimited, Some(429), &id);
        }
        Some(Fault::Banned { .. }) => {
            return error(&ep.errors, ErrorKind::RateLimited, Some(418), &id);
        }
        Some(Fault::ServerError) => {
            let reply = ep.errors.reply(ErrorKind::Server);
            let status = if reply.status >= 500 {
                reply.status
            } else {
                500
            };
            return error(&ep.errors, ErrorKind::Server, Some(status), &id);
        }
        Some(Fault::HtmlError) => return Action::Reply(HTML_ERROR_PAGE.to_string()),
        Some(Fault::ConnectionReset) => return Action::Reset,
        Some(Fault::WsCloseMidRequest) => return Action::Close,
        Some(Fault::TruncatedBody) => truncate = true,
        None => {}
    }
    let mut action = answer(v, ep, session, &parsed, &id);
    if truncate && let Action::Reply(s) = &mut action {
        let mut half = s.len() / 2;
        while !s.is_char_boundary(half) {
            half -= 1;
        }
        s.truncate(half);
    }
    action
}

/// Whether a request frame carries each of the venue's constant members with its value
/// (JSON-RPC 2.0's `"jsonrpc": "2.0"`); a venue that declares none accepts any frame.
fn has_frame_constants(constants: &[(&str, &str)], frame: &Value) -> bool {
    constants.iter().all(|(name, json)| {
        let want: Option<Value> = serde_json::from_str(json).ok();
        want.is_some() && frame.get(*name) == want.as_ref()
    })
}

fn answer(
    v: &VenueServer,
    ep: &super::WsEndpoint,
    session: &mut Option<String>,
    frame: &Value,
    id: &Value,
) -> Action {
    let empty = Map::new();
    let params = frame
        .get("params")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let api_key = match v
        .auth
        .check_ws(params, session.as_deref(), v.clock.now_ms())
    {
        Ok(k) => k,
        Err(Denied::Auth(_)) => return error(&ep.errors, ErrorKind::Auth, None, id),
        Err(Denied::Timestamp(_)) => {
            return error(&ep.errors, ErrorKind::TimestampOutsideWindow, None, id);
        }
    };
    let pairs: Vec<(&str, String)> = params
        .iter()
        .filter(|(n, _)| !v.is_scheme_param(n))
        .map(|(n, val)| {
            (
                n.as_str(),
                value_text(val).unwrap_or_else(|| val.to_string()),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (*n, v.as_str())).collect();
    if (ep.info.build)(&refs).is_err() {
        return error(&ep.errors, ErrorKind::InvalidRequest, None, id);
    }
    match ep
        .orders
        .lookup(|name| refs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v))
    {
        Lookup::Found(order) => {
            if ep.info.logon {
                *session = Some(api_key);
            }
            Action::Reply(order.ws_text(id))
        }
        Lookup::NotFound => error(&ep.errors, ErrorKind::NotFound, None, id),
    }
}

#[cfg(test)]
mod frame_tests {
    use super::has_frame_constants;

    #[test]
    fn a_frame_must_carry_the_venues_constants() {
        let rpc: &[(&str, &str)] = &[("jsonrpc", "\"2.0\"")];
        let with = serde_json::json!({ "jsonrpc": "2.0", "id": "1", "method": "m" });
        let without = serde_json::json!({ "id": "1", "method": "m" });
        let other = serde_json::json!({ "jsonrpc": "1.0", "id": "1", "method": "m" });
        let number = serde_json::json!({ "jsonrpc": 2.0, "id": "1", "method": "m" });
        assert!(has_frame_constants(rpc, &with));
        assert!(!has_frame_constants(rpc, &without));
        assert!(!has_frame_constants(rpc, &other));
        assert!(!has_frame_constants(rpc, &number));
        assert!(has_frame_constants(&[], &without));
    }
}
