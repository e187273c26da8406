//! Checking a signature rather than recomputing it: with the public half of a prepared key
//! (a server that holds the key, for algorithms whose signatures need not repeat), or with a
//! public key alone (a published test key).

use ed25519_dalek::Verifier as _;
use ed25519_dalek::pkcs8::DecodePublicKey as _;
use subtle::ConstantTimeEq as _;

use super::keys::{KeyError, PreparedKey};
use super::recipe::SignAlgorithm;

impl PreparedKey {
    /// Whether `sig` signs `msg` under this key: verified with its public key (Ed25519, ECDSA
    /// P-256), or compared in constant time with the signature it gives (HMAC, RSA PKCS#1
    /// v1.5, both deterministic).
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        match self {
            PreparedKey::Ed25519(k) => ed25519_dalek::Signature::from_slice(sig)
                .is_ok_and(|s| k.verifying_key().verify(msg, &s).is_ok()),
            PreparedKey::EcdsaP256(k) => p256::ecdsa::Signature::from_slice(sig)
                .is_ok_and(|s| signature_ok(k.verifying_key(), msg, &s)),
            _ => self.sign_with(msg, |own| bool::from(own.ct_eq(sig))),
        }
    }
}

/// Checks that `sig` signs `msg` under the public key `public_pem` (an SPKI `PUBLIC KEY` PEM)
/// for `algorithm` (Ed25519 or ECDSA P-256; ECDSA signatures as `r || s`). `Ok(false)` for a
/// signature that does not verify; an error for a key that cannot be read or an algorithm
/// without public keys.
pub fn verify_with_public_key(
    algorithm: SignAlgorithm,
    public_pem: &str,
    msg: &[u8],
    sig: &[u8],
) -> Result<bool, KeyError> {
    let err = |expected: &'static str, reason: String| KeyError {
        credential: "public key".to_string(),
        expected,
        reason,
    };
    let pem = public_pem.trim();
    match algorithm {
        SignAlgorithm::Ed25519 => {
            let key = ed25519_dalek::VerifyingKey::from_public_key_pem(pem)
                .map_err(|e| err("Ed25519 public key (SPKI PEM)", e.to_string()))?;
            Ok(
                ed25519_dalek::Signature::from_slice(sig)
                    .is_ok_and(|s| key.verify(msg, &s).is_ok()),
            )
        }
        SignAlgorithm::EcdsaP256Sha256 => {
            use p256::pkcs8::DecodePublicKey as _;
            let key = p256::ecdsa::VerifyingKey::from_public_key_pem(pem)
                .map_err(|e| err("P-256 public key (SPKI PEM)", e.to_string()))?;
            Ok(p256::ecdsa::Signature::from_slice(sig).is_ok_and(|s| signature_ok(&key, msg, &s)))
        }
        other => Err(err(
            "public key of an algorithm with public keys",
            format!("{other:?} has no public key"),
        )),
    }
}

/// Whether `sig` is a P-256 signature of `msg` under `key`.
fn signature_ok(key: &p256::ecdsa::VerifyingKey, msg: &[u8], sig: &p256::ecdsa::Signature) -> bool {
    use p256::ecdsa::signature::Verifier as _;
    key.verify(msg, sig).is_ok()
}
