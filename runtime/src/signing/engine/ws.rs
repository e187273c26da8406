//! Signing WebSocket API requests: the frame `{"id", "method", "params"}` (after the venue's
//! constant members, if any) with the signature among the params.

use super::transport_name;
use std::borrow::Cow;

use super::draft::{Draft, Val, put_json_object};
use super::payload::Explanation;
use super::timestamp::StampBuf;
use super::{SignError, Signer, Timestamp};
use crate::request::{Location, WireRequest, WireTransport};
use crate::signing::clock::Clock;
use crate::signing::encode::put_json_str;
use crate::signing::recipe::SchemeTransport;
use crate::signing::signed::{Explained, SignedWs, Span};

impl Signer {
    /// Signs a WebSocket API request with frame id `id`.
    pub fn sign_ws(
        &self,
        wire: &WireRequest<'_>,
        id: &str,
        timestamp: &Timestamp,
        clock: &dyn Clock,
    ) -> Result<SignedWs, SignError> {
        self.ws(wire, id, timestamp, clock, None)
    }

    /// Signs a WebSocket API request as [`Signer::sign_ws`] does, and returns the string that
    /// was signed with it, in full and with secret credentials redacted.
    pub fn explain_ws(
        &self,
        wire: &WireRequest<'_>,
        id: &str,
        timestamp: &Timestamp,
        clock: &dyn Clock,
    ) -> Result<Explained<SignedWs>, SignError> {
        let mut ex = Explanation::default();
        let signed = self.ws(wire, id, timestamp, clock, Some(&mut ex))?;
        Ok(Explained {
            signed,
            payload: ex.payload,
            redacted: ex.redacted,
        })
    }

    fn ws(
        &self,
        wire: &WireRequest<'_>,
        id: &str,
        timestamp: &Timestamp,
        clock: &dyn Clock,
        explain: Option<&mut Explanation>,
    ) -> Result<SignedWs, SignError> {
        let s = self.scheme;
        let WireTransport::Ws { method } = &wire.transport else {
            return Err(SignError::WrongTransport {
                scheme: s.name,
                expected: transport_name(s.transport),
            });
        };
        if s.transport != SchemeTransport::Ws {
            return Err(SignError::WrongTransport {
                scheme: s.name,
                expected: transport_name(s.transport),
            });
        }
        let mut stamp = StampBuf::new();
        let ts = self.timestamp(timestamp, clock, &mut stamp)?;
        // As for HTTP: declared before the draft, which borrows the signature.
        let mut stack = [0u8; 128];
        #[allow(clippy::needless_late_init)]
        let sig;
        let nonce = self.nonce();
        let mut d = Draft::new(method, ts);
        d.nonce = nonce.as_deref();
        for p in wire.at(Location::WsParams) {
            d.upsert(
                Location::WsParams,
                &p.name,
                None,
                Val::wire(&p.value),
                false,
            );
        }
        self.add(&mut d, explain.is_some());
        sig = self.sign_payload(&d, None, explain, &mut stack);
        if let (Some(sig), Some(place)) = (&sig, &s.place)
            && place.location == Location::WsParams
        {
            d.upsert(
                place.location,
                &place.name,
                None,
                Val::Str(Cow::Borrowed(sig)),
                false,
            );
        }
        write_frame(&d, id, method, self.frame)
    }
}

/// The frame `{<constants>,"id":..,"method":..,"params":{..}}` of the draft, then its
/// timestamp.
fn write_frame(
    d: &Draft<'_>,
    id: &str,
    method: &str,
    constants: &[(&str, &str)],
) -> Result<SignedWs, SignError> {
    let room = 48
        + constants
            .iter()
            .map(|(n, v)| n.len() + v.len() + 4)
            .sum::<usize>()
        + id.len()
        + method.len()
        + d.entries
            .iter()
            .map(|e| (e.name.len() + e.value.len_hint()) * 5 / 4 + 6)
            .sum::<usize>()
        + 32;
    let mut text = String::with_capacity(room);
    put_frame_head(constants, &mut text);
    text.push_str("\"id\":");
    put_json_str(id, &mut text);
    text.push_str(",\"method\":");
    put_json_str(method, &mut text);
    text.push_str(",\"params\":");
    put_json_object(d, Location::WsParams, false, &mut text);
    text.push('}');
    let frame = Span::since(0, &text);
    let timestamp = d.timestamp.map(|t| {
        let start = text.len();
        text.push_str(t);
        Span::since(start, &text)
    });
    if u32::try_from(text.len()).is_err() {
        return Err(SignError::TooLarge(text.len()));
    }
    Ok(SignedWs {
        text,
        frame,
        timestamp,
    })
}

/// `{` and each constant member (`"name":<JSON text>,`), the frame's start before `id`.
pub fn put_frame_head(constants: &[(&str, &str)], out: &mut String) {
    out.push('{');
    for (name, json) in constants {
        put_json_str(name, out);
        out.push(':');
        out.push_str(json);
        out.push(',');
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use crate::request::{Location, WireParam, WireRequest, WireTransport, WireValue};
    use crate::signing::recipe::{Encoding, KeyKind, Scheme, SchemeTransport};
    use crate::signing::{Credentials, FixedClock, Signer, Timestamp};

    /// A request on a connection already logged in: nothing is added or signed.
    static SESSION: Scheme = Scheme {
        venue: "t",
        name: "ws_session",
        transport: SchemeTransport::Ws,
        key: KeyKind::Token,
        credentials: &[],
        timestamp: None,
        add: &[],
        payload: &[],
        sign: None,
        place: None,
        query_encoding: Encoding::Rfc3986,
        object_body: false,
    };

    fn frame(signer: &Signer) -> String {
        let params = vec![WireParam {
            name: Cow::Borrowed("order_id"),
            location: Location::WsParams,
            value: WireValue::Str(Cow::Borrowed("ETH-331562")),
        }];
        let wire = WireRequest {
            transport: WireTransport::Ws {
                method: "private/get_order_state",
            },
            params: params.into(),
            body_format: crate::request::BodyFormat::Json,
        };
        let signed = signer
            .sign_ws(&wire, "4316", &Timestamp::Now, &FixedClock(0))
            .unwrap();
        signed.into_frame_text()
    }

    /// The JSON-RPC 2.0 frame of Deribit's docs (`private/get_order_state`, JS example:
    /// `{"jsonrpc": "2.0", "id": 4316, "method": ..., "params": {"order_id": "ETH-331562"}}`),
    /// the id written as the client's string; without constants the frame is the plain one.
    #[test]
    fn frame_constants_lead_the_frame() {
        let creds = Credentials::new(&[]);
        let plain = Signer::new(&SESSION, &creds).unwrap();
        assert_eq!(
            frame(&plain),
            r#"{"id":"4316","method":"private/get_order_state","params":{"order_id":"ETH-331562"}}"#
        );
        let rpc = plain.with_frame(&[("jsonrpc", "\"2.0\"")]);
        assert_eq!(
            frame(&rpc),
            r#"{"jsonrpc":"2.0","id":"4316","method":"private/get_order_state","params":{"order_id":"ETH-331562"}}"#
        );
        let two = rpc.with_frame(&[("jsonrpc", "\"2.0\""), ("v", "2")]);
        assert!(frame(&two).starts_with(r#"{"jsonrpc":"2.0","v":2,"id":"4316","#));
    }
}
