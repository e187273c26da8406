//! The per-request random value (`random_hex` parts): drawn once per request, so every part
//! that writes it writes the same text; pinned by a test or a published vector.

use super::Signer;
use crate::signing::recipe::Part;

/// The number of random bytes `parts` write (the first `random_hex` part's), if any.
pub(super) fn nonce_bytes(parts: &[Part]) -> Option<u8> {
    parts.iter().find_map(|p| match p {
        Part::RandomHex(n) => Some(*n),
        Part::Digest { of, .. } | Part::Mac { of, .. } => nonce_bytes(of),
        Part::Json { members, .. } => members.iter().find_map(|m| nonce_bytes(&m.value)),
        _ => None,
    })
}

impl Signer {
    /// Signs every later request with this nonce instead of a random one (the text a
    /// `random_hex` part writes): to reproduce a published vector or a recorded request.
    pub fn pin_nonce(&mut self, nonce: impl Into<String>) {
        self.pinned_nonce = Some(nonce.into());
    }

    /// The nonce of one request: pinned, or fresh random bytes as lower-case hex; `None`
    /// when the scheme writes none.
    pub(super) fn nonce(&self) -> Option<String> {
        let s = self.scheme;
        let bytes = std::iter::once(s.payload)
            .chain(s.add.iter().map(|a| &*a.value))
            .find_map(nonce_bytes)?;
        if let Some(pinned) = &self.pinned_nonce {
            return Some(pinned.clone());
        }
        let mut raw = vec![0u8; usize::from(bytes)];
        // The system's generator fails only where there is none at all; then no nonce is
        // better than a predictable one (the venue refuses the request).
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut raw).ok()?;
        Some(const_hex::encode(raw))
    }
}

#[cfg(test)]
mod tests;
