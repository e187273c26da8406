//! Checks that serde cannot make, and resolution of the spec into the [`model`](crate::model).
//!
//! Every problem is reported with the file, position and field path of the node it is about;
//! all problems of all files are collected, not just the first.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;

mod bounds;
mod clock;
mod order;
mod signing;

use crate::error::{SpecError, SpecErrors};
use crate::loader::{Loaded, LoadedVenue};
use crate::model::{
    Endpoint, EnumDef, Envelope, Environment, ErrorCodeInfo, ExampleInfo, Field, Param, ParamTy,
    Range, StructDef, SuppliedParam, Transport, Ty, TypeDef, TypeRegistry, Variant, Venue,
};
use crate::names::{field_name, is_ident, type_name};
use crate::source_map::Segment;
use crate::spec::{
    EndpointSpec, EnumValue, FieldSpec, ParamLocation, ParamSpec, ParamType, VenueSpec, WireType,
};

/// Names the generator itself uses in an endpoint module.
const ENDPOINT_RESERVED: &[&str] = &["Request", "RequestBuilder", "ResponseBody"];
/// Names the generator itself uses in a venue module.
const VENUE_RESERVED: &[&str] = &["Envelope", "ErrorBody", "Client"];
/// The fallback variant of open enums.
const UNKNOWN_VARIANT: &str = "Unknown";

/// Validates and resolves all loaded venues.
pub fn resolve_all(loaded: &[LoadedVenue]) -> Result<Vec<Venue>, SpecErrors> {
    let mut errors = Vec::new();
    let mut venues = Vec::new();
    for lv in loaded {
        if let Some(v) = resolve_venue(lv, &mut errors) {
            venues.push(v);
        }
    }
    if errors.is_empty() {
        Ok(venues)
    } else {
        Err(SpecErrors(errors))
    }
}

/// Error collector bound to one file.
struct Ctx<'a, T> {
    file: &'a Loaded<T>,
    errors: &'a mut Vec<SpecError>,
}

impl<T> Ctx<'_, T> {
    fn err(&mut self, path: &[Segment], message: impl Into<String>) {
        self.errors.push(self.file.error_at(path, message));
    }
}

fn key(k: &str) -> Segment {
    Segment::Key(k.to_string())
}

fn with(path: &[Segment], more: &[Segment]) -> Vec<Segment> {
    let mut p = path.to_vec();
    p.extend_from_slice(more);
    p
}

fn resolve_venue(lv: &LoadedVenue, errors: &mut Vec<SpecError>) -> Option<Venue> {
    let before = errors.len();
    let spec: &VenueSpec = &lv.venue.spec;
    let mut cx = Ctx {
        file: &lv.venue,
        errors,
    };
    let mut types = TypeRegistry::new();

    if spec.environments.is_empty() {
        cx.err(&[key("environments")], "at least one environment is needed");
    }
    let environments = spec
        .environments
        .iter()
        .map(|(name, e)| {
            if e.rest.is_none() && e.ws.is_none() {
                cx.err(
                    &[key("environments"), key(name)],
                    "an environment needs a `rest` or `ws` URL",
                );
            }
            Environment {
                name: name.clone(),
                rest: e.rest.clone(),
                ws: e.ws.clone(),
                doc: e.doc.clone(),
            }
        })
        .collect();

    let envelope = spec.envelope.as_ref().map(|env| {
        let base = [key("envelope")];
        let fields = resolve_fields(
            &mut cx,
            &with(&base, &[key("fields")]),
            &env.fields,
            &mut types,
        );
        if env.fields.contains_key(&env.payload) {
            cx.err(
                &with(&base, &[key("fields"), key(&env.payload)]),
                format!(
                    "`{}` is the payload member; do not list it in fields",
                    env.payload
                ),
            );
        }
        let success = env.success.as_ref().map(|s| {
            check_pointer(
                &mut cx,
                &with(&base, &[key("success"), key("pointer")]),
                &s.pointer,
                &env.fields,
            );
            (s.pointer.clone(), s.equals.to_string())
        });
        Envelope {
            payload_wire: env.payload.clone(),
            payload_rust: field_name(&env.payload),
            payload_doc: env.payload_doc.clone(),
            fields,
            success,
        }
    });

    let eb = [key("errors"), key("body")];
    if spec.errors.body.is_empty() {
        cx.err(&eb, "the error body needs at least one member");
    }
    let error_fields = resolve_fields(&mut cx, &eb, &spec.errors.body, &mut types);
    check_pointer(
        &mut cx,
        &[key("errors"), key("code")],
        &spec.errors.code,
        &spec.errors.body,
    );
    if let Some(m) = &spec.errors.message {
        check_pointer(
            &mut cx,
            &[key("errors"), key("message")],
            m,
            &spec.errors.body,
        );
    }
    if let Some(p) = &spec.errors.http_status {
        check_pointer(
            &mut cx,
            &[key("errors"), key("http_status")],
            p,
            &spec.errors.body,
        );
    }
    let mut seen_codes = BTreeSet::new();
    for (i, c) in spec.errors.codes.iter().enumerate() {
        if c.message_contains.as_deref() == Some("") {
            cx.err(
                &[
                    key("errors"),
                    key("codes"),
                    Segment::Index(i),
                    key("message_contains"),
                ],
                "`message_contains` must not be empty",
            );
        }
        if !seen_codes.insert(format!("{:?} {:?}", c.code, c.message_contains)) {
            cx.err(
                &[key("errors"), key("codes"), Segment::Index(i), key("code")],
                "duplicate error code",
            );
        }
    }
    let mut seen_statuses = BTreeSet::new();
    for (i, st) in spec.errors.statuses.iter().enumerate() {
        let at = [key("errors"), key("statuses"), Segment::Index(i)];
        if !(100..=599).contains(&st.http) {
            cx.err(
                &with(&at, &[key("http")]),
                format!("{} is not an HTTP status (100 to 599)", st.http),
            );
        }
        if !seen_statuses.insert((st.http, format!("{:?}", st.body))) {
            cx.err(
                &with(&at, &[key("http")]),
                format!(
                    "HTTP {} is already listed for {} bodies",
                    st.http,
                    match st.body {
                        crate::spec::StatusBody::Empty => "empty",
                        crate::spec::StatusBody::Any => "any",
                    }
                ),
            );
        }
    }
    let rate_limits = match &spec.rate_limits {
        Some(rl) => {
            if let Some(p) = &rl.pointer {
                let mut members = spec.errors.body.clone();
                if let Some(env) = &spec.envelope {
                    members.extend(env.fields.clone());
                }
                check_pointer(&mut cx, &[key("rate_limits"), key("pointer")], p, &members);
            }
            crate::model::RateLimits {
                pointer: rl.pointer.clone(),
                headers: rl.headers.clone(),
            }
        }
        None => crate::model::RateLimits::default(),
    };
    let ws_session = spec.ws.as_ref().and_then(|w| w.session.as_ref()).map(|s| {
        let at = [key("ws"), key("session")];
        let logon_ok = lv
            .endpoints
            .iter()
            .any(|e| e.spec.endpoint == s.logon && e.spec.transport.ws.is_some());
        if !logon_ok {
            cx.err(
                &with(&at, &[key("logon")]),
                format!("`{}` is not a WebSocket endpoint of this venue", s.logon),
            );
        }
        let scheme_ok = spec
            .signing
            .schemes
            .get(&s.scheme)
            .is_some_and(|sc| sc.transport == crate::spec::SchemeTransportSpec::Ws);
        if !scheme_ok {
            cx.err(
                &with(&at, &[key("scheme")]),
                format!("`{}` is not a WebSocket scheme of this venue", s.scheme),
            );
        }
        crate::model::WsSession {
            logon: s.logon.clone(),
            scheme: s.scheme.clone(),
            when_key: s.when_key,
        }
    });
    let clock = clock::resolve(&mut cx, spec);
    let error_template = spec.errors.template.as_ref().map(|t| {
        check_error_template(&mut cx, t, &spec.errors.body);
        t.to_string()
    });
    for name in types.keys() {
        if VENUE_RESERVED.contains(&name.as_str()) {
            cx.err(
                &[],
                format!("type name `{name}` is reserved by the generator"),
            );
        }
    }

    let signing = signing::resolve(&mut cx, &spec.venue, &spec.signing);

    let mut endpoints = Vec::new();
    for le in &lv.endpoints {
        if let Some(e) = resolve_endpoint(le, spec, cx.errors) {
            endpoints.push(e);
        }
    }
    endpoints.sort_by(|a, b| a.id.cmp(&b.id));

    if errors.len() > before {
        return None;
    }
    Some(Venue {
        id: spec.venue.clone(),
        name: spec.name.clone(),
        docs: spec.docs.clone(),
        description: spec.description.clone(),
        environments,
        envelope,
        error_body: StructDef {
            name: "ErrorBody".into(),
            doc: Some(format!("An error body from {}.", spec.name)),
            fields: error_fields,
        },
        error_code_pointer: spec.errors.code.clone(),
        error_message_pointer: spec.errors.message.clone(),
        error_status_pointer: spec.errors.http_status.clone(),
        error_statuses: spec
            .errors
            .statuses
            .iter()
            .map(|st| crate::model::StatusError {
                http: st.http,
                kind: st.kind,
                body: st.body,
            })
            .collect(),
        rate_limits,
        ws_session,
        clock,
        error_codes: spec
            .errors
            .codes
            .iter()
            .map(|c| ErrorCodeInfo {
                code: c.code.clone(),
                http: c.http,
                name: c.name.clone(),
                messages: c.messages.clone(),
                kind: c.kind,
                message_contains: c.message_contains.clone(),
            })
            .collect(),
        error_template,
        signing,
        types,
        endpoints,
    })
}

/// The placeholders an error body template may use (a string whose whole value is one).
pub const TEMPLATE_PLACEHOLDERS: &[&str] = &["{code}", "{message}", "{http}", "{id}"];

/// An error template is an object whose members are error body members, and every string that
/// looks like a placeholder (`{...}`) is a known one.
fn check_error_template<T>(
    cx: &mut Ctx<'_, T>,
    template: &serde_json::Value,
    body: &IndexMap<String, FieldSpec>,
) {
    let base = [key("errors"), key("template")];
    let Some(members) = template.as_object() else {
        cx.err(
            &base,
            "the error template must be a JSON object (an error body)",
        );
        return;
    };
    for (name, value) in members {
        let at = with(&base, &[key(name)]);
        if !body.contains_key(name) {
            let known: Vec<_> = body.keys().map(String::as_str).collect();
            cx.err(
                &at,
                format!(
                    "`{name}` is not a member of the error body (members: {})",
                    known.join(", ")
                ),
            );
        }
        check_placeholders(cx, &at, value);
    }
}

fn check_placeholders<T>(cx: &mut Ctx<'_, T>, at: &[Segment], value: &serde_json::Value) {
    match value {
        serde_json::Value::String(s)
            if s.starts_with('{')
                && s.ends_with('}')
                && !TEMPLATE_PLACEHOLDERS.contains(&s.as_str()) =>
        {
            cx.err(
                at,
                format!(
                    "unknown placeholder `{s}` (known: {})",
                    TEMPLATE_PLACEHOLDERS.join(", ")
                ),
            );
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_placeholders(cx, &with(at, &[Segment::Index(i)]), v);
            }
        }
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                check_placeholders(cx, &with(at, &[key(k)]), v);
            }
        }
        _ => {}
    }
}

/// A pointer must start with `/` and its first step must name a member of `fields`.
fn check_pointer<T>(
    cx: &mut Ctx<'_, T>,
    path: &[Segment],
    pointer: &str,
    fields: &IndexMap<String, FieldSpec>,
) {
    let Some(rest) = pointer.strip_prefix('/') else {
        cx.err(
            path,
            format!("`{pointer}` is not a JSON pointer (it must start with `/`)"),
        );
        return;
    };
    let first = rest.split('/').next().unwrap_or_default();
    if !fields.contains_key(first) {
        cx.err(
            path,
            format!("JSON pointer `{pointer}` names unknown member `{first}`"),
        );
    }
}

fn resolve_endpoint(
    le: &Loaded<EndpointSpec>,
    venue: &VenueSpec,
    errors: &mut Vec<SpecError>,
) -> Option<Endpoint> {
    let before = errors.len();
    let spec = &le.spec;
    let mut cx = Ctx { file: le, errors };
    let mut types = TypeRegistry::new();

    let transport = match (&spec.transport.rest, &spec.transport.ws) {
        (Some(r), None) => {
            let m = r.method.to_ascii_uppercase();
            if !["GET", "POST", "PUT", "DELETE", "PATCH"].contains(&m.as_str()) || m != r.method {
                cx.err(
                    &[key("transport"), key("rest"), key("method")],
                    format!(
                        "unknown HTTP method `{}` (use GET, POST, PUT, DELETE or PATCH)",
                        r.method
                    ),
                );
            }
            if !r.path.starts_with('/') {
                cx.err(
                    &[key("transport"), key("rest"), key("path")],
                    "path must start with `/`",
                );
            }
            if venue.environments.values().all(|e| e.rest.is_none()) {
                cx.err(
                    &[key("transport")],
                    "REST endpoint, but no environment has a `rest` URL",
                );
            }
            Transport::Rest {
                method: r.method.clone(),
                path: r.path.clone(),
            }
        }
        (None, Some(w)) => {
            if venue.environments.values().all(|e| e.ws.is_none()) {
                cx.err(
                    &[key("transport")],
                    "WebSocket endpoint, but no environment has a `ws` URL",
                );
            }
            Transport::Ws {
                method: w.method.clone(),
            }
        }
        _ => {
            cx.err(&[key("transport")], "give exactly one of `rest` or `ws`");
            return None;
        }
    };

    check_signed(&mut cx, spec, venue, &transport);
    // The venue's `ws.session.logon` names this endpoint: a success logs the connection in.
    let logon = venue
        .ws
        .as_ref()
        .and_then(|w| w.session.as_ref())
        .is_some_and(|s| s.logon == spec.endpoint);
    if logon && !spec.signed {
        cx.err(
            &[key("signed")],
            "the venue's `ws.session.logon` names this endpoint, so it must be `signed: true`",
        );
    }

    let (params, supplied) = resolve_params(&mut cx, &transport, &spec.request.params, &mut types);

    if let Transport::Rest { path, .. } = &transport {
        let placeholders = path_placeholders(path);
        for p in &placeholders {
            let ok = spec
                .request
                .params
                .get(p)
                .is_some_and(|s| s.location == ParamLocation::Path);
            if !ok {
                cx.err(
                    &[key("transport"), key("rest"), key("path")],
                    format!("path placeholder `{{{p}}}` has no parameter with `in: path`"),
                );
            }
        }
        for (name, p) in &spec.request.params {
            if p.location == ParamLocation::Path && !placeholders.contains(name) {
                cx.err(
                    &[key("request"), key("params"), key(name), key("in")],
                    format!("`{name}` is `in: path` but the path has no `{{{name}}}`"),
                );
            }
        }
    }

    let mut exactly_one_of = Vec::new();
    for (g, group) in spec.request.exactly_one_of.iter().enumerate() {
        let gpath = [key("request"), key("exactly_one_of"), Segment::Index(g)];
        if group.len() < 2 {
            cx.err(&gpath, "a group needs at least two parameters");
        }
        let mut idx = Vec::new();
        for (j, name) in group.iter().enumerate() {
            match params.iter().position(|p| &p.wire == name) {
                Some(i) if params[i].required => cx.err(
                    &with(&gpath, &[Segment::Index(j)]),
                    format!("`{name}` is required, so it cannot be one of an exactly-one-of group"),
                ),
                Some(i) => idx.push(i),
                None => cx.err(
                    &with(&gpath, &[Segment::Index(j)]),
                    format!("unknown parameter `{name}`"),
                ),
            }
        }
        exactly_one_of.push(idx);
    }

    let rpath = [key("response")];
    if spec.response.fields.is_empty() {
        cx.err(
            &with(&rpath, &[key("fields")]),
            "the response needs at least one field",
        );
    }
    let response_name = spec
        .response
        .name
        .clone()
        .unwrap_or_else(|| "Response".into());
    if !is_ident(&response_name) {
        cx.err(
            &with(&rpath, &[key("name")]),
            format!("`{response_name}` is not a Rust identifier"),
        );
    }
    let fields = resolve_fields(
        &mut cx,
        &with(&rpath, &[key("fields")]),
        &spec.response.fields,
        &mut types,
    );
    let order = spec
        .order
        .as_ref()
        .and_then(|o| order::resolve_order(&mut cx, o, &fields, &types));
    for (name, p) in &spec.request.params {
        let Some(field) = &p.matches else { continue };
        let at = [key("request"), key("params"), key(name), key("matches")];
        if p.supplied_by.is_some() {
            cx.err(
                &at,
                "a parameter the signer or transport supplies cannot select records",
            );
        } else if !spec.response.fields.contains_key(field) {
            let known: Vec<_> = spec.response.fields.keys().map(String::as_str).collect();
            cx.err(
                &at,
                format!(
                    "`{field}` is not a response field (fields: {})",
                    known.join(", ")
                ),
            );
        }
    }
    let payload = StructDef {
        name: response_name.clone(),
        doc: spec.response.doc.clone(),
        fields,
    };
    insert_type(&mut cx, &rpath, &mut types, TypeDef::Struct(payload));

    for name in types.keys() {
        if ENDPOINT_RESERVED.contains(&name.as_str()) {
            cx.err(
                &rpath,
                format!("type name `{name}` is reserved by the generator; set `name:`"),
            );
        }
    }

    let mut examples = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, ex) in spec.examples.iter().enumerate() {
        if !seen.insert(ex.name.clone()) {
            cx.err(
                &[key("examples"), Segment::Index(i), key("name")],
                format!("duplicate example name `{}`", ex.name),
            );
        }
        if ex.error_kind.is_some() && ex.kind != crate::spec::ExampleKind::Error {
            cx.err(
                &[key("examples"), Segment::Index(i), key("error_kind")],
                "`error_kind` is only for `kind: error` examples",
            );
        }
        examples.push(ExampleInfo {
            name: ex.name.clone(),
            kind: ex.kind,
            scope: ex.scope,
            http_status: ex.http_status,
            source: ex.source.clone(),
            note: ex.note.clone(),
            error_kind: ex.error_kind,
            body: ex.body.to_string(),
        });
    }

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
        response_name,
        types,
        examples,
        order,
        scrub: scrub_pointers(&spec.response.fields, ""),
        logon,
    })
}

/// JSON pointers (relative to the payload) of the fields marked `scrub`; `*` is every
/// element of an array.
fn scrub_pointers(fields: &IndexMap<String, FieldSpec>, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (wire, f) in fields {
        let here = format!("{prefix}/{}", wire.replace('~', "~0").replace('/', "~1"));
        if f.scrub {
            out.push(here.clone());
        }
        if let Some(inner) = &f.fields {
            out.extend(scrub_pointers(inner, &here));
        }
        let mut item = f.items.as_deref();
        let mut at = here;
        while let Some(it) = item {
            at.push_str("/*");
            if it.scrub {
                out.push(at.clone());
            }
            if let Some(inner) = &it.fields {
                out.extend(scrub_pointers(inner, &at));
            }
            item = it.items.as_deref();
        }
    }
    out
}

/// A signed endpoint needs a scheme for its transport, and must declare (as `supplied_by`)
/// every parameter those schemes add, so its docs say what goes on the wire.
fn check_signed<T>(
    cx: &mut Ctx<'_, T>,
    spec: &EndpointSpec,
    venue: &VenueSpec,
    transport: &Transport,
) {
    use crate::spec::SchemeTransportSpec as S;
    if !spec.signed {
        return;
    }
    let kind = match transport {
        Transport::Rest { .. } => S::Rest,
        Transport::Ws { .. } => S::Ws,
    };
    let schemes: Vec<_> = venue
        .signing
        .schemes
        .iter()
        .filter(|(_, s)| s.transport == kind)
        .collect();
    if schemes.is_empty() {
        cx.err(
            &[key("signed")],
            format!("signed, but the venue has no {kind:?} signing scheme").to_lowercase(),
        );
    }
    let sends_body = spec
        .request
        .params
        .values()
        .any(|p| p.location == ParamLocation::Body);
    for (name, s) in schemes {
        if sends_body && s.sign.is_some() && !signing::reads_body(&s.payload) {
            cx.err(
                &[key("signed")],
                format!("scheme `{name}` does not sign the body, but this endpoint sends one (it would go unsigned)"),
            );
        }
        let added = s
            .add
            .iter()
            .map(|a| &a.name)
            .chain(s.place.iter().map(|p| &p.name));
        for n in added {
            let declared = spec
                .request
                .params
                .get(n)
                .is_some_and(|p| p.supplied_by.is_some());
            if !declared {
                cx.err(
                    &[key("request"), key("params")],
                    format!(
                        "scheme `{name}` adds `{n}`: declare it here with `supplied_by: signer`"
                    ),
                );
            }
        }
    }
}

fn path_placeholders(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    out
}

fn resolve_params<T>(
    cx: &mut Ctx<'_, T>,
    transport: &Transport,
    specs: &IndexMap<String, ParamSpec>,
    types: &mut TypeRegistry,
) -> (Vec<Param>, Vec<SuppliedParam>) {
    let mut params = Vec::new();
    let mut supplied = Vec::new();
    let mut rust_names = BTreeMap::new();
    for (wire, p) in specs {
        let path = [key("request"), key("params"), key(wire)];
        let loc_ok = match (transport, p.location) {
            (Transport::Rest { .. }, ParamLocation::WsParams) => false,
            (Transport::Ws { .. }, l) => l == ParamLocation::WsParams,
            (Transport::Rest { method, .. }, ParamLocation::Body) => method != "GET",
            _ => true,
        };
        if !loc_ok {
            let what = match transport {
                Transport::Rest { method, .. } => format!("a REST {method} endpoint"),
                Transport::Ws { .. } => "a WebSocket endpoint (use ws_params)".into(),
            };
            cx.err(
                &with(&path, &[key("in")]),
                format!("`in: {:?}` is not possible for {what}", p.location).to_lowercase(),
            );
        }
        if p.supplied_by.is_some() {
            supplied.push(SuppliedParam {
                wire: wire.clone(),
                location: p.location,
                doc: p.doc.clone(),
            });
            continue;
        }
        let rust = p.rust.clone().unwrap_or_else(|| field_name(wire));
        if !is_ident(&rust) {
            cx.err(
                &with(&path, &[key("rust")]),
                format!("`{rust}` is not a Rust identifier"),
            );
        }
        if let Some(other) = rust_names.insert(rust.clone(), wire.clone()) {
            cx.err(
                &path,
                format!("Rust name `{rust}` is also used by `{other}`; set `rust:`"),
            );
        }
        let ty = match p.ty {
            ParamType::String => ParamTy::String,
            ParamType::I64 => ParamTy::I64,
            ParamType::U64 => ParamTy::U64,
            ParamType::Bool => ParamTy::Bool,
            ParamType::Decimal => ParamTy::Decimal,
            ParamType::Uuid => ParamTy::Uuid,
            ParamType::Enum => {
                let name = p.name.clone().unwrap_or_else(|| type_name(wire));
                if let Some(def) = resolve_enum(
                    cx,
                    &path,
                    &name,
                    p.doc.as_deref(),
                    p.values.as_deref(),
                    false,
                ) {
                    insert_type(cx, &path, types, TypeDef::Enum(def));
                }
                ParamTy::Enum(name)
            }
        };
        if p.ty != ParamType::Enum && p.values.is_some() {
            cx.err(
                &with(&path, &[key("values")]),
                "`values` is only for `type: enum`",
            );
        }
        let range = p.range.as_deref().and_then(|r| match parse_range(r) {
            Ok(r) => Some(r),
            Err(m) => {
                cx.err(&with(&path, &[key("range")]), m);
                None
            }
        });
        if range.is_some() && !matches!(ty, ParamTy::I64 | ParamTy::U64) {
            cx.err(
                &with(&path, &[key("range")]),
                "`range` is only for integer parameters",
            );
        }
        if (p.min_length.is_some() || p.max_length.is_some()) && ty != ParamTy::String {
            cx.err(
                &path,
                "`min_length`/`max_length` are only for string parameters",
            );
        }
        if let Some(d) = &p.default {
            check_default(
                cx,
                &with(&path, &[key("default")]),
                d,
                &ty,
                range.as_ref(),
                p.values.as_deref(),
            );
        }
        if p.required && p.default.is_some() {
            cx.err(
                &with(&path, &[key("default")]),
                "a required parameter cannot have a default",
            );
        }
        params.push(Param {
            wire: wire.clone(),
            rust,
            doc: p.doc.clone(),
            ty,
            location: p.location,
            required: p.required,
            default: p.default.as_ref().map(|d| d.to_string()),
            range,
            min_length: p.min_length,
            max_length: p.max_length,
            erratum: p.erratum.clone(),
            matches: p.matches.clone(),
        });
    }
    (params, supplied)
}

fn check_default<T>(
    cx: &mut Ctx<'_, T>,
    path: &[Segment],
    d: &serde_json::Value,
    ty: &ParamTy,
    range: Option<&Range>,
    values: Option<&[EnumValue]>,
) {
    let ok = match ty {
        ParamTy::I64 | ParamTy::U64 => match d.as_i64() {
            Some(v) => {
                if let Some(r) = range.filter(|r| !r.contains(v)) {
                    cx.err(
                        path,
                        format!("default {v} lies outside the range {}", r.notation()),
                    );
                }
                true
            }
            None => false,
        },
        ParamTy::Bool => d.is_boolean(),
        ParamTy::Enum(_) => match d.as_str() {
            Some(s) => {
                if !values.unwrap_or_default().iter().any(|v| v.value() == s) {
                    cx.err(path, format!("default `{s}` is not one of the values"));
                }
                true
            }
            None => false,
        },
        ParamTy::String | ParamTy::Decimal | ParamTy::Uuid => d.is_string(),
    };
    if !ok {
        cx.err(
            path,
            format!("default {d} does not match the parameter's type"),
        );
    }
}

/// Parses `(0, 60000]`, `[1, 1000]`, `[1,)`.
pub fn parse_range(s: &str) -> Result<Range, String> {
    let bad = || format!("range `{s}` is not an interval such as `(0, 60000]` or `[1,)`");
    let t = s.trim();
    let min_incl = match t.chars().next() {
        Some('[') => true,
        Some('(') => false,
        _ => return Err(bad()),
    };
    let max_incl = match t.chars().last() {
        Some(']') => true,
        Some(')') => false,
        _ => return Err(bad()),
    };
    let inner = &t[1..t.len() - 1];
    let (lo, hi) = inner.split_once(',').ok_or_else(bad)?;
    let num = |x: &str| -> Result<Option<i64>, String> {
        let x = x.trim();
        if x.is_empty() {
            Ok(None)
        } else {
            x.parse().map(Some).map_err(|_| bad())
        }
    };
    let (lo, hi) = (num(lo)?, num(hi)?);
    if lo.is_none() && min_incl || hi.is_none() && max_incl {
        return Err(bad());
    }
    if let (Some(a), Some(b)) = (lo, hi)
        && a > b
    {
        return Err(format!("range `{s}` is empty"));
    }
    Ok(Range {
        min: lo.map(|v| (v, min_incl)),
        max: hi.map(|v| (v, max_incl)),
    })
}

fn resolve_fields<T>(
    cx: &mut Ctx<'_, T>,
    path: &[Segment],
    specs: &IndexMap<String, FieldSpec>,
    types: &mut TypeRegistry,
) -> Vec<Field> {
    let mut out = Vec::new();
    let mut rust_names = BTreeMap::new();
    for (wire, f) in specs {
        let fpath = with(path, &[key(wire)]);
        let rust = f.rust.clone().unwrap_or_else(|| field_name(wire));
        if !is_ident(&rust) {
            cx.err(
                &with(&fpath, &[key("rust")]),
                format!("`{rust}` is not a Rust identifier"),
            );
        }
        if let Some(other) = rust_names.insert(rust.clone(), wire.clone()) {
            cx.err(
                &fpath,
                format!("Rust name `{rust}` is also used by `{other}`; set `rust:`"),
            );
        }
        let Some(ty) = resolve_ty(cx, &fpath, &type_name(wire), f, types) else {
            continue;
        };
        let bounds = bounds::bounds(cx, &fpath, f);
        out.push(Field {
            wire: wire.clone(),
            rust,
            doc: f.doc.clone(),
            ty,
            optional: f.optional,
            nullable: f.nullable,
            erratum: f.erratum.clone(),
            bounds,
        });
    }
    out
}

/// The Rust type of a field; registers any enum or struct it defines.
fn resolve_ty<T>(
    cx: &mut Ctx<'_, T>,
    path: &[Segment],
    default_name: &str,
    f: &FieldSpec,
    types: &mut TypeRegistry,
) -> Option<Ty> {
    if f.values.is_some() && f.ty != WireType::Enum {
        cx.err(
            &with(path, &[key("values")]),
            "`values` is only for `type: enum`",
        );
    }
    if f.fields.is_some() && f.ty != WireType::Object {
        cx.err(
            &with(path, &[key("fields")]),
            "`fields` is only for `type: object`",
        );
    }
    if f.items.is_some() && f.ty != WireType::Array {
        cx.err(
            &with(path, &[key("items")]),
            "`items` is only for `type: array`",
        );
    }
    if f.name.is_some() && !matches!(f.ty, WireType::Enum | WireType::Object) {
        cx.err(
            &with(path, &[key("name")]),
            "`name` is only for enums and objects",
        );
    }
    if f.ty == WireType::U64String && f.optional && f.nullable {
        cx.err(
            path,
            "a u64_string field cannot be both optional and nullable",
        );
    }
    let name = f.name.clone().unwrap_or_else(|| default_name.to_string());
    if !is_ident(&name) {
        cx.err(
            &with(path, &[key("name")]),
            format!("`{name}` is not a Rust identifier"),
        );
        return None;
    }
    Some(match f.ty {
        WireType::String => Ty::String,
        WireType::I64 => Ty::I64,
        WireType::U64 => Ty::U64,
        WireType::Bool => Ty::Bool,
        WireType::Decimal => Ty::Decimal,
        WireType::U64String => Ty::U64String,
        WireType::TimestampMs => Ty::TimestampMs,
        WireType::TimestampS => Ty::TimestampS,
        WireType::Uuid => Ty::Uuid,
        WireType::Json => Ty::Json,
        WireType::Id => Ty::Id,
        WireType::Enum => {
            let def = resolve_enum(cx, path, &name, f.doc.as_deref(), f.values.as_deref(), true)?;
            insert_type(cx, path, types, TypeDef::Enum(def));
            Ty::Named(name)
        }
        WireType::Object => {
            let Some(fields) = f.fields.as_ref().filter(|m| !m.is_empty()) else {
                cx.err(path, "object has no fields");
                return None;
            };
            let fields = resolve_fields(cx, &with(path, &[key("fields")]), fields, types);
            insert_type(
                cx,
                path,
                types,
                TypeDef::Struct(StructDef {
                    name: name.clone(),
                    doc: f.doc.clone(),
                    fields,
                }),
            );
            Ty::Named(name)
        }
        WireType::Array => {
            let Some(items) = &f.items else {
                cx.err(path, "array has no `items`");
                return None;
            };
            bounds::refuse_on_items(cx, &with(path, &[key("items")]), items);
            let item_name = format!("{name}Item");
            Ty::Vec(Box::new(resolve_ty(
                cx,
                &with(path, &[key("items")]),
                &item_name,
                items,
                types,
            )?))
        }
    })
}

fn resolve_enum<T>(
    cx: &mut Ctx<'_, T>,
    path: &[Segment],
    name: &str,
    doc: Option<&str>,
    values: Option<&[EnumValue]>,
    open: bool,
) -> Option<EnumDef> {
    let values = match values {
        Some(v) if !v.is_empty() => v,
        Some(_) => {
            cx.err(&with(path, &[key("values")]), "enum has no values");
            return None;
        }
        None => {
            cx.err(path, "enum has no values");
            return None;
        }
    };
    let mut variants: Vec<Variant> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let vpath = with(path, &[key("values"), Segment::Index(i)]);
        let ident = v
            .variant()
            .map(str::to_string)
            .unwrap_or_else(|| type_name(v.value()));
        if !is_ident(&ident) {
            cx.err(
                &vpath,
                format!("variant `{ident}` is not a Rust identifier"),
            );
        }
        if open && ident == UNKNOWN_VARIANT {
            cx.err(
                &vpath,
                format!(
                    "variant `{UNKNOWN_VARIANT}` is the fallback for unseen values; set `variant:`"
                ),
            );
        }
        if let Some(prev) = variants.iter().find(|p| p.value == v.value()) {
            cx.err(&vpath, format!("duplicate enum value `{}`", prev.value));
        } else if let Some(prev) = variants.iter().find(|p| p.ident == ident) {
            cx.err(
                &vpath,
                format!(
                    "values `{}` and `{}` both become variant `{ident}`; set `variant:`",
                    prev.value,
                    v.value()
                ),
            );
        }
        variants.push(Variant {
            value: v.value().to_string(),
            ident,
            doc: v.doc().map(str::to_string),
            erratum: v.erratum().cloned(),
        });
    }
    Some(EnumDef {
        name: name.to_string(),
        doc: doc.map(str::to_string),
        variants,
        open,
    })
}

fn insert_type<T>(cx: &mut Ctx<'_, T>, path: &[Segment], types: &mut TypeRegistry, def: TypeDef) {
    let name = match &def {
        TypeDef::Struct(s) => s.name.clone(),
        TypeDef::Enum(e) => e.name.clone(),
    };
    match types.get(&name) {
        Some(existing) if *existing == def => {}
        Some(_) => cx.err(
            path,
            format!(
                "type `{name}` is defined twice with different shapes; set a different `name:`"
            ),
        ),
        None => {
            types.insert(name, def);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let r = parse_range("(0, 60000]").unwrap();
        assert!(!r.contains(0) && r.contains(1) && r.contains(60000) && !r.contains(60001));
        assert_eq!(r.notation(), "(0, 60000]");
        let r = parse_range("[1,)").unwrap();
        assert!(r.contains(1) && r.contains(i64::MAX) && !r.contains(0));
        assert!(parse_range("0..5").is_err());
        assert!(parse_range("[5, 1]").is_err());
        assert!(parse_range("[, 1]").is_err());
    }
}
