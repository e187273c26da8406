//! Each value written back as the constant expression that builds it, for generated code.
//!
//! Lists are written as `Cow::Borrowed(&[..])` in place (not through a `const fn`), so the
//! constant's temporaries live for the whole program.
//!
//! Paths start at `__rt` (`__rt::signing::Part::Method`), the alias of the runtime that every
//! generated module declares; the runtime re-exports this vocabulary at these paths.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};

use crate::{
    Add, BodyFormat, DigestAlgorithm, Encoding, KeyEncoding, KeyKind, Location, OrderSide,
    OrderStatus, OrderType, Output, Part, Place, SchemeTransport, Sign, SignAlgorithm,
    TimestampFormat,
};

/// `__rt::<module>::<ty>::<variant>`, the variant named by its `Debug` text.
fn unit(module: &str, ty: &str, variant: &dyn std::fmt::Debug) -> TokenStream {
    let (module, ty) = (ident(module), ident(ty));
    let variant = ident(&format!("{variant:?}"));
    quote!(__rt::#module::#ty::#variant)
}

fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

/// Plain enums whose variants carry nothing.
macro_rules! plain {
    ($($ty:ident in $module:literal),* $(,)?) => {$(
        impl ToTokens for $ty {
            fn to_tokens(&self, tokens: &mut TokenStream) {
                tokens.extend(unit($module, stringify!($ty), self));
            }
        }
    )*};
}

plain! {
    Location in "request",
    BodyFormat in "request",
    SchemeTransport in "signing",
    KeyKind in "signing",
    TimestampFormat in "signing",
    Encoding in "signing",
    DigestAlgorithm in "signing",
    SignAlgorithm in "signing",
    KeyEncoding in "signing",
    Output in "signing",
}

/// The unified order's enums: a known value by name; `Unknown` never comes from a spec.
macro_rules! unified {
    ($($ty:ident),*) => {$(
        impl ToTokens for $ty {
            fn to_tokens(&self, tokens: &mut TokenStream) {
                let ty = ident(stringify!($ty));
                tokens.extend(match self {
                    Self::Unknown(raw) => quote!(__rt::order::#ty::Unknown(
                        ::std::borrow::ToOwned::to_owned(#raw)
                    )),
                    known => unit("order", stringify!($ty), known),
                });
            }
        }
    )*};
}

unified!(OrderSide, OrderType, OrderStatus);

impl ToTokens for Part {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let part = quote!(__rt::signing::Part);
        tokens.extend(match self {
            Part::Literal(text) => {
                let text: &str = text;
                quote!(#part::literal(#text))
            }
            Part::Credential(name) => {
                let name: &str = name;
                quote!(#part::credential(#name))
            }
            Part::Params {
                from,
                sort,
                encoding,
                prefix,
            } => {
                let prefix: &str = prefix;
                quote!(#part::Params {
                    from: #from,
                    sort: #sort,
                    encoding: #encoding,
                    prefix: ::std::borrow::Cow::Borrowed(#prefix),
                })
            }
            Part::Param { from, name } => {
                let name: &str = name;
                quote!(#part::Param {
                    from: #from,
                    name: ::std::borrow::Cow::Borrowed(#name),
                })
            }
            Part::Digest {
                algorithm,
                of,
                output,
            } => {
                let of = of.iter();
                let output = match output {
                    Some(o) => quote!(::std::option::Option::Some(#o)),
                    None => quote!(::std::option::Option::None),
                };
                quote!(#part::Digest {
                    algorithm: #algorithm,
                    of: ::std::borrow::Cow::Borrowed(&[#(#of),*]),
                    output: #output,
                })
            }
            Part::Mac {
                algorithm,
                key,
                of,
                output,
            } => {
                let key: &str = key;
                let of = of.iter();
                quote!(#part::Mac {
                    algorithm: #algorithm,
                    key: ::std::borrow::Cow::Borrowed(#key),
                    of: ::std::borrow::Cow::Borrowed(&[#(#of),*]),
                    output: #output,
                })
            }
            Part::RandomHex(bytes) => quote!(#part::RandomHex(#bytes)),
            Part::TimestampPlus(secs) => quote!(#part::TimestampPlus(#secs)),
            Part::Json { members, output } => {
                let members = members.iter().map(|m| {
                    let (name, value, integer): (&str, _, _) = (&m.name, m.value.iter(), m.integer);
                    quote!(__rt::signing::JsonMember {
                        name: ::std::borrow::Cow::Borrowed(#name),
                        value: ::std::borrow::Cow::Borrowed(&[#(#value),*]),
                        integer: #integer,
                    })
                });
                let output = match output {
                    Some(o) => quote!(::std::option::Option::Some(#o)),
                    None => quote!(::std::option::Option::None),
                };
                quote!(#part::Json {
                    members: ::std::borrow::Cow::Borrowed(&[#(#members),*]),
                    output: #output,
                })
            }
            Part::Method
            | Part::Host
            | Part::Path
            | Part::Timestamp
            | Part::Body
            | Part::ContentType
            | Part::Uuid4 => unit("signing", "Part", self),
        });
    }
}

impl ToTokens for Add {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let Add {
            location,
            name,
            value,
            sensitive,
        } = self;
        let (name, value): (&str, _) = (name, value.iter());
        tokens.extend(quote!(__rt::signing::Add {
            location: #location,
            name: ::std::borrow::Cow::Borrowed(#name),
            value: ::std::borrow::Cow::Borrowed(&[#(#value),*]),
            sensitive: #sensitive,
        }));
    }
}

impl ToTokens for Sign {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let Sign {
            algorithm,
            key,
            key_encoding,
            output,
        } = self;
        let key: &str = key;
        tokens.extend(quote!(__rt::signing::Sign::new(
            #algorithm, #key, #key_encoding, #output
        )));
    }
}

impl ToTokens for Place {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let Place {
            location,
            name,
            prefix,
            with_payload,
        } = self;
        let (name, prefix): (&str, &str) = (name, prefix);
        tokens.extend(if self.composed() {
            let with_payload = match with_payload.as_deref() {
                Some(t) => quote!(::std::option::Option::Some(#t)),
                None => quote!(::std::option::Option::None),
            };
            quote!(__rt::signing::Place::token(#location, #name, #prefix, #with_payload))
        } else {
            quote!(__rt::signing::Place::new(#location, #name))
        });
    }
}
