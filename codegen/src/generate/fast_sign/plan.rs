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
use runtime_vocab::{Part, SchemeTransport, TimestampFormat};

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
    let (method, template, rest) = match (&endpoint.transport, s.transport) {
        (Transport::Rest { method, path }, SchemeTransport::Rest) => {
            (method.clone(), Some(path.as_str()), true)
        }
        (Transport::Ws { method }, SchemeTransport::Ws) => (method.clone(), None, false),
        _ => return Err("the scheme signs the other transport"),
    };
    let sign = s.sign.as_ref();
    let place = match (sign, &s.place) {
        (None, _) => None,
        (Some(_), Some(place)) => Some(place),
        (Some(_), None) => return Err("a signature with no place"),
    };
    if let Some(place) = place {
        let fits = if rest {
            matches!(place.location, ParamLocation::Header | ParamLocation::Query)
        } else {
            place.location == ParamLocation::WsParams
        };
        if !fits {
            return Err("the signature goes into the body or nowhere");
        }
    }

    // The endpoint's parameters, as the engine takes them from the wire request.
    let mut bindings = Vec::new();
    let mut entries: Vec<Entry> = Vec::new();
    let mut path_params = Vec::new();
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
            // Bound only if the template names it (see the path below).
            path_params.push((p.wire.as_str(), b, p));
            continue;
        }
        bindings.push((b.clone(), p));
        entries.push(Entry {
            location: p.location,
            name: p.wire.clone(),
            val: Val::Param(b),
            sensitive: false,
        });
    }

    // The scheme's parameters.
    let credential = |name: &str| scheme.credentials.iter().position(|c| c == name);
    let numeric = matches!(
        s.timestamp,
        Some(TimestampFormat::Millis | TimestampFormat::Seconds)
    );
    for (index, add) in s.add.iter().enumerate() {
        if add.location == ParamLocation::Path {
            continue;
        }
        let val = match &*add.value {
            [Part::Timestamp]
                if numeric
                    && matches!(add.location, ParamLocation::Body | ParamLocation::WsParams) =>
            {
                Val::IntTimestamp
            }
            [Part::Timestamp] => Val::Timestamp,
            parts => {
                let mut pieces = Vec::new();
                for part in parts {
                    pieces.push(match part {
                        Part::Literal(l) => Piece::Lit(l.to_string()),
                        Part::Credential(c) => Piece::Credential(
                            credential(c).ok_or("a credential the scheme does not list")?,
                        ),
                        Part::Timestamp => Piece::Timestamp,
                        Part::Method => Piece::Lit(method.clone()),
                        // The engine's WebSocket requests have no host.
                        Part::Host if rest => Piece::Host,
                        Part::Host => Piece::Lit(String::new()),
                        _ => return Err("an added value assembled from the request"),
                    });
                }
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
        entries.push(Entry {
            location: add.location,
            name: add.name.to_string(),
            val,
            sensitive: add.sensitive,
        });
    }

    // Where the engine merges parameters of one name (JSON members), the list here would
    // differ: those recipes are left to it. So is the signature replacing a parameter.
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

    // Sorted lists: sorted by name here, by name then value by the engine, so names must
    // be unique.
    let mut sorted = Vec::new();
    let (mut reads_query, mut all_sorted) = (false, true);
    let mut check_parts = |parts: &[Part]| -> Result<(), Unsupported> {
        for part in parts {
            match part {
                &Part::Params {
                    from,
                    sort,
                    encoding,
                } => {
                    if from == ParamLocation::Query {
                        reads_query = true;
                        all_sorted &= sort && encoding == s.query_encoding;
                    }
                    if sort {
                        sorted.push(from);
                    }
                }
                Part::Digest { .. } => return Err("a digest"),
                Part::Path | Part::Body | Part::Method | Part::Host if !rest => {
                    return Err("a REST part in a WebSocket payload");
                }
                _ => {}
            }
        }
        Ok(())
    };
    check_parts(&s.payload)?;
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

    let path = match template {
        None => Vec::new(),
        Some(t) if t.contains('{') => super::super::request::path_pieces(t)
            .into_iter()
            .enumerate()
            .map(|(i, piece)| {
                if i % 2 == 0 {
                    PathPiece::Lit(piece)
                } else {
                    let found = path_params.iter().find(|(n, _, _)| *n == piece);
                    if let Some((_, b, p)) = found
                        && !bindings.iter().any(|(bound, _)| bound.local == b.local)
                    {
                        bindings.push((b.clone(), *p));
                    }
                    PathPiece::Param(found.map(|(_, b, _)| b.clone()))
                }
            })
            .collect(),
        // The engine refuses such a path: it keeps doing so.
        Some(t) if !t.starts_with('/') || t.contains(['?', '#']) => {
            return Err("a path the engine refuses");
        }
        Some(t) => vec![PathPiece::Lit(t.to_string())],
    };

    let mut constants = BTreeSet::new();
    let mut credentials = BTreeSet::new();
    for e in &entries {
        if let Val::Constant { index, .. } = &e.val {
            constants.insert(*index);
        }
        if let Val::Text(pieces) = &e.val {
            for p in pieces {
                if let Piece::Credential(i) = p {
                    credentials.insert(*i);
                }
            }
        }
    }
    // Runs of literals and credentials in the string to sign are taken from the signer,
    // written out (see `payload::steps`).
    let mut payload_texts = BTreeSet::new();
    if sign.is_some() {
        for part in &s.payload {
            if let Part::Credential(c) = part {
                credential(c).ok_or("a credential the scheme does not list")?;
            }
        }
        for step in super::steps::steps(&s.payload) {
            if let super::steps::Step::Signer(i) = step {
                payload_texts.insert(i);
            }
        }
    }
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

fn has_duplicates(mut names: Vec<&str>) -> bool {
    names.sort_unstable();
    names.windows(2).any(|w| w[0] == w[1])
}
