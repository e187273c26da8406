//! The type registry: response, envelope and error-body fields become Rust types, and every
//! enum and struct they define is registered once under its name.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use super::{Ctx, bounds, check, key, with};
use crate::model::{EnumDef, Field, StructDef, Ty, TypeDef, TypeRegistry, Variant};
use crate::names::{field_name, is_ident, type_name};
use crate::source_map::Segment;
use crate::spec::{EnumValue, FieldSpec, WireType};

/// The fallback variant of open enums.
const UNKNOWN_VARIANT: &str = "Unknown";

/// The fields of an object (response, envelope, error body or nested object), in spec order.
pub(super) fn resolve_fields<T>(
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
    check::field(cx, path, f);
    let name = f.name.clone().unwrap_or_else(|| default_name.to_string());
    if !is_ident(&name) {
        cx.err(
            &with(path, &[key("name")]),
            format!("`{name}` is not a Rust identifier"),
        );
        return None;
    }
    if let Some(ty) = scalar(f.ty) {
        return Some(ty);
    }
    if f.ty == WireType::DecimalNumberOrText {
        return Some(Ty::DecimalNumberOrText(f.texts.clone()));
    }
    match f.ty {
        WireType::Enum => {
            let def = resolve_enum(cx, path, &name, f.doc.as_deref(), f.values.as_deref(), true)?;
            insert_type(cx, path, types, TypeDef::Enum(def));
            Some(Ty::Named(name))
        }
        WireType::Object => object(cx, path, name, f, types),
        _ => array(cx, path, &name, f, types),
    }
}

/// The Rust type of a wire type that defines no type of its own.
fn scalar(ty: WireType) -> Option<Ty> {
    Some(match ty {
        WireType::String => Ty::String,
        WireType::I64 => Ty::I64,
        WireType::U64 => Ty::U64,
        WireType::Bool => Ty::Bool,
        WireType::Decimal => Ty::Decimal,
        WireType::DecimalNumber => Ty::DecimalNumber,
        WireType::U64String => Ty::U64String,
        WireType::TimestampMs => Ty::TimestampMs,
        WireType::TimestampMsString => Ty::TimestampMsString,
        WireType::TimestampS => Ty::TimestampS,
        WireType::TimestampUs => Ty::TimestampUs,
        WireType::TimestampRfc3339 => Ty::TimestampRfc3339,
        WireType::Uuid => Ty::Uuid,
        WireType::Json => Ty::Json,
        WireType::Id => Ty::Id,
        WireType::Enum | WireType::Object | WireType::Array | WireType::DecimalNumberOrText => {
            return None;
        }
    })
}

/// A `type: object` field: a struct named `name`, registered.
fn object<T>(
    cx: &mut Ctx<'_, T>,
    path: &[Segment],
    name: String,
    f: &FieldSpec,
    types: &mut TypeRegistry,
) -> Option<Ty> {
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
            positional: false,
            additional: f.additional.clone(),
        }),
    );
    Some(Ty::Named(name))
}

/// A `type: array` field: a `Vec` of its items, which are named `<name>Item` if they define a type.
fn array<T>(
    cx: &mut Ctx<'_, T>,
    path: &[Segment],
    name: &str,
    f: &FieldSpec,
    types: &mut TypeRegistry,
) -> Option<Ty> {
    let Some(items) = &f.items else {
        cx.err(path, "array has no `items`");
        return None;
    };
    let at = with(path, &[key("items")]);
    bounds::refuse_on_items(cx, &at, items);
    let item = resolve_ty(cx, &at, &format!("{name}Item"), items, types)?;
    Some(Ty::Vec(Box::new(item)))
}

/// An enum named `name` with `values`; `open` enums keep unseen values in an `Unknown` variant.
pub(super) fn resolve_enum<T>(
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
        let variant = variant(cx, &vpath, v, open);
        if let Some(prev) = variants.iter().find(|p| p.value == variant.value) {
            cx.err(&vpath, format!("duplicate enum value `{}`", prev.value));
        } else if let Some(prev) = variants.iter().find(|p| p.ident == variant.ident) {
            cx.err(
                &vpath,
                format!(
                    "values `{}` and `{}` both become variant `{}`; set `variant:`",
                    prev.value, variant.value, variant.ident
                ),
            );
        }
        variants.push(variant);
    }
    Some(EnumDef {
        name: name.to_string(),
        doc: doc.map(str::to_string),
        variants,
        open,
    })
}

/// One enum value as a variant, its Rust name checked.
fn variant<T>(cx: &mut Ctx<'_, T>, vpath: &[Segment], v: &EnumValue, open: bool) -> Variant {
    let ident = v
        .variant()
        .map(str::to_string)
        .unwrap_or_else(|| type_name(v.value()));
    if !is_ident(&ident) {
        cx.err(vpath, format!("variant `{ident}` is not a Rust identifier"));
    }
    if open && ident == UNKNOWN_VARIANT {
        cx.err(
            vpath,
            format!(
                "variant `{UNKNOWN_VARIANT}` is the fallback for unseen values; set `variant:`"
            ),
        );
    }
    Variant {
        value: v.value().to_string(),
        ident,
        doc: v.doc().map(str::to_string),
        erratum: v.erratum().cloned(),
    }
}

/// Registers `def`; the same name twice must mean the same type.
pub(super) fn insert_type<T>(
    cx: &mut Ctx<'_, T>,
    path: &[Segment],
    types: &mut TypeRegistry,
    def: TypeDef,
) {
    let (name, doc, kind) = match &def {
        TypeDef::Struct(s) => (s.name.clone(), s.doc.as_deref(), "struct"),
        TypeDef::Enum(e) => (e.name.clone(), e.doc.as_deref(), "enum"),
    };
    if doc.is_none_or(|d| d.trim().is_empty()) && !types.contains_key(&name) {
        // Every public item of a generated client is documented; the spec is where the text is.
        cx.err(
            path,
            format!("`doc` is missing: it becomes the rustdoc of the generated {kind} `{name}`"),
        );
    }
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

/// An error at `path` for each registered type whose name the generator uses itself; `hint`
/// (empty or `; ...`) says how to rename it.
pub(super) fn refuse_reserved<T>(
    cx: &mut Ctx<'_, T>,
    path: &[Segment],
    types: &TypeRegistry,
    reserved: &[&str],
    hint: &str,
) {
    for name in types.keys() {
        if reserved.contains(&name.as_str()) {
            cx.err(
                path,
                format!("type name `{name}` is reserved by the generator{hint}"),
            );
        }
    }
}
