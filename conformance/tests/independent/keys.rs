//! HMAC keys as a server holds them ([`HmacKey`], [`PreparedHmacKey`]), the constant-time
//! checks of a tag and of an API key, and the decoders of hex and base64 tags.

use std::fmt;

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

use conformance::verify::{VerifyError, malformed};

/// Length in bytes of an HMAC-SHA256 tag.
pub(super) const HMAC_SHA256_LEN: usize = 32;

/// An API key as the venue knows it: the public key id and its HMAC secret.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct HmacKey<'a> {
    /// The API key sent with the request (`X-BM-KEY`, `AccessKeyId`, `apiKey`, `X-MBX-APIKEY`).
    pub api_key: &'a str,
    /// The secret; its UTF-8 bytes are the HMAC key, as all four venues use it.
    pub secret: &'a str,
}

impl fmt::Debug for HmacKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacKey")
            .field("api_key", &self.api_key)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// An API key and the HMAC-SHA256 key state of its secret, prepared once (the secret's key
/// schedule is not redone per request). Accepted wherever an [`HmacKey`] is.
#[derive(Clone)]
pub struct PreparedHmacKey {
    api_key: String,
    mac: Hmac<Sha256>,
}

impl PreparedHmacKey {
    /// Prepares `key` (HMAC takes keys of any length, so this fails only in theory).
    pub fn new(key: &HmacKey<'_>) -> Result<Self, VerifyError> {
        Ok(PreparedHmacKey {
            api_key: key.api_key.to_string(),
            mac: <Hmac<Sha256> as KeyInit>::new_from_slice(key.secret.as_bytes())
                .map_err(|_| malformed("HMAC key", "unusable length"))?,
        })
    }
}

impl fmt::Debug for PreparedHmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedHmacKey")
            .field("api_key", &self.api_key)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// An API key with its HMAC-SHA256 secret: [`HmacKey`] or [`PreparedHmacKey`].
pub trait HmacSecret {
    /// The API key sent with the request.
    fn api_key(&self) -> &str;
    /// Checks `tag` against HMAC-SHA256 of the concatenation of `parts`, in constant time.
    fn check(&self, parts: &[&[u8]], tag: &[u8]) -> Result<(), VerifyError>;
}

impl HmacSecret for HmacKey<'_> {
    fn api_key(&self) -> &str {
        self.api_key
    }

    fn check(&self, parts: &[&[u8]], tag: &[u8]) -> Result<(), VerifyError> {
        hmac_sha256_check(self.secret, parts, tag)
    }
}

impl HmacSecret for PreparedHmacKey {
    fn api_key(&self) -> &str {
        &self.api_key
    }

    fn check(&self, parts: &[&[u8]], tag: &[u8]) -> Result<(), VerifyError> {
        let mut mac = self.mac.clone();
        for p in parts {
            mac.update(p);
        }
        mac.verify_slice(tag).map_err(|_| VerifyError::BadSignature)
    }
}

/// Checks `tag` against HMAC-SHA256(`secret`, concatenation of `parts`), in constant time.
pub fn hmac_sha256_check(secret: &str, parts: &[&[u8]], tag: &[u8]) -> Result<(), VerifyError> {
    // HMAC takes keys of any length, so this cannot fail; map the error rather than panic.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .map_err(|_| malformed("HMAC key", "unusable length"))?;
    for p in parts {
        mac.update(p);
    }
    mac.verify_slice(tag).map_err(|_| VerifyError::BadSignature)
}

/// Decodes a lower-case hex HMAC-SHA256 tag (exactly 64 characters `0-9a-f`).
pub(super) fn decode_hmac_hex(what: &'static str, text: &str) -> Result<Vec<u8>, VerifyError> {
    if text.len() != 2 * HMAC_SHA256_LEN {
        return Err(malformed(what, "not 64 hex digits"));
    }
    if !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(malformed(what, "not lower-case hex"));
    }
    const_hex::decode(text).map_err(|_| malformed(what, "not lower-case hex"))
}

/// Decodes standard padded base64, refusing non-canonical encodings.
pub fn decode_base64(what: &'static str, text: &str) -> Result<Vec<u8>, VerifyError> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| malformed(what, "not canonical padded base64"))
}

/// Compares in constant time (a key id is not secret, but costs nothing to guard).
pub(super) fn check_api_key(sent: &str, expected: &str) -> Result<(), VerifyError> {
    if bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(VerifyError::UnknownApiKey)
    }
}
