//! Timestamp, memo and body joined by `#`, HMAC-SHA256 in lower-case hex in a header
//! (BitMart).

use serde_json::Value;

use super::keys::{HmacSecret, check_api_key, decode_hmac_hex};
use conformance::verify::ReceivedHttp;
use conformance::verify::{Verified, VerifyError, malformed, parse_millis};

/// Verifies a BitMart REST request signed for `key` and `memo`.
///
/// Reads headers `X-BM-KEY` (must be `key.api_key`), `X-BM-TIMESTAMP` (milliseconds) and
/// `X-BM-SIGN`, which must be the lower-case hex of
/// `HMAC-SHA256(secret, X-BM-TIMESTAMP + "#" + memo + "#" + body)` over the exact body bytes
/// (empty when there is no body). Method, URL and query are not signed by BitMart.
pub fn verify_bitmart(
    req: &ReceivedHttp,
    key: &impl HmacSecret,
    memo: &str,
) -> Result<Verified, VerifyError> {
    let api_key = req.single_header("X-BM-KEY")?;
    let timestamp = req.single_header("X-BM-TIMESTAMP")?;
    let sign = req.single_header("X-BM-SIGN")?;
    if parse_millis(timestamp).is_none() {
        return Err(malformed("X-BM-TIMESTAMP", "not milliseconds"));
    }
    let tag = decode_hmac_hex("X-BM-SIGN", sign)?;
    check_api_key(api_key, key.api_key())?;
    // BitMart signs the body of a POST and the query string (as sent) of a GET or DELETE.
    let query = req.url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    key.check(
        &[
            timestamp.as_bytes(),
            b"#",
            memo.as_bytes(),
            b"#",
            &req.body,
            query.as_bytes(),
        ],
        &tag,
    )?;
    Ok(Verified {
        api_key: api_key.to_string(),
        timestamp: timestamp.to_string(),
        recv_window_ms: body_recv_window(&req.body),
    })
}

/// `recvWindow` of a JSON object body, when it is an integer.
fn body_recv_window(body: &[u8]) -> Option<i64> {
    let v: Value = serde_json::from_slice(body).ok()?;
    v.get("recvWindow")?.as_i64()
}
