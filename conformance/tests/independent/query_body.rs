//! The query before `&signature=` then the body, HMAC-SHA256 in lower-case hex in the last
//! query parameter; and a plain bearer token (p99).

use subtle::ConstantTimeEq as _;

use super::keys::{HmacSecret, check_api_key, decode_hmac_hex};
use super::params::{optional_param, recv_window_param, required_param};
use conformance::verify::{ReceivedHttp, parse_query, split_url};
use conformance::verify::{Verified, VerifyError, malformed, parse_millis};

/// Verifies a p99 REST request signed with an API key: header `X-MBX-APIKEY`
/// (= `key.api_key`); the query must end with `&signature=<hex>`, the lower-case hex of
/// `HMAC-SHA256(secret, query before "&signature=" + body)` over the query exactly as sent and
/// the exact body bytes (empty for GET). The signed part must hold `timestamp` (milliseconds)
/// and may hold `recvWindow`. The path is not signed by p99.
pub fn verify_p99_hmac(req: &ReceivedHttp, key: &impl HmacSecret) -> Result<Verified, VerifyError> {
    let api_key = req.single_header("X-MBX-APIKEY")?;
    let url = split_url(&req.url)?;
    let query = url.query.ok_or(VerifyError::MissingParam("signature"))?;
    let (signed, signature) = query
        .rsplit_once("&signature=")
        .ok_or(VerifyError::MissingParam("signature"))?;
    let params = parse_query(signed)?;
    if optional_param(&params, "signature")?.is_some() {
        return Err(VerifyError::DuplicateParam("signature"));
    }
    let timestamp = required_param(&params, "timestamp")?;
    if parse_millis(timestamp).is_none() {
        return Err(malformed("timestamp", "not milliseconds"));
    }
    let recv_window_ms = recv_window_param(&params)?;
    let tag = decode_hmac_hex("signature", signature)?;
    check_api_key(api_key, key.api_key())?;
    key.check(&[signed.as_bytes(), &req.body], &tag)?;
    Ok(Verified {
        api_key: api_key.to_string(),
        timestamp: timestamp.to_string(),
        recv_window_ms,
    })
}

/// Verifies a p99 REST request authenticated with a JWT: header
/// `Authorization: Bearer <token>` (scheme name case-insensitive) whose token equals
/// `expected_token`, compared in constant time. Nothing is signed, so nothing else is checked.
pub fn verify_p99_bearer(req: &ReceivedHttp, expected_token: &str) -> Result<(), VerifyError> {
    let auth = req.single_header("Authorization")?;
    let (scheme, token) = auth
        .split_once(' ')
        .ok_or_else(|| malformed("Authorization", "not `Bearer <token>`"))?;
    if !scheme.eq_ignore_ascii_case("Bearer") {
        return Err(malformed("Authorization", "not `Bearer <token>`"));
    }
    if bool::from(token.as_bytes().ct_eq(expected_token.as_bytes())) {
        Ok(())
    } else {
        Err(VerifyError::BadToken)
    }
}
