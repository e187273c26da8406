//! Keys prepared once per credential, so each signature pays only for the message.

use std::fmt;

use base64::Engine as _;
use ed25519_dalek::pkcs8::DecodePrivateKey as _;
use hmac::{KeyInit, Mac};
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::signature::{SignatureEncoding as _, Signer as _};
use sha2::{Sha256, Sha512};

use super::recipe::{KeyEncoding, SignAlgorithm};

/// Why a key could not be used. Never contains key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("credential `{credential}` is not a usable {expected}: {reason}")]
pub struct KeyError {
    /// The credential.
    pub credential: String,
    /// What was expected.
    pub expected: &'static str,
    /// Why it is not one (no key material).
    pub reason: String,
}

/// A key ready to sign: the HMAC key schedule is done, PEM is parsed.
#[derive(Clone)]
pub enum PreparedKey {
    /// HMAC-SHA256 with its inner and outer pads computed.
    HmacSha256(hmac::Hmac<Sha256>),
    /// HMAC-SHA512 with its inner and outer pads computed.
    HmacSha512(hmac::Hmac<Sha512>),
    /// Ed25519.
    Ed25519(Box<ed25519_dalek::SigningKey>),
    /// RSA PKCS#1 v1.5 with SHA-256.
    Rsa(Box<rsa::pkcs1v15::SigningKey<Sha256>>),
}

impl fmt::Debug for PreparedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            PreparedKey::HmacSha256(_) => "HmacSha256",
            PreparedKey::HmacSha512(_) => "HmacSha512",
            PreparedKey::Ed25519(_) => "Ed25519",
            PreparedKey::Rsa(_) => "Rsa",
        };
        write!(f, "{kind}([redacted])")
    }
}

impl PreparedKey {
    /// Prepares the key held by credential `name` for `algorithm`.
    pub fn new(
        name: &str,
        algorithm: SignAlgorithm,
        encoding: KeyEncoding,
        value: &str,
    ) -> Result<Self, KeyError> {
        let err = |expected: &'static str, reason: String| KeyError {
            credential: name.to_string(),
            expected,
            reason,
        };
        match algorithm {
            SignAlgorithm::HmacSha256 | SignAlgorithm::HmacSha512 => {
                let bytes = match encoding {
                    KeyEncoding::Raw => value.as_bytes().to_vec(),
                    KeyEncoding::Base64 => base64::engine::general_purpose::STANDARD
                        .decode(value.trim())
                        // The decoder's message quotes the offending character: keep it out.
                        .map_err(|_| err("base64 HMAC secret", "not valid base64".into()))?,
                    KeyEncoding::Hex => const_hex::decode(value.trim())
                        .map_err(|_| err("hex HMAC secret", "not valid hex".into()))?,
                };
                Ok(if algorithm == SignAlgorithm::HmacSha256 {
                    PreparedKey::HmacSha256(
                        hmac::Hmac::new_from_slice(&bytes)
                            .map_err(|e| err("HMAC key", e.to_string()))?,
                    )
                } else {
                    PreparedKey::HmacSha512(
                        hmac::Hmac::new_from_slice(&bytes)
                            .map_err(|e| err("HMAC key", e.to_string()))?,
                    )
                })
            }
            SignAlgorithm::Ed25519 => {
                let v = value.trim();
                let key = if v.starts_with("-----BEGIN") {
                    ed25519_dalek::SigningKey::from_pkcs8_pem(v)
                        .map_err(|e| err("Ed25519 PKCS#8 PEM key", e.to_string()))?
                } else {
                    let seed = if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
                        const_hex::decode(v).map_err(|e| err("Ed25519 seed", e.to_string()))?
                    } else {
                        base64::engine::general_purpose::STANDARD
                            .decode(v)
                            .map_err(|_| err("Ed25519 key", "neither PEM, hex nor base64".into()))?
                    };
                    let seed: [u8; 32] = seed.try_into().map_err(|s: Vec<u8>| {
                        err("Ed25519 seed", format!("{} bytes, expected 32", s.len()))
                    })?;
                    ed25519_dalek::SigningKey::from_bytes(&seed)
                };
                Ok(PreparedKey::Ed25519(Box::new(key)))
            }
            SignAlgorithm::RsaPkcs1Sha256 => {
                let v = value.trim();
                let key = if v.starts_with("-----BEGIN RSA PRIVATE KEY-----") {
                    rsa::RsaPrivateKey::from_pkcs1_pem(v)
                        .map_err(|e| err("RSA PKCS#1 PEM key", e.to_string()))?
                } else {
                    use rsa::pkcs8::DecodePrivateKey as _;
                    rsa::RsaPrivateKey::from_pkcs8_pem(v)
                        .map_err(|e| err("RSA PKCS#8 PEM key", e.to_string()))?
                };
                Ok(PreparedKey::Rsa(Box::new(rsa::pkcs1v15::SigningKey::<
                    Sha256,
                >::new(key))))
            }
        }
    }

    /// Signs `msg`.
    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        self.sign_with(msg, <[u8]>::to_vec)
    }

    /// Signs `msg` and hands the signature to `f`, without copying it to the heap first (an
    /// HMAC or Ed25519 signature stays on the stack until `f` encodes it).
    pub(crate) fn sign_with<R>(&self, msg: &[u8], f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            PreparedKey::HmacSha256(m) => {
                let mut m = m.clone();
                m.update(msg);
                f(&m.finalize().into_bytes())
            }
            PreparedKey::HmacSha512(m) => {
                let mut m = m.clone();
                m.update(msg);
                f(&m.finalize().into_bytes())
            }
            PreparedKey::Ed25519(k) => f(&k.sign(msg).to_bytes()),
            PreparedKey::Rsa(k) => f(&k.sign(msg).to_bytes()),
        }
    }
}
