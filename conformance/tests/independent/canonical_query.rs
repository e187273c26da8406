//! Method, host, path and the canonical (sorted, RFC 3986 re-encoded) query, HMAC-SHA256 in
//! base64 in a query parameter (HTX signature version 2).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_encode};

use super::keys::{HmacSecret, check_api_key, decode_base64};
use super::params::required_param;
use conformance::verify::{QueryParam, ReceivedHttp, UrlParts, parse_query, split_url};
use conformance::verify::{Verified, VerifyError, malformed};

/// RFC 3986 unreserved characters (`A-Za-z0-9-._~`) stay; every other byte becomes `%XX`
/// with upper-case hex (which is what `percent_encode` writes).
pub(super) const UNRESERVED_KEPT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The string HTX signs for `req` (signature version 2):
/// `METHOD + "\n" + host + "\n" + path + "\n" + canonical query`.
///
/// The host is the URL's authority in lower case (`:port` included when written); the path is
/// as sent; the canonical query is every parameter except `Signature`, name and value
/// percent-decoded and re-encoded per RFC 3986 (unreserved `A-Za-z0-9-._~` kept, everything
/// else `%XX` upper-case), sorted by encoded name in byte order (stable for repeated names),
/// joined as `k=v` with `&`.
pub fn htx_string_to_sign(req: &ReceivedHttp) -> Result<String, VerifyError> {
    let url = split_url(&req.url)?;
    let params = parse_query(url.query.unwrap_or(""))?;
    Ok(htx_payload(req, &url, &params))
}

pub(super) fn htx_payload(req: &ReceivedHttp, url: &UrlParts<'_>, params: &[QueryParam]) -> String {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .filter(|p| p.name != b"Signature")
        .map(|p| {
            (
                percent_encode(&p.name, UNRESERVED_KEPT).to_string(),
                percent_encode(&p.value, UNRESERVED_KEPT).to_string(),
            )
        })
        .collect();
    pairs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let canonical = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    format!(
        "{}\n{}\n{}\n{}",
        req.method,
        url.authority.to_ascii_lowercase(),
        url.path,
        canonical
    )
}

/// Whether `t` is a UTC timestamp written `YYYY-MM-DDThh:mm:ss`.
pub(super) fn is_htx_timestamp(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

/// Verifies an HTX REST request (signature version 2) signed for `key`.
///
/// The query must hold `AccessKeyId` (= `key.api_key`), `SignatureMethod=HmacSHA256`,
/// `SignatureVersion=2`, `Timestamp` (UTC `YYYY-MM-DDThh:mm:ss`) and `Signature`, the base64 of
/// `HMAC-SHA256(secret, htx_string_to_sign(req))` (see [`htx_string_to_sign`]).
pub fn verify_htx(req: &ReceivedHttp, key: &impl HmacSecret) -> Result<Verified, VerifyError> {
    let url = split_url(&req.url)?;
    let params = parse_query(url.query.unwrap_or(""))?;
    let signature = required_param(&params, "Signature")?;
    let access_key = required_param(&params, "AccessKeyId")?;
    if required_param(&params, "SignatureMethod")? != "HmacSHA256" {
        return Err(VerifyError::UnexpectedValue {
            param: "SignatureMethod",
            expected: "HmacSHA256",
        });
    }
    if required_param(&params, "SignatureVersion")? != "2" {
        return Err(VerifyError::UnexpectedValue {
            param: "SignatureVersion",
            expected: "2",
        });
    }
    let timestamp = required_param(&params, "Timestamp")?;
    if !is_htx_timestamp(timestamp) {
        return Err(malformed("Timestamp", "not YYYY-MM-DDThh:mm:ss"));
    }
    let tag = decode_base64("Signature", signature)?;
    check_api_key(access_key, key.api_key())?;
    let payload = htx_payload(req, &url, &params);
    key.check(&[payload.as_bytes()], &tag)?;
    Ok(Verified {
        api_key: access_key.to_string(),
        timestamp: timestamp.to_string(),
        recv_window_ms: None,
    })
}
