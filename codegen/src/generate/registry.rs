//! Descriptions of what was generated (`INFO` constants and the root `VENUES` list), so tools
//! and tests can walk every venue, endpoint, example and enum without naming them.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, rt};
use crate::model::{Endpoint, Transport, TypeDef, TypeRegistry, Venue};
use crate::spec::{ErrorCode, ErrorKind, ExampleKind, ExampleScope, StatusBody};

/// `pub const VENUES: &[VenueInfo]` at the crate root.
pub fn root(venues: &[Venue]) -> TokenStream {
    let mods = venues.iter().map(|v| ident(&v.id));
    quote! {
        /// Every venue generated from `specs/`, sorted by id.
        pub const VENUES: &[::generated::runtime::registry::VenueInfo] = &[#(#mods::INFO),*];
    }
}

fn opt_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote!(::std::option::Option::Some(#s)),
        None => quote!(::std::option::Option::None),
    }
}

/// `ErrorKind::<Kind>`.
fn kind_tokens(k: ErrorKind) -> TokenStream {
    let rt = rt();
    let k = ident(match k {
        ErrorKind::NotFound => "NotFound",
        ErrorKind::Auth => "Auth",
        ErrorKind::TimestampOutsideWindow => "TimestampOutsideWindow",
        ErrorKind::RateLimited => "RateLimited",
        ErrorKind::InvalidRequest => "InvalidRequest",
        ErrorKind::Server => "Server",
    });
    quote!(#rt::registry::ErrorKind::#k)
}

fn opt_kind(k: Option<ErrorKind>) -> TokenStream {
    match k {
        Some(k) => {
            let k = kind_tokens(k);
            quote!(::std::option::Option::Some(#k))
        }
        None => quote!(::std::option::Option::None),
    }
}

fn opt_u16(s: Option<u16>) -> TokenStream {
    match s {
        Some(s) => {
            let s = proc_macro2::Literal::u16_unsuffixed(s);
            quote!(::std::option::Option::Some(#s))
        }
        None => quote!(::std::option::Option::None),
    }
}

/// One documented error code: the fields the spec gives, the rest from the code's base entry
/// (`ErrorCodeInfo::int` / `str`: no status, name, messages, kind or condition).
fn error_code(c: &crate::model::ErrorCodeInfo) -> TokenStream {
    let rt = rt();
    let base = match &c.code {
        ErrorCode::Int(i) => {
            let i = proc_macro2::Literal::i64_unsuffixed(*i);
            quote!(#rt::registry::ErrorCodeInfo::int(#i))
        }
        ErrorCode::Str(s) => quote!(#rt::registry::ErrorCodeInfo::str(#s)),
    };
    let mut fields = Vec::new();
    if let Some(h) = c.http {
        let h = proc_macro2::Literal::u16_unsuffixed(h);
        fields.push(quote!(http: ::std::option::Option::Some(#h)));
    }
    if let Some(n) = &c.name {
        fields.push(quote!(name: ::std::option::Option::Some(#n)));
    }
    if !c.messages.is_empty() {
        let msgs = &c.messages;
        fields.push(quote!(messages: &[#(#msgs),*]));
    }
    if let Some(k) = c.kind {
        let k = kind_tokens(k);
        fields.push(quote!(kind: ::std::option::Option::Some(#k)));
    }
    if let Some(m) = &c.message_contains {
        fields.push(quote!(message_contains: ::std::option::Option::Some(#m)));
    }
    quote!(#rt::registry::ErrorCodeInfo { #(#fields,)* ..#base })
}

/// One `EnvironmentInfo`: its URLs and the headers it adds.
fn environment(e: &crate::model::Environment) -> TokenStream {
    let rt = rt();
    let n = &e.name;
    let rest = opt_str(e.rest.as_deref());
    let ws = opt_str(e.ws.as_deref());
    let headers = e.headers.iter().map(|(n, v)| quote!((#n, #v)));
    quote!(#rt::registry::EnvironmentInfo {
        name: #n,
        rest: #rest,
        ws: #ws,
        headers: &[#(#headers),*],
    })
}

/// `INFO.error_rule` and `INFO.error_messages` (`errors.detect`, `errors.messages`).
fn error_rule_and_messages(v: &Venue) -> (TokenStream, TokenStream) {
    let rule = match &v.error_rule {
        Some((ptr, val)) => quote!(::std::option::Option::Some((#ptr, #val))),
        None => quote!(::std::option::Option::None),
    };
    let messages = v.error_messages.iter().map(|(text, kind)| {
        let kind = kind_tokens(*kind);
        quote!((#text, #kind))
    });
    (rule, quote!(&[#(#messages),*]))
}

/// The venue module's `INFO`.
pub fn venue_info(v: &Venue) -> TokenStream {
    let rt = rt();
    let (id, name) = (&v.id, &v.name);
    let docs = opt_str(v.docs.as_deref());
    let envs = v.environments.iter().map(environment);
    let codes = v.error_codes.iter().map(error_code);
    let statuses = v.error_statuses.iter().map(status_error);
    let status_ptr = opt_str(v.error_status_pointer.as_deref());
    let (error_rule, error_messages) = error_rule_and_messages(v);
    let rl_ptr = opt_str(v.rate_limits.pointer.as_deref());
    let rl_headers = &v.rate_limits.headers;
    let ws_session = ws_session(v.ws_session.as_ref());
    let frame = v.ws_frame.iter().map(|(n, j)| quote!((#n, #j)));
    let template = opt_str(v.error_template.as_deref());
    let window = window(v.signing.window.as_ref());
    let clock = clock_source(&rt, v.clock.as_ref());
    let eps = v.endpoints.iter().map(|e| ident(&e.id));
    let code_ptr = &v.error_code_pointer;
    let discriminator = match &v.error_discriminator {
        Some((ptr, val)) => quote!(::std::option::Option::Some((#ptr, #val))),
        None => quote!(::std::option::Option::None),
    };
    let msg_ptr = opt_str(v.error_message_pointer.as_deref());
    let (payload, success) = match &v.envelope {
        Some(e) => {
            let p = format!("/{}", e.payload_wire);
            let s = match &e.success {
                Some((ptr, val)) => quote!(::std::option::Option::Some((#ptr, #val))),
                None => quote!(::std::option::Option::None),
            };
            (quote!(::std::option::Option::Some(#p)), s)
        }
        None => (
            quote!(::std::option::Option::None),
            quote!(::std::option::Option::None),
        ),
    };
    let enum_infos = enum_infos(&v.types);
    let vectors = super::vectors::vectors(v);
    quote! {
        #vectors

        /// What was generated for this venue.
        pub const INFO: #rt::registry::VenueInfo = #rt::registry::VenueInfo {
            id: #id,
            name: #name,
            docs: #docs,
            environments: &[#(#envs),*],
            payload_pointer: #payload,
            success_rule: #success,
            error_discriminator: #discriminator,
            error_code_pointer: #code_ptr,
            error_message_pointer: #msg_ptr,
            error_status_pointer: #status_ptr,
            error_codes: &[#(#codes),*],
            error_statuses: &[#(#statuses),*],
            error_rule: #error_rule,
            error_messages: #error_messages,
            rate_limits: #rt::registry::RateLimitsInfo {
                pointer: #rl_ptr,
                headers: &[#(#rl_headers),*],
            },
            ws_session: #ws_session,
            ws_frame: &[#(#frame),*],
            error_template: #template,
            timestamp_window: #window,
            clock: #clock,
            credentials: CREDENTIALS,
            schemes: SCHEMES,
            enums: &[#(#enum_infos),*],
            endpoints: &[#(#eps::INFO),*],
            vectors: VECTORS,
        };
    }
}

/// One `VenueInfo::error_statuses` entry: an error told by its HTTP status.
fn status_error(st: &crate::model::StatusError) -> TokenStream {
    let rt = rt();
    let http = proc_macro2::Literal::u16_unsuffixed(st.http);
    let kind = kind_tokens(st.kind);
    let body = match st.body {
        StatusBody::Empty => quote!(#rt::registry::StatusBody::Empty),
        StatusBody::Any => quote!(#rt::registry::StatusBody::Any),
    };
    quote!(#rt::registry::StatusErrorInfo { http: #http, kind: #kind, body: #body })
}

/// `VenueInfo::ws_session`: the WebSocket log-on, if the venue has one.
fn ws_session(s: Option<&crate::model::WsSession>) -> TokenStream {
    let rt = rt();
    let Some(s) = s else {
        return quote!(::std::option::Option::None);
    };
    let (logon, scheme) = (&s.logon, &s.scheme);
    let key = s.when_key;
    quote!(::std::option::Option::Some(#rt::registry::WsSessionInfo {
        logon: #logon,
        scheme: #scheme,
        when_key: #key,
    }))
}

/// `VenueInfo::timestamp_window`: how far a signed timestamp may be from the venue's clock.
fn window(w: Option<&crate::spec::WindowSpec>) -> TokenStream {
    let rt = rt();
    let Some(w) = w else {
        return quote!(::std::option::Option::None);
    };
    let ms = proc_macro2::Literal::i64_unsuffixed;
    let (d, m, a) = (
        ms(w.recv_window_default_ms),
        ms(w.recv_window_max_ms),
        // No documented future bound: none is enforced.
        ms(w.max_ahead_ms.unwrap_or(i64::MAX)),
    );
    let nonce = match w.nonce_once_within_ms {
        Some(n) => {
            let n = ms(n);
            quote!(::std::option::Option::Some(#n))
        }
        None => quote!(::std::option::Option::None),
    };
    quote!(::std::option::Option::Some(#rt::registry::TimestampWindowInfo {
        recv_window_default_ms: #d,
        recv_window_max_ms: #m,
        max_ahead_ms: #a,
        nonce_once_within_ms: #nonce,
    }))
}

/// The endpoint module's `INFO`, and the `Endpoint` impl through which the registry's generic
/// helpers (build, round trip, parse, schema) reach its types.
pub fn endpoint_info(v: &Venue, e: &Endpoint) -> TokenStream {
    let rt = rt();
    let (id, name, summary) = (&e.id, &e.name, &e.summary);
    let (signed, idempotent, logon) = (e.signed, e.idempotent, e.logon);
    let transport = match &e.transport {
        Transport::Rest { method, path, body } => {
            quote!(#rt::registry::TransportInfo::Rest {
                method: #method,
                path: #path,
                body: #body,
            })
        }
        Transport::Ws { method } => quote!(#rt::registry::TransportInfo::Ws { method: #method }),
    };
    let params = e.params.iter().map(|p| &p.wire);
    let to_order = super::order::info_entry(e);
    let may_lack = super::order::may_lack(e);
    let scrub = &e.scrub;
    let record = &e.record_pointer;
    let matches = e.params.iter().filter_map(|p| {
        let (param, field) = (&p.wire, p.matches.as_ref()?);
        let pointer = field_pointer(e, field);
        let list = matches!(p.ty, crate::model::ParamTy::List(_));
        Some(quote!(#rt::registry::ParamMatch { param: #param, field: #field, pointer: #pointer, list: #list }))
    });
    let endpoint = endpoint_impl(v);
    let checks = checks(e);
    quote! {
        #endpoint

        /// What was generated for this endpoint.
        pub const INFO: #rt::registry::EndpointInfo = #rt::registry::EndpointInfo {
            id: #id,
            name: #name,
            summary: #summary,
            signed: #signed,
            idempotent: #idempotent,
            transport: #transport,
            params: &[#(#params),*],
            matches: &[#(#matches),*],
            logon: #logon,
            record: #record,
            to_order: #to_order,
            order_may_lack: &[#(#may_lack),*],
            scrub: &[#(#scrub),*],
            ..CHECKS
        };

        #checks
    }
}

/// `impl Endpoint for Request`: the endpoint's body types and how its request is built.
fn endpoint_impl(v: &Venue) -> TokenStream {
    let rt = rt();
    let payload = match &v.envelope {
        Some(env) => {
            let field = ident(&env.payload_rust);
            quote!(body.#field)
        }
        None => quote!(body),
    };
    quote! {
        impl #rt::endpoint::Endpoint for Request {
            type Body = ResponseBody;
            type Payload = Response;
            type Error = super::ErrorBody;
            fn payload(body: ResponseBody) -> Response {
                #payload
            }
            fn from_params(pairs: &[(&str, &str)]) -> ::std::result::Result<Self, #rt::request::RequestError> {
                Request::from_params(pairs.iter().copied())
            }
            fn to_wire(&self) -> #rt::request::WireRequest<'_> {
                Request::to_wire(self)
            }
        }
    }
}

/// The conformance part of `INFO` (the docs' examples, the endpoint's enums and the helpers
/// that read JSON Schemas), or its placeholder without the `conformance` feature.
fn checks(e: &Endpoint) -> TokenStream {
    let rt = rt();
    let examples = e.examples.iter().map(|x| {
        let (n, src, body) = (&x.name, &x.source, &x.body);
        let kind = match x.kind {
            ExampleKind::Success => quote!(#rt::registry::ExampleKind::Success),
            ExampleKind::Error => quote!(#rt::registry::ExampleKind::Error),
        };
        let scope = match x.scope {
            ExampleScope::Body => quote!(#rt::registry::ExampleScope::Body),
            ExampleScope::Payload => quote!(#rt::registry::ExampleScope::Payload),
        };
        let http = opt_u16(x.http_status);
        let error_kind = opt_kind(x.error_kind);
        quote!(#rt::registry::ExampleInfo { name: #n, kind: #kind, scope: #scope, http_status: #http, source: #src, error_kind: #error_kind, body: #body })
    });
    let enum_infos = enum_infos(&e.types);
    quote! {
        /// The docs' examples, the enums and the typed helpers, for the conformance suite.
        #[cfg(feature = "conformance")]
        const CHECKS: #rt::registry::EndpointInfo =
            #rt::endpoint::checks::<Request>(&[#(#examples),*], &[#(#enum_infos),*]);
        /// Built without the `conformance` feature: no examples, enums or schemas.
        #[cfg(not(feature = "conformance"))]
        const CHECKS: #rt::registry::EndpointInfo = #rt::endpoint::without_checks::<Request>();
    }
}

/// The `EnumInfo` of every enum of a registry.
fn enum_infos(types: &TypeRegistry) -> Vec<TokenStream> {
    let rt = rt();
    types
        .values()
        .filter_map(|t| match t {
            TypeDef::Enum(en) => Some(ident(&en.name)),
            TypeDef::Struct(_) => None,
        })
        .map(|ty| quote!(#rt::enums::info::<#ty>()))
        .collect()
}

/// `VenueInfo::clock`: the spec's time source.
fn clock_source(rt: &TokenStream, c: Option<&crate::model::ClockSource>) -> TokenStream {
    use crate::model::ClockSource;
    use crate::spec::TimeUnitSpec;
    let unit = |u: &TimeUnitSpec| {
        let u = ident(match u {
            TimeUnitSpec::S => "Seconds",
            TimeUnitSpec::Ms => "Millis",
            TimeUnitSpec::Us => "Micros",
        });
        quote!(#rt::registry::TimeUnit::#u)
    };
    let source = match c {
        None => return quote!(::std::option::Option::None),
        Some(ClockSource::HttpDate) => quote!(#rt::registry::ClockSourceInfo::HttpDate),
        Some(ClockSource::Rest {
            method,
            path,
            pointer,
            unit: u,
        }) => {
            let u = unit(u);
            quote!(#rt::registry::ClockSourceInfo::Rest {
                method: #method,
                path: #path,
                pointer: #pointer,
                unit: #u,
            })
        }
        Some(ClockSource::Ws {
            method,
            pointer,
            unit: u,
        }) => {
            let u = unit(u);
            quote!(#rt::registry::ClockSourceInfo::Ws {
                method: #method,
                pointer: #pointer,
                unit: #u,
            })
        }
    };
    quote!(::std::option::Option::Some(#source))
}

/// The JSON pointer, relative to the record, of a response field: its wire name, or its index
/// in a positional record.
fn field_pointer(e: &Endpoint, wire: &str) -> String {
    if let Some(TypeDef::Struct(s)) = e.types.get(&e.response_name)
        && s.positional
        && let Some(i) = s.fields.iter().position(|f| f.wire == wire)
    {
        return format!("/{i}");
    }
    format!("/{}", wire.replace('~', "~0").replace('/', "~1"))
}
