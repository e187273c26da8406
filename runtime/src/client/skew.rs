//! Clock-skew detection and correction.
//!
//! A client signs with an [`OffsetClock`]: the injected [`Clock`] plus an offset in ms. When
//! the venue refuses a request's timestamp ([`ErrorKind::TimestampOutsideWindow`], a known
//! outcome: the venue did not act on it, so sending it again is safe), the client measures the
//! offset from the venue's time source (the spec's `clock`: a time endpoint, or the `Date`
//! header of any HTTP answer), taking the midpoint of the round trip as the instant the venue
//! read its clock. Then, by [`ClockCorrection`]:
//!
//! - `Off`: the venue's error as it is (no measurement);
//! - `Detect`: an [`ErrorKind::ClockSkew`] error carrying the measured offset;
//! - `Correct` (default): the offset is applied, reported ([`Reply::clock_offset`],
//!   [`ClientCore::clock_offset`]), and the request re-signed and sent once more; a second
//!   refusal is a `ClockSkew` error.
//!
//! When the offset cannot be measured (no `clock` in the spec, or the time source fails), the
//! venue's error is returned as it is. A venue whose stale-timestamp answer cannot be told
//! from a bad key (an empty 401 for both) never triggers this: call [`ClientCore::sync_clock`]
//! before the first request instead.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use tokio::time::Instant;

use super::{ClientBuilder, ClientCore, Reply};
use crate::decode::DecodeError;
use crate::error::pointer::probe;
use crate::error::{ClockSkewError, ErrorKind, VenueError};
use crate::registry::{ClockSourceInfo, EndpointInfo, TimeUnit};
use crate::request::{WireParams, WirePath, WireRequest, WireTransport};
use crate::signing::{Clock, Timestamp};
use crate::transport::ws::Sent;

/// What a client does when the venue refuses a request's timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClockCorrection {
    /// Return the venue's error as it is (`TimestampOutsideWindow`).
    Off,
    /// Measure the offset and return it in a `ClockSkew` error; sign as before.
    Detect,
    /// Measure the offset, apply it, and re-send the request once, re-signed.
    #[default]
    Correct,
}

/// A clock that is another clock plus an offset (ms), changed atomically.
pub struct OffsetClock {
    base: Arc<dyn Clock>,
    offset_ms: AtomicI64,
}

impl std::fmt::Debug for OffsetClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OffsetClock")
            .field("offset_ms", &self.offset_ms())
            .finish_non_exhaustive()
    }
}

impl OffsetClock {
    /// `base` with no offset.
    pub fn new(base: Arc<dyn Clock>) -> Self {
        OffsetClock {
            base,
            offset_ms: AtomicI64::new(0),
        }
    }

    /// The offset added to the base clock, in ms.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// Sets the offset added to the base clock, in ms.
    pub fn set_offset_ms(&self, offset_ms: i64) {
        self.offset_ms.store(offset_ms, Ordering::Relaxed);
    }

    /// The base clock's time, without the offset.
    pub fn base_millis(&self) -> i64 {
        self.base.now_millis()
    }
}

impl Clock for OffsetClock {
    fn now_millis(&self) -> i64 {
        self.base.now_millis().saturating_add(self.offset_ms())
    }

    fn now_micros(&self) -> i64 {
        self.base
            .now_micros()
            .saturating_add(self.offset_ms().saturating_mul(1000))
    }
}

/// The offset of a local clock from the venue's: `venue_ms` was read by the venue while the
/// local clock went from `sent_ms` to `received_ms`, and is truncated to `resolution_ms` (the
/// venue's clock read anywhere in `[venue_ms, venue_ms + resolution_ms)`). The venue's time
/// is taken at the midpoint of the round trip and of the resolution step; the error is at
/// most half the round trip plus half the resolution.
pub fn offset_ms(sent_ms: i64, received_ms: i64, venue_ms: i64, resolution_ms: i64) -> i64 {
    let midpoint = sent_ms + (received_ms - sent_ms) / 2;
    venue_ms + resolution_ms / 2 - midpoint
}

/// An HTTP `Date` header (`Sun, 06 Nov 1994 08:49:37 GMT`) as ms since the Unix epoch.
pub fn parse_http_date(value: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc2822(value.trim())
        .ok()
        .map(|d| d.timestamp_millis())
}

/// The time at `pointer` of a time endpoint's answer, in ms: a JSON integer, or an integer
/// in a JSON string, in `unit`.
pub fn read_time(body: &[u8], pointer: &str, unit: TimeUnit) -> Result<i64, String> {
    let value = probe(body, pointer)
        .map_err(|e| format!("not JSON: {e}"))?
        .ok_or_else(|| format!("no time at `{pointer}`"))?;
    let n = match &value {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| format!("`{pointer}` is {value}, not an integer"))?;
    unit.to_millis(n)
        .ok_or_else(|| format!("`{pointer}` is out of range: {n}"))
}

impl<C> ClientBuilder<C> {
    /// What to do when the venue refuses a request's timestamp (default
    /// [`ClockCorrection::Correct`]).
    pub fn clock_correction(mut self, mode: ClockCorrection) -> Self {
        self.clock_correction = mode;
        self
    }
}

/// The endpoint id errors of [`ClientCore::sync_clock`] carry.
const SYNC: &str = "sync_clock";

impl ClientCore {
    /// The offset (ms) added to the client's clock when it signs: the venue's time minus the
    /// clock's, as last measured (0 until then).
    pub fn clock_offset(&self) -> i64 {
        self.0.clock.offset_ms()
    }

    /// Measures the offset of the client's clock from the venue's time source (the spec's
    /// `clock`) and applies it, whatever [`ClockCorrection`] says; returns it (ms).
    pub async fn sync_clock(&self) -> Result<i64, VenueError> {
        let offset = self.measure_offset(SYNC).await?;
        self.0.clock.set_offset_ms(offset);
        Ok(offset)
    }

    /// [`ClientCore::send`], then, on a refused timestamp, what [`ClockCorrection`] says.
    pub(super) async fn send_synced<T>(
        &self,
        ep: &'static EndpointInfo,
        request: &dyn super::Outgoing,
        decode: fn(&[u8]) -> Result<T, crate::decode::DecodeError>,
        extras: bool,
    ) -> Result<Reply<T>, VenueError> {
        let mode = self.0.clock_correction;
        let refusal = match self.send(ep, request, decode, extras).await {
            Err(e)
                if e.kind() == ErrorKind::TimestampOutsideWindow
                    && mode != ClockCorrection::Off =>
            {
                e
            }
            other => return other,
        };
        let Ok(offset) = self.measure_offset(ep.id).await else {
            return Err(refusal);
        };
        let skew = |corrected, refusal| {
            VenueError::ClockSkew(Box::new(ClockSkewError {
                venue: self.0.venue.id,
                endpoint: ep.id,
                offset_ms: offset,
                corrected,
                refusal,
            }))
        };
        if mode == ClockCorrection::Detect {
            return Err(skew(false, refusal));
        }
        self.0.clock.set_offset_ms(offset);
        match self.send(ep, request, decode, extras).await {
            Ok(mut reply) => {
                reply.attempts += 1;
                reply.clock_offset = Some(offset);
                Ok(reply)
            }
            Err(e) if e.kind() == ErrorKind::TimestampOutsideWindow => Err(skew(true, e)),
            Err(e) => Err(e),
        }
    }

    /// Reads the venue's time once and returns the offset of the base clock from it.
    async fn measure_offset(&self, endpoint: &'static str) -> Result<i64, VenueError> {
        let inner = &*self.0;
        let venue = inner.venue;
        let source = venue.clock.ok_or_else(|| VenueError::Config {
            venue: venue.id,
            message: "the spec names no time source (`clock`)".into(),
        })?;
        let sent = inner.clock.base_millis();
        let venue_ms = match source {
            ClockSourceInfo::HttpDate => self.rest_time(endpoint, "/", None).await?,
            ClockSourceInfo::Rest {
                path,
                pointer,
                unit,
                ..
            } => {
                self.rest_time(endpoint, path, Some((pointer, unit)))
                    .await?
            }
            ClockSourceInfo::Ws {
                method,
                pointer,
                unit,
            } => self.ws_time(endpoint, method, pointer, unit).await?,
        };
        let received = inner.clock.base_millis();
        Ok(offset_ms(sent, received, venue_ms, source.resolution_ms()))
    }

    /// `GET` of `path` (relative to the REST base URL), unsigned: the time at `read` in the
    /// body, or, without `read`, the `Date` header.
    async fn rest_time(
        &self,
        endpoint: &'static str,
        path: &'static str,
        read: Option<(&'static str, TimeUnit)>,
    ) -> Result<i64, VenueError> {
        let inner = &*self.0;
        let venue = inner.venue;
        let (Some(http), Some(base)) = (inner.http.as_ref(), inner.rest_url.as_deref()) else {
            return Err(VenueError::Config {
                venue: venue.id,
                message: "the time source needs a REST base URL".into(),
            });
        };
        let wire = WireRequest {
            transport: WireTransport::Rest {
                method: "GET",
                path: WirePath::from(path),
            },
            params: WireParams::new(),
            body_format: crate::request::BodyFormat::Json,
        };
        let signed = inner
            .unsigned_rest
            .sign_http(&wire, base, &Timestamp::Now, &*inner.clock)
            .map_err(|e| self.sign_error(endpoint, e))?;
        let answer =
            (http.send(venue.id, endpoint, &signed, inner.rest_headers, &["date"])).await?;
        let bad = |message: String| {
            let raw = String::from_utf8_lossy(&answer.body);
            let e = DecodeError::new(format!("time source: {message}"), raw);
            VenueError::decode(venue.id, endpoint, Some(answer.status), e)
        };
        match read {
            Some((pointer, unit)) => read_time(&answer.body, pointer, unit).map_err(bad),
            None => answer
                .headers
                .iter()
                .find_map(|(_, v)| parse_http_date(v))
                .ok_or_else(|| bad("no valid `Date` header".into())),
        }
    }

    /// Sends the WebSocket time `method` and reads the time at `pointer`.
    async fn ws_time(
        &self,
        endpoint: &'static str,
        method: &'static str,
        pointer: &'static str,
        unit: TimeUnit,
    ) -> Result<i64, VenueError> {
        let inner = &*self.0;
        let venue = inner.venue;
        let ws = inner.ws.as_ref().ok_or_else(|| VenueError::Config {
            venue: venue.id,
            message: "the time source needs a WebSocket URL".into(),
        })?;
        let frame = |id: &str, _: bool| {
            let mut text = String::new();
            crate::signing::put_frame_head(venue.ws_frame, &mut text);
            text.push_str("\"id\":");
            text.push_str(&serde_json::Value::from(id).to_string());
            text.push_str(",\"method\":");
            text.push_str(&serde_json::Value::from(method).to_string());
            text.push('}');
            Ok(text)
        };
        let deadline = Instant::now() + inner.timeouts.request;
        // A connection that logs on first cannot be had with a clock the log-on's window
        // refuses: the time is read on one of its own, not logged on.
        let sent = if ws.logs_on() {
            ws.request_alone(endpoint, deadline, &|id| frame(id, false))
                .await?
        } else {
            ws.request(endpoint, deadline, &frame).await?
        };
        match sent {
            Sent::Answer(text) => read_time(text.as_bytes(), pointer, unit).map_err(|m| {
                let e = DecodeError::new(format!("time source: {m}"), text.as_str());
                VenueError::decode(venue.id, endpoint, None, e)
            }),
            Sent::Dropped(why) => Err(VenueError::transport(
                venue.id,
                endpoint,
                crate::error::TransportKind::Closed,
                format!("the connection closed before the time arrived ({why})"),
                1,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::FixedClock;

    #[test]
    fn the_offset_is_taken_at_the_midpoint_of_the_round_trip() {
        // Sent at 1000, answered at 1100 (local); the venue read 601_050 in between.
        assert_eq!(offset_ms(1000, 1100, 601_050, 1), 600_000);
        // A clock ahead of the venue gives a negative offset.
        assert_eq!(offset_ms(700_000, 700_000, 100_000, 1), -600_000);
        // Whole seconds: the venue's clock read somewhere in [s, s + 1000).
        assert_eq!(offset_ms(10_000, 10_000, 610_000, 1000), 600_500);
        // A stopped local clock: no round trip at all.
        assert_eq!(offset_ms(5, 5, 5, 1), 0);
    }

    #[test]
    fn an_offset_clock_adds_its_offset_to_the_base() {
        let c = OffsetClock::new(Arc::new(FixedClock(1_000)));
        assert_eq!(c.now_millis(), 1_000);
        c.set_offset_ms(600_000);
        assert_eq!(
            (c.now_millis(), c.base_millis(), c.offset_ms()),
            (601_000, 1_000, 600_000)
        );
        c.set_offset_ms(-2_000);
        assert_eq!(c.now_millis(), -1_000);
        let max = OffsetClock::new(Arc::new(FixedClock(i64::MAX)));
        max.set_offset_ms(1);
        assert_eq!(max.now_millis(), i64::MAX);
    }

    #[test]
    fn http_dates_are_read_to_the_second() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777_000)
        );
        assert_eq!(
            parse_http_date(" Thu, 01 Jan 1970 00:00:01 GMT "),
            Some(1_000)
        );
        assert_eq!(parse_http_date("yesterday"), None);
        assert_eq!(parse_http_date(""), None);
    }

    #[test]
    fn times_are_read_at_the_pointer_in_their_unit() {
        let ms = TimeUnit::Millis;
        let bitmart = br#"{"code":1000,"data":{"server_time":1527777538000}}"#;
        assert_eq!(
            read_time(bitmart, "/data/server_time", ms),
            Ok(1_527_777_538_000)
        );
        assert_eq!(
            read_time(br#"{"data":"1629715504949"}"#, "/data", ms),
            Ok(1_629_715_504_949)
        );
        assert_eq!(
            read_time(br#"{"t":1629715504}"#, "/t", TimeUnit::Seconds),
            Ok(1_629_715_504_000)
        );
        assert_eq!(
            read_time(br#"{"t":1629715504949123}"#, "/t", TimeUnit::Micros),
            Ok(1_629_715_504_949)
        );
        assert!(
            read_time(br#"{"data":{}}"#, "/data/server_time", ms)
                .unwrap_err()
                .contains("no time")
        );
        assert!(
            read_time(br#"{"t":1.5}"#, "/t", ms)
                .unwrap_err()
                .contains("not an integer")
        );
        assert!(
            read_time(br#"{"t":"soon"}"#, "/t", ms)
                .unwrap_err()
                .contains("not an integer")
        );
        assert!(read_time(b"<html>", "/t", ms).is_err());
        assert!(
            read_time(br#"{"t":9223372036854775807}"#, "/t", TimeUnit::Seconds)
                .unwrap_err()
                .contains("out of range")
        );
    }
}
