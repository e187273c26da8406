//! The HTTP side of what a server receives: the request ([`ReceivedHttp`]), its URL split
//! exactly as written, and its query decoded strictly.

use std::fmt;

use percent_encoding::percent_decode_str;

use super::{VerifyError, malformed};

/// An HTTP request as the venue's server receives it.
///
/// `url` is absolute (`https://host[:port]/path?query`): its authority stands for the `Host`
/// header, its path and query for the request target, both exactly as sent (no normalisation).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct ReceivedHttp {
    /// The method, as sent (`GET`); methods are case-sensitive.
    pub method: String,
    /// The absolute URL, query included, as sent.
    pub url: String,
    /// The headers, in order, names as sent (looked up case-insensitively).
    pub headers: Vec<(String, String)>,
    /// The exact body bytes; empty when there is no body.
    pub body: Vec<u8>,
}

impl ReceivedHttp {
    /// A request with no header and no body.
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Self {
        ReceivedHttp {
            method: method.into(),
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body bytes.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The value of header `name` (case-insensitive), which must be sent exactly once.
    pub fn single_header(&self, name: &'static str) -> Result<&str, VerifyError> {
        let mut found = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name));
        let (_, value) = found.next().ok_or(VerifyError::MissingHeader(name))?;
        if found.next().is_some() {
            return Err(VerifyError::DuplicateHeader(name));
        }
        Ok(value)
    }
}

impl fmt::Debug for ReceivedHttp {
    /// Prints the request with `Authorization` values redacted (they carry bearer tokens).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                let v = if n.eq_ignore_ascii_case("authorization") {
                    "[redacted]"
                } else {
                    v.as_str()
                };
                (n.as_str(), v)
            })
            .collect();
        f.debug_struct("ReceivedHttp")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// Percent-decodes `text`, refusing a `%` not followed by two hex digits.
pub fn percent_decode_strict(text: &str) -> Result<Vec<u8>, VerifyError> {
    let b = text.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'%' {
            let ok = b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                return Err(malformed("query", "`%` not followed by two hex digits"));
            }
        }
    }
    Ok(percent_decode_str(text).collect())
}

/// The pieces of an absolute `http(s)` URL, exactly as written.
pub struct UrlParts<'a> {
    /// `host[:port]` as written.
    pub authority: &'a str,
    /// The path (`/` when the URL has none).
    pub path: &'a str,
    /// What follows `?`, if there is a `?`.
    pub query: Option<&'a str>,
}

/// Splits an absolute URL without normalising anything. A fragment or user info is refused:
/// neither reaches a server.
pub fn split_url(url: &str) -> Result<UrlParts<'_>, VerifyError> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| malformed("URL", "not absolute"))?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(malformed("URL", "scheme is not http or https"));
    }
    if rest.contains('#') {
        return Err(malformed("URL", "has a fragment"));
    }
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, target) = rest.split_at(end);
    if authority.is_empty() {
        return Err(malformed("URL", "no host"));
    }
    if authority.contains('@') {
        return Err(malformed("URL", "has user info"));
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    Ok(UrlParts {
        authority,
        path: if path.is_empty() { "/" } else { path },
        query,
    })
}

/// A query parameter, percent-decoded.
pub struct QueryParam {
    /// The decoded name.
    pub name: Vec<u8>,
    /// The decoded value.
    pub value: Vec<u8>,
}

/// Splits a query into decoded `name=value` pairs (empty pieces between `&` are ignored; a
/// piece without `=` has an empty value).
pub fn parse_query(query: &str) -> Result<Vec<QueryParam>, VerifyError> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|piece| {
            let (n, v) = piece.split_once('=').unwrap_or((piece, ""));
            Ok(QueryParam {
                name: percent_decode_strict(n)?,
                value: percent_decode_strict(v)?,
            })
        })
        .collect()
}
