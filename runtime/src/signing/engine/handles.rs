//! What the generated signing functions read from a [`Signer`]: whether it runs a given
//! scheme, its parsed base URL, the timestamp in the scheme's format, credential values and
//! a payload sink over its prepared key. Everything a signature needs that the endpoint's
//! spec does not fix is here; the generated code writes the rest itself.

use std::borrow::Cow;

use super::add::canonical_integer;
use super::plan::{Base, Forms, Source, Step};
use super::timestamp::StampBuf;
use super::{SignError, Signer, Timestamp};
use crate::signing::clock::Clock;
use sha2::{Sha256, Sha384, Sha512};

use crate::signing::fast::{HmacKey, MessagePayload};
use crate::signing::keys::PreparedKey;
use crate::signing::recipe::{Scheme, TimestampFormat};

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

/// Room for a base URL the signer parses for one request (one it did not keep).
#[derive(Default)]
pub struct BaseSlot(Option<Base>);

impl BaseSlot {
    /// Empty.
    #[inline]
    pub fn new() -> Self {
        BaseSlot(None)
    }
}

/// A base URL as the signer parsed it (kept from an earlier call when it is the same URL).
#[derive(Clone, Copy)]
pub struct BaseUrl<'s>(&'s Base);

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

    /// `v` in decimal.
    #[inline]
    pub fn i64(&mut self, v: i64) -> &str {
        self.0.format(v)
    }

    /// `v` in decimal.
    #[inline]
    pub fn u64(&mut self, v: u64) -> &str {
        self.0.format(v)
    }
}

impl Default for Digits {
    fn default() -> Self {
        Digits::new()
    }
}

/// A value the scheme adds that holds credentials and literals only, written out once when
/// the signer was made, in the forms requests carry it in.
#[derive(Clone, Copy)]
pub struct Constant<'s>(&'s Forms);

impl<'s> Constant<'s> {
    /// As it is.
    #[inline]
    pub fn raw(&self) -> &'s str {
        &self.0.raw
    }

    /// Percent-encoded as the scheme encodes its query.
    #[inline]
    pub fn query(&self) -> &'s str {
        &self.0.query
    }

    /// As a JSON string, quotes included.
    #[inline]
    pub fn json(&self) -> &'s str {
        &self.0.json
    }
}

/// A timestamp in a numeric format that a scheme adds to a JSON body or WebSocket params
/// (`ts`, as the scheme wrote `timestamp`): the text it is signed and sent as, and whether
/// JSON carries it as a bare number.
///
/// As the engine sends it: as it is written when it is a canonical integer (`123`, `-5`, as
/// every instant is written); as the number it reads otherwise (raw `007` is `7`); as a
/// string when it is no `i64` at all.
#[inline]
pub fn integer_timestamp<'a>(
    timestamp: &Timestamp,
    ts: &'a str,
    digits: &'a mut Digits,
) -> (&'a str, bool) {
    if !matches!(timestamp, Timestamp::Raw(_)) {
        return (ts, true);
    }
    match ts.parse::<i64>() {
        Ok(_) if canonical_integer(ts) => (ts, true),
        Ok(n) => (digits.0.format(n), true),
        Err(_) => (ts, false),
    }
}

impl Signer {
    /// Whether this signer runs `scheme` (the same recipe: a generated function specialised
    /// for `scheme` may sign for it). A scheme found equal is remembered by its address.
    #[inline(always)]
    pub fn uses(&self, scheme: &'static Scheme) -> bool {
        use std::sync::atomic::Ordering;
        let addr = std::ptr::from_ref(scheme).addr();
        std::ptr::eq(self.scheme, scheme)
            || self.same.0.load(Ordering::Relaxed) == addr
            || self.compare(scheme)
    }

    /// Whether `scheme` is this signer's recipe, compared in full (remembered when it is).
    #[inline(never)]
    fn compare(&self, scheme: &'static Scheme) -> bool {
        let same = *self.scheme == *scheme;
        if same {
            let addr = std::ptr::from_ref(scheme).addr();
            self.same
                .0
                .store(addr, std::sync::atomic::Ordering::Relaxed);
        }
        same
    }

    /// The base URL, parsed as [`Signer::sign_http`] parses it: the one kept from an
    /// earlier call when it is the same URL, else parsed into `slot`.
    #[doc(hidden)]
    #[inline]
    pub fn fast_base<'a>(
        &'a self,
        url: &str,
        slot: &'a mut BaseSlot,
    ) -> Result<BaseUrl<'a>, SignError> {
        match self.kept_base(url) {
            Some(kept) => Ok(BaseUrl(kept)),
            None => self.parse_base(url, slot),
        }
    }

    /// [`Signer::fast_base`] for a URL the signer did not keep.
    #[cold]
    fn parse_base<'a>(
        &'a self,
        url: &str,
        slot: &'a mut BaseSlot,
    ) -> Result<BaseUrl<'a>, SignError> {
        Ok(BaseUrl(match self.base(url)? {
            Cow::Borrowed(kept) => kept,
            Cow::Owned(base) => slot.0.insert(base),
        }))
    }

    /// The timestamp as the scheme writes it (empty if the scheme uses none), as
    /// [`Signer::sign_http`] writes it.
    ///
    /// Also says whether the text is plain: an integer the signer wrote (digits and `-`),
    /// which reads the same percent-encoded and inside a JSON string.
    #[doc(hidden)]
    #[inline]
    pub fn fast_timestamp<'t>(
        &self,
        timestamp: &'t Timestamp,
        clock: &dyn Clock,
        stamp: &'t mut Stamp,
    ) -> Result<(&'t str, bool), SignError> {
        let plain = !matches!(timestamp, Timestamp::Raw(_))
            && matches!(
                self.scheme.timestamp,
                Some(TimestampFormat::Millis | TimestampFormat::Seconds | TimestampFormat::Micros)
            );
        let text = self.timestamp(timestamp, clock, &mut stamp.0)?;
        Ok((text.unwrap_or_default(), plain))
    }

    /// The value of the credential `name`, the `index`-th the scheme reads (empty when it is
    /// not set). The signer holds them in the scheme's order: `name` is only checked in
    /// debug builds.
    #[doc(hidden)]
    #[inline]
    pub fn fast_credential(&self, index: usize, name: &str) -> &str {
        match self.resolved.get(index) {
            Some(r) => {
                debug_assert_eq!(r.name, name);
                r.value.expose()
            }
            None => self.credential(name).0,
        }
    }

    /// The scheme's `index`-th added value, if it holds credentials and literals only (as
    /// every signer of the scheme compiles it).
    #[doc(hidden)]
    #[inline]
    pub fn fast_constant(&self, index: usize) -> Option<Constant<'_>> {
        match self.plan.adds.get(index).map(|a| &a.source) {
            Some(Source::Text(forms, _)) => Some(Constant(forms)),
            _ => None,
        }
    }

    /// The `index`-th step of the string to sign, if it is a run of literals and credentials
    /// (as every signer of the scheme compiles it): the run's text, written out once.
    #[doc(hidden)]
    #[inline]
    pub fn fast_payload_text(&self, index: usize) -> Option<&str> {
        match self.plan.payload.get(index) {
            Some(Step::Text(text, _)) => Some(text),
            _ => None,
        }
    }

    /// The signer's HMAC-SHA256 key (`None` if its key is another).
    #[doc(hidden)]
    #[inline]
    pub fn fast_hmac_sha256(&self) -> Option<HmacKey<'_, Sha256>> {
        match &self.key {
            Some(PreparedKey::HmacSha256(mac)) => Some(HmacKey(mac)),
            _ => None,
        }
    }

    /// The signer's HMAC-SHA384 key (`None` if its key is another).
    #[doc(hidden)]
    #[inline]
    pub fn fast_hmac_sha384(&self) -> Option<HmacKey<'_, Sha384>> {
        match &self.key {
            Some(PreparedKey::HmacSha384(mac)) => Some(HmacKey(mac)),
            _ => None,
        }
    }

    /// The signer's HMAC-SHA512 key (`None` if its key is another).
    #[doc(hidden)]
    #[inline]
    pub fn fast_hmac_sha512(&self) -> Option<HmacKey<'_, Sha512>> {
        match &self.key {
            Some(PreparedKey::HmacSha512(mac)) => Some(HmacKey(mac)),
            _ => None,
        }
    }

    /// A sink for the string to sign, kept whole for the signer's Ed25519 or RSA key (`None`
    /// if its key is an HMAC key or there is none).
    #[doc(hidden)]
    #[inline]
    pub fn fast_message(&self) -> Option<MessagePayload<'_>> {
        match &self.key {
            Some(
                key @ (PreparedKey::Ed25519(_) | PreparedKey::Rsa(_) | PreparedKey::EcdsaP256(_)),
            ) => Some(MessagePayload::new(key)),
            _ => None,
        }
    }
}
