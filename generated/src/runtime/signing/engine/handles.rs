//! What the generated signing functions read from a [`Signer`]: whether it runs a given
//! scheme, its parsed base URL, the timestamp in the scheme's format, credential values and
//! a payload sink over its prepared key. Everything a signature needs that the endpoint's
//! spec does not fix is here; the generated code writes the rest itself.

use std::borrow::Cow;

use super::add::canonical_integer;
use super::plan::Base;
use super::timestamp::StampBuf;
use super::{SignError, Signer, Timestamp};
use crate::runtime::signing::clock::Clock;
use crate::runtime::signing::fast::Payload;
use crate::runtime::signing::recipe::Scheme;

/// Where a timestamp is written while a request is signed (on the stack for the usual
/// years).
pub struct Stamp(StampBuf);

impl Stamp {
    /// An empty buffer.
    #[inline]
    pub fn new() -> Self {
        Stamp(StampBuf::new())
    }
}

impl Default for Stamp {
    fn default() -> Self {
        Stamp::new()
    }
}

/// A base URL as the signer parsed it (kept from an earlier call when it is the same URL).
pub struct BaseUrl<'s>(Cow<'s, Base>);

impl BaseUrl<'_> {
    /// `https://host[:port]` and the path prefix: what every URL starts with.
    #[inline]
    pub fn root(&self) -> &str {
        &self.0.root
    }

    /// The length of `https://host[:port]` at the start of [`BaseUrl::root`]: the path
    /// signed starts there.
    #[inline]
    pub fn origin_len(&self) -> usize {
        self.0.origin_len
    }

    /// `host[:port]`, lower-case, as signed.
    #[inline]
    pub fn host(&self) -> &str {
        &self.0.host
    }
}

/// Digits of an integer written on the stack.
pub struct Digits(itoa::Buffer);

impl Digits {
    /// An empty buffer.
    #[inline]
    pub fn new() -> Self {
        Digits(itoa::Buffer::new())
    }
}

impl Default for Digits {
    fn default() -> Self {
        Digits::new()
    }
}

/// A timestamp in a numeric format that a scheme adds to a JSON body or WebSocket params:
/// the text it is signed and sent as, and whether JSON carries it as a bare number.
///
/// As the engine sends it: as it is written when it is a canonical integer (`123`, `-5`); as
/// the number it reads otherwise (`007` is `7`); as a string when it is no `i64` at all.
#[inline]
pub fn integer_timestamp<'a>(t: &'a str, digits: &'a mut Digits) -> (&'a str, bool) {
    match t.parse::<i64>() {
        Ok(_) if canonical_integer(t) => (t, true),
        Ok(n) => (digits.0.format(n), true),
        Err(_) => (t, false),
    }
}

impl Signer {
    /// Whether this signer runs `scheme` (the same recipe: a generated function specialised
    /// for `scheme` may sign for it).
    #[inline]
    pub fn uses(&self, scheme: &Scheme) -> bool {
        std::ptr::eq(self.scheme, scheme) || *self.scheme == *scheme
    }

    /// The base URL, parsed (or kept from an earlier call), as [`Signer::sign_http`] parses
    /// it.
    #[inline]
    pub fn fast_base(&self, url: &str) -> Result<BaseUrl<'_>, SignError> {
        self.base(url).map(BaseUrl)
    }

    /// The timestamp as the scheme writes it (empty if the scheme uses none), as
    /// [`Signer::sign_http`] writes it.
    #[inline]
    pub fn fast_timestamp<'t>(
        &self,
        timestamp: &'t Timestamp,
        clock: &dyn Clock,
        stamp: &'t mut Stamp,
    ) -> Result<&'t str, SignError> {
        Ok(self
            .timestamp(timestamp, clock, &mut stamp.0)?
            .unwrap_or_default())
    }

    /// The value of the credential `name`, the `index`-th the scheme reads (empty when it is
    /// not set).
    #[inline]
    pub fn fast_credential(&self, index: usize, name: &str) -> &str {
        match self.resolved.get(index) {
            Some(r) if r.name == name => r.value.expose(),
            _ => self.credential(name).0,
        }
    }

    /// A sink for the string to sign, fed to the signer's prepared key.
    #[inline]
    pub fn fast_payload(&self) -> Payload<'_> {
        Payload::new(self.key.as_ref())
    }
}
