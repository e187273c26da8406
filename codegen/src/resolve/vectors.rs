//! A venue's `vectors.yaml` into [`Vector`]s: every name it uses (scheme, credentials,
//! endpoint, parameters) checked against the venue, and the request's shape decided.

use std::collections::BTreeSet;

use super::{Ctx, key};
use crate::error::SpecError;
use crate::loader::LoadedVectors;
use crate::model::{
    Endpoint, Scheme, Signing, Transport, Vector, VectorCredential, VectorParam, VectorRequest,
};
use crate::source_map::Segment;
use crate::spec::{ParamLocation, VectorCredential as Given, VectorSpec, VectorsSpec, VenueSpec};
use runtime_vocab::{SchemeTransport, SignAlgorithm};

/// Resolves the vectors file; problems go to `errors`, naming the file, line and field.
pub(super) fn resolve(
    lv: &LoadedVectors,
    venue: &VenueSpec,
    signing: &Signing,
    endpoints: &[Endpoint],
    errors: &mut Vec<SpecError>,
) -> Vec<Vector> {
    let mut cx = Ctx {
        file: &lv.file,
        errors,
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, v) in lv.file.spec.vectors.iter().enumerate() {
        let at = [key("vectors"), Segment::Index(i)];
        if !seen.insert(v.id.as_str()) {
            cx.err(
                &with(&at, "id"),
                format!("vector id `{}` is used twice", v.id),
            );
        }
        let Some(scheme) = signing.schemes.iter().find(|s| s.name == v.scheme) else {
            let known: Vec<_> = signing.schemes.iter().map(|s| s.name.as_str()).collect();
            let msg = format!(
                "no scheme `{}` in signing.schemes ({})",
                v.scheme,
                known.join(", ")
            );
            cx.err(&with(&at, "scheme"), msg);
            continue;
        };
        let credentials = credentials(&mut cx, &at, v, venue, scheme, lv);
        expect(&mut cx, &at, v);
        nonce_and_key(&mut cx, &at, v, scheme);
        let Some(request) = request(&mut cx, &at, v, scheme, endpoints) else {
            continue;
        };
        let endpoint = match &request {
            VectorRequest::Endpoint { id, .. } => endpoints.iter().find(|e| &e.id == id),
            _ => None,
        };
        let params = params(&mut cx, &at, v, scheme, endpoint);
        out.push(Vector {
            id: v.id.clone(),
            kind: v.kind,
            source: v.source.clone(),
            scheme: v.scheme.clone(),
            credentials,
            request,
            params,
            timestamp: v.timestamp.clone(),
            nonce: v.nonce.clone(),
            expect: v.expect.clone(),
            verify_key_pem: (v.expect.verify_key.as_ref())
                .map(|f| lv.keys.get(f).cloned().unwrap_or_default()),
            verified: v.verified,
        });
    }
    out
}

/// `at` followed by the key `k`.
fn with(at: &[Segment], k: &str) -> Vec<Segment> {
    super::with(at, &[key(k)])
}

/// The credentials: declared by the venue; a verified vector gives all its scheme reads.
fn credentials(
    cx: &mut Ctx<'_, VectorsSpec>,
    at: &[Segment],
    v: &VectorSpec,
    venue: &VenueSpec,
    scheme: &Scheme,
    lv: &LoadedVectors,
) -> Vec<VectorCredential> {
    let at = with(at, "credentials");
    let mut out = Vec::new();
    for (name, given) in &v.credentials {
        if !venue.signing.credentials.contains_key(name) {
            let known: Vec<_> = venue
                .signing
                .credentials
                .keys()
                .map(String::as_str)
                .collect();
            let msg = format!(
                "`{name}` is not a credential of the venue ({})",
                known.join(", ")
            );
            cx.err(&super::with(&at, &[key(name)]), msg);
            continue;
        }
        let (value, file) = match given {
            Given::Text(t) => (t.clone(), None),
            // The loader read every named file, or reported it.
            Given::File { file } => (
                lv.keys.get(file).cloned().unwrap_or_default(),
                Some(file.clone()),
            ),
        };
        out.push(VectorCredential {
            name: name.clone(),
            value,
            file,
        });
    }
    if v.verified {
        for name in &scheme.credentials {
            if !v.credentials.contains_key(name) {
                let msg = format!(
                    "a verified vector gives every credential its scheme `{}` reads; `{name}` is missing",
                    v.scheme
                );
                cx.err(&at, msg);
            }
        }
    }
    out
}

/// The expectations: something to compare, and a string to sign when the signature cannot be
/// reproduced.
fn expect(cx: &mut Ctx<'_, VectorsSpec>, at: &[Segment], v: &VectorSpec) {
    let e = &v.expect;
    if e.string_to_sign.is_none() && e.signature.is_none() {
        cx.err(
            &with(at, "expect"),
            "give `string_to_sign`, `signature` or both",
        );
    } else if !v.verified && e.string_to_sign.is_none() {
        cx.err(
            &with(at, "expect"),
            "a vector that is not `verified` is checked by its `string_to_sign`; give it",
        );
    }
}

/// A nonce exactly when the scheme writes one; a public key to verify with only for an
/// algorithm that has public keys, on a verified vector.
fn nonce_and_key(cx: &mut Ctx<'_, VectorsSpec>, at: &[Segment], v: &VectorSpec, scheme: &Scheme) {
    let writes = super::signing::scheme_nonce(&scheme.spec).is_some();
    match (writes, &v.nonce) {
        (true, None) => cx.err(
            at,
            format!(
                "scheme `{}` writes a nonce (`random_hex` or `uuid4`): give `nonce`",
                v.scheme
            ),
        ),
        (false, Some(_)) => cx.err(
            &with(at, "nonce"),
            format!("scheme `{}` writes no nonce", v.scheme),
        ),
        _ => {}
    }
    if v.expect.verify_key.is_some() {
        let at = super::with(at, &[key("expect"), key("verify_key")]);
        let algorithm = scheme.spec.sign.as_ref().map(|s| s.algorithm);
        if !matches!(
            algorithm,
            Some(SignAlgorithm::Ed25519 | SignAlgorithm::EcdsaP256Sha256)
        ) {
            cx.err(
                &at,
                "only Ed25519 and ECDSA P-256 signatures verify with a public key",
            );
        }
        if !v.verified {
            cx.err(
                &at,
                "a vector whose signature is not reproduced has nothing to verify",
            );
        }
    }
}

/// The request's shape: an endpoint's, or the `http` or `ws` it describes; its transport
/// must be the scheme's.
fn request(
    cx: &mut Ctx<'_, VectorsSpec>,
    at: &[Segment],
    v: &VectorSpec,
    scheme: &Scheme,
    endpoints: &[Endpoint],
) -> Option<VectorRequest> {
    let at = with(at, "request");
    let r = &v.request;
    let (shape, transport) = match (&r.endpoint, &r.http, &r.ws) {
        (Some(id), http, None) => endpoint_request(cx, &at, id, http.as_ref(), endpoints)?,
        (None, Some(h), None) => match (&h.method, &h.path) {
            (Some(method), Some(path)) => (
                VectorRequest::Http {
                    method: method.clone(),
                    base_url: h.base_url.clone(),
                    path: path.clone(),
                    body: h.body.unwrap_or_default(),
                },
                SchemeTransport::Rest,
            ),
            _ => {
                cx.err(
                    &with(&at, "http"),
                    "give `method` and `path` (or an `endpoint`)",
                );
                return None;
            }
        },
        (None, None, Some(ws)) => (
            VectorRequest::Ws {
                method: ws.method.clone(),
            },
            SchemeTransport::Ws,
        ),
        _ => {
            cx.err(&at, "give an `endpoint`, an `http` request or a `ws` request (`http.base_url` may go with an HTTP endpoint)");
            return None;
        }
    };
    if transport != scheme.spec.transport {
        let msg = format!(
            "the request's transport is not that of scheme `{}`",
            v.scheme
        );
        cx.err(&at, msg);
        return None;
    }
    Some(shape)
}

/// A generated endpoint's request: `http.base_url` alone for an HTTP endpoint, no `http` for
/// a WebSocket one.
fn endpoint_request(
    cx: &mut Ctx<'_, VectorsSpec>,
    at: &[Segment],
    id: &str,
    http: Option<&crate::spec::VectorHttp>,
    endpoints: &[Endpoint],
) -> Option<(VectorRequest, SchemeTransport)> {
    let Some(e) = endpoints.iter().find(|e| e.id == id) else {
        let msg = format!("no endpoint `{id}` in this venue");
        cx.err(&with(at, "endpoint"), msg);
        return None;
    };
    let rest = matches!(e.transport, Transport::Rest { .. });
    let problem = match http {
        Some(h) if rest && (h.method.is_some() || h.path.is_some() || h.body.is_some()) => Some(
            "an HTTP endpoint's vector gives `http.base_url` only (method, path and body format \
             are the endpoint's)"
                .to_string(),
        ),
        None if rest => Some(format!(
            "endpoint `{id}` is an HTTP one: give `http.base_url`"
        )),
        Some(_) if !rest => Some(format!("endpoint `{id}` is a WebSocket one: no `http`")),
        _ => None,
    };
    if let Some(msg) = problem {
        cx.err(&with(at, "http"), msg);
        return None;
    }
    let request = VectorRequest::Endpoint {
        id: id.to_string(),
        base_url: http.map(|h| h.base_url.clone()),
    };
    let transport = if rest {
        SchemeTransport::Rest
    } else {
        SchemeTransport::Ws
    };
    Some((request, transport))
}

/// The caller's parameters: none the scheme adds, each where its transport (and its endpoint)
/// puts it, each a string, integer or boolean.
fn params(
    cx: &mut Ctx<'_, VectorsSpec>,
    at: &[Segment],
    v: &VectorSpec,
    scheme: &Scheme,
    endpoint: Option<&Endpoint>,
) -> Vec<VectorParam> {
    let added: Vec<&str> = (scheme.spec.add.iter().map(|a| &*a.name))
        .chain(scheme.spec.place.as_ref().map(|p| &*p.name))
        .collect();
    let ws = scheme.spec.transport == SchemeTransport::Ws;
    let mut out = Vec::new();
    for (i, p) in v.request.params.iter().enumerate() {
        let at = super::with(at, &[key("request"), key("params"), Segment::Index(i)]);
        let problem = if added.contains(&p.name.as_str()) {
            Some(format!(
                "`{}` is added by scheme `{}`: give it as the vector's `timestamp` or `credentials`",
                p.name, v.scheme
            ))
        } else if ws != (p.location == ParamLocation::WsParams) {
            Some(format!(
                "a {} request has no parameters `in: {}`",
                if ws { "WebSocket" } else { "HTTP" },
                location_name(p.location)
            ))
        } else if !scalar(&p.value)
            && !p
                .value
                .as_array()
                .is_some_and(|items| items.iter().all(scalar))
        {
            Some(
                "a value is a string, an integer, a boolean or an array of them (a list parameter)"
                    .to_string(),
            )
        } else {
            endpoint.and_then(|e| match e.params.iter().find(|x| x.wire == p.name) {
                None => Some(format!("endpoint `{}` has no parameter `{}`", e.id, p.name)),
                Some(x) if x.location != p.location => Some(format!(
                    "endpoint `{}` sends `{}` `in: {}`",
                    e.id,
                    p.name,
                    location_name(x.location)
                )),
                Some(_) => None,
            })
        };
        if let Some(msg) = problem {
            cx.err(&at, msg);
            continue;
        }
        out.push(VectorParam {
            location: p.location,
            name: p.name.clone(),
            json: p.value.to_string(),
        });
    }
    out
}

/// A location in the spec's spelling.
fn location_name(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Body => "body",
        ParamLocation::WsParams => "ws_params",
        ParamLocation::Header => "header",
    }
}

/// A string, integer or boolean.
fn scalar(v: &serde_json::Value) -> bool {
    v.is_string() || v.is_i64() || v.is_u64() || v.is_boolean()
}
