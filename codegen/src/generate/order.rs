//! The payload's `to_order()`: the spec's `order:` mapping onto the unified `Order`.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, rt};
use crate::model::{Endpoint, Mapped, OrderMap, Side, Source, Status, StatusRule};
use crate::spec::ResponseShape;

/// `impl Payload { fn to_order }`, or nothing when the endpoint has no `order:` mapping.
pub fn items(e: &Endpoint) -> TokenStream {
    let Some(map) = &e.order else {
        return quote!();
    };
    let rt = rt();
    let payload = ident(&e.response_name);
    let text = |s: &Source| conversion(s, quote!(order_text));
    let dec = |s: &Option<Source>| match s {
        Some(s) => conversion(s, quote!(order_decimal)),
        None => quote!(::std::option::Option::None),
    };
    let time = |s: &Option<Source>| match s {
        Some(s) => conversion(s, quote!(order_time)),
        None => quote!(::std::option::Option::None),
    };
    let OrderMap {
        order_id,
        client_order_id,
        symbol,
        side,
        order_type,
        status,
        price,
        average_price,
        quantity,
        filled_quantity,
        filled_quote,
        created_at,
        updated_at,
        symbol_may_be_absent: _,
    } = map;
    let order_id = text(order_id);
    let symbol = text(symbol);
    let client_order_id = client_order_id
        .as_ref()
        .map_or_else(|| quote!(::std::option::Option::None), text);
    let side = side_of(side);
    let status = status_of(status);
    let order_type = type_of(order_type.as_ref());
    let (price, average_price, quantity, filled_quantity, filled_quote) = (
        dec(price),
        dec(average_price),
        dec(quantity),
        dec(filled_quantity),
        dec(filled_quote),
    );
    let uses = trait_uses(map);
    let (created_at, updated_at) = (time(created_at), time(updated_at));
    quote! {
        impl #payload {
            /// This order in common terms (the spec's `order:` mapping): venue-neutral side,
            /// type and status, decimals and UTC instants.
            pub fn to_order(&self) -> #rt::order::Order {
                #uses
                #rt::order::Order {
                    venue: super::ID,
                    order_id: #order_id.unwrap_or_default(),
                    client_order_id: #client_order_id,
                    symbol: #symbol.unwrap_or_default(),
                    side: #side,
                    order_type: #order_type,
                    status: #status,
                    price: #price,
                    average_price: #average_price,
                    quantity: #quantity,
                    filled_quantity: #filled_quantity,
                    filled_quote: #filled_quote,
                    created_at: #created_at,
                    updated_at: #updated_at,
                }
                .normalized()
            }
        }
    }
}

/// The unified side: a mapped field, or the sign of a signed amount.
fn side_of(side: &Side) -> TokenStream {
    let rt = rt();
    match side {
        Side::Mapped(m) => mapped(m, quote!(#rt::order::OrderSide)),
        Side::SignOf(f) => {
            let f = ident(f);
            quote!(#rt::order::side_of_sign(self.#f.order_decimal()))
        }
    }
}

/// The unified order type, when the spec maps one.
fn type_of(order_type: Option<&Mapped>) -> TokenStream {
    let rt = rt();
    match order_type {
        Some(m) => mapped_as(
            m,
            &quote!(#rt::order::OrderType),
            |v| quote!(::std::option::Option::Some(#v)),
            quote!(::std::option::Option::None),
        ),
        None => quote!(::std::option::Option::None),
    }
}

/// The conversion traits `to_order()` calls: `OrderDecimal` only where a decimal is read
/// and `OrderTime` only where a time is mapped (an unused import would warn).
fn trait_uses(map: &OrderMap) -> TokenStream {
    let rt = rt();
    let decimal = matches!(map.side, Side::SignOf(_))
        || [
            &map.price,
            &map.average_price,
            &map.quantity,
            &map.filled_quantity,
            &map.filled_quote,
        ]
        .iter()
        .any(|s| s.is_some());
    let time = map.created_at.is_some() || map.updated_at.is_some();
    let decimal = decimal.then(|| quote!(OrderDecimal as _,));
    let time = time.then(|| quote!(OrderTime as _,));
    quote!(use #rt::order::{#decimal OrderText as _, #time};)
}

/// For `EndpointInfo::to_order`: a function that parses a success body (or payload) and maps
/// its record onto the unified `Order` (`Ok(None)`: the payload holds no record, an empty
/// list), or `None` when the endpoint has no `order:` mapping.
pub fn info_entry(e: &Endpoint) -> TokenStream {
    let rt = rt();
    if e.order.is_some() {
        let order = match e.shape {
            ResponseShape::Record => quote!(::std::option::Option::Some(payload.to_order())),
            ResponseShape::List => quote!(payload.first().map(|record| record.to_order())),
        };
        quote!(::std::option::Option::Some(|scope, raw| {
            let payload = #rt::endpoint::payload::<Request>(scope, raw)?;
            ::std::result::Result::Ok(#order)
        }))
    } else {
        quote!(::std::option::Option::None)
    }
}

/// The expression reading `source` through a conversion trait's method (`Option<_>` result).
fn conversion(source: &Source, method: TokenStream) -> TokenStream {
    let rt = rt();
    match source {
        Source::Field(f) => {
            let f = ident(f);
            quote!(self.#f.#method())
        }
        Source::FirstOf(fields) => {
            let reads = fields.iter().map(|f| {
                let f = ident(f);
                quote!(self.#f.#method())
            });
            quote!(#rt::order::first_present([#(#reads),*]))
        }
        Source::Quotient(n, d) => {
            let (n, d) = (ident(n), ident(d));
            quote!(#rt::order::quotient(self.#n.#method(), self.#d.#method()))
        }
        Source::Abs(f) => {
            let f = ident(f);
            quote!(#rt::order::abs(self.#f.#method()))
        }
        Source::AbsDifference(m, s) => {
            let (m, s) = (ident(m), ident(s));
            quote!(#rt::order::abs_difference(self.#m.#method(), self.#s.#method()))
        }
    }
}

/// A `match` from the field's wire value onto the unified enum, `Unknown(raw)` otherwise.
fn mapped(m: &Mapped, unified: TokenStream) -> TokenStream {
    let absent = quote!(#unified::Unknown(::std::string::String::new()));
    mapped_as(m, &unified, |v| v, absent)
}

/// As [`mapped`], each unified value passed through `wrap`; for a field the spec lets be
/// absent (`may_be_absent`), the match is over `Option<&str>` and `absent` is its `None` arm.
fn mapped_as(
    m: &Mapped,
    unified: &TokenStream,
    wrap: impl Fn(TokenStream) -> TokenStream,
    absent: TokenStream,
) -> TokenStream {
    let f = ident(&m.field);
    let read = |value: TokenStream| {
        if m.is_enum {
            quote!(#value.as_wire())
        } else if m.before.is_empty() {
            quote!(#value.as_str())
        } else {
            let rt = rt();
            let seps = &m.before;
            quote!(#rt::order::text_before(#value.as_str(), &[#(#seps),*]))
        }
    };
    // A value mapped to `unknown` (no common term) falls to `Unknown(raw)` below.
    let known = m
        .map
        .iter()
        .filter(|(_, name)| name != runtime_vocab::NO_TERM);
    let unknown = quote!(#unified::Unknown(::std::borrow::ToOwned::to_owned(other)));
    if m.wrapped == 0 {
        let wire = read(quote!(self.#f));
        let arms = known.map(|(venue_value, name)| {
            let value = variant(unified, name);
            quote!(#venue_value => #value,)
        });
        return wrap(quote! {
            match #wire {
                #(#arms)*
                other => #unknown,
            }
        });
    }
    let unknown = wrap(unknown);
    let present = if m.wrapped == 1 {
        quote!(self.#f.as_ref())
    } else {
        quote!(self.#f.as_ref().and_then(::std::option::Option::as_ref))
    };
    let wire = read(quote!(v));
    let arms = known.map(|(venue_value, name)| {
        let value = wrap(variant(unified, name));
        quote!(::std::option::Option::Some(#venue_value) => #value,)
    });
    quote! {
        match #present.map(|v| #wire) {
            #(#arms)*
            ::std::option::Option::Some(other) => #unknown,
            ::std::option::Option::None => #absent,
        }
    }
}

/// `Unified::Variant` for a unified name (`partially_filled`).
fn variant(unified: &TokenStream, name: &str) -> TokenStream {
    let v = ident(&name.to_upper_camel_case());
    quote!(#unified::#v)
}

/// The expression of the unified status.
fn status_of(status: &Status) -> TokenStream {
    let rt = rt();
    match status {
        Status::Mapped(m) => mapped(m, quote!(#rt::order::OrderStatus)),
        Status::Rules(rules) => status_rules(rules, quote!(#rt::order::OrderStatus)),
    }
}

/// `if self.a && !self.b { X } else if .. { Y } else { Z }` from status rules.
fn status_rules(rules: &[StatusRule], unified: TokenStream) -> TokenStream {
    let mut out = quote!();
    for (i, StatusRule { when, is: name }) in rules.iter().enumerate().rev() {
        let variant = ident(&name.to_upper_camel_case());
        let value = quote!(#unified::#variant);
        if i + 1 == rules.len() || when.is_empty() {
            out = value;
            continue;
        }
        let tests = when.iter().map(|(f, v)| {
            let f = ident(f);
            if *v {
                quote!(self.#f)
            } else {
                quote!(!self.#f)
            }
        });
        out = quote!(if #(#tests)&&* { #value } else { #out });
    }
    out
}

/// The unified members the spec lets the answer leave out (`may_be_absent`), by name.
pub fn may_lack(e: &Endpoint) -> Vec<&'static str> {
    let Some(map) = &e.order else {
        return Vec::new();
    };
    let side = matches!(&map.side, Side::Mapped(m) if m.wrapped > 0);
    let order_type = map.order_type.as_ref().is_some_and(|m| m.wrapped > 0);
    [
        ("symbol", map.symbol_may_be_absent),
        ("side", side),
        ("type", order_type),
    ]
    .into_iter()
    .filter_map(|(name, lacks)| lacks.then_some(name))
    .collect()
}
