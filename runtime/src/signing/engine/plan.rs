//! What a [`Signer`] computes once: the scheme compiled for its credentials, the credentials
//! it reads, and what it needs from a base URL.

use std::borrow::Cow;
use std::fmt;

use zeroize::Zeroizing;

use super::{SignError, Signer};
use crate::request::Location;
use crate::signing::credentials::Secret;
use crate::signing::encode::{encode_into, put_json_str};
use crate::signing::recipe::{Encoding, Part, TimestampFormat};
#[cfg(doc)]
use crate::signing::signed::check_headers;
use crate::signing::signed::{has_control, header_control};

/// Text that may hold credentials (an API key, a memo, a token): wiped when dropped.
pub(super) type Wiped = Zeroizing<Box<str>>;

/// `text` copied into a [`Wiped`] (the copy has exactly its length, so nothing is left behind
/// by a reallocation); the caller wipes `text`.
fn wiped(text: &str) -> Wiped {
    Zeroizing::new(Box::from(text))
}

/// A scheme compiled for one signer: credentials and literals resolved, and merged where they
/// follow each other, so that signing a request writes only what changes from one request to
/// the next.
#[derive(Clone)]
pub(super) struct Plan {
    pub(super) adds: Vec<AddPlan>,
    pub(super) payload: Vec<Step>,
}

/// Never prints a value (they hold credentials).
impl fmt::Debug for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plan")
            .field("adds", &self.adds.len())
            .field("payload", &self.payload.len())
            .finish()
    }
}

/// A parameter the scheme adds.
#[derive(Clone)]
pub(super) struct AddPlan {
    pub(super) location: Location,
    pub(super) name: Forms,
    pub(super) source: Source,
    pub(super) sensitive: bool,
    /// Only a timestamp in a numeric format, going into JSON: written as an integer.
    pub(super) integer: bool,
}

/// Where an added value comes from.
#[derive(Clone)]
pub(super) enum Source {
    /// Only literals and credentials: the value, and (when it holds a secret credential) the
    /// value with each secret shown as `[name]`.
    Text(Forms, Option<Box<str>>),
    Timestamp,
    Method,
    Host,
    /// Anything else, assembled for each request.
    Parts(&'static [Part]),
}

/// A step of the string to sign.
#[derive(Clone)]
pub(super) enum Step {
    /// Literals and credentials that follow each other, merged (with the shown form when they
    /// hold a secret credential).
    Text(Wiped, Option<Box<str>>),
    Timestamp,
    Method,
    Host,
    Path,
    Body,
    Params {
        from: Location,
        sort: bool,
        encoding: Encoding,
    },
    /// A part written by `put_parts` (a digest, a prefixed parameter list).
    Part(&'static Part),
}

/// A credential the scheme reads.
#[derive(Debug, Clone)]
pub(super) struct Resolved {
    pub(super) name: &'static str,
    pub(super) value: Secret,
    /// Declared secret: shown as `[name]` when explaining.
    pub(super) secret: bool,
}

/// What signing needs from a base URL.
#[derive(Debug, Clone)]
pub(super) struct Base {
    /// The URL as given.
    url: String,
    /// `https://host[:port]` + the prefix: what every URL starts with.
    pub(super) root: String,
    /// The length of `https://host[:port]` in `root`.
    pub(super) origin_len: usize,
    /// `host[:port]`, lower-case, as signed.
    pub(super) host: String,
    /// The path prefix (`/api/v1`, no trailing slash).
    pub(super) prefix: String,
}

impl Base {
    fn parse(url: &str) -> Result<Self, SignError> {
        let (origin, host, prefix) = split_base(url)?;
        Ok(Base {
            url: url.to_string(),
            root: format!("{origin}{prefix}"),
            origin_len: origin.len(),
            host,
            prefix,
        })
    }
}

/// A name or value the scheme adds that is the same for every request, written out once in
/// the forms requests carry it in.
#[derive(Clone)]
pub(super) struct Forms {
    pub(super) raw: Wiped,
    /// Percent-encoded as the scheme encodes its query.
    pub(super) query: Wiped,
    pub(super) encoding: Encoding,
    /// As a JSON string, quotes included.
    pub(super) json: Wiped,
}

impl Forms {
    pub(super) fn new(raw: &str, encoding: Encoding) -> Self {
        // Room for the longest forms (`%XX`, `\u00XX`), so that no reallocation leaves a
        // copy of a credential behind.
        let mut query = Zeroizing::new(String::with_capacity(3 * raw.len()));
        encode_into(raw, encoding, &mut *query);
        let mut json = Zeroizing::new(String::with_capacity(6 * raw.len() + 2));
        put_json_str(raw, &mut json);
        Forms {
            raw: wiped(raw),
            query: wiped(&query),
            encoding,
            json: wiped(&json),
        }
    }
}

impl Signer {
    /// Compiles the scheme for these credentials.
    pub(super) fn compile(&self) -> Plan {
        let s = self.scheme;
        let numeric_timestamp = matches!(
            s.timestamp,
            Some(TimestampFormat::Millis | TimestampFormat::Seconds | TimestampFormat::Micros)
        );
        let adds = s
            .add
            .iter()
            .map(|add| {
                let source = match &*add.value {
                    [Part::Timestamp] => Source::Timestamp,
                    [Part::Method] => Source::Method,
                    [Part::Host] => Source::Host,
                    parts => match self.constant(parts) {
                        Some((text, shown)) => {
                            Source::Text(Forms::new(&text, s.query_encoding), shown)
                        }
                        None => Source::Parts(parts),
                    },
                };
                AddPlan {
                    location: add.location,
                    name: Forms::new(&add.name, s.query_encoding),
                    // A value that is only a timestamp in a numeric format is an integer (JSON
                    // bodies and WebSocket params carry it as a number); every other added
                    // value is text, even when it looks numeric (an API key such as `007`).
                    integer: numeric_timestamp
                        && matches!(add.location, Location::Body | Location::WsParams)
                        && matches!(source, Source::Timestamp),
                    source,
                    sensitive: add.sensitive,
                }
            })
            .collect();
        let mut payload = Vec::new();
        let mut run: Vec<Part> = Vec::new();
        let flush = |run: &mut Vec<Part>, payload: &mut Vec<Step>| {
            if let Some((text, shown)) = self.constant(run) {
                payload.push(Step::Text(text, shown));
            }
            run.clear();
        };
        for part in s.payload {
            let step = match part {
                Part::Literal(_) | Part::Credential(_) => {
                    run.push(part.clone());
                    continue;
                }
                Part::Timestamp => Step::Timestamp,
                Part::Method => Step::Method,
                Part::Host => Step::Host,
                Part::Path => Step::Path,
                Part::Body => Step::Body,
                // A prefixed list is written by `put_parts`, which knows whether it is empty.
                Part::Params { prefix, .. } if !prefix.is_empty() => Step::Part(part),
                Part::Params {
                    from,
                    sort,
                    encoding,
                    ..
                } => Step::Params {
                    from: *from,
                    sort: *sort,
                    encoding: *encoding,
                },
                // A parameter's value, the content type, a nonce, a digest, a mac, an offset
                // timestamp, a JSON object: written by `put_parts`.
                _ => Step::Part(part),
            };
            flush(&mut run, &mut payload);
            payload.push(step);
        }
        flush(&mut run, &mut payload);
        Plan { adds, payload }
    }

    /// The text of `parts` if they are only literals and credentials (and not none), with
    /// the shown form when a secret credential is among them.
    fn constant(&self, parts: &[Part]) -> Option<(Wiped, Option<Box<str>>)> {
        if parts.is_empty() {
            return None;
        }
        let room = parts
            .iter()
            .map(|p| match p {
                Part::Literal(t) => t.len(),
                Part::Credential(name) => self.credential(name).0.len(),
                // Hex of a 64-byte MAC, the longest output.
                Part::Mac { .. } => 128,
                _ => 0,
            })
            .sum();
        // Sized once: no reallocation leaves a copy of a credential behind.
        let mut text = Zeroizing::new(String::with_capacity(room));
        let (mut shown, mut secret) = (String::new(), false);
        for part in parts {
            match part {
                Part::Literal(t) => {
                    text.push_str(t);
                    shown.push_str(t);
                }
                Part::Credential(name) => {
                    let (value, is_secret) = self.credential(name);
                    text.push_str(value);
                    if is_secret {
                        secret = true;
                        shown.push('[');
                        shown.push_str(name);
                        shown.push(']');
                    } else {
                        shown.push_str(value);
                    }
                }
                Part::Mac {
                    algorithm,
                    key,
                    of,
                    output,
                } => {
                    let (inner, _) = self.constant(of)?;
                    let mac = self.mac(*algorithm, key, inner.as_bytes(), *output)?;
                    text.push_str(&mac);
                    secret = true;
                    shown.push_str("[mac of ");
                    shown.push_str(key);
                    shown.push(']');
                }
                _ => return None,
            }
        }
        Some((wiped(&text), secret.then(|| shown.into())))
    }

    /// Refuses, when the signer is made, a header the scheme adds whose text is fixed
    /// (credentials and literals: an API key, a bearer token) and holds a control character.
    /// Every signed request is checked again ([`check_headers`]), this names the fault early.
    pub(super) fn check_header_constants(&self) -> Result<(), SignError> {
        for add in &self.plan.adds {
            if add.location != Location::Header {
                continue;
            }
            let value = match &add.source {
                Source::Text(forms, _) => &forms.raw[..],
                _ => "",
            };
            if has_control(&add.name.raw) || has_control(value) {
                return Err(header_control(&add.name.raw));
            }
        }
        Ok(())
    }

    /// The value of a credential (empty when not set), and whether it is secret.
    pub(super) fn credential(&self, name: &str) -> (&str, bool) {
        match self.resolved.iter().find(|r| r.name == name) {
            Some(r) => (r.value.expose(), r.secret),
            // A part naming a credential the scheme does not list (schemes built by hand).
            None => (
                self.credentials
                    .get(name)
                    .map(|v| v.expose())
                    .unwrap_or_default(),
                self.credentials.is_secret(name),
            ),
        }
    }

    /// The kept parsed URL, if it is `url`.
    #[inline]
    pub(super) fn kept_base(&self, url: &str) -> Option<&Base> {
        self.base.get().filter(|b| b.url == url)
    }

    /// The parsed `url`: the kept one when it is the same URL, else parsed now (and kept if it
    /// is the first that parsed).
    pub(super) fn base(&self, url: &str) -> Result<Cow<'_, Base>, SignError> {
        if let Some(kept) = self.kept_base(url) {
            return Ok(Cow::Borrowed(kept));
        }
        let base = Base::parse(url)?;
        if self.base.get().is_none() {
            // Another thread may have kept another URL meanwhile: either is fine.
            let _ = self.base.set(base.clone());
        }
        Ok(Cow::Owned(base))
    }
}

/// Splits a base URL into origin (`https://host[:port]`), host as signed (`host[:port]`,
/// lower-case) and path prefix (`/api/v1`, no trailing slash).
fn split_base(base: &str) -> Result<(String, String, String), SignError> {
    let bad = |reason: &str| SignError::BaseUrl {
        url: base.to_string(),
        reason: reason.to_string(),
    };
    let url = url::Url::parse(base).map_err(|e| bad(&e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        // Never echo the URL: its userinfo may hold a password.
        return Err(SignError::BaseUrl {
            url: "[a URL with user info]".into(),
            reason: "credentials do not belong in the base URL".into(),
        });
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("a base URL has no query or fragment"));
    }
    let host = url
        .host_str()
        .ok_or_else(|| bad("no host"))?
        .to_ascii_lowercase();
    let host = match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    };
    let origin = format!("{}://{host}", url.scheme());
    let prefix = url.path().trim_end_matches('/').to_string();
    Ok((origin, host, prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        let (o, h, p) = split_base("https://API-sepolia.p99.world/api/v1/").unwrap();
        assert_eq!(
            (o.as_str(), h.as_str(), p.as_str()),
            (
                "https://api-sepolia.p99.world",
                "api-sepolia.p99.world",
                "/api/v1"
            )
        );
        let (o, h, p) = split_base("http://127.0.0.1:8080").unwrap();
        assert_eq!(
            (o.as_str(), h.as_str(), p.as_str()),
            ("http://127.0.0.1:8080", "127.0.0.1:8080", "")
        );
        assert!(split_base("not a url").is_err());
        let e = split_base("https://user:pw@host.test")
            .unwrap_err()
            .to_string();
        assert!(!e.contains("pw"), "{e}");
        assert!(split_base("https://host.test/api?x=1").is_err());
    }
}
