//! WebSocket API frames whose sorted `params` are signed, HMAC-SHA256 in hex or Ed25519 in
//! base64 (Binance USDⓈ-M WebSocket API).

use ed25519_dalek::{Signature, VerifyingKey};
use serde_json::{Map, Value};

use super::keys::{HmacSecret, check_api_key, decode_base64, decode_hmac_hex};
use conformance::verify::{Verified, VerifyError, malformed};

/// Parses a WebSocket text frame as JSON (a frame that is not JSON is refused).
pub fn parse_ws_frame(text: &str) -> Result<Value, VerifyError> {
    serde_json::from_str(text).map_err(|_| malformed("WebSocket frame", "not JSON"))
}

/// The `params` of a `{"id", "method", "params"}` request frame.
pub(super) fn ws_params(frame: &Value) -> Result<&Map<String, Value>, VerifyError> {
    let obj = frame
        .as_object()
        .ok_or_else(|| malformed("WebSocket frame", "not a JSON object"))?;
    match obj.get("id") {
        Some(Value::String(_) | Value::Number(_) | Value::Null) => {}
        Some(_) => {
            return Err(malformed(
                "WebSocket frame",
                "`id` is not a string or number",
            ));
        }
        None => return Err(VerifyError::MissingParam("id")),
    }
    match obj.get("method") {
        Some(Value::String(_)) => {}
        Some(_) => return Err(malformed("WebSocket frame", "`method` is not a string")),
        None => return Err(VerifyError::MissingParam("method")),
    }
    match obj.get("params") {
        Some(Value::Object(p)) => Ok(p),
        Some(_) => Err(malformed("WebSocket frame", "`params` is not an object")),
        None => Err(VerifyError::MissingParam("params")),
    }
}

/// A parameter's text as Binance signs it: strings as their text, numbers as written,
/// booleans as `true`/`false`.
pub(super) fn binance_param_text(value: &Value) -> Result<String, VerifyError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => Err(malformed(
            "WebSocket params",
            "a value is not a string, number or boolean",
        )),
    }
}

/// The Binance WebSocket API payload of `params`: every parameter except `signature`, sorted
/// by name (byte order), joined as `k=v` with `&`, without percent-encoding.
pub fn binance_ws_payload(params: &Map<String, Value>) -> Result<String, VerifyError> {
    let mut pairs: Vec<(&str, String)> = params
        .iter()
        .filter(|(k, _)| k.as_str() != "signature")
        .map(|(k, v)| Ok((k.as_str(), binance_param_text(v)?)))
        .collect::<Result<_, VerifyError>>()?;
    pairs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    Ok(pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&"))
}

/// What every signed Binance frame carries: `apiKey` (a string), `timestamp` (an integer),
/// `signature` (a string) and optionally `recvWindow` (an integer).
pub(super) struct BinanceSigned<'a> {
    api_key: &'a str,
    timestamp: String,
    recv_window_ms: Option<i64>,
    signature: &'a str,
    payload: String,
}

pub(super) fn binance_signed(frame: &Value) -> Result<BinanceSigned<'_>, VerifyError> {
    let params = ws_params(frame)?;
    let api_key = match params.get("apiKey") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(malformed("apiKey", "not a JSON string")),
        None => return Err(VerifyError::MissingParam("apiKey")),
    };
    let timestamp = match params.get("timestamp") {
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => n.to_string(),
        Some(_) => return Err(malformed("timestamp", "not a JSON integer")),
        None => return Err(VerifyError::MissingParam("timestamp")),
    };
    let recv_window_ms = match params.get("recvWindow") {
        Some(Value::Number(n)) => Some(
            n.as_i64()
                .ok_or_else(|| malformed("recvWindow", "not a JSON integer"))?,
        ),
        Some(_) => return Err(malformed("recvWindow", "not a JSON integer")),
        None => None,
    };
    let signature = match params.get("signature") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(malformed("signature", "not a JSON string")),
        None => return Err(VerifyError::MissingParam("signature")),
    };
    Ok(BinanceSigned {
        api_key,
        timestamp,
        recv_window_ms,
        signature,
        payload: binance_ws_payload(params)?,
    })
}

impl BinanceSigned<'_> {
    fn verified(&self) -> Verified {
        Verified {
            api_key: self.api_key.to_string(),
            timestamp: self.timestamp.clone(),
            recv_window_ms: self.recv_window_ms,
        }
    }
}

/// Verifies a Binance USDⓈ-M WebSocket API request frame signed with an HMAC key: `params`
/// must hold `apiKey` (= `key.api_key`), `timestamp` and `signature`, the lower-case hex of
/// `HMAC-SHA256(secret, binance_ws_payload(params))` (see [`binance_ws_payload`]).
pub fn verify_binance_ws_hmac(
    frame: &Value,
    key: &impl HmacSecret,
) -> Result<Verified, VerifyError> {
    let s = binance_signed(frame)?;
    let tag = decode_hmac_hex("signature", s.signature)?;
    check_api_key(s.api_key, key.api_key())?;
    key.check(&[s.payload.as_bytes()], &tag)?;
    Ok(s.verified())
}

/// Verifies a Binance USDⓈ-M WebSocket API request frame signed with an Ed25519 key: `params`
/// must hold `apiKey` (= `api_key`), `timestamp` and `signature`, the base64 of the Ed25519
/// signature of [`binance_ws_payload`], checked with `public_key` (strict RFC 8032
/// verification).
pub fn verify_binance_ws_ed25519(
    frame: &Value,
    api_key: &str,
    public_key: &VerifyingKey,
) -> Result<Verified, VerifyError> {
    let s = binance_signed(frame)?;
    let raw = decode_base64("signature", s.signature)?;
    let bytes: [u8; 64] = raw
        .try_into()
        .map_err(|_| malformed("signature", "not 64 bytes"))?;
    check_api_key(s.api_key, api_key)?;
    public_key
        .verify_strict(s.payload.as_bytes(), &Signature::from_bytes(&bytes))
        .map_err(|_| VerifyError::BadSignature)?;
    Ok(s.verified())
}
