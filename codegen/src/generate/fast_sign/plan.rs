//! What a request of one endpoint looks like under one scheme, as far as generation time
//! knows it: every parameter it carries (the endpoint's, then the scheme's), where, in which
//! order, and where each value comes from. The engine builds the same list at run time; this
//! one is built once, and a recipe that would make it depend on run-time values (a name
//! given twice where the engine would merge or sort by value, digests, values assembled from
//! the request) gets no specialised function: the engine signs those requests.

use std::collections::BTreeSet;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::model::{Endpoint, Param, ParamTy, Scheme, Transport, TypeDef};
use runtime_vocab::{Add, Part, Place, SchemeTransport, TimestampFormat};

use crate::spec::ParamLocation;

/// Why a scheme gets no specialised function for an endpoint (the engine signs instead).
pub(super) type Unsupported = &'static str;

/// How a request parameter's value is held once bound at the top of the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `&str` (strings, enums' wire values, decimals written out).
    Str,
    /// `&str` of an integer's digits, written out once: the same in every form.
    Digits,
    /// `&str` that needs no escape in any form (a closed enum whose values are all RFC 3986
    /// unreserved characters): as it is, and quoted in JSON.
    Plain,
    /// `bool`.
    Bool,
    /// `&Uuid`.
    Uuid,
}

/// A request parameter, bound to a local at the top of the function (`Option<..>` when it
/// is optional).
#[derive(Debug, Clone)]
pub(super) struct Bound {
    pub(super) local: Ident,
    pub(super) kind: Kind,
    pub(super) optional: bool,
}

impl Bound {
    /// The value where it is used: the local, or `v` inside `if let Some(v) = local`.
    pub(super) fn value(&self) -> TokenStream {
        if self.optional {
            quote!(v)
        } else {
            let l = &self.local;
            quote!(#l)
        }
    }

    /// The pattern that binds `v` when the value is present; `None` when it always is.
    pub(super) fn when(&self) -> Option<TokenStream> {
        let l = &self.local;
        self.optional
            .then(|| quote!(::std::option::Option::Some(v) = #l))
    }
}

/// A piece of a text value the scheme adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Piece {
    /// Constant text.
    Lit(String),
    /// The credential the scheme reads at this index.
    Credential(usize),
    /// The timestamp's text.
    Timestamp,
    /// The host called.
    Host,
}

/// Where a parameter's value comes from.
#[derive(Debug, Clone)]
pub(super) enum Val {
    /// The request's.
    Param(Bound),
    /// The timestamp, as text.
    Timestamp,
    /// The timestamp in a numeric format, added to JSON: a number when it reads as one.
    IntTimestamp,
    /// Text assembled from pieces.
    Text(Vec<Piece>),
    /// Credentials and literals only: the scheme's added value `index`, which the signer
    /// wrote out in every form when it was made; `query_rfc3986` when its query form is
    /// percent-encoded.
    Constant { index: usize, query_rfc3986: bool },
    /// The signature.
    Signature,
}

/// A parameter of the request being signed.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) location: ParamLocation,
    pub(super) name: String,
    pub(super) val: Val,
    /// A header value that carries a secret.
    pub(super) sensitive: bool,
}

impl Entry {
    /// The pattern that binds its value when present; `None` when it always is.
    pub(super) fn when(&self) -> Option<TokenStream> {
        match &self.val {
            Val::Param(b) => b.when(),
            _ => None,
        }
    }
}

/// A path: constant text and path parameters.
#[derive(Debug, Clone)]
pub(super) enum PathPiece {
    Lit(String),
    /// The request's path parameter (none: the template names a parameter the endpoint does
    /// not have, which writes nothing).
    Param(Option<Bound>),
}

/// The endpoint and scheme, resolved.
pub(super) struct Plan<'a> {
    pub(super) scheme: &'a Scheme,
    /// `GET` (REST) or the WebSocket method.
    pub(super) method: String,
    /// The path (REST only).
    pub(super) path: Vec<PathPiece>,
    /// Request parameters bound at the top, with how they are bound.
    pub(super) bindings: Vec<(Bound, &'a Param)>,
    /// Every parameter the request carries, in the order the engine holds them (path
    /// parameters excluded); the signature is not among them.
    pub(super) entries: Vec<Entry>,
    /// Indices of the scheme's added values the function takes from the signer, written out.
    pub(super) constants: BTreeSet<usize>,
    /// Steps of the string to sign the function takes from the signer, written out.
    pub(super) payload_texts: BTreeSet<usize>,
    /// Indices of the credentials the function reads.
    pub(super) credentials: BTreeSet<usize>,
    /// Whether the URL's query is written sorted (as the string to sign has it).
    pub(super) url_sorted: bool,
}

impl Plan<'_> {
    /// The entries of `location`, in the order sent, or sorted by name.
    pub(super) fn at(&self, location: ParamLocation, sort: bool) -> Vec<&Entry> {
        let mut at: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| e.location == location)
            .collect();
        if sort {
            at.sort_by(|a, b| a.name.cmp(&b.name));
        }
        at
    }

    /// Whether a timestamp in a numeric format goes into JSON (then its number form is
    /// computed once).
    pub(super) fn int_timestamp(&self) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(e.val, Val::IntTimestamp))
    }
}

/// The local a request parameter is bound to.
fn local(p: &Param) -> Ident {
    format_ident!("p_{}", p.rust.trim_start_matches("r#"))
}

/// Whether every value of `text` reads the same percent-encoded and inside a JSON string.
fn plain(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

fn bound(endpoint: &Endpoint, p: &Param) -> Bound {
    let kind = match &p.ty {
        ParamTy::Enum(name) => match endpoint.types.get(name) {
            Some(TypeDef::Enum(en)) if !en.open && en.variants.iter().all(|v| plain(&v.value)) => {
                Kind::Plain
            }
            _ => Kind::Str,
        },
        ParamTy::String | ParamTy::Decimal => Kind::Str,
        ParamTy::I64 | ParamTy::U64 => Kind::Digits,
        ParamTy::Bool => Kind::Bool,
        ParamTy::Uuid => Kind::Uuid,
        // Refused by `plan` before any parameter is bound.
        ParamTy::List(_) => Kind::Str,
    };
    Bound {
        local: local(p),
        kind,
        optional: !p.required,
    }
}

/// Resolves `scheme` for `endpoint`, or says why it gets no specialised function.
pub(super) fn plan<'a>(
    endpoint: &'a Endpoint,
    scheme: &'a Scheme,
) -> Result<Plan<'a>, Unsupported> {
    let s = &scheme.spec;
    if endpoint
        .params
        .iter()
        .any(|p| matches!(p.ty, ParamTy::List(_)))
    {
        return Err("a list parameter is written by the general signer");
    }
    if s.object_body {
        return Err("an object body without parameters is written by the general signer");
    }
    let (method, template, rest) = transport(endpoint, scheme)?;
    let place = place(scheme, rest)?;
    let Params {
        mut bindings,
        mut entries,
        path_params,
    } = endpoint_params(endpoint, rest);
    for (index, add) in s.add.iter().enumerate() {
        if add.location != ParamLocation::Path {
            entries.push(added(scheme, index, add, &method, rest)?);
        }
    }
    check_merged(&entries, place)?;
    let url_sorted = check_sorted(scheme, &entries, rest)?;
    let path = match template {
        None => Vec::new(),
        Some(t) => path(t, &path_params, &mut bindings)?,
    };
    let (constants, credentials) = signer_values(&entries);
    let payload_texts = payload_texts(scheme)?;
    Ok(Plan {
        scheme,
        constants,
        payload_texts,
        method,
        path,
        bindings,
        entries,
        credentials,
        url_sorted,
    })
}

/// The endpoint's method, its path template (REST) and whether it is REST, if the scheme
/// signs its transport.
fn transport<'a>(
    endpoint: &'a Endpoint,
    scheme: &Scheme,
) -> Result<(String, Option<&'a str>, bool), Unsupported> {
    match (&endpoint.transport, scheme.spec.transport) {
        (Transport::Rest { body, .. }, SchemeTransport::Rest) if !body.is_json() => {
            Err("a form body")
        }
        (Transport::Rest { method, path, .. }, SchemeTransport::Rest) => {
            Ok((method.clone(), Some(path.as_str()), true))
        }
        (Transport::Ws { method }, SchemeTransport::Ws) => Ok((method.clone(), None, false)),
        _ => Err("the scheme signs the other transport"),
    }
}

/// Where the signature goes (`None`: the scheme does not sign), if the function can put it
/// there.
fn place(scheme: &Scheme, rest: bool) -> Result<Option<&Place>, Unsupported> {
    let s = &scheme.spec;
    let place = match (&s.sign, &s.place) {
        (None, _) => return Ok(None),
        (Some(_), Some(place)) => place,
        (Some(_), None) => return Err("a signature with no place"),
    };
    if place.composed() {
        return Err("a placed value with a prefix or the payload");
    }
    let fits = if rest {
        matches!(place.location, ParamLocation::Header | ParamLocation::Query)
    } else {
        place.location == ParamLocation::WsParams
    };
    if !fits {
        return Err("the signature goes into the body or nowhere");
    }
    Ok(Some(place))
}

/// The endpoint's parameters, as the engine takes them from the wire request.
struct Params<'a> {
    bindings: Vec<(Bound, &'a Param)>,
    entries: Vec<Entry>,
    /// Path parameters by wire name: bound only if the template names them (see [`path`]).
    path_params: Vec<(&'a str, Bound, &'a Param)>,
}

fn endpoint_params(endpoint: &Endpoint, rest: bool) -> Params<'_> {
    let mut params = Params {
        bindings: Vec::new(),
        entries: Vec::new(),
        path_params: Vec::new(),
    };
    for p in &endpoint.params {
        let used = if rest {
            p.location != ParamLocation::WsParams
        } else {
            p.location == ParamLocation::WsParams
        };
        if !used {
            continue;
        }
        let b = bound(endpoint, p);
        if p.location == ParamLocation::Path {
            params.path_params.push((p.wire.as_str(), b, p));
            continue;
        }
        params.bindings.push((b.clone(), p));
        params.entries.push(Entry {
            location: p.location,
            name: p.wire.clone(),
            val: Val::Param(b),
            sensitive: false,
        });
    }
    params
}

/// The index of the scheme's credential `name`.
fn credential(scheme: &Scheme, name: &str) -> Result<usize, Unsupported> {
    scheme
        .credentials
        .iter()
        .position(|c| c == name)
        .ok_or("a credential the scheme does not list")
}

/// The scheme's added value `index` (`add`), as a parameter of the request.
fn added(
    scheme: &Scheme,
    index: usize,
    add: &Add,
    method: &str,
    rest: bool,
) -> Result<Entry, Unsupported> {
    let s = &scheme.spec;
    let numeric = matches!(
        s.timestamp,
        Some(TimestampFormat::Millis | TimestampFormat::Seconds | TimestampFormat::Micros)
    );
    let val = match &*add.value {
        [Part::Timestamp]
            if numeric && matches!(add.location, ParamLocation::Body | ParamLocation::WsParams) =>
        {
            Val::IntTimestamp
        }
        [Part::Timestamp] => Val::Timestamp,
        // A MAC of credentials and literals: the signer computes it once, when it is made.
        parts if fixed(parts) && parts.iter().any(|p| matches!(p, Part::Mac { .. })) => {
            Val::Constant {
                index,
                query_rfc3986: s.query_encoding == runtime_vocab::Encoding::Rfc3986,
            }
        }
        parts => {
            let pieces = parts
                .iter()
                .map(|part| {
                    Ok(match part {
                        Part::Literal(l) => Piece::Lit(l.to_string()),
                        Part::Credential(c) => Piece::Credential(credential(scheme, c)?),
                        Part::Timestamp => Piece::Timestamp,
                        Part::Method => Piece::Lit(method.to_string()),
                        // The engine's WebSocket requests have no host.
                        Part::Host if rest => Piece::Host,
                        Part::Host => Piece::Lit(String::new()),
                        _ => return Err("an added value assembled from the request"),
                    })
                })
                .collect::<Result<Vec<_>, Unsupported>>()?;
            // As the engine compiles it: literals and credentials only (at least one
            // credential, else the text is known here).
            let constant = pieces
                .iter()
                .all(|p| matches!(p, Piece::Lit(_) | Piece::Credential(_)))
                && pieces.iter().any(|p| matches!(p, Piece::Credential(_)))
                && parts
                    .iter()
                    .all(|p| matches!(p, Part::Literal(_) | Part::Credential(_)));
            if constant {
                Val::Constant {
                    index,
                    query_rfc3986: s.query_encoding == runtime_vocab::Encoding::Rfc3986,
                }
            } else {
                Val::Text(pieces)
            }
        }
    };
    Ok(Entry {
        location: add.location,
        name: add.name.to_string(),
        val,
        sensitive: add.sensitive,
    })
}

/// Where the engine merges parameters of one name (JSON members), the list here would
/// differ: those recipes are left to it. So is the signature replacing a parameter.
fn check_merged(entries: &[Entry], place: Option<&Place>) -> Result<(), Unsupported> {
    for location in [ParamLocation::Body, ParamLocation::WsParams] {
        let mut names: Vec<&str> = entries
            .iter()
            .filter(|e| e.location == location)
            .map(|e| e.name.as_str())
            .collect();
        if let Some(place) = place.filter(|p| p.location == location) {
            names.push(&place.name);
        }
        if has_duplicates(names) {
            return Err("a JSON member given twice");
        }
    }
    Ok(())
}

/// Sorted lists: sorted by name here, by name then value by the engine, so names must be
/// unique. Says whether the URL's query is written sorted: when the string to sign reads it
/// sorted, in the URL's encoding, wherever it reads it.
fn check_sorted(scheme: &Scheme, entries: &[Entry], rest: bool) -> Result<bool, Unsupported> {
    let s = &scheme.spec;
    let mut sorted = Vec::new();
    let (mut reads_query, mut all_sorted) = (false, true);
    for part in &s.payload {
        match part {
            &Part::Params {
                from,
                sort,
                encoding,
                ..
            } => {
                if from == ParamLocation::Query {
                    reads_query = true;
                    all_sorted &= sort && encoding == s.query_encoding;
                }
                if sort {
                    sorted.push(from);
                }
            }
            Part::Param { .. } => return Err("a parameter's value"),
            Part::Digest { .. } => return Err("a digest"),
            Part::Mac { .. } => return Err("a mac"),
            Part::RandomHex(_) | Part::Uuid4 => return Err("a random nonce"),
            Part::ContentType => return Err("a content type"),
            Part::TimestampPlus(_) => return Err("a timestamp offset"),
            Part::Json { .. } => return Err("a JSON object"),
            Part::Path | Part::Body | Part::Method | Part::Host if !rest => {
                return Err("a REST part in a WebSocket payload");
            }
            _ => {}
        }
    }
    let url_sorted = reads_query && all_sorted;
    if url_sorted {
        sorted.push(ParamLocation::Query);
    }
    for location in sorted {
        let names = entries
            .iter()
            .filter(|e| e.location == location)
            .map(|e| e.name.as_str())
            .collect();
        if has_duplicates(names) {
            return Err("a sorted parameter given twice");
        }
    }
    Ok(url_sorted)
}

/// The REST path of `template`; the path parameters it names are bound (once).
fn path<'a>(
    template: &str,
    path_params: &[(&str, Bound, &'a Param)],
    bindings: &mut Vec<(Bound, &'a Param)>,
) -> Result<Vec<PathPiece>, Unsupported> {
    if !template.contains('{') {
        // The engine refuses such a path: it keeps doing so.
        if !template.starts_with('/') || template.contains(['?', '#']) {
            return Err("a path the engine refuses");
        }
        return Ok(vec![PathPiece::Lit(template.to_string())]);
    }
    let pieces = super::super::request::path_pieces(template);
    Ok(pieces
        .into_iter()
        .enumerate()
        .map(|(i, piece)| {
            if i % 2 == 0 {
                return PathPiece::Lit(piece);
            }
            let found = path_params.iter().find(|(n, _, _)| *n == piece);
            if let Some((_, b, p)) = found
                && !bindings.iter().any(|(bound, _)| bound.local == b.local)
            {
                bindings.push((b.clone(), *p));
            }
            PathPiece::Param(found.map(|(_, b, _)| b.clone()))
        })
        .collect())
}

/// The scheme's added values the signer wrote out, and the credentials read one by one.
fn signer_values(entries: &[Entry]) -> (BTreeSet<usize>, BTreeSet<usize>) {
    let mut constants = BTreeSet::new();
    let mut credentials = BTreeSet::new();
    for e in entries {
        match &e.val {
            Val::Constant { index, .. } => {
                constants.insert(*index);
            }
            Val::Text(pieces) => {
                for p in pieces {
                    if let Piece::Credential(i) = p {
                        credentials.insert(*i);
                    }
                }
            }
            _ => {}
        }
    }
    (constants, credentials)
}

/// Runs of literals and credentials in the string to sign are taken from the signer,
/// written out (see `steps`).
fn payload_texts(scheme: &Scheme) -> Result<BTreeSet<usize>, Unsupported> {
    let s = &scheme.spec;
    let mut payload_texts = BTreeSet::new();
    if s.sign.is_none() {
        return Ok(payload_texts);
    }
    for part in &s.payload {
        if let Part::Credential(c) = part {
            credential(scheme, c)?;
        }
    }
    for step in super::steps::steps(&s.payload) {
        if let super::steps::Step::Signer(i) = step {
            payload_texts.insert(i);
        }
    }
    Ok(payload_texts)
}

fn has_duplicates(mut names: Vec<&str>) -> bool {
    names.sort_unstable();
    names.windows(2).any(|w| w[0] == w[1])
}

/// Whether `parts` are literals, credentials and MACs of those only: text the signer writes
/// out once, when it is made.
fn fixed(parts: &[Part]) -> bool {
    parts.iter().all(|p| match p {
        Part::Literal(_) | Part::Credential(_) => true,
        Part::Mac { of, .. } => fixed(of),
        _ => false,
    })
}
