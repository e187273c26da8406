//! One attempt over REST or WebSocket (the request signed for it), the retry loop around
//! attempts, and the answer classified and decoded.

use std::time::Duration;

use tokio::time::Instant;

use super::{ClientCore, Outgoing, Reply};
use crate::decode::DecodeError;
use crate::error::classify;
use crate::error::pointer::probe;
use crate::error::{TransportKind, VenueError};
use crate::registry::{EndpointInfo, TransportInfo};
use crate::signing::{SignError, Signer};
use crate::transport::ws::Sent;

impl ClientCore {
    pub(super) fn sign_error(&self, endpoint: &'static str, source: SignError) -> VenueError {
        VenueError::Sign {
            venue: self.0.venue.id,
            endpoint,
            source,
        }
    }

    fn signer<'s>(
        &'s self,
        ep: &'static EndpointInfo,
        signer: &'s Result<Signer, SignError>,
        unsigned: &'s Signer,
    ) -> Result<&'s Signer, VenueError> {
        if !ep.signed {
            return Ok(unsigned);
        }
        signer
            .as_ref()
            .map_err(|e| self.sign_error(ep.id, e.clone()))
    }

    pub(super) async fn send<T>(
        &self,
        ep: &'static EndpointInfo,
        request: &dyn Outgoing,
        decode: fn(&[u8]) -> Result<T, DecodeError>,
        extras: bool,
    ) -> Result<Reply<T>, VenueError> {
        let mut attempts = 0;
        loop {
            self.0.ban.check(self.0.venue.id, ep.id)?;
            attempts += 1;
            let result = match ep.transport {
                TransportInfo::Rest { .. } => self.rest_once(ep, request, decode, extras).await,
                TransportInfo::Ws { .. } => self.ws_once(ep, request, decode, extras).await,
            };
            match result {
                Ok(mut reply) => {
                    reply.attempts = attempts;
                    return Ok(reply);
                }
                Err(err) => {
                    self.0.ban.observe(&err);
                    match self.0.retry.next(&err, ep.idempotent, attempts) {
                        Some(wait) => tokio::time::sleep(wait).await,
                        None => return Err(err.with_attempts(attempts)),
                    }
                }
            }
        }
    }

    /// Classifies an answer and decodes its payload.
    fn answer<T>(
        &self,
        ep: &'static EndpointInfo,
        status: Option<u16>,
        body: &[u8],
        retry_after: Option<Duration>,
        decode: fn(&[u8]) -> Result<T, DecodeError>,
        extras: bool,
    ) -> Result<(T, Option<serde_json::Value>), VenueError> {
        let venue = self.0.venue;
        classify::check(venue, ep.id, status, body, retry_after)?;
        let value = decode(body).map_err(|e| VenueError::decode(venue.id, ep.id, status, e))?;
        let rate_limits = match venue.rate_limits.pointer {
            Some(p) if extras => probe(body, p).ok().flatten(),
            _ => None,
        };
        Ok((value, rate_limits))
    }

    async fn rest_once<T>(
        &self,
        ep: &'static EndpointInfo,
        request: &dyn Outgoing,
        decode: fn(&[u8]) -> Result<T, DecodeError>,
        extras: bool,
    ) -> Result<Reply<T>, VenueError> {
        let inner = &*self.0;
        let venue = inner.venue;
        let missing = |what: &str| VenueError::Config {
            venue: venue.id,
            message: format!("no {what} for REST endpoint `{}`", ep.id),
        };
        let http = inner.http.as_ref().ok_or_else(|| missing("HTTP client"))?;
        let base = inner
            .rest_url
            .as_deref()
            .ok_or_else(|| missing("REST base URL"))?;
        let signer = self.signer(ep, &inner.rest_signer, &inner.unsigned_rest)?;
        let signed = request
            .sign_http(signer, base, &*inner.clock)
            .map_err(|e| self.sign_error(ep.id, e))?;
        let keep = if extras {
            venue.rate_limits.headers
        } else {
            &[]
        };
        let answer = (http
            .send(venue.id, ep.id, &signed, inner.rest_headers, keep)
            .await)
            .map_err(|e| e.in_flight(ep.idempotent))?;
        let (value, rate_limits) = self.answer(
            ep,
            Some(answer.status),
            &answer.body,
            answer.retry_after,
            decode,
            extras,
        )?;
        Ok(Reply {
            value,
            http_status: Some(answer.status),
            attempts: 1,
            rate_limits,
            headers: answer.headers,
            clock_offset: None,
        })
    }

    async fn ws_once<T>(
        &self,
        ep: &'static EndpointInfo,
        request: &dyn Outgoing,
        decode: fn(&[u8]) -> Result<T, DecodeError>,
        extras: bool,
    ) -> Result<Reply<T>, VenueError> {
        let inner = &*self.0;
        let venue = inner.venue;
        let ws = inner.ws.as_ref().ok_or_else(|| VenueError::Config {
            venue: venue.id,
            message: format!("no WebSocket URL for endpoint `{}`", ep.id),
        })?;
        let signer = self.signer(ep, &inner.ws_signer, &inner.unsigned_ws)?;
        let session = inner.session_signer.as_ref().filter(|_| ep.signed);
        let sign = |id: &str, logged_on: bool| {
            let s = match session {
                Some(s) if logged_on => s,
                _ => signer,
            };
            (request.sign_ws(s, id, &*inner.clock))
                .map(|s| s.into_frame_text())
                .map_err(|e| self.sign_error(ep.id, e))
        };
        let deadline = Instant::now() + inner.timeouts.request;
        match ws.request(ep.id, deadline, &sign).await? {
            Sent::Answer(frame) => {
                let (value, rate_limits) =
                    self.answer(ep, None, frame.as_bytes(), None, decode, extras)?;
                Ok(Reply {
                    value,
                    http_status: None,
                    attempts: 1,
                    rate_limits,
                    headers: Vec::new(),
                    clock_offset: None,
                })
            }
            Sent::Dropped(reason) => Err(VenueError::transport(
                venue.id,
                ep.id,
                if ep.idempotent {
                    TransportKind::Closed
                } else {
                    TransportKind::ClosedInFlight
                },
                format!("the connection closed with the request in flight: {reason}"),
                1,
            )),
        }
    }
}
