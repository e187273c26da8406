//! Signing WebSocket API requests: the frame `{"id", "method", "params"}` with the signature
//! among the params.

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
        write_frame(&d, id, method)
    }
}

/// The frame `{"id":..,"method":..,"params":{..}}` of the draft, then its timestamp.
fn write_frame(d: &Draft<'_>, id: &str, method: &str) -> Result<SignedWs, SignError> {
    let room = 48
        + id.len()
        + method.len()
        + d.entries
            .iter()
            .map(|e| (e.name.len() + e.value.len_hint()) * 5 / 4 + 6)
            .sum::<usize>()
        + 32;
    let mut text = String::with_capacity(room);
    text.push_str("{\"id\":");
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
