//! Verifies a received request by running its venue's signing recipe over what was received.
//!
//! Any scheme the generator accepts is verifiable, with no code per venue: the parameters the
//! scheme adds are read back from where it adds them (the timestamp is taken from there), the
//! string to sign is rebuilt from the received request (method, host, path, the parameters of
//! a location as received, the exact body bytes), signed with the venue's key
//! ([`PreparedKey`], the engine's own keys), encoded as the scheme writes it and compared, in
//! constant time, with the signature where the scheme places it. Ed25519 and RSA PKCS#1 v1.5
//! signatures are deterministic, so a server holding the private key checks them the same way.

use std::borrow::Cow;

use generated::runtime::request::{BodyFormat, Location};
use generated::runtime::signing::{
    DigestAlgorithm, Encoding, KeyEncoding, Output, Part, PreparedKey, Scheme, encode_query_value,
};
use serde_json::{Map, Value};
use sha2::Digest as _;
use subtle::ConstantTimeEq as _;

use super::http::{parse_query, split_url};

mod token;
use super::{ReceivedHttp, Verified, VerifyError, malformed};

/// What a request's parts read besides the request: its timestamp and its nonce, as sent.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Values<'v> {
    /// The timestamp's text.
    pub(super) timestamp: Option<&'v str>,
    /// The nonce's text.
    pub(super) nonce: Option<&'v str>,
}

/// The timestamp and the nonce an added value was read to hold.
type Read = (Option<String>, Option<String>);

/// The parameter a request names its receive window in (ms), wherever it travels.
const RECV_WINDOW: &str = "recvWindow";

/// What a server received: an HTTP request, or the `params` of a WebSocket API frame.
#[derive(Debug, Clone, Copy)]
pub enum Received<'a> {
    /// An HTTP request.
    Http(&'a ReceivedHttp),
    /// A WebSocket request frame's `params` object.
    Ws(&'a Map<String, Value>),
}

/// A scheme with the server's copy of the credentials it reads, its key prepared once.
pub struct RecipeVerifier {
    scheme: &'static Scheme,
    credentials: Vec<(&'static str, String)>,
    key: Option<PreparedKey>,
}

impl std::fmt::Debug for RecipeVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecipeVerifier")
            .field("venue", &self.scheme.venue)
            .field("scheme", &self.scheme.name)
            .finish_non_exhaustive()
    }
}

impl RecipeVerifier {
    /// The verifier of `scheme`, with each credential it reads from `credential`. Fails when
    /// one is missing or the signing key cannot be read.
    pub fn new<'c>(
        scheme: &'static Scheme,
        credential: impl Fn(&str) -> Option<&'c str>,
    ) -> Result<Self, VerifyError> {
        let mut credentials = Vec::with_capacity(scheme.credentials.len());
        for &name in scheme.credentials {
            let value = credential(name).ok_or(VerifyError::MissingParam(name))?;
            credentials.push((name, value.to_string()));
        }
        let key = match &scheme.sign {
            Some(sign) => {
                let value = lookup(&credentials, &sign.key)?;
                Some(
                    PreparedKey::new(&sign.key, sign.algorithm, sign.key_encoding, value).map_err(
                        |_| malformed("signing key", "cannot be read as the scheme says"),
                    )?,
                )
            }
            None => None,
        };
        Ok(RecipeVerifier {
            scheme,
            credentials,
            key,
        })
    }

    /// The scheme verified.
    pub fn scheme(&self) -> &'static Scheme {
        self.scheme
    }

    /// Checks `received`: every parameter the scheme adds is there with its value, and the
    /// signature (if the scheme signs) is the one the recipe gives over what was received.
    pub fn verify(&self, received: Received<'_>) -> Result<Verified, VerifyError> {
        self.verify_with_nonce(received)
            .map(|(verified, _)| verified)
    }

    /// As [`Self::verify`], and returns the nonce (`random_hex`, `uuid4`) the request sends as
    /// a parameter the scheme adds, if it sends one.
    pub fn verify_with_nonce(
        &self,
        received: Received<'_>,
    ) -> Result<(Verified, Option<String>), VerifyError> {
        let r = Reader::new(received)?;
        let (mut timestamp, nonce) = self.check_adds(&r)?;
        if let (Some(sign), Some(place), Some(key)) =
            (&self.scheme.sign, &self.scheme.place, &self.key)
        {
            let sent = r
                .value(place.location, name_of(&place.name))?
                .ok_or(VerifyError::MissingParam(name_of(&place.name)))?;
            let exclude = Some((place.location, &*place.name));
            if place.composed() {
                let read = self.verify_token(&r, place, key, sign.output, &sent, exclude)?;
                timestamp = timestamp.or(read);
            } else {
                let mut payload = Vec::with_capacity(256);
                let values = Values {
                    timestamp: timestamp.as_deref(),
                    nonce: nonce.as_deref(),
                };
                self.put_parts(&r, self.scheme.payload, values, exclude, &mut payload)?;
                let expected = encode(&key.sign(&payload), sign.output);
                if !bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) {
                    return Err(VerifyError::BadSignature);
                }
            }
        }
        let verified = Verified {
            api_key: self.api_key().to_string(),
            timestamp: timestamp.unwrap_or_default(),
            recv_window_ms: r.recv_window()?,
        };
        Ok((verified, nonce))
    }

    /// The API key the request is authenticated as: the first value the scheme adds that is
    /// one credential not marked secret (empty if there is none).
    fn api_key(&self) -> &str {
        self.scheme
            .add
            .iter()
            .find_map(|a| match &*a.value {
                [Part::Credential(name)] if !a.sensitive => lookup(&self.credentials, name).ok(),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// Checks each added parameter against its parts; returns the timestamp and the nonce
    /// read from them.
    fn check_adds(&self, r: &Reader<'_>) -> Result<(Option<String>, Option<String>), VerifyError> {
        let (mut timestamp, mut nonce) = (None, None);
        for add in self.scheme.add.iter() {
            let sent = r
                .value(add.location, name_of(&add.name))?
                .ok_or(VerifyError::MissingParam(name_of(&add.name)))?;
            let wrong = if add.sensitive && self.scheme.sign.is_none() {
                VerifyError::BadToken
            } else {
                VerifyError::UnknownApiKey
            };
            let (ts, n) = self.match_parts(r, &add.value, &sent).ok_or(wrong)?;
            if let Some(ts) = ts {
                timestamp.get_or_insert(ts);
            }
            // A `uuid4` nonce is a UUID v4 in lower case with hyphens, 36 characters.
            if add.value.contains(&Part::Uuid4) && !n.as_deref().is_some_and(is_lower_uuid4) {
                return Err(malformed(
                    "nonce",
                    "not a lower-case UUID v4 (36 characters)",
                ));
            }
            if let Some(n) = n {
                nonce.get_or_insert(n);
            }
        }
        Ok((timestamp, nonce))
    }

    /// Matches `text` against `parts`, the timestamp and the nonce each standing for any text
    /// up to what follows it: `None` if it does not match, else the timestamp and the nonce
    /// read (where the parts hold them).
    fn match_parts(&self, r: &Reader<'_>, parts: &[Part], text: &str) -> Option<Read> {
        let mut rest = text;
        let (mut timestamp, mut nonce) = (None, None);
        let mut iter = parts.iter().peekable();
        while let Some(part) = iter.next() {
            if let Part::Timestamp | Part::RandomHex(_) | Part::Uuid4 = part {
                let end = match iter.peek() {
                    Some(next) => {
                        let fixed = self.fixed_text(r, next)?;
                        rest.find(&*fixed)?
                    }
                    None => rest.len(),
                };
                let value = Some(rest.get(..end)?.to_string());
                match part {
                    Part::Timestamp => timestamp = value,
                    _ => nonce = value,
                }
                rest = rest.get(end..)?;
                continue;
            }
            let fixed = self.fixed_text(r, part)?;
            rest = rest.strip_prefix(&*fixed)?;
        }
        rest.is_empty().then_some((timestamp, nonce))
    }

    /// The text of a part that does not depend on the timestamp or the parameters.
    pub(super) fn fixed_text<'s>(&'s self, r: &Reader<'_>, part: &'s Part) -> Option<Cow<'s, str>> {
        Some(match part {
            Part::Literal(t) => Cow::Borrowed(&**t),
            Part::Credential(name) => Cow::Borrowed(lookup(&self.credentials, name).ok()?),
            Part::Method => Cow::Owned(r.method()?.to_string()),
            Part::Host => Cow::Owned(r.host()?),
            Part::Path => Cow::Owned(r.path()?.to_string()),
            Part::ContentType => Cow::Owned(r.content_type()),
            Part::Mac {
                algorithm,
                key,
                of,
                output,
            } => {
                let mut inner = String::new();
                for part in of.iter() {
                    inner.push_str(&self.fixed_text(r, part)?);
                }
                let value = lookup(&self.credentials, key).ok()?;
                let key = PreparedKey::new(key, *algorithm, KeyEncoding::Raw, value).ok()?;
                Cow::Owned(encode(&key.sign(inner.as_bytes()), *output))
            }
            _ => return None,
        })
    }

    /// Appends the text of `parts` over what was received.
    pub(super) fn put_parts(
        &self,
        r: &Reader<'_>,
        parts: &[Part],
        values: Values<'_>,
        exclude: Option<(Location, &str)>,
        out: &mut Vec<u8>,
    ) -> Result<(), VerifyError> {
        let http = |what: &'static str| malformed(what, "not part of a WebSocket frame");
        for part in parts {
            match part {
                Part::Literal(t) => out.extend_from_slice(t.as_bytes()),
                Part::Method => out.extend_from_slice(r.method().ok_or(http("method"))?.as_bytes()),
                Part::Host => out.extend_from_slice(r.host().ok_or(http("host"))?.as_bytes()),
                Part::Path => out.extend_from_slice(r.path().ok_or(http("path"))?.as_bytes()),
                Part::Timestamp => {
                    out.extend_from_slice(values.timestamp.unwrap_or_default().as_bytes());
                }
                Part::RandomHex(_) | Part::Uuid4 | Part::TimestampPlus(_) | Part::Json { .. } => {
                    self.put_token_part(r, part, values, exclude, out)?;
                }
                Part::Credential(name) => {
                    out.extend_from_slice(lookup(&self.credentials, name)?.as_bytes());
                }
                Part::Body => out.extend_from_slice(r.body()),
                Part::ContentType => out.extend_from_slice(r.content_type().as_bytes()),
                Part::Param { from, name } => {
                    out.extend_from_slice(r.param(*from, name)?.as_bytes())
                }
                Part::Params { .. } => put_param_list(r, part, exclude, out)?,
                Part::Mac {
                    algorithm,
                    key,
                    of,
                    output,
                } => {
                    let mut inner = Vec::new();
                    self.put_parts(r, of, values, exclude, &mut inner)?;
                    let value = lookup(&self.credentials, key)?;
                    let key = PreparedKey::new(key, *algorithm, KeyEncoding::Raw, value)
                        .map_err(|_| malformed("mac key", "cannot be read"))?;
                    out.extend_from_slice(encode(&key.sign(&inner), *output).as_bytes());
                }
                Part::Digest {
                    algorithm,
                    of,
                    output,
                } => {
                    let mut inner = Vec::new();
                    self.put_parts(r, of, values, exclude, &mut inner)?;
                    let raw = match algorithm {
                        DigestAlgorithm::Sha256 => sha2::Sha256::digest(&inner).to_vec(),
                        DigestAlgorithm::Sha512 => sha2::Sha512::digest(&inner).to_vec(),
                    };
                    match output {
                        Some(output) => out.extend_from_slice(encode(&raw, *output).as_bytes()),
                        None => out.extend_from_slice(&raw),
                    }
                }
            }
        }
        Ok(())
    }
}

/// Appends a `params` part over what was received: its prefix (only before at least one
/// pair), then the pairs.
fn put_param_list(
    r: &Reader<'_>,
    part: &Part,
    exclude: Option<(Location, &str)>,
    out: &mut Vec<u8>,
) -> Result<(), VerifyError> {
    let Part::Params {
        from,
        sort,
        encoding,
        prefix,
    } = part
    else {
        return Ok(());
    };
    let mut text = Vec::new();
    put_params(
        &r.params(*from)?,
        *sort,
        *encoding,
        exclude,
        *from,
        &mut text,
    );
    if !text.is_empty() {
        out.extend_from_slice(prefix.as_bytes());
    }
    out.extend_from_slice(&text);
    Ok(())
}

/// Appends `name=value` pairs joined by `&`, encoded, in the order received or sorted by name
/// then value (bytes), leaving out the signature's own parameter.
fn put_params(
    params: &[(String, String)],
    sort: bool,
    encoding: Encoding,
    exclude: Option<(Location, &str)>,
    from: Location,
    out: &mut Vec<u8>,
) {
    let mut kept: Vec<&(String, String)> = params
        .iter()
        .filter(|(n, _)| exclude != Some((from, n.as_str())))
        .collect();
    if sort {
        kept.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()).then(a.1.cmp(&b.1)));
    }
    let mut text = String::new();
    for (i, (name, value)) in kept.into_iter().enumerate() {
        if i > 0 {
            text.push('&');
        }
        encode_query_value(name, encoding, &mut text);
        text.push('=');
        encode_query_value(value, encoding, &mut text);
    }
    out.extend_from_slice(text.as_bytes());
}

/// A signature as the scheme writes it.
pub(super) fn encode(raw: &[u8], output: Output) -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    match output {
        Output::Hex => const_hex::encode(raw),
        Output::HexUpper => const_hex::encode_upper(raw),
        Output::Base64 => STANDARD.encode(raw),
        Output::Base64Url => URL_SAFE_NO_PAD.encode(raw),
    }
}

pub(super) fn lookup<'c>(
    credentials: &'c [(&'static str, String)],
    name: &str,
) -> Result<&'c str, VerifyError> {
    credentials
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
        .ok_or(VerifyError::Malformed {
            what: "scheme",
            reason: "reads a credential it does not list",
        })
}

/// A spec name: borrowed from the generated specs (a scheme built at run time names its
/// parameters generically in errors).
#[allow(
    clippy::ptr_arg,
    reason = "only a borrowed `Cow` holds a `'static` name"
)]
fn name_of(name: &Cow<'static, str>) -> &'static str {
    match name {
        Cow::Borrowed(s) => s,
        Cow::Owned(_) => "a parameter",
    }
}

/// An HTTP request's `host[:port]`, path and decoded query pairs, as received.
type Target<'a> = (&'a str, &'a str, Vec<(String, String)>);

/// The received request, split once.
pub(super) struct Reader<'a> {
    received: Received<'a>,
    /// For HTTP: `host[:port]`, path, and the query's decoded pairs.
    url: Option<Target<'a>>,
    /// The JSON body's members as text (HTTP), or the frame's params (WebSocket).
    members: Vec<(String, String)>,
}

impl<'a> Reader<'a> {
    fn new(received: Received<'a>) -> Result<Self, VerifyError> {
        match received {
            Received::Http(h) => {
                let url = split_url(&h.url)?;
                let query = parse_query(url.query.unwrap_or_default())?
                    .into_iter()
                    .map(|p| Ok((utf8(p.name, "query")?, utf8(p.value, "query")?)))
                    .collect::<Result<_, VerifyError>>()?;
                let members = body_members(h)?;
                Ok(Reader {
                    received,
                    url: Some((url.authority, url.path, query)),
                    members,
                })
            }
            Received::Ws(params) => Ok(Reader {
                received,
                url: None,
                members: members(params),
            }),
        }
    }

    fn method(&self) -> Option<&'a str> {
        match self.received {
            Received::Http(h) => Some(&h.method),
            Received::Ws(_) => None,
        }
    }

    fn host(&self) -> Option<String> {
        self.url.as_ref().map(|(a, _, _)| a.to_ascii_lowercase())
    }

    fn path(&self) -> Option<&'a str> {
        self.url.as_ref().map(|(_, p, _)| *p)
    }

    /// The `Content-Type` header as sent when the request has a body; empty otherwise (and
    /// for a WebSocket frame).
    fn content_type(&self) -> String {
        match self.received {
            Received::Http(h) if !h.body.is_empty() => h
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
            _ => String::new(),
        }
    }

    fn body(&self) -> &'a [u8] {
        match self.received {
            Received::Http(h) => &h.body,
            Received::Ws(_) => &[],
        }
    }

    /// The parameters received at `location`, in order.
    fn params(&self, location: Location) -> Result<Cow<'_, [(String, String)]>, VerifyError> {
        Ok(match (location, &self.url) {
            (Location::Query, Some((_, _, q))) => Cow::Borrowed(q),
            (Location::Body, Some(_)) | (Location::WsParams, None) => Cow::Borrowed(&self.members),
            (Location::Header, _) => match self.received {
                Received::Http(h) => Cow::Owned(h.headers.clone()),
                Received::Ws(_) => Cow::Borrowed(&[]),
            },
            _ => Cow::Borrowed(&[]),
        })
    }

    /// The value of parameter `name` at `location` as received (its first), empty when it
    /// was not sent.
    fn param(&self, location: Location, name: &str) -> Result<String, VerifyError> {
        let params = self.params(location)?;
        let found = params.iter().find(|(n, _)| n == name);
        Ok(found.map(|(_, v)| v.clone()).unwrap_or_default())
    }

    /// The value of parameter `name` at `location`, which must be sent at most once.
    fn value(&self, location: Location, name: &'static str) -> Result<Option<String>, VerifyError> {
        let params = self.params(location)?;
        let header = location == Location::Header;
        let mut found = params.iter().filter(|(n, _)| {
            if header {
                n.eq_ignore_ascii_case(name)
            } else {
                n == name
            }
        });
        let Some((_, value)) = found.next() else {
            return Ok(None);
        };
        if found.next().is_some() {
            return Err(if header {
                VerifyError::DuplicateHeader(name)
            } else {
                VerifyError::DuplicateParam(name)
            });
        }
        Ok(Some(value.clone()))
    }

    /// The receive window the request names, wherever it travels.
    fn recv_window(&self) -> Result<Option<i64>, VerifyError> {
        for location in [Location::Query, Location::Body, Location::WsParams] {
            if let Some(v) = self.value(location, RECV_WINDOW)? {
                return v
                    .parse()
                    .map(Some)
                    .map_err(|_| malformed(RECV_WINDOW, "not an integer"));
            }
        }
        Ok(None)
    }
}

/// The members of an HTTP body as text: a form's decoded pairs when it is sent as a form,
/// else a JSON object's members (none when it is not one).
fn body_members(h: &ReceivedHttp) -> Result<Vec<(String, String)>, VerifyError> {
    let form = h.headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("content-type")
            && v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .eq_ignore_ascii_case(BodyFormat::Form.content_type())
    });
    if form {
        let text = std::str::from_utf8(&h.body).map_err(|_| malformed("body", "not UTF-8"))?;
        return parse_query(&text.replace('+', " "))?
            .into_iter()
            .map(|p| Ok((utf8(p.name, "body")?, utf8(p.value, "body")?)))
            .collect();
    }
    Ok(match serde_json::from_slice::<Value>(&h.body) {
        Ok(Value::Object(m)) => members(&m),
        _ => Vec::new(),
    })
}

/// Whether `s` is a UUID of version 4 (RFC 4122 variant) written in lower case with hyphens.
fn is_lower_uuid4(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(c),
        })
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
}

/// A JSON object's members as text: strings as they are, other values as JSON.
fn members(m: &Map<String, Value>) -> Vec<(String, String)> {
    m.iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

fn utf8(bytes: Vec<u8>, what: &'static str) -> Result<String, VerifyError> {
    String::from_utf8(bytes).map_err(|_| malformed(what, "not UTF-8"))
}

#[cfg(test)]
mod tests;
