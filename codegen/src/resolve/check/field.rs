//! Rules of one field node: the keys that only some wire types take.

use super::Found;
use crate::resolve::{key, with};
use crate::source_map::Segment;
use crate::spec::{FieldSpec, WireType};

/// `values` only on `type: enum`.
pub(super) fn values_for_enums(found: &mut Found, path: &[Segment], f: &FieldSpec) {
    if f.values.is_some() && f.ty != WireType::Enum {
        found.at(
            &with(path, &[key("values")]),
            "`values` is only for `type: enum`",
        );
    }
}

/// `texts` exactly on `type: decimal_number_or_text`: at least one, none empty, none twice.
pub(super) fn texts_for_number_or_text(found: &mut Found, path: &[Segment], f: &FieldSpec) {
    let at = with(path, &[key("texts")]);
    if f.ty != WireType::DecimalNumberOrText {
        if !f.texts.is_empty() {
            found.at(&at, "`texts` is only for `type: decimal_number_or_text`");
        }
        return;
    }
    if f.texts.is_empty() {
        found.at(
            path,
            "a decimal_number_or_text needs `texts`: the texts the docs send instead of a number",
        );
    }
    for (i, t) in f.texts.iter().enumerate() {
        if t.is_empty() || f.texts[..i].contains(t) {
            found.at(&at, format!("text `{t}` is empty or given twice"));
        }
    }
}

/// `fields` only on `type: object`.
pub(super) fn fields_for_objects(found: &mut Found, path: &[Segment], f: &FieldSpec) {
    if f.fields.is_some() && f.ty != WireType::Object {
        found.at(
            &with(path, &[key("fields")]),
            "`fields` is only for `type: object`",
        );
    }
}

/// `additional` only on `type: object`; its map field's name is a Rust identifier that no
/// listed field uses.
pub(super) fn additional_for_objects(found: &mut Found, path: &[Segment], f: &FieldSpec) {
    let Some(a) = &f.additional else {
        return;
    };
    let at = with(path, &[key("additional")]);
    if f.ty != WireType::Object {
        found.at(&at, "`additional` is only for `type: object`");
        return;
    }
    let taken = f.fields.iter().flatten().any(|(wire, field)| {
        field
            .rust
            .clone()
            .unwrap_or_else(|| crate::names::field_name(wire))
            == a.rust
    });
    if !crate::names::is_ident(&a.rust) || taken {
        found.at(
            &with(&at, &[key("rust")]),
            format!("`{}` is not a free Rust field name of this object", a.rust),
        );
    }
    if a.non_negative && a.ty != crate::spec::AdditionalType::Decimal {
        found.at(
            &with(&at, &[key("non_negative")]),
            "`non_negative` is only for `type: decimal`",
        );
    }
}

/// `items` only on `type: array`.
pub(super) fn items_for_arrays(found: &mut Found, path: &[Segment], f: &FieldSpec) {
    if f.items.is_some() && f.ty != WireType::Array {
        found.at(
            &with(path, &[key("items")]),
            "`items` is only for `type: array`",
        );
    }
}

/// `name` only on the types that define a Rust type.
pub(super) fn name_for_named(found: &mut Found, path: &[Segment], f: &FieldSpec) {
    if f.name.is_some() && !matches!(f.ty, WireType::Enum | WireType::Object) {
        found.at(
            &with(path, &[key("name")]),
            "`name` is only for enums and objects",
        );
    }
}

/// A `u64_string` field is not both optional and nullable.
pub(super) fn u64_string_one_absence(found: &mut Found, path: &[Segment], f: &FieldSpec) {
    if f.ty == WireType::U64String && f.optional && f.nullable {
        found.at(
            path,
            "a u64_string field cannot be both optional and nullable",
        );
    }
}
