//! The per-request random value (`random_hex` or `uuid4` parts): drawn once per request, so
//! every part that writes it writes the same text; pinned by a test or a published vector.

use super::Signer;
use crate::signing::recipe::Part;

/// The kind of nonce a scheme writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NonceKind {
    /// This many random bytes as lower-case hex (`random_hex`).
    Hex(u8),
    /// A random UUID v4, lower case with hyphens (`uuid4`).
    Uuid4,
}

/// The nonce `parts` write (the first `random_hex` or `uuid4` part's), if any.
pub(super) fn nonce_kind(parts: &[Part]) -> Option<NonceKind> {
    parts.iter().find_map(|p| match p {
        Part::RandomHex(n) => Some(NonceKind::Hex(*n)),
        Part::Uuid4 => Some(NonceKind::Uuid4),
        Part::Digest { of, .. } | Part::Mac { of, .. } => nonce_kind(of),
        Part::Json { members, .. } => members.iter().find_map(|m| nonce_kind(&m.value)),
        _ => None,
    })
}

impl Signer {
    /// Signs every later request with this nonce instead of a random one (the text a
    /// `random_hex` or `uuid4` part writes): to reproduce a published vector or a recorded
    /// request.
    pub fn pin_nonce(&mut self, nonce: impl Into<String>) {
        self.pinned_nonce = Some(nonce.into());
    }

    /// The nonce of one request: pinned, or fresh random bytes as lower-case hex, or a fresh
    /// UUID v4; `None` when the scheme writes none.
    pub(super) fn nonce(&self) -> Option<String> {
        let s = self.scheme;
        let kind = std::iter::once(s.payload)
            .chain(s.add.iter().map(|a| &*a.value))
            .find_map(nonce_kind)?;
        if let Some(pinned) = &self.pinned_nonce {
            return Some(pinned.clone());
        }
        let len = match kind {
            NonceKind::Hex(n) => usize::from(n),
            NonceKind::Uuid4 => 16,
        };
        let mut raw = vec![0u8; len];
        // The system's generator fails only where there is none at all; then no nonce is
        // better than a predictable one (the venue refuses the request).
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut raw).ok()?;
        Some(match kind {
            NonceKind::Hex(_) => const_hex::encode(raw),
            NonceKind::Uuid4 => {
                let mut bytes = [0u8; 16];
                bytes.copy_from_slice(&raw);
                // Version 4 and the RFC 4122 variant over 122 random bits.
                uuid::Builder::from_random_bytes(bytes)
                    .into_uuid()
                    .hyphenated()
                    .to_string()
            }
        })
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod uuid_tests;
