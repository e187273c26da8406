//! Request parameters: the ones the caller sets become typed fields of the request, the ones the
//! signer or transport supplies are kept for the docs.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use super::types::{insert_type, resolve_enum};
use super::{Ctx, key, range, with};
use crate::model::{Param, ParamTy, Range, SuppliedParam, TypeDef, TypeRegistry};
use crate::names::{field_name, is_ident, type_name};
use crate::source_map::Segment;
use crate::spec::{ParamSpec, ParamType};

/// The parameters the caller sets and those supplied for them, each in spec order.
pub(super) fn resolve_params<T>(
    cx: &mut Ctx<'_, T>,
    specs: &IndexMap<String, ParamSpec>,
    types: &mut TypeRegistry,
) -> (Vec<Param>, Vec<SuppliedParam>) {
    let mut params = Vec::new();
    let mut supplied = Vec::new();
    let mut rust_names = BTreeMap::new();
    for (wire, p) in specs {
        if p.supplied_by.is_some() {
            supplied.push(SuppliedParam {
                wire: wire.clone(),
                location: p.location,
                doc: p.doc.clone(),
            });
            continue;
        }
        let path = [key("request"), key("params"), key(wire)];
        let rust = rust_name(cx, &path, wire, p, &mut rust_names);
        params.push(resolve_param(cx, &path, wire, rust, p, types));
    }
    (params, supplied)
}

/// The parameter's Rust name: an identifier no other parameter of the request has.
fn rust_name<T>(
    cx: &mut Ctx<'_, T>,
    path: &[Segment],
    wire: &str,
    p: &ParamSpec,
    taken: &mut BTreeMap<String, String>,
) -> String {
    let rust = p.rust.clone().unwrap_or_else(|| field_name(wire));
    if !is_ident(&rust) {
        cx.err(
            &with(path, &[key("rust")]),
            format!("`{rust}` is not a Rust identifier"),
        );
    }
    if let Some(other) = taken.insert(rust.clone(), wire.to_string()) {
        cx.err(
            path,
            format!("Rust name `{rust}` is also used by `{other}`; set `rust:`"),
        );
    }
    rust
}

/// One parameter the caller sets, named `rust`.
fn resolve_param<T>(
    cx: &mut Ctx<'_, T>,
    path: &[Segment],
    wire: &str,
    rust: String,
    p: &ParamSpec,
    types: &mut TypeRegistry,
) -> Param {
    Param {
        wire: wire.to_string(),
        rust,
        doc: p.doc.clone(),
        ty: param_ty(cx, path, wire, p, types),
        location: p.location,
        required: p.required,
        default: p.default.as_ref().map(|d| d.to_string()),
        range: param_range(cx, path, p),
        min_length: p.min_length,
        max_length: p.max_length,
        erratum: p.erratum.clone(),
        matches: p.matches.clone(),
    }
}

/// The Rust type of a parameter; registers the closed enum a `type: enum` defines.
fn param_ty<T>(
    cx: &mut Ctx<'_, T>,
    path: &[Segment],
    wire: &str,
    p: &ParamSpec,
    types: &mut TypeRegistry,
) -> ParamTy {
    match p.ty {
        ParamType::String => ParamTy::String,
        ParamType::I64 => ParamTy::I64,
        ParamType::U64 => ParamTy::U64,
        ParamType::Bool => ParamTy::Bool,
        ParamType::Decimal => ParamTy::Decimal,
        ParamType::Uuid => ParamTy::Uuid,
        ParamType::Enum => {
            let name = p.name.clone().unwrap_or_else(|| type_name(wire));
            let (doc, values) = (p.doc.as_deref(), p.values.as_deref());
            if let Some(def) = resolve_enum(cx, path, &name, doc, values, false) {
                insert_type(cx, path, types, TypeDef::Enum(def));
            }
            ParamTy::Enum(name)
        }
        ParamType::Array => {
            let item = match p.items {
                Some(ParamType::I64) => ParamTy::I64,
                Some(ParamType::U64) => ParamTy::U64,
                Some(ParamType::String) => ParamTy::String,
                _ => {
                    cx.err(
                        &with(path, &[key("items")]),
                        "an array parameter needs `items`: i64, u64 or string",
                    );
                    ParamTy::String
                }
            };
            ParamTy::List(Box::new(item))
        }
    }
}

/// The parameter's `range`, parsed; a malformed one is an error at `range`.
fn param_range<T>(cx: &mut Ctx<'_, T>, path: &[Segment], p: &ParamSpec) -> Option<Range> {
    let r = p.range.as_deref()?;
    match range::parse_range(r) {
        Ok(r) => Some(r),
        Err(m) => {
            cx.err(&with(path, &[key("range")]), m);
            None
        }
    }
}
