//! The timestamp, written in the scheme's format (on the stack for the usual years).

use super::{SignError, Signer, Timestamp};
use crate::signing::clock::Clock;
use crate::signing::encode::StackText;
use crate::signing::recipe::TimestampFormat;

/// Where the timestamp's text is written, on the stack (chrono writes years past 9999).
pub(super) struct StampBuf {
    digits: itoa::Buffer,
    iso: StackText,
    other: String,
}

impl StampBuf {
    pub(super) fn new() -> Self {
        StampBuf {
            digits: itoa::Buffer::new(),
            iso: StackText::new(),
            other: String::new(),
        }
    }
}

impl Signer {
    /// The timestamp as the scheme writes it, if it uses one.
    #[inline]
    pub(super) fn timestamp<'t>(
        &self,
        timestamp: &'t Timestamp,
        clock: &dyn Clock,
        buf: &'t mut StampBuf,
    ) -> Result<Option<&'t str>, SignError> {
        Ok(match (self.scheme.timestamp, timestamp) {
            (None, _) => None,
            (Some(_), Timestamp::Raw(t)) => Some(t),
            (Some(f), Timestamp::AtMillis(ms)) => Some(format_timestamp(f, *ms, buf)?),
            (Some(TimestampFormat::Micros), Timestamp::Now) => {
                Some(buf.digits.format(self.next_micros(clock.now_micros())))
            }
            (Some(f), Timestamp::Now) => Some(format_timestamp(f, clock.now_millis(), buf)?),
        })
    }

    /// A copy whose microsecond counter starts where this one's is and is no longer shared:
    /// requests it signs from the same clock reading get the same `us` timestamp as this
    /// signer's next one would (to sign one request several ways and compare them).
    #[doc(hidden)]
    pub fn fork(&self) -> Signer {
        use std::sync::atomic::{AtomicI64, Ordering};
        let mut copy = self.clone();
        let last = self.last_micros.load(Ordering::Relaxed);
        copy.last_micros = std::sync::Arc::new(AtomicI64::new(last));
        copy
    }

    /// `now` (in microseconds), or one more than the last value this signer (or a clone)
    /// wrote when the clock has not moved past it: two requests never share a nonce.
    fn next_micros(&self, now: i64) -> i64 {
        use std::sync::atomic::Ordering;
        let mut last = self.last_micros.load(Ordering::Relaxed);
        loop {
            let next = now.max(last.saturating_add(1));
            match self.last_micros.compare_exchange_weak(
                last,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return next,
                Err(seen) => last = seen,
            }
        }
    }
}

/// `ms` written in format `f` (integers inline, where the signer's callers write them).
#[inline]
fn format_timestamp(f: TimestampFormat, ms: i64, buf: &mut StampBuf) -> Result<&str, SignError> {
    match f {
        TimestampFormat::Millis => Ok(buf.digits.format(ms)),
        TimestampFormat::Seconds => Ok(buf.digits.format(ms.div_euclid(1000))),
        TimestampFormat::Micros => ms
            .checked_mul(1000)
            .map(|us| buf.digits.format(us))
            .ok_or(SignError::Timestamp(ms)),
        TimestampFormat::IsoSeconds | TimestampFormat::IsoMillis => format_iso(f, ms, buf),
    }
}

/// Day numbers (since 1970-01-01) of 0000-01-01 and 9999-12-31: the years written by hand.
const HAND_WRITTEN_DAYS: std::ops::RangeInclusive<i64> = -719_528..=2_932_896;

/// `ms` written in an ISO format.
///
/// Years 0 to 9999 are written by hand, the date found from the day number with Neri and
/// Schneider's algorithm: chrono's `format` interprets its pattern on every call (a tenth of
/// the signing time of a scheme with an ISO 8601 timestamp), and reading the fields off a chrono date-time still cost a tenth of
/// the rest. Other years (which chrono writes with a sign) go through chrono, which also
/// refuses instants out of its range.
fn format_iso(f: TimestampFormat, ms: i64, buf: &mut StampBuf) -> Result<&str, SignError> {
    let millis = f == TimestampFormat::IsoMillis;
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    if !HAND_WRITTEN_DAYS.contains(&days) {
        let dt = chrono::DateTime::from_timestamp_millis(ms).ok_or(SignError::Timestamp(ms))?;
        buf.other = chrono_iso(dt, millis);
        return Ok(&buf.other);
    }
    let (year, month, day) = civil_from_days(days);
    // In range by the arithmetic: seconds of the day and milliseconds.
    let second = u32::try_from(secs.rem_euclid(86_400)).unwrap_or_default();
    let milli = u32::try_from(ms.rem_euclid(1000)).unwrap_or_default();
    // Digits written into their places in the template.
    let mut t = *b"0000-00-00T00:00:00.000Z";
    let mut two = |at: usize, v: u32| {
        if let Some([a, b]) = t.get_mut(at..at + 2) {
            *a = digit(v / 10);
            *b = digit(v);
        }
    };
    two(0, year / 100);
    two(2, year % 100);
    two(5, month);
    two(8, day);
    two(11, second / 3600);
    two(14, second / 60 % 60);
    two(17, second % 60);
    two(21, milli % 100);
    t[20] = digit(milli / 100);
    buf.iso.set(if millis { &t } else { &t[..19] });
    Ok(buf.iso.as_str())
}

/// The decimal digit of `v` (below 10).
fn digit(v: u32) -> u8 {
    b'0' + u8::try_from(v % 10).unwrap_or_default()
}

/// The proleptic Gregorian `(year, month, day)` of day `days` since 1970-01-01, for days of
/// [`HAND_WRITTEN_DAYS`] (Neri and Schneider, "Euclidean affine functions and their
/// application to calendar algorithms", 2022: 32-bit arithmetic, shifted by 82 eras).
fn civil_from_days(days: i64) -> (u32, u32, u32) {
    const ERAS: u32 = 82;
    const K: u32 = 719_468 + 146_097 * ERAS;
    const L: u32 = 400 * ERAS;
    // Within `HAND_WRITTEN_DAYS`, `days + K` is positive and `4 * n + 3` fits in 32 bits.
    let n = u32::try_from(days + i64::from(K)).unwrap_or_default();
    let n1 = 4 * n + 3;
    let century = n1 / 146_097;
    let n_c = n1 % 146_097 / 4;
    let n2 = 4 * n_c + 3;
    let p2 = 2_939_745_u64 * u64::from(n2);
    let z = (p2 >> 32) as u32;
    let n_y = (p2 & 0xffff_ffff) as u32 / 2_939_745 / 4;
    let n3 = 2141 * n_y + 197_913;
    let (month, day) = (n3 >> 16, (n3 & 0xffff) / 2141);
    let january_or_february = n_y >= 306;
    let year = 100 * century + z + u32::from(january_or_february) - L;
    let month = if january_or_february {
        month - 12
    } else {
        month
    };
    (year, month, day + 1)
}

/// The ISO forms as chrono writes them (any year).
fn chrono_iso(dt: chrono::DateTime<chrono::Utc>, millis: bool) -> String {
    if millis {
        dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    } else {
        dt.format("%Y-%m-%dT%H:%M:%S").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `PROPTEST_CASES` when set (as `ProptestConfig::default()` reads it), else `default`.
    fn cases(default: u32) -> u32 {
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(default)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: cases(4096), failure_persistence: None, ..ProptestConfig::default() })]

        /// The ISO forms written by hand read as chrono writes them, for any instant (years
        /// past 9999 and before 0 go to chrono).
        #[test]
        fn iso_forms_match_chrono(ms in prop_oneof![
            -62_167_219_200_000_i64..=253_402_300_799_999,
            -400_000_000_000_000_i64..400_000_000_000_000,
            any::<i64>(),
        ]) {
            for f in [TimestampFormat::IsoSeconds, TimestampFormat::IsoMillis] {
                let ours = format_timestamp(f, ms, &mut StampBuf::new()).map(str::to_string);
                let chrono = chrono::DateTime::from_timestamp_millis(ms)
                    .map(|dt| chrono_iso(dt, f == TimestampFormat::IsoMillis))
                    .ok_or(SignError::Timestamp(ms));
                prop_assert_eq!(ours, chrono, "{}", ms);
            }
        }
    }

    /// Boundaries of the hand-written years, leap days, the epoch's neighbours.
    #[test]
    fn iso_edges_match_chrono() {
        let edges = [
            -62_167_219_200_000, // 0000-01-01T00:00:00
            -62_167_219_200_001, // one millisecond before: year -1
            253_402_300_799_999, // 9999-12-31T23:59:59.999
            253_402_300_800_000, // 10000-01-01
            951_782_400_000,     // 2000-02-29
            4_107_542_400_000,   // 2100-03-01 (2100 is no leap year)
            -1,
            0,
            1,
            -86_400_001,
        ];
        for ms in edges {
            for f in [TimestampFormat::IsoSeconds, TimestampFormat::IsoMillis] {
                let dt = chrono::DateTime::from_timestamp_millis(ms).unwrap();
                assert_eq!(
                    format_timestamp(f, ms, &mut StampBuf::new()).unwrap(),
                    chrono_iso(dt, f == TimestampFormat::IsoMillis),
                    "{ms}"
                );
            }
        }
    }

    #[test]
    fn timestamps() {
        let text = |f, ms| {
            format_timestamp(f, ms, &mut StampBuf::new())
                .unwrap()
                .to_string()
        };
        assert_eq!(
            text(TimestampFormat::IsoSeconds, 1_494_515_970_000),
            "2017-05-11T15:19:30"
        );
        assert_eq!(
            text(TimestampFormat::IsoMillis, 1_607_418_537_715),
            "2020-12-08T09:08:57.715Z"
        );
        // A millisecond instant in microseconds (the nonce of Bitfinex's derived vectors).
        assert_eq!(
            text(TimestampFormat::Micros, 1_700_000_000_000),
            "1700000000000000"
        );
        assert!(
            format_timestamp(
                TimestampFormat::Micros,
                i64::MAX / 999,
                &mut StampBuf::new()
            )
            .is_err()
        );
        assert_eq!(
            text(TimestampFormat::Seconds, 1_778_400_000_999),
            "1778400000"
        );
        assert_eq!(text(TimestampFormat::Millis, -5), "-5");
        assert_eq!(
            text(TimestampFormat::IsoMillis, 253_402_300_800_000),
            "+10000-01-01T00:00:00.000Z"
        );
    }
}
