//! An endpoint file into a [`model::Endpoint`](Endpoint): transport, parameters, response types,
//! examples. Its cross-field rules are in [`check`].

use indexmap::IndexMap;

use super::params::resolve_params;
use super::types::{insert_type, refuse_reserved, resolve_fields};
use super::{Ctx, check, key, order};
use crate::error::SpecError;
use crate::loader::Loaded;
use crate::model::{
    Endpoint, ExampleInfo, OrderMap, Param, StructDef, Transport, TypeDef, TypeRegistry,
};
use crate::spec::{EndpointSpec, FieldSpec, ResponseShape, VenueSpec};

/// Names the generator itself uses in an endpoint module.
const ENDPOINT_RESERVED: &[&str] = &["Request", "RequestBuilder", "ResponseBody"];

/// Resolves one endpoint file of `venue`; `None` if it has errors (they are in `errors`).
pub(super) fn resolve_endpoint(
    le: &Loaded<EndpointSpec>,
    venue: &VenueSpec,
    errors: &mut Vec<SpecError>,
) -> Option<Endpoint> {
    let before = errors.len();
    let spec = &le.spec;
    let mut cx = Ctx { file: le, errors };
    let transport = transport(&mut cx, spec)?;
    check::endpoint(&mut cx, spec, venue, &transport);
    let mut types = TypeRegistry::new();
    let (params, supplied) = resolve_params(&mut cx, &spec.request.params, &mut types);
    let exactly_one_of = groups(&spec.request.exactly_one_of, &params);
    let at_least_one_of = groups(&spec.request.at_least_one_of, &params);
    let all_or_none_of = groups(&spec.request.all_or_none_of, &params);
    let (response_name, order) = response(&mut cx, spec, &mut types);
    refuse_reserved(
        &mut cx,
        &[key("response")],
        &types,
        ENDPOINT_RESERVED,
        "; set `name:`",
    );
    if cx.errors.len() > before {
        return None;
    }
    Some(Endpoint {
        id: spec.endpoint.clone(),
        name: spec.name.clone(),
        summary: spec.summary.clone(),
        docs: spec.docs.clone(),
        description: spec.description.clone(),
        signed: spec.signed,
        rate_limit: spec.rate_limit.clone(),
        idempotent: spec
            .idempotent
            .unwrap_or(matches!(&transport, Transport::Rest { method, .. } if method == "GET")),
        transport,
        params,
        supplied,
        exactly_one_of,
        at_least_one_of,
        all_or_none_of,
        response_name,
        shape: spec.response.shape,
        record_pointer: spec
            .response
            .record
            .map_or_else(String::new, |r| r.pointer().to_string()),
        types,
        examples: examples(spec),
        order,
        scrub: scrub_pointers(
            &spec.response.fields,
            record_prefix(spec.response.shape),
            spec.response.positional,
        ),
        logon: check::is_logon(venue, spec),
    })
}

/// How the endpoint is reached: exactly one of `rest` or `ws`.
fn transport(cx: &mut Ctx<'_, EndpointSpec>, spec: &EndpointSpec) -> Option<Transport> {
    match (&spec.transport.rest, &spec.transport.ws) {
        (Some(r), None) => Some(Transport::Rest {
            method: r.method.clone(),
            path: r.path.clone(),
            body: r.body,
        }),
        (None, Some(w)) => Some(Transport::Ws {
            method: w.method.clone(),
        }),
        _ => {
            cx.err(&[key("transport")], "give exactly one of `rest` or `ws`");
            None
        }
    }
}

/// Each group (exactly-one-of or at-least-one-of) as indices into `params` (names the rules
/// refused are left out).
fn groups(groups: &[Vec<String>], params: &[Param]) -> Vec<Vec<usize>> {
    let group = |names: &Vec<String>| {
        names
            .iter()
            .filter_map(|name| params.iter().position(|p| &p.wire == name))
            .filter(|&i| !params[i].required)
            .collect()
    };
    groups.iter().map(group).collect()
}

/// Registers the response payload struct (and the types its fields define); returns its name
/// and how it maps onto the unified order.
fn response(
    cx: &mut Ctx<'_, EndpointSpec>,
    spec: &EndpointSpec,
    types: &mut TypeRegistry,
) -> (String, Option<OrderMap>) {
    let rpath = [key("response")];
    let name = spec
        .response
        .name
        .clone()
        .unwrap_or_else(|| "Response".into());
    let at = [key("response"), key("fields")];
    let fields = resolve_fields(cx, &at, &spec.response.fields, types);
    let order = spec
        .order
        .as_ref()
        .and_then(|o| order::resolve_order(cx, o, &fields, types));
    let payload = StructDef {
        name: name.clone(),
        doc: spec.response.doc.clone(),
        fields,
        positional: spec.response.positional,
        additional: None,
    };
    insert_type(cx, &rpath, types, TypeDef::Struct(payload));
    (name, order)
}

/// The docs' examples, as the registry lists them.
fn examples(spec: &EndpointSpec) -> Vec<ExampleInfo> {
    spec.examples
        .iter()
        .map(|ex| ExampleInfo {
            name: ex.name.clone(),
            kind: ex.kind,
            scope: ex.scope,
            http_status: ex.http_status,
            source: ex.source.clone(),
            note: ex.note.clone(),
            error_kind: ex.error_kind,
            body: ex.body.to_string(),
        })
        .collect()
}

/// The pointer prefix, relative to the payload, of every record: the payload itself, or
/// every item of a list.
fn record_prefix(shape: ResponseShape) -> &'static str {
    match shape {
        ResponseShape::Record => "",
        ResponseShape::List => "/*",
    }
}

/// JSON pointers (relative to the payload) of the fields marked `scrub`; `*` is every
/// element of an array. The members of a `positional` record are its elements, by index.
fn scrub_pointers(
    fields: &IndexMap<String, FieldSpec>,
    prefix: &str,
    positional: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for (i, (wire, f)) in fields.iter().enumerate() {
        let step = if positional {
            i.to_string()
        } else {
            wire.replace('~', "~0").replace('/', "~1")
        };
        let here = format!("{prefix}/{step}");
        if f.scrub {
            out.push(here.clone());
        }
        if let Some(inner) = &f.fields {
            out.extend(scrub_pointers(inner, &here, false));
        }
        let mut item = f.items.as_deref();
        let mut at = here;
        while let Some(it) = item {
            at.push_str("/*");
            if it.scrub {
                out.push(at.clone());
            }
            if let Some(inner) = &it.fields {
                out.extend(scrub_pointers(inner, &at, false));
            }
            item = it.items.as_deref();
        }
    }
    out
}
