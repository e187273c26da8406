//! The interpreter: runs a [`Scheme`] over a request and produces exactly what goes on the wire.
//!
//! - [`plan`]: what a [`Signer`] computes once (the compiled scheme, credentials, base URL);
//! - [`draft`]: the request being built while the scheme runs;
//! - [`add`]: the parameters the scheme adds to it;
//! - [`to_sign`]: the string to sign, built from the plan and signed;
//! - [`payload`]: where that string is written (a MAC, a buffer, or both forms when
//!   explaining) and how the signature is encoded;
//! - [`timestamp`]: the timestamp in the scheme's format;
//! - [`http`] and [`ws`]: signing HTTP and WebSocket requests;
//! - [`handles`]: what the generated signing functions read from a signer.

mod add;
mod draft;
mod handles;
mod http;
mod nonce;
mod payload;
mod plan;
mod timestamp;
mod to_sign;
mod ws;

use std::sync::OnceLock;

pub use self::handles::{BaseSlot, BaseUrl, Constant, Digits, Stamp, integer_timestamp};
pub(in crate::signing) use self::payload::encode_signature;
pub use self::ws::put_frame_head;

use self::plan::{Base, Plan, Resolved};
use super::credentials::{CredentialError, Credentials, Secret};
use super::keys::{KeyError, PreparedKey};
use super::recipe::{Encoding, Part, Scheme, SchemeTransport};
use crate::request::Location;

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// Credentials missing or unreadable.
    #[error(transparent)]
    Credential(#[from] CredentialError),
    /// A key that cannot be used.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// No scheme of the venue fits the transport and the credentials given.
    #[error(
        "no signing scheme for this {transport} request fits the credentials given (schemes: {schemes})"
    )]
    NoScheme {
        /// `REST` or `WebSocket`.
        transport: &'static str,
        /// The venue's schemes and what each needs.
        schemes: String,
    },
    /// The scheme is for the other transport.
    #[error("scheme `{scheme}` signs {expected} requests")]
    WrongTransport {
        /// The scheme.
        scheme: &'static str,
        /// What it signs.
        expected: &'static str,
    },
    /// The base URL is not a URL.
    #[error("invalid base URL `{url}`: {reason}")]
    BaseUrl {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// A signer of one venue was given a request of another.
    #[error("a {signer} signer cannot sign a {request} request")]
    WrongVenue {
        /// The signer's venue.
        signer: &'static str,
        /// The request's venue.
        request: &'static str,
    },
    /// A request path that does not start with `/` or carries a query or fragment (parameters
    /// belong in the request's parameters).
    #[error("invalid request path `{0}`: it must start with `/` and have no `?` or `#`")]
    Path(String),
    /// A timestamp that cannot be written in the scheme's format.
    #[error("timestamp {0} ms is out of range")]
    Timestamp(i64),
    /// A signed request of 4 GiB or more.
    #[error("the signed request would take {0} bytes (the limit is 4 GiB)")]
    TooLarge(usize),
    /// A header whose name or value would hold a control character (CR, LF, NUL, another C0
    /// byte or DEL): it could end the header and inject others. The value is never echoed.
    #[error(
        "header `{header}` would hold a control character (CR, LF, NUL, another C0 byte or DEL): \
         refused; check the credential or parameter placed in it"
    )]
    HeaderControl {
        /// The header's name (control characters escaped).
        header: String,
    },
}

/// Which timestamp to sign with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Timestamp {
    /// The clock's current time.
    Now,
    /// This instant, in milliseconds since the Unix epoch (written in the scheme's format).
    AtMillis(i64),
    /// This exact text (to reproduce published vectors whose timestamp is not a real time).
    Raw(String),
}

/// A scheme bound to credentials, with its key prepared once.
#[derive(Debug, Clone)]
pub struct Signer {
    scheme: &'static Scheme,
    credentials: Credentials,
    key: Option<PreparedKey>,
    /// The first base URL that parsed, kept: a client calls one environment, and parsing its
    /// URL was a tenth of a signature's time. Any other URL is parsed on each call.
    base: OnceLock<Base>,
    /// Whether the URL's query is written sorted, as the string to sign has it, so that it is
    /// encoded once and signed as written: only when every part of the scheme that reads the
    /// query sorts it, in the URL's encoding (the venue then reads the query in any order).
    url_sorted: bool,
    /// The credentials the scheme reads, looked up once.
    resolved: Vec<Resolved>,
    /// The scheme compiled for these credentials.
    plan: Plan,
    /// The nonce every request is signed with, when pinned ([`Signer::pin_nonce`]).
    pinned_nonce: Option<String>,
    /// The address of a scheme found equal to this one by [`Signer::uses`].
    same: SameScheme,
    /// The last microsecond timestamp written from the clock (shared by clones): a `us`
    /// timestamp is a nonce the venue requires to grow, so the next is at least one more.
    last_micros: std::sync::Arc<std::sync::atomic::AtomicI64>,
    /// The constant members its WebSocket frames carry before `id` (name, JSON text).
    frame: &'static [(&'static str, &'static str)],
}

/// The address of a `'static` scheme found equal to a signer's, so that the next check is
/// one comparison (a venue's constant need not have the address the signer was made from).
#[derive(Debug, Default)]
struct SameScheme(std::sync::atomic::AtomicUsize);

impl Clone for SameScheme {
    fn clone(&self) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        SameScheme(AtomicUsize::new(self.0.load(Ordering::Relaxed)))
    }
}

/// Calls `f` with `(sort, encoding)` of every part of `parts` that reads the query.
fn query_parts(parts: &[Part], f: &mut impl FnMut(bool, Encoding)) {
    for part in parts {
        match part {
            Part::Params {
                from: Location::Query,
                sort,
                encoding,
                ..
            } => f(*sort, *encoding),
            Part::Digest { of, .. } | Part::Mac { of, .. } => query_parts(of, f),
            Part::Json { members, .. } => members.iter().for_each(|m| query_parts(&m.value, f)),
            _ => {}
        }
    }
}

impl Signer {
    /// Binds `scheme` to `credentials`: checks that every credential it reads is set and
    /// prepares the signing key.
    pub fn new(scheme: &'static Scheme, credentials: &Credentials) -> Result<Self, SignError> {
        credentials.require(scheme.credentials)?;
        let key = match &scheme.sign {
            Some(s) => {
                let value = credentials
                    .get(&s.key)
                    .map(|v| v.expose())
                    .unwrap_or_default();
                Some(PreparedKey::new(
                    &s.key,
                    s.algorithm,
                    s.key_encoding,
                    value,
                )?)
            }
            None => None,
        };
        let (mut reads_query, mut all_sorted) = (false, true);
        for parts in std::iter::once(scheme.payload).chain(scheme.add.iter().map(|a| &*a.value)) {
            query_parts(parts, &mut |sort, encoding| {
                reads_query = true;
                all_sorted &= sort && encoding == scheme.query_encoding;
            });
        }
        let resolved = scheme
            .credentials
            .iter()
            .map(|&name| Resolved {
                name,
                value: credentials
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| Secret::new("")),
                secret: credentials.is_secret(name),
            })
            .collect();
        let mut signer = Signer {
            scheme,
            credentials: credentials.clone(),
            key,
            base: OnceLock::new(),
            url_sorted: reads_query && all_sorted,
            resolved,
            plan: Plan {
                adds: Vec::new(),
                payload: Vec::new(),
            },
            pinned_nonce: None,
            same: SameScheme::default(),
            last_micros: std::sync::Arc::default(),
            frame: &[],
        };
        signer.plan = signer.compile();
        signer.check_header_constants()?;
        Ok(signer)
    }

    /// The first of `schemes` for `transport` whose credentials are all set. A scheme that
    /// reads no credential (a session already authenticated) is never chosen here: it must be
    /// named and built with [`Signer::new`].
    pub fn choose(
        schemes: &'static [Scheme],
        transport: SchemeTransport,
        credentials: &Credentials,
    ) -> Result<Self, SignError> {
        let fits = schemes.iter().find(|s| {
            s.transport == transport
                && !s.credentials.is_empty()
                && credentials.has_all(s.credentials)
        });
        match fits {
            Some(s) => Signer::new(s, credentials),
            None => Err(SignError::NoScheme {
                transport: if transport == SchemeTransport::Rest {
                    "REST"
                } else {
                    "WebSocket"
                },
                schemes: schemes
                    .iter()
                    .filter(|s| s.transport == transport && !s.credentials.is_empty())
                    .map(|s| format!("{} needs {}", s.name, s.credentials.join(" + ")))
                    .collect::<Vec<_>>()
                    .join("; "),
            }),
        }
    }

    /// The signer writing `members` (name and JSON text, a venue's `VenueInfo::ws_frame`)
    /// first in every WebSocket frame, before `id`: JSON-RPC 2.0's `"jsonrpc":"2.0"`.
    #[must_use]
    pub fn with_frame(mut self, members: &'static [(&'static str, &'static str)]) -> Self {
        self.frame = members;
        self
    }

    /// The constant members written first in its WebSocket frames.
    pub fn frame_members(&self) -> &'static [(&'static str, &'static str)] {
        self.frame
    }

    /// Refuses to sign for another venue than the scheme's (generated `Request::sign` calls it).
    pub fn check_venue(&self, venue: &'static str) -> Result<(), SignError> {
        if self.scheme.venue == venue {
            Ok(())
        } else {
            Err(SignError::WrongVenue {
                signer: self.scheme.venue,
                request: venue,
            })
        }
    }

    /// The scheme in use.
    pub fn scheme(&self) -> &'static Scheme {
        self.scheme
    }
}

/// `REST` or `WebSocket`, for messages.
pub(super) fn transport_name(t: SchemeTransport) -> &'static str {
    match t {
        SchemeTransport::Rest => "REST",
        SchemeTransport::Ws => "WebSocket",
    }
}
