//! Structs and enums of responses (and closed enums of requests).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{blank, doc, erratum, lines};
use super::{ident, rt};
use crate::model::{Bounds, EnumDef, Field, StructDef, Ty, TypeDef, TypeRegistry};

/// All types of a registry, in name order.
pub fn registry(types: &TypeRegistry) -> TokenStream {
    let items = types.values().map(|t| match t {
        TypeDef::Struct(s) => structure(s),
        TypeDef::Enum(e) => wire_enum(e),
    });
    quote!(#(#items)*)
}

/// The Rust type of a member, without `Option` wrappers.
pub fn ty(t: &Ty) -> TokenStream {
    let rt = rt();
    match t {
        Ty::String => quote!(::std::string::String),
        Ty::I64 => quote!(i64),
        Ty::U64 | Ty::U64String => quote!(u64),
        Ty::Bool => quote!(bool),
        Ty::Decimal => quote!(::rust_decimal::Decimal),
        Ty::DecimalNumber => quote!(#rt::wire::DecimalNumber),
        Ty::DecimalNumberOrText(_) => quote!(#rt::wire::DecimalNumberOrText),
        Ty::TimestampMs => quote!(#rt::wire::TimestampMs),
        Ty::TimestampMsString => quote!(#rt::wire::TimestampMsString),
        Ty::TimestampS => quote!(#rt::wire::TimestampS),
        Ty::TimestampUs => quote!(#rt::wire::TimestampUs),
        Ty::TimestampRfc3339 => quote!(#rt::wire::TimestampRfc3339),
        Ty::Uuid => quote!(::uuid::Uuid),
        Ty::Json => quote!(::serde_json::Value),
        Ty::Id => quote!(#rt::wire::Id),
        Ty::Named(n) => {
            let n = ident(n);
            quote!(#n)
        }
        Ty::Vec(inner) => {
            let inner = ty(inner);
            quote!(::std::vec::Vec<#inner>)
        }
    }
}

/// The path of a member's Rust type as text (for `#[schemars(with = "...")]`).
fn ty_path(t: &Ty) -> String {
    match t {
        Ty::String => "::std::string::String".into(),
        Ty::I64 => "i64".into(),
        Ty::U64 | Ty::U64String => "u64".into(),
        Ty::Bool => "bool".into(),
        Ty::Decimal => "::rust_decimal::Decimal".into(),
        Ty::DecimalNumber => "__rt::wire::DecimalNumber".into(),
        Ty::DecimalNumberOrText(_) => "__rt::wire::DecimalNumberOrText".into(),
        Ty::TimestampMs => "__rt::wire::TimestampMs".into(),
        Ty::TimestampMsString => "__rt::wire::TimestampMsString".into(),
        Ty::TimestampS => "__rt::wire::TimestampS".into(),
        Ty::TimestampUs => "__rt::wire::TimestampUs".into(),
        Ty::TimestampRfc3339 => "__rt::wire::TimestampRfc3339".into(),
        Ty::Uuid => "::uuid::Uuid".into(),
        Ty::Json => "::serde_json::Value".into(),
        Ty::Id => "__rt::wire::Id".into(),
        Ty::Named(n) => n.clone(),
        Ty::Vec(inner) => format!("::std::vec::Vec<{}>", ty_path(inner)),
    }
}

/// The type whose JSON Schema describes a member's wire form, when it is not the Rust type's
/// own: decimals (signed, or never negative), integers and UUIDs carried in strings.
fn schema_ty_path(t: &Ty, bounds: &Bounds) -> Option<String> {
    let marker = |m: &str| format!("__rt::schema::{m}");
    match t {
        Ty::Decimal if bounds.non_negative => Some(marker("NonNegativeDecimalString")),
        Ty::Decimal => Some(marker("DecimalString")),
        Ty::U64String => Some(marker("U64String")),
        Ty::Uuid => Some(marker("UuidString")),
        Ty::Vec(inner) => schema_ty_path(inner, bounds).map(|i| format!("::std::vec::Vec<{i}>")),
        _ => None,
    }
}

/// `extend("x-strict" = {...})` for a string's length bounds (strict schema only).
fn length_bounds(bounds: &Bounds) -> Option<TokenStream> {
    let lit = proc_macro2::Literal::usize_unsuffixed;
    let min = bounds.min_length.map(lit).map(|n| quote!("minLength": #n));
    let max = bounds.max_length.map(lit).map(|n| quote!("maxLength": #n));
    let keywords: Vec<TokenStream> = min.into_iter().chain(max).collect();
    (!keywords.is_empty()).then(|| quote!(extend("x-strict" = { #(#keywords),* })))
}

/// `#[schemars(...)]` for a member: the wire form's schema type where it differs from the Rust
/// type (or where serde reads it `with` a helper module), and the spec's promises the parser
/// does not enforce (`x-required`, `x-nullable`, `x-erratum`; see `runtime::schema`).
fn schema_attr(f: &Field) -> TokenStream {
    let opt = |t: String| format!("::std::option::Option<{t}>");
    let with = match (f.optional, f.nullable) {
        (false, false) => schema_ty_path(&f.ty, &f.bounds),
        (true, true) => Some(opt(opt(
            schema_ty_path(&f.ty, &f.bounds).unwrap_or_else(|| ty_path(&f.ty))
        ))),
        _ => schema_ty_path(&f.ty, &f.bounds).map(opt),
    };
    let mut items = Vec::new();
    if let Some(w) = with {
        items.push(quote!(with = #w));
    }
    items.extend(length_bounds(&f.bounds));
    if f.ty == Ty::DecimalNumber && f.bounds.non_negative {
        items.push(quote!(extend("x-strict" = { "minimum": 0 })));
    }
    if let Ty::DecimalNumberOrText(texts) = &f.ty {
        // A number (never negative where promised) or one of the documented texts.
        let number = if f.bounds.non_negative {
            quote!({ "type": "number", "minimum": 0 })
        } else {
            quote!({ "type": "number" })
        };
        items.push(quote!(extend("x-strict" = { "anyOf": [#number, { "enum": [#(#texts),*] }] })));
    }
    if f.ty == Ty::Id && f.nullable {
        // `Id`'s own strict types, and the `null` the spec allows here.
        items.push(quote!(extend("x-strict" = { "type": ["string", "integer", "null"] })));
    }
    if !f.optional && f.nullable {
        items.push(quote!(extend("x-required" = true)));
    }
    if f.optional && !f.nullable {
        items.push(quote!(extend("x-nullable" = false)));
    }
    if let Some(e) = &f.erratum {
        let (d, w) = (&e.docs, &e.wire);
        let note = e.note.as_ref().map(|n| quote!(, "note": #n));
        items.push(quote!(extend("x-erratum" = { "docs": #d, "wire": #w #note })));
    }
    if items.is_empty() {
        quote!()
    } else {
        quote!(#[cfg_attr(feature = "conformance", schemars(#(#items),*))])
    }
}

/// `#[serde(...)]` for a member: its wire name where it is not the Rust name, and how an
/// absent or `null` member reads.
fn serde_attr(f: &Field) -> TokenStream {
    let with = |m: &str| Some(format!("__rt::wire::{m}"));
    let u64_string = f.ty == Ty::U64String;
    let (default, skip, with) = match (f.optional, f.nullable) {
        (false, false) => (false, false, with("u64_string").filter(|_| u64_string)),
        (false, true) => (
            u64_string,
            false,
            with("u64_string_opt").filter(|_| u64_string),
        ),
        (true, false) => (true, true, with("u64_string_opt").filter(|_| u64_string)),
        (true, true) => (true, true, with("double_option")),
    };
    let mut items = Vec::new();
    if f.wire != f.rust {
        let wire = &f.wire;
        items.push(quote!(rename = #wire));
    }
    if default {
        items.push(quote!(default));
    }
    if skip {
        items.push(quote!(
            skip_serializing_if = "::std::option::Option::is_none"
        ));
    }
    if let Some(w) = with {
        items.push(quote!(with = #w));
    }
    if items.is_empty() {
        quote!()
    } else {
        quote!(#[serde(#(#items),*)])
    }
}

/// A member's declaration with its serde attributes.
pub fn field(f: &Field) -> TokenStream {
    let name = ident(&f.rust);
    let wire = &f.wire;
    let base = ty(&f.ty);
    let full = match (f.optional, f.nullable) {
        (false, false) => base,
        (true, true) => quote!(::std::option::Option<::std::option::Option<#base>>),
        _ => quote!(::std::option::Option<#base>),
    };
    let attrs = serde_attr(f);
    let d = doc(f.doc.as_deref());
    let presence = match (f.optional, f.nullable) {
        (false, false) => None,
        (false, true) => Some("Always present on the wire; `None` when the venue sends `null`."),
        (true, false) => Some("`None` when the venue omits the field."),
        (true, true) => Some("Outer `None`: omitted; `Some(None)`: sent as `null`."),
    };
    let presence = presence.map(|p| {
        let b = if d.is_empty() { quote!() } else { blank() };
        let l = lines(p);
        quote!(#b #l)
    });
    let wire_doc = lines(&format!("Wire: `{wire}`."));
    // A paragraph break only after text: a field without a doc starts at its wire name.
    let b = if d.is_empty() && presence.is_none() {
        quote!()
    } else {
        blank()
    };
    let e = erratum(f.erratum.as_ref());
    let schema = schema_attr(f);
    quote! {
        #d
        #presence
        #b
        #wire_doc
        #e
        #attrs
        #schema
        pub #name: #full,
    }
}

fn structure(s: &StructDef) -> TokenStream {
    if s.positional {
        return positional(s);
    }
    let name = ident(&s.name);
    let d = doc(s.doc.as_deref());
    let fields = s.fields.iter().map(field);
    let (marker, map) = match &s.additional {
        Some(a) => additional(a),
        None => (quote!(), quote!()),
    };
    quote! {
        #d
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "conformance", derive(::schemars::JsonSchema))]
        #marker
        pub struct #name {
            #(#fields)*
            #map
        }
    }
}

/// A member's full Rust type: `Option` wrappers as its presence needs.
fn full_ty(f: &Field) -> TokenStream {
    let base = ty(&f.ty);
    match (f.optional, f.nullable) {
        (false, false) => base,
        (true, true) => quote!(::std::option::Option<::std::option::Option<#base>>),
        _ => quote!(::std::option::Option<#base>),
    }
}

/// A positional record: the struct (members in wire order, each the element at its index),
/// its serde by index (`runtime::positional::record!`), and its JSON Schema derived from an
/// object of the same members, so each element's schema and annotations are a member's.
fn positional(s: &StructDef) -> TokenStream {
    let rt = rt();
    let name = ident(&s.name);
    let name_text = &s.name;
    let d = doc(s.doc.as_deref());
    let decls = s.fields.iter().map(|f| {
        let fd = doc(f.doc.as_deref());
        let b = if fd.is_empty() { quote!() } else { blank() };
        let wire = lines(&format!(
            "Wire: `{}`, element {} of the array.",
            f.wire,
            index_of(s, f)
        ));
        let e = erratum(f.erratum.as_ref());
        let (n, t) = (ident(&f.rust), full_ty(f));
        quote!(#fd #b #wire #e pub #n: #t,)
    });
    let list = s.fields.iter().map(|f| {
        let (n, t) = (ident(&f.rust), full_ty(f));
        quote!(#n: #t)
    });
    let members = s.fields.iter().map(field);
    quote! {
        #d
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name {
            #(#decls)*
        }
        #rt::positional::record!(#name { #(#list),* });
        #[cfg(feature = "conformance")]
        const _: () = {
            #d
            #[derive(::schemars::JsonSchema)]
            #[allow(dead_code)]
            struct Members {
                #(#members)*
            }
            impl ::schemars::JsonSchema for #name {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    ::std::borrow::Cow::Borrowed(#name_text)
                }
                fn schema_id() -> ::std::borrow::Cow<'static, str> {
                    ::std::borrow::Cow::Borrowed(::std::concat!(::std::module_path!(), "::", #name_text))
                }
                fn json_schema(g: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                    #rt::positional::schema(<Members as ::schemars::JsonSchema>::json_schema(g))
                }
            }
        };
    }
}

/// The index of a member in its positional record.
fn index_of(s: &StructDef, f: &Field) -> usize {
    s.fields
        .iter()
        .position(|g| g.wire == f.wire)
        .unwrap_or_default()
}

/// The struct attribute that names the additional members' strict type (`x-additional`, read
/// by the conformance judge), and the map field that keeps them.
fn additional(a: &crate::spec::AdditionalSpec) -> (TokenStream, TokenStream) {
    use crate::spec::AdditionalType;
    let kind = match (a.ty, a.non_negative) {
        (AdditionalType::Decimal, true) => "non_negative_decimal",
        (AdditionalType::Decimal, false) => "decimal",
        (AdditionalType::String, _) => "string",
        (AdditionalType::Json, _) => "json",
    };
    let marker =
        quote!(#[cfg_attr(feature = "conformance", schemars(extend("x-additional" = #kind)))]);
    let name = ident(&a.rust);
    let d = doc(Some(&a.doc));
    let note = lines(
        "Every member the spec does not list, by its wire name, as JSON (kept verbatim and \
         written back).",
    );
    let b = blank();
    let map = quote! {
        #d
        #b
        #note
        #[serde(flatten)]
        pub #name: ::std::collections::BTreeMap<::std::string::String, ::serde_json::Value>,
    };
    (marker, map)
}

/// A wire enum: its declaration, then the table of variants and wire values from which the
/// runtime's `open_enum!` / `closed_enum!` write the rest (and the open enum's JSON Schema).
fn wire_enum(e: &EnumDef) -> TokenStream {
    let rt = rt();
    let name = ident(&e.name);
    let d = doc(e.doc.as_deref());
    let decls = e.variants.iter().map(|v| {
        let id = ident(&v.ident);
        let d = doc(v.doc.as_deref());
        let w = lines(&format!("Wire: `\"{}\"`.", v.value));
        let b = if d.is_empty() { quote!() } else { blank() };
        let er = erratum(v.erratum.as_ref());
        quote!(#d #b #w #er #id,)
    });
    let table = e.variants.iter().map(|v| {
        let (id, value) = (ident(&v.ident), &v.value);
        quote!(, #id = #value)
    });
    if !e.open {
        return quote! {
            #d
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum #name {
                #(#decls)*
            }
            #rt::enums::closed_enum!(#name #(#table)*);
        };
    }
    let schema = open_enum_schema(e);
    quote! {
        #d
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#decls)*
            /// A value the spec does not list, kept verbatim (the conformance suite reports it as drift).
            Unknown(::std::string::String),
        }
        #rt::enums::open_enum!(#name #(#table)*);
        #schema
    }
}

/// `JsonSchema` for an open enum: any string, with the documented values (and their errata)
/// as annotations the strict schema turns into a closed `enum`.
fn open_enum_schema(e: &EnumDef) -> TokenStream {
    let rt = rt();
    let name = ident(&e.name);
    // `""` stands for no description.
    let description = e.doc.as_deref().map(str::trim).unwrap_or_default();
    let errata = e.variants.iter().filter_map(|v| {
        let er = v.erratum.as_ref()?;
        let (value, d, w) = (&v.value, &er.docs, &er.wire);
        let note = match &er.note {
            Some(n) => quote!(::std::option::Option::Some(#n)),
            None => quote!(::std::option::Option::None),
        };
        Some(quote!(, (#value, #d, #w, #note)))
    });
    quote! {
        #[cfg(feature = "conformance")]
        #rt::enums::open_enum_schema!(#name, #description #(#errata)*);
    }
}
