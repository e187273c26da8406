//! The timestamp, written in the scheme's format (on the stack for the usual years).

use super::{SignError, Signer, Timestamp};
use crate::runtime::signing::clock::Clock;
use crate::runtime::signing::encode::StackText;
use crate::runtime::signing::recipe::TimestampFormat;

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
            (Some(f), Timestamp::Now) => Some(format_timestamp(f, clock.now_millis(), buf)?),
        })
    }
}

/// `ms` written in format `f` (integers inline, where the signer's callers write them).
#[inline]
fn format_timestamp(f: TimestampFormat, ms: i64, buf: &mut StampBuf) -> Result<&str, SignError> {
    match f {
        TimestampFormat::Millis => Ok(buf.digits.format(ms)),
        TimestampFormat::Seconds => Ok(buf.digits.format(ms.div_euclid(1000))),
        TimestampFormat::IsoSeconds | TimestampFormat::IsoMillis => format_iso(f, ms, buf),
    }
}

/// `ms` written in format `f`.
///
/// Integers and the ISO forms of years 0 to 9999 are written by hand: chrono's `format`
/// interprets its pattern on every call, which was a tenth of HTX's signing time. Other years
/// (which chrono writes with a sign) still go through chrono.
fn format_iso(f: TimestampFormat, ms: i64, buf: &mut StampBuf) -> Result<&str, SignError> {
    use chrono::{Datelike as _, Timelike as _};
    let iso = |millis: bool, buf: &mut StampBuf| -> Result<(), SignError> {
        let dt = chrono::DateTime::from_timestamp_millis(ms).ok_or(SignError::Timestamp(ms))?;
        // Fields read off the UTC date-time directly (`DateTime`'s own accessors add the zero
        // offset again on each call).
        let utc = dt.naive_utc();
        let year = match u32::try_from(utc.year()) {
            Ok(year) if year <= 9999 => year,
            _ => {
                buf.other = chrono_iso(dt, millis);
                return Ok(());
            }
        };
        let s = &mut buf.iso;
        let mut put = |v: u32, digits: u32, then: Option<u8>| {
            s.put_digits(v, digits);
            if let Some(c) = then {
                s.push(c);
            }
        };
        put(year, 4, Some(b'-'));
        put(utc.month(), 2, Some(b'-'));
        put(utc.day(), 2, Some(b'T'));
        put(utc.hour(), 2, Some(b':'));
        put(utc.minute(), 2, Some(b':'));
        if millis {
            put(utc.second(), 2, Some(b'.'));
            put(utc.nanosecond() / 1_000_000, 3, Some(b'Z'));
        } else {
            put(utc.second(), 2, None);
        }
        Ok(())
    };
    iso(f == TimestampFormat::IsoMillis, buf)?;
    Ok(if buf.other.is_empty() {
        buf.iso.as_str()
    } else {
        &buf.other
    })
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
