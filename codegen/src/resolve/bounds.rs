//! What a response field promises beyond its type: `non_negative` on decimals, and
//! `min_length`/`max_length` on strings.

use super::{Ctx, key, with};
use crate::model::Bounds;
use crate::source_map::Segment;
use crate::spec::{FieldSpec, WireType};

/// The bounds of a field, each checked against its type.
pub(super) fn bounds<T>(cx: &mut Ctx<'_, T>, path: &[Segment], f: &FieldSpec) -> Bounds {
    if f.non_negative
        && !matches!(
            f.ty,
            WireType::Decimal | WireType::DecimalNumber | WireType::DecimalNumberOrText
        )
    {
        cx.err(
            &with(path, &[key("non_negative")]),
            "`non_negative` is only for `type: decimal`, `decimal_number` or `decimal_number_or_text`",
        );
    }
    for (name, set) in [("min_length", f.min_length), ("max_length", f.max_length)] {
        if set.is_some() && f.ty != WireType::String {
            cx.err(
                &with(path, &[key(name)]),
                format!("`{name}` is only for `type: string`"),
            );
        }
    }
    match (f.min_length, f.max_length) {
        (_, Some(0)) => cx.err(
            &with(path, &[key("max_length")]),
            "`max_length` must be at least 1",
        ),
        (Some(min), Some(max)) if min > max => cx.err(
            &with(path, &[key("min_length")]),
            format!("`min_length` {min} is above `max_length` {max}"),
        ),
        _ => {}
    }
    Bounds {
        non_negative: f.non_negative,
        min_length: f.min_length,
        max_length: f.max_length,
    }
}

/// Array items cannot carry bounds (they would have nowhere to go in the generated schema): an
/// error at each one set.
pub(super) fn refuse_on_items<T>(cx: &mut Ctx<'_, T>, path: &[Segment], items: &FieldSpec) {
    let set = [
        ("non_negative", items.non_negative),
        ("min_length", items.min_length.is_some()),
        ("max_length", items.max_length.is_some()),
    ];
    for (name, _) in set.into_iter().filter(|(_, on)| *on) {
        cx.err(
            &with(path, &[key(name)]),
            format!("`{name}` is not supported on array items; set it on an object field"),
        );
    }
}
