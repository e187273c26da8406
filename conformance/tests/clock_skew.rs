//! Clock skew: a client whose clock is 10 minutes off the venue's, against the embedded mock
//! venue on loopback. The truth is the skew the test injects (the client's clock is the
//! system clock plus a fixed offset; the mock's is the system clock), so a measured offset
//! must be that skew, within the time source's resolution plus the measured round trip.
//!
//! Every signed endpoint of every generated venue with a clock source and a timestamp window
//! (`INFO.clock`, `INFO.timestamp_window`) is covered, iterating `generated::VENUES`:
//! where the venue documents its own answer to a stale timestamp, the client detects it and
//! corrects (or, as told, only detects); where it does not (an answer that cannot be told
//! from a bad key), `sync_clock()` is the way, and is tested for every venue.

mod docs_order;

use docs_order::order_params;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use conformance::mock::{MockConfig, MockHandle, MockVenue, RequestCounts};
use generated::runtime::client::{ClientBuilder, ClientCore, ClockCorrection, Reply};
use generated::runtime::error::{ErrorKind, VenueError};
use generated::runtime::registry::{ClockSourceInfo, EndpointInfo, ErrorCodeValue, VenueInfo};
use generated::runtime::signing::{Clock, SchemeTransport, Signer, SystemClock};
use generated::runtime::transport::retry::RetryPolicy;
use serde_json::Value;

const TEN_MINUTES_MS: i64 = 10 * 60 * 1000;

/// The system clock plus a fixed offset.
struct Skewed(i64);

impl Clock for Skewed {
    fn now_millis(&self) -> i64 {
        SystemClock.now_millis() + self.0
    }
}

/// A clock that loses 10 more minutes at every reading: whatever offset is measured, the
/// next timestamp is off again.
struct Sinking(AtomicI64);

impl Clock for Sinking {
    fn now_millis(&self) -> i64 {
        let lost = self.0.fetch_add(TEN_MINUTES_MS, Ordering::Relaxed) + TEN_MINUTES_MS;
        SystemClock.now_millis() - lost
    }
}

async fn start() -> MockHandle {
    MockVenue::start(MockConfig::default()).await.unwrap()
}

/// Every signed endpoint of every generated venue.
fn endpoints() -> impl Iterator<Item = (&'static VenueInfo, &'static EndpointInfo)> {
    generated::VENUES
        .iter()
        // A clock correction needs the venue's time (`INFO.clock`) and a window its
        // timestamps are judged by (`INFO.timestamp_window`); a venue whose timestamp is only
        // a growing nonce has neither.
        .filter(|v| v.clock.is_some() && v.timestamp_window.is_some())
        .flat_map(|v| v.endpoints.iter().map(move |e| (v, e)))
        .filter(|(_, e)| e.signed)
}

/// Whether the venue documents its own answer to a stale timestamp (what triggers a
/// correction); p99 answers it with the empty 401 of a bad key.
fn tells_stale_timestamps(v: &VenueInfo) -> bool {
    v.error_codes
        .iter()
        .any(|c| c.kind == Some(ErrorKind::TimestampOutsideWindow))
}

/// A client of `v` at the mock (loopback only), one attempt per request, signing with
/// `clock`, correcting as `mode` says.
fn client(
    mock: &MockHandle,
    v: &'static VenueInfo,
    clock: Arc<dyn Clock>,
    mode: ClockCorrection,
) -> ClientCore {
    let mut b = ClientBuilder::<ClientCore>::new(v)
        .credentials(mock.signing_credentials(v.id).unwrap())
        .retry(RetryPolicy::none())
        .connect_timeout(Duration::from_secs(5))
        .request_timeout(Duration::from_secs(5))
        .clock(clock)
        .clock_correction(mode);
    if let Some(url) = mock.rest_base(v.id) {
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        b = b.rest_url(url);
    }
    if let Some(url) = mock.ws_url(v.id) {
        assert!(url.starts_with("ws://127.0.0.1:"), "{url}");
        b = b.ws_url(url);
    }
    b.build().unwrap()
}

async fn call(
    core: &ClientCore,
    v: &VenueInfo,
    e: &EndpointInfo,
) -> (Result<Reply<Value>, VenueError>, Duration) {
    let p = order_params(v, e);
    let refs: Vec<(&str, &str)> = p.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let t = Instant::now();
    let got = core.call_json(e.id, &refs).await;
    (got, t.elapsed())
}

fn counts(mock: &MockHandle, v: &VenueInfo) -> RequestCounts {
    mock.requests(v.id).unwrap()
}

/// Endpoint requests a new connection of `v`'s client sends before any call: its log-on,
/// where the mock's credentials give a key that logs on.
fn logons(mock: &MockHandle, v: &VenueInfo) -> u64 {
    let Some(session) = v.ws_session else {
        return 0;
    };
    let creds = mock.signing_credentials(v.id).unwrap();
    let key = Signer::choose(v.schemes, SchemeTransport::Ws, &creds).map(|s| s.scheme().key);
    u64::from(key.is_ok_and(|k| k == session.when_key))
}

/// The time-source requests the mock counts for one reading of the venue's time: one of a
/// time endpoint or method; none for a `Date` header, which comes with any answer.
fn time_reads(v: &VenueInfo) -> u64 {
    u64::from(v.clock != Some(ClockSourceInfo::HttpDate))
}

/// Requests since `before`: (endpoint, time source).
fn since(mock: &MockHandle, v: &VenueInfo, before: RequestCounts) -> (u64, u64) {
    let now = counts(mock, v);
    (now.endpoint - before.endpoint, now.time - before.time)
}

/// `measured` is `truth` within the source's resolution and the time the exchange took.
fn assert_offset(what: &str, v: &VenueInfo, measured: i64, truth: i64, took: Duration) {
    let resolution = v.clock.expect("a time source").resolution_ms();
    let slack = resolution / 2 + i64::try_from(took.as_millis()).unwrap() + 2;
    assert!(
        (measured - truth).abs() <= slack,
        "{what}: measured {measured} ms, truth {truth} ms, allowed ±{slack} ms"
    );
}

fn code_text(c: ErrorCodeValue) -> String {
    match c {
        ErrorCodeValue::Int(i) => i.to_string(),
        ErrorCodeValue::Str(s) => s.to_string(),
    }
}

/// The venue's own stale-timestamp refusal: documented code, raw body kept.
fn assert_refusal(what: &str, v: &VenueInfo, err: &VenueError) {
    let code = err.code().map(ToString::to_string);
    assert!(
        v.error_codes
            .iter()
            .any(|c| c.kind == Some(ErrorKind::TimestampOutsideWindow)
                && code == Some(code_text(c.code))),
        "{what}: code {code:?} is not a documented stale-timestamp code: {err}"
    );
    assert!(!err.raw_body().unwrap_or_default().is_empty(), "{what}");
}

async fn corrects(skew_ms: i64) {
    let mock = start().await;
    let mut covered = 0;
    for (v, e) in endpoints().filter(|(v, _)| tells_stale_timestamps(v)) {
        let what = format!("{}/{} skew {skew_ms}", v.id, e.id);
        let core = client(
            &mock,
            v,
            Arc::new(Skewed(skew_ms)),
            ClockCorrection::default(),
        );
        let before = counts(&mock, v);
        let (got, took) = call(&core, v, e).await;
        let reply = got.unwrap_or_else(|err| panic!("{what}: {err}"));
        let offset = reply
            .clock_offset
            .unwrap_or_else(|| panic!("{what}: no offset"));
        assert_offset(&what, v, offset, -skew_ms, took);
        assert_eq!(core.clock_offset(), offset, "{what}");
        assert_eq!(reply.attempts, 2, "{what}");
        // Refused, the time read once, re-sent once.
        assert_eq!(since(&mock, v, before), (2, time_reads(v)), "{what}");

        let before = counts(&mock, v);
        let (again, _) = call(&core, v, e).await;
        let again = again.unwrap_or_else(|err| panic!("{what}, second call: {err}"));
        assert_eq!((again.clock_offset, again.attempts), (None, 1), "{what}");
        assert_eq!(since(&mock, v, before), (1, 0), "{what}, second call");
        covered += 1;
    }
    assert!(covered >= 3, "only {covered} endpoints covered");
}

#[tokio::test]
async fn every_endpoint_corrects_a_clock_ten_minutes_behind() {
    corrects(-TEN_MINUTES_MS).await;
}

#[tokio::test]
async fn every_endpoint_corrects_a_clock_ten_minutes_ahead() {
    corrects(TEN_MINUTES_MS).await;
}

#[tokio::test]
async fn detect_reports_the_offset_as_clock_skew_and_changes_nothing() {
    let mock = start().await;
    for (v, e) in endpoints().filter(|(v, _)| tells_stale_timestamps(v)) {
        let what = format!("{}/{}", v.id, e.id);
        let core = client(
            &mock,
            v,
            Arc::new(Skewed(-TEN_MINUTES_MS)),
            ClockCorrection::Detect,
        );
        let before = counts(&mock, v);
        let (got, took) = call(&core, v, e).await;
        let err = got.expect_err(&what);
        assert_eq!(err.kind(), ErrorKind::ClockSkew, "{what}: {err}");
        let offset = err.clock_offset().expect("an offset");
        assert_offset(&what, v, offset, TEN_MINUTES_MS, took);
        assert!(err.to_string().contains(&format!("{offset:+} ms")), "{err}");
        assert!(err.to_string().contains("correction is off"), "{err}");
        assert_refusal(&what, v, &err);
        assert_eq!(core.clock_offset(), 0, "{what}: applied");
        // Not re-sent.
        assert_eq!(since(&mock, v, before), (1, time_reads(v)), "{what}");
    }
}

#[tokio::test]
async fn a_skew_that_persists_after_correcting_is_clock_skew() {
    let mock = start().await;
    for (v, e) in endpoints().filter(|(v, _)| tells_stale_timestamps(v)) {
        let what = format!("{}/{}", v.id, e.id);
        let clock = Arc::new(Sinking(AtomicI64::new(0)));
        let core = client(&mock, v, clock, ClockCorrection::Correct);
        let before = counts(&mock, v);
        let (got, _) = call(&core, v, e).await;
        let err = got.expect_err(&what);
        assert_eq!(err.kind(), ErrorKind::ClockSkew, "{what}: {err}");
        assert!(err.clock_offset().is_some_and(|o| o > 0), "{what}: {err}");
        assert!(err.to_string().contains("refused again"), "{err}");
        assert_refusal(&what, v, &err);
        // Re-sent exactly once.
        assert_eq!(since(&mock, v, before), (2, time_reads(v)), "{what}");
    }
}

#[tokio::test]
async fn off_returns_the_venues_answer_without_measuring() {
    let mock = start().await;
    for (v, e) in endpoints() {
        let what = format!("{}/{}", v.id, e.id);
        let core = client(
            &mock,
            v,
            Arc::new(Skewed(-TEN_MINUTES_MS)),
            ClockCorrection::Off,
        );
        let before = counts(&mock, v);
        let (got, _) = call(&core, v, e).await;
        let err = got.expect_err(&what);
        if tells_stale_timestamps(v) {
            assert_eq!(
                err.kind(),
                ErrorKind::TimestampOutsideWindow,
                "{what}: {err}"
            );
            assert_refusal(&what, v, &err);
        } else {
            // p99: an empty 401, the same as a bad key.
            assert_eq!(err.kind(), ErrorKind::Auth, "{what}: {err}");
        }
        assert_eq!(since(&mock, v, before), (1, 0), "{what}");
    }
}

#[tokio::test]
async fn sync_clock_measures_every_venues_time_source_up_front() {
    let mock = start().await;
    for (v, e) in endpoints() {
        for skew in [-TEN_MINUTES_MS, TEN_MINUTES_MS] {
            let what = format!("{}/{} skew {skew}", v.id, e.id);
            let core = client(&mock, v, Arc::new(Skewed(skew)), ClockCorrection::Off);
            let before = counts(&mock, v);
            let t = Instant::now();
            let offset = core
                .sync_clock()
                .await
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_offset(&what, v, offset, -skew, t.elapsed());
            assert_eq!(core.clock_offset(), offset, "{what}");
            // With correction off, the first signed request now passes.
            let (got, _) = call(&core, v, e).await;
            let reply = got.unwrap_or_else(|err| panic!("{what}: {err}"));
            assert_eq!((reply.clock_offset, reply.attempts), (None, 1), "{what}");
            let reads = time_reads(v);
            let sent = 1 + logons(&mock, v);
            assert_eq!(since(&mock, v, before), (sent, reads), "{what}");
        }
    }
}

#[tokio::test]
async fn a_stale_timestamp_that_looks_like_a_bad_key_triggers_nothing() {
    let mock = start().await;
    let mut covered = 0;
    for (v, e) in endpoints().filter(|(v, _)| !tells_stale_timestamps(v)) {
        let what = format!("{}/{}", v.id, e.id);
        let core = client(
            &mock,
            v,
            Arc::new(Skewed(-TEN_MINUTES_MS)),
            ClockCorrection::Correct,
        );
        let before = counts(&mock, v);
        let (got, _) = call(&core, v, e).await;
        assert_eq!(got.expect_err(&what).kind(), ErrorKind::Auth, "{what}");
        assert_eq!(since(&mock, v, before), (1, 0), "{what}");
        // The explicit way.
        core.sync_clock().await.unwrap();
        let (got, _) = call(&core, v, e).await;
        assert!(got.is_ok(), "{what}: {got:?}");
        covered += 1;
    }
    assert!(covered >= 1);
}

#[tokio::test]
async fn the_mock_serves_each_time_source_from_its_own_clock() {
    let mock = start().await;
    mock.clock().set_offset_ms(-TEN_MINUTES_MS);
    for v in generated::VENUES.iter().filter(|v| v.clock.is_some()) {
        // A correct client clock: the mock is the one 10 minutes behind.
        let core = client(&mock, v, Arc::new(SystemClock), ClockCorrection::Off);
        let t = Instant::now();
        let offset = core
            .sync_clock()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", v.id));
        assert_offset(v.id, v, offset, -TEN_MINUTES_MS, t.elapsed());
    }
}
