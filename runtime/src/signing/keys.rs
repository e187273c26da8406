//! Keys prepared once per credential, so each signature pays only for the message.
//!
//! Key material is wiped when it is dropped: the HMAC key state (`hmac`'s and `sha2`'s
//! `zeroize` feature), the Ed25519 key (`ed25519-dalek`'s), and every decoded copy made on
//! the way (base64 or hex secrets, PEM bodies). RSA signs with `ring`'s constant-time
//! implementation (whose key pair is not wiped: `ring` keeps it opaque). ECDSA P-256 signs
//! with RustCrypto's `p256` (RFC 6979 nonces; its secret scalar is wiped on drop).
//!
//! PEM keys are also accepted with their line breaks written as the two characters `\n` (as
//! key files and environment variables often carry them).

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use ed25519_dalek::Signer as _;
use ed25519_dalek::pkcs8::DecodePrivateKey as _;
use hmac::{KeyInit, Mac};
use ring::signature::RsaKeyPair;
use sha2::{Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

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
    /// HMAC-SHA384 with its inner and outer pads computed.
    HmacSha384(hmac::Hmac<Sha384>),
    /// HMAC-SHA512 with its inner and outer pads computed.
    HmacSha512(hmac::Hmac<Sha512>),
    /// Ed25519.
    Ed25519(Box<ed25519_dalek::SigningKey>),
    /// RSA PKCS#1 v1.5 with SHA-256 (`ring`; shared, as `ring` key pairs are not `Clone`).
    Rsa(Arc<RsaKeyPair>),
    /// ECDSA P-256 with SHA-256, RFC 6979 nonces.
    EcdsaP256(Box<p256::ecdsa::SigningKey>),
}

impl fmt::Debug for PreparedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            PreparedKey::HmacSha256(_) => "HmacSha256",
            PreparedKey::HmacSha384(_) => "HmacSha384",
            PreparedKey::HmacSha512(_) => "HmacSha512",
            PreparedKey::Ed25519(_) => "Ed25519",
            PreparedKey::Rsa(_) => "Rsa",
            PreparedKey::EcdsaP256(_) => "EcdsaP256",
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
            SignAlgorithm::HmacSha256 | SignAlgorithm::HmacSha384 | SignAlgorithm::HmacSha512 => {
                // Decoded copies are wiped when dropped; a raw key is used in place.
                let bytes = Zeroizing::new(match encoding {
                    KeyEncoding::Raw => value.as_bytes().to_vec(),
                    KeyEncoding::Base64 => base64::engine::general_purpose::STANDARD
                        .decode(value.trim())
                        // The decoder's message quotes the offending character: keep it out.
                        .map_err(|_| err("base64 HMAC secret", "not valid base64".into()))?,
                    KeyEncoding::Hex => const_hex::decode(value.trim())
                        .map_err(|_| err("hex HMAC secret", "not valid hex".into()))?,
                });
                let bad = |e: &dyn fmt::Display| err("HMAC key", e.to_string());
                Ok(match algorithm {
                    SignAlgorithm::HmacSha256 => PreparedKey::HmacSha256(
                        hmac::Hmac::new_from_slice(&bytes).map_err(|e| bad(&e))?,
                    ),
                    SignAlgorithm::HmacSha384 => PreparedKey::HmacSha384(
                        hmac::Hmac::new_from_slice(&bytes).map_err(|e| bad(&e))?,
                    ),
                    _ => PreparedKey::HmacSha512(
                        hmac::Hmac::new_from_slice(&bytes).map_err(|e| bad(&e))?,
                    ),
                })
            }
            SignAlgorithm::Ed25519 => ed25519_key(&pem_text(value))
                .map(|k| PreparedKey::Ed25519(Box::new(k)))
                .map_err(|(expected, reason)| err(expected, reason)),
            SignAlgorithm::EcdsaP256Sha256 => ec_p256_key(&pem_text(value))
                .map(|k| PreparedKey::EcdsaP256(Box::new(k)))
                .map_err(|(expected, reason)| err(expected, reason)),
            SignAlgorithm::RsaPkcs1Sha256 => rsa_key(&pem_text(value))
                .map(|k| PreparedKey::Rsa(Arc::new(k)))
                .map_err(|(expected, reason)| err(expected, reason)),
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
            PreparedKey::HmacSha384(m) => {
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
            PreparedKey::EcdsaP256(k) => {
                let sig: p256::ecdsa::Signature = k.sign(msg);
                f(&sig.to_bytes())
            }
            PreparedKey::Rsa(k) => {
                let mut sig = [0u8; RSA_MAX_BYTES];
                let sig = sig.get_mut(..k.public().modulus_len()).unwrap_or_default();
                match rsa_sign(k, msg, sig) {
                    Ok(()) => f(sig),
                    // Cannot happen for a key that signed when it was prepared (ring fails
                    // only on a wrong output length or a fault found in its own result):
                    // an empty signature, which every venue refuses, rather than a panic.
                    Err(_) => f(&[]),
                }
            }
        }
    }
}

/// A key's text, trimmed, with `\n` written as two characters turned into line breaks (only
/// in PEM text, which never holds a backslash).
fn pem_text(value: &str) -> Zeroizing<String> {
    let v = value.trim();
    Zeroizing::new(if v.starts_with("-----BEGIN") && v.contains("\\n") {
        v.replace("\\n", "\n")
    } else {
        v.to_string()
    })
}

/// An Ed25519 key: PKCS#8 PEM, or a 32-byte seed in hex or base64, or 64 bytes in base64
/// (the seed then its public key, as some venues issue keys; the public half must be the
/// seed's).
fn ed25519_key(v: &str) -> Result<ed25519_dalek::SigningKey, (&'static str, String)> {
    if v.starts_with("-----BEGIN") {
        return ed25519_dalek::SigningKey::from_pkcs8_pem(v)
            .map_err(|e| ("Ed25519 PKCS#8 PEM key", e.to_string()));
    }
    let bytes = Zeroizing::new(
        if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
            const_hex::decode(v).map_err(|e| ("Ed25519 seed", e.to_string()))?
        } else {
            base64::engine::general_purpose::STANDARD
                .decode(v)
                .map_err(|_| ("Ed25519 key", "neither PEM, hex nor base64".to_string()))?
        },
    );
    let (seed, public) = match bytes.len() {
        32 => (bytes.as_slice(), None),
        64 => (&bytes[..32], Some(&bytes[32..])),
        n => {
            return Err((
                "Ed25519 seed",
                format!("{n} bytes, expected 32 (a seed) or 64 (seed and public key)"),
            ));
        }
    };
    let seed: Zeroizing<[u8; 32]> = Zeroizing::new(seed.try_into().unwrap_or([0; 32]));
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    if public.is_some_and(|p| p != key.verifying_key().as_bytes()) {
        return Err((
            "Ed25519 key (seed and public key)",
            "its last 32 bytes are not the public key of its first 32".to_string(),
        ));
    }
    Ok(key)
}

/// An ECDSA P-256 key from PEM: SEC1 (`EC PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`).
fn ec_p256_key(pem: &str) -> Result<p256::ecdsa::SigningKey, (&'static str, String)> {
    use p256::pkcs8::DecodePrivateKey as _;
    if pem.starts_with("-----BEGIN EC PRIVATE KEY-----") {
        p256::SecretKey::from_sec1_pem(pem)
            .map(p256::ecdsa::SigningKey::from)
            .map_err(|e| ("P-256 SEC1 PEM key", e.to_string()))
    } else if pem.starts_with("-----BEGIN PRIVATE KEY-----") {
        p256::ecdsa::SigningKey::from_pkcs8_pem(pem)
            .map_err(|e| ("P-256 PKCS#8 PEM key", e.to_string()))
    } else {
        Err((
            "P-256 PEM key (SEC1 or PKCS#8)",
            "not a PEM `EC PRIVATE KEY` or `PRIVATE KEY`".to_string(),
        ))
    }
}

/// The largest RSA signature: `ring` signs with moduli of at most 4096 bits.
const RSA_MAX_BYTES: usize = 4096 / 8;

/// Signs `msg` with RSA PKCS#1 v1.5 SHA-256 into `sig` (the modulus' length).
fn rsa_sign(k: &RsaKeyPair, msg: &[u8], sig: &mut [u8]) -> Result<(), ring::error::Unspecified> {
    // PKCS#1 v1.5 padding is deterministic: `ring` takes a generator for other paddings.
    let rng = ring::rand::SystemRandom::new();
    k.sign(&ring::signature::RSA_PKCS1_SHA256, &rng, msg, sig)
}

/// An RSA private key from PEM: PKCS#1 (`RSA PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`), checked
/// by signing once. The error names what was expected and why (never key material).
fn rsa_key(pem: &str) -> Result<RsaKeyPair, (&'static str, String)> {
    let (label, der) = pem_rfc7468::decode_vec(pem.as_bytes())
        .map_err(|e| ("RSA PEM key (PKCS#1 or PKCS#8)", e.to_string()))?;
    let der = Zeroizing::new(der);
    let (expected, key) = match label {
        "RSA PRIVATE KEY" => ("RSA PKCS#1 PEM key", RsaKeyPair::from_der(&der)),
        "PRIVATE KEY" => ("RSA PKCS#8 PEM key", RsaKeyPair::from_pkcs8(&der)),
        _ => {
            return Err((
                "RSA PEM key (PKCS#1 or PKCS#8)",
                format!("a PEM `{label}`, not `RSA PRIVATE KEY` or `PRIVATE KEY`"),
            ));
        }
    };
    let key = key.map_err(|e| (expected, e.to_string()))?;
    let mut sig = [0u8; RSA_MAX_BYTES];
    let sig = sig
        .get_mut(..key.public().modulus_len())
        .unwrap_or_default();
    rsa_sign(&key, b"", sig).map_err(|_| (expected, "it does not sign".to_string()))?;
    Ok(key)
}

#[cfg(test)]
mod tests;
